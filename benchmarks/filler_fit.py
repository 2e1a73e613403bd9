"""Fit the discourse-filler decision (``rehearse/language/data/filler-weights.json``).

One row per discourse candidate the rule tables leave to their default (no rule recognised its
construction; ``explain_fillers(fitted=False)``) in the
written words of every dev answer (``reference_words``' text: the script's punctuation, no pause
heard inside a part) and, with ``--words-from``, in the recognised words of earlier
``filler_accuracy --json`` dumps (the pauses under them measured from the audio, as ``rehearse
score`` does). A row is a filler when ``filler_accuracy``'s alignment matches the candidate to a
labelled discourse filler. One logistic regression a phrase (numpy, Newton steps, L2 penalty)
weighs ``filler_model.features``.

The threshold is chosen by cross-validation grouped by answer (every voice of an answer in the
same fold): weights fitted on the other folds, each left-out candidate scored, and the threshold
kept is the one with the best pooled F1 of discourse fillers. The rules-alone figures on the same
rows are printed beside it, per set (older answers, the newer ones without commas, speech).
Only the dev split is read.

    .venv/bin/python -m benchmarks.filler_fit [--words-from DUMP ...] [--write]
"""

from __future__ import annotations

import argparse
import json
import sys
import zlib
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import numpy as np

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.corpus import DISCOURSE, Answer, load_answers
from benchmarks.filler_accuracy import HypWord, Predicted, SystemOutput, score, stored_words
from benchmarks.make_audio import Audio, ensure_audio
from benchmarks.reference_words import text_audio
from rehearse.language.filler_context import build_context
from rehearse.language.filler_model import WEIGHTS_FILE, features
from rehearse.language.filler_rules import PHRASES
from rehearse.language.fillers import Decision, explain_fillers
from rehearse.text.words import Word

FOLDS = 5
L2 = 1.0
GRID = np.round(np.arange(0.20, 0.81, 0.05), 2)
# The answers written with fillers mid-clause and without commas start here.
NO_COMMAS = 316
# Their rows (and speech rows) count this many times. Counting them 3 or 6 times traded
# precision for recall on them and lost precision on the older answers (left-out F1 lower), so
# every row counts once.
NEW_WEIGHT = 1.0


@dataclass
class Row:
    answer: str
    source: str  # "text-old", "text-new" or "speech"
    phrase: str
    feats: dict[str, float]
    rule_filler: bool
    label: bool
    judged: bool  # decided by its table's default, so the fitted decision weighs it
    context: str = ""


@dataclass
class Missed:
    """Labelled discourse fillers that were never a candidate, per source: always missed."""

    counts: dict[str, int]


def _number(name: str) -> int:
    digits = "".join(ch for ch in name.split("-")[0] if ch.isdigit())
    return int(digits) if name.startswith("h") and digits else -1


def labelled_candidates(
    answer: Answer, audio: Audio, words: list[Word], paused: frozenset[int]
) -> list[tuple[Decision, bool]]:
    """The discourse candidates of one transcript as the rule tables alone decide them, in time
    order, each with whether the alignment matches it to a labelled discourse filler."""
    decisions = explain_fillers(words, paused=paused, fitted=False)
    discourse = [d for d in decisions if d.kind == "discourse"]
    predicted = [
        Predicted("discourse", d.text, d.start, d.end, words=d.word_indices) for d in discourse
    ]
    hyp = [HypWord(w.text, w.start, w.end) for w in words]
    _, log, _ = score(answer, audio, SystemOutput(hyp, predicted, 0.0))
    entries = [e for e in log if e["kind"] == DISCOURSE and "result" in e][: len(discourse)]
    ordered = sorted(discourse, key=lambda d: d.start)
    return [(d, e["result"] == "tp") for d, e in zip(ordered, entries, strict=True)]


def rows_for(
    answer: Answer, audio: Audio, words: list[Word], paused: frozenset[int], source: str
) -> tuple[list[Row], int]:
    """The candidates of one transcript with their labels, and the fillers never a candidate."""
    tokens = [w.norm for w in words]
    default = {p.name: p.rules[-1].name for p in PHRASES}
    rows = []
    for d, label in labelled_candidates(answer, audio, words, paused):
        context = build_context(words, tokens, d.word_indices[0], len(d.word_indices), paused)
        phrase = d.rule.split(".")[0]
        rows.append(
            Row(
                answer.name,
                source,
                phrase,
                features(context, d.rule, d.verdict == "filler"),
                d.verdict == "filler",
                label,
                d.rule == default[phrase],
                " ".join(tokens[max(0, d.word_indices[0] - 5) : d.word_indices[-1] + 5]),
            )
        )
    found = sum(r.label for r in rows)
    return rows, answer.count(DISCOURSE) - found


