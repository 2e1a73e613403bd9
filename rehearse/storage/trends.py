"""Progress over attempts: is the rambling going down, at what, and by how much?

For each question and each rambling metric (``rehearse.scoring.metrics.METRICS``): the first,
latest and best values, a moving average, and whether the recent attempts beat the early ones by
more than noise; then the share of attempts inside the target window, the days practised and the
current streak, and whether the attempts were scored by different rules. Pure functions over
attempts, oldest first, so every figure is tested on hand-made lists; the command line and the
app only present them.

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

from rehearse.scoring.metrics import METRICS, SCORING_REVISION, MetricInfo
from rehearse.storage.history import Attempt

WINDOW = 3
"""How many attempts the moving average spans, and how many at each end the direction compares
("the first three against the last three"; fewer when there are fewer than six attempts, so an
attempt is never compared with itself)."""

Direction = Literal["improving", "worsening", "steady", "no direction"]


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
    average: float | None  # the moving average over the last WINDOW values up to this one


@dataclass(frozen=True)
class MetricTrend:
    info: MetricInfo
    attempt_ids: tuple[int, ...]
    raw: tuple[float | None, ...]  # the metric of each attempt, oldest first; None: no value
    values: tuple[float, ...]  # the same without the Nones
    best: float | None
    best_number: int | None  # which attempt (1 = the first) holds the best
    before: float | None  # the mean of the first attempts (see WINDOW)
    after: float | None  # the mean of the last attempts
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
        for number, (attempt_id, value) in enumerate(
            zip(self.attempt_ids, self.raw, strict=True), 1
        ):
            average = None
            if value is not None:
                recent.append(value)
                average = round(sum(recent) / len(recent), 2)
            points.append(SeriesPoint(number, attempt_id, value, average))
        return tuple(points)


def metric_trend(info: MetricInfo, attempts: Sequence[Attempt]) -> MetricTrend:
    """``info``'s figures over ``attempts`` (oldest first, one question). Attempts where the metric
    has no value (no point covered: no cost per point) are left out of its figures."""
    key = info.key
    raw = tuple(a.metric(key) for a in attempts)
    values = tuple(v for v in raw if v is not None)
    best = info.best(list(values))
    best_number = raw.index(best) + 1 if best is not None else None
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
        values=values,
        best=best,
        best_number=best_number,
        before=before,
        after=after,
        direction=direction,
    )


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
    if not attempts:
        return 0.0
    return sum(a.timing == "on-target" for a in attempts) / len(attempts)


def question_progress(
    question_id: str, attempts: Sequence[Attempt], today: date
) -> QuestionProgress:
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
    """The metrics on which ``attempt`` beats every earlier attempt at its question (a record,
    however small); none for a first attempt, where there is nothing to beat."""
    records = []
    for info in METRICS:
        value = attempt.metric(info.key)
        previous = [v for a in earlier if (v := a.metric(info.key)) is not None]
        if info.better is None or value is None or not previous:
            continue
        best = info.best(previous)
        if best is not None and (value < best if info.better == "lower" else value > best):
            records.append(info)
    return tuple(records)
