"""The question bank, grouped by category, with each question's last and best result."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.actions import SkipAction
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Header, Input, OptionList, Static
from textual.widgets.option_list import Option

from rehearse.errors import RehearseError
from rehearse.language.rubric import Rubric
from rehearse.scoring.render import clock
from rehearse.service import Target, with_target
from rehearse.storage.history import Attempt, best_attempt
from rehearse.tui.context import AppContext, context
from rehearse.tui.messages import HistoryChanged
from rehearse.tui.navigation import (
    AnswerRequested,
    HistoryRequested,
    MockRoundRequested,
    ReportRequested,
    SettingsRequested,
)
from rehearse.tui.target_dialog import TargetChosen, TargetScreen
from rehearse.tui.widgets import TIMING_STYLE, target_label


@dataclass(frozen=True)
class Results:
    latest: Attempt | None
    best: Attempt | None
    count: int


class ResultsLoaded(Message):
    def __init__(self, results: dict[str, Results], problem: str | None = None) -> None:
        super().__init__()
        self.results = results
        self.problem = problem


def attempt_summary(attempt: Attempt) -> Text:
    return Text.assemble(
        (f"{clock(attempt.speaking_seconds)} ", TIMING_STYLE.get(attempt.timing, "")),
        (attempt.timing, TIMING_STYLE.get(attempt.timing, "")),
        f" · {attempt.fillers_per_minute:.1f} fillers/min · {attempt.coverage_ratio:.0%} covered",
    )


def question_prompt(
    rubric: Rubric, results: Results | None, target: Target, unreadable: bool = False
) -> Text:
    text = Text(rubric.question, style="bold")
    meta = Text(f"\n  {target_label(target.seconds)}", style="dim")
    if target.source == "yours":
        meta.append(" (yours)", style="bold cyan")
    meta.append("  ")
    if unreadable:
        meta.append("history unreadable", style="red italic")
    elif results is None or results.latest is None:
        meta.append("not tried yet", style="dim italic")
    else:
        meta.append("last ", style="dim")
        meta.append_text(attempt_summary(results.latest))
        if results.best is not None and results.count > 1:
            meta.append("\n  best ", style="dim")
            meta.append_text(attempt_summary(results.best))
        tries = "1 try" if results.count == 1 else f"{results.count} tries"
        meta.append(f"   ({tries})", style="dim")
    text.append_text(meta)
    return text


class QuestionList(OptionList):
    """The bank's options; Enter is shown in the footer because it is the main action."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("enter", "select", "Answer")]


