"""Scoring saved attempts again by the current rules, with a progress bar.

The app offers it once after an upgrade (when attempts of older rules exist) and the progress
view offers it whenever a question's attempts mix rules. The work is the service layer's
``rescore_attempts``: each attempt keeps its figures until its new report is written, so
stopping midway leaves every attempt whole.
"""

from __future__ import annotations

import threading
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, ProgressBar, Static

from rehearse.service import Rescored, rescore_attempts
from rehearse.storage.history import Attempt
from rehearse.tui.context import context


def offer_text(count: int, after_upgrade: bool) -> Text:
    attempts = f"{count} attempt{'s were' if count != 1 else ' was'}"
    text = Text()
    if after_upgrade:
        text.append("rehearse has improved how it scores answers. ", style="bold")
    text.append(
        f"{attempts} scored by older rules, so a trend over them may show a change that is only"
        " the rules. Score their recordings again now? It takes about as long as scoring each"
        " answer once; each attempt keeps its figures until its new ones are written."
    )
    return text


class RescoreScreen(ModalScreen[Rescored | None]):
    """Asks, then rescores ``attempts``; dismisses with what was done, or None if declined."""

    CSS_PATH = "rescore.tcss"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("r", "start", "Rescore"),
        Binding("n,escape", "later", "Not now"),
        Binding("s", "stop", "Stop"),
    ]

    def __init__(self, attempts: list[Attempt], after_upgrade: bool = False) -> None:
        super().__init__()
        self.attempts = attempts
        self.after_upgrade = after_upgrade
        self.running = False
        self._stop = threading.Event()

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(offer_text(len(self.attempts), self.after_upgrade), id="rescore-text")
            yield ProgressBar(total=len(self.attempts), id="rescore-bar")
            yield Static("", id="rescore-status")
            with Horizontal(id="rescore-buttons"):
                yield Button("Not now (n)", id="later")
                yield Button("Rescore (r)", id="start", variant="primary")
                yield Button("Stop (s)", id="stop", variant="warning")

    def on_mount(self) -> None:
        self.query_one("#start", Button).focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "stop":
            return self.running
        if action in ("start", "later"):
            return not self.running
        return True

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "start":
            self.action_start()
        elif event.button.id == "stop":
            self.action_stop()
        else:
            self.action_later()

    def action_start(self) -> None:
        if self.running:
            return
        self.running = True
        self.set_class(True, "-running")
        self.refresh_bindings()
        self.query_one("#stop", Button).focus()
        self._run()

    def action_later(self) -> None:
        if not self.running:
            self.dismiss(None)

    def action_stop(self) -> None:
        self._stop.set()
        self.query_one("#rescore-status", Static).update(
            Text("Stopping after the attempt being scored…", style="yellow")
        )

    @work(thread=True, exclusive=True, group="rescore")
    def _run(self) -> None:
        app = context(self.app)

        def step(done: int, total: int, attempt: Attempt) -> None:
            self.app.call_from_thread(self._step, done, attempt)

        result = rescore_attempts(
            app.store,
            self.attempts,
            app.rubric,
            app.transcriber,
            app.settings,
            progress=step,
            stop=self._stop.is_set,
        )
        self.app.call_from_thread(self.dismiss, result)

    def _step(self, done: int, attempt: Attempt) -> None:
        self.query_one("#rescore-bar", ProgressBar).update(progress=done)
        self.query_one("#rescore-status", Static).update(
            Text(f"Scoring attempt {done + 1} of {len(self.attempts)} ({attempt.question_id})…")
        )
