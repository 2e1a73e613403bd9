"""Recognised words grouped into sentences: the unit coverage decides on.

Whisper punctuates what it transcribes, so a sentence ends at a word ending in ``.``, ``?`` or
``!``; a long silence ends one too (a speaker who trails off without a full stop). A run-on
sentence is cut at its comma nearest the middle until it is short enough, because a decision
about one long stretch would credit every point its clauses touch to its first word. The
coaching (tangents, the guide's sentence budget, tips) reads the same sentences, so a tangent
and a covered point are always whole sentences of one cut.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rehearse.text.words import Word, transcript_text

SENTENCE_GAP_SECONDS = 1.2
MAX_SENTENCE_WORDS = 40
_ENDINGS = (".", "?", "!")


@dataclass(frozen=True, slots=True)
class Sentence:
    """Words ``first`` to ``last`` (indices, inclusive) of a transcript, with their text."""

    text: str
    start: float
    end: float
    first: int
    last: int

    @property
    def indices(self) -> range:
        return range(self.first, self.last + 1)

    @property
    def seconds(self) -> float:
        return round(self.end - self.start, 2)


def split_sentences(words: Sequence[Word]) -> list[Sentence]:
    """The transcript cut into sentences, in order; every word is in exactly one."""
    spans: list[tuple[int, int]] = []
    first = 0
    for i, word in enumerate(words):
        ends = word.text.rstrip().endswith(_ENDINGS)
        gap = i + 1 < len(words) and words[i + 1].start - word.end >= SENTENCE_GAP_SECONDS
        if ends or gap or i + 1 == len(words):
            spans += _cut_run_on(words, first, i)
            first = i + 1
    return [
        Sentence(transcript_text(list(words[a : b + 1])), words[a].start, words[b].end, a, b)
        for a, b in spans
    ]


def _cut_run_on(words: Sequence[Word], first: int, last: int) -> list[tuple[int, int]]:
    if last - first + 1 <= MAX_SENTENCE_WORDS:
        return [(first, last)]
    middle = (first + last) / 2
    commas = [i for i in range(first + 1, last - 1) if words[i].text.rstrip().endswith((",", ";"))]
    cut = min(commas, key=lambda i: abs(i - middle)) if commas else int(middle)
    return _cut_run_on(words, first, cut) + _cut_run_on(words, cut + 1, last)
