"""How soon the report comes after the stop when the answer is transcribed while it is recorded.

A real-time source writes a synthesized answer into a WAV file block by block at the sound
card's pace, exactly as ``Recorder`` writes what the microphone hears (50 ms blocks of 16 kHz
16-bit PCM, the header's sizes patched after each block), while ``LiveScoring`` follows the file
as it does in the app and in ``rehearse record``. After the answer and ``--stop-after`` seconds
of silence (the speaker's moment before pressing stop) the stop is sent: the file is closed and
``LiveScoring.finish`` runs. Measured:

* stop to report: median and worst over ``--runs`` runs, for a ~90 s and a ~4 minute answer
  (the espeak answers of ``make_audio``; the long one is dev answers joined), and of it the
  scoring once the last words were transcribed (what grew with the answer's length before it
  was prepared while recording), next to the wall time of ``rehearse score FILE --json`` on the
  same file (one run: start-up, model load and all);
* live transcript lag: for each word shown while recording, how long after its end it was shown
  (median and 90th percentile over all runs);
* agreement: the first run's streamed report against the file report of the same recording
  (covered points, timing verdict, fillers, pauses);
* peak memory (``ru_maxrss`` of a subprocess) streaming a 10-minute answer, against ``rehearse
  score`` of the same file; the source runs at ``--memory-speed`` times real time to keep the
  run short (what it writes ahead waits on disk, not in memory);
* the filler figures (precision and recall against the corpus labels, ``filler_accuracy``'s
  scoring) of the streamed path and the file path on the first ``--fillers`` dev answers
  (fed at ``--fillers-speed`` times real time, so the worker falls behind as on a slow machine),
  and on how many of them both paths heard the same words.

    .venv/bin/python -m benchmarks.stream_latency [--runs 5] [--only 90,240,lag,memory,fillers]

Each part runs alone with ``--only``; the figures are printed again in a short summary at the end,
each with the load average when it was taken. With the defaults it takes about 40 minutes,
nearly all of it the answers said in real time.
"""

from __future__ import annotations

import argparse
import logging
import os
import re
import statistics
import subprocess
import sys
import threading
import time
import wave
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

if __package__ in (None, ""):  # run as a file: make the checkout importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import filler_accuracy as fa
from benchmarks.corpus import load_answers
from benchmarks.make_audio import ensure_audio
from benchmarks.memory import files, measure
from benchmarks.score_speed import rehearse_executable
from rehearse.audio.clip import SAMPLE_RATE, load_audio
from rehearse.audio.recorder import wav_header
from rehearse.errors import RehearseError
from rehearse.language.rubric import find_question
from rehearse.scoring.score import Report
from rehearse.service import SCORING, LiveScoring, analyse_file
from rehearse.speech.transcribe import Transcriber
from rehearse.storage.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "benchmarks" / "out" / "stream"
BLOCK_SECONDS = 0.05  # the recorder's block


class PacedSource:
    """Writes the 16 kHz 16-bit WAV ``source`` into ``path`` as the recorder would, ``speed``
    times real time, then ``silence`` seconds more. It reads the source block by block, so the
    process holds no more of the answer than the streaming path itself does."""

    def __init__(self, path: Path, source: Path, silence: float, speed: float = 1.0) -> None:
        self.path = path
        self.source = source
        self.silence = silence
        self.speed = speed
        self.done = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def start(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.path, "wb") as f:
            f.write(wav_header(SAMPLE_RATE, 0))
        self._thread.start()

    def _blocks(self) -> Iterator[bytes]:
        frames = round(SAMPLE_RATE * BLOCK_SECONDS)
        with wave.open(str(self.source), "rb") as source:
            while block := source.readframes(frames):
                yield block
        for _ in range(round(self.silence / BLOCK_SECONDS)):
            yield bytes(2 * frames)

    def _run(self) -> None:
        began = time.monotonic()
        written = 0
        with open(self.path, "r+b", buffering=0) as f:
            f.seek(44)
            for block in self._blocks():
                due = began + written / 2 / SAMPLE_RATE / self.speed
                time.sleep(max(0.0, due - time.monotonic()))
                f.write(block)
                written += len(block)
                os.pwrite(f.fileno(), wav_header(SAMPLE_RATE, written), 0)
        self.done.set()


