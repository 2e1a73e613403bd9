"""Recording an answer from the microphone into a WAV file that is never left broken.

The audio callback runs on PortAudio's real-time thread, so it only copies each block into a queue:
any slow work there (disk, numpy maths, locks held by the UI) would make the device drop audio. A
writer thread drains the queue, appends 16-bit PCM to the file and rewrites the two size fields of
the WAV header after every block. Each write goes straight to the kernel (unbuffered file), so
whatever was captured up to a crash, ``kill -9`` or Ctrl-C is already a complete, playable WAV.

The writer also computes the live input level, because it touches every sample anyway and it is
not the real-time thread.
"""

from __future__ import annotations

import contextlib
import errno
import math
import os
import queue
import struct
import threading
import time
from collections import deque
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np

from rehearse.audio.devices import (
    AudioDevice,
    check_input_samplerate,
    load_sounddevice,
    one_line,
    opening_source,
    pick_input_samplerate,
    resolve_input_device,
    split_source,
)
from rehearse.errors import DeviceError, StorageError

SILENCE_DBFS = -120.0  # stands in for -inf so levels stay plain, comparable, JSON-able floats
CLIP_DBFS = -0.1  # 16-bit full scale is -0.0003 dBFS; anything this close has hit the rails
QUIET_DBFS = -50.0  # a working microphone in a quiet room still hears more than this
QUIET_WINDOW_SECONDS = 2.0  # short pauses between sentences must not count as "too quiet"
SPEECH_DBFS = -40.0  # a block this loud is a voice: the microphone evidently works
# Once a voice has been heard, a quiet stretch is someone thinking: only this long a silence
# (a microphone muted mid-answer) is worth a warning.
QUIET_AFTER_SPEECH_SECONDS = 15.0
CLIP_HOLD_SECONDS = 0.5  # long enough for a UI polling a few times a second to see it
BLOCK_SECONDS = 0.05  # small blocks keep the level meter lively and the file at most 50 ms behind
STALL_SECONDS = 2.0  # far beyond any scheduling hiccup; a live microphone delivers every 50 ms
FIRST_BLOCK_SECONDS = 5.0  # Bluetooth headsets take seconds to switch into their microphone mode

_HEADER_BYTES = 44
_SAMPLE_BYTES = 2  # 16-bit mono: one frame is two bytes
_MAX_WAV_FRAMES = (0xFFFFFFFF - 36) // _SAMPLE_BYTES  # the RIFF size field is 32 bits


@dataclass(frozen=True)
class InputLevel:
    rms_dbfs: float  # of the latest block
    peak_dbfs: float  # of the latest block
    clipping: bool  # a sample reached CLIP_DBFS within the last CLIP_HOLD_SECONDS
    too_quiet: bool  # too quiet for a working microphone: see ``QuietWatch``


@dataclass(frozen=True)
class RecordingResult:
    path: Path
    seconds: float
    samplerate: int
    overflows: int  # blocks where the device dropped input because we were too slow
    problem: str | None  # why recording ended early, for the user; None when stopped normally


_QUIET_LEVEL = InputLevel(SILENCE_DBFS, SILENCE_DBFS, clipping=False, too_quiet=False)


class QuietWatch:
    """Says when the input is too quiet to be a working microphone, from block after block.

    Before any voice was heard, QUIET_WINDOW_SECONDS below QUIET_DBFS on average is a muted or
    distant microphone. After a voice was heard, silence is someone thinking about the next
    sentence, and only QUIET_AFTER_SPEECH_SECONDS of it in a row earns the warning.
    """

    def __init__(self, samplerate: int) -> None:
        self.window = round(QUIET_WINDOW_SECONDS * samplerate)
        self.after_speech = round(QUIET_AFTER_SPEECH_SECONDS * samplerate)
        self._blocks: deque[tuple[int, float]] = deque()
        self._frames = 0
        self._power = 0.0
        self._quiet_run = 0  # frames since the last block at or above QUIET_DBFS
        self.heard_speech = False

    def add(self, frames: int, power: float) -> bool:
        """Take one block (its frame count and summed squared samples); True if too quiet."""
        if frames <= 0:
            return self.too_quiet
        rms = _dbfs(power / frames)
        self.heard_speech = self.heard_speech or rms >= SPEECH_DBFS
        self._quiet_run = self._quiet_run + frames if rms < QUIET_DBFS else 0
        self._blocks.append((frames, power))
        self._frames += frames
        self._power += power
        while self._blocks and self._frames - self._blocks[0][0] >= self.window:
            n, p = self._blocks.popleft()
            self._frames -= n
            self._power -= p
        return self.too_quiet

    @property
    def too_quiet(self) -> bool:
        if self._frames < self.window or _dbfs(max(self._power, 0.0) / self._frames) >= QUIET_DBFS:
            return False
        return not self.heard_speech or self._quiet_run >= self.after_speech


