"""Questions asked before something that cannot be undone: deleting an attempt with its
recording, throwing an answer away, ending a mock round. Each dismisses with True only for an
explicit yes."""

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


class ConfirmScreen(ModalScreen[bool]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "answer(True)", "Yes"),
        Binding("n", "answer(False)", "No"),
        Binding("escape", "answer(False)", "No", show=False),
    ]

    def __init__(self, question: str, yes: str, no: str, detail: str = "") -> None:
        super().__init__()
        self.question = question
        self.yes = yes
        self.no = no
        self.detail = detail

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-box"):
            text = Text(self.question, style="bold")
            if self.detail:
                text.append(f"\n{self.detail}", style="dim")
            yield Static(text, id="confirm-question")
            with Horizontal(id="confirm-buttons"):
                # The keys are written on the buttons: they work without a mouse or colours.
                yield Button(f"y  {self.yes}", variant="error", id="confirm-yes")
                yield Button(f"n  {self.no}", variant="primary", id="confirm-no")

    def on_mount(self) -> None:
        # The safe choice has the focus: a stray enter keeps what was recorded.
        self.query_one("#confirm-no", Button).focus()

    @on(Button.Pressed, "#confirm-yes")
    def _yes(self) -> None:
        self.dismiss(True)

    @on(Button.Pressed, "#confirm-no")
    def _no(self) -> None:
        self.dismiss(False)

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)
