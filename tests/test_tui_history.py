"""The history screen, driven through a tiny host app on a real SQLite history.

Attempts are stored reports (fixtures/reports/history.json, written by fixtures/make_reports.py
from PLAN's hand-made word lists), so every figure and snapshot is the same on any machine.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from textual.app import App
from textual.message import Message
from textual.pilot import Pilot
from textual.widgets import OptionList, Select, Static, Tabs
from textual.widgets.data_table import ColumnKey
from textual_plotext import PlotextPlot
from tui_support import (
    ClockPlayer,
    make_app,
    screen_text,
    silent_recording,
    static_text,
    stored_history,
    wait_for,
    wait_for_screen,
)

from rehearse.language.rubric import Rubric, find_question, load_bank
from rehearse.scoring.render import clock
from rehearse.scoring.score import Report
from rehearse.storage.history import DATABASE_FILE, Attempt, History
from rehearse.storage.progress import TrendSeries
from rehearse.storage.trends import filler_trend
from rehearse.tui.confirm import ConfirmDelete
from rehearse.tui.history_parts import AttemptTable
from rehearse.tui.history_screen import ALL_QUESTIONS, EMPTY_MESSAGE, HistoryScreen
from rehearse.tui.navigation import ReplayRequested, ReportRequested
from rehearse.tui.replay import ReplayScreen
from rehearse.tui.report import ReportScreen

BANK = load_bank()


@dataclass(frozen=True)
class Planned:
    when: datetime
    question: str
    speaking: float
    fillers: int
    phrases: tuple[str, ...]
    wpm: float = 130


PLAN: tuple[Planned, ...] = (
    Planned(datetime(2026, 3, 2, 9, 15), "data-leakage", 48, 6, ("split by time", "shadow mode")),
    Planned(
        datetime(2026, 3, 4, 18, 40),
        "data-leakage",
        95,
        4,
        ("split by time", "shadow mode", "preprocessing"),
        150,
    ),
    Planned(
        datetime(2026, 3, 5, 8, 5),
        "precision-vs-recall",
        70,
        2,
        ("false positives", "false negatives", "threshold", "spam filter"),
        120,
    ),
    Planned(
        datetime(2026, 3, 7, 20, 10),
        "data-leakage",
        82,
        2,
        ("split by time", "shadow mode", "preprocessing", "prediction time", "sanity check"),
    ),
    Planned(
        datetime(2026, 3, 8, 12, 0),
        "overfitting",
        61,
        1,
        ("memorizes", "validation loss", "dropout"),
        140,
    ),
    Planned(
        datetime(2026, 3, 9, 7, 30),
        "data-leakage",
        75,
        1,
        ("split by time", "shadow mode", "preprocessing", "prediction time", "sanity check"),
        125,
    ),
)


@pytest.fixture(scope="module")
def reports() -> list[Report]:
    # The module shares one set of reports; each test gets its own store.
    return stored_history()


def test_stored_reports_are_the_plan(reports: list[Report]) -> None:
    assert [r.question for r in reports] == [p.question for p in PLAN]
    for planned, report in zip(PLAN, reports, strict=True):
        assert report.speaking_seconds == pytest.approx(planned.speaking, abs=0.5)
        assert report.fillers.count == planned.fillers


@pytest.fixture
def wav(tmp_path: Path) -> Path:
    return silent_recording(tmp_path / "outside" / "answer.wav", 1.5)


@pytest.fixture
def store(tmp_path: Path) -> History:
    return History(tmp_path / "data")


@pytest.fixture
def filled(store: History, reports: list[Report], wav: Path) -> list[Attempt]:
    """The planned attempts, saved oldest first."""
    return [store.add(r, wav, when=p.when) for p, r in zip(PLAN, reports, strict=True)]


class Host(App[None]):
    """Stands in for the rehearse app: shows the screen and records what it posts."""

    def __init__(self, store: History, bank: list[Rubric]) -> None:
        super().__init__()
        self.store = store
        self.bank = bank
        self.posted: list[Message] = []

    def on_mount(self) -> None:
        self.push_screen(HistoryScreen(self.store, self.bank))

    def on_report_requested(self, message: ReportRequested) -> None:
        self.posted.append(message)

    def on_replay_requested(self, message: ReplayRequested) -> None:
        self.posted.append(message)


async def filter_choices(pilot: Pilot[Any]) -> list[str]:
    """The question filter's choices as the user sees them: f, enter opens the list."""
    await pilot.press("f", "enter")
    shown = pilot.app.screen.query_one("SelectOverlay", OptionList)
    choices = [str(option.prompt) for option in shown.options]
    await pilot.press("escape")  # closes the list; the filter keeps the focus
    return choices


