"""Every screen's keys in one place, read from the screens' own bindings so it never drifts.

The app hands the sections in (it knows the screens), so this module imports none of them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Footer, Static


@dataclass(frozen=True)
class HelpSection:
    """One screen in the help: its name, what it is for, and its key bindings."""

    name: str
    summary: str
    bindings: Sequence[BindingType]


def key_table(bindings: Sequence[BindingType]) -> Text:
    table = Text()
    for binding in bindings:
        if not isinstance(binding, Binding) or not binding.description:
            continue
        key = binding.key_display or {
            "space": "space",
            "escape": "esc",
            "enter": "enter",
            "question_mark": "?",
            "slash": "/",
        }.get(binding.key, binding.key)
        table.append(f"{key:<8}", style="bold cyan")
        # The tooltip, where there is one, says more than the footer has room for.
        table.append(f"{binding.tooltip or binding.description}\n")
    table.rstrip()
    return table


class HelpScreen(ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Close"),
        Binding("question_mark", "close", "Close", show=False),
        Binding("q", "close", "Close", show=False),
    ]

    def __init__(self, sections: Sequence[HelpSection]) -> None:
        super().__init__()
        self.sections = sections

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-body") as body:
            body.border_title = "Keys"
            body.border_subtitle = "escape closes"
            yield Static(
                Text.assemble(
                    ("rehearse", "bold"),
                    " · pick a question, answer it aloud, read the report, replay it, try again.\n",
                    ("? opens this help from any screen; ctrl+c quits at once.", "dim"),
                ),
                classes="help-intro",
            )
            for section in self.sections:
                yield Static(
                    Text.assemble((section.name, "bold"), (f"  {section.summary}", "dim")),
                    classes="help-title",
                )
                yield Static(key_table(section.bindings), classes="help-keys")
        yield Footer(show_command_palette=False)

    def action_close(self) -> None:
        self.dismiss(None)
