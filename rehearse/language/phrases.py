"""Where a rubric point's phrases are said: fuzzy phrase matching over the recognised words.

A phrase matches a run of words when their spellings are close (rapidfuzz ratio) or, for ASR
slips that change vowels ("recoil" for "recall"), when their consonant skeletons agree and the
spellings are still half alike. Spaces are ignored ("PRAUC" matches "PR AUC"), but every word of
the phrase must be said: a word swapped for another is a different phrase, however alike the
letters ("behave really differently" is not "do differently"). Short phrases ("F1", "AUC") must
match exactly: at that length any edit is a different word.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz

from rehearse.language.rubric import Point
from rehearse.text.words import Word, normalise

SPELLING_THRESHOLD = 84.0
SKELETON_THRESHOLD = 90.0
SKELETON_SPELLING_FLOOR = 60.0
EXACT_BELOW_CHARS = 4

_NON_ALNUM = re.compile(r"[^a-z0-9]+")
_VOWELS = re.compile(r"[aeiouy]+")
_REPEATS = re.compile(r"(.)\1+")


@dataclass(frozen=True, slots=True)
class PhraseMatch:
    phrase: str
    heard: str
    start: float
    end: float
    score: float


def _squash(text: str) -> str:
    return _NON_ALNUM.sub("", text.lower())


def _skeleton(squashed: str) -> str:
    return _REPEATS.sub(r"\1", squashed[:1] + _VOWELS.sub("", squashed[1:]))


def phrase_score(phrase: str, heard: str) -> float:
    """How well ``heard`` (recognised words) says ``phrase``, 0-100; 0 when it does not."""
    return _run_score(_squash(phrase), _squashed_words(phrase), _squashed_words(heard))


def _squashed_score(want: str, got: str) -> float:
    if not want or not got:
        return 0.0
    if want == got:
        return 100.0
    if len(want) < EXACT_BELOW_CHARS:
        return 0.0
    spelling = fuzz.ratio(want, got)
    if spelling >= SPELLING_THRESHOLD:
        return spelling
    if spelling >= SKELETON_SPELLING_FLOOR and len(want) >= 5:
        skeleton = fuzz.ratio(_skeleton(want), _skeleton(got))
        if skeleton >= SKELETON_THRESHOLD:
            return min(spelling, skeleton)
    return 0.0


# Words a speaker or the recogniser swaps for one another without changing what is said.
_INTERCHANGEABLE = frozenset(
    {"a", "an", "the", "this", "that", "these", "those", "our", "my", "your"}
)
# Two words less alike than this are different words, not one word misheard.
WORD_FLOOR = 40.0


def _squashed_words(text: str) -> list[str]:
    return [_squash(w) for w in text.split()]


def _words_agree(wanted: Sequence[str], got: Sequence[str]) -> bool:
    """Whether each word of a phrase (``wanted``, squashed) is said in the run ``got``:
    "behave really differently" is 92 % alike "do differently" letter by letter, yet "do" is
    not said. Word for word when the counts agree; when the recogniser split or joined words
    ("PRAUC" for "PR AUC"), each word must be found in the letters heard."""
    if len(wanted) < 2:
        return True
    if len(wanted) == len(got):
        return all(
            w == g
            or (w in _INTERCHANGEABLE and g in _INTERCHANGEABLE)
            or fuzz.ratio(w, g) >= WORD_FLOOR
            for w, g in zip(wanted, got, strict=True)
        )
    letters = "".join(got)
    return all(
        w in letters
        or w in _INTERCHANGEABLE
        or (len(w) >= EXACT_BELOW_CHARS and fuzz.partial_ratio(w, letters) >= SPELLING_THRESHOLD)
        for w in wanted
    )


# Well under the least alike a match can be (the sound-alike path needs 60 % of the spelling).
PREFILTER_SIMILARITY = 50.0


def could_be_said(phrase: str, words: Sequence[Word]) -> bool:
    """A quick bound: ``words`` cannot say ``phrase`` when even the best-aligned stretch of
    their letters is less than half alike. Coverage asks it of every phrase in every sentence,
    and ``find_phrase`` is two orders of magnitude slower."""
    want = _squash(phrase)
    heard = _squash(" ".join(w.text for w in words))
    if len(want) < EXACT_BELOW_CHARS:
        return want in heard
    return fuzz.partial_ratio(want, heard) >= PREFILTER_SIMILARITY


def _run_score(want: str, wanted: Sequence[str], got: Sequence[str]) -> float:
    """How well the run of squashed words ``got`` says the phrase ``want`` (squashed whole)
    and ``wanted`` (its squashed words). The letters first: the words are compared only for
    a run they let through."""
    score = _squashed_score(want, "".join(got))
    return score if score and _words_agree(wanted, got) else 0.0


def find_phrase(
    phrase: str, words: Sequence[Word], skip: frozenset[int] = frozenset()
) -> PhraseMatch | None:
    """The earliest run of words that says ``phrase``, ignoring words at indices in ``skip``."""
    tokens = [normalise(w.text) for w in words]
    # Squashed once here, not for every run tried: a run's squash is its words' squashes joined.
    want, squashed, wanted = _squash(phrase), [_squash(t) for t in tokens], _squashed_words(phrase)
    n = len(wanted)
    known: dict[int, tuple[float, int] | None] = {}

    def best_at(i: int) -> tuple[float, int] | None:
        if i in known:
            return known[i]
        best: tuple[float, int] | None = None
        # The recogniser may split or join words ("PRAUC" for "PR AUC"), so try nearby lengths;
        # on a tie the shorter run wins, so no neighbouring word rides along.
        for length in sorted({max(1, n - 1), n, n + 1}):
            j = i + length
            if j > len(words) or any(k in skip for k in range(i, j)):
                continue
            score = _run_score(want, wanted, squashed[i:j])
            if score and (best is None or score > best[0]):
                best = (score, j)
        known[i] = best
        return best

    for i in range(len(words)):
        if i in skip:
            continue
        found = best_at(i)
        if not found:
            continue
        following = best_at(i + 1) if i + 1 < len(words) and i + 1 not in skip else None
        if following and following[0] >= found[0] and following[1] <= found[1]:
            continue  # this word only rides along in front of a better match
        score, j = found
        heard = " ".join(tokens[i:j])
        return PhraseMatch(phrase, heard, words[i].start, words[j - 1].end, round(score, 1))
    return None


def match_point(
    point: Point, words: Sequence[Word], skip: frozenset[int] = frozenset()
) -> PhraseMatch | None:
    """The earliest place any of the point's phrases is said."""
    matches = [m for p in point.phrases if (m := find_phrase(p, words, skip))]
    return min(matches, key=lambda m: (m.start, -m.score)) if matches else None
