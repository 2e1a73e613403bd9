import pytest
from wordlists import words_from

from rehearse.language.filler_rules import RULES, example_words
from rehearse.language.fillers import explain_fillers, find_fillers
from rehearse.text.words import hesitation_form


def fillers(text: str, extra=()) -> list[str]:
    return [f.text for f in find_fillers(words_from(text), extra)]


@pytest.mark.parametrize(
    ("spelling", "canonical"),
    [
        ("um", "um"),
        ("umm", "um"),
        ("ummmm", "um"),
        ("uhm", "um"),
        ("uh", "uh"),
        ("uhh", "uh"),
        ("er", "er"),
        ("err", "er"),
        ("erm", "erm"),
        ("ah", "ah"),
        ("ahh", "ah"),
        ("hmm", "hmm"),
        ("hm", "hmm"),
        ("mm", "hmm"),
        ("mhm", "hmm"),
    ],
)
def test_hesitations_in_any_spelling_or_length(spelling, canonical):
    assert hesitation_form(spelling) == canonical
    assert fillers(f"So, {spelling.capitalize()}, the model.") == [canonical]


@pytest.mark.parametrize("word", ["umbrella", "her", "ahead", "hum", "uhura", "error", "mmap"])
def test_words_that_merely_look_like_hesitations_are_content(word):
    assert hesitation_form(word) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("We used tools like Spark and Flink.", []),
        ("I like XGBoost for tabular data.", []),
        ("It looks like a leak.", []),
        ("I would, like, tune the threshold.", ["like"]),
        ("And, like, the recall dropped.", ["like"]),
        ("Like, we never checked the labels.", ["like"]),
        ("and like the recall dropped.", ["like"]),
        ("You know, the labels were noisy.", ["you know"]),
        ("Do you know the base rate?", []),
        ("You know the answer already.", []),
        ("it was slow, you know, in production.", ["you know"]),
        ("I mean, we shipped it anyway.", ["i mean"]),
        ("I mean the validation set, not the test set.", []),
        ("That is what I mean.", []),
        ("It was kind of slow.", ["kind of"]),
        ("This kind of model overfits.", []),
        ("What sort of data do we have?", []),
        ("The results were sort of random.", ["sort of"]),
        ("Basically, the model memorised the data.", ["basically"]),
        ("It was literally, twice as fast.", ["literally"]),
        # Behaviour change (issue 5): "basically" is an empty sentence adverb with or without
        # commas, and the benchmark labels it a filler; tiny.en rarely writes its commas.
        ("We basically retrained.", ["basically"]),
    ],
)
def test_discourse_fillers_only_where_they_are_padding(text, expected):
    assert fillers(text) == expected


def test_filler_keeps_time_and_word_indices():
    words = words_from("So, um, the you know metric")
    found = find_fillers(words)
    assert [(f.text, f.kind, f.word_indices) for f in found] == [
        ("um", "hesitation", (1,)),
        ("you know", "discourse", (3, 4)),
    ]
    assert found[1].start == words[3].start and found[1].end == words[4].end