def screen_of(app: App[Any]) -> HistoryScreen:
    screen = app.screen
    assert isinstance(screen, HistoryScreen)
    return screen


def table_rows(screen: HistoryScreen) -> list[list[str]]:
    table = screen.query_one(AttemptTable)
    return [[c.plain for c in table.get_row_at(i)] for i in range(table.row_count)]


def row_ids(screen: HistoryScreen) -> list[int]:
    table = screen.query_one(AttemptTable)
    return [int(str(key.value)) for key in table.rows]


def plotted(screen: HistoryScreen, name: str) -> Any:
    """The plotext monitor of a chart: what was handed to plotext (it has no typed API)."""
    plt: Any = screen.query_one(f"#{name}-chart", PlotextPlot).plt
    return plt.monitor


def chart_series(screen: HistoryScreen, name: str) -> list[tuple[list[float], list[float]]]:
    """One (xs, ys) pair per plotted series, in drawing order."""
    monitor = plotted(screen, name)
    return [(list(x), list(y)) for x, y in zip(monitor.x, monitor.y, strict=True)]


def chart_title(screen: HistoryScreen, name: str) -> str:
    return str(plotted(screen, name).title)


def trend(screen: HistoryScreen, name: str) -> tuple[list[float], list[float]]:
    """The chart's trend: drawn twice, as a line and as a dot on each attempt."""
    *_, line, dots = chart_series(screen, name)
    assert line == dots
    return line


# ---------------------------------------------------------------------------- the table


@pytest.mark.asyncio
async def test_table_lists_every_attempt_newest_first_with_its_figures(
    store: History, filled: list[Attempt]
) -> None:
    app = Host(store, BANK)
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.pause()
        screen = screen_of(app)
        assert row_ids(screen) == [a.id for a in reversed(filled)]
        rows = table_rows(screen)
        # The newest: the fourth at data-leakage, 75 s spoken, 1 filler in 75 s, 5 of 6 points,
        # about 125 words a minute.
        assert rows[0] == [
            "2026-03-09 07:30",
            "data-leakage",
            "4",
            "1:15",
            "on target",
            "0.8",
            "83%",
            f"{filled[5].words_per_minute:.0f}",
        ]
        assert abs(filled[5].words_per_minute - 125) <= 2
        # Each attempt's number at its question, as the summary, the charts and the report say.
        assert [r[2] for r in rows] == ["4", "1", "3", "1", "2", "1"]
        assert [r[4] for r in rows] == [
            "on target",
            "on target",
            "on target",
            "on target",
            "long",
            "short",
        ]
        assert [r[3] for r in rows] == ["1:15", "1:01", "1:22", "1:10", "1:35", "0:48"]
        # 6 fillers over 48 s is 7.5 a minute; 2 of 6 points is 33%.
        assert rows[5][5:7] == ["7.5", "33%"]
        assert [r[1] for r in rows] == [a.question_id for a in reversed(filled)]
        assert "History · 6 attempts" in str(screen.query_one("#heading", Static).render())


@pytest.mark.asyncio
async def test_verdicts_are_coloured_by_timing(store: History, filled: list[Attempt]) -> None:
    app = Host(store, BANK)
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.pause()
        screen = screen_of(app)
        table = screen.query_one(AttemptTable)
        styles = {
            table.get_row_at(i)[4].plain: str(table.get_row_at(i)[4].style)
            for i in range(table.row_count)
        }
        variables = app.theme_variables
        assert styles == {
            "on target": variables["success"],
            "long": variables["error"],
            "short": variables["warning"],
        }


