"""The history screen's parts: the attempts table and the summaries, drawn from the view model
in ``rehearse.storage.progress`` with the theme's colours."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.coordinate import Coordinate
from textual.widgets import DataTable

from rehearse.scoring.render import clock
from rehearse.storage.progress import VERDICT_LABELS, AttemptRow, QuestionSummary

# The history screen says a trend in the words of its legend ("better means fewer fillers now").
TREND_WORDS: dict[str, str] = {"improving": "better", "worsening": "worse"}

Colours = dict[str, str]
"""The theme's ``success``, ``warning`` and ``error`` colours, by those names."""

# Theme variables, so the verdicts follow the app's theme instead of fixed terminal colours.
_VERDICT_COLOURS: dict[str, str] = {"short": "warning", "on-target": "success", "long": "error"}

# Table columns other than the question, with their widths: the question takes what is left,
# so the table fits 80 columns and shows whole ids in a wider terminal. The question comes
# after the date, and "#" (the attempt's number at its question) after the question.
_FIXED_COLUMNS: tuple[tuple[str, str, int], ...] = (
    ("date", "Date", 16),
    ("number", "#", 3),
    ("time", "Time", 5),
    ("verdict", "Verdict", 9),
    ("fillers", "Fill/min", 8),
    ("coverage", "Cover", 5),
    ("pace", "WPM", 3),
)
# Rows are added a page at a time, more as the cursor nears the end: a DataTable measures every
# cell it holds, and 10,000 attempts at once took seconds to show.
PAGE_ROWS = 100
_MORE_WHEN_WITHIN = 20
_QUESTION_MIN_WIDTH = 12
_QUESTION_MAX_WIDTH = 28  # the longest id in the bundled bank is 27
_CELL_PADDING = 1  # DataTable's default, on each side of every column
_SCROLLBAR_WIDTH = 1  # matches scrollbar-size-vertical in history_screen.tcss


def theme_colours(variables: dict[str, str]) -> Colours:
    return {name: variables.get(name, name) for name in ("success", "warning", "error")}


def truncate(text: str, width: int) -> str:
    return text if len(text) <= width else text[: max(0, width - 1)] + "…"


def verdict_text(timing: str, colours: Colours) -> Text:
    colour = colours.get(_VERDICT_COLOURS.get(timing, ""), "")
    return Text(VERDICT_LABELS.get(timing, timing), style=colour, end="")


