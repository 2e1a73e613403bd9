"""Pitch and loudness variety, measured by Praat on real synthesized speech."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

from rehearse.audio.clip import SAMPLE_RATE, load_audio
from rehearse.audio.delivery import measure_delivery

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
