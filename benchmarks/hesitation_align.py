"""Probe and fit: hesitations run into their neighbours, found by a second acoustic model
(CMU's en-us model in ``pocketsphinx``) aligning Whisper's own words with the sound through a
grammar that lets a hesitation stand before any word or in place of a short one
(``benchmarks/verbatim.py``).

Each candidate the alignment puts in is labelled by the benchmark's own scoring
(``filler_accuracy.score``): every candidate is added to rehearse's stored hesitations at once
and each that matches an unmatched reference hesitation is a true one. A small logistic decision
over the candidate's features is validated leave one voice family out: fitted on four families,
its threshold set on them out of family (each of the four scored by a model fitted on the other
three) as the lowest at which their pooled candidates reach ``--precision``, then scored on the
fifth end to end: the kept hesitations go into the transcript, rehearse's filler rules run on it,
and the family's hesitation precision and recall are printed against rehearse's without them.
``--write`` fits on every family and writes the shipped weights.

    .venv/bin/python -m benchmarks.hesitation_align --dump benchmarks/out/dev366.json \\
        --dump benchmarks/out/heldout376.json [--write]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any

import numpy as np

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import verbatim
from benchmarks.corpus import HESITATION, load_answers
from benchmarks.filler_accuracy import HypWord, Predicted, SystemOutput, score
from benchmarks.hesitation_probe import out_of_fold_scores, standardised_fit
from benchmarks.make_audio import ensure_audio
from rehearse.audio.clip import VoiceActivity, load_audio
from rehearse.scoring.score import detect_fillers
from rehearse.speech.quirks import rewrite
from rehearse.speech.transcribe import describe_model
from rehearse.text.words import Word

OUT = Path(__file__).resolve().parent / "out"
CACHE = OUT / "verbatim"
WEIGHTS = verbatim.WEIGHTS


def _output(words: list[Word], activity: VoiceActivity, extra: list[int]) -> SystemOutput:
    """What rehearse reports on ``words``, plus the words at ``extra`` as hesitations."""
    fillers = detect_fillers(words, activity)
    predicted = [
        Predicted(str(f.kind), str(f.text), float(f.start), float(f.end), words=f.word_indices)
        for f in fillers
    ]
    taken = {i for p in predicted for i in (p.words or ())}
    predicted += [
        Predicted(HESITATION, words[i].text, words[i].start, words[i].end, words=(i,))
        for i in extra
        if i not in taken
    ]
    hyp = [HypWord(w.text, w.start, w.end, w.probability) for w in words]
    return SystemOutput(hyp, predicted, 0.0)


def _hesitation_tally(answer: Any, audio: Any, output: SystemOutput) -> tuple[int, int, int]:
    tallies, _log, _wer = score(answer, audio, output)
    t = tallies[HESITATION]
    return t.tp, t.fp, t.fn


def collect(dumps: list[Path], split: str = "dev") -> list[dict[str, Any]]:
    """Per recording: its candidates with features and labels, and the tallies before."""
    answers = {a.name: a for a in load_answers(split=split)}
    name = describe_model(None)
    CACHE.mkdir(parents=True, exist_ok=True)
    files = []
    for dump in dumps:
        for entry in json.loads(dump.read_text())["files"]:
            if entry["system"] != "rehearse":
                continue
            answer = answers[entry["answer"]]
            audio = ensure_audio(answer, entry["voice"])[0]
            words = list(rewrite([Word(**w) for w in entry["words"]], name))
            key = hashlib.sha1(
                (json.dumps([asdict(w) for w in words]) + verbatim.VERSION).encode()
            ).hexdigest()[:12]
            cache = CACHE / f"{audio.path.stem}-{key}.json"
            samples = load_audio(audio.path).samples
            activity = VoiceActivity.measure(samples)
            if cache.exists():
                stored = json.loads(cache.read_text())
            else:
                started = time.perf_counter()
                found = verbatim.candidates(words, samples)
                stored = {
                    "seconds": time.perf_counter() - started,
                    "candidates": [asdict(c) for c in found],
                }
                cache.write_text(json.dumps(stored))
            found = [verbatim.Candidate(**c) for c in stored["candidates"]]
            # label: every candidate in at once, each scored as a hesitation of its own
            merged = list(verbatim.apply(words, found))
            at = {(w.start, w.end, w.text): i for i, w in enumerate(merged)}
            extra = [at[(c.start, c.end, c.text)] for c in found]
            output = _output(merged, activity, extra)
            _tallies, log, _wer = score(answer, audio, output)
            good = {
                (e["start"], e["end"])
                for e in log
                if e["kind"] == HESITATION and e["result"] == "tp"
            }
            labels = [int((c.start, c.end) in good) for c in found]
            before = _hesitation_tally(answer, audio, _output(words, activity, []))
            files.append(
                {
                    "family": entry["voice"],
                    "answer": answer,
                    "audio": audio,
                    "words": words,
                    "activity": activity,
                    "candidates": found,
                    "labels": labels,
                    "before": before,
                    "seconds": stored["seconds"],
                    "audio_seconds": len(samples) / 16000,
                }
            )
            print(
                f"{entry['voice']:10} {answer.name:28} {len(found):3} candidates,"
                f" {sum(labels):2} true; before tp/fp/fn {before}; {stored['seconds']:.1f} s",
                file=sys.stderr,
            )
    return files


def matrix(files: list[dict[str, Any]]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rows, ys, fams = [], [], []
    for f in files:
        for row, y in zip(verbatim.weighed(f["candidates"]), f["labels"], strict=True):
            rows.append([row[n] for n in verbatim.FEATURES])
            ys.append(y)
            fams.append(f["family"])
    return np.array(rows, dtype=float), np.array(ys), np.array(fams)


def auc(scores: np.ndarray, y: np.ndarray) -> float:
    ranks = np.argsort(np.argsort(scores)) + 1.0
    pos = int(y.sum())
    return float((ranks[y == 1].sum() - pos * (pos + 1) / 2) / max(1, pos * (len(y) - pos)))


def threshold_for(scores: np.ndarray, y: np.ndarray, precision: float) -> float:
    """The lowest score at which the candidates above it reach ``precision``."""
    order = np.argsort(-scores)
    tp = np.cumsum(y[order])
    n = np.arange(1, len(order) + 1)
    ok = np.nonzero(tp / n >= precision)[0]
    if not len(ok):
        return float("inf")
    return float(scores[order][ok.max()])


def end_to_end(files: list[dict[str, Any]], keep: dict[int, list[bool]]) -> tuple[int, int, int]:
    tp = fp = fn = 0
    for n, f in enumerate(files):
        kept = [c for c, k in zip(f["candidates"], keep[n], strict=True) if k]
        words = list(verbatim.apply(f["words"], kept))
        t = _hesitation_tally(f["answer"], f["audio"], _output(words, f["activity"], []))
        tp, fp, fn = tp + t[0], fp + t[1], fn + t[2]
    return tp, fp, fn


def pr(t: tuple[int, int, int]) -> str:
    tp, fp, fn = t
    return f"{tp / max(1, tp + fp):.2f} / {tp / max(1, tp + fn):.2f} ({tp}, {fp}, {fn})"


def lofo(
    files: list[dict[str, Any]],
    x: np.ndarray,
    y: np.ndarray,
    fams: np.ndarray,
    l2: float,
    precision: float,
) -> None:
    """Each family scored end to end by a decision fitted and thresholded on the other four."""
    for g in np.unique(fams):
        train = fams != g
        inner = out_of_fold_scores(x[train], y[train], fams[train], l2)
        threshold = threshold_for(inner, y[train], precision)
        w, b = standardised_fit(x[train], y[train], l2)
        scores = x @ w + b
        chosen = [n for n, f in enumerate(files) if f["family"] == g]
        offsets = np.cumsum([0] + [len(f["candidates"]) for f in files])
        keep = {
            i: list(scores[offsets[n] : offsets[n + 1]] >= threshold) for i, n in enumerate(chosen)
        }
        tp, fp, fn = (sum(files[n]["before"][i] for n in chosen) for i in range(3))
        before = (tp, fp, fn)
        after = end_to_end([files[n] for n in chosen], keep)
        sel = fams == g
        found = int(((scores >= threshold) & sel & (y == 1)).sum())
        false = int(((scores >= threshold) & sel & (y == 0)).sum())
        print(f"  {g:10} {pr(before):24} {pr(after):24} {found:5} {false:5}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--dump", type=Path, action="append", required=True)
    parser.add_argument("--l2", type=float, default=10.0)
    parser.add_argument(
        "--precision",
        type=lambda text: [float(v) for v in text.split(",")],
        default=[0.95],
        help="the threshold: the training families' candidates above it reach this precision",
    )
    parser.add_argument("--write", action="store_true", help="fit on all, write the weights")
    parser.add_argument(
        "--apply",
        action="store_true",
        help="no fitting: the stored weights decide (for a held-out set, after its freeze)",
    )
    parser.add_argument("--split", default="dev", help="the answers the dumps hold")
    args = parser.parse_args(argv)
    files = collect(args.dump, args.split)
    x, y, fams = matrix(files)
    print(f"\n{len(y)} candidates, {int(y.sum())} true", file=sys.stderr)
    for g in np.unique(fams):
        sel = fams == g
        print(f"  {g:10} {int(sel.sum()):5} candidates, {int(y[sel].sum()):3} true")
    seconds = sum(f["seconds"] for f in files)
    audio = sum(f["audio_seconds"] for f in files)
    per = seconds / audio * 90
    print(f"aligner: {seconds:.1f} s for {audio:.0f} s of audio ({per:.2f} s per 90 s)")
    if args.apply:
        weights = verbatim.load_weights()
        print(f"\nthe stored decision ({WEIGHTS.name}, threshold {weights.threshold}):")
        print("  family     before P / R (TP, FP, FN)  after                    found false")
        for g in np.unique(fams):
            chosen = [f for f in files if f["family"] == g]
            keep = {
                n: [weights.probability(r) >= weights.threshold for r in verbatim.weighed(c)]
                for n, c in enumerate(f["candidates"] for f in chosen)
            }
            tp, fp, fn = (sum(f["before"][i] for f in chosen) for i in range(3))
            labels = [
                y
                for n, f in enumerate(chosen)
                for y, k in zip(f["labels"], keep[n], strict=True)
                if k
            ]
            after = end_to_end(chosen, keep)
            print(f"  {g:10} {pr((tp, fp, fn)):24} {pr(after):24} {sum(labels):5}", end="")
            print(f" {len(labels) - sum(labels):5}")
        return 0
    scores = out_of_fold_scores(x, y, fams, args.l2)
    print("\nranking out of family: family | AUC | true among its top 10, 20, 40 candidates")
    for g in np.unique(fams):
        sel = fams == g
        ranked = y[sel][np.argsort(-scores[sel])]
        tops = ", ".join(str(int(ranked[:k].sum())) for k in (10, 20, 40))
        print(f"  {g:10} {auc(scores[sel], y[sel]):.2f}  {tops}")
    for precision in args.precision:
        print(f"\nleave one family out, threshold at precision {precision} on the other four:")
        print("  family     before P / R (TP, FP, FN)  after                    found false")
        lofo(files, x, y, fams, args.l2, precision)
    if args.write:
        scores = out_of_fold_scores(x, y, fams, args.l2)
        threshold = threshold_for(scores, y, args.precision[0])
        mu, sd = x.mean(0), x.std(0) + 1e-6
        w, b = standardised_fit(x, y, args.l2)
        # stored on the standardised scale the runtime reads
        coef = w * sd
        intercept = b + float((mu * w).sum())
        prob = 1 / (1 + np.exp(-threshold)) if np.isfinite(threshold) else 1.0
        WEIGHTS.write_text(
            json.dumps(
                {
                    "about": "benchmarks/hesitation_align.py --write",
                    "features": list(verbatim.FEATURES),
                    "mean": mu.round(6).tolist(),
                    "scale": sd.round(6).tolist(),
                    "coef": coef.round(6).tolist(),
                    "intercept": round(intercept, 6),
                    "threshold": round(float(prob), 6),
                },
                indent=1,
            )
            + "\n"
        )
        print(f"wrote {WEIGHTS}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
