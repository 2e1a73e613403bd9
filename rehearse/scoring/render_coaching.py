"""The coaching part of the terminal report: figures beyond fillers, and the tips."""

from __future__ import annotations

from collections import Counter

from rich.console import Group
from rich.table import Table
from rich.text import Text

from rehearse.audio.delivery import MONOTONE_BELOW_SEMITONES
from rehearse.scoring.coaching import Coaching
from rehearse.scoring.pace import PACE_BAND
from rehearse.scoring.tips import clock, quote


def coaching_rows(c: Coaching) -> list[tuple[str, str]]:
    """(label, figure) rows for the report's figures table, each a line a user can act on."""
    rows = [("Pace over time", _pace(c)), ("Hedges", _hedges(c)), ("Repetition", _repetition(c))]
    if c.overused:
        rows.append(("Said often", ", ".join(f"{o.text} ×{o.count}" for o in c.overused[:3])))
    rows.append(("Voice", _voice(c)))
    rows.append(("Off the points", _tangents(c)))
    return rows


def _pace(c: Coaching) -> str:
    low, high = PACE_BAND
    verdict = f"{c.pace} ({low}–{high} a minute is easy to follow)" if c.pace else "–"
    marked = [w for w in c.pace_windows if w.verdict != "steady"]
    where = "; ".join(
        f"{w.verdict} {clock(w.start)}–{clock(w.end)} ({w.words_per_minute:.0f})" for w in marked
    )
    return f"{verdict}; {where}" if where else verdict


def _hedges(c: Coaching) -> str:
    if not c.hedges:
        return "none"
    top = ", ".join(f"{t} ×{n}" for t, n in Counter(h.text for h in c.hedges).most_common(4))
    return f"{len(c.hedges)}: {top}"


def _repetition(c: Coaching) -> str:
    if not c.repetitions:
        return "none"
    times = ", ".join(f'"{r.text}" {clock(r.start)}' for r in c.repetitions[:4])
    return f"{c.repeats} repeated, {c.restarts} restarted: {times}"


def _voice(c: Coaching) -> str:
    d = c.delivery
    if d.pitch_variety_semitones is None:
        return "not measured (too little voiced sound)"
    flat = "  FLAT" if d.monotone else ""
    loud = f", loudness varied {d.loudness_variety_db:.1f} dB" if d.loudness_variety_db else ""
    return (
        f"pitch varied {d.pitch_variety_semitones:.1f} semitones (flat below "
        f"{MONOTONE_BELOW_SEMITONES}){loud}{flat}"
    )


def _tangents(c: Coaching) -> str:
    if not c.tangents:
        return "none"
    spans = ", ".join(f"{clock(t.start)}–{clock(t.end)}" for t in c.tangents)
    return f"{c.tangent_seconds:.0f} s: {spans}"


def render_guide(c: Coaching) -> Group | None:
    """The interview guide's checks, for questions about the speaker's own work."""
    g = c.guide
    if g is None:
        return None
    lines: list[Text | Table] = [Text("The guide's checks", style="bold")]
    if g.parts:
        table = Table(show_header=False, box=None, padding=(0, 1))
        for p in g.parts:
            asks = (
                str(p.budget[1]) if p.budget[0] == p.budget[1] else f"{p.budget[0]}–{p.budget[1]}"
            )
            style = "red" if p.over else "green"
            table.add_row(
                Text(f"{p.sentences} sentence{'' if p.sentences == 1 else 's'}", style=style),
                Text(f"{p.label}  ({p.seconds:.0f} s from {clock(p.start)}; asked: {asks})"),
            )
        lines.append(table)
    share = g.ownership_share
    if share is not None:
        text = Text(
            f"Ownership: {g.i_sentences} of {g.i_sentences + g.we_sentences} sentences say I"
        )
        if g.weak_ownership:
            text.append("  VAGUE", style="bold red")
        lines.append(text)
        for q in g.vague_we:
            lines.append(Text(f'  {clock(q.start)} "{quote(q.text, 12)}"', style="dim"))
    if g.metric_without_context:
        q = g.metric_without_context
        lines.append(
            Text(f'A metric with no product effect: {clock(q.start)} "{quote(q.text, 12)}"')
        )
    if g.no_baseline:
        q = g.no_baseline
        lines.append(Text(f'No baseline before the model: {clock(q.start)} "{quote(q.text, 12)}"'))
    return Group(*lines)


def render_tips(c: Coaching, heading: bool = True) -> Group:
    """The ranked tips; ``heading`` puts "Tips" above them (the app's panel has it as a title)."""
    lines = [Text("Tips", style="bold")] if heading else []
    if not c.tips:
        return Group(*lines, Text("Nothing stood out enough for a tip.", "dim"))
    lines += [Text(f"{n}. {tip.text}") for n, tip in enumerate(c.tips, 1)]
    return Group(*lines)
