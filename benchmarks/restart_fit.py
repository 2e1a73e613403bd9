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
Only the dev split is read.

    .venv/bin/python -m benchmarks.restart_fit [--write]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Sequence
from pathlib import Path

import numpy as np

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.coaching_accuracy import KINDS, Answer, Found, Tally, load, match, text_words
from benchmarks.corpus import load_answers
from rehearse.language.fillers import find_fillers
from rehearse.language.repetition import candidates, find_repetitions, judgeable
from rehearse.language.restart_model import FEATURES, WEIGHTS_FILE, RestartModel, features
from rehearse.scoring.habits import find_habits
from rehearse.text.words import Word

FOLDS = 5
L2 = 1.0
MIN_PRECISION = 0.93
# ... and at most this many restarts (all false) in the plain answers left out.
MAX_PLAIN_RESTARTS = 20
# The rules in ``repetition`` were tuned on the answers before this one.
UNTUNED = "k61"
GRID = np.round(np.arange(0.15, 0.96, 0.05), 2)


def _skip(words: Sequence[Word]) -> set[int]:
    """The words the report keeps out of repetitions (fillers other than hesitations)."""
    habits = find_habits(words, find_fillers(words))
    return {i for f in habits.fillers for i in f.word_indices if f.kind != "hesitation"}


def plain_answers() -> list[Answer]:
    """The filler corpus's dev answers as unlabelled text: their markup dropped, every candidate
    in them a negative (they were written for fillers; a restart in them is rare)."""
    out = []
    for answer in load_answers(split="dev"):
        text = " ".join(part for part in answer.parts if isinstance(part, str))
        out.append(Answer(answer.name, answer.question, re.sub(r"[{}<>]", "", text).split(), []))
    return out


def rows(answers: Sequence[Answer]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Features, labels and answer number, one row per judgeable candidate."""
    xs, ys, groups = [], [], []
    for a, answer in enumerate(answers):
        words = text_words(answer)
        restarts = [label for label in answer.labels if label.kind == "restart"]
        for c in candidates(words, _skip(words)):
            if not judgeable(c):
                continue
            positive = any(
                label.first == c.first[0] and label.first < c.second[0] <= label.last
                for label in restarts
            )
            xs.append(features(c.as_break))
            ys.append(float(positive))
            groups.append(a)
    return np.array(xs), np.array(ys), np.array(groups)


def fit(x: np.ndarray, y: np.ndarray, l2: float = L2) -> tuple[np.ndarray, float]:
    """Logistic regression by Newton steps; the bias is not penalised."""
    design = np.hstack([x, np.ones((len(x), 1))])
    w = np.zeros(design.shape[1])
    penalty = np.full(design.shape[1], l2)
    penalty[-1] = 0.0
    for _ in range(50):
        p = 1 / (1 + np.exp(-(design @ w)))
        gradient = design.T @ (p - y) + penalty * w
        hessian = (design.T * (p * (1 - p))) @ design + np.diag(penalty + 1e-9)
        step = np.linalg.solve(hessian, gradient)
        w -= step
        if np.abs(step).max() < 1e-8:
            break
    return w[:-1], float(w[-1])


def tally(answers: Sequence[Answer], model: RestartModel, tallies: dict[str, Tally]) -> None:
    """Score ``answers`` by the repetition pipeline with ``model``, as the benchmark does."""
    for answer in answers:
        words = text_words(answer)
        found = [
            Found(r.kind, r.word_indices[0], r.word_indices[-1] + len(r.word_indices), r.text)
            for r in find_repetitions(words, _skip(words), model)
        ]
        labels = [(lb, lb.first, lb.last) for lb in answer.labels if lb.kind != "hedge"]
        match(answer, labels, found, answer.tokens, tallies)


Results = dict[float, dict[str, Tally]]


def cross_validate(
    answers: Sequence[Answer], plain: Sequence[Answer], folds: int = FOLDS
) -> tuple[Results, Results, dict[float, int]]:
    """Left-out tallies per threshold over the labelled answers, over those written after the
    rules were last tuned (``UNTUNED``; the rules' own tuning does not flatter these), and the
    restarts found in the left-out plain answers (all false)."""
    everything = [*answers, *plain]
    x, y, groups = rows(everything)
    out = {float(t): {k: Tally() for k in KINDS} for t in GRID}
    untuned = {float(t): {k: Tally() for k in KINDS} for t in GRID}
    in_plain = {float(t): 0 for t in GRID}
    for fold in range(folds):
        train = groups % folds != fold
        weights, bias = fit(x[train], y[train])
        left_out = [a for n, a in enumerate(answers) if n % folds == fold]
        plain_out = [a for n, a in enumerate(everything) if n % folds == fold and not a.labels]
        for t in GRID:
            model = RestartModel(tuple(weights), bias, float(t))
            tally(left_out, model, out[float(t)])
            tally([a for a in left_out if a.name >= UNTUNED], model, untuned[float(t)])
            plain_tally = {k: Tally() for k in KINDS}
            tally(plain_out, model, plain_tally)
            in_plain[float(t)] += plain_tally["restart"].fp
    return out, untuned, in_plain


def choose(results: Results, in_plain: dict[float, int]) -> float:
    def recall_if_precise(t: float) -> float:
        p, r = results[t]["restart"].scores()
        return r if p >= MIN_PRECISION and in_plain[t] <= MAX_PLAIN_RESTARTS else -1.0

    return max(results, key=lambda t: (recall_if_precise(t), t))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help=f"write {WEIGHTS_FILE.name}")
    args = parser.parse_args(argv)
    answers = load("dev")
    plain = plain_answers()
    results, untuned, in_plain = cross_validate(answers, plain)
    for t, tallies in results.items():
        cells = []
        for kind in ("repeat", "restart"):
            p, r = tallies[kind].scores()
            cells.append(f"{kind} P {p:.3f} R {r:.3f}")
        p, r = untuned[t]["restart"].scores()
        cells.append(f"restart from {UNTUNED} P {p:.3f} R {r:.3f}")
        cells.append(f"restarts in {len(plain)} plain answers {in_plain[t]}")
        print(f"threshold {t:.2f}: " + " | ".join(cells))
    threshold = choose(results, in_plain)
    p, r = results[threshold]["restart"].scores()
    print(f"chosen threshold {threshold:.2f}: left-out restart P {p:.3f} R {r:.3f}")
    x, y, _groups = rows([*answers, *plain])
    weights, bias = fit(x, y)
    print(f"{len(y)} rows, {int(y.sum())} restarts")
    for name, w in sorted(zip(FEATURES, weights, strict=True), key=lambda nw: -abs(nw[1])):
        print(f"  {name:22} {w:+.2f}")
    if args.write:
        data = {
            "about": "restart decision fitted by benchmarks/restart_fit.py on coaching dev "
            f"({len(answers)} answers); threshold by {FOLDS}-fold cross-validation grouped by "
            f"answer for left-out precision >= {MIN_PRECISION} (left-out P {p:.3f} R {r:.3f})",
            "weights": {
                name: round(float(w), 4) for name, w in zip(FEATURES, weights, strict=True)
            },
            "bias": round(bias, 4),
            "threshold": threshold,
        }
        WEIGHTS_FILE.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
        print(f"wrote {WEIGHTS_FILE}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
