"""A probe (not in the product): the decoder's own odds of a hesitation at every word boundary.

For hesitations run into their neighbours ("it uh meant"), which the first decoding leaves out or
writes as a short word ("I'm", "a", "or"). rehearse's stored words (a ``filler_accuracy --json``
dump) are cut into windows of at most ``WINDOW_SECONDS``; each window's audio is encoded once
and its words are forced as the decoder's prefix (after the filler prompt), so one decoder pass
gives, before every word, the probability that the next token is a hesitation ("um", "uh", "er",
"hmm", "ah"; ``transcribe.ODDS_SPELLINGS``) and that it is a comma (a hesitation is written set
off: "we, uh, retrained"). A boundary is a positive where the alignment with the script puts a
hesitation the transcript does not have: before the word written over it, or where it was left
out.

The threshold is chosen leave one voice family out: on the other families, the lowest one that
adds at most ``MAX_FALSE_PER_ANSWER`` false hesitations an answer; then applied to the family
left out. It also prints the time the probe takes against the audio's length.

    .venv/bin/python -m benchmarks.hesitation_prefix --dump benchmarks/out/dev366.json [--limit 5]
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import numpy as np

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.corpus import HESITATION, load_answers
from benchmarks.filler_accuracy import HypWord, align, hyp_tokens, stored_words
from benchmarks.make_audio import ensure_audio
from rehearse.audio.clip import SAMPLE_RATE, load_audio
from rehearse.speech.transcribe import (
    FILLER_PROMPT,
    ODDS_SPELLINGS,
    Transcriber,
    forced_prefix_logits,
    prompt_tokens,
)
from rehearse.text.words import hesitation_form

WINDOW_SECONDS = 25.0
MAX_PREFIX_TOKENS = 180
MARGIN = 0.3
MAX_FALSE_PER_ANSWER = 0.3
GRID = (0.005, 0.01, 0.02, 0.03, 0.05, 0.08, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5)


@dataclass
class Boundary:
    voice: str
    answer: str
    p_hes: float
    p_comma: float
    positive: bool
    context: str


def missed_before(answer_tokens: list[str], kinds: list[str], words: list[HypWord]) -> set[int]:
    """Indices of the words before which a labelled hesitation is missing from ``words``."""
    hyp, owner = hyp_tokens(words)
    out: set[int] = set()
    for region in align(answer_tokens, hyp):
        if region.equal:
            continue
        refs = [i for i in range(*region.ref) if kinds[i] == HESITATION]
        has = any(hesitation_form(hyp[j]) for j in range(*region.hyp))
        if refs and not has:
            j = region.hyp[0]
            out.add(owner[j] if j < len(owner) else len(words))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--dump", type=Path, action="append", required=True)
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--since", type=int, default=366)
    args = parser.parse_args(argv)
    stored = stored_words(args.dump, "rehearse")
    answers = {a.name: a for a in load_answers(split="dev", since=args.since, limit=args.limit)}
    transcriber = Transcriber()
    transcriber.load()
    model = transcriber._pipeline.model  # the probe reads the decoder the product loads
    tokenizer, _ = prompt_tokens(model)
    previous = tokenizer.encode(" " + FILLER_PROMPT)
    base = len(model.get_prompt(tokenizer, previous, without_timestamps=True))
    hes_ids = sorted(
        {tokenizer.encode(s)[0] for spellings in ODDS_SPELLINGS.values() for s in spellings}
    )
    comma = tokenizer.encode(",")[0]
    boundaries: list[Boundary] = []
    seconds_probe = 0.0
    seconds_audio = 0.0
    for stem, raw in sorted(stored.items()):
        name, voice = stem.rsplit(".", 1)
        if name not in answers:
            continue
        answer = answers[name]
        audio, _ = ensure_audio(answer, voice)
        samples = load_audio(audio.path).samples
        seconds_audio += len(samples) / SAMPLE_RATE
        words = [HypWord(w["text"].strip(), w["start"], w["end"]) for w in raw]
        positives = missed_before(
            [t.norm for t in answer.tokens], [t.kind for t in answer.tokens], words
        )
        started = time.perf_counter()
        k = 0
        while k < len(words):
            first = k
            pieces: list[list[int]] = []
            while (
                k < len(words)
                and words[k].end - words[first].start < WINDOW_SECONDS
                and sum(map(len, pieces)) < MAX_PREFIX_TOKENS
            ):
                pieces.append(tokenizer.encode(" " + words[k].text))
                k += 1
            start = max(0.0, words[first].start - MARGIN)
            stop = words[k - 1].end + MARGIN
            clip = samples[int(start * SAMPLE_RATE) : int(stop * SAMPLE_RATE)]
            prefix = [t for piece in pieces for t in piece]
            text = " ".join(w.text for w in words[first:k])
            prompt = model.get_prompt(tokenizer, previous, without_timestamps=True, prefix=text)
            if prompt[len(prompt) - len(prefix) :] != prefix:
                raise SystemExit(f"{stem}: the prefix is not its words' tokens end to end")
            logits = forced_prefix_logits(model, clip, prompt)
            offset = len(prompt) - base - len(prefix)
            at = 0
            for w, piece in enumerate(pieces):
                step = offset + at
                at += len(piece)
                index = first + w
                if step >= len(logits) or hesitation_form(words[index].text.lower().strip(",.?!")):
                    continue
                row = np.asarray(logits[step], dtype=np.float64)
                p = np.exp(row - row.max())
                p /= p.sum()
                context = " ".join(x.text for x in words[max(0, index - 3) : index + 2])
                boundaries.append(
                    Boundary(
                        voice,
                        name,
                        float(p[hes_ids].sum()),
                        float(p[comma]),
                        index in positives,
                        context,
                    )
                )
        seconds_probe += time.perf_counter() - started
        print(f"{stem}: {len(positives)} missed", flush=True)
    print(f"probe {seconds_probe:.1f} s for {seconds_audio:.0f} s of audio")
    voices = sorted({b.voice for b in boundaries})
    answers_of: dict[str, set[str]] = defaultdict(set)
    for b in boundaries:
        answers_of[b.voice].add(b.answer)
    for voice in voices:
        mine = [b for b in boundaries if b.voice == voice]
        pos = [b.p_hes for b in mine if b.positive]
        neg = [b.p_hes for b in mine if not b.positive]
        print(
            f"{voice:10} {len(pos)} missed, {len(neg)} other boundaries; p_hes at missed: median "
            f"{np.median(pos) if pos else 0:.3f}, >0.05: {sum(p > 0.05 for p in pos)}; at others: "
            f"99th pct {np.percentile(neg, 99):.3f}, >0.05: {sum(p > 0.05 for p in neg)}"
        )
    print("leave one family out (threshold from the others):")
    for voice in voices:
        others = [b for b in boundaries if b.voice != voice]
        n_other = sum(len(answers_of[v]) for v in voices if v != voice)
        allowed = [
            t
            for t in GRID
            if sum(1 for b in others if not b.positive and b.p_hes >= t) / n_other
            <= MAX_FALSE_PER_ANSWER
        ]
        threshold = min(allowed) if allowed else 1.0
        mine = [b for b in boundaries if b.voice == voice]
        tp = [b for b in mine if b.positive and b.p_hes >= threshold]
        fp = [b for b in mine if not b.positive and b.p_hes >= threshold]
        missed = sum(b.positive for b in mine)
        print(f"  {voice:10} threshold {threshold}: found {len(tp)} of {missed}, {len(fp)} false")
        for b in fp[:4]:
            print(f"      false {b.p_hes:.2f}: {b.context}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
