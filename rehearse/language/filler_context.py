"""What a filler rule may look at: one candidate phrase and the words and pauses around it.

A ``Context`` is built once per candidate ("like" at word 7, "you know" at words 12-13) and every
rule condition reads it; the rules themselves are in ``filler_rules``. Whisper's punctuation is
part of the context (it sets spoken fillers off with commas), and so are pauses in the sound,
which set a word off like a comma the transcript may have left out.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from typing import Literal

from rehearse.text.words import Word, hesitation_form

Verdict = Literal["filler", "content"]
SENTENCE_END = (".", "?", "!")
CLAUSE_END = (",", ".", "?", "!", ";", ":", "-", "—")


@dataclass(frozen=True, slots=True)
class Context:
    """One candidate phrase, ``words[start : end + 1]``, in its transcript.

    The words before count only within the sentence ("…loved that. I mean, we're off" is not
    "that I mean"); the words after are read on across a sentence end, as the rules were tuned.
    Every word is normalised (``Word.norm``), and "" stands for a word that is not there.
    """

    words: tuple[Word, ...]
    tokens: tuple[str, ...]
    start: int
    end: int
    token: str  # the phrase's first word: "like", "you", "kinda"
    before: str  # the word before, within the sentence
    before2: str  # the word two before, read across a sentence end
    # The word before, looking past one hesitation: "I'd, uh, like to" reads "I'd".
    before_past_hesitation: str
    after: str  # the word after the phrase's last word
    after2: str  # the word after that
    sentence_start: bool  # the phrase opens a sentence (or the transcript)
    set_off_before: bool  # a comma or another clause break (or the transcript's start) before it
    set_off_after: bool  # its last word ends with a comma or another clause break
    comma_after: bool  # its last word ends with a comma
    ends_sentence: bool  # its last word ends a sentence
    paused: bool  # a pause in the sound just before it
    paused_after: bool  # a pause in the sound just after it

    def text(self, k: int) -> str:
        """The written word ``k`` (punctuation kept), "" past either end."""
        return self.words[k].text if 0 <= k < len(self.words) else ""

    def token_at(self, k: int) -> str:
        """The normalised word ``k``, "" past either end."""
        return self.tokens[k] if 0 <= k < len(self.tokens) else ""


Condition = Callable[[Context], bool]


def build_context(
    words: Sequence[Word], tokens: Sequence[str], start: int, length: int, paused: Collection[int]
) -> Context:
    """The context of the phrase of ``length`` words at ``start``; ``paused`` as in find_fillers."""
    words, tokens = tuple(words), tuple(tokens)
    end = start + length - 1
    sentence_start = start == 0 or ends_sentence(words[start - 1].text)
    before = "" if sentence_start else tokens[start - 1]
    last = words[end].text.rstrip()
    return Context(
        words=words,
        tokens=tokens,
        start=start,
        end=end,
        token=tokens[start],
        before=before,
        before2=tokens[start - 2] if start > 1 else "",
        before_past_hesitation=_past_hesitation(words, tokens, start, before),
        after=tokens[end + 1] if end + 1 < len(tokens) else "",
        after2=tokens[end + 2] if end + 2 < len(tokens) else "",
        sentence_start=sentence_start,
        set_off_before=start == 0 or ends_clause(words[start - 1].text),
        set_off_after=ends_clause(last),
        comma_after=last.endswith(","),
        ends_sentence=ends_sentence(last),
        paused=start in paused,
        paused_after=end + 1 in paused,
    )


def _past_hesitation(words: tuple[Word, ...], tokens: tuple[str, ...], i: int, before: str) -> str:
    """The word before ``i`` within its sentence, skipping one hesitation: "I'd, uh, like"."""
    if hesitation_form(before) and i > 1 and not ends_sentence(words[i - 2].text):
        return tokens[i - 2]
    return before


def ends_sentence(text: str) -> bool:
    return text.rstrip().endswith(SENTENCE_END)


def ends_clause(text: str) -> bool:
    return text.rstrip().endswith(CLAUSE_END)
