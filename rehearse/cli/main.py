"""The ``rehearse`` command: the TUI with no arguments, and subcommands for scripting."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from rehearse import __version__
from rehearse.cli.common import (
    add_scoring_options,
    data_directory,
    load_questions,
    read_settings,
    score_and_print,
)
from rehearse.errors import RehearseError


def global_options(after_command: bool) -> argparse.ArgumentParser:
    """--data, --bank and --model, which every command takes before or after its name.

    After the name they are suppressed unless given, so that a value given before the name is
    not reset to the default by the command's own parser.
    """
    default = argparse.SUPPRESS if after_command else None
    options = argparse.ArgumentParser(add_help=False, argument_default=default)
    options.add_argument(
        "--data",
        metavar="DIR",
        help="data directory for recordings, history and settings "
        "(default: $REHEARSE_HOME, else ./recordings)",
    )
    options.add_argument(
        "--bank",
        metavar="DIR",
        type=Path,
        help="folder of rubric TOML files (default: the bundled question bank)",
    )
    options.add_argument(
        "--model",
        help="Whisper model: a size name (base.en) or a model folder; default bundled tiny.en",
    )
    return options


def build_parser() -> argparse.ArgumentParser:
    from rehearse.cli import audio_commands, history_commands, rubric_commands, transfer_commands

    parser = argparse.ArgumentParser(
        prog="rehearse",
        description="Rehearse spoken interview answers aloud, offline. "
        "With no command, starts the app.",
        parents=[global_options(after_command=False)],
    )
    parser.add_argument("--version", action="version", version=f"rehearse {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    common = [global_options(after_command=True)]

    questions = sub.add_parser("questions", help="list the question bank", parents=common)
    questions.add_argument("--json", action="store_true", help="print JSON")
    questions.set_defaults(handler=run_questions)

    score = sub.add_parser("score", help="score a recorded answer", parents=common)
    score.add_argument("audio", type=Path, help="the recording (any format ffmpeg decodes)")
    add_scoring_options(score)
    score.set_defaults(handler=run_score)

    history_commands.add_parsers(sub, common)
    transfer_commands.add_parsers(sub, common)
    audio_commands.add_parsers(sub, common)
    rubric_commands.add_parsers(sub, common)
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
    from rehearse.service import target_for

    bank = load_questions(args)
    settings = read_settings(data_directory(args))
    if args.json:
        rows = [
            {
                "id": r.id,
                "category": r.category,
                "question": r.question,
                "target_seconds": list(target_for(r, settings).seconds),
                "own_target_seconds": list(r.target_seconds),
                "ordered": r.ordered,
                "points": [p.id for p in r.points],
            }
            for r in bank
        ]
        print(json.dumps(rows, ensure_ascii=False, indent=1))
        return 0
    from rich.console import Console
    from rich.table import Table

    table = Table(box=None, header_style="bold", pad_edge=False)
    # The id is what the user types: it is never cut; the other columns wrap around it.
    table.add_column("id", no_wrap=True, min_width=max(len(r.id) for r in bank))
    table.add_column("category")
    table.add_column("question")
    table.add_column("target", no_wrap=True)
    yours = False
    for r in bank:
        target = target_for(r, settings)
        low, high = target.seconds
        mark = " *" if target.source == "yours" else ""
        yours = yours or bool(mark)
        table.add_row(r.id, r.category, r.question, f"{low}–{high} s{mark}")
    console = Console()
    console.print(table)
    if yours:
        console.print("* your own target for that question (set in the app: t on the list)")
    return 0


def run_app(args: argparse.Namespace) -> int:
    from rehearse.tui.app import run

    return run(data=args.data, bank=args.bank, model=args.model)
