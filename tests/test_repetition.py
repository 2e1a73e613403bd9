"""Repeats, restarts and overused words: each rule's examples are decided by that rule."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from wordlists import words_from

from rehearse.language.filler_rules import example_words
from rehearse.language.repetition import RULES, explain_repetitions, find_repetitions, overused
from rehearse.language.restart_model import (
    BROKEN_WEIGHTS_FILE,
    FEATURES,
    WEIGHTS_FILE,
    Break,
    _features,
)

EXAMPLES = [
    pytest.param(rule, text, verdict, id=f"{rule.name}: {text}")
    for rule in RULES
    for text, verdict in rule.examples
]


@pytest.mark.parametrize(("rule", "text", "verdict"), EXAMPLES)
def test_each_example_is_decided_by_its_own_rule(rule, text, verdict):
    words, _paused = example_words(text)
    decided = explain_repetitions(words)
    # The example is about its first candidate: an earlier rule that catches it shadows this one.
    assert decided, f"no candidate in {text!r}"
    _candidate, by = decided[0]
    assert (by.name, by.verdict) == (rule.name, verdict)


def test_the_table_ends_in_its_default_and_every_rule_has_examples():
    *conditional, default = RULES
    assert default.when is None
    assert all(rule.when is not None for rule in conditional)
    for rule in RULES:
        assert rule.examples, rule.name
        assert all(verdict == rule.verdict for _text, verdict in rule.examples), rule.name
        assert rule.name.startswith("repetition.") and "→" in rule.description
    assert len({r.name for r in RULES}) == len(RULES)


def test_a_repeat_spans_both_goes_and_cuts_the_first():
    words = words_from("We trained the the model, then in practice we, in practice we shipped.")
    found = find_repetitions(words)
    assert [(r.kind, r.text) for r in found] == [("repeat", "the"), ("restart", "in practice we")]
    repeat, restart = found
    assert (repeat.start, repeat.end) == (words[2].start, words[3].end)
    assert repeat.word_indices == (2,)
    assert restart.word_indices == (6, 7, 8)
    assert restart.end == words[11].end


# A sentence's two opening words said again are the sentence begun again (the issue's "we
# trained, we trained the model"); inside a sentence two words said again are a repeat, and one
# word said again is a repeat anywhere.
OPENING_OR_INSIDE = [
    ("We trained, we trained the model on a week.", ("restart", "we trained")),
    ("It failed. If the, if the answer is late, we fall back.", ("restart", "if the")),
    ("So I started I started with the labels.", ("restart", "i started")),
    ("Bots push the same the same records through.", ("repeat", "the same")),
    ("We read it, and the model the model looked fine.", ("repeat", "the model")),
    ("The the model was fine.", ("repeat", "the")),
    ("It failed. We, we retrained it.", ("repeat", "we")),
]


@pytest.mark.parametrize(("text", "found"), OPENING_OR_INSIDE)
def test_two_words_said_again_open_a_sentence_again_or_repeat_inside_one(text, found):
    assert [(r.kind, r.text) for r in find_repetitions(words_from(text))] == [found]


def test_very_very_is_emphasis_not_a_repeat():
    assert find_repetitions(words_from("Fraud is very, very rare, one in a thousand.")) == []


def test_traps_are_not_repetitions():
    text = (
        "The queue grew bigger and bigger, and step by step we fixed it. What I think about is "
        "the label. We found that that feature leaked, and we had had it for months."
    )
    assert find_repetitions(words_from(text)) == []


@pytest.mark.parametrize(
    "text",
    [
        # An aside or a hesitation after the comma holds the phrase open.
        "It went from, I'd say, seventy percent up to ninety.",
        "So we ran it for, um, five weeks and adjusted for city.",
        "We had to, sort of, add some randomization to production.",
        # A subject closing a clause, and a form of "be" before a clause said whole.
        "It beat us, and so did we, the next quarter.",
        "The general rule is, if the metric is flat, the model is.",
    ],
)
def test_a_comma_after_a_word_that_needs_more_is_no_restart_when_the_phrase_goes_on(text):
    assert [r.kind for r in find_repetitions(words_from(text))] == []


def test_hesitations_between_the_goes_are_looked_past_and_skipped_words_are_not_read():
    words = words_from("It was the, um, the label, you know, you know, fine.")
    assert [r.text for r in find_repetitions(words)] == ["the", "you know"]
    # "you know" counted as a filler is not a repetition as well.
    assert [r.text for r in find_repetitions(words, skip={6, 7, 8, 9})] == ["the"]


def test_overused_words_need_both_a_count_and_a_share():
    text = "pipeline " * 5 + "we built the model on clicks and the labels were from support"
    found = overused(words_from(text))
    assert [(o.text, o.count) for o in found] == [("pipeline", 5)]
    assert found[0].times == tuple(round(0.4 * k, 3) for k in range(5))
    # The question's own terms are expected to come back.
    assert overused(words_from(text), allowed={"pipeline"}) == []
    # Four in a long answer is not far more than its length explains.
    long = "pipeline " * 4 + " ".join(f"word{k}x" for k in range(60))
    assert overused(words_from(long)) == []


def test_a_swapped_restart_needs_no_sentence_break_between_the_goes():
    # Said straight on, the second go redoes the first; after a sentence-long silence, or a
    # comma, it is a second clause that opens alike.
    straight_on = words_from("So we trained the encoder | we trained the ranker on it.")
    after_a_silence = words_from("So we trained the encoder | we trained the ranker.", gap=0.6)
    after_a_comma = words_from("So we trained the encoder, we trained the ranker.")
    assert [(r.kind, r.text) for r in find_repetitions(straight_on)] == [
        ("restart", "we trained the encoder")
    ]
    assert find_repetitions(after_a_silence) == []
    assert find_repetitions(after_a_comma) == []


# The blind writer's restarts that share no more than an opening word or its class with the
# second go: left to the fitted restart decision.
FRESH_STARTS = [
    "So the model the whole pipeline was slow that week.",
    "And we'd train we retrain it every Monday.",
    "So we I built the loader myself.",
    "Two stages. The candidate the first stage pulls a few hundred items.",
]


# First goes of five or six words run straight into a fresh start: weighed by the decision too.
LONG_FIRST_GOES = [
    "For the churn model I would for a baseline I would start with a rule.",
    "And the main cost is and the biggest cost is the labelling.",
    "We sorted the tickets by hand we split the tickets by queue.",
]


@pytest.mark.parametrize("text", FRESH_STARTS + LONG_FIRST_GOES)
def test_a_fresh_start_after_a_short_or_long_first_go_is_a_restart(text):
    found = find_repetitions(words_from(text))
    assert [r.kind for r in found] == ["restart"], found


def test_long_clauses_joined_or_set_apart_are_not_restarts():
    joined = "We trained the model on clicks and we trained the ranker on sales."
    apart = "The first thing I would do is check the labels, the second thing I would do is wait."
    assert find_repetitions(words_from(joined)) == []
    assert find_repetitions(words_from(apart)) == []


# Grammar could join these goes (a form of "be", a verb and a noun phrase), but the second go
# says the first's words again and opens a clause of its own: a redo, not a complement.
RESTARTS_THROUGH_A_GATE = [
    "It wasn't mature it was too immature at that point.",
    "On clicks, the model learns the model relearns its own ranking.",
    "Precision is the precision asks how many alerts were real.",
    # A noun phrase alone, then a clause of its own.
    "Next, the training the features were computed twice.",
    # An article left before "the": never one noun phrase.
    "I had a case where the team wanted a the team was excited about a deep model.",
]


@pytest.mark.parametrize("text", RESTARTS_THROUGH_A_GATE)
def test_a_second_go_that_echoes_the_first_and_opens_a_clause_is_a_restart(text):
    found = find_repetitions(words_from(text))
    assert [r.kind for r in found] == ["restart"], found


CLAUSES_THAT_OPEN_ALIKE = [
    "We ran the job, we ran it again the next day.",
    "We rolled it out step by step, and it won again and again.",
    "We found that that feature leaked.",
    "The baseline was the same weekday last year.",
    "The team owned the app and the feed.",
    "We knew we had a leak.",
    # An article before a word that is a noun here: not left hanging.
    "For a while we kept both models.",
    "The why decides the what.",
    # A comma after a subject and more than a bare verb: two clauses.
    "But I was new, I wanted a win.",
    # A quantifier standing alone ends its phrase.
    "We recorded more, we augmented more.",
    # A verb that takes a clause, then its clause.
    "I'd say what I would improve is the labels.",
    # "a" the letter after an article; a word in "-ing" after "the" modifies, it is no verb.
    "We measured it in an A B test.",
    "Because the serving side used the billing address, it broke.",
    # A relative clause with its object left out: "the model [that] the team trained".
    "The model the team trained was slow.",
    "The training the team did was short.",
]


@pytest.mark.parametrize("text", CLAUSES_THAT_OPEN_ALIKE)
def test_clauses_that_open_alike_are_not_restarts(text):
    assert find_repetitions(words_from(text)) == []


def test_a_sentence_long_silence_between_the_goes_keeps_them_apart():
    text = "So the model | the whole pipeline was slow."
    assert [r.kind for r in find_repetitions(words_from(text, gap=0.0))] == ["restart"]
    assert find_repetitions(words_from(text, gap=0.5)) == []


def test_the_feature_names_are_any_breaks_and_read_no_word_list_on_import():
    # Read on import, lemminflect's list would hold up the speech model's load on every run.
    full = Break(("we", "trained"), ("we", "retrained", "it"), "", True, "verb_object")
    assert tuple(_features(full)) == FEATURES
    probe = (
        "import gc, rehearse.service, lemminflect.core.Lemmatizer as L;"
        "print(any(hasattr(o, 'lemma_dict')"
        " for o in gc.get_objects() if isinstance(o, L.Lemmatizer)))"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"


@pytest.mark.parametrize("path", [WEIGHTS_FILE, BROKEN_WEIGHTS_FILE], ids=lambda p: p.name)
def test_the_packaged_restart_decisions_weigh_every_feature(path):
    data = json.loads(path.read_text(encoding="utf-8"))
    assert set(data["weights"]) == set(FEATURES)
    assert 0 < data["threshold"] < 1


# A clause's opening broken off by a comma: a fresh start after it is a restart, but a list's
# items, an introductory phrase and a clause followed by its next one are the speaker's phrasing.
BROKEN_OFF = [
    ("The data came, the data was scan events from the depots.", "restart"),
    ("We were reporting, they were reporting accuracy to the board.", "restart"),
    ("Teams got renamed, teams got merged, teams got split.", None),
    ("Over the year, the model drifted a lot.", None),
    ("In practice, we retrained it every week.", None),
    ("If the labels are late, the model trains on stale data.", None),
    # A second go joined by "and" is the speaker's next item, unless the first opened on "and".
    ("It had too little data, so I rejected it, and I also rejected a plain average.", None),
    ("Check when it's written, and who, and which job writes it.", "restart"),
]

# Items of a list of three or more made alike are the speaker's figure, whichever rule would have
# read the first two as a phrase begun again; a restart inside such a list still counts.
SERIES = [
    (
        "We look at what people typed, we look at what they clicked, we look at what they bought.",
        [],
    ),
    ("It knew nothing of the venue's history, the cast's history, the writer's history.", []),
    ("We asked what it costs, we asked who maintains it, we asked who explains it.", []),
    ("You need a deep, a very deep tree, a huge forest.", ["restart"]),
]


@pytest.mark.parametrize(("text", "kinds"), SERIES)
def test_items_of_a_series_are_not_restarts(text, kinds):
    assert [r.kind for r in find_repetitions(words_from(text))] == kinds


# Two terms joined the way "and" joins them are partners, not a phrase begun again.
@pytest.mark.parametrize(
    "text",
    [
        "Our first rules were simple, new card plus new device plus a big amount.",
        "The rating went from three point six to three point nine.",
    ],
)
def test_terms_joined_or_a_range_are_not_restarts(text):
    assert find_repetitions(words_from(text)) == []


@pytest.mark.parametrize(("text", "kind"), BROKEN_OFF)
def test_a_clause_broken_off_by_a_comma(text, kind):
    found = [r.kind for r in find_repetitions(words_from(text))]
    assert found == ([kind] if kind else [])


# A phrase said again with its determiner changed is begun afresh only where it opens a clause
# and the sentence goes on: a list's items, an object restated, a phrase that closes the
# sentence are the speaker's content.
ECHOES = [
    ("So training windows, the training windows lag behind.", [("restart", "training windows")]),
    ("Features, our features come from the CRM.", [("restart", "features")]),
    ("Item embeddings, user embeddings, and the ranker.", []),
    ("Then we compared models, the models we had.", []),
    ("We looked at recall, the recall at k.", []),
    ("Monitoring, the monitoring.", []),
]


@pytest.mark.parametrize(("text", "found"), ECHOES)
def test_a_phrase_said_again_with_another_determiner(text, found):
    assert [(r.kind, r.text) for r in find_repetitions(words_from(text))] == found


@pytest.mark.parametrize(
    "text",
    [
        "We searched the strength on a log scale, point zero zero one up to ten.",
        "The AUC was zero point nine nine on the test set.",
    ],
)
def test_digits_of_a_number_said_in_a_row_are_not_repeats(text):
    assert find_repetitions(words_from(text)) == []
