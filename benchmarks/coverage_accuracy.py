"""How well coverage credits what was said: the new matcher against the phrase matcher before it.

For every answer of a blind split (``benchmarks/coverage/<split>``) and every point of its
question: was the point covered (truth: some sentence the writer marked ``covers`` it) and did
the matcher credit it. Printed per system and source:

- point accuracy, precision and recall over all (answer, point) pairs;
- near-miss false credit: of the (answer, point) pairs the writer marked ``near_miss`` and that
  no sentence covers, the share credited;
- order agreement: on ordered questions, how often the "in order" / "out of order" verdict
  matches the order in which the writer's sentences first cover the points.

Sources: ``text`` (the written sentences as words at a steady pace) and one per voice (the
answer synthesized by ``rehearse.audio.tts`` and transcribed by the real Transcriber; the words
are cached in ``benchmarks/out/coverage``). ``baseline`` is the phrase matcher and the rubrics of
commit 69c69fd; ``rehearse`` is this checkout. ``--cost`` times coverage on a ~90 s answer.

    .venv/bin/python -m benchmarks.coverage_accuracy --split dev [--voices piper,espeak] [--cost]
"""

from __future__ import annotations

import argparse
import fcntl
import json
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.coverage_data import Answer, baseline_rubric, load_split, rubric
from rehearse.language.coverage import Decision, match_point, score_coverage
from rehearse.language.meaning import shared_embedder
from rehearse.text.words import Word

OUT = Path(__file__).resolve().parent / "out" / "coverage"
AUDIO_LOCK = "/tmp/rehearse-audio.lock"


@dataclass
class Tally:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0
    near: int = 0
    near_credited: int = 0
    order: int = 0
    order_right: int = 0
    errors: list[str] = field(default_factory=list)

    def line(self) -> str:
        total = self.tp + self.fp + self.fn + self.tn
        accuracy = (self.tp + self.tn) / total if total else 0.0
        precision = self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0
        recall = self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0
        near = self.near_credited / self.near if self.near else 0.0
        order = self.order_right / self.order if self.order else 0.0
        return (
            f"{accuracy:8.3f} {precision:9.3f} {recall:7.3f}"
            f"   {near:5.0%} ({self.near_credited}/{self.near})"
            f"   {order:5.0%} ({self.order_right}/{self.order})"
        )

    def as_dict(self) -> dict[str, object]:
        total = self.tp + self.fp + self.fn + self.tn
        return {
            "accuracy": round((self.tp + self.tn) / total, 4) if total else None,
            "precision": round(self.tp / (self.tp + self.fp), 4) if self.tp + self.fp else None,
            "recall": round(self.tp / (self.tp + self.fn), 4) if self.tp + self.fn else None,
            "near_miss_credited": f"{self.near_credited}/{self.near}",
            "order_right": f"{self.order_right}/{self.order}",
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
            "tn": self.tn,
        }


Judge = Callable[[Answer, Sequence[Word]], tuple[dict[str, str], bool | None]]


def baseline(answer: Answer, words: Sequence[Word]) -> tuple[dict[str, str], bool | None]:
    """Credited points (id -> what matched) and the order verdict of the old phrase matcher."""
    old = baseline_rubric(answer.question)
    matches = {p.id: m for p in old.points if (m := match_point(p, words))}
    order = None
    if old.ordered:
        starts = [matches[p.id].start for p in old.points if p.id in matches]
        order = starts == sorted(starts)
    return {k: f'"{m.heard}"' for k, m in matches.items()}, order


def rehearse(
    answer: Answer, words: Sequence[Word], decision: Decision | None = None
) -> tuple[dict[str, str], bool | None]:
    coverage = score_coverage(rubric(answer.question), words, decision=decision)
    credited = {
        p.id: f"{p.match.how} {p.match.strength:.0f}: {p.match.sentence}"
        for p in coverage.points
        if p.match
    }
    return credited, coverage.in_order


SYSTEMS: dict[str, Judge] = {"baseline": baseline, "rehearse": rehearse}


