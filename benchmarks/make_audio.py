"""Synthesize the answer corpus: ``benchmarks/out/audio/<name>.<voice>.wav`` (+ ``.json``).

The JSON sidecar keeps each script part's (start, end) as returned by ``synthesize_script``, the
silent spans, the duration and a hash of the script. A file is made again when it is missing, its
sidecar is missing, or the answer's script (or the markup its voice reads it in) changed;
otherwise it is kept unless ``--force``.

    .venv/bin/python -m benchmarks.make_audio [--voices piper,espeak] [--force] [--limit N]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
import wave
from dataclasses import dataclass
from pathlib import Path

if __package__ in (None, ""):  # run as a file: make the checkout importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.corpus import DISCOURSE, HESITATION, Answer, load_answers
from rehearse.audio.tts import ALL_VOICES, available_voices, marked_up, synthesize_script

OUT_DIR = Path(__file__).resolve().parent / "out"
AUDIO_DIR = OUT_DIR / "audio"
# The voices the filler rules were tuned on; the other families (flite-awb, flite-rms,
# festival) are chosen with --voices.
VOICES = ("piper", "espeak")


@dataclass(frozen=True)
class Audio:
    answer: Answer
    voice: str
    path: Path
    spans: list[tuple[float, float]]  # per script part
    silences: list[tuple[float, float, bool]]  # (start, end, explicit)
    duration: float


def audio_path(answer: Answer, voice: str) -> Path:
    return AUDIO_DIR / f"{answer.name}.{voice}.wav"


def ensure_audio(answer: Answer, voice: str, force: bool = False) -> tuple[Audio, bool]:
    """Return the answer's audio in ``voice``, synthesizing it if needed; and whether it was."""
    wav = audio_path(answer, voice)
    meta_path = wav.with_suffix(".json")
    if not force and wav.is_file() and meta_path.is_file():
        meta = json.loads(meta_path.read_text())
        if meta.get("script_hash") == script_hash(answer, voice):
            spans = [tuple(s) for s in meta["spans"]]
            return _audio(answer, voice, wav, spans, meta["duration"]), False  # type: ignore[arg-type]
    AUDIO_DIR.mkdir(parents=True, exist_ok=True)
    spans = synthesize_script(answer.parts, wav, voice)
    with wave.open(str(wav), "rb") as w:
        duration = w.getnframes() / w.getframerate()
    meta = {
        "answer": answer.name,
        "question": answer.question,
        "voice": voice,
        "script_hash": script_hash(answer, voice),
        "duration": duration,
        "spans": spans,
        "parts": answer.parts,
    }
    meta_path.write_text(json.dumps(meta, indent=1))
    return _audio(answer, voice, wav, spans, duration), True


def script_hash(answer: Answer, voice: str) -> str:
    """The answer's script as the voice's synthesizer reads it: a change of either (such as
    hesitations said slower) makes the audio again."""
    spoken = [marked_up(voice, p) if isinstance(p, str) else p for p in answer.parts]
    return hashlib.sha256(repr(spoken).encode()).hexdigest()[:16]


def _audio(
    answer: Answer, voice: str, wav: Path, spans: list[tuple[float, float]], duration: float
) -> Audio:
    return Audio(answer, voice, wav, spans, answer.silences(spans), duration)


def parse_voices(text: str) -> list[str]:
    voices = [v.strip() for v in text.split(",") if v.strip()]
    unknown = [v for v in voices if v not in ALL_VOICES]
    if unknown:
        raise SystemExit(
            f"unknown voice(s) {', '.join(unknown)}: choose from {', '.join(ALL_VOICES)}"
        )
    missing = [v for v in voices if v not in available_voices(unseen=True)]
    if missing:
        raise SystemExit(f"voice(s) not installed: {', '.join(missing)} (run scripts/setup --test)")
    return voices


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument(
        "--voices", default=",".join(VOICES), help=f"comma-separated, from {','.join(ALL_VOICES)}"
    )
    parser.add_argument("--force", action="store_true", help="synthesize even if the file exists")
    parser.add_argument("--limit", type=int, default=None, help="only the first N answers")
    args = parser.parse_args(argv)
    voices = parse_voices(args.voices)
    answers = load_answers(limit=args.limit)
    print(f"{'file':40} {'made':>5} {'secs':>6} {'hes':>4} {'disc':>4}  silent s")
    for voice in voices:
        total = 0.0
        started = time.perf_counter()
        for answer in answers:
            audio, made = ensure_audio(answer, voice, args.force)
            total += audio.duration
            silent = sum(end - start for start, end, _ in audio.silences)
            print(
                f"{audio.path.name:40} {'yes' if made else 'kept':>5} {audio.duration:6.1f}"
                f" {answer.count(HESITATION):4} {answer.count(DISCOURSE):4}  {silent:5.1f}"
            )
        print(
            f"{voice}: {len(answers)} files, {total:.0f} s of audio"
            f" ({time.perf_counter() - started:.1f} s wall)\n"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
