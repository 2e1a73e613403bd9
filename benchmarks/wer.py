"""Word error rate of rehearse's transcripts against plain faster-whisper, per voice family, and
the speech each one lost.

For every labelled answer of a split and every voice, two transcripts of the same file with the
same model: rehearse's ``Transcriber`` (what ``rehearse score`` counts) and plain
``WhisperModel.transcribe(word_timestamps=True)``. Each is compared with the answer's script:

* **WER** with hesitations set aside on both sides (the script's ``{uh}`` marks, and every
  hesitation spelling in the transcript): whether a transcriber writes "uh" is what the filler
  benchmark measures, not what words it gets right. Discourse fillers ("like", "you know") are
  words, and count.
* **Lost stretches**: what the completeness guard (``rehearse/speech/completeness.py``) looks
  for, in the final transcript: a stretch of at least 1.2 s of voice with no word on it; and
  **short answers**, where the transcript holds under ``SHORT_SHARE`` of the words plain
  faster-whisper wrote for the same file.

The target (issue 14): rehearse's WER no worse than plain's on any family, and nothing lost.

Transcriptions are reused: plain faster-whisper's from ``out/cache/`` (shared with
``filler_accuracy``'s ``baseline``), rehearse's from ``filler_accuracy --json`` dumps given with
``--words-from`` (any answer and voice not in them is transcribed here).

    .venv/bin/python -m benchmarks.wer --split heldout --voices piper,espeak,flite-awb,...
        [--words-from benchmarks/out/heldout.json] [--limit N] [--json OUT]
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a file: make the checkout importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from rapidfuzz.distance import Levenshtein

from benchmarks.corpus import HESITATION, HESITATION_SPELLINGS, SPLITS, Answer, load_answers
from benchmarks.filler_accuracy import (
    CACHE_DIR,
    HypWord,
    RehearseSystem,
    System,
    WhisperSystem,
    hyp_tokens,
    make_systems,
)
from benchmarks.make_audio import Audio, ensure_audio, parse_voices
from rehearse.audio.clip import SAMPLE_RATE, VoiceActivity, load_audio
from rehearse.audio.tts import VOICES
from rehearse.speech.completeness import gaps
from rehearse.text.words import Word

SHORT_SHARE = 0.9
"""An answer whose transcript has fewer words than this share of plain's lost some."""
SYSTEMS = ("rehearse", "baseline")


@dataclass
class Row:
    """One transcript of one answer in one voice."""

    errors: int
    ref_words: int
    words: int  # hesitations set aside
    lost: list[tuple[float, float]]


@dataclass
class Family:
    files: int = 0
    ref_words: int = 0
    errors: dict[str, int] = field(default_factory=lambda: dict.fromkeys(SYSTEMS, 0))
    lost: dict[str, int] = field(default_factory=lambda: dict.fromkeys(SYSTEMS, 0))
    short: int = 0  # rehearse's transcripts far shorter than plain's
    worse: list[str] = field(default_factory=list)  # answers where rehearse's WER is higher

    def wer(self, system: str) -> float:
        return self.errors[system] / max(1, self.ref_words)


_UNITS = {
    w: n
    for n, w in enumerate(
        [
            "zero",
            "one",
            "two",
            "three",
            "four",
            "five",
            "six",
            "seven",
            "eight",
            "nine",
            "ten",
            "eleven",
            "twelve",
            "thirteen",
            "fourteen",
            "fifteen",
            "sixteen",
            "seventeen",
            "eighteen",
            "nineteen",
        ]
    )
}
_TENS = {
    w: 10 * n
    for n, w in enumerate(
        ["twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"], 2
    )
}
_SCALES = {"thousand": 1000, "million": 10**6, "billion": 10**9}


def spoken_numbers(tokens: Sequence[str]) -> list[str]:
    """``tokens`` with each run of number words written in digits and "50", "000" joined, as
    Whisper's own English normaliser does: "six percent" and "6%" are the same words heard.
    Applied to the script and to both transcripts alike."""
    out: list[str] = []
    total, current, run = 0, 0, False
    for token in [*tokens, ""]:
        if token in _UNITS or token in _TENS:
            current += _UNITS.get(token, 0) + _TENS.get(token, 0)
            run = True
            continue
        if token == "hundred":
            current, run = max(1, current) * 100, True
            continue
        if token in _SCALES:
            total += max(1, current) * _SCALES[token]
            current, run = 0, True
            continue
        if run:
            out.append(str(total + current))
            total, current, run = 0, 0, False
        if out and len(token) == 3 and token.isdigit() and out[-1].isdigit():
            out[-1] += token  # "50,000" is normalised to "50", "000"
        elif token:
            out.append(token)
    return out


def reference_words(answer: Answer) -> list[str]:
    return spoken_numbers([t.norm for t in answer.tokens if t.kind != HESITATION])


def heard_words(words: Sequence[HypWord]) -> list[str]:
    """A transcript's words, hesitations set aside, "%" said as "percent", numbers in digits."""
    spelled = [HypWord(w.text.replace("%", " percent"), w.start, w.end) for w in words]
    return spoken_numbers([t for t in hyp_tokens(spelled)[0] if t not in HESITATION_SPELLINGS])


def measure(answer: Answer, sound: tuple[VoiceActivity, float], words: Sequence[HypWord]) -> Row:
    """One transcript's errors against the script, and its stretches of voice without words."""
    ref = reference_words(answer)
    tokens = heard_words(words)
    timed = [Word(w.text, w.start, w.end, w.probability) for w in words]
    lost = gaps(timed, *sound)
    return Row(
        Levenshtein.distance(ref, tokens),
        len(ref),
        len(tokens),
        [(g.span.start, g.span.end) for g in lost],
    )