def tally(
    answers: Sequence[Answer], words_of: Callable[[Answer], Sequence[Word]], judge: Judge
) -> Tally:
    t = Tally()
    for answer in answers:
        question = rubric(answer.question)
        credited, order = judge(answer, words_of(answer))
        for point in question.points:
            truth, got = point.id in answer.covered, point.id in credited
            t.tp += truth and got
            t.fp += got and not truth
            t.fn += truth and not got
            t.tn += not truth and not got
            if point.id in answer.near_misses:
                t.near += 1
                t.near_credited += got
            if truth != got:
                kind = "FN" if truth else ("NEAR" if point.id in answer.near_misses else "FP")
                t.errors.append(f"{kind} {answer.id} {point.id}: {credited.get(point.id, '')}")
        truth_order = answer.true_order(question)
        if truth_order is not None:
            t.order += 1
            t.order_right += order == truth_order
            if order != truth_order:
                t.errors.append(f"ORDER {answer.id}: truth {truth_order}, said {order}")
    return t


def text_words(answer: Answer) -> list[Word]:
    return answer.timed()[0]


def spoken_words(voice: str, split: str) -> Callable[[Answer], list[Word]]:
    """The answer synthesized in ``voice`` and transcribed (cached per answer and voice)."""
    from rehearse.audio.tts import synthesize_script
    from rehearse.service import analyse_file
    from rehearse.speech.transcribe import Transcriber

    transcriber = Transcriber()

    def words_of(answer: Answer) -> list[Word]:
        cache = OUT / split / f"{answer.id}.{voice}.json"
        if cache.is_file():
            stored = json.loads(cache.read_text())
            if stored["text"] == answer.text:
                return [Word(*w) for w in stored["words"]]
        cache.parent.mkdir(parents=True, exist_ok=True)
        wav = cache.with_suffix(".wav")
        # The sound server and the cores are shared: take the test lock one answer at a time,
        # so a long run does not hold it from everyone else for the whole of it.
        with open(AUDIO_LOCK, "a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            synthesize_script(list(answer.texts), wav, voice)
            words = analyse_file(wav, rubric(answer.question), transcriber).words
        cache.write_text(
            json.dumps(
                {
                    "text": answer.text,
                    "words": [[w.text, w.start, w.end, w.probability] for w in words],
                }
            )
        )
        return list(words)

    return words_of


def cost(answers: Sequence[Answer]) -> None:
    """Seconds of coverage for a ~90 s answer (about 225 words), model loaded, cues cached."""
    start = time.perf_counter()
    shared_embedder().load()
    load = time.perf_counter() - start  # zero when the accuracy run before loaded it
    long = max(answers, key=lambda a: len(a.text.split()))
    texts = list(long.texts)
    while len(" ".join(texts).split()) < 225:
        texts += list(long.texts)
    padded = Answer(long.id, long.question, tuple(texts), (), ())
    words = padded.timed()[0][:225]
    score_coverage(rubric(long.question), words[:10])  # embeds the rubric's cues once
    runs = []
    for _ in range(5):
        start = time.perf_counter()
        score_coverage(rubric(long.question), words)
        runs.append(time.perf_counter() - start)
    print(
        f"cost: model load {load:.2f} s; coverage of a {words[-1].end:.0f} s answer"
        f" ({len(words)} words): median {sorted(runs)[2]:.3f} s over 5 runs"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--split", default="dev")
    parser.add_argument("--voices", default="", help="comma-separated voices, e.g. piper,espeak")
    parser.add_argument("--systems", default="baseline,rehearse")
    parser.add_argument("--errors", action="store_true", help="list every wrong decision")
    parser.add_argument("--cost", action="store_true", help="time coverage on a ~90 s answer")
    parser.add_argument("--json", type=Path, help="write the figures here")
    args = parser.parse_args(argv)
    answers = load_split(args.split)
    if not answers:
        raise SystemExit(f"no answers in benchmarks/coverage/{args.split}")
    sources: dict[str, Callable[[Answer], Sequence[Word]]] = {"text": text_words}
    for voice in filter(None, args.voices.split(",")):
        sources[voice] = spoken_words(voice, args.split)
    pairs = sum(len(rubric(a.question).points) for a in answers)
    print(f"{args.split}: {len(answers)} answers, {pairs} (answer, point) pairs")
    print(
        f"{'source':8} {'system':9} {'accuracy':>8} {'precision':>9} {'recall':>7}"
        "   near-miss credited   order right"
    )
    figures: dict[str, object] = {}
    for source, words_of in sources.items():
        for name in args.systems.split(","):
            t = tally(answers, words_of, SYSTEMS[name])
            print(f"{source:8} {name:9} {t.line()}")
            figures[f"{source}/{name}"] = t.as_dict()
            if args.errors:
                print("\n".join(f"    {e}" for e in t.errors))
    if args.cost:
        cost(answers)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(figures, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
