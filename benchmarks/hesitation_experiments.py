"""Three more ways to find the hesitations tiny.en drops, measured and not adopted.

Each runs after rehearse's own transcription (``Transcriber.transcribe``) and puts hesitations
into its words; ``filler_accuracy --systems rehearse-scan,rehearse-recheck,rehearse-twopass``
measures them.

``scan``: a greedy second reading of the answer with the filler prompt. Where beam search wrote
a near word ("and", "or", "I'm") or nothing, the greedy next-token distribution often still puts
a share of its probability on the hesitation tokens. Every token that is a hesitation, or where
that share passes a threshold, is a suspect; greedy reading also invents hesitations in fluent
speech ("the um training set"), so each suspect is kept only when a one-second clip around it,
decoded on its own with the filler prompt (clips stitched side by side, as
``rehearse.speech.hesitations`` does), holds a hesitation.

``recheck``: no greedy reading; the one-second clip check around every word the first reading
may have written over a hesitation ("or", "are", "our", "up", "oh", "I'm", "and").

``twopass``: a second batched pass with a longer filler prompt (``LONG_PROMPT``); its
hesitations are kept only where the content words on both sides are next to each other in the
first pass, or one stand-in word lies between them, which the hesitation then replaces.

Why they were not adopted (third round; piper voice, dev answers, rehearse as it was then:
hesitations P 0.98 R 0.89):
``scan`` reached P 0.97 R 0.91 and took 2.3 times as long; ``recheck`` reached P 0.96 R 0.92.
Most misses get no suspicion at all from the greedy reading, and a one-second clip finds the
hesitation only when it is centred on it. ``twopass`` reached P 0.98 R 0.94 on dev but did not
carry over to the held-out answers. See benchmarks/README.md.

Needs a loaded ``faster_whisper.WhisperModel``.
"""

from __future__ import annotations

import difflib
import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from rehearse.audio.clip import SAMPLE_RATE, Span
from rehearse.speech.hesitations import MARGIN_SECONDS, SPACER_SECONDS, STAND_INS, Decoder, stitch
from rehearse.speech.transcribe import BATCHED_OPTIONS, prompt_tokens, window_features
from rehearse.text.words import Word, hesitation_form, normalise

WINDOW_SECONDS = 28.0
# Windows end in a silence between words where one is long enough.
MIN_CUT_GAP_SECONDS = 0.25
# The share of the next-token probability on hesitation tokens that makes a word a suspect.
THRESHOLD = 0.05
HESITATION_SPELLINGS = (
    " um", " uh", " Um", " Uh", " er", " Er", " Hmm", " ah", " Ah", " mm", "Um", "Uh",
)  # fmt: skip
# The clip checked around a suspect: a hesitation sits just before the word it was pinned on,
# or is that word.
BEFORE_SECONDS = 0.6
AFTER_SECONDS = 0.5
# A recognised hesitation this close is the same one; suspects this close share one clip.
SAME_SECONDS = 0.6


@dataclass(frozen=True)
class Window:
    start: float
    end: float


def windows(
    words: Sequence[Word], duration: float, longest: float = WINDOW_SECONDS
) -> list[Window]:
    """Spans of the answer no longer than ``longest``, cut in the silences between words."""
    cuts = [0.0]
    gaps = [
        (a.end + b.start) / 2
        for a, b in itertools.pairwise(words)
        if b.start - a.end >= MIN_CUT_GAP_SECONDS
    ]
    while duration - cuts[-1] > longest:
        inside = [g for g in gaps if cuts[-1] + 2.0 < g <= cuts[-1] + longest]
        # The latest silence keeps windows long; with none, cut blind at the limit.
        cuts.append(max(inside) if inside else cuts[-1] + longest)
    cuts.append(duration)
    return [Window(a, b) for a, b in itertools.pairwise(cuts) if b - a > 0.1]


