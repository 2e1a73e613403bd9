"""A yes/no question asked before something that cannot be undone (throwing an answer away,
ending a mock round). It dismisses with True only for an explicit yes."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static


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
