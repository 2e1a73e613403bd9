"""Speech the first decoding left out or wrote over, found and decoded again.

``BatchedInferencePipeline`` with the filler prompt can return far fewer words than were said:
on one 60 s espeak answer it returned three segments, the first starting at 25 s, and wrote an
earlier sentence again over five seconds of new speech; 64 of 164 words were gone without a
trace. Every figure after that (coverage, pace, fillers) is wrong, so the transcript is checked
twice:

* against the sound: a stretch between two recognised words (or before the first, after the
  last) that holds more than about a second of voice is decoded again on its own, without the
  prompt, and the words found there are stitched in;
* against itself: a sentence that repeats six words or more of an earlier one word for word is
  how Whisper writes a stretch it lost, so that sentence's sound is decoded again too, and its
  words are replaced when the new decoding hears something else (a speaker who really said it
  twice is heard saying it twice again).

What still yields no words is named in the report's notes with its time range, never dropped
silently.

Pure functions: the model comes in as the ``Decoder`` callable.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from rapidfuzz import fuzz

from rehearse.audio.clip import SAMPLE_RATE, Span, VoiceActivity
from rehearse.text.words import Word, hesitation_form

# A hesitation lasts under a second; more voice than this with no word on it is lost speech.
MISSING_VOICE_SECONDS = 1.2
# Whisper stretches a word over speech it did not write: a word this long is mostly a gap.
LONGEST_WORD_SECONDS = 2.0
# Sound kept on each side of a gap when it is decoded again, so its first and last words are
# whole; words found in the margins belong to the neighbours and are not taken.
MARGIN_SECONDS = 1.0
# A gap the decoding with margins found empty is decoded again alone when it holds this much
# voice: a lost clause, not a held "uhhh" (0.3-1.2 s from flite and Festival) that a decoding
# of its own might write as a word.
ALONE_VOICE_SECONDS = 2.0
# Times the transcript is checked against the sound again after its gaps were filled.
FILL_PASSES = 3
# A run this long said again word for word is a decoding loop, not a speaker's repetition.
REPEATED_WORDS = 6
_CLAUSE_END = (",", ";", ":", ".", "?", "!")
# A new decoding of a repeated clause that says its repeated run this well (0-100, the run's
# best match anywhere in the new words) heard the speaker say it again.
SAID_AGAIN = 85.0

Decoder = Callable[[np.ndarray], Sequence[Word]]
"""Turns 16 kHz samples into timed words, times from the start of the samples."""


@dataclass(frozen=True)
class Gap:
    """A stretch with voice in it and no recognised word on it."""

    span: Span
    voiced_seconds: float
    # For a repeated clause, the words it repeats: what a new decoding must say again to keep it.
    repeats: tuple[str, ...] = ()


def gaps(words: Sequence[Word], activity: VoiceActivity, duration: float) -> list[Gap]:
    """Stretches between recognised words that hold at least MISSING_VOICE_SECONDS of voice."""
    edges = [0.0]
    for w in words:
        if w.end - w.start > LONGEST_WORD_SECONDS:
            # Only the word's own last moment is it; the rest may be speech it swallowed.
            edges += [w.end - 0.5, w.end]
        else:
            edges += [w.start, w.end]
    edges.append(duration)
    found = []
    for start, end in zip(edges[::2], edges[1::2], strict=True):
        if end - start < MISSING_VOICE_SECONDS:
            continue
        voiced = activity.voiced_seconds(start, end)
        if voiced >= MISSING_VOICE_SECONDS:
            found.append(Gap(Span(round(start, 2), round(end, 2)), round(voiced, 2)))
    return found


def repeated(words: Sequence[Word], activity: VoiceActivity) -> list[Gap]:
    """The clauses that repeat REPEATED_WORDS or more words of an earlier stretch verbatim."""
    tokens = [w.norm for w in words]
    first: dict[tuple[str, ...], int] = {}
    suspect = [False] * len(words)
    for i in range(len(tokens) - REPEATED_WORDS + 1):
        run = tuple(tokens[i : i + REPEATED_WORDS])
        if run in first and first[run] + REPEATED_WORDS <= i:
            suspect[i : i + REPEATED_WORDS] = [True] * REPEATED_WORDS
        first.setdefault(run, i)
    found: list[Gap] = []
    i = 0
    while i < len(words):
        if not suspect[i]:
            i += 1
            continue
        a, b = i, i
        while b + 1 < len(words) and suspect[b + 1]:
            b += 1
        run = tuple(tokens[i : b + 1])
        # From the start of the clause the loop began in to the end of the one it ends in.
        while a > 0 and not _ends_clause(words[a - 1]):
            a -= 1
        while b + 1 < len(words) and not _ends_clause(words[b]):
            b += 1
        span = Span(words[a].start, words[b].end)
        found.append(Gap(span, round(activity.voiced_seconds(span.start, span.end), 2), run))
        i = b + 1
    return found


def complete(
    words: Sequence[Word],
    samples: np.ndarray,
    activity: VoiceActivity,
    decode: Decoder,
    offset: float = 0.0,
) -> tuple[tuple[Word, ...], list[str]]:
    """``words`` with lost stretches decoded again, and a note for each that stayed empty.

    ``offset`` is where ``samples`` start in the recording: the notes name the recording's time,
    the words stay in the samples' own."""
    duration = len(samples) / SAMPLE_RATE
    out = tuple(words)
    tried: set[Span] = set()
    for _ in range(FILL_PASSES):
        # Filling a gap can open another: a word stretched over a gap goes with it, and the
        # voice under its tail, past the gap's margin, is then covered by nothing.
        found = [g for g in gaps(out, activity, duration) if g.span not in tried]
        if not found:
            break
        tried.update(g.span for g in found)
        out, _empty = fill(out, samples, found, decode)
    # Repeats are looked for after the gaps are filled: the earlier sentence a loop repeats
    # may itself have been in a gap.
    out, _kept = fill(out, samples, repeated(out, activity), decode, keep_said=True)
    # Whatever still holds voice and no word is named, however it came about.
    return out, [note(gap, offset) for gap in gaps(out, activity, duration)]


