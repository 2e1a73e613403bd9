"""What the command line and the app both do with a recording: score it, save it, recover it.

The CLI handlers and the Textual screens only parse and present; every decision they share is
made here once: which target length applies (a ``--target`` flag, else the saved setting, else
the question's own), which of the user's own fillers count, and how a finished or interrupted
recording becomes an attempt in the history.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from rehearse.audio.clip import AudioClip, VoiceActivity, load_audio
from rehearse.errors import RehearseError, UsageError
from rehearse.language.rubric import Rubric
from rehearse.scoring.metrics import SCORING_REVISION
from rehearse.scoring.score import Report, score
from rehearse.speech.transcribe import ProgressCallback, Transcriber
from rehearse.storage.history import Attempt, History
from rehearse.storage.settings import Settings
from rehearse.text.words import Word


def resolve_target(
    rubric: Rubric, settings: Settings | None = None, override: tuple[int, int] | None = None
) -> tuple[int, int]:
    """The target length of an answer: ``override`` (a flag), else the setting, else the rubric."""
    if override:
        return override
    if settings is not None and settings.target_seconds:
        return settings.target_seconds
    return rubric.target_seconds


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
    if activity.any_voice:
        transcript = transcriber.transcribe(clip.samples, progress, activity)
        words, notes = transcript.words, transcript.notes
    elif progress:
        # Nothing but silence: don't give the model a chance to invent "Thank you."
        progress(1.0)
    return score(
        words,
        rubric,
        activity,
        clip.duration,
        audio_name=clip.path.name,
        target=target,
        extra_fillers=extra_fillers,
        model=transcriber.name,
        notes=notes,
    )


def analyse_file(
    path: Path,
    rubric: Rubric,
    transcriber: Transcriber,
    target: tuple[int, int] | None = None,
    extra_fillers: Sequence[str] = (),
    progress: ProgressCallback | None = None,
) -> Report:
    return analyse_clip(load_audio(path), rubric, transcriber, target, extra_fillers, progress)


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


def recover_recordings(
    history: History,
    rubric_for: Callable[[str], Rubric | None],
    transcriber: Transcriber,
    settings: Settings,
) -> Recovered:
    """Score what a crash, a kill or a quit mid-answer left on disk without a history row."""
    try:
        leftovers = history.unsaved_recordings()
    except RehearseError as error:
        return Recovered(0, (str(error),))
    saved, problems = 0, []
    for path, question_id, when in leftovers:
        rubric = rubric_for(question_id)
        if rubric is None:
            continue  # a question since removed from the bank: leave its file alone
        try:
            report = score_recording(path, rubric, transcriber, settings)
            save_attempt(history, report, path, when=when)
            saved += 1
        except RehearseError as error:
            problems.append(str(error))
    return Recovered(saved, tuple(problems))


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
