"""From a recording to a report: decode, transcribe, measure the audio, score."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from rehearse.audio import AudioClip, VoiceActivity, load_audio
from rehearse.rubric import Rubric
from rehearse.scoring import Report, score
from rehearse.transcribe import ProgressCallback, Transcriber


def analyse_clip(
    clip: AudioClip,
    rubric: Rubric,
    transcriber: Transcriber,
    target: tuple[int, int] | None = None,
    extra_fillers: Sequence[str] = (),
    progress: ProgressCallback | None = None,
) -> Report:
    activity = VoiceActivity.measure(clip.samples)
    if activity.any_voice:
        words = transcriber.transcribe(clip.samples, progress, activity).words
    else:
        # Nothing but silence: don't give the model a chance to invent "Thank you."
        words = ()
        if progress:
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