def test_user_extra_fillers_always_count():
    assert fillers("Right, so, the model. Right.", extra=["right", "so"]) == [
        "right",
        "so",
        "right",
    ]
    found = find_fillers(words_from("at the end of the day it works"), ["at the end of the day"])
    assert [(f.text, f.kind) for f in found] == [("at the end of the day", "custom")]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # "like" after a form of "be": comparison before "a"/"what", padding otherwise.
        ("It's like a funnel.", []),
        ("The error is like much higher.", ["like"]),
        ("That's like still useful.", ["like"]),
        ("It was like what we had before.", []),
        # "like" before a number or a degree word means "about" or hedges.
        ("We spent like three weeks on it.", ["like"]),
        ("It dropped like 15 points.", ["like"]),
        ("I'd like two of them.", []),
        ("It looks like far less data.", []),
        # "kind of" after a determiner and an adjective is content; before an adjective, a hedge;
        # after "a", a type whatever follows.
        ("The first kind of fix is resampling.", []),
        ("A different sort of question.", []),
        ("The model kind of sees the future.", ["kind of"]),
        ("The relationship looked kind of curved.", ["kind of"]),
        ("We tried sort of two tower models.", ["sort of"]),
        ("That is a kind of leakage.", []),
        ("A linear model on a kind of curved relationship.", []),
        ("It is a sort of hidden coupling.", []),
        # "literally" keeps its literal sense after a degree word, at the end, or before "same".
        ("The tree literally memorises the data.", ["literally"]),
        ("They take it literally.", []),
        ("I mean that quite literally.", []),
        ("They use literally the same code.", []),
        ("It is literally, no labels.", ["literally"]),
        # "I mean" that defines a term is content.
        ("By drift I mean a change in the inputs.", []),
        ("When I say slices, I mean segments.", []),
        ("So, I mean, we shipped it.", ["i mean"]),
        # "you know" followed by a subject: "know" has a clause for object.
        ("You know you need one eventually.", []),
    ],
)
def test_context_rules_that_do_not_need_commas(text, expected):
    assert fillers(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # "I mean it" with a clause ending after "it": "it" is the object of "mean".
        ("A library might be enough. I mean, it don't build one too early.", []),
        ("I mean it. Nobody reads the docs.", []),
        ("I mean it, the outer folds never saw a tuning decision.", []),
        ("I mean, it usually wins on tabular data.", ["i mean"]),
        ("I mean, it's almost always the labels.", ["i mean"]),
    ],
)
def test_i_mean_it_as_content(text, expected):
    assert fillers(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # After a form of "be", before a participle or an adjective of state: the literal sense.
        ("A third of those were literally mislabelled.", []),
        ("The vendor labels were literally wrong on one item in eight.", []),
        ("The index was literally unusable after the migration.", []),
        ("That skew was literally the most common bug.", ["literally"]),
        ("It's literally telling you where the model breaks.", ["literally"]),
        ("So we literally shipped the old vectors.", ["literally"]),
        # Clause-final after an object, even with a comma after it.
        ("They take it literally, so we added a note.", []),
        ("I read that literally, and it was wrong.", []),
        ("It was, literally, a coin flip.", ["literally"]),
    ],
)
def test_literally_describing_a_state_or_closing_a_clause(text, expected):
    assert fillers(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("An underpowered test literally cannot detect the effect.", []),
        ("The model literally can't see the future.", []),
        ("New shows literally never got a single impression.", ["literally"]),
        ("It was, literally, can't miss.", ["literally"]),
    ],
)
def test_literally_before_a_negated_modal_is_content(text, expected):
    assert fillers(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("It is regularisation by capacity I mean, um, the number of parameters.", ["um"]),
        ("We split by patient I mean the grouping key.", []),
        ("We split by patient, I mean, it was the only safe key.", ["i mean"]),
    ],
)
def test_i_mean_after_by_and_a_term_defines_it(text, expected):
    assert fillers(text) == expected


def test_a_pause_sets_literally_off_like_a_comma():
    words = words_from("The estimate was literally wrong.")
    assert [f.text for f in find_fillers(words)] == []
    assert [f.text for f in find_fillers(words, paused={3})] == ["literally"]
    assert [f.text for f in find_fillers(words_from("It was, literally, untouched."))] == [
        "literally"
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A comma before "like" and none after: it introduces examples ("such as"), content.
        ("We wrote simple rules, like if the ticket mentions a refund.", []),
        ("Several variations of each other, like balances over three months.", []),
        ("Raw transactions, like, millions of rows per month.", ["like"]),
        ("Let's say, like 50 million users.", ["like"]),
    ],
)
def test_like_after_a_comma_alone_gives_examples(text, expected):
    assert fillers(text) == expected


def test_pauses_around_like_set_it_off_unless_a_subject_makes_it_the_verb():
    # "I'd, like, keep a slice" heard without its commas: the pauses set it off, and without
    # them the bare verb does (rule like.wanting-a-bare-verb); "I'd like a slice" wants one.
    words = words_from("And I'd like keep a small slice.")
    assert [f.text for f in find_fillers(words)] == ["like"]
    assert [f.text for f in find_fillers(words, paused={2, 3})] == ["like"]
    words = words_from("And I'd like a small slice.")
    assert [f.text for f in find_fillers(words)] == []
    words = words_from("I like boosting with small trees.")
    assert [f.text for f in find_fillers(words, paused={1, 2})] == []


