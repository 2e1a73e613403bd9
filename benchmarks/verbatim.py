"""Probe (not in the product): hesitations run into the words around them, found by a second
acoustic model.

tiny.en is trained on cleaned-up text: a short "uh" said with no pause around it ("it uh meant")
is written as nothing, or folded into a neighbour as "I'm", "a", "are". The second listen in
``hesitations`` only asks about sounds set off by pauses, so these stay lost. CMU's en-us
acoustic model (shipped inside the ``pocketsphinx`` package, trained on real speech) knows
nothing of Whisper's habits: it aligns Whisper's own words with the sound, stretch by stretch,
through a grammar that lets a hesitation stand before any word or in place of a short one. A
hesitation the alignment puts in is only a candidate (a schwa fits "uh"): each is weighed by
how much better the sound fits with it than without it over the same frames, how long it lasts,
whether it replaced a word, and how sure Whisper was there, and kept when a small logistic
decision fitted on dev speech (``verbatim-weights.json``, by ``hesitation_align --write``) says
so. Validated leave one voice family out it found too little at precision 0.95 to ship (see
benchmarks/README.md).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

from rehearse.audio.clip import SAMPLE_RATE
from rehearse.text.words import Word, hesitation_form

WEIGHTS = Path(__file__).resolve().parent / "verbatim-weights.json"
VERSION = "1"  # of the candidates and their features: the benchmark's cache key
FEATURES = (
    "ratio",  # acoustic log score a frame with the hesitation minus without, same frames
    "fit",  # the hesitation's own score a frame against its stretch's
    "seconds",
    "replaced",  # it stands for a word Whisper wrote
    "word_probability",  # Whisper's, of that word or of the less sure neighbour
    "whisper_gap",  # silence Whisper left there
    "nasal",  # um or hmm
    "posterior",  # the aligner's posterior of the hesitation
    "seconds_rel",
    "fit_rel",
    "ratio_rel",
)
# The hesitations CMU's dictionary spells, with the phones it gives them.
FILLERS = ("uh", "um", "er", "ah", "hmm")
FRAMES_PER_SECOND = 100
# A pause this long between Whisper's words ends a stretch: alignment is cheap and sure on short
# stretches, and a hesitation set off by a pause is the second listen's (hesitations.py).
CUT_SECONDS = 0.3
MAX_STRETCH_SECONDS = 12.0
MARGIN_SECONDS = 0.15
# Words this short (in letters) may be a hesitation Whisper wrote as a word ("I'm", "a", "are").
SHORT_LETTERS = 4
_TOKEN = re.compile(r"[a-z][a-z']*")


@dataclass(frozen=True)
class Candidate:
    """A hesitation the alignment put in: before word ``before`` (``len(words)`` at the end) or
    in place of word ``replaces``, with what the decision weighs."""

    text: str
    start: float
    end: float
    before: int
    replaces: int | None
    features: dict[str, float]


@dataclass(frozen=True)
class Weights:
    names: tuple[str, ...]
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    coef: tuple[float, ...]
    intercept: float
    threshold: float

    def probability(self, features: dict[str, float]) -> float:
        z = self.intercept
        for name, mu, sd, c in zip(self.names, self.mean, self.scale, self.coef, strict=True):
            z += c * (features.get(name, 0.0) - mu) / sd
        return 1.0 / (1.0 + math.exp(-z))


def load_weights(path: Path | None = None) -> Weights:
    data = json.loads((path or WEIGHTS).read_text())
    return Weights(
        tuple(data["features"]),
        tuple(data["mean"]),
        tuple(data["scale"]),
        tuple(data["coef"]),
        float(data["intercept"]),
        float(data["threshold"]),
    )


@cache
def _model() -> tuple[Any, frozenset[str]]:
    from pocketsphinx import Decoder, get_model_path

    root = Path(get_model_path()) / "en-us"
    dictionary = root / "cmudict-en-us.dict"
    decoder = Decoder(
        hmm=str(root / "en-us"),
        dict=str(dictionary),
        samprate=SAMPLE_RATE,
        logfn="/dev/null",
    )
    known = frozenset(
        re.sub(r"\(\d+\)$", "", line.split(" ", 1)[0])
        for line in dictionary.read_text().splitlines()
        if line
    )
    return decoder, known


def _tokens(word: Word) -> list[str]:
    return _TOKEN.findall(word.text.lower().replace("’", "'").replace("-", " "))


def _stretches(words: Sequence[Word], known: frozenset[str]) -> list[list[int]]:
    """Runs of word indices to align together: cut at pauses, at words the dictionary lacks
    (numbers, names: no pronunciation to force) and at a length the search stays quick on."""
    runs: list[list[int]] = []
    run: list[int] = []
    for i, word in enumerate(words):
        tokens = _tokens(word)
        unknown = not tokens or any(t not in known for t in tokens)
        if run and (
            unknown
            or word.start - words[run[-1]].end > CUT_SECONDS
            or word.end - words[run[0]].start > MAX_STRETCH_SECONDS
        ):
            runs.append(run)
            run = []
        if not unknown:
            run.append(i)
    if run:
        runs.append(run)
    return runs


def _grammar(tokens: list[tuple[str, int]], fillers: bool, hesitant: set[int]) -> str:
    parts = []
    for token, i in tokens:
        if i in hesitant:
            parts.append("<f>")
        elif not fillers:
            parts.append(token)
        elif len(token) <= SHORT_LETTERS:
            parts.append(f"[<f>] ({token} | <f>)")
        else:
            parts.append(f"[<f>] {token}")
    if fillers:
        parts.append("[<f>]")
    body = " ".join(parts)
    return f"#JSGF V1.0;\ngrammar g;\n<f> = {' | '.join(FILLERS)};\npublic <s> = {body};\n"


Segment = tuple[str, int, int, float, float]  # word, first frame, end frame, log score, posterior


def _align(decoder: Any, pcm: bytes, grammar: str) -> list[Segment]:
    decoder.add_jsgf_string("g", grammar)
    decoder.activate_search("g")
    decoder.start_utt()
    decoder.process_raw(pcm, full_utt=True)
    decoder.end_utt()
    if decoder.hyp() is None:
        return []
    # The segments' acoustic scores come back as probabilities (scaled per frame by the best
    # senone's): their logs add up along a path.
    return [
        (
            re.sub(r"\(\d+\)$", "", s.word),
            s.start_frame,
            s.end_frame + 1,
            math.log(max(float(s.ascore), 1e-300)),
            float(s.prob),
        )
        for s in decoder.seg()
    ]


def _score_between(segments: list[Segment], lo: int, hi: int) -> float:
    """The acoustic score over frames lo..hi, a segment cut by the edges counted pro rata."""
    total = 0.0
    for _w, start, end, ascore, _p in segments:
        overlap = min(end, hi) - max(start, lo)
        if overlap > 0 and end > start:
            total += ascore * overlap / (end - start)
    return total


def candidates(words: Sequence[Word], samples: np.ndarray) -> list[Candidate]:
    """Every hesitation the grammar's alignment puts between or in place of ``words``."""
    decoder, known = _model()
    pcm_all = (np.clip(samples, -1.0, 1.0) * 32767).astype("<i2")
    found: list[Candidate] = []
    for run in _stretches(words, known):
        begin = max(0.0, words[run[0]].start - MARGIN_SECONDS)
        finish = words[run[-1]].end + MARGIN_SECONDS
        pcm = pcm_all[int(begin * SAMPLE_RATE) : int(finish * SAMPLE_RATE)].tobytes()
        tokens = [(t, i) for i in run for t in _tokens(words[i])]
        hesitant = {i for i in run if hesitation_form(words[i].norm)}
        with_f = _align(decoder, pcm, _grammar(tokens, True, hesitant))
        if not with_f:
            continue
        without = _align(decoder, pcm, _grammar(tokens, False, hesitant))
        found += _read(with_f, without, tokens, words, begin, run)
    return found


