"""Fit the coverage decision on the dev set: ``rehearse/language/data/coverage-weights.json``.

One row per (sentence, point of its question) of every dev answer, the writer's sentences as
the unit; the label is whether the writer said that sentence covers that point. A logistic
regression (numpy, Newton steps with an L2 penalty) weighs the meaning signals; then the
covering threshold is the one that gets the most dev points right at answer level (a point is
covered when any sentence clears it or says one of its phrases, and no disclaimer vetoes it).
Only the dev split is read.

The ``stance`` signal is a read-out fitted first, on sentences rather than (sentence, point)
rows: a logistic regression over the MiniLM vectors of the sentence and of its last clause,
separating the dev sentences that cover a point from those that only touch one (near misses).
It is the same for every point, so it learns how people deliver or disclaim across questions.

    .venv/bin/python -m benchmarks.coverage_fit [--write] [--cv] [--fit-on text,piper,...]
        [--score-on text,piper,...] [--leave-voice-out] [--windows] [--no-follow]

``--cv`` estimates how the decision does on questions it was not fitted on: leave one question
out, fit the weights and the threshold on the answers to the other questions, score the left-out
answers with them, and print the figures of ``coverage_accuracy`` over all the left-out answers.

``--fit-on`` and ``--score-on`` name the sources: ``text`` (the writer's sentences) and voices
whose transcripts ``coverage_accuracy --voices`` cached for the dev answers (the app's cut of
them, the writer's truth carried over by ``coverage_data.heard_truth``; only sentences heard
whole are fitted on). ``--leave-voice-out`` scores each voice with a decision fitted without
it; ``--windows`` also judges each two consecutive sentences as one. The shipped file is
``--fit-on text`` (benchmarks/README.md, "Coverage", says why).
"""

from __future__ import annotations

import argparse
import itertools
import json
import re
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

import numpy as np

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.coverage_accuracy import Tally, rehearse, tally, text_words
from benchmarks.coverage_data import Answer, Heard, cached_words, heard_truth, load_split, rubric
from rehearse.language.coverage import (
    WEIGHTS_FILE,
    WINDOW_WORDS,
    Decision,
    disclaimed_across,
    read_stance,
    rubric_model,
    says_alone,
    sentence_vectors,
    stance_inputs,
    stance_texts,
    windows,
)
from rehearse.language.meaning import shared_embedder
from rehearse.language.signals import (
    FEATURES,
    NOT_PHRASE_WORDS,
    continues,
    disclaims,
    plain,
    related,
    sentence_features,
)
from rehearse.text.words import Word

# Chosen by leave-one-question-out cross-validation (--cv) among 0.01 to 30.
L2 = 0.1
# The stance read-out's penalty, chosen the same way among 1, 3, 10 and 30.
STANCE_L2 = 3.0
# Units of a hidden layer in the read-out (``--hidden N``; 0: linear, as shipped). Tried in
# round 23, not shipped: left-out sentence ROC AUC (each dev writer read out by a read-out fitted
# without them) 0.950 linear, 0.957 with 32 tanh units; held out, better on the text and no
# better through speech, and brittle on plain answers whose transcript differs by a word
# (benchmarks/README.md, "Round 23").
STANCE_HIDDEN = [0]
STANCE_STEPS = 300
STANCE_DECAY = 1e-3
STANCE = FEATURES.index("stance")
FOLLOW_STANCE = FEATURES.index("follow_stance")
FOLLOW_DISCLAIMS = FEATURES.index("follow_disclaims")
# Whether the follow_* signals are weighed (``--no-follow``: as before them).
FOLLOW = [True]
# Whether the read-out also learns from the rubrics' examples and ``not`` sentences. Off until
# round 22 (by --cv a little worse than the answers alone: 0.849 against 0.855). On since the
# read-out gates: the blind writers' covering sentences are long, and without the rubrics'
# short plain examples the read-out gated "I started with a logistic regression baseline."
# (one writer left out, the text: 0.885 with them, 0.885 without).
RUBRIC_SENTENCES = True
# Whether a heard sentence the recogniser merged or split (``Heard.clean``) is left out of
# the rows: its truth, carried over from the writer's sentences, is a guess.
CLEAN_ONLY = True
# Whether each two consecutive sentences are judged as one too (``coverage.windows``).
WINDOWS = False
WINDOW_KEY = 100_000
# Where the rows come from by default: the written sentences, and what the app hears.
FIT_ON = ("text",)

