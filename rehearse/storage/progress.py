"""How the attempts at each question went over time: what the history screen says, without any UI.

Everything here is a pure function of stored ``Attempt``s (oldest first, as ``History.attempts``
returns them), so it is tested on hand-made lists; the TUI only lays it out and colours it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from rehearse.scoring.render import clock
from rehearse.storage.history import Attempt, best_attempt

TREND_WINDOW = 3
"""How many attempts at each end the filler trend compares ("first vs last three")."""
STEADY_FILLERS_PER_MINUTE = 0.5
"""A change in fillers per minute smaller than this is noise, not progress."""

VERDICT_LABELS: dict[str, str] = {"short": "short", "on-target": "on target", "long": "long"}


def _newest_first(attempts: Sequence[Attempt]) -> list[Attempt]:
    return sorted(attempts, key=lambda a: (a.created_at, a.id), reverse=True)


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
class FillerTrend:
    """Mean fillers per minute over the first and the last ``window`` attempts."""

    before: float
    after: float
    window: int

    @property
    def direction(self) -> Literal["better", "worse", "steady"]:
        change = self.after - self.before
        if abs(change) < STEADY_FILLERS_PER_MINUTE:
            return "steady"
        return "better" if change < 0 else "worse"


def filler_trend(attempts: Sequence[Attempt]) -> FillerTrend | None:
    """First vs last three attempts; with fewer than six the two windows shrink so they never
    overlap (an attempt compared with itself would hide a real change). ``None`` below two."""
    if len(attempts) < 2:
        return None
    window = min(TREND_WINDOW, len(attempts) // 2)
    first = [a.fillers_per_minute for a in attempts[:window]]
    last = [a.fillers_per_minute for a in attempts[-window:]]
    return FillerTrend(round(sum(first) / window, 1), round(sum(last) / window, 1), window)


@dataclass(frozen=True)
class QuestionSummary:
    """The one-line summary of a question's attempts."""

    question_id: str
    attempts: int
    best: Attempt | None
    best_number: int  # the best attempt's x on the charts (1 = the first attempt)
    trend: FillerTrend | None

    @classmethod
    def of(cls, question_id: str, attempts: Sequence[Attempt]) -> QuestionSummary:
        """``attempts`` oldest first, all at ``question_id``."""
        best = best_attempt(attempts)
        number = next((n for n, a in enumerate(attempts, 1) if best and a.id == best.id), 0)
        return cls(question_id, len(attempts), best, number, filler_trend(attempts))


@dataclass(frozen=True)
class AttemptRow:
    """One attempt as a line of the history table says it."""

    attempt: Attempt

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
        self.attempts = list(attempts)
        self._by_question: dict[str, list[Attempt]] = {}
        for attempt in self.attempts:
            self._by_question.setdefault(attempt.question_id, []).append(attempt)
        known = [q for q in bank_order if q in self._by_question]
        # The bank's order, then questions no longer in the bank (their attempts are kept).
        self.questions = known + sorted(set(self._by_question) - set(known))
        self._summaries = {q: QuestionSummary.of(q, self.attempts_at(q)) for q in self.questions}

    def __len__(self) -> int:
        return len(self.attempts)

    def attempts_at(self, question_id: str) -> list[Attempt]:
        """The attempts at one question, oldest first."""
        return self._by_question.get(question_id, [])

    def rows(self, question_id: str | None = None) -> list[AttemptRow]:
        """The table's rows, newest first: every attempt, or those at ``question_id``."""
        chosen = self.attempts if question_id is None else self.attempts_at(question_id)
        return [AttemptRow(a) for a in _newest_first(chosen)]

    def summary(self, question_id: str) -> QuestionSummary | None:
        return self._summaries.get(question_id)

    def series(self, question_id: str) -> TrendSeries:
        return TrendSeries.of(question_id, self.attempts_at(question_id))

    def find(self, attempt_id: int) -> Attempt | None:
        return next((a for a in self.attempts if a.id == attempt_id), None)
