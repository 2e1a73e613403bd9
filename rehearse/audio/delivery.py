"""How lively the voice sounds: the spread of its pitch and of its loudness while speaking.

Pitch and intensity come from Praat (through ``praat-parselmouth``), the reference pitch tracker
in speech science, run over the samples already decoded for transcription. Both spreads are
taken over voiced frames only (where Praat finds a pitch), so pauses and breaths do not count as
variety. Pitch variety is the standard deviation of the pitch in semitones about its median,
which makes a low voice and a high one comparable; loudness variety is the standard deviation
of the intensity in decibels over the same frames.

Both come from per-frame figures (``VoiceFrames``: each voiced frame's time, pitch and loudness),
so a recording measured piece by piece while it is made, as the stream does at each cut, gives
the figures of the whole from the frames of its pieces (``VoiceTrack``) without the audio.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from rehearse.audio.clip import SAMPLE_RATE

# Praat's own default range for speech; wide enough for low and high voices.
PITCH_FLOOR_HZ = 75.0
PITCH_CEILING_HZ = 500.0
FRAME_SECONDS = 0.01
# Less voiced sound than this gives no figure: a spread over a second of pitch says nothing.
MIN_VOICED_SECONDS = 2.0
# Below this spread the voice is called flat. Our own threshold, not a published norm: espeak-ng
# asked for its narrowest pitch range measures about 0.3 semitones, its ordinary reading about
# 1.5 and its widest about 2.3; recorded people reading aloud spread about 2-4.
MONOTONE_BELOW_SEMITONES = 1.2


@dataclass(frozen=True)
class Delivery:
    """The voice's variety over an answer; ``None`` figures where too little voice was heard."""

    voiced_seconds: float
    pitch_median_hz: float | None
    pitch_variety_semitones: float | None
    loudness_variety_db: float | None

    @property
    def monotone(self) -> bool | None:
        if self.pitch_variety_semitones is None:
            return None
        return self.pitch_variety_semitones < MONOTONE_BELOW_SEMITONES


NO_DELIVERY = Delivery(0.0, None, None, None)


@dataclass(frozen=True)
class VoiceFrames:
    """Praat's figures for the voiced 10 ms frames of some audio: each frame's time in the
    recording's clock, its pitch (Hz) and its intensity (dB; NaN where Praat has none)."""

    times: np.ndarray
    hz: np.ndarray
    db: np.ndarray

    def between(self, start: float, end: float) -> VoiceFrames:
        keep = (self.times >= start) & (self.times <= end)
        return VoiceFrames(self.times[keep], self.hz[keep], self.db[keep])


NO_FRAMES = VoiceFrames(np.zeros(0), np.zeros(0), np.zeros(0))


def voice_frames(samples: np.ndarray, start: float = 0.0) -> VoiceFrames:
    """The voiced frames of ``samples`` (mono, ``SAMPLE_RATE``), which begin ``start`` seconds
    into the recording."""
    import parselmouth  # Praat is loaded only when an answer is scored.

    piece = np.asarray(samples, dtype=np.float64)
    # Praat needs a few pitch periods to analyse anything at all.
    if len(piece) < int(3 / PITCH_FLOOR_HZ * SAMPLE_RATE) or not np.any(piece):
        return NO_FRAMES
    sound = parselmouth.Sound(piece, sampling_frequency=SAMPLE_RATE, start_time=start)
    pitch = sound.to_pitch(
        time_step=FRAME_SECONDS, pitch_floor=PITCH_FLOOR_HZ, pitch_ceiling=PITCH_CEILING_HZ
    )
    frequencies = pitch.selected_array["frequency"]
    voiced = frequencies > 0
    times = pitch.xs()[voiced]
    if not len(times):
        return NO_FRAMES
    intensity = sound.to_intensity(minimum_pitch=PITCH_FLOOR_HZ, time_step=FRAME_SECONDS)
    decibels = np.array([intensity.get_value(t) for t in times], dtype=np.float64)
    return VoiceFrames(times, frequencies[voiced], decibels)


def delivery_from(frames: VoiceFrames) -> Delivery:
    """The pitch and loudness variety of the voiced frames ``frames``."""
    voiced_seconds = round(len(frames.times) * FRAME_SECONDS, 2)
    if voiced_seconds < MIN_VOICED_SECONDS:
        return Delivery(voiced_seconds, None, None, None)
    median = float(np.median(frames.hz))
    semitones = 12 * np.log2(frames.hz / median)
    decibels = frames.db[np.isfinite(frames.db)]
    return Delivery(
        voiced_seconds,
        round(median, 1),
        round(float(np.std(semitones)), 2),
        round(float(np.std(decibels)), 2) if len(decibels) else None,
    )


def measure_delivery(samples: np.ndarray, start: float = 0.0, end: float | None = None) -> Delivery:
    """The pitch and loudness variety of ``samples`` (mono, ``SAMPLE_RATE``) from start to end."""
    first = max(0, int(start * SAMPLE_RATE))
    last = len(samples) if end is None else min(len(samples), int(end * SAMPLE_RATE))
    return delivery_from(voice_frames(samples[first:last], first / SAMPLE_RATE))


class VoiceTrack:
    """The voiced frames of a recording measured piece by piece as it is made: what its
    delivery is computed from at the end, without its audio. A frame is a few numbers per 10 ms
    of voice (24 bytes a frame), so a 10-minute answer keeps under a megabyte."""

    def __init__(self) -> None:
        self._pieces: list[VoiceFrames] = []

    def add(self, samples: np.ndarray, start: float) -> None:
        """Measure the piece ``samples``, which begins ``start`` seconds into the recording."""
        frames = voice_frames(samples, start)
        if len(frames.times):
            self._pieces.append(frames)

    def frames(self) -> VoiceFrames:
        pieces = list(self._pieces)  # a snapshot: the worker may be adding one
        if not pieces:
            return NO_FRAMES
        return VoiceFrames(
            np.concatenate([p.times for p in pieces]),
            np.concatenate([p.hz for p in pieces]),
            np.concatenate([p.db for p in pieces]),
        )