GRID = np.round(np.arange(0.05, 0.9, 0.01), 2)
# Below which stance (a logit; from round 22 less the point's own) a phrase no longer counts by
# itself; -inf: it always does. Not 0 since round 22: a floor at the point's least example
# kept "I learned to define the label first" from its phrase, for one writer's two pairs.
STANCE_FLOORS = (-np.inf, -4.0, -3.0, -2.0, -1.0)
# How far below its point's own stance a sentence covers nothing (``Decision.stance_gate``);
# -inf: no gate.
STANCE_GATES = (-np.inf, -4.0, -3.5, -3.0, -2.5, -2.0, -1.5, -1.0, -0.5, 0.0)
GATED = [True]
# Whether the decision is fitted on cross-fitted stances: each writer's sentences read out by a
# read-out fitted without that writer, as a new writer's will be (``--in-sample``: read out by
# the read-out that learned them, as before round 22, whose stances are cleaner than any new
# answer's, so the decision and the gate learn to trust them too much).
CROSS_FIT = [True]
# Sentences written to teach the read-out alone (``coverage/stance/*.json``: per point, ones that
# cover it and near misses); ``--no-stance-sets`` leaves them out.
STANCE_DIR = Path(__file__).parent / "coverage" / "stance"
STANCE_SETS = [True]
# Whether the read-out weighs each point's covering sentences and near misses alike
# (``--unbalanced``: every sentence alike, as before round 22).
BALANCED = [True]
# Whether the ``stance`` signal is weighed less the point's own (``--absolute``: as before).
RELATIVE = [True]


@dataclass
class Sentences:
    """Every dev sentence: its vector and its last clause's, side by side, and whether it
    covers a point (1), only touches one (0, a near miss) or neither (nan)."""

    keys: list[tuple[int, int, int]]  # (source, answer, sentence)
    vectors: np.ndarray
    labels: np.ndarray
    questions: np.ndarray
    sources: np.ndarray
    points: np.ndarray  # the point a labelled sentence covers or touches ("question/point")
    groups: np.ndarray  # its writer (``writer_group``), -1 for sentences from no answer


@dataclass
class Rows:
    """One row per (source, answer, sentence, point) the decision weighs."""

    x: np.ndarray
    y: np.ndarray
    keys: list[tuple[int, int, int, int]]  # (source, answer, sentence, point)
    hits: np.ndarray
    sentences: Sentences
    sources: tuple[str, ...]
    followed: np.ndarray  # whether the next sentence goes on with this one (``continues``)
    # Per question, per point: the vectors (sentence and last clause) of ``stance_texts``.
    own: dict[str, list[np.ndarray]] = field(default_factory=dict)


def units(answer: Answer, source: str, split: str) -> tuple[list[Word], list[Heard]] | None:
    """The words of ``answer`` as ``source`` gives them and their sentences with the truth:
    ``text``, the writer's sentences; a voice, the recogniser's cut of its cached transcript,
    the writer's truth carried over by ``heard_truth`` (``None``: not transcribed yet)."""
    if source == "text":
        words, sentences = answer.timed()
        return words, [
            Heard(s, c, n)
            for s, c, n in zip(sentences, answer.covers, answer.near_miss, strict=True)
        ]
    heard = cached_words(answer, source, split)
    if heard is None:
        return None
    return heard, heard_truth(answer, heard)


