"""The app on a bad day: a second copy on the same data folder, a broken rubric file, a bad
settings file, a damaged history. Pilot tests on real files; what the user reads is checked."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from tui_support import (
    ClockPlayer,
    screen_text,
    shared_transcriber,
    store_attempt,
    wait_for,
    wait_for_screen,
    wav_recorder,
)

from rehearse.language.rubric import bundled_rubrics_dir
from rehearse.storage.history import History
from rehearse.tui.app import RehearseApp, build_app
from rehearse.tui.history_screen import HistoryScreen
from rehearse.tui.questions import QuestionsScreen
from rehearse.tui.record import RecordScreen
from rehearse.tui.replay import ReplayScreen

pytestmark = pytest.mark.asyncio
SIZE = (100, 32)


def messages(app: RehearseApp) -> list[str]:
    return [f"{n.title}: {n.message}" for n in app._notifications]


def built(data: Path, bank: Path | None = None) -> RehearseApp:
    app = build_app(data=str(data), bank=bank)
    app.transcriber = shared_transcriber()
    return app


async def test_a_second_copy_on_the_same_folder_is_read_only(tmp_path: Path) -> None:
    first = built(tmp_path)
    try:
        assert first.lock is not None and first.read_only is None
        saved = store_attempt(first.store, "precision")
        second = built(tmp_path)
        assert second.lock is None
        second._custom_recorder = wav_recorder("precision")
        second._custom_player = lambda path: ClockPlayer(path, speed=20)
        async with second.run_test(size=SIZE) as pilot:
            await wait_for_screen(pilot, QuestionsScreen)
            [notice] = [m for m in messages(second) if m.startswith("Read-only")]
            assert f"Another rehearse (pid {os.getpid()}) is using the data folder" in notice
            assert "read-only" in notice
            # Recording is refused, and says why.
            await pilot.press("slash", *"recall", "enter", "enter")
            await wait_for_screen(pilot, RecordScreen)
            await pilot.press("space")
            await pilot.pause()
            assert second.screen.state == "ready"  # type: ignore[attr-defined]
            assert sum(m.startswith("Read-only") for m in messages(second)) == 2
            assert len(list((tmp_path / "attempts").rglob("*.wav"))) == 1
            # Browsing and replaying work; deleting is refused and the recording stays.
            await pilot.press("escape", "escape", "h")
            await wait_for_screen(pilot, HistoryScreen)
            await wait_for(pilot, lambda: "precision" in screen_text(second).lower())
            await pilot.press("p")
            await wait_for_screen(pilot, ReplayScreen)
            await pilot.press("escape")
            await wait_for_screen(pilot, HistoryScreen)
            await pilot.press("d")
            await pilot.pause()
            await pilot.press("y")
            refused = lambda: any(m.startswith("Not deleted") for m in messages(second))  # noqa: E731
            await wait_for(pilot, refused)
            assert saved.audio_path.exists()
            assert [a.id for a in History(tmp_path).attempts()] == [saved.id]
    finally:
        if first.lock is not None:
            first.lock.release()
    # Once the first copy has gone, the next one is the writer.
    third = built(tmp_path)
    assert third.read_only is None and third.lock is not None
    third.lock.release()


async def test_a_bad_rubric_file_and_bad_settings_are_notices_not_a_crash(tmp_path: Path) -> None:
    bank = tmp_path / "bank"
    shutil.copytree(bundled_rubrics_dir(), bank)
    (bank / "broken.toml").write_text("")
    data = tmp_path / "data"
    data.mkdir()
    (data / "settings.toml").write_text("target_seconds = [90, 10]\n")
    app = built(data, bank)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await wait_for_screen(pilot, QuestionsScreen)
            notices = [m for m in messages(app) if m.startswith("Skipped")]
            assert len(notices) == 2
            assert any("broken.toml: field 'id' is missing" in m for m in notices)
            backwards = "settings.toml: 'target_seconds' needs 0 <= low < high"
            assert any(backwards in m for m in notices)
            assert len(app.bank) == len(list(bundled_rubrics_dir().glob("*.toml")))
            assert app.bank[0].question.split()[0] in screen_text(app)
        assert (data / "settings.toml.bad").exists()
    finally:
        if app.lock is not None:
            app.lock.release()


async def test_a_damaged_history_is_said_plainly_with_the_repair(tmp_path: Path) -> None:
    store = History(tmp_path)
    store_attempt(store, "precision")
    database = tmp_path / "history.sqlite3"
    database.write_bytes(database.read_bytes()[: database.stat().st_size // 2])
    app = built(tmp_path)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await wait_for(pilot, lambda: any(m.startswith("History") for m in messages(app)))
            await pilot.pause()
            [problem] = [m for m in messages(app) if m.startswith("History")]
            assert "is damaged" in problem and "'rehearse doctor --repair'" in problem
            text = screen_text(app)
            assert "history unreadable" in text and "not tried yet" not in text
    finally:
        if app.lock is not None:
            app.lock.release()
