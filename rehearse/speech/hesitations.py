"""Hesitations the first decoding dropped, found again from the sound.

Whisper is trained on cleaned-up text, so even with a filler prompt it leaves out some "uh"s, or
writes them as a short word ("Up,", "Oh,", "and"). A spoken hesitation has a shape the audio
shows: a short voiced stretch with a pause on both sides. This module finds such stretches that
no recognised hesitation covers, lays them side by side with silence between them into one short
clip, and asks the model once, with the filler prompt, what each of them is. A stretch the
stitched clip leaves undecided is weighed alone: the model's odds that its first word is a
hesitation (tiny.en often writes a piper "uh" as "Oh" or "Up" even then, while um/uh/er still
hold a fair share of the odds). Where the answer is a hesitation, the transcript gets it: in place
of the word the first pass wrote over the sound ("Up," becomes "Uh,"), or as a new word when the
sound was folded into a neighbour or left out.

Pure functions: the model comes in as the ``Decoder`` and ``Weigher`` callables.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from rehearse.audio.clip import SAMPLE_RATE, Span, VoiceActivity
from rehearse.text.words import Word, hesitation_form, normalise

# A hesitation lasts from about a tenth of a second to most of a second, and a pause of at least
# a tenth of a second sets it off on both sides (speech splits into many runs at its stops).
MIN_SECONDS = 0.1
MAX_SECONDS = 0.7
MIN_PAUSE_SECONDS = 0.1
# Each stretch goes into the stitched clip with a little sound around it and silence between.
MARGIN_SECONDS = 0.05
SPACER_SECONDS = 0.5
WINDOW_SECONDS = 28.0
# How far a recognised hesitation's time may sit from its sound, and how much sound a word must
# have outside a stretch to be a word of its own rather than that stretch.
CLAIM_SECONDS = 0.6
OWN_SOUND_SECONDS = 0.08
EDGE_SECONDS = 0.05  # times are in 10 ms frames: a stretch "touches" a word this close to it
# Short words the first pass writes over a hesitation's sound: "uh" heard as "up", "oh", "a".
# Only replaced when the second listen, of that sound alone, hears a hesitation.
STAND_INS = frozenset(
    ["oh", "up", "a", "ah", "and", "or", "her", "are", "out", "uh-huh", "huh", "um", "i'm", "hm"]
)

SET_OFF_STAND_INS = frozenset(["oh", "up"])
# Any other word alone between pauses is worth a second listen when the first pass was unsure of
# it: tiny.en also writes an "er" as "Art," or "Our" and a "hmm" as "M" or "Herm," (probability
# 0.32-0.67 on dev), where lone content words mostly score above 0.9.
UNSURE_PROBABILITY = 0.7

# A lone sound is a hesitation when the model gives um/uh/er/hmm together at least these odds as
# its first word, and more than "ah": tiny.en hears "Ah" in a lone, clipped espeak "and".
HESITATION_ODDS = 0.15
WEIGHED = ("um", "uh", "er", "hmm")
# A recognised hesitation this close, with no other word between, is the same one mistimed.
SAME_HESITATION_SECONDS = 1.0

# Each sound weighed alone costs a whole 30 s encoder window, as much as 30 s of speech: most
# answers leave 0-1, but one with many pauses left 6-8 and took 1.2-1.5x plain faster-whisper's
# time. Few of those sounds turn out to be hesitations, so a cap in proportion to the audio keeps
# the worst case near plain's cost, weighing first the sounds the stitched listen gave most reason
# to doubt; held out it changed one file of 100 (benchmarks/README). None lifts it.
LONE_WEIGHS_PER_MINUTE: float | None = 2.0


@dataclass(frozen=True)
class LoneEvidence:
    """Why a sound the stitched listen left undecided is worth weighing alone; the first of
    LONE_EVIDENCE that holds ranks it, earlier rules first."""

    name: str
    holds: Callable[[Sequence[Word], Word | None], bool]
    example: str


def _heard_a_hesitation_among_words(heard: Sequence[Word], first: Word | None) -> bool:
    return len(heard) > 1 and any(hesitation_form(w.norm) for w in heard)


def _heard_nothing(heard: Sequence[Word], first: Word | None) -> bool:
    return not heard


def _written_as_a_stand_in(heard: Sequence[Word], first: Word | None) -> bool:
    return first is not None and first.norm in STAND_INS


def _anything(heard: Sequence[Word], first: Word | None) -> bool:
    return True


LONE_EVIDENCE = (
    LoneEvidence(
        "hesitation-among-words",
        _heard_a_hesitation_among_words,
        'the stitched listen wrote "uh so" over the sound: a hesitation, and not alone',
    ),
    LoneEvidence(
        "heard-as-nothing",
        _heard_nothing,
        "the stitched listen wrote nothing over the sound",
    ),
    LoneEvidence(
        "stand-in",
        _written_as_a_stand_in,
        'the first pass wrote "Or" over the sound, a word hesitations are often heard as',
    ),
    LoneEvidence(
        "own-words",
        _anything,
        'the stitched listen wrote another word over the sound ("Art")',
    ),
)


def lone_weigh_cap(seconds: float, per_minute: float | None = LONE_WEIGHS_PER_MINUTE) -> int | None:
    """How many sounds a stretch of ``seconds`` of audio may weigh alone (None: all); at least
    one, so a short piece of a streamed answer still weighs its likeliest."""
    if per_minute is None:
        return None
    return max(1, math.floor(per_minute * seconds / 60 + 0.5))


def lone_evidence(heard: Sequence[Word], first: Word | None) -> LoneEvidence:
    """The strongest reason to weigh a sound alone, given what the stitched listen wrote over it
    and the first pass's word over it (None: it had none of its own)."""
    return next(rule for rule in LONE_EVIDENCE if rule.holds(heard, first))


