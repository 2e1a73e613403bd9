"""Precision and recall of repeats, restarts and hedges on blind labelled answers.

The answers (``benchmarks/coaching/<split>/*.txt``) were written by someone who never saw the
rules: a ``# question: <id>`` line, then the answer with inline labels ``[rep: the the]``,
``[restart: we trained we trained the]``, ``[hedge: I think]``; everything unlabelled is content,
traps included ("had had", "just in case", "that kind of noise").

Two ways in:

* ``text``: the answer's words as written (one every 0.4 s, punctuation kept), through the
  report's own pipeline (fillers, then ``find_habits``): the rules alone.
* a voice (``espeak``, ``piper``, ``flite-awb``, ...): the answer synthesized, transcribed by the
  project's ``Transcriber`` and scored by ``score`` as a recording is. Labels are carried onto
  the recognised words through a word alignment (difflib on normalised words), so a repeat the
  recogniser dropped is a miss, reported as such.

A detection is a true positive when its words overlap an unmatched label of the same kind; the
rest are false positives. Unmatched labels are false negatives.

    .venv/bin/python -m benchmarks.coaching_accuracy --split dev            # text only, instant
    .venv/bin/python -m benchmarks.coaching_accuracy --split dev --voices espeak,piper
"""

from __future__ import annotations

import argparse
import difflib
import json
import re
import sys
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a file: make the checkout importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from rehearse.text.words import Word, normalise

HERE = Path(__file__).resolve().parent
SETS = HERE / "coaching"
OUT = HERE / "out" / "coaching"
KINDS = ("repeat", "restart", "hedge")
_LABEL = re.compile(r"\[(rep|restart|hedge):\s*([^\]]*)\]")
_KIND_OF_LABEL = {"rep": "repeat", "restart": "restart", "hedge": "hedge"}


@dataclass
class Label:
    kind: str
    first: int  # word indices in the answer's words
    last: int
    text: str


@dataclass
class Answer:
    name: str
    question: str
    tokens: list[str]  # the words as written, punctuation kept
    labels: list[Label]

    @property
    def text(self) -> str:
        return " ".join(self.tokens)


def parse(path: Path) -> Answer:
    head, _, body = path.read_text(encoding="utf-8").partition("\n")
    question = head.split(":", 1)[1].strip() if head.startswith("# question:") else ""
    if not question:
        body = path.read_text(encoding="utf-8")
    tokens: list[str] = []
    labels: list[Label] = []
    position = 0
    for match in _LABEL.finditer(body):
        tokens += body[position : match.start()].split()
        said = match.group(2).split()
        # Punctuation right after the label belongs to its last word ("[hedge: I believe].").
        labels.append(
            Label(
                _KIND_OF_LABEL[match.group(1)],
                len(tokens),
                len(tokens) + len(said) - 1,
                match.group(2),
            )
        )
        tokens += said
        position = match.end()
        tail = re.match(r"[^\s\[]+", body[position:])
        if tail and tokens:
            tokens[-1] += tail.group(0)
            position += len(tail.group(0))
    tokens += body[position:].split()
    return Answer(path.stem, question, tokens, labels)


def load(split: str) -> list[Answer]:
    return [parse(p) for p in sorted((SETS / split).glob("*.txt"))]


@dataclass
class Found:
    kind: str
    first: int
    last: int
    text: str


def detect(words: Sequence[Word], paused: frozenset[int] = frozenset()) -> list[Found]:
    """Repeats, restarts and hedges in ``words`` as the report finds them (no sound: text)."""
    from rehearse.language.fillers import find_fillers
    from rehearse.scoring.habits import find_habits

    habits = find_habits(words, find_fillers(words, paused=paused), paused)
    return _found(habits)


def _found(habits: Any) -> list[Found]:
    out = [Found(r.kind, r.word_indices[0], _last_index(r), r.text) for r in habits.repetitions]
    out += [Found("hedge", h.word_indices[0], h.word_indices[-1], h.text) for h in habits.hedges]
    return out


def _last_index(r: Any) -> int:
    # A repetition's words are its first go; the label spans the second go too.
    return r.word_indices[-1] + len(r.word_indices)


def text_words(answer: Answer) -> list[Word]:
    return [
        Word(t, round(k * 0.4, 3), round(k * 0.4 + 0.32, 3)) for k, t in enumerate(answer.tokens)
    ]


