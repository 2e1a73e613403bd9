"""What every command that ends in a report shares: its options, and printing the report.

``score`` and ``record`` both end here, so their options and output cannot drift apart. The
scoring and saving themselves are the service layer's (``rehearse.service``).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from rehearse.errors import UsageError
from rehearse.language.rubric import Rubric, find_question, load_rubric
from rehearse.storage.settings import Settings, data_dir, parse_target


def add_scoring_options(parser: argparse.ArgumentParser) -> None:
    """Options shared by every command that ends in a report (score, record)."""
    which = parser.add_mutually_exclusive_group()
    which.add_argument("--question", metavar="ID", help="question id from the bank")
    which.add_argument("--rubric", metavar="FILE", type=Path, help="a rubric TOML file")
    parser.add_argument("--json", action="store_true", help="print the report as one JSON object")
    parser.add_argument("--save", action="store_true", help="keep the attempt in the history")
    parser.add_argument("--target", metavar="LOW-HIGH", help="target length in seconds, e.g. 60-90")
    parser.add_argument(
        "--model", default=argparse.SUPPRESS, help="Whisper model (see rehearse --help)"
    )
    parser.add_argument(
        "--explain",
        action="store_true",
        help="after the report, list every word that could be a filler and the rule that made"
        " it one or not (with --json: as filler_decisions)",
    )


def data_directory(args: argparse.Namespace) -> Path:
    return data_dir(getattr(args, "data", None))


def read_settings(directory: Path) -> Settings:
    # Reading must not create the data directory: `rehearse devices` should leave no trace.
    return Settings.load(directory) if directory.exists() else Settings()


def resolve_rubric(args: argparse.Namespace) -> Rubric:
    if getattr(args, "rubric", None):
        return load_rubric(args.rubric)
    if getattr(args, "question", None):
        return find_question(args.question, args.bank)
    raise UsageError("say which question the answer is for: --question ID or --rubric FILE")


def score_and_print(audio: Path, args: argparse.Namespace) -> int:
    """Score ``audio`` for the question in ``args``, print the report, save it with ``--save``."""
    from rehearse.service import save_attempt, score_recording
    from rehearse.speech.transcribe import Transcriber

    rubric = resolve_rubric(args)
    directory = data_directory(args)
    settings = read_settings(directory)
    override = parse_target(args.target, name="--target")
    transcriber = Transcriber(args.model or settings.model)
    # Load before decoding so that a bad --model is reported even for a silent recording.
    transcriber.load()
    report = score_recording(audio, rubric, transcriber, settings, override)
    attempt_id = None
    if args.save:
        from rehearse.storage.history import History

        attempt_id = save_attempt(History(directory), report, audio).id
    if args.json:
        from rehearse.scoring.metrics import SCORING_REVISION, measure

        payload = report.to_dict()
        payload["audio"] = str(audio)
        payload["metrics"] = measure(report).to_dict()
        payload["scoring_revision"] = SCORING_REVISION
        if attempt_id is not None:
            payload["attempt_id"] = attempt_id
        if args.explain:
            payload["filler_decisions"] = report.explained()
        print(json.dumps(payload, ensure_ascii=False))
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
    return 0
