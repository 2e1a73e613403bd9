"""Progress in the app: the progress view, comparing two attempts, "best so far" on a report, the
rescore offer after an upgrade, and the history table at scale. The real app on a real SQLite
history of stored reports (the history screen's PLAN), driven with Textual's Pilot."""

from __future__ import annotations

import os
import shutil
import sqlite3
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from test_tui_history import PLAN
from textual.pilot import Pilot
from textual.widgets import DataTable, OptionList
from tui_support import (
    make_app,
    notifications_shown,
    screen_text,
    silent_recording,
    static_text,
    stored_history,
    wait_for,
    wait_for_screen,
)

from rehearse.language.rubric import find_question
from rehearse.scoring.metrics import SCORING_REVISION
from rehearse.service import RESCORE_OFFERED
from rehearse.storage.history import Attempt, History, NewAttempt
from rehearse.tui.app import RehearseApp
from rehearse.tui.compare_screen import CompareScreen
from rehearse.tui.history_parts import PAGE_ROWS, AttemptTable
from rehearse.tui.history_screen import HistoryScreen
from rehearse.tui.pick_attempt import PickAttempt
from rehearse.tui.progress_screen import ProgressScreen
from rehearse.tui.report import ReportScreen
from rehearse.tui.rescore import RescoreScreen

pytestmark = pytest.mark.asyncio
SIZE = (100, 32)
RELEASED = Path(__file__).parent / "data" / "history-schema1"


def app_with_history(tmp_path: Path) -> tuple[RehearseApp, list[Attempt]]:
    """The app on a history of the six planned attempts (four at data-leakage)."""
    app = make_app(tmp_path / "data")
    audio = silent_recording(tmp_path / "answer.wav", 1.0)
    saved = [
        app.store.add(r, audio, when=p.when) for p, r in zip(PLAN, stored_history(), strict=True)
    ]
    return app, saved


async def open_history(pilot: Pilot[Any]) -> HistoryScreen:
    await pilot.press("h")
    await wait_for_screen(pilot, HistoryScreen)
    screen = pilot.app.screen
    assert isinstance(screen, HistoryScreen)
    return screen


async def settle(pilot: Pilot[Any]) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def metric_rows(screen: ProgressScreen) -> dict[str, list[str]]:
    table = screen.query_one("#metrics", DataTable)
    rows = [[cell.plain for cell in table.get_row_at(i)] for i in range(table.row_count)]
    return {row[0]: row[1:] for row in rows}


# ---------------------------------------------------------------------------- progress view


async def test_g_shows_every_metric_of_the_question_with_its_trend(tmp_path: Path) -> None:
    app, saved = app_with_history(tmp_path)
    leakage = [a for a in saved if a.question_id == "data-leakage"]
    async with app.run_test(size=SIZE) as pilot:
        await open_history(pilot)  # the cursor is on the newest attempt, a data-leakage one
        await pilot.press("g")
        await wait_for_screen(pilot, ProgressScreen)
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ProgressScreen) and screen.question_id == "data-leakage"
        rows = metric_rows(screen)
        assert list(rows) == [
            "Overrun",
            "Fillers per minute",
            "Long pauses per minute",
            "Coverage",
            "Words per covered point",
            "Time to the first point",
            "Hedges per minute",
            "Repeats and restarts per minute",
            "Off the points",
            "Pitch variety",
            "Pace",
        ]
        fillers = rows["Fillers per minute"]
        assert fillers[0] == f"{leakage[0].fillers_per_minute:.1f}"  # first
        assert fillers[1] == f"{leakage[3].fillers_per_minute:.1f} #4"  # best: the fourth
        assert fillers[2] == f"{leakage[3].fillers_per_minute:.1f}"  # latest
        assert fillers[4] == "improving"
        assert rows["Coverage"][:3] == ["33%", "83% #3", "83%"]
        assert rows["Pace"][4] == "no direction"
        text = screen_text(app)
        assert "4 attempts on 4 days" in text
        # The chart follows the metric under the cursor.
        assert "data-leakage · overrun · lower is better" in text
        await pilot.press("down")
        await pilot.pause()
        assert "data-leakage · fillers per minute · lower is better" in screen_text(app)
        # Nothing scored by older rules: no rescore to offer.
        assert "Rescore" not in text
        await pilot.press("escape")
        assert isinstance(app.screen, HistoryScreen)