def text_rows(answers: Sequence[Answer]) -> tuple[list[Row], dict[str, int]]:
    rows: list[Row] = []
    missed: dict[str, int] = defaultdict(int)
    for answer in answers:
        audio, spoken = text_audio(answer)
        words = [Word(w["text"], w["start"], w["end"]) for w in spoken]
        source = "text-new" if _number(answer.name) >= NO_COMMAS else "text-old"
        got, never = rows_for(answer, audio, words, frozenset(), source)
        rows += got
        missed[source] += never
    return rows, missed


def speech_transcripts(
    answers: Sequence[Answer], dumps: Sequence[Path]
) -> Iterator[tuple[Answer, Audio, list[Word], frozenset[int], str]]:
    """Each dev answer's recognised words in the dumps, after the quirks, with the indices of
    words a pause comes before (measured from the audio, as ``rehearse score`` does) and the
    voice."""
    from rehearse.audio.clip import VoiceActivity, load_audio
    from rehearse.scoring.score import paused as paused_words
    from rehearse.speech.quirks import rewrite
    from rehearse.speech.transcribe import describe_model

    stored = stored_words(dumps, "rehearse")
    by_name = {a.name: a for a in answers}
    model = describe_model(None)
    for stem, raw in sorted(stored.items()):
        name, voice = stem.rsplit(".", 1)
        if name not in by_name:
            continue  # not a dev answer
        answer = by_name[name]
        audio, _ = ensure_audio(answer, voice)
        words = list(rewrite([Word(**w) for w in raw], model))
        activity = VoiceActivity.measure(load_audio(audio.path).samples)
        yield answer, audio, words, frozenset(paused_words(words, activity)), voice


def speech_rows(
    answers: Sequence[Answer], dumps: Sequence[Path]
) -> tuple[list[Row], dict[str, int]]:
    rows: list[Row] = []
    missed: dict[str, int] = defaultdict(int)
    for answer, audio, words, paused, _voice in speech_transcripts(answers, dumps):
        got, never = rows_for(answer, audio, words, paused, "speech")
        rows += got
        missed["speech"] += never
    return rows, missed


def vectorise(rows: Sequence[Row], names: Sequence[str]) -> np.ndarray:
    index = {n: k for k, n in enumerate(names)}
    x = np.zeros((len(rows), len(names)))
    for i, row in enumerate(rows):
        for name, value in row.feats.items():
            k = index.get(name)
            if k is not None:
                x[i, k] = value
    return x


def fit_logistic(x: np.ndarray, y: np.ndarray, s: np.ndarray, l2: float = L2) -> np.ndarray:
    """Weights of a logistic regression of ``y`` on ``x``, each row counted ``s`` times."""
    w = np.zeros(x.shape[1])
    penalty = np.full(x.shape[1], l2)
    for _ in range(50):
        p = 1 / (1 + np.exp(-np.clip(x @ w, -30, 30)))
        gradient = x.T @ (s * (p - y)) + penalty * w
        hessian = (x * (s * p * (1 - p))[:, None]).T @ x + np.diag(penalty)
        step = np.linalg.solve(hessian, gradient)
        w -= step
        if np.abs(step).max() < 1e-6:
            break
    return w


def fit(
    rows: Sequence[Row], new_weight: float, pooled: bool = False, l2: float = L2
) -> dict[str, dict[str, float]]:
    """Weights per phrase; a phrase whose rows are all one label keeps the rules alone.

    ``pooled``: one regression over every phrase's rows, each feature once shared and once
    for its phrase, so a phrase with few rows borrows what the others show about clauses; the
    shared and the phrase's own weight are summed into the phrase's table (same file format).
    """
    weights: dict[str, dict[str, float]] = {}
    by_phrase: dict[str, list[Row]] = defaultdict(list)
    for row in rows:
        if row.judged:
            by_phrase[row.phrase].append(row)
    if pooled:
        judged = [r for group in by_phrase.values() for r in group]
        expanded = [
            Row(
                r.answer,
                r.source,
                r.phrase,
                {**r.feats, **{f"{r.phrase}:{n}": v for n, v in r.feats.items()}},
                r.rule_filler,
                r.label,
                r.judged,
            )
            for r in judged
        ]
        names = sorted({n for r in expanded for n in r.feats})
        y = np.array([r.label for r in expanded], float)
        s = np.array([1.0 if r.source == "text-old" else new_weight for r in expanded])
        w = dict(zip(names, fit_logistic(vectorise(expanded, names), y, s, l2), strict=True))
        shared = {n for r in judged for n in r.feats}
        for phrase in sorted(by_phrase):
            table = {n: w.get(n, 0.0) + w.get(f"{phrase}:{n}", 0.0) for n in shared}
            weights[phrase] = {n: round(float(v), 4) for n, v in sorted(table.items()) if v}
        return weights
    for phrase, group in sorted(by_phrase.items()):
        labels = {r.label for r in group}
        if len(labels) < 2:
            continue
        names = sorted({n for r in group for n in r.feats})
        y = np.array([r.label for r in group], float)
        s = np.array([1.0 if r.source == "text-old" else new_weight for r in group])
        w = fit_logistic(vectorise(group, names), y, s, l2)
        weights[phrase] = {n: round(float(v), 4) for n, v in zip(names, w, strict=True) if v}
    return weights


