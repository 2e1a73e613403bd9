"""Fit the restart decision on the coaching dev set (``language/data/restart-weights.json``).

One row per candidate the decision may weigh (``repetition.judgeable``: a short first go followed
at once by a start that opens like it, not said word for word, nothing setting the goes apart),
over every dev answer's written words; the row is a restart when the writer labelled a restart
that begins where the first go begins and whose span holds the second go's start. A logistic
regression (numpy, Newton steps with an L2 penalty) weighs ``restart_model.FEATURES``.

The threshold is chosen by cross-validation grouped by answer (``FOLDS`` folds): the weights are
fitted on the other folds, each left-out answer is scored by the whole repetition pipeline (the
rules first, then the decision) at every threshold of ``GRID``, and the threshold kept is the
one with the most restarts found whose pooled left-out precision is at least ``MIN_PRECISION``.
Only the dev split is fitted on; ``--check SPLIT`` scores another split (one already looked at)
with the model fitted on all of dev.

``--made`` adds restarts made from the fluent sentences of the dev answers (a clause's opening
of 1-4 words with a word swapped for another of its class, or a word left out, or another
clause's opening, then the clause), labelled by construction and grouped with their source
answer. Measured (round 5, 5 folds): left-out restart P / R 0.980 / 0.883 without them, 0.966 /
0.883 made from the coaching answers, 0.966 / 0.883 from those and the filler corpus's: no
recall gained, as most missed restarts are never a candidate the decision weighs (see
``repetition.judgeable``), so the default makes none.

``--kind broken`` fits the second decision instead (``language/data/restart-broken-weights.json``):
one row per clause opening broken off by a comma (``repetition._broken_at``), the same features,
the pipeline scored with the packaged run-on decision and the fitted broken-off one; its
threshold is the one with the most restarts found at that left-out precision and no more than
``MAX_PLAIN_ADDED`` restarts added in the plain answers left out. Measured (round 18, 5 folds):
see ``benchmarks/README.md``.

    .venv/bin/python -m benchmarks.restart_fit [--kind broken] [--write] [--check heldout]
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
from collections.abc import Sequence
from pathlib import Path

import numpy as np

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.coaching_accuracy import KINDS, Answer, Found, Label, Tally, load, match, text_words
from benchmarks.corpus import load_answers
from rehearse.language.fillers import find_fillers
from rehearse.language.repetition import candidates, find_repetitions, judgeable
from rehearse.language.restart_model import (
    BROKEN_WEIGHTS_FILE,
    FEATURES,
    WEIGHTS_FILE,
    RestartModel,
    features,
    packaged_model,
)
from rehearse.scoring.habits import find_habits
from rehearse.text.lexicon import (
    ARTICLES,
    CLAUSE_CONJUNCTIONS,
    PERSONAL_SUBJECTS,
    POSSESSIVE_DETERMINERS,
    word_classes,
)
from rehearse.text.words import Word, normalise

FOLDS = 5
L2 = 1.0
MIN_PRECISION = 0.93
# ... and at most this many more restarts (all false) in the plain answers left out than the
# rules and the other decision find there without it (until round 18: at most 20 in all, which
# the rules alone now pass).
MAX_PLAIN_ADDED = 5
# The decision being fitted: for goes run straight on, or broken off by a comma.
KIND = "run-on"
NEVER = RestartModel(tuple(0.0 for _ in FEATURES), -50.0, 1.0)
# The rules in ``repetition`` were tuned on the answers before this one.
UNTUNED = "k61"
# Restarts made from fluent sentences (``made_restarts``) join the labelled rows at this weight.
MADE_FROM = "none"
MADE_WEIGHT = 0.5
GRID = np.round(np.arange(0.15, 0.96, 0.05), 2)


def _skip(words: Sequence[Word]) -> set[int]:
    """The words the report keeps out of repetitions (fillers other than hesitations)."""
    habits = find_habits(words, find_fillers(words))
    return {i for f in habits.fillers for i in f.word_indices if f.kind != "hesitation"}


_PREPARED: dict[tuple[str, ...], tuple[list[Word], set[int]]] = {}


def _prepared(answer: Answer) -> tuple[list[Word], set[int]]:
    """``answer``'s words and the words kept out of repetitions, worked out once: the cross-
    validation scores every answer at every threshold, and the fillers do not change."""
    key = tuple(answer.tokens)
    if key not in _PREPARED:
        words = text_words(answer)
        _PREPARED[key] = (words, _skip(words))
    return _PREPARED[key]


def plain_answers() -> list[Answer]:
    """The filler corpus's dev answers as unlabelled text: their markup dropped, every candidate
    in them a negative (they were written for fillers; a restart in them is rare)."""
    out = []
    for answer in load_answers(split="dev"):
        text = " ".join(part for part in answer.parts if isinstance(part, str))
        out.append(Answer(answer.name, answer.question, re.sub(r"[{}<>]", "", text).split(), []))
    return out


# Made restarts: at most this long a first go, and this share of a source's sentences get one.
MADE_MAX_FIRST_GO = 4
MADE_SHARE = 0.5
_ENDS = (".", "?", "!")
# Words whose swap for another of their set makes a fresh start ("I built we built").
_SWAP_SETS = (
    frozenset(PERSONAL_SUBJECTS - {"you", "he", "she"}),
    frozenset(ARTICLES | POSSESSIVE_DETERMINERS | {"this", "that"}),
)


def _clause_starts(tokens: Sequence[str]) -> list[tuple[int, int]]:
    """(start, end) of each clause: a sentence's start, or after a comma or a conjunction;
    ``end`` is the first token past the clause's last word."""
    out = []
    start = 0
    for i, t in enumerate(tokens):
        if normalise(t) in CLAUSE_CONJUNCTIONS and i > start:
            out.append((start, i))
            start = i + 1
        elif t.endswith((",", ";", ":", *_ENDS)):
            out.append((start, i + 1))
            start = i + 1
    return [(a, b) for a, b in out if b - a >= 3]


