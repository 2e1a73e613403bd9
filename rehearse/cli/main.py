"""The ``rehearse`` command: the TUI with no arguments, and subcommands for scripting."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from rehearse import __version__
from rehearse.cli.common import add_scoring_options, score_and_print
from rehearse.errors import RehearseError
from rehearse.language.rubric import load_bank


def build_parser() -> argparse.ArgumentParser:
    from rehearse.cli import audio_commands, history_commands, transfer_commands

    parser = argparse.ArgumentParser(
        prog="rehearse",
        description="Rehearse spoken interview answers aloud, offline. "
        "With no command, starts the app.",
    )
    parser.add_argument("--version", action="version", version=f"rehearse {__version__}")
    parser.add_argument(
        "--data",
        metavar="DIR",
        help="data directory for recordings, history and settings "
        "(default: $REHEARSE_HOME, else ./recordings)",
    )
    parser.add_argument(
        "--bank",
        metavar="DIR",
        type=Path,
        help="folder of rubric TOML files (default: the bundled question bank)",
    )
    parser.add_argument(
        "--model",
        help="Whisper model: a size name (base.en) or a model folder; default bundled tiny.en",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    questions = sub.add_parser("questions", help="list the question bank")
    questions.add_argument("--json", action="store_true", help="print JSON")
    questions.set_defaults(handler=run_questions)

    score = sub.add_parser("score", help="score a recorded answer")
    score.add_argument("audio", type=Path, help="the recording (any format ffmpeg decodes)")
    add_scoring_options(score)
    score.set_defaults(handler=run_score)

    history_commands.add_parsers(sub)
    transfer_commands.add_parsers(sub)
    audio_commands.add_parsers(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        if args.command is None:
            return run_app(args)
        return int(args.handler(args))
    except RehearseError as error:
        print(f"rehearse: {error}", file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        print("rehearse: interrupted", file=sys.stderr)
        return 130


def run_score(args: argparse.Namespace) -> int:
    return score_and_print(args.audio, args)


def run_questions(args: argparse.Namespace) -> int:
    bank = load_bank(args.bank)
    if args.json:
        rows = [
            {
                "id": r.id,
                "category": r.category,
                "question": r.question,
                "target_seconds": list(r.target_seconds),
                "ordered": r.ordered,
                "points": [p.id for p in r.points],
            }
            for r in bank
        ]
        print(json.dumps(rows, ensure_ascii=False, indent=1))
        return 0
    from rich.console import Console
    from rich.table import Table

    table = Table("id", "category", "question", "target", box=None, header_style="bold")
    for r in bank:
        low, high = r.target_seconds
        table.add_row(r.id, r.category, r.question, f"{low}–{high} s")
    Console().print(table)
    return 0


def run_app(args: argparse.Namespace) -> int:
    from rehearse.tui.app import run

    return run(data=args.data, bank=args.bank, model=args.model)
