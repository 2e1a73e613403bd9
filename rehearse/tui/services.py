"""What the app needs from the outside world, as small interfaces it can be handed.

The screens talk to a recorder and a player only through these protocols, so a test (or a
future backend) can hand in any class with the same methods; the defaults are the real
sounddevice ``Recorder`` and ``Player``.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Protocol, runtime_checkable

from rehearse.audio.recorder import InputLevel, RecordingResult

PositionCallback = Callable[[float], None]
"""Called with the playback position in seconds; may be called from an audio thread."""


@runtime_checkable
class RecorderLike(Protocol):
    path: Path

    @property
    def elapsed(self) -> float: ...

    @property
    def is_recording(self) -> bool: ...

    def start(self) -> None: ...

    def stop(self) -> RecordingResult: ...

    def level(self) -> InputLevel: ...


@runtime_checkable
class PlayerLike(Protocol):
    """Plays one recording, as ``rehearse.audio.playback.Player`` does.

    ``on_position`` is set by the screen before ``play`` and may be called from any thread;
    ``finished`` is set when playback reaches the end or is stopped.
    """

    on_position: PositionCallback | None
    finished: threading.Event

    @property
    def duration(self) -> float: ...

    @property
    def position(self) -> float: ...

    @property
    def paused(self) -> bool: ...

    @property
    def is_playing(self) -> bool: ...

    def play(self) -> None: ...

    def pause(self) -> None: ...

    def resume(self) -> None: ...

    def seek(self, seconds: float) -> None: ...

    def stop(self) -> None: ...


@runtime_checkable
class Voice(Protocol):
    """Reads a question aloud, as ``PiperVoice`` does."""

    def say(self, text: str) -> None:
        """Read ``text`` aloud; return once it has been heard, or at once after ``stop()``."""

    def stop(self) -> None:
        """Stop reading now (called from the UI thread while ``say`` runs in a worker)."""


RecorderFactory = Callable[[Path], RecorderLike]
PlayerFactory = Callable[[Path], PlayerLike]


def real_recorder_factory(device: str | None) -> RecorderFactory:
    from rehearse.audio.recorder import Recorder

    def make(path: Path) -> RecorderLike:
        return Recorder(path, device=device)

    return make


def real_player_factory(device: str | None) -> PlayerFactory:
    def make(path: Path) -> PlayerLike:
        # Imported on first use: reading reports must not need PortAudio.
        from rehearse.audio.playback import Player

        return Player(path, device=device)

    return make


class PiperVoice:
    """The offline Piper voice on the speakers ``device()`` names (None: the system default)."""

    def __init__(self, device: Callable[[], str | None] = lambda: None) -> None:
        self._device = device
        self._lock = threading.Lock()
        self._player: PlayerLike | None = None
        self._stops = 0  # each stop() counts up, so a reading synthesized meanwhile never plays

    def say(self, text: str) -> None:
        # Runs in a worker thread: synthesis and playback both block until the question is read.
        from rehearse.audio import tts
        from rehearse.audio.playback import Player

        with self._lock:
            stops = self._stops
        samples = tts.speak_samples(text, "piper")
        with self._lock:
            if stops != self._stops:
                return
            player = Player.from_samples(samples, tts.SAMPLE_RATE, device=self._device())
            self._player = player
            player.play()
        try:
            player.finished.wait()
        finally:
            player.stop()
            with self._lock:
                if self._player is player:
                    self._player = None

    def stop(self) -> None:
        with self._lock:
            self._stops += 1
            player, self._player = self._player, None
        if player is not None:
            player.stop()


def piper_voice(device: Callable[[], str | None] = lambda: None) -> Voice | None:
    """The offline Piper voice, or None when it is not installed.

    ``device`` gives the output device (None: the system default) each time it speaks;
    ``scratch`` is the folder for the spoken question's short-lived WAV (the data folder, so
    nothing is written outside it; None: the system's temporary folder).
    """
    from rehearse.audio import tts

    if "piper" not in tts.available_voices():
        return None
    return PiperVoice(device)