@pytest.mark.asyncio
async def test_the_heading_counts_the_attempts_the_filter_shows(
    store: History, filled: list[Attempt]
) -> None:
    app = Host(store, BANK)
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.pause()
        screen = screen_of(app)
        assert screen_text(app).splitlines()[0].strip().startswith("History · 6 attempts")
        select: Select[str] = screen.query_one("#question-filter", Select)
        select.value = "overfitting"
        await pilot.pause()
        assert screen_text(app).splitlines()[0].strip().startswith("History · 1 of 6 attempts")
        select.value = "data-leakage"
        await pilot.pause()
        assert screen_text(app).splitlines()[0].strip().startswith("History · 4 of 6 attempts")


@pytest.mark.asyncio
@pytest.mark.parametrize("size", [(80, 24), (100, 32), (120, 40), (160, 50)])
async def test_the_screen_says_what_better_and_best_mean(
    store: History, filled: list[Attempt], size: tuple[int, int]
) -> None:
    app = Host(store, BANK)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        text = screen_text(app)
        # In words, not only in a tooltip that needs a mouse.
        assert "Fillers/min: first tries → latest ones; better means fewer fillers now." in text
        if size[1] >= 40:
            assert "Best: on target, then most points, then fewest fillers" in text


@pytest.mark.asyncio
@pytest.mark.parametrize(("size", "fit"), [((80, 24), 5), ((100, 32), 12), ((120, 40), 14)])
async def test_the_table_shows_as_many_rows_as_fit(
    store: History, reports: list[Report], wav: Path, size: tuple[int, int], fit: int
) -> None:
    for day in range(20):
        planned = PLAN[day % len(PLAN)]
        store.add(reports[day % len(PLAN)], wav, when=planned.when + timedelta(days=10 * day))
    app = Host(store, BANK)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        dated = re.compile(r"^ \d{4}-\d\d-\d\d \d\d:\d\d ")
        shown = [line for line in screen_text(app).splitlines() if dated.match(line)]
        assert len(shown) >= fit


@pytest.mark.asyncio
async def test_filter_shows_one_question_and_charts_it(
    store: History, filled: list[Attempt]
) -> None:
    app = Host(store, BANK)
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.pause()
        screen = screen_of(app)
        # Questions with attempts only, in the bank's order, each with its count.
        assert await filter_choices(pilot) == [
            "All questions",
            "data-leakage (4)",
            "overfitting (1)",
            "precision-vs-recall (1)",
        ]
        select: Select[str] = screen.query_one("#question-filter", Select)
        select.value = "data-leakage"
        await pilot.pause()
        leakage = [a for a in filled if a.question_id == "data-leakage"]
        assert row_ids(screen) == [a.id for a in reversed(leakage)]
        assert screen.chart_question == "data-leakage"
        assert screen.series == TrendSeries.of("data-leakage", leakage)
        assert [s.question_id for s in screen.summaries] == ["data-leakage"]
        # One question: one line, its name left to the filter and the chart title.
        assert "4 attempts · best #4 1:15 on target 83% · fillers/min 5.0→1.1 better" in (
            screen_text(app)
        )
        assert "data-leakage · spoken seconds, target 60–90 s" in screen_text(app)

        # Moving the cursor inside a filter keeps charting the filtered question.
        await pilot.press("down", "down")
        assert screen.chart_question == "data-leakage"

        select.value = ALL_QUESTIONS
        await pilot.pause()
        assert len(row_ids(screen)) == len(filled)


@pytest.mark.asyncio
async def test_filter_is_reachable_from_the_keyboard(store: History, filled: list[Attempt]) -> None:
    app = Host(store, BANK)
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.pause()
        screen = screen_of(app)
        await pilot.press("f")
        assert app.focused is screen.query_one("#question-filter", Select)
        # Open the list, move past "All questions" to the first question, pick it.
        await pilot.press("enter", "down", "enter")
        await pilot.pause()
        assert screen.filter == "data-leakage"
        assert {r[1] for r in table_rows(screen)} == {"data-leakage"}
        # Back on the rows, so enter opens the newest data-leakage attempt.
        assert app.focused is screen.query_one(AttemptTable)
        await pilot.press("enter")
        assert [m.attempt for m in app.posted] == [filled[5]]  # type: ignore[attr-defined]


