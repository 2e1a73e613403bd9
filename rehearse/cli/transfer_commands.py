"""The subcommands that bring attempts in or up to date: ``rescore``, ``import``, ``export``
and ``import-history``. Each shows a progress bar on stderr; the work is the service layer's
(``rehearse.service``) and the archive's (``rehearse.storage.archive``).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from rehearse.cli.common import data_directory, read_settings, resolve_rubric
from rehearse.cli.history_commands import attempt_id, open_history
from rehearse.errors import UsageError

if TYPE_CHECKING:
    from rich.progress import Progress, TaskID

    from rehearse.speech.transcribe import Transcriber


def add_parsers(
    subparsers: argparse._SubParsersAction, parents: Sequence[argparse.ArgumentParser] = ()
) -> None:
    """Add these commands; ``parents`` carries the options every command takes."""
    common = list(parents)
    rescore = subparsers.add_parser(
        "rescore",
        parents=common,
        help="score saved attempts again with the current rules",
        description="Score saved recordings again with this version's rules, so trends compare "
        "like with like. With no arguments: the attempts scored by older rules. Each attempt "
        "keeps its figures until its new ones are written, so stopping midway is safe.",
    )
    rescore.add_argument("ids", nargs="*", metavar="ATTEMPT_ID", help="attempt ids")
    which = rescore.add_mutually_exclusive_group()
    which.add_argument("--question", metavar="ID", help="every attempt at this question")
    which.add_argument("--all", action="store_true", help="every attempt")
    rescore.set_defaults(handler=run_rescore)

    imports = subparsers.add_parser(
        "import",
        parents=common,
        help="score existing recordings and add them to the history",
        description="Score recordings made elsewhere and add them to the history, each on the "
        "date the file gives (a date in its metadata, else its modification time). A recording "
        "already in the history is not added twice.",
    )
    imports.add_argument("files", nargs="+", type=Path, metavar="FILE", help="recordings")
    which = imports.add_mutually_exclusive_group()
    which.add_argument("--question", metavar="ID", help="question id from the bank")
    which.add_argument("--rubric", metavar="FILE", type=Path, help="a rubric TOML file")
    imports.add_argument(
        "--target", metavar="LOW-HIGH", help="target length in seconds, e.g. 60-90"
    )
    imports.set_defaults(handler=run_import)

    export = subparsers.add_parser(
        "export",
        parents=common,
        help="write the whole history and its recordings to a zip",
        description="Write every attempt, its report and its recording to one zip file, to "
        "move your history to another machine ('rehearse import-history' reads it).",
    )
    export.add_argument("archive", type=Path, metavar="FILE.zip", help="the zip to write")
    export.set_defaults(handler=run_export)

    import_history = subparsers.add_parser(
        "import-history",
        parents=common,
        help="add the attempts of an exported history zip",
        description="Add the attempts of a zip made by 'rehearse export'. The whole zip is "
        "checked first; attempts already in this history are not added twice.",
    )
    import_history.add_argument("archive", type=Path, metavar="FILE.zip", help="the zip")
    import_history.set_defaults(handler=run_import_history)


@contextmanager
def progress_bar(description: str) -> Iterator[tuple[Progress, TaskID]]:
    """A rich progress bar on stderr, so stdout keeps only results."""
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
    )

    bar = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=Console(stderr=True),
        transient=True,
    )
    with bar:
        yield bar, bar.add_task(description, total=None)


def _transcriber(args: argparse.Namespace) -> Transcriber:
    from rehearse.speech.transcribe import Transcriber

    settings = read_settings(data_directory(args))
    transcriber = Transcriber(getattr(args, "model", None) or settings.model)
    transcriber.load()
    return transcriber


# -- rescore ---------------------------------------------------------------------------------------


def run_rescore(args: argparse.Namespace) -> int:
    from rehearse.language.rubric import load_bank
    from rehearse.service import attempts_to_rescore, rescore_attempts
    from rehearse.storage.history import Attempt

    if args.ids and (args.question or args.all):
        raise UsageError("give attempt ids, or --question ID, or --all: not both")
    store = open_history(args)
    chosen = attempts_to_rescore(store, [attempt_id(i) for i in args.ids], args.question, args.all)
    if not chosen:
        print("nothing to rescore: every attempt is scored by the current rules")
        return 0
    bank = {r.id: r for r in load_bank(args.bank)}
    transcriber = _transcriber(args)
    settings = read_settings(store.directory)
    with progress_bar("rescoring") as (bar, task):

        def step(done: int, total: int, attempt: Attempt) -> None:
            bar.update(
                task,
                completed=done,
                total=total,
                description=f"rescoring {attempt.id} ({attempt.question_id})",
            )

        try:
            result = rescore_attempts(store, chosen, bank.get, transcriber, settings, step)
        except KeyboardInterrupt:
            done = int(bar.tasks[0].completed)
            print(
                f"rehearse: interrupted: {done} of {len(chosen)} attempts rescored; the others"
                " keep their figures",
                file=sys.stderr,
            )
            return 130
    print(f"rescored {len(result.updated)} of {len(chosen)} attempts")
    for line in result.kept:
        print(f"rehearse: {line}", file=sys.stderr)
    return 1 if result.kept else 0


# -- import ----------------------------------------------------------------------------------------


def run_import(args: argparse.Namespace) -> int:
    from rehearse.service import import_recordings
    from rehearse.storage.settings import parse_target

    rubric = resolve_rubric(args)
    override = parse_target(args.target, name="--target")
    for path in args.files:
        if not path.is_file():
            raise UsageError(
                f"{path}: no such file" if not path.exists() else f"{path}: not a file"
            )
    store = open_history(args)
    transcriber = _transcriber(args)
    settings = read_settings(store.directory)
    with progress_bar("importing") as (bar, task):

        def step(done: int, total: int, path: Path) -> None:
            bar.update(task, completed=done, total=total, description=f"scoring {path.name}")

        results = import_recordings(
            store, args.files, rubric, transcriber, settings, override, step
        )
    failed = 0
    for item in results:
        if item.attempt:
            a = item.attempt
            print(f"{item.path}: attempt {a.id}, {a.created_at:%Y-%m-%d %H:%M}, {a.timing}")
        elif item.already:
            print(f"{item.path}: already in the history as attempt {item.already.id}")
        else:
            failed += 1
            print(f"rehearse: {item.problem}", file=sys.stderr)
    return 1 if failed else 0


# -- export / import-history ----------------------------------------------------------------------


def run_export(args: argparse.Namespace) -> int:
    from rehearse.storage.archive import export_history

    target: Path = args.archive
    if target.suffix.lower() != ".zip":
        raise UsageError(f"the archive is a zip file: name it {target.name}.zip")
    store = open_history(args)
    with progress_bar("exporting") as (bar, task):
        count = export_history(
            store, target, lambda done, total: bar.update(task, completed=done, total=total)
        )
    print(f"exported {count} attempt{'s' if count != 1 else ''} to {target}")
    return 0


def run_import_history(args: argparse.Namespace) -> int:
    from rehearse.storage.archive import import_archive

    store = open_history(args)
    with progress_bar("checking") as (bar, task):
        done = import_archive(
            store, args.archive, lambda n, total: bar.update(task, completed=n, total=total)
        )
    already = f"; {done.already_there} already there" if done.already_there else ""
    print(f"imported {done.added} attempt{'s' if done.added != 1 else ''}{already}")
    return 0
