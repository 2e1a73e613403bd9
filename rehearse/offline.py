"""Keeping the promise that nothing leaves the machine: not sent, and not even queued to be sent.

onnxruntime, which runs faster-whisper's Silero voice-activity model, keeps a telemetry event
queue and a device id under ``~/.cache/Microsoft/DeveloperTools/.onnxruntime/`` from the moment
it is imported, unless ``ORT_DISABLE_TELEMETRY`` is set before that import. ``rehearse``'s package
``__init__`` calls ``keep_offline`` first thing, so every entry point (the CLI, the app, library
use of ``rehearse.speech.transcribe``) has the switch set before anything can import onnxruntime;
the transcriber calls it again before it creates any model session, for a host program that had
imported onnxruntime before rehearse.

Hugging Face Hub only reports usage when it downloads, which rehearse does only for a model the
user names; its switch is set anyway. ctranslate2, PyAV, sounddevice, Textual and Rich write
nothing outside the data folder.
"""

from __future__ import annotations

import os
import sys

_SWITCHES = {
    "ORT_DISABLE_TELEMETRY": "1",
    "HF_HUB_DISABLE_TELEMETRY": "1",
}


def keep_offline(load_onnxruntime: bool = False) -> None:
    """Turn off every library's telemetry we know of, in this process and the ones it starts.

    ``load_onnxruntime`` imports it (the switch being set by then) to call its own off switch
    too, as the transcriber does before any session exists.
    """
    # Set, not setdefault: a leftover "0" in the environment must not break the promise.
    os.environ.update(_SWITCHES)
    if load_onnxruntime and "onnxruntime" not in sys.modules:
        try:
            import onnxruntime  # for its off switch, below
        except ImportError:
            return
    onnxruntime = sys.modules.get("onnxruntime")
    if onnxruntime is not None:
        # Covers a host program that imported it before rehearse: the variable came too late.
        disable = getattr(onnxruntime, "disable_telemetry_events", None)
        if disable is not None:
            disable()
