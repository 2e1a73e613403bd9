"""What the coaching adds to the scoring time of a ~90-second answer.

On one synthesized answer of about 90 s (benchmarks/coaching/dev answers read by espeak-ng,
joined until they pass 90 s), in process with the model loaded, N times after a warm-up:

* the whole scoring as the app runs it (``rehearse.service.analyse_clip``: voice activity,
  transcription, second listens, delivery and ``score`` with its coaching);
* the coaching's own share of that: Praat's pitch and intensity over the answer
  (``measure_delivery``) and ``coach`` (hedges, repetition, pace windows, tangents, the guide's
  checks, tips) on the same words.

Prints the medians, the added seconds and their share of the whole; the issue's budget is 15 %.
CPU time is printed beside wall time, and the load average, since the machine may be shared.

    .venv/bin/python -m benchmarks.coaching_cost [--runs 3]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

if __package__ in (None, ""):  # run as a file: make the checkout importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np

from benchmarks.coaching_accuracy import load

HERE = Path(__file__).resolve().parent
AUDIO = HERE / "out" / "coaching" / "cost-90s.espeak.wav"
BUDGET = 0.15


def ninety_seconds() -> Path:
    """A ~90 s answer: dev answers read by espeak-ng, joined until they pass 90 s."""
    # The voices speak at the synthesis rate, which write_wav keeps.
    from rehearse.audio.tts import SAMPLE_RATE, speak_samples, write_wav

    if AUDIO.exists():
        return AUDIO
    pieces: list[np.ndarray] = []
    total = 0.0
    for answer in load("dev"):
        for sentence in answer.text.split(". "):
            samples = speak_samples(sentence, "espeak")
            pieces += [samples, np.zeros(SAMPLE_RATE // 3, dtype=np.float32)]
            total += len(samples) / SAMPLE_RATE + 1 / 3
            if total >= 90:
                break
        if total >= 90:
            break
    AUDIO.parent.mkdir(parents=True, exist_ok=True)
    write_wav(AUDIO, np.concatenate(pieces))
    return AUDIO


def timed(run: Callable[[], object], runs: int) -> tuple[float, float]:
    """Median wall and CPU seconds of ``run`` over ``runs`` calls."""
    walls, cpus = [], []
    for _ in range(runs):
        wall, cpu = time.perf_counter(), time.process_time()
        run()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return statistics.median(walls), statistics.median(cpus)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)

    from rehearse.audio.clip import VoiceActivity, load_audio
    from rehearse.audio.delivery import measure_delivery
    from rehearse.language.rubric import find_question
    from rehearse.scoring.coaching import coach
    from rehearse.scoring.score import judge_fillers, paused
    from rehearse.service import analyse_clip
    from rehearse.speech.transcribe import Transcriber

    clip = load_audio(ninety_seconds())
    rubric = find_question("project-walkthrough")
    transcriber = Transcriber()
    report = analyse_clip(clip, rubric, transcriber)  # warm-up, and the words to coach
    words = report.words
    activity = VoiceActivity.measure(clip.samples)
    fillers, _ = judge_fillers(words, activity)
    gaps = paused(words, activity)
    speaking = report.speaking_seconds

    def coaching() -> None:
        delivery = measure_delivery(clip.samples, words[0].start, words[-1].end)
        coach(words, fillers, rubric, report.coverage, speaking, (60, 90), delivery, gaps)

    coaching()
    whole, whole_cpu = timed(lambda: analyse_clip(clip, rubric, transcriber), args.runs)
    extra, extra_cpu = timed(coaching, max(args.runs, 5))
    print(f"answer: {clip.duration:.1f} s of audio, {len(words)} words; runs: {args.runs}")
    print(f"whole scoring:   {whole:6.2f} s wall, {whole_cpu:6.2f} s CPU")
    print(f"coaching inside: {extra:6.2f} s wall, {extra_cpu:6.2f} s CPU")
    share = extra / whole if whole else 0.0
    print(f"share: {share:.1%} of the scoring time (budget {BUDGET:.0%})")
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return 0 if share <= BUDGET else 1


if __name__ == "__main__":
    raise SystemExit(main())