async def test_the_progress_view_says_when_rules_differ_and_offers_the_rescore(
    tmp_path: Path,
) -> None:
    app, _ = app_with_history(tmp_path)
    db = sqlite3.connect(app.store.path)
    db.execute("UPDATE attempts SET scoring_revision = 0 WHERE id IN (?, ?)", (1, 2))
    db.commit()
    db.close()
    # The app's own offer was made already: only the progress view offers it here.
    app.store.set_meta(RESCORE_OFFERED, str(SCORING_REVISION))
    async with app.run_test(size=SIZE) as pilot:
        await open_history(pilot)
        await pilot.press("g")
        await wait_for_screen(pilot, ProgressScreen)
        await settle(pilot)
        text = " ".join(screen_text(app).split())
        assert "These attempts were scored by different rules" in text
        assert "2 attempts scored by older rules; r scores them again" in text
        assert "r Rescore old attempts" in text
        await pilot.press("r")
        await wait_for_screen(pilot, RescoreScreen)
        offer = static_text(app.screen.query_one("#rescore-text"))  # type: ignore[arg-type]
        assert "2 attempts were scored by older rules" in " ".join(offer.split())
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, ProgressScreen)
    assert [a.scoring_revision for a in History(app.store.directory).attempts()][:2] == [0, 0]


# ---------------------------------------------------------------------------- compare


async def test_two_marked_attempts_compare_side_by_side(tmp_path: Path) -> None:
    app, saved = app_with_history(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        history = await open_history(pilot)
        # Newest first: #4 of data-leakage, overfitting, #3 of data-leakage.
        await pilot.press("m", "down", "down", "m")
        assert history.marked == [saved[5].id, saved[3].id]
        table = history.query_one(AttemptTable)
        marked_cell = table.get_row_at(0)[0]
        assert "reverse" in str(marked_cell.spans[0].style)
        await pilot.press("v")
        await wait_for_screen(pilot, CompareScreen)
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, CompareScreen)
        # The earlier attempt first, both named as the history numbers them.
        assert (screen.first.id, screen.second.id) == (saved[3].id, saved[5].id)
        text = screen_text(app)
        assert "#3 07 Mar 20:10 → #4 09 Mar 07:30" in text
        assert "Fillers per minute" in text and "better" in text
        assert "um 2 → 1" in text
        figures = static_text(screen.transcripts)
        assert "words in common" in figures and "#3 07 Mar 20:10" in figures
        await pilot.press("d")
        assert "d: two columns" in static_text(screen.transcripts)
        await pilot.press("escape")
        assert isinstance(app.screen, HistoryScreen)


