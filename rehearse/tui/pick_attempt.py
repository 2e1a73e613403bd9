"""Choosing the attempt to compare another with: the other attempts at the same question,
newest first, the one a report would compare it with chosen to start with."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from rehearse.scoring.render import clock
from rehearse.storage.history import Attempt

Choice = tuple[Attempt, int]
"""An attempt and its number at its question."""


def choice_text(attempt: Attempt, number: int) -> Text:
    return Text.assemble(
        (f"#{number:<3}", "bold"),
        f" {attempt.created_at:%Y-%m-%d %H:%M}  {clock(attempt.speaking_seconds)}"
        f"  {attempt.timing:<9}  {attempt.fillers_per_minute:4.1f} fillers/min"
        f"  {attempt.coverage_ratio:4.0%}",
    )


class PickAttempt(ModalScreen[Choice | None]):
    """Dismisses with the attempt chosen (and its number), or None."""

    CSS_PATH = "pick_attempt.tcss"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel"),
    ]

    def __init__(self, title: str, choices: Sequence[Choice], chosen: int | None = None) -> None:
        super().__init__()
        self.title_text = title
        self.choices = list(choices)
        self.chosen = chosen

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Text(self.title_text, style="bold"), id="pick-title")
            yield OptionList(
                *(Option(choice_text(a, n), id=str(a.id)) for a, n in self.choices),
                id="pick-list",
            )
            yield Static(Text("enter compares · escape cancels", style="dim"))

    def on_mount(self) -> None:
        options = self.query_one("#pick-list", OptionList)
        ids = [a.id for a, _ in self.choices]
        options.highlighted = ids.index(self.chosen) if self.chosen in ids else 0
        options.focus()

    @on(OptionList.OptionSelected, "#pick-list")
    def _picked(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.choices[event.option_index])

    def action_cancel(self) -> None:
        self.dismiss(None)
