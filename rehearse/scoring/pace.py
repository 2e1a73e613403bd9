"""Pace: a verdict on the whole answer, and the pace over it in windows of about 15 seconds.

The band: about 150 words a minute is the average rate of conversational American English (the
National Center for Voice and Speech, "Voice Qualities", ncvs.org), and a listener follows
speech near it easily. rehearse calls 130-170 words a minute (150 ± 20) easy to follow, slower
"slow" and faster "fast". A window is marked only well outside the band (under 110 or over
190), so ordinary variation over an answer is not flagged as rushing or dragging.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Literal

from rehearse.text.words import Word

PaceVerdict = Literal["slow", "easy to follow", "fast"]
WindowVerdict = Literal["dragged", "steady", "rushed"]

PACE_BAND = (130, 170)
WINDOW_BAND = (110, 190)
WINDOW_SECONDS = 15.0
# A last window shorter than this is merged into the one before: too few words to judge.
MIN_WINDOW_SECONDS = 7.5


@dataclass(frozen=True, slots=True)
class PaceWindow:
    start: float
    end: float
    words: int
    words_per_minute: float
    verdict: WindowVerdict


def pace_verdict(words_per_minute: float) -> PaceVerdict | None:
    """``None`` when nothing was said."""
    if words_per_minute <= 0:
        return None
    low, high = PACE_BAND
    if words_per_minute < low:
        return "slow"
    if words_per_minute > high:
        return "fast"
    return "easy to follow"


def pace_windows(words: Sequence[Word]) -> tuple[PaceWindow, ...]:
    """The pace over consecutive windows of ``WINDOW_SECONDS`` from the first word to the last.

    A word belongs to the window its middle falls in; pauses inside a window slow it, which is
    what a listener hears as dragging.
    """
    if not words:
        return ()
    start, end = words[0].start, words[-1].end
    edges = [start]
    while edges[-1] + WINDOW_SECONDS < end:
        edges.append(edges[-1] + WINDOW_SECONDS)
    if len(edges) > 1 and end - edges[-1] < MIN_WINDOW_SECONDS:
        edges.pop()
    edges.append(end)
    windows = []
    middles = [(w.start + w.end) / 2 for w in words]
    for low, high in pairwise(edges):
        last = high == end
        count = sum(1 for m in middles if low <= m < high or (last and m == high))
        seconds = high - low
        wpm = round(count / seconds * 60, 1) if seconds > 0 else 0.0
        windows.append(PaceWindow(round(low, 2), round(high, 2), count, wpm, _window_verdict(wpm)))
    return tuple(windows)


def _window_verdict(words_per_minute: float) -> WindowVerdict:
    low, high = WINDOW_BAND
    if words_per_minute < low:
        return "dragged"
    if words_per_minute > high:
        return "rushed"
    return "steady"
