"""Answering one question aloud: the clock against the target window, the live microphone level,
then scoring in a worker thread with progress, and the report in place of this screen."""

from __future__ import annotations

import contextlib
from typing import ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.reactive import reactive
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Digits, Footer, ProgressBar, Static

from rehearse.audio.recorder import RecordingResult
from rehearse.errors import RehearseError
from rehearse.language.rubric import Rubric
from rehearse.scoring.render import clock
from rehearse.service import save_attempt, score_recording
from rehearse.storage.history import Attempt
from rehearse.tui.context import AppContext, context
from rehearse.tui.messages import (
    AnswerScored,
    LevelMeasured,
    QuestionRead,
    RecordingFailed,
    RecordingStarted,
    RecordingStopped,
    ScoringFailed,
    TranscriptionProgressed,
)
from rehearse.tui.navigation import ReportRequested
from rehearse.tui.services import RecorderLike
from rehearse.tui.widgets import (
    TIMING_LABEL,
    TIMING_STYLE,
    LevelMeter,
    TimeBar,
    target_label,
    timing_now,
)

# Under this, the user most likely pressed space twice by mistake: nothing worth scoring.
MIN_ANSWER_SECONDS = 0.5


class RecordScreen(Screen[Attempt | None]):
    """Record an answer. Dismisses with the saved attempt in a mock round; otherwise the report
    replaces it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("space", "toggle_recording", "Start / stop"),
        Binding("t", "points", "Talking points"),
        Binding("escape", "cancel", "Cancel"),
    ]
    HELP = "Answer the question aloud; the clock shows the target window."

    state: reactive[str] = reactive("ready")
    """reading → ready → starting → recording → stopping → scoring, or failed."""

    def __init__(
        self, rubric: Rubric, *, in_round: bool = False, caption: str = "", read_aloud: bool = False
    ) -> None:
        super().__init__()
        self.rubric = rubric
        self.in_round = in_round
        self.caption = caption
        self.read_aloud = read_aloud
        self.recorder: RecorderLike | None = None
        self.result: RecordingResult | None = None
        self.scored: AnswerScored | None = None
        self._poll: Timer | None = None

    @property
    def rehearse(self) -> AppContext:
        return context(self.app)

    @property
    def target(self) -> tuple[int, int]:
        return self.rehearse.target_for(self.rubric)

    def compose(self) -> ComposeResult:
        order = " · say the points in order" if self.rubric.ordered else ""
        caption = f"{self.caption} · " if self.caption else ""
        # Text, not markup: a question may contain square brackets.
        yield Static(
            Text(f"{caption}{self.rubric.category} · target {target_label(self.target)}{order}"),
            id="record-caption",
        )
        yield Static(Text(self.rubric.question), id="question")
        with Vertical(id="clock-panel"):
            with Horizontal(id="clock-row"):
                yield Digits("0:00", id="elapsed")
                yield Static(id="timing-now")
            yield TimeBar(self.target, id="timebar")
        yield LevelMeter(id="level")
        yield Static(id="record-status")
        yield ProgressBar(total=1.0, show_eta=False, id="scoring-progress")
        with VerticalScroll(id="points"):
            yield Static(self._points_text(), id="points-text")
        yield Footer(show_command_palette=False)

    def _points_text(self) -> Text:
        text = Text.assemble(("Talking points", "bold"), (" (t hides them)\n", "dim"))
        for n, point in enumerate(self.rubric.points, start=1):
            text.append(f"{n}. " if self.rubric.ordered else "• ", style="dim")
            text.append(point.label + "\n")
        text.rstrip()
        return text

    def on_mount(self) -> None:
        self.query_one("#scoring-progress").display = False
        self.query_one("#points").display = False
        self._poll = self.set_interval(0.1, self._poll_recorder, pause=True)
        if self.read_aloud and self.rehearse.speak is not None:
            self.state = "reading"
            self.read_question()
        else:
            self.watch_state(self.state)

    def on_unmount(self) -> None:
        # Leaving mid-answer (the app quits): finish the file so the audio is kept, not torn.
        if self.state == "recording" and self.recorder is not None:
            self.recorder.stop()

    # -- state ----------------------------------------------------------------------------------

    def watch_state(self, state: str) -> None:
        status = self.query_one("#record-status", Static)
        model = self.rehearse.model_status
        messages = {
            "reading": Text("♪ Reading the question aloud… press space when it ends.", "italic"),
            "ready": Text.assemble(
                ("Press ", ""),
                ("space", "bold reverse"),
                (" to start recording", ""),
                ("  ·  escape goes back", "dim"),
            ),
            "starting": Text("Opening the microphone…", "italic"),
            "recording": Text.assemble(
                ("● REC ", "bold red"),
                ("answer aloud, then press ", ""),
                ("space", "bold reverse"),
                (" to stop  ·  escape discards", "dim"),
            ),
            "stopping": Text("Finishing the recording…", "italic"),
            "scoring": Text(
                "Transcribing and scoring…"
                + (" (the speech model is still loading)" if model == "loading" else ""),
                "italic",
            ),
        }
        if state in messages:
            status.update(messages[state])
        self.set_class(state == "recording", "-recording")
        self.query_one("#scoring-progress").display = state == "scoring"

    def _poll_recorder(self) -> None:
        recorder = self.recorder
        if recorder is None or self.state != "recording":
            return
        self._show_elapsed(recorder.elapsed)
        self.post_message(LevelMeasured(recorder.level()))
        if not recorder.is_recording:
            # It ended by itself: the device vanished, the disk filled, or it hit a limit.
            self._stop(discard=False)

    def on_level_measured(self, message: LevelMeasured) -> None:
        self.query_one(LevelMeter).level = message.level

    def _show_elapsed(self, seconds: float) -> None:
        self.query_one("#elapsed", Digits).update(clock(seconds))
        self.query_one(TimeBar).elapsed = seconds
        verdict = timing_now(seconds, self.target)
        low, high = self.target
        hint = {
            "short": f"{clock(low - seconds)} to the window",
            "on-target": f"in the window · {clock(high - seconds)} left",
            "long": f"{clock(seconds - high)} over: wrap up",
        }[verdict]
        self.query_one("#timing-now", Static).update(
            Text.assemble(
                (TIMING_LABEL[verdict], f"bold {TIMING_STYLE[verdict]}"), "\n", (hint, "dim")
            )
        )
        digits = self.query_one("#elapsed", Digits)
        for name in ("short", "on-target", "long"):
            digits.set_class(name == verdict, f"-{name}")

    # -- keys -----------------------------------------------------------------------------------

    def action_toggle_recording(self) -> None:
        if self.state == "ready":
            self.state = "starting"
            self.start_recording()
        elif self.state == "recording":
            self._stop(discard=False)
        elif self.state == "reading":
            self.notify("Wait for the question to be read out, then press space.")

    def action_points(self) -> None:
        points = self.query_one("#points")
        points.display = not points.display
        self.set_class(bool(points.display), "-points")

    def action_cancel(self) -> None:
        if self.state == "recording":
            self._stop(discard=True)
            return
        if self.state in ("stopping", "starting"):
            return
        elif self.state == "scoring":
            self.notify("Scoring is under way; the answer will be kept. One moment…")
            return
        self.dismiss(None)

    def _stop(self, discard: bool) -> None:
        recorder = self.recorder
        if recorder is None:
            return
        self.state = "stopping"
        if self._poll:
            self._poll.pause()
        if discard:
            # The app owns this worker, so the file is removed even though we leave right away.
            self.app.run_worker(lambda: _discard(recorder), thread=True, group="discard")
            self.dismiss(None)
        else:
            self.stop_recording(recorder)

    # -- workers --------------------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="speak")
    def read_question(self) -> None:
        speak = self.rehearse.speak
        problem = None
        if speak is not None:
            try:
                speak(self.rubric.question)
            except RehearseError as error:
                problem = str(error)
        self.post_message(QuestionRead(problem))

    def on_question_read(self, message: QuestionRead) -> None:
        if message.problem:
            self.notify(message.problem, title="Reading aloud", severity="warning")
        if self.state == "reading":
            self.state = "ready"

    @work(thread=True, exclusive=True, group="recorder")
    def start_recording(self) -> None:
        try:
            path = self.rehearse.store.new_audio_path(self.rubric.id)
            recorder = self.rehearse.recorder_factory(path)
            recorder.start()
        except RehearseError as error:
            self.post_message(RecordingFailed(str(error)))
            return
        self.post_message(RecordingStarted(recorder))

    def on_recording_started(self, message: RecordingStarted) -> None:
        self.recorder = message.recorder
        self.state = "recording"
        self._show_elapsed(0.0)
        if self._poll:
            self._poll.resume()

    def on_recording_failed(self, message: RecordingFailed) -> None:
        self.state = "ready"
        self.query_one("#record-status", Static).update(
            Text.assemble(
                ("✘ ", "bold red"),
                (message.message, "red"),
                (
                    "\nFix it and press space "
                    "to try again, or s on the question list for Settings.",
                    "dim",
                ),
            )
        )
        self.notify(message.message, title="Microphone", severity="error", timeout=10)

    @work(thread=True, exclusive=True, group="recorder")
    def stop_recording(self, recorder: RecorderLike) -> None:
        self.post_message(RecordingStopped(recorder.stop()))

    def on_recording_stopped(self, message: RecordingStopped) -> None:
        result = message.result
        self.result = result
        self._show_elapsed(result.seconds)
        self.query_one(LevelMeter).level = None
        if result.problem:
            self.notify(
                result.problem, title="Recording stopped early", severity="warning", timeout=12
            )
        if result.seconds < MIN_ANSWER_SECONDS:
            with contextlib.suppress(OSError):
                result.path.unlink()
            self.recorder = None
            self.state = "ready"
            self.notify("Nothing was recorded. Press space to try again.", severity="warning")
            return
        self.state = "scoring"
        self.query_one("#scoring-progress", ProgressBar).update(total=1.0, progress=0.0)
        self.score(result)

    @work(thread=True, exclusive=True, group="score")
    def score(self, result: RecordingResult) -> None:
        app = self.rehearse
        try:
            report = score_recording(
                result.path,
                self.rubric,
                app.transcriber,
                app.settings,
                progress=self._progressed,
            )
            attempt = save_attempt(app.store, report, result.path)
        except RehearseError as error:
            self.post_message(ScoringFailed(str(error), result.path))
            return
        self.post_message(AnswerScored(report, attempt))

    def _progressed(self, fraction: float) -> None:
        self.post_message(TranscriptionProgressed(fraction))

    def on_transcription_progressed(self, message: TranscriptionProgressed) -> None:
        self.query_one("#scoring-progress", ProgressBar).update(progress=message.fraction)

    def on_scoring_failed(self, message: ScoringFailed) -> None:
        self.state = "failed"
        kept = ""
        if message.kept and message.kept.exists():
            kept = (
                f"\nThe recording is kept in {message.kept}; score it later with "
                f"rehearse score {message.kept} --question {self.rubric.id} --save"
            )
        self.query_one("#record-status", Static).update(
            Text.assemble(
                ("✘ Could not score the answer: ", "bold red"),
                (message.message, "red"),
                (kept, "dim"),
                ("\nPress escape to go back.", "dim"),
            )
        )
        self.notify(message.message, title="Scoring failed", severity="error", timeout=15)

    def on_answer_scored(self, message: AnswerScored) -> None:
        self.state = "done"
        self.scored = message
        # With help open on top, wait: switching now would replace the help, not this screen.
        # (``is_current`` would not do: it is also true under a modal screen such as the help.)
        if self.is_active:
            self._leave_with_report()

    def on_screen_resume(self) -> None:
        if self.scored is not None:
            self._leave_with_report()

    def _leave_with_report(self) -> None:
        scored, self.scored = self.scored, None
        if scored is None:
            return
        if self.in_round:
            self.dismiss(scored.attempt)
            return
        self.post_message(
            ReportRequested(scored.attempt, scored.report, self.rubric, replacing=self)
        )


def _discard(recorder: RecorderLike) -> None:
    result = recorder.stop()
    with contextlib.suppress(OSError):
        result.path.unlink()
