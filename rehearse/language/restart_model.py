"""A fitted decision for restarts: is a short run of words, followed at once by a fresh start
that opens like it, a first go left unfinished?

Hand-written shapes of restarts stalled at about half of the blind writer's new ones ("the cause
the usual causes", "I built we built", "we'd train we retrain"), so the candidates the rules in
``repetition`` leave as content are weighed by a logistic decision over the shape of the break
instead: the word classes at both ends of the first go (from ``rehearse.text.lexicon``), whether
it is grammatically complete (a noun phrase with nothing after it, a subject and a verb with no
object, a preposition left hanging), how much of it the second go says again (the same head word,
a near form such as "trained"/"retrained"), and how long it is. The weights and the threshold are
a data file fitted on the dev set by ``benchmarks/restart_fit.py`` with cross-validation by
answer, the threshold chosen for precision. Pure functions over word tokens; nothing here reads
the sound, so the time gap between the goes is a gate in ``repetition`` rather than a feature.
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


def inflected_verb(token: str) -> bool:
    """A verb form other than its lemma ("owned", "uses", "has"): a verb said, not a noun."""
    return token in {"has", "had"} or any(
        lemma != token for lemma in getAllLemmas(token).get("VERB", ())
    )


def _can_be_a_verb(token: str) -> bool:
    return word_class(token) == "content" and bool(getAllLemmas(token).get("VERB"))


def switch_class(token: str) -> str | None:
    """The class in which another word opening a fresh start counts (see ``_SWITCHES``)."""
    return next((name for name, members in _SWITCHES if token in members), None)


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


def _near_form(a: str, b: str) -> bool:
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


def _features(b: Break) -> dict[str, float]:
    first, second = b.first, b.second
    size = len(first)
    opening, closing = word_class(first[0]), word_class(first[-1])
    said_again = second[: size + 1]
    content_first = [t for t in first if word_class(t) == "content"]
    content_second = [t for t in said_again if word_class(t) == "content"]
    near = any(_near_form(a, c) for a in content_first for c in content_second)
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
        "verb_inside": float(any(_can_be_a_verb(t) for t in first[1:])),
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
    }


FEATURES: tuple[str, ...] = tuple(_features(Break(("we",), ("we", "ran"), "", True)))


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
