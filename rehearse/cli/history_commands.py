"""The history subcommands: ``history``, ``progress``, ``compare`` and ``delete``.

Handlers parse and present; the figures come from the core (``rehearse.storage.trends``,
``rehearse.scoring.compare``) so the command line and the app cannot disagree.
"""

from __future__ import annotations

import argparse
import csv
import json
import shutil
import sys
from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from rehearse.cli.common import data_directory
from rehearse.errors import UsageError
from rehearse.scoring.metrics import METRIC_BY_KEY, METRICS, scoring_version

if TYPE_CHECKING:
    from rich.console import Console

    from rehearse.storage.history import Attempt, History
    from rehearse.storage.trends import MetricTrend, Progress, QuestionProgress

DEFAULT_CHART = "fillers_per_minute"
RESCORE_HINT = "run 'rehearse rescore' so the trends compare like with like"


def add_parsers(
    subparsers: argparse._SubParsersAction, parents: Sequence[argparse.ArgumentParser] = ()
) -> None:
    """Add these commands; ``parents`` carries the options every command takes."""
    common = list(parents)
    history = subparsers.add_parser(
        "history",
        parents=common,
        help="list saved attempts",
        description="List saved attempts, oldest first.",
    )
    history.add_argument("--question", metavar="ID", help="only this question id")
    history.add_argument(
        "--since", metavar="DATE", help="only attempts from this date on (2026-03-01)"
    )
    formats = history.add_mutually_exclusive_group()
    formats.add_argument("--json", action="store_true", help="print JSON")
    formats.add_argument("--csv", action="store_true", help="print CSV, one row per attempt")
    history.set_defaults(handler=run_history)

    progress = subparsers.add_parser(
        "progress",
        parents=common,
        help="are you rambling less? trends per question and metric",
        description="Per question and rambling metric: first, best, latest, the average of the "
        "last three attempts and whether it is improving; the share inside the target window, "
        "practice days and the current streak.",
    )
    progress.add_argument("--question", metavar="ID", help="only this question id")
    progress.add_argument("--json", action="store_true", help="print JSON")
    progress.add_argument(
        "--chart",
        metavar="METRIC",
        choices=[*METRIC_BY_KEY, "none"],
        help="the metric to chart per question: "
        + ", ".join(METRIC_BY_KEY)
        + f", or none (default: {DEFAULT_CHART} on a terminal)",
    )
    progress.set_defaults(handler=run_progress)

    compare = subparsers.add_parser(
        "compare",
        parents=common,
        help="what changed between two attempts",
        description="Compare attempt B with attempt A: every metric, fillers by word, pauses, "
        "points gained and lost, and the two transcripts aligned.",
    )
    compare.add_argument("first", metavar="A", help="the earlier attempt's id")
    compare.add_argument("second", metavar="B", help="the later attempt's id")
    shown = compare.add_mutually_exclusive_group()
    shown.add_argument(
        "--diff", action="store_true", help="the transcripts as one diff, not side by side"
    )
    shown.add_argument("--json", action="store_true", help="print JSON")
    compare.set_defaults(handler=run_compare)

    delete = subparsers.add_parser(
        "delete",
        parents=common,
        help="delete attempts and their recordings",
        description="Delete attempts from the history, with their recordings. Asks first; "
        "--yes skips the question (needed when not run from a terminal).",
    )
    delete.add_argument("ids", nargs="+", metavar="ATTEMPT_ID", help="attempt ids")
    delete.add_argument("--yes", "-y", action="store_true", help="do not ask")
    delete.set_defaults(handler=run_delete)


# -- shared ----------------------------------------------------------------------------------------


def open_history(args: argparse.Namespace) -> History:
    from rehearse.storage.history import History

    return History(data_directory(args))


def attempt_id(text: str) -> int:
    if not text.isdigit():
        raise UsageError(f"an attempt id is a number ('rehearse history' lists them), not {text!r}")
    return int(text)


