"""Progress over attempts: is the rambling going down, at what, and by how much?

For each question and each rambling metric (``rehearse.scoring.metrics.METRICS``): the first,
latest and best values, a moving average, and whether the recent attempts beat the early ones by
more than noise; then the share of attempts inside the target window, the days practised and the
current streak, and whether the attempts were scored by different rules. Pure functions over
attempts, oldest first, so every figure is tested on hand-made lists; the command line and the
app only present them.

A try shorter than a third of its target's low end was most likely stopped early (a false start,
a slip of the space bar): it counts as practice (attempts, days, streaks) and keeps its number and
its point on the charts, but the figures (firsts, bests, trends, the share inside the target)
leave it out. The history screen (``rehearse.storage.progress``) goes by the same rule.

A practice *day* is the user's local calendar date when they practised: attempts are stored with
the wall-clock time where they were made, so 23:50 and 00:10 are two days, and an attempt made
abroad counts on the date the user saw there. (A time-zone-aware time counts on its own date.)
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Literal

from rehearse.scoring.metrics import METRIC_BY_KEY, METRICS, SCORING_REVISION, MetricInfo
from rehearse.storage.history import Attempt

WINDOW = 3
"""How many attempts the moving average spans, and how many at each end the direction compares
("the first three against the last three"; fewer when there are fewer than six attempts, so an
attempt is never compared with itself)."""

CUT_SHORT_FRACTION = 1 / 3
"""A try shorter than this share of its target's low end looks cut short."""

Direction = Literal["improving", "worsening", "steady", "no direction"]


def cut_short_under(attempt: Attempt) -> float:
    """Spoken seconds under which ``attempt`` looks cut short."""
    return attempt.target_seconds[0] * CUT_SHORT_FRACTION


def is_cut_short(attempt: Attempt) -> bool:
    return attempt.speaking_seconds < cut_short_under(attempt)


def counted(attempts: Sequence[Attempt]) -> list[Attempt]:
    """The attempts that figures count: all but the ones cut short."""
    return [a for a in attempts if not is_cut_short(a)]


def practice_day(when: datetime) -> date:
    """The day an attempt counts for: the calendar date on the clock where it was made."""
    return when.date()


def streaks(days: Iterable[date], today: date) -> tuple[int, int]:
    """The current streak and the longest one, in consecutive practice days.

    A streak still counts on a day not practised yet: one that ended yesterday is current until
    today is over.
    """
    ordered = sorted(set(days))
    longest = run = 0
    previous: date | None = None
    for day in ordered:
        run = run + 1 if previous is not None and day - previous == timedelta(days=1) else 1
        longest = max(longest, run)
        previous = day
    current = run if previous is not None and today - previous <= timedelta(days=1) else 0
    return current, longest


def _mean(values: Sequence[float]) -> float:
    return sum(values) / len(values)


@dataclass(frozen=True)
class SeriesPoint:
    """One attempt on a metric's chart; ``number`` 1 is the first attempt at the question."""

    number: int
    attempt_id: int
    value: float | None
    average: float | None  # the moving average over the last WINDOW counted values up to here
    counted: bool  # False for a try cut short: on the chart, but in no figure


