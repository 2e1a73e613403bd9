"""Two attempts side by side: every rambling metric before and after, the fillers word by word,
the pauses, the points gained and lost, and the two transcripts aligned word by word.

The figures come from ``rehearse.scoring.compare`` and are laid out by the same renderables as
``rehearse compare`` (``rehearse.scoring.render_compare``); ``d`` switches the transcripts
between two columns and one text with the changes marked.
"""

from __future__ import annotations

from typing import ClassVar

from rich.console import Group
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Static

from rehearse.errors import RehearseError
from rehearse.scoring.compare import Comparison, compare
from rehearse.scoring.render_compare import (
    fillers_text,
    inline_diff,
    metrics_table,
    points_text,
    side_by_side,
)
from rehearse.storage.history import Attempt
from rehearse.tui.widgets import titled


class Compared(Message):
    def __init__(self, comparison: Comparison | None, problem: str | None = None) -> None:
        super().__init__()
        self.comparison = comparison
        self.problem = problem


def attempt_label(attempt: Attempt, number: int) -> str:
    """How the history names an attempt: its number at its question and when it was made."""
    return f"#{number} {attempt.created_at:%d %b %H:%M}"


class CompareScreen(Screen[None]):
    """``first`` (the earlier) against ``second``; ``numbers`` as the history numbers them."""

    CSS_PATH = "compare_screen.tcss"
    HELP = "two attempts side by side: metrics, fillers, points gained and lost, transcripts"
    AUTO_FOCUS = "#compare-body"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("d", "toggle_diff", "Diff / columns"),
        Binding("escape", "back", "Back"),
    ]

    def __init__(self, first: Attempt, second: Attempt, numbers: tuple[int, int]) -> None:
        super().__init__()
        self.first = first
        self.second = second
        self.labels = (attempt_label(first, numbers[0]), attempt_label(second, numbers[1]))
        self.comparison: Comparison | None = None
        self.as_diff = False
        # Held here rather than queried, so a late answer never looks for a widget already gone.
        self.figures = Static(Text("…", style="dim"), id="compare-figures", classes="panel")
        self.transcripts = Static("", id="compare-transcripts", classes="panel")

    def compose(self) -> ComposeResult:
        question = self.first.question_id
        if self.second.question_id != question:
            question += f" / {self.second.question_id}"
        head = Text(question, style="bold")
        head.append(f"\n{self.labels[0]} → {self.labels[1]}", style="dim")
        if self.first.scoring_revision != self.second.scoring_revision:
            head.append(
                "\nScored by different rules: part of a change may be the rules, not you.",
                style="yellow",
            )
        yield Static(head, id="compare-head")
        with VerticalScroll(id="compare-body"):
            yield titled(self.figures, "What changed")
            yield titled(self.transcripts, "Transcripts")
        yield Footer()

    def on_mount(self) -> None:
        self.load()

    @work(thread=True, exclusive=True, group="compare")
    def load(self) -> None:
        # Reports are read from the store (they are large): in a thread.
        try:
            before, after = self.first.report, self.second.report
        except RehearseError as error:
            self.post_message(Compared(None, str(error)))
            return
        self.post_message(Compared(compare(before, after, self.first.metrics, self.second.metrics)))

    def on_compared(self, message: Compared) -> None:
        if message.comparison is None:
            self.figures.update(Text(message.problem or "", style="red"))
            return
        self.comparison = comparison = message.comparison
        self.figures.update(
            Group(
                metrics_table(comparison, *self.labels),
                Text(),
                fillers_text(comparison),
                points_text(comparison),
            )
        )
        self._show_transcripts()

    def _show_transcripts(self) -> None:
        comparison = self.comparison
        if comparison is None:
            return
        shared = Text(
            f"{comparison.words_in_common:.0%} of the words in common;"
            f" {'d: two columns' if self.as_diff else 'd: one text with the changes marked'}",
            style="dim",
        )
        body = inline_diff(comparison) if self.as_diff else side_by_side(comparison, *self.labels)
        self.transcripts.update(Group(shared, body))

    def action_toggle_diff(self) -> None:
        self.as_diff = not self.as_diff
        self._show_transcripts()

    def action_back(self) -> None:
        self.app.pop_screen()