def check_question(args: argparse.Namespace, attempts: Sequence[Attempt]) -> None:
    """A question filter must name a question in the bank or one with saved attempts."""
    question = getattr(args, "question", None)
    if not question or any(a.question_id == question for a in attempts):
        return
    from rehearse.language.rubric import find_question

    find_question(question, args.bank)  # raises the usual unknown-question line


def parse_since(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        return datetime.fromisoformat(text.strip())
    except ValueError:
        raise UsageError(f"--since takes a date such as 2026-03-01, not {text!r}") from None


def bank_order(args: argparse.Namespace) -> list[str]:
    from rehearse.errors import RehearseError
    from rehearse.language.rubric import load_bank

    try:
        return [r.id for r in load_bank(args.bank)]
    except RehearseError:
        return []  # a broken bank must not hide the history: questions then go by id


def console(stderr: bool = False) -> Console:
    from rich.console import Console

    return Console(stderr=stderr)


# -- history ---------------------------------------------------------------------------------------


CSV_COLUMNS = (
    "id",
    "created_at",
    "question",
    "audio",
    "duration_seconds",
    "speaking_seconds",
    "target_low",
    "target_high",
    "timing",
    "word_count",
    "filler_count",
    "pause_count",
    *(m.key for m in METRICS),
    "scoring_revision",
    "scored_by",
)


def attempt_row(attempt: Attempt) -> dict[str, Any]:
    """An attempt as the flat record ``history --json`` and ``--csv`` print."""
    return {
        "id": attempt.id,
        "created_at": attempt.created_at.isoformat(),
        "question": attempt.question_id,
        "audio": str(attempt.audio_path),
        "duration_seconds": attempt.duration_seconds,
        "speaking_seconds": attempt.speaking_seconds,
        "target_low": attempt.target_seconds[0],
        "target_high": attempt.target_seconds[1],
        "timing": attempt.timing,
        "word_count": attempt.word_count,
        "filler_count": attempt.filler_count,
        "pause_count": attempt.pause_count,
        **{m.key: attempt.metric(m.key) for m in METRICS},
        "scoring_revision": attempt.scoring_revision,
        "scored_by": attempt.scored_by,
    }


def run_history(args: argparse.Namespace) -> int:
    since = parse_since(args.since)
    attempts = open_history(args).attempts(args.question, since)
    check_question(args, attempts)
    if args.json:
        rows = []
        for a in attempts:
            row = attempt_row(a)
            # Kept from the first layout of this output, which scripts may read.
            row["coverage_ratio"] = a.coverage_ratio
            # Metrics.to_dict's shape, read straight from the row: thousands of attempts.
            row["metrics"] = {m.key: row[m.key] for m in METRICS}
            row["metrics"]["parts"] = json.loads(a.parts_json)
            rows.append(row)
        # One attempt a line: readable, and json's fast encoder does not indent.
        print("[\n" + ",\n".join(json.dumps(row) for row in rows) + "\n]")
        return 0
    if args.csv:
        writer = csv.DictWriter(sys.stdout, fieldnames=CSV_COLUMNS, lineterminator="\n")
        writer.writeheader()
        for a in attempts:
            writer.writerow(attempt_row(a))
        return 0
    if not attempts:
        print("no attempts saved yet" if not (args.question or since) else "no attempts match")
        return 0
    print_history_table(attempts)
    return 0


HISTORY_COLUMNS = ("id", "when", "question", "spoken", "timing", "fillers/min", "coverage")
_RIGHT_ALIGNED = {"id", "spoken", "fillers/min", "coverage"}


def print_history_table(attempts: Sequence[Attempt]) -> None:
    """One line per attempt, in columns as wide as their longest value: nothing is cut short,
    and thousands of attempts print at once (a rich table measures every cell many times)."""
    rows = [
        (
            f"{a.id}{'*' if a.outdated else ''}",
            f"{a.created_at:%Y-%m-%d %H:%M}",
            a.question_id,
            f"{a.speaking_seconds:.0f} s",
            a.timing,
            f"{a.fillers_per_minute:.1f}",
            f"{a.coverage_ratio:.0%}",
        )
        for a in attempts
    ]
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(HISTORY_COLUMNS)]

    def line(cells: Sequence[str]) -> str:
        return "  ".join(
            cell.rjust(width) if name in _RIGHT_ALIGNED else cell.ljust(width)
            for cell, width, name in zip(cells, widths, HISTORY_COLUMNS, strict=True)
        ).rstrip()

    if sum(widths) + 2 * (len(widths) - 1) > shutil.get_terminal_size().columns:
        # Too wide for the terminal (a long question id): a table that wraps the other columns
        # around the ids, which are what the user types next and are never cut. Slower to lay
        # out, so only when the plain columns do not fit.
        _print_wrapped_table(rows)
    else:
        sys.stdout.write("\n".join([line(HISTORY_COLUMNS), *map(line, rows)]) + "\n")
    outdated = sum(a.outdated for a in attempts)
    if outdated:
        print(
            f"* {_plural(outdated, 'attempt')} scored by older rules: 'rehearse rescore' brings"
            " them up to date."
        )


