"""The whole rehearsal on real audio: the app's real Recorder on the PulseAudio virtual microphone
hears a synthesized answer, the real model scores it, the attempt lands in history, and the real
Player plays it back with the words lit up as they are heard."""

from __future__ import annotations

import asyncio
import re
import threading
import time
from pathlib import Path

import pytest
from conftest import play_into_mic
from textual.widgets import DataTable, Select
from tui_support import (
    make_app,
    screen_text,
    spoken_answer,
    static_text,
    wait_for,
    wait_for_screen,
)

from rehearse.storage.settings import Settings
from rehearse.tui.questions import QuestionsScreen
from rehearse.tui.record import RecordScreen
from rehearse.tui.replay import ReplayScreen
from rehearse.tui.report import ReportScreen
from rehearse.tui.services import piper_voice
from rehearse.tui.settings_screen import SettingsScreen
from rehearse.tui.widgets import TranscriptView

pytestmark = [pytest.mark.audio, pytest.mark.usefixtures("virtual_audio")]


@pytest.mark.asyncio
async def test_answer_on_the_virtual_microphone_end_to_end(tmp_path: Path) -> None:
    answer = spoken_answer("precision")  # about 23 s of speech covering all six points
    # A target the answer fits, so the verdict is "on target" (and the override is exercised).
    settings = Settings(input_device="pulse", output_device="pulse", target_seconds=(15, 40))
    app = make_app(tmp_path / "data", settings=settings)
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.press("slash", *"precision and recall", "enter")  # opens the one match
        record = app.screen
        assert isinstance(record, RecordScreen)
        assert record.rubric.id == "precision-vs-recall"
        await pilot.press("space")
        await wait_for(pilot, lambda: record.state == "recording", timeout=15)
        recorder = record.recorder
        assert recorder is not None
        await wait_for(pilot, lambda: recorder.elapsed > 0.2, timeout=10)

        # paplay blocks for the length of the answer; the UI keeps running meanwhile.
        await asyncio.to_thread(play_into_mic, answer)
        await pilot.pause(0.8)
        assert record.query_one("#elapsed").value.startswith("0:2")  # type: ignore[attr-defined]
        await pilot.press("space")
        await wait_for_screen(pilot, ReportScreen, timeout=90)

        report_screen = app.screen
        assert isinstance(report_screen, ReportScreen)
        report = report_screen.report
        assert report.timing == "on-target"
        # What the model writes differs from one CPU to another: the answer has three
        # hesitations and covers all six points, so ask for most of them, not for exact words.
        assert report.fillers.count >= 2
        covered = {p.id for p in report.coverage.points if p.covered}
        assert len(covered) >= 5
        figures = static_text(report_screen.query_one("#figures"))  # type: ignore[arg-type]
        assert "ON TARGET" in figures
        assert re.search(r"Fillers +\d+ · [\d.]+/min · \w+ ×\d", figures), figures
        checklist = static_text(report_screen.query_one("#checklist"))  # type: ignore[arg-type]
        # Each covered point quotes its sentence and says how it matched.
        assert len(re.findall(r'" at \d+:\d\d, by (?:phrase|meaning)', checklist)) == len(covered)

        # The attempt is in the history, with its recording inside the data directory.
        (attempt,) = app.store.attempts("precision-vs-recall")
        assert attempt.id == report_screen.attempt.id
        assert attempt.audio_path.is_file()
        assert attempt.audio_path.is_relative_to(tmp_path / "data")
        assert 20 < attempt.duration_seconds < 30

        # Replay through the real player on the virtual speakers: the highlight follows the voice.
        await pilot.press("p")
        replay = app.screen
        assert isinstance(replay, ReplayScreen)
        transcript = replay.query_one(TranscriptView)
        await wait_for(pilot, lambda: replay.position > 2.0, timeout=15)
        assert transcript.current is not None
        spoken = report.words[transcript.current]
        assert spoken.start <= replay.position + 0.5
        await pilot.press("space")
        assert replay.player is not None and replay.player.paused
        await pilot.press("escape")
        assert isinstance(app.screen, ReportScreen)
        await pilot.press("escape")
        assert isinstance(app.screen, QuestionsScreen)
        await wait_for(pilot, lambda: "(1 try)" in screen_text(app))

        from rehearse.tui import history_screen as history

        await pilot.press("h")
        await pilot.pause()
        assert isinstance(app.screen, history.HistoryScreen)
        table = app.screen.query_one(DataTable)
        assert table.row_count == 1


@pytest.mark.asyncio
async def test_settings_offer_the_virtual_devices_and_save_them(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.press("s")
        screen = app.screen
        assert isinstance(screen, SettingsScreen)
        await wait_for(pilot, lambda: "microphones" in screen_text(app), timeout=20)
        # Setting a value the list does not offer would raise: "pulse" must be among the choices.
        screen.query_one("#input-device", Select).value = "pulse"
        screen.query_one("#output-device", Select).value = "pulse"
        await pilot.press("ctrl+s")
        assert isinstance(app.screen, QuestionsScreen)
    saved = Settings.load(tmp_path)
    assert saved.input_device == "pulse" and saved.output_device == "pulse"


@pytest.mark.asyncio
async def test_settings_offer_the_sound_servers_microphones_by_name(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.press("s")
        screen = app.screen
        assert isinstance(screen, SettingsScreen)
        await wait_for(pilot, lambda: "microphones" in screen_text(app), timeout=20)
        select = screen.query_one("#input-device", Select)
        select.focus()
        await pilot.press("enter")  # open the list, as a user would
        await pilot.pause()
        shown = screen_text(app)
        # As the desktop names them (pactl), before ALSA's "pulse" and "default".
        assert "Virtual Source vmic on Monitor of Null Output (vmic)" in shown
        assert shown.index("Null Input (vsilence)") < shown.index("pulse (ALSA)")
        assert "(vspeaker.monitor)" not in shown  # a speaker's monitor is no microphone
        await pilot.press("escape")
        select.value = "pulse:vsilence"
        await pilot.press("ctrl+s")
        assert isinstance(app.screen, QuestionsScreen)
    assert Settings.load(tmp_path).input_device == "pulse:vsilence"


def test_the_offline_voice_reads_a_question_aloud() -> None:
    voice = piper_voice(lambda: "pulse")
    assert voice is not None, "the Piper voice is part of the test extras"
    started = time.monotonic()
    voice.say("How do you handle imbalanced data?")
    # It returns once the question has been heard: about two seconds of speech.
    assert 1.0 < time.monotonic() - started < 20


def test_the_offline_voice_stops_at_once() -> None:
    voice = piper_voice(lambda: "pulse")
    assert voice is not None
    long_question = (
        "Design a system that flags subscribers likely to cancel, when you only find out"
        " weeks afterwards whether they really left, and say how you would monitor it."
    )
    reading = threading.Thread(target=voice.say, args=(long_question,))
    reading.start()
    time.sleep(3.0)  # synthesized and playing by now
    assert reading.is_alive()
    stopped = time.monotonic()
    voice.stop()
    reading.join(timeout=5)
    assert not reading.is_alive()
    assert time.monotonic() - stopped < 0.5
