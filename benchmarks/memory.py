"""Peak memory of ``rehearse score`` against plain faster-whisper, on three lengths of answer.

Each run is a fresh subprocess, measured by the kernel (``os.wait4``'s ``ru_maxrss``, the same
figure as ``/usr/bin/time -v``'s "Maximum resident set size"), so both sides include the
interpreter, the imports and the model:

* rehearse: ``rehearse score FILE --question ID --json``;
* plain: ``WhisperModel(bundled tiny.en, int8).transcribe(FILE, word_timestamps=True)``, the
  same worker as ``score_speed.py``.

The files are the espeak answers of ``make_audio`` (made if missing): the dev answer closest
to 90 s, that one with the short answers joined on (about 156 s), and dev answers joined until
the file lasts at least ``--long`` seconds (default 720, 12 minutes). Prints the median of
``--runs`` (default 3) peak RSS and CPU seconds of each, and the ratios.

    .venv/bin/python -m benchmarks.memory [--runs 3] [--long 720] [--only 90,156,long]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

if __package__ in (None, ""):  # run as a file: make the checkout importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.corpus import load_answers
from benchmarks.make_audio import Audio, ensure_audio
from benchmarks.score_speed import PLAIN_WORKER, THREADS, rehearse_executable

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "benchmarks" / "out" / "memory"


def measure(command: list[str]) -> tuple[float, float]:
    """Peak RSS in MB and CPU seconds (user + system) of one subprocess run to its end."""
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    err = process.stderr.read().decode(errors="replace") if process.stderr else ""
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{command[:3]} failed: {err.strip()[-300:]}")
    return usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime


def joined(name: str, parts: list[Path]) -> Path:
    """The answers in ``parts`` one after another in one 16-bit WAV (made once)."""
    import soundfile

    path = OUT / f"{name}.wav"
    if path.exists():
        return path
    OUT.mkdir(parents=True, exist_ok=True)
    pieces, rate = [], None
    for part in parts:
        samples, part_rate = soundfile.read(str(part), dtype="float32")
        rate = rate or part_rate
        assert part_rate == rate, "all parts come from one voice at one rate"
        pieces.append(samples)
    soundfile.write(str(path), np.concatenate(pieces), rate, subtype="PCM_16")
    return path


def files(long_seconds: float) -> dict[str, tuple[Path, str]]:
    """The three answers: name -> (file, question id to score it against)."""
    answers = [a for a in load_answers() if not a.name.startswith("h")]
    audio = [ensure_audio(answer, "espeak")[0] for answer in answers]
    closest = min(audio, key=lambda a: abs(a.duration - 90))
    # The ~90 s answer, then the short ones (22-30 s) until about 156 s.
    medium = [closest]
    for item in sorted(audio, key=lambda a: a.duration):
        if sum(a.duration for a in medium) + item.duration > 165:
            break
        medium.append(item)
    long_audio: list[Audio] = []
    for item in audio:
        long_audio.append(item)
        if sum(a.duration for a in long_audio) >= long_seconds:
            break
    question = closest.answer.question
    return {
        "90": (closest.path, question),
        "156": (joined(f"medium-{len(medium)}", [a.path for a in medium]), question),
        "long": (joined(f"long-{len(long_audio)}", [a.path for a in long_audio]), question),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--long", type=float, default=720.0, help="seconds of the long file")
    parser.add_argument("--only", default="90,156,long", help="which files: 90,156,long")
    args = parser.parse_args()
    rehearse = rehearse_executable()
    if rehearse is None:
        raise SystemExit("the rehearse command is not installed (scripts/setup)")
    wanted = args.only.split(",")
    print(
        f"{'file':<6} {'seconds':>8} {'rehearse MB':>12} {'plain MB':>9} {'ratio':>6}"
        f" {'rehearse cpu s':>15} {'plain cpu s':>12}"
    )
    for name, (path, question) in files(args.long).items():
        if name not in wanted:
            continue
        import soundfile

        seconds = soundfile.info(str(path)).duration
        ours = [rehearse.as_posix(), "score", str(path), "--question", question, "--json"]
        plain = [sys.executable, "-c", PLAIN_WORKER, str(path), str(THREADS)]
        results: dict[str, list[tuple[float, float]]] = {"ours": [], "plain": []}
        for run in range(args.runs):
            # Alternate which goes first, so neither always meets a warm page cache.
            order = [("ours", ours), ("plain", plain)]
            for label, command in order if run % 2 == 0 else order[::-1]:
                results[label].append(measure(command))
                time.sleep(0.5)
        ours_mb = statistics.median(mb for mb, _ in results["ours"])
        plain_mb = statistics.median(mb for mb, _ in results["plain"])
        ours_cpu = statistics.median(cpu for _, cpu in results["ours"])
        plain_cpu = statistics.median(cpu for _, cpu in results["plain"])
        print(
            f"{name:<6} {seconds:>8.0f} {ours_mb:>12.0f} {plain_mb:>9.0f}"
            f" {ours_mb / plain_mb:>6.2f} {ours_cpu:>15.1f} {plain_cpu:>12.1f}",
            flush=True,
        )


if __name__ == "__main__":
    main()
