"""Answering one question aloud: the clock against the target window, the live microphone level,
the transcript a few seconds behind the voice with its fillers and pace, one cue as the window
closes; then what is left of scoring, and the report in place of this screen.

The answer is transcribed while it is recorded (``LiveScoring``), so after the stop only the last
moments are left to do; if transcription fell behind, the bar shows it catching up."""

from __future__ import annotations

import contextlib
import time
from pathlib import Path
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
from rehearse.scoring.render import clock, words_with_fillers
from rehearse.service import (
    STAGE_LABELS,
    STAGES,
    LiveScoring,
    overall_fraction,
    save_attempt,
)
from rehearse.storage.history import Attempt, History
from rehearse.tui.confirm import ConfirmScreen
from rehearse.tui.context import AppContext, context
from rehearse.tui.messages import (
    AnswerScored,
    LevelMeasured,
    QuestionRead,
    RecordingFailed,
    RecordingStarted,
    RecordingStopped,
    ScoringFailed,
    ScoringProgressed,
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
# The one cue before the window closes comes this long before its end.
WRAP_UP_SECONDS = 10
# The live transcript shows the latest words only: enough to see it follows, not to read back.
LIVE_WORDS = 40


class RecordScreen(Screen[Attempt | None]):
    """Record an answer. Dismisses with the saved attempt in a mock round; otherwise the report
    replaces it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("space", "toggle_recording", "Start / stop"),
        Binding("t", "points", "Talking points"),
        Binding("r", "read_again", "Read again", tooltip="Read the question aloud again"),
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
        self.live: LiveScoring | None = None
        self._live_words: tuple[object, ...] = ()
        self.scored: AnswerScored | None = None
        self._poll: Timer | None = None
        self._reading = 0  # counts readings aloud, so a stopped one's end is not taken as ours
        self._stage = STAGES[0]
        self._stage_fraction = 0.0
        self._scoring_since = 0.0
        self._behind: float | None = None
        self._stage_clock: Timer | None = None

    @property
    def rehearse(self) -> AppContext:
        return context(self.app)

    @property
    def target(self) -> tuple[int, int]:
        return self.rehearse.target_for(self.rubric)

    def compose(self) -> ComposeResult:
        order = " · say the points in order" if self.rubric.ordered else ""
        caption = f"{self.caption} · " if self.caption else ""
        target = self.rehearse.target(self.rubric)
        whose = ""
        if target.source == "yours":
            whose = f" (yours; the question's is {target_label(self.rubric.target_seconds)})"
        # Text, not markup: a question may contain square brackets.
        yield Static(
            Text(
                f"{caption}{self.rubric.category} · target {target_label(self.target)}"
                f"{whose}{order}"
            ),
            id="record-caption",
        )
        yield Static(Text(self.rubric.question), id="question")
        with Vertical(id="clock-panel"):
            with Horizontal(id="clock-row"):
                yield Digits("0:00", id="elapsed")
                yield Static(id="timing-now")
            yield TimeBar(self.target, id="timebar")
        yield LevelMeter(id="level")
        with Vertical(id="live"):
            yield Static(id="live-figures")
            yield Static(id="live-transcript")
        yield Static(id="cue")
        yield Static(id="record-status")
        yield ProgressBar(total=1.0, show_eta=False, id="scoring-progress")
        yield Static(id="scoring-stage")
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
        self.query_one("#scoring-stage").display = False
        self.query_one("#points").display = False
        self._poll = self.set_interval(0.1, self._poll_recorder, pause=True)
        self._stage_clock = self.set_interval(0.5, self._show_stage, pause=True)
        # A model that fails to load later (or a new one chosen meanwhile) changes what space does.
        self.watch(self.app, "model_status", lambda _: self.watch_state(self.state), init=False)
        if self.read_aloud and self.rehearse.voice is not None:
            self.state = "reading"
            self.read_question()
        else:
            self.watch_state(self.state)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Reading again is for questions read aloud (the mock round), before the answer begins.
        if action == "read_again":
            return self.read_aloud and self.rehearse.voice is not None
        return True

    def on_unmount(self) -> None:
        # Leaving mid-answer (the app quits): finish the file so the audio is kept, not torn.
        if self.state == "recording" and self.recorder is not None:
            self._drop_live()  # kept on disk: the next start of the app scores it
            self.recorder.stop()

    # -- state ----------------------------------------------------------------------------------

    def watch_state(self, state: str) -> None:
        status = self.query_one("#record-status", Static)
        model = self.rehearse.model_status
        again = "  ·  r reads it again" if self.check_action("read_again", ()) else ""
        messages = {
            "reading": Text(
                "♪ Reading the question aloud… press space when it ends (escape stops the voice).",
                "italic",
            ),
            "ready": Text.assemble(
                ("Press ", ""),
                ("space", "bold reverse"),
                (" to start recording", ""),
                (f"  ·  escape goes back{again}", "dim"),
            ),
            "starting": Text("Opening the microphone…", "italic"),
            "recording": Text.assemble(
                ("● REC ", "bold red"),
                ("answer aloud, then press ", ""),
                ("space", "bold reverse"),
                (" to stop  ·  escape discards", "dim"),
            ),
            "stopping": Text("Finishing the recording…", "italic"),
            # The stage line under the bar says what scoring is doing; this one only what waits.
            "scoring": Text(
                "The speech model is still loading; scoring goes on once it is ready."
                if model == "loading"
                else "",
                "italic",
            ),
        }
        if state == "ready" and model == "failed":
            status.update(self._model_problem_text())
        elif state in messages:
            status.update(messages[state])
        status.display = state != "scoring" or bool(messages["scoring"].plain)
        self.set_class(state == "recording", "-recording")
        scoring = state == "scoring"
        self.set_class(state in ("recording", "stopping"), "-live")
        self.query_one("#scoring-progress").display = scoring
        self.query_one("#scoring-stage").display = scoring
        self.query_one(LevelMeter).idle_note = {
            "reading": "microphone idle: the question is being read",
            "stopping": "microphone closing…",
            "scoring": "microphone closed: the answer is being scored",
            "done": "microphone closed",
            "failed": "microphone closed",
        }.get(state, "microphone idle: press space to record")

    def _model_problem_text(self) -> Text:
        return Text.assemble(
            (
                "✘ Recording is off: the speech model cannot be used, so the answer could not be"
                " scored.\n",
                "bold red",
            ),
            (self.rehearse.model_problem or "", "red"),
            (
                "\nChoose another model in Settings (escape, then s), or clear the field there to"
                " use the bundled tiny.en.",
                "dim",
            ),
        )

    def _poll_recorder(self) -> None:
        recorder = self.recorder
        if recorder is None or self.state != "recording":
            return
        self._show_elapsed(recorder.elapsed)
        self._show_live()
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
        # Where the large digits give way to the talking points, the verdict line says the time.
        shown = "" if self.query_one("#elapsed").display else f"{clock(seconds)}  "
        self.query_one("#timing-now", Static).update(
            Text.assemble(
                (shown, "bold"),
                (TIMING_LABEL[verdict], f"bold {TIMING_STYLE[verdict]}"),
                "\n",
                (hint, "dim"),
            )
        )
        digits = self.query_one("#elapsed", Digits)
        for name in ("short", "on-target", "long"):
            digits.set_class(name == verdict, f"-{name}")
        self.query_one("#cue", Static).update(cue(seconds, self.target))

    def _show_live(self) -> None:
        """The transcript so far, its fillers and pace; redrawn only when new words came."""
        if self.live is None or self.live.stream.words is self._live_words:
            return
        figures = self.live.figures()
        self._live_words = figures.words
        first = max(0, len(figures.words) - LIVE_WORDS)
        self.query_one("#live-transcript", Static).update(
            words_with_fillers(figures.words, figures.filler_indices, first)
        )
        pace = f"{figures.words_per_minute:.0f} words a minute" if figures.words else "…"
        self.query_one("#live-figures", Static).update(
            Text.assemble(
                ("fillers ", "dim"),
                (str(figures.filler_count), "bold magenta" if figures.filler_count else "bold"),
                ("  ·  pace ", "dim"),
                (pace, "bold"),
            )
        )

    # -- keys -----------------------------------------------------------------------------------

    def action_toggle_recording(self) -> None:
        if self.state == "ready" and self.rehearse.read_only:
            self.notify(self.rehearse.read_only, title="Read-only", severity="warning")
        elif self.state == "ready" and self.rehearse.model_status == "failed":
            # Recording now would only end in "Scoring failed": say why, and how to fix it.
            self.query_one("#record-status", Static).update(self._model_problem_text())
            self.notify(
                "The speech model cannot load; choose another in Settings.",
                title="Recording is off",
                severity="error",
            )
        elif self.state == "ready":
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
        # The layout may have swapped the large digits for a line of text: redraw the time.
        if self.result is not None:
            self.call_after_refresh(self._show_elapsed, self.result.seconds)
        elif self.recorder is not None:
            self.call_after_refresh(self._show_elapsed, self.recorder.elapsed)

    def action_read_again(self) -> None:
        if self.state not in ("reading", "ready") or not self.check_action("read_again", ()):
            return
        self.rehearse.stop_voice()
        self.state = "reading"
        self.read_question()

    def action_cancel(self) -> None:
        if self.state in ("stopping", "starting"):
            return
        if self.state == "scoring":
            self.notify("Scoring is under way; the answer will be kept. One moment…")
            return
        if self.state == "reading":
            # The voice stops at once, whatever the answer to the question below.
            self.rehearse.stop_voice()
        if self.in_round and self.state != "done":
            self._confirm_end_of_round()
        elif self.state == "recording" and self._recorded() >= MIN_ANSWER_SECONDS:
            self.app.push_screen(
                ConfirmScreen(
                    f"Throw away this answer? {clock(self._recorded())} recorded.",
                    yes="Throw it away",
                    no="Keep recording",
                    detail="It is not scored or kept; there is no undo.",
                ),
                callback=self._discard_confirmed,
            )
        elif self.state == "recording":
            self._stop(discard=True)  # a moment's recording: nothing worth asking about
        else:
            self.dismiss(None)

    def _recorded(self) -> float:
        return self.recorder.elapsed if self.recorder is not None else 0.0

    def _confirm_end_of_round(self) -> None:
        detail = "The questions left are marked skipped in the summary."
        if self.state == "recording":
            detail = f"The {clock(self._recorded())} recorded for this question is thrown away. "
            detail += "The questions left are marked skipped."
        self.app.push_screen(
            ConfirmScreen(
                "End the mock round here?", yes="End the round", no="Carry on", detail=detail
            ),
            callback=self._end_of_round_confirmed,
        )

    def _discard_confirmed(self, yes: bool | None) -> None:
        if not yes:
            return
        if self.state == "recording":
            self._stop(discard=True)
        else:
            # It ended by itself while the question was open (device gone): it is being kept.
            self.notify("The recording had already stopped; it is being scored and kept.")

    def _end_of_round_confirmed(self, yes: bool | None) -> None:
        if not yes:
            if self.state == "reading":
                self.state = "ready"  # the voice was stopped: r reads the question again
            return
        if self.state == "recording":
            self._stop(discard=True)
        elif self.state in ("reading", "ready", "failed"):
            self.dismiss(None)

    def _stop(self, discard: bool) -> None:
        recorder = self.recorder
        if recorder is None:
            return
        self.state = "stopping"
        if self._poll:
            self._poll.pause()
        if discard:
            self._drop_live()
            # The app owns this worker, so the file is removed even though we leave right away.
            store = self.rehearse.store
            self.app.run_worker(lambda: _discard(recorder, store), thread=True, group="discard")
            self.dismiss(None)
        else:
            self.stop_recording(recorder)

    # -- workers --------------------------------------------------------------------------------

    def read_question(self) -> None:
        self._reading += 1
        self._read_aloud(self._reading)

    @work(thread=True, group="speak")
    def _read_aloud(self, reading: int) -> None:
        voice = self.rehearse.voice
        problem = None
        if voice is not None:
            try:
                voice.say(self.rubric.question)
            except RehearseError as error:
                problem = str(error)
        self.post_message(QuestionRead(problem, reading))

    def on_question_read(self, message: QuestionRead) -> None:
        if message.reading != self._reading:
            return  # stopped to be read again: the newer reading is still going
        if message.problem:
            self.notify(message.problem, title="Reading aloud", severity="warning")
        if self.state == "reading":
            self.state = "ready"

    @work(thread=True, exclusive=True, group="recorder")
    def start_recording(self) -> None:
        store = self.rehearse.store
        try:
            path = store.new_audio_path(self.rubric.id)
        except RehearseError as error:
            self.post_message(RecordingFailed(str(error)))
            return
        try:
            recorder = self.rehearse.recorder_factory(path)
            recorder.start()
        except RehearseError as error:
            _forget(store, path)  # the name was reserved, nothing was recorded
            self.post_message(RecordingFailed(str(error)))
            return
        self.post_message(RecordingStarted(recorder))

    def on_recording_started(self, message: RecordingStarted) -> None:
        self.recorder = message.recorder
        app = self.rehearse
        self.live = LiveScoring(message.recorder.path, self.rubric, app.transcriber, app.settings)
        self.live.start()
        self.query_one("#live-transcript", Static).update(
            Text("Your words appear here a few seconds after you say them.", "dim italic")
        )
        self.query_one("#live-figures", Static).update("")
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
            self._drop_live()
            _forget(self.rehearse.store, result.path)
            self.recorder = None
            self.state = "ready"
            self.notify("Nothing was recorded. Press space to try again.", severity="warning")
            return
        self.state = "scoring"
        self.query_one("#scoring-progress", ProgressBar).update(total=1.0, progress=0.0)
        self._stage, self._stage_fraction = STAGES[0], 0.0
        self._scoring_since = time.monotonic()
        self._behind = self.live.fell_behind if self.live else None
        self._show_stage()
        if self._stage_clock:
            self._stage_clock.resume()
        self.score(result)

    def _drop_live(self) -> None:
        if self.live is not None:
            self.live.cancel()
            self.live = None

    @work(thread=True, exclusive=True, group="score")
    def score(self, result: RecordingResult) -> None:
        app = self.rehearse
        live = self.live
        assert live is not None  # made when the recording started
        try:
            report = live.finish(progress=self._progressed)
            attempt = save_attempt(app.store, report, result.path)
        except RehearseError as error:
            # Kept on disk and no longer claimed: the next start of the app recovers it.
            app.store.release(result.path)
            self.post_message(ScoringFailed(str(error), result.path))
            return
        self.post_message(AnswerScored(report, attempt))

    def _progressed(self, stage: str, fraction: float) -> None:
        # Called on the scoring thread: hand over to the UI through the message queue.
        self.post_message(ScoringProgressed(stage, fraction))

    def on_scoring_progressed(self, message: ScoringProgressed) -> None:
        if message.stage not in STAGES:
            return
        self._stage, self._stage_fraction = message.stage, message.fraction
        self.query_one("#scoring-progress", ProgressBar).update(
            progress=overall_fraction(message.stage, message.fraction)
        )
        self._show_stage()

    def _show_stage(self) -> None:
        """Which step of scoring is under way, and for how long (the clock ticks while a step
        with no finer progress, such as the first decoding of a short answer, runs)."""
        if self.state != "scoring":
            if self._stage_clock:
                self._stage_clock.pause()
            return
        step = STAGES.index(self._stage) + 1
        seconds = time.monotonic() - self._scoring_since
        behind = ""
        if self._behind is not None:
            behind = (
                f"Transcription fell {self._behind:.0f} s behind while you spoke;"
                " finishing it now.\n"
            )
        self.query_one("#scoring-stage", Static).update(
            Text.assemble(
                (behind, "italic"),
                (f"Step {step} of {len(STAGES)} · ", "dim"),
                (f"{STAGE_LABELS[self._stage]}…", "bold"),
                (f"  {seconds:.0f} s so far", "dim"),
            )
        )

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


def cue(seconds: float, target: tuple[int, int]) -> Text:
    """The one cue while answering: as the target window is about to close, and once it has."""
    high = target[1]
    if high - WRAP_UP_SECONDS <= seconds <= high:
        return Text(f"Wrap up: {clock(high - seconds)} left in the target window", "bold yellow")
    if seconds > high:
        return Text("Past the target window: finish your sentence", "bold red")
    return Text("")


def _discard(recorder: RecorderLike, store: History) -> None:
    _forget(store, recorder.stop().path)


def _forget(store: History, path: Path) -> None:
    """Remove a recording nobody wants and give its reserved name back."""
    with contextlib.suppress(OSError):
        path.unlink()
    store.release(path)