def rows(split: str, sources: Sequence[str] = ("text",)) -> Rows:
    """Features (``stance`` left at 0), labels, keys and whether a phrase was heard, per row;
    and the sentences the stance read-out is fitted on."""
    embedder = shared_embedder()
    xs, ys, keys, hits = [], [], [], []
    followed: list[bool] = []
    said: list[tuple[int, int, int]] = []
    pairs, labels, questions, origin = [], [], [], []
    topics: list[str] = []
    answers = load_split(split)
    for s, source in enumerate(sources):
        for a, answer in enumerate(answers):
            unit = units(answer, source, split)
            if unit is None:
                continue
            words, heard = unit
            question = rubric(answer.question)
            model = rubric_model(question, embedder)
            units_here = list(enumerate(heard))
            if WINDOWS:
                # Each two consecutive sentences as one, as the app judges them too; keyed
                # after the sentences, with no stance label of their own.
                for n, (one, two) in enumerate(itertools.pairwise(heard)):
                    if two.sentence.last - one.sentence.first + 1 > WINDOW_WORDS:
                        continue
                    both = windows([one.sentence, two.sentence])[0]
                    covers = one.covers | two.covers
                    near = (one.near_miss | two.near_miss) - covers
                    units_here.append(
                        (WINDOW_KEY + n, Heard(both, covers, near, one.clean and two.clean))
                    )
            vectors, clauses = sentence_vectors([h.sentence for _, h in units_here], embedder)
            denied_across = disclaimed_across([h.sentence for h in heard])
            for (n, h), vector, clause in zip(units_here, vectors, clauses, strict=True):
                window = n >= WINDOW_KEY
                guess = CLEAN_ONLY and not h.clean
                said.append((s, a, n))
                pairs.append(np.concatenate([vector, clause]))
                labels.append(
                    np.nan
                    if window or guess
                    else 1.0
                    if h.covers
                    else 0.0
                    if h.near_miss
                    else np.nan
                )
                questions.append(answer.question)
                origin.append(source)
                touched = sorted(h.covers or h.near_miss)
                topics.append(f"{answer.question}/{touched[0]}" if touched else "")
                if guess:
                    continue  # its truth is a guess: scored at answer level, not fitted on
                if disclaims(h.sentence.text) or denied_across.get(h.sentence.first, False):
                    continue  # vetoed before the decision: not what the weights are for
                goes_on = (
                    not window and n + 1 < len(heard) and continues(heard[n + 1].sentence.text)
                )
                follow = (goes_on and disclaims(heard[n + 1].sentence.text), 0.0)
                features, phrases = sentence_features(
                    model, words, h.sentence, vector, follow=follow, window=window
                )
                for k, point in enumerate(question.points):
                    if not related(features[k]):
                        continue  # never covers, whatever the weights: not what they are for
                    xs.append(features[k])
                    hits.append(
                        phrases[k][1] is not None
                        and says_alone(phrases[k][0])
                        and plain(features[k])
                    )
                    ys.append(float(point.id in h.covers))
                    keys.append((s, a, n, k))
                    followed.append(goes_on)
    if RUBRIC_SENTENCES:
        # The rubrics' own examples deliver their point and their ``not`` sentences touch it
        # without covering it: more of both kinds, from the authors, for every question.
        for name in sorted(set(questions)):
            for point in rubric(name).points:
                nots = [t for t in point.not_phrases if len(t.split()) > NOT_PHRASE_WORDS]
                texts = list(point.examples) + nots
                inputs = stance_inputs(texts, embedder)
                for n in range(len(texts)):
                    said.append((-1, -1, len(said)))
                    pairs.append(inputs[n])
                    labels.append(1.0 if n < len(point.examples) else 0.0)
                    questions.append(name)
                    origin.append("rubric")
                    topics.append(f"{name}/{point.id}")
    if STANCE_SETS[0]:
        for f, path in enumerate(sorted(STANCE_DIR.glob("*.json"))):
            items = json.loads(path.read_text(encoding="utf-8"))
            inputs = stance_inputs([item["text"] for item in items], embedder)
            for n, item in enumerate(items):
                said.append((-2, f, n))
                pairs.append(inputs[n])
                labels.append(1.0 if item["kind"] == "covers" else 0.0)
                questions.append(item["question"])
                origin.append("stance")
                topics.append(f"{item['question']}/{item['point']}")
    found = Sentences(
        said,
        np.array(pairs),
        np.array(labels),
        np.array(questions),
        np.array(origin),
        np.array(topics),
        np.array([writer_group(answers[a].id) if s >= 0 else -1 for s, a, _ in said]),
    )
    own: dict[str, list[np.ndarray]] = {}
    for name in sorted({a.question for a in answers}):
        own[name] = []
        for point in rubric(name).points:
            own[name].append(stance_inputs(stance_texts(point), embedder))
    return Rows(
        np.array(xs),
        np.array(ys),
        keys,
        np.array(hits),
        found,
        tuple(sources),
        np.array(followed),
        own,
    )


