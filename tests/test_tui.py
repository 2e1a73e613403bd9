"""Pilot tests of every screen and key of the app, on a temp data dir with the real question bank,
real SQLite and the real bundled model (one per session).

Saved attempts are stored reports (fixtures/reports), so what they show is the same on any
machine; answers recorded in a test are scored live, and their tests assert only what holds on
any CPU."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from textual import events
from textual.widgets import DataTable, Input, OptionList, ProgressBar, SelectionList, Static
from tui_support import (
    ClockPlayer,
    ClockVoice,
    GatedTranscriber,
    HeldBackTranscriber,
    MissingMicrophone,
    make_app,
    notifications_shown,
    screen_text,
    speech_seconds,
    spoken_answer,
    static_text,
    store_attempt,
    stored_report,
    wait_for,
    wait_for_screen,
    wav_recorder,
)

from rehearse.audio.clip import VoiceActivity
from rehearse.audio.recorder import Recorder
from rehearse.audio.tts import write_wav
from rehearse.errors import DeviceError, ModelError
from rehearse.language.rubric import find_question, load_bank
from rehearse.scoring.score import score
from rehearse.speech.transcribe import Transcriber, bundled_model_path
from rehearse.storage.history import attempt_audio_name
from rehearse.storage.settings import Settings
from rehearse.text.words import Word
from rehearse.tui.app import help_sections
from rehearse.tui.confirm import ConfirmScreen
from rehearse.tui.help import HelpScreen
from rehearse.tui.history_screen import HistoryScreen
from rehearse.tui.mock_round import MockRoundScreen
from rehearse.tui.questions import QuestionsScreen
from rehearse.tui.record import RecordScreen
from rehearse.tui.replay import ReplayScreen
from rehearse.tui.report import ReportScreen
from rehearse.tui.settings_screen import SettingsScreen
from rehearse.tui.target_dialog import TargetScreen
from rehearse.tui.widgets import LevelMeter, TimeBar, TranscriptView

pytestmark = pytest.mark.asyncio
SIZE = (100, 32)


async def choose(pilot, words: str) -> None:  # type: ignore[no-untyped-def]
    """Filter the question list down to one question and move to the list, where it is
    highlighted (enter in the filter would open it at once)."""
    await pilot.press("slash", *words, "tab")
    await pilot.pause()


async def start_answer(pilot, words: str) -> RecordScreen:  # type: ignore[no-untyped-def]
    """Open the question that ``words`` finds and press space: the record screen it shows."""
    await choose(pilot, words)
    await pilot.press("enter", "space")
    screen = pilot.app.screen
    assert isinstance(screen, RecordScreen)
    return screen


# -- Questions -------------------------------------------------------------------------------------


async def test_questions_lists_the_bank_by_category(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, QuestionsScreen)
        questions = app.screen.query_one("#questions", OptionList)
        ids = [o.id for o in questions.options if o.id]
        assert ids == [r.id for r in load_bank()]
        headers = [str(o.prompt) for o in questions.options if o.id is None]
        # The walkthrough, the answer most worth rehearsing, comes first with its category.
        categories = sorted({r.category for r in load_bank()} - {"Project deep dive"})
        assert [h.strip("▌") for h in headers] == ["Project deep dive", *categories]
        assert ids[0] == "project-walkthrough"
        assert "not tried yet" in screen_text(app)
        # The highlighted option is a question, never a category header.
        assert questions.highlighted_option is not None
        assert questions.highlighted_option.id == "project-walkthrough"


async def test_filter_narrows_and_escape_clears(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("slash")
        assert app.focused is app.screen.query_one("#filter", Input)
        await pilot.press(*"recall")
        questions = app.screen.query_one("#questions", OptionList)
        assert [o.id for o in questions.options if o.id] == ["precision-vs-recall"]
        await pilot.press("escape")
        assert app.screen.query_one("#filter", Input).value == ""
        assert len([o for o in questions.options if o.id]) == len(load_bank())
        await pilot.press("slash", *"zzzz nothing")
        assert not [o for o in questions.options if o.id]
        assert "No question matches" in screen_text(app)


async def test_keys_typed_in_one_burst_follow_the_focus(tmp_path: Path) -> None:
    # A terminal hands over "/recall⏎" at once when typed fast or pasted; each key must go
    # where the key before it moved the focus, not where the focus was when the burst began.
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        for key, character in [("slash", "/"), *((c, c) for c in "recall"), ("enter", "\r")]:
            app.post_message(events.Key(key, character))
        await wait_for_screen(pilot, RecordScreen)
        assert app.screen.rubric.id == "precision-vs-recall"  # type: ignore[attr-defined]
        await pilot.press("escape")
        assert isinstance(app.screen, QuestionsScreen)
        assert app.screen.query_one("#filter", Input).value == "recall"
        # In the filter, "/" is a character like any other (focus selects the old words).
        await pilot.press("slash", "a", "slash", "b")
        assert app.screen.query_one("#filter", Input).value == "a/b"


async def test_enter_in_the_filter_opens_the_match(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        # One match: one enter opens it.
        await pilot.press("slash", *"overfit", "enter")
        await wait_for_screen(pilot, RecordScreen)
        assert app.screen.rubric.id == "overfitting"  # type: ignore[attr-defined]
        await pilot.press("escape")
        # Several: the arrows move the highlight from the filter, enter opens that one.
        await pilot.press("slash", *"design", "down", "enter")
        await wait_for_screen(pilot, RecordScreen)
        designs = [r.id for r in load_bank() if r.id.startswith("design-")]
        assert app.screen.rubric.id == designs[1]  # type: ignore[attr-defined]
        await pilot.press("escape")
        # No match: enter opens nothing.
        await pilot.press("slash", *"zzzz", "enter")
        await pilot.pause()
        assert isinstance(app.screen, QuestionsScreen)


async def test_questions_show_last_and_best_results(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    store = app.store
    first = store_attempt(store, "precision")
    # A worse, later attempt: last and best now differ.
    worse = replace(stored_report("walkthrough"), question="precision-vs-recall")
    store.add(worse, spoken_answer("walkthrough"), when=datetime(2026, 3, 15, 9, 0))
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: bool(app.screen.results))  # type: ignore[attr-defined]
        await choose(pilot, "recall")
        text = screen_text(app)
        assert "last" in text and "best" in text and "(2 tries)" in text
        assert f"{first.coverage_ratio:.0%} covered" in text


async def test_q_quits_with_exit_code_zero(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("q")
    assert app.return_value == 0


async def test_help_opens_anywhere_and_lists_every_screen(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    store_attempt(app.store, "precision")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        text = "\n".join(static_text(s) for s in app.screen.query(Static))
        for name in ("Questions", "Record", "Report", "Replay", "Mock round", "Settings"):
            assert name in text
        for description in ("Start / stop", "Talking points", "Next filler", "Next pause"):
            assert description in text
        await pilot.press("escape")
        assert isinstance(app.screen, QuestionsScreen)
        await choose(pilot, "recall")
        await pilot.press("enter")
        assert isinstance(app.screen, RecordScreen)
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("question_mark")
        assert isinstance(app.screen, RecordScreen)


async def test_h_opens_history(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    store_attempt(app.store, "precision")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("h")
        await pilot.pause()
        assert isinstance(app.screen, HistoryScreen)


async def test_history_opens_reports_and_replays(tmp_path: Path) -> None:
    app = make_app(tmp_path, player_factory=ClockPlayer)
    attempt = store_attempt(app.store, "precision")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("h")
        await wait_for_screen(pilot, HistoryScreen)
        # The history screen only asks; the app opens the report, then the replay.
        await pilot.press("enter")
        await wait_for_screen(pilot, ReportScreen)
        assert app.screen.attempt.id == attempt.id  # type: ignore[attr-defined]
        await pilot.press("escape")
        assert isinstance(app.screen, HistoryScreen)
        await pilot.press("p")
        await wait_for_screen(pilot, ReplayScreen)
        assert app.screen.attempt.id == attempt.id  # type: ignore[attr-defined]
        await pilot.press("escape")
        assert isinstance(app.screen, HistoryScreen)


async def test_l_opens_the_last_report_of_a_question(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    attempt = store_attempt(app.store, "precision")
    async with app.run_test(size=SIZE) as pilot:
        await choose(pilot, "recall")
        await wait_for(pilot, lambda: bool(app.screen.results))  # type: ignore[attr-defined]
        await pilot.press("l")
        assert isinstance(app.screen, ReportScreen)
        assert app.screen.attempt.id == attempt.id
        await pilot.press("escape")
        await choose(pilot, "overfitting")
        await pilot.press("l")
        assert isinstance(app.screen, QuestionsScreen)  # nothing to show yet: a notice instead


async def test_model_loads_in_the_background_at_start(tmp_path: Path) -> None:
    transcriber = HeldBackTranscriber()
    app = make_app(tmp_path, transcriber=transcriber)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        # The list is usable while the model loads, and says that it is loading.
        assert "loading the speech model tiny.en (bundled) in the background" in screen_text(app)
        assert isinstance(app.screen, QuestionsScreen)
        transcriber.release()
        await wait_for(pilot, lambda: "speech model tiny.en (bundled) ready" in screen_text(app))
        assert transcriber.loaded


async def test_a_model_that_cannot_load_stops_recording_before_it_starts(tmp_path: Path) -> None:
    # Recording with it would only end in "Scoring failed": the record screen refuses and
    # says why and how to fix it.
    not_a_model = tmp_path / "not-a-model"
    not_a_model.mkdir()
    app = make_app(
        tmp_path / "data",
        transcriber=Transcriber(str(not_a_model)),
        recorder_factory=wav_recorder("precision", speed=20),
    )
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: app.model_status == "failed")
        assert "not a CTranslate2 Whisper model" in (app.model_problem or "")
        assert "✘ speech model" in screen_text(app)
        screen = await start_answer(pilot, "recall")
        await pilot.pause(0.3)
        assert screen.state == "ready" and screen.recorder is None
        text = " ".join(screen_text(app).split())
        assert "Recording is off: the speech model cannot be used" in text
        assert "not a CTranslate2 Whisper model" in text
        assert "Choose another model in Settings" in text
        assert "--model" not in text
        assert not list((tmp_path / "data").rglob("*.wav"))
        await pilot.press("escape")
        assert isinstance(app.screen, QuestionsScreen)


async def test_a_scoring_failure_keeps_the_recording(tmp_path: Path) -> None:
    # The model loaded, but transcribing fails (out of memory, say): the answer is kept.
    class FailsWhenUsed(Transcriber):
        def transcribe(
            self, samples: Any, progress: Any = None, activity: Any = None, offset: float = 0.0
        ) -> Any:
            raise ModelError("the model ran out of memory")

    transcriber = FailsWhenUsed()
    transcriber.load()
    app = make_app(
        tmp_path / "data",
        transcriber=transcriber,
        recorder_factory=wav_recorder("precision", speed=20),
    )
    async with app.run_test(size=SIZE) as pilot:
        screen = await start_answer(pilot, "recall")
        await wait_for(pilot, lambda: screen.recorder is not None)
        await wait_for(pilot, lambda: screen.recorder.elapsed > 3)  # type: ignore[union-attr]
        await pilot.press("space")
        await wait_for(pilot, lambda: screen.state == "failed")
        assert "Could not score the answer" in screen_text(app)
        kept = list((tmp_path / "data" / "attempts").rglob("*.wav"))
        assert len(kept) == 1 and kept[0].stat().st_size > 44
        assert app.store.attempts() == []


# -- Record ----------------------------------------------------------------------------------------


async def test_record_screen_shows_question_target_and_hidden_points(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await choose(pilot, "recall")
        await pilot.press("enter")
        screen = app.screen
        assert isinstance(screen, RecordScreen)
        text = screen_text(app)
        question = static_text(screen.query_one("#question", Static))
        assert question.strip() == find_question("precision-vs-recall").question
        assert "target 1:00–1:30" in text
        assert "Press space to start recording" in text
        points = screen.query_one("#points")
        assert not points.display
        await pilot.press("t")
        assert points.display
        assert "Favor precision when false alarms are costly" in screen_text(app)
        await pilot.press("t")
        assert not points.display
        await pilot.press("escape")
        assert isinstance(app.screen, QuestionsScreen)


async def test_the_clock_turns_green_in_the_window_and_red_past_it(tmp_path: Path) -> None:
    # A fast "microphone": ten seconds of answer (speech, then silence) a second, past the window.
    recorder = wav_recorder("precision", speed=10, silence_after=120)
    app = make_app(tmp_path, recorder_factory=recorder)
    async with app.run_test(size=SIZE) as pilot:
        screen = await start_answer(pilot, "recall")  # target 1:00–1:30
        digits = screen.query_one("#elapsed")
        bar = screen.query_one(TimeBar)

        def timing() -> str:
            return static_text(screen.query_one("#timing-now", Static))

        def bar_styles() -> set[str]:
            rendered = bar.render()
            return {str(span.style) for span in rendered.spans}  # type: ignore[union-attr]

        await wait_for(pilot, lambda: bar.elapsed > 10)
        assert "SHORT" in timing() and "to the window" in timing()
        assert digits.has_class("-short")
        # Before the window the bar fills blue, with no green or red yet.
        assert "#4a90d9" in bar_styles()
        assert "green" not in bar_styles() and "bold red" not in bar_styles()
        # Waits on the clock, a few seconds past each edge, so the bar has filled a cell there.
        await wait_for(pilot, lambda: bar.elapsed > 68)
        assert "ON TARGET" in timing()
        assert digits.has_class("-on-target") and "green" in bar_styles()
        assert "in the window" in timing() and "left" in timing()
        # One calm cue: nothing until ten seconds before the window closes, then "wrap up".
        assert "Wrap up" not in screen_text(app)
        await wait_for(pilot, lambda: bar.elapsed > 81)
        assert "Wrap up:" in screen_text(app) and "left in the target window" in screen_text(app)
        await wait_for(pilot, lambda: bar.elapsed > 98)
        assert "TOO LONG" in timing()
        assert digits.has_class("-long") and "bold red" in bar_styles()
        assert "over: wrap up" in timing()
        assert "Past the target window" in screen_text(app)
        assert "Wrap up:" not in screen_text(app)
        await pilot.press("escape")  # something was recorded: it asks before throwing it away
        await wait_for_screen(pilot, ConfirmScreen)
        await pilot.press("y")
        await wait_for_screen(pilot, QuestionsScreen)


async def test_space_records_and_the_report_replaces_the_record_screen(tmp_path: Path) -> None:
    app = make_app(tmp_path, recorder_factory=wav_recorder("precision", speed=6))
    async with app.run_test(size=SIZE) as pilot:
        screen = await start_answer(pilot, "recall")
        await wait_for(pilot, lambda: screen.state == "recording")
        # The clock, the target bar and the level meter follow the recorder while it runs.
        await wait_for(pilot, lambda: screen.query_one(TimeBar).elapsed > 2)
        await wait_for(pilot, lambda: screen.query_one(LevelMeter).level is not None)
        assert "REC" in screen_text(app)
        done = speech_seconds("precision") + 0.3
        await wait_for(pilot, lambda: screen.recorder.elapsed > done)  # type: ignore[union-attr]
        await pilot.press("space")
        await wait_for(pilot, lambda: screen.state in ("scoring", "done"))
        if screen.state == "scoring":
            assert screen.query_one(ProgressBar).display
        await wait_for_screen(pilot, ReportScreen)
        report_screen = app.screen
        assert isinstance(report_screen, ReportScreen)
        # Replaced, not stacked: escape goes straight back to the questions.
        assert [type(s) for s in app.screen_stack[1:]] == [QuestionsScreen, ReportScreen]
        report = report_screen.report
        # Scored live: the model's words differ between CPUs, so no exact words here.
        assert report.fillers.count >= 2
        assert report.timing == "short"
        assert report.coverage.ratio >= 5 / 6
        attempts = app.store.attempts("precision-vs-recall")
        assert len(attempts) == 1
        assert attempts[0].audio_path.is_file()
        assert attempts[0].audio_path.is_relative_to(tmp_path)
        await pilot.press("escape")
        assert isinstance(app.screen, QuestionsScreen)
        await wait_for(pilot, lambda: "(1 try)" in screen_text(app))


async def test_help_open_while_scoring_finishes_then_the_report(tmp_path: Path) -> None:
    transcriber = GatedTranscriber()
    app = make_app(
        tmp_path, recorder_factory=wav_recorder("walkthrough", speed=8), transcriber=transcriber
    )
    async with app.run_test(size=SIZE) as pilot:
        record = await start_answer(pilot, "ml project")
        await wait_for(pilot, lambda: record.state == "recording")
        await wait_for(pilot, lambda: record.recorder.elapsed > 5)  # type: ignore[union-attr]
        await pilot.press("space", "question_mark")
        assert isinstance(app.screen, HelpScreen)
        transcriber.release()
        await wait_for(pilot, lambda: record.state == "done")
        assert isinstance(app.screen, HelpScreen)  # the report waits for the help to close
        await pilot.press("escape")
        await wait_for_screen(pilot, ReportScreen)
        assert [type(s) for s in app.screen_stack[1:]] == [QuestionsScreen, ReportScreen]


async def test_escape_while_recording_asks_before_throwing_the_answer_away(
    tmp_path: Path,
) -> None:
    app = make_app(tmp_path, recorder_factory=wav_recorder("precision", speed=1))
    async with app.run_test(size=SIZE) as pilot:
        screen = await start_answer(pilot, "recall")
        await wait_for(pilot, lambda: screen.state == "recording")
        recorder = screen.recorder
        assert recorder is not None
        await wait_for(pilot, lambda: recorder.elapsed > 1.0)
        await pilot.press("escape")
        await wait_for_screen(pilot, ConfirmScreen)
        assert "Throw away this answer?" in screen_text(app)
        assert "y  Throw it away" in screen_text(app) and "n  Keep recording" in screen_text(app)
        # No: the recording goes on as if nothing happened.
        await pilot.press("n")
        assert app.screen is screen and screen.state == "recording"
        before = recorder.elapsed
        await wait_for(pilot, lambda: recorder.elapsed > before + 0.5)
        # Yes: thrown away, and back to the questions.
        await pilot.press("escape")
        await wait_for_screen(pilot, ConfirmScreen)
        await pilot.press("y")
        await wait_for_screen(pilot, QuestionsScreen)
        await wait_for(pilot, lambda: not recorder.path.exists())
        await app.workers.wait_for_complete()
        assert app.store.attempts() == []


async def test_a_transcription_that_fell_behind_is_finished_with_a_bar(tmp_path: Path) -> None:
    # Held: nothing is transcribed while the answer is recorded, as on a machine too slow for the
    # model; after the stop the screen says so and shows the rest being done.
    transcriber = GatedTranscriber()
    app = make_app(
        tmp_path, recorder_factory=wav_recorder("precision", speed=8), transcriber=transcriber
    )
    async with app.run_test(size=SIZE) as pilot:
        record = await start_answer(pilot, "recall")
        await wait_for(pilot, lambda: record.state == "recording")
        await wait_for(pilot, lambda: record.recorder.elapsed > 14)  # type: ignore[union-attr]
        await pilot.press("space")
        await wait_for(pilot, lambda: "Transcribing what you said" in screen_text(app))
        text = screen_text(app)
        assert "Transcription fell" in text and "finishing it now" in text
        assert "Transcribing what you said" in text
        assert "press space to record" not in text
        assert "microphone closed" in text
        bar = record.query_one("#scoring-progress", ProgressBar)
        assert bar.display and (bar.percentage or 0) < 1.0
        transcriber.release()
        await wait_for_screen(pilot, ReportScreen)
        assert len(app.store.attempts()) == 1


async def test_the_transcript_fillers_and_pace_show_while_answering(tmp_path: Path) -> None:
    app = make_app(tmp_path, recorder_factory=wav_recorder("precision", speed=1))
    async with app.run_test(size=SIZE) as pilot:
        record = await start_answer(pilot, "recall")
        await wait_for(pilot, lambda: record.state == "recording")
        # The placeholder is drawn on the next refresh after the state changes.
        await wait_for(pilot, lambda: "Your words appear here" in screen_text(app), timeout=5)
        # Real time: the words come a few seconds after they are said, while recording goes on.
        await wait_for(pilot, lambda: "words a minute" in screen_text(app), timeout=30)
        assert record.state == "recording"
        transcript = str(record.query_one("#live-transcript", Static).render())
        assert len(transcript.split()) >= 3
        figures = str(record.query_one("#live-figures", Static).render())
        assert re.search(r"fillers \d+ {2}· {2}pace \d+ words a minute", figures), figures
        await pilot.press("space")
        await wait_for_screen(pilot, ReportScreen)


async def test_no_microphone_is_a_message_not_a_traceback(tmp_path: Path) -> None:
    app = make_app(tmp_path, recorder_factory=MissingMicrophone)
    # Notifications on, as in the real app: the test reads them off the screen.
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        screen = await start_answer(pilot, "recall")
        await wait_for(pilot, lambda: "no microphone found" in screen_text(app))
        assert screen.state == "ready"
        await wait_for(
            pilot, lambda: any("no microphone found" in n for n in notifications_shown(app))
        )
        assert any(n.startswith("Microphone\n") for n in notifications_shown(app))
        assert not list(tmp_path.rglob("*.wav"))


async def test_an_unknown_device_with_the_real_recorder_is_a_message(tmp_path: Path) -> None:
    settings = Settings(input_device="no-such-microphone-anywhere")
    # What the real recorder says depends on the machine's devices (none at all, or none by
    # that name); whichever it is, the screen must show it word for word.
    with pytest.raises(DeviceError) as refused:
        Recorder(tmp_path / "probe.wav", device="no-such-microphone-anywhere").start()
    app = make_app(tmp_path / "data", settings=settings)
    async with app.run_test(size=SIZE) as pilot:
        screen = await start_answer(pilot, "recall")
        status = screen.query_one("#record-status", Static)
        await wait_for(pilot, lambda: "✘" in static_text(status))
        assert screen.state == "ready"
        assert static_text(status).startswith(f"✘ {refused.value}\n")
        assert not list(tmp_path.rglob("*.wav"))


async def test_a_recorder_problem_is_shown_and_the_answer_still_scored(tmp_path: Path) -> None:
    app = make_app(tmp_path, recorder_factory=wav_recorder("precision", speed=8, fail_after=9))
    # Notifications on, as in the real app: the test reads them off the screen.
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await choose(pilot, "recall")
        await pilot.press("enter", "space")
        # No second space: the recording ends by itself when the "device" goes away.
        await wait_for_screen(pilot, ReportScreen)
        # The warning stays on screen over the report.
        await wait_for(
            pilot, lambda: any("stopped responding" in n for n in notifications_shown(app))
        )
        assert any(n.startswith("Recording stopped early\n") for n in notifications_shown(app))
        (attempt,) = app.store.attempts()
        assert 8.5 <= attempt.duration_seconds <= 10
        assert attempt.word_count > 10


async def test_a_double_tap_of_space_keeps_nothing(tmp_path: Path) -> None:
    # A slow "microphone" (half a second of sound takes ten of the clock) keeps the tap under the
    # half-second floor even when a loaded machine is slow to deliver the second press.
    app = make_app(tmp_path, recorder_factory=wav_recorder("precision", speed=0.05))
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        screen = await start_answer(pilot, "recall")
        await wait_for(pilot, lambda: screen.state == "recording")
        await pilot.press("space")
        await wait_for(pilot, lambda: screen.state == "ready")
        await wait_for(
            pilot, lambda: any("Nothing was recorded" in n for n in notifications_shown(app))
        )
        assert not list(tmp_path.rglob("*.wav"))
        assert app.store.attempts() == []


# -- Report ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "which", ["report", "mock round", "record", "replay", "history", "settings", "help"]
)
async def test_quitting_while_a_screen_is_still_mounting_raises_nothing(
    tmp_path: Path, which: str
) -> None:
    # The report can appear just as the user quits: the app then closes under a half-built
    # screen, and a query for one of its widgets in on_mount found nothing (a CI failure).
    app = make_app(tmp_path)
    attempt = store_attempt(app.store, "precision")
    async with app.run_test(size=SIZE):
        rubric = find_question("precision-vs-recall")
        screens = {
            "report": lambda: ReportScreen(rubric, attempt),
            "mock round": MockRoundScreen,
            "record": lambda: RecordScreen(rubric),
            "replay": lambda: ReplayScreen(rubric, attempt),
            "history": lambda: HistoryScreen(app.store, app.bank),
            "settings": SettingsScreen,
            "help": lambda: HelpScreen(help_sections()),
        }
        app.push_screen(screens[which]())
        # Leaving the block closes the app at once; an error in the screen's mount re-raises here.


async def test_report_shows_figures_checklist_and_transcript(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    attempt = store_attempt(app.store, "precision")
    rubric = find_question("precision-vs-recall")
    async with app.run_test(size=SIZE) as pilot:
        await app.push_screen(ReportScreen(rubric, attempt))
        await wait_for(pilot, lambda: "First attempt at this question" in screen_text(app))
        screen = app.screen
        report = attempt.report
        text = "\n".join(static_text(s) for s in screen.query(Static))
        assert "SHORT" in text and "target 1:00–1:30" in text
        assert f"{report.words_per_minute:.0f} words/min" in text
        assert "um ×2" in text
        assert "Long pauses" in text and "1.6s at 0:04" in text
        assert "6 of 6 points" in text
        # Each point shows the sentence that covered it and how it matched.
        assert "spam filter" in text and ("by phrase" in text or "by meaning" in text)
        transcript = screen.query_one(TranscriptView)
        rendered = transcript.build()
        filler_spans = [
            rendered.plain[s.start : s.end] for s in rendered.spans if "magenta" in str(s.style)
        ]
        assert [w.lower().strip(",.") for w in filler_spans][:1] == ["um"]
        assert "[1.6s pause]" in rendered.plain


async def test_the_report_names_every_kind_of_filler(tmp_path: Path) -> None:
    # Eight kinds: the summary used to stop at the top four.
    kinds = ["um", "uh", "er", "hmm", "right", "okay", "anyway", "whatever"]
    words = []
    for n, kind in enumerate(kinds * 2):
        words += [
            Word(f"{kind},", n * 2.0, n * 2.0 + 0.4),
            Word("model", n * 2.0 + 0.6, n * 2.0 + 1.0),
        ]
    rubric = find_question("overfitting")
    # Sound under every word: a filler counts only where something was said.
    samples = np.zeros(16000 * 34, dtype=np.float32)
    noise = np.random.default_rng(0).standard_normal(len(samples)).astype(np.float32) * 0.1
    for word in words:
        span = slice(round(word.start * 16000), round(word.end * 16000))
        samples[span] = noise[span]
    report = score(
        words,
        rubric,
        VoiceActivity.measure(samples),
        34.0,
        extra_fillers=["right", "okay", "anyway", "whatever"],
    )
    app = make_app(tmp_path)
    audio = tmp_path / "answer.wav"
    write_wav(audio, samples, rate=16000)
    attempt = app.store.add(report, audio)
    async with app.run_test(size=(80, 24)) as pilot:
        await app.push_screen(ReportScreen(rubric, attempt))
        await pilot.pause()
        figures = " ".join(static_text(app.screen.query_one("#figures", Static)).split())
        assert report.fillers.by_word == dict.fromkeys(kinds, 2)
        for kind in kinds:
            assert f"{kind} ×2" in figures, kind


async def test_report_of_an_ordered_rubric_shows_seconds_per_point(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    attempt = store_attempt(app.store, "walkthrough")
    async with app.run_test(size=SIZE) as pilot:
        await app.push_screen(ReportScreen(find_question("project-walkthrough"), attempt))
        await pilot.pause()
        text = static_text(app.screen.query_one("#checklist", Static))
        assert "s on it" in text
        assert "in order" in static_text(app.screen.query_one("#figures", Static))


async def test_report_compares_with_the_previous_attempt(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    store = app.store
    # Another answer, long enough not to look cut short, as an earlier try at this question.
    earlier = replace(
        stored_report("walkthrough"), question="precision-vs-recall", speaking_seconds=40.0
    )
    store.add(earlier, spoken_answer("walkthrough"), when=datetime(2026, 3, 13, 8, 0))
    attempt = store_attempt(store, "precision")
    async with app.run_test(size=SIZE) as pilot:
        await app.push_screen(ReportScreen(find_question("precision-vs-recall"), attempt))
        # The comparison is filled in by a worker; wait until all of it is drawn.
        await wait_for(
            pilot,
            lambda: all(
                part in screen_text(app)
                for part in ("Compared with #1 (13 Mar 08:00)", "Fillers/min", "pts")
            ),
        )
        change = " ".join(static_text(app.screen.query_one("#change", Static)).split())
        assert "Time 0:40 → 0:23 -17 s further from the target" in change
        assert "Coverage" in change and "pts" in change


async def test_report_keys_replay_retry_and_back(tmp_path: Path) -> None:
    app = make_app(tmp_path, player_factory=ClockPlayer)
    attempt = store_attempt(app.store, "precision")
    rubric = find_question("precision-vs-recall")
    async with app.run_test(size=SIZE) as pilot:
        await app.push_screen(ReportScreen(rubric, attempt))
        await pilot.pause()
        await pilot.press("p")
        assert isinstance(app.screen, ReplayScreen)
        await pilot.press("escape")
        assert isinstance(app.screen, ReportScreen)
        await pilot.press("r")
        assert isinstance(app.screen, RecordScreen)
        assert app.screen.rubric.id == rubric.id
        await pilot.press("escape")
        assert isinstance(app.screen, QuestionsScreen)


# -- Replay ----------------------------------------------------------------------------------------


async def test_replay_highlights_the_word_being_spoken(tmp_path: Path) -> None:
    players: list[ClockPlayer] = []

    def player(path: Path) -> ClockPlayer:
        players.append(ClockPlayer(path))
        return players[-1]

    app = make_app(tmp_path, player_factory=player)
    attempt = store_attempt(app.store, "precision")
    report = attempt.report
    async with app.run_test(size=SIZE) as pilot:
        await app.push_screen(ReplayScreen(find_question("precision-vs-recall"), attempt))
        screen = app.screen
        assert isinstance(screen, ReplayScreen)
        transcript = screen.query_one(TranscriptView)
        await wait_for(pilot, lambda: transcript.current is not None and transcript.current >= 3)
        word = report.words[transcript.current]  # type: ignore[index]
        assert abs(word.start - screen.position) < 1.0
        assert "▶" in screen_text(app)

        # space pauses: the position stops; space again resumes.
        await pilot.press("space")
        paused_at = players[0].position
        await pilot.pause(0.4)
        assert players[0].position == pytest.approx(paused_at, abs=0.01)
        assert "paused" in screen_text(app)
        await pilot.press("space")
        await wait_for(pilot, lambda: players[0].position > paused_at + 0.2)

        # right and left seek by five seconds.
        before = screen.position
        await pilot.press("right")
        assert players[0].seeks[-1] == pytest.approx(before + 5, abs=0.3)
        await pilot.press("left")
        assert players[0].seeks[-1] == pytest.approx(before, abs=0.6)

        # f and n jump (with a short lead-in) to the next filler and the next long pause.
        players[0].seek(0.0)
        await wait_for(pilot, lambda: screen.position < 1.0)
        await pilot.press("f")
        filler_starts = [f.start for f in report.fillers.items]
        target = players[0].seeks[-1]
        assert any(abs(target - (s - 0.6)) < 0.01 for s in filler_starts)
        players[0].seek(0.0)
        # The player keeps reporting its clock: wait for a report from after the seek, or an
        # older one still in the queue could move the screen on after an assignment here.
        await wait_for(pilot, lambda: screen.position < 1.0)
        await pilot.press("n")
        assert players[0].seeks[-1] == pytest.approx(report.pauses[0].start - 0.6, abs=0.01)

        await pilot.press("escape")
        assert isinstance(app.screen, QuestionsScreen)
        assert players[0].finished.is_set()


async def test_replay_plays_to_the_end_and_again(tmp_path: Path) -> None:
    app = make_app(tmp_path, player_factory=lambda p: ClockPlayer(p, speed=20))
    attempt = store_attempt(app.store, "precision")
    async with app.run_test(size=SIZE) as pilot:
        await app.push_screen(ReplayScreen(find_question("precision-vs-recall"), attempt))
        screen = app.screen
        assert isinstance(screen, ReplayScreen)
        await wait_for(pilot, lambda: screen.finished)
        assert "finished" in screen_text(app)
        await pilot.press("space")
        await wait_for(pilot, lambda: not screen.finished and screen.position < 5)


async def test_replay_steps_back_and_wraps_around_the_fillers(tmp_path: Path) -> None:
    players: list[ClockPlayer] = []

    def player(path: Path) -> ClockPlayer:
        players.append(ClockPlayer(path))
        return players[-1]

    app = make_app(tmp_path, player_factory=player)
    attempt = store_attempt(app.store, "precision")
    marks = sorted(max(0.0, f.start - 0.6) for f in attempt.report.fillers.items)
    assert len(marks) >= 2
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await app.push_screen(ReplayScreen(find_question("precision-vs-recall"), attempt))
        screen = app.screen
        assert isinstance(screen, ReplayScreen)
        await wait_for(pilot, lambda: screen.player is not None)
        await pilot.press("space")  # paused: the position stays where each jump lands
        first = next(k for k, m in enumerate(marks) if m > screen.position + 0.05)
        assert first + 1 < len(marks)
        await pilot.press("f")
        assert players[0].seeks[-1] == pytest.approx(marks[first])
        # It says why that one counted: the rule that decided, as its table words it.
        await wait_for(pilot, lambda: any("→ filler" in n for n in notifications_shown(app)))
        await pilot.press("f")
        assert players[0].seeks[-1] == pytest.approx(marks[first + 1])
        # F (shift+f) goes back to the one before.
        await pilot.press("F")
        assert players[0].seeks[-1] == pytest.approx(marks[first])
        # Past the last filler, f wraps round to the first, and says so.
        await pilot.press(*["f"] * (len(marks) - first))
        assert players[0].seeks[-1] == pytest.approx(marks[0])
        await wait_for(
            pilot, lambda: any("back to the first one" in n for n in notifications_shown(app))
        )
        # Before the first, F wraps round to the last.
        await pilot.press("F")
        assert players[0].seeks[-1] == pytest.approx(marks[-1])


async def test_replay_jumps_to_the_sentence_that_covered_each_point(tmp_path: Path) -> None:
    players: list[ClockPlayer] = []

    def player(path: Path) -> ClockPlayer:
        players.append(ClockPlayer(path))
        return players[-1]

    app = make_app(tmp_path, player_factory=player)
    attempt = store_attempt(app.store, "walkthrough")
    spoken = attempt.report.coverage.timeline()
    assert len(spoken) >= 2
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await app.push_screen(ReplayScreen(find_question("project-walkthrough"), attempt))
        screen = app.screen
        assert isinstance(screen, ReplayScreen)
        await wait_for(pilot, lambda: screen.player is not None)
        await pilot.press("space")  # paused: the position stays where each jump lands
        marks = [max(0.0, p.match.start - 0.6) for p in spoken if p.match]
        k = next((k for k, m in enumerate(marks) if m > screen.position + 0.05), 0)
        await pilot.press("c")
        assert players[0].seeks[-1] == pytest.approx(marks[k])
        # It says which point the sentence there covered, and how.
        label = spoken[k].label
        await wait_for(
            pilot, lambda: any(n.startswith(f"{label}: by ") for n in notifications_shown(app))
        )


async def test_replay_without_speakers_says_so(tmp_path: Path) -> None:
    settings = Settings(output_device="no-such-speaker-anywhere")
    app = make_app(tmp_path, settings=settings)
    attempt = store_attempt(app.store, "precision")
    async with app.run_test(size=SIZE) as pilot:
        await app.push_screen(ReplayScreen(find_question("precision-vs-recall"), attempt))
        await wait_for(pilot, lambda: "cannot play" in screen_text(app))
        await pilot.press("escape")


# -- Mock round ------------------------------------------------------------------------------------


async def test_mock_round_runs_questions_in_a_row_then_sums_up(tmp_path: Path) -> None:
    voice = ClockVoice()
    spoken = voice.read
    app = make_app(tmp_path, recorder_factory=wav_recorder("precision", speed=12), voice=voice)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("m")
        screen = app.screen
        assert isinstance(screen, MockRoundScreen)
        categories = screen.query_one(SelectionList)
        categories.deselect_all()
        categories.select("Technical screening")
        await pilot.press("4")
        assert screen.round_size == 4
        await pilot.press("3", "g")
        assert len(screen.questions) == 3
        assert {q.category for q in screen.questions} == {"Technical screening"}
        for n in range(3):
            # Ready once the question has been read aloud (the voice here just notes the text).
            await wait_for(
                pilot,
                lambda n=n: (
                    len(spoken) == n + 1
                    and isinstance(app.screen, RecordScreen)
                    and app.screen.state == "ready"
                ),
                timeout=120,
            )
            record = app.screen
            assert isinstance(record, RecordScreen)
            assert f"Mock round {n + 1}/3" in static_text(
                record.query_one("#record-caption", Static)
            )
            assert spoken[-1] == screen.questions[n].question
            await pilot.press("space")
            await wait_for(pilot, lambda r=record: r.state == "recording")
            await wait_for(pilot, lambda r=record: r.recorder.elapsed > 6)  # type: ignore[misc]
            await pilot.press("space")
            await wait_for(pilot, lambda r=record: app.screen is not r, timeout=90)
        assert app.screen is screen
        table = screen.query_one("#round-table", DataTable)
        # The round hears of the last answer just after its record screen closes (the dismiss
        # callback runs on a later turn of the event loop).
        await wait_for(pilot, lambda: table.row_count == 3, timeout=10)
        await wait_for(pilot, lambda: "3 of 3 questions answered" in screen_text(app), timeout=5)
        text = screen_text(app)
        assert "Total" in text and "average coverage" in text
        assert len(app.store.attempts()) == 3
        # enter opens a question's report; escape comes back to the summary.
        await pilot.press("enter")
        assert isinstance(app.screen, ReportScreen)
        await pilot.press("escape")
        assert app.screen is screen
        await pilot.press("escape")
        assert isinstance(app.screen, QuestionsScreen)


async def test_escape_in_a_mock_round_asks_then_ends_it(tmp_path: Path) -> None:
    app = make_app(tmp_path, recorder_factory=wav_recorder("precision"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("m", "g")
        await wait_for_screen(pilot, RecordScreen)
        record = app.screen
        await pilot.press("escape")
        await wait_for_screen(pilot, ConfirmScreen)
        assert "End the mock round here?" in screen_text(app)
        await pilot.press("n")
        assert app.screen is record
        await pilot.press("escape")
        await wait_for_screen(pilot, ConfirmScreen)
        await pilot.press("y")
        await wait_for_screen(pilot, MockRoundScreen)
        assert "0 of 3 questions answered" in screen_text(app)


async def test_escape_while_a_question_is_read_stops_the_voice_at_once(tmp_path: Path) -> None:
    voice = ClockVoice(seconds=30)
    app = make_app(tmp_path, recorder_factory=wav_recorder("precision"), voice=voice)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("m", "g")
        await wait_for_screen(pilot, RecordScreen)
        record = app.screen
        assert isinstance(record, RecordScreen)
        await wait_for(pilot, lambda: len(voice.read) == 1 and record.state == "reading")
        await pilot.press("escape")
        # The voice stops with the key, not when the question has been read out.
        await wait_for(pilot, lambda: len(voice.finished_at) == 1, timeout=2)
        assert voice.finished_at[0] - voice.stopped_at[0] < 0.5
        await wait_for_screen(pilot, ConfirmScreen)
        await pilot.press("n")  # carry on with the round
        assert app.screen is record
        await wait_for(pilot, lambda: record.state == "ready")
        assert "r reads it again" in screen_text(app)
        # r reads the same question again; space then records as usual.
        await pilot.press("r")
        await wait_for(pilot, lambda: len(voice.read) == 2 and record.state == "reading")
        assert voice.read[1] == voice.read[0] == record.rubric.question
        await pilot.press("r")  # again, mid-reading: the first reading stops, a new one starts
        await wait_for(pilot, lambda: len(voice.read) == 3 and len(voice.finished_at) == 2)
        assert record.state == "reading"
        voice.stop()
        await wait_for(pilot, lambda: record.state == "ready")
        await pilot.press("space")
        await wait_for(pilot, lambda: record.state == "recording")


async def test_the_chosen_round_size_is_marked_in_words(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("m")
        await wait_for_screen(pilot, MockRoundScreen)
        text = screen_text(app)
        assert "3 questions ✔ chosen" in text and "4 questions ✔" not in text
        await pilot.press("5")
        await pilot.pause()
        text = screen_text(app)
        assert "5 questions ✔ chosen" in text and "3 questions ✔" not in text


async def test_mock_round_needs_a_category(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("m")
        screen = app.screen
        assert isinstance(screen, MockRoundScreen)
        screen.query_one(SelectionList).deselect_all()
        await pilot.press("g")
        assert app.screen is screen and not screen.questions
        await pilot.press("escape")
        assert isinstance(app.screen, QuestionsScreen)


# -- Settings --------------------------------------------------------------------------------------


async def test_settings_refuse_a_model_that_cannot_load(tmp_path: Path) -> None:
    not_a_model = tmp_path / "not-a-model"
    not_a_model.mkdir()
    app = make_app(tmp_path / "data")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("s")
        screen = app.screen
        assert isinstance(screen, SettingsScreen)
        screen.query_one("#model", Input).value = str(not_a_model)
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: "nothing was saved" in screen_text(app))
        text = " ".join(screen_text(app).split())
        assert "cannot be used" in text and "not a CTranslate2 Whisper model" in text
        assert "Clear the field for the bundled tiny.en" in text
        assert "--model" not in text  # a message for the app, not the command line
        assert app.screen is screen
        assert not (tmp_path / "data" / "settings.toml").exists()
        assert app.settings.model is None and app.model_status == "ready"
        # A model that loads is saved, and used from the next answer on.
        bundled = str(bundled_model_path())
        screen.query_one("#model", Input).value = bundled
        await pilot.press("ctrl+s")
        await wait_for_screen(pilot, QuestionsScreen)
        assert Settings.load(tmp_path / "data").model == bundled
        assert app.transcriber.model_spec == bundled and app.model_status == "ready"


async def test_a_target_of_your_own_applies_to_that_question_only(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await choose(pilot, "overfit")
        await pilot.press("t")
        await wait_for_screen(pilot, TargetScreen)
        assert "The question's own target is 1:00–1:30" in screen_text(app)
        await pilot.press(*"ninety", "enter")
        assert "must look like 60-90" in screen_text(app)  # refused, said in the dialog
        await pilot.press("ctrl+u", *"45-75", "enter")
        await wait_for_screen(pilot, QuestionsScreen)
        assert Settings.load(tmp_path).targets == {"overfitting": (45, 75)}
        text = screen_text(app)
        assert "0:45–1:15 (yours)" in text
        # Shown where the target is shown: the record screen says whose it is.
        await pilot.press("enter")
        await wait_for_screen(pilot, RecordScreen)
        caption = static_text(app.screen.query_one("#record-caption", Static))
        assert "target 0:45–1:15 (yours; the question's is 1:00–1:30)" in caption
        await pilot.press("escape")
        # The long design questions keep their own two to four minutes.
        await choose(pilot, "subscribers cancel")
        assert "2:00–4:00" in screen_text(app) and "(yours)" not in screen_text(app)
        assert app.target_for(find_question("design-churn-delayed-labels")) == (120, 240)
        # Reset: back to the question's own.
        await choose(pilot, "overfit")
        await pilot.press("t")
        await wait_for_screen(pilot, TargetScreen)
        await pilot.press("ctrl+r")
        await wait_for_screen(pilot, QuestionsScreen)
        assert "1:00–1:30" in screen_text(app) and "(yours)" not in screen_text(app)
        assert Settings.load(tmp_path).targets == {}


async def test_an_old_global_target_leaves_the_long_questions_alone(tmp_path: Path) -> None:
    # settings.toml from before per-question targets: one target_seconds for every question.
    Settings(target_seconds=(45, 75)).save(tmp_path)
    app = make_app(tmp_path, settings=Settings.load(tmp_path))
    bank = {r.id: r for r in load_bank()}
    assert app.target_for(bank["overfitting"]) == (45, 75)
    assert app.target_for(bank["design-search-ranking"]) == (120, 240)
    assert app.target_for(bank["deploy-and-monitor"]) == (60, 120)
    async with app.run_test(size=SIZE) as pilot:
        # Resetting one question keeps the others as they were, and the file moves to [targets].
        await choose(pilot, "overfit")
        await pilot.press("t", "ctrl+r")
        await wait_for_screen(pilot, QuestionsScreen)
        saved = Settings.load(tmp_path)
        assert saved.target_seconds is None
        assert "overfitting" not in saved.targets and saved.targets["regularization"] == (45, 75)
        assert app.target_for(bank["regularization"]) == (45, 75)
        # Settings lists them, and resets them all.
        await pilot.press("s")
        await wait_for_screen(pilot, SettingsScreen)
        assert "regularization: 0:45–1:15" in screen_text(app)
        await pilot.click("#reset-targets")
        await pilot.press("ctrl+s")
        await wait_for_screen(pilot, QuestionsScreen)
    assert Settings.load(tmp_path).targets == {}
    assert app.target_for(bank["regularization"]) == (60, 90)


# -- Start-up --------------------------------------------------------------------------------------


async def test_run_reports_a_start_up_problem_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from rehearse.tui.app import run

    code = run(data=str(tmp_path / "data"), bank=tmp_path / "no-bank")
    assert code == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("rehearse: ")
    assert "question bank folder does not exist" in err


async def test_build_app_uses_the_saved_settings(tmp_path: Path) -> None:
    from rehearse.tui.app import build_app

    Settings(model="base.en", target_seconds=(30, 45)).save(tmp_path)
    app = build_app(data=str(tmp_path))
    assert app.transcriber.model_spec == "base.en"
    assert app.target_for(find_question("overfitting")) == (30, 45)
    assert app.data_dir == tmp_path
    # --model on the command line wins over the saved choice.
    app = build_app(data=str(tmp_path), model="small.en")
    assert app.transcriber.model_spec == "small.en"


async def test_recordings_left_by_a_crash_are_scored_on_the_next_start(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    when = datetime(2026, 5, 1, 8, 15, 0)
    # As a process that died mid-answer leaves it: named, written, no longer claimed.
    leftover = tmp_path / attempt_audio_name("precision-vs-recall", when)
    leftover.parent.mkdir(parents=True)
    leftover.write_bytes(spoken_answer("precision").read_bytes())
    # Notifications on, as in the real app: the test reads them off the screen.
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        # Recovery waits for the model and scores in a worker: poll the store, as a user would.
        await wait_for(pilot, lambda: bool(app.store.attempts()))
        await pilot.pause()
        [attempt] = app.store.attempts()
        assert attempt.audio_path == leftover
        assert attempt.question_id == "precision-vs-recall"
        assert attempt.created_at == when
        assert attempt.word_count > 10
        await wait_for(
            pilot,
            lambda: any(
                n.startswith("Recovered\nScored 1 recording(s)") for n in notifications_shown(app)
            ),
        )
    # Once saved, it is not scored again.
    assert app.store.unsaved_recordings() == []


async def test_the_question_list_shows_recovered_attempts(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    store_attempt(app.store, "precision", when=datetime(2026, 4, 30, 8, 0))
    leftover = app.store.new_audio_path("precision-vs-recall", datetime(2026, 5, 1, 8, 15, 0))
    leftover.write_bytes(spoken_answer("precision").read_bytes())
    app.store.release(leftover)  # as a crashed session leaves it: nobody is writing it any more
    async with app.run_test(size=SIZE) as pilot:
        await choose(pilot, "recall")
        await wait_for(pilot, lambda: len(app.store.attempts()) == 2)
        # Without a key pressed or a screen changed, the list catches up with the history.
        await wait_for(pilot, lambda: "(2 tries)" in screen_text(app), timeout=10)


async def test_at_80x24_every_talking_point_and_the_footer_fit(tmp_path: Path) -> None:
    rubric = find_question("design-churn-delayed-labels")  # seven points, a two-line question
    app = make_app(tmp_path, recorder_factory=wav_recorder("walkthrough", speed=4))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        footer = screen_text(app).splitlines()[-1]
        assert footer.rstrip().endswith("q Quit ? Help"), footer  # every key, none cut off
        await app.push_screen(RecordScreen(rubric))
        await wait_for_screen(pilot, RecordScreen)
        record = app.screen
        assert isinstance(record, RecordScreen)
        await pilot.press("t")
        for state in ("ready", "recording"):
            if state == "recording":
                await pilot.press("space")
                await wait_for(pilot, lambda: record.recorder is not None)
                await wait_for(pilot, lambda: record.recorder.elapsed > 2)  # type: ignore[union-attr]
            await pilot.pause()
            lines = screen_text(app).splitlines()
            assert len(lines) == 24
            text = "\n".join(lines)
            for point in rubric.points:
                assert point.label in text, (state, point.label)
            assert "Start / stop" in lines[-1]  # the footer has the last line to itself
            assert "Talking points (t hides them)" in text
        # The large digits made way for the points; the time is still shown, in words.
        assert "0:0" in static_text(record.query_one("#timing-now", Static))
        await pilot.press("space")
