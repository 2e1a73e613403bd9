"""When the level meter says "too quiet": a rule over blocks of real sample powers."""

from __future__ import annotations

import numpy as np

from rehearse.audio.recorder import QuietWatch

RATE = 16000
BLOCK = 800  # 50 ms, as the recorder delivers


def feed(watch: QuietWatch, seconds: float, amplitude: float) -> list[bool]:
    """Blocks of noise at ``amplitude`` (0 for digital silence); the verdict after each."""
    rng = np.random.default_rng(0)
    verdicts = []
    for _ in range(round(seconds * RATE / BLOCK)):
        x = rng.standard_normal(BLOCK) * amplitude
        verdicts.append(watch.add(BLOCK, float(np.dot(x, x))))
    return verdicts


def test_a_silent_microphone_from_the_start_is_too_quiet_within_two_seconds() -> None:
    watch = QuietWatch(RATE)
    verdicts = feed(watch, 3.0, 0.0)
    assert not any(verdicts[:35]) and verdicts[-1]


def test_after_speech_only_a_long_silence_is_too_quiet() -> None:
    watch = QuietWatch(RATE)
    assert not any(feed(watch, 3.0, 0.1))  # a voice, about -20 dBFS
    pause = feed(watch, 14.0, 0.0005)  # a quiet room, about -66 dBFS: thinking
    assert not any(pause)
    assert feed(watch, 2.0, 0.0005)[-1]  # over 15 s: the microphone went quiet mid-answer
    assert not feed(watch, 0.5, 0.1)[-1]  # speaking again clears it