@dataclass(frozen=True)
class Readout:
    """A fitted stance read-out: an optional tanh layer, then weights and a bias."""

    weights: np.ndarray
    bias: float
    hidden: tuple[np.ndarray, np.ndarray] | None = None

    def __call__(self, inputs: np.ndarray) -> np.ndarray:
        return read_stance(inputs, self.weights, self.bias, self.hidden)


def fit_stance(sentences: Sentences, use: np.ndarray) -> Readout:
    """The stance read-out, fitted on the covering and near-miss sentences where ``use``."""
    chosen = use & ~np.isnan(sentences.labels)
    labels = sentences.labels[chosen]
    weight = None
    if BALANCED[0]:
        # Each point's covering sentences weigh as much as its near misses together: writers
        # disclaim some points far more often than others (the lesson, the impact), and a
        # read-out that learned which topics are often disclaimed would gate "I learned to
        # define the label first" for its topic, not for what it says.
        keys = np.char.add(sentences.points[chosen], labels.astype(int).astype(str))
        _, inverse, counts = np.unique(keys, return_inverse=True, return_counts=True)
        weight = 1.0 / counts[inverse]
        weight *= len(weight) / weight.sum()
    if STANCE_HIDDEN[0]:
        return fit_layer(sentences.vectors[chosen], labels, weight)
    weights, bias = fit(sentences.vectors[chosen], labels, STANCE_L2, weight)
    return Readout(weights, bias)


def fit_layer(x: np.ndarray, y: np.ndarray, weight: np.ndarray | None) -> Readout:
    """A read-out with one tanh layer: full-batch Adam on the weighted log loss with weight
    decay, from a fixed seed so that a refit on the same sentences writes the same file."""
    rng = np.random.default_rng(0)
    units = STANCE_HIDDEN[0]
    x32 = x.astype(np.float32)
    each = (np.ones(len(y)) if weight is None else weight).astype(np.float32) / len(y)
    params = [
        rng.normal(0, 1 / np.sqrt(x.shape[1]), (x.shape[1], units)).astype(np.float32),
        np.zeros(units, np.float32),
        rng.normal(0, 1 / np.sqrt(units), units).astype(np.float32),
        np.zeros(1, np.float32),
    ]
    first = [np.zeros_like(p) for p in params]
    second = [np.zeros_like(p) for p in params]
    rate, beta1, beta2 = 0.01, 0.9, 0.999
    for step in range(1, STANCE_STEPS + 1):
        hidden = np.tanh(x32 @ params[0] + params[1])
        p = 1 / (1 + np.exp(-(hidden @ params[2] + params[3][0])))
        g = each * (p - y).astype(np.float32)
        back = np.outer(g, params[2]) * (1 - hidden**2)
        grads = [
            x32.T @ back + STANCE_DECAY * params[0],
            back.sum(0),
            hidden.T @ g + STANCE_DECAY * params[2],
            np.array([g.sum()], np.float32),
        ]
        for n, grad in enumerate(grads):
            first[n] = beta1 * first[n] + (1 - beta1) * grad
            second[n] = beta2 * second[n] + (1 - beta2) * grad**2
            params[n] -= (
                rate
                * (first[n] / (1 - beta1**step))
                / (np.sqrt(second[n] / (1 - beta2**step)) + 1e-8)
            )
    return Readout(
        params[2].astype(np.float64),
        float(params[3][0]),
        (params[0].astype(np.float64), params[1].astype(np.float64)),
    )