@dataclass(frozen=True)
class MetricTrend:
    """One metric over one question's attempts, oldest first."""

    info: MetricInfo
    attempt_ids: tuple[int, ...]
    raw: tuple[float | None, ...]  # each attempt's value; None: the metric has none
    counts: tuple[bool, ...]  # whether each attempt counts (False: cut short)
    values: tuple[float, ...]  # the values the figures use: counted, not None
    best: float | None
    best_number: int | None  # which attempt (1 = the first) holds the best
    before: float | None  # the mean of the first counted values (see WINDOW)
    after: float | None  # the mean of the last ones
    direction: Direction

    @property
    def first(self) -> float | None:
        return self.values[0] if self.values else None

    @property
    def latest(self) -> float | None:
        return self.values[-1] if self.values else None

    @property
    def moving_average(self) -> float | None:
        recent = self.values[-WINDOW:]
        return round(_mean(recent), 2) if recent else None

    @property
    def window(self) -> int:
        """How many values at each end ``before`` and ``after`` average (0 below two)."""
        return min(WINDOW, len(self.values) // 2)

    @property
    def change(self) -> float | None:
        return None if self.before is None or self.after is None else self.after - self.before

    @property
    def best_attempt_id(self) -> int | None:
        return None if self.best_number is None else self.attempt_ids[self.best_number - 1]

    @property
    def series(self) -> tuple[SeriesPoint, ...]:
        """Each attempt with its value and the moving average at that point, for charts."""
        points = []
        recent: deque[float] = deque(maxlen=WINDOW)
        for number, (attempt_id, value, counts) in enumerate(
            zip(self.attempt_ids, self.raw, self.counts, strict=True), 1
        ):
            average = None
            if value is not None and counts:
                recent.append(value)
                average = round(sum(recent) / len(recent), 2)
            points.append(SeriesPoint(number, attempt_id, value, average, counts))
        return tuple(points)


def metric_trend(info: MetricInfo, attempts: Sequence[Attempt]) -> MetricTrend:
    """``info``'s figures over ``attempts`` (oldest first, one question). Tries cut short, and
    attempts where the metric has no value (no point covered: no cost per point), are left out
    of the figures but keep their place in the series."""
    key = info.key
    raw = tuple(a.metric(key) for a in attempts)
    counts = tuple(not is_cut_short(a) for a in attempts)
    kept = [(n, v) for n, (v, c) in enumerate(zip(raw, counts, strict=True), 1) if c]
    values = tuple(v for _, v in kept if v is not None)
    best = info.best(list(values))
    best_number = next((n for n, v in kept if v is not None and v == best), None)
    before = after = None
    direction: Direction = "steady"
    if len(values) >= 2:
        window = min(WINDOW, len(values) // 2)
        before, after = round(_mean(values[:window]), 2), round(_mean(values[-window:]), 2)
        better = info.is_better(after, before)
        direction = "steady" if better is None else "improving" if better else "worsening"
    if info.better is None:
        direction = "no direction"
    return MetricTrend(
        info=info,
        attempt_ids=tuple(a.id for a in attempts),
        raw=raw,
        counts=counts,
        values=values,
        best=best,
        best_number=best_number,
        before=before,
        after=after,
        direction=direction,
    )


def filler_trend(attempts: Sequence[Attempt]) -> MetricTrend | None:
    """The fillers-per-minute trend the history screen sums a question up with; ``None`` until
    two attempts count."""
    trend = metric_trend(METRIC_BY_KEY["fillers_per_minute"], attempts)
    return trend if len(trend.values) >= 2 else None


@dataclass(frozen=True)
class QuestionProgress:
    """How the attempts at one question went, oldest first."""

    question_id: str
    attempts: tuple[Attempt, ...]
    metrics: tuple[MetricTrend, ...]
    on_target_share: float
    practice_days: int
    current_streak: int

    @property
    def count(self) -> int:
        return len(self.attempts)

    @property
    def cut_short(self) -> int:
        """Tries cut short: practice, but in no figure."""
        return sum(is_cut_short(a) for a in self.attempts)

    @property
    def revisions(self) -> tuple[int, ...]:
        return tuple(sorted({a.scoring_revision for a in self.attempts}))

    @property
    def mixed_scoring(self) -> bool:
        """Attempts scored by different rules: part of a change may be the rules, not the user."""
        return len(self.revisions) > 1

    @property
    def outdated(self) -> int:
        return sum(a.scoring_revision < SCORING_REVISION for a in self.attempts)

    def metric(self, key: str) -> MetricTrend:
        return next(m for m in self.metrics if m.info.key == key)


def on_target_share(attempts: Sequence[Attempt]) -> float:
    """The share of the attempts that count (not cut short) spoken inside the target window."""
    full = counted(attempts)
    if not full:
        return 0.0
    return sum(a.timing == "on-target" for a in full) / len(full)


def question_progress(
    question_id: str, attempts: Sequence[Attempt], today: date | None = None
) -> QuestionProgress:
    """The progress of one question's ``attempts`` (oldest first); ``today`` as in ``progress``."""
    today = today or date.today()
    days = {practice_day(a.created_at) for a in attempts}
    return QuestionProgress(
        question_id=question_id,
        attempts=tuple(attempts),
        metrics=tuple(metric_trend(info, attempts) for info in METRICS),
        on_target_share=on_target_share(attempts),
        practice_days=len(days),
        current_streak=streaks(days, today)[0],
    )


@dataclass(frozen=True)
class Progress:
    """Progress over the whole history (or the attempts given), question by question."""

    questions: tuple[QuestionProgress, ...]
    attempts: int
    on_target_share: float
    practice_days: int
    current_streak: int
    longest_streak: int
    outdated: int
    revisions: tuple[int, ...]

    @property
    def mixed_scoring(self) -> bool:
        return len(self.revisions) > 1

    def question(self, question_id: str) -> QuestionProgress | None:
        return next((q for q in self.questions if q.question_id == question_id), None)


def progress(
    attempts: Sequence[Attempt], today: date | None = None, order: Sequence[str] = ()
) -> Progress:
    """Progress over ``attempts`` (oldest first). Questions come in ``order`` (the bank's), then
    any others by id; ``today`` (default: the local date) decides whether a streak is current."""
    today = today or date.today()
    by_question: dict[str, list[Attempt]] = {}
    for attempt in attempts:
        by_question.setdefault(attempt.question_id, []).append(attempt)
    rank = {q: n for n, q in enumerate(order)}
    ids = sorted(by_question, key=lambda q: (rank.get(q, len(rank)), q))
    days = {practice_day(a.created_at) for a in attempts}
    current, longest = streaks(days, today)
    return Progress(
        questions=tuple(question_progress(q, by_question[q], today) for q in ids),
        attempts=len(attempts),
        on_target_share=on_target_share(attempts),
        practice_days=len(days),
        current_streak=current,
        longest_streak=longest,
        outdated=sum(a.scoring_revision < SCORING_REVISION for a in attempts),
        revisions=tuple(sorted({a.scoring_revision for a in attempts})),
    )


def best_so_far(attempt: Attempt, earlier: Sequence[Attempt]) -> tuple[MetricInfo, ...]:
    """The metrics on which ``attempt`` beats every earlier attempt at its question that counts
    (a record, however small); none for a first attempt, where there is nothing to beat, or for
    a try cut short."""
    previous_attempts = counted(earlier)
    if is_cut_short(attempt) or not previous_attempts:
        return ()
    records = []
    for info in METRICS:
        value = attempt.metric(info.key)
        previous = [v for a in previous_attempts if (v := a.metric(info.key)) is not None]
        if info.better is None or value is None or not previous:
            continue
        best = info.best(previous)
        if best is not None and (value < best if info.better == "lower" else value > best):
            records.append(info)
    return tuple(records)
