"""The rehearsal app: dependencies are handed in, so tests run it on temp dirs and real audio.

The app is the one navigator: screens post the requests in ``navigation`` and the app shows the
screen asked for. Screens see the app only as ``context.AppContext``, so none imports it.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from textual import work
from textual.app import App
from textual.binding import Binding, BindingType
from textual.reactive import reactive
from textual.screen import Screen

from rehearse.errors import RehearseError
from rehearse.language.rubric import Rubric
from rehearse.scoring.score import Report
from rehearse.service import Rescored
from rehearse.speech.transcribe import Transcriber
from rehearse.storage.history import Attempt, History
from rehearse.storage.lock import FolderLock
from rehearse.storage.settings import Settings
from rehearse.tui.compare_screen import CompareScreen
from rehearse.tui.context import AppContext
from rehearse.tui.help import HelpScreen, HelpSection
from rehearse.tui.history_screen import HistoryScreen
from rehearse.tui.messages import HistoryChanged, ModelFailed, ModelLoaded, RecordingsRecovered
from rehearse.tui.mock_round import MockRoundScreen
from rehearse.tui.navigation import (
    AnswerRequested,
    CompareRequested,
    HistoryRequested,
    MockRoundRequested,
    ProgressRequested,
    ReplayRequested,
    ReportRequested,
    RescoreRequested,
    SettingsRequested,
)
from rehearse.tui.progress_screen import ProgressScreen
from rehearse.tui.questions import QuestionsScreen
from rehearse.tui.record import RecordScreen
from rehearse.tui.replay import ReplayScreen
from rehearse.tui.report import ReportScreen
from rehearse.tui.rescore import RescoreScreen
from rehearse.tui.services import (
    PlayerFactory,
    RecorderFactory,
    Voice,
    real_player_factory,
    real_recorder_factory,
)
from rehearse.tui.settings_screen import SettingsScreen

SCREENS: tuple[tuple[str, type[Screen[Any]]], ...] = (
    ("Questions", QuestionsScreen),
    ("Record", RecordScreen),
    ("Report", ReportScreen),
    ("History", HistoryScreen),
    ("Progress", ProgressScreen),
    ("Compare", CompareScreen),
    ("Replay", ReplayScreen),
    ("Mock round", MockRoundScreen),
    ("Settings", SettingsScreen),
)
"""Every screen, in the order the help lists them."""

if TYPE_CHECKING:
    from rehearse.service import Target


def help_sections() -> list[HelpSection]:
    """The help screen's content: each screen's purpose and keys, from its own bindings."""
    return [HelpSection(name, getattr(s, "HELP", ""), s.BINDINGS) for name, s in SCREENS]


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
        notices: Sequence[str] = (),
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
        # Problems that cost one thing, not the app: a skipped rubric file, a bad settings file.
        self.notices = tuple(notices)
        self.lock: FolderLock | None = None

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

    @property
    def read_only(self) -> str | None:
        """Why this session may not record or delete (another copy has the folder), or None."""
        return self.store.read_only

    # -- lifecycle ------------------------------------------------------------------------------

    def on_mount(self) -> None:
        self.push_screen(QuestionsScreen())
        # Loading takes seconds: do it now, in the background, so the first answer need not wait.
        if self.transcriber.loaded:
            self.model_status = "ready"
            self.offer_rescore()
        else:
            self.load_model()
        for notice in self.notices:
            self.notify(notice, title="Skipped", severity="warning", timeout=20)
        if self.read_only:
            # The copy that has the folder recovers its recordings; this one must not touch them.
            self.notify(self.read_only, title="Read-only", severity="warning", timeout=30)
        else:
            self.recover_recordings()

    @work(thread=True, exclusive=True, group="model")
    def load_model(self) -> None:
        from rehearse.service import warm_coverage

        # The sentence model loads beside the speech model, on its own thread, and learns the
        # bank's points (a fraction of a second) before the first answer needs them.
        warm_coverage(list(self.bank))
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
        self.offer_rescore()

    @work(thread=True, exclusive=True, group="rescore-offer")
    def offer_rescore(self) -> None:
        """Once after an upgrade: if attempts were scored by older rules, offer to rescore them
        (with the model loaded, so that yes can start at once). The offer is remembered."""
        from rehearse.service import remember_rescore_offered, rescore_to_offer

        try:
            if not rescore_to_offer(self.store):
                return
            outdated = [a for a in self.store.attempts() if a.outdated]
            remember_rescore_offered(self.store)
        except RehearseError:
            return  # an unreadable history says so on its own screen
        self.post_message(RescoreRequested(outdated, after_upgrade=True))

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

    # -- navigation: the screens ask, the app shows ------------------------------------------

    def _show(self, screen: Screen[Any], replacing: Screen[Any] | None = None) -> None:
        # Replace only the screen that asked: something else (the help) may be on top by now.
        if replacing is not None and self.screen is replacing:
            self.switch_screen(screen)
        else:
            self.push_screen(screen)

    def _rubric_of(self, attempt: Attempt) -> Rubric:
        # A question since removed from the bank still has its report and recording.
        return self.rubric(attempt.question_id) or Rubric(
            attempt.question_id, attempt.question_id, ()
        )

    def _report_of(self, attempt: Attempt, report: Report | None) -> Report | None:
        if report is not None:
            return report
        try:
            return attempt.report
        except RehearseError as error:
            self.notify(str(error), severity="error")
            return None

    def on_answer_requested(self, message: AnswerRequested) -> None:
        screen = RecordScreen(
            message.rubric,
            in_round=message.in_round,
            caption=message.caption,
            read_aloud=message.read_aloud,
        )
        if message.answered is not None:
            self.push_screen(screen, callback=message.answered)
        else:
            self._show(screen, message.replacing)

    def on_report_requested(self, message: ReportRequested) -> None:
        attempt = message.attempt
        report = self._report_of(attempt, message.report)
        if report is not None:
            rubric = message.rubric or self._rubric_of(attempt)
            self._show(ReportScreen(rubric, attempt, report), message.replacing)

    def on_replay_requested(self, message: ReplayRequested) -> None:
        attempt = message.attempt
        if not attempt.audio_path.is_file():
            self.notify(f"The recording {attempt.audio_path} is gone.", severity="error")
            return
        report = self._report_of(attempt, message.report)
        if report is not None:
            self.push_screen(
                ReplayScreen(message.rubric or self._rubric_of(attempt), attempt, report)
            )

    def on_history_requested(self, _: HistoryRequested) -> None:
        self.push_screen(HistoryScreen(self.store, self.bank))

    def on_mock_round_requested(self, _: MockRoundRequested) -> None:
        self.push_screen(MockRoundScreen())

    def on_settings_requested(self, _: SettingsRequested) -> None:
        self.push_screen(SettingsScreen())

    def on_progress_requested(self, message: ProgressRequested) -> None:
        rubric = self.rubric(message.question_id)
        question = rubric.question if rubric else None
        self.push_screen(ProgressScreen(self.store, message.question_id, question))

    def on_compare_requested(self, message: CompareRequested) -> None:
        self.push_screen(CompareScreen(message.first, message.second, message.numbers))

    def on_rescore_requested(self, message: RescoreRequested) -> None:
        if message.after_upgrade and not isinstance(self.screen, QuestionsScreen):
            # Never over an answer in progress: say where the offer waits instead.
            self.notify(
                f"{len(message.attempts)} attempt(s) were scored by older rules. To score them"
                " again: History (h), then Progress (g), then r.",
                title="Scoring improved",
                timeout=15,
            )
            return
        self.push_screen(
            RescoreScreen(message.attempts, message.after_upgrade), callback=self._rescored
        )

    def _rescored(self, result: Rescored | None) -> None:
        if result is None:
            return
        self.notify(f"Rescored {len(result.updated)} attempt(s).", title="Rescore")
        for line in result.kept:
            self.notify(line, title="Kept as it was", severity="warning")

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(help_sections()))


def build_app(
    data: str | Path | None = None, bank: Path | None = None, model: str | None = None
) -> RehearseApp:
    """The app on the user's data directory, question bank, model and audio devices.

    The first copy of the app on a data folder takes its lock (``RehearseApp.lock``, released by
    ``run``); a second copy opens read-only.
    """
    from rehearse.language.rubric import load_bank
    from rehearse.storage.lock import FolderBusy
    from rehearse.storage.settings import data_dir, ensure_writable
    from rehearse.tui.services import piper_voice

    directory = ensure_writable(data_dir(data))
    notices: list[str] = []
    settings = Settings.load(directory, notices)
    questions = load_bank(bank, notices)
    lock, read_only = None, None
    try:
        lock = FolderLock.acquire(directory)
    except FolderBusy as busy:
        read_only = (
            f"{str(busy)[0].upper()}{str(busy)[1:]}, so this window is read-only: browse the"
            " history and replay, but record or delete in the other one"
        )
    app = RehearseApp(
        bank=questions,
        store=History(directory, read_only=read_only),
        transcriber=Transcriber(model or settings.model),
        settings=settings,
        data_dir=directory,
        notices=notices,
    )
    app.lock = lock
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

    try:
        # What ALSA and co. print would otherwise land on top of the screen.
        with library_messages_to(app.data_dir / MESSAGES_LOG):
            result = app.run()
    finally:
        if app.lock is not None:
            app.lock.release()
    return result if isinstance(result, int) else 0


# mypy checks here that the app gives the screens everything they read through AppContext.
_APP_CONTEXT: type[AppContext] = RehearseApp
