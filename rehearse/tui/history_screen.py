"""The history screen: every saved attempt, a filter by question, and trend charts per question.

What the rows, summaries and charts say comes from ``rehearse.storage.progress``; this screen
lays it out, colours it and handles the keys. It only reads the store (small SQLite queries)
except when deleting, which runs in a thread worker because it also removes the recording from
disk. Opening a chosen attempt's report or replaying it is the app's business: the screen posts
``ReportRequested`` or ``ReplayRequested`` and lets them bubble up.
"""

from __future__ import annotations

from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Label, Select, Static, Tab, Tabs

from rehearse.errors import RehearseError
from rehearse.language.rubric import Rubric
from rehearse.storage.history import Attempt, History
from rehearse.storage.progress import Progress, QuestionSummary, TrendSeries, standing
from rehearse.storage.trends import WINDOW
from rehearse.tui.charts import CHART_KINDS, CHART_TABS, TrendChart
from rehearse.tui.confirm import ConfirmDelete
from rehearse.tui.history_parts import (
    AttemptTable,
    Colours,
    summary_grid,
    summary_line,
    theme_colours,
)
from rehearse.tui.navigation import (
    CompareRequested,
    ProgressRequested,
    ReplayRequested,
    ReportRequested,
)
from rehearse.tui.pick_attempt import PickAttempt

ALL_QUESTIONS = "*"
"""The filter's "no filter" value; question ids are ``[a-z0-9-]+`` so it cannot clash."""

EMPTY_MESSAGE = "No attempts yet — answer a question to start your history"

# Terminal sizes where the layout changes (history_screen.tcss holds the layouts themselves).
WIDE_COLUMNS = 130
TALL_ROWS = 40
VERY_TALL_ROWS = 56

# What the summaries' words mean, on screen: the first line always, both when there is room.
LEGEND = (
    "Fillers/min: first tries → latest ones; better means fewer fillers now.\n"
    "Best: on target, then most points, then fewest fillers; tries cut short don't count."
)
SUMMARY_TOOLTIP = (
    "Best: on target first, then most points covered, then fewest fillers.\n"
    "Fillers/min: the mean of the first attempts → the mean of the last ones "
    f"(up to {WINDOW} each).\n"
    "A try shorter than a third of the target's low end looks cut short: it counts for neither."
)


