"""A perfect transcript of each synthesized answer, as a ``filler_accuracy --json`` dump, so the
filler rules can be scored on the script's own words: a discourse filler missed there is the
rules' miss; one found there but missed on a voice was lost by the recogniser.

The words are the script's spoken parts as written (punctuation kept, as Whisper writes it),
each part's words spread over that part's span in the audio's sidecar in proportion to their
letters, so sentence ends and pauses fall where the audio has them.

    .venv/bin/python -m benchmarks.reference_words --since 316 --limit 10 --voice piper \\
        --out benchmarks/out/ref316.piper.json
    .venv/bin/python -m benchmarks.filler_accuracy --split dev --since 316 --limit 10 \\
        --voices piper --words-from benchmarks/out/ref316.piper.json

``--text`` needs no audio: it scores the rules on the written words of every answer of the
split (each word 0.3 s, pauses as the markup says, no pause heard inside a part), with
``filler_accuracy``'s own alignment and matching, and lists every discourse error: how a rule
change does on the whole corpus's text, in seconds.

    .venv/bin/python -m benchmarks.reference_words --text --split dev
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.corpus import DISCOURSE, Answer, load_answers
from benchmarks.make_audio import Audio

OUT = Path(__file__).resolve().parent / "out"


def part_words(text: str, start: float, end: float) -> list[dict[str, Any]]:
    """The words of one spoken part, timed in proportion to their letters over its span."""
    words = text.split()
    weights = [max(1, sum(ch.isalnum() for ch in w)) for w in words]
    total = sum(weights)
    out: list[dict[str, Any]] = []
    at = start
    for word, weight in zip(words, weights, strict=True):
        length = (end - start) * weight / total
        out.append({"text": word, "start": round(at, 3), "end": round(at + length, 3)})
        at += length
    return out


def answer_words(answer: Answer, voice: str) -> list[dict[str, Any]]:
    sidecar = json.loads((OUT / "audio" / f"{answer.name}.{voice}.json").read_text())
    words: list[dict[str, Any]] = []
    for part, (start, end) in zip(answer.parts, sidecar["spans"], strict=True):
        if isinstance(part, str):
            words.extend(part_words(part, start, end))
    return words


WORD_SECONDS = 0.3


def text_audio(answer: Answer) -> tuple[Audio, list[dict[str, Any]]]:
    """Spans for the answer's parts as if each word took ``WORD_SECONDS``, and its words."""
    spans: list[tuple[float, float]] = []
    words: list[dict[str, Any]] = []
    at = 0.0
    for part in answer.parts:
        length = float(part) if isinstance(part, float) else WORD_SECONDS * len(part.split())
        spans.append((at, at + length))
        if isinstance(part, str):
            words.extend(part_words(part, at, at + length))
        at += length
    audio = Audio(answer, "text", Path("-"), spans, answer.silences(spans), at)
    return audio, words


# What Whisper may leave out inside a sentence: ``--no-commas`` drops these, keeping sentence ends.
CLAUSE_MARKS = str.maketrans("", "", ",;:")


def score_text(split: str, since: int | None, limit: int | None, commas: bool = True) -> int:
    from benchmarks.filler_accuracy import KINDS, HypWord, Predicted, SystemOutput, Tally, score
    from rehearse.language.fillers import find_fillers
    from rehearse.text.words import Word

    totals = {kind: Tally() for kind in KINDS}
    for answer in load_answers(limit=limit, split=split, since=since):
        audio, spoken = text_audio(answer)
        texts = [w["text"] if commas else w["text"].translate(CLAUSE_MARKS) for w in spoken]
        words = [Word(t, w["start"], w["end"]) for t, w in zip(texts, spoken, strict=True)]
        predicted = [
            Predicted(f.kind, f.text, f.start, f.end, words=tuple(f.word_indices) or None)
            for f in find_fillers(words)
        ]
        hyp = [HypWord(w.text, w.start, w.end) for w in words]
        tallies, log, _ = score(answer, audio, SystemOutput(hyp, predicted, 0.0))
        for kind in KINDS:
            totals[kind].add(tallies[kind])
        for entry in log:
            if entry["kind"] == DISCOURSE and entry["result"] != "tp":
                print(f"  {answer.name:34} {entry['result']} {entry['text']!r}: {entry['context']}")
    for kind in KINDS:
        t = totals[kind]
        p, r, _ = t.scores()
        print(f"{kind:11} P {p:.3f} R {r:.3f} (tp {t.tp}, fp {t.fp}, fn {t.fn})")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--split", default="dev", choices=("dev", "heldout", "all"))
    parser.add_argument("--since", type=int, default=None)
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--voice", default="piper", help="whose audio times the words")
    parser.add_argument("--out", type=Path)
    parser.add_argument("--text", action="store_true", help="score the rules on the text alone")
    parser.add_argument(
        "--no-commas",
        action="store_true",
        help="with --text: drop commas, semicolons and colons, as a recogniser may",
    )
    args = parser.parse_args(argv)
    if args.text:
        return score_text(args.split, args.since, args.limit, commas=not args.no_commas)
    if args.out is None:
        parser.error("give --out DUMP, or --text")
    files = []
    for answer in load_answers(limit=args.limit, split=args.split, since=args.since):
        if not (OUT / "audio" / f"{answer.name}.{args.voice}.json").exists():
            print(f"{answer.name}: no {args.voice} audio (run make_audio first)", file=sys.stderr)
            return 1
        words = answer_words(answer, args.voice)
        files.append(
            {"system": "rehearse", "answer": answer.name, "voice": args.voice, "words": words}
        )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"summary": [], "files": files}))
    print(f"{len(files)} answers: {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