def cross_fitted(sentences: Sentences, use: np.ndarray, readout: Readout) -> np.ndarray:
    """Every sentence's stance; each writer's among ``use`` from a read-out fitted on ``use``
    without that writer (sentences of group -1 are never left out)."""
    groups = sentences.groups
    logits = readout(sentences.vectors)
    for group in sorted(set(groups[use]) - {-1}):
        mine = groups == group
        logits[mine & use] = fit_stance(sentences, use & ~mine)(sentences.vectors[mine & use])
    return logits


def own_stance(r: Rows, by_point: dict[str, list[float]], answers: Sequence[Answer]) -> np.ndarray:
    """Each row's point's own stance, from ``own_by_point``."""
    return np.array([by_point[answers[a].question][k] for _, a, _, k in r.keys])


def own_by_point(r: Rows, readout: Readout) -> dict[str, list[float]]:
    """Per question, each point's own stance: the least of its examples' (``point_stances``)."""
    return {
        name: [float(readout(m).min()) if len(m) else np.nan for m in points]
        for name, points in r.own.items()
    }


def writer_group(answer_id: str) -> int:
    """Which blind writer wrote a dev answer: 0 for the first sets (cd, ch, cr01-cr80), then
    one per block of ``WRITERS``, and one per 30 answers after the last block."""
    if not answer_id.startswith("cr"):
        return 0
    number = _number(answer_id)
    for n, (first, last) in enumerate(WRITERS, start=1):
        if first <= number <= last:
            return n
    last = WRITERS[-1][1]
    return 0 if number < last else len(WRITERS) + 1 + (number - last - 1) // 30


def with_stance(r: Rows, stance: Readout | np.ndarray, own: np.ndarray | None = None) -> np.ndarray:
    """The rows with their ``stance`` and ``follow_stance`` signals, from a read-out or from
    every sentence's stance; less each row's point's own stance when ``own`` is given."""
    logits = stance if isinstance(stance, np.ndarray) else stance(r.sentences.vectors)
    at = {key: n for n, key in enumerate(r.sentences.keys)}
    filled = r.x.copy()
    filled[:, STANCE] = [logits[at[(s, a, n)]] for s, a, n, _ in r.keys]
    if own is not None:
        filled[:, STANCE] -= own
    if not FOLLOW[0]:
        filled[:, [FOLLOW_STANCE, FOLLOW_DISCLAIMS]] = 0.0
        return filled
    filled[:, FOLLOW_STANCE] = [
        min(0.0, logits[at[(s, a, n + 1)]]) if goes_on else 0.0
        for (s, a, n, _), goes_on in zip(r.keys, r.followed, strict=True)
    ]
    return filled


def fit(
    x: np.ndarray, y: np.ndarray, l2: float = L2, weight: np.ndarray | None = None
) -> tuple[np.ndarray, float]:
    design = np.hstack([x, np.ones((len(x), 1))])
    w = np.zeros(design.shape[1])
    penalty = np.eye(len(w)) * l2
    penalty[-1, -1] = 0.0  # the bias is not shrunk
    each = np.ones(len(y)) if weight is None else weight
    for _ in range(50):
        p = 1 / (1 + np.exp(-(design @ w)))
        gradient = design.T @ (each * (p - y)) + penalty @ w
        hessian = (design * (each * p * (1 - p))[:, None]).T @ design + penalty
        step = np.linalg.solve(hessian, gradient)
        w -= step
        if np.abs(step).max() < 1e-8:
            break
    return w[:-1], float(w[-1])


