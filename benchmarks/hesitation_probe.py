"""Probe: can a small classifier over Whisper's own encoder output find the hesitations said
without pauses that the transcript misses ("we uh retrained" heard as "we retrained" or
"we I'm retrained")?

Units, from the words of a ``filler_accuracy --json`` dump (rehearse's transcript):

* every recognised word (a hesitation heard as a word: "a", "and", "I'm");
* every boundary between two recognised words (a hesitation folded into its neighbours).

Each unit's feature is the tiny.en encoder output (384 numbers every 20 ms, each 30 s window
encoded once) pooled over the unit's time: the mean and the maximum. Labels come from the
benchmark's own alignment of the recognised words with the reference: a word aligned with a
reference hesitation is positive; a boundary where a reference hesitation was dropped is
positive; a unit next to or inside a region mixing a hesitation with other words is left out.

Validation is leave one voice family out: a logistic regression is fitted on four families, its
threshold set on them, and it is scored on the fifth. The figure is what it would add to the
transcript's hesitations: the misses it finds and the false hesitations it makes.

    .venv/bin/python -m benchmarks.hesitation_probe --dump benchmarks/out/dev316.json
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import ctranslate2
import numpy as np

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.corpus import HESITATION, HESITATION_SPELLINGS, load_answers
from benchmarks.filler_accuracy import HypWord, align, hyp_tokens

OUT = Path(__file__).resolve().parent / "out"
FRAME = 0.02  # encoder frame: 30 s window -> 1500 frames
WINDOW = 30.0
BOUNDARY_REACH = 0.1


def encoder_frames(model: Any, samples: np.ndarray) -> np.ndarray:
    """(frames, 384) encoder output over the whole recording, 30 s windows encoded once each."""
    hop = int(WINDOW * 16000)
    full = model.feature_extractor.nb_max_frames
    out = []
    for first in range(0, len(samples), hop):
        clip = samples[first : first + hop]
        features = model.feature_extractor(clip)
        frames = features.shape[-1]
        features = np.pad(features, ((0, 0), (0, max(0, full - frames))))[:, :full]
        encoded = model.encode(np.ascontiguousarray(features[None], dtype=np.float32))
        enc = np.array(encoded.to_device(ctranslate2.Device.cpu))[0]
        own = round(len(clip) / 16000 / FRAME)
        out.append(enc[:own])
    return np.concatenate(out).astype(np.float32)


def pooled(enc: np.ndarray, start: float, end: float) -> np.ndarray:
    a = max(0, int(start / FRAME))
    b = min(len(enc), max(a + 1, int(np.ceil(end / FRAME))))
    if a >= len(enc):
        a, b = len(enc) - 1, len(enc)
    chunk = enc[a:b]
    return np.concatenate([chunk.mean(0), chunk.max(0), [end - start]])


@dataclass
class Unit:
    family: str
    answer: str
    kind: str  # "word" or "gap"
    index: int  # word index, or the word before the gap
    label: int  # 1 hesitation, 0 not, -1 left out
    missed: bool  # a hesitation the transcript does not have (a miss to find)
    text: str
    features: np.ndarray


def label_units(
    answer: Any, words: list[HypWord]
) -> tuple[list[int], list[int], list[bool], list[bool]]:
    """Per word and per gap (after word i): label, and whether it is a miss of the transcript."""
    ref = [t.norm for t in answer.tokens]
    kinds = [t.kind for t in answer.tokens]
    hyp, owner = hyp_tokens(words)
    n = len(words)
    word_label = [0] * n
    word_missed = [False] * n
    gap_label = [0] * max(0, n - 1)
    gap_missed = [False] * max(0, n - 1)
    for region in align(ref, hyp):
        hes = [i for i in range(*region.ref) if kinds[i] == HESITATION]
        hyp_words = sorted({owner[j] for j in range(*region.hyp)})
        if region.equal:
            if hes:
                for w in hyp_words:
                    word_label[w] = 1
            continue
        if not hes:
            continue
        only_hes = len(hes) == region.ref[1] - region.ref[0]
        if hyp_words:
            for w in hyp_words:
                heard_hes = words[w].text.lower().strip(",.?!") in HESITATION_SPELLINGS
                if only_hes and len(hyp_words) <= len(hes):
                    word_label[w] = 1
                    word_missed[w] = not heard_hes
                else:
                    word_label[w] = -1
            for w in range(hyp_words[0] - 1, hyp_words[-1] + 1):
                if 0 <= w < n - 1:
                    gap_label[w] = -1
        else:
            # dropped: the gap between the words either side of the region
            j = region.hyp[0]
            before = owner[j - 1] if j > 0 else None
            after = owner[j] if j < len(owner) else None
            if before is not None and after is not None and after == before + 1:
                if only_hes:
                    gap_label[before] = 1
                    gap_missed[before] = True
                else:
                    gap_label[before] = -1
                for w in (before, after):
                    if word_label[w] == 0:
                        word_label[w] = -1
    # a gap beside a hesitation word holds that word's sound: left out
    for w in range(n):
        if word_label[w] == 1:
            for g in (w - 1, w):
                if 0 <= g < n - 1 and gap_label[g] == 0:
                    gap_label[g] = -1
    return word_label, gap_label, word_missed, gap_missed


def build_units(dump: Path, model: Any) -> list[Unit]:
    import json

    from rehearse.audio.clip import load_audio

    data = json.loads(dump.read_text())
    answers = {a.name: a for a in load_answers()}
    units: list[Unit] = []
    cache = OUT / "probe"
    cache.mkdir(parents=True, exist_ok=True)
    for entry in data["files"]:
        answer = answers[entry["answer"]]
        voice = entry["voice"]
        words = [HypWord(**w) for w in entry["words"]]
        enc_path = cache / f"{answer.name}.{voice}.npy"
        if enc_path.exists():
            enc = np.load(enc_path).astype(np.float32)
        else:
            clip = load_audio(OUT / "audio" / f"{answer.name}.{voice}.wav")
            enc = encoder_frames(model, clip.samples)
            np.save(enc_path, enc.astype(np.float16))
        wl, gl, wm, gm = label_units(answer, words)
        family = voice  # flite's awb and rms are told apart: unit selection and diphones
        for i, w in enumerate(words):
            units.append(
                Unit(
                    family,
                    answer.name,
                    "word",
                    i,
                    wl[i],
                    wm[i],
                    w.text,
                    pooled(enc, w.start, w.end),
                )
            )
        for i in range(len(words) - 1):
            a, b = words[i], words[i + 1]
            start, end = a.end - BOUNDARY_REACH, b.start + BOUNDARY_REACH
            units.append(
                Unit(
                    family,
                    answer.name,
                    "gap",
                    i,
                    gl[i],
                    gm[i],
                    f"{a.text}|{b.text}",
                    pooled(enc, start, end),
                )
            )
    return units


def fit_logistic(x: np.ndarray, y: np.ndarray, l2: float = 1.0, steps: int = 300) -> np.ndarray:
    """Weights (with bias last) of an L2 logistic regression fitted by Adam, the two classes
    weighted equally (hesitations are 1-2 % of the units)."""
    xb = np.hstack([x, np.ones((len(x), 1))])
    w = np.zeros(xb.shape[1])
    pos = y.mean()
    sw = np.where(y == 1, 0.5 / pos, 0.5 / (1 - pos))
    m = np.zeros_like(w)
    v = np.zeros_like(w)
    lr = 0.05
    for t in range(1, steps + 1):
        p = 1 / (1 + np.exp(-(xb @ w)))
        grad = xb.T @ (sw * (p - y)) / len(y) + l2 * np.r_[w[:-1], 0] / len(y)
        m = 0.9 * m + 0.1 * grad
        v = 0.999 * v + 0.001 * grad**2
        w -= lr * (m / (1 - 0.9**t)) / (np.sqrt(v / (1 - 0.999**t)) + 1e-8)
    return w


def standardised_fit(x: np.ndarray, y: np.ndarray, l2: float) -> tuple[np.ndarray, float]:
    """Weights and bias on the raw features (the standardisation folded in)."""
    mu, sd = x.mean(0), x.std(0) + 1e-6
    w = fit_logistic((x - mu) / sd, y, l2)
    weights = w[:-1] / sd
    return weights, float(w[-1] - (mu * weights).sum())


def out_of_fold_scores(x: np.ndarray, y: np.ndarray, groups: np.ndarray, l2: float) -> np.ndarray:
    """Each unit's score by a model fitted on the other groups (families) only."""
    scores = np.empty(len(y))
    for g in np.unique(groups):
        out = groups == g
        weights, bias = standardised_fit(x[~out], y[~out], l2)
        scores[out] = x[out] @ weights + bias
    return scores


