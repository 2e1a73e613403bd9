"""The report on one spoken answer: timing, pace, fillers, pauses and rubric coverage.

``score`` is a pure function of the recognised words, the rubric and the measured voice activity,
so every rule can be tested on hand-made word lists.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from rehearse.audio.clip import Span, VoiceActivity
from rehearse.audio.delivery import NO_DELIVERY, Delivery
from rehearse.errors import StorageError
from rehearse.language.coverage import Coverage, score_coverage
from rehearse.language.fillers import Decision, Filler, explain_fillers
from rehearse.language.rubric import Rubric
from rehearse.scoring.coaching import NO_COACHING, Coaching, coach, coaching_from_dict
from rehearse.scoring.coaching import to_dict as coaching_dict
from rehearse.speech.hesitations import EDGE_SECONDS, isolated_stretches
from rehearse.text.words import Word, transcript_text

Timing = Literal["short", "on-target", "long"]

# The version of the JSON report, which is also how the history stores it. 2 added what a
# report needs to read back whole: each filler's word indices, each match's end and strength.
# 3 added ``coaching`` (hedges, repetition, delivery, pace windows, tangents, guide, tips), and
# coverage decided per sentence: each covered point carries its sentence and how it matched
# (phrase, meaning, both), and the report lists every sentence's decision.
REPORT_FORMAT = 3

# Anything here that would make the same words or audio score differently (fillers, pauses,
# coverage) must bump SCORING_REVISION in rehearse.scoring.metrics in the same commit.

PAUSE_MIN_SECONDS = 1.0
# A filler must have this much sound under it; with a filler prompt, Whisper writes "Uh," or
# "Mhm." into trailing silence.
FILLER_MIN_VOICED_SECONDS = 0.08
FILLER_SLACK_SECONDS = 0.3
FILLER_MIN_GAP_SECONDS = 0.1
# A pause this long before a word sets it off like a comma ("was, literally, untouched").
SET_OFF_PAUSE_SECONDS = 0.1


@dataclass(frozen=True)
class FillerSummary:
    items: tuple[Filler, ...]
    per_minute: float

    @property
    def count(self) -> int:
        return len(self.items)

    @property
    def by_word(self) -> dict[str, int]:
        return dict(Counter(f.text for f in self.items).most_common())


@dataclass(frozen=True)
class Report:
    question: str
    audio: str
    duration_seconds: float
    speaking_seconds: float
    target_seconds: tuple[int, int]
    timing: Timing
    words: tuple[Word, ...]
    fillers: FillerSummary
    pauses: tuple[Span, ...]
    coverage: Coverage
    model: str = ""
    notes: tuple[str, ...] = field(default=())
    # Every candidate filler, counted or not, with the rule that decided it (``--explain``).
    # Not kept in the history: a report read back has none.
    filler_decisions: tuple[Decision, ...] = field(default=())
    # Everything beyond fillers; a report of format 2 or older has none (``NO_COACHING``).
    coaching: Coaching = NO_COACHING

    @property
    def word_count(self) -> int:
        return len(self.words)

    @property
    def words_per_minute(self) -> float:
        if self.speaking_seconds <= 0:
            return 0.0
        return round(self.word_count / self.speaking_seconds * 60, 1)

    @property
    def transcript(self) -> str:
        return transcript_text(list(self.words))

    @property
    def filler_word_indices(self) -> frozenset[int]:
        return frozenset(i for f in self.fillers.items for i in f.word_indices)

    def to_dict(self, explain: bool = False) -> dict[str, Any]:
        """The JSON report; ``explain`` adds ``filler_decisions`` (the history keeps them too)."""
        filler_words = self.filler_word_indices
        data = {
            "format": REPORT_FORMAT,
            "question": self.question,
            "audio": self.audio,
            "model": self.model,
            "duration_seconds": round(self.duration_seconds, 2),
            "speaking_seconds": round(self.speaking_seconds, 2),
            "target_seconds": list(self.target_seconds),
            "timing": self.timing,
            "word_count": self.word_count,
            "words_per_minute": self.words_per_minute,
            "fillers": {
                "count": self.fillers.count,
                "per_minute": self.fillers.per_minute,
                "by_word": self.fillers.by_word,
                "items": [
                    {
                        "text": f.text,
                        "kind": f.kind,
                        "start": f.start,
                        "end": f.end,
                        "words": list(f.word_indices),
                        "rule": f.rule,
                    }
                    for f in self.fillers.items
                ],
            },
            "pauses": [
                {"start": p.start, "end": p.end, "seconds": round(p.seconds, 2)}
                for p in self.pauses
            ],
            "coverage": coverage_dict(self.coverage),
            "coaching": coaching_dict(self.coaching, self.speaking_seconds),
            "notes": list(self.notes),
            "transcript": self.transcript,
            "words": [
                {
                    "text": w.text,
                    "start": w.start,
                    "end": w.end,
                    "probability": w.probability,
                    "filler": i in filler_words,
                }
                for i, w in enumerate(self.words)
            ],
        }
        if explain:
            data["filler_decisions"] = self.explained()
        return data

    def explained(self) -> list[dict[str, Any]]:
        """``filler_decisions`` as JSON objects; ``counted`` says whether the report counts it."""
        counted = {f.word_indices[0] for f in self.fillers.items if f.word_indices}
        return [
            {
                "text": d.text,
                "kind": d.kind,
                "start": d.start,
                "end": d.end,
                "words": list(d.word_indices),
                "verdict": d.verdict,
                "counted": d.verdict == "filler" and d.word_indices[0] in counted,
                "rule": d.rule,
                "description": d.description,
            }
            for d in self.filler_decisions
        ]


def coverage_dict(coverage: Coverage) -> dict[str, Any]:
    return {
        "ratio": round(coverage.ratio, 3),
        "covered": sum(p.covered for p in coverage.points),
        "total": len(coverage.points),
        "in_order": coverage.in_order,
        "out_of_order": [
            {
                "point": said.id,
                "start": said.match.start,
                "before": first.id,
                "before_start": first.match.start,
            }
            for said, first in coverage.out_of_order()
            if said.match and first.match
        ],
        "points": [
            {
                "id": p.id,
                "label": p.label,
                "covered": p.covered,
                "sentence": p.match.sentence if p.match else None,
                "how": p.match.how if p.match else None,
                "phrase": p.match.phrase if p.match else None,
                "start": p.match.start if p.match else None,
                "end": p.match.end if p.match else None,
                "strength": p.match.strength if p.match else None,
                "seconds": p.seconds,
            }
            for p in coverage.points
        ],
        "sentences": [
            {
                "text": s.text,
                "start": s.start,
                "end": s.end,
                "point": s.point,
                "how": s.how,
                "strength": s.strength,
            }
            for s in coverage.sentences
        ],
    }


def timing_verdict(speaking_seconds: float, target: tuple[int, int]) -> Timing:
    low, high = target
    if speaking_seconds < low:
        return "short"
    if speaking_seconds > high:
        return "long"
    return "on-target"


def voiced_fillers(
    fillers: Sequence[Filler], words: Sequence[Word], activity: VoiceActivity
) -> list[Filler]:
    """Drop fillers with no sound under them: the recogniser wrote them into silence.

    Whisper times fillers loosely (often as a zero-length word beside the real sound), so the
    sound is looked for in the whole gap between the neighbouring words, and a filler whose own
    span is mostly silent is moved onto the longest sound in that gap, where replay can find it.
    """
    kept = []
    for f in fillers:
        first, last = f.word_indices[0], f.word_indices[-1]
        gap_start = words[first - 1].end if first > 0 else 0.0
        gap_end = words[last + 1].start if last + 1 < len(words) else f.end + FILLER_SLACK_SECONDS
        start, end = min(gap_start, f.start), max(gap_end, f.end)
        # Squeezed between two words with no gap, it sits inside speech, not in silence.
        squeezed = end - start < FILLER_MIN_GAP_SECONDS
        if not squeezed and activity.voiced_seconds(start, end) < FILLER_MIN_VOICED_SECONDS:
            continue
        own = f.end - f.start
        if own < 0.05 or activity.voiced_seconds(f.start, f.end) < own / 2:
            runs = activity.voiced_runs(start, end)
            if runs:
                loudest = max(runs, key=lambda r: r.seconds)
                f = replace(f, start=loudest.start, end=loudest.end)
        kept.append(f)
    return _one_per_sound(kept, words, activity)


def _one_per_sound(
    fillers: list[Filler], words: Sequence[Word], activity: VoiceActivity
) -> list[Filler]:
    """Collapse a decoding loop ("Er, er, er,"): back-to-back hesitations count once per sound.

    A run of hesitation words with nothing between them keeps as many as the separate stretches
    of sound (split by pauses of a tenth of a second) between the words around it, at least one.
    """
    out: list[Filler] = []
    i = 0
    while i < len(fillers):
        j = i + 1
        while (
            j < len(fillers)
            and fillers[j].kind == "hesitation"
            and fillers[i].kind == "hesitation"
            and fillers[j].word_indices[0] == fillers[j - 1].word_indices[-1] + 1
        ):
            j += 1
        group = fillers[i:j]
        if len(group) > 1:
            first, last = group[0].word_indices[0], group[-1].word_indices[-1]
            start = words[first - 1].end if first > 0 else group[0].start
            end = words[last + 1].start if last + 1 < len(words) else group[-1].end
            stretches = isolated_stretches(activity, start, end, 0.0, float("inf"))
            # Only sound clear of the neighbouring words, which keep their own edges.
            inner = (start + EDGE_SECONDS, end - EDGE_SECONDS)
            sounds = sum(1 for s in stretches if s.start > inner[0] and s.end < inner[1])
            group = group[: max(1, sounds)]
        out += group
        i = j
    return out


def detect_fillers(
    words: Sequence[Word], activity: VoiceActivity, extra: Sequence[str] = ()
) -> list[Filler]:
    """The fillers a report counts: found in the words, and with sound under them."""
    return judge_fillers(words, activity, extra)[0]


def judge_fillers(
    words: Sequence[Word], activity: VoiceActivity, extra: Sequence[str] = ()
) -> tuple[list[Filler], list[Decision]]:
    """The fillers a report counts, and every candidate with the rule that decided it."""
    decisions = explain_fillers(words, extra, paused(words, activity))
    found = [d.as_filler() for d in decisions if d.verdict == "filler"]
    return voiced_fillers(found, words, activity), decisions


def paused(words: Sequence[Word], activity: VoiceActivity) -> frozenset[int]:
    """Indices of the words with a pause between the previous word's start and their own end.

    Whisper's word times absorb short pauses, so the silence is looked for across both words.
    """
    return frozenset(
        i
        for i in range(1, len(words))
        if activity.silences(words[i - 1].start, words[i].end, SET_OFF_PAUSE_SECONDS)
    )


def score(
    words: Sequence[Word],
    rubric: Rubric,
    activity: VoiceActivity,
    duration_seconds: float,
    audio_name: str = "",
    target: tuple[int, int] | None = None,
    extra_fillers: Sequence[str] = (),
    model: str = "",
    notes: Sequence[str] = (),
    delivery: Delivery = NO_DELIVERY,
) -> Report:
    """The report on ``words``; ``notes`` are the transcriber's (speech it could not transcribe);
    ``delivery`` is the voice's variety, measured from the sound by the caller."""
    words = tuple(words)
    notes = list(notes)
    if not words:
        notes.append(
            "no speech was recognised: check the microphone and speak up"
            if not activity.any_voice
            else "sound was recorded but no words were recognised"
        )
    speaking = round(words[-1].end - words[0].start, 2) if words else 0.0
    target = target or rubric.target_seconds
    judged, decisions = judge_fillers(words, activity, extra_fillers)
    pauses = (
        tuple(activity.silences(words[0].start, words[-1].end, PAUSE_MIN_SECONDS)) if words else ()
    )
    filler_indices = frozenset(i for f in judged for i in f.word_indices)
    coverage = score_coverage(rubric, words, filler_indices)
    coached = coach(
        words, judged, rubric, coverage, speaking, target, delivery, paused(words, activity)
    )
    notes += coached.notes
    # A softening "kind of" is a hedge, not a filler as well (rehearse.language.hedges).
    fillers = coached.fillers
    per_minute = round(len(fillers) / speaking * 60, 1) if speaking > 0 else 0.0
    return Report(
        question=rubric.id,
        audio=audio_name,
        duration_seconds=round(duration_seconds, 2),
        speaking_seconds=speaking,
        target_seconds=target,
        timing=timing_verdict(speaking, target),
        words=words,
        fillers=FillerSummary(tuple(fillers), per_minute),
        pauses=pauses,
        coverage=coverage,
        model=model,
        notes=tuple(notes),
        filler_decisions=tuple(decisions),
        coaching=coached.coaching,
    )