def best_threshold(
    p: np.ndarray,
    y: np.ndarray,
    keys: list[tuple[int, int, int, int]],
    hits: np.ndarray,
    stance: np.ndarray,
    quiet: bool = False,
    gates: Sequence[float] = (-np.inf,),
    below_own: np.ndarray | None = None,
) -> tuple[float, float, float]:
    """The threshold, stance floor and stance gate with the most answer-level points right
    (ties: the middle of the run of thresholds, at the lowest such floor and gate). The gate
    weighs ``below_own``: each row's stance less its point's own (the stance by default)."""
    below_own = stance if below_own is None else below_own
    best: tuple[float, float, float, float] = (-1.0, 0.0, -np.inf, -np.inf)
    for gate, floor in itertools.product(gates, STANCE_FLOORS):
        answer_point: dict[tuple[int, int, int], tuple[float, float]] = {}
        scores = np.where(hits & (stance >= floor), 1.0, p) * (below_own >= gate)
        for prob, label, (s, a, _, k) in zip(scores, y, keys, strict=True):
            top, covered = answer_point.get((s, a, k), (0.0, 0.0))
            answer_point[(s, a, k)] = (max(top, prob), max(covered, label))
        probs = np.array([v[0] for v in answer_point.values()])
        truth = np.array([v[1] for v in answer_point.values()])
        right = np.array([((probs >= t) == truth).mean() for t in GRID])
        if right.max() > best[0] + 1e-9:
            best = (right.max(), float(np.median(GRID[right >= right.max() - 1e-9])), floor, gate)
    if not quiet:
        print(f"answer-level point accuracy on dev at the best threshold: {best[0]:.3f}")
    return best[1], best[2], best[3]


def probability(x: np.ndarray, weights: np.ndarray, bias: float) -> np.ndarray:
    return np.asarray(1 / (1 + np.exp(-(x @ weights + bias))))


def fit_decision(
    r: Rows,
    fit_on: Sequence[str],
    stance: bool = True,
    question: str | None = None,
    voice: str | None = None,
    writer: Sequence[str] = (),
) -> Decision:
    """The read-out, the weights, the threshold and the stance floor, fitted on the rows of the
    sources ``fit_on`` but those of ``question``, of ``voice`` and of the answers ``writer``
    (the left-out parts of cross-validation)."""
    answers = load_split("dev")
    allowed = set(fit_on) - {voice}
    left_out = set(writer)
    out = {k for k, a in enumerate(answers) if a.id in left_out}
    train = np.array(
        [
            answers[a].question != question and r.sources[s] in allowed and a not in out
            for s, a, _, _ in r.keys
        ]
    )
    readout: Readout | None = None
    x, own, typical = r.x, np.zeros(len(r.keys)), 0.0
    if stance:
        kept = np.array([k[0] < 0 or k[1] not in out for k in r.sentences.keys], dtype=bool)
        use = (
            (r.sentences.questions != question)
            & np.isin(r.sentences.sources, [*allowed, "rubric", "stance"])
            & kept
        )
        readout = fit_stance(r.sentences, use)
        by_point = own_by_point(r, readout)
        own = own_stance(r, by_point, answers)
        typical = float(np.nanmedian([m for ms in by_point.values() for m in ms]))
        x = with_stance(
            r,
            cross_fitted(r.sentences, use, readout) if CROSS_FIT[0] else readout,
            own if RELATIVE[0] else None,
        )
    weights, bias = fit(x[train], r.y[train])
    train_keys = [k for k, t in zip(r.keys, train, strict=True) if t]
    threshold, floor, gate = best_threshold(
        probability(x[train], weights, bias),
        r.y[train],
        train_keys,
        r.hits[train],
        x[train, STANCE],
        quiet=True,
        gates=STANCE_GATES if stance and GATED[0] else (-np.inf,),
        below_own=(x[:, STANCE] if RELATIVE[0] else x[:, STANCE] - own)[train],
    )
    return Decision(
        weights,
        bias,
        threshold,
        0.0,
        readout.weights if readout else None,
        readout.bias if readout else 0.0,
        floor,
        WINDOWS,
        gate,
        stance and RELATIVE[0],
        typical,
        readout.hidden if readout else None,
    )


def words_from(source: str, split: str) -> Callable[[Answer], Sequence[Word]]:
    if source == "text":
        return text_words

    def words_of(answer: Answer) -> Sequence[Word]:
        return cached_words(answer, source, split) or []

    return words_of


