"""Real stand-ins for the microphone and speakers, for TUI tests on machines without sound.

``WavRecorder`` records by reading a WAV file in real time into the attempt's path, block by
block, with the same level measurement and result as the real recorder; ``ClockPlayer`` plays
silently by the wall clock and reports its position from a thread, as the real player does.
Both implement the app's ``RecorderLike`` / ``PlayerLike`` protocols.
"""

from __future__ import annotations

import functools
import io
import json
import math
import tempfile
import threading
import time
import wave
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np
from rich.console import Console
from textual.app import App
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import Static

from rehearse.audio.recorder import (
    CLIP_DBFS,
    SILENCE_DBFS,
    InputLevel,
    QuietWatch,
    RecordingResult,
)
from rehearse.audio.tts import SAMPLE_RATE as TTS_RATE
from rehearse.audio.tts import read_wav, synthesize_script, write_wav
from rehearse.errors import DeviceError
from rehearse.language.rubric import find_question, load_bank
from rehearse.scoring.score import Report, report_from_dict
from rehearse.service import analyse_file
from rehearse.speech.transcribe import Transcriber
from rehearse.storage.history import Attempt, History
from rehearse.storage.settings import Settings
from rehearse.tui.app import RehearseApp

BLOCK_SECONDS = 0.05
RATE = 16000


def _db(power: float) -> float:
    return max(SILENCE_DBFS, 10 * math.log10(power)) if power > 0 else SILENCE_DBFS


