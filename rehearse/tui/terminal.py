"""Keeping what C libraries print off the app's screen.

ALSA, PortAudio, onnxruntime and CTranslate2 write their messages ("ALSA lib pcm.c:8570:
(snd_pcm_recover) underrun occurred") straight to file descriptor 2, from C, past anything Python
can redirect. Textual draws the app on that same descriptor (``sys.__stderr__``), so those lines
landed on top of the screen. While the app runs, descriptor 2 goes to a log in the data
directory instead, and Python's own stderr (Textual's drawing, and the traceback Textual prints
if the app crashes) goes to a copy of the terminal made before the switch.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import TextIO

MESSAGES_LOG = "messages.log"
"""In the data directory: what the libraries printed while the app ran (``rehearse doctor``)."""
MAX_LOG_BYTES = 1_000_000  # a session of underruns must not grow it without end
SESSION_MARK = "--- rehearse app started"  # begins each session's lines in the log


@contextlib.contextmanager
def library_messages_to(log: Path) -> Iterator[None]:
    """Send descriptor 2 to ``log`` for the block; Python's stderr stays on the terminal."""
    try:
        sys.stderr.flush()
        terminal_fd = os.dup(2)
    except (OSError, ValueError):
        yield  # no descriptor 2 to move (embedded, or closed): nothing can paint over anything
        return
    try:
        log_fd = _open_log(log)
    except OSError:
        os.close(terminal_fd)
        yield  # an unwritable data directory is reported elsewhere; the app still runs
        return
    terminal = os.fdopen(terminal_fd, "w", encoding="utf-8", errors="replace", buffering=1)
    saved = sys.__stderr__, sys.stderr
    os.dup2(log_fd, 2)
    os.close(log_fd)
    _set_stderr(terminal, terminal)
    try:
        yield
    finally:
        with contextlib.suppress(OSError, ValueError):
            terminal.flush()
        os.dup2(terminal.fileno(), 2)
        _set_stderr(*saved)
        terminal.close()


def _set_stderr(original: TextIO | None, current: TextIO | None) -> None:
    # Textual's driver draws on sys.__stderr__, which the standard library marks as final.
    setattr(sys, "__stderr__", original)  # noqa: B010
    sys.stderr = current


def _open_log(log: Path) -> int:
    with contextlib.suppress(OSError):
        if log.stat().st_size > MAX_LOG_BYTES:
            log.replace(log.with_name(log.name + ".old"))
    fd = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    os.write(fd, f"{SESSION_MARK} {datetime.now():%Y-%m-%d %H:%M:%S}\n".encode())
    return fd
