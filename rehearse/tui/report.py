"""The report on one attempt: timing, pace, fillers, pauses, the rubric checklist, the change
since the best earlier attempt, and the transcript with fillers picked out."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

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
from rehearse.scoring.metrics import MetricInfo
from rehearse.scoring.render import clock, evidence_text, listens_for, order_text
from rehearse.scoring.render_coaching import coaching_rows, render_guide, render_tips
from rehearse.scoring.score import Report
from rehearse.storage.history import Attempt, best_attempt
from rehearse.storage.progress import Comparison, Standing, Verdict, compare, standing
from rehearse.storage.trends import best_so_far, counted, cut_short_under, is_cut_short
from rehearse.tui.context import AppContext, context
from rehearse.tui.navigation import AnswerRequested, ReplayRequested
from rehearse.tui.widgets import (
    TIMING_LABEL,
    TIMING_STYLE,
    TranscriptView,
    target_label,
    titled,
)


class StandingFound(Message):
    """Where the attempt stands among its question's attempts, read from the store, and the
    records it sets (best so far)."""

    def __init__(
        self,
        standing: Standing | None,
        problem: str | None = None,
        records: tuple[MetricInfo, ...] = (),
        best_overall: bool = False,
    ) -> None:
        super().__init__()
        self.standing = standing
        self.problem = problem
        self.records = records
        self.best_overall = best_overall


def best_so_far_text(records: Sequence[MetricInfo], best_overall: bool) -> Text | None:
    """The "best so far" line, when the attempt is the best at its question yet or sets a record
    on any rambling metric; ``None`` otherwise."""
    if not records and not best_overall:
        return None
    text = Text("★ Best so far", style="bold green")
    if best_overall:
        text.append(": your best attempt at this question yet", style="green")
    if records:
        text.append("; " if best_overall else ": ", style="green")
        text.append(", ".join(_RECORD_WORDS.get(r.key, r.label.lower()) for r in records))
    return text


# How a record on each metric reads ("fewest fillers per minute yet").
_RECORD_WORDS: dict[str, str] = {
    "overrun_seconds": "least overrun",
    "fillers_per_minute": "fewest fillers a minute",
    "pauses_per_minute": "fewest long pauses a minute",
    "coverage": "most points covered",
    "words_per_point": "fewest words per point",
    "first_point_seconds": "quickest to the first point",
    "hedges_per_minute": "fewest hedges a minute",
    "repetitions_per_minute": "fewest repeats and restarts a minute",
    "tangent_share": "least time off the points",
    "pitch_variety": "liveliest voice",
}


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


def coaching(report: Report) -> RenderableType:
    """Beyond fillers: pace over time, hedges, repetition, the voice, tangents, and the guide's
    checks for questions about the speaker's own work."""
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column()
    for label, figure in coaching_rows(report.coaching):
        grid.add_row(label, figure)
    guide = render_guide(report.coaching)
    return Group(grid, Text(), guide) if guide is not None else grid


def tips(report: Report) -> RenderableType:
    """The ranked tips, with a pointer to the replay key that finds each one."""
    if not report.coaching.tips:
        return render_tips(report.coaching, heading=False)
    hint = Text("p replays; t there jumps to each tip", "dim")
    return Group(render_tips(report.coaching, heading=False), hint)


def checklist(report: Report, rubric: Rubric | None = None) -> Table:
    """Each point with the sentence that covered it, or what it listens for; for an ordered
    question, the parts as spoken and which came out of order."""
    table = Table.grid(padding=(0, 1))
    table.add_column(no_wrap=True)
    table.add_column(ratio=1)
    points = {p.id: p for p in rubric.points} if rubric else {}
    for point in report.coverage.points:
        mark = Text("✔", style="bold green") if point.covered else Text("✘", style="bold red")
        detail = Text(point.label, style="" if point.covered else "dim")
        if point.seconds is not None:
            detail.append(f" · {point.seconds:.0f} s on it", style="cyan")
        if point.match:
            detail.append(f"\n  {evidence_text(point.match)}", style="green")
        elif point.id in points:
            detail.append(f"\n  {listens_for(points[point.id])}", style="dim")
        table.add_row(mark, detail)
    coverage = report.coverage
    if coverage.in_order is not None and coverage.timeline():
        style = "green" if coverage.in_order else "yellow"
        table.add_row(Text("⇢", style=style), Text(f"Order: {order_text(coverage)}", style=style))
    return table


_WORDS: dict[str, dict[Verdict, str]] = {
    "time": {
        "better": "closer to the target",
        "worse": "further from the target",
        "same": "as close to the target",
    },
    "fillers": {"better": "fewer fillers", "worse": "more fillers", "same": "as many fillers"},
    "coverage": {"better": "more points", "worse": "fewer points", "same": "as many points"},
}
_STYLES: dict[Verdict, str] = {"better": "green", "worse": "red", "same": "dim"}


