"""Coaching beyond fillers: repetition, hedges, delivery, pace over time, tangents, the guide's
checks and the tips drawn from them, as one record a report carries.

``coach`` is a pure function of the words, the fillers already judged, the rubric, the coverage
and the delivery measured from the sound. ``to_dict``/``coaching_from_dict`` are the JSON the
report and the history keep; a report of an older format has no coaching and reads back with
``NO_COACHING`` (every figure empty), never a made-up one.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, cast

from rehearse.audio.delivery import NO_DELIVERY, Delivery
from rehearse.language.coverage import Coverage
from rehearse.language.fillers import Filler
from rehearse.language.hedges import Hedge
from rehearse.language.repetition import Loop, Overused, Repetition, overused
from rehearse.language.rubric import Rubric
from rehearse.scoring.guide import GuideChecks, PartBudget, Quote, check_answer
from rehearse.scoring.habits import find_habits
from rehearse.scoring.pace import PaceVerdict, PaceWindow, WindowVerdict, pace_verdict, pace_windows
from rehearse.scoring.tangents import Tangent, find_tangents
from rehearse.scoring.tips import Evidence, Tip, clock, make_tips
from rehearse.text.sentences import split_sentences
from rehearse.text.words import Word, normalise


@dataclass(frozen=True)
class Coaching:
    hedges: tuple[Hedge, ...] = ()
    repetitions: tuple[Repetition, ...] = ()
    overused: tuple[Overused, ...] = ()
    delivery: Delivery = NO_DELIVERY
    pace: PaceVerdict | None = None
    pace_windows: tuple[PaceWindow, ...] = ()
    tangents: tuple[Tangent, ...] = ()
    guide: GuideChecks | None = None
    tips: tuple[Tip, ...] = ()

    @property
    def repeats(self) -> int:
        return sum(1 for r in self.repetitions if r.kind == "repeat")

    @property
    def restarts(self) -> int:
        return sum(1 for r in self.repetitions if r.kind == "restart")

    @property
    def tangent_seconds(self) -> float:
        return round(sum(t.seconds for t in self.tangents), 2)


NO_COACHING = Coaching()


@dataclass(frozen=True)
class Coached:
    """What ``coach`` gives back: the coaching, and the fillers left once hedges took theirs."""

    coaching: Coaching
    fillers: tuple[Filler, ...]
    # For the report's notes: what the words held that is no habit of the speaker's.
    notes: tuple[str, ...] = ()


def rubric_terms(rubric: Rubric) -> frozenset[str]:
    """The words of the question and its points' phrases: they are expected to come back."""
    text = " ".join([rubric.question, *(p for point in rubric.points for p in point.phrases)])
    return frozenset(normalise(t) for t in text.split())


def coach(
    words: Sequence[Word],
    fillers: Sequence[Filler],
    rubric: Rubric,
    coverage: Coverage,
    speaking_seconds: float,
    target: tuple[int, int],
    delivery: Delivery = NO_DELIVERY,
    paused: Collection[int] = (),
) -> Coached:
    """The coaching on an answer; ``fillers`` as ``judge_fillers`` counted them."""
    habits = find_habits(words, fillers, paused)
    filler_words = {i for f in habits.fillers for i in f.word_indices}
    hedge_words = {i for h in habits.hedges for i in h.word_indices}
    words_per_minute = round(len(words) / speaking_seconds * 60, 1) if speaking_seconds else 0.0
    windows = pace_windows(words)
    tangents = find_tangents(rubric, words, filler_words)
    guide = check_answer(rubric, words, coverage, filler_words | hedge_words)
    heavy = tuple(overused(words, filler_words | hedge_words, rubric_terms(rubric)))
    verdict = pace_verdict(words_per_minute)
    evidence = Evidence(
        words=words,
        sentences=split_sentences(words),
        speaking_seconds=speaking_seconds,
        target=target,
        words_per_minute=words_per_minute,
        fillers=habits.fillers,
        hedges=habits.hedges,
        repetitions=habits.repetitions,
        overused=heavy,
        pace_verdict=verdict,
        pace_windows=windows,
        tangents=tangents,
        delivery=delivery,
        guide=guide,
    )
    coaching = Coaching(
        hedges=habits.hedges,
        repetitions=habits.repetitions,
        overused=heavy,
        delivery=delivery,
        pace=verdict,
        pace_windows=windows,
        tangents=tangents,
        guide=guide,
        tips=make_tips(evidence),
    )
    return Coached(coaching, habits.fillers, tuple(loop_note(loop) for loop in habits.loops))


def loop_note(loop: Loop) -> str:
    return (
        f'the recogniser wrote "{loop.text}" {loop.times} times in a row at {clock(loop.start)};'
        " taken for a loop of the model, it is not counted as your repeats"
    )


# ---------------------------------------------------------------------------------------------
# JSON


