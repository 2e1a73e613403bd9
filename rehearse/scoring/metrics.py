"""The rambling metrics: what "rambling less" is measured by, each defined once, here.

Every figure the history, the progress view and ``compare`` show about an attempt comes from
``measure``, a pure function of the report and the target it was held to, so the command line,
the app and the stored history can never disagree on what a metric means. The README's "Rambling
metrics" section says the same in the user's words; keep the two in step.

The module is light on purpose (no audio or language imports): the history and its trends read
``SCORING_REVISION`` and the metric definitions without loading the scoring machinery.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from rehearse.scoring.score import Report

# Which rules produced a report: each attempt stores it, so a trend can tell a real improvement
# from a rule change, and `rehearse rescore` knows which attempts are out of date. Bump it in the
# same commit as any change that would make the same recording score differently: the words
# (transcription, decoding prompts, the second listens in rehearse.speech), the fillers
# (rehearse.language.fillers, voiced_fillers in rehearse.scoring.score), pauses, coverage
# matching, or what a metric below means. Refactors that keep every figure need no bump.
# 0 is reserved for attempts saved before revisions were recorded. 2: a softening "kind of" is a
# hedge rather than a filler, reports carry the coaching figures,
# and coverage is decided per sentence by meaning. 3: a fitted decision weighs the discourse
# fillers no rule names (rehearse.language.filler_model), a sentence's stance decides whether a
# phrase counts by itself, and a clause left on an article before a new start is a restart.
SCORING_REVISION = 3


def scoring_version(revision: int = SCORING_REVISION, package: str | None = None) -> str:
    """The version of the scoring as people read it: ``0.1.0, scoring 1``."""
    from rehearse import __version__

    if revision == 0:
        return "not recorded (saved before scoring versions were kept)"
    return f"{package or __version__}, scoring {revision}"


Better = Literal["lower", "higher"]


@dataclass(frozen=True)
class PartTime:
    """For an ordered rubric: the seconds spent on one part against an even share of the target.

    ``seconds`` runs from where the part was first said to where the next part spoken began (the
    last part runs to the end of the answer); ``None`` when the part was never said.
    """

    id: str
    label: str
    seconds: float | None
    share: float

    @property
    def over(self) -> float | None:
        """Seconds beyond the even share (negative: quicker than it)."""
        return None if self.seconds is None else round(self.seconds - self.share, 1)


@dataclass(frozen=True)
class Metrics:
    """The rambling metrics of one attempt (see ``METRICS`` for what each one means)."""

    overrun_seconds: float
    fillers_per_minute: float
    pauses_per_minute: float
    words_per_minute: float
    coverage: float
    words_per_point: float | None
    first_point_seconds: float | None
    parts: tuple[PartTime, ...] = ()
    # Coaching beyond fillers; None for a report scored before reports carried it (format < 3).
    hedges_per_minute: float | None = None
    repetitions_per_minute: float | None = None
    tangent_share: float | None = None
    pitch_variety: float | None = None

    def value(self, key: str) -> float | None:
        """The metric named ``key`` (a ``MetricInfo.key``)."""
        value = getattr(self, key)
        return None if value is None else float(value)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["parts"] = [asdict(p) for p in self.parts]
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Metrics:
        parts = tuple(
            PartTime(p["id"], p["label"], p.get("seconds"), p["share"])
            for p in data.get("parts", ())
        )
        return cls(
            overrun_seconds=data["overrun_seconds"],
            fillers_per_minute=data["fillers_per_minute"],
            pauses_per_minute=data["pauses_per_minute"],
            words_per_minute=data["words_per_minute"],
            coverage=data["coverage"],
            words_per_point=data.get("words_per_point"),
            first_point_seconds=data.get("first_point_seconds"),
            parts=parts,
            hedges_per_minute=data.get("hedges_per_minute"),
            repetitions_per_minute=data.get("repetitions_per_minute"),
            tangent_share=data.get("tangent_share"),
            pitch_variety=data.get("pitch_variety"),
        )


@dataclass(frozen=True)
class MetricInfo:
    """How a metric is named, read and judged wherever it is shown."""

    key: str
    label: str
    short: str
    better: Better | None  # None: neither direction is better (pace)
    steady: float  # a change smaller than this is noise, not progress
    unit: str
    definition: str

    def format(self, value: float | None) -> str:
        if value is None:
            return "–"
        if self.unit == "%":
            return f"{value:.0%}"
        if self.unit == "s":
            return f"{value:.0f} s" if abs(value) >= 10 else f"{value:.1f} s"
        if self.unit == "st":
            return f"{value:.1f} st"
        return f"{value:.1f}" if self.unit == "/min" else f"{value:.0f}"

    def is_better(self, new: float, old: float) -> bool | None:
        """Whether ``new`` beats ``old`` by more than noise; ``None`` when it is a tie (or the
        metric has no better direction)."""
        if self.better is None or abs(new - old) < self.steady:
            return None
        return new < old if self.better == "lower" else new > old

    def best(self, values: list[float]) -> float | None:
        if not values or self.better is None:
            return None
        return min(values) if self.better == "lower" else max(values)


METRICS: tuple[MetricInfo, ...] = (
    MetricInfo(
        "overrun_seconds",
        "Overrun",
        "overrun",
        "lower",
        3.0,
        "s",
        "seconds spoken past the end of the target window; 0 when inside it (or short)",
    ),
    MetricInfo(
        "fillers_per_minute",
        "Fillers per minute",
        "fillers/min",
        "lower",
        0.5,
        "/min",
        "fillers (um, uh, like, you know, ...) per minute of speaking",
    ),
    MetricInfo(
        "pauses_per_minute",
        "Long pauses per minute",
        "pauses/min",
        "lower",
        0.3,
        "/min",
        "silences of a second or more per minute of speaking",
    ),
    MetricInfo(
        "coverage",
        "Coverage",
        "coverage",
        "higher",
        0.05,
        "%",
        "the share of the question's talking points said",
    ),
    MetricInfo(
        "words_per_point",
        "Words per covered point",
        "words/point",
        "lower",
        5.0,
        "words",
        "every word spoken (fillers too) divided by the points covered: what each point costs",
    ),
    MetricInfo(
        "first_point_seconds",
        "Time to the first point",
        "1st point",
        "lower",
        2.0,
        "s",
        "from the first word to the first thing the rubric listens for",
    ),
    MetricInfo(
        "hedges_per_minute",
        "Hedges per minute",
        "hedges/min",
        "lower",
        0.5,
        "/min",
        "hedges (I think, maybe, probably, just, kind of, ...) per minute of speaking",
    ),
    MetricInfo(
        "repetitions_per_minute",
        "Repeats and restarts per minute",
        "repeats/min",
        "lower",
        0.5,
        "/min",
        "words said twice in a row and sentences begun again, per minute of speaking",
    ),
    MetricInfo(
        "tangent_share",
        "Off the points",
        "off-point",
        "lower",
        0.05,
        "%",
        "the share of the speaking time in stretches that touch none of the talking points",
    ),
    MetricInfo(
        "pitch_variety",
        "Pitch variety",
        "pitch",
        "higher",
        0.3,
        "st",
        "the spread of the speaking pitch in semitones; under 1.2 sounds flat",
    ),
    MetricInfo(
        "words_per_minute",
        "Pace",
        "words/min",
        None,
        5.0,
        "words/min",
        "words a minute of speaking; neither faster nor slower is better in itself",
    ),
)
METRIC_BY_KEY: dict[str, MetricInfo] = {m.key: m for m in METRICS}


def overrun(speaking_seconds: float, target: tuple[int, int]) -> float:
    return round(max(0.0, speaking_seconds - target[1]), 1)


def per_minute(count: int, speaking_seconds: float) -> float:
    return round(count / speaking_seconds * 60, 1) if speaking_seconds > 0 else 0.0


def part_times(report: Report, target: tuple[int, int]) -> tuple[PartTime, ...]:
    """Each part of an ordered rubric against an even share of the middle of the target."""
    points = report.coverage.points
    if report.coverage.in_order is None or not points:
        return ()
    share = round((target[0] + target[1]) / 2 / len(points), 1)
    return tuple(PartTime(p.id, p.label, p.seconds, share) for p in points)


def measure(report: Report, target: tuple[int, int] | None = None) -> Metrics:
    """The rambling metrics of ``report`` against ``target`` (default: the report's own)."""
    target = target or report.target_seconds
    speaking = report.speaking_seconds
    covered = [p for p in report.coverage.points if p.covered and p.match]
    first_point = None
    if covered and report.words:
        earliest = min(p.match.start for p in covered if p.match)
        first_point = round(max(0.0, earliest - report.words[0].start), 1)
    return Metrics(
        overrun_seconds=overrun(speaking, target),
        fillers_per_minute=per_minute(report.fillers.count, speaking),
        pauses_per_minute=per_minute(len(report.pauses), speaking),
        words_per_minute=report.words_per_minute,
        coverage=round(report.coverage.ratio, 4),
        words_per_point=round(report.word_count / len(covered), 1) if covered else None,
        first_point_seconds=first_point,
        parts=part_times(report, target),
        **coaching_metrics(report),
    )


def coaching_metrics(report: Report) -> dict[str, float | None]:
    """The coaching metrics, or ``None`` each for a report that carries no coaching."""
    c = report.coaching
    if c.pace is None:  # nothing said, or scored before reports carried coaching
        return {}
    speaking = report.speaking_seconds
    return {
        "hedges_per_minute": per_minute(len(c.hedges), speaking),
        "repetitions_per_minute": per_minute(len(c.repetitions), speaking),
        "tangent_share": round(c.tangent_seconds / speaking, 4) if speaking > 0 else 0.0,
        "pitch_variety": c.delivery.pitch_variety_semitones,
    }
