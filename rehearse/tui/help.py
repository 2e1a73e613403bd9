"""Every screen's keys in one place, read from the screens' own bindings so it never drifts."""

from __future__ import annotations

from typing import Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Footer, Static


def screens() -> list[tuple[str, type[Screen[Any]]]]:
    from rehearse.tui.mock_round import MockRoundScreen
    from rehearse.tui.questions import QuestionsScreen
    from rehearse.tui.record import RecordScreen
    from rehearse.tui.replay import ReplayScreen
    from rehearse.tui.report import ReportScreen
    from rehearse.tui.settings_screen import SettingsScreen

    found: list[tuple[str, type[Screen[Any]]]] = [
        ("Questions", QuestionsScreen),
        ("Record", RecordScreen),
        ("Report", ReportScreen),
        ("Replay", ReplayScreen),
        ("Mock round", MockRoundScreen),
        ("Settings", SettingsScreen),
    ]
    try:
        from rehearse.tui.history_screen import HistoryScreen
    except ImportError:
        pass
    else:
        found.insert(3, ("History", HistoryScreen))
    return found


def key_table(screen: type[Screen[Any]]) -> Text:
    table = Text()
    for binding in screen.BINDINGS:
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
            for name, screen in screens():
                summary = getattr(screen, "HELP", "")
                yield Static(
                    Text.assemble((name, "bold"), (f"  {summary}", "dim")), classes="help-title"
                )
                yield Static(key_table(screen), classes="help-keys")
        yield Footer(show_command_palette=False)

    def action_close(self) -> None:
        self.dismiss(None)