def _plural(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


def _without_baseline(attempt: Attempt, place: Standing) -> Text:
    if place.number > 1:
        earlier = _plural(place.number - 1, "try", "tries")
        text = (
            f"Nothing earlier to compare it with: the {earlier} before it looked cut short"
            f" (under {clock(cut_short_under(attempt))})."
        )
    elif place.later:
        text = (
            "First attempt at this question, so nothing earlier to compare it with;"
            f" {_plural(place.later, 'attempt', 'attempts')} since."
        )
    else:
        text = (
            "First attempt at this question: the next ones will be compared with"
            " your best attempt before them."
        )
    return Text(text, style="dim italic")


def change_since(attempt: Attempt, place: Standing) -> RenderableType:
    """The attempt against the best earlier one that was not cut short, saying which one that
    is, and whether each figure got better or worse in words as well as in colour."""
    parts: list[RenderableType] = []
    baseline = place.baseline
    if baseline is None:
        parts.append(_without_baseline(attempt, place))
    else:
        heading = Text(
            f"Compared with #{place.baseline_number} ({baseline.created_at:%d %b %H:%M}),"
            " your best attempt before this one",
            style="dim",
        )
        if place.left_out:
            left_out = _plural(place.left_out, "try", "tries")
            heading.append(
                f" ({left_out} under {clock(cut_short_under(attempt))} left out as cut short)"
            )
        parts += [heading, _change_table(compare(attempt, baseline))]
    if is_cut_short(attempt):
        parts.append(
            Text(
                f"This try is under {clock(cut_short_under(attempt))}, so it looks cut short:"
                " later ones are not compared with it.",
                style="yellow",
            )
        )
    return Group(*parts)


def _change_table(comparison: Comparison) -> Table:
    table = Table.grid(padding=(0, 1))
    table.add_column(style="bold", no_wrap=True)
    table.add_column(no_wrap=True)
    table.add_column(no_wrap=True, justify="right")
    # The words wrap, so a narrow panel keeps every figure whole.
    table.add_column(ratio=1)
    time, fillers, coverage = comparison.time, comparison.fillers, comparison.coverage
    time_words = _WORDS["time"][time.verdict]
    if comparison.both_on_target:
        time_words = "both on target"
    rows = [
        (
            "Time",
            f"{clock(time.before)} → {clock(time.after)}",
            f"{time.delta:+.0f} s",
            time,
            time_words,
        ),
        (
            "Fillers/min",
            f"{fillers.before:.1f} → {fillers.after:.1f}",
            f"{fillers.delta:+.1f}",
            fillers,
            _WORDS["fillers"][fillers.verdict],
        ),
        (
            "Coverage",
            f"{coverage.before:.0f}% → {coverage.after:.0f}%",
            f"{coverage.delta:+.0f} pts",
            coverage,
            _WORDS["coverage"][coverage.verdict],
        ),
    ]
    for label, values, delta, change, words in rows:
        style = _STYLES[change.verdict]
        table.add_row(label, values, Text(delta, style=style), Text(words, style=style))
    return table


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
        self.head = Static(self._head(None), id="report-head")
        self.change = Static(Text("…", style="dim"), id="change", classes="panel")

    @property
    def rehearse(self) -> AppContext:
        return context(self.app)

    def _head(self, place: Standing | None) -> Text:
        """The question, then the attempt's number at it (once read from the store) and date."""
        report = self.report
        number = f"Attempt {place.number} of {place.total} · " if place else ""
        return Text.assemble(
            (self.rubric.question, "bold"),
            "\n",
            (
                f"{number}{self.attempt.created_at:%d %b %Y %H:%M} · "
                f"target {target_label(report.target_seconds)} · model {report.model}",
                "dim",
            ),
        )

    def compose(self) -> ComposeResult:
        report = self.report
        yield self.head
        with VerticalScroll(id="report-body"):
            with Horizontal(id="report-top"):
                with Vertical(id="report-left"):
                    yield titled(Static(figures(report), id="figures", classes="panel"), "Summary")
                    yield titled(self.change, "Change")
                yield titled(
                    Static(checklist(report, self.rubric), id="checklist", classes="panel"),
                    "Rubric checklist",
                )
            yield titled(Static(tips(report), id="tips", classes="panel"), "Tips")
            yield titled(Static(coaching(report), id="coaching", classes="panel"), "Coaching")
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
        self.find_standing()

    @work(thread=True, exclusive=True, group="standing")
    def find_standing(self) -> None:
        try:
            attempts = self.rehearse.store.attempts(self.attempt.question_id)
        except RehearseError as error:
            self.post_message(StandingFound(None, str(error)))
            return
        place = standing(attempts, self.attempt)
        key = (self.attempt.created_at, self.attempt.id)
        earlier = [a for a in attempts if (a.created_at, a.id) < key]
        records = best_so_far(self.attempt, earlier)
        # The best by the history's ranking, with earlier tries that count to beat.
        best_overall = bool(counted(earlier)) and not is_cut_short(self.attempt)
        best = best_attempt([*counted(earlier), self.attempt])
        best_overall = best_overall and best is not None and best.id == self.attempt.id
        self.post_message(StandingFound(place, records=records, best_overall=best_overall))

    def on_standing_found(self, message: StandingFound) -> None:
        if message.standing is None:
            self.change.update(Text(message.problem or "", style="red"))
            return
        self.head.update(self._head(message.standing))
        change = change_since(self.attempt, message.standing)
        best = best_so_far_text(message.records, message.best_overall)
        self.change.update(Group(best, change) if best else change)

    def action_replay(self) -> None:
        self.post_message(ReplayRequested(self.attempt, self.report, self.rubric))

    def action_retry(self) -> None:
        self.post_message(AnswerRequested(self.rubric, replacing=self))

    def action_back(self) -> None:
        self.dismiss(None)
