"""Trends over hand-made attempt lists: firsts, bests, directions, moving averages, streaks."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from rehearse.scoring.metrics import METRIC_BY_KEY, SCORING_REVISION, Metrics
from rehearse.storage.history import Attempt
from rehearse.storage.trends import (
    WINDOW,
    best_so_far,
    metric_trend,
    practice_day,
    progress,
    streaks,
)

_ids = iter(range(1, 10_000))


def attempt(
    when: datetime,
    question: str = "data-leakage",
    fillers: float = 3.0,
    coverage: float = 0.5,
    overrun: float = 0.0,
    words_per_point: float | None = 40.0,
    pace: float = 140.0,
    timing: str = "on-target",
    revision: int = SCORING_REVISION,
    speaking: float = 78.0,
) -> Attempt:
    metrics = Metrics(
        overrun_seconds=overrun,
        fillers_per_minute=fillers,
        pauses_per_minute=1.0,
        words_per_minute=pace,
        coverage=coverage,
        words_per_point=words_per_point,
        first_point_seconds=4.0 if coverage else None,
    )
    return Attempt(
        id=next(_ids),
        created_at=when,
        question_id=question,
        audio_path=Path("attempts/x.wav"),
        duration_seconds=80.0,
        speaking_seconds=speaking,
        target_seconds=(60, 90),
        timing=timing,
        word_count=180,
        words_per_minute=pace,
        filler_count=4,
        fillers_per_minute=fillers,
        pause_count=1,
        coverage_ratio=coverage,
        model="test",
        overrun_seconds=metrics.overrun_seconds,
        pauses_per_minute=metrics.pauses_per_minute,
        words_per_point=metrics.words_per_point,
        first_point_seconds=metrics.first_point_seconds,
        scoring_revision=revision,
        scored_by="0.1.0",
    )


def daily(start: datetime, **series: list) -> list[Attempt]:
    """One attempt a day from ``start``; each keyword gives that metric's value per attempt."""
    count = len(next(iter(series.values())))
    return [
        attempt(start + timedelta(days=n), **{k: v[n] for k, v in series.items()})
        for n in range(count)
    ]


START = datetime(2026, 3, 1, 9, 0)


def test_an_empty_history_has_no_progress_and_no_streak() -> None:
    empty = progress([], today=date(2026, 3, 1))
    assert empty.questions == () and empty.attempts == 0
    assert (empty.practice_days, empty.current_streak, empty.longest_streak) == (0, 0, 0)
    assert empty.on_target_share == 0 and not empty.mixed_scoring and empty.outdated == 0


def test_a_single_attempt_is_its_own_first_latest_and_best() -> None:
    only = attempt(START, fillers=4.0)
    result = progress([only], today=START.date())
    (question,) = result.questions
    fillers = question.metric("fillers_per_minute")
    assert (fillers.first, fillers.latest, fillers.best, fillers.best_number) == (4.0, 4.0, 4.0, 1)
    assert fillers.moving_average == 4.0
    assert fillers.direction == "steady" and fillers.change is None
    assert (question.practice_days, question.current_streak, result.longest_streak) == (1, 1, 1)


def test_first_latest_best_and_the_direction_of_each_metric() -> None:
    attempts = daily(
        START,
        fillers=[6.0, 5.0, 4.0, 2.0, 1.0, 1.5],
        coverage=[0.33, 0.5, 0.5, 0.67, 0.83, 0.83],
        overrun=[0.0, 0.0, 2.0, 10.0, 12.0, 14.0],
        pace=[120.0, 130.0, 150.0, 160.0, 170.0, 180.0],
    )
    question = progress(attempts, today=START.date()).questions[0]

    fillers = question.metric("fillers_per_minute")
    assert (fillers.first, fillers.latest, fillers.best, fillers.best_number) == (6.0, 1.5, 1.0, 5)
    # The first three against the last three.
    assert (fillers.before, fillers.after) == (5.0, 1.5)
    assert fillers.change == pytest.approx(-3.5)
    assert fillers.direction == "improving"

    coverage = question.metric("coverage")
    assert coverage.best == 0.83 and coverage.best_number == 5  # the first to reach it
    assert coverage.direction == "improving"

    overrun = question.metric("overrun_seconds")
    assert overrun.best == 0.0 and overrun.best_number == 1
    assert overrun.direction == "worsening"

    # Pace has no better direction: it changes, but is neither improving nor worsening.
    pace = question.metric("words_per_minute")
    assert pace.direction == "no direction" and pace.best is None


