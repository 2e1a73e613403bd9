"""Hearing an attempt again with its transcript, the word being spoken lit up as it plays."""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, ProgressBar, Static
from textual.worker import get_current_worker

from rehearse.errors import RehearseError
from rehearse.language.filler_rules import RULES
from rehearse.language.fillers import Filler, explain_fillers
from rehearse.language.rubric import Rubric
from rehearse.scoring.render import HOW_WORDS, clock
from rehearse.scoring.score import Report
from rehearse.storage.history import Attempt
from rehearse.storage.progress import standing
from rehearse.tui.context import AppContext, context
from rehearse.tui.messages import PlaybackFailed, PlaybackFinished, PlaybackMoved, PlaybackStarted
from rehearse.tui.services import PlayerLike
from rehearse.tui.widgets import TranscriptView, word_at

SEEK_SECONDS = 5.0
# Jumps land a little before the filler or pause, so the listener hears what led into it.
LEAD_IN_SECONDS = 0.6


class PlayerReady(PlaybackStarted):
    def __init__(self, player: PlayerLike) -> None:
        super().__init__(player.duration)
        self.player = player


class ReplayScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("space", "play_pause", "Play/pause"),
        # Priority: the transcript's scroller would otherwise take left/right for itself.
        Binding("left", f"seek({-SEEK_SECONDS})", "−5s", key_display="←", priority=True),
        Binding("right", f"seek({SEEK_SECONDS})", "+5s", key_display="→", priority=True),
        Binding("f", "next_filler", "Next filler"),
        Binding("F,shift+f", "previous_filler", "Previous filler", key_display="F"),
        Binding("n", "next_pause", "Next pause"),
        Binding("h", "next_hedge", "Next hedge"),
        Binding("r", "next_repetition", "Next repeat"),
        Binding("t", "next_tip", "Next tip"),
        Binding("c", "next_point", "Next point"),
        Binding("escape", "back", "Back"),
    ]
    HELP = "Play the attempt back; the word being spoken is highlighted."

    def __init__(self, rubric: Rubric, attempt: Attempt, report: Report | None = None) -> None:
        super().__init__()
        self.rubric = rubric
        self.attempt = attempt
        self.report = report or attempt.report
        self.player: PlayerLike | None = None
        self.position = 0.0
        self.finished = False
        self.tip_index = -1  # the tip ``t`` last jumped to
        # Held rather than queried: player messages can arrive while the screen is still being
        # mounted, or after an app closing mid-mount has dropped its widgets.
        self.position_line = Static(id="replay-position")
        self.progress_bar = ProgressBar(
            total=max(self.report.duration_seconds, 0.01),
            show_eta=False,
            show_percentage=False,
            id="replay-progress",
        )
        self.body = VerticalScroll(id="replay-body")
        self.transcript = TranscriptView(
            self.report.words,
            self.report.filler_word_indices,
            self.report.pauses,
            id="replay-transcript",
        )

    @property
    def rehearse(self) -> AppContext:
        return context(self.app)

    def _number(self) -> str:
        """The attempt's number at its question, as the history and the report give it."""
        try:
            attempts = self.rehearse.store.attempts(self.attempt.question_id)
        except RehearseError:
            return ""  # the date alone still says which attempt this is
        place = standing(attempts, self.attempt)
        return f"Attempt {place.number} of {place.total} · "

    def compose(self) -> ComposeResult:
        yield Static(
            Text.assemble(
                (self.rubric.question, "bold"),
                "\n",
                (f"{self._number()}{self.attempt.created_at:%d %b %Y %H:%M}", "dim"),
            ),
            id="replay-head",
        )
        yield self.position_line
        yield self.progress_bar
        with self.body:
            yield self.transcript
        yield Footer(show_command_palette=False)

    def on_mount(self) -> None:
        self._show_position(0.0, "loading")
        self.open_player()

    def on_unmount(self) -> None:
        self._stop_player()

    # -- the player ---------------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="player")
    def open_player(self) -> None:
        try:
            player = self.rehearse.player_factory(self.attempt.audio_path)
            player.on_position = self._moved
            player.play()
        except RehearseError as error:
            self.post_message(PlaybackFailed(str(error)))
            return
        # The user may have left while the speakers opened: then nobody is listening.
        if get_current_worker().is_cancelled or not self.post_message(PlayerReady(player)):
            player.on_position = None
            player.stop()

    def _moved(self, seconds: float) -> None:
        # Called on the player's thread: hand over to the UI through the message queue.
        self.post_message(PlaybackMoved(seconds))
        player = self.player
        if player is not None and player.finished.is_set():
            self.post_message(PlaybackFinished())

    def on_player_ready(self, message: PlayerReady) -> None:
        self.player = message.player
        self.progress_bar.update(total=max(message.duration, 0.01))
        # A very short recording may have ended before the player was handed over.
        self.finished = self.player.finished.is_set()
        self._show_position(self.player.position, "finished" if self.finished else "playing")

    def on_playback_failed(self, message: PlaybackFailed) -> None:
        self.position_line.update(
            Text.assemble(("✘ cannot play: ", "bold red"), (message.message, "red"))
        )
        self.notify(message.message, title="Playback", severity="error", timeout=10)

    def on_playback_moved(self, message: PlaybackMoved) -> None:
        self.position = message.seconds
        state = "paused" if self.player is not None and self.player.paused else "playing"
        self._show_position(message.seconds, state)

    def on_playback_finished(self, _: PlaybackFinished) -> None:
        self.finished = True
        self._show_position(self.position, "finished")

    def _show_position(self, seconds: float, state: str) -> None:
        duration = self.player.duration if self.player else self.report.duration_seconds
        icon = {"playing": "▶", "paused": "⏸", "finished": "■", "loading": "…"}[state]
        hint = {
            "playing": "",
            "paused": "  paused: space resumes",
            "finished": "  finished: space plays again",
            "loading": "  opening the speakers…",
        }[state]
        self.position_line.update(
            Text.assemble((f"{icon} {clock(seconds)} / {clock(duration)}", "bold"), (hint, "dim"))
        )
        self.progress_bar.update(progress=seconds)
        transcript = self.transcript
        current = word_at(self.report.words, seconds) if state != "loading" else None
        if current != transcript.current:
            transcript.current = current
            self._keep_in_view(transcript)

    def _keep_in_view(self, transcript: TranscriptView) -> None:
        body = self.body
        line = transcript.line_of_current(transcript.content_region.width)
        top = line + transcript.content_region.y - body.content_region.y
        if not body.scroll_y + 1 <= top <= body.scroll_y + body.content_region.height - 2:
            body.scroll_to(y=max(0, top - body.content_region.height // 3), animate=False)

    def _stop_player(self) -> None:
        player, self.player = self.player, None
        if player is not None:
            player.on_position = None
            player.stop()

    # -- keys ---------------------------------------------------------------------------------

    def action_play_pause(self) -> None:
        player = self.player
        if player is None:
            return
        if self.finished or player.finished.is_set():
            self.finished = False
            self._call(player.play)
        elif player.paused:
            player.resume()
            self._show_position(self.position, "playing")
        else:
            player.pause()
            self._show_position(self.position, "paused")

    def _jump(self, seconds: float) -> None:
        player = self.player
        if player is None:
            return
        duration = player.duration
        target = max(0.0, min(seconds, duration))
        player.seek(target)
        self.position = target
        if self.finished or player.finished.is_set():
            self.finished = False
            self._call(player.play)
        paused = player.paused
        self._show_position(target, "paused" if paused else "playing")

    def _call(self, action: Callable[[], None]) -> None:
        try:
            action()
        except RehearseError as error:
            self.post_message(PlaybackFailed(str(error)))

    def action_seek(self, delta: float) -> None:
        self._jump(self.position + delta)

    def action_next_filler(self) -> None:
        self._step_filler(forward=True)

    def action_previous_filler(self) -> None:
        self._step_filler(forward=False)

    def _step_filler(self, forward: bool) -> None:
        fillers = sorted(self.report.fillers.items, key=lambda f: f.start)
        k = self._step([f.start for f in fillers], forward=forward, noun="filler")
        if k is not None:
            filler = fillers[k]
            self.notify(f'"{filler.text}" at {clock(filler.start)}. {self._why(filler)}', timeout=4)

    def _why(self, filler: Filler) -> str:
        """Why ``filler`` counted: the rule that decided, in the words of its table."""
        rule = RULES.get(filler.rule)
        if rule is not None:
            return rule.description
        # A report saved before rules had names: ask the rules again, on its words, for the
        # same filler nearest in time (such reports kept no word indices for it).
        same = [
            d
            for d in explain_fillers(self.report.words)
            if d.verdict == "filler" and d.text == filler.text
        ]
        nearest = min(same, key=lambda d: abs(d.start - filler.start), default=None)
        if nearest is None or abs(nearest.start - filler.start) > 2.0:
            return "counted as a filler"
        return nearest.description

    def action_next_hedge(self) -> None:
        hedges = sorted(self.report.coaching.hedges, key=lambda h: h.start)
        k = self._step([h.start for h in hedges], forward=True, noun="hedge")
        if k is not None:
            self.notify(f'Hedge "{hedges[k].text}" at {clock(hedges[k].start)}.', timeout=4)

    def action_next_repetition(self) -> None:
        said = sorted(self.report.coaching.repetitions, key=lambda r: r.start)
        k = self._step([r.start for r in said], forward=True, noun="repeat or restart")
        if k is not None:
            r = said[k]
            what = "Restarted" if r.kind == "restart" else "Said twice"
            self.notify(f'{what}: "{r.text}" at {clock(r.start)}.', timeout=4)

    def action_next_tip(self) -> None:
        # In the order they are ranked, not in time: the first tip matters most.
        tips = self.report.coaching.tips
        if not tips:
            self.notify("This answer has no tips.")
            return
        k = (self.tip_index + 1) % len(tips)
        self.tip_index = k
        self._jump(max(0.0, tips[k].start - LEAD_IN_SECONDS))
        self.notify(f"Tip {k + 1}: {tips[k].text}", timeout=8)

    def action_next_pause(self) -> None:
        self._step(sorted(p.start for p in self.report.pauses), forward=True, noun="long pause")

    def action_next_point(self) -> None:
        """Play the sentence that covered the next rubric point, and say which and how."""
        covered = self.report.coverage.timeline()
        k = self._step(
            [p.match.start for p in covered if p.match], forward=True, noun="covered point"
        )
        if k is not None and (match := covered[k].match):
            self.notify(
                f"{covered[k].label}: {HOW_WORDS.get(match.how, match.how)}"
                f" ({match.strength:.0f}) at {clock(match.start)}.",
                timeout=5,
            )

    def _step(self, starts: list[float], forward: bool, noun: str) -> int | None:
        """Jump to the next (or previous) of ``starts`` (in order), a lead-in before it; past
        the last one it wraps around to the first (and before the first, to the last). Returns
        the index of the one jumped to."""
        if not starts:
            self.notify(f"This answer has no {noun}s.")
            return None
        marks = [max(0.0, start - LEAD_IN_SECONDS) for start in starts]
        here = self.position
        if forward:
            ahead = [k for k, m in enumerate(marks) if m > here + 0.05]
            if not ahead:
                self.notify(f"No more {noun}s after this point: back to the first one.")
            k = ahead[0] if ahead else 0
        else:
            # Half a second in, "previous" means the one before the one playing now.
            behind = [k for k, m in enumerate(marks) if m < here - 0.5]
            if not behind:
                self.notify(f"No {noun}s before this point: round to the last one.")
            k = behind[-1] if behind else len(marks) - 1
        self._jump(marks[k])
        return k

    def action_back(self) -> None:
        self._stop_player()
        self.dismiss(None)
