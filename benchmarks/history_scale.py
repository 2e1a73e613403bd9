"""How fast do ``history``, ``progress`` and the History screen answer on a large history?

Builds (once; ``--rebuild`` redoes it) a data folder with N attempts (default 10,000) spread
over a year and the bundled questions, each a full report of a ~90 s answer (about 200 words
with their times: what a real attempt stores), then times, each the median of ``--runs``:

* in process: ``History.attempts()`` and ``trends.progress`` over all of it;
* the commands as a user runs them (a fresh Python each time, start-up included):
  ``rehearse history``, ``history --json``, ``progress`` and ``progress --json``;
* the History screen, headless: from opening it to its table and charts drawn.

    .venv/bin/python -m benchmarks.history_scale [--attempts 10000] [--runs 5] [--rebuild]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

if __package__ in (None, ""):  # run as a file: make the checkout importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np

from rehearse.audio.clip import SAMPLE_RATE, VoiceActivity
from rehearse.language.rubric import Rubric, load_bank
from rehearse.scoring.score import Report, score
from rehearse.storage.history import History, NewAttempt
from rehearse.text.words import Word

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "benchmarks" / "out" / "history-scale"
FILLERS = ["um,", "uh,", "like,"]
PADDING = "we looked at the data and then we built a model that the team could ship".split()  # noqa: SIM905


def answer(rubric: Rubric, variant: int) -> Report:
    """A ~90 s answer to ``rubric``: padding words with some of its phrases and fillers."""
    rng = np.random.default_rng(variant)
    tokens: list[str] = []
    phrases = [p.phrases[0] for p in rubric.points]
    while len(tokens) < 200:
        tokens += list(rng.choice(PADDING, size=12))
        if rng.random() < 0.5 and phrases:
            tokens += phrases.pop(0).split()
        if rng.random() < 0.4:
            tokens.append(str(rng.choice(FILLERS)))
    tokens.append("ship")  # an answer ending on "like," trips a bug in the filler rules
    step = 90 / len(tokens)
    words = [
        Word(t, round(0.5 + i * step, 3), round(0.5 + (i + 0.8) * step, 3))
        for i, t in enumerate(tokens)
    ]
    seconds = words[-1].end + 1
    samples = np.zeros(int(seconds * SAMPLE_RATE), dtype=np.float32)
    for w in words:
        a, b = int(w.start * SAMPLE_RATE), int(w.end * SAMPLE_RATE)
        samples[a:b] = 0.3 * np.sin(2 * np.pi * 180 * np.arange(b - a) / SAMPLE_RATE)
    return score(words, rubric, VoiceActivity.measure(samples), seconds, "answer.wav")


def build(folder: Path, count: int) -> History:
    store = History(folder)
    if store.path.exists() and len(store.attempts()) == count:
        return store
    if store.path.exists():
        store.path.unlink()
    bank = load_bank()
    print(f"building {count} attempts in {folder} ...", file=sys.stderr)
    reports = [answer(r, n) for r in bank for n in range(3)]
    recordings = folder / "attempts" / "bench"
    recordings.mkdir(parents=True, exist_ok=True)
    start = datetime(2025, 1, 1, 8, 0)
    new = []
    for n in range(count):
        # The rows only need a path, but a recording belongs to one attempt: one each.
        recording = recordings / f"{n:06d}.wav"
        recording.write_bytes(b"")
        new.append(
            NewAttempt(reports[n % len(reports)], recording, start + timedelta(minutes=53 * n))
        )
    for chunk in range(0, count, 1000):
        store.add_many(new[chunk : chunk + 1000])
    return store


def median_seconds(run: Callable[[], object], runs: int) -> tuple[float, float]:
    """The median wall time and the median CPU time (this process's and its children's), so a
    busy machine's figures can be read for what the work itself costs."""
    walls, cpus = [], []
    for _ in range(runs):
        began, cpu = time.perf_counter(), _cpu_seconds()
        run()
        walls.append(time.perf_counter() - began)
        cpus.append(_cpu_seconds() - cpu)
    return statistics.median(walls), statistics.median(cpus)


def _cpu_seconds() -> float:
    mine = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return mine.ru_utime + mine.ru_stime + children.ru_utime + children.ru_stime


def command(folder: Path, *args: str) -> Callable[[], object]:
    def run() -> object:
        return subprocess.run(
            [sys.executable, "-m", "rehearse", "--data", str(folder), *args],
            capture_output=True,
            check=True,
        )

    return run


def screen_seconds(store: History, runs: int) -> tuple[float, float]:
    from textual.app import App

    from rehearse.tui.history_screen import HistoryScreen

    bank = load_bank()

    class Host(App[None]):
        pass

    async def once() -> tuple[float, float]:
        app = Host()
        async with app.run_test(size=(120, 40)) as pilot:
            began, cpu = time.perf_counter(), _cpu_seconds()
            await app.push_screen(HistoryScreen(store, bank))
            await pilot.pause()
            return time.perf_counter() - began, _cpu_seconds() - cpu

    timed = [asyncio.run(once()) for _ in range(runs)]
    return statistics.median(w for w, _ in timed), statistics.median(c for _, c in timed)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--attempts", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--rebuild", action="store_true")
    args = parser.parse_args()
    folder = OUT / str(args.attempts)
    if args.rebuild and (folder / "history.sqlite3").exists():
        (folder / "history.sqlite3").unlink()
    store = build(folder, args.attempts)

    from rehearse.storage.trends import progress

    rows = [
        ("History.attempts()", median_seconds(store.attempts, args.runs)),
        ("trends.progress(all)", median_seconds(lambda: progress(store.attempts()), args.runs)),
        ("rehearse history", median_seconds(command(folder, "history"), args.runs)),
        (
            "rehearse history --json",
            median_seconds(command(folder, "history", "--json"), args.runs),
        ),
        ("rehearse progress", median_seconds(command(folder, "progress"), args.runs)),
        (
            "rehearse progress --json",
            median_seconds(command(folder, "progress", "--json"), args.runs),
        ),
        (
            "rehearse --version (start-up alone)",
            median_seconds(command(folder, "--version"), args.runs),
        ),
        ("History screen, open to drawn", screen_seconds(store, args.runs)),
    ]
    load = os.getloadavg()[0]
    print(f"{args.attempts} attempts, median of {args.runs} runs (load average {load:.1f})")
    print(f"  {'':<38} {'wall':>7} {'cpu':>7}")
    for name, (wall, cpu) in rows:
        print(f"  {name:<38} {wall:6.3f}s {cpu:6.3f}s")


if __name__ == "__main__":
    main()
