"""Filler words: which recognised words are hesitations or verbal padding rather than content.

Pure functions over ``Word`` lists. Hesitations (um, uh, er, hmm in any spelling or length) are
always fillers. Discourse markers ("like", "you know", "I mean", "kind of", ...) double as content
("tools like Spark", "this kind of model", "I mean the test set"), so each has a context rule.
Whisper's punctuation is part of that context: it sets spoken fillers off with commas.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from rehearse.words import Word, normalise

FillerKind = Literal["hesitation", "discourse", "custom"]

# Each canonical hesitation with the spellings Whisper uses for it ("ummm", "uhh", "hmmm", "mhm").
_HESITATIONS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("um", re.compile(r"^u+h?m+$")),
    ("uh", re.compile(r"^u+h+$")),
    ("erm", re.compile(r"^e+r+m+$")),
    ("er", re.compile(r"^e+r+$")),
    ("ah", re.compile(r"^a+h+$")),
    ("hmm", re.compile(r"^(h+m+|m+h*m+)$")),
)

# Words before "like" that make it a verb or a preposition of comparison, i.e. content.
_LIKE_CONTENT_BEFORE = frozenset(
    [
        "i",
        "we",
        "you",
        "they",
        "he",
        "she",
        "would",
        "'d",
        "i'd",
        "we'd",
        "you'd",
        "they'd",
        "should",
        "could",
        "might",
        "do",
        "does",
        "did",
        "don't",
        "didn't",
        "look",
        "looks",
        "looked",
        "looking",
        "seem",
        "seems",
        "seemed",
        "feel",
        "feels",
        "felt",
        "sound",
        "sounds",
        "sounded",
        "something",
        "anything",
        "nothing",
        "things",
        "stuff",
        "much",
        "more",
        "less",
        "exactly",
        "just",
        "very",
        "really",
        "also",
        "not",
        "is",
        "was",
        "are",
        "were",
        "be",
        "been",
        "being",
        "it's",
        "that's",
    ]
)
# Words before "like" that mark it as padding even without commas ("and like the recall").
_LIKE_FILLER_BEFORE = frozenset(["and", "but", "so", "or", "because", "um", "uh", "er"])
_KNOW_CONTENT_BEFORE = frozenset(
    ["do", "did", "don't", "didn't", "if", "as", "would", "might", "what", "whether", "to"]
)
_KNOW_CONTENT_AFTER = frozenset(
    [
        "what",
        "how",
        "that",
        "the",
        "why",
        "whether",
        "when",
        "where",
        "if",
        "about",
        "it",
        "this",
        "them",
        "him",
        "her",
        "more",
        "a",
        "an",
        "which",
        "who",
        "your",
        "our",
        "my",
        "their",
    ]
)
_MEAN_CONTENT_BEFORE = frozenset(["what", "do", "did", "don't", "you", "which", "that"])
_MEAN_FILLER_AFTER = frozenset(
    [
        "we",
        "you",
        "they",
        "i",
        "he",
        "she",
        "there",
        "that's",
        "it's",
        "honestly",
        "basically",
        "like",
        "um",
        "uh",
        "so",
        "yeah",
        "if",
        "when",
        "in",
    ]
)
_KIND_CONTENT_BEFORE = frozenset(
    [
        "this",
        "that",
        "these",
        "those",
        "what",
        "which",
        "a",
        "an",
        "the",
        "some",
        "any",
        "every",
        "each",
        "one",
        "same",
        "different",
        "other",
        "another",
        "whatever",
    ]
)
_CLAUSE_STARTERS = frozenset(["and", "but", "so", "or", "because", "then"])


@dataclass(frozen=True, slots=True)
class Filler:
    """A filler occurrence; ``text`` is its normalised lower-case form ("um", "you know")."""

    text: str
    kind: FillerKind
    start: float
    end: float
    word_indices: tuple[int, ...]


def hesitation_form(token: str) -> str | None:
    """The canonical hesitation a normalised token spells, or ``None``."""
    for canonical, pattern in _HESITATIONS:
        if pattern.match(token):
            return canonical
    return None


def find_fillers(words: Sequence[Word], extra: Iterable[str] = ()) -> list[Filler]:
    """Every filler in ``words``, in order. ``extra`` adds the user's own always-filler phrases."""
    tokens = [w.norm for w in words]
    custom = [tuple(normalise(t) for t in phrase.split()) for phrase in extra if phrase.strip()]
    found: list[Filler] = []
    i = 0
    while i < len(words):
        match = _match_at(words, tokens, i, custom)
        if match is None:
            i += 1
            continue
        text, kind, length = match
        indices = tuple(range(i, i + length))
        found.append(Filler(text, kind, words[i].start, words[i + length - 1].end, indices))
        i += length
    return found


def _match_at(
    words: Sequence[Word], tokens: list[str], i: int, custom: list[tuple[str, ...]]
) -> tuple[str, FillerKind, int] | None:
    token = tokens[i]
    for phrase in custom:
        if tuple(tokens[i : i + len(phrase)]) == phrase:
            return " ".join(phrase), "custom", len(phrase)
    canonical = hesitation_form(token)
    if canonical:
        return canonical, "hesitation", 1

    before = tokens[i - 1] if i > 0 else ""
    after = tokens[i + 1] if i + 1 < len(tokens) else ""
    after2 = tokens[i + 2] if i + 2 < len(tokens) else ""
    set_off_before = i == 0 or _ends_clause(words[i - 1].text)
    comma_after = words[i].text.rstrip().endswith(",")

    if token == "like":
        if set_off_before and comma_after:
            return "like", "discourse", 1
        if before in _LIKE_CONTENT_BEFORE:
            return None
        if comma_after or set_off_before or before in _LIKE_FILLER_BEFORE:
            return "like", "discourse", 1
        return None
    if token == "you" and after == "know":
        if before in _KNOW_CONTENT_BEFORE:
            return None
        know_comma = words[i + 1].text.rstrip().endswith(",")
        if know_comma or after2 not in _KNOW_CONTENT_AFTER:
            return "you know", "discourse", 2
        return None
    if token == "i" and after == "mean":
        if before in _MEAN_CONTENT_BEFORE:
            return None
        mean_comma = words[i + 1].text.rstrip().endswith(",")
        if mean_comma or after2 in _MEAN_FILLER_AFTER or not after2:
            return "i mean", "discourse", 2
        return None
    if token in ("kind", "sort") and after == "of":
        if before in _KIND_CONTENT_BEFORE or after2 == "":
            return None
        return f"{token} of", "discourse", 2
    if token in ("basically", "literally"):
        if comma_after or set_off_before or before in _CLAUSE_STARTERS:
            return token, "discourse", 1
        return None
    return None


def _ends_clause(text: str) -> bool:
    return text.rstrip().endswith((",", ".", "?", "!", ";", ":", "-", "—"))
