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
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.corpus import Answer, load_answers

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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--split", default="dev", choices=("dev", "heldout", "all"))
    parser.add_argument("--since", type=int, default=None)
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--voice", default="piper", help="whose audio times the words")
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
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