def _print_wrapped_table(rows: Sequence[tuple[str, ...]]) -> None:
    from rich.console import Console
    from rich.table import Table

    table = Table(box=None, header_style="bold", pad_edge=False)
    for name in HISTORY_COLUMNS:
        fixed = name in ("id", "question")
        table.add_column(
            name.replace("/", " /"),  # the header may wrap there
            justify="right" if name in _RIGHT_ALIGNED else "left",
            no_wrap=fixed,
            overflow="fold",
            min_width=max(len(name), *(len(r[HISTORY_COLUMNS.index(name)]) for r in rows))
            if fixed
            else None,
        )
    for row in rows:
        table.add_row(*row)
    Console().print(table)


# -- progress --------------------------------------------------------------------------------------


def run_progress(args: argparse.Namespace) -> int:
    from rehearse.storage.trends import progress

    attempts = open_history(args).attempts(args.question)
    check_question(args, attempts)
    result = progress(attempts, order=bank_order(args))
    if args.json:
        print(json.dumps(progress_json(result), indent=1))
        return 0
    out = console()
    if not attempts:
        out.print("no attempts saved yet" if not args.question else "no attempts at that question")
        return 0
    chart = args.chart or (DEFAULT_CHART if out.is_terminal else "none")
    out.print(overall_line(result))
    if any(q.cut_short for q in result.questions):
        out.print(
            "Tries cut short (under a third of the target's low end) count as practice but are"
            " left out of the figures.",
            style="dim",
        )
    if result.mixed_scoring or result.outdated:
        out.print(scoring_note(result.revisions, result.outdated), style="yellow")
    for question in result.questions:
        out.print()
        print_question(out, question, chart)
    return 0


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'s' if count != 1 else ''}"


def overall_line(result: Progress) -> str:
    return (
        f"{_plural(result.attempts, 'attempt')} on {_plural(result.practice_days, 'day')}"
        f" · current streak {_plural(result.current_streak, 'day')}"
        f" (longest {result.longest_streak})"
        f" · {result.on_target_share:.0%} inside the target"
    )


def scoring_note(revisions: Sequence[int], outdated: int) -> str:
    versions = " and ".join(scoring_version(r) for r in revisions)
    mixed = (
        f"These attempts were scored by different rules ({versions}). "
        if len(revisions) > 1
        else ""
    )
    return f"{mixed}{_plural(outdated, 'attempt')} scored by older rules: {RESCORE_HINT}."