def cross_validate(
    r: Rows,
    fit_on: Sequence[str],
    test_sources: Sequence[str],
    stance: bool = True,
    leave_voice_out: bool = False,
) -> dict[str, Tally]:
    """Leave one question out: fit on the other questions' answers, score the left-out ones in
    each of ``test_sources``; with ``leave_voice_out``, a voice's answers are also scored by a
    decision fitted without any row of that voice (the written text is always allowed)."""
    answers = load_split("dev")
    totals = {source: Tally() for source in test_sources}
    for question in sorted({a.question for a in answers}):
        decisions: dict[str, Decision] = {}
        for source in test_sources:
            key = source if leave_voice_out and source != "text" else ""
            if key not in decisions:
                decisions[key] = fit_decision(r, fit_on, stance, question, key or None)
            decision = decisions[key]
            held = [a for a in answers if a.question == question]
            # The answers the rows were built from: transcripts cached since are left out, so
            # that every source is scored on a fixed set.
            built = {(s, a) for s, a, _ in r.sentences.keys if s >= 0 and r.sources[s] == source}
            index = {a.id: n for n, a in enumerate(answers)}
            s = r.sources.index(source)
            held = [a for a in held if (s, index[a.id]) in built]
            part = tally(held, words_from(source, "dev"), partial(rehearse, decision=decision))
            total = totals[source]
            for name in ("tp", "fp", "fn", "tn", "near", "near_credited", "order", "order_right"):
                setattr(total, name, getattr(total, name) + getattr(part, name))
            total.errors += part.errors
    return totals


# The blind writers of rounds 8-23, each a block of dev answers by one writer (round 7's weights,
# fitted on cd01-cd30, ch01-ch30 and cr01-cr80, saw none of them; round 23's saw cr81-cr492).
WRITERS = (
    (81, 122),
    (123, 152),
    (153, 182),
    (183, 212),
    (213, 242),
    (243, 272),
    (273, 302),
    (303, 332),
    (333, 362),
    (363, 392),
    (393, 422),
    (423, 452),
    (453, 472),
    (473, 492),
    (493, 512),
    (513, 532),
    (533, 552),
    (553, 572),
    (573, 592),
    (593, 612),
    (613, 632),
    (633, 652),
)


def _number(answer_id: str) -> int:
    return int(answer_id[2:].split("-")[0])