def at_16k(source: Path) -> Path:
    """``source`` as a 16 kHz 16-bit WAV, what a microphone opened at the model's rate gives
    (made once, beside the other outputs)."""
    path = OUT / f"{source.stem}.16k.wav"
    if not path.exists():
        OUT.mkdir(parents=True, exist_ok=True)
        samples = load_audio(source).samples
        with wave.open(str(path), "wb") as out:
            out.setnchannels(1)
            out.setsampwidth(2)
            out.setframerate(SAMPLE_RATE)
            out.writeframes((np.clip(samples, -1, 1) * 32767).astype("<i2").tobytes())
    return path


class Trace(logging.Handler):
    """The stream's decoding records (``rehearse.speech.stream`` at DEBUG), with when each
    was written."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[tuple[float, str]] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append((time.monotonic(), record.getMessage()))

    def since(self, moment: float, before: float = 5.0) -> list[str]:
        """The records written from ``before`` seconds ahead of ``moment``, timed from it."""
        return [
            f"{at - moment:+6.2f} s {text}" for at, text in self.records if at >= moment - before
        ]

    def totals(self) -> list[str]:
        """Per kind of stretch, over the whole answer: how many, their audio, their CPU."""
        kinds: dict[str, list[float]] = {}
        for _at, text in self.records:
            found = re.match(r"(.+?) [\d.]+-[\d.]+ s \(([\d.]+) s.*: (\w+) in ([\d.]+) s", text)
            if found:
                kind = f"{found[1]} {found[3]}"
                tally = kinds.setdefault(kind, [0, 0.0, 0.0])
                tally[0] += 1
                tally[1] += float(found[2])
                tally[2] += float(found[4])
        return [f"{k}: {int(n)} of {a:.0f} s audio in {t:.1f} s" for k, (n, a, t) in kinds.items()]


TRACE: Trace | None = None


@dataclass
class Run:
    latency: float
    scoring: float  # of which scoring, once the last words were transcribed
    lags: tuple[float, ...]
    report: Report
    path: Path


def stream_once(
    source: Path, question: str, transcriber: Transcriber, stop_after: float, speed: float, n: int
) -> Run:
    path = OUT / f"{source.stem}.run{n}.wav"
    rubric = find_question(question)
    paced = PacedSource(path, at_16k(source), stop_after, speed)
    live = LiveScoring(path, rubric, transcriber, Settings())
    if TRACE:
        TRACE.records.clear()
    paced.start()
    live.start()
    paced.done.wait()
    stopped = time.monotonic()  # the stop: the recorder closes a file that is already whole
    scoring: list[float] = []

    def progress(stage: str, _fraction: float) -> None:
        if stage == SCORING and not scoring:
            scoring.append(time.monotonic())

    report = live.finish(progress)
    done = time.monotonic()
    if TRACE:
        # What the worker was still doing at the stop (a record is written when its decoding
        # ends), then the scoring.
        for line in TRACE.totals():
            print(f"    while recording and after: {line}", flush=True)
        for line in TRACE.since(stopped):
            print(f"    {line}", flush=True)
        print(
            f"    {done - stopped:+6.2f} s report (scoring began at {scoring[0] - stopped:+.2f} s)",
            flush=True,
        )
    return Run(done - stopped, done - scoring[0], live.stream.lags, report, path)


def agreement(streamed: Report, whole: Report) -> str:
    covered = [[p.id for p in r.coverage.points if p.covered] for r in (streamed, whole)]
    mine, theirs = streamed.coaching.delivery, whole.coaching.delivery
    same_words = [(w.text, w.start) for w in streamed.words] == [
        (w.text, w.start) for w in whole.words
    ]
    return (
        f"words {'same' if same_words else 'differ'}"
        f", points {'same' if covered[0] == covered[1] else f'{covered[0]} vs {covered[1]}'}"
        f", timing {streamed.timing}/{whole.timing}"
        f", fillers {streamed.fillers.count}/{whole.fillers.count}"
        f", pauses {'same' if streamed.pauses == whole.pauses else 'differ'}"
        f" ({len(streamed.pauses)}/{len(whole.pauses)})"
        f", pitch variety {mine.pitch_variety_semitones}/{theirs.pitch_variety_semitones} st"
        f", loudness variety {mine.loudness_variety_db}/{theirs.loudness_variety_db} dB"
    )


def batch_seconds(path: Path, question: str) -> float:
    rehearse = rehearse_executable()
    if rehearse is None:
        raise SystemExit("the rehearse command is not installed (scripts/setup)")
    command = [rehearse.as_posix(), "score", str(path), "--question", question, "--json"]
    started = time.monotonic()
    subprocess.run(command, check=True, capture_output=True)
    return time.monotonic() - started


SUMMARY: list[str] = []


def summarise(line: str) -> None:
    print(line, flush=True)
    SUMMARY.append(line)


def load() -> str:
    return "load average " + ", ".join(f"{x:.2f}" for x in os.getloadavg())


def latency(
    name: str,
    path: Path,
    question: str,
    transcriber: Transcriber,
    args: argparse.Namespace,
    runs_wanted: int,
) -> list[float]:
    runs = []
    for n in range(runs_wanted):
        run = stream_once(path, question, transcriber, args.stop_after, 1.0, n)
        runs.append(run)
        print(
            f"  {name} run {n + 1}: stop to report {run.latency:.2f} s, of which scoring"
            f" {run.scoring:.2f} s ({load()})",
            flush=True,
        )
    if runs_wanted < 2:
        return [lag for r in runs for lag in r.lags]
    whole = analyse_file(runs[0].path, find_question(question), transcriber)
    batch = batch_seconds(runs[0].path, question)
    times = [r.latency for r in runs]
    scorings = [r.scoring for r in runs]
    seconds = load_audio(path).duration
    summarise(
        f"{name}: {seconds:.0f} s answer, stop to report median {statistics.median(times):.2f} s,"
        f" worst {max(times):.2f} s over {len(times)} runs (of which scoring, once the last"
        f" words were transcribed: median {statistics.median(scorings):.2f} s, worst"
        f" {max(scorings):.2f} s); rehearse score of the same file"
        f" {batch:.1f} s ({load()})"
    )
    summarise(f"{name}: streamed vs file: {agreement(runs[0].report, whole)}")
    return [lag for r in runs for lag in r.lags]


def memory_child(path: str, question: str, speed: float) -> None:
    transcriber = Transcriber()
    transcriber.load()
    run = stream_once(Path(path), question, transcriber, 1.0, speed, 0)
    print(f"{len(run.report.words)} words", flush=True)


def peak_memory(args: argparse.Namespace) -> None:
    path, question = files(args.memory_seconds)["long"]
    at_16k(path)  # made here, so the measured process only reads it block by block
    seconds = load_audio(path).duration
    child = [
        sys.executable, "-m", "benchmarks.stream_latency", "--memory-child", str(path), question,
        "--memory-speed", str(args.memory_speed),
    ]  # fmt: skip
    streamed_mb, _ = measure(child)
    rehearse = rehearse_executable()
    assert rehearse is not None
    batch_mb, _ = measure([rehearse.as_posix(), "score", str(path), "--question", question])
    summarise(
        f"memory: {seconds:.0f} s answer, peak RSS streamed {streamed_mb:.0f} MB"
        f" (fed at {args.memory_speed:g}x real time), rehearse score {batch_mb:.0f} MB"
    )


def filler_figures(transcriber: Transcriber, args: argparse.Namespace) -> None:
    # Only answers to questions in the bank can be scored (05 answers a question it lacks).
    answers = [a for a in load_answers(split="dev") if in_bank(a.question)][: args.fillers]
    totals = {"streamed": fa.Tally(), "file": fa.Tally()}
    same = 0
    for n, answer in enumerate(answers):
        audio, _ = ensure_audio(answer, "espeak")
        run = stream_once(audio.path, answer.question, transcriber, 1.0, args.fillers_speed, n)
        whole = analyse_file(audio.path, find_question(answer.question), transcriber)
        for label, report in (("streamed", run.report), ("file", whole)):
            tallies, _log, _wer = fa.score(answer, audio, output(report))
            for tally in tallies.values():
                totals[label].add(tally)
        said = agreement(run.report, whole)
        same += said.startswith("words same")
        print(f"  fillers {answer.name}: {said}", flush=True)
    for label, tally in totals.items():
        p, r, f = tally.scores()
        summarise(
            f"fillers ({len(answers)} dev answers, espeak) {label}: precision {p:.3f}"
            f" recall {r:.3f} F1 {f:.3f} (tp {tally.tp} fp {tally.fp} fn {tally.fn})"
        )
    summarise(f"fillers: {same} of {len(answers)} answers with the same words streamed and filed")


def in_bank(question: str) -> bool:
    try:
        find_question(question)
    except RehearseError:
        return False
    return True


def output(report: Report) -> fa.SystemOutput:
    words = [fa.HypWord(w.text, w.start, w.end, w.probability) for w in report.words]
    fillers = [
        fa.Predicted(f.kind, f.text, f.start, f.end, words=f.word_indices)
        for f in report.fillers.items
    ]
    return fa.SystemOutput(words, fillers, 0.0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument(
        "--only",
        default="90,240,memory,fillers",
        help="comma-separated parts: 90, 240 (stop to report, with the live lag), lag (the live"
        " lag alone: one run of the 90 s answer), memory, fillers",
    )
    parser.add_argument("--stop-after", type=float, default=1.0, help="silence before the stop")
    parser.add_argument("--memory-seconds", type=float, default=600.0)
    parser.add_argument("--memory-speed", type=float, default=4.0)
    parser.add_argument("--fillers", type=int, default=8, help="dev answers for the filler figures")
    parser.add_argument("--fillers-speed", type=float, default=4.0)
    parser.add_argument("--memory-child", nargs=2, metavar=("FILE", "QUESTION"))
    parser.add_argument(
        "--trace",
        action="store_true",
        help="print each stretch decoded or reused from 5 s before the stop to the report, with"
        " when it ended (seconds from the stop) and how long it took",
    )
    args = parser.parse_args()
    if args.trace:
        global TRACE
        TRACE = Trace()
        stream_log = logging.getLogger("rehearse.speech.stream")
        stream_log.setLevel(logging.DEBUG)
        stream_log.addHandler(TRACE)
    if args.memory_child:
        memory_child(*args.memory_child, args.memory_speed)
        return
    wanted = args.only.split(",")
    started = time.monotonic()
    print(f"at the start: {load()}", flush=True)
    transcriber = Transcriber()
    transcriber.load()
    lags: list[float] = []
    answers = files(240.0)
    for name, key in (("90", "90"), ("240", "long")):
        if name in wanted:
            path, question = answers[key]
            lags += latency(f"{name} s", path, question, transcriber, args, args.runs)
    if "lag" in wanted and "90" not in wanted:
        path, question = answers["90"]
        lags += latency("90 s", path, question, transcriber, args, 1)
    if lags:
        summarise(
            f"live transcript lag: median {statistics.median(lags):.2f} s,"
            f" 90th percentile {float(np.percentile(lags, 90)):.2f} s over {len(lags)} words"
            f" ({load()})"
        )
    if "memory" in wanted:
        peak_memory(args)
    if "fillers" in wanted:
        filler_figures(transcriber, args)
    print(f"\nSummary ({time.monotonic() - started:.0f} s in all; at the end: {load()})")
    for line in SUMMARY:
        print(f"  {line}")


if __name__ == "__main__":
    main()
