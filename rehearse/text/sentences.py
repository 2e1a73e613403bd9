"""Sentences of a transcript: runs of words between the recogniser's full stops.

Whisper punctuates what it hears, so its full stops, question and exclamation marks are where a
sentence ends. A speaker who never seems to stop gets no full stop for a long time, so a run
longer than ``MAX_SENTENCE_SECONDS`` is cut at its commas (or, failing those, at that length),
keeping a "sentence" something a user can replay and read.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rehearse.text.words import Word, transcript_text

SENTENCE_END = (".", "?", "!")
MAX_SENTENCE_SECONDS = 15.0


@dataclass(frozen=True, slots=True)
class Sentence:
    """Words ``first`` to ``last`` (inclusive) of a transcript."""

    first: int
    last: int
    start: float
    end: float
    text: str

    @property
    def indices(self) -> range:
        return range(self.first, self.last + 1)

    @property
    def seconds(self) -> float:
        return round(self.end - self.start, 2)


def sentences(words: Sequence[Word]) -> list[Sentence]:
    """The transcript cut into sentences, in order; every word is in exactly one."""
    out: list[Sentence] = []
    first = 0
    for i, word in enumerate(words):
        last_word = i == len(words) - 1
        if word.text.rstrip().endswith(SENTENCE_END) or last_word:
            out += _cut_long(words, first, i)
            first = i + 1
    return out


def _cut_long(words: Sequence[Word], first: int, last: int) -> list[Sentence]:
    pieces: list[Sentence] = []
    start = first
    for i in range(first, last + 1):
        too_long = words[i].end - words[start].start >= MAX_SENTENCE_SECONDS
        at_comma = words[i].text.rstrip().endswith((",", ";", ":"))
        long_enough = words[i].end - words[start].start >= MAX_SENTENCE_SECONDS / 2
        if i < last and (too_long or (at_comma and long_enough and _runs_long(words, start, last))):
            pieces.append(_sentence(words, start, i))
            start = i + 1
    pieces.append(_sentence(words, start, last))
    return pieces


def _runs_long(words: Sequence[Word], first: int, last: int) -> bool:
    return words[last].end - words[first].start > MAX_SENTENCE_SECONDS


def _sentence(words: Sequence[Word], first: int, last: int) -> Sentence:
    text = transcript_text(list(words[first : last + 1]))
    return Sentence(first, last, words[first].start, words[last].end, text)