@pytest.mark.parametrize(
    ("text", "paused", "expected"),
    [
        ("It's a rollback plan, which kind of sounds boring.", set(), []),
        ("It's a rollback plan, which, kind of, sounds boring.", set(), ["kind of"]),
        ("It's a rollback plan, which kind of sounds boring.", {5, 7}, ["kind of"]),
        ("Which kind of model did you use?", set(), []),
    ],
)
def test_kind_of_set_off_on_both_sides_pads_even_after_a_determiner(text, paused, expected):
    assert [f.text for f in find_fillers(words_from(text), paused=paused)] == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Because I mean half the noise came from one vendor.", ["i mean"]),
        ("And I mean nobody checked the joins.", ["i mean"]),
        ("By drift I mean a change in the inputs.", []),
        ("What I mean is the validation set.", []),
    ],
)
def test_i_mean_after_a_conjunction_pads_the_clause(text, expected):
    assert fillers(text) == expected


@pytest.mark.parametrize(
    ("text", "expected", "indices"),
    [
        ("It kinda worked on the first try.", ["kind of"], [(1,)]),
        ("We sorta rebuilt it.", ["sort of"], [(1,)]),
        ("What kinda model did you use?", [], []),
        ("It was, kinda, fine.", ["kind of"], [(2,)]),
    ],
)
def test_kinda_and_sorta_are_the_phrase_in_one_word(text, expected, indices):
    found = find_fillers(words_from(text))
    assert [f.text for f in found] == expected
    assert [f.word_indices for f in found] == indices


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # "I mean that literally": "that" is what is meant, and the adverb says how.
        ("She knew them better than I did, and I mean that literally. She met them.", []),
        ("I mean it seriously.", []),
        ("I mean, that literally never happened.", ["i mean", "literally"]),
        # Any punctuation after "mean" or "know" sets the phrase off, an ellipsis too.
        ("A marketing push. I mean... The real problem was the labels.", ["i mean"]),
        ("You know... the labels came late.", ["you know"]),
    ],
)
def test_i_mean_that_literally_and_punctuation_after_the_phrase(text, expected):
    assert fillers(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("It's like giving the underdog a lottery ticket.", []),
        # A comparison of acts is told in the present; "was like" hedges (labelled so on dev).
        ("It's like doubling the cost of every mistake.", []),
        ("That was like doubling the cost.", ["like"]),
        ("It was like far worse.", ["like"]),
        ("Some took it literally as a verdict on their writing.", []),
        ("It was literally as slow as before.", ["literally"]),
    ],
)
def test_like_before_an_action_compares_and_literally_as_reads_an_object(text, expected):
    assert fillers(text) == expected