@dataclass
class Tally:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    lost: int = 0  # of the false negatives, labels the recogniser did not hear word for word
    errors: list[str] = field(default_factory=list)

    def scores(self) -> tuple[float, float]:
        p = self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0
        r = self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0
        return p, r


def match(
    answer: Answer,
    labels: Sequence[tuple[Label, int, int]],
    found: Sequence[Found],
    tokens: Sequence[str],
    tallies: dict[str, Tally],
    lost: frozenset[int] = frozenset(),
) -> None:
    """Tally ``found`` against ``labels`` (each with its span in ``tokens``, the words found on);
    ``lost`` are the labels (by position) whose words the recogniser did not all hear."""
    used: set[int] = set()
    for f in found:
        hit = next(
            (
                k
                for k, (label, a, b) in enumerate(labels)
                if k not in used and label.kind == f.kind and a <= f.last and f.first <= b
            ),
            None,
        )
        if hit is None:
            tallies[f.kind].fp += 1
            context = " ".join(tokens[max(0, f.first - 4) : f.last + 4])
            tallies[f.kind].errors.append(f"{answer.name} FP {f.kind} {f.text!r}: …{context}…")
        else:
            used.add(hit)
            tallies[f.kind].tp += 1
    for k, (label, a, b) in enumerate(labels):
        if k not in used:
            tallies[label.kind].fn += 1
            tallies[label.kind].lost += k in lost
            context = " ".join(tokens[max(0, a - 4) : b + 4]) if a <= b else "(not heard)"
            cause = " (not heard word for word)" if k in lost else ""
            tallies[label.kind].errors.append(
                f"{answer.name} FN {label.kind} {label.text!r}{cause}: …{context}…"
            )


