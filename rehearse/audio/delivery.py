"""How lively the voice sounds: the spread of its pitch and of its loudness while speaking.

Pitch and intensity come from Praat (through ``praat-parselmouth``), the reference pitch tracker
in speech science, run over the samples already decoded for transcription. Both spreads are
taken over voiced frames only (where Praat finds a pitch), so pauses and breaths do not count as
variety. Pitch variety is the standard deviation of the pitch in semitones about its median,
which makes a low voice and a high one comparable; loudness variety is the standard deviation
of the intensity in decibels over the same frames.
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


def measure_delivery(samples: np.ndarray, start: float = 0.0, end: float | None = None) -> Delivery:
    """The pitch and loudness variety of ``samples`` (mono, ``SAMPLE_RATE``) from start to end."""
    import parselmouth  # Praat is loaded only when an answer is scored.

    first = max(0, int(start * SAMPLE_RATE))
    last = len(samples) if end is None else min(len(samples), int(end * SAMPLE_RATE))
    piece = np.asarray(samples[first:last], dtype=np.float64)
    # Praat needs a few pitch periods to analyse anything at all.
    if len(piece) < int(3 / PITCH_FLOOR_HZ * SAMPLE_RATE) or not np.any(piece):
        return NO_DELIVERY
    sound = parselmouth.Sound(piece, sampling_frequency=SAMPLE_RATE)
    pitch = sound.to_pitch(
        time_step=FRAME_SECONDS, pitch_floor=PITCH_FLOOR_HZ, pitch_ceiling=PITCH_CEILING_HZ
    )
    frequencies = pitch.selected_array["frequency"]
    voiced = frequencies > 0
    voiced_seconds = round(float(voiced.sum()) * FRAME_SECONDS, 2)
    if voiced_seconds < MIN_VOICED_SECONDS:
        return Delivery(voiced_seconds, None, None, None)
    hz = frequencies[voiced]
    median = float(np.median(hz))
    semitones = 12 * np.log2(hz / median)
    intensity = sound.to_intensity(minimum_pitch=PITCH_FLOOR_HZ, time_step=FRAME_SECONDS)
    times = pitch.xs()[voiced]
    decibels = np.array([intensity.get_value(t) for t in times], dtype=np.float64)
    decibels = decibels[np.isfinite(decibels)]
    return Delivery(
        voiced_seconds,
        round(median, 1),
        round(float(np.std(semitones)), 2),
        round(float(np.std(decibels)), 2) if len(decibels) else None,
    )