def test_pauses_do_not_make_a_filler_of_like_after_a_verb_of_seeming():
    # "what the data should look like, and the consumer…": a pause before "like" and a comma.
    words = words_from("Ask what the data should look like, and the rest follows.")
    assert [f.text for f in find_fillers(words, paused={6, 7})] == []
    words = words_from("Ask what the data should be like, and the rest follows.")
    assert [f.text for f in find_fillers(words, paused={6, 7})] == ["like"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("And by rare, I mean, under a hundred examples.", []),
        ("By drift, I mean a change in the inputs.", []),
        ("We split by patient, I mean, it was the only safe key.", ["i mean"]),
    ],
)
def test_a_sentence_opening_with_by_and_a_term_defines_it_despite_commas(text, expected):
    assert fillers(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # The word before "I" counts only within its sentence: not "that I mean".
        ("The product manager loved that. I mean, we're off by six minutes.", ["i mean"]),
        # Commas on both sides: a parenthetical, even after "which".
        ("Not just different approval rates, which, I mean, can have reasons.", ["i mean"]),
        ("The rates which I mean are the approval rates.", []),
        # After a conjunction, "I mean" pads unless a noun phrase follows.
        ("Because I mean half the noise came from one vendor.", ["i mean"]),
        ("On the full validation set. And I mean the real one.", []),
    ],
)
def test_i_mean_within_its_sentence_and_as_a_parenthetical(text, expected):
    assert fillers(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("That alone cut the holiday error by like a third.", ["like"]),
        ("It took like a few hundred labels.", ["like"]),
        ("It looks like a third model would help.", []),
        ("You can iterate on a prompt in like an afternoon.", ["like"]),
        ("The order matters like as much as the songs do.", ["like"]),
        ("It feels like an afternoon nap.", []),
        ("It was built like a house.", []),
        # After a form of "be" too, where "it's like a funnel" compares.
        ("The switch was like a two minute job.", ["like"]),
        ("And there were like a dozen small differences.", ["like"]),
        ("The setup is like a funnel, really.", []),
        ("Duplicates were eating like a fifth of the queue.", ["like"]),
        # A span of time, its number misheard or not ("took like high hours").
        ("The job took like high hours on a bad day.", ["like"]),
        ("We waited like several weeks for labels.", ["like"]),
        ("It felt like long hours.", []),
    ],
)
def test_like_before_an_amount_approximates(text, expected):
    assert fillers(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("If you take the system prompt literally, it says never reveal data.", []),
        ("People take the mean score literally, as if it were a promise.", []),
        ("The mean score was literally, like, a coin flip.", ["literally", "like"]),
        # With its object between, or with its clause going on, and no comma.
        ("I don't take the style rules literally either.", []),
        ("And one rule I take literally is that every interviewer writes feedback.", []),
        ("Users who take the instructions literally and get stuck.", []),
        # "took" measuring a time, and a reading verb whose clause is over, do not.
        ("It took us literally two days.", ["literally"]),
        ("Deliveries that took literally forever.", ["literally"]),
        ("Reading them was literally the most boring job.", ["literally"]),
        ("They were obvious takes. We were literally fishing in the shallows.", ["literally"]),
    ],
)
def test_literally_after_a_verb_of_taking_or_reading_is_content(text, expected):
    assert fillers(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("There isn't one right answer, and people like expect a single number.", ["like"]),
        # A verb form with a comma or a noun after it is more likely a misheard noun.
        ("We moved to a small model like distill bird, fine tuned on tickets.", []),
        ("I built features like resented, frequency and basket size.", []),
        ("It feels like cheating at first.", []),
    ],
)
def test_like_before_a_bare_verb_pads(text, expected):
    assert fillers(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The message disappears, and that kind of kills the sale.", ["kind of"]),
        ("We cropped the sky instead, which kind of gave us the best results.", ["kind of"]),
        ("We added noise, and that sort of helped maybe two points.", ["sort of"]),
        ("That kind of search saved us a week.", []),
        ("That kind of used car sells slowly.", []),
        ("That kind of bug is rare.", []),
        ("It was the kind of fixed that works on a clean curve.", []),
    ],
)
def test_kind_of_after_that_or_which_hedges_a_verb(text, expected):
    assert fillers(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("It took us like a day and a half.", ["like"]),
        ("It felt like a day at the beach.", []),
        ("That got us to seventy percent. I mean better, but storage was next.", ["i mean"]),
        ("I mean the better model, not the bigger one.", []),
        ("The model saw every purchase as, you know, a hundred times bigger.", ["you know"]),
        ("As you know the label arrives a month later.", []),
    ],
)
def test_approximate_times_i_mean_before_a_comparative_and_you_know_set_off(text, expected):
    assert fillers(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Recall looks great, like suspiciously great, on the new cohort.", ["like"]),
        ("The analysts complained, like constantly.", ["like"]),
        ("Some stores had like twice the error of the others.", ["like"]),
        ("Monday the click through rate like fell off a cliff.", ["like"]),
        # tiny.en hears espeak's "dropped by like a third," as "dropped, I like a third,".
        ("Search results dropped, I like a third, and reviews fell.", ["like"]),
        ("I like a third option better.", []),
        # A past form before a noun, or a participle before one, describes it.
        ("We logged features like left clicks and scrolls.", []),
        ("We flagged features like filled values in the audit.", []),
    ],
)
def test_like_before_an_adverb_a_multiple_or_a_past_verb_pads(text, expected):
    assert fillers(text) == expected


