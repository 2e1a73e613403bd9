"""Probe: does MiniLM's contextual vector of a discourse phrase tell filler from content?

Rows are the discourse candidates of every dev answer's text (with its commas and with them
taken out, as a recogniser may write it) and, with ``--words-from``, of recognised words in
``filler_accuracy --json`` dumps. Each gets ``filler_model.features`` plus the mean of MiniLM's
last hidden states over the phrase's tokens, read in a window of words around it. Scored by
leaving one writer's batch out at a time (the newer writers, h316 on), so a figure says how the
decision carries to a writer it never saw.

    .venv/bin/python -m benchmarks.filler_context_probe [--words-from DUMP ...]
"""

from __future__ import annotations

import argparse
import pickle
import sys
import zlib
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.corpus import DISCOURSE, Answer, load_answers
from benchmarks.filler_fit import (
    _number,
    fit_logistic,
    labelled_candidates,
    speech_transcripts,
    tally,
)
from benchmarks.make_audio import Audio
from benchmarks.reference_words import CLAUSE_MARKS, text_audio
from rehearse.language.filler_context import build_context
from rehearse.language.filler_model import features
from rehearse.language.filler_rules import PHRASES
from rehearse.language.fillers import explain_fillers
from rehearse.text.words import Word

WINDOW = 10
# The hidden states are divided by this before the regression, to sit near the 0/1 features.
SCALE = 4.0
BATCHES = (316, 336, 356, 376, 396, 416, 446, 466, 486)


def batch(name: str) -> int:
    n = _number(name)
    if n < BATCHES[0]:
        return -1
    return max(b for b in BATCHES if b <= n)


@dataclass
class Row:
    answer: str
    source: str
    phrase: str
    feats: dict[str, float]
    rule_filler: bool
    shipped: bool
    judged: bool
    label: bool
    window: str
    span: tuple[int, int]
    vec: np.ndarray = field(default_factory=lambda: np.zeros(0))


def rows_for(
    answer: Answer, audio: Audio, words: list[Word], paused: frozenset[int], source: str
) -> tuple[list[Row], int]:
    tokens = [w.norm for w in words]
    fitted = {
        d.word_indices: d.verdict == "filler"
        for d in explain_fillers(words, paused=paused)
        if d.kind == "discourse"
    }
    default = {p.name: p.rules[-1].name for p in PHRASES}
    rows = []
    for d, label in labelled_candidates(answer, audio, words, paused):
        i, j = d.word_indices[0], d.word_indices[-1]
        context = build_context(words, tokens, i, len(d.word_indices), paused)
        phrase = d.rule.split(".")[0]
        lo, hi = max(0, i - WINDOW), min(len(words), j + 1 + WINDOW)
        before = " ".join(w.text.strip() for w in words[lo:i])
        said = " ".join(w.text.strip() for w in words[i : j + 1])
        after = " ".join(w.text.strip() for w in words[j + 1 : hi])
        start = len(before) + (1 if before else 0)
        window = " ".join(p for p in (before, said, after) if p)
        rows.append(
            Row(
                answer.name,
                source,
                phrase,
                features(context, d.rule, d.verdict == "filler"),
                d.verdict == "filler",
                fitted.get(d.word_indices, d.verdict == "filler"),
                d.rule == default[phrase],
                label,
                window,
                (start, start + len(said)),
            )
        )
    return rows, answer.count(DISCOURSE) - sum(r.label for r in rows)


def text_rows(answers: Sequence[Answer]) -> tuple[list[Row], dict[str, int]]:
    rows: list[Row] = []
    missed: dict[str, int] = defaultdict(int)
    for answer in answers:
        audio, spoken = text_audio(answer)
        for commas in (True, False):
            texts = [w["text"] if commas else w["text"].translate(CLAUSE_MARKS) for w in spoken]
            words = [Word(t, w["start"], w["end"]) for t, w in zip(texts, spoken, strict=True)]
            source = "text" if commas else "nocomma"
            got, never = rows_for(answer, audio, words, frozenset(), source)
            rows += got
            missed[f"{source}:{answer.name}"] += never
    return rows, missed


def speech_rows(
    answers: Sequence[Answer], dumps: Sequence[Path]
) -> tuple[list[Row], dict[str, int]]:
    rows: list[Row] = []
    missed: dict[str, int] = defaultdict(int)
    for answer, audio, words, paused, voice in speech_transcripts(answers, dumps):
        got, never = rows_for(answer, audio, words, paused, f"speech-{voice}")
        rows += got
        missed[f"speech-{voice}:{answer.name}"] += never
    return rows, missed


def embed(rows: Sequence[Row]) -> None:
    from rehearse.language.meaning import shared_embedder

    embedder = shared_embedder()
    for start in range(0, len(rows), 64):
        chunk = rows[start : start + 64]
        hidden, encoded = embedder.token_states([r.window for r in chunk])
        for k, (row, e) in enumerate(zip(chunk, encoded, strict=True)):
            a, b = row.span
            picked = [
                t
                for t, (s, f) in enumerate(e.offsets)
                if e.attention_mask[t] and f > s and s < b and f > a
            ]
            row.vec = hidden[k, picked].mean(axis=0) if picked else np.zeros(hidden.shape[2])