Decoder = Callable[[np.ndarray], Sequence[Word]]
"""Turns 16 kHz samples into timed words (the model, with the filler prompt)."""

Odds = Mapping[str, float]
Weigher = Callable[[Sequence[np.ndarray]], Sequence[Odds]]
"""For each clip, the model's probability that its first word is "um", "uh", "er", "hmm", "ah"."""


@dataclass(frozen=True)
class Stretch:
    """A short stretch of sound with a pause on either side: where a hesitation would be."""

    span: Span
    word: int | None  # index of the recognised word that covers most of it, if any


def isolated_stretches(
    activity: VoiceActivity,
    start: float,
    end: float,
    shortest: float = MIN_SECONDS,
    longest: float = MAX_SECONDS,
) -> list[Span]:
    """Voiced stretches of ``shortest``..``longest`` s with MIN_PAUSE_SECONDS of silence around."""
    runs = activity.voiced_runs(start, end)
    merged: list[list[float]] = []
    for run in runs:
        if merged and run.start - merged[-1][1] < MIN_PAUSE_SECONDS:
            merged[-1][1] = run.end
        else:
            merged.append([run.start, run.end])
    return [Span(a, b) for a, b in merged if shortest <= b - a <= longest]


def candidates(words: Sequence[Word], activity: VoiceActivity, duration: float) -> list[Stretch]:
    """Isolated stretches that neither a recognised hesitation nor a word of their own explain.

    Word times drift by tenths of a second, so each recognised hesitation first claims the
    nearest stretch. A stretch whose covering word has no other sound is that word ("So,"), and
    only a stand-in ("Up,") or a word the first pass was unsure of is worth a second listen; a
    stretch inside a word that also has sound elsewhere is extra sound the first pass folded into
    its neighbour.
    """
    spans = isolated_stretches(activity, 0.0, duration)
    claimed: set[int] = set()
    for w in words:
        if not hesitation_form(w.norm):
            continue
        middle = (w.start + w.end) / 2
        near = [
            (abs((s.start + s.end) / 2 - middle), k)
            for k, s in enumerate(spans)
            if k not in claimed and s.start - CLAIM_SECONDS < middle < s.end + CLAIM_SECONDS
        ]
        if near:
            claimed.add(min(near)[1])
    found: list[Stretch] = []
    for k, span in enumerate(spans):
        if k in claimed:
            continue
        overlaps = [
            (min(w.end, span.end) - max(w.start, span.start), i)
            for i, w in enumerate(words)
            if w.start < span.end and w.end > span.start
        ]
        best = max(overlaps, default=None)
        if best is None or best[0] <= 0:
            # In a gap between words: unless a hesitation the first pass wrote is right there.
            before = [w for w in words if w.end <= span.start + EDGE_SECONDS]
            after = [w for w in words if w.start >= span.end - EDGE_SECONDS]
            beside = before[-1:] + after[:1]
            if not any(hesitation_form(w.norm) for w in beside):
                found.append(Stretch(span, None))
            continue
        word = words[best[1]]
        inside = activity.voiced_seconds(max(word.start, span.start), min(word.end, span.end))
        elsewhere = activity.voiced_seconds(word.start, word.end) - inside
        if elsewhere >= OWN_SOUND_SECONDS:
            found.append(Stretch(span, None))
        elif word.norm in STAND_INS or word.probability < UNSURE_PROBABILITY:
            found.append(Stretch(span, best[1]))
    return found