class QuestionsScreen(Screen[None]):
    """Home: pick a question (Enter) and answer it aloud."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "start", "Answer", show=False),
        # Priority: the app runs it as it reads the key, before the keys typed after "/" are
        # passed on to whatever had the focus, so they reach the filter however fast they come.
        Binding("slash", "filter", "Find", key_display="/", priority=True),
        Binding("h", "history", "History"),
        Binding("m", "mock_round", "Mock round"),
        Binding("l", "last_report", "Last", tooltip="Last report of this question"),
        Binding("t", "target", "Target", tooltip="Your own target length for this question"),
        Binding("s", "settings", "Settings"),
        Binding("q", "quit", "Quit"),
    ]
    HELP = "Pick a question and answer it aloud."

    def __init__(self) -> None:
        super().__init__()
        self.results: dict[str, Results] = {}
        self.history_problem: str | None = None

    @property
    def rehearse(self) -> AppContext:
        return context(self.app)

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="filter-row"):
            yield Static("Filter ›", id="filter-label")
            yield Input(
                placeholder="Filter questions: type words from the question or category",
                id="filter",
                compact=True,
            )
        yield QuestionList(id="questions")
        yield Static(id="model-status")
        yield Footer(show_command_palette=False)

    def on_resize(self) -> None:
        # Eight keys fill 80 columns: packed closer, the last ("? Help") is not cut off.
        self.query_one(Footer).compact = self.size.width < 100

    def on_mount(self) -> None:
        self.watch(self.app, "model_status", self._show_model_status)
        self.refresh_list()
        self.query_one("#questions", OptionList).focus()

    def on_screen_resume(self) -> None:
        # On first showing, and back from an attempt or the settings (results, targets change).
        self.load_results()

    def on_history_changed(self, _: HistoryChanged) -> None:
        # Attempts recovered after a crash: the "last" of their questions is out of date.
        self.load_results()

    @work(thread=True, exclusive=True, group="results")
    def load_results(self) -> None:
        store = self.rehearse.store
        try:
            results = {}
            for rubric in self.rehearse.bank:
                attempts = store.attempts(rubric.id)
                results[rubric.id] = Results(
                    attempts[-1] if attempts else None,
                    best_attempt(attempts),
                    len(attempts),
                )
        except RehearseError as error:
            self.post_message(ResultsLoaded({}, str(error)))
        else:
            self.post_message(ResultsLoaded(results))

    def on_results_loaded(self, message: ResultsLoaded) -> None:
        if message.problem and message.problem != self.history_problem:
            # The message names the fix ('rehearse doctor --repair'): give time to read it.
            self.notify(message.problem, title="History", severity="error", timeout=30)
        self.history_problem = message.problem
        self.results = message.results
        self.refresh_list()

    def _show_model_status(self, status: str) -> None:
        name = self.rehearse.transcriber.name
        label = {
            "loading": Text(f"… loading the speech model {name} in the background…", "yellow"),
            "ready": Text(f"✔ speech model {name} ready", "green"),
            "failed": Text(f"✘ speech model: {self.rehearse.model_problem}", "bold red"),
        }.get(status, Text(status))
        self.query_one("#model-status", Static).update(label)

    def matching(self) -> list[Rubric]:
        words = self.query_one("#filter", Input).value.lower().split()
        return [
            r
            for r in self.rehearse.bank
            if all(w in f"{r.question} {r.category} {r.id}".lower() for w in words)
        ]

    def refresh_list(self) -> None:
        questions = self.query_one("#questions", OptionList)
        highlighted = questions.highlighted_option
        keep = highlighted.id if highlighted else None
        options: list[Option | None] = []
        category = None
        for rubric in self.matching():
            if rubric.category != category:
                category = rubric.category
                if options:
                    options.append(None)
                options.append(Option(Text(f"▌{category}", style="bold #e0a040"), disabled=True))
            target = self.rehearse.target(rubric)
            prompt = question_prompt(
                rubric, self.results.get(rubric.id), target, self.history_problem is not None
            )
            options.append(Option(prompt, id=rubric.id))
        questions.set_options(options)
        if not any(o is not None and o.id for o in options):
            questions.add_option(
                Option(Text("No question matches the filter.", "dim italic"), disabled=True)
            )
            return
        index = None
        if keep:
            try:
                index = questions.get_option_index(keep)
            except Exception:
                index = None
        if index is None:
            index = next(i for i, o in enumerate(questions.options) if o.id)
        questions.highlighted = index

    @on(Input.Changed, "#filter")
    def _filter_changed(self) -> None:
        self.refresh_list()

    @on(Input.Submitted, "#filter")
    def _filter_done(self) -> None:
        # One enter opens the single match, or the highlighted one of several.
        rubric = self.selected_rubric()
        if rubric is None:
            self.notify("No question matches the filter.", severity="warning")
            return
        self.set_focus(self.query_one("#questions", OptionList))
        self.start_attempt(rubric.id)

    def key_down(self) -> None:
        self._move_from_filter("cursor_down")

    def key_up(self) -> None:
        self._move_from_filter("cursor_up")

    def _move_from_filter(self, action: str) -> None:
        # Arrows in the filter walk the matches below it, so enter can open any of them.
        if self.query_one("#filter", Input).has_focus:
            getattr(self.query_one("#questions", OptionList), f"action_{action}")()

    @on(OptionList.OptionSelected, "#questions")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        if event.option.id:
            self.start_attempt(event.option.id)

    def selected_rubric(self) -> Rubric | None:
        option = self.query_one("#questions", OptionList).highlighted_option
        return self.rehearse.rubric(option.id) if option and option.id else None

    def start_attempt(self, question_id: str) -> None:
        rubric = self.rehearse.rubric(question_id)
        if rubric is not None:
            self.post_message(AnswerRequested(rubric))

    def action_start(self) -> None:
        rubric = self.selected_rubric()
        if rubric is not None:
            self.start_attempt(rubric.id)

    def action_filter(self) -> None:
        filter_input = self.query_one("#filter", Input)
        if filter_input.has_focus:
            raise SkipAction()  # a "/" typed into the filter is one of its characters
        # set_focus at once: Widget.focus would wait a turn, and the next key with it.
        self.set_focus(filter_input)

    def key_escape(self) -> None:
        filter_input = self.query_one("#filter", Input)
        if filter_input.has_focus or filter_input.value:
            filter_input.value = ""
            self.set_focus(self.query_one("#questions", OptionList))

    def action_history(self) -> None:
        self.post_message(HistoryRequested())

    def action_mock_round(self) -> None:
        self.post_message(MockRoundRequested())

    def action_settings(self) -> None:
        self.post_message(SettingsRequested())

    def action_target(self) -> None:
        rubric = self.selected_rubric()
        if rubric is None:
            return
        self.app.push_screen(
            TargetScreen(rubric, self.rehearse.target(rubric)),
            callback=lambda chosen: self._target_chosen(rubric, chosen),
        )

    def _target_chosen(self, rubric: Rubric, chosen: TargetChosen | None) -> None:
        if chosen is None:
            return
        app = self.rehearse
        settings = with_target(app.settings, app.bank, rubric.id, chosen.seconds)
        try:
            settings.save(app.data_dir)
        except RehearseError as error:
            self.notify(str(error), title="Target", severity="error")
            return
        app.settings = settings
        target = app.target(rubric)
        whose = "yours" if target.source == "yours" else "the question's own"
        self.notify(f"Target {target_label(target.seconds)} ({whose}) for this question.")
        self.refresh_list()

    def action_last_report(self) -> None:
        rubric = self.selected_rubric()
        if rubric is None:
            return
        results = self.results.get(rubric.id)
        if results is None or results.latest is None:
            self.notify("No attempt at this question yet: press Enter to answer it.")
            return
        self.post_message(ReportRequested(results.latest, rubric=rubric))

    async def action_quit(self) -> None:
        self.app.exit(0)