def test_a_change_within_noise_is_steady() -> None:
    attempts = daily(START, fillers=[3.0, 3.2, 2.9, 3.1])
    trend = metric_trend(METRIC_BY_KEY["fillers_per_minute"], attempts)
    assert trend.direction == "steady"


def test_windows_shrink_so_no_attempt_is_compared_with_itself() -> None:
    trend = metric_trend(
        METRIC_BY_KEY["fillers_per_minute"], daily(START, fillers=[6.0, 5.0, 2.0, 1.0])
    )
    assert (trend.before, trend.after) == (5.5, 1.5)
    two = metric_trend(METRIC_BY_KEY["fillers_per_minute"], daily(START, fillers=[6.0, 1.0]))
    assert (two.before, two.after, two.direction) == (6.0, 1.0, "improving")


def test_the_moving_average_spans_the_last_attempts() -> None:
    trend = metric_trend(
        METRIC_BY_KEY["fillers_per_minute"], daily(START, fillers=[6.0, 3.0, 3.0, 0.0, 0.0])
    )
    assert WINDOW == 3
    assert [p.average for p in trend.series] == [6.0, 4.5, 4.0, 2.0, 1.0]
    assert trend.moving_average == 1.0
    assert [p.number for p in trend.series] == [1, 2, 3, 4, 5]


def test_attempts_without_a_value_are_left_out_of_that_metric() -> None:
    # Nothing covered in the second attempt: no cost per point, and no first point.
    attempts = daily(START, words_per_point=[50.0, None, 30.0], coverage=[0.5, 0.0, 0.5])
    trend = metric_trend(METRIC_BY_KEY["words_per_point"], attempts)
    assert trend.values == (50.0, 30.0)
    assert (trend.first, trend.latest, trend.best, trend.best_number) == (50.0, 30.0, 30.0, 3)
    assert trend.series[1].value is None and trend.series[1].average is None
    assert trend.direction == "improving"


def test_share_inside_the_target_and_questions_in_the_banks_order() -> None:
    attempts = [
        attempt(START, "overfitting", timing="long"),
        attempt(START + timedelta(hours=1), "data-leakage", timing="on-target"),
        attempt(START + timedelta(hours=2), "data-leakage", timing="short"),
        attempt(START + timedelta(hours=3), "zz-removed", timing="on-target"),
    ]
    result = progress(attempts, today=START.date(), order=["data-leakage", "overfitting"])
    assert [q.question_id for q in result.questions] == [
        "data-leakage",
        "overfitting",
        "zz-removed",
    ]
    assert result.on_target_share == 0.5
    leakage = result.question("data-leakage")
    assert leakage is not None and leakage.count == 2 and leakage.on_target_share == 0.5
    assert result.question("precision-vs-recall") is None


# ---------------------------------------------------------------------------- days and streaks


def test_attempts_either_side_of_midnight_are_two_practice_days() -> None:
    late = attempt(datetime(2026, 3, 1, 23, 50))
    early = attempt(datetime(2026, 3, 2, 0, 10))
    result = progress([late, early], today=date(2026, 3, 2))
    assert result.practice_days == 2
    assert (result.current_streak, result.longest_streak) == (2, 2)


def test_two_attempts_on_one_day_are_one_practice_day() -> None:
    result = progress(
        [attempt(datetime(2026, 3, 1, 0, 5)), attempt(datetime(2026, 3, 1, 23, 55))],
        today=date(2026, 3, 1),
    )
    assert (result.practice_days, result.current_streak) == (1, 1)


