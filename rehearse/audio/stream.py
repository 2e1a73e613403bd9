"""A recording read while it is being made, and cut into chunks at the speaker's pauses.

The recorder writes every block to its WAV file as it arrives, so the file on disk is the
stream: ``WavTail`` reads what was appended since its last read, as the 16 kHz float samples
``load_audio`` would give for the whole file (the same resampler, fed piece by piece). Whatever
the reader has not reached yet stays on disk, so a reader that falls behind holds no more audio in
memory than one that keeps up.

``PauseCutter`` holds those samples since the last cut and finds the pauses to cut them at, so
each chunk can be transcribed on its own while the speaker goes on. It also keeps the power of every
10 ms frame, from which the whole recording's ``VoiceActivity`` comes out equal to the one
``VoiceActivity.measure`` gives on the finished file.
"""

from __future__ import annotations

import os
import struct
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from rehearse.audio.clip import FRAME_SAMPLES, FRAME_SECONDS, SAMPLE_RATE, VoiceActivity
from rehearse.errors import AudioError

_HEADER_BYTES = 44  # what the recorder writes: a plain PCM header, then the samples
_SAMPLE_BYTES = 2
# The most read at once: a reader that fell behind catches up in pieces of this size, so its
# memory does not grow with the backlog.
READ_SECONDS = 5.0

# A pause closer than this to where the pending audio starts is the one it was cut in.
MIN_CUT_SECONDS = 1.0
# The silence that counts as a pause to cut in: the gap between two sentences, not between words.
CUT_PAUSE_SECONDS = 0.3
# Under Whisper's 30 s window, so a chunk is decoded in one window; with no pause by then the
# chunk is cut at its quietest moment.
MAX_CHUNK_SECONDS = 25.0
# The smoothing of a frame's level looks two frames ahead: the last two are not settled yet.
_UNSETTLED_FRAMES = 2


@dataclass(frozen=True)
class Chunk:
    """A piece of the recording: its samples and where they start, in seconds."""

    start: float
    samples: np.ndarray

    @property
    def end(self) -> float:
        return self.start + len(self.samples) / SAMPLE_RATE


