"""Your own target length for one question: set it, or go back to the question's own."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from rehearse.errors import UsageError
from rehearse.language.rubric import Rubric
from rehearse.service import Target
from rehearse.storage.settings import parse_target
from rehearse.tui.widgets import target_label


@dataclass(frozen=True)
class TargetChosen:
    """The user's answer: their own target in seconds, or None for the question's own."""

    seconds: tuple[int, int] | None


class TargetScreen(ModalScreen[TargetChosen | None]):
    """Dismisses with ``TargetChosen``, or None when the user backs out."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel"),
        Binding("ctrl+r", "reset", "Question's own"),
    ]

    def __init__(self, rubric: Rubric, target: Target) -> None:
        super().__init__()
        self.rubric = rubric
        self.target = target

    def compose(self) -> ComposeResult:
        low, high = self.target.seconds
        own = target_label(self.rubric.target_seconds)
        with Vertical(id="target-box") as box:
            box.border_title = "Target length"
            yield Static(Text(self.rubric.question, style="bold"), id="target-question")
            yield Static(
                Text.assemble(
                    ("The question's own target is ", "dim"),
                    own,
                    (". Yours applies to this question only.", "dim"),
                ),
                classes="hint",
            )
            yield Input(
                f"{low}-{high}" if self.target.source == "yours" else "",
                placeholder=f"seconds, e.g. {low}-{high} · blank: the question's own",
                id="target-input",
            )
            yield Static(
                Text("enter saves · ctrl+r goes back to the question's own · escape cancels"),
                classes="hint",
            )
            yield Static(id="target-problem")

    @on(Input.Submitted, "#target-input")
    def _submitted(self, event: Input.Submitted) -> None:
        try:
            seconds = parse_target(event.value)
        except UsageError as error:
            self.query_one("#target-problem", Static).update(Text(f"✘ {error}", "red"))
            return
        self.dismiss(TargetChosen(seconds))

    def action_reset(self) -> None:
        self.dismiss(TargetChosen(None))

    def action_cancel(self) -> None:
        self.dismiss(None)
