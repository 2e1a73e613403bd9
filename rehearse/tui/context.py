"""What the screens need from the running app, as a protocol they import instead of the app.

The app imports every screen to show it; a screen that imported the app back (even only for
type checking) would make an import cycle. Screens read these attributes through ``context``,
and mypy checks that ``RehearseApp`` provides them all (see the end of app.py).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Protocol, cast

from textual.app import App

from rehearse.language.rubric import Rubric
from rehearse.service import Target
from rehearse.speech.transcribe import Transcriber
from rehearse.storage.history import History
from rehearse.storage.settings import Settings
from rehearse.tui.services import PlayerFactory, RecorderFactory, Voice


class AppContext(Protocol):
    """The app as the screens see it: the question bank, the store, the settings, the model and
    the audio devices."""

    bank: list[Rubric]
    store: History
    settings: Settings
    transcriber: Transcriber
    data_dir: Path
    voice: Voice | None
    model_problem: str | None

    @property
    def model_status(self) -> str:
        """``loading``, ``ready`` or ``failed``: a reactive that screens may also watch."""
        ...

    @property
    def read_only(self) -> str | None:
        """Why this copy of the app may not record or delete (another copy has the data
        folder), or None."""
        ...

    @property
    def recorder_factory(self) -> RecorderFactory: ...

    @property
    def player_factory(self) -> PlayerFactory: ...

    def target_for(self, rubric: Rubric) -> tuple[int, int]: ...

    def target(self, rubric: Rubric) -> Target:
        """The target length of ``rubric`` and whose it is (the user's own, or the question's)."""
        ...

    def rubric(self, question_id: str) -> Rubric | None: ...

    def switch_model(self, model: str | None, loaded: Transcriber | None = None) -> None:
        """Use another model from the next answer on: ``loaded`` if the caller already loaded
        it, else it loads in the background."""
        ...

    def stop_voice(self) -> None:
        """Stop reading a question aloud, at once."""
        ...


def context(app: App[Any]) -> AppContext:
    """The running app, seen through ``AppContext`` (screens only ever run in RehearseApp)."""
    return cast(AppContext, app)