def direction_text(trend: MetricTrend) -> Any:
    from rich.text import Text

    style = {"improving": "green", "worsening": "red"}.get(trend.direction, "dim")
    if trend.direction in ("improving", "worsening") and trend.change is not None:
        info = trend.info
        change = trend.change * 100 if info.unit == "%" else trend.change
        unit = " pts" if info.unit == "%" else " s" if info.unit == "s" else ""
        return Text(f"{trend.direction} ({change:+.1f}{unit})", style=style)
    if trend.direction == "steady" and len(trend.values) < 2:
        return Text("after 2 attempts", style="dim")
    return Text(trend.direction, style=style)


def print_question(out: Console, question: QuestionProgress, chart: str) -> None:
    from rich.table import Table

    cut_short = f" ({question.cut_short} cut short)" if question.cut_short else ""
    out.print(
        f"[bold]{question.question_id}[/bold] · {_plural(question.count, 'attempt')}{cut_short}"
        f" on {_plural(question.practice_days, 'day')} · streak"
        f" {_plural(question.current_streak, 'day')}"
        f" · {question.on_target_share:.0%} inside the target",
        highlight=False,
    )
    if question.mixed_scoring:
        out.print(scoring_note(question.revisions, question.outdated), style="yellow")
    table = Table(box=None, header_style="bold", padding=(0, 1))
    table.add_column("metric", no_wrap=True)
    for label in ("first", "best", "latest", "last 3"):
        table.add_column(label, justify="right", no_wrap=True)
    table.add_column("trend", no_wrap=True)
    for trend in question.metrics:
        info = trend.info
        best = info.format(trend.best)
        if trend.best_number is not None and trend.best is not None:
            best += f" (#{trend.best_number})"
        table.add_row(
            info.short,
            info.format(trend.first),
            best,
            info.format(trend.latest),
            info.format(trend.moving_average),
            direction_text(trend),
        )
    out.print(table)
    if chart != "none":
        out.print(chart_text(question.metric(chart), out.width))