def threshold_at(scores: np.ndarray, y: np.ndarray, fp_rate: float) -> float:
    """The score above which ``fp_rate`` of the negatives lie."""
    negatives = np.sort(scores[y == 0])[::-1]
    return float(negatives[min(len(negatives) - 1, int(fp_rate * len(negatives)))])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--dump", type=Path, action="append", required=True)
    parser.add_argument("--l2", type=float, default=10.0)
    parser.add_argument(
        "--fp-rate",
        type=lambda text: [float(v) for v in text.split(",")],
        default=[0.002],
        help="threshold: this share of the training families' negatives flagged out of family",
    )
    parser.add_argument("--write", type=Path, default=None, help="fit on all, write weights")
    args = parser.parse_args(argv)
    import json

    from faster_whisper import WhisperModel

    from rehearse.speech.transcribe import bundled_model_path

    model = WhisperModel(
        str(bundled_model_path()), device="cpu", compute_type="int8", cpu_threads=1
    )
    units = [u for d in args.dump for u in build_units(d, model)]
    units = [u for u in units if u.label >= 0]
    families = sorted({u.family for u in units})
    shipped: dict[str, Any] = {}
    for kind in ("word", "gap"):
        sel = [u for u in units if u.kind == kind]
        x = np.stack([u.features for u in sel])
        y = np.array([u.label for u in sel], dtype=float)
        fam = np.array([u.family for u in sel])
        missed = np.array([u.missed for u in sel])
        print(f"\n{kind}: {len(sel)} units, {int(y.sum())} hesitations, {int(missed.sum())} missed")
        for held in families:
            tr, te = fam != held, fam == held
            weights, bias = standardised_fit(x[tr], y[tr], args.l2)
            scores = x[te] @ weights + bias
            inner = out_of_fold_scores(x[tr], y[tr], fam[tr], args.l2)
            for rate in args.fp_rate:
                thr = threshold_at(inner, y[tr], rate)
                flag = scores > thr
                yt, mt = y[te], missed[te]
                found = int((flag & mt).sum())
                fp = int((flag & (yt == 0)).sum())
                texts = [u.text for u, t in zip(sel, te, strict=True) if t]
                false = [t for t, f, lab in zip(texts, flag, yt, strict=True) if f and lab == 0]
                print(
                    f"  held out {held:10} rate {rate:.4f} misses found {found}/{int(mt.sum())}"
                    f"  false {fp}/{int((yt == 0).sum())}: {', '.join(false[:8])}"
                )
        if args.write:
            thr = threshold_at(out_of_fold_scores(x, y, fam, args.l2), y, args.fp_rate[0])
            weights, bias = standardised_fit(x, y, args.l2)
            shipped[kind] = {
                "weights": [round(float(v), 6) for v in weights],
                "bias": bias,
                "threshold": thr,
            }
    if args.write:
        args.write.write_text(json.dumps(shipped))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
