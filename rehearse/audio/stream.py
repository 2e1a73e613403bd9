"""A recording read while it is being made, and cut into chunks at the speaker's pauses.

The recorder writes every block to its WAV file as it arrives, so the file on disk is the
stream: ``WavTail`` reads what was appended since its last read, as the 16 kHz float samples
``load_audio`` would give for the whole file (the same resampler, fed piece by piece). Whatever
the reader has not reached yet stays on disk, so a reader that falls behind holds no more audio in
memory than one that keeps up.

``PauseCutter`` holds those samples since the last cut and finds the pauses to cut them at, so
each chunk can be transcribed on its own while the speaker goes on; the cuts depend on the audio
alone, so a whole file fed to it is cut in the same places. It also keeps the power of every
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
MAX_CHUNK_SECONDS = 28.0
# A chunk is cut for good at the first pause after this much audio. Each chunk costs a 30 s
# encoder window however short it is, and shorter ones give the model less context: on 4 espeak
# dev answers cut after 10 s the file path's word error rate rose from 10.5 % (decoded whole) to
# 14.4 %, after 20 s to 12.3 %. Longer ones leave more to do at the stop when the worker has
# fallen behind.
COMMIT_SECONDS = 20.0
# A pause is cut at its middle, but no further into it than half of this: where it is cut is then
# known this long after it starts, whatever follows.
PAUSE_REACH_SECONDS = 0.6
# The smoothing of a frame's level looks two frames ahead: the last two are not settled yet.
_UNSETTLED_FRAMES = 2
# A frame is judged against the noise floor of the recording up to the start of its second.
_THRESHOLD_FRAMES = round(1.0 / FRAME_SECONDS)


@dataclass(frozen=True)
class Chunk:
    """A piece of the recording: its samples and where they start, in seconds."""

    start: float
    samples: np.ndarray
    activity: VoiceActivity  # of these samples, judged as the cuts were

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
    """Holds a stream of 16 kHz samples since the last cut, and finds where to cut it.

    Where a cut falls depends on the audio alone, never on how it arrived (in what blocks, how
    late the reader was): a frame is judged voiced or silent against the noise floor of the
    recording up to the start of its second (the whole recording's floor is not known until it
    ends), and a pause is cut at its middle but no further than ``PAUSE_REACH_SECONDS`` into it,
    which is known that soon after the pause starts. So a file fed whole is cut at the very
    places a recording followed while it is made is, and both decode the same pieces.
    """

    def __init__(self) -> None:
        self._pending = np.zeros(0, dtype=np.float32)
        self._pending_start = 0  # sample index of the first pending sample
        self._loose = np.zeros(0, dtype=np.float32)  # samples short of a whole 10 ms frame
        self._powers: list[np.ndarray] = []
        self._frames = 0
        self._thresholds: list[float] = []  # for each second of the recording, its threshold
        self._ended = False

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

    @property
    def judged_seconds(self) -> float:
        """How far into the recording frames have been judged voiced or silent for good."""
        return self._judged() * FRAME_SECONDS

    def add(self, samples: np.ndarray) -> None:
        self._measure(samples)
        self._pending = np.concatenate([self._pending, samples])

    def end(self) -> None:
        """The recording has ended: its last frames are judged against the silence after it."""
        self._ended = True

    def next_cut(self) -> int | None:
        """Where the pending audio is cut for good, as a sample count from its start: the first
        pause past COMMIT_SECONDS, or with none in a whole chunk its quietest moment in the
        second half; None while that is not known yet."""
        for cut, resolved, followed in self._pause_cuts():
            if not resolved:
                return None  # this pause may still be the first one past COMMIT_SECONDS
            if cut >= COMMIT_SECONDS * SAMPLE_RATE:
                if not followed:
                    # Only a pause the speaker goes on after: the silence before the stop is
                    # left to the sentences, which the live passes have transcribed already,
                    # even when they run past a whole chunk (a piece cut here at the stop would
                    # be decoded again whole, and the sentence after it too).
                    return None
                return cut if cut <= MAX_CHUNK_SECONDS * SAMPLE_RATE else self._forced_cut()
        return self._whole_chunk_cut()

    def _whole_chunk_cut(self) -> int | None:
        """With no pause to cut at: the forced cut once the pending audio is a whole chunk."""
        if self.pending_seconds < MAX_CHUNK_SECONDS:
            return None
        return self._forced_cut()

    def sentences(self) -> list[int]:
        """Where the pending audio is cut at its end: at each pause whose cut is known and lies
        MIN_CUT_SECONDS past the one before, as sample counts from its start."""
        cuts: list[int] = []
        for cut, resolved, _followed in self._pause_cuts():
            if not resolved:
                break
            if cut >= (cuts[-1] if cuts else 0) + MIN_CUT_SECONDS * SAMPLE_RATE:
                cuts.append(cut)
        return cuts

    def silent_at_end(self) -> float:
        """How long the audio judged so far has been silent at its end, in seconds (at most
        ``PAUSE_REACH_SECONDS``): from ``CUT_PAUSE_SECONDS`` on, a pause whose cut will be
        known within moments, whatever comes next."""
        last = self._judged()
        reach = round(PAUSE_REACH_SECONDS / FRAME_SECONDS)
        first = max(self._pending_start // FRAME_SAMPLES, last - reach)
        voiced = np.flatnonzero(self._voiced(first, last))
        silent = last - first - (int(voiced[-1]) + 1 if len(voiced) else 0)
        return silent * FRAME_SECONDS

    def judged(self) -> int:
        """The pending samples judged so far (what a chunk can be made of now)."""
        return max(0, min(len(self._pending), self._index(self.judged_seconds)))

    def peek(self, cut: int, since: int = 0) -> Chunk:
        """The pending audio from ``since`` up to ``cut``, left pending."""
        first = self._pending_start + since
        start = first // FRAME_SAMPLES
        end = (self._pending_start + cut + FRAME_SAMPLES - 1) // FRAME_SAMPLES
        voiced = self._voiced(start, min(end, self._judged()))
        threshold = self._threshold(max(0, end - 1) // _THRESHOLD_FRAMES) if len(voiced) else 0.0
        activity = VoiceActivity(voiced, threshold)
        return Chunk(first / SAMPLE_RATE, self._pending[since:cut].copy(), activity)

    def take(self, cut: int) -> Chunk:
        """Cut the pending audio at ``cut``: the part before it is returned, and done with."""
        chunk = self.peek(cut)
        self._pending = self._pending[cut:].copy()
        self._pending_start += cut
        return chunk

    def finish(self) -> Chunk | None:
        """The audio since the last cut, once the recording has ended."""
        self.end()
        if not len(self._pending):
            return None
        return self.take(len(self._pending))

    def activity(self) -> VoiceActivity:
        """The voice activity of everything taken in so far (as ``VoiceActivity.measure`` gives
        for the whole of it)."""
        return VoiceActivity.from_power(self._all_powers())

    # -- judging frames --------------------------------------------------------------------------

    def _judged(self) -> int:
        """Frames judged for good: the level of a frame looks two ahead, and its threshold
        needs the whole second before it (the first second: itself)."""
        settled = self._frames if self._ended else self._frames - _UNSETTLED_FRAMES
        if not self._ended and self._frames < _THRESHOLD_FRAMES:
            return 0
        return max(0, settled)

    def _threshold(self, second: int) -> float:
        powers = self._all_powers()
        while len(self._thresholds) <= second:
            known = max(1, len(self._thresholds)) * _THRESHOLD_FRAMES
            self._thresholds.append(VoiceActivity.from_power(powers[:known]).threshold_db)
        return self._thresholds[second]

    def _voiced(self, first: int, last: int) -> np.ndarray:
        """Whether each frame in [first, last) of the recording is voiced."""
        if last <= first:
            return np.zeros(0, dtype=bool)
        powers = self._all_powers()
        window = powers[first : last + _UNSETTLED_FRAMES]
        window = np.concatenate([window, np.zeros(last + _UNSETTLED_FRAMES - first - len(window))])
        power = np.convolve(window, np.ones(3) / 3, mode="valid")[: last - first]
        level = 10 * np.log10(np.maximum(power, 1e-10))
        seconds = np.arange(first, last) // _THRESHOLD_FRAMES
        thresholds = np.array([self._threshold(int(s)) for s in range(seconds[0], seconds[-1] + 1)])
        return np.asarray(level > thresholds[seconds - seconds[0]])

    def _pause_cuts(self) -> list[tuple[int, bool, bool]]:
        """Each pause of the pending audio past MIN_CUT_SECONDS: where it is cut (samples from
        the pending start), whether that is known for good, and whether voice followed it."""
        first = self._pending_start // FRAME_SAMPLES + round(MIN_CUT_SECONDS / FRAME_SECONDS)
        last = self._judged()
        silent = ~self._voiced(first, last)
        reach = round(PAUSE_REACH_SECONDS / FRAME_SECONDS)
        shortest = round(CUT_PAUSE_SECONDS / FRAME_SECONDS)
        cuts: list[tuple[int, bool, bool]] = []
        for run_start, run_end in _runs(silent):
            length = run_end - run_start
            going_on = run_end == len(silent) and not self._ended
            if going_on and length < reach:
                if length >= 1:
                    cuts.append((0, False, False))  # may grow into a pause: not known yet
                break
            if length < shortest:
                continue
            middle = first + run_start + min(length, reach) // 2
            followed = run_end < len(silent)
            cuts.append((self._index(middle * FRAME_SECONDS), True, followed))
        return cuts

    def _forced_cut(self) -> int | None:
        """The quietest frame of the second half of a whole chunk, once it is judged."""
        start = self._pending_start // FRAME_SAMPLES
        whole = round(MAX_CHUNK_SECONDS / FRAME_SECONDS)
        if self._judged() < start + whole:
            return None
        power = self._all_powers()[start + whole // 2 : start + whole]
        return self._index((start + whole // 2 + int(np.argmin(power))) * FRAME_SECONDS)

    def _all_powers(self) -> np.ndarray:
        if len(self._powers) != 1:
            self._powers = [np.concatenate(self._powers) if self._powers else np.zeros(0)]
        return self._powers[0]

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


def _runs(flags: np.ndarray) -> list[tuple[int, int]]:
    """The runs of True in ``flags``, as [start, end) indices."""
    edges = np.diff(np.concatenate([[0], flags.astype(np.int8), [0]]))
    starts, ends = np.flatnonzero(edges == 1).tolist(), np.flatnonzero(edges == -1).tolist()
    return list(zip(starts, ends, strict=True))
