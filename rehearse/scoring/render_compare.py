"""Two attempts compared, as rich renderables: ``rehearse compare`` prints them and the app's
compare view shows them, so both lay out the same figures the same way."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text

from rehearse.scoring.compare import Comparison, MetricChange, Opcode
from rehearse.scoring.render import clock
from rehearse.scoring.score import Report

# Runs of unchanged words longer than this (and a few more) are shortened to their ends, so the
# changes stand out.
KEEP_EQUAL_WORDS = 12
_LEFT_OUT_AT_LEAST = 4


def _verdict_style(better: bool | None) -> str:
    return "green" if better else "red" if better is False else "dim"


def _signed(change: MetricChange) -> str:
    if change.change is None:
        return ""
    value = change.change
    unit = change.info.unit
    if unit == "%":
        return f"{value * 100:+.0f} pts"
    if unit == "s":
        return f"{value:+.1f} s"
    return f"{value:+.1f}" if unit == "/min" else f"{value:+.0f}"


def metrics_table(comparison: Comparison, before: str, after: str) -> Table:
    """Every rambling metric: before, after and the change, green when it improved."""
    table = Table(box=None, header_style="bold", padding=(0, 1))
    table.add_column("")
    table.add_column(before, justify="right", no_wrap=True)
    table.add_column(after, justify="right", no_wrap=True)
    table.add_column("change", no_wrap=True)
    a, b = comparison.before, comparison.after
    spoken = comparison.speaking_change
    table.add_row(
        "Spoken",
        clock(a.speaking_seconds),
        clock(b.speaking_seconds),
        Text(f"{spoken:+.0f} s", style="dim"),
    )
    for change in comparison.metrics:
        verdict = change.better
        word = " better" if verdict else " worse" if verdict is False else ""
        table.add_row(
            change.info.label,
            change.info.format(change.before),
            change.info.format(change.after),
            Text(_signed(change) + word, style=_verdict_style(verdict)),
        )
    pauses_before, pauses_after = comparison.pauses
    table.add_row(
        "Long pauses",
        f"{pauses_before.count} ({pauses_before.seconds:.0f} s)",
        f"{pauses_after.count} ({pauses_after.seconds:.0f} s)",
        Text(f"longest {pauses_before.longest:.1f} → {pauses_after.longest:.1f} s", style="dim"),
    )
    return table


def fillers_text(comparison: Comparison) -> Text:
    """Each filler's count before → after, the biggest changes first."""
    if not comparison.fillers:
        return Text("No fillers in either attempt.", style="green")
    text = Text("Fillers: ", style="bold")
    for n, change in enumerate(comparison.fillers):
        if n:
            text.append(" · ")
        style = "green" if change.change < 0 else "red" if change.change > 0 else "dim"
        text.append(f"{change.word} {change.before} → {change.after}", style=style)
    return text


def points_text(comparison: Comparison) -> Text:
    if not comparison.same_question:
        return Text("Different questions: their points are not compared.", style="dim")
    text = Text()
    for label in comparison.gained:
        text.append(f"+ {label}\n", style="green")
    for label in comparison.lost:
        text.append(f"- {label}\n", style="red")
    if not comparison.gained and not comparison.lost:
        count = len(comparison.kept)
        text.append(f"The same {count} point{'s' if count != 1 else ''} covered.", style="dim")
    text.rstrip()
    return text


def _words(report: Report, start: int, end: int, style: str = "") -> Text:
    fillers = report.filler_word_indices
    text = Text()
    for i in range(start, end):
        if i > start:
            text.append(" ")
        word_style = "magenta" if i in fillers else ""
        text.append(report.words[i].text, style=" ".join(s for s in (style, word_style) if s))
    return text


def _shortened(report: Report, start: int, end: int) -> Text:
    """An unchanged run, its middle left out when it is long."""
    if end - start < KEEP_EQUAL_WORDS + _LEFT_OUT_AT_LEAST:
        return _words(report, start, end, "dim")
    half = KEEP_EQUAL_WORDS // 2
    text = _words(report, start, start + half, "dim")
    text.append(f" … ({end - start - 2 * half} words the same) … ", style="dim italic")
    text.append_text(_words(report, end - half, end, "dim"))
    return text


def side_by_side(comparison: Comparison, before: str, after: str) -> Table:
    """The transcripts in two columns, one row per run of the alignment."""
    a, b = comparison.before, comparison.after
    table = Table(box=None, header_style="bold", padding=(0, 1), expand=True)
    table.add_column(before, ratio=1)
    table.add_column(after, ratio=1)
    for op in comparison.alignment:
        if op.tag == "equal":
            same = _shortened(a, op.i1, op.i2)
            table.add_row(same, same.copy())
        else:
            table.add_row(_words(a, op.i1, op.i2, "red"), _words(b, op.j1, op.j2, "green"))
    return table


def inline_diff(comparison: Comparison) -> Text:
    """The transcripts as one text: what was dropped struck out in red, what is new in green."""
    a, b = comparison.before, comparison.after
    text = Text()

    def add(part: Text) -> None:
        if text and part:
            text.append(" ")
        text.append_text(part)

    op: Opcode
    for op in comparison.alignment:
        if op.tag == "equal":
            add(_shortened(a, op.i1, op.i2))
            continue
        if op.i2 > op.i1:
            add(_words(a, op.i1, op.i2, "red strike"))
        if op.j2 > op.j1:
            add(_words(b, op.j1, op.j2, "green underline"))
    return text