def chart_text(trend: MetricTrend, width: int) -> Any:
    """A terminal chart of one metric over the attempts that count, with its moving average;
    nothing when fewer than two attempts have a value to draw."""
    import plotext as plt
    from rich.text import Text

    points = [p for p in trend.series if p.value is not None and p.counted]
    if len(points) < 2:
        return Text("")
    xs = [p.number for p in points]
    plt.clear_figure()
    plt.plotsize(min(width, 100), 12)
    plt.theme("clear")
    plt.title(f"{trend.info.label} by attempt")
    plt.scatter(xs, [p.value for p in points], marker="dot", label="attempt")
    plt.plot(xs, [p.average for p in points], marker="braille", label="average of last 3")
    plt.xticks(xs[:: max(1, len(xs) // 10)])
    return Text.from_ansi(plt.build())


def metric_json(trend: MetricTrend) -> dict[str, Any]:
    return {
        "first": trend.first,
        "latest": trend.latest,
        "best": trend.best,
        "best_attempt": trend.best_attempt_id,
        "moving_average": trend.moving_average,
        "first_average": trend.before,
        "last_average": trend.after,
        "direction": trend.direction,
    }


def progress_json(result: Progress) -> dict[str, Any]:
    return {
        "attempts": result.attempts,
        "practice_days": result.practice_days,
        "current_streak": result.current_streak,
        "longest_streak": result.longest_streak,
        "on_target_share": round(result.on_target_share, 3),
        "mixed_scoring": result.mixed_scoring,
        "outdated_attempts": result.outdated,
        "scoring_revisions": list(result.revisions),
        "questions": [
            {
                "question": q.question_id,
                "attempts": q.count,
                "cut_short": q.cut_short,
                "practice_days": q.practice_days,
                "current_streak": q.current_streak,
                "on_target_share": round(q.on_target_share, 3),
                "mixed_scoring": q.mixed_scoring,
                "outdated_attempts": q.outdated,
                "metrics": {t.info.key: metric_json(t) for t in q.metrics},
            }
            for q in result.questions
        ],
    }


# -- compare ---------------------------------------------------------------------------------------


def run_compare(args: argparse.Namespace) -> int:
    from rehearse.scoring.compare import compare

    store = open_history(args)
    first, second = store.get(attempt_id(args.first)), store.get(attempt_id(args.second))
    result = compare(first.report, second.report, first.metrics, second.metrics)
    if args.json:
        print(json.dumps(compare_json(first, second, result), indent=1))
        return 0
    print_comparison(first, second, result, args.diff)
    return 0


def label(attempt: Attempt) -> str:
    return f"#{attempt.id} {attempt.created_at:%d %b %H:%M}"


def print_comparison(first: Attempt, second: Attempt, result: Any, as_diff: bool) -> None:
    from rich.rule import Rule

    from rehearse.scoring.render_compare import (
        fillers_text,
        inline_diff,
        metrics_table,
        points_text,
        side_by_side,
    )

    out = console()
    question = first.question_id
    if second.question_id != question:
        question += f" / {second.question_id}"
    out.print(f"[bold]{question}[/bold]: attempt {label(first)} → {label(second)}")
    if first.scoring_revision != second.scoring_revision:
        out.print(
            "Scored by different rules: part of the change may be the rules; " + RESCORE_HINT + ".",
            style="yellow",
        )
    out.print(metrics_table(result, label(first), label(second)))
    out.print(fillers_text(result))
    out.print(points_text(result))
    out.print(Rule(f"Transcripts ({result.words_in_common:.0%} of the words in common)"))
    out.print(inline_diff(result) if as_diff else side_by_side(result, label(first), label(second)))


def compare_json(first: Attempt, second: Attempt, result: Any) -> dict[str, Any]:
    a, b = result.before, result.after

    def words(report: Any, i: int, j: int) -> str:
        return " ".join(w.text for w in report.words[i:j])

    return {
        "before": first.id,
        "after": second.id,
        "speaking_seconds": [a.speaking_seconds, b.speaking_seconds],
        "metrics": {
            m.info.key: {"before": m.before, "after": m.after, "better": m.better}
            for m in result.metrics
        },
        "fillers": {c.word: [c.before, c.after] for c in result.fillers},
        "pauses": [
            {"count": p.count, "seconds": p.seconds, "longest": p.longest} for p in result.pauses
        ],
        "points_gained": list(result.gained),
        "points_lost": list(result.lost),
        "words_in_common": round(result.words_in_common, 3),
        "alignment": [
            {"op": o.tag, "before": words(a, o.i1, o.i2), "after": words(b, o.j1, o.j2)}
            for o in result.alignment
        ],
    }


# -- delete ----------------------------------------------------------------------------------------


def run_delete(args: argparse.Namespace) -> int:
    store = open_history(args)
    ids = list(dict.fromkeys(attempt_id(i) for i in args.ids))
    # All named attempts must exist before any is deleted: a typo never deletes half a list.
    doomed = [store.get(i) for i in ids]
    if not args.yes:
        if not sys.stdin.isatty():
            raise UsageError(
                "delete asks before removing recordings: run it in a terminal, or add --yes"
            )
        if not confirm(doomed):
            print("nothing deleted", file=sys.stderr)
            return 1
    for attempt in doomed:
        store.delete(attempt.id)
    names = ", ".join(str(a.id) for a in doomed)
    print(f"deleted attempt{'s' if len(doomed) != 1 else ''} {names} and the recordings")
    return 0


def confirm(doomed: Sequence[Attempt]) -> bool:
    out = console(stderr=True)
    for a in doomed:
        out.print(f"  {a.id}  {a.created_at:%Y-%m-%d %H:%M}  {a.question_id}  {a.audio_path}")
    noun = (
        "this attempt and its recording"
        if len(doomed) == 1
        else (f"these {len(doomed)} attempts and their recordings")
    )
    # Asked on stderr, like every other message, so stdout keeps only results.
    sys.stderr.write(f"Delete {noun}? This cannot be undone. [y/N] ")
    sys.stderr.flush()
    return sys.stdin.readline().strip().lower() in ("y", "yes")
