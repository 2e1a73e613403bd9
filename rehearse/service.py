"""What the command line and the app both do with a recording: score it, save it, recover it.

The CLI handlers and the Textual screens only parse and present; every decision they share is
made here once: which target length applies (a ``--target`` flag, else the user's own for that
question, else the question's own), which of the user's own fillers count, and how a finished or
interrupted recording becomes an attempt in the history.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Literal

import numpy as np

from rehearse.audio.clip import AudioClip, VoiceActivity, load_audio
from rehearse.audio.delivery import (
    NO_DELIVERY,
    Delivery,
    VoiceFrames,
    delivery_from,
    measure_delivery,
)
from rehearse.errors import ModelError, RehearseError, UsageError
from rehearse.language.fillers import find_fillers
from rehearse.language.rubric import DEFAULT_TARGET, Rubric
from rehearse.scoring.metrics import SCORING_REVISION
from rehearse.scoring.score import Report, score
from rehearse.speech.stream import Streamed, StreamingTranscription
from rehearse.speech.transcribe import (
    LISTENING_AGAIN,
    TRANSCRIBING,
    ProgressCallback,
    Transcriber,
)
from rehearse.storage.history import Attempt, History
from rehearse.storage.settings import Settings
from rehearse.text.sentences import split_sentences
from rehearse.text.words import Word

READING = "reading"
SCORING = "scoring"
STAGES = (READING, TRANSCRIBING, LISTENING_AGAIN, SCORING)
"""What scoring a recording goes through, in order; ``progress`` names them as they run."""
STAGE_LABELS = {
    READING: "Reading the recording",
    TRANSCRIBING: "Transcribing what you said",
    LISTENING_AGAIN: "Listening again for ums, uhs and hedges",
    SCORING: "Scoring timing, pace, fillers and points",
}
# Roughly how the time of scoring an answer splits between the stages, for one overall bar.
STAGE_WEIGHTS = {READING: 0.05, TRANSCRIBING: 0.6, LISTENING_AGAIN: 0.3, SCORING: 0.05}


def warm_coverage(rubrics: Sequence[Rubric] = ()) -> threading.Thread:
    """Load the sentence model (and embed ``rubrics``' points) and the word list the filler rules
    read on a background thread, so they are ready by the time the speech model has
    transcribed; a failure shows when scoring needs them."""
    from rehearse.language.coverage import warm_up
    from rehearse.text.lexicon import load_word_list

    def run() -> None:
        # A failure here is not lost: scoring loads again and reports it as one line.
        with contextlib.suppress(RehearseError):
            warm_up(rubrics)
        load_word_list()

    # Not a daemon: onnxruntime aborts the process if it exits while a model is still loading,
    # so an app quit in the first second waits for the load (well under a second) to finish.
    thread = threading.Thread(target=run, name="coverage-warm-up", daemon=False)
    thread.start()
    return thread


def overall_fraction(stage: str, fraction: float) -> float:
    """How far scoring is as a whole, from the stage under way and how far that stage is."""
    done = 0.0
    for name in STAGES:
        if name == stage:
            return min(1.0, done + STAGE_WEIGHTS[name] * max(0.0, min(1.0, fraction)))
        done += STAGE_WEIGHTS[name]
    return done


TargetSource = Literal["flag", "yours", "question"]


@dataclass(frozen=True)
class Target:
    """The target length that applies to a question, and whose it is."""

    seconds: tuple[int, int]
    source: TargetSource  # a --target flag, the user's own for this question, or the rubric's


def target_for(
    rubric: Rubric, settings: Settings | None = None, override: tuple[int, int] | None = None
) -> Target:
    """The one place that decides the target: a flag, else the user's own for this question,
    else the question's.

    An older settings file has one ``target_seconds`` for every question. It was set against the
    60-90 s that most questions show, so it stands in for the user's own target only on questions
    whose target is that default: never on a 2-4 minute design question.
    """
    if override:
        return Target(override, "flag")
    if settings is not None:
        own = settings.targets.get(rubric.id)
        if own:
            return Target(own, "yours")
        if settings.target_seconds and rubric.target_seconds == DEFAULT_TARGET:
            return Target(settings.target_seconds, "yours")
    return Target(rubric.target_seconds, "question")


def resolve_target(
    rubric: Rubric, settings: Settings | None = None, override: tuple[int, int] | None = None
) -> tuple[int, int]:
    """The target length of an answer, in seconds (see ``target_for``)."""
    return target_for(rubric, settings, override).seconds


def with_target(
    settings: Settings, bank: Sequence[Rubric], question_id: str, target: tuple[int, int] | None
) -> Settings:
    """``settings`` with the user's own target for one question set, or removed with ``None``.

    An older file's single ``target_seconds`` is first spread over the questions it applies to,
    so that changing or resetting one question leaves the others as they were.
    """
    targets = dict(settings.targets)
    if settings.target_seconds:
        for rubric in bank:
            if rubric.target_seconds == DEFAULT_TARGET:
                targets.setdefault(rubric.id, settings.target_seconds)
    if target is None:
        targets.pop(question_id, None)
    else:
        targets[question_id] = target
    return replace(settings, target_seconds=None, targets=targets)


def without_targets(settings: Settings) -> Settings:
    """``settings`` with every question back on its own target."""
    return replace(settings, target_seconds=None, targets={})


def analyse_clip(
    clip: AudioClip,
    rubric: Rubric,
    transcriber: Transcriber,
    target: tuple[int, int] | None = None,
    extra_fillers: Sequence[str] = (),
    progress: ProgressCallback | None = None,
) -> Report:
    """Transcribe and score decoded audio; ``target`` defaults to the rubric's own."""
    activity = VoiceActivity.measure(clip.samples)
    words: tuple[Word, ...] = ()
    notes: tuple[str, ...] = ()
    # Nothing but silence is not transcribed: the model gets no chance to invent "Thank you."
    if activity.any_voice:
        # Whole, not in the pieces a stream decodes: those cost 1.5 times the CPU (each piece
        # pays its own second listen) and some words (benchmarks/README.md).
        transcript = transcriber.transcribe(clip.samples, progress, activity)
        words, notes = transcript.words, transcript.notes
    heard = Streamed(words, notes, activity, clip.duration, transcriber.name)
    delivery = delivery_of(clip.samples, words)
    return score_heard(heard, clip.path.name, rubric, target, extra_fillers, progress, delivery)


def delivery_of(samples: np.ndarray, words: Sequence[Word]) -> Delivery:
    """Pitch and loudness variety over the spoken part of ``samples`` (none without words)."""
    return measure_delivery(samples, words[0].start, words[-1].end) if words else NO_DELIVERY


def delivery_of_frames(voice: VoiceFrames, words: Sequence[Word]) -> Delivery:
    """The same figures from voiced frames measured piece by piece, over the same stretch."""
    return delivery_from(voice.between(words[0].start, words[-1].end)) if words else NO_DELIVERY


def score_heard(
    heard: Streamed,
    audio_name: str,
    rubric: Rubric,
    target: tuple[int, int] | None = None,
    extra_fillers: Sequence[str] = (),
    progress: ProgressCallback | None = None,
    delivery: Delivery = NO_DELIVERY,
) -> Report:
    """The one scoring of a transcription, whether of a whole file or streamed while recorded;
    ``delivery`` is measured on the audio, which only the caller holds."""
    if progress:
        progress(SCORING, 0.0)
    report = score(
        heard.words,
        rubric,
        heard.activity,
        heard.seconds,
        audio_name=audio_name,
        target=target,
        extra_fillers=extra_fillers,
        model=heard.model,
        notes=heard.notes,
        delivery=delivery,
    )
    if progress:
        progress(SCORING, 1.0)
    return report


def analyse_file(
    path: Path,
    rubric: Rubric,
    transcriber: Transcriber,
    target: tuple[int, int] | None = None,
    extra_fillers: Sequence[str] = (),
    progress: ProgressCallback | None = None,
) -> Report:
    if progress:
        progress(READING, 0.0)
    clip = load_audio(path)
    return analyse_clip(clip, rubric, transcriber, target, extra_fillers, progress)


def score_recording(
    path: Path,
    rubric: Rubric,
    transcriber: Transcriber,
    settings: Settings,
    override: tuple[int, int] | None = None,
    progress: ProgressCallback | None = None,
) -> Report:
    """Score a recording as the user has set rehearse up: their target and their own fillers."""
    return analyse_file(
        path,
        rubric,
        transcriber,
        target=resolve_target(rubric, settings, override),
        extra_fillers=settings.extra_fillers,
        progress=progress,
    )


# -- scoring while recording ----------------------------------------------------------------------


@dataclass(frozen=True)
class LiveFigures:
    """What the live view of an answer shows: the words so far, which are fillers, the pace."""

    words: tuple[Word, ...]
    filler_indices: frozenset[int]
    words_per_minute: float

    @property
    def filler_count(self) -> int:
        return len(self.filler_indices)


FELL_BEHIND_SECONDS = 10.0
"""Audio not yet transcribed at the stop beyond which the wait is worth a word to the user: the
last sentence or two is always left, and takes about a second."""


class LiveScoring:
    """An answer transcribed while it is recorded, then scored the way ``score_recording``
    scores a file: the user's target and fillers, the same ``score``.

    ``start`` once the recorder runs; ``figures`` any time for the live view; ``finish`` once
    the recorder has stopped. If streaming failed for any reason but the model, the finished
    file is scored whole instead: an answer is never lost to it.
    """

    def __init__(
        self,
        path: Path,
        rubric: Rubric,
        transcriber: Transcriber,
        settings: Settings,
        override: tuple[int, int] | None = None,
    ) -> None:
        self.path = Path(path)
        self.rubric = rubric
        self.target = resolve_target(rubric, settings, override)
        self.extra_fillers = tuple(settings.extra_fillers)
        self.stream = StreamingTranscription(self.path, transcriber, on_commit=self._prepare)

    def start(self) -> None:
        self.stream.start()
        # The sentence model loads while the user speaks, not after the stop.
        warm_coverage([self.rubric])

    def cancel(self) -> None:
        self.stream.cancel()

    @property
    def fell_behind(self) -> float | None:
        """Seconds of audio left to transcribe, when that is more than a moment's work."""
        behind = self.stream.behind_seconds
        return behind if behind >= FELL_BEHIND_SECONDS else None

    def figures(self, words: Sequence[Word] | None = None) -> LiveFigures:
        """The live figures of ``words`` (default: the words so far). Fillers are judged by the
        words alone, without the sound the report also checks them against."""
        shown = tuple(self.stream.words if words is None else words)
        fillers = find_fillers(shown, self.extra_fillers)
        speaking = shown[-1].end - shown[0].start if shown else 0.0
        pace = round(len(shown) / speaking * 60, 1) if speaking > 0 else 0.0
        indices = frozenset(i for f in fillers for i in f.word_indices)
        return LiveFigures(shown, indices, pace)

    def _prepare(self, committed: tuple[Word, ...]) -> None:
        """While the speaker goes on: embed the whole sentences committed so far for coverage,
        so that at the stop only the last few are left (the embedder keeps them by text). The
        last one may go on in the next piece, so it waits."""
        from rehearse.language.coverage import sentence_vectors

        # A sentence model that fails to load says so when the report needs it, not here. The
        # fillers found by the words alone are left out as the report leaves them out, so that
        # the report's sentences are mostly embedded already.
        with contextlib.suppress(RehearseError):
            sentence_vectors(
                split_sentences(committed)[:-1],
                words=committed,
                skip=self.figures(committed).filler_indices,
            )

    def finish(self, progress: ProgressCallback | None = None) -> Report:
        """The report, once the recording has stopped: only the audio not yet transcribed is
        left to do."""
        try:
            heard = self.stream.finish(progress)
        except ModelError:
            raise
        except Exception:
            # Whatever went wrong in the stream, the file on disk is whole: score it as a file.
            return analyse_file(
                self.path,
                self.rubric,
                self.stream.transcriber,
                self.target,
                self.extra_fillers,
                progress,
            )
        # Measured piece by piece as each was cut: the recording is not read again.
        delivery = delivery_of_frames(self.stream.voice, heard.words)
        return score_heard(
            heard, self.path.name, self.rubric, self.target, self.extra_fillers, progress, delivery
        )


def save_attempt(
    history: History, report: Report, audio: Path, when: datetime | None = None
) -> Attempt:
    """Keep ``report`` in the history; a recording outside the data folder is copied in."""
    return history.add(report, audio, when=when)


@dataclass(frozen=True)
class Recovered:
    """What ``recover_recordings`` did: attempts saved, and one line per recording it could not."""

    saved: int
    problems: tuple[str, ...]


# A WAV header and nothing after it: a recording that never got its first block of audio.
_EMPTY_WAV_BYTES = 44


def recover_recordings(
    history: History,
    rubric_for: Callable[[str], Rubric | None],
    transcriber: Transcriber,
    settings: Settings,
) -> Recovered:
    """Bring back what a crash, a kill or a failed save left on disk without a history row.

    A recording whose report was already written beside it gets its row back from that report;
    any other is scored now. Recordings a live process is still making or saving are left alone.
    """
    saved, problems = 0, []
    try:
        for recording in history.unsaved_reports():
            try:
                history.restore(recording)
                saved += 1
            except RehearseError as error:
                problems.append(str(error))
        history.write_missing_sidecars()
        leftovers = history.unsaved_recordings()
    except RehearseError as error:
        return Recovered(saved, (*problems, str(error)))
    for path, question_id, when in leftovers:
        rubric = rubric_for(question_id)
        if rubric is None:
            continue  # a question since removed from the bank: leave its file alone
        if _holds_no_audio(path):
            path.unlink(missing_ok=True)  # named, then the process died before any audio came
            continue
        try:
            report = score_recording(path, rubric, transcriber, settings)
            save_attempt(history, report, path, when=when)
            saved += 1
        except RehearseError as error:
            if not history.in_use(path) and path.exists():
                problems.append(str(error))
    return Recovered(saved, tuple(problems))


def _holds_no_audio(path: Path) -> bool:
    try:
        return path.stat().st_size <= _EMPTY_WAV_BYTES
    except OSError:
        return False


# -- rescoring ------------------------------------------------------------------------------------

RESCORE_OFFERED = "rescore-offered-for-revision"
"""The ``meta`` key remembering the scoring revision the app last offered a rescore for."""


def attempts_to_rescore(
    history: History,
    ids: Sequence[int] = (),
    question: str | None = None,
    everything: bool = False,
) -> list[Attempt]:
    """The attempts a rescore is asked for: by id, one question's, all, or else the outdated."""
    if ids:
        return [history.get(attempt_id) for attempt_id in dict.fromkeys(ids)]
    if question:
        found = history.attempts(question)
        if not found:
            raise UsageError(f"no saved attempts at '{question}': 'rehearse history' lists them")
        return found
    attempts = history.attempts()
    return attempts if everything else [a for a in attempts if a.outdated]


@dataclass(frozen=True)
class Rescored:
    """What ``rescore_attempts`` did: the attempts now current, and one line per attempt kept
    as it was."""

    updated: tuple[Attempt, ...]
    kept: tuple[str, ...]


RescoreProgress = Callable[[int, int, Attempt], None]
"""Called before each attempt with (attempts done, attempts in all, the attempt it starts)."""


def rescore_attempts(
    history: History,
    attempts: Sequence[Attempt],
    rubric_for: Callable[[str], Rubric | None],
    transcriber: Transcriber,
    settings: Settings,
    progress: RescoreProgress | None = None,
    stop: Callable[[], bool] = lambda: False,
) -> Rescored:
    """Score each attempt's recording again by the current rules, keeping its target.

    Each attempt is replaced in its own transaction once its new report is ready, so stopping
    (``stop``, Ctrl-C, a crash) leaves every attempt whole: rescored, or as it was.
    """
    updated: list[Attempt] = []
    kept: list[str] = []
    for n, attempt in enumerate(attempts):
        if stop():
            break
        if progress:
            progress(n, len(attempts), attempt)
        rubric = rubric_for(attempt.question_id)
        if rubric is None:
            kept.append(
                f"attempt {attempt.id}: the question '{attempt.question_id}' is no longer in the"
                " question bank, so it was kept as it was"
            )
            continue
        try:
            report = analyse_file(
                attempt.audio_path,
                rubric,
                transcriber,
                target=attempt.target_seconds,
                extra_fillers=settings.extra_fillers,
            )
            updated.append(history.replace_report(attempt.id, report))
        except RehearseError as error:
            kept.append(f"attempt {attempt.id} was kept as it was: {error}")
    return Rescored(tuple(updated), tuple(kept))


def rescore_to_offer(history: History) -> int:
    """How many attempts the app should offer to rescore: those scored by older rules, unless
    the offer for the current rules was already made (it is made once per upgrade)."""
    if history.meta(RESCORE_OFFERED) == str(SCORING_REVISION):
        return 0
    return sum(a.outdated for a in history.attempts())


def remember_rescore_offered(history: History) -> None:
    history.set_meta(RESCORE_OFFERED, str(SCORING_REVISION))


# -- importing recordings -------------------------------------------------------------------------


@dataclass(frozen=True)
class ImportedFile:
    """One file of ``import_recordings``: the attempt it became, the attempt it already was,
    or the one-line reason it could not be imported."""

    path: Path
    attempt: Attempt | None = None
    already: Attempt | None = None
    problem: str | None = None


def import_recordings(
    history: History,
    paths: Sequence[Path],
    rubric: Rubric,
    transcriber: Transcriber,
    settings: Settings,
    override: tuple[int, int] | None = None,
    progress: Callable[[int, int, Path], None] | None = None,
) -> list[ImportedFile]:
    """Score existing recordings of answers to ``rubric`` and add them to the history, each on
    the date the file gives (its metadata's, else its modification time). A file already in
    the history (the same audio made at the same time) is not added again."""
    from rehearse.audio.metadata import file_date
    from rehearse.storage.archive import KnownRecordings, file_sha256

    known = KnownRecordings(history)
    results = []
    for n, path in enumerate(paths):
        if progress:
            progress(n, len(paths), path)
        try:
            when = file_date(path)
            already = known.find(when, file_sha256(path))
        except OSError as exc:
            results.append(ImportedFile(path, problem=f"{path}: cannot read: {exc.strerror}"))
            continue
        if already is not None:
            results.append(ImportedFile(path, already=already))
            continue
        try:
            report = score_recording(path, rubric, transcriber, settings, override)
            results.append(ImportedFile(path, attempt=save_attempt(history, report, path, when)))
        except RehearseError as error:
            results.append(ImportedFile(path, problem=str(error)))
    return results