def test_what_is_wanted_after_id_like_is_content_despite_pauses():
    words = words_from("I'd like the model to give calibrated probabilities.")
    assert [f.text for f in find_fillers(words, paused={1, 2})] == []
    words = words_from("I'd like people to send small pull requests.")
    assert [f.text for f in find_fillers(words, paused={1, 2})] == []
    words = words_from("And I'd like keep a small slice.")
    assert [f.text for f in find_fillers(words, paused={2, 3})] == ["like"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A hesitation between does not change what "like" follows.
        ("I'd, uh, like to have added templates.", ["uh"]),
        ("And, um, like, the recall dropped.", ["um", "like"]),
        # Superlatives after a determiner pick a type.
        ("We added the simplest sort of consistency check.", []),
        ("It was the worst kind of bug to find.", []),
    ],
)
def test_hesitations_are_transparent_to_like_and_superlatives_pick_a_type(text, expected):
    assert fillers(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("I like that setup because you can like audit every decision.", ["like"]),
        ("Users will like it once it is fast.", []),
        ("The user level test had shown like a four percent lift.", ["like"]),
        ("It looks like a four percent lift.", []),
    ],
)
def test_like_after_a_modal_before_a_verb_or_before_a_number_pads(text, expected):
    assert fillers(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # After a noun set off by a comma, "like" introduces examples of it, commas or not.
        ("We wrote down the primary metric, like, conversion rate.", []),
        ("Sometimes career stuff, like, how to push back on a request.", []),
        ("We added the account history, like whether a payment failed.", []),
        # Not when an amount, a degree or a clause of its own follows.
        ("The error was small, like, six minutes.", ["like"]),
        ("The proportional hazards assumption, like, totally failed.", ["like"]),
        ("And I, like, always sanity check the results.", ["like"]),
    ],
)
def test_like_after_a_noun_introduces_examples(text, expected):
    assert fillers(text) == expected


def test_examples_after_a_noun_stay_content_despite_pauses():
    words = words_from("The simple claims like a cracked windscreen were waiting.")
    assert [f.text for f in find_fillers(words, paused={3, 4})] == []
    words = words_from("The proportional hazards assumption like totally failed.")
    assert [f.text for f in find_fillers(words, paused={3, 4})] == ["like"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # "literally the" + a noun says it really was; a superlative is an exaggeration.
        ("One of the top features was literally the escalation flag.", []),
        ("A hundred is literally the number the team can review.", []),
        ("It was literally the longest week of my life.", ["literally"]),
        ("Reading them was literally the most boring job.", ["literally"]),
        ("It was literally a nightmare to tune.", ["literally"]),
    ],
)
def test_literally_the_names_what_really_was(text, expected):
    assert fillers(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # After a conjunction that starts a clause, "you know" pads the clause's subject.
        ("It felt like cheating, but you know it builds trust.", ["you know"]),
        ("We had a blocklist and you know a human review of the rest.", ["you know"]),
        ("They tell you because you know they want it fixed.", ["you know"]),
        ("So you know it works before the launch.", []),
        ("If you know it only after the outcome, drop it.", []),
        # A condition or a time is about knowing: "unless you know every user saw it".
        ("Unless you know every user saw the right model, the result means nothing.", []),
        ("Once you know each source, the join is easy.", []),
        ("It broke, and when, you know, the load spiked, nobody was on call.", ["you know"]),
    ],
)
def test_you_know_after_a_conjunction_pads_the_subject(text, expected):
    assert fillers(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A preposition takes its object: "like" between them pads it.
        ("We got the capacity we asked for with like a monthly review.", ["like"]),
        ("A few shards came with like minified javascript on one line.", ["like"]),
        ("It went from like movies to shopping.", ["like"]),
        ("It was sort of like a funnel.", ["sort of"]),
        ("We handed work over like a relay.", []),
        ("I want to like it.", []),
    ],
)
def test_like_after_a_preposition_pads_its_object(text, expected):
    assert fillers(text) == expected


# How tiny.en mishears "kind of" and "sort of" ("kind on", "sort on", "thought on") is put right
# before these rules, by rehearse.speech.quirks: those cases are in tests/test_quirks.py.


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("I thought of a trick.", []),
        # A quantifier before "like" has no examples to give.
        ("A twelve month value, not some, like, infinite horizon thing.", ["like"]),
    ],
)
def test_thought_of_is_content_and_like_after_a_quantifier(text, expected):
    assert fillers(text) == expected


