"""A mock interview loop: 3 to 5 questions from chosen categories, answered back to back, each read
aloud first when an offline voice is installed, then one summary of the round."""

from __future__ import annotations

import random
from collections import Counter
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import (
    Button,
    ContentSwitcher,
    DataTable,
    Footer,
    RadioButton,
    RadioSet,
    SelectionList,
    Static,
)

from rehearse.language.rubric import Rubric
from rehearse.scoring.render import clock
from rehearse.storage.history import Attempt
from rehearse.tui.context import AppContext, context
from rehearse.tui.navigation import AnswerRequested, ReportRequested
from rehearse.tui.widgets import TIMING_LABEL, TIMING_STYLE, titled

ROUND_SIZES = (3, 4, 5)


class MockRoundScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("g", "go", "Start round"),
        Binding("3", "size(3)", "3 questions", show=False),
        Binding("4", "size(4)", "4 questions", show=False),
        Binding("5", "size(5)", "5 questions", show=False),
        Binding("escape", "back", "Back"),
    ]
    AUTO_FOCUS = "#round-categories"
    HELP = (
        "Choose categories (space toggles) and 3, 4 or 5 questions, then g starts; "
        "enter on a summary row opens that report."
    )

    def __init__(self, rng: random.Random | None = None) -> None:
        super().__init__()
        self.rng = rng or random.Random()
        self.round_size = 3
        self.questions: list[Rubric] = []
        self.answers: list[tuple[Rubric, Attempt | None]] = []

    @property
    def rehearse(self) -> AppContext:
        return context(self.app)

    def compose(self) -> ComposeResult:
        counts = Counter(r.category for r in self.rehearse.bank)
        voice = (
            "Each question is read aloud first (offline Piper voice), then you answer."
            if self.rehearse.voice
            else "No offline voice installed: each question is shown, then you answer."
        )
        with ContentSwitcher(initial="round-setup", id="round-switcher"):
            with Vertical(id="round-setup"):
                yield Static(
                    Text.assemble(
                        ("Mock round", "bold"),
                        " · questions back to back, as in a real interview loop.\n",
                        (voice, "dim"),
                    ),
                    id="round-intro",
                )
                with Horizontal(id="round-choices"):
                    yield titled(
                        SelectionList[str](
                            *[(f"{name} ({n})", name, True) for name, n in sorted(counts.items())],
                            id="round-categories",
                        ),
                        "Categories",
                    )
                    with Vertical(id="round-size-box"):
                        with RadioSet(id="round-size") as sizes:
                            sizes.border_title = "How many"
                            for size in ROUND_SIZES:
                                yield RadioButton(
                                    _size_label(size, size == self.round_size),
                                    value=size == self.round_size,
                                    id=f"size-{size}",
                                )
                        yield Button("Start the round", variant="primary", id="round-start")
            with Vertical(id="round-summary"):
                yield Static(id="round-summary-head")
                yield DataTable(id="round-table", cursor_type="row", zebra_stripes=True)
                yield Static(id="round-totals")
        yield Footer(show_command_palette=False)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Once the round has begun, its set-up keys are gone from the footer and do nothing.
        return not (action in ("go", "size") and self.questions)

    # -- set-up ---------------------------------------------------------------------------------

    def action_size(self, size: int) -> None:
        if self.questions:
            return
        self.round_size = size
        self.query_one(f"#size-{size}", RadioButton).value = True
        self._mark_size()

    @on(RadioSet.Changed, "#round-size")
    def _size_chosen(self, event: RadioSet.Changed) -> None:
        self.round_size = ROUND_SIZES[event.index]
        self._mark_size()

    def _mark_size(self) -> None:
        # The radio dots differ only by colour: the chosen one also says so in words.
        for size in ROUND_SIZES:
            button = self.query_one(f"#size-{size}", RadioButton)
            button.label = _size_label(size, size == self.round_size)

    @on(Button.Pressed, "#round-start")
    def _start_pressed(self) -> None:
        self.action_go()

    def action_go(self) -> None:
        if self.questions:
            return
        chosen = set(self.query_one("#round-categories", SelectionList).selected)
        pool = [r for r in self.rehearse.bank if r.category in chosen]
        if not pool:
            self.notify("Choose at least one category (space ticks it).", severity="warning")
            return
        self.questions = self.rng.sample(pool, min(self.round_size, len(pool)))
        if len(self.questions) < self.round_size:
            self.notify(
                f"Only {len(pool)} questions in those categories: the round has "
                f"{len(self.questions)}."
            )
        self.answers = []
        self.refresh_bindings()
        self._ask_next()

    # -- the round ------------------------------------------------------------------------------

    def _ask_next(self) -> None:
        number = len(self.answers)
        if number >= len(self.questions):
            self._show_summary()
            return
        rubric = self.questions[number]
        self.post_message(
            AnswerRequested(
                rubric,
                in_round=True,
                caption=f"Mock round {number + 1}/{len(self.questions)}",
                read_aloud=True,
                answered=self._answered,
            )
        )

    def _answered(self, attempt: Attempt | None) -> None:
        rubric = self.questions[len(self.answers)]
        self.answers.append((rubric, attempt))
        if attempt is None:
            # Escape during a question ends the round: a real loop has no retries either.
            self.answers += [(r, None) for r in self.questions[len(self.answers) :]]
        self._ask_next()

    def _show_summary(self) -> None:
        self.query_one(ContentSwitcher).current = "round-summary"
        table = self.query_one("#round-table", DataTable)
        table.clear(columns=True)
        table.add_columns("#", "Question", "Time", "Verdict", "Fillers/min", "Coverage")
        answered = [a for _, a in self.answers if a is not None]
        # The question column gets what the figures leave of the width.
        limit = max(20, self.size.width - 54)
        for n, (rubric, attempt) in enumerate(self.answers, start=1):
            if attempt is None:
                table.add_row(
                    str(n),
                    Text(_short(rubric.question, limit)),
                    "—",
                    Text("skipped", "dim"),
                    "—",
                    "—",
                    key=f"q{n}",
                )
                continue
            table.add_row(
                str(n),
                Text(_short(rubric.question, limit)),
                clock(attempt.speaking_seconds),
                Text(
                    TIMING_LABEL.get(attempt.timing, attempt.timing),
                    TIMING_STYLE.get(attempt.timing, ""),
                ),
                f"{attempt.fillers_per_minute:.1f}",
                f"{attempt.coverage_ratio:.0%}",
                key=f"q{n}",
            )
        self.query_one("#round-summary-head", Static).update(
            Text.assemble(
                ("Round summary", "bold"),
                (f" · {len(answered)} of {len(self.answers)} questions answered", "dim"),
            )
        )
        totals = Text()
        if answered:
            spoken = sum(a.speaking_seconds for a in answered)
            on_target = sum(a.timing == "on-target" for a in answered)
            minutes = spoken / 60
            fillers = sum(a.filler_count for a in answered)
            coverage = sum(a.coverage_ratio for a in answered) / len(answered)
            totals.append("Total ", style="bold")
            totals.append(f"{clock(spoken)} spoken · ")
            totals.append(
                f"{on_target}/{len(answered)} on target",
                style="green" if on_target == len(answered) else "yellow",
            )
            totals.append(f" · {fillers} fillers ({fillers / minutes if minutes else 0:.1f}/min)")
            totals.append(f" · {coverage:.0%} average coverage")
        totals.append("\nenter opens a report · escape returns to the questions", style="dim")
        self.query_one("#round-totals", Static).update(totals)
        table.focus()

    @on(DataTable.RowSelected, "#round-table")
    def _open_report(self, event: DataTable.RowSelected) -> None:
        index = event.cursor_row
        if 0 <= index < len(self.answers):
            rubric, attempt = self.answers[index]
            if attempt is not None:
                self.post_message(ReportRequested(attempt, rubric=rubric))

    def action_back(self) -> None:
        self.dismiss(None)


def _size_label(size: int, chosen: bool) -> str:
    return f"{size} questions ✔ chosen" if chosen else f"{size} questions"


def _short(question: str, limit: int = 48) -> str:
    return question if len(question) <= limit else question[: limit - 1].rstrip() + "…"