def matrix(
    rows: Sequence[Row],
    names: Sequence[str],
    use_vec: bool,
    phrases: Sequence[str],
    scale: float = SCALE,
) -> np.ndarray:
    index = {n: k for k, n in enumerate(names)}
    dense = 384 if use_vec else 0
    x = np.zeros((len(rows), len(names) + dense * len(phrases)))
    for i, row in enumerate(rows):
        for name, value in row.feats.items():
            k = index.get(name)
            if k is not None:
                x[i, k] = value
        if use_vec:
            p = phrases.index(row.phrase)
            x[i, len(names) + dense * p : len(names) + dense * (p + 1)] = row.vec / scale
    return x


def fit_predict(
    train: Sequence[Row],
    test: Sequence[Row],
    use_vec: bool,
    l2: float,
    judged_only: bool,
    scale: float = SCALE,
) -> list[float | None]:
    out: list[float | None] = [None] * len(test)
    for phrase in sorted({r.phrase for r in test}):
        tr = [r for r in train if r.phrase == phrase and (r.judged or not judged_only)]
        te = [k for k, r in enumerate(test) if r.phrase == phrase and (r.judged or not judged_only)]
        if not te or len({r.label for r in tr}) < 2:
            continue
        names = sorted({n for r in tr for n in r.feats})
        xtr = matrix(tr, names, use_vec, [phrase], scale)
        y = np.array([r.label for r in tr], float)
        w = fit_logistic(xtr, y, np.ones(len(tr)), l2)
        xte = matrix([test[k] for k in te], names, use_vec, [phrase], scale)
        p = 1 / (1 + np.exp(-np.clip(xte @ w, -30, 30)))
        for k, v in zip(te, p, strict=True):
            out[k] = float(v)
    return out


def never_found(missed: dict[str, int], source: str, batches: Callable[[int], bool]) -> int:
    """The labelled fillers of ``source`` that were never a candidate, in the batches picked."""
    return sum(
        count
        for key, count in missed.items()
        if key.startswith(source + ":") and batches(batch(key.split(":", 1)[1]))
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--words-from", type=Path, action="append", default=[])
    parser.add_argument("--l2", type=float, default=1.0)
    parser.add_argument("--threshold", type=float, default=0.5)
    parser.add_argument("--fresh", action="store_true")
    parser.add_argument("--scale", type=float, default=SCALE)
    args = parser.parse_args(argv)
    answers = load_answers(split="dev")
    # Embedding every candidate takes minutes: the rows are kept per dev set and dumps read.
    key = zlib.crc32(
        "|".join([a.name for a in answers] + sorted(map(str, args.words_from))).encode()
    )
    cache = Path(f"benchmarks/out/probe-context-{key:08x}.pkl")
    if cache.is_file() and not args.fresh:
        rows, missed = pickle.loads(cache.read_bytes())
    else:
        rows, missed = text_rows(answers)
        if args.words_from:
            more, m2 = speech_rows(answers, args.words_from)
            rows += more
            missed.update(m2)
        embed(rows)
        cache.write_bytes(pickle.dumps((rows, missed)))
    print(f"{len(rows)} candidates ({sum(r.label for r in rows)} fillers)", flush=True)
    systems: dict[str, list[bool]] = {
        "rules": [r.rule_filler for r in rows],
        "shipped": [r.shipped for r in rows],
    }
    variants = {
        "feats(judged)": (False, True),
        "feats+vec(judged)": (True, True),
        "feats+vec(all)": (True, False),
        "feats(all)": (False, False),
    }
    for name, (use_vec, judged_only) in variants.items():
        probs: list[float | None] = [None] * len(rows)
        for b in BATCHES:
            train = [r for r in rows if batch(r.answer) != b and r.source in ("text", "nocomma")]
            idx = [k for k, r in enumerate(rows) if batch(r.answer) == b]
            if not idx:
                continue
            got = fit_predict(
                train, [rows[k] for k in idx], use_vec, args.l2, judged_only, args.scale
            )
            for k, p in zip(idx, got, strict=True):
                probs[k] = p
        systems[name] = [
            r.rule_filler if p is None else p >= args.threshold
            for r, p in zip(rows, probs, strict=True)
        ]
    sources = sorted({r.source for r in rows})
    for source in sources:
        idx = [k for k, r in enumerate(rows) if r.source == source and batch(r.answer) >= 0]
        m = never_found(missed, source, lambda b: b >= 0)
        print(f"{source} (h316 on, each batch left out; {len(idx)} candidates)")
        for name, says in systems.items():
            p, r, tp, fp, fn = tally([rows[k] for k in idx], [says[k] for k in idx], m)
            print(f"   {name:20} P {p:.3f} R {r:.3f} ({tp}, {fp}, {fn})")
        for b in BATCHES:
            idx2 = [k for k in idx if batch(rows[k].answer) == b]
            if not idx2:
                continue
            m2 = never_found(missed, source, lambda n, b=b: n == b)
            line = []
            for name in ("shipped", "feats+vec(judged)", "feats+vec(all)"):
                p, r, *_ = tally([rows[k] for k in idx2], [systems[name][k] for k in idx2], m2)
                line.append(f"{name} {p:.2f}/{r:.2f}")
            print(f"     h{b}: " + "  ".join(line))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
