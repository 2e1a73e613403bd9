"""The blind coverage sets: spoken answers with, per sentence, the points it covers.

Each ``benchmarks/coverage/<split>/*.json`` answer was written by someone who saw only the
question and its point labels (never the phrases or the code)::

    {"id": "cd01-project-walkthrough", "question": "project-walkthrough", "style": "...",
     "sentences": [{"text": "...", "covers": ["problem"], "near_miss": []}, ...]}

``near_miss`` names a point the sentence touches without covering ("I don't know what the impact
was"). ``dev`` is for tuning; ``heldout`` is scored once, after the code is frozen.
"""

from __future__ import annotations

import difflib
import json
import subprocess
import tomllib
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from rehearse.language.rubric import Rubric, find_question, parse_rubric
from rehearse.text.sentences import Sentence, split_sentences
from rehearse.text.words import Word, normalise, words_from_text

ROOT = Path(__file__).resolve().parent
SETS = ROOT / "coverage"
# The rubrics and matcher before issue 15: "today's phrase matcher" the figures compare with.
BASELINE_COMMIT = "69c69fd"


@dataclass(frozen=True)
class Answer:
    id: str
    question: str
    texts: tuple[str, ...]
    covers: tuple[frozenset[str], ...]
    near_miss: tuple[frozenset[str], ...]

    @property
    def text(self) -> str:
        return " ".join(self.texts)

    @property
    def covered(self) -> frozenset[str]:
        return frozenset().union(*self.covers)

    @property
    def near_misses(self) -> frozenset[str]:
        """Points touched only by a near miss: not covered anywhere in the answer."""
        return frozenset().union(*self.near_miss) - self.covered

    def true_order(self, rubric: Rubric) -> bool | None:
        """Whether the covered points were first said in the rubric's order (ordered rubrics)."""
        if not rubric.ordered:
            return None
        first: dict[str, int] = {}
        for n, covers in enumerate(self.covers):
            for point in covers:
                first.setdefault(point, n)
        ranks = [k for k, p in enumerate(rubric.points) if p.id in first]
        spoken = sorted(ranks, key=lambda k: first[rubric.points[k].id])
        return spoken == sorted(spoken)

    def timed(self) -> tuple[list[Word], list[Sentence]]:
        """The answer as words at a steady pace, and its sentences as the writer split them."""
        words: list[Word] = []
        sentences: list[Sentence] = []
        for text in self.texts:
            first = len(words)
            offset = words[-1].end + 0.4 if words else 0.0
            part = [
                Word(w.text, round(w.start + offset, 2), round(w.end + offset, 2))
                for w in words_from_text(text)
            ]
            words += part
            sentences.append(Sentence(text, part[0].start, part[-1].end, first, len(words) - 1))
        return words, sentences


def load_split(split: str) -> list[Answer]:
    answers = []
    for path in sorted((SETS / split).glob("*.json")):
        raw = json.loads(path.read_text(encoding="utf-8"))
        sentences = raw["sentences"]
        answers.append(
            Answer(
                raw["id"],
                raw["question"],
                tuple(s["text"] for s in sentences),
                tuple(frozenset(s.get("covers", ())) for s in sentences),
                tuple(frozenset(s.get("near_miss", ())) for s in sentences),
            )
        )
    return answers


@cache
def rubric(question: str) -> Rubric:
    return find_question(question)


@cache
def baseline_rubric(question: str) -> Rubric:
    """The question's rubric as it was before issue 15 (its phrases, its labels)."""
    text = subprocess.run(
        ["git", "show", f"{BASELINE_COMMIT}:rubrics/{question}.toml"],
        cwd=ROOT.parent,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return parse_rubric(tomllib.loads(text), Path(f"{question}.toml"))


@dataclass(frozen=True)
class Heard:
    """A sentence as the recogniser cut it, with the writer's truth carried onto it."""

    sentence: Sentence
    covers: frozenset[str]
    near_miss: frozenset[str]
    # Whether it is one written sentence, heard whole: most of its words came from one written
    # sentence and hold most of that one's words. A merged or split one's truth is a guess.
    clean: bool = True


# A written sentence lends its truth to a heard one when at least this many of its words, or
# this share of them, landed there: a clause split off carries its point, a stray word does not.
LEND_WORDS = 4
LEND_SHARE = 0.5
CLEAN_SHARE = 0.6


def heard_truth(answer: Answer, words: Sequence[Word]) -> list[Heard]:
    """The transcript's sentences (``split_sentences``, as the app cuts them), each with the
    points of the written sentences its words came from, aligned word by word.

    The recogniser merges two written sentences, splits one at a clause, loses or mishears
    words: each heard word takes the written sentence of the word it aligns with (difflib on
    normalised words), an unaligned one that of its aligned neighbour before it; a heard
    sentence covers what the written sentences lending it enough words cover."""
    written, _ = answer.timed()
    owner: list[int] = []
    for n, text in enumerate(answer.texts):
        owner += [n] * len(text.split())
    said = [normalise(w.text) for w in written]
    heard = [normalise(w.text) for w in words]
    source: list[int | None] = [None] * len(words)
    matcher = difflib.SequenceMatcher(None, said, heard, autojunk=False)
    for block in matcher.get_matching_blocks():
        for i in range(block.size):
            source[block.b + i] = owner[block.a + i]
    last = 0
    for i, s in enumerate(source):
        if s is None:
            source[i] = last
        else:
            last = s
    lengths = [len(t.split()) for t in answer.texts]
    result = []
    for sentence in split_sentences(words):
        counts = Counter(source[i] for i in sentence.indices)
        lenders = [
            n
            for n, c in counts.items()
            if n is not None and (c >= LEND_WORDS or c >= LEND_SHARE * lengths[n])
        ]
        covers = frozenset().union(*(answer.covers[n] for n in lenders))
        near = frozenset().union(*(answer.near_miss[n] for n in lenders)) - covers
        top, count = counts.most_common(1)[0]
        clean = (
            top is not None
            and count >= CLEAN_SHARE * len(sentence.indices)
            and count >= CLEAN_SHARE * lengths[top]
        )
        result.append(Heard(sentence, covers, near, clean))
    return result


def cached_words(answer: Answer, voice: str, split: str) -> list[Word] | None:
    """The words ``coverage_accuracy`` transcribed for this answer and voice, if cached."""
    cache = ROOT / "out" / "coverage" / split / f"{answer.id}.{voice}.json"
    if not cache.is_file():
        return None
    stored = json.loads(cache.read_text())
    if stored["text"] != answer.text:
        return None
    return [Word(*w) for w in stored["words"]]
