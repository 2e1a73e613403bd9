"""The second listen for hedges tiny.en wrote as other words ("kind of" as "cannot")."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from wordlists import words_from

from rehearse.language.fillers import find_fillers
from rehearse.speech.misheard import LEANING, Probe, Suspect, as_hedge, probe, restore, suspects
from rehearse.speech.quirks import mishearings
from rehearse.text.words import Word

RATE = 16000
# What the bundled tiny.en writes for each hedge (its quirks table's entries confirmed by ear).
TINY_EN = mishearings("tiny.en (bundled)")


def texts(words) -> list[str]:  # type: ignore[no-untyped-def]
    return [w.text for w in words]


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("and the model cannot read that", [(3, 1, "kind of")]),
        ("and people can not panic when", [(2, 2, "kind of")]),
        ("the stars can't on average that", [(2, 2, "kind of")]),
        ("we also thought of changing how", [(2, 2, "sort of")]),
        ("them were sought on outdated", [(2, 2, "sort of")]),
        (
            "it was hot on flat, and fees could go short of them",
            [(2, 2, "sort of"), (9, 2, "sort of")],
        ),
        # A sentence end parts the words, and "can't" alone is what it says.
        ("Yes we can. Not yet though.", []),
        ("you can't shuffle the rows", []),
        ("I thought about it", []),
    ],
)
def test_suspects_are_the_words_tiny_en_writes_for_a_hedge(text, found):
    assert [(s.index, s.length, s.hedge) for s in suspects(words_from(text), TINY_EN)] == found


def test_a_hedge_takes_the_time_capital_and_punctuation_of_the_words_it_replaces():
    one = [Word("Cannot,", 1.0, 1.4, 0.6)]
    assert as_hedge(one, Suspect(0, 1, "kind of")) == [
        Word("Kind", 1.0, 1.2, 0.6),
        Word("of,", 1.2, 1.4, 0.6),
    ]
    two = [Word("thought", 2.0, 2.3, 0.9), Word("on.", 2.3, 2.5, 0.4)]
    assert as_hedge(two, Suspect(0, 2, "sort of")) == [
        Word("sort", 2.0, 2.3, 0.4),
        Word("of.", 2.3, 2.5, 0.4),
    ]


def test_the_probe_holds_the_sentence_before_the_suspect_and_a_little_after():
    words = [Word(f"w{k}", k * 1.0, k * 1.0 + 0.5) for k in range(20)]
    samples = np.zeros(21 * RATE, dtype=np.float32)
    asked = probe(samples, words, Suspect(12, 1, "kind of"))
    # From the first word less than 8 s before (w5 at 5 s), to 3 s after the suspect's end.
    assert asked.prefix == " ".join(f"w{k}" for k in range(5, 12))
    assert len(asked.clip) == round((12.5 + 3.0 - 4.9) * RATE)


def test_restore_rewrites_only_the_suspects_the_model_leans_to():
    words = words_from("it cannot save us, but you cannot ship it, and we thought on it")
    asked: list[Probe] = []

    def weigh(probes):  # type: ignore[no-untyped-def]
        asked.extend(probes)
        return [{"kind of": 0.7}, {"kind of": LEANING / 2}, {"sort of": LEANING}]

    out = restore(words, np.zeros(20 * RATE, dtype=np.float32), weigh, TINY_EN)
    assert " ".join(texts(out)) == "it kind of save us, but you cannot ship it, and we sort of it"
    assert [p.prefix for p in asked] == [
        "it",
        "it cannot save us, but you",
        " ".join(texts(words[:11])),
    ]
    assert restore(words_from("no suspects here"), np.zeros(RATE), weigh, TINY_EN) == tuple(
        words_from("no suspects here")
    )


@pytest.fixture(scope="module")
def transcriber():  # type: ignore[no-untyped-def]
    from rehearse.speech.transcribe import Transcriber

    return Transcriber()


def _spoken(tmp_path: Path, text: str) -> np.ndarray:
    from rehearse.audio.clip import load_audio
    from rehearse.audio.tts import synthesize_script

    path = tmp_path / "speech.wav"
    synthesize_script([0.3, text, 0.5], path, steady=True)
    return load_audio(path).samples


@pytest.mark.slow
def test_the_model_hears_kind_of_under_a_transcript_that_says_cannot(tmp_path, transcriber):
    samples = _spoken(
        tmp_path,
        "Seconds became milliseconds, the feature went up a thousand times overnight, "
        "and the model kind of read that as the most engaged users we had ever seen.",
    )
    heard = list(transcriber.transcribe(samples).words)
    at = next(k for k, w in enumerate(heard) if w.norm == "kind")
    assert heard[at + 1].norm == "of"
    # The first pass over a long answer wrote "cannot" here (espeak's voice, dev set).
    misheard = [*heard[:at], Word("cannot", heard[at].start, heard[at + 1].end), *heard[at + 2 :]]
    out = restore(misheard, samples, transcriber.hedge_odds, TINY_EN)
    assert [w.norm for w in out[at : at + 2]] == ["kind", "of"]
    assert "kind of" in [f.text for f in find_fillers(out)]


@pytest.mark.slow
@pytest.mark.parametrize(
    "text",
    [
        "Honestly, we cannot ship a model that nobody has tested on fresh data.",
        "I thought of a simpler fix: drop the leaky feature and retrain.",
        "The budget came up short of what we needed for the GPUs.",
        "My manager asked for any thought on the design before the review.",
    ],
)
def test_words_said_as_they_were_heard_stay(tmp_path, transcriber, text):
    samples = _spoken(tmp_path, text)
    # transcribe() has had its own second listen: the words under test must have survived it.
    words = transcriber.transcribe(samples).words
    found = suspects(words, TINY_EN)
    assert found, "the transcript should hold the words under test"
    odds = transcriber.hedge_odds([probe(samples, words, s) for s in found])
    assert restore(words, samples, lambda probes: odds, TINY_EN) == words
    assert all(o[s.hedge] < LEANING / 2 for s, o in zip(found, odds, strict=True))
