"""Widgets the screens share: the answer clock, the microphone meter and the transcript."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

from rich.console import RenderableType
from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget
from textual.widgets import Static

from rehearse.audio.clip import Span
from rehearse.audio.recorder import QUIET_DBFS, SILENCE_DBFS, InputLevel
from rehearse.scoring.render import clock
from rehearse.text.words import Word

AnyWidget = TypeVar("AnyWidget", bound=Widget)

TIMING_STYLE = {"short": "yellow", "on-target": "green", "long": "red"}
TIMING_LABEL = {"short": "SHORT", "on-target": "ON TARGET", "long": "TOO LONG"}


def titled(widget: AnyWidget, title: str) -> AnyWidget:
    """The widget with its border title set as it is built.

    Setting it here rather than in ``on_mount`` means no query can run after an app that is closing
    mid-mount has already dropped the widget.
    """
    widget.border_title = title
    return widget


def target_label(target: tuple[int, int]) -> str:
    return f"{clock(target[0])}–{clock(target[1])}"


class TimeBar(Widget):
    """The answer so far against its target window: blue before it, green in it, red past it."""

    elapsed: reactive[float] = reactive(0.0)

    def __init__(self, target: tuple[int, int], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.target = target

    def render(self) -> RenderableType:
        width = max(10, self.size.width)
        low, high = self.target
        # Leave room past the window so "too long" is visible before the bar runs out.
        scale = max(high * 1.25, self.elapsed * 1.05, 1.0)
        bar = Text()
        for cell in range(width):
            t = (cell + 0.5) / width * scale
            band = "before" if t < low else "inside" if t <= high else "after"
            if t <= self.elapsed:
                style = {"before": "#4a90d9", "inside": "green", "after": "bold red"}[band]
                bar.append("█", style)
            elif band == "inside":
                bar.append("▒", "#2e5e2e")
            else:
                bar.append("░", "#555555")
        ticks = [" "] * width
        for seconds, label in ((0, "0:00"), (low, clock(low)), (high, clock(high))):
            # Each label starts under its moment, kept inside the bar.
            pos = max(0, min(width - len(label), round(seconds / scale * width)))
            for k, ch in enumerate(label):
                if 0 <= pos + k < width:
                    ticks[pos + k] = ch
        # Every row but the last is bar, so a taller widget draws a thicker bar.
        rows = max(1, self.size.height - 1)
        lines = [bar] * rows
        return Text("\n").join([*lines, Text("".join(ticks), style="dim")])


def timing_now(elapsed: float, target: tuple[int, int]) -> str:
    low, high = target
    if elapsed < low:
        return "short"
    return "on-target" if elapsed <= high else "long"


class LevelMeter(Widget):
    """Live microphone level on a -60..0 dBFS scale, with plain-words warnings."""

    level: reactive[InputLevel | None] = reactive(None, always_update=True)
    idle_note: reactive[str] = reactive("microphone idle: press space to record")
    """What the meter says while there is no level: the screen knows why the microphone is off."""
    FLOOR_DB = -60.0

    def render(self) -> RenderableType:
        # "mic " before the bar and " -23 dB" after it: 13 cells.
        width = max(10, self.size.width - 13)
        level = self.level
        rms = level.rms_dbfs if level else SILENCE_DBFS
        peak = level.peak_dbfs if level else SILENCE_DBFS
        fill = round(max(0.0, min(1.0, (rms - self.FLOOR_DB) / -self.FLOOR_DB)) * width)
        peak_at = round(max(0.0, min(1.0, (peak - self.FLOOR_DB) / -self.FLOOR_DB)) * width)
        bar = Text()
        for cell in range(width):
            db = self.FLOOR_DB + (cell + 0.5) / width * -self.FLOOR_DB
            colour = "green" if db < -12 else "yellow" if db < -3 else "red"
            if cell < fill:
                bar.append("█", colour)
            elif cell == max(0, peak_at - 1) and peak > self.FLOOR_DB:
                bar.append("▏", colour)
            else:
                bar.append("·", "#555555")
        shown = f"{rms:5.0f} dB" if rms > SILENCE_DBFS else "   -∞ dB"
        line = Text.assemble(("mic ", "bold"), bar, (f" {shown}", "dim"))
        if level is None:
            note = Text(self.idle_note, style="dim")
        elif level.clipping:
            note = Text("⚠ CLIPPING: move back from the microphone or turn it down", "bold red")
        elif level.too_quiet:
            note = Text(
                f"⚠ too quiet (below {QUIET_DBFS:.0f} dBFS): is the microphone muted or far away?",
                "bold yellow",
            )
        else:
            note = Text(f"RMS {rms:.0f} dBFS · peak {peak:.0f} dBFS", style="dim")
        return Text.assemble(line, "\n", note)


class TranscriptView(Static):
    """The transcript with fillers picked out, long pauses marked, and a movable current word."""

    current: reactive[int | None] = reactive(None)

    def __init__(
        self,
        words: Sequence[Word],
        fillers: frozenset[int],
        pauses: Sequence[Span] = (),
        *,
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self.words = list(words)
        self.fillers = fillers
        self.pauses = list(pauses)

    def build(self) -> Text:
        if not self.words:
            return Text("(nothing was recognised)", style="dim italic")
        text = Text()
        pauses = sorted(self.pauses, key=lambda p: p.start)
        for i, word in enumerate(self.words):
            if i:
                text.append(" ")
            while pauses and pauses[0].start <= word.start:
                pause = pauses.pop(0)
                text.append(f"[{pause.seconds:.1f}s pause]", style="italic #8888cc")
                text.append(" ")
            style = "bold magenta underline" if i in self.fillers else ""
            if i == self.current:
                style = "bold reverse " + ("magenta" if i in self.fillers else "cyan")
            text.append(word.text, style=style)
        return text

    def on_mount(self) -> None:
        self.update(self.build())

    def watch_current(self) -> None:
        self.update(self.build())

    def line_of_current(self, width: int) -> int:
        """Which wrapped line holds the current word, so a scroller can keep it in view."""
        if self.current is None or width <= 0:
            return 0
        text = self.build()
        offset = 0
        for span in text.spans:
            if "reverse" in str(span.style):
                offset = span.start
                break
        lines = text.wrap(self.app.console, width)
        seen = 0
        for number, line in enumerate(lines):
            seen += len(line.plain) + 1
            if offset < seen:
                return number
        return max(0, len(lines) - 1)


def word_at(words: Sequence[Word], seconds: float) -> int | None:
    """The word being spoken at ``seconds`` (or the last one begun before it)."""
    found = None
    for i, word in enumerate(words):
        if word.start <= seconds:
            found = i
        else:
            break
    return found