def probability(weights: dict[str, dict[str, float]], row: Row) -> float | None:
    table = weights.get(row.phrase)
    if table is None or not row.judged:
        return None
    z = sum(table.get(n, 0.0) * v for n, v in row.feats.items())
    return float(1 / (1 + np.exp(-np.clip(z, -30, 30))))


def fold(name: str) -> int:
    return zlib.crc32(name.encode()) % FOLDS


class Labelled(Protocol):
    label: bool


def tally(
    rows: Sequence[Labelled], says: Sequence[bool], missed: int
) -> tuple[float, float, int, int, int]:
    tp = sum(1 for r, s in zip(rows, says, strict=True) if s and r.label)
    fp = sum(1 for r, s in zip(rows, says, strict=True) if s and not r.label)
    fn = sum(1 for r, s in zip(rows, says, strict=True) if not s and r.label) + missed
    return tp / max(1, tp + fp), tp / max(1, tp + fn), tp, fp, fn


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--words-from", type=Path, action="append", default=[])
    parser.add_argument("--write", action="store_true")
    parser.add_argument(
        "--new-weight",
        type=float,
        default=NEW_WEIGHT,
        help="how many times a row from the answers without commas, or from speech, counts",
    )
    parser.add_argument("--show", action="store_true", help="list the left-out errors")
    parser.add_argument("--pooled", action="store_true", help="one regression, phrases pooled")
    parser.add_argument("--l2", type=float, default=L2, help="the L2 penalty on the weights")
    args = parser.parse_args(argv)
    answers = load_answers(split="dev")
    rows, missed = text_rows(answers)
    if args.words_from:
        more, missed_speech = speech_rows(answers, args.words_from)
        rows += more
        missed.update(missed_speech)
    print(f"{len(rows)} candidates ({sum(r.label for r in rows)} fillers)", flush=True)
    left_out: list[float | None] = [None] * len(rows)
    for k in range(FOLDS):
        train = [r for r in rows if fold(r.answer) != k]
        weights = fit(train, args.new_weight, args.pooled, args.l2)
        for i, row in enumerate(rows):
            if fold(row.answer) == k:
                left_out[i] = probability(weights, row)

    def decide(threshold: float) -> list[bool]:
        return [
            r.rule_filler if p is None else p >= threshold
            for r, p in zip(rows, left_out, strict=True)
        ]

    def f1(threshold: float) -> float:
        p, r, *_ = tally(rows, decide(threshold), sum(missed.values()))
        return 2 * p * r / max(1e-9, p + r)

    best = max(GRID, key=f1)
    print(f"threshold {best:.2f} (left-out F1 {f1(best):.3f})")
    chosen = decide(best)
    for source in sorted({r.source for r in rows}):
        idx = [i for i, r in enumerate(rows) if r.source == source]
        sub = [rows[i] for i in idx]
        rules = tally(sub, [r.rule_filler for r in sub], missed[source])
        model = tally(sub, [chosen[i] for i in idx], missed[source])
        print(
            f"{source:9} rules P {rules[0]:.3f} R {rules[1]:.3f} ({rules[2]}, {rules[3]}, "
            f"{rules[4]})   fitted, left out P {model[0]:.3f} R {model[1]:.3f} ({model[2]}, "
            f"{model[3]}, {model[4]})"
        )
        by_phrase: dict[str, list[int]] = defaultdict(list)
        for i in idx:
            by_phrase[rows[i].phrase].append(i)
        for phrase, members in sorted(by_phrase.items()):
            sub = [rows[i] for i in members]
            rules = tally(sub, [r.rule_filler for r in sub], 0)
            model = tally(sub, [chosen[i] for i in members], 0)
            print(
                f"    {phrase:10} rules ({rules[2]}, {rules[3]}, {rules[4]})   fitted "
                f"({model[2]}, {model[3]}, {model[4]})"
            )
    if args.show:
        for row, says, p in zip(rows, chosen, left_out, strict=True):
            if says != row.label and row.source != "text-old":
                print(
                    f"  {row.source} {row.answer[:5]} {'fp' if says else 'fn'} "
                    f"{row.phrase} {p or 0:.2f} rules={row.rule_filler}: {row.context}"
                )
    if args.write:
        weights = fit(rows, args.new_weight, args.pooled, args.l2)
        data: dict[str, Any] = {"threshold": float(best), "weights": weights}
        WEIGHTS_FILE.write_text(json.dumps(data, indent=1, sort_keys=True) + "\n")
        print(f"wrote {WEIGHTS_FILE}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
