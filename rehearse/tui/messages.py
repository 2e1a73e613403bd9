"""Messages the app's workers and devices post to the screens, named for what already happened.

Workers run on threads; ``post_message`` is the one thread-safe way back into the UI, so every
result of blocking work arrives as one of these.
"""

from __future__ import annotations

from pathlib import Path

from textual.message import Message

from rehearse.audio.recorder import InputLevel, RecordingResult
from rehearse.scoring.score import Report
from rehearse.storage.history import Attempt
from rehearse.tui.services import RecorderLike


class ModelLoaded(Message):
    """The speech model is in memory: the next answer is scored without waiting for it."""


class ModelFailed(Message):
    def __init__(self, message: str) -> None:
        super().__init__()
        self.message = message


class RecordingStarted(Message):
    def __init__(self, recorder: RecorderLike) -> None:
        super().__init__()
        self.recorder = recorder


class RecordingFailed(Message):
    """The microphone could not be opened; nothing was recorded."""

    def __init__(self, message: str) -> None:
        super().__init__()
        self.message = message


class RecordingStopped(Message):
    def __init__(self, result: RecordingResult, discard: bool = False) -> None:
        super().__init__()
        self.result = result
        self.discard = discard


class LevelMeasured(Message):
    def __init__(self, level: InputLevel) -> None:
        super().__init__()
        self.level = level


class ScoringProgressed(Message):
    """Scoring moved on: ``stage`` is one of ``rehearse.service.STAGES``, ``fraction`` how far."""

    def __init__(self, stage: str, fraction: float) -> None:
        super().__init__()
        self.stage = stage
        self.fraction = fraction


class AnswerScored(Message):
    def __init__(self, report: Report, attempt: Attempt) -> None:
        super().__init__()
        self.report = report
        self.attempt = attempt


class ScoringFailed(Message):
    """Scoring or saving failed; ``kept`` is where the recording still is, if anywhere."""

    def __init__(self, message: str, kept: Path | None = None) -> None:
        super().__init__()
        self.message = message
        self.kept = kept


class QuestionRead(Message):
    """The question has been read aloud (or reading it failed): recording may start."""

    def __init__(self, problem: str | None = None, reading: int = 0) -> None:
        super().__init__()
        self.problem = problem
        self.reading = reading  # which reading this was: one stopped by "read again" is stale


class PlaybackStarted(Message):
    def __init__(self, duration: float) -> None:
        super().__init__()
        self.duration = duration


class PlaybackMoved(Message):
    def __init__(self, seconds: float) -> None:
        super().__init__()
        self.seconds = seconds


class PlaybackFinished(Message):
    pass


class PlaybackFailed(Message):
    def __init__(self, message: str) -> None:
        super().__init__()
        self.message = message


class RecordingsRecovered(Message):
    """Recordings left unscored by a crash or a quit were scored and added to the history."""

    def __init__(self, saved: int, problems: list[str]) -> None:
        super().__init__()
        self.saved = saved
        self.problems = problems


class HistoryChanged(Message):
    """Attempts were added behind the screens' backs (recovered after a crash): reload them."""
