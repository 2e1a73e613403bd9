"""Hedges the first decoding wrote as other words, put back where the model itself leans to them.

tiny.en writes a quickly spoken "kind of" as "cannot" or "can not", and "sort of" as "thought
on", "sought on" or "short of": words that fit the sentence, so no rule over the text can tell
them apart. The model can. Given the sound and the words before as a forced prefix, its odds that
the next word starts "kind of" were 0.19-0.73 under the eight misheard "kind of"s of the 250
labelled answers, and those of "sort of" 0.10-0.51 under nine of the twelve misheard "sort of"s.
Where the words were said as heard, the odds were 0.000 (three in those answers) and at most 0.02
(23 in synthesized sentences such as "we cannot ship", "I thought of a fix", "short of what we
needed"). Such words are written as the hedge, and the filler rules then judge it like any other.

Which words are suspects is the model's own quirk: the table is in ``rehearse.speech.quirks``,
which calls ``restore`` with the entries it confirms by listening. Pure functions: the model
comes in as the ``PrefixWeigher`` callable.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from rehearse.audio.clip import SAMPLE_RATE
from rehearse.text.words import Word

Mishearings = Mapping[tuple[str, ...], str]
"""Heard words (normalised) and the hedge each may stand for: ("cannot",) -> "kind of"."""
# The hedges the model's odds can be asked about (``Transcriber.hedge_odds``).
HEDGES = ("kind of", "sort of")
# The odds above which the heard words give way: five times the most that words said as heard
# got. The three misheard "sort of"s below it (0.01-0.09) are "thought on" and "sought on", which
# the quirks table also rewrites by their context.
LEANING = 0.1
# The model hears the suspect words in their sentence: the prefix starts at a word this far
# before them, and the clip runs on a little after them. With 4 s of words before, the odds under
# the misheard "kind of"s were lower, down to 0.10 (0.13 where 8 s gave 0.45).
CONTEXT_SECONDS = 8.0
AFTER_SECONDS = 3.0


@dataclass(frozen=True)
class Probe:
    """A question for the model: after ``prefix``, heard in ``clip``, which word comes next?"""

    clip: np.ndarray
    prefix: str


Odds = Mapping[str, float]
PrefixWeigher = Callable[[Sequence[Probe]], Sequence[Odds]]
"""For each probe, the model's probability that the next word starts each hedge in ``HEDGES``."""


@dataclass(frozen=True)
class Suspect:
    """Words at ``index`` (``length`` of them) that may be ``hedge`` misheard."""

    index: int
    length: int
    hedge: str


def suspects(words: Sequence[Word], mishearings: Mishearings) -> list[Suspect]:
    """Every run of words in ``words`` that ``mishearings`` lists, left to right."""
    found: list[Suspect] = []
    i = 0
    while i < len(words):
        for heard, hedge in mishearings.items():
            n = len(heard)
            # A sentence end between two heard words parts them: "I can. Not yet."
            inside = all(
                not words[k].text.rstrip().endswith((".", "?", "!")) for k in range(i, i + n - 1)
            )
            if tuple(w.norm for w in words[i : i + n]) == heard and inside:
                found.append(Suspect(i, n, hedge))
                i += n - 1
                break
        i += 1
    return found


def probe(samples: np.ndarray, words: Sequence[Word], suspect: Suspect) -> Probe:
    """The clip around ``suspect`` and the words heard in it before the suspect."""
    at = words[suspect.index]
    first = suspect.index
    while first > 0 and at.start - words[first - 1].start < CONTEXT_SECONDS:
        first -= 1
    start = max(0.0, words[first].start - 0.1)
    end = min(
        len(samples) / SAMPLE_RATE, words[suspect.index + suspect.length - 1].end + AFTER_SECONDS
    )
    clip = samples[int(start * SAMPLE_RATE) : int(end * SAMPLE_RATE)]
    prefix = " ".join(w.text.strip() for w in words[first : suspect.index])
    return Probe(clip, prefix)


def as_hedge(words: Sequence[Word], suspect: Suspect) -> list[Word]:
    """The suspect's words rewritten as its hedge, over the same time and punctuation."""
    heard = words[suspect.index : suspect.index + suspect.length]
    head, tail = suspect.hedge.split()
    if heard[0].text[:1].isupper():
        head = head.capitalize()
    last = heard[-1].text.rstrip()
    trail = last[len(last.rstrip(",.?!;:")) :]
    start, end = heard[0].start, heard[-1].end
    split = heard[1].start if len(heard) > 1 else round((start + end) / 2, 3)
    first_end = heard[0].end if len(heard) > 1 else split
    probability = min(w.probability for w in heard)
    return [Word(head, start, first_end, probability), Word(tail + trail, split, end, probability)]


def restore(
    words: Sequence[Word], samples: np.ndarray, weigh: PrefixWeigher, mishearings: Mishearings
) -> tuple[Word, ...]:
    """``words`` with the ``mishearings`` the model leans to hearing as hedges rewritten."""
    found = suspects(words, mishearings)
    if not found:
        return tuple(words)
    odds = weigh([probe(samples, words, s) for s in found])
    out: list[Word] = []
    taken = 0
    for suspect, leaning in zip(found, odds, strict=True):
        if leaning.get(suspect.hedge, 0.0) < LEANING:
            continue
        out += words[taken : suspect.index]
        out += as_hedge(words, suspect)
        taken = suspect.index + suspect.length
    out += words[taken:]
    return tuple(out)
