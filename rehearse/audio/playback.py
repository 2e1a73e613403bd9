"""Playing a recording back, with pause, seek and a position the UI can follow word by word.

The whole file is decoded up front (a spoken answer is a few megabytes at most), so the real-time
callback only copies a slice of an array: no disk reads, no decoding, nothing that could stall.

``position`` is what is *audible*, not what was handed to PortAudio: the callback notes when each
block will reach the speaker (its DAC time), and the position is interpolated from that, so word
highlighting does not run ahead of the voice by the output latency.

Once open, the stream runs until ``stop()``: pausing, seeking and even reaching the end only
change what the callback copies (silence past the end or while paused). Reopening a stream on
every jump is what made ALSA report underruns; a running stream with a generous buffer does not.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from rehearse.audio.devices import AudioDevice, load_sounddevice, one_line, resolve_output_device
from rehearse.errors import AudioError, DeviceError

POSITION_INTERVAL = 0.05  # on_position at 20 Hz: smooth word highlighting, negligible load
# The output buffer. With PortAudio's "high" latency (about 35 ms on ALSA's pulse device) every
# new stream began with an underrun; 0.1 s still ran dry now and then on a loaded two-core
# machine, 0.2 s did not. Pause, resume and seeks are heard that much later; the position follows
# what is heard (see above), so the highlighted word stays with the voice.
OUTPUT_LATENCY = 0.2


def load_audio(path: Path) -> tuple[np.ndarray, int]:
    """Decode ``path`` to float32 frames x channels (mono or stereo) and its sample rate."""
    import soundfile

    if not path.is_file():
        raise AudioError(f"no such audio file: {path}")
    try:
        audio, rate = soundfile.read(str(path), dtype="float32", always_2d=True)
    except (RuntimeError, OSError) as exc:  # soundfile's LibsndfileError is a RuntimeError
        raise AudioError(f"cannot read {path}: {one_line(exc)}") from None
    if audio.shape[1] > 2:
        # Spoken answers gain nothing from surround channels; a mono mix plays everywhere.
        audio = audio.mean(axis=1, keepdims=True)
    return np.ascontiguousarray(audio, dtype=np.float32), int(rate)


def _resample(audio: np.ndarray, source: int, target: int) -> np.ndarray:
    # Only for devices that refuse the file's rate (raw hardware); speech survives linear interp.
    frames = round(len(audio) * target / source)
    old = np.arange(len(audio)) / source
    new = np.arange(frames) / target
    columns = [np.interp(new, old, audio[:, c]) for c in range(audio.shape[1])]
    return np.ascontiguousarray(np.stack(columns, axis=1), dtype=np.float32)


class Player:
    """Plays one audio file on an output device.

    ``finished`` is set when playback ends, by reaching the end or by ``stop()``. ``on_position``
    is called with the audible position in seconds about 20 times a second while playing, from a
    background thread (a UI must hand it over to its own thread), and once more at the end. The
    speakers stay open, playing silence, from the first ``play()`` until ``stop()``.
    """

    def __init__(
        self,
        path: Path,
        device: str | int | None = None,
        on_position: Callable[[float], None] | None = None,
        audio: tuple[np.ndarray, int] | None = None,
    ) -> None:
        self.path = Path(path)
        self.on_position = on_position
        self.finished = threading.Event()
        samples, rate = audio if audio is not None else load_audio(self.path)
        self._sd = load_sounddevice()
        self.device: AudioDevice = resolve_output_device(device)
        self._audio, self.samplerate = self._fit_device(samples, rate)
        self.channels = int(self._audio.shape[1])
        # _lock guards what the audio callback shares with other threads; it is held only for a
        # slice copy, so the callback never waits long. _control serializes open/close.
        self._lock = threading.Lock()
        self._control = threading.RLock()
        self._frame = 0  # next frame to hand to PortAudio
        self._floor = 0  # the position never reads earlier than where play/seek/resume began
        self._anchor: tuple[float, int, int] | None = None  # (DAC time, first frame, frames)
        self._paused = False
        self._stream: Any = None
        self._ticker: threading.Thread | None = None
        self._closed = threading.Event()  # the ticker of the current stream stops on it
        self.underruns = 0  # blocks the speakers ran out of audio (ALSA's "underrun occurred")

    @classmethod
    def from_samples(
        cls, samples: np.ndarray, samplerate: int, device: str | int | None = None
    ) -> Player:
        """A player of audio already in memory (a synthesized question): no file is written."""
        frames = np.ascontiguousarray(samples, dtype=np.float32).reshape(len(samples), -1)
        return cls(Path("speech.wav"), device=device, audio=(frames, samplerate))

    # -- state ---------------------------------------------------------------------------------

    @property
    def duration(self) -> float:
        return len(self._audio) / self.samplerate

    @property
    def paused(self) -> bool:
        return self._paused

    @property
    def is_playing(self) -> bool:
        """True while the stream runs and is not paused."""
        return self._stream is not None and not self.finished.is_set() and not self._paused

    @property
    def position(self) -> float:
        """Seconds into the file that the listener is hearing now."""
        stream = self._stream
        with self._lock:
            anchor, floor, frame = self._anchor, self._floor, self._frame
        if stream is None or self.finished.is_set():
            return min(frame, len(self._audio)) / self.samplerate
        if anchor is None:  # nothing of the current stretch has reached the speaker yet
            return floor / self.samplerate
        dac_time, first, count = anchor
        try:
            now = float(stream.time)
        except Exception:
            now = 0.0
        if dac_time > 0 and now > 0:
            audible = first + (now - dac_time) * self.samplerate
        else:  # some host APIs report no timing; assume the nominal latency
            audible = first + count - float(stream.latency) * self.samplerate
        return max(float(floor), min(audible, float(first + count))) / self.samplerate

    # -- control -------------------------------------------------------------------------------

    def play(self) -> None:
        """Start (from the current position, or the beginning if at the end) or resume."""
        with self._control:
            if self._stream is not None:
                # The stream still runs (paused, or playing silence past the end): carry on.
                with self._lock:
                    if self.finished.is_set() and self._frame >= len(self._audio):
                        self._frame = 0
                    self._restart_at(self._frame)
                    self._paused = False
                self.finished.clear()
                return
            with self._lock:
                if self._frame >= len(self._audio):
                    self._frame = 0
                self._restart_at(self._frame)
                self._paused = False
            self.finished.clear()
            try:
                stream = self._sd.OutputStream(
                    device=self.device.index,
                    channels=self.channels,
                    samplerate=self.samplerate,
                    dtype="float32",
                    latency=OUTPUT_LATENCY,
                    callback=self._callback,
                )
                stream.start()
            except Exception as exc:
                self.finished.set()
                raise DeviceError(f"cannot play on {self.device.name}: {one_line(exc)}") from None
            self._stream = stream
            self._closed = threading.Event()
            self._ticker = threading.Thread(
                target=self._tick,
                args=(stream, self._closed),
                name="rehearse-player-position",
                daemon=True,
            )
            self._ticker.start()

    def pause(self) -> None:
        # The stream keeps running and plays silence: resuming is then instant and glitch-free.
        with self._lock:
            self._paused = True

    def resume(self) -> None:
        with self._lock:
            if self._paused:
                self._paused = False
                self._floor = self._frame
                self._anchor = None

    def toggle(self) -> None:
        """Play/pause, as a single key would."""
        if self._stream is None or self.finished.is_set():
            self.play()
        elif self._paused:
            self.resume()
        else:
            self.pause()

    def seek(self, seconds: float) -> None:
        """Go to ``seconds``; after the end, ``play()`` carries on from there."""
        frame = round(max(0.0, seconds) * self.samplerate)
        with self._lock:
            self._restart_at(min(frame, len(self._audio)))

    def stop(self) -> None:
        """Stop at once, release the speakers and rewind; sets ``finished``."""
        with self._control:
            self._close_stream()
            with self._lock:
                self._restart_at(0)
                self._paused = False
            self.finished.set()

    def wait(self, timeout: float | None = None) -> bool:
        """Block until playback ends; True if it did within ``timeout``."""
        return self.finished.wait(timeout)

    # -- threads -------------------------------------------------------------------------------

    def _restart_at(self, frame: int) -> None:
        """Under ``_lock``: the next block starts at ``frame``, and the position reads it."""
        self._frame = frame
        self._floor = frame
        self._anchor = None

    def _callback(self, outdata: np.ndarray, frames: int, time_info: Any, status: Any) -> None:
        if status.output_underflow:
            self.underruns += 1
        with self._lock:
            first = self._frame
            chunk = self._audio[first : first + frames] if not self._paused else self._audio[:0]
            count = len(chunk)
            outdata[:count] = chunk
            self._frame = first + count
            if count:
                self._anchor = (float(time_info.outputBufferDacTime), first, count)
        if count < frames:
            # Paused, or past the end: silence, and the stream keeps running for the next play.
            outdata[count:] = 0

    def _tick(self, stream: Any, closed: threading.Event) -> None:
        """Report the position while playing, and set ``finished`` once the end is heard."""
        last: float | None = None
        ended_at: float | None = None
        while not closed.wait(POSITION_INTERVAL):
            if self.finished.is_set():
                last, ended_at = None, None
                continue
            if not self._active(stream):
                self.finished.set()  # the device went away: nothing more will be heard
                continue
            position = self.position
            if self.on_position is not None and position != last:
                self.on_position(position)
            last = position
            if self._frame < len(self._audio):
                ended_at = None
                continue
            # Everything has been handed over: done once it has been heard (or, where the host
            # reports no timing, once the buffer has surely played out).
            ended_at = ended_at or time.monotonic()
            waited = time.monotonic() - ended_at > self._latency(stream) + 0.2
            if position >= self.duration or waited:
                self.finished.set()
                if self.on_position is not None:
                    self.on_position(self.position)

    @staticmethod
    def _active(stream: Any) -> bool:
        try:
            return bool(stream.active)
        except Exception:
            return False

    @staticmethod
    def _latency(stream: Any) -> float:
        try:
            return float(stream.latency)
        except Exception:
            return OUTPUT_LATENCY

    def _close_stream(self) -> None:
        stream, self._stream = self._stream, None
        self._closed.set()
        if stream is None:
            return
        with contextlib.suppress(Exception):
            stream.abort()
        with contextlib.suppress(Exception):
            stream.close()

    # -- setup ---------------------------------------------------------------------------------

    def _fit_device(self, audio: np.ndarray, rate: int) -> tuple[np.ndarray, int]:
        """Adapt channels and rate only when the device refuses the file as it is."""
        if self._accepts(audio.shape[1], rate):
            return audio, rate
        if audio.shape[1] == 1 and self._accepts(2, rate):
            return np.ascontiguousarray(np.repeat(audio, 2, axis=1)), rate
        if audio.shape[1] == 2 and self._accepts(1, rate):
            return np.ascontiguousarray(audio.mean(axis=1, keepdims=True)), rate
        native = int(self.device.default_samplerate)
        for channels in (audio.shape[1], 2, 1):
            if native != rate and self._accepts(channels, native):
                fitted = audio
                if channels != audio.shape[1]:
                    mono = audio.mean(axis=1, keepdims=True)
                    fitted = mono if channels == 1 else np.repeat(mono, 2, axis=1)
                return _resample(fitted, rate, native), native
        raise DeviceError(f"{self.device.name} cannot play {self.path.name} ({rate} Hz)")

    def _accepts(self, channels: int, rate: int) -> bool:
        try:
            self._sd.check_output_settings(
                device=self.device.index, channels=channels, samplerate=rate, dtype="float32"
            )
        except Exception:
            return False
        return True
