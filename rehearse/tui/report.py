"""The report on one attempt: timing, pace, fillers, pauses, the rubric checklist, the change
since the previous attempt, and the transcript with fillers picked out."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, cast

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Static

from rehearse.errors import RehearseError
from rehearse.language.rubric import Rubric
from rehearse.scoring.render import clock
from rehearse.scoring.score import Report
from rehearse.storage.history import Attempt
from rehearse.tui.widgets import (
    TIMING_LABEL,
    TIMING_STYLE,
    TranscriptView,
    target_label,
    titled,
)

if TYPE_CHECKING:
    from rehearse.tui.app import RehearseApp


class PreviousFound(Message):
    def __init__(self, previous: Attempt | None, problem: str | None = None) -> None:
        super().__init__()
        self.previous = previous
        self.problem = problem


def figures(report: Report) -> Table:
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column()
    low, high = report.target_seconds
    grid.add_row(
        "Time",
        Text.assemble(
            (TIMING_LABEL[report.timing], f"bold reverse {TIMING_STYLE[report.timing]}"),
            f"  {clock(report.speaking_seconds)} spoken, target {clock(low)}–{clock(high)}",
        ),
    )
    grid.add_row("Pace", f"{report.words_per_minute:.0f} words/min ({report.word_count} words)")
    # Every kind, most frequent first: the column wraps them onto as many lines as it takes.
    top = ", ".join(f"{word} ×{n}" for word, n in report.fillers.by_word.items())
    grid.add_row(
        "Fillers",
        Text.assemble(
            (f"{report.fillers.count}", "bold magenta" if report.fillers.count else "green"),
            f" · {report.fillers.per_minute:.1f}/min",
            (f" · {top}" if top else " · none", "magenta" if top else "dim"),
        ),
    )
    pauses = ", ".join(f"{p.seconds:.1f}s at {clock(p.start)}" for p in report.pauses[:4])
    if len(report.pauses) > 4:
        pauses += f" (+{len(report.pauses) - 4} more)"
    grid.add_row("Long pauses", pauses or Text("none", style="dim"))
    cov = report.coverage
    covered = sum(p.covered for p in cov.points)
    order = ""
    if cov.in_order is not None:
        order = " · in order" if cov.in_order else " · OUT OF ORDER"
    grid.add_row(
        "Coverage",
        Text.assemble(
            (f"{covered} of {len(cov.points)} points", "bold"), f" ({cov.ratio:.0%}){order}"
        ),
    )
    return grid


def checklist(report: Report) -> Table:
    table = Table.grid(padding=(0, 1))
    table.add_column(no_wrap=True)
    table.add_column(ratio=1)
    for point in report.coverage.points:
        mark = Text("✔", style="bold green") if point.covered else Text("✘", style="bold red")
        detail = Text(point.label, style="" if point.covered else "dim")
        if point.match:
            detail.append(
                f'\n  heard "{point.match.heard}" at {clock(point.match.start)}', style="green"
            )
        if point.seconds is not None:
            detail.append(f" · {point.seconds:.0f} s on it", style="cyan")
        table.add_row(mark, detail)
    return table


def _distance(seconds: float, target: tuple[int, int]) -> float:
    low, high = target
    return max(low - seconds, 0.0, seconds - high)


def change_since(attempt: Attempt, previous: Attempt | None) -> RenderableType:
    """The attempt against the one before it: green where it improved, red where it slipped."""
    if previous is None:
        return Text(
            "First attempt at this question: the next one will be compared to it.",
            style="dim italic",
        )

    def arrow(better: bool | None) -> str:
        return "green" if better else "red" if better is False else "dim"

    target = attempt.target_seconds
    seconds = attempt.speaking_seconds - previous.speaking_seconds
    closer = _distance(attempt.speaking_seconds, target) - _distance(
        previous.speaking_seconds, target
    )
    fillers = attempt.fillers_per_minute - previous.fillers_per_minute
    coverage = (attempt.coverage_ratio - previous.coverage_ratio) * 100
    table = Table.grid(padding=(0, 1))
    table.add_column(style="bold", no_wrap=True)
    table.add_column(no_wrap=True)
    table.add_column(no_wrap=True)
    table.add_row(
        "Time",
        f"{clock(previous.speaking_seconds)} → {clock(attempt.speaking_seconds)}",
        Text(f"{seconds:+.0f} s", style=arrow(None if abs(closer) < 1 else closer < 0)),
    )
    table.add_row(
        "Fillers/min",
        f"{previous.fillers_per_minute:.1f} → {attempt.fillers_per_minute:.1f}",
        Text(f"{fillers:+.1f}", style=arrow(None if abs(fillers) < 0.05 else fillers < 0)),
    )
    table.add_row(
        "Coverage",
        f"{previous.coverage_ratio:.0%} → {attempt.coverage_ratio:.0%}",
        Text(f"{coverage:+.0f} pts", style=arrow(None if abs(coverage) < 0.5 else coverage > 0)),
    )
    return Group(
        Text(f"Since the attempt of {previous.created_at:%d %b %H:%M}", style="dim"), table
    )


class ReportScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("p", "replay", "Replay"),
        Binding("r", "retry", "Try again"),
        Binding("escape", "back", "Questions"),
    ]
    HELP = "How the answer went; p plays it back with the transcript."
    AUTO_FOCUS = "#report-body"

    def __init__(self, rubric: Rubric, attempt: Attempt, report: Report | None = None) -> None:
        super().__init__()
        self.rubric = rubric
        self.attempt = attempt
        self.report = report or attempt.report
        # Held here rather than queried, so a late answer never looks for a widget already gone.
        self.change = Static(Text("…", style="dim"), id="change", classes="panel")

    @property
    def rehearse(self) -> RehearseApp:
        return cast("RehearseApp", self.app)

    def compose(self) -> ComposeResult:
        report = self.report
        yield Static(
            Text.assemble(
                (self.rubric.question, "bold"),
                "\n",
                (
                    f"Attempt {self.attempt.id} · {self.attempt.created_at:%d %b %Y %H:%M} · "
                    f"target {target_label(report.target_seconds)} · model {report.model}",
                    "dim",
                ),
            ),
            id="report-head",
        )
        with VerticalScroll(id="report-body"):
            with Horizontal(id="report-top"):
                with Vertical(id="report-left"):
                    yield titled(Static(figures(report), id="figures", classes="panel"), "Summary")
                    yield titled(self.change, "Change")
                yield titled(
                    Static(checklist(report), id="checklist", classes="panel"), "Rubric checklist"
                )
            for note in report.notes:
                yield Static(Text(f"Note: {note}", style="yellow"), classes="note")
            yield titled(
                TranscriptView(
                    report.words, report.filler_word_indices, report.pauses, id="transcript"
                ),
                "Transcript (fillers in magenta)",
            )
        yield Footer(show_command_palette=False)

    def on_mount(self) -> None:
        self.find_previous()

    @work(thread=True, exclusive=True, group="previous")
    def find_previous(self) -> None:
        try:
            previous = self.rehearse.store.previous(self.attempt)
        except RehearseError as error:
            self.post_message(PreviousFound(None, str(error)))
            return
        self.post_message(PreviousFound(previous))

    def on_previous_found(self, message: PreviousFound) -> None:
        change = self.change
        if message.problem:
            change.update(Text(message.problem, style="red"))
        else:
            change.update(change_since(self.attempt, message.previous))

    def action_replay(self) -> None:
        from rehearse.tui.replay import ReplayScreen

        if not self.attempt.audio_path.is_file():
            self.notify(f"The recording {self.attempt.audio_path} is gone.", severity="error")
            return
        self.app.push_screen(ReplayScreen(self.rubric, self.attempt, self.report))

    def action_retry(self) -> None:
        from rehearse.tui.record import RecordScreen

        self.app.switch_screen(RecordScreen(self.rubric))

    def action_back(self) -> None:
        self.dismiss(None)
