"""Hand-made word lists with timestamps, for testing the scoring rules without a model."""

from __future__ import annotations

import numpy as np

from rehearse.text.words import Word


def words_from(text: str, start: float = 0.0, step: float = 0.4, gap: float = 0.0) -> list[Word]:
    """One word every ``step`` seconds; ``|`` in the text inserts an extra ``gap`` of seconds."""
    out: list[Word] = []
    t = start
    for token in text.split():
        if token == "|":
            t += gap
            continue
        out.append(Word(token, round(t, 3), round(t + step * 0.8, 3)))
        t += step
    return out


def tone_under(words: list[Word], seconds: float, rate: int = 16000) -> np.ndarray:
    """A 16 kHz signal with a voiced tone under each word and digital silence elsewhere."""
    samples = np.zeros(int(seconds * rate), dtype=np.float32)
    for w in words:
        a, b = int(w.start * rate), int(w.end * rate)
        t = np.arange(b - a) / rate
        samples[a:b] = 0.3 * np.sin(2 * np.pi * 180 * t)
    return samples