async def test_a_third_mark_replaces_the_first_and_a_mark_comes_off(tmp_path: Path) -> None:
    app, saved = app_with_history(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        history = await open_history(pilot)
        await pilot.press("m", "down", "m", "down", "m")
        assert history.marked == [saved[4].id, saved[3].id]
        await pilot.press("m")
        assert history.marked == [saved[4].id]


async def test_compare_without_marks_picks_the_other_attempt(tmp_path: Path) -> None:
    app, saved = app_with_history(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await open_history(pilot)
        await pilot.press("v")  # on #4 of data-leakage
        await wait_for_screen(pilot, PickAttempt)
        picker = app.screen
        assert isinstance(picker, PickAttempt)
        shown = picker.query_one("#pick-list", OptionList)
        # The other three data-leakage attempts, newest first; the best earlier one chosen.
        assert [a.id for a, _ in picker.choices] == [saved[3].id, saved[1].id, saved[0].id]
        assert shown.highlighted == 0
        await pilot.press("down", "enter")
        await wait_for_screen(pilot, CompareScreen)
        await settle(pilot)
        assert "#2 04 Mar 18:40 → #4 09 Mar 07:30" in screen_text(app)


async def test_an_only_attempt_has_nothing_to_compare_with(tmp_path: Path) -> None:
    app, _ = app_with_history(tmp_path)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await open_history(pilot)
        await pilot.press("down", "v")  # the overfitting attempt, the only one at it
        await wait_for(
            pilot, lambda: any("Nothing to compare with" in n for n in notifications_shown(app))
        )
        assert isinstance(app.screen, HistoryScreen)


# ---------------------------------------------------------------------------- best so far


async def test_a_report_says_best_so_far_when_it_is(tmp_path: Path) -> None:
    app, saved = app_with_history(tmp_path)
    # A later try as poor as the first: it sets no record.
    again = shutil.copyfile(saved[0].audio_path, tmp_path / "again.wav")  # one attempt a file
    worse = app.store.add(stored_history()[0], again, when=datetime(2026, 3, 10, 9))
    async with app.run_test(size=SIZE) as pilot:
        await open_history(pilot)
        await pilot.press("down", "enter")  # #4 of data-leakage: on target, fewest fillers
        await wait_for_screen(pilot, ReportScreen)
        await settle(pilot)
        assert app.screen.attempt.id == saved[5].id  # type: ignore[attr-defined]
        change = static_text(app.screen.query_one("#change"))  # type: ignore[arg-type]
        assert "★ Best so far: your best attempt at this question yet" in change
        assert "fewest fillers a minute" in change
        await pilot.press("escape")
        await pilot.press("up", "enter")  # the later, poorer try
        await wait_for_screen(pilot, ReportScreen)
        await settle(pilot)
        assert app.screen.attempt.id == worse.id  # type: ignore[attr-defined]
        change = static_text(app.screen.query_one("#change"))  # type: ignore[arg-type]
        assert "Compared with #4" in change and "Best so far" not in change


async def test_a_first_attempt_is_not_best_so_far(tmp_path: Path) -> None:
    app, _ = app_with_history(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await open_history(pilot)
        await pilot.press("down", "enter")  # the only overfitting attempt
        await wait_for_screen(pilot, ReportScreen)
        await settle(pilot)
        change = static_text(app.screen.query_one("#change"))  # type: ignore[arg-type]
        assert "First attempt" in change and "Best so far" not in change


# ---------------------------------------------------------------------------- rescore offer


def released_app(tmp_path: Path) -> RehearseApp:
    """The app on a copy of a data folder written by rehearse 0.1.0: attempts of older rules."""
    folder = tmp_path / "released"
    shutil.copytree(RELEASED, folder)
    return make_app(folder)


async def test_after_an_upgrade_the_app_offers_the_rescore_once(tmp_path: Path) -> None:
    app = released_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for_screen(pilot, RescoreScreen)
        text = " ".join(static_text(app.screen.query_one("#rescore-text")).split())  # type: ignore[arg-type]
        assert "rehearse has improved how it scores answers" in text
        assert "3 attempts were scored by older rules" in text
        await pilot.press("n")
        await pilot.pause()
        assert not isinstance(app.screen, RescoreScreen)
    assert all(a.outdated for a in History(app.store.directory).attempts())
    # Offered once: the next start says nothing.
    again = make_app(app.store.directory)
    async with again.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.pause(0.3)
        assert not isinstance(again.screen, RescoreScreen)


async def test_the_offered_rescore_scores_every_old_attempt_again(tmp_path: Path) -> None:
    app = released_app(tmp_path)
    before = History(app.store.directory).attempts()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await wait_for_screen(pilot, RescoreScreen)
        await pilot.press("r")
        await wait_for(pilot, lambda: not isinstance(app.screen, RescoreScreen), timeout=120)
        await wait_for(
            pilot, lambda: any("Rescored 3 attempt(s)" in n for n in notifications_shown(app))
        )
    after = History(app.store.directory).attempts()
    assert [a.id for a in after] == [a.id for a in before]
    assert all(not a.outdated for a in after)
    assert [(a.created_at, a.audio_path) for a in after] == [
        (a.created_at, a.audio_path) for a in before
    ]


# ---------------------------------------------------------------------------- scale


async def test_a_long_history_shows_a_page_of_rows_and_more_on_the_way_down(
    tmp_path: Path,
) -> None:
    app = make_app(tmp_path / "data")
    audio = silent_recording(tmp_path / "data" / "attempts" / "shared.wav", 0.5)
    report = stored_history()[0]
    assert find_question(report.question)
    count = PAGE_ROWS + 60
    start = PLAN[0].when
    step = PLAN[1].when - start
    # A recording belongs to one attempt: each gets its own name (a hard link, to be quick).
    copies = [audio.with_name(f"copy-{n}.wav") for n in range(count)]
    for copy in copies:
        os.link(audio, copy)
    app.store.add_many([NewAttempt(report, copies[n], start + n * step) for n in range(count)])
    async with app.run_test(size=SIZE) as pilot:
        history = await open_history(pilot)
        table = history.query_one(AttemptTable)
        assert table.row_count == PAGE_ROWS and table.shown_rows == PAGE_ROWS
        assert f"History · {count} attempts" in screen_text(app)
        await pilot.press("ctrl+end")  # to the last row shown: the rest comes in
        await pilot.pause()
        assert table.row_count == count
        # The last row is the oldest attempt, #1 at its question.
        assert table.get_row_at(count - 1)[2].plain == "1"