def to_dict(c: Coaching, speaking_seconds: float) -> dict[str, Any]:
    """The report's ``coaching`` object (the README's "Coaching figures" documents each one)."""

    def per_minute(count: int) -> float:
        return round(count / speaking_seconds * 60, 1) if speaking_seconds > 0 else 0.0

    d = c.delivery
    return {
        "hedges": {
            "count": len(c.hedges),
            "per_minute": per_minute(len(c.hedges)),
            "items": [
                {
                    "text": h.text,
                    "start": h.start,
                    "end": h.end,
                    "words": list(h.word_indices),
                    "rule": h.rule,
                }
                for h in c.hedges
            ],
        },
        "repetition": {
            "repeats": c.repeats,
            "restarts": c.restarts,
            "per_minute": per_minute(len(c.repetitions)),
            "items": [
                {
                    "kind": r.kind,
                    "text": r.text,
                    "start": r.start,
                    "end": r.end,
                    "words": list(r.word_indices),
                    "rule": r.rule,
                }
                for r in c.repetitions
            ],
            "overused": [
                {"text": o.text, "count": o.count, "share": o.share, "times": list(o.times)}
                for o in c.overused
            ],
        },
        "delivery": {
            "voiced_seconds": d.voiced_seconds,
            "pitch_median_hz": d.pitch_median_hz,
            "pitch_variety_semitones": d.pitch_variety_semitones,
            "loudness_variety_db": d.loudness_variety_db,
            "monotone": d.monotone,
        },
        "pace": {
            "verdict": c.pace,
            "windows": [
                {
                    "start": w.start,
                    "end": w.end,
                    "words": w.words,
                    "words_per_minute": w.words_per_minute,
                    "verdict": w.verdict,
                }
                for w in c.pace_windows
            ],
        },
        "tangents": {
            "seconds": c.tangent_seconds,
            "share": round(c.tangent_seconds / speaking_seconds, 3) if speaking_seconds else 0.0,
            "items": [
                {"start": t.start, "end": t.end, "seconds": t.seconds, "text": t.text}
                for t in c.tangents
            ],
        },
        "guide": _guide_dict(c.guide),
        "tips": [
            {"kind": t.kind, "text": t.text, "start": t.start, "end": t.end, "weight": t.weight}
            for t in c.tips
        ],
    }


def _quote_dict(q: Quote | None) -> dict[str, Any] | None:
    return None if q is None else {"start": q.start, "end": q.end, "text": q.text}


def _guide_dict(g: GuideChecks | None) -> dict[str, Any] | None:
    if g is None:
        return None
    return {
        "parts": [
            {
                "id": p.id,
                "label": p.label,
                "sentences": p.sentences,
                "seconds": p.seconds,
                "budget": list(p.budget),
                "start": p.start,
                "over": p.over,
            }
            for p in g.parts
        ],
        "ownership": {
            "share": g.ownership_share,
            "i_sentences": g.i_sentences,
            "we_sentences": g.we_sentences,
            "weak": g.weak_ownership,
            "vague_we": [_quote_dict(q) for q in g.vague_we],
        },
        "metric_without_context": _quote_dict(g.metric_without_context),
        "no_baseline": _quote_dict(g.no_baseline),
    }


def _quote(data: Mapping[str, Any] | None) -> Quote | None:
    return None if data is None else Quote(data["start"], data["end"], data["text"])


def coaching_from_dict(data: Mapping[str, Any] | None) -> Coaching:
    """Rebuild ``Coaching`` from ``to_dict``; ``None`` (an older report) gives ``NO_COACHING``."""
    if not data:
        return NO_COACHING
    rep = data["repetition"]
    d = data["delivery"]
    g = data.get("guide")
    guide = None
    if g is not None:
        own = g["ownership"]
        guide = GuideChecks(
            parts=tuple(
                PartBudget(
                    p["id"],
                    p["label"],
                    p["sentences"],
                    p["seconds"],
                    (p["budget"][0], p["budget"][1]),
                    p["start"],
                )
                for p in g["parts"]
            ),
            i_sentences=own["i_sentences"],
            we_sentences=own["we_sentences"],
            vague_we=tuple(q for q in (_quote(x) for x in own["vague_we"]) if q),
            metric_without_context=_quote(g["metric_without_context"]),
            no_baseline=_quote(g["no_baseline"]),
        )
    return Coaching(
        hedges=tuple(
            Hedge(h["text"], h["start"], h["end"], tuple(h["words"]), h["rule"])
            for h in data["hedges"]["items"]
        ),
        repetitions=tuple(
            Repetition(r["kind"], r["text"], r["start"], r["end"], tuple(r["words"]), r["rule"])
            for r in rep["items"]
        ),
        overused=tuple(
            Overused(o["text"], o["count"], o["share"], tuple(o["times"])) for o in rep["overused"]
        ),
        delivery=Delivery(
            d["voiced_seconds"],
            d["pitch_median_hz"],
            d["pitch_variety_semitones"],
            d["loudness_variety_db"],
        ),
        pace=data["pace"]["verdict"],
        pace_windows=tuple(
            PaceWindow(
                w["start"],
                w["end"],
                w["words"],
                w["words_per_minute"],
                cast(WindowVerdict, w["verdict"]),
            )
            for w in data["pace"]["windows"]
        ),
        tangents=tuple(Tangent(t["start"], t["end"], t["text"]) for t in data["tangents"]["items"]),
        guide=guide,
        tips=tuple(
            Tip(t["kind"], t["text"], t["start"], t["end"], t["weight"]) for t in data["tips"]
        ),
    )