def _open_class(token: str) -> str:
    """A rough open class for swapping a word: a verb form ("ran", "uses"), a noun, else ""."""
    classes = word_classes(token)
    if "VERB" in classes and "NOUN" not in classes:
        return "verb:" + ("ed" if token.endswith("ed") else "s" if token.endswith("s") else "")
    return "noun" if "NOUN" in classes and len(token) > 3 else ""


def _first_go(
    clause: list[str], vocabulary: dict[str, list[str]], other: list[str], rng: random.Random
) -> list[str] | None:
    """An abandoned first go for ``clause`` (normalised words), or None when none can be made:
    its prefix with a word swapped for another of its class, or with a word of the clause left
    out (the second go puts one in: "I plot the, I always plot the"), or another clause's
    opening (a fresh start)."""
    size = rng.randint(1, min(MADE_MAX_FIRST_GO, len(clause) - 2))
    prefix = clause[:size]
    way = rng.random()
    if way < 0.2:
        return other[: rng.randint(2, min(MADE_MAX_FIRST_GO, len(other)))] if other else None
    if way < 0.45 and size >= 2:
        cut = rng.randrange(1, size + 1)
        return clause[:cut] + clause[cut + 1 : size + 1]
    swappable = [
        k for k, t in enumerate(prefix) if _open_class(t) or any(t in s for s in _SWAP_SETS)
    ]
    if not swappable:
        return None
    k = rng.choice(swappable)
    word = prefix[k]
    same = next((sorted(s - {word}) for s in _SWAP_SETS if word in s), None)
    choices = same or [w for w in vocabulary.get(_open_class(word), []) if w != word]
    if not choices:
        return None
    return [*prefix[:k], rng.choice(choices), *prefix[k + 1 :]]


def made_restarts(answer: Answer, seed: int) -> Answer:
    """``answer``'s sentences with no label in them, a restart put into about half of them at a
    clause start, labelled by construction (the span from the first go to the second go's first
    word, as the writer labels)."""
    rng = random.Random(seed)
    labelled = {k for label in answer.labels for k in range(label.first, label.last + 1)}
    tokens = answer.tokens
    sentences, start = [], 0
    for i, t in enumerate(tokens):
        if t.endswith(_ENDS):
            if not labelled & set(range(start, i + 1)):
                sentences.append(tokens[start : i + 1])
            start = i + 1
    said = [normalise(t) for s in sentences for t in s]
    vocabulary: dict[str, list[str]] = {}
    for t in sorted(set(said)):
        if _open_class(t):
            vocabulary.setdefault(_open_class(t), []).append(t)
    openings = [[normalise(t) for t in s[a:b]] for s in sentences for a, b in _clause_starts(s)]
    out: list[str] = []
    labels: list[Label] = []
    for sentence in sentences:
        clauses = _clause_starts(sentence)
        if not clauses or rng.random() >= MADE_SHARE:
            out += sentence
            continue
        a, b = rng.choice(clauses)
        clause = [normalise(t).strip(",;:.?!") for t in sentence[a:b]]
        first = _first_go(clause, vocabulary, rng.choice(openings), rng)
        if not first or first == clause[: len(first)] or not all(first):
            out += sentence
            continue
        if a == 0:  # a sentence's first word keeps its capital, the second go loses it
            first = [first[0].capitalize(), *first[1:]]
            sentence = [sentence[0].lower() if sentence[0] != "I" else "I", *sentence[1:]]
        first = ["I" if t == "i" else t for t in first]
        at = len(out) + a
        labels.append(Label("restart", at, at + len(first), " ".join(first)))
        out += [*sentence[:a], *first, *sentence[a:]]
    return Answer(answer.name + "-made", answer.question, out, labels)


