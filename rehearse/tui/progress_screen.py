"""How one question's attempts went, metric by metric: the figures of ``rehearse progress`` for
one question (first, best, latest, the last three's average and the direction of every rambling
metric) with a chart of the metric under the cursor.

The figures come from ``rehearse.storage.trends``; this screen lays them out. When the attempts
were scored by different rules it says so, and ``r`` offers to score the old ones again.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static

from rehearse.errors import RehearseError
from rehearse.scoring.metrics import scoring_version
from rehearse.storage.history import Attempt, History
from rehearse.storage.trends import MetricTrend, QuestionProgress, question_progress
from rehearse.tui.charts import MetricChart
from rehearse.tui.navigation import RescoreRequested

# The trend's word and its colour (theme variables, so they follow the theme).
_DIRECTION_STYLE: dict[str, str] = {"improving": "success", "worsening": "error"}


class ProgressLoaded(Message):
    def __init__(self, progress: QuestionProgress | None, problem: str | None = None) -> None:
        super().__init__()
        self.progress = progress
        self.problem = problem


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'s' if count != 1 else ''}"


def overview(progress: QuestionProgress) -> Text:
    """Attempts, days, streak and the share inside the target, on one line."""
    cut = f" ({progress.cut_short} cut short)" if progress.cut_short else ""
    return Text(
        f"{_plural(progress.count, 'attempt')}{cut} on {_plural(progress.practice_days, 'day')}"
        f" · streak {_plural(progress.current_streak, 'day')}"
        f" · {progress.on_target_share:.0%} inside the target"
    )


def scoring_note(progress: QuestionProgress) -> Text | None:
    """What to know when the attempts were not all scored by the current rules."""
    if not progress.outdated:
        return None
    text = Text(style="yellow")
    if progress.mixed_scoring:
        versions = " and ".join(scoring_version(r) for r in progress.revisions)
        text.append(f"These attempts were scored by different rules ({versions}): ")
        text.append("part of a change may be the rules, not you. ")
    text.append(f"{_plural(progress.outdated, 'attempt')} scored by older rules; ")
    text.append("r", style="bold")
    text.append(" scores them again.")
    return text


def latest_parts(progress: QuestionProgress) -> Text | None:
    """For an ordered rubric: the latest attempt's seconds on each part against an even share."""
    latest = next((a for a in reversed(progress.attempts) if a.metrics.parts), None)
    if latest is None:
        return None
    text = Text("Latest parts: ", style="bold")
    for n, part in enumerate(latest.metrics.parts):
        if n:
            text.append(" · ")
        if part.seconds is None or part.over is None:
            text.append(f"{part.id} not said", style="dim")
            continue
        style = "red" if part.over > part.share / 2 else ""
        text.append(f"{part.id} {part.seconds:.0f} s ({part.over:+.0f})", style=style)
    text.append(f"   an even share is {latest.metrics.parts[0].share:.1f} s", style="dim")
    return text


class ProgressScreen(Screen[None]):
    """Every rambling metric of one question's attempts, with a chart of the chosen one."""

    CSS_PATH = "progress_screen.tcss"
    HELP = "one question's attempts metric by metric: first, best, latest and the trend"
    AUTO_FOCUS = "#metrics"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("r", "rescore", "Rescore old attempts"),
        Binding("escape", "back", "Back"),
    ]

    def __init__(self, store: History, question_id: str, question: str | None = None) -> None:
        super().__init__()
        self.store = store
        self.question_id = question_id
        self.question = question
        self.progress: QuestionProgress | None = None

    def compose(self) -> ComposeResult:
        head = Text(self.question or self.question_id, style="bold")
        head.append(f"\n{self.question_id} · progress", style="dim")
        yield Static(head, id="progress-head")
        yield Static(Text("…", style="dim"), id="progress-overview")
        table: DataTable[Text] = DataTable(cursor_type="row", zebra_stripes=True, id="metrics")
        yield table
        yield MetricChart(id="metric-chart")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#metrics", DataTable)
        for label in ("Metric", "First", "Best", "Latest", "Last 3", "Trend"):
            table.add_column(label, key=label.lower())

    def on_screen_resume(self) -> None:
        # Also on the first push; and after a rescore, the figures are read again.
        self.load()

    @work(thread=True, exclusive=True, group="progress")
    def load(self) -> None:
        try:
            attempts = self.store.attempts(self.question_id)
        except RehearseError as error:
            self.post_message(ProgressLoaded(None, str(error)))
            return
        self.post_message(ProgressLoaded(question_progress(self.question_id, attempts)))

    def on_progress_loaded(self, message: ProgressLoaded) -> None:
        shown = self.query_one("#progress-overview", Static)
        if message.progress is None:
            shown.update(Text(message.problem or "", style="red"))
            return
        self.progress = progress = message.progress
        lines = [overview(progress)]
        lines += [line for line in (scoring_note(progress), latest_parts(progress)) if line]
        shown.update(Text("\n").join(lines))
        self._fill(progress)
        self.refresh_bindings()

    def _fill(self, progress: QuestionProgress) -> None:
        table = self.query_one("#metrics", DataTable)
        row = table.cursor_row
        table.clear()
        colours = self.app.theme_variables
        for trend in progress.metrics:
            info = trend.info
            best = info.format(trend.best)
            if trend.best_number is not None and trend.best is not None:
                best += f" #{trend.best_number}"
            table.add_row(
                Text(info.label),
                Text(info.format(trend.first), justify="right"),
                Text(best, justify="right"),
                Text(info.format(trend.latest), justify="right"),
                Text(info.format(trend.moving_average), justify="right"),
                self._direction(trend, colours),
                key=info.key,
            )
        table.move_cursor(row=max(0, row), animate=False)
        self._chart(progress.metrics[max(0, table.cursor_row)])

    @staticmethod
    def _direction(trend: MetricTrend, colours: dict[str, str]) -> Text:
        if trend.direction == "steady" and len(trend.values) < 2:
            return Text("after 2 attempts", style="dim")
        style = colours.get(_DIRECTION_STYLE.get(trend.direction, ""), "dim")
        return Text(trend.direction, style=style)

    def _chart(self, trend: MetricTrend) -> None:
        self.query_one(MetricChart).show(trend, self.question_id)

    @on(DataTable.RowHighlighted, "#metrics")
    def _metric_chosen(self, event: DataTable.RowHighlighted) -> None:
        if self.progress is not None and 0 <= event.cursor_row < len(self.progress.metrics):
            self._chart(self.progress.metrics[event.cursor_row])

    @property
    def outdated(self) -> list[Attempt]:
        if self.progress is None:
            return []
        return [a for a in self.progress.attempts if a.outdated]

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "rescore":
            return bool(self.outdated)
        return True

    def action_rescore(self) -> None:
        if self.outdated:
            self.post_message(RescoreRequested(self.outdated))

    def action_back(self) -> None:
        self.app.pop_screen()