# Said mid-clause without commas, as people speak: no rule of the tables names these, and the
# decision fitted on where the phrase sits in its clause takes them for the padding they are.
@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("We check the review queue and you know the actual outcomes arrive later.", "you know"),
        ("The model it like looked great offline.", "like"),
    ],
)
def test_the_fitted_decision_finds_fillers_the_tables_leave_to_their_default(text, said):
    words, paused = example_words(text)
    tables = [d for d in explain_fillers(words, paused=paused, fitted=False) if d.text == said]
    fitted = [d for d in explain_fillers(words, paused=paused) if d.text == said]
    assert [d.verdict for d in tables] == ["content"]
    assert [d.verdict for d in fitted] == ["filler"]
    assert fitted[0].rule.endswith(".fitted-filler")
    assert RULES[fitted[0].rule].description == fitted[0].description
    assert [f.text for f in find_fillers(words, paused=paused)] == [said]


@pytest.mark.parametrize(
    "text",
    [
        "You know the answer already.",
        "We used tools like Spark and Flink.",
        "I mean the validation set, not the test set.",
        "Users will like it once it is fast.",
    ],
)
def test_the_fitted_decision_leaves_content_uses_alone(text):
    words, paused = example_words(text)
    assert find_fillers(words, paused=paused) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A pronoun, or a determiner and a noun, then a tensed verb: a clause of its own.
        ("We merged them by hand. I mean that sounds slow but it was free.", ["i mean"]),
        ("We moved it in house. I mean it worked for a year.", ["i mean"]),
        ("Thresholds moved. I mean the metric matters more than the model.", ["i mean"]),
        # Near misses: what is meant, a participle that describes it, a plural, "that" + clause.
        ("I mean the model trained on March, not the one after.", []),
        ("I mean the squared weights, not the absolute ones.", []),
        ("I mean population stability on the main inputs.", []),
        ("I mean that the model overfits the holidays.", []),
    ],
)
def test_i_mean_before_a_short_subject_and_a_tensed_verb_pads(text, expected):
    assert fillers(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("It is cheap. I mean for a few queries a day it never matters.", ["i mean"]),
        ("Easy cuts. I mean nobody reads a dashboard like that.", ["i mean"]),
        ("A dumb baseline. I mean just predicting the mean.", ["i mean"]),
        # Near misses: a term defined, "mean by", "mean to".
        ("By finally I mean after all the transforms ran.", []),
        ("What I mean by drift is a change in the inputs.", []),
        ("I never mean to blame the labellers.", []),
    ],
)
def test_i_mean_before_a_preposition_a_negation_or_just_pads(text, expected):
    assert fillers(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The data was thin so we like wrote the analysis by hand.", ["like"]),
        ("It was noisy so we like only trained on March.", ["like"]),
        ("To set the penalty I like start from ten.", ["like"]),
        # Near misses: "like" the verb, with a noun, "to" or an -ing form as its object.
        ("I like test sets that change slowly.", []),
        ("We like boosting with small trees.", []),
        ("I like to start from ten.", []),
        ("We like the simple model.", []),
    ],
)
def test_like_between_a_subject_and_its_verb_pads(text, expected):
    assert fillers(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("We had raw transactions like millions of rows a month.", ["like"]),
        # Near misses: an amount after "looks like", and a plural that is not an amount.
        ("It looks like millions of rows to me.", []),
        ("We used sources like tables of every click.", []),
    ],
)
def test_like_before_a_plural_round_amount_approximates(text, expected):
    assert fillers(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("They wanted NDCG which I mean nobody outside the team reads.", ["i mean"]),
        ("We lost four points which I mean for plant photos is fine.", ["i mean"]),
        # Near misses: the relative is the object of "mean", or "what" opens the clause.
        ("The rates which I mean are the approval rates.", []),
        ("That is what I mean for this answer.", []),
    ],
)
def test_i_mean_after_a_relative_before_a_comment_pads(text, expected):
    assert fillers(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Next time I would like invest in a labelling tool.", ["like"]),
        ("I'd like keep a small slice for audits.", ["like"]),
        # Near misses: what is wanted is a noun, or "to" and a verb.
        ("I'd like help with the labels.", []),
        ("I would like to invest in a labelling tool.", []),
        ("I'd like two of them.", []),
    ],
)
def test_like_of_wanting_before_a_bare_verb_pads(text, expected):
    assert fillers(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Recruiters said the applicants were I mean worse.", ["i mean"]),
        # Near misses: the speaker's own word defined.
        ("When I say slices, I mean segments.", []),
        ("When we say fresh I mean under an hour old.", []),
    ],
)
def test_i_mean_after_someone_elses_saying_does_not_define_a_term(text, expected):
    assert fillers(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("And the next model like thinks they were never at risk.", ["like"]),
        # Near misses: a plural noun before the pronoun, "like" the verb with its object.
        ("We kept signals like clicks we could trust.", []),
        ("I like it when they ship early.", []),
    ],
)
def test_like_before_a_verb_whose_clause_opens_with_a_pronoun_pads(text, expected):
    assert fillers(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("It was like a coin flip on the hard cases.", ["like"]),
        ("Some meters were like reporting zeros for whole weeks.", ["like"]),
        ("It would be like a small classifier that flags risky days.", ["like"]),
        # Near misses: a present "be" compares, "looks like" is a verb of seeming.
        ("It's like a funnel.", []),
        ("Overfitting is like a student who memorises the answers.", []),
        ("It looked like a cache problem.", []),
    ],
)
def test_like_after_a_past_or_hypothetical_be_hedges(text, expected):
    assert fillers(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Retraining. We had like a monthly cadence.", ["like"]),
        ("So we needed like the top three factors.", ["like"]),
        ("Someone types a query and gets like the same five suggestions.", ["like"]),
        # Near misses: a verb of behaving, an object before "like", a passive, "like" the verb.
        ("The holdout behaved like a different population.", []),
        ("The error grows like the square root of the data.", []),
        ("Recall dropped like a stone after the change.", []),
        ("We handed work over like a relay.", []),
        ("The model was tuned like the old one.", []),
        ("I like the simple model.", []),
        ("I'd like the model to give calibrated probabilities.", []),
        ("Users don't like the new ranking.", []),
    ],
)
def test_like_between_a_verb_and_its_object_pads(text, expected):
    assert fillers(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Reroutes dropped from you know about one in four.", ["you know"]),
        ("Support told us to you know wait.", ["you know"]),
        ("The tricky part was you know the giant components.", ["you know"]),
        ("Scoring every request is you know a lot more machines.", ["you know"]),
        ("For bias you add capacity you know more features.", ["you know"]),
        ("We also had you know the pandemic year.", ["you know"]),
        # Near misses: "you know" opens a clause after a subordinate one, after a fronted phrase,
        # after "that", after a present "be", after a verb that takes a clause, or in a question.
        ("When you design the levels you know the players better than any dashboard.", []),
        ("If it helps them call the right leads first you know the outcome within a month.", []),
        ("For a loan that's still active you know the label only later.", []),
        ("The lesson for me is that you know a model works only when it ships.", []),
        ("The catch is you know the label only weeks later.", []),
        ("We asked them whether you know the base rate.", []),
        ("I told them you know the answer already.", []),
        ("We'll let you know the results.", []),
        ("That's worth it if you know what the model did.", []),
    ],
)
def test_you_know_where_it_cannot_open_a_clause_pads(text, expected):
    assert fillers(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("And guardrails that we like never trade away.", ["like"]),
        ("It made synthetic points that like didn't look real.", ["like"]),
        ("We wanted to like just train on that directly.", ["like"]),
        ("Honestly like it's the cheapest sanity check we have.", ["like"]),
        ("We scraped reviews like about two million of them.", ["like"]),
        ("It only depends on things that change like once a day.", ["like"]),
        # Near misses: "like" the verb with its subject, a gerund, examples.
        ("I honestly like the simple model.", []),
        ("I like never having to page anyone.", []),
        ("People who like this kind of music skip less.", []),
        ("We kept segments like about pages and help pages.", []),
    ],
)
def test_like_before_a_verb_phrase_or_after_an_opening_adverb_pads(text, expected):
    assert fillers(text) == expected