@pytest.mark.asyncio
async def test_row_keys_do_nothing_while_the_filter_has_focus(
    store: History, filled: list[Attempt]
) -> None:
    app = Host(store, BANK)
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.pause()
        await pilot.press("f", "p", "d")
        await pilot.pause()
        assert app.posted == []
        assert isinstance(app.screen, HistoryScreen)


# ---------------------------------------------------------------------------- the charts


@pytest.mark.asyncio
async def test_charts_follow_the_cursor_question_with_the_right_series(
    store: History, filled: list[Attempt]
) -> None:
    app = Host(store, BANK)
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.pause()
        screen = screen_of(app)
        # The cursor starts on the newest attempt, a data-leakage one.
        assert screen.chart_question == "data-leakage"
        leakage = [a for a in filled if a.question_id == "data-leakage"]
        assert screen.series is not None
        assert [round(s) for s in screen.series.speaking_seconds] == [48, 95, 82, 75]

        duration = chart_series(screen, "duration")
        assert len(duration) == 4
        low, high = duration[:2]
        # The target band: a step per attempt spanning its x ± 0.5, at 60 and 90 seconds.
        assert low == ([0.5, 1.5, 1.5, 2.5, 2.5, 3.5, 3.5, 4.5], [60.0] * 8)
        assert high == ([0.5, 1.5, 1.5, 2.5, 2.5, 3.5, 3.5, 4.5], [90.0] * 8)
        assert trend(screen, "duration") == ([1, 2, 3, 4], [48.0, 95.0, 82.0, 75.0])
        assert trend(screen, "duration")[1] == [a.speaking_seconds for a in leakage]
        assert chart_title(screen, "duration") == "data-leakage · spoken seconds, target 60–90 s"

        assert len(chart_series(screen, "fillers")) == 2
        assert trend(screen, "fillers") == ([1, 2, 3, 4], [7.5, 2.5, 1.5, 0.8])
        assert trend(screen, "fillers")[1] == [a.fillers_per_minute for a in leakage]
        assert trend(screen, "coverage") == ([1, 2, 3, 4], [33.3, 50.0, 83.3, 83.3])

        # Down to the overfitting attempt: one attempt, still a band and one point.
        await pilot.press("down")
        assert screen.chart_question == "overfitting"
        low, high = chart_series(screen, "duration")[:2]
        assert low == ([0.5, 1.5], [60.0, 60.0])
        assert high == ([0.5, 1.5], [90.0, 90.0])
        assert trend(screen, "duration") == ([1], [61.0])
        assert trend(screen, "coverage") == ([1], [60.0])
        assert chart_title(screen, "coverage").startswith("overfitting · ")

        await pilot.press("down", "down")
        assert screen.chart_question == "precision-vs-recall"
        assert trend(screen, "fillers") == ([1], [filled[2].fillers_per_minute])


@pytest.mark.asyncio
async def test_charts_render_with_one_attempt(
    store: History, reports: list[Report], wav: Path
) -> None:
    attempt = store.add(reports[4], wav, when=PLAN[4].when)
    app = Host(store, BANK)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = screen_of(app)
        assert row_ids(screen) == [attempt.id]
        for name in ("duration", "fillers", "coverage"):
            chart = screen.query_one(f"#{name}-chart", PlotextPlot)
            # Build what would be drawn, whether or not this chart's tab is showing.
            chart.plt.plotsize(60, 10)
            assert chart.plt.build().strip()
        assert screen.summaries[0].trend is None
        assert "fillers/min trend after 2 attempts" in screen_text(app)


@pytest.mark.asyncio
async def test_chart_tabs_switch_the_chart_in_a_small_terminal(
    store: History, filled: list[Attempt]
) -> None:
    app = Host(store, BANK)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = screen_of(app)
        shown = [c.id for c in screen.query(".chart") if c.display]
        assert shown == ["duration-chart"]
        await pilot.press("c")
        await pilot.pause()
        shown = [c.id for c in screen.query(".chart") if c.display]
        assert shown == ["fillers-chart"]
        assert screen.query_one(Tabs).active == "tab-fillers"