class Scanner:
    """Greedy re-reading of an answer with one Whisper model, and the check of what it finds."""

    def __init__(self, model: Any, prompt_text: str, threshold: float = THRESHOLD) -> None:
        self.model = model
        self.threshold = threshold
        self.tokenizer, self.prompt = prompt_tokens(model, prompt_text)
        ids = {self.tokenizer.encode(s)[0] for s in HESITATION_SPELLINGS}
        self.hesitation_ids = np.array(sorted(ids))

    def suspects(self, samples: np.ndarray, words: Sequence[Word]) -> list[float]:
        """Times (s) where the greedy reading wrote a hesitation or thought of one."""
        found: list[float] = []
        duration = len(samples) / SAMPLE_RATE
        for window in windows(words, duration):
            clip = samples[int(window.start * SAMPLE_RATE) : int(window.end * SAMPLE_RATE)]
            found += [window.start + t for t in self._suspects_in(clip)]
        return sorted(found)

    def _suspects_in(self, clip: np.ndarray) -> list[float]:
        model = self.model
        features, frames = window_features(model, clip)
        full = model.feature_extractor.nb_max_frames
        encoded = model.encode(np.ascontiguousarray(features, dtype=np.float32))
        result = model.model.generate(
            encoded, [self.prompt], beam_size=1, return_logits_vocab=True, max_length=224
        )[0]
        tokens = [t for t in result.sequences_ids[0] if t < self.tokenizer.eot]
        if not tokens:
            return []
        marked = self._marked(tokens, result.logits[0])
        aligned = model.find_alignment(self.tokenizer, [tokens], encoded, min(frames, full) // 2)[0]
        times: list[float] = []
        at = 0  # index in ``tokens`` of the aligned word's first token
        for a in aligned:
            if any(k in marked for k in range(at, at + len(a["tokens"]))):
                times.append(float(a["start"]))
            at += len(a["tokens"])
        return times

    def _marked(self, tokens: list[int], logits: Any) -> set[int]:
        """Indices of the tokens that are hesitations or that a hesitation nearly replaced."""
        hesitation = {int(t) for t in self.hesitation_ids}
        marked: set[int] = set()
        for k, token in enumerate(tokens):
            if token in hesitation:
                marked.add(k)
                continue
            if k >= len(logits) or not self.tokenizer.decode([token]).startswith(" "):
                continue
            row = np.asarray(logits[k], dtype=np.float32)
            probabilities = np.exp(row - row.max())
            share = float(probabilities[self.hesitation_ids].sum() / probabilities.sum())
            if share >= self.threshold:
                marked.add(k)
        return marked


def check_suspects(
    words: Sequence[Word], suspects: Sequence[float], samples: np.ndarray, decode: Decoder
) -> tuple[Word, ...]:
    """``words`` with the hesitations heard in one-second clips around ``suspects`` put in."""
    duration = len(samples) / SAMPLE_RATE
    known = [(w.start + w.end) / 2 for w in words if hesitation_form(w.norm)]
    spans: list[Span] = []
    for t in suspects:
        if any(abs(k - t) < SAME_SECONDS for k in known):
            continue
        if spans and t - BEFORE_SECONDS < spans[-1].end - AFTER_SECONDS + SAME_SECONDS / 2:
            continue
        spans.append(Span(max(0.0, t - BEFORE_SECONDS), min(duration, t + AFTER_SECONDS)))
    if not spans:
        return tuple(words)
    out = list(words)
    added: list[Word] = []
    for heard in _heard_in(spans, samples, decode):
        if heard is None:
            continue
        middle = (heard.start + heard.end) / 2
        if any(abs(k - middle) < SAME_SECONDS for k in known):
            continue
        known.append(middle)
        text = normalise(heard.text)
        inside = [
            i
            for i, w in enumerate(out)
            if w.start <= middle <= w.end and w.norm in STAND_INS and not hesitation_form(w.norm)
        ]
        if inside:
            # The first reading wrote a near word over the hesitation's sound: "and" was "uh".
            old = out[inside[0]]
            trail = old.text[len(old.text.rstrip(",.?!;:")) :]
            out[inside[0]] = Word(text + (trail or ","), old.start, old.end, old.probability)
        else:
            added.append(Word(text + ",", heard.start, heard.end, heard.probability))
    return tuple(sorted(out + added, key=lambda w: (w.start, w.end)))


def _in_piece(word: Word, at: float, length: float) -> bool:
    """Whether a word decoded from a stitched clip belongs to the piece at ``at`` s."""
    middle = (word.start + word.end) / 2
    return at - SPACER_SECONDS / 2 <= middle < at + length + SPACER_SECONDS / 2


def _decoded_pieces(
    spans: Sequence[Span], samples: np.ndarray, decode: Decoder, per_clip: int
) -> list[tuple[list[Word], float]]:
    """For each span, the words decoded on its piece of the stitched clips, and the seconds to
    add to their times to place them in the recording."""
    pieces: list[tuple[list[Word], float]] = []
    for first in range(0, len(spans), per_clip):
        group = spans[first : first + per_clip]
        clip, offsets = stitch(samples, group)
        decoded = decode(clip)
        for span, at in zip(group, offsets, strict=True):
            # ``stitch`` puts a little sound before each span: ``at`` is where that starts.
            lead = span.start - max(0.0, span.start - MARGIN_SECONDS)
            length = lead + span.seconds + MARGIN_SECONDS
            piece = [w for w in decoded if _in_piece(w, at, length)]
            pieces.append((piece, span.start - lead - at))
    return pieces


def _heard_in(spans: Sequence[Span], samples: np.ndarray, decode: Decoder) -> list[Word | None]:
    """For each span, the hesitation decoded in its clip, timed in the recording, if any."""
    heard: list[Word | None] = []
    per_clip = max(1, int(WINDOW_SECONDS // (BEFORE_SECONDS + AFTER_SECONDS + SPACER_SECONDS)))
    for span, (piece, shift) in zip(
        spans, _decoded_pieces(spans, samples, decode, per_clip), strict=True
    ):
        hits = [w for w in piece if hesitation_form(w.norm)]
        if not hits:
            heard.append(None)
            continue
        w = hits[0]
        start = min(max(w.start + shift, span.start), span.end)
        end = min(max(w.end + shift, start + 0.05), span.end)
        heard.append(Word(w.text, round(start, 3), round(end, 3), w.probability))
    return heard


# Adding "the", "a" and "so" found none more, for 4 more false hesitations and about 1.6 s more
# an answer (piper dev).
CHECKED = frozenset(["and", "or", "are", "our", "up", "oh", "i'm", "her"])
CLIP_HALF_SECONDS = 0.5


def recheck(
    words: Sequence[Word], samples: np.ndarray, decode: Decoder, checked: frozenset[str] = CHECKED
) -> tuple[Word, ...]:
    """``words`` with the hesitations heard in one-second clips around the ``checked`` words.

    Where the clip holds a hesitation and not the word, the word was the hesitation misheard;
    where it holds both, the hesitation goes before or after the word as the clip has it.
    """
    duration = len(samples) / SAMPLE_RATE
    known = [(w.start + w.end) / 2 for w in words if hesitation_form(w.norm)]
    picked: list[int] = []
    for i, w in enumerate(words):
        middle = (w.start + w.end) / 2
        if w.norm in checked and not any(abs(k - middle) < SAME_SECONDS for k in known):
            picked.append(i)
    if not picked:
        return tuple(words)
    spans = []
    for i in picked:
        middle = (words[i].start + words[i].end) / 2
        spans.append(
            Span(max(0.0, middle - CLIP_HALF_SECONDS), min(duration, middle + CLIP_HALF_SECONDS))
        )
    out = list(words)
    added: list[Word] = []
    per_clip = max(1, int(WINDOW_SECONDS // (2 * CLIP_HALF_SECONDS + SPACER_SECONDS + 0.1)))
    pieces = _decoded_pieces(spans, samples, decode, per_clip)
    for i, (piece, _shift) in zip(picked, pieces, strict=True):
        forms = [w.norm for w in piece]
        hes = [n for n, f in enumerate(forms) if hesitation_form(f)]
        if not hes:
            continue
        word = words[i]
        middle = (word.start + word.end) / 2
        if any(abs(kn - middle) < SAME_SECONDS for kn in known):
            continue
        text = normalise(piece[hes[0]].text)
        if word.norm not in forms:
            trail = word.text[len(word.text.rstrip(",.?!;:")) :]
            out[i] = Word(text + (trail or ","), word.start, word.end, word.probability)
        elif hes[0] < forms.index(word.norm):
            added.append(Word(text + ",", word.start, min(word.end, word.start + 0.2), 0.5))
        else:
            added.append(Word(text + ",", max(word.start, word.end - 0.2), word.end, 0.5))
        known.append(middle)
    return tuple(sorted(out + added, key=lambda w: (w.start, w.end)))


LONG_PROMPT = (
    "Um, so, uh, the model, er, was, hmm, uh, and, um, ah, okay. Uh, we, um, tried, er, that."
)


def second_pass(pipeline: Any, samples: np.ndarray, prompt: str = LONG_PROMPT) -> list[Word]:
    """The words of a batched pass with ``prompt``, as rehearse's first pass decodes them."""
    segments, _info = pipeline.transcribe(samples, initial_prompt=prompt, **BATCHED_OPTIONS)
    words = [
        Word(w.word.strip(), float(w.start), float(w.end), float(w.probability))
        for segment in segments
        if not (segment.no_speech_prob > 0.6 and segment.avg_logprob < -1.0)
        for w in segment.words or ()
        if w.word.strip()
    ]
    return sorted(words, key=lambda w: w.start)


def corroborated(first: Sequence[Word], second: Sequence[Word]) -> tuple[Word, ...]:
    """``first`` with the hesitations of ``second`` whose neighbouring content words agree."""
    a_idx = [i for i, w in enumerate(first) if not hesitation_form(w.norm)]
    b_idx = [j for j, w in enumerate(second) if not hesitation_form(w.norm)]
    matcher = difflib.SequenceMatcher(
        a=[first[i].norm for i in a_idx], b=[second[j].norm for j in b_idx], autojunk=False
    )
    b_to_a: dict[int, int] = {}
    for tag, i1, i2, j1, _j2 in matcher.get_opcodes():
        if tag == "equal":
            b_to_a.update({j1 + k: i1 + k for k in range(i2 - i1)})
    out = list(first)
    added: list[Word] = []
    for j, w in enumerate(second):
        if not hesitation_form(w.norm):
            continue
        before = [k for k, jj in enumerate(b_idx) if jj < j]
        after = [k for k, jj in enumerate(b_idx) if jj > j]
        pa = b_to_a.get(before[-1]) if before else -1
        na = b_to_a.get(after[0]) if after else len(a_idx)
        if pa is None or na is None:
            continue
        lo = a_idx[pa] if pa >= 0 else -1
        hi = a_idx[na] if na < len(a_idx) else len(first)
        if any(hesitation_form(out[i].norm) for i in range(lo + 1, hi)):
            continue
        text = normalise(w.text)
        if na == pa + 1:
            added.append(Word(text + ",", w.start, max(w.end, w.start + 0.05), w.probability))
        elif na == pa + 2 and first[a_idx[pa + 1]].norm in STAND_INS:
            i = a_idx[pa + 1]
            old = first[i]
            trail = old.text[len(old.text.rstrip(",.?!;:")) :]
            out[i] = Word(text + (trail or ","), old.start, old.end, old.probability)
    return tuple(sorted(out + added, key=lambda x: (x.start, x.end)))