def test_like_before_an_adverb_with_no_verb_after_is_left_to_the_rules_after():
    # "like never before" has no verb after the adverb: the rule does not decide it.
    decision = explain_fillers(words_from("Sales grew like never before in March."))[0]
    assert decision.rule != "like.before-an-auxiliary-or-a-verbs-adverb"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("It felt like a punishment. I mean the customer doesn't care about it.", ["i mean"]),
        ("Older ones predict later ones. I mean random splits leak the future.", ["i mean"]),
        ("Being late is worse. I mean people forgive early.", ["i mean"]),
        # Near misses: a plural noun phrase that is what is meant, with no verb agreeing.
        ("I mean feature flags.", []),
        ("I mean user reviews that mention refunds.", []),
        ("The plots don't land. I mean the beeswarm plots especially.", []),
    ],
)
def test_i_mean_before_a_subject_and_its_agreeing_verb_pads(text, expected):
    assert [f for f in fillers(text) if f == "i mean"] == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Tag every version so you know the exact data behind any estimate.", []),
        ("We log the model version so you know the exact version that's serving.", []),
        # Near miss: the noun phrase has its own verb, so "you know" pads that clause.
        ("Clicks are biased by position so you know the top result gets clicks.", ["you know"]),
    ],
)
def test_so_you_know_before_an_object_says_a_purpose(text, expected):
    assert fillers(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The same chairs everywhere, which sort of kills diversity.", ["sort of"]),
        ("That sort of did more than any loss function.", ["sort of"]),
        ("And they told us that sort of in week one.", ["sort of"]),
        # Near misses: a type named, then its verb.
        ("Because that kind of queries needs different fixes.", []),
        ("That kind of search saved us a week.", []),
        ("That kind of budget rules out heavy models.", []),
    ],
)
def test_kind_of_after_that_or_which_before_a_verb_or_a_preposition_hedges(text, expected):
    assert fillers(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Making people dig, and that's like a worse experience.", ["like"]),
        ("So you get sparsity which is like a free feature selection.", ["like"]),
        # Near misses: an analogy with "it's like", a comparison with what was had.
        ("It's like a snowball rolling downhill.", []),
        ("That's like what we had before.", []),
    ],
)
def test_like_after_that_is_hedges_what_was_just_said(text, expected):
    assert fillers(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("They wanted a list every morning of like the twenty riskiest patients.", ["like"]),
        ("The optimum is usually you know a broad valley.", ["you know"]),
        # Near misses: "kind of like" compares, "is usually" before a clause with "the".
        ("The pipeline is sort of like a funnel.", ["sort of"]),
        ("The catch is usually you know the label only weeks later.", []),
    ],
)
def test_like_after_of_and_you_know_after_be_and_an_adverb(text, expected):
    assert fillers(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("We pushed it on a Friday which I mean was the first mistake.", ["i mean"]),
        ("The decision I made that I mean mattered most was the target.", ["i mean"]),
        # Near misses: no verb before the relative, or "mean" with "which" as its object.
        ("The rates which I mean are the approval rates.", []),
        ("That is what I mean.", []),
    ],
)
def test_i_mean_between_a_relative_and_its_verb_is_an_aside(text, expected):
    assert fillers(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("For drift I mean population stability on the main inputs.", []),
        ("When I report error I mean the weighted error across items.", []),
        # Near misses: a clause after it, "for" inside the sentence.
        ("For the reranker I mean the features are pretty standard.", ["i mean"]),
        ("It was slow for batch I mean the scaler and the encoder.", ["i mean"]),
    ],
)
def test_i_mean_after_for_and_a_term_or_a_report_names_it(text, expected):
    assert fillers(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("We checked the metric code and I mean the actual code not just the tests.", []),
        ("Need a boost for a while. I mean a real exploration budget not a tweak.", []),
        # Near misses: a clause before the "not", a sentence end before it.
        ("We fell back to rules. I mean it's not elegant but it worked.", ["i mean"]),
        ("Around six percent I mean six point something. Not ten.", ["i mean"]),
    ],
)
def test_i_mean_setting_one_thing_against_another_says_what_is_meant(text, expected):
    assert fillers(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("It goes inside the pipeline I mean the scaler and the encoder.", ["i mean"]),
        # Near misses: past the hesitation, "and" or the sentence's start comes before.
        ("We used an events calendar and er I mean the local one each hotel kept.", ["er"]),
        ("Never on the test set. Hmm I mean the held-out test set.", ["hmm"]),
    ],
)
def test_i_mean_restating_looks_past_a_hesitation(text, expected):
    assert fillers(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("We score it against that baseline so you know at a glance whether it helps.", []),
        ("You know in advance that the rules will fire.", []),
        # Near misses: no clause after the phrase, or "be" takes the clause.
        ("Late in production. You know in training it was always there.", ["you know"]),
        ("What it trains on is you know by construction what it sees live.", ["you know"]),
    ],
)
def test_you_know_then_a_phrase_then_what_is_known_is_content(text, expected):
    assert fillers(text) == expected
