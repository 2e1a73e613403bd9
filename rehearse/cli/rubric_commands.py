"""``rehearse rubric check FILE [--answer AUDIO_OR_TEXT]``: help for writing a rubric.

It validates the file (the same checks as the app and ``score``), lists each point with what it
listens for, and, for a sample answer, shows every sentence's decision and which sentence
covered each point and how (phrase, meaning or both), so an author sees why a point counts.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path

from rich.console import Console
from rich.table import Table
from rich.text import Text

from rehearse.errors import UsageError
from rehearse.language.rubric import Point, Rubric, load_rubric
from rehearse.text.words import Word, words_from_text

TEXT_SUFFIXES = {".txt", ".md", ".text"}


def add_parsers(
    subparsers: argparse._SubParsersAction, parents: Sequence[argparse.ArgumentParser] = ()
) -> None:
    rubric = subparsers.add_parser(
        "rubric",
        parents=list(parents),
        help="check a rubric file, and see how it scores a sample answer",
        description="Tools for writing rubrics.",
    )
    sub = rubric.add_subparsers(dest="rubric_command", metavar="ACTION", required=True)
    check = sub.add_parser(
        "check",
        parents=list(parents),
        help="validate a rubric file; with --answer, show which sentence covers each point",
        description="Validate a rubric file and list its points. With --answer (a recording, or "
        "a .txt file of what would be said), show each sentence's decision and, for each point, "
        "the sentence that covered it and how, or what it listens for.",
    )
    check.add_argument("file", type=Path, metavar="FILE", help="the rubric TOML file")
    check.add_argument(
        "--answer",
        type=Path,
        metavar="AUDIO_OR_TEXT",
        help="a sample answer: a recording, or a text file (.txt, .md) read as if spoken",
    )
    check.set_defaults(handler=run_check)


def run_check(args: argparse.Namespace) -> int:
    rubric = load_rubric(args.file)
    if args.answer is not None and not args.answer.is_file():
        raise UsageError(f"{args.answer}: no such answer file")
    console = Console()
    console.print(points_table(rubric))
    for problem in advice(rubric):
        console.print(Text(f"advice: {problem}", style="yellow"))
    if args.answer is None:
        return 0
    words = answer_words(args.answer, rubric, args)
    from rehearse.language.coverage import score_coverage
    from rehearse.scoring.render import clock, evidence_text, listens_for, order_text

    coverage = score_coverage(rubric, words)
    sentences = Table("time", "sentence", "covers", title="Each sentence", title_justify="left")
    for s in coverage.sentences:
        verdict = (
            Text(f"{s.point} ({s.how}, {s.strength:.0f})", style="green")
            if s.point
            else Text(f"nothing ({s.strength:.0f})", style="dim")
        )
        sentences.add_row(clock(s.start), s.text, verdict)
    console.print(sentences)
    by_id = {p.id: p for p in rubric.points}
    for point in coverage.points:
        mark = Text("✔ ", style="green") if point.match else Text("✘ ", style="red")
        detail = evidence_text(point.match) if point.match else listens_for(by_id[point.id])
        console.print(Text.assemble(mark, (point.id, "bold"), f": {detail}"))
    if coverage.in_order is not None and coverage.timeline():
        state = "in order" if coverage.in_order else "OUT OF ORDER"
        console.print(f"Order ({state}): {order_text(coverage)}")
    console.print(f"{sum(p.covered for p in coverage.points)} of {len(coverage.points)} points")
    return 0


def points_table(rubric: Rubric) -> Table:
    table = Table(
        "point",
        "label",
        "phrases",
        "examples",
        "not",
        title=f"{rubric.id}: {len(rubric.points)} points"
        + (", in order" if rubric.ordered else ", any order"),
        title_justify="left",
    )
    for p in rubric.points:
        table.add_row(
            p.id, p.label, str(len(p.phrases)), str(len(p.examples)), str(len(p.not_phrases))
        )
    return table


# What the bundled points carry, and what the meaning decision was fitted with: with fewer
# examples it has too few ways of saying the point to compare with, and without ``not``
# sentences nothing tells it what a near miss of the point sounds like.
FEWEST_EXAMPLES = 5
FEWEST_NOTS = 2
# "Evaluation" says what the part is called, not what the interviewer listens for.
FEWEST_LABEL_WORDS = 4


def advice(rubric: Rubric) -> list[str]:
    """What would make the file's points easier to recognise, one line each."""
    lines = []
    for p in rubric.points:
        lines.extend(_point_advice(p))
    return lines


def _point_advice(p: Point) -> list[str]:
    lines = []
    if len(p.label.split()) < FEWEST_LABEL_WORDS:
        lines.append(
            f"point '{p.id}': say in the label what an interviewer listens for"
            ' ("How the model was tested before it was trusted", not "Evaluation");'
            " the label is compared with the answer too"
        )
    if len(p.examples) < FEWEST_EXAMPLES:
        lines.append(
            f"point '{p.id}' has {_count(len(p.examples), 'example')}: give it at least"
            f" {FEWEST_EXAMPLES} whole sentences that cover it, each in different words a"
            " candidate would use, for the meaning matcher"
        )
    if len(p.not_phrases) < FEWEST_NOTS:
        lines.append(
            f"point '{p.id}' has {_count(len(p.not_phrases), 'not sentence')}: add two or three"
            " near misses that touch the topic without covering it"
            ' ("I don\'t know what the impact was")'
        )
    if len(p.phrases) < 3:
        lines.append(f"point '{p.id}' has {len(p.phrases)} phrase(s): add a few more phrasings")
    return lines


def _count(n: int, noun: str) -> str:
    if n == 0:
        return f"no {noun}s"
    return f"only {n} {noun}" + ("" if n == 1 else "s")


def answer_words(path: Path, rubric: Rubric, args: argparse.Namespace) -> list[Word]:
    """The sample answer's words: a text file read at a speaking pace, or a recording
    transcribed by the speech model."""

    if path.suffix.lower() in TEXT_SUFFIXES:
        try:
            return words_from_text(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError) as exc:
            raise UsageError(f"{path}: cannot read the answer as text: {exc}") from None
    from rehearse.service import analyse_file
    from rehearse.speech.transcribe import Transcriber

    return list(analyse_file(path, rubric, Transcriber(getattr(args, "model", None))).words)
