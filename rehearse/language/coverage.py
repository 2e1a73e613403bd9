"""Which rubric points an answer covered, sentence by sentence, and the evidence for each.

Every sentence of the transcript is weighed against every point of the question with the
signals of ``rehearse.language.signals`` (phrase, shared wording, meaning, how much closer it is
to this point than to the others, disclaimers), combined by a logistic decision whose weights
are a data file fitted on a development set by ``benchmarks/coverage_fit.py``. A point is
covered by the first sentence that clears the threshold, and that sentence is its evidence; a
sentence that says one of the point's ``not`` phrases never covers it.

The phrase matcher of earlier versions lives on in ``rehearse.language.phrases``; its names are
re-exported here.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Literal

import numpy as np

from rehearse.language.meaning import Embedder, shared_embedder
from rehearse.language.phrases import PhraseMatch, find_phrase, match_point, phrase_score
from rehearse.language.rubric import Point, Rubric
from rehearse.language.signals import (
    FEATURES,
    PointModel,
    continues,
    disclaims,
    disclaims_across,
    plain,
    point_cues,
    point_model,
    related,
    says_not_phrase,
    sentence_features,
    stance_clause,
)
from rehearse.text.sentences import Sentence, split_sentences
from rehearse.text.words import Word, transcript_text

__all__ = [
    "Coverage",
    "Evidence",
    "PhraseMatch",
    "PointResult",
    "SentenceCoverage",
    "find_phrase",
    "match_point",
    "phrase_score",
    "score_coverage",
]

WEIGHTS_FILE = Path(__file__).parent / "data" / "coverage-weights.json"

How = Literal["phrase", "meaning", "both"]


@dataclass(frozen=True, slots=True)
class Evidence:
    """The sentence that covered a point, how it matched and how strongly (0-100)."""

    sentence: str
    start: float
    end: float
    how: How
    strength: float
    phrase: str | None = None  # the rubric phrase heard in it, if any


@dataclass(frozen=True, slots=True)
class SentenceCoverage:
    """One sentence of the answer and the point it covers best (``None``: it covers none)."""

    text: str
    start: float
    end: float
    point: str | None
    how: How | None
    strength: float


@dataclass(frozen=True, slots=True)
class PointResult:
    id: str
    label: str
    covered: bool
    match: Evidence | None
    seconds: float | None = None  # ordered rubrics: from this point's start to the next one's


@dataclass(frozen=True, slots=True)
class Coverage:
    points: tuple[PointResult, ...]
    in_order: bool | None  # None for rubrics whose points may come in any order
    sentences: tuple[SentenceCoverage, ...] = ()

    @property
    def ratio(self) -> float:
        if not self.points:
            return 0.0
        return sum(p.covered for p in self.points) / len(self.points)

    def timeline(self) -> list[PointResult]:
        """The covered points in the order they were first said."""
        covered = [p for p in self.points if p.match]
        return sorted(covered, key=lambda p: p.match.start if p.match else 0.0)

    def out_of_order(self) -> list[tuple[PointResult, PointResult]]:
        """Each (said, expected) pair where ``said`` came before a point the rubric puts first."""
        if self.in_order is not False:
            return []
        rank = {p.id: k for k, p in enumerate(self.points)}
        spoken = self.timeline()
        pairs = []
        for n, early in enumerate(spoken):
            later = [p for p in spoken[n + 1 :] if rank[p.id] < rank[early.id]]
            if later:
                pairs.append((early, min(later, key=lambda p: rank[p.id])))
        return pairs


@dataclass(frozen=True)
class Decision:
    """The fitted logistic decision: weights per feature, a bias and the covering threshold.

    A phrase of the point heard in a sentence covers it when the decision gives that sentence at
    least ``phrase_floor``: lower than the threshold, since the rubric's author said the wording
    covers the point, but not so low that "we'd have dashboards, the usual" says *monitoring*.
    """

    weights: np.ndarray
    bias: float
    threshold: float
    phrase_floor: float = 0.0
    # The stance read-out: weights on the sentence's vector and its last clause's, and a bias
    # (``None``: a weights file from before it, whose ``stance`` signal is then 0).
    stance_weights: np.ndarray | None = None
    stance_bias: float = 0.0
    # A phrase heard in a sentence whose stance is below this does not count by itself: "a lot
    # of people reach for SMOTE straight away, and I'm not a fan" names *resampling*, it does
    # not recommend it. The meaning decision may still credit the sentence.
    stance_floor: float = -np.inf
    # Whether each two consecutive sentences are also judged as one (``windows``): a decision
    # fitted without them does not see them.
    windows: bool = False
    # A sentence whose stance falls this far below the point's own (``point_stances``) covers
    # nothing, whatever it names: "latency is a consideration too, but I'd leave that to the
    # serving people" touches the point without delivering it. The weighted signals cannot say
    # so alone: nearly every (sentence, point) row they are fitted on is off the topic, where
    # stance tells nothing.
    stance_gate: float = -np.inf
    # Whether the ``stance`` signal is weighed as the sentence's stance less its point's own,
    # as the gate is (round 22 on), rather than as the sentence's alone.
    stance_relative: bool = False
    # The own stance of a point without examples: the median of the bundled points'.
    own_stance: float = 0.0
    # A hidden layer of the read-out (weights, biases; tanh), read before ``stance_weights``;
    # ``None`` for the shipped, linear read-out. ``coverage_fit --hidden N`` fits one: round 23
    # tried it and kept the linear one, as it moved plain covers across the gate when the
    # recogniser changed a word (benchmarks/README.md, "Round 23").
    stance_hidden: tuple[np.ndarray, np.ndarray] | None = None

    def probability(self, rows: np.ndarray) -> np.ndarray:
        return np.asarray(1 / (1 + np.exp(-(rows @ self.weights + self.bias))))

    def stance(self, sentence: np.ndarray, clause: np.ndarray) -> float:
        """How much the sentence delivers rather than touches what it talks about (a logit)."""
        return float(self.stances(np.concatenate([sentence, clause])[None, :])[0])

    def stances(self, inputs: np.ndarray) -> np.ndarray:
        """``stance`` of each row of ``stance_inputs``."""
        if self.stance_weights is None:
            return np.zeros(len(inputs))
        return read_stance(inputs, self.stance_weights, self.stance_bias, self.stance_hidden)


def read_stance(
    inputs: np.ndarray,
    weights: np.ndarray,
    bias: float,
    hidden: tuple[np.ndarray, np.ndarray] | None = None,
) -> np.ndarray:
    """A stance read-out's logits for rows of ``stance_inputs``: through its tanh layer if it
    has one, then its weights and bias (the fitting script reads its read-outs so too)."""
    if hidden is not None:
        inputs = np.tanh(inputs @ hidden[0] + hidden[1])
    return np.asarray(inputs @ weights + bias)


@cache
def load_decision(path: Path = WEIGHTS_FILE) -> Decision:
    data = json.loads(path.read_text(encoding="utf-8"))
    # A signal added after the file was fitted weighs nothing: the file decides as it did.
    weights = np.array([data["weights"].get(name, 0.0) for name in FEATURES], dtype=np.float64)
    stance = data.get("stance")
    return Decision(
        weights,
        float(data["bias"]),
        float(data["threshold"]),
        float(data.get("phrase_floor", 0.0)),
        np.array(stance["weights"], dtype=np.float64) if stance else None,
        float(stance["bias"]) if stance else 0.0,
        float(stance["floor"]) if stance and stance.get("floor") is not None else -np.inf,
        bool(data.get("windows", False)),
        float(stance["gate"]) if stance and stance.get("gate") is not None else -np.inf,
        bool(stance and stance.get("relative", False)),
        float(stance.get("own", 0.0)) if stance else 0.0,
        _hidden(stance.get("hidden") if stance else None),
    )


def _hidden(layer: dict[str, list[Any]] | None) -> tuple[np.ndarray, np.ndarray] | None:
    if not layer:
        return None
    return np.array(layer["weights"], dtype=np.float64), np.array(layer["bias"], dtype=np.float64)


def stance_texts(point: Point) -> tuple[str, ...]:
    """What delivering the point sounds like: its examples."""
    return point.examples


def point_stances(rubric: Rubric, embedder: Embedder, decision: Decision) -> np.ndarray:
    """Each point's own stance: the least of its examples'. Points differ: a lesson is said as a
    wish ("next time I'd define the label first") and a hand-off sounds like one too, so a
    sentence is gated by how far it falls below every sentence the rubric gives as delivering
    its point (the least rather than the mean: a terse "I started with a logistic regression
    baseline" delivers less than the rubric's fullest example and still delivers)."""
    stances = []
    for point in rubric.points:
        texts = list(stance_texts(point))
        if not texts:
            # A label is no sentence ("Impact"): a point without examples is held to the
            # bundled points' typical own stance.
            stances.append(decision.own_stance)
            continue
        stances.append(decision.stances(stance_inputs(texts, embedder)).min())
    return np.array(stances)


def stance_inputs(texts: Sequence[str], embedder: Embedder) -> np.ndarray:
    """What the stance read-out reads, one row a text: its vector, then its last clause's."""
    vectors = embedder.embed([*texts, *(stance_clause(t) for t in texts)])
    return np.hstack([vectors[: len(texts)], vectors[len(texts) :]])


def rubric_model(rubric: Rubric, embedder: Embedder) -> PointModel:
    vectors = [embedder.embed(list(point_cues(p))) for p in rubric.points]
    nots = [embedder.embed(list(p.not_phrases)) for p in rubric.points]
    return point_model(rubric.points, vectors, nots)


def warm_up(rubrics: Sequence[Rubric] = ()) -> None:
    """Load the model and the decision, and embed the points of ``rubrics`` ahead of scoring."""
    embedder = shared_embedder()
    embedder.load()
    decision = load_decision()
    for rubric in rubrics:
        rubric_model(rubric, embedder)
        point_stances(rubric, embedder, decision)


def sentence_vectors(
    sentences: Sequence[Sentence],
    embedder: Embedder | None = None,
    words: Sequence[Word] = (),
    skip: frozenset[int] = frozenset(),
) -> tuple[np.ndarray, np.ndarray]:
    """The meaning of each sentence and of its last clause (the stance), one row each, without
    the words in ``skip`` (fillers): the decision was fitted on answers written without them,
    and "so um first check the class ratio and um" reads as less delivered than it is. Cached
    by text: sentences embedded ahead (while an answer is recorded) are not embedded again
    when it is scored."""
    embedder = embedder or shared_embedder()
    texts = [
        transcript_text([words[i] for i in s.indices if i not in skip])
        if skip.intersection(s.indices)
        else s.text
        for s in sentences
    ]
    vectors = embedder.embed(texts + [stance_clause(t) for t in texts])
    return vectors[: len(texts)], vectors[len(texts) :]


@dataclass(frozen=True, slots=True)
class Judgement:
    """One sentence against one point: covered or not, how, and how strongly (0-100)."""

    covered: bool
    how: How | None
    strength: float
    phrase: str | None


# A phrase heard with a spelling less than 90 % alike ("features are" for "feature store", or
# the sound-alike "different things" for "do differently") is a different phrase as often as a
# recognition slip: it counts only if the meaning decision agrees. Exact and near-exact ones
# ("PRAUC", "class weight") say the point by themselves.
PHRASE_ALONE = 0.9
# A covering sentence this strong (0-100), or this close to the point's strongest, places it.
CONFIDENT = 50.0
# Two sentences judged as one are at most this long: about the longest written sentence.
WINDOW_WORDS = 45
RELATIVE = 0.8


def says_alone(strength: float) -> bool:
    return strength >= PHRASE_ALONE


def judge(
    meaning: float,
    phrase: tuple[float, str | None],
    allowed: bool,
    decision: Decision,
    plain: bool = True,
    stance: float = 0.0,
) -> Judgement:
    """A phrase hit in a ``plain`` sentence counts when the decision does not rule the sentence
    out (``phrase_floor``) and the sentence's stance delivers it (``stance_floor``); a meaning
    probability over the threshold counts by itself; a disclaimer or a ``not`` phrase vetoes."""
    hit = (
        plain
        and phrase[1] is not None
        and says_alone(phrase[0])
        and meaning >= decision.phrase_floor
        and stance >= decision.stance_floor
    )
    by_meaning = meaning >= decision.threshold
    strength = round(max(meaning, phrase[0] if hit else 0.0) * 100, 1)
    if not allowed or not (hit or by_meaning):
        return Judgement(False, None, strength if allowed else 0.0, phrase[1])
    how: How = "both" if hit and by_meaning else ("phrase" if hit else "meaning")
    return Judgement(True, how, strength, phrase[1])


def following(
    sentences: Sequence[Sentence], stances: Sequence[float], n: int
) -> tuple[bool, float]:
    """Whether the sentence after the ``n``-th goes on with it and disclaims, and its stance
    (0 when there is none, or it starts a thought of its own)."""
    if n + 1 >= len(sentences) or not continues(sentences[n + 1].text):
        return False, 0.0
    return disclaims(sentences[n + 1].text), stances[n + 1]


def disclaimed_across(sentences: Sequence[Sentence]) -> dict[int, bool]:
    """For each sentence (keyed by its first word) whether a disclaimer begun in it runs on into
    the next, which goes on with it: the recogniser cut in two what was said as one, and the
    denial holds for the sentence it began in (and for the two judged as one)."""
    return {
        a.first: continues(b.text) and disclaims_across(a.text, b.text)
        for a, b in itertools.pairwise(sentences)
    }


def windows(sentences: Sequence[Sentence]) -> list[Sentence]:
    """Each two consecutive sentences as one, when together they are not too long: the
    recogniser cuts a spoken sentence where the speaker did not ("I started with a logistic
    regression on distance. Time of day and store backlog, which already got ..."), and half
    of a point is not the point."""
    return [
        Sentence(f"{a.text} {b.text}", a.start, b.end, a.first, b.last)
        for a, b in itertools.pairwise(sentences)
        if b.last - a.first + 1 <= WINDOW_WORDS
    ]


def judge_sentences(
    rubric: Rubric,
    words: Sequence[Word],
    skip: frozenset[int] = frozenset(),
    embedder: Embedder | None = None,
    decision: Decision | None = None,
) -> tuple[list[tuple[Sentence, list[Judgement]]], list[tuple[Sentence, list[Judgement]]]]:
    """Every sentence of ``words`` and its judgement on each of the rubric's points; then, when
    the decision was fitted with them, each two consecutive sentences judged as one."""
    embedder = embedder or shared_embedder()
    sentences = split_sentences(words)
    if not sentences:
        return [], []
    decision = decision or load_decision()
    denied_across = disclaimed_across(sentences)
    singles = _judge_units(
        rubric, words, sentences, skip, embedder, decision, denied_across, window=False
    )
    if not decision.windows:
        return singles, []
    return singles, _judge_units(
        rubric, words, windows(sentences), skip, embedder, decision, denied_across, window=True
    )


def _judge_units(
    rubric: Rubric,
    words: Sequence[Word],
    sentences: Sequence[Sentence],
    skip: frozenset[int],
    embedder: Embedder,
    decision: Decision,
    denied_across: Mapping[int, bool],
    window: bool,
) -> list[tuple[Sentence, list[Judgement]]]:
    if not sentences:
        return []
    model = rubric_model(rubric, embedder)
    vectors, clauses = sentence_vectors(sentences, embedder, words, skip)
    stances = [decision.stance(v, c) for v, c in zip(vectors, clauses, strict=True)]
    own = (
        point_stances(rubric, embedder, decision)
        if np.isfinite(decision.stance_gate) or decision.stance_relative
        else np.zeros(len(rubric.points))
    )
    judged = []
    for n, (sentence, vector) in enumerate(zip(sentences, vectors, strict=True)):
        stance = stances[n]
        rows, phrases = sentence_features(
            model,
            words,
            sentence,
            vector,
            skip,
            stance,
            # A window's own last sentence is the one that would go on: not weighed.
            (False, 0.0) if window else following(sentences, stances, n),
            window,
        )
        if decision.stance_relative:
            rows[:, FEATURES.index("stance")] -= own
        meaning = decision.probability(rows) * np.array([related(row) for row in rows])
        # Saying it is not denying it: a disclaimer, a point's own "not" phrase, or a stance
        # that touches the point without delivering it, vetoes.
        denied = disclaims(sentence.text) or denied_across.get(sentence.first, False)
        below_own = stance - own
        undelivered = below_own < decision.stance_gate
        judged.append(
            (
                sentence,
                [
                    judge(
                        float(meaning[k]),
                        phrases[k],
                        not denied
                        and not undelivered[k]
                        and not says_not_phrase(point, words, sentence),
                        decision,
                        plain(rows[k]),
                        below_own[k] if decision.stance_relative else stance,
                    )
                    for k, point in enumerate(rubric.points)
                ],
            )
        )
    return judged


def score_coverage(
    rubric: Rubric,
    words: Sequence[Word],
    filler_indices: frozenset[int] = frozenset(),
    embedder: Embedder | None = None,
    decision: Decision | None = None,
) -> Coverage:
    singles, pairs = judge_sentences(rubric, words, filler_indices, embedder, decision)
    judged = singles + pairs
    evidence: list[Evidence | None] = []
    for k in range(len(rubric.points)):
        covering = sorted(((s, j[k]) for s, j in judged if j[k].covered), key=lambda c: c[0].first)
        chosen = _confident(covering)
        evidence.append(_evidence(*chosen) if chosen else None)
    return _assemble(
        rubric, words, evidence, tuple(_sentence_record(s, j, rubric) for s, j in singles)
    )


def _confident(covering: list[tuple[Sentence, Judgement]]) -> tuple[Sentence, Judgement] | None:
    """Where a point was said: the first sentence that covers it with confidence, else the one
    that covers it most strongly. A stray weak credit early in the answer (the lesson's "labels
    took long to mature" said in passing while describing the model) must not move the point
    there and flip the order verdict."""
    if not covering:
        return None
    top = max(j.strength for _, j in covering)
    return next(
        (c for c in covering if c[1].strength >= min(CONFIDENT, top * RELATIVE)),
        None,
    )


def _evidence(sentence: Sentence, judgement: Judgement) -> Evidence:
    how = judgement.how or "meaning"
    return Evidence(
        sentence.text, sentence.start, sentence.end, how, judgement.strength, judgement.phrase
    )


def _sentence_record(
    sentence: Sentence, judgements: list[Judgement], rubric: Rubric
) -> SentenceCoverage:
    """The sentence and the point it covers most strongly, or none."""
    covering = [(j.strength, k) for k, j in enumerate(judgements) if j.covered]
    if not covering:
        top = max((j.strength for j in judgements), default=0.0)
        return SentenceCoverage(sentence.text, sentence.start, sentence.end, None, None, top)
    strength, k = max(covering)
    return SentenceCoverage(
        sentence.text,
        sentence.start,
        sentence.end,
        rubric.points[k].id,
        judgements[k].how,
        strength,
    )


def _assemble(
    rubric: Rubric,
    words: Sequence[Word],
    evidence: list[Evidence | None],
    sentences: tuple[SentenceCoverage, ...],
) -> Coverage:
    in_order: bool | None = None
    seconds: list[float | None] = [None] * len(evidence)
    if rubric.ordered:
        starts = [e.start for e in evidence if e]
        in_order = starts == sorted(starts)
        speech_end = words[-1].end if words else 0.0
        # A point runs until the next point the speaker reached, in the order they spoke them.
        spoken = sorted((e.start, k) for k, e in enumerate(evidence) if e)
        for n, (start, k) in enumerate(spoken):
            until = spoken[n + 1][0] if n + 1 < len(spoken) else speech_end
            seconds[k] = round(max(0.0, until - start), 2)
    points = tuple(
        PointResult(p.id, p.label, e is not None, e, seconds[k])
        for k, (p, e) in enumerate(zip(rubric.points, evidence, strict=True))
    )
    return Coverage(points, in_order, sentences)
