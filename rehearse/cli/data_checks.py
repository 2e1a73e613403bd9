"""``rehearse doctor``'s checks of what lives in files (settings, question bank, history), and
``doctor --repair``, which puts each of them right without losing anything.

The repair takes the data folder's lock, so it never rebuilds the history under a running app.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

from rehearse.errors import RehearseError, StorageError

CheckFn = Callable[[str, bool, str], None]


def check_files(check: CheckFn, args: argparse.Namespace, directory: Path) -> None:
    """One line each for the settings, the question bank and the history."""
    _check_settings(check, directory)
    _check_bank(check, args)
    _check_history(check, directory)


def _check_settings(check: CheckFn, directory: Path) -> None:
    from rehearse.storage.settings import SETTINGS_FILE, Settings

    path = directory / SETTINGS_FILE
    if not path.exists():
        check("settings", True, "none saved yet: the defaults apply")
        return
    try:
        Settings.load(directory)
    except RehearseError as error:
        check("settings", False, f"{error}; 'rehearse doctor --repair' sets it aside")
        return
    check("settings", True, f"{path}")


def _check_bank(check: CheckFn, args: argparse.Namespace) -> None:
    from rehearse.language.rubric import bundled_rubrics_dir, load_bank

    problems: list[str] = []
    try:
        bank = load_bank(args.bank, problems)
    except RehearseError as error:
        check("question bank", False, str(error))
        return
    for problem in problems:
        check("question bank", False, f"{problem}; fix that file or remove it")
    folder = args.bank or bundled_rubrics_dir()
    check("question bank", bool(bank), f"{len(bank)} questions in {folder}")


def _check_history(check: CheckFn, directory: Path) -> None:
    from rehearse.storage.history import History

    history = History(directory)
    if not history.path.exists():
        check("history", True, "no attempt saved yet")
        return
    problem = history.check()
    if problem:
        check("history", False, problem)
        return
    try:
        count = len(history.attempts())
        waiting = len(history.unsaved_reports()) + len(history.unsaved_recordings())
    except RehearseError as error:
        check("history", False, str(error))
        return
    check("history", True, f"{count} attempts in {history.path}")
    if waiting:
        check(
            "history",
            False,
            f"{waiting} recording(s) in {directory} are not in the history yet; the app adds"
            " them on its next start, or run 'rehearse doctor --repair'",
        )


def repair(args: argparse.Namespace, directory: Path) -> None:
    """Set aside a bad settings file, rebuild a damaged history, save what was left unsaved."""
    from rehearse.storage.lock import FolderBusy, FolderLock

    if not directory.is_dir():
        return
    try:
        lock = FolderLock.acquire(directory)
    except FolderBusy as busy:
        raise StorageError(f"{busy}: close it, then run 'rehearse doctor --repair' again") from None
    with lock:
        _repair_settings(directory)
        _repair_history(args, directory)


def _fixed(name: str, detail: str) -> None:
    print(f"{'FIXED':<8} {name}: {detail}", flush=True)


def _repair_settings(directory: Path) -> None:
    from rehearse.storage.settings import Settings

    problems: list[str] = []
    Settings.load(directory, problems)
    for problem in problems:
        _fixed("settings", problem)


def _repair_history(args: argparse.Namespace, directory: Path) -> None:
    from rehearse.cli.common import load_questions, read_settings
    from rehearse.service import recover_recordings
    from rehearse.speech.transcribe import Transcriber
    from rehearse.storage.history import History

    history = History(directory)
    if history.check():
        rebuilt = history.rebuild()
        _fixed(
            "history",
            f"rebuilt from the reports beside the recordings ({rebuilt.restored} attempts);"
            f" the damaged file is kept as {rebuilt.backup}",
        )
        for problem in rebuilt.skipped:
            print(f"{'PROBLEM':<8} history: {problem}", flush=True)
    bank = {rubric.id: rubric for rubric in load_questions(args)}
    settings = read_settings(directory)
    transcriber = Transcriber(args.model or settings.model)
    done = recover_recordings(history, bank.get, transcriber, settings)
    if done.saved:
        _fixed("history", f"added {done.saved} recording(s) that had not been saved")
    for problem in done.problems:
        print(f"{'PROBLEM':<8} history: {problem}", file=sys.stdout, flush=True)
