"""How one speech model mishears fillers, put right between transcription and the filler rules.

tiny.en writes a quickly spoken "kind of" as "kind on" or "cannot", and "sort of" as "sort on",
"thought on" or "short of". The filler rules read English only; this module keeps, per model,
ONE table of such mishearings and rewrites them as what was said, so the transcript shows
"sort of" and the rules judge it like any other "sort of".

Each entry is confirmed before it rewrites anything: by a context condition over the words
around it ("sort on price" is what it says), by a second listen (the model's own odds that the
hedge was said there, ``rehearse.speech.misheard``), or by either. A context rewrite maps each
heard word onto one meant word, keeping its time, probability and punctuation, so word indices
stay as they were. Models other than the one an entry was seen on get no rewrites at all.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from rehearse.speech.misheard import Mishearings, PrefixWeigher, restore
from rehearse.text.lexicon import (
    AMOUNTS,
    APPROXIMATORS,
    DETERMINERS,
    OBJECT_PRONOUNS,
    PARTICLES,
    can_be_a_noun,
    word_classes,
)
from rehearse.text.words import Word

_SENTENCE_END = (".", "?", "!")


@dataclass(frozen=True, slots=True)
class Heard:
    """Where an entry's heard words stand: the words just before and after them."""

    before: str  # the word before, within the sentence ("" at its start)
    after: str  # the word after the heard words ("" at the end)
    after2: str  # the word after that
    comma_after: bool  # the last heard word ends with a comma


@dataclass(frozen=True)
class Quirk:
    """One way a model mishears a filler: ``heard`` words written for the ``meant`` ones."""

    name: str
    heard: tuple[str, ...]  # normalised, as the model writes them
    meant: str  # what was said: "sort of"
    seen: str  # which model and voice it was seen on, and where
    # Rewrite where this holds of the words around (``None``: never by context alone).
    context: Callable[[Heard], bool] | None = None
    # Rewrite where the model, asked again over the sound, leans to ``meant``.
    listen: bool = False
    # A heard sentence, and how it reads after this entry's rewrite (by its context; for an
    # entry confirmed only by listening, where the model leans to the meant words).
    examples: tuple[tuple[str, str], ...] = ()


def _sort_on_hedges(h: Heard) -> bool:
    """Whether "sort on" is "sort of": "sort on, stopped", "sort on invent", "sort on a third",
    but not "sort on price" or "sort on predicted risk"."""
    if h.comma_after:
        return True
    if h.after == "a":
        return h.after2 in AMOUNTS
    classes = word_classes(h.after)
    # "sort on half automated", "sort on fall out of that": a degree, or a verb with its
    # particle, where a noun to sort on would stand.
    if h.after in APPROXIMATORS or ("VERB" in classes and h.after2 in PARTICLES):
        return True
    if not classes or can_be_a_noun(h.after):
        return False
    # A participle before a noun describes it: "sort on predicted risk".
    return not (h.after.endswith("ed") and can_be_a_noun(h.after2))


# Before a noun phrase, or after a determiner, "thought on", "sought on" and "hot on" are what
# they say ("any thought on the design", "hot on the heels", "sought on his behalf").
_NOUN_PHRASE_STARTS = (
    DETERMINERS
    | OBJECT_PRONOUNS
    | {"everything", "anything", "his", "how", "what", "whether", "why"}
)
_COUNTED = DETERMINERS | {"any", "some", "no", "one"}


def _heard_as_sort_of(h: Heard) -> bool:
    """Whether "sought on", "thought on" or "hot on" is "sort of": "were sought on outdated",
    "we thought on stopped pretending", "it was hot on flat"."""
    if not h.after or h.before in _COUNTED:
        return False
    return h.after not in _NOUN_PHRASE_STARTS


_SORT_OF_EXAMPLES = (
    ("Some of them were sought on outdated.", "Some of them were sort of outdated."),
    (
        "For the rest, we thought on stopped pretending.",
        "For the rest, we sort of stopped pretending.",
    ),
    ("For most categories, it was hot on flat.", "For most categories, it was sort of flat."),
    ("Do you have any thought on the design?", "Do you have any thought on the design?"),
    ("They were hot on the heels of the release.", "They were hot on the heels of the release."),
)
# Where each entry was seen (the rounds and odds in full: git show 662b628:benchmarks/README.md).
_ESPEAK = "tiny.en on espeak-ng's voice, the labelled dev answers (benchmarks/answers)"
_LISTENED = "the model's odds for the hedge there were 0.10-0.73 where misheard, <= 0.02 where not"

