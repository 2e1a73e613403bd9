"""The typed records a transcript is made of, shared by transcription, scoring and the UI."""

from __future__ import annotations

import re
from dataclasses import dataclass

_EDGE_PUNCTUATION = re.compile(r"^[^\w']+|[^\w']+$")
# Each canonical hesitation with the spellings Whisper uses for it ("ummm", "uhh", "hmmm", "mhm").
_HESITATIONS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("um", re.compile(r"^u+h?m+$")),
    ("uh", re.compile(r"^u+h+$")),
    ("erm", re.compile(r"^e+r+m+$")),
    ("er", re.compile(r"^e+r+$")),
    ("ah", re.compile(r"^a+h+$")),
    ("hmm", re.compile(r"^(h+m+|m+h*m+)$")),
)


@dataclass(frozen=True, slots=True)
class Word:
    """One recognised word with its time span in seconds from the start of the recording."""

    text: str
    start: float
    end: float
    probability: float = 1.0

    @property
    def norm(self) -> str:
        """Lower case without surrounding punctuation: "Um," -> "um", "XGBoost." -> "xgboost"."""
        return normalise(self.text)


def normalise(text: str) -> str:
    return _EDGE_PUNCTUATION.sub("", text.strip()).lower()


def words_from_text(text: str, seconds_per_word: float = 0.4) -> list[Word]:
    """Words timed at an even speaking pace (150 a minute): a written answer read as if spoken."""
    return [
        Word(token, round(i * seconds_per_word, 2), round((i + 0.8) * seconds_per_word, 2))
        for i, token in enumerate(text.split())
    ]


def transcript_text(words: list[Word]) -> str:
    return " ".join(w.text.strip() for w in words).strip()


def hesitation_form(token: str) -> str | None:
    """The canonical hesitation a normalised token spells, or ``None``."""
    for canonical, pattern in _HESITATIONS:
        if pattern.match(token):
            return canonical
    return None
