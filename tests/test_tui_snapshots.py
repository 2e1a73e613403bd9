"""Snapshots of the report screen, from stored reports (fixtures/reports, written once from real
transcriptions of synthesized speech), so the pictures are the same on any machine.

Update after an intended change with ``pytest tests/test_tui_snapshots.py --snapshot-update`` and
look at the new SVGs before committing them.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from textual.pilot import Pilot
from tui_support import make_app, screen_text, silent_recording, store_attempt, wait_for

from rehearse.language.rubric import find_question
from rehearse.tui.report import ReportScreen


def report_app(
    tmp_path: Path, name: str, question: str, with_previous: bool = False
) -> tuple[Any, Callable[[Pilot[Any]], Awaitable[None]]]:
    """The app showing the report of ``name`` (after an earlier attempt, if asked)."""
    app = make_app(tmp_path / "data")
    # Nothing plays here: a silent recording stands in for the speech.
    audio = silent_recording(tmp_path / "answer.wav", 1.0)
    if with_previous:
        store_attempt(app.store, name, when=datetime(2026, 3, 13, 8, 0), audio=audio)
    attempt = store_attempt(app.store, name, audio=audio)

    async def run_before(pilot: Pilot[Any]) -> None:
        await app.push_screen(ReportScreen(find_question(question), attempt))
        # The change panel fills in from a worker; the snapshot waits for it.
        await wait_for(
            pilot,
            lambda: "First attempt" in screen_text(app) or "Compared with" in screen_text(app),
        )
        await pilot.pause()

    return app, run_before


def test_report_80x24(snap_compare: Any, tmp_path: Path) -> None:
    app, run_before = report_app(tmp_path, "precision", "precision-vs-recall")
    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


def test_report_wide_with_previous_attempt(snap_compare: Any, tmp_path: Path) -> None:
    app, run_before = report_app(tmp_path, "precision", "precision-vs-recall", with_previous=True)
    assert snap_compare(app, terminal_size=(120, 36), run_before=run_before)


def test_report_of_an_ordered_rubric(snap_compare: Any, tmp_path: Path) -> None:
    app, run_before = report_app(tmp_path, "walkthrough", "project-walkthrough")
    assert snap_compare(app, terminal_size=(100, 32), run_before=run_before)