def stored_words(dumps: Sequence[Path]) -> dict[tuple[str, str, str], list[HypWord]]:
    """Words of earlier ``filler_accuracy --json`` dumps by (system, answer, voice)."""
    found: dict[tuple[str, str, str], list[HypWord]] = {}
    for dump in dumps:
        for entry in json.loads(dump.read_text())["files"]:
            key = (entry["system"], entry["answer"], entry["voice"])
            found[key] = [HypWord(**w) for w in entry["words"]]
    return found


class Transcripts:
    """Each system's words for a file: from the dumps, the cache, or transcribed now."""

    def __init__(self, dumps: Sequence[Path], model: str | None, compute_type: str) -> None:
        self.stored = stored_words(dumps)
        self.model = model
        self.compute_type = compute_type
        self.systems: dict[str, System] = {}

    def words(self, system: str, audio: Audio) -> list[HypWord]:
        key = (system, audio.answer.name, audio.voice)
        if key in self.stored:
            return self.stored[key]
        return self._system(system).run(audio.path).words

    def _system(self, name: str) -> System:
        if name not in self.systems:
            (system,) = make_systems([name], self.model, self.compute_type)
            if isinstance(system, WhisperSystem):
                system.cache_dir = CACHE_DIR
            assert isinstance(system, WhisperSystem | RehearseSystem)
            system.setup()
            self.systems[name] = system
        return self.systems[name]


def run(
    answers: Sequence[Answer], voices: Sequence[str], transcripts: Transcripts
) -> tuple[dict[str, Family], list[dict[str, Any]]]:
    families: dict[str, Family] = defaultdict(Family)
    dump: list[dict[str, Any]] = []
    for voice in voices:
        family = families[voice]
        for answer in answers:
            audio = ensure_audio(answer, voice)[0]
            samples = load_audio(audio.path).samples
            sound = (VoiceActivity.measure(samples), len(samples) / SAMPLE_RATE)
            rows = {s: measure(answer, sound, transcripts.words(s, audio)) for s in SYSTEMS}
            ours, plain = rows["rehearse"], rows["baseline"]
            family.files += 1
            family.ref_words += ours.ref_words
            for system, row in rows.items():
                family.errors[system] += row.errors
                family.lost[system] += len(row.lost)
            short = ours.words < SHORT_SHARE * plain.words
            family.short += short
            if ours.errors > plain.errors:
                family.worse.append(f"{answer.name} (+{ours.errors - plain.errors})")
            print(
                f"{voice:9} {answer.name:32} WER rehearse {ours.errors / ours.ref_words:6.1%}"
                f" plain {plain.errors / plain.ref_words:6.1%}  words {ours.words}/{plain.words}"
                f"  lost {ours.lost or '-'}{'  SHORT' if short else ''}",
                file=sys.stderr,
            )
            dump.append(
                {"voice": voice, "answer": answer.name}
                | {
                    s: {"errors": r.errors, "words": r.words, "lost": r.lost}
                    for s, r in rows.items()
                }
                | {"ref_words": ours.ref_words}
            )
    return families, dump


def print_table(families: dict[str, Family]) -> None:
    print(
        f"\n{'voice':10} {'answers':>7} {'words':>6} {'WER rehearse':>12} {'WER plain':>9}"
        f" {'diff':>6} {'lost':>4} {'short':>5} {'lost (plain)':>12}"
    )
    for voice, f in families.items():
        diff = f.wer("rehearse") - f.wer("baseline")
        print(
            f"{voice:10} {f.files:7} {f.ref_words:6} {f.wer('rehearse'):12.1%}"
            f" {f.wer('baseline'):9.1%} {diff:+6.1%} {f.lost['rehearse']:4} {f.short:5}"
            f" {f.lost['baseline']:12}"
        )
    worst = max(families, key=lambda v: families[v].wer("rehearse") - families[v].wer("baseline"))
    f = families[worst]
    print(
        f"worst family: {worst}, rehearse {f.wer('rehearse'):.1%} against plain"
        f" {f.wer('baseline'):.1%}; lost stretches in all: "
        f"{sum(x.lost['rehearse'] for x in families.values())}, short answers: "
        f"{sum(x.short for x in families.values())}"
    )
    for voice, f in families.items():
        if f.worse:
            print(f"{voice}: rehearse worse than plain on {', '.join(f.worse)}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--voices", default=",".join(VOICES), help="comma-separated (default: all five)"
    )
    parser.add_argument("--split", choices=SPLITS, default="dev")
    parser.add_argument("--limit", type=int, default=None, help="only the first N answers")
    parser.add_argument(
        "--since", type=int, default=None, metavar="N", help="only the answers h<N> and after"
    )
    parser.add_argument(
        "--words-from",
        type=Path,
        action="append",
        default=[],
        metavar="DUMP",
        help="take transcripts from a filler_accuracy --json dump (repeatable)",
    )
    parser.add_argument("--json", type=Path, default=None, help="write each file's figures here")
    parser.add_argument("--model", default=None, help="Whisper model (default: bundled tiny.en)")
    parser.add_argument("--compute-type", default="int8")
    args = parser.parse_args(argv)
    voices = parse_voices(args.voices)
    answers = load_answers(limit=args.limit, split=args.split, since=args.since)
    transcripts = Transcripts(args.words_from, args.model, args.compute_type)
    families, dump = run(answers, voices, transcripts)
    print_table(families)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps({"files": dump}, indent=1))
        print(f"\nper file: {args.json}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