def _read(
    with_f: list[Segment],
    without: list[Segment],
    tokens: list[tuple[str, int]],
    words: Sequence[Word],
    begin: float,
    run: list[int],
) -> list[Candidate]:
    """The candidates in one stretch's alignment, each with its features."""
    spoken = [s for s in with_f if not s[0].startswith(("<", "["))]
    frames = sum(s[2] - s[1] for s in with_f) or 1
    per_frame = sum(s[3] for s in with_f) / frames
    found = []
    k = 0
    for n, (word, start, end, ascore, posterior) in enumerate(spoken):
        if k < len(tokens) and word == tokens[k][0] and word not in FILLERS:
            k += 1
            continue
        if word not in FILLERS:
            k += 1
            continue
        here = tokens[k][1] if k < len(tokens) else run[-1] + 1
        if k < len(tokens) and hesitation_form(words[here].norm):
            k += 1
            continue
        following = spoken[n + 1][0] if n + 1 < len(spoken) else None
        replaced = k < len(tokens) and following != tokens[k][0] and following not in FILLERS
        lo = spoken[n - 1][1] if n > 0 else start
        hi = spoken[n + 1][2] if n + 1 < len(spoken) else end
        ratio = (_score_between(with_f, lo, hi) - _score_between(without, lo, hi)) / max(1, hi - lo)
        near = [words[j].probability for j in (here - 1, here) if j in run]
        gap = 0.0
        if here in run and here - 1 in run:
            gap = max(0.0, words[here].start - words[here - 1].end)
        features = {
            "ratio": ratio,
            "fit": (ascore / max(1, end - start)) - per_frame,
            "seconds": (end - start) / FRAMES_PER_SECOND,
            "replaced": float(replaced),
            "word_probability": words[here].probability if replaced else min(near, default=1.0),
            "whisper_gap": gap,
            "nasal": float(word in ("um", "hmm")),
            "posterior": posterior,
        }
        found.append(
            Candidate(
                word,
                round(begin + start / FRAMES_PER_SECOND, 3),
                round(begin + end / FRAMES_PER_SECOND, 3),
                here,
                here if replaced else None,
                features,
            )
        )
        if replaced:
            k += 1
    return found