def writer_out(r: Rows, fit_on: Sequence[str], stance: bool = True) -> None:
    """Each later writer's answers, scored on the text by the shipped decision and by one fitted
    on every other dev answer: how a refit carries to a writer it never saw."""
    answers = load_split("dev")
    print("one writer left out (text):  accuracy precision recall   near-miss   order")
    for first, last in WRITERS:
        block = [a for a in answers if a.id.startswith("cr") and first <= _number(a.id) <= last]
        refit = fit_decision(r, fit_on, stance, writer=[a.id for a in block])
        shipped = tally(block, text_words, rehearse)
        fitted = tally(block, text_words, partial(rehearse, decision=refit))
        print(f"  cr{first}-cr{last} shipped {shipped.line()}")
        print(f"  {'':11} refit   {fitted.line()}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--write", action="store_true", help="write the weights file")
    parser.add_argument("--cv", action="store_true", help="leave-one-question-out figures")
    parser.add_argument(
        "--writers",
        action="store_true",
        help="each later writer's answers: the shipped decision against a refit without them",
    )
    parser.add_argument("--errors", action="store_true", help="with --cv: every wrong decision")
    parser.add_argument(
        "--no-stance", action="store_true", help="without the stance read-out (as before it)"
    )
    parser.add_argument(
        "--no-rubric-sentences",
        action="store_true",
        help="fit the stance read-out without the rubrics' examples and not sentences",
    )
    parser.add_argument(
        "--fit-on",
        default=",".join(FIT_ON),
        help="sources the rows come from: text and voices with cached transcripts",
    )
    parser.add_argument(
        "--score-on", default="", help="with --cv: sources scored (default: those fitted on)"
    )
    parser.add_argument(
        "--leave-voice-out",
        action="store_true",
        help="with --cv: score each voice with a decision fitted without that voice",
    )
    parser.add_argument(
        "--no-follow", action="store_true", help="without the follow_* signals (as before them)"
    )
    parser.add_argument(
        "--windows", action="store_true", help="judge each two consecutive sentences as one too"
    )
    parser.add_argument(
        "--in-sample",
        action="store_true",
        help="fit the decision on stances read out by the read-out that learned them",
    )
    parser.add_argument(
        "--no-stance-sets",
        action="store_true",
        help="without the sentences written for the read-out (coverage/stance)",
    )
    parser.add_argument(
        "--unbalanced",
        action="store_true",
        help="the read-out weighs every sentence alike, whatever point it touches",
    )
    parser.add_argument(
        "--absolute",
        action="store_true",
        help="weigh each sentence's stance alone, not less its point's own",
    )
    parser.add_argument(
        "--no-gate", action="store_true", help="without the stance gate (as before round 22)"
    )
    parser.add_argument(
        "--hidden",
        type=int,
        default=0,
        help="units of a hidden layer in the stance read-out (round 23's trial: 32)",
    )
    args = parser.parse_args(argv)
    CROSS_FIT[0] = not args.in_sample
    STANCE_SETS[0] = not args.no_stance_sets
    GATED[0] = not args.no_gate
    STANCE_HIDDEN[0] = args.hidden
    BALANCED[0] = not args.unbalanced
    RELATIVE[0] = not args.absolute
    global RUBRIC_SENTENCES, WINDOWS
    RUBRIC_SENTENCES = not args.no_rubric_sentences
    WINDOWS = args.windows
    sources = tuple(args.fit_on.split(","))
    scored = tuple(args.score_on.split(",")) if args.score_on else sources
    r = rows("dev", tuple(dict.fromkeys(sources + scored)))
    if args.no_follow:
        FOLLOW[0] = False
    print(f"fitted on {', '.join(sources)}: {len(r.y)} rows, {int(r.y.sum())} covering")
    if args.writers:
        writer_out(r, sources, not args.no_stance)
    if args.cv:
        totals = cross_validate(r, sources, scored, not args.no_stance, args.leave_voice_out)
        print("leave one question out: source  accuracy precision recall   near-miss   order")
        for source, t in totals.items():
            print(f"  {source:10} {t.line()}")
            if args.errors:
                print("\n".join(f"    {e}" for e in t.errors))
    decision = fit_decision(r, sources, not args.no_stance)
    for name, w in zip(FEATURES, decision.weights, strict=True):
        print(f"  {name:18} {w:+.3f}")
    print(f"  {'bias':18} {decision.bias:+.3f}\n  threshold          {decision.threshold:.2f}")
    print(f"  stance floor       {decision.stance_floor:.2f}")
    print(f"  stance gate        {decision.stance_gate:.2f}")
    if args.write:
        data: dict[str, object] = {
            "fitted_on": f"benchmarks/coverage/dev ({', '.join(sources)})"
            " by benchmarks/coverage_fit.py",
            "weights": {
                n: round(float(w), 4) for n, w in zip(FEATURES, decision.weights, strict=True)
            },
            "bias": round(decision.bias, 4),
            "threshold": decision.threshold,
            "windows": decision.windows,
        }
        if decision.stance_weights is not None:
            floor = decision.stance_floor
            stance: dict[str, object] = {
                "weights": [round(float(w), 5) for w in decision.stance_weights],
                "bias": round(decision.stance_bias, 5),
                "floor": None if np.isinf(floor) else floor,
                "gate": None if np.isinf(decision.stance_gate) else decision.stance_gate,
                "relative": RELATIVE[0],
                "own": round(decision.own_stance, 5),
            }
            if decision.stance_hidden is not None:
                layer, biases = decision.stance_hidden
                stance["hidden"] = {
                    "weights": [[round(float(w), 5) for w in row] for row in layer],
                    "bias": [round(float(b), 5) for b in biases],
                }
            data["stance"] = stance
        # A list of numbers on one line: the hidden layer is 768 rows of 32.
        text = re.sub(
            r"\[\s*([-0-9.e,\s]+?)\s*\]",
            lambda m: "[" + ", ".join(v.strip() for v in m[1].split(",")) + "]",
            json.dumps(data, indent=1),
        )
        WEIGHTS_FILE.write_text(text + "\n", encoding="utf-8")
        print(f"wrote {WEIGHTS_FILE}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
