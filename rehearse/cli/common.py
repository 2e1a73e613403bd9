"""What every command that ends in a report shares: its options, and printing the report.

``score`` and ``record`` both end here, so their options and output cannot drift apart. The
scoring and saving themselves are the service layer's (``rehearse.service``).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from rehearse.errors import RehearseError, UsageError
from rehearse.language.rubric import Rubric, find_question, load_bank, load_rubric
from rehearse.storage.settings import Settings, data_dir, parse_target

if TYPE_CHECKING:
    from rehearse.scoring.score import Report
    from rehearse.speech.transcribe import ProgressCallback


def add_scoring_options(parser: argparse.ArgumentParser) -> None:
    """Options shared by every command that ends in a report (score, record)."""
    which = parser.add_mutually_exclusive_group()
    which.add_argument("--question", metavar="ID", help="question id from the bank")
    which.add_argument("--rubric", metavar="FILE", type=Path, help="a rubric TOML file")
    parser.add_argument("--json", action="store_true", help="print the report as one JSON object")
    parser.add_argument("--save", action="store_true", help="keep the attempt in the history")
    parser.add_argument("--target", metavar="LOW-HIGH", help="target length in seconds, e.g. 60-90")
    parser.add_argument(
        "--explain",
        action="store_true",
        help="after the report, list every word that could be a filler and the rule that made"
        " it one or not (with --json: as filler_decisions)",
    )


# The work was done and kept, but not all of it: the recording stopped early, or the report
# could not be saved to the history (it is printed all the same, and the recording kept).
INCOMPLETE_EXIT = 3


def warn(problem: str) -> None:
    """A problem that costs one thing (a question, the saved settings) and not the command."""
    print(f"rehearse: warning: {problem}", file=sys.stderr, flush=True)


def data_directory(args: argparse.Namespace) -> Path:
    return data_dir(getattr(args, "data", None))


def read_settings(directory: Path) -> Settings:
    # Reading must not create the data directory: `rehearse devices` should leave no trace.
    if not directory.exists():
        return Settings()
    problems: list[str] = []
    settings = Settings.load(directory, problems)
    for problem in problems:
        warn(problem)
    return settings


def load_questions(args: argparse.Namespace) -> list[Rubric]:
    """The question bank of ``--bank``, warning about each file that had to be skipped."""
    problems: list[str] = []
    bank = load_bank(getattr(args, "bank", None), problems)
    for problem in problems:
        warn(problem)
    return bank


def resolve_rubric(args: argparse.Namespace) -> Rubric:
    if getattr(args, "rubric", None):
        return load_rubric(args.rubric)
    if getattr(args, "question", None):
        problems: list[str] = []
        rubric = find_question(args.question, args.bank, problems)
        for problem in problems:
            warn(problem)
        return rubric
    raise UsageError("say which question the answer is for: --question ID or --rubric FILE")


def score_and_print(
    audio: Path,
    args: argparse.Namespace,
    rubric: Rubric | None = None,
    shown_as: Path | None = None,
) -> int:
    """Score ``audio`` for the question in ``args``, print the report, save it with ``--save``.

    ``shown_as`` is the path the user knows the recording by, when ``audio`` is the copy in
    the data folder. A report that cannot be saved is printed all the same (exit 3).
    """
    from rehearse.service import score_recording, warm_coverage
    from rehearse.speech.transcribe import Transcriber

    rubric = rubric or resolve_rubric(args)
    directory = data_directory(args)
    settings = read_settings(directory)
    override = parse_target(args.target, name="--target")
    transcriber = Transcriber(args.model or settings.model)
    warming = warm_coverage([rubric])
    try:
        with stage_progress() as progress:
            if progress is not None:
                progress("loading", 0.0)
            # Load before decoding so that a bad --model is reported even for a silent recording.
            transcriber.load()
            report = score_recording(audio, rubric, transcriber, settings, override, progress)
    finally:
        # onnxruntime aborts the process if it exits while a model is still loading.
        warming.join()
    return print_report(report, audio, args, rubric, shown_as)


def print_report(
    report: Report,
    audio: Path,
    args: argparse.Namespace,
    rubric: Rubric,
    shown_as: Path | None = None,
    stopped_at: float | None = None,
) -> int:
    """Save ``report`` with ``--save`` and print it (``--json``: one object). ``stopped_at`` is
    when the recording was stopped (``time.monotonic``): the JSON then says how long after it
    the report was ready, as ``latency_seconds``."""
    directory = data_directory(args)
    attempt_id, not_saved = None, None
    if args.save:
        from rehearse.service import save_attempt
        from rehearse.storage.history import History

        try:
            attempt_id = save_attempt(History(directory), report, audio).id
        except RehearseError as error:
            not_saved = str(error)
    if args.json:
        from rehearse.scoring.metrics import SCORING_REVISION, measure

        payload = report.to_dict()
        payload["audio"] = str(shown_as or audio)
        payload["metrics"] = measure(report).to_dict()
        payload["scoring_revision"] = SCORING_REVISION
        if attempt_id is not None:
            payload["attempt_id"] = attempt_id
        if args.explain:
            payload["filler_decisions"] = report.explained()
        if stopped_at is not None:
            payload["latency_seconds"] = round(time.monotonic() - stopped_at, 3)
        print(json.dumps(payload, ensure_ascii=False), flush=True)
    else:
        from rich.console import Console

        from rehearse.scoring.render import render_filler_decisions, render_report

        console = Console()
        console.print(render_report(report, rubric))
        if args.explain:
            console.print()
            console.print(render_filler_decisions(report))
        if attempt_id is not None:
            console.print(f"\nSaved as attempt {attempt_id} in {directory}", style="dim")
    for note in report.notes:
        print(f"rehearse: note: {note}", file=sys.stderr)
    if not_saved is not None:
        print(f"rehearse: the report was not saved to the history: {not_saved}", file=sys.stderr)
        return INCOMPLETE_EXIT
    return 0


@contextlib.contextmanager
def stage_progress() -> Iterator[ProgressCallback | None]:
    """What scoring is doing, as a bar on stderr when it is a terminal; None otherwise.

    stdout is left alone: it carries the report or the JSON.
    """
    from rich.console import Console
    from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn

    from rehearse.service import STAGE_LABELS, overall_fraction

    console = Console(stderr=True)
    if not console.is_terminal:
        yield None
        return
    columns = (SpinnerColumn(), TextColumn("{task.description}…"), BarColumn())
    with Progress(*columns, console=console, transient=True) as bar:
        task = bar.add_task("Loading the speech model", total=1.0)

        def show(stage: str, fraction: float) -> None:
            if stage in STAGE_LABELS:
                label = STAGE_LABELS[stage]
                bar.update(task, description=label, completed=overall_fraction(stage, fraction))

        yield show