class HistoryScreen(Screen[None]):
    """Every attempt, newest first, with trends for the question under the cursor or filter."""

    CSS_PATH = "history_screen.tcss"

    HELP = "every attempt, newest first; trends of the question under the cursor or filter"
    AUTO_FOCUS = "#attempts"

    # The layout reacts to these classes in history_screen.tcss: side by side from WIDE_COLUMNS,
    # all three charts at once when there are enough rows, otherwise one chart under tabs.
    # Screen declares both without ClassVar, hence the noqa.
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (WIDE_COLUMNS, "-wide")]  # noqa: RUF012
    VERTICAL_BREAKPOINTS = [  # noqa: RUF012
        (0, "-short"),
        (TALL_ROWS, "-tall"),
        (VERY_TALL_ROWS, "-very-tall"),
    ]

    BINDINGS: ClassVar[list[BindingType]] = [
        # The table binds enter first; this one lists it in the help screen and serves when
        # the focus is elsewhere.
        Binding("enter", "choose", "Open report"),
        Binding("p", "replay", "Replay"),
        Binding("d,delete", "delete_attempt", "Delete", key_display="d"),
        Binding("f", "focus_filter", "Filter"),
        Binding("c", "next_chart", "Chart"),
        Binding("g", "progress", "Progress", tooltip="Every metric of the question, with trends"),
        # Out of the footer, which has no room left at 80 columns; the help lists it.
        Binding(
            "m", "mark", "Mark", show=False, tooltip="Mark an attempt to compare (two at most)"
        ),
        Binding(
            "v",
            "compare",
            "Compare",
            tooltip="Compare the two marked attempts, or this one with one you pick",
        ),
        Binding("escape", "back", "Back"),
    ]

    def __init__(self, store: History, bank: list[Rubric]) -> None:
        super().__init__()
        self.store = store
        self.bank = bank
        self._rubrics = {r.id: r for r in bank}
        self.progress = Progress([])
        self.filter: str = ALL_QUESTIONS
        self.chart_question: str | None = None
        self.series: TrendSeries | None = None
        self.summaries: list[QuestionSummary] = []
        self._load_error: str | None = None
        self.marked: list[int] = []  # attempt ids marked for comparing, in the order marked

    def compose(self) -> ComposeResult:
        with Horizontal(id="toolbar"):
            yield Label("History", id="heading")
            yield Select[str](
                [("All questions", ALL_QUESTIONS)],
                value=ALL_QUESTIONS,
                allow_blank=False,
                compact=True,
                id="question-filter",
            )
        yield Static(EMPTY_MESSAGE, id="empty")
        with Horizontal(id="body"):
            with Vertical(id="list-pane"):
                yield AttemptTable(id="attempts")
                # Under the table: just above the charts when stacked, beside them when wide.
                with VerticalScroll(id="summary-box", can_focus=False):
                    yield Static(id="summaries").with_tooltip(SUMMARY_TOOLTIP)
                yield Static(LEGEND, id="legend")
            with Vertical(id="chart-pane"):
                yield Tabs(
                    *(Tab(CHART_TABS[c], id=f"tab-{c}") for c in CHART_KINDS), id="chart-tabs"
                )
                for kind in CHART_KINDS:
                    shown = " -shown" if kind == CHART_KINDS[0] else ""
                    yield TrendChart(kind, id=f"{kind}-chart", classes="chart" + shown)
        yield Footer(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        # Verdict and trend colours come from the theme, so a new theme redraws them.
        self.app.theme_changed_signal.subscribe(self, lambda _: self._redraw())

    @property
    def _built(self) -> bool:
        # An app closing under a screen it is still pushing never mounts the widgets inside its
        # containers, yet still sends it resume and resize events.
        return self.is_mounted and self.app.is_running

    def on_screen_resume(self) -> None:
        # Also runs on the first push: attempts may have been added or deleted while the user
        # was on another screen, so every return to the history reads the store again.
        if self._built:
            self.reload()

    # ------------------------------------------------------------------ data

    def reload(self) -> None:
        """Read the store again and redraw everything from it."""
        try:
            self.progress = Progress(self.store.attempts(), [r.id for r in self.bank])
            self._load_error = None
        except RehearseError as exc:
            self.progress = Progress([])
            self._load_error = str(exc)
            self.notify(str(exc), title="History", severity="error")
        if self.filter not in self.progress.questions:
            self.filter = ALL_QUESTIONS
        self.marked = [i for i in self.marked if self.progress.find(i) is not None]
        self._update_filter_options()
        self._redraw()

    def _redraw(self) -> None:
        self._fill_table()
        self._update_state()

    @property
    def attempts(self) -> list[Attempt]:
        """Every attempt in the history, oldest first."""
        return self.progress.attempts

    def _filtered(self) -> str | None:
        return None if self.filter == ALL_QUESTIONS else self.filter

    @property
    def current_attempt(self) -> Attempt | None:
        """The attempt under the table cursor."""
        attempt_id = self.query_one(AttemptTable).attempt_id
        return None if attempt_id is None else self.progress.find(attempt_id)

    def _colours(self) -> Colours:
        return theme_colours(self.app.theme_variables)

    # ------------------------------------------------------------------ widgets

    def _update_filter_options(self) -> None:
        select: Select[str] = self.query_one("#question-filter", Select)
        options = [("All questions", ALL_QUESTIONS)]
        options += [
            (f"{q} ({len(self.progress.attempts_at(q))})", q) for q in self.progress.questions
        ]
        with select.prevent(Select.Changed):
            select.set_options(options)
            select.value = self.filter

    def _fill_table(self) -> None:
        rows = self.progress.rows(self._filtered())
        self.query_one(AttemptTable).show(rows, self._colours(), frozenset(self.marked))

    def _update_state(self) -> None:
        empty = not self.attempts
        self.set_class(empty, "-empty")
        self.query_one("#empty", Static).update(self._load_error or EMPTY_MESSAGE)
        self.query_one("#heading", Label).update(self._heading())
        self._update_charts()
        self.refresh_bindings()

    def _heading(self) -> str:
        """The count follows the filter: "4 of 6 attempts" while one question is shown."""
        total = self.progress.count()
        if not total:
            return "History"
        plural = "s" if total != 1 else ""
        if self.filter == ALL_QUESTIONS:
            return f"History · {total} attempt{plural}"
        return f"History · {self.progress.count(self.filter)} of {total} attempt{plural}"

    def _charted_question(self) -> str | None:
        if self.filter != ALL_QUESTIONS:
            return self.filter
        current = self.current_attempt
        return current.question_id if current else None

    def _room_for_one_summary(self) -> bool:
        # From the terminal size rather than the breakpoint classes: those are set on a resize,
        # which a screen pushed onto a running app may not have had yet.
        width, height = self.app.size
        return width < WIDE_COLUMNS and height < TALL_ROWS

    def charts_stacked(self) -> bool:
        """All three charts show at once (no tabs): mirrors history_screen.tcss."""
        width, height = self.app.size
        return height >= VERY_TALL_ROWS or (width >= WIDE_COLUMNS and height >= TALL_ROWS)

    def _update_summaries(self) -> None:
        """A summary for each question in view: one line for a single question (the chart title
        and the filter name it), a grid for several.

        A short, narrow terminal has room for one line: only the charted question's.
        """
        charted = self.chart_question
        if self.filter != ALL_QUESTIONS:
            questions = [self.filter]
        elif self._room_for_one_summary():
            questions = [charted] if charted else []
        else:
            questions = self.progress.questions
        self.summaries = [s for q in questions if (s := self.progress.summary(q)) is not None]
        colours = self._colours()
        shown: Text | Table
        if len(self.summaries) == 1:
            shown = summary_line(self.summaries[0], colours, with_id=False)
        else:
            shown = summary_grid(self.summaries, charted, colours)
        self.query_one("#summaries", Static).update(shown)

    def _update_charts(self) -> None:
        question = self._charted_question()
        self.chart_question = question
        self.series = self.progress.series(question) if question else None
        for chart in self.query(TrendChart):
            chart.show(self.series)
        self._update_summaries()

    # ------------------------------------------------------------------ events

    def on_resize(self) -> None:
        # The breakpoint classes have just changed: how many summaries fit, and whether the
        # chart key applies, depend on them.
        if self._built:
            self._update_summaries()
        self.refresh_bindings()

    @on(Select.Changed, "#question-filter")
    def _filter_changed(self, event: Select.Changed) -> None:
        value = event.value
        chosen = value if isinstance(value, str) else ALL_QUESTIONS
        # The Select announces its first value too: the table already shows it.
        if chosen != self.filter or not self.query_one(AttemptTable).row_count:
            self.filter = chosen
            self._fill_table()
            self._update_state()
        # Back to the rows: a filter is chosen in order to look at them.
        self.set_focus(self.query_one(AttemptTable))

    @on(DataTable.RowHighlighted, "#attempts")
    def _row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if self.filter == ALL_QUESTIONS and self._charted_question() != self.chart_question:
            self._update_charts()

    @on(DataTable.RowSelected, "#attempts")
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_choose()

    @on(Tabs.TabActivated, "#chart-tabs")
    def _chart_tab(self, event: Tabs.TabActivated) -> None:
        shown = (event.tab.id or "").removeprefix("tab-")
        for chart in self.query(TrendChart):
            chart.set_class(chart.kind == shown, "-shown")

    # ------------------------------------------------------------------ actions

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if not self.is_mounted:
            return True
        if action in ("replay", "delete_attempt", "choose", "mark", "compare", "progress"):
            # These act on the table's cursor row, which is not what the user is looking at
            # while choosing a filter; with no attempts they have nothing to act on at all.
            filter_focused = self.query_one("#question-filter").has_focus_within
            return bool(self.attempts) and not filter_focused and self.current_attempt is not None
        if action == "focus_filter":
            return bool(self.attempts)
        if action == "next_chart":
            # Tabs are hidden when all charts fit at once: then there is nothing to switch.
            return not self.charts_stacked() and bool(self.attempts)
        return True

    def action_choose(self) -> None:
        attempt = self.current_attempt
        if attempt is not None:
            self.post_message(ReportRequested(attempt))

    def action_replay(self) -> None:
        attempt = self.current_attempt
        if attempt is not None:
            self.post_message(ReplayRequested(attempt))

    def action_progress(self) -> None:
        question = self._charted_question()
        if question is not None:
            self.post_message(ProgressRequested(question))

    def action_mark(self) -> None:
        """Mark the attempt under the cursor for comparing, or unmark it; a third mark takes the
        place of the first."""
        attempt = self.current_attempt
        if attempt is None:
            return
        if attempt.id in self.marked:
            self.marked.remove(attempt.id)
        else:
            self.marked = [*self.marked[-1:], attempt.id]
        self._fill_table()
        count = len(self.marked)
        hint = "v compares the two" if count == 2 else "mark another, or v to pick one"
        self.notify(f"{count} marked: {hint}" if count else "No attempt marked", timeout=3)

    def action_compare(self) -> None:
        """Two attempts side by side: the two marked, the one marked and the one under the
        cursor, or the one under the cursor and one picked from its question's others."""
        current = self.current_attempt
        chosen = [a for i in self.marked if (a := self.progress.find(i)) is not None]
        if current is not None and len(chosen) == 1 and current.id != chosen[0].id:
            chosen.append(current)
        if len(chosen) == 2:
            self._compare(*chosen)
        elif current is not None:
            self._pick_and_compare(current)

    def _compare(self, one: Attempt, other: Attempt) -> None:
        first, second = sorted((one, other), key=lambda a: (a.created_at, a.id))
        numbers = (self.progress.number(first), self.progress.number(second))
        self.post_message(CompareRequested(first, second, numbers))

    def _pick_and_compare(self, attempt: Attempt) -> None:
        others = [a for a in self.progress.attempts_at(attempt.question_id) if a.id != attempt.id]
        if not others:
            self.notify(
                f"Nothing to compare with: this is the only attempt at {attempt.question_id}.",
                title="Compare",
            )
            return
        choices = [(a, self.progress.number(a)) for a in reversed(others)]
        # To start with, the attempt a report compares it with: the best earlier one.
        place = standing(self.progress.attempts_at(attempt.question_id), attempt)
        start = place.baseline or (others[-1] if others else None)
        title = (
            f"Compare #{self.progress.number(attempt)} ({attempt.created_at:%d %b %H:%M})"
            f" at {attempt.question_id} with:"
        )

        def picked(choice: tuple[Attempt, int] | None) -> None:
            if choice is not None:
                self._compare(attempt, choice[0])

        self.app.push_screen(
            PickAttempt(title, choices, start.id if start else None), callback=picked
        )

    def action_focus_filter(self) -> None:
        self.set_focus(self.query_one("#question-filter", Select))

    def action_next_chart(self) -> None:
        self.query_one("#chart-tabs", Tabs).action_next_tab()

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_delete_attempt(self) -> None:
        attempt = self.current_attempt
        if attempt is None:
            return

        def answered(delete: bool | None) -> None:
            if delete:
                self._delete(attempt.id)

        rubric = self._rubrics.get(attempt.question_id)
        self.app.push_screen(ConfirmDelete(attempt, rubric.question if rubric else None), answered)

    @work(thread=True, exclusive=True, group="history-delete")
    def _delete(self, attempt_id: int) -> None:
        # A thread, because deleting also unlinks the recording, which may sit on a slow disk.
        try:
            self.store.delete(attempt_id)
        except RehearseError as exc:
            self.app.call_from_thread(self.notify, str(exc), title="Not deleted", severity="error")
            return
        self.app.call_from_thread(self._deleted)

    def _deleted(self) -> None:
        self.reload()
        self.notify("Attempt and recording deleted", title="History")
