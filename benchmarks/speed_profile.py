"""Where ``rehearse score``'s time goes, stage by stage (``score_speed --profile``).

Each stage is timed around the function that does it, wall and CPU (all threads), and counts
only its own time: the stages it calls are counted apart (the clip decodings of the guard and of
the second listen inside theirs, silero's voice activity inside the first decoding). "other" is
what no stage covers (scoring's own glue, the report). The functions are wrapped for the run and
put back afterwards; nothing in rehearse knows it is being timed.

The speech model's encoder runs once per 30 s window, however little sound the window holds, and
is most of each model call's cost, so the windows each stage encodes are counted too, with
plain faster-whisper's for the same file.
"""

from __future__ import annotations

import statistics
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from benchmarks.make_audio import Audio


@dataclass
class _Frame:
    """A stage under way: when it started, and the time of the stages it called so far."""

    stage: str
    wall: float
    cpu: float
    inner_wall: float = 0.0
    inner_cpu: float = 0.0


class StageClock:
    """Own wall and CPU time, calls and encoder windows per stage, over nested stages."""

    def __init__(self) -> None:
        self.wall: dict[str, float] = defaultdict(float)
        self.cpu: dict[str, float] = defaultdict(float)
        self.calls: dict[str, int] = defaultdict(int)
        self.windows: dict[str, int] = defaultdict(int)
        self._stack: list[_Frame] = []

    @property
    def current(self) -> str:
        return self._stack[-1].stage if self._stack else "other"

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        frame = _Frame(name, time.perf_counter(), time.process_time())
        self._stack.append(frame)
        try:
            yield
        finally:
            self._stack.pop()
            wall = time.perf_counter() - frame.wall
            cpu = time.process_time() - frame.cpu
            self.wall[name] += wall - frame.inner_wall
            self.cpu[name] += cpu - frame.inner_cpu
            self.calls[name] += 1
            if self._stack:
                self._stack[-1].inner_wall += wall
                self._stack[-1].inner_cpu += cpu

    def wrap(self, owner: Any, attribute: str, name: str | Callable[[str], str]) -> Callable:
        """Time ``owner.attribute`` as the stage ``name`` (or ``name(enclosing stage)``);
        returns what puts it back."""
        original = getattr(owner, attribute)
        had_own = attribute in vars(owner)
        raw = vars(owner)[attribute] if had_own else None

        def timed(*args: Any, **kwargs: Any) -> Any:
            label = name(self.current) if callable(name) else name
            with self.stage(label):
                return original(*args, **kwargs)

        setattr(owner, attribute, staticmethod(timed) if isinstance(raw, staticmethod) else timed)
        if isinstance(raw, classmethod):
            setattr(owner, attribute, classmethod(lambda cls, *a, **k: timed(*a, **k)))

        def restore() -> None:
            if had_own:
                setattr(owner, attribute, raw)
            else:
                delattr(owner, attribute)

        return restore

    def count_windows(self, model: Any) -> Callable:
        """Count the 30 s windows ``model`` (a ``WhisperModel``) encodes, per stage."""
        encode = model.encode

        def counted(features: Any, *args: Any, **kwargs: Any) -> Any:
            self.windows[self.current] += features.shape[0] if len(features.shape) == 3 else 1
            return encode(features, *args, **kwargs)

        model.encode = counted
        return lambda: delattr(model, "encode")


def _clip_stage(enclosing: str) -> str:
    return f"{enclosing}: clip decoded" if enclosing != "other" else "clip decoded"


def profile_stages(
    audio: Audio,
    question: str,
    runs: int,
    plain: Any,
    plain_transcribe: Callable[[Any, Audio], None],
) -> None:
    import faster_whisper.transcribe as fw

    import rehearse.service as service
    import rehearse.speech.completeness as completeness
    import rehearse.speech.transcribe as transcribe
    from rehearse.audio.clip import VoiceActivity
    from rehearse.language.rubric import find_question
    from rehearse.speech.transcribe import Transcriber

    print(f"\n-- stages of rehearse analyse_file, in process ({runs} runs after a warm-up)")
    transcriber = Transcriber()
    transcriber.load()
    rubric = find_question(question)
    service.analyse_file(audio.path, rubric, transcriber)  # warm-up: sessions, caches

    clock = StageClock()
    model = transcriber._pipeline.model
    restores = [
        clock.count_windows(model),
        clock.wrap(service, "load_audio", "read and resample the file"),
        clock.wrap(VoiceActivity, "measure", "loudness activity (ours)"),
        clock.wrap(fw, "get_speech_timestamps", "voice activity (silero VAD)"),
        clock.wrap(transcriber, "_first_decoding", "first decoding (batched, prompted)"),
        clock.wrap(completeness, "complete", "completeness guard"),
        clock.wrap(transcribe, "recover", "second listen: stitched pauses"),
        clock.wrap(transcriber, "_decode_clip", _clip_stage),
        clock.wrap(transcriber, "hesitation_odds", "second listen: each sound alone"),
        clock.wrap(transcribe, "rewrite", "quirks"),
        clock.wrap(transcriber, "hedge_odds", "quirks: hedge odds"),
        clock.wrap(service, "delivery_of", "delivery (Praat pitch, intensity)"),
        clock.wrap(service, "score_heard", "scoring (fillers, coverage, coaching)"),
    ]
    totals: list[tuple[float, float]] = []
    per_run: list[tuple[dict[str, float], dict[str, float]]] = []
    try:
        for _ in range(runs):
            before_wall, before_cpu = dict(clock.wall), dict(clock.cpu)
            started, cpu = time.perf_counter(), time.process_time()
            service.analyse_file(audio.path, rubric, transcriber)
            totals.append((time.perf_counter() - started, time.process_time() - cpu))
            per_run.append(
                (
                    {k: v - before_wall.get(k, 0.0) for k, v in clock.wall.items()},
                    {k: v - before_cpu.get(k, 0.0) for k, v in clock.cpu.items()},
                )
            )
    finally:
        for restore in reversed(restores):
            restore()

    wall_total = statistics.median(w for w, _ in totals)
    cpu_total = statistics.median(c for _, c in totals)
    print(f"{'stage':46} {'wall s':>7} {'CPU s':>7} {'CPU %':>6} {'windows':>8} {'calls':>6}")
    for stage in clock.wall:
        wall = statistics.median(w.get(stage, 0.0) for w, _ in per_run)
        cpu = statistics.median(c.get(stage, 0.0) for _, c in per_run)
        print(
            f"{stage:46} {wall:7.2f} {cpu:7.2f} {100 * cpu / cpu_total:5.0f}%"
            f" {clock.windows.get(stage, 0) / runs:8.1f} {clock.calls[stage] / runs:6.1f}"
        )
    # Per run, then the median: medians of the stages need not add up to the median total.
    other_wall = statistics.median(
        total - sum(w.values()) for (total, _), (w, _) in zip(totals, per_run, strict=True)
    )
    other_cpu = statistics.median(
        total - sum(c.values()) for (_, total), (_, c) in zip(totals, per_run, strict=True)
    )
    print(f"{'other':46} {other_wall:7.2f} {other_cpu:7.2f}")
    print(f"{'total (medians)':46} {wall_total:7.2f} {cpu_total:7.2f}")

    plain_clock = StageClock()
    restore = plain_clock.count_windows(plain)
    try:
        with plain_clock.stage("plain"):
            plain_transcribe(plain, audio)
    finally:
        restore()
    print(
        f"encoder windows: rehearse {sum(clock.windows.values()) / runs:.0f},"
        f" plain faster-whisper {plain_clock.windows['plain']}"
    )