def test_a_day_is_the_local_date_where_the_attempt_was_made() -> None:
    # 23:30 in New York, then 18:00 the next day in Paris after a night flight: both on 2 March
    # in UTC, but two days on the user's clock.
    new_york = datetime(2026, 3, 1, 23, 30, tzinfo=timezone(timedelta(hours=-5)))
    paris = datetime(2026, 3, 2, 18, 0, tzinfo=timezone(timedelta(hours=1)))
    assert new_york.astimezone(UTC).date() == paris.astimezone(UTC).date()
    assert [practice_day(new_york), practice_day(paris)] == [date(2026, 3, 1), date(2026, 3, 2)]
    assert streaks([practice_day(new_york), practice_day(paris)], date(2026, 3, 2)) == (2, 2)


def test_a_streak_is_current_until_a_whole_day_is_missed() -> None:
    days = [date(2026, 3, 1), date(2026, 3, 2), date(2026, 3, 3), date(2026, 3, 6)]
    assert streaks(days, today=date(2026, 3, 6)) == (1, 3)
    assert streaks(days, today=date(2026, 3, 7)) == (1, 3)  # not practised yet today
    assert streaks(days, today=date(2026, 3, 8)) == (0, 3)
    assert streaks(days[:3], today=date(2026, 3, 4)) == (3, 3)
    assert streaks([], today=date(2026, 3, 4)) == (0, 0)


def test_per_question_days_and_streaks() -> None:
    attempts = [
        attempt(datetime(2026, 3, 1, 9), "data-leakage"),
        attempt(datetime(2026, 3, 2, 9), "overfitting"),
        attempt(datetime(2026, 3, 3, 9), "data-leakage"),
    ]
    # The day after: a streak that ended yesterday still counts; one from the day before not.
    result = progress(attempts, today=date(2026, 3, 4))
    leakage, overfitting = result.questions
    assert (leakage.practice_days, leakage.current_streak) == (2, 1)
    assert (overfitting.practice_days, overfitting.current_streak) == (1, 0)
    assert (result.practice_days, result.current_streak) == (3, 3)


# ---------------------------------------------------------------------------- scoring versions


def test_attempts_scored_by_different_rules_are_flagged() -> None:
    old = attempt(START, revision=0)
    new = attempt(START + timedelta(days=1), revision=SCORING_REVISION)
    result = progress([old, new], today=START.date())
    assert result.mixed_scoring and result.outdated == 1
    assert result.revisions == (0, SCORING_REVISION)
    assert result.questions[0].mixed_scoring and result.questions[0].outdated == 1
    same = progress([new], today=START.date())
    assert not same.mixed_scoring and same.outdated == 0


# ---------------------------------------------------------------------------- best so far


def test_best_so_far_names_the_records_an_attempt_sets() -> None:
    first, second, third = daily(
        START,
        fillers=[4.0, 2.0, 3.0],
        coverage=[0.5, 0.5, 0.67],
        words_per_point=[40.0, 45.0, 30.0],
    )
    assert best_so_far(first, []) == ()
    assert [m.key for m in best_so_far(second, [first])] == ["fillers_per_minute"]
    assert [m.key for m in best_so_far(third, [first, second])] == [
        "coverage",
        "words_per_point",
    ]


def test_tries_cut_short_keep_their_place_but_count_in_no_figure() -> None:
    # The second is a false start (10 s of a 60-90 s answer) with the fewest fillers of all.
    attempts = daily(START, fillers=[4.0, 0.0, 3.0, 2.0], speaking=[70.0, 10.0, 75.0, 80.0])
    question = progress(attempts, today=START.date()).questions[0]
    fillers = question.metric("fillers_per_minute")
    assert fillers.values == (4.0, 3.0, 2.0)
    assert (fillers.best, fillers.best_number) == (2.0, 4)
    assert [p.counted for p in fillers.series] == [True, False, True, True]
    assert [p.value for p in fillers.series] == [4.0, 0.0, 3.0, 2.0]
    assert fillers.series[1].average is None
    assert question.cut_short == 1 and question.count == 4 and question.practice_days == 4
    # Nor is a false start ever a record, or beaten by one.
    assert best_so_far(attempts[1], attempts[:1]) == ()
    assert [m.key for m in best_so_far(attempts[2], attempts[:2])] == ["fillers_per_minute"]
