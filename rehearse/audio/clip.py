"""Reading answer recordings, and measuring where the audio holds voice and where it is silent.

Decoding goes through faster-whisper's PyAV decoder, so any format and rate it reads works; the
samples come out as 16 kHz mono float32, the rate the speech model wants.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from rehearse.errors import AudioError

SAMPLE_RATE = 16000
FRAME_SECONDS = 0.01
FRAME_SAMPLES = int(SAMPLE_RATE * FRAME_SECONDS)


@dataclass(frozen=True)
class AudioClip:
    path: Path
    samples: np.ndarray  # float32, mono, SAMPLE_RATE

    @property
    def duration(self) -> float:
        return len(self.samples) / SAMPLE_RATE


@dataclass(frozen=True)
class Span:
    start: float
    end: float

    @property
    def seconds(self) -> float:
        return self.end - self.start


def load_audio(path: Path) -> AudioClip:
    """Decode ``path`` or raise ``AudioError`` with one line saying what is wrong with it."""
    if not path.exists():
        raise AudioError(f"{path}: no such file")
    if path.is_dir():
        raise AudioError(f"{path}: is a folder, not an audio file")
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise AudioError(f"{path}: cannot read: {exc.strerror}") from None
    if size == 0:
        raise AudioError(f"{path}: the file is empty (0 bytes)")
    _check_wav_header(path)

    # Imported here so that reading the question bank or history never pays for PyAV.
    from faster_whisper.audio import decode_audio

    try:
        samples = decode_audio(str(path), sampling_rate=SAMPLE_RATE)
    except Exception as exc:  # PyAV raises many error types for undecodable input
        kind = type(exc).__name__
        raise AudioError(f"{path}: not an audio file that can be decoded ({kind})") from None
    if not isinstance(samples, np.ndarray) or samples.size == 0:
        raise AudioError(f"{path}: holds no audio (0 seconds)")
    return AudioClip(path, samples.astype(np.float32, copy=False))


def _check_wav_header(path: Path) -> None:
    """A WAV whose data chunk claims more bytes than the file holds was cut off mid-write."""
    with path.open("rb") as f:
        head = f.read(12)
        if len(head) < 12 or head[:4] != b"RIFF" or head[8:12] != b"WAVE":
            if head[:4] == b"RIFF":
                raise AudioError(f"{path}: truncated WAV file (the header is incomplete)")
            return
        size = path.stat().st_size
        offset = 12
        while True:
            f.seek(offset)
            chunk = f.read(8)
            if len(chunk) < 8:
                raise AudioError(f"{path}: truncated WAV file (no audio data chunk)")
            chunk_id, chunk_size = struct.unpack("<4sI", chunk)
            if chunk_id == b"data":
                # 0 and 0xFFFFFFFF are what streaming writers put when the length is unknown.
                available = size - offset - 8
                if chunk_size not in (0, 0xFFFFFFFF) and chunk_size > available:
                    raise AudioError(
                        f"{path}: truncated WAV file (header promises {chunk_size} bytes of audio,"
                        f" the file holds {available})"
                    )
                if chunk_size == 0 and available <= 0:
                    raise AudioError(f"{path}: holds no audio (0 seconds)")
                return
            offset += 8 + chunk_size + (chunk_size & 1)


# Frames squared at a time: a float64 copy of a whole hour of audio would be 460 MB.
_POWER_BLOCK_FRAMES = 6000


def frame_power(samples: np.ndarray) -> np.ndarray:
    """Mean square of each whole 10 ms frame of ``samples`` (a partial last frame is left out)."""
    return _frame_power(samples, len(samples) // FRAME_SAMPLES, FRAME_SAMPLES)


def _frame_power(samples: np.ndarray, frames: int, hop: int) -> np.ndarray:
    """Mean square of each ``hop``-sample frame, a block of frames at a time (same figures)."""
    power = np.empty(frames, dtype=np.float64)
    for first in range(0, frames, _POWER_BLOCK_FRAMES):
        last = min(frames, first + _POWER_BLOCK_FRAMES)
        block = samples[first * hop : last * hop].astype(np.float64).reshape(-1, hop)
        power[first:last] = (block**2).mean(axis=1)
    return power


@dataclass(frozen=True)
class VoiceActivity:
    """Which 10 ms frames of a recording carry sound above its noise floor."""

    voiced: np.ndarray  # bool per frame
    threshold_db: float

    @classmethod
    def measure(cls, samples: np.ndarray) -> VoiceActivity:
        frames = len(samples) // FRAME_SAMPLES
        return cls.from_power(_frame_power(samples, frames, FRAME_SAMPLES))

    @classmethod
    def from_power(cls, frame_power: np.ndarray) -> VoiceActivity:
        """The activity of a recording from the mean square of each of its 10 ms frames (what
        ``frame_power`` gives), so a stream measured as it arrives gets the same figures."""
        frames = len(frame_power)
        if frames == 0:
            return cls(np.zeros(0, dtype=bool), 0.0)
        # 30 ms windows stepped every 10 ms, so a frame's level does not hinge on one cycle.
        # The two frames of zeros after the end have power 0.
        power = np.concatenate([frame_power, np.zeros(2)])
        power = np.convolve(power, np.ones(3) / 3, mode="valid")[:frames]
        level = 10 * np.log10(np.maximum(power, 1e-10))
        floor = float(np.percentile(level, 10))
        loud = float(np.percentile(level, 99))
        # Above the room's noise floor, not far below the speech, never in digital silence.
        threshold = max(floor + 12.0, loud - 40.0, -60.0)
        return cls(level > threshold, threshold)

    @property
    def any_voice(self) -> bool:
        # Less than a quarter second of sound is a click or a breath, not an answer.
        return int(self.voiced.sum()) * FRAME_SECONDS >= 0.25

    def voiced_seconds(self, start: float, end: float) -> float:
        a, b = self._frames(start, end)
        return float(self.voiced[a:b].sum()) * FRAME_SECONDS

    def silences(self, start: float, end: float, min_seconds: float) -> list[Span]:
        """Runs of silence of at least ``min_seconds`` that lie within [start, end]."""
        return self._runs(start, end, min_seconds, voiced=False)

    def voiced_runs(self, start: float, end: float, min_seconds: float = 0.0) -> list[Span]:
        """Runs of sound of at least ``min_seconds`` that lie within [start, end]."""
        return self._runs(start, end, min_seconds, voiced=True)

    def _runs(self, start: float, end: float, min_seconds: float, voiced: bool) -> list[Span]:
        a, b = self._frames(start, end)
        wanted = self.voiced[a:b] if voiced else ~self.voiced[a:b]
        spans: list[Span] = []
        run_start: int | None = None
        for i, inside in enumerate(np.append(wanted, False)):
            if inside and run_start is None:
                run_start = i
            elif not inside and run_start is not None:
                if (i - run_start) * FRAME_SECONDS >= min_seconds:
                    spans.append(
                        Span(
                            round((a + run_start) * FRAME_SECONDS, 2),
                            round((a + i) * FRAME_SECONDS, 2),
                        )
                    )
                run_start = None
        return spans

    def _frames(self, start: float, end: float) -> tuple[int, int]:
        n = len(self.voiced)
        a = min(n, max(0, int(start / FRAME_SECONDS)))
        b = min(n, max(a, int(np.ceil(end / FRAME_SECONDS))))
        return a, b