def apply(words: Sequence[Word], kept: Sequence[Candidate]) -> tuple[Word, ...]:
    """``words`` with the kept hesitations: in place of the word each replaced, or inserted."""
    replaced = {c.replaces: c for c in kept if c.replaces is not None}
    inserted: dict[int, list[Candidate]] = {}
    for c in kept:
        if c.replaces is None:
            inserted.setdefault(c.before, []).append(c)
    out: list[Word] = []
    for i in range(len(words) + 1):
        for c in inserted.get(i, ()):
            out.append(Word(c.text, c.start, c.end, 1.0))
        if i < len(words):
            if i in replaced:
                c = replaced[i]
                out.append(Word(c.text, c.start, c.end, 1.0))
            else:
                out.append(words[i])
    return tuple(out)


def weighed(found: Sequence[Candidate]) -> list[dict[str, float]]:
    """Each candidate's features, with the ones taken against the recording's median candidate
    (each voice, each speaker, has its own pace and its own fit to the model)."""
    if not found:
        return []
    median = {
        name: float(np.median([c.features[name] for c in found]))
        for name in ("seconds", "fit", "ratio")
    }
    return [
        {
            **c.features,
            "seconds_rel": c.features["seconds"] / max(median["seconds"], 0.01),
            "fit_rel": c.features["fit"] - median["fit"],
            "ratio_rel": c.features["ratio"] - median["ratio"],
        }
        for c in found
    ]


def hesitations(
    words: Sequence[Word], samples: np.ndarray, weights: Weights | None = None
) -> tuple[Word, ...]:
    """``words`` with the hesitations the second acoustic model is sure of put in."""
    weights = weights or load_weights()
    found = candidates(words, samples)
    kept = [
        c
        for c, row in zip(found, weighed(found), strict=True)
        if weights.probability(row) >= weights.threshold
    ]
    return apply(words, kept)
