"""A fitted decision for restarts: is a short run of words, followed at once by a fresh start
that opens like it, a first go left unfinished?

Hand-written shapes of restarts stalled at about half of the blind writer's new ones ("the cause
the usual causes", "I built we built", "we'd train we retrain"), so the candidates the rules in
``repetition`` leave as content are weighed by a logistic decision over the shape of the break
instead: the word classes at both ends of the first go (from ``rehearse.text.lexicon``), whether
it is grammatically complete (a noun phrase with nothing after it, a subject and a verb with no
object, a preposition left hanging), how much of it the second go says again (the same head word,
a near form such as "trained"/"retrained"), and how long it is. Since round 7 it also reads what
a parser would say of the break, from the word classes: whether the first go holds a clause and
the second opens a new one with no conjunction between, whether a content word of the first is
said again in the second, how much of its shape the second repeats, and which grammar (if any)
could take the second go as the first's complement or object (``GATES``: a hard gate before,
now weighed). The weights and the threshold are a data file fitted on the dev set by
``benchmarks/restart_fit.py`` with cross-validation by answer, the threshold chosen for
precision. Since round 18 a second decision with the same features and its own weights
(``BROKEN_WEIGHTS_FILE``) weighs a clause's opening broken off by a comma
(``repetition._broken_at``); ``second_an_item`` (the second go closes as a list's next item
would) was added for it. Pure functions over word tokens; nothing here reads the sound, so the
time gap between the goes is a gate in ``repetition`` rather than a feature.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import lru_cache
from pathlib import Path

from lemminflect import getAllLemmas

from rehearse.text.lexicon import (
    ARTICLES,
    BE_FORMS,
    CLAUSE_CONJUNCTIONS,
    CONDITIONAL_MODALS,
    CONDITIONALS,
    DETERMINERS,
    DO_FORMS,
    MODALS,
    NUMBER_WORDS,
    OBJECT_PRONOUNS,
    PERSONAL_SUBJECTS,
    POSSESSIVE_DETERMINERS,
    PREPOSITIONS,
    QUANTIFIERS,
    SUBJECT_CONTRACTIONS,
    SUBJECT_PRONOUNS,
    TIME_CONJUNCTIONS,
    WH_WORDS,
    takes_a_clause,
)

WEIGHTS_FILE = Path(__file__).parent / "data" / "restart-weights.json"
# The decision for first goes broken off by a comma (``repetition._broken_at``): the same
# features, fitted on those breaks alone by ``benchmarks/restart_fit.py --kind broken``.
BROKEN_WEIGHTS_FILE = Path(__file__).parent / "data" / "restart-broken-weights.json"

# The classes a word at the break is put in; everything else is a content word.
_INTRODUCERS = CONDITIONALS | TIME_CONJUNCTIONS | WH_WORDS | {"then", "after", "before", "while"}
_AUXILIARIES = MODALS | CONDITIONAL_MODALS | DO_FORMS | {"have", "has", "had"}
_CLASSES: tuple[tuple[str, frozenset[str]], ...] = (
    ("coordinator", CLAUSE_CONJUNCTIONS),
    ("subject", SUBJECT_PRONOUNS | SUBJECT_CONTRACTIONS | {"there", "there's", "that's", "it's"}),
    ("determiner", DETERMINERS | QUANTIFIERS),
    ("introducer", frozenset(_INTRODUCERS)),
    ("preposition", PREPOSITIONS | {"to"}),
    ("be", BE_FORMS),
    ("auxiliary", frozenset(_AUXILIARIES)),
    ("object", OBJECT_PRONOUNS),
    ("number", NUMBER_WORDS),
)
# Said again with another word of one of these classes, a fresh start: "I built we built", "for
# the in the meantime", "when it went once it went". Not "that", "it" or a question word, which
# also open what follows a clause ("that gave us a budget", "if you know which ones matter").
_SWITCHES: tuple[tuple[str, frozenset[str]], ...] = (
    ("subject", PERSONAL_SUBJECTS - {"you"} | SUBJECT_CONTRACTIONS - {"it's", "that's"}),
    ("determiner", ARTICLES | POSSESSIVE_DETERMINERS | QUANTIFIERS),
    ("preposition", PREPOSITIONS),
    ("introducer", CONDITIONALS | TIME_CONJUNCTIONS),
)
# Endings of a phrase that leave it plainly unfinished: "we set a", "for the", "we'd".
_OPEN_ENDINGS = frozenset({"determiner", "preposition", "subject", "auxiliary", "introducer"})
# Two words are near forms when this much of the shorter is shared ("train"/"retrain").
NEAR_FORM_RATIO = 0.75
NEAR_FORM_MIN_LETTERS = 4


@lru_cache(maxsize=8192)
def inflected_verb(token: str) -> bool:
    """A verb form other than its lemma ("owned", "uses", "has"): a verb said, not a noun."""
    return token in {"has", "had"} or any(
        lemma != token for lemma in getAllLemmas(token).get("VERB", ())
    )


def can_be_a_verb(token: str) -> bool:
    """A content word with a verb reading ("need", "measure"), said or not."""
    return word_class(token) == "content" and bool(getAllLemmas(token).get("VERB"))


def an_adverb(token: str) -> bool:
    """A word with an adverb reading and no verb one ("once", "probably")."""
    lemmas = getAllLemmas(token)
    return "ADV" in lemmas and "VERB" not in lemmas


def switch_class(token: str) -> str | None:
    """The class in which another word opening a fresh start counts (see ``_SWITCHES``)."""
    return next((name for name, members in _SWITCHES if token in members), None)


@lru_cache(maxsize=8192)
def word_class(token: str) -> str:
    if token[:1].isdigit():
        return "number"
    return next((name for name, members in _CLASSES if token in members), "content")


@dataclass(frozen=True, slots=True)
class Break:
    """What the decision reads of a candidate: the first go's tokens, the words after it (the
    second go and a word or two more), the word before the first go ("" at a clause start)."""

    first: tuple[str, ...]
    second: tuple[str, ...]
    before: str
    at_clause_start: bool
    # Why the first go's end could take the second go as its complement or object ("" if
    # nothing does): one of ``GATES``. The decision weighs it against the echo of the first go.
    gate: str = ""
    # The second go closes as a list's next item would (``repetition.Candidate.an_item``).
    item: bool = False


@lru_cache(maxsize=65536)
def near_form(a: str, b: str) -> bool:
    """Two content words of one stem: "train"/"retrain", "cause"/"causes", "read"/"reread"."""
    if a == b or min(len(a), len(b)) < NEAR_FORM_MIN_LETTERS:
        return a == b
    match = SequenceMatcher(a=a, b=b, autojunk=False).find_longest_match(0, len(a), 0, len(b))
    return match.size / min(len(a), len(b)) >= NEAR_FORM_RATIO


def common_words(a: Sequence[str], b: Sequence[str]) -> int:
    """The length of the longest common subsequence of two short word lists."""
    table = [[0] * (len(b) + 1) for _ in range(len(a) + 1)]
    for i, x in enumerate(a):
        for j, y in enumerate(b):
            table[i + 1][j + 1] = (
                table[i][j] + 1 if x == y else max(table[i][j + 1], table[i + 1][j])
            )
    return table[len(a)][len(b)]


def _complete_noun_phrase(first: Sequence[str]) -> bool:
    """A determiner and content words, no verb: "the model", "the new model", "a false"."""
    return (
        len(first) >= 2
        and word_class(first[0]) == "determiner"
        and all(word_class(t) == "content" for t in first[1:])
    )


def _subject_and_verb(first: Sequence[str]) -> bool:
    """A subject, maybe auxiliaries, then one content word: "we ran", "we'd train", "I also"."""
    if len(first) < 2 or word_class(first[0]) != "subject":
        return False
    *between, last = first[1:]
    return word_class(last) == "content" and all(
        word_class(t) in {"auxiliary", "be"} or t in {"also", "then", "just", "first"}
        for t in between
    )


# The grammar that may join the goes into one phrase (``repetition._takes_the_second``): "be"
# and its complement, a clause opener or relative, a preposition and its object, an object
# pronoun, a list, "so much", a verb and its object, a verb that takes a clause, a relative
# clause with its object left out.
GATES = (
    "be", "opener", "preposition", "object", "list", "degree", "verb_object", "clause", "relative",
)  # fmt: skip
# ... of which these reach the decision; the others are hard gates (``repetition.HARD_GATES``).
WEIGHED_GATES = ("be", "preposition", "verb_object")
_FINITE = frozenset({"auxiliary", "be"})


def opens_a_clause(second: Sequence[str]) -> bool:
    """The second go opens a clause of its own: a subject, or a noun phrase of up to three
    words, then a verb said ("we used", "the team was", "the model relearns", "neural
    networks win"). A parser's "new clause here", read from word classes."""
    for k in range(min(len(second) - 1, 4)):
        head = second[: k + 1]
        if k == 0 and word_class(head[0]) != "subject" and not _noun_like(head[0]):
            return False
        if k > 0 and not all(_noun_like(t) or word_class(t) == "determiner" for t in head[1:]):
            return False
        verb = second[k + 1]
        if verb.endswith("ing") or (k == 0 and verb.endswith("ed")):
            continue  # "the billing address", "the trained model": a modifier, not a verb
        if word_class(verb) in _FINITE or inflected_verb(verb) or verb.endswith("n't"):
            return True
    return False


@lru_cache(maxsize=8192)
def _noun_like(token: str) -> bool:
    return word_class(token) in {"determiner", "number"} or (
        word_class(token) == "content" and "NOUN" in getAllLemmas(token)
    )


def _holds_a_clause(first: Sequence[str]) -> bool:
    """The first go has a subject and a verb said after it ("it wasn't mature", "the model
    learns", "we did that"): a clause that may be complete, so a new clause run straight on
    after it, with no conjunction, is a fresh start."""
    return any(
        k > 0 and (word_class(t) in _FINITE or inflected_verb(t) or t.endswith("n't"))
        for k, t in enumerate(first)
    ) and (word_class(first[0]) in {"subject", "determiner"} or _noun_like(first[0]))


def echoes(first: Sequence[str], second: Sequence[str], opening: bool = False) -> bool:
    """A content word of the first go said again, or a near form of it, early in the second go
    (not merely the same opening word, unless ``opening``): "the model learns, the model
    relearns", "it wasn't mature, it was too immature"; with ``opening``, "precision is the,
    precision asks"."""
    again = second[: len(first) + 2]
    return any(
        near_form(a, c)
        for i, a in enumerate(first)
        if word_class(a) == "content" and len(a) > 2
        for j, c in enumerate(again)
        if word_class(c) == "content" and (opening or (i, j) != (0, 0))
    )


def _coarse(token: str) -> str:
    """A word's class with content words split into verbs said and the rest."""
    kind = word_class(token)
    if kind == "content" and (inflected_verb(token) or token.endswith("n't")):
        return "verb"
    return "be" if kind == "auxiliary" else kind


def _parallel_share(first: Sequence[str], second: Sequence[str]) -> float:
    """How much of the first go's shape (coarse classes, in order) the second go repeats."""
    a = [_coarse(t) for t in first]
    b = [_coarse(t) for t in second[: len(first) + 2]]
    return common_words(a, b) / len(a)


def _features(b: Break) -> dict[str, float]:
    first, second = b.first, b.second
    size = len(first)
    opening, closing = word_class(first[0]), word_class(first[-1])
    said_again = second[: size + 1]
    content_first = [t for t in first if word_class(t) == "content"]
    content_second = [t for t in said_again if word_class(t) == "content"]
    near = any(near_form(a, c) for a in content_first for c in content_second)
    same = first[0] == second[0]
    return {
        "one_word": float(size == 1),
        "two_words": float(size == 2),
        "three_words": float(size == 3),
        "long_first_go": float(size >= 4),
        "same_opening_word": float(same),
        "opening_subject": float(opening == "subject"),
        "opening_determiner": float(opening == "determiner"),
        "opening_preposition": float(opening == "preposition"),
        "opening_introducer": float(opening == "introducer"),
        "opening_coordinator": float(opening == "coordinator"),
        "opening_content": float(opening == "content"),
        "left_open": float(closing in _OPEN_ENDINGS),
        "left_on_content": float(closing == "content"),
        "left_on_clause_verb": float(closing == "content" and takes_a_clause(first[-1])),
        "left_on_object": float(closing in {"object", "number"}),
        "verb_inside": float(any(can_be_a_verb(t) for t in first[1:])),
        "noun_phrase_alone": float(_complete_noun_phrase(first)),
        "noun_phrase_replaced": float(
            _complete_noun_phrase(first)
            and b.at_clause_start
            and word_class(second[0]) == "determiner"
        ),
        "subject_and_verb": float(_subject_and_verb(first)),
        "at_clause_start": float(b.at_clause_start),
        "after_preposition": float(word_class(b.before) == "preposition"),
        "after_content_word": float(b.before != "" and word_class(b.before) == "content"),
        "shared_share": common_words(first, said_again) / size,
        "same_second_class": float(
            size >= 2 and len(second) >= 2 and word_class(first[1]) == word_class(second[1])
        ),
        "near_form": float(near),
        "joined_inside": float(any(word_class(t) == "coordinator" for t in first[1:])),
        "echo": float(echoes(first, second)),
        "second_opens_a_clause": float(opens_a_clause(second)),
        "first_holds_a_clause": float(_holds_a_clause(first)),
        "clause_after_clause": float(_holds_a_clause(first) and opens_a_clause(second)),
        "parallel_share": _parallel_share(first, second),
        "gated": float(b.gate != ""),
        # Grammar could join the goes, but the second says the first's words again and opens a
        # clause of its own: not a complement ("the model was the model we had") but a redo
        # ("the model learns the model relearns").
        "gated_echo": float(b.gate != "" and echoes(first, second) and opens_a_clause(second)),
        **{f"gate_{name}": float(b.gate == name) for name in WEIGHED_GATES},
        "second_an_item": float(b.item),
    }


# The names come from a break whose words need no word-list lookup: a lookup reads lemminflect's
# list (0.4 s), which would then load on every import of the scoring code, in front of the speech
# model's load, instead of on the warm-up thread beside it (``service.warm_coverage``).
FEATURES: tuple[str, ...] = tuple(_features(Break(("we",), ("we",), "", True)))


def features(b: Break) -> list[float]:
    row = _features(b)
    return [row[name] for name in FEATURES]


@dataclass(frozen=True, slots=True)
class RestartModel:
    """The fitted logistic decision: a weight per feature, a bias, and the threshold above which
    a candidate is a restart."""

    weights: tuple[float, ...]
    bias: float
    threshold: float

    def probability(self, b: Break) -> float:
        z = self.bias + sum(w * x for w, x in zip(self.weights, features(b), strict=True))
        return 1 / (1 + math.exp(-z))

    def is_restart(self, b: Break) -> bool:
        return self.probability(b) >= self.threshold


def load_model(path: Path = WEIGHTS_FILE) -> RestartModel:
    data = json.loads(path.read_text(encoding="utf-8"))
    weights = tuple(float(data["weights"].get(name, 0.0)) for name in FEATURES)
    return RestartModel(weights, float(data["bias"]), float(data["threshold"]))


@lru_cache(maxsize=1)
def packaged_model() -> RestartModel:
    return load_model()


@lru_cache(maxsize=1)
def packaged_broken_model() -> RestartModel:
    return load_model(BROKEN_WEIGHTS_FILE)
