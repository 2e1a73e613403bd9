"""Which parts of speech an English word form can have, from lemminflect's bundled lexicon.

The filler rules need a little grammar: "people like expect a number" pads because a bare verb
cannot be what people like, and "that kind of kills the sale" hedges a verb where "that kind of
bug" names a type. The lexicon is a word list shipped inside the lemminflect wheel, so the
lookup works offline; an unknown word has no classes.
"""

from __future__ import annotations

from functools import lru_cache

from lemminflect import getAllLemmas


@lru_cache(maxsize=8192)
def word_classes(token: str) -> frozenset[str]:
    """The universal POS tags (``"VERB"``, ``"NOUN"``, ...) ``token`` can have; empty if unknown."""
    return frozenset(getAllLemmas(token))


def only_a_verb(token: str) -> bool:
    """Whether ``token`` is a verb form and nothing else: "expect", "gave", "simplified"."""
    return word_classes(token) == {"VERB"}


def can_be_a_noun(token: str) -> bool:
    return "NOUN" in word_classes(token)


@lru_cache(maxsize=8192)
def irregular_past(token: str) -> bool:
    """Whether ``token`` is an irregular past form of a verb: "fell", "gave", "left"."""
    # "fell" is also the base form of "to fell": one verb reading other than itself is enough.
    inflected = any(lemma != token for lemma in getAllLemmas(token).get("VERB", ()))
    return inflected and not token.endswith(("s", "ing", "ed"))
