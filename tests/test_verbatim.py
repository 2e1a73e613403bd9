"""The probe's second acoustic model (benchmarks/verbatim.py) on real synthesized speech: a
hesitation said between two words is put where it was said, and the words stay in order."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("pocketsphinx")

from benchmarks import verbatim
from rehearse.audio.clip import load_audio
from rehearse.audio.tts import synthesize_script
from rehearse.text.words import Word

BEFORE = "We"
AFTER = "retrained the model on the new data."


def _timed(text: str, start: float, end: float) -> list[Word]:
    """The script's words spread over their part, as a recogniser would time them."""
    tokens = text.split()
    step = (end - start) / len(tokens)
    return [Word(t, start + i * step, start + (i + 1) * step) for i, t in enumerate(tokens)]


def _speech(tmp_path: Path, with_uh: bool) -> tuple[np.ndarray, list[Word], tuple[float, float]]:
    parts: list[str | float] = [0.3, BEFORE, *(["uh"] if with_uh else []), AFTER, 0.4]
    spans = synthesize_script(parts, tmp_path / "speech.wav", steady=True)
    # Whisper writes the hesitation into its neighbours: their times cover its sound.
    first_end = spans[2][0] + (spans[2][1] - spans[2][0]) / 2 if with_uh else spans[1][1]
    words = _timed(BEFORE, spans[1][0], first_end) + _timed(AFTER, first_end, spans[-2][1])
    return load_audio(tmp_path / "speech.wav").samples, words, spans[2]


def test_an_uh_between_two_words_is_put_where_it_was_said(tmp_path: Path) -> None:
    samples, words, (start, end) = _speech(tmp_path, with_uh=True)
    found = verbatim.candidates(words, samples)
    here = [c for c in found if c.start < end + 0.1 and c.end > start - 0.1]
    assert here, f"nothing over the uh at {start:.2f}-{end:.2f} s: {found}"
    assert any(c.before in (0, 1) for c in here)
    assert all(c.text in verbatim.FILLERS for c in found)


def test_the_same_sentence_without_uh_gets_no_hesitation_as_long(tmp_path: Path) -> None:
    samples, words, _ = _speech(tmp_path, with_uh=True)
    with_uh = verbatim.candidates(words, samples)
    samples, words, _ = _speech(tmp_path, with_uh=False)
    without = verbatim.candidates(words, samples)
    longest = max(c.end - c.start for c in with_uh)
    assert all(c.end - c.start < longest for c in without)


def test_kept_hesitations_go_in_without_losing_or_moving_a_word() -> None:
    words = _timed("it meant we retrained", 0.0, 2.0)
    inserted = verbatim.Candidate("uh", 0.5, 0.7, 1, None, {})
    replaced = verbatim.Candidate("um", 1.0, 1.3, 2, 2, {})
    out = verbatim.apply(words, [inserted, replaced])
    assert [w.text for w in out] == ["it", "uh", "meant", "um", "retrained"]
    assert [w.start for w in out] == sorted(w.start for w in out)
