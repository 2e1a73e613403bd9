"""Pitch and loudness variety, measured by Praat on real synthesized speech."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

from rehearse.audio.clip import SAMPLE_RATE, load_audio
from rehearse.audio.delivery import VoiceTrack, delivery_from, measure_delivery

pytestmark = pytest.mark.skipif(not shutil.which("espeak-ng"), reason="needs espeak-ng")

SENTENCES = [
    "We trained a gradient boosted model on three years of transactions, and recall went up.",
    "The baseline was a logistic regression, which the final model beat by twelve points.",
    "In production the fraud losses fell by a third within two months of the launch.",
    "What I learned is that the label definition mattered more than the model itself.",
]
VOICES = ["en-us", "en+f3"]


def speak(text: str, voice: str, pitch_range: str, out: Path) -> Path:
    """espeak-ng reading ``text`` with its pitch range set through SSML prosody."""
    ssml = f'<speak><prosody range="{pitch_range}">{text}</prosody></speak>'
    subprocess.run(["espeak-ng", "-v", voice, "-m", "-w", str(out), ssml], check=True)
    return out


@pytest.mark.parametrize("voice", VOICES)
@pytest.mark.parametrize("sentence", SENTENCES)
def test_the_same_sentence_flat_and_lively_is_told_apart(sentence, voice, tmp_path):
    flat = measure_delivery(load_audio(speak(sentence, voice, "x-low", tmp_path / "f.wav")).samples)
    lively = measure_delivery(
        load_audio(speak(sentence, voice, "x-high", tmp_path / "l.wav")).samples
    )
    assert flat.pitch_variety_semitones is not None
    assert lively.pitch_variety_semitones is not None
    assert flat.monotone is True
    assert lively.monotone is False
    assert lively.pitch_variety_semitones > 2 * flat.pitch_variety_semitones
    assert flat.loudness_variety_db is not None and flat.loudness_variety_db > 0


def test_silence_and_noise_get_no_pitch_figure():
    silence = np.zeros(5 * SAMPLE_RATE, dtype=np.float32)
    noise = np.random.default_rng(0).normal(0, 0.2, 5 * SAMPLE_RATE).astype(np.float32)
    for samples in (silence, noise, np.zeros(10, dtype=np.float32)):
        delivery = measure_delivery(samples)
        assert delivery.pitch_variety_semitones is None
        assert delivery.pitch_median_hz is None
        assert delivery.loudness_variety_db is None
        assert delivery.monotone is None


def test_only_the_stretch_asked_for_is_measured(tmp_path):
    speech = load_audio(speak(SENTENCES[0], "en-us", "x-high", tmp_path / "s.wav")).samples
    padded = np.concatenate([speech, np.zeros(4 * SAMPLE_RATE, dtype=np.float32)])
    seconds = len(speech) / SAMPLE_RATE
    assert measure_delivery(padded, seconds, seconds + 4).pitch_variety_semitones is None
    assert measure_delivery(padded, 0, seconds).pitch_variety_semitones is not None


def test_measured_piece_by_piece_it_gives_the_figures_of_the_whole(tmp_path):
    """As the stream measures an answer: each piece as it is cut at a pause, then the whole
    answer's figures from the frames kept. The tolerance is the one measured on the 15 espeak dev
    answers cut where the stream cuts them (worst: 0.1 Hz, 0.01 semitones, 0.08 dB)."""
    gap = np.zeros(SAMPLE_RATE // 2, dtype=np.float32)
    pieces = []
    for n, sentence in enumerate(SENTENCES):
        spoken = load_audio(speak(sentence, "en-us", "x-high", tmp_path / f"{n}.wav")).samples
        pieces.append(np.concatenate([gap, spoken, gap]))
    whole = measure_delivery(np.concatenate(pieces))
    track, start = VoiceTrack(), 0.0
    for piece in pieces:
        track.add(piece, start)
        start += len(piece) / SAMPLE_RATE
    parts = delivery_from(track.frames())
    assert whole.pitch_variety_semitones is not None and parts.pitch_variety_semitones is not None
    assert whole.pitch_median_hz is not None and parts.pitch_median_hz is not None
    assert whole.loudness_variety_db is not None and parts.loudness_variety_db is not None
    assert abs(parts.pitch_variety_semitones - whole.pitch_variety_semitones) <= 0.02
    assert abs(parts.pitch_median_hz - whole.pitch_median_hz) <= 0.5
    assert abs(parts.loudness_variety_db - whole.loudness_variety_db) <= 0.1
    assert abs(parts.voiced_seconds - whole.voiced_seconds) <= 0.1
    # Only the stretch asked for counts, as measure_delivery's start and end do.
    first = delivery_from(track.frames().between(0.0, len(pieces[0]) / SAMPLE_RATE))
    assert abs(first.voiced_seconds - measure_delivery(pieces[0]).voiced_seconds) < 0.1