@pytest.mark.asyncio
async def test_a_large_terminal_shows_every_chart_and_summary(
    store: History, filled: list[Attempt]
) -> None:
    app = Host(store, BANK)
    async with app.run_test(size=(160, 50)) as pilot:
        await pilot.pause()
        screen = screen_of(app)
        assert screen.has_class("-wide") and screen.has_class("-tall")
        assert not screen.query_one(Tabs).display
        charts = [c for c in screen.query(".chart") if c.display]
        assert len(charts) == 3
        # Side by side: the charts sit to the right of the table.
        table = screen.query_one(AttemptTable)
        assert all(c.region.x >= table.region.right for c in charts)
        # Every question has its summary, in the bank's order, beside the charts.
        bank_order = [r.id for r in BANK]
        questions = sorted({a.question_id for a in filled}, key=bank_order.index)
        assert [s.question_id for s in screen.summaries] == questions
        summary_box = screen.query_one("#summary-box")
        assert summary_box.region.height == len(questions) + 1  # a header row, then one each
        # The whole question id fits in a wide table.
        assert "precision-vs-recall" in [r[1] for r in table_rows(screen)]


@pytest.mark.asyncio
async def test_growing_the_terminal_uses_the_room(store: History, filled: list[Attempt]) -> None:
    app = Host(store, BANK)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = screen_of(app)
        table = screen.query_one(AttemptTable)
        narrow_width = table.columns[ColumnKey("question")].width
        assert [s.question_id for s in screen.summaries] == ["data-leakage"]
        assert not screen.charts_stacked()

        await pilot.resize_terminal(160, 50)
        await pilot.pause()
        await pilot.pause()
        assert screen.charts_stacked()
        assert len([c for c in screen.query(".chart") if c.display]) == 3
        assert len(screen.summaries) == 3
        assert table.columns[ColumnKey("question")].width > narrow_width
        # The cursor stayed on the attempt it was on.
        assert screen.current_attempt == filled[5]


# ---------------------------------------------------------------------------- summaries


def test_filler_trend_compares_the_first_and_last_three(
    store: History, filled: list[Attempt]
) -> None:
    leakage = [a for a in filled if a.question_id == "data-leakage"]
    trend = filler_trend(leakage)
    # Four attempts: two at each end, so no attempt is compared with itself.
    assert trend is not None and trend.window == 2
    assert trend.before == (7.5 + 2.5) / 2
    assert trend.after == pytest.approx((1.5 + 0.8) / 2)
    assert trend.direction == "improving"
    assert filler_trend(leakage[:1]) is None
    six = leakage + leakage[::-1]
    assert filler_trend(six) is not None and filler_trend(six).window == 3  # type: ignore[union-attr]


@pytest.mark.asyncio
async def test_summary_line_gives_attempts_trend_and_best(
    store: History, filled: list[Attempt]
) -> None:
    app = Host(store, BANK)
    async with app.run_test(size=(160, 50)) as pilot:
        await pilot.pause()
        screen = screen_of(app)
        by_question = {s.question_id: s for s in screen.summaries}
        assert set(by_question) == {"data-leakage", "precision-vs-recall", "overfitting"}
        leakage = by_question["data-leakage"]
        assert leakage.attempts == 4
        assert leakage.trend is not None
        assert (leakage.trend.before, leakage.trend.after) == (5.0, 1.15)
        # The store's best: on target, most covered, fewest fillers -> the fourth (75 s, 83%).
        assert leakage.best == store.best("data-leakage") == filled[5]
        assert leakage.best_number == 4
        assert by_question["overfitting"].attempts == 1
        assert by_question["overfitting"].trend is None
        # As a grid, the charted question (under the cursor) marked.
        lines = [" ".join(line.split()) for line in screen_text(app).splitlines()]
        assert any(
            line.startswith("▶ data-leakage 4 #4 1:15 on target 83% 5.0→1.1 better")
            for line in lines
        )
        assert any(
            line.startswith("overfitting 1 #1 1:01 on target 60% trend after 2 attempts")
            for line in lines
        )


