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
from rehearse.errors import RehearseError
from rehearse.language.rubric import Rubric
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
