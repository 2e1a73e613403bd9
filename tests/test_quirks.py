"""How a model mishears fillers, put right before the filler rules (rehearse.speech.quirks)."""

from __future__ import annotations

import numpy as np
import pytest
from wordlists import words_from

from rehearse.language.fillers import find_fillers
from rehearse.speech.misheard import HEDGES, LEANING, Probe
from rehearse.speech.quirks import QUIRKS, TINY_EN, mishearings, quirks_for, rewrite
from rehearse.speech.transcribe import describe_model
from rehearse.text.words import Word

BUNDLED = describe_model(None)
SILENCE = np.zeros(30 * 16000, dtype=np.float32)


def leaning(probes: list[Probe]) -> list[dict[str, float]]:
    """A model that hears every hedge it is asked about."""
    return [dict.fromkeys(HEDGES, 1.0) for _ in probes]


def not_leaning(probes: list[Probe]) -> list[dict[str, float]]:
    return [dict.fromkeys(HEDGES, LEANING / 2) for _ in probes]


def text(words: tuple[Word, ...]) -> str:
    return " ".join(w.text for w in words)


def tiny_en_fillers(text: str) -> list[str]:
    """The fillers in ``text`` as the bundled model's transcript, after its quirks are undone."""
    return [f.text for f in find_fillers(rewrite(words_from(text), BUNDLED))]


# Each table once, under the first model name that has it.
TABLES = {id(table): (model, table) for model, table in reversed(QUIRKS.items())}.values()
EXAMPLES = [
    pytest.param(model, quirk, heard, meant, id=f"{model}: {quirk.name}: {heard}")
    for model, table in TABLES
    for quirk in table
    for heard, meant in quirk.examples
]


@pytest.mark.parametrize(("model", "quirk", "heard", "meant"), EXAMPLES)
def test_each_entry_rewrites_its_examples(model, quirk, heard, meant):
    words = words_from(heard)
    if quirk.context is not None:
        out = rewrite(words, model)
    else:
        # Confirmed only by listening: the words give way where the model leans to the hedge.
        out = rewrite(words, model, SILENCE, leaning)
        assert rewrite(words, model, SILENCE, not_leaning) == tuple(words)
    assert text(out) == meant


def test_every_entry_has_examples_a_name_and_a_way_to_be_confirmed():
    for quirk in (q for _model, table in TABLES for q in table):
        assert quirk.examples and quirk.seen and quirk.name
        assert quirk.context is not None or quirk.listen, quirk.name
        if quirk.listen:
            assert quirk.meant in HEDGES, f"{quirk.name}: the model cannot be asked about it"


def test_each_misheard_form_is_listed_once():
    for table in QUIRKS.values():
        heard = [q.heard for q in table]
        assert len(heard) == len(set(heard))
        names = [q.name for q in table]
        assert len(names) == len(set(names))


def test_a_context_rewrite_keeps_one_word_for_each_word_heard():
    for quirk in (q for _model, table in TABLES for q in table):
        if quirk.context is not None:
            assert len(quirk.meant.split()) == len(quirk.heard), quirk.name
    words = [Word("We", 0.0, 0.2), Word("Sort", 0.3, 0.5, 0.7), Word("on,", 0.5, 0.6, 0.4)]
    words += [Word("stopped.", 0.7, 1.0)]
    assert rewrite(words, BUNDLED) == (
        words[0],
        Word("Sort", 0.3, 0.5, 0.7),
        Word("of,", 0.5, 0.6, 0.4),
        words[3],
    )


def test_a_sentence_end_parts_the_heard_words():
    assert text(rewrite(words_from("It was kind. On Monday it failed."), BUNDLED)) == (
        "It was kind. On Monday it failed."
    )


@pytest.mark.parametrize("model", ["base.en", "small", "/models/large-v3", ""])
def test_a_model_with_no_quirks_is_left_alone(model):
    assert quirks_for(model) == ()
    assert mishearings(model) == {}
    for quirk in TINY_EN:
        for heard, _meant in quirk.examples:
            words = words_from(heard)
            assert rewrite(words, model, SILENCE, leaning) == tuple(words)


def test_tiny_en_named_by_size_has_the_bundled_models_quirks():
    assert quirks_for("tiny.en") == quirks_for(BUNDLED) == TINY_EN
    assert text(rewrite(words_from("It's kind on free knowledge."), "tiny.en")) == (
        "It's kind of free knowledge."
    )


# Moved from tests/test_fillers.py: the filler rules used to read tiny.en's mishearings
# themselves; now they see the rewritten words.


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("It's kind on free knowledge.", ["kind of"]),
        ("Then we tried kind on a bayesian approach.", ["kind of"]),
        ("We sort on the timestamp first.", []),
    ],
)
def test_kind_on_is_how_the_model_sometimes_writes_kind_of(text, expected):
    assert tiny_en_fillers(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Because it can sort on invent points that look real.", ["sort of"]),
        ("Recall went from sort on a third to about two thirds.", ["sort of"]),
        ("The complaint rate dropped, and we sort on, stopped getting angry calls.", ["sort of"]),
        ("We sort on predicted risk and call the top hundred.", []),
        ("Then we sort on price.", []),
    ],
)
def test_sort_on_is_sort_of_misheard_unless_a_noun_follows(text, expected):
    assert tiny_en_fillers(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The rest were sort on half automated.", ["sort of"]),
        ("The next choice sort on fall out of that.", ["sort of"]),
        ("We sort on price and then on distance.", []),
    ],
)
def test_sort_on_before_a_degree_or_a_phrasal_verb_is_sort_of(text, expected):
    assert tiny_en_fillers(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # How tiny.en hears espeak's "sort of" outside a noun phrase.
        ("Some of them were sought on outdated.", ["sort of"]),
        ("For the rest, we thought on stopped pretending.", ["sort of"]),
        ("For most categories, it was hot on flat.", ["sort of"]),
        ("Do you have any thought on the design?", []),
        ("They were hot on the heels of the release.", []),
        ("I thought of a trick.", []),
    ],
)
def test_sort_of_as_tiny_en_mishears_it(text, expected):
    assert tiny_en_fillers(text) == expected


def test_the_rules_alone_read_english_only():
    # Without the rewrite (any other model), "kind on" is two words that are no filler.
    assert [f.text for f in find_fillers(words_from("It's kind on free knowledge."))] == []
