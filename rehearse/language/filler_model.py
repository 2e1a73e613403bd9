"""A fitted decision over where a discourse phrase sits in its clause: filler or content?

The rule tables in ``filler_rules`` were written on answers that set fillers off with commas,
and miss most of those said mid-clause without them ("inside the pipeline I mean the scaler",
"and you know the actual outcomes", "it like looked great"). Rather than more phrase lists, each
candidate is weighed by a logistic decision, one per phrase, over grammar evidence: the word
classes on both sides of the phrase (from ``rehearse.text.lexicon``), whether the clause before
it already has its verb, whether a clause with its own verb follows, the punctuation and pauses
around it, and the verdict of the rule table (which carries everything the rules know). The
weights and the threshold are a data file fitted on the dev corpus by
``benchmarks/filler_fit.py`` with cross-validation grouped by answer. Pure functions over the
rules' ``Context``.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from rehearse.language.filler_context import Context, ends_clause
from rehearse.text.lexicon import (
    BE_CONTRACTIONS,
    BE_FORMS,
    CLAUSE_CONJUNCTIONS,
    CONDITIONAL_MODALS,
    CONDITIONALS,
    DETERMINERS,
    DO_FORMS,
    MODALS,
    NUMBER_WORDS,
    OBJECT_PRONOUNS,
    PREPOSITIONS,
    QUANTIFIERS,
    SUBJECT_CONTRACTIONS,
    SUBJECT_PRONOUNS,
    TIME_CONJUNCTIONS,
    WH_WORDS,
    word_classes,
)
from rehearse.text.words import hesitation_form

WEIGHTS_FILE = Path(__file__).parent / "data" / "filler-weights.json"

# Closed classes first: "it" is a subject before it is an object, "that" a determiner.
_CLASSES: tuple[tuple[str, frozenset[str]], ...] = (
    ("conjunction", CLAUSE_CONJUNCTIONS),
    ("subject", SUBJECT_PRONOUNS | SUBJECT_CONTRACTIONS | {"there", "there's", "that's"}),
    ("determiner", DETERMINERS | QUANTIFIERS),
    ("preposition", PREPOSITIONS | {"to"}),
    ("be", BE_FORMS | BE_CONTRACTIONS),
    ("auxiliary", MODALS | CONDITIONAL_MODALS | DO_FORMS | {"have", "has", "had"}),
    ("object", OBJECT_PRONOUNS),
    ("number", NUMBER_WORDS),
    ("introducer", WH_WORDS | CONDITIONALS | TIME_CONJUNCTIONS),
)
CLASSES = (
    "none",
    "hesitation",
    *(name for name, _ in _CLASSES),
    "verb",
    "ing",
    "adverb",
    "noun",
    "adjective",
    "other",
)
# Classes that make a clause finite, or show its verb has been said.
_VERBAL = frozenset({"verb", "be", "auxiliary"})
# How far the decision looks for a verb after the phrase, within its clause.
_LOOK_AHEAD = 5


@lru_cache(maxsize=8192)
def word_class(token: str) -> str:
    """The class of a normalised word at the edge of a phrase; "none" for no word."""
    if not token:
        return "none"
    if hesitation_form(token):
        return "hesitation"
    if token[:1].isdigit():
        return "number"
    closed = next((name for name, members in _CLASSES if token in members), None)
    if closed:
        return closed
    classes = word_classes(token)
    if classes == {"VERB"}:
        return "verb"
    if token.endswith("ing") and "VERB" in classes:
        return "ing"
    if "ADV" in classes and "NOUN" not in classes and "ADJ" not in classes:
        return "adverb"
    if "NOUN" in classes or "PROPN" in classes:
        return "noun"
    if "ADJ" in classes:
        return "adjective"
    return "other"


def _clause_before(c: Context) -> list[str]:
    """The words of the candidate's clause before it, back to the last clause break."""
    out: list[str] = []
    for k in range(c.start - 1, -1, -1):
        if ends_clause(c.words[k].text):
            break
        out.append(c.tokens[k])
    return out[::-1]


def _verb_ahead(c: Context) -> bool:
    """Whether a verb comes within a few words after the phrase, before its clause ends."""
    for k in range(c.end + 1, min(len(c.tokens), c.end + 1 + _LOOK_AHEAD)):
        if word_class(c.tokens[k]) in _VERBAL:
            return True
        if ends_clause(c.words[k].text):
            return False
    return False


def features(c: Context, rule: str, rule_says_filler: bool) -> dict[str, float]:
    """The decision's inputs for one candidate: names of the indicators that hold, and values."""
    before = word_class(c.before)
    after = word_class(c.after)
    after2 = word_class(c.after2)
    clause = _clause_before(c)
    clause_classes = {word_class(t) for t in clause}
    out = {
        "bias": 1.0,
        "rule_says_filler": float(rule_says_filler),
        f"rule={rule}": 1.0,
        f"before={before}": 1.0,
        f"after={after}": 1.0,
        f"after2={after2}": 1.0,
        f"before_after={before}>{after}": 1.0,
        "sentence_start": float(c.sentence_start),
        "set_off_before": float(c.set_off_before),
        "set_off_after": float(c.set_off_after),
        "comma_after": float(c.comma_after),
        "ends_sentence": float(c.ends_sentence),
        "paused": float(c.paused),
        "paused_after": float(c.paused_after),
        "clause_has_verb": float(bool(clause_classes & _VERBAL)),
        "clause_has_subject": float("subject" in clause_classes),
        "clause_words": min(len(clause), 8) / 8,
        "verb_ahead": float(_verb_ahead(c)),
    }
    return out


@dataclass(frozen=True)
class FillerModel:
    """Weights per phrase (by the name of its rule table) and the threshold on the probability."""

    weights: dict[str, dict[str, float]]
    threshold: float

    def probability(self, phrase: str, feats: dict[str, float]) -> float | None:
        """The probability that the candidate is a filler; ``None`` if the phrase has no model."""
        table = self.weights.get(phrase)
        if table is None:
            return None
        z = sum(table.get(name, 0.0) * value for name, value in feats.items())
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))

    def says_filler(self, phrase: str, c: Context, rule: str, rule_says_filler: bool) -> bool:
        p = self.probability(phrase, features(c, rule, rule_says_filler))
        return rule_says_filler if p is None else p >= self.threshold

    @classmethod
    def from_dict(cls, data: dict[str, object]) -> FillerModel:
        weights = data["weights"]
        threshold = data["threshold"]
        assert isinstance(weights, dict) and isinstance(threshold, float | int)
        return cls({k: dict(v) for k, v in weights.items()}, float(threshold))


@lru_cache(maxsize=1)
def load_model() -> FillerModel | None:
    """The fitted decision shipped with the package, or ``None`` if none was fitted."""
    if not WEIGHTS_FILE.is_file():
        return None
    return FillerModel.from_dict(json.loads(WEIGHTS_FILE.read_text()))