def test_times_are_minutes_and_seconds() -> None:
    assert [clock(s) for s in (0, 9.4, 59.6, 75, 600.2)] == [
        "0:00",
        "0:09",
        "1:00",
        "1:15",
        "10:00",
    ]


# ---------------------------------------------------------------------------- keys


@pytest.mark.asyncio
async def test_enter_and_p_post_messages_for_the_cursor_attempt(
    store: History, filled: list[Attempt]
) -> None:
    app = Host(store, BANK)
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.pause()
        await pilot.press("enter")
        await pilot.press("down", "p")
        await pilot.pause()
        assert [(type(m), m.attempt) for m in app.posted] == [  # type: ignore[attr-defined]
            (ReportRequested, filled[5]),
            (ReplayRequested, filled[4]),
        ]


@pytest.mark.asyncio
async def test_footer_lists_the_screen_keys(store: History, filled: list[Attempt]) -> None:
    app = Host(store, BANK)
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.pause()
        shown = {
            key: active.binding.description
            for key, active in screen_of(app).active_bindings.items()
            if active.binding.show
        }
        assert shown["enter"] == "Open report"
        assert shown["p"] == "Replay"
        assert shown["d"] == "Delete"
        assert shown["escape"] == "Back"


@pytest.mark.asyncio
@pytest.mark.parametrize("key", ["d", "delete"])
async def test_delete_asks_then_removes_the_row_and_the_recording(
    store: History, filled: list[Attempt], key: str
) -> None:
    app = Host(store, BANK)
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.pause()
        screen = screen_of(app)
        doomed = filled[5]
        assert doomed.audio_path.is_file()
        await pilot.press(key)
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDelete)
        await pilot.press("y")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.screen is screen
        assert row_ids(screen) == [a.id for a in reversed(filled[:5])]
        assert not doomed.audio_path.exists()
        assert [a.id for a in store.attempts()] == [a.id for a in filled[:5]]
        # The cursor stays where it was, now on the next (older) attempt.
        assert screen.current_attempt == filled[4]
        assert screen.series is not None and screen.chart_question == "overfitting"


@pytest.mark.asyncio
async def test_delete_can_be_called_off(store: History, filled: list[Attempt]) -> None:
    app = Host(store, BANK)
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.pause()
        await pilot.press("d")
        await pilot.pause()
        # The safe answer has the focus, so a stray enter keeps the attempt.
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        screen = screen_of(app)
        assert len(row_ids(screen)) == len(filled)
        assert filled[5].audio_path.is_file()
        await pilot.press("d", "escape")
        await pilot.pause()
        assert app.screen is screen and len(store.attempts()) == len(filled)


@pytest.mark.asyncio
async def test_deleting_the_last_attempt_of_the_filtered_question_clears_the_filter(
    store: History, filled: list[Attempt]
) -> None:
    app = Host(store, BANK)
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.pause()
        screen = screen_of(app)
        screen.query_one("#question-filter", Select).value = "overfitting"
        await pilot.pause()
        assert row_ids(screen) == [filled[4].id]
        await pilot.press("d", "y")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert screen.filter == ALL_QUESTIONS
        assert filled[4].id not in row_ids(screen)
        assert len(row_ids(screen)) == 5
        assert await filter_choices(pilot) == [
            "All questions",
            "data-leakage (4)",
            "precision-vs-recall (1)",
        ]


@pytest.mark.asyncio
async def test_escape_leaves_the_screen(store: History, filled: list[Attempt]) -> None:
    app = Host(store, BANK)
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, HistoryScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, HistoryScreen)


@pytest.mark.asyncio
async def test_attempts_added_elsewhere_appear_on_return(
    store: History, reports: list[Report], wav: Path
) -> None:
    first = store.add(reports[0], wav, when=PLAN[0].when)
    app = Host(store, BANK)
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.pause()
        screen = screen_of(app)
        assert row_ids(screen) == [first.id]
        # Another screen on top while an answer is saved, then back to the history.
        await app.push_screen(ConfirmDelete(first))
        second = store.add(reports[1], wav, when=PLAN[1].when)
        app.pop_screen()
        await pilot.pause()
        assert row_ids(screen) == [second.id, first.id]