def fill(
    words: Sequence[Word],
    samples: np.ndarray,
    found: Sequence[Gap],
    decode: Decoder,
    keep_said: bool = False,
) -> tuple[tuple[Word, ...], list[Gap]]:
    """``words`` with each stretch in ``found`` decoded again: the words heard there replace
    those the stretch had; a stretch where nothing is heard keeps its words, and is returned.

    With ``keep_said``, a repeated clause stays as it was when the new decoding says its
    repeated run again (the first pass's prompt is what keeps the "um"s, and the new decoding
    has none). The rest of the clause is no evidence: a loop writes an earlier sentence over a
    few words of new speech ("but it's stale I start from how fresh the you know all the
    inputs"), and the clause around it still matches the new decoding well.
    """
    out = list(words)
    empty: list[Gap] = []
    for gap in found:
        inside = _heard_in(samples, gap, decode, MARGIN_SECONDS)
        if not inside and not gap.repeats and gap.voiced_seconds >= ALONE_VOICE_SECONDS:
            # Whisper may write the margin's last words, take the pause after them for the end
            # of speech and stop (flite h495: "real time." and nothing of the 10 s after it):
            # the gap alone is decoded then, at the cost of its first and last words' edges.
            inside = _heard_in(samples, gap, decode, 0.0)
        if not inside:
            empty.append(gap)
            continue
        if keep_said and _says(inside, gap.repeats):
            continue
        # A word stretched over the gap gives the gap's time back to the words found in it.
        out = [_trimmed(w, gap) for w in out if not _within(w, gap.span)] + inside
        out.sort(key=lambda w: (w.start, w.end))
    return tuple(out), empty


def _heard_in(samples: np.ndarray, gap: Gap, decode: Decoder, margin: float) -> list[Word]:
    """The words decoded in ``gap``'s span from its sound and ``margin`` seconds either side,
    in the samples' clock."""
    start = max(0.0, gap.span.start - margin)
    end = min(len(samples) / SAMPLE_RATE, gap.span.end + margin)
    clip = samples[int(start * SAMPLE_RATE) : int(end * SAMPLE_RATE)]
    heard = [
        Word(w.text, round(w.start + start, 3), round(w.end + start, 3), w.probability)
        for w in decode(clip)
    ]
    return [w for w in heard if _within(w, gap.span)]


def _says(words: Sequence[Word], run: Sequence[str]) -> bool:
    """Whether ``words`` say ``run`` (near enough, hesitations aside)."""
    said = " ".join(w.norm for w in words if not hesitation_form(w.norm))
    wanted = " ".join(t for t in run if not hesitation_form(t))
    return bool(wanted) and fuzz.partial_ratio(wanted, said) >= SAID_AGAIN


def _within(word: Word, span: Span) -> bool:
    return span.start <= (word.start + word.end) / 2 <= span.end


def _ends_clause(word: Word) -> bool:
    return word.text.rstrip().endswith(_CLAUSE_END)


def _trimmed(word: Word, gap: Gap) -> Word:
    if word.start < gap.span.end <= word.end and word.end - word.start > LONGEST_WORD_SECONDS:
        return Word(word.text, gap.span.end, word.end, word.probability)
    return word


def note(gap: Gap, offset: float = 0.0) -> str:
    """The report's note for speech that could not be transcribed; ``offset`` moves the gap's
    time into the recording's clock."""
    start, end = gap.span.start + offset, gap.span.end + offset
    return (
        f"{_clock(start)}–{_clock(end)}: about {gap.voiced_seconds:.0f} s of"
        " speech could not be transcribed; the figures leave it out"
    )


def _clock(seconds: float) -> str:
    whole = round(seconds)
    return f"{whole // 60}:{whole % 60:02d}"