def report_from_dict(data: dict[str, Any]) -> Report:
    """Rebuild a report from ``Report.to_dict`` (the history keeps reports as that JSON).

    A report of the current format reads back equal to the one stored; one of format 1 (before
    the format was versioned) lacks the fillers' word indices and the matches' ends, which are
    rebuilt from the words' flags and the match's start.
    """
    version = data.get("format", 1)
    if not isinstance(version, int) or version > REPORT_FORMAT:
        raise StorageError(
            f"this report was written by a newer rehearse (format {version}); upgrade rehearse"
        )
    words = tuple(
        Word(w["text"], w["start"], w["end"], w.get("probability", 1.0)) for w in data["words"]
    )
    flagged = [i for i, w in enumerate(data["words"]) if w.get("filler")]
    items: list[Filler] = []
    for item in data["fillers"]["items"]:
        if "words" in item:
            indices = tuple(item["words"])
        else:
            indices = tuple(
                i
                for i in flagged
                if item["start"] <= words[i].start and words[i].end <= item["end"]
            )
        items.append(
            Filler(
                item["text"],
                item.get("kind", "hesitation"),
                item["start"],
                item["end"],
                indices,
                item.get("rule", ""),
            )
        )
    low, high = data["target_seconds"]
    return Report(
        question=data["question"],
        audio=data["audio"],
        duration_seconds=data["duration_seconds"],
        speaking_seconds=data["speaking_seconds"],
        target_seconds=(low, high),
        timing=data["timing"],
        words=words,
        fillers=FillerSummary(tuple(items), data["fillers"]["per_minute"]),
        pauses=tuple(Span(p["start"], p["end"]) for p in data["pauses"]),
        coverage=coverage_from_dict(data["coverage"]),
        model=data.get("model", ""),
        notes=tuple(data.get("notes", ())),
        filler_decisions=tuple(
            Decision(
                d["text"],
                d["kind"],
                d["start"],
                d["end"],
                tuple(d["words"]),
                d["verdict"],
                d["rule"],
                d["description"],
            )
            for d in data.get("filler_decisions", ())
        ),
        coaching=coaching_from_dict(data.get("coaching")),
    )


def coverage_from_dict(data: dict[str, Any]) -> Coverage:
    """Coverage as ``coverage_dict`` wrote it; before format 3 a match was a phrase heard
    (``matched``), which reads back as evidence of how "phrase" with those words as its text."""
    from rehearse.language.coverage import Evidence, PointResult, SentenceCoverage

    points = tuple(
        PointResult(
            p["id"],
            p["label"],
            p["covered"],
            Evidence(
                p.get("sentence") or p["matched"],
                p["start"],
                p.get("end", p["start"]),
                p.get("how", "phrase"),
                p.get("strength") or 0.0,
                p.get("phrase") or p.get("matched"),
            )
            if p["covered"]
            else None,
            p.get("seconds"),
        )
        for p in data["points"]
    )
    sentences = tuple(
        SentenceCoverage(s["text"], s["start"], s["end"], s["point"], s["how"], s["strength"])
        for s in data.get("sentences", ())
    )
    return Coverage(points, data["in_order"], sentences)