# ---------------------------------------------------------------------------- empty state


@pytest.mark.asyncio
async def test_empty_history_says_how_to_start(store: History) -> None:
    app = Host(store, BANK)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = screen_of(app)
        empty = screen.query_one("#empty", Static)
        assert empty.display and str(empty.render()) == EMPTY_MESSAGE
        assert not screen.query_one("#body").display
        assert screen.series is None and screen.chart_question is None
        assert chart_series(screen, "duration") == []
        # Keys that need an attempt do nothing, and nothing is posted.
        await pilot.press("enter", "p", "d")
        await pilot.pause()
        assert app.posted == [] and app.screen is screen


@pytest.mark.asyncio
async def test_an_unreadable_history_is_a_message_not_a_traceback(tmp_path: Path) -> None:
    directory = tmp_path / "data"
    directory.mkdir()
    # A database from a newer rehearse: the store refuses it with a StorageError.
    connection = sqlite3.connect(directory / DATABASE_FILE)
    connection.execute("PRAGMA user_version = 99")
    connection.close()
    app = Host(History(directory), BANK)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = screen_of(app)
        empty = screen.query_one("#empty", Static)
        assert empty.display
        assert "newer rehearse" in str(empty.render())


@pytest.mark.asyncio
async def test_verdict_colours_follow_the_theme(store: History, filled: list[Attempt]) -> None:
    app = Host(store, BANK)
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.pause()
        app.theme = "textual-light"
        await pilot.pause()
        table = screen_of(app).query_one(AttemptTable)
        assert str(table.get_row_at(0)[4].style) == app.theme_variables["success"]


# ---------------------------------------------------------------------------- snapshots


def snapshot_app(tmp_path: Path, reports: list[Report]) -> Host:
    store = History(tmp_path / "snap")
    audio = silent_recording(tmp_path / "snap-answer.wav", 0.1)
    for planned, report in zip(PLAN, reports, strict=True):
        store.add(report, audio, when=planned.when)
    return Host(store, BANK)


def test_snapshot_100x32(snap_compare: Any, tmp_path: Path, reports: list[Report]) -> None:
    assert snap_compare(snapshot_app(tmp_path, reports), terminal_size=(100, 32))


def test_snapshot_80x24(snap_compare: Any, tmp_path: Path, reports: list[Report]) -> None:
    assert snap_compare(snapshot_app(tmp_path, reports), terminal_size=(80, 24))


# ---------------------------------------------------------------------------- with the real app
# The history, its reports and its replays in the real app, as a user goes from one to another.


def real_app(tmp_path: Path, reports: list[Report], wav: Path) -> Any:
    app = make_app(tmp_path / "app", player_factory=ClockPlayer)
    for planned, report in zip(PLAN, reports, strict=True):
        app.store.add(report, wav, when=planned.when)
    return app


def head_of(app: App[Any]) -> str:
    """The line under the question on a report or replay screen."""
    return screen_text(app).splitlines()[1].strip()


def change_text(app: App[Any]) -> str:
    return static_text(app.screen.query_one("#change", Static))


@pytest.mark.asyncio
async def test_attempts_are_numbered_alike_in_the_table_summary_report_and_replay(
    tmp_path: Path, reports: list[Report], wav: Path
) -> None:
    app = real_app(tmp_path, reports, wav)
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.press("h")
        await wait_for_screen(pilot, HistoryScreen)
        screen = screen_of(app)
        # The newest row is data-leakage's fourth attempt, and its best.
        assert table_rows(screen)[0][1:3] == ["data-leakage", "4"]
        assert "4 attempts · best #4 " in screen_text(app)
        await pilot.press("enter")
        await wait_for_screen(pilot, ReportScreen)
        await wait_for(pilot, lambda: head_of(app).startswith("Attempt 4 of 4 · 09 Mar 2026"))
        await pilot.press("escape")
        await wait_for_screen(pilot, HistoryScreen)
        # Two rows down: data-leakage's third attempt.
        await pilot.press("down", "down")
        assert table_rows(screen)[2][1:3] == ["data-leakage", "3"]
        await pilot.press("p")
        await wait_for_screen(pilot, ReplayScreen)
        assert head_of(app).startswith("Attempt 3 of 4 · 07 Mar 2026")
        await pilot.press("escape")


