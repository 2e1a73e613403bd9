"""Probe: does a recogniser prompt that itself holds a repeat and a restart make tiny.en write
the repeats it drops, and what does it cost in words and fillers?

The filler prompt (``speech.transcribe.FILLER_PROMPT``, only hesitations) brings back the "um"s
Whisper's cleaned-up training text leaves out; tiny.en also drops "we we" and most restarts, so
this tries the same trick for them. Each file is decoded twice by the first, prompted decoding
the app uses (``BatchedInferencePipeline`` with ``BATCHED_OPTIONS``), once with the filler
prompt and once with ``REPEAT_PROMPT`` (the filler prompt and a repeat and a restart). The
second listens (``Transcriber.refine``) are left out of both, so the two differ in the prompt
alone. Measured, per prompt:

* on coaching answers (``coaching/<split>``, audio cached in ``out/coaching/<voice>/``): the
  labelled repeats and restarts the recogniser wrote word for word, the repeats/restarts the
  report then finds (precision and recall, as ``coaching_accuracy``), and the word error rate
  against the script (labels' words included: a repeat said is a word said);
* on filler-corpus answers (``answers/``, audio as ``make_audio`` makes it): the hesitations
  written against those in the script, and the word error rate with hesitations set aside (as
  ``wer.py`` counts it).

Nothing in ``rehearse/`` changes with this: it is a measurement for the speech layer's owners.

    nice -n 5 .venv/bin/python -m benchmarks.repeat_prompt --voice espeak --coaching k101-k120 \\
        --fillers 8 [--json OUT]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

from rapidfuzz.distance import Levenshtein

if __package__ in (None, ""):  # run as a file: make the checkout importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import coaching_accuracy as ca
from benchmarks.corpus import HESITATION, load_answers
from benchmarks.filler_accuracy import HESITATION_SPELLINGS, HypWord, hyp_tokens
from benchmarks.make_audio import ensure_audio
from rehearse.text.words import Word, normalise

# The filler prompt, then a word said twice and a phrase begun again, as a speaker says them.
REPEAT_PROMPT = "Um, uh, hmm, er, ah. We, we built the, the model. I trained, I retrained it."
PROMPTS = {"filler": None, "repeat": REPEAT_PROMPT}  # None: the app's own filler prompt


def decode(transcriber: Any, samples: Any, prompt: str | None) -> list[Word]:
    """The first, prompted decoding of ``samples`` (what ``Transcriber.first_listen`` does),
    with ``prompt`` in place of the filler prompt when given."""
    from rehearse.speech.transcribe import BATCHED_OPTIONS, FILLER_PROMPT

    transcriber.load()
    segments, _info = transcriber._pipeline.transcribe(
        samples, initial_prompt=prompt or FILLER_PROMPT, **BATCHED_OPTIONS
    )
    return sorted(
        (
            Word(w.word.strip(), float(w.start), float(w.end), float(w.probability))
            for s in segments
            for w in s.words or ()
            if w.word.strip()
        ),
        key=lambda w: w.start,
    )


def _span(text: str) -> tuple[int, int]:
    lo, hi = re.fullmatch(r"k(\d+)-k(\d+)", text).groups()  # type: ignore[union-attr]
    return int(lo), int(hi)


def coaching(transcriber: Any, voice: str, split: str, span: str) -> dict[str, dict[str, Any]]:
    from rehearse.audio.clip import VoiceActivity, load_audio
    from rehearse.language.rubric import find_question
    from rehearse.scoring.score import score

    lo, hi = _span(span)
    answers = [
        a
        for a in ca.load(split)
        if lo <= int(re.match(r"k(\d+)", a.name).group(1)) <= hi  # type: ignore[union-attr]
    ]
    out: dict[str, dict[str, Any]] = {}
    for name, prompt in PROMPTS.items():
        tallies = {k: ca.Tally() for k in ca.KINDS}
        heard = {"repeat": 0, "restart": 0}
        labelled = {"repeat": 0, "restart": 0}
        errors = ref_words = 0
        seconds = 0.0
        for answer in answers:
            wav = ca.OUT / voice / f"{answer.name}.wav"
            if not wav.exists():
                from rehearse.audio.tts import synthesize

                wav.parent.mkdir(parents=True, exist_ok=True)
                synthesize(answer.text, wav, voice)
            clip = load_audio(wav)
            activity = VoiceActivity.measure(clip.samples)
            cached = ca.OUT / "prompt-probe" / name / voice / f"{answer.name}.words.json"
            if cached.exists():
                words = [Word(**w) for w in json.loads(cached.read_text())]
            else:
                started = time.perf_counter()
                words = decode(transcriber, clip.samples, prompt)
                seconds += time.perf_counter() - started
                cached.parent.mkdir(parents=True, exist_ok=True)
                cached.write_text(json.dumps([asdict(w) for w in words]))
            report = score(words, find_question(answer.question), activity, clip.duration)
            said = [w.text for w in report.words]
            labels, lost = ca.carry_labels(answer, said)
            ca.match(answer, labels, ca._found(report.coaching), said, tallies, lost)
            for n, label in enumerate(answer.labels):
                if label.kind in heard:
                    labelled[label.kind] += 1
                    heard[label.kind] += n not in lost
            ref = [normalise(t) for t in answer.tokens]
            errors += Levenshtein.distance(ref, [normalise(t) for t in said])
            ref_words += len(ref)
            print(f"  {name} {voice} {answer.name}", file=sys.stderr)
        out[name] = {
            "answers": len(answers),
            "heard_word_for_word": {k: f"{heard[k]}/{labelled[k]}" for k in heard},
            "wer": round(errors / max(1, ref_words), 4),
            "decode_seconds_not_cached": round(seconds, 1),
            **{k: _scores(t) for k, t in tallies.items()},
        }
    return out


def _scores(t: ca.Tally) -> dict[str, Any]:
    p, r = t.scores()
    return {"precision": round(p, 3), "recall": round(r, 3), "tp": t.tp, "fp": t.fp, "fn": t.fn}


def fillers(transcriber: Any, voice: str, limit: int) -> dict[str, dict[str, Any]]:
    """Hesitations written and word error rate on the filler corpus's first ``limit`` dev
    answers."""
    from rehearse.audio.clip import load_audio

    answers = load_answers(limit=limit, split="dev")
    out: dict[str, dict[str, Any]] = {}
    for name, prompt in PROMPTS.items():
        marked = written = errors = ref_words = 0
        for answer in answers:
            audio, _made = ensure_audio(answer, voice)
            cached = ca.OUT / "prompt-probe" / name / voice / f"{answer.name}.fillers.json"
            if cached.exists():
                words = [Word(**w) for w in json.loads(cached.read_text())]
            else:
                words = decode(transcriber, load_audio(audio.path).samples, prompt)
                cached.parent.mkdir(parents=True, exist_ok=True)
                cached.write_text(json.dumps([asdict(w) for w in words]))
            tokens = hyp_tokens([HypWord(w.text, w.start, w.end, w.probability) for w in words])[0]
            ref = [t.norm for t in answer.tokens if t.kind != HESITATION]
            hyp = [t for t in tokens if t not in HESITATION_SPELLINGS]
            marked += answer.count(HESITATION)
            written += sum(t in HESITATION_SPELLINGS for t in tokens)
            errors += Levenshtein.distance(ref, hyp)
            ref_words += len(ref)
            print(f"  {name} {voice} {answer.name}", file=sys.stderr)
        out[name] = {
            "answers": len(answers),
            "hesitations_marked": marked,
            "hesitations_written": written,
            "wer_without_hesitations": round(errors / max(1, ref_words), 4),
        }
    return out


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--voice", default="espeak")
    parser.add_argument("--split", default="dev")
    parser.add_argument("--coaching", default="k101-k120", help="answers kN-kM of the split")
    parser.add_argument("--fillers", type=int, default=8, help="filler-corpus dev answers")
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args(argv)
    from rehearse.speech.transcribe import Transcriber

    transcriber = Transcriber(None)
    results: dict[str, Any] = {"prompt": REPEAT_PROMPT, "voice": args.voice}
    results["coaching"] = coaching(transcriber, args.voice, args.split, args.coaching)
    if args.fillers:
        results["fillers"] = fillers(transcriber, args.voice, args.fillers)
    print(json.dumps(results, indent=2))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