class WavTail:
    """Reads a WAV file that a ``Recorder`` is still writing, from the start, piece by piece."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._file: Any = None
        self._rate = 0
        self._position = _HEADER_BYTES
        self._resampler: Any = None
        self._flushed = False

    @property
    def seconds_on_disk(self) -> float:
        """How much audio the file holds now, read or not."""
        if not self._rate:
            return 0.0
        try:
            size = os.stat(self.path).st_size
        except OSError:
            return 0.0
        return max(0, size - _HEADER_BYTES) // _SAMPLE_BYTES / self._rate

    @property
    def seconds_read(self) -> float:
        if not self._rate:
            return 0.0
        return (self._position - _HEADER_BYTES) // _SAMPLE_BYTES / self._rate

    def read(self, final: bool = False) -> np.ndarray:
        """The samples appended since the last read (at most READ_SECONDS of them), as 16 kHz
        mono float32; ``final`` once the recording is finished, to flush the resampler."""
        if not self._opened():
            self._flushed = final  # a finished recording with no audio: nothing will come
            return np.zeros(0, dtype=np.float32)
        limit = int(READ_SECONDS * self._rate) * _SAMPLE_BYTES
        size = os.fstat(self._file.fileno()).st_size
        wanted = min(limit, size - self._position)
        wanted -= wanted % _SAMPLE_BYTES
        data = os.pread(self._file.fileno(), wanted, self._position) if wanted > 0 else b""
        self._position += len(data)
        pcm = np.frombuffer(data, dtype="<i2")
        last = final and self._position >= size and not self._flushed
        self._flushed = self._flushed or last
        return self._to_16k(pcm, last)

    @property
    def exhausted(self) -> bool:
        """Everything on disk has been read (and, after a final read, the resampler flushed)."""
        return self._flushed

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None

    def _opened(self) -> bool:
        if self._file is not None:
            return True
        try:
            file = open(self.path, "rb")  # noqa: SIM115 - kept open while reading; see close()
        except FileNotFoundError:
            return False
        except OSError as exc:
            raise AudioError(f"cannot read the recording {self.path}: {exc.strerror}") from None
        header = file.read(_HEADER_BYTES)
        if len(header) < _HEADER_BYTES:
            file.close()
            return False  # the recorder has not written its header yet
        if header[:4] != b"RIFF" or header[36:40] != b"data":
            file.close()
            raise AudioError(f"{self.path}: not a recording made by rehearse (no plain PCM data)")
        channels, rate = struct.unpack("<HI", header[22:28])
        if channels != 1:
            file.close()
            raise AudioError(f"{self.path}: a streamed recording must be mono")
        self._file, self._rate = file, rate
        return True

    def _to_16k(self, pcm: np.ndarray, last: bool) -> np.ndarray:
        if self._rate == SAMPLE_RATE:
            # What load_audio gives for a 16 kHz file: its samples over 32768, untouched.
            return pcm.astype(np.float32) / 32768.0
        import av

        if self._resampler is None:
            self._resampler = av.AudioResampler(format="s16", layout="mono", rate=SAMPLE_RATE)
        out: list[np.ndarray] = []
        if pcm.size:
            frame = av.AudioFrame.from_ndarray(pcm.reshape(1, -1), format="s16", layout="mono")
            frame.sample_rate = self._rate
            out += [f.to_ndarray().reshape(-1) for f in self._resampler.resample(frame)]
        if last:
            out += [f.to_ndarray().reshape(-1) for f in self._resampler.resample(None)]
        if not out:
            return np.zeros(0, dtype=np.float32)
        return np.concatenate(out).astype(np.float32) / 32768.0


class PauseCutter:
    """Holds a stream of 16 kHz samples since the last cut, and says where its pauses are.

    The caller decides where to cut (``take``) among the ``pauses``: in the middle of a pause,
    so each side keeps some silence around its words.
    """

    def __init__(self) -> None:
        self._pending = np.zeros(0, dtype=np.float32)
        self._pending_start = 0  # sample index of the first pending sample
        self._loose = np.zeros(0, dtype=np.float32)  # samples short of a whole 10 ms frame
        self._powers: list[np.ndarray] = []
        self._frames = 0

    @property
    def seconds(self) -> float:
        """How much audio was taken in so far."""
        return (self._pending_start + len(self._pending)) / SAMPLE_RATE

    @property
    def pending_start(self) -> float:
        """Where the audio not yet cut off starts, in seconds."""
        return self._pending_start / SAMPLE_RATE

    @property
    def pending_seconds(self) -> float:
        return len(self._pending) / SAMPLE_RATE

    def add(self, samples: np.ndarray) -> None:
        self._measure(samples)
        self._pending = np.concatenate([self._pending, samples])

    def pauses(self) -> list[int]:
        """The places to cut the pending audio at, as sample counts from its start: the middle
        of each pause whose end has been heard (or that is still going on)."""
        if self.pending_seconds < MIN_CUT_SECONDS:
            return []
        settled = (self._frames - _UNSETTLED_FRAMES) * FRAME_SECONDS
        since = self.pending_start + MIN_CUT_SECONDS
        found = self.activity().silences(since, settled, CUT_PAUSE_SECONDS)
        return [self._index((pause.start + pause.end) / 2) for pause in found]

    def forced_cut(self) -> int | None:
        """Where to cut pending audio that has grown to a whole chunk with no pause in it: its
        quietest moment in the second half; None while it is shorter than that."""
        if self.pending_seconds < MAX_CHUNK_SECONDS:
            return None
        first = self._pending_start // FRAME_SAMPLES
        settled = self._frames - _UNSETTLED_FRAMES
        power = self._all_powers()[first:settled]
        half = len(power) // 2
        frame = first + half + int(np.argmin(power[half:])) if len(power) > half else settled
        return self._index(frame * FRAME_SECONDS)

    def peek(self, cut: int) -> Chunk:
        """The pending audio up to ``cut``, left pending."""
        return Chunk(self.pending_start, self._pending[:cut].copy())

    def take(self, cut: int) -> Chunk:
        """Cut the pending audio at ``cut``: the part before it is returned, and done with."""
        chunk = self.peek(cut)
        self._pending = self._pending[cut:].copy()
        self._pending_start += cut
        return chunk

    def finish(self) -> Chunk | None:
        """The audio since the last cut, once the recording has ended."""
        if not len(self._pending):
            return None
        return self.take(len(self._pending))

    def activity(self) -> VoiceActivity:
        """The voice activity of everything taken in so far."""
        return VoiceActivity.from_power(self._all_powers())

    def _all_powers(self) -> np.ndarray:
        power = np.concatenate(self._powers) if self._powers else np.zeros(0)
        self._powers = [power]
        return power

    def _measure(self, samples: np.ndarray) -> None:
        joined = np.concatenate([self._loose, samples])
        whole = len(joined) // FRAME_SAMPLES
        if whole:
            block = joined[: whole * FRAME_SAMPLES].astype(np.float64).reshape(whole, -1)
            self._powers.append((block**2).mean(axis=1))
            self._frames += whole
        self._loose = joined[whole * FRAME_SAMPLES :]

    def _index(self, seconds: float) -> int:
        """The pending sample at ``seconds`` of the recording."""
        index = round(seconds * SAMPLE_RATE) - self._pending_start
        return max(1, min(len(self._pending), index))