@pytest.mark.asyncio
async def test_the_report_compares_with_the_best_earlier_try_that_was_not_cut_short(
    tmp_path: Path, reports: list[Report], wav: Path
) -> None:
    app = make_app(tmp_path / "app")
    good, later = reports[5], reports[3]  # 1:15 on target; 1:22 on target, more fillers
    # A false start: 13 s of a 60-90 s answer (anything under a third of the low end).
    aborted = replace(reports[0], speaking_seconds=13.0, timing="short")
    app.store.add(good, wav, when=datetime(2026, 3, 10, 9, 0))
    app.store.add(aborted, wav, when=datetime(2026, 3, 11, 9, 0))
    attempt = app.store.add(later, wav, when=datetime(2026, 3, 12, 9, 0))
    async with app.run_test(size=(100, 32)) as pilot:
        await app.push_screen(ReportScreen(find_question("data-leakage"), attempt))
        await wait_for(pilot, lambda: "Compared with" in change_text(app))
        lines = [" ".join(line.split()) for line in change_text(app).splitlines()]
        assert lines[0] == (
            "Compared with #1 (10 Mar 09:00), your best attempt before this one"
            " (1 try under 0:20 left out as cut short)"
        )
        assert "Time 1:15 → 1:22 +7 s both on target" in lines
        assert "Fillers/min 0.8 → 1.5 +0.7 more fillers" in lines
        assert "Coverage 83% → 83% +0 pts as many points" in lines
        assert "0:13" not in change_text(app)
        assert head_of(app).startswith("Attempt 3 of 3 · ")


@pytest.mark.asyncio
async def test_a_try_cut_short_says_so_and_is_still_compared(
    tmp_path: Path, reports: list[Report], wav: Path
) -> None:
    app = make_app(tmp_path / "app")
    app.store.add(reports[5], wav, when=datetime(2026, 3, 10, 9, 0))
    aborted = replace(reports[0], speaking_seconds=13.0, timing="short")
    attempt = app.store.add(aborted, wav, when=datetime(2026, 3, 11, 9, 0))
    async with app.run_test(size=(100, 32)) as pilot:
        await app.push_screen(ReportScreen(find_question("data-leakage"), attempt))
        await wait_for(pilot, lambda: "Compared with" in change_text(app))
        text = " ".join(change_text(app).split())
        assert "Time 1:15 → 0:13 -62 s further from the target" in text
        assert (
            "This try is under 0:20, so it looks cut short: later ones are not compared with it"
            in text
        )


@pytest.mark.asyncio
async def test_the_first_attempt_says_what_it_is_compared_with(
    tmp_path: Path, reports: list[Report], wav: Path
) -> None:
    app = real_app(tmp_path, reports, wav)
    first = app.store.attempts("data-leakage")[0]
    only = app.store.attempts("overfitting")[0]
    async with app.run_test(size=(100, 32)) as pilot:
        rubric = find_question("data-leakage")
        await app.push_screen(ReportScreen(rubric, first))
        await wait_for(pilot, lambda: "First attempt" in change_text(app))
        # Three came after it: it is not "the one the next will be compared to" any more.
        text = " ".join(change_text(app).split())
        assert text == (
            "First attempt at this question, so nothing earlier to compare it with;"
            " 3 attempts since."
        )
        assert head_of(app).startswith("Attempt 1 of 4 · 02 Mar 2026")
        app.pop_screen()
        await app.push_screen(ReportScreen(find_question("overfitting"), only))
        await wait_for(pilot, lambda: "First attempt" in change_text(app))
        text = " ".join(change_text(app).split())
        assert text == (
            "First attempt at this question: the next ones will be compared with"
            " your best attempt before them."
        )
