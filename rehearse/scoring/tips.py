"""Tips: at most three concrete suggestions, ranked, each quoting the answer with a time to replay.

Every tip is built from a figure of this answer that passed its threshold, and names where to
listen ("0:42"); with no such figure there is no tip, never generic advice. Tips are ranked by
roughly how many seconds of the answer the habit costs or concerns: a 20-second tangent before
two "maybe"s.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from rehearse.audio.delivery import MONOTONE_BELOW_SEMITONES, Delivery
from rehearse.language.fillers import Filler
from rehearse.language.hedges import Hedge
from rehearse.language.repetition import Overused, Repetition
from rehearse.scoring.guide import GuideChecks, Quote
from rehearse.scoring.pace import PACE_BAND, PaceVerdict, PaceWindow
from rehearse.scoring.tangents import Tangent
from rehearse.text.sentences import Sentence
from rehearse.text.words import Word

MAX_TIPS = 3
# A habit is worth a tip from this many occurrences.
MIN_FILLERS = 3
MIN_HEDGES = 3
MIN_REPETITIONS = 2
QUOTE_WORDS = 8


@dataclass(frozen=True, slots=True)
class Tip:
    kind: str  # what it is about: "fillers", "hedges", "tangent", "pace", ...
    text: str
    start: float  # where to replay
    end: float
    weight: float  # roughly the seconds concerned; tips are ranked by it


@dataclass(frozen=True)
class Evidence:
    """What tips are drawn from: the figures of one answer."""

    words: Sequence[Word]
    sentences: Sequence[Sentence]
    speaking_seconds: float
    target: tuple[int, int]
    words_per_minute: float
    fillers: Sequence[Filler]
    hedges: Sequence[Hedge]
    repetitions: Sequence[Repetition]
    overused: Sequence[Overused]
    pace_verdict: PaceVerdict | None
    pace_windows: Sequence[PaceWindow]
    tangents: Sequence[Tangent]
    delivery: Delivery
    guide: GuideChecks | None


def clock(seconds: float) -> str:
    """``0:42``, ``1:05``: a time in the recording as a user reads it."""
    whole = max(0, int(seconds))
    return f"{whole // 60}:{whole % 60:02d}"


def quote(text: str, words: int = QUOTE_WORDS) -> str:
    said = text.split()
    return " ".join(said[:words]) + ("…" if len(said) > words else "")


def quote_at(evidence: Evidence, start: float) -> str:
    """A few words of the answer from ``start``."""
    said = [w.text for w in evidence.words if w.end > start][:QUOTE_WORDS]
    return quote(" ".join(said))


def make_tips(evidence: Evidence) -> tuple[Tip, ...]:
    """The top ``MAX_TIPS`` tips for this answer, most costly first."""
    found = [
        tip
        for make in (
            _tangent_tip,
            _overrun_tip,
            _pace_tip,
            _filler_tip,
            _hedge_tip,
            _repetition_tip,
            _overused_tip,
            _monotone_tip,
            _ownership_tip,
            _budget_tip,
            _metric_tip,
            _baseline_tip,
        )
        if (tip := make(evidence)) is not None
    ]
    return tuple(sorted(found, key=lambda t: -t.weight)[:MAX_TIPS])


def _tangent_tip(e: Evidence) -> Tip | None:
    if not e.tangents:
        return None
    t = max(e.tangents, key=lambda t: t.seconds)
    total = sum(t.seconds for t in e.tangents)
    text = (
        f'{clock(t.start)}–{clock(t.end)} touched no talking point ("{quote(t.text)}"); '
        f"{total:.0f} s of the answer were off the question's points: cut or tie them to one."
    )
    return Tip("tangent", text, t.start, t.end, total)


def _overrun_tip(e: Evidence) -> Tip | None:
    high = e.target[1]
    over = e.speaking_seconds - high
    if over <= 0 or not e.words:
        return None
    at = e.words[0].start + high
    text = (
        f"You spoke {e.speaking_seconds:.0f} s against a target of {e.target[0]}–{high} s; "
        f'at {clock(at)} you were still saying "{quote_at(e, at)}".'
    )
    return Tip("timing", text, at, at + over, over)


def _pace_tip(e: Evidence) -> Tip | None:
    low, high = PACE_BAND
    if e.pace_verdict in ("fast", "slow"):
        edge = high if e.pace_verdict == "fast" else low
        windows = [w for w in e.pace_windows if w.verdict != "steady"] or list(e.pace_windows)
        worst = max(windows, key=lambda w: abs(w.words_per_minute - edge))
        way = "faster" if e.pace_verdict == "fast" else "slower"
        text = (
            f"At {e.words_per_minute:.0f} words a minute you spoke {way} than the {low}–{high} "
            f"that is easy to follow; {clock(worst.start)}–{clock(worst.end)} ran at "
            f'{worst.words_per_minute:.0f} ("{quote_at(e, worst.start)}").'
        )
        weight = abs(e.words_per_minute - edge) / edge * e.speaking_seconds
        return Tip("pace", text, worst.start, worst.end, weight)
    uneven = [w for w in e.pace_windows if w.verdict != "steady"]
    if not uneven:
        return None
    w = uneven[0]
    edge = high if w.verdict == "rushed" else low
    text = (
        f"You {w.verdict} at {clock(w.start)}–{clock(w.end)}: {w.words_per_minute:.0f} words a "
        f'minute ("{quote_at(e, w.start)}") against {e.words_per_minute:.0f} over the answer.'
    )
    weight = abs(w.words_per_minute - edge) / edge * (w.end - w.start)
    return Tip("pace", text, w.start, w.end, weight)


def _filler_tip(e: Evidence) -> Tip | None:
    if len(e.fillers) < MIN_FILLERS:
        return None
    word, count = Counter(f.text for f in e.fillers).most_common(1)[0]
    mine = [f for f in e.fillers if f.text == word]
    opening = sum(1 for f in mine if _opens_sentence(e, f.word_indices[0]))
    first = mine[0]
    where = f", {opening} of them starting a sentence" if opening > 1 else ""
    others = len(e.fillers) - count
    rest = f" ({others} other filler{'s' if others > 1 else ''})" if others else ""
    text = f'You said "{word}" {count} times{where}{rest}, e.g. {clock(first.start)}.'
    return Tip("fillers", text, first.start, first.end, 1.0 * len(e.fillers))


def _opens_sentence(e: Evidence, index: int) -> bool:
    return any(s.first == index for s in e.sentences)


def _hedge_tip(e: Evidence) -> Tip | None:
    if len(e.hedges) < MIN_HEDGES:
        return None
    counts = Counter(h.text for h in e.hedges).most_common(3)
    which = ", ".join(f'"{text}" ×{n}' for text, n in counts)
    h = e.hedges[0]
    text = (
        f"You hedged {len(e.hedges)} times ({which}): say the claim plainly, "
        f'e.g. {clock(h.start)} "{quote_at(e, h.start)}".'
    )
    return Tip("hedges", text, h.start, h.end, 1.5 * len(e.hedges))


def _repetition_tip(e: Evidence) -> Tip | None:
    if len(e.repetitions) < MIN_REPETITIONS:
        return None
    restarts = sum(1 for r in e.repetitions if r.kind == "restart")
    repeats = len(e.repetitions) - restarts
    parts = [
        f"{restarts} restarts" if restarts else "",
        f"{repeats} repeated words" if repeats else "",
    ]
    r = next((r for r in e.repetitions if r.kind == "restart"), e.repetitions[0])
    text = (
        f'{" and ".join(p for p in parts if p)}: e.g. {clock(r.start)} "{quote_at(e, r.start)}"; '
        "pause and finish the sentence you started instead."
    )
    return Tip("repetition", text, r.start, r.end, 2.0 * len(e.repetitions))


def _overused_tip(e: Evidence) -> Tip | None:
    if not e.overused:
        return None
    o = e.overused[0]
    text = (
        f'You said "{o.text}" {o.count} times ({o.share:.0%} of your content words), '
        f"e.g. {clock(o.times[0])}: vary it or cut the repeats."
    )
    return Tip("overused", text, o.times[0], o.times[0] + 1.0, 1.0 * o.count)


def _monotone_tip(e: Evidence) -> Tip | None:
    if not e.delivery.monotone or not e.sentences:
        return None
    s = max(e.sentences, key=lambda s: s.seconds)
    text = (
        f"Your pitch varied by {e.delivery.pitch_variety_semitones:.1f} semitones (flat below "
        f'{MONOTONE_BELOW_SEMITONES}); replay {clock(s.start)} "{quote(s.text)}" and lift the '
        "key words."
    )
    return Tip("monotone", text, s.start, s.end, 10.0)


def _ownership_tip(e: Evidence) -> Tip | None:
    if e.guide is None or not e.guide.weak_ownership:
        return None
    q = e.guide.vague_we[0]
    total = e.guide.i_sentences + e.guide.we_sentences
    some = f"Only {e.guide.i_sentences} of" if e.guide.i_sentences else "None of"
    text = (
        f"{some} the {total} sentences about the work say what you did: {clock(q.start)} "
        f'"{quote(q.text)}" — say which part was yours.'
    )
    return Tip("ownership", text, q.start, q.end, 5.0 * e.guide.we_sentences)


def _budget_tip(e: Evidence) -> Tip | None:
    if e.guide is None:
        return None
    over = [p for p in e.guide.parts if p.over]
    if not over:
        return None
    p = max(over, key=lambda p: p.sentences - p.budget[1])
    asks = "one" if p.budget[1] == 1 else f"{p.budget[0]} to {p.budget[1]}"
    text = (
        f'{p.sentences} sentences ({p.seconds:.0f} s) on "{p.label}", from {clock(p.start)} '
        f'"{quote_at(e, p.start)}"; the 90-second structure asks for {asks}.'
    )
    return Tip("structure", text, p.start, p.start + p.seconds, 4.0 * (p.sentences - p.budget[1]))


def _finding_tip(kind: str, q: Quote | None, what: str) -> Tip | None:
    if q is None:
        return None
    return Tip(kind, f'{clock(q.start)} "{quote(q.text)}": {what}', q.start, q.end, 8.0)


def _metric_tip(e: Evidence) -> Tip | None:
    what = "a metric with no product or online effect said; add what it changed for users."
    return _finding_tip("metric", e.guide.metric_without_context if e.guide else None, what)


def _baseline_tip(e: Evidence) -> Tip | None:
    what = "the final model with no baseline before it; say what simple model it beat."
    return _finding_tip("baseline", e.guide.no_baseline if e.guide else None, what)