def rows(
    answers: Sequence[Answer], groups_of: Sequence[int] | None = None, kind: str = KIND
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Features, labels and group (answer number unless ``groups_of`` says), one row per
    candidate the ``kind`` of decision weighs."""
    xs, ys, groups = [], [], []
    for a, answer in enumerate(answers):
        words, skip = _prepared(answer)
        restarts = [label for label in answer.labels if label.kind == "restart"]
        for c in candidates(words, skip):
            if (not c.broken) if kind == "broken" else (c.broken or not judgeable(c)):
                continue
            positive = any(
                label.first == c.first[0] and label.first < c.second[0] <= label.last
                for label in restarts
            )
            xs.append(features(c.as_break))
            ys.append(float(positive))
            groups.append(a if groups_of is None else groups_of[a])
    return np.array(xs), np.array(ys), np.array(groups)


def fit(
    x: np.ndarray, y: np.ndarray, l2: float = L2, weight: np.ndarray | None = None
) -> tuple[np.ndarray, float]:
    """Logistic regression by Newton steps, each row weighed by ``weight`` (1 unless given);
    the bias is not penalised."""
    design = np.hstack([x, np.ones((len(x), 1))])
    weight = np.ones(len(y)) if weight is None else weight
    w = np.zeros(design.shape[1])
    penalty = np.full(design.shape[1], l2)
    penalty[-1] = 0.0
    for _ in range(50):
        p = 1 / (1 + np.exp(-(design @ w)))
        gradient = design.T @ (weight * (p - y)) + penalty * w
        hessian = (design.T * (weight * p * (1 - p))) @ design + np.diag(penalty + 1e-9)
        step = np.linalg.solve(hessian, gradient)
        w -= step
        if np.abs(step).max() < 1e-8:
            break
    return w[:-1], float(w[-1])


def tally(
    answers: Sequence[Answer], model: RestartModel, tallies: dict[str, Tally], kind: str = KIND
) -> None:
    """Score ``answers`` by the repetition pipeline with ``model`` as the ``kind`` of decision
    (the other one packaged), as the benchmark does."""
    for answer in answers:
        words, skip = _prepared(answer)
        if kind == "broken":
            found_by = find_repetitions(words, skip, packaged_model(), model)
        else:
            found_by = find_repetitions(words, skip, model)
        found = [
            Found(r.kind, r.word_indices[0], r.word_indices[-1] + len(r.word_indices), r.text)
            for r in found_by
        ]
        labels = [(lb, lb.first, lb.last) for lb in answer.labels if lb.kind != "hedge"]
        match(answer, labels, found, answer.tokens, tallies)


Results = dict[float, dict[str, Tally]]


def training_rows(
    everything: Sequence[Answer], made_from: int, made_weight: float, kind: str = KIND
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The labelled rows of ``everything`` and, when ``made_weight`` > 0, rows of restarts made
    from the fluent sentences of its first ``made_from`` answers (grouped with their source, so
    no left-out answer's sentences are trained on), each weighed ``made_weight``."""
    x, y, groups = rows(everything, kind=kind)
    weight = np.ones(len(y))
    if made_weight > 0:
        made = [made_restarts(a, seed=n) for n, a in enumerate(everything[:made_from])]
        xm, ym, gm = rows(made, groups_of=range(len(made)))
        x, y, groups = np.vstack([x, xm]), np.concatenate([y, ym]), np.concatenate([groups, gm])
        weight = np.concatenate([weight, np.full(len(ym), made_weight)])
    return x, y, groups, weight


def cross_validate(
    answers: Sequence[Answer],
    plain: Sequence[Answer],
    folds: int = FOLDS,
    made_from: int = 0,
    made_weight: float = 0.0,
    kind: str = KIND,
) -> tuple[Results, Results, dict[float, int]]:
    """Left-out tallies per threshold over the labelled answers, over those written after the
    rules were last tuned (``UNTUNED``; the rules' own tuning does not flatter these), and the
    restarts found in the left-out plain answers (all false)."""
    everything = [*answers, *plain]
    x, y, groups, weight = training_rows(everything, made_from, made_weight, kind)
    out = {float(t): {k: Tally() for k in KINDS} for t in GRID}
    untuned = {float(t): {k: Tally() for k in KINDS} for t in GRID}
    in_plain = {float(t): 0 for t in GRID}
    for fold in range(folds):
        train = groups % folds != fold
        weights, bias = fit(x[train], y[train], weight=weight[train])
        left_out = [a for n, a in enumerate(answers) if n % folds == fold]
        plain_out = [a for n, a in enumerate(everything) if n % folds == fold and not a.labels]
        for t in GRID:
            model = RestartModel(tuple(weights), bias, float(t))
            tally(left_out, model, out[float(t)], kind)
            tally([a for a in left_out if a.name >= UNTUNED], model, untuned[float(t)], kind)
            plain_tally = {k: Tally() for k in KINDS}
            tally(plain_out, model, plain_tally, kind)
            in_plain[float(t)] += plain_tally["restart"].fp
    return out, untuned, in_plain


def choose(results: Results, in_plain: dict[float, int], most_in_plain: int) -> float:
    def recall_if_precise(t: float) -> float:
        p, r = results[t]["restart"].scores()
        return r if p >= MIN_PRECISION and in_plain[t] <= most_in_plain else -1.0

    return max(results, key=lambda t: (recall_if_precise(t), t))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--write", action="store_true", help="write the weights file of the kind fitted"
    )
    parser.add_argument(
        "--made",
        choices=("none", "coaching", "all"),
        default=MADE_FROM,
        help="make restarts from the fluent sentences of none, the coaching dev answers, or "
        "those and the filler corpus's dev answers",
    )
    parser.add_argument("--made-weight", type=float, default=MADE_WEIGHT)
    parser.add_argument(
        "--check", default="", help="also score this split with the model fitted on all of dev"
    )
    parser.add_argument(
        "--kind",
        choices=("run-on", "broken"),
        default=KIND,
        help="fit the decision for goes run straight on, or broken off by a comma",
    )
    args = parser.parse_args(argv)
    kind = args.kind
    weights_file = BROKEN_WEIGHTS_FILE if kind == "broken" else WEIGHTS_FILE
    answers = load("dev")
    plain = plain_answers()
    made_from = {"none": 0, "coaching": len(answers), "all": len(answers) + len(plain)}[args.made]
    made_weight = args.made_weight if made_from else 0.0
    results, untuned, in_plain = cross_validate(answers, plain, FOLDS, made_from, made_weight, kind)
    without = {k: Tally() for k in KINDS}
    tally(plain, NEVER, without, kind)
    most_in_plain = without["restart"].fp + MAX_PLAIN_ADDED
    print(f"restarts in the plain answers without this decision: {without['restart'].fp}")
    for t, tallies in results.items():
        cells = []
        for found in ("repeat", "restart"):
            p, r = tallies[found].scores()
            cells.append(f"{found} P {p:.3f} R {r:.3f}")
        p, r = untuned[t]["restart"].scores()
        cells.append(f"restart from {UNTUNED} P {p:.3f} R {r:.3f}")
        cells.append(f"restarts in {len(plain)} plain answers {in_plain[t]}")
        print(f"threshold {t:.2f}: " + " | ".join(cells))
    threshold = choose(results, in_plain, most_in_plain)
    p, r = results[threshold]["restart"].scores()
    print(f"chosen threshold {threshold:.2f}: left-out restart P {p:.3f} R {r:.3f}")
    x, y, _groups, weight = training_rows([*answers, *plain], made_from, made_weight, kind)
    weights, bias = fit(x, y, weight=weight)
    print(f"{len(y)} rows, {int(y.sum())} restarts ({int(y[weight == 1].sum())} labelled)")
    if args.check:
        checked = {k: Tally() for k in KINDS}
        tally(load(args.check), RestartModel(tuple(weights), bias, threshold), checked, kind)
        p_check, r_check = checked["restart"].scores()
        print(f"{args.check} (not fitted on): restart P {p_check:.3f} R {r_check:.3f}")
    for name, w in sorted(zip(FEATURES, weights, strict=True), key=lambda nw: -abs(nw[1])):
        print(f"  {name:22} {w:+.2f}")
    if args.write:
        data = {
            "about": f"{kind} restart decision fitted by benchmarks/restart_fit.py on coaching dev "
            f"({len(answers)} answers); threshold by {FOLDS}-fold cross-validation grouped by "
            f"answer for left-out precision >= {MIN_PRECISION} (left-out P {p:.3f} R {r:.3f})",
            "weights": {
                name: round(float(w), 4) for name, w in zip(FEATURES, weights, strict=True)
            },
            "bias": round(bias, 4),
            "threshold": threshold,
        }
        weights_file.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
        print(f"wrote {weights_file}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