class AttemptTable(DataTable[Text]):
    """The attempts, one row each, keyed by attempt id; ``enter`` is re-bound only to show in
    the footer. The question column takes the width the others leave."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "select_cursor", "Open report"),
    ]

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(cursor_type="row", zebra_stripes=True, id=id)
        self._rows: list[AttemptRow] = []
        self._colours: Colours = {}
        self._marked: frozenset[int] = frozenset()
        self._laid_out_width = 0
        self._question_cells = _QUESTION_MIN_WIDTH
        self._added = 0

    @property
    def attempt_id(self) -> int | None:
        """The id of the attempt under the cursor."""
        if self.row_count == 0:
            return None
        key = self.coordinate_to_cell_key(self.cursor_coordinate).row_key.value
        return None if key is None else int(key)

    def show(
        self,
        rows: Sequence[AttemptRow],
        colours: Colours,
        marked: frozenset[int] = frozenset(),
    ) -> None:
        """Fill the table; the cursor stays on its attempt, or after a delete on the row that
        took its place. Rows of ``marked`` attempt ids stand out (marked for comparing)."""
        kept, old_row = self.attempt_id, self.cursor_row
        self._rows, self._colours, self._marked = list(rows), colours, marked
        self._laid_out_width = self.size.width
        self._question_cells = self._question_width()
        self._added = len(self._rows)  # nothing more to add until the columns are back
        self.clear(columns=True)
        for key, label, width in _FIXED_COLUMNS[:1]:
            self.add_column(label, width=width, key=key)
        self.add_column("Question", width=self._question_cells, key="question")
        for key, label, width in _FIXED_COLUMNS[1:]:
            self.add_column(label, width=width, key=key)
        self._added = 0
        if not rows:
            return
        ids = [row.attempt.id for row in rows]
        at = min(max(ids.index(kept) if kept in ids else old_row, 0), len(rows) - 1)
        self._add_rows(max(PAGE_ROWS, at + 1))
        self.move_cursor(row=at, animate=False)

    def _add_rows(self, upto: int) -> None:
        """Add the rows not shown yet, up to ``upto`` in all."""
        colours, width = self._colours, self._question_cells
        start, self._added = self._added, min(upto, len(self._rows))
        # _added is set first: adding a row can move the cursor, which asks for more rows.
        for row in self._rows[start : self._added]:
            a = row.attempt
            cells = [
                Text(row.date),
                Text(truncate(a.question_id, width)),
                Text(str(row.number), justify="right"),
                Text(row.time, justify="right"),
                verdict_text(a.timing, colours),
                Text(row.fillers, justify="right"),
                Text(row.coverage, justify="right"),
                Text(row.pace, justify="right"),
            ]
            if a.id in self._marked:
                for cell in cells:
                    cell.stylize("reverse bold")
            self.add_row(*cells, key=str(a.id))

    @property
    def shown_rows(self) -> int:
        """How many of the rows are in the table so far (see PAGE_ROWS)."""
        return self._added

    def watch_cursor_coordinate(self, old: Coordinate, new: Coordinate) -> None:
        super().watch_cursor_coordinate(old, new)
        if self._added < len(self._rows) and new.row >= self._added - _MORE_WHEN_WITHIN:
            self._add_rows(self._added + PAGE_ROWS)

    def _question_width(self) -> int:
        fixed = sum(width for _, _, width in _FIXED_COLUMNS)
        padding = 2 * _CELL_PADDING * (len(_FIXED_COLUMNS) + 1)
        room = self.size.width - fixed - padding - _SCROLLBAR_WIDTH
        return max(_QUESTION_MIN_WIDTH, min(_QUESTION_MAX_WIDTH, room))

    def on_resize(self, event: events.Resize) -> None:
        # A new width re-lays the table (after this event, not inside it) for the question.
        if self.size.width != self._laid_out_width and self._rows:
            self.call_later(self._relay)

    def _relay(self) -> None:
        if self.size.width != self._laid_out_width:
            self.show(self._rows, self._colours, self._marked)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # An empty table has nothing to open: keep "Open report" out of the footer.
        if action == "select_cursor":
            return self.row_count > 0
        return super().check_action(action, parameters)


def attempts_text(summary: QuestionSummary) -> Text:
    return Text(f"{summary.attempts} attempt{'s' if summary.attempts != 1 else ''}", end="")


def best_text(summary: QuestionSummary, colours: Colours) -> Text:
    best = summary.best
    if best is None:
        return Text("–", end="")
    text = Text(f"#{summary.best_number} {clock(best.speaking_seconds)} ", end="")
    text.append_text(verdict_text(best.timing, colours))
    text.append(f" {best.coverage_ratio:.0%}")
    return text


def trend_text(summary: QuestionSummary, colours: Colours) -> Text:
    trend = summary.trend
    if trend is None:
        return Text("trend after 2 attempts", style="dim", end="")
    text = Text(f"{trend.before:.1f}→{trend.after:.1f} ", end="")
    word = TREND_WORDS.get(trend.direction, trend.direction)
    style = {"better": colours["success"], "worse": colours["error"]}.get(word, "")
    text.append(word, style=style)
    return text


def summary_line(summary: QuestionSummary, colours: Colours, with_id: bool = True) -> Text:
    """Everything on one line; ``with_id=False`` where something nearby names the question
    already, which lets the line fit 80 columns."""
    line = Text(no_wrap=True, overflow="ellipsis", end="")
    if with_id:
        line.append(summary.question_id, style="bold")
        line.append(" · ")
    line.append_text(attempts_text(summary))
    line.append(" · best ")
    line.append_text(best_text(summary, colours))
    line.append(" · fillers/min ")
    line.append_text(trend_text(summary, colours))
    return line


def summary_grid(
    summaries: Sequence[QuestionSummary], charted: str | None, colours: Colours
) -> Table:
    """One row per question, in columns, so several summaries can be compared at a glance."""
    grid = Table(box=None, expand=True, padding=(0, 1), show_edge=False, header_style="bold")
    grid.add_column("", width=1, no_wrap=True)
    grid.add_column("Question", ratio=1, min_width=12, no_wrap=True, overflow="ellipsis")
    grid.add_column("Tries", justify="right", no_wrap=True)
    grid.add_column("Best", no_wrap=True, overflow="ellipsis")
    grid.add_column("Fillers/min", no_wrap=True, overflow="ellipsis")
    for summary in summaries:
        is_charted = summary.question_id == charted
        grid.add_row(
            "▶" if is_charted else "",
            Text(summary.question_id, style="bold" if is_charted else ""),
            str(summary.attempts),
            best_text(summary, colours),
            trend_text(summary, colours),
        )
    return grid
