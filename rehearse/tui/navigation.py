"""Requests for another screen. A screen posts one and it bubbles up to the app, the one
navigator, which builds the next screen and shows it: so no screen imports another screen, and
none imports the app."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.message import Message
from textual.screen import Screen

from rehearse.language.rubric import Rubric
from rehearse.scoring.score import Report
from rehearse.storage.history import Attempt

Answered = Callable[[Attempt | None], None]
"""Told the saved attempt when a mock-round question has been answered, or None if skipped."""


class AnswerRequested(Message):
    """Answer ``rubric`` aloud: the app shows the record screen.

    ``replacing`` is the screen it takes the place of (a report's "try again"); without one it
    goes on top. A mock round asks with ``in_round``, a ``caption`` and ``answered``.
    """

    def __init__(
        self,
        rubric: Rubric,
        *,
        replacing: Screen[Any] | None = None,
        in_round: bool = False,
        caption: str = "",
        read_aloud: bool = False,
        answered: Answered | None = None,
    ) -> None:
        super().__init__()
        self.rubric = rubric
        self.replacing = replacing
        self.in_round = in_round
        self.caption = caption
        self.read_aloud = read_aloud
        self.answered = answered


class ReportRequested(Message):
    """Show the report on ``attempt``: ``report`` when the sender has it already (else the
    stored one), ``rubric`` when it knows it (else the bank's, by the attempt's question)."""

    def __init__(
        self,
        attempt: Attempt,
        report: Report | None = None,
        rubric: Rubric | None = None,
        *,
        replacing: Screen[Any] | None = None,
    ) -> None:
        super().__init__()
        self.attempt = attempt
        self.report = report
        self.rubric = rubric
        self.replacing = replacing


class ReplayRequested(Message):
    """Play ``attempt`` back with its transcript (``report`` and ``rubric`` as for a report)."""

    def __init__(
        self, attempt: Attempt, report: Report | None = None, rubric: Rubric | None = None
    ) -> None:
        super().__init__()
        self.attempt = attempt
        self.report = report
        self.rubric = rubric


class HistoryRequested(Message):
    """Show every saved attempt."""


class MockRoundRequested(Message):
    """Set up a mock round."""


class SettingsRequested(Message):
    """Show the settings."""


class ProgressRequested(Message):
    """Show how the attempts at ``question_id`` went, metric by metric."""

    def __init__(self, question_id: str) -> None:
        super().__init__()
        self.question_id = question_id


class CompareRequested(Message):
    """Show two attempts side by side: ``first`` the earlier, ``second`` the later. ``numbers``
    are their numbers at their questions (1 = the first), as the history shows them."""

    def __init__(self, first: Attempt, second: Attempt, numbers: tuple[int, int]) -> None:
        super().__init__()
        self.first = first
        self.second = second
        self.numbers = numbers


class RescoreRequested(Message):
    """Offer to score ``attempts`` again by the current rules (they were scored by older ones);
    ``after_upgrade`` when the app makes the offer by itself."""

    def __init__(self, attempts: list[Attempt], *, after_upgrade: bool = False) -> None:
        super().__init__()
        self.attempts = attempts
        self.after_upgrade = after_upgrade