def _dbfs(power: float) -> float:
    return max(SILENCE_DBFS, 10.0 * math.log10(power)) if power > 0 else SILENCE_DBFS


def wav_header(samplerate: int, data_bytes: int) -> bytes:
    return struct.pack(
        "<4sI4s4sIHHIIHH4sI",
        b"RIFF",
        36 + data_bytes,
        b"WAVE",
        b"fmt ",
        16,
        1,  # PCM
        1,  # mono
        samplerate,
        samplerate * _SAMPLE_BYTES,
        _SAMPLE_BYTES,
        8 * _SAMPLE_BYTES,
        b"data",
        data_bytes,
    )


class Recorder:
    """Records mono 16-bit audio from one input device into ``path``.

    ``start()`` raises ``DeviceError`` (unknown or missing microphone, device busy) or
    ``StorageError`` (file cannot be created). Once started, nothing raises: if the microphone
    vanishes or the disk fills up, recording ends by itself, ``is_recording`` turns False and
    ``stop()`` returns the audio kept so far with ``problem`` saying what happened.
    """

    def __init__(
        self,
        path: Path,
        device: str | int | None = None,
        samplerate: int | None = None,
        max_seconds: float | None = None,
    ) -> None:
        self.path = Path(path)
        self.device_spec = device
        # A sound-server source ("pulse:NAME") is recorded through ALSA's "pulse" device.
        self.source = split_source(device)[1]
        self.device: AudioDevice | None = None  # known once started
        self.samplerate = samplerate or 0
        self.max_seconds = max_seconds
        self._requested_rate = samplerate
        self._queue: queue.Queue[np.ndarray | None] = queue.Queue()
        self._accepting = False
        self._overflows = 0
        self._frames = 0
        self._data_bytes = 0
        self._file: BinaryIO | None = None
        self._stream: Any = None
        self._writer: threading.Thread | None = None
        self._started = False
        self._result: RecordingResult | None = None
        self._problem: str | None = None
        self._stop_requested = threading.Event()
        self._ended = threading.Event()  # the writer will take no more audio
        self._stream_finished = threading.Event()
        self._stop_lock = threading.Lock()
        self._stream_lock = threading.Lock()
        self._last_block_at = 0.0
        # A frozen dataclass swapped by reference: readers on any thread see a whole snapshot.
        self._level = _QUIET_LEVEL

    # -- public --------------------------------------------------------------------------------

    @property
    def elapsed(self) -> float:
        """Seconds of audio written to the file so far."""
        return self._frames / self.samplerate if self.samplerate else 0.0

    @property
    def is_recording(self) -> bool:
        return self._started and not self._ended.is_set()

    @property
    def problem(self) -> str | None:
        return self._problem

    @property
    def overflows(self) -> int:
        return self._overflows

    def level(self) -> InputLevel:
        return self._level if self.is_recording else _QUIET_LEVEL

    def wait(self, timeout: float | None = None) -> bool:
        """Block until recording ends by itself (limit, problem) or ``timeout``; True if ended."""
        return self._ended.wait(timeout)

    def start(self) -> None:
        if self._started or self._ended.is_set():
            raise RuntimeError("a Recorder records once; make a new one for the next answer")
        sd = load_sounddevice()
        device = resolve_input_device(self.device_spec)
        if self._requested_rate:
            check_input_samplerate(device, self._requested_rate)
            rate = self._requested_rate
        else:
            rate = pick_input_samplerate(device)
        self.device = device
        self.samplerate = rate
        # The stream is opened before the file is created, so that a busy or broken microphone
        # does not truncate an earlier recording at the same path.
        try:
            with opening_source(self.source):
                self._stream = sd.InputStream(
                    device=device.index,
                    channels=1,
                    samplerate=rate,
                    dtype="int16",
                    blocksize=max(1, round(rate * BLOCK_SECONDS)),
                    callback=self._callback,
                    finished_callback=self._stream_finished.set,
                )
        except Exception as exc:
            raise DeviceError(
                f"cannot open the microphone {device.name}: {one_line(exc)}"
            ) from None
        try:
            self._open_file()
        except StorageError:
            self._close_stream(abort=True)
            raise
        self._started = True
        self._accepting = True
        self._last_block_at = time.monotonic()
        self._writer = threading.Thread(target=self._write_loop, name="rehearse-recorder-writer")
        self._writer.daemon = True  # a hung device must not keep the process alive at exit
        self._writer.start()
        try:
            self._stream.start()
        except Exception as exc:
            self._accepting = False
            self._ended.set()
            self._queue.put(None)
            self._writer.join()
            self._close_stream(abort=True)
            self._discard_file()
            self._started = False
            raise DeviceError(
                f"cannot start recording from {device.name}: {one_line(exc)}"
            ) from None

    def stop(self) -> RecordingResult:
        """End the recording (idempotent) and return what was kept."""
        with self._stop_lock:
            if self._result is not None:
                return self._result
            if not self._started:
                raise RuntimeError("stop() before start()")
            self._stop_requested.set()
            # Stopping (rather than aborting) lets PortAudio hand over the blocks it still holds.
            self._close_stream(abort=self._problem is not None)
            self._accepting = False
            self._queue.put(None)
            assert self._writer is not None
            self._writer.join()
            self._finish_file()
            self._result = RecordingResult(
                path=self.path,
                seconds=self.elapsed,
                samplerate=self.samplerate,
                overflows=self._overflows,
                problem=self._problem,
            )
            return self._result

    # -- the real-time thread ------------------------------------------------------------------

    def _callback(self, indata: np.ndarray, frames: int, time_info: Any, status: Any) -> None:
        if status.input_overflow:
            self._overflows += 1
        if self._accepting:
            self._queue.put_nowait(indata.copy())

    # -- the writer thread ---------------------------------------------------------------------

    def _write_loop(self) -> None:
        limit = _MAX_WAV_FRAMES
        if self.max_seconds is not None:
            limit = min(limit, round(self.max_seconds * self.samplerate))
        meter = _Meter(self.samplerate)
        while True:
            try:
                block = self._queue.get(timeout=0.1)
            except queue.Empty:
                if not self._ended.is_set():
                    self._check_stream()
                continue
            if block is None:
                break
            if self._ended.is_set():
                continue  # drained but not written: the limit was reached or writing failed
            self._last_block_at = time.monotonic()
            samples = block.reshape(-1)[: max(0, limit - self._frames)]
            if samples.size and not self._write(samples, meter):
                continue
            if self._frames >= limit:
                if limit == _MAX_WAV_FRAMES:
                    self._problem = "the recording reached the 4 GB size limit of WAV files"
                self._end()

    def _write(self, samples: np.ndarray, meter: _Meter) -> bool:
        """Append ``samples`` to the file and measure them; False if writing failed."""
        try:
            self._append(samples.astype("<i2", copy=False).tobytes())
        except OSError as exc:
            self._fail_write(exc)
            return False
        # Level meter work happens here, off the real-time thread.
        self._level = meter.measure(samples, self._frames)
        return True

    def _check_stream(self) -> None:
        # Under the lock, stop() cannot close the stream between the check and its use.
        with self._stream_lock:
            if self._stop_requested.is_set() or self._stream is None:
                return
            stream_died = self._stream_finished.is_set()
            if not stream_died:
                try:
                    stream_died = not self._stream.active
                except Exception:
                    stream_died = True
        patience = STALL_SECONDS if self._frames else FIRST_BLOCK_SECONDS
        if not stream_died and time.monotonic() - self._last_block_at <= patience:
            return
        if self._frames:
            self._problem = (
                f"the microphone stopped responding after {self.elapsed:.1f} s;"
                " the recording so far is kept"
            )
        else:
            name = self.device.name if self.device else "microphone"
            self._problem = (
                f"the microphone {name} sent no audio: check that it is on, not muted and not"
                " in use by another program"
            )
        self._end()

    def _fail_write(self, exc: OSError) -> None:
        if exc.errno in (errno.ENOSPC, errno.EDQUOT):
            what = "disk full"
        else:
            what = f"cannot write {self.path} ({exc.strerror or exc})"
        self._problem = (
            f"{what}: recording stopped after {self.elapsed:.1f} s;"
            f" the recording so far is kept in {self.path}"
        )
        self._end()

    def _end(self) -> None:
        self._accepting = False
        self._ended.set()

    # -- the file ------------------------------------------------------------------------------

    def _open_file(self) -> None:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            # Unbuffered: every write is a syscall, so the kernel has the audio even if we die.
            self._file = open(self.path, "wb", buffering=0)  # noqa: SIM115 - closed in stop()
            self._file.write(wav_header(self.samplerate, 0))
        except OSError as exc:
            if self._file is not None:
                self._discard_file()
            raise StorageError(
                f"cannot create the recording {self.path}: {exc.strerror or exc}"
            ) from None

    def _append(self, data: bytes) -> None:
        assert self._file is not None
        view = memoryview(data)
        done = 0
        try:
            while done < len(view):
                written = self._file.write(view[done:])
                done += written or 0
        finally:
            # Count only whole frames, so a half-written sample on a full disk is never "audio".
            whole = done - done % _SAMPLE_BYTES
            self._data_bytes += whole
            self._frames += whole // _SAMPLE_BYTES
            if whole != done:
                with contextlib.suppress(OSError):
                    os.ftruncate(self._file.fileno(), _HEADER_BYTES + self._data_bytes)
                    self._file.seek(_HEADER_BYTES + self._data_bytes)
            self._patch_header()

    def _patch_header(self) -> None:
        assert self._file is not None
        # pwrite overwrites bytes that already exist, so it works even on a full disk.
        fd = self._file.fileno()
        os.pwrite(fd, struct.pack("<I", 36 + self._data_bytes), 4)
        os.pwrite(fd, struct.pack("<I", self._data_bytes), 40)

    def _finish_file(self) -> None:
        if self._file is None:
            return
        with contextlib.suppress(OSError):
            self._patch_header()
            os.fsync(self._file.fileno())  # survive a power cut too, not just a crash
        with contextlib.suppress(OSError):
            self._file.close()
        self._file = None

    def _discard_file(self) -> None:
        if self._file is not None:
            with contextlib.suppress(OSError):
                self._file.close()
            self._file = None
        with contextlib.suppress(OSError):
            self.path.unlink()

    # -- the stream ----------------------------------------------------------------------------

    def _close_stream(self, abort: bool) -> None:
        with self._stream_lock:
            stream, self._stream = self._stream, None
        if stream is None:
            return

        def close() -> None:
            with contextlib.suppress(Exception):
                if abort:
                    stream.abort()
                else:
                    stream.stop()
            with contextlib.suppress(Exception):
                stream.close()

        # A vanished device can make PortAudio block in stop/close; the file is already complete,
        # so give up waiting rather than hang the app.
        closer = threading.Thread(target=close, name="rehearse-recorder-close", daemon=True)
        closer.start()
        closer.join(timeout=3.0)


class _Meter:
    """The input level of each block written, with clipping held on screen for a moment."""

    def __init__(self, samplerate: int) -> None:
        self._hold = CLIP_HOLD_SECONDS * samplerate
        self._quiet = QuietWatch(samplerate)
        self._last_clip_frame: int | None = None

    def measure(self, samples: np.ndarray, frames: int) -> InputLevel:
        """The level of ``samples`` (int16), written up to frame ``frames`` of the recording."""
        x = samples.astype(np.float32) / 32768.0
        power = float(np.dot(x, x))
        peak = float(np.max(np.abs(x)))
        if 20.0 * math.log10(max(peak, 1e-12)) >= CLIP_DBFS:
            self._last_clip_frame = frames
        clipping = self._last_clip_frame is not None and frames - self._last_clip_frame < self._hold
        return InputLevel(
            rms_dbfs=_dbfs(power / x.size),
            peak_dbfs=_dbfs(peak * peak),
            clipping=clipping,
            too_quiet=self._quiet.add(x.size, power),
        )
