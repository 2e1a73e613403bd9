"""How the attempts at each question went over time: what the history screen and a report say
about them, without any UI.

Everything here is a pure function of stored ``Attempt``s (oldest first, as ``History.attempts``
returns them), so it is tested on hand-made lists; the TUI only lays it out and colours it.

Attempts are numbered per question, oldest first (#1 is the first answer to that question), in
the table, the summaries, the charts, a report and a replay alike. Tries cut short, the filler
trend and every other figure over time come from ``rehearse.storage.trends``, which the command
line's ``progress`` uses too, so the two never disagree.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from rehearse.scoring.render import clock
from rehearse.storage.history import Attempt, best_attempt
from rehearse.storage.trends import MetricTrend, counted, filler_trend

# Changes smaller than these are the same figure, not a better or worse one.
SAME_SECONDS = 1.0
SAME_FILLERS_PER_MINUTE = 0.05
SAME_COVERAGE_POINTS = 0.5

VERDICT_LABELS: dict[str, str] = {"short": "short", "on-target": "on target", "long": "long"}


def _order(attempt: Attempt) -> tuple[datetime, int]:
    # The store's order: by time, and by id for two saved in the same second.
    return attempt.created_at, attempt.id


def _newest_first(attempts: Sequence[Attempt]) -> list[Attempt]:
    return sorted(attempts, key=_order, reverse=True)


@dataclass(frozen=True)
class TrendSeries:
    """What the three charts plot for one question, oldest attempt first (x = attempt number)."""

    question_id: str
    attempt_numbers: tuple[int, ...]
    speaking_seconds: tuple[float, ...]
    target_low: tuple[int, ...]
    target_high: tuple[int, ...]
    fillers_per_minute: tuple[float, ...]
    coverage_percent: tuple[float, ...]

    @classmethod
    def of(cls, question_id: str, attempts: Sequence[Attempt]) -> TrendSeries:
        """``attempts`` oldest first, all at ``question_id``."""
        return cls(
            question_id=question_id,
            attempt_numbers=tuple(range(1, len(attempts) + 1)),
            speaking_seconds=tuple(a.speaking_seconds for a in attempts),
            target_low=tuple(a.target_seconds[0] for a in attempts),
            target_high=tuple(a.target_seconds[1] for a in attempts),
            fillers_per_minute=tuple(a.fillers_per_minute for a in attempts),
            coverage_percent=tuple(round(a.coverage_ratio * 100, 1) for a in attempts),
        )

    def __len__(self) -> int:
        return len(self.attempt_numbers)

    def targets(self) -> list[int]:
        """Every target bound the attempts had, lowest first (two unless the target changed)."""
        return sorted({*self.target_low, *self.target_high})

    def band(self, which: Literal["low", "high"]) -> tuple[list[float], list[float]]:
        """A target line as steps: each attempt's target spans x ± 0.5.

        Targets can differ between attempts (a target override changed), and a step line still
        draws a visible line when there is a single attempt.
        """
        values = self.target_low if which == "low" else self.target_high
        xs: list[float] = []
        ys: list[float] = []
        for number, value in zip(self.attempt_numbers, values, strict=True):
            xs += [number - 0.5, number + 0.5]
            ys += [float(value), float(value)]
        return xs, ys


@dataclass(frozen=True)
class QuestionSummary:
    """The one-line summary of a question's attempts."""

    question_id: str
    attempts: int
    best: Attempt | None
    best_number: int  # the best attempt's x on the charts (1 = the first attempt)
    trend: MetricTrend | None  # fillers per minute (rehearse.storage.trends)

    @classmethod
    def of(cls, question_id: str, attempts: Sequence[Attempt]) -> QuestionSummary:
        """``attempts`` oldest first, all at ``question_id``."""
        full = counted(attempts)
        # Only tries cut short so far: the best of them is still better than no best at all.
        best = best_attempt(full or attempts)
        number = next((n for n, a in enumerate(attempts, 1) if best and a.id == best.id), 0)
        return cls(question_id, len(attempts), best, number, filler_trend(attempts))


@dataclass(frozen=True)
class AttemptRow:
    """One attempt as a line of the history table says it."""

    attempt: Attempt
    number: int  # at its question, 1 = the first

    @property
    def date(self) -> str:
        return f"{self.attempt.created_at:%Y-%m-%d %H:%M}"

    @property
    def time(self) -> str:
        return clock(self.attempt.speaking_seconds)

    @property
    def verdict(self) -> str:
        return VERDICT_LABELS.get(self.attempt.timing, self.attempt.timing)

    @property
    def fillers(self) -> str:
        return f"{self.attempt.fillers_per_minute:.1f}"

    @property
    def coverage(self) -> str:
        return f"{self.attempt.coverage_ratio:.0%}"

    @property
    def pace(self) -> str:
        return f"{self.attempt.words_per_minute:.0f}"