def _second_go(said: Sequence[str]) -> int:
    """Where a labelled stumble's second go starts: at its opening word said again ("we trained
    we trained the": 2), else halfway ("I built we built": 2)."""
    return next((k for k in range(1, len(said)) if said[k] == said[0]), (len(said) + 1) // 2)


def with_commas(answer: Answer) -> Answer:
    """``answer`` with a comma closing the first go of every labelled repeat and restart, as
    tiny.en writes a stumble when its prompt holds one ("We, we built the, the model")."""
    tokens = list(answer.tokens)
    for label in answer.labels:
        if label.kind == "hedge" or label.last <= label.first:
            continue
        said = [normalise(t) for t in tokens[label.first : label.last + 1]]
        end = label.first + _second_go(said) - 1
        if not tokens[end].endswith((",", ".", "?", "!", ";", ":", "-")):
            tokens[end] += ","
    return Answer(answer.name, answer.question, tokens, answer.labels)


def run_text(answers: Sequence[Answer], commas: bool = False) -> dict[str, Tally]:
    tallies = {k: Tally() for k in KINDS}
    for answer in answers:
        answer = with_commas(answer) if commas else answer
        words = text_words(answer)
        labels = [(label, label.first, label.last) for label in answer.labels]
        match(answer, labels, detect(words), answer.tokens, tallies)
    return tallies


def carry_labels(
    answer: Answer, heard: Sequence[str]
) -> tuple[list[tuple[Label, int, int]], frozenset[int]]:
    """Each label's span on the recognised words, through a word alignment (a label whose words
    were all lost gets an empty span, b < a), and the labels not heard word for word."""
    ref = [normalise(t) for t in answer.tokens]
    hyp = [normalise(t) for t in heard]
    mapping: dict[int, int] = {}
    for block in difflib.SequenceMatcher(a=ref, b=hyp, autojunk=False).get_matching_blocks():
        for k in range(block.size):
            mapping[block.a + k] = block.b + k
    out = []
    lost = set()
    for n, label in enumerate(answer.labels):
        mapped = [mapping[k] for k in range(label.first, label.last + 1) if k in mapping]
        if len(mapped) < label.last - label.first + 1:
            lost.add(n)
        if mapped:
            out.append((label, min(mapped), max(mapped)))
        else:
            # Nothing of it heard: look where its neighbours landed, so a near miss still counts.
            before = max((mapping[k] for k in mapping if k < label.first), default=-1)
            after = min((mapping[k] for k in mapping if k > label.last), default=len(hyp))
            out.append((label, before + 1, after - 1))
    return out, frozenset(lost)


def run_voice(
    answers: Sequence[Answer], voice: str, model: str | None, out: Path = OUT
) -> dict[str, Tally]:
    from rehearse.audio.clip import VoiceActivity, load_audio
    from rehearse.audio.tts import synthesize
    from rehearse.language.rubric import find_question
    from rehearse.scoring.score import score
    from rehearse.speech.transcribe import Transcriber

    transcriber = Transcriber(model)
    tallies = {k: Tally() for k in KINDS}
    for answer in answers:
        wav = out / voice / f"{answer.name}.wav"
        words_file = wav.with_suffix(".words.json")
        if not wav.exists():
            wav.parent.mkdir(parents=True, exist_ok=True)
            synthesize(answer.text, wav, voice)
        clip = load_audio(wav)
        activity = VoiceActivity.measure(clip.samples)
        if words_file.exists():
            words = [Word(**w) for w in json.loads(words_file.read_text())]
        else:
            words = list(transcriber.transcribe(clip.samples, None, activity).words)
            words_file.write_text(json.dumps([asdict(w) for w in words]))
        rubric = find_question(answer.question)
        report = score(words, rubric, activity, clip.duration)
        heard = [w.text for w in report.words]
        found = _found(report.coaching)
        labels, lost = carry_labels(answer, heard)
        match(answer, labels, found, heard, tallies, lost)
        print(f"  {voice} {answer.name}", file=sys.stderr)
    return tallies


def print_table(name: str, tallies: dict[str, Tally], verbose: bool) -> dict[str, Any]:
    row: dict[str, Any] = {}
    cells = []
    for kind in KINDS:
        t = tallies[kind]
        p, r = t.scores()
        row[kind] = {
            "tp": t.tp,
            "fp": t.fp,
            "fn": t.fn,
            "precision": round(p, 3),
            "recall": round(r, 3),
            "fn_not_heard": t.lost,
        }
        lost = f", {t.lost} not heard" if t.lost else ""
        cells.append(f"{kind:8} P {p:.2f} R {r:.2f} (tp {t.tp} fp {t.fp} fn {t.fn}{lost})")
    print(f"{name:10} " + " | ".join(cells))
    if verbose:
        for kind in KINDS:
            for line in tallies[kind].errors:
                print("    " + line)
    return row


def _number(name: str) -> int:
    """The answer's number ("k121-batch-realtime": 121; 0 for none), so k19 comes before k121."""
    digits = re.match(r"\D*(\d+)", name)
    return int(digits.group(1)) if digits else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", default="dev")
    parser.add_argument("--voices", default="", help="comma-separated; text is always scored")
    parser.add_argument("--model", default=None)
    parser.add_argument("--verbose", "-v", action="store_true", help="list every error")
    parser.add_argument("--json", type=Path, default=None)
    parser.add_argument(
        "--commas",
        action="store_true",
        help="also score the text with a comma between the goes of every repeat and restart",
    )
    parser.add_argument(
        "--plain",
        action="store_true",
        help="also score the filler corpus's dev answers, which hold no labelled stumble",
    )
    parser.add_argument("--limit", type=int, default=0, help="only the first N answers")
    parser.add_argument(
        "--since", default="", help="only answers named from this one on (k121: k121-k140)"
    )
    parser.add_argument(
        "--words-dir",
        type=Path,
        default=None,
        help="where each voice's synthesized answers and their recognised words are kept"
        " (default benchmarks/out/coaching; a new recogniser setting needs its own)",
    )
    args = parser.parse_args(argv)
    answers = [a for a in load(args.split) if _number(a.name) >= _number(args.since)]
    answers = answers[: args.limit or None]
    if not answers:
        print(f"no answers in {SETS / args.split}", file=sys.stderr)
        return 1
    counts = {k: sum(1 for a in answers for label in a.labels if label.kind == k) for k in KINDS}
    print(
        f"{len(answers)} answers ({args.split}): "
        + ", ".join(f"{v} {k}s" for k, v in counts.items())
    )
    results = {"text": print_table("text", run_text(answers), args.verbose)}
    if args.commas:
        results["commas"] = print_table("commas", run_text(answers, True), args.verbose)
    if args.plain:
        from benchmarks.restart_fit import plain_answers

        # Written for fillers, with no repeat or restart labelled: all found are false.
        plain = plain_answers()
        results["plain"] = print_table(f"plain {len(plain)}", run_text(plain), args.verbose)
    for voice in filter(None, args.voices.split(",")):
        tallies = run_voice(answers, voice, args.model, args.words_dir or OUT)
        results[voice] = print_table(voice, tallies, args.verbose)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