TINY_EN: tuple[Quirk, ...] = (
    Quirk(
        "kind-on",
        ("kind", "on"),
        "kind of",
        f"{_ESPEAK} (round 7): 'it's kind on free knowledge'; hardly ever content",
        context=lambda h: True,
        examples=(
            ("It's kind on free knowledge.", "It's kind of free knowledge."),
            (
                "Then we tried kind on a bayesian approach.",
                "Then we tried kind of a bayesian approach.",
            ),
        ),
    ),
    Quirk(
        "sort-on",
        ("sort", "on"),
        "sort of",
        f"{_ESPEAK} (rounds 9, 14): 'it can sort on invent'; content before a noun ('on price')",
        context=_sort_on_hedges,
        examples=(
            ("Because it can sort on invent points.", "Because it can sort of invent points."),
            (
                "Recall went from sort on a third to half.",
                "Recall went from sort of a third to half.",
            ),
            ("And we sort on, stopped getting calls.", "And we sort of, stopped getting calls."),
            ("The rest were sort on half automated.", "The rest were sort of half automated."),
            (
                "The next choice sort on fall out of that.",
                "The next choice sort of fall out of that.",
            ),
            (
                "We sort on predicted risk and call the top hundred.",
                "We sort on predicted risk and call the top hundred.",
            ),
            ("Then we sort on price.", "Then we sort on price."),
        ),
    ),
    Quirk(
        "thought-on",
        ("thought", "on"),
        "sort of",
        f"{_ESPEAK} (round 15): 'I thought on 40 %'; where misheard the model's odds for"
        " 'sort of' were at times only 0.01-0.09, so the words around decide too",
        context=_heard_as_sort_of,
        listen=True,
        examples=_SORT_OF_EXAMPLES[1:2] + _SORT_OF_EXAMPLES[3:4],
    ),
    Quirk(
        "sought-on",
        ("sought", "on"),
        "sort of",
        _ESPEAK,
        context=_heard_as_sort_of,
        listen=True,
        examples=_SORT_OF_EXAMPLES[0:1],
    ),
    Quirk(
        "hot-on",
        ("hot", "on"),
        "sort of",
        _ESPEAK,
        context=_heard_as_sort_of,
        listen=True,
        examples=_SORT_OF_EXAMPLES[2:3] + _SORT_OF_EXAMPLES[4:5],
    ),
    Quirk(
        "cannot",
        ("cannot",),
        "kind of",
        f"{_ESPEAK} (round 17); {_LISTENED}",
        listen=True,
        examples=(("and the model cannot read that", "and the model kind of read that"),),
    ),
    Quirk(
        "can-not",
        ("can", "not"),
        "kind of",
        _ESPEAK,
        listen=True,
        examples=(("and people can not panic when", "and people kind of panic when"),),
    ),
    Quirk(
        "can't-on",
        ("can't", "on"),
        "kind of",
        _ESPEAK,
        listen=True,
        examples=(("the stars can't on average that", "the stars kind of average that"),),
    ),
    Quirk(
        "thought-of",
        ("thought", "of"),
        "sort of",
        f"{_ESPEAK} (round 17); 'I thought of a fix' is what it says; {_LISTENED}",
        listen=True,
        examples=(("we also thought of changing how", "we also sort of changing how"),),
    ),
    Quirk(
        "sought-of",
        ("sought", "of"),
        "sort of",
        _ESPEAK,
        listen=True,
        examples=(("them were sought of outdated", "them were sort of outdated"),),
    ),
    Quirk(
        "short-of",
        ("short", "of"),
        "sort of",
        f"{_ESPEAK} (round 17); 'short of what we needed' is what it says; {_LISTENED}",
        listen=True,
        examples=(("fees could go short of them", "fees could go sort of them"),),
    ),
)

# Keyed by the model's name as the transcriber gives it (``Transcriber.name``): the bundled
# model, and the same model named by its size.
QUIRKS: Mapping[str, tuple[Quirk, ...]] = {"tiny.en (bundled)": TINY_EN, "tiny.en": TINY_EN}


def quirks_for(model: str) -> tuple[Quirk, ...]:
    """The mishearings known for ``model``; none for any model not in ``QUIRKS``."""
    return QUIRKS.get(model, ())


def mishearings(model: str) -> Mishearings:
    """The entries for ``model`` that the second listen confirms, as heard words -> hedge."""
    return {q.heard: q.meant for q in quirks_for(model) if q.listen}


def rewrite(
    words: Sequence[Word],
    model: str,
    samples: np.ndarray | None = None,
    weigh: PrefixWeigher | None = None,
) -> tuple[Word, ...]:
    """``words`` with ``model``'s mishearings written as what was said.

    With ``samples`` and ``weigh`` (the model's odds), the entries confirmed by listening are
    asked about first; then the entries confirmed by their context rewrite what is left.
    """
    table = quirks_for(model)
    if samples is not None and weigh is not None and any(q.listen for q in table):
        words = restore(words, samples, weigh, mishearings(model))
    return _rewrite_in_context(words, [q for q in table if q.context is not None])


def _rewrite_in_context(words: Sequence[Word], table: Sequence[Quirk]) -> tuple[Word, ...]:
    out = list(words)
    tokens = [w.norm for w in words]
    i = 0
    while i < len(out):
        quirk = next((q for q in table if _confirmed(q, words, tokens, i)), None)
        if quirk is None:
            i += 1
            continue
        for k, meant in enumerate(quirk.meant.split()):
            out[i + k] = _respelled(words[i + k], meant)
        i += len(quirk.heard)
    return tuple(out)


def _confirmed(quirk: Quirk, words: Sequence[Word], tokens: list[str], i: int) -> bool:
    n = len(quirk.heard)
    if tuple(tokens[i : i + n]) != quirk.heard or quirk.context is None:
        return False
    # A sentence end between two heard words parts them: "I thought. On Monday…".
    if any(words[k].text.rstrip().endswith(_SENTENCE_END) for k in range(i, i + n - 1)):
        return False
    sentence_start = i == 0 or words[i - 1].text.rstrip().endswith(_SENTENCE_END)
    heard = Heard(
        before="" if sentence_start else tokens[i - 1],
        after=tokens[i + n] if i + n < len(tokens) else "",
        after2=tokens[i + n + 1] if i + n + 1 < len(tokens) else "",
        comma_after=words[i + n - 1].text.rstrip().endswith(","),
    )
    return quirk.context(heard)


def _respelled(word: Word, meant: str) -> Word:
    """``word`` spelled as ``meant``, with its capital, its punctuation and its times."""
    text = word.text.strip()
    core = text.rstrip(",.?!;:")
    if core[:1].isupper():
        meant = meant.capitalize()
    return Word(meant + text[len(core) :], word.start, word.end, word.probability)