class Progress:
    """Every attempt in the history and what can be said about each question's attempts.

    Summaries are worked out once, here: the history screen redraws them on every resize.
    """

    def __init__(self, attempts: Sequence[Attempt], bank_order: Sequence[str] = ()) -> None:
        self.attempts = sorted(attempts, key=_order)
        self._by_question: dict[str, list[Attempt]] = {}
        self._numbers: dict[int, int] = {}
        # By id: the screen looks up the attempt under the cursor on every move.
        self._by_id = {attempt.id: attempt for attempt in self.attempts}
        for attempt in self.attempts:
            earlier = self._by_question.setdefault(attempt.question_id, [])
            earlier.append(attempt)
            self._numbers[attempt.id] = len(earlier)
        known = [q for q in bank_order if q in self._by_question]
        # The bank's order, then questions no longer in the bank (their attempts are kept).
        self.questions = known + sorted(set(self._by_question) - set(known))
        self._summaries = {q: QuestionSummary.of(q, self.attempts_at(q)) for q in self.questions}

    def __len__(self) -> int:
        return len(self.attempts)

    def attempts_at(self, question_id: str) -> list[Attempt]:
        """The attempts at one question, oldest first."""
        return self._by_question.get(question_id, [])

    def count(self, question_id: str | None = None) -> int:
        """How many attempts there are in all, or at ``question_id``."""
        return len(self.attempts if question_id is None else self.attempts_at(question_id))

    def number(self, attempt: Attempt) -> int:
        """The attempt's number at its question (1 = the first); 0 if it is not in the history."""
        return self._numbers.get(attempt.id, 0)

    def rows(self, question_id: str | None = None) -> list[AttemptRow]:
        """The table's rows, newest first: every attempt, or those at ``question_id``."""
        chosen = self.attempts if question_id is None else self.attempts_at(question_id)
        return [AttemptRow(a, self.number(a)) for a in _newest_first(chosen)]

    def summary(self, question_id: str) -> QuestionSummary | None:
        return self._summaries.get(question_id)

    def series(self, question_id: str) -> TrendSeries:
        return TrendSeries.of(question_id, self.attempts_at(question_id))

    def find(self, attempt_id: int) -> Attempt | None:
        return self._by_id.get(attempt_id)


@dataclass(frozen=True)
class Standing:
    """Where one attempt stands among the attempts at its question, and what its report compares
    it with: the best earlier attempt that was not cut short."""

    number: int  # 1 = the first attempt at the question
    total: int
    baseline: Attempt | None
    baseline_number: int  # 0 without a baseline
    left_out: int  # earlier tries cut short, so not compared with

    @property
    def later(self) -> int:
        return self.total - self.number


def standing(attempts: Sequence[Attempt], attempt: Attempt) -> Standing:
    """``attempts``: those at the attempt's question (it among them, or deleted meanwhile)."""
    others = sorted((a for a in attempts if a.id != attempt.id), key=_order)
    earlier = [a for a in others if _order(a) < _order(attempt)]
    full = counted(earlier)
    baseline = best_attempt(full)
    baseline_number = earlier.index(baseline) + 1 if baseline is not None else 0
    return Standing(
        number=len(earlier) + 1,
        total=len(others) + 1,
        baseline=baseline,
        baseline_number=baseline_number,
        left_out=len(earlier) - len(full),
    )


Verdict = Literal["better", "worse", "same"]


@dataclass(frozen=True)
class Change:
    """One figure, before (the baseline) and after (the attempt), and whether that is progress."""

    before: float
    after: float
    verdict: Verdict

    @property
    def delta(self) -> float:
        return self.after - self.before


def _verdict(gain: float, noise: float) -> Verdict:
    """``gain`` > 0 is progress; anything within ``noise`` of zero is the same."""
    if abs(gain) < noise:
        return "same"
    return "better" if gain > 0 else "worse"


def _distance(seconds: float, target: tuple[int, int]) -> float:
    low, high = target
    return max(low - seconds, 0.0, seconds - high)


@dataclass(frozen=True)
class Comparison:
    """An attempt against its baseline. Time is better when closer to the attempt's target,
    fillers when fewer, coverage when more points were covered (in percentage points)."""

    time: Change
    fillers: Change
    coverage: Change
    both_on_target: bool


def compare(attempt: Attempt, baseline: Attempt) -> Comparison:
    target = attempt.target_seconds
    before, after = (
        _distance(baseline.speaking_seconds, target),
        _distance(attempt.speaking_seconds, target),
    )
    return Comparison(
        time=Change(
            baseline.speaking_seconds,
            attempt.speaking_seconds,
            _verdict(before - after, SAME_SECONDS),
        ),
        fillers=Change(
            baseline.fillers_per_minute,
            attempt.fillers_per_minute,
            _verdict(
                baseline.fillers_per_minute - attempt.fillers_per_minute, SAME_FILLERS_PER_MINUTE
            ),
        ),
        coverage=Change(
            baseline.coverage_ratio * 100,
            attempt.coverage_ratio * 100,
            _verdict(
                (attempt.coverage_ratio - baseline.coverage_ratio) * 100, SAME_COVERAGE_POINTS
            ),
        ),
        both_on_target=before == 0 and after == 0,
    )