class WavRecorder:
    """Records ``source`` into ``path`` at real-time speed, as if it were heard by a microphone.

    ``speed`` > 1 feeds faster than real time; ``fail_after`` ends the recording by itself after
    that many seconds with ``problem`` set, like a microphone that was unplugged.
    """

    def __init__(
        self,
        path: Path,
        source: Path,
        speed: float = 1.0,
        fail_after: float | None = None,
        silence_after: float = 30.0,
    ) -> None:
        self.path = Path(path)
        samples = read_wav(source)
        # Resample to 16 kHz like a microphone opened at the model's rate would deliver.
        n = round(len(samples) * RATE / TTS_RATE)
        x = np.interp(np.arange(n) * TTS_RATE / RATE, np.arange(len(samples)), samples)
        tail = np.zeros(round(silence_after * RATE), dtype=np.float32)
        self.samples = np.concatenate([x.astype(np.float32), tail])
        self.speed = speed
        self.fail_after = fail_after
        self._frames = 0
        self._level = InputLevel(SILENCE_DBFS, SILENCE_DBFS, clipping=False, too_quiet=False)
        self._problem: str | None = None
        self._stop = threading.Event()
        self._ended = threading.Event()
        self._thread: threading.Thread | None = None
        self._wav: wave.Wave_write | None = None
        self._result: RecordingResult | None = None

    @property
    def elapsed(self) -> float:
        return self._frames / RATE

    @property
    def is_recording(self) -> bool:
        return self._thread is not None and not self._ended.is_set()

    def level(self) -> InputLevel:
        return self._level

    def start(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._wav = wave.open(str(self.path), "wb")  # noqa: SIM115 - closed in stop()
        self._wav.setnchannels(1)
        self._wav.setsampwidth(2)
        self._wav.setframerate(RATE)
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        assert self._wav is not None
        block = round(RATE * BLOCK_SECONDS)
        quiet = QuietWatch(RATE)  # the real recorder's rule for "too quiet"
        began = time.monotonic()
        while not self._stop.is_set() and self._frames < len(self.samples):
            due = began + (self._frames / RATE) / self.speed
            delay = due - time.monotonic()
            if delay > 0 and self._stop.wait(delay):
                break
            chunk = self.samples[self._frames : self._frames + block]
            self._wav.writeframes((np.clip(chunk, -1, 1) * 32767).astype("<i2").tobytes())
            self._frames += len(chunk)
            power = float(np.mean(chunk.astype(np.float64) ** 2)) if len(chunk) else 0.0
            peak = float(np.max(np.abs(chunk))) if len(chunk) else 0.0
            rms = _db(power)
            self._level = InputLevel(
                rms,
                _db(peak * peak),
                clipping=_db(peak * peak) >= CLIP_DBFS,
                too_quiet=quiet.add(len(chunk), power * len(chunk)),
            )
            if self.fail_after is not None and self.elapsed >= self.fail_after:
                self._problem = (
                    f"the microphone stopped responding after {self.elapsed:.1f} s;"
                    " the recording so far is kept"
                )
                break
        self._ended.set()

    def stop(self) -> RecordingResult:
        if self._result is None:
            self._stop.set()
            if self._thread is not None:
                self._thread.join()
            assert self._wav is not None
            self._wav.close()
            self._result = RecordingResult(self.path, self.elapsed, RATE, 0, self._problem)
        return self._result


class MissingMicrophone:
    """A recorder whose device cannot be opened, as the real one reports it."""

    def __init__(self, path: Path) -> None:
        self.path = path

    elapsed = 0.0
    is_recording = False

    def start(self) -> None:
        raise DeviceError("no microphone found: plug one in, then run 'rehearse devices'")

    def stop(self) -> RecordingResult:
        raise RuntimeError("never started")

    def level(self) -> InputLevel:
        return InputLevel(SILENCE_DBFS, SILENCE_DBFS, clipping=False, too_quiet=False)


class ClockPlayer:
    """Plays ``path`` silently in real time: same controls and position reports as ``Player``."""

    def __init__(self, path: Path, speed: float = 1.0) -> None:
        with wave.open(str(path), "rb") as wav:
            self._duration = wav.getnframes() / wav.getframerate()
        self.path = path
        self.speed = speed
        self.on_position: Callable[[float], None] | None = None
        self.finished = threading.Event()
        self._lock = threading.Lock()
        self._offset = 0.0
        self._since: float | None = None
        self._paused = False
        self._thread: threading.Thread | None = None
        self.seeks: list[float] = []

    @property
    def duration(self) -> float:
        return self._duration

    @property
    def paused(self) -> bool:
        return self._paused

    @property
    def is_playing(self) -> bool:
        return self._since is not None and not self._paused and not self.finished.is_set()

    @property
    def position(self) -> float:
        with self._lock:
            if self._since is None or self._paused:
                return min(self._offset, self._duration)
            return min(self._offset + (time.monotonic() - self._since) * self.speed, self._duration)

    def play(self) -> None:
        if self._thread is not None and not self.finished.is_set():
            self.resume()
            return
        with self._lock:
            if self._offset >= self._duration:
                self._offset = 0.0
            self._since = time.monotonic()
            self._paused = False
        self.finished.clear()
        self._thread = threading.Thread(target=self._tick, daemon=True)
        self._thread.start()

    def _tick(self) -> None:
        while not self.finished.wait(0.05):
            position = self.position
            if position >= self._duration:
                with self._lock:
                    self._offset, self._since = self._duration, None
                self.finished.set()
                break
            if self.on_position is not None:
                self.on_position(position)
        if self.on_position is not None:
            self.on_position(self.position)

    def pause(self) -> None:
        with self._lock:
            if not self._paused and self._since is not None:
                self._offset += (time.monotonic() - self._since) * self.speed
                self._paused = True

    def resume(self) -> None:
        with self._lock:
            if self._paused:
                self._paused = False
                self._since = time.monotonic()

    def seek(self, seconds: float) -> None:
        self.seeks.append(seconds)
        with self._lock:
            self._offset = max(0.0, min(seconds, self._duration))
            if self._since is not None and not self._paused:
                self._since = time.monotonic()

    def stop(self) -> None:
        with self._lock:
            self._offset, self._since, self._paused = 0.0, None, False
        self.finished.set()


class ClockVoice:
    """Reads each question silently for ``seconds`` by the clock and notes what it read;
    ``stop`` ends a reading at once, as the real voice does (same ``say``/``stop`` as Piper's)."""

    def __init__(self, seconds: float = 0.0) -> None:
        self.seconds = seconds
        self.read: list[str] = []
        self.stopped_at: list[float] = []  # time.monotonic() of each stop()
        self.finished_at: list[float] = []  # when each reading ended, heard out or stopped
        self._current = threading.Event()

    def say(self, text: str) -> None:
        current = self._current = threading.Event()
        self.read.append(text)
        current.wait(self.seconds)
        self.finished_at.append(time.monotonic())

    def stop(self) -> None:
        self.stopped_at.append(time.monotonic())
        self._current.set()


# -- shared, expensive things: one per test session ------------------------------------------------

PRECISION_SCRIPT: list[str | float] = [
    "Um, precision is about the predicted positives, how many were right.",
    1.6,
    "Recall is, uh, the true positive rate, how many we caught.",
    "There is a tradeoff when you move the threshold.",
    1.4,
    "For a spam filter, um, false alarms are costly, so I favor precision.",
    "For cancer screening you can't afford to miss, so recall matters more.",
    "And you can summarize both with the F1 score.",
]
"""An answer that covers all six points of precision-vs-recall, with fillers and two pauses."""

WALKTHROUGH_SCRIPT: list[str | float] = [
    "The problem was that too many customers left without warning.",
    "The label was whether they cancelled within thirty days.",
    "We started with a simple baseline, then a gradient boosting model beat it.",
    "Um, we evaluated it on a held out test set.",
]
"""Four of the six points of the ordered project-walkthrough rubric, in order."""


@functools.cache
def shared_transcriber() -> Transcriber:
    """The bundled model, loaded once for the whole session (loading it costs seconds)."""
    transcriber = Transcriber()
    transcriber.load()
    return transcriber


class GatedTranscriber(Transcriber):
    """The bundled model (the app loads it, as it loads any), holding each transcription until
    the test calls ``release``.

    For tests about what happens while scoring runs: a short answer can otherwise be scored
    before the test's next key arrives. ``hold="listening again"`` holds it later, after the
    first decoding, in the second listen.
    """

    def __init__(self, hold: str = "transcribing") -> None:
        super().__init__()
        self._released = threading.Event()
        self.hold = hold

    def release(self) -> None:
        self._released.set()

    def _wait(self) -> None:
        if not self._released.wait(60):
            raise AssertionError("the test never released the transcription")

    def transcribe(
        self, samples: Any, progress: Any = None, activity: Any = None, offset: float = 0.0
    ) -> Any:
        if self.hold == "transcribing":
            self._wait()
        return super().transcribe(samples, progress, activity, offset)

    def refine(self, samples: Any, words: Any, activity: Any) -> Any:
        if self.hold == "listening again":
            self._wait()
        return super().refine(samples, words, activity)


class HeldBackTranscriber(Transcriber):
    """The bundled model, whose loading waits until the test calls ``release``: for tests of
    what the app shows while the model loads, which may otherwise take less than a frame."""

    def __init__(self) -> None:
        super().__init__()
        self._released = threading.Event()

    def release(self) -> None:
        self._released.set()

    def load(self) -> None:
        if not self._released.wait(60):
            raise AssertionError("the test never let the model load")
        super().load()


@functools.cache
def _speech_dir() -> Path:
    return Path(tempfile.mkdtemp(prefix="rehearse-tui-speech-"))


@functools.cache
def spoken_answer(name: str) -> Path:
    """A synthesized answer ("precision" or "walkthrough"), made once per session."""
    script = {"precision": PRECISION_SCRIPT, "walkthrough": WALKTHROUGH_SCRIPT}[name]
    path = _speech_dir() / f"{name}.wav"
    synthesize_script(script, path, voice="piper", steady=True)
    return path


@functools.cache
def scored_answer(name: str) -> Report:
    """The report of ``spoken_answer(name)`` from the real model, as transcribed on this machine.

    Only fixtures/make_reports.py uses it: tests take ``stored_report`` instead, because what
    the model writes differs from one CPU to another.
    """
    rubric = find_question(QUESTION_OF[name])
    return analyse_file(spoken_answer(name), rubric, shared_transcriber())


REPORTS = Path(__file__).resolve().parent / "fixtures" / "reports"
"""Stored reports (fixtures/make_reports.py wrote them): fixed words, fillers and times."""


def stored_report(name: str) -> Report:
    """The stored report of the answer ``name`` ("precision" or "walkthrough")."""
    return report_from_dict(json.loads((REPORTS / f"{name}.json").read_text(encoding="utf-8")))


def stored_history() -> list[Report]:
    """The stored reports of ``test_tui_history.PLAN``, oldest first."""
    data = json.loads((REPORTS / "history.json").read_text(encoding="utf-8"))
    return [report_from_dict(item) for item in data]


def silent_recording(path: Path, seconds: float) -> Path:
    """A silent WAV of ``seconds``: a recording for a stored report where no test plays it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    write_wav(path, np.zeros(round(seconds * RATE), dtype=np.float32), rate=RATE)
    return path


QUESTION_OF = {"precision": "precision-vs-recall", "walkthrough": "project-walkthrough"}
FIXED_TIME = datetime(2026, 3, 14, 9, 30)


def speech_seconds(name: str) -> float:
    return float(len(read_wav(spoken_answer(name))) / TTS_RATE)


def make_app(
    data: Path,
    recorder_factory: Callable[[Path], Any] | None = None,
    player_factory: Callable[[Path], Any] | None = None,
    voice: Any = None,
    settings: Settings | None = None,
    transcriber: Transcriber | None = None,
) -> RehearseApp:
    """The app on a temp data dir with the real bank, real SQLite and the shared model."""
    data.mkdir(parents=True, exist_ok=True)
    return RehearseApp(
        bank=load_bank(),
        store=History(data),
        transcriber=transcriber or shared_transcriber(),
        settings=settings or Settings(),
        data_dir=data,
        recorder_factory=recorder_factory,
        player_factory=player_factory,
        voice=voice,
    )


def wav_recorder(name: str, speed: float = 8.0, **options: Any) -> Callable[[Path], WavRecorder]:
    """A recorder factory whose "microphone" hears the synthesized answer ``name``."""
    return lambda path: WavRecorder(path, spoken_answer(name), speed=speed, **options)


def store_attempt(
    store: History, name: str, when: datetime = FIXED_TIME, audio: Path | None = None
) -> Attempt:
    """Save the stored report of ``name`` as an attempt, with ``audio`` (by default the
    synthesized answer itself) as its recording, copied into the store."""
    return store.add(stored_report(name), audio or spoken_answer(name), when=when)


async def wait_for(pilot: Pilot[Any], condition: Callable[[], bool], timeout: float = 60) -> None:
    """Let the app run until ``condition()`` holds (workers run on threads meanwhile)."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for the app")
        await pilot.pause(0.05)


async def wait_for_screen(
    pilot: Pilot[Any], screen_type: type[Screen[Any]], timeout: float = 60
) -> None:
    """Wait until a screen of that type is on top and has finished mounting.

    The stack shows the new screen before its widgets are mounted; a test that ended in that gap
    would close the app under a half-built screen.
    """
    app = pilot.app
    await wait_for(
        pilot, lambda: isinstance(app.screen, screen_type) and app.screen.is_mounted, timeout
    )


def screen_text(app: App[Any]) -> str:
    """What the terminal shows right now, as plain text lines (what a user would read).

    Textual has no public way to read the composed screen as text (``export_screenshot`` gives
    SVG), so this is the one place the tests reach into it.
    """
    strips = app.screen._compositor.render_strips()
    return "\n".join(strip.text.rstrip() for strip in strips)


def notifications_shown(app: App[Any]) -> list[str]:
    """The notifications on screen now, each as its title, a line break and its message."""
    return [str(toast.render()) for toast in app.screen.query("Toast")]


def static_text(widget: Static) -> str:
    """A Static's whole content as plain text, scrolled into view or not."""
    console = Console(width=200, file=io.StringIO(), color_system=None)
    with console.capture() as capture:
        console.print(widget.content)
    return capture.get()
