"""Playing a recording back, with pause, seek and a position the UI can follow word by word.

The whole file is decoded up front (a spoken answer is a few megabytes at most), so the real-time
callback only copies a slice of an array: no disk reads, no decoding, nothing that could stall.

``position`` is what is *audible*, not what was handed to PortAudio: the callback notes when each
block will reach the speaker (its DAC time), and the position is interpolated from that, so word
highlighting does not run ahead of the voice by the output latency.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from rehearse.audio.devices import AudioDevice, load_sounddevice, one_line, resolve_output_device
from rehearse.errors import AudioError, DeviceError

POSITION_INTERVAL = 0.05  # on_position at 20 Hz: smooth word highlighting, negligible load


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
    background thread (a UI must hand it over to its own thread), and once more when playback ends.
    """

    def __init__(
        self,
        path: Path,
        device: str | int | None = None,
        on_position: Callable[[float], None] | None = None,
    ) -> None:
        self.path = Path(path)
        self.on_position = on_position
        self.finished = threading.Event()
        audio, rate = load_audio(self.path)
        self._sd = load_sounddevice()
        self.device: AudioDevice = resolve_output_device(device)
        self._audio, self.samplerate = self._fit_device(audio, rate)
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
            if self._stream is not None and not self.finished.is_set():
                self.resume()
                return
            self._close_stream()
            with self._lock:
                if self._frame >= len(self._audio):
                    self._frame = 0
                self._floor = self._frame
                self._anchor = None
                self._paused = False
            self.finished.clear()
            try:
                stream = self._sd.OutputStream(
                    device=self.device.index,
                    channels=self.channels,
                    samplerate=self.samplerate,
                    dtype="float32",
                    callback=self._callback,
                    finished_callback=self.finished.set,
                )
                stream.start()
            except Exception as exc:
                self.finished.set()
                raise DeviceError(f"cannot play on {self.device.name}: {one_line(exc)}") from None
            self._stream = stream
            self._ticker = threading.Thread(
                target=self._tick, args=(stream,), name="rehearse-player-position", daemon=True
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
        frame = round(max(0.0, seconds) * self.samplerate)
        with self._lock:
            self._frame = min(frame, len(self._audio))
            self._floor = self._frame
            self._anchor = None

    def stop(self) -> None:
        """Stop at once and rewind; sets ``finished``."""
        with self._control:
            self._close_stream()
            with self._lock:
                self._frame = 0
                self._floor = 0
                self._anchor = None
                self._paused = False
            self.finished.set()

    def wait(self, timeout: float | None = None) -> bool:
        """Block until playback ends; True if it did within ``timeout``."""
        return self.finished.wait(timeout)

    # -- threads -------------------------------------------------------------------------------

    def _callback(self, outdata: np.ndarray, frames: int, time_info: Any, status: Any) -> None:
        with self._lock:
            if self._paused:
                outdata.fill(0)
                return
            first = self._frame
            chunk = self._audio[first : first + frames]
            count = len(chunk)
            outdata[:count] = chunk
            self._frame = first + count
            if count:
                self._anchor = (float(time_info.outputBufferDacTime), first, count)
        if count < frames:
            outdata[count:] = 0
            raise self._sd.CallbackStop

    def _tick(self, stream: Any) -> None:
        try:
            last: float | None = None
            while not self.finished.wait(POSITION_INTERVAL):
                position = self.position
                if self.on_position is not None and position != last:
                    self.on_position(position)
                last = position
            if self.on_position is not None:
                self.on_position(self.position)
        finally:
            # Release the device as soon as playback is over (or on_position broke), rather than
            # at the next play(); a newer stream started meanwhile is not ours to close.
            with self._control:
                if self._stream is stream:
                    self._close_stream()
                    self.finished.set()

    def _close_stream(self) -> None:
        stream, self._stream = self._stream, None
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
