"""Tangents: stretches of an answer that touch none of the question's talking points.

The answer is read sentence by sentence (``rehearse.text.sentences``); a run of sentences none
of which says any point's phrases is a tangent when it lasts at least ``TANGENT_MIN_SECONDS``
(one short linking sentence is not). Whether a sentence touches a point is asked in one place,
``points_touched``, on the coverage matcher, so a per-sentence coverage decision can replace it
without touching the rest.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass

from rehearse.language.phrases import could_be_said, find_phrase
from rehearse.language.rubric import Point, Rubric
from rehearse.text.sentences import Sentence, split_sentences
from rehearse.text.words import Word, transcript_text

TANGENT_MIN_SECONDS = 8.0


@dataclass(frozen=True, slots=True)
class Tangent:
    start: float
    end: float
    text: str

    @property
    def seconds(self) -> float:
        return round(self.end - self.start, 2)


def points_touched(rubric: Rubric, words: Sequence[Word]) -> tuple[str, ...]:
    """The ids of the rubric points that ``words`` (one stretch of the answer) say."""
    return tuple(p.id for p in rubric.points if _says(p, words))


def _says(point: Point, words: Sequence[Word]) -> bool:
    # The quick bound first, as coverage asks it: the run-by-run phrase search is two orders of
    # magnitude slower, and ran for every phrase of every sentence (0.4 s on a 5-minute answer).
    return any(could_be_said(p, words) and find_phrase(p, words) for p in point.phrases)


def find_tangents(
    rubric: Rubric, words: Sequence[Word], skip: Collection[int] = ()
) -> tuple[Tangent, ...]:
    """The off-point stretches of the answer, in order; ``skip`` words (fillers) are not read."""
    if not rubric.points:
        return ()
    runs: list[list[Sentence]] = [[]]
    for sentence in split_sentences(words):
        said = [words[i] for i in sentence.indices if i not in skip]
        if said and points_touched(rubric, said):
            runs.append([])
        else:
            runs[-1].append(sentence)
    out = []
    for run in runs:
        if run and run[-1].end - run[0].start >= TANGENT_MIN_SECONDS:
            text = transcript_text(list(words[run[0].first : run[-1].last + 1]))
            out.append(Tangent(run[0].start, run[-1].end, text))
    return tuple(out)
