"""The rehearsal app: dependencies are handed in, so tests run it on temp dirs and real audio."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar, Protocol

from textual import work
from textual.app import App
from textual.binding import Binding, BindingType
from textual.reactive import reactive

from rehearse.errors import RehearseError
from rehearse.language.rubric import Rubric
from rehearse.scoring.score import Report
from rehearse.speech.transcribe import Transcriber
from rehearse.storage.history import Attempt, History
from rehearse.storage.settings import Settings
from rehearse.tui.messages import HistoryChanged, ModelFailed, ModelLoaded, RecordingsRecovered
from rehearse.tui.services import (
    PlayerFactory,
    RecorderFactory,
    Voice,
    real_player_factory,
    real_recorder_factory,
)

if TYPE_CHECKING:
    from rehearse.service import Target


class AttemptRequest(Protocol):
    """The shape of the history screen's ``AttemptChosen`` and ``ReplayRequested``."""

    attempt_id: int


class RehearseApp(App[int]):
    CSS_PATH = "app.tcss"
    TITLE = "rehearse"
    SUB_TITLE = "say it out loud"
    # Screens get -narrow below 100 columns, so layouts can stack what sits side by side.
    HORIZONTAL_BREAKPOINTS = [  # noqa: RUF012 - App declares it without ClassVar
        (0, "-narrow"),
        (100, "-wide"),
    ]
    VERTICAL_BREAKPOINTS = [(0, "-short"), (30, "-tall")]  # noqa: RUF012 - as above
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("question_mark", "help", "Help", key_display="?"),
        Binding("ctrl+c", "quit", "Quit", show=False, priority=True),
    ]

    model_status: reactive[str] = reactive("loading")
    """``loading``, ``ready`` or ``failed``; screens show it and the record screen waits on it."""

    def __init__(
        self,
        bank: list[Rubric],
        store: History,
        transcriber: Transcriber,
        settings: Settings,
        data_dir: Path,
        recorder_factory: RecorderFactory | None = None,
        player_factory: PlayerFactory | None = None,
        voice: Voice | None = None,
    ) -> None:
        super().__init__()
        self.bank = bank
        self.store = store
        self.transcriber = transcriber
        self.settings = settings
        self.data_dir = data_dir
        self._custom_recorder = recorder_factory
        self._custom_player = player_factory
        self.voice = voice
        self.model_problem: str | None = None

    # -- dependencies that follow the settings --------------------------------------------------

    @property
    def recorder_factory(self) -> RecorderFactory:
        # Built on demand, so a microphone chosen in Settings applies to the very next answer.
        return self._custom_recorder or real_recorder_factory(self.settings.input_device)

    @property
    def player_factory(self) -> PlayerFactory:
        return self._custom_player or real_player_factory(self.settings.output_device)

    def target_for(self, rubric: Rubric) -> tuple[int, int]:
        return self.target(rubric).seconds

    def target(self, rubric: Rubric) -> Target:
        """The target length of ``rubric`` and whose it is (the user's own, or the question's)."""
        from rehearse.service import target_for

        return target_for(rubric, self.settings)

    def rubric(self, question_id: str) -> Rubric | None:
        return next((r for r in self.bank if r.id == question_id), None)

    # -- lifecycle ------------------------------------------------------------------------------

    def on_mount(self) -> None:
        from rehearse.tui.questions import QuestionsScreen

        self.push_screen(QuestionsScreen())
        # Loading takes seconds: do it now, in the background, so the first answer need not wait.
        if self.transcriber.loaded:
            self.model_status = "ready"
        else:
            self.load_model()
        self.recover_recordings()

    @work(thread=True, exclusive=True, group="model")
    def load_model(self) -> None:
        try:
            self.transcriber.load()
        except RehearseError as error:
            self.post_message(ModelFailed(str(error)))
        else:
            self.post_message(ModelLoaded())

    @work(thread=True, group="recover")
    def recover_recordings(self) -> None:
        """Score what a crash, a kill or a quit mid-answer left on disk without a history row."""
        from rehearse.service import recover_recordings

        done = recover_recordings(self.store, self.rubric, self.transcriber, self.settings)
        if done.saved or done.problems:
            self.post_message(RecordingsRecovered(done.saved, list(done.problems)))

    def on_recordings_recovered(self, message: RecordingsRecovered) -> None:
        if message.saved:
            # The question list shows each question's last result: it must see these too.
            for screen in self.screen_stack:
                screen.post_message(HistoryChanged())
            self.notify(
                f"Scored {message.saved} recording(s) left by an interrupted session;"
                " they are in History (h).",
                title="Recovered",
                timeout=10,
            )
        for problem in message.problems:
            self.notify(problem, title="Could not recover a recording", severity="warning")

    def on_model_loaded(self, _: ModelLoaded) -> None:
        self.model_status = "ready"
        self.model_problem = None

    def on_model_failed(self, message: ModelFailed) -> None:
        self.model_problem = message.message
        self.model_status = "failed"
        self.notify(message.message, title="Speech model", severity="error", timeout=15)

    def switch_model(self, model: str | None, loaded: Transcriber | None = None) -> None:
        """Use another model from the next answer on: ``loaded`` if the caller already loaded
        it, else it loads in the background."""
        if model == self.transcriber.model_spec and self.model_status != "failed":
            return
        self.transcriber = loaded or Transcriber(model)
        if self.transcriber.loaded:
            self.post_message(ModelLoaded())
        else:
            self.model_status = "loading"
            self.load_model()

    def stop_voice(self) -> None:
        """Stop reading a question aloud, at once."""
        if self.voice is not None:
            self.voice.stop()

    # -- requests from the history screen (it only names an attempt) --------------------------

    def on_attempt_chosen(self, message: AttemptRequest) -> None:
        self.open_attempt(message.attempt_id, replay=False)

    def on_replay_requested(self, message: AttemptRequest) -> None:
        self.open_attempt(message.attempt_id, replay=True)

    @work(thread=True, group="open-attempt")
    def open_attempt(self, attempt_id: int, replay: bool) -> None:
        try:
            attempt = self.store.get(attempt_id)
            report = attempt.report
        except RehearseError as error:
            self.call_from_thread(self.notify, str(error), severity="error")
            return
        self.call_from_thread(self._show_attempt, attempt, report, replay)

    def _show_attempt(self, attempt: Attempt, report: Report, replay: bool) -> None:
        from rehearse.tui.replay import ReplayScreen
        from rehearse.tui.report import ReportScreen

        # A question since removed from the bank still has its report and recording.
        rubric = self.rubric(attempt.question_id) or Rubric(
            attempt.question_id, attempt.question_id, ()
        )
        if replay:
            if not attempt.audio_path.is_file():
                self.notify(f"The recording {attempt.audio_path} is gone.", severity="error")
                return
            self.push_screen(ReplayScreen(rubric, attempt, report))
        else:
            self.push_screen(ReportScreen(rubric, attempt, report))

    def action_help(self) -> None:
        from rehearse.tui.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())


def build_app(
    data: str | Path | None = None, bank: Path | None = None, model: str | None = None
) -> RehearseApp:
    """The app on the user's data directory, question bank, model and audio devices."""
    from rehearse.language.rubric import load_bank
    from rehearse.storage.settings import data_dir, ensure_writable
    from rehearse.tui.services import piper_voice

    directory = ensure_writable(data_dir(data))
    settings = Settings.load(directory)
    app = RehearseApp(
        bank=load_bank(bank),
        store=History(directory),
        transcriber=Transcriber(model or settings.model),
        settings=settings,
        data_dir=directory,
    )
    # The voice follows the speakers chosen in Settings, even after a change.
    app.voice = piper_voice(lambda: app.settings.output_device)
    return app


def run(data: str | Path | None = None, bank: Path | None = None, model: str | None = None) -> int:
    try:
        app = build_app(data, bank, model)
    except RehearseError as error:
        print(f"rehearse: {error}", file=sys.stderr)
        return error.exit_code
    from rehearse.tui.terminal import MESSAGES_LOG, library_messages_to

    # What ALSA and co. print would otherwise land on top of the screen.
    with library_messages_to(app.data_dir / MESSAGES_LOG):
        result = app.run()
    return result if isinstance(result, int) else 0
