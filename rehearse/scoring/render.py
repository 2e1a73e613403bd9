"""The report as readable terminal text (``rehearse score`` without ``--json``)."""

from __future__ import annotations

from collections.abc import Collection, Sequence

from rich.console import Group
from rich.table import Table
from rich.text import Text

from rehearse.language.coverage import Coverage, Evidence
from rehearse.language.rubric import Point, Rubric
from rehearse.scoring.render_coaching import coaching_rows, render_guide, render_tips
from rehearse.scoring.score import Report
from rehearse.text.words import Word

TIMING_STYLE = {"short": "yellow", "on-target": "green", "long": "red"}
VERDICT_STYLE = {"filler": "bold magenta", "content": "green"}


def clock(seconds: float) -> str:
    seconds = max(0, round(seconds))
    return f"{seconds // 60}:{seconds % 60:02d}"


HOW_WORDS = {"phrase": "by phrase", "meaning": "by meaning", "both": "by phrase and meaning"}
QUOTE_CHARS = 90


def quoted(text: str, limit: int = QUOTE_CHARS) -> str:
    text = " ".join(text.split())
    return f'"{text if len(text) <= limit else text[: limit - 1].rstrip() + "…"}"'


def evidence_text(match: Evidence) -> str:
    """Where and how a point was covered: '"sentence" at 0:35, by meaning (82)'."""
    return (
        f"{quoted(match.sentence)} at {clock(match.start)},"
        f" {HOW_WORDS.get(match.how, match.how)} ({match.strength:.0f})"
    )


def listens_for(point: Point | None) -> str:
    """What a missed point would have counted: two of its example phrasings."""
    if point is None:
        return ""
    said = [*point.examples, *point.phrases][:2]
    return "listens for " + " or ".join(quoted(s, 60) for s in said)


def order_text(coverage: Coverage) -> str:
    """The parts as spoken ("problem 0:05 → impact 0:20 → …") and, when out of order, which
    point came where ("impact at 0:20 before evaluation at 0:41")."""
    spoken = " → ".join(f"{p.id} {clock(p.match.start)}" for p in coverage.timeline() if p.match)
    wrong = "; ".join(
        f"{said.id} at {clock(said.match.start)} before {first.id} at {clock(first.match.start)}"
        for said, first in coverage.out_of_order()
        if said.match and first.match
    )
    return f"{spoken}\n{wrong}" if wrong else spoken


def transcript_with_fillers(report: Report) -> Text:
    return words_with_fillers(report.words, report.filler_word_indices)


def words_with_fillers(words: Sequence[Word], fillers: Collection[int], first: int = 0) -> Text:
    """``words[first:]`` as one line of text, the fillers (indices into ``words``) marked."""
    text = Text()
    for i in range(first, len(words)):
        if i > first:
            text.append(" ")
        text.append(words[i].text, style="bold magenta" if i in fillers else "")
    return text


def render_report(report: Report, rubric: Rubric) -> Group:
    low, high = report.target_seconds
    head = Text.assemble(
        (rubric.question, "bold"),
        "\n",
        (f"{report.audio}  ·  model {report.model}", "dim"),
    )
    figures = Table.grid(padding=(0, 2))
    figures.add_column(style="bold")
    figures.add_column()
    figures.add_row(
        "Time",
        Text.assemble(
            (f"{clock(report.speaking_seconds)} spoken", ""),
            f"  (target {clock(low)}–{clock(high)}) ",
            (report.timing.upper(), f"bold {TIMING_STYLE[report.timing]}"),
        ),
    )
    figures.add_row(
        "Pace", f"{report.words_per_minute:.0f} words a minute ({report.word_count} words)"
    )
    top = ", ".join(f"{w} ×{n}" for w, n in list(report.fillers.by_word.items())[:5]) or "none"
    figures.add_row(
        "Fillers", f"{report.fillers.count} ({report.fillers.per_minute:.1f} a minute): {top}"
    )
    pauses = ", ".join(f"{p.seconds:.1f} s at {clock(p.start)}" for p in report.pauses) or "none"
    figures.add_row("Long pauses", pauses)
    cov = report.coverage
    order = ""
    if cov.in_order is not None:
        order = "  in order" if cov.in_order else "  OUT OF ORDER"
    figures.add_row(
        "Coverage",
        f"{sum(p.covered for p in cov.points)} of {len(cov.points)} points"
        f" ({cov.ratio:.0%}){order}",
    )
    for label, figure in coaching_rows(report.coaching):
        figures.add_row(label, figure)

    if cov.in_order is not None and cov.timeline():
        figures.add_row("Order", order_text(cov))

    checklist = Table(show_header=False, box=None, padding=(0, 1))
    rubric_points = {p.id: p for p in rubric.points}
    for point in cov.points:
        mark = Text("✔", style="green") if point.covered else Text("✘", style="red")
        detail = Text(point.label)
        if point.seconds is not None:
            detail.append(f"  {point.seconds:.0f} s", style="cyan")
        if point.match:
            detail.append(f"\n{evidence_text(point.match)}", style="dim")
        elif rubric_points.get(point.id):
            detail.append(f"\n{listens_for(rubric_points.get(point.id))}", style="dim")
        checklist.add_row(mark, detail)

    parts: list[Text | Table | Group] = [head, Text(), figures, Text(), checklist, Text()]
    guide = render_guide(report.coaching)
    if guide is not None:
        parts += [guide, Text()]
    parts += [render_tips(report.coaching), Text()]
    for note in report.notes:
        parts.append(Text(f"Note: {note}", style="yellow"))
    parts.append(Text("Transcript", style="bold"))
    parts.append(transcript_with_fillers(report) if report.words else Text("(nothing said)", "dim"))
    return Group(*parts)


def render_filler_decisions(report: Report) -> Table | Text:
    """Every candidate filler, in order: when, the words, the verdict and the rule's reason."""
    if not report.filler_decisions:
        return Text("Nothing was said that could be a filler.", style="dim")
    table = Table(
        "time",
        "words",
        "verdict",
        "why",
        title="Why each possible filler counted or not",
        title_justify="left",
        box=None,
        header_style="bold",
    )
    uncounted = False
    for item, decision in zip(report.explained(), report.filler_decisions, strict=True):
        heard = " ".join(report.words[i].text for i in decision.word_indices)
        verdict = Text(decision.verdict, style=VERDICT_STYLE[decision.verdict])
        if decision.verdict == "filler" and not item["counted"]:
            verdict, uncounted = Text("filler, not counted", style="dim"), True
        table.add_row(clock(decision.start), heard, verdict, decision.description)
    if uncounted:
        table.caption = "not counted: no sound under it, or one sound written as several"
        table.caption_justify = "left"
    return table
