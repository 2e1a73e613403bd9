"""Filler words: which recognised words are hesitations or verbal padding rather than content.

Pure functions over ``Word`` lists. Hesitations (um, uh, er, hmm in any spelling or length) and
the user's own fillers are always fillers. Discourse markers ("like", "you know", "I mean", "kind
of", ...) double as content, so each candidate is judged by its phrase's table of rules
(``filler_rules``), then weighed by a decision fitted on where it sits in its clause
(``filler_model``), which may overrule the table; ``explain_fillers`` says which rule decided
each one.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from rehearse.language.filler_context import Verdict, build_context
from rehearse.language.filler_model import FillerModel, load_model
from rehearse.language.filler_rules import CUSTOM, FITTED, HESITATION, PHRASES, Rule
from rehearse.text.words import Word, hesitation_form, normalise

FillerKind = Literal["hesitation", "discourse", "custom"]


@dataclass(frozen=True, slots=True)
class Filler:
    """A filler occurrence; ``text`` is its normalised lower-case form ("um", "you know")."""

    text: str
    kind: FillerKind
    start: float
    end: float
    word_indices: tuple[int, ...]
    rule: str = ""  # the name of the rule that made it a filler ("like.set-off-by-commas")


@dataclass(frozen=True, slots=True)
class Decision:
    """How one candidate was judged, filler or content, and by which rule."""

    text: str
    kind: FillerKind
    start: float
    end: float
    word_indices: tuple[int, ...]
    verdict: Verdict
    rule: str
    description: str

    def as_filler(self) -> Filler:
        return Filler(self.text, self.kind, self.start, self.end, self.word_indices, self.rule)


def find_fillers(
    words: Sequence[Word],
    extra: Iterable[str] = (),
    paused: Collection[int] = (),
    fitted: bool = True,
) -> list[Filler]:
    """Every filler in ``words``, in order. ``extra`` adds the user's own always-filler phrases.

    ``paused`` holds the indices of words with a pause just before them in the sound, which sets
    a word off like a comma the transcript may have left out ("was, literally, untouched").
    ``fitted=False`` leaves out the fitted decision: the rule tables alone.
    """
    decisions = explain_fillers(words, extra, paused, fitted)
    return [d.as_filler() for d in decisions if d.verdict == "filler"]


def explain_fillers(
    words: Sequence[Word],
    extra: Iterable[str] = (),
    paused: Collection[int] = (),
    fitted: bool = True,
) -> list[Decision]:
    """Every candidate in ``words``, filler or content, with the rule that decided it.

    Left to right: a filler's words are not looked at again, a content use's next words are.
    """
    tokens = [w.norm for w in words]
    custom = [tuple(normalise(t) for t in phrase.split()) for phrase in extra if phrase.strip()]
    model = load_model() if fitted else None
    decisions: list[Decision] = []
    i = 0
    while i < len(words):
        decision = _decide_at(words, tokens, i, custom, paused, model)
        if decision is None:
            i += 1
            continue
        decisions.append(decision)
        i += len(decision.word_indices) if decision.verdict == "filler" else 1
    return decisions


def _decide_at(
    words: Sequence[Word],
    tokens: list[str],
    i: int,
    custom: list[tuple[str, ...]],
    paused: Collection[int],
    model: FillerModel | None,
) -> Decision | None:
    for phrase in custom:
        if tuple(tokens[i : i + len(phrase)]) == phrase:
            return _decision(words, i, len(phrase), " ".join(phrase), "custom", CUSTOM)
    canonical = hesitation_form(tokens[i])
    if canonical:
        return _decision(words, i, 1, canonical, "hesitation", HESITATION)
    for table in PHRASES:
        for spelling, text in table.spellings.items():
            if tuple(tokens[i : i + len(spelling)]) == spelling:
                context = build_context(words, tokens, i, len(spelling), paused)
                rule = table.decide(context)
                # The fitted decision weighs only what no rule of the table recognised: a rule
                # that names a construction ("what I mean", "will like it") stands.
                if model is not None and rule is table.rules[-1]:
                    table_says = rule.verdict == "filler"
                    says = model.says_filler(table.name, context, rule.name, table_says)
                    if says != table_says:
                        rule = FITTED[table.name, "filler" if says else "content"]
                return _decision(words, i, len(spelling), text, "discourse", rule)
    return None


def _decision(
    words: Sequence[Word], i: int, length: int, text: str, kind: FillerKind, rule: Rule
) -> Decision:
    indices = tuple(range(i, i + length))
    start, end = words[i].start, words[i + length - 1].end
    return Decision(text, kind, start, end, indices, rule.verdict, rule.name, rule.description)