def stitch(samples: np.ndarray, spans: Sequence[Span]) -> tuple[np.ndarray, list[float]]:
    """One clip of the spans separated by silence, and where each span starts inside it."""
    spacer = np.zeros(int(SPACER_SECONDS * SAMPLE_RATE), dtype=np.float32)
    pieces: list[np.ndarray] = [spacer]
    offsets: list[float] = []
    at = len(spacer)
    for span in spans:
        a = max(0, int((span.start - MARGIN_SECONDS) * SAMPLE_RATE))
        b = min(len(samples), int((span.end + MARGIN_SECONDS) * SAMPLE_RATE))
        offsets.append(at / SAMPLE_RATE)
        pieces += [samples[a:b].astype(np.float32, copy=False), spacer]
        at += (b - a) + len(spacer)
    return np.concatenate(pieces), offsets


def words_on_pieces(
    decoded: Sequence[Word], offsets: Sequence[float], lengths: Sequence[float]
) -> list[list[Word]]:
    """For each stitched piece, the words the decoder placed on it (half a spacer either side)."""
    heard: list[list[Word]] = [[] for _ in offsets]
    for w in decoded:
        middle = (w.start + w.end) / 2
        for k, (at, length) in enumerate(zip(offsets, lengths, strict=True)):
            if at - SPACER_SECONDS / 2 <= middle < at + length + SPACER_SECONDS / 2:
                heard[k].append(w)
                break
    return heard


def hesitation_heard(words: Sequence[Word]) -> str | None:
    """The hesitation spelling written over one piece, if that is all it holds: "uh so" is not."""
    if len(words) == 1 and hesitation_form(words[0].norm):
        return words[0].text
    return None


def likely_hesitation(odds: Odds) -> str | None:
    """The hesitation a lone sound most likely is, if the model's odds lean that way enough."""
    weighed = {kind: odds.get(kind, 0.0) for kind in WEIGHED}
    total = sum(weighed.values())
    if total < HESITATION_ODDS or total <= odds.get("ah", 0.0):
        return None
    return max(weighed, key=lambda kind: weighed[kind])


def beside_a_hesitation(span: Span, words: Sequence[Word]) -> bool:
    """Whether a hesitation in ``words`` lies near ``span`` with no other word between them."""
    middle = (span.start + span.end) / 2
    for w in words:
        if not hesitation_form(w.norm):
            continue
        if abs((w.start + w.end) / 2 - middle) > SAME_HESITATION_SECONDS:
            continue
        low, high = sorted((w.end, span.start) if w.end <= span.start else (span.end, w.start))
        between = [
            x
            for x in words
            if not hesitation_form(x.norm)
            and x.start >= low - EDGE_SECONDS
            and x.end <= high + EDGE_SECONDS
            and not (x.start < span.end and x.end > span.start)
        ]
        if not between:
            return True
    return False


def _groups(stretches: Sequence[Stretch]) -> list[list[Stretch]]:
    """Stretches in runs whose stitched clip fits one 30 s window of the model."""
    groups: list[list[Stretch]] = [[]]
    length = SPACER_SECONDS
    for s in stretches:
        piece = s.span.seconds + 2 * MARGIN_SECONDS + SPACER_SECONDS
        if groups[-1] and length + piece > WINDOW_SECONDS:
            groups.append([])
            length = SPACER_SECONDS
        groups[-1].append(s)
        length += piece
    return groups


