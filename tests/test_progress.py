"""What the history says about attempts (rehearse.storage.progress), on hand-made attempt lists:
no Textual, no database, no audio."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest

from rehearse.storage.history import Attempt
from rehearse.storage.progress import (
    Change,
    Progress,
    QuestionSummary,
    Standing,
    TrendSeries,
    compare,
    standing,
)
from rehearse.storage.trends import cut_short_under, filler_trend, is_cut_short

START = datetime(2026, 3, 2, 9, 0)


def attempt(
    n: int,
    question: str = "data-leakage",
    speaking: float = 75,
    fillers: float = 2.0,
    coverage: float = 0.5,
    target: tuple[int, int] = (60, 90),
    wpm: float = 130,
) -> Attempt:
    """Attempt number ``n`` in the history (its id), made ``n`` days after START."""
    low, high = target
    timing = "short" if speaking < low else "long" if speaking > high else "on-target"
    return Attempt(
        id=n,
        created_at=START + timedelta(days=n),
        question_id=question,
        audio_path=Path(f"attempts/{n}.wav"),
        duration_seconds=speaking + 1,
        speaking_seconds=speaking,
        target_seconds=target,
        timing=timing,
        word_count=round(wpm * speaking / 60),
        words_per_minute=wpm,
        filler_count=round(fillers * speaking / 60),
        fillers_per_minute=fillers,
        pause_count=0,
        coverage_ratio=coverage,
        model="test",
    )


def test_an_empty_history_has_nothing_to_say() -> None:
    progress = Progress([], ["data-leakage"])
    assert len(progress) == 0
    assert progress.questions == []
    assert progress.rows() == []
    assert progress.rows("data-leakage") == []
    assert progress.summary("data-leakage") is None
    assert len(progress.series("data-leakage")) == 0


def test_one_attempt_is_its_own_best_with_no_trend_yet() -> None:
    only = attempt(1, speaking=48, fillers=7.5, coverage=1 / 3)
    progress = Progress([only], ["data-leakage"])
    summary = progress.summary("data-leakage")
    assert summary == QuestionSummary("data-leakage", 1, only, 1, None)
    [row] = progress.rows()
    assert (row.date, row.time, row.verdict, row.fillers, row.coverage, row.pace) == (
        "2026-03-03 09:00",
        "0:48",
        "short",
        "7.5",
        "33%",
        "130",
    )
    series = progress.series("data-leakage")
    assert series.attempt_numbers == (1,)
    assert series.band("low") == ([0.5, 1.5], [60.0, 60.0])


def test_the_best_is_on_target_first_then_most_covered_then_fewest_fillers() -> None:
    attempts = [
        attempt(1, speaking=100, coverage=1.0, fillers=0.0),  # long: covers all, but too long
        attempt(2, speaking=70, coverage=0.5, fillers=1.0),
        attempt(3, speaking=80, coverage=0.8, fillers=3.0),
        attempt(4, speaking=85, coverage=0.8, fillers=2.0),  # as covered as #3, fewer fillers
        attempt(5, speaking=65, coverage=0.6, fillers=0.5),
    ]
    summary = Progress(attempts).summary("data-leakage")
    assert summary is not None
    assert summary.best == attempts[3] and summary.best_number == 4
    assert summary.attempts == 5


def test_filtering_keeps_one_question_and_numbers_follow_the_question() -> None:
    attempts = [
        attempt(1, "data-leakage"),
        attempt(2, "overfitting"),
        attempt(3, "data-leakage"),
        attempt(4, "precision-vs-recall"),
        attempt(5, "retired-question"),
    ]
    # The bank's order, then questions no longer in it.
    progress = Progress(attempts, ["data-leakage", "precision-vs-recall", "overfitting"])
    assert progress.questions == [
        "data-leakage",
        "precision-vs-recall",
        "overfitting",
        "retired-question",
    ]
    # Newest first, all of them or one question's.
    assert [r.attempt.id for r in progress.rows()] == [5, 4, 3, 2, 1]
    assert [r.attempt.id for r in progress.rows("data-leakage")] == [3, 1]
    assert progress.attempts_at("data-leakage") == [attempts[0], attempts[2]]
    assert progress.series("data-leakage").attempt_numbers == (1, 2)
    assert progress.rows("no-such-question") == []


def test_series_follow_the_attempts_oldest_first() -> None:
    attempts = [
        attempt(1, speaking=48, fillers=7.5, coverage=1 / 3),
        attempt(2, speaking=95, fillers=2.5, coverage=0.5, target=(60, 100)),
    ]
    series = TrendSeries.of("data-leakage", attempts)
    assert series.speaking_seconds == (48, 95)
    assert series.fillers_per_minute == (7.5, 2.5)
    assert series.coverage_percent == (33.3, 50.0)
    # The target changed between the two: each attempt's band is its own.
    assert series.targets() == [60, 90, 100]
    assert series.band("high") == ([0.5, 1.5, 1.5, 2.5], [90.0, 90.0, 100.0, 100.0])


@pytest.mark.parametrize(
    ("fillers", "window", "before", "after", "direction"),
    [
        ([7.5, 2.5, 1.5, 0.8], 2, 5.0, 1.15, "improving"),
        ([1.0, 3.0], 1, 1.0, 3.0, "worsening"),
        ([2.0, 2.2, 2.4], 1, 2.0, 2.4, "steady"),  # under half a filler a minute: noise
        ([6, 5, 4, 3, 2, 1, 0], 3, 5.0, 1.0, "improving"),  # never more than three at each end
    ],
)
def test_filler_trend_compares_the_first_and_the_last_attempts(
    fillers: list[float], window: int, before: float, after: float, direction: str
) -> None:
    trend = filler_trend([attempt(n, fillers=f) for n, f in enumerate(fillers, 1)])
    assert trend is not None
    assert (trend.window, trend.before, trend.after, trend.direction) == (
        window,
        before,
        after,
        direction,
    )


def test_filler_trend_needs_two_attempts() -> None:
    assert filler_trend([]) is None
    assert filler_trend([attempt(1)]) is None


# -- numbers, tries cut short, and what a report compares an attempt with ------------------------


def test_attempts_are_numbered_per_question_oldest_first() -> None:
    attempts = [attempt(1, "a"), attempt(2, "b"), attempt(3, "a"), attempt(4, "a")]
    progress = Progress(attempts)
    assert [progress.number(a) for a in attempts] == [1, 1, 2, 3]
    assert [(r.attempt.id, r.number) for r in progress.rows()] == [(4, 3), (3, 2), (2, 1), (1, 1)]
    assert (progress.count(), progress.count("a"), progress.count("c")) == (4, 3, 0)
    assert progress.number(attempt(9, "a")) == 0  # not in this history


def test_a_try_under_a_third_of_the_target_looks_cut_short() -> None:
    assert cut_short_under(attempt(1, target=(60, 90))) == 20
    assert is_cut_short(attempt(1, speaking=19.9))
    assert not is_cut_short(attempt(1, speaking=20))
    assert not is_cut_short(attempt(1, speaking=5, target=(0, 30)))


def test_bests_and_trends_leave_out_tries_cut_short() -> None:
    attempts = [
        attempt(1, speaking=70, fillers=4.0, coverage=0.5),
        # A false start: better coverage per second said, but 13 s of a 60-90 s answer.
        attempt(2, speaking=13, fillers=9.0, coverage=0.9),
        attempt(3, speaking=75, fillers=1.0, coverage=0.6),
    ]
    summary = QuestionSummary.of("data-leakage", attempts)
    assert summary.best == attempts[2] and summary.best_number == 3
    assert summary.trend is not None and (summary.trend.before, summary.trend.after) == (4.0, 1.0)
    # With nothing but false starts, the best of them is still shown.
    only_short = [attempt(1, speaking=10, coverage=0.2), attempt(2, speaking=12, coverage=0.4)]
    assert QuestionSummary.of("data-leakage", only_short).best == only_short[1]


def test_a_report_compares_with_the_best_earlier_try_not_cut_short() -> None:
    attempts = [
        attempt(1, speaking=100, coverage=0.9),  # long
        attempt(2, speaking=75, coverage=0.6),  # on target: the best so far
        attempt(3, speaking=13, coverage=0.1),  # cut short
        attempt(4, speaking=82, coverage=0.8),
        attempt(5, speaking=80, coverage=1.0),
    ]
    place = standing(attempts, attempts[3])
    assert place == Standing(number=4, total=5, baseline=attempts[1], baseline_number=2, left_out=1)
    assert place.later == 1
    # The first has nothing before it, whatever came after.
    first = standing(attempts, attempts[0])
    assert (first.number, first.total, first.baseline, first.later) == (1, 5, None, 4)
    # Nothing but a false start before it: nothing to compare with.
    assert standing(attempts[2:4], attempts[3]).baseline is None
    assert standing(attempts[2:4], attempts[3]).left_out == 1
    # An attempt no longer in the list (deleted meanwhile) still gets its place.
    assert standing(attempts[:2], attempts[3]).number == 3


def test_compare_says_better_or_worse_for_each_figure() -> None:
    baseline = attempt(1, speaking=50, fillers=3.0, coverage=0.5)  # 10 s short of 60
    closer = attempt(2, speaking=95, fillers=3.02, coverage=0.4)  # 5 s over 90: closer
    comparison = compare(closer, baseline)
    assert comparison.time == Change(50, 95, "better")
    assert comparison.time.delta == 45
    assert comparison.fillers.verdict == "same"  # under 0.05 a minute: noise
    assert comparison.coverage == Change(50, 40, "worse")
    assert not comparison.both_on_target
    inside = compare(attempt(2, speaking=85, fillers=1.0), attempt(1, speaking=65, fillers=2.0))
    assert inside.both_on_target and inside.time.verdict == "same"
    assert inside.fillers.verdict == "better"
