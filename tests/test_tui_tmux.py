"""The real ``rehearse`` command in a real terminal (tmux): started, driven with keys, read back."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from tui_support import spoken_answer

ROOT = Path(__file__).resolve().parent.parent
REHEARSE = ROOT / ".venv" / "bin" / "rehearse"

# COLUMNS and LINES (set by some test runners) would override the real terminal size in the app.
TERMINAL_ENV = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")


class Terminal:
    """One tmux session on a private server, so the test never touches the user's sessions."""

    def __init__(self, socket: str) -> None:
        self.socket = socket

    def tmux(self, *args: str) -> str:
        done = subprocess.run(
            ["tmux", "-L", self.socket, "-f", "/dev/null", *args],
            capture_output=True,
            text=True,
            timeout=20,
            env=TERMINAL_ENV,
        )
        assert done.returncode == 0, f"tmux {args[0]} failed: {done.stderr}"
        return done.stdout

    def keys(self, *keys: str) -> None:
        self.tmux("send-keys", "-t", "app", *keys)

    def type(self, text: str) -> None:
        self.tmux("send-keys", "-t", "app", "-l", text)

    def screen(self) -> str:
        return self.tmux("capture-pane", "-p", "-t", "app")

    def wait_for(self, text: str, timeout: float = 60) -> str:
        deadline = time.monotonic() + timeout
        while True:
            shown = self.screen()
            if text in shown:
                return shown
            if time.monotonic() > deadline:
                raise AssertionError(f"{text!r} never appeared; the screen shows:\n{shown}")
            time.sleep(0.2)

    def wait_gone(self, text: str, timeout: float = 20) -> str:
        deadline = time.monotonic() + timeout
        while True:
            shown = self.screen()
            if text not in shown:
                return shown
            if time.monotonic() > deadline:
                raise AssertionError(f"{text!r} stayed on screen:\n{shown}")
            time.sleep(0.2)


@pytest.fixture
def terminal() -> Iterator[Terminal]:
    term = Terminal(f"rehearse-test-{os.getpid()}-{time.monotonic_ns()}")
    yield term
    subprocess.run(["tmux", "-L", term.socket, "kill-server"], capture_output=True, timeout=20)
    # tmux leaves the socket file of a killed server behind.
    sockets = Path(os.environ.get("TMUX_TMPDIR", "/tmp")) / f"tmux-{os.getuid()}"
    (sockets / term.socket).unlink(missing_ok=True)


def test_rehearse_in_tmux(tmp_path: Path, terminal: Terminal) -> None:
    data = tmp_path / "data"
    # One attempt saved through the command line, so the app has a report to show.
    saved = subprocess.run(
        [
            str(REHEARSE),
            "--data",
            str(data),
            "score",
            str(spoken_answer("precision")),
            "--question",
            "precision-vs-recall",
            "--save",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )
    assert saved.returncode == 0, saved.stderr

    command = f"{shlex.quote(str(REHEARSE))} --data {shlex.quote(str(data))}"
    # Size the window first, then start the app in it: a detached session otherwise falls
    # back to tmux's default 80x24 once it is created.
    terminal.tmux("new-session", "-d", "-s", "app", "-x", "100", "-y", "30", "sleep 600")
    terminal.tmux("set-option", "-t", "app", "window-size", "manual")
    terminal.tmux("resize-window", "-t", "app", "-x", "100", "-y", "30")
    terminal.tmux(
        "respawn-pane", "-k", "-t", "app", f"{command}; echo rehearse exited with $?; sleep 120"
    )
    terminal.wait_for("speech model tiny.en (bundled) ready", timeout=60)
    terminal.wait_for("Filter ›")
    terminal.wait_for("Applied ML design")

    terminal.type("/")
    terminal.type("recall")
    terminal.wait_for("(1 try)")
    terminal.wait_for("How are precision and recall different")
    terminal.wait_gone("Applied ML design")
    terminal.keys("Enter")  # from the filter to the list
    # Focus moves on the app's next turn; a key sent in the same instant would still land in the
    # filter (no person types that fast).
    time.sleep(0.5)

    terminal.type("l")  # the last report of the highlighted question
    terminal.wait_for("Rubric checklist")
    # Scored live by the CLI: the words differ between CPUs, so no exact counts or words.
    shown = terminal.wait_for(" of 6 points")
    assert re.search(r"Fillers +\d+ · [\d.]+/min · \w+ ×\d", shown), shown
    terminal.keys("Escape")
    terminal.wait_for("(1 try)")

    terminal.keys("Enter")
    terminal.wait_for("Press space to start recording")
    terminal.wait_for("target 1:00–1:30")
    shown = terminal.wait_for("Talking points")  # the footer names the key...
    assert "Favor precision when false alarms" not in shown  # ...but they start hidden
    terminal.type("t")
    terminal.wait_for("Favor precision when false alarms are costly")
    terminal.keys("Escape")
    terminal.wait_for("(1 try)")

    terminal.type("?")
    terminal.wait_for("Keys")
    terminal.wait_for("Start / stop")
    terminal.keys("Escape")
    terminal.wait_gone("escape closes")

    terminal.type("q")
    terminal.wait_for("rehearse exited with 0", timeout=20)