def recover(
    words: Sequence[Word],
    samples: np.ndarray,
    activity: VoiceActivity,
    decode: Decoder,
    weigh: Weigher | None = None,
    lone_per_minute: float | None = LONE_WEIGHS_PER_MINUTE,
) -> tuple[Word, ...]:
    """``words`` with the hesitations the second listen heard put back; at most
    ``lone_per_minute`` sounds a minute of ``samples`` are weighed alone (None: every one)."""
    duration = len(samples) / SAMPLE_RATE
    stretches = candidates(words, activity, duration)
    if not stretches:
        return tuple(words)
    cap = lone_weigh_cap(duration, lone_per_minute)
    heard = _listen(words, samples, stretches, decode, weigh, cap)
    return _put_back(words, stretches, heard)


def _listen(
    words: Sequence[Word],
    samples: np.ndarray,
    stretches: Sequence[Stretch],
    decode: Decoder,
    weigh: Weigher | None,
    cap: int | None = None,
) -> list[str | None]:
    """The hesitation each stretch is, if any: stitched together first, then weighed alone (at
    most ``cap`` of them, those with the strongest LONE_EVIDENCE first)."""
    pieces: list[list[Word]] = []
    for group in _groups(stretches):
        clip, offsets = stitch(samples, [s.span for s in group])
        lengths = [s.span.seconds + 2 * MARGIN_SECONDS for s in group]
        pieces += words_on_pieces(decode(clip), offsets, lengths)
    heard = [hesitation_heard(ws) for ws in pieces]
    for k, stretch in enumerate(stretches):
        if heard[k] is None and stretch.word is not None:
            # "Up," or "Oh," alone between pauses and set off by a comma is how "uh" comes out.
            old = words[stretch.word]
            if old.norm in SET_OFF_STAND_INS and old.text.rstrip().endswith(","):
                heard[k] = "uh"
    # A sound beside a recognised hesitation would be dropped below as that one mistimed.
    undecided = [
        k
        for k, spelling in enumerate(heard)
        if spelling is None and not beside_a_hesitation(stretches[k].span, words)
    ]
    if cap is not None and len(undecided) > cap:
        undecided = sorted(_strongest_first(undecided, stretches, pieces, words)[:cap])
    if weigh is not None and undecided:
        alone = [stitch(samples, [stretches[k].span])[0] for k in undecided]
        for k, odds in zip(undecided, weigh(alone), strict=True):
            heard[k] = likely_hesitation(odds)
    return heard


def _strongest_first(
    undecided: Sequence[int],
    stretches: Sequence[Stretch],
    pieces: Sequence[Sequence[Word]],
    words: Sequence[Word],
) -> list[int]:
    """``undecided`` ranked by LONE_EVIDENCE, then by how unsure the first pass was of its word
    over the sound (a sound it wrote no word of its own for counts as least sure)."""

    def key(k: int) -> tuple[int, float, int]:
        index = stretches[k].word
        first = words[index] if index is not None else None
        rank = LONE_EVIDENCE.index(lone_evidence(pieces[k], first))
        return rank, first.probability if first is not None else 0.0, k

    return sorted(undecided, key=key)


def _put_back(
    words: Sequence[Word], stretches: Sequence[Stretch], heard: Sequence[str | None]
) -> tuple[Word, ...]:
    """``words`` with each heard hesitation written over its stand-in or added as a new word."""
    out = list(words)
    added: list[Word] = []
    for stretch, spelling in zip(stretches, heard, strict=True):
        if spelling is None or beside_a_hesitation(stretch.span, out + added):
            continue
        text = normalise(spelling)
        span = stretch.span
        if stretch.word is not None:
            old = words[stretch.word]
            trail = old.text[len(old.text.rstrip(",.?!;:")) :]
            out[stretch.word] = Word(text + trail, old.start, old.end, old.probability)
        else:
            added.append(Word(text + ",", span.start, span.end, 0.5))
    return tuple(sorted(out + added, key=lambda w: (w.start, w.end)))
