"""Errors a user can act on.

Every failure the user can cause or fix (a missing file, a bad rubric, no microphone) is raised as a
``RehearseError`` whose message is one complete line. The CLI prints that line and exits non-zero;
the TUI shows it in a notification. Anything else is a bug and may show a traceback.
"""

from __future__ import annotations


class RehearseError(Exception):
    """A problem the user can act on; ``str(error)`` is a single line meant for them."""

    exit_code = 1


class UsageError(RehearseError):
    """The command line asked for something that does not exist (unknown question, bad option)."""

    exit_code = 2


class AudioError(RehearseError):
    """An audio file is missing, unreadable, truncated or empty."""


class RubricError(RehearseError):
    """A rubric file is not valid TOML or breaks the rubric format."""


class ModelError(RehearseError):
    """The speech model cannot be found or loaded."""


class StorageError(RehearseError):
    """The data directory or history database cannot be written or read."""


class DeviceError(RehearseError):
    """PortAudio is missing, or an audio device is absent, busy or vanished."""
