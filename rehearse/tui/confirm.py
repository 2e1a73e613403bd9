"""Asking before an attempt is deleted: its recording goes with it, and that cannot be undone."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from rehearse.scoring.render import clock
from rehearse.storage.history import Attempt


class ConfirmDelete(ModalScreen[bool]):
    """Dismisses with True to delete ``attempt``; ``question`` is its text, when still known."""

    CSS_PATH = "confirm.tcss"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "answer(True)", "Delete"),
        Binding("n,escape", "answer(False)", "Keep"),
    ]

    def __init__(self, attempt: Attempt, question: str | None = None) -> None:
        super().__init__()
        self.attempt = attempt
        self.question = question

    def compose(self) -> ComposeResult:
        a = self.attempt
        text = Text.assemble(
            "Delete the attempt at ",
            (a.question_id, "bold"),
            f" from {a.created_at:%Y-%m-%d %H:%M}",
            f" ({clock(a.speaking_seconds)} spoken) and its recording?",
        )
        if self.question:
            text.append(f"\n\n{self.question}", style="italic")
        with Vertical():
            yield Static(text, id="confirm-text")
            with Horizontal():
                yield Button("Keep (n)", id="keep")
                yield Button("Delete (y)", id="delete", variant="error")

    def on_mount(self) -> None:
        # Keep is the safe default for a stray enter.
        self.query_one("#keep", Button).focus()

    def action_answer(self, delete: bool) -> None:
        self.dismiss(delete)

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "delete")
