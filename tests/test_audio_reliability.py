"""`record --save` never loses an answer, and nothing is written outside the data folder or sent
anywhere: the real ``rehearse`` command on the virtual microphone, with the real model."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import ROOT, play_into_mic
from tui_support import shared_transcriber

from rehearse.language.rubric import find_question
from rehearse.service import recover_recordings
from rehearse.storage.history import History, sidecar_of
from rehearse.storage.settings import Settings

pytestmark = [pytest.mark.audio, pytest.mark.slow, pytest.mark.usefixtures("virtual_audio")]


def command(data: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "rehearse", "--data", str(data), *args]


def test_record_save_records_into_the_data_folder_then_copies_out(
    tmp_path: Path, speech_wav: Path
) -> None:
    out = tmp_path / "mine" / "answer.wav"
    data = tmp_path / "data"
    process = subprocess.Popen(
        command(data, "record", str(out), "--device", "pulse", "--seconds", "6",
                "--question", "imbalanced-data", "--save", "--json"),
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    play_into_mic(speech_wav)
    stdout, err = process.communicate(timeout=180)
    assert process.returncode == 0, err
    report = json.loads(stdout)
    assert report["audio"] == str(out)
    [attempt] = History(data).attempts()
    assert attempt.id == report["attempt_id"]
    assert attempt.audio_path.parent.parent == data / "attempts"
    assert attempt.audio_path.read_bytes() == out.read_bytes()
    assert sidecar_of(attempt.audio_path).exists()
    assert f"recorded 6.0 s to {out} (16000 Hz)" in err.splitlines()


def test_record_save_killed_mid_answer_is_recovered_by_the_next_start(
    tmp_path: Path, speech_wav: Path
) -> None:
    data = tmp_path / "data"
    out = tmp_path / "answer.wav"
    process = subprocess.Popen(
        command(data, "record", str(out), "--device", "pulse", "--question", "imbalanced-data",
                "--save"),
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    deadline = time.monotonic() + 15
    while not any(p.stat().st_size > 44 for p in data.glob("attempts/*/*.wav")):
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, "rehearse record wrote no audio into the data folder"
        time.sleep(0.05)
    # While it records, nothing else may take its file.
    assert History(data).unsaved_recordings() == []
    play_into_mic(speech_wav)
    process.kill()
    process.wait(timeout=10)
    [left] = History(data).unsaved_recordings()
    assert left[1] == "imbalanced-data"
    done = recover_recordings(
        History(data), lambda q: find_question(q), shared_transcriber(), Settings()
    )
    assert (done.saved, done.problems) == (1, ())
    [attempt] = History(data).attempts()
    assert attempt.audio_path == left[0]
    assert attempt.word_count > 5


_NO_NETWORK = """
import socket
_connect = socket.socket.connect

def connect(self, address):
    if self.family != socket.AF_UNIX:
        raise OSError(f"the network is off in this test: {address!r}")
    return _connect(self, address)

socket.socket.connect = connect
socket.socket.connect_ex = lambda self, address: connect(self, address) or 0
"""


def test_scoring_and_recording_write_nothing_outside_the_data_folder_and_need_no_network(
    tmp_path: Path, speech_wav: Path
) -> None:
    home = tmp_path / "home"
    home.mkdir()
    offline = tmp_path / "offline"
    offline.mkdir()
    (offline / "sitecustomize.py").write_text(_NO_NETWORK)
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("XDG_CACHE", "XDG_CONFIG", "XDG_DATA", "XDG_STATE", "HF_"))
        and k not in ("ORT_DISABLE_TELEMETRY", "PYTHONPATH")
    }
    # PulseAudio's client keeps its login cookie in ~/.config/pulse, where a desktop's sound
    # server has already put it; it is the sound system's file, not ours, so it lives elsewhere.
    env.update(HOME=str(home), PYTHONPATH=str(offline), PULSE_COOKIE=str(tmp_path / "pulse-cookie"))
    data = tmp_path / "data"

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            command(data, *args), cwd=ROOT, env=env, capture_output=True, text=True, timeout=180
        )

    blocked = subprocess.run(
        [sys.executable, "-c", "import socket; socket.create_connection(('127.0.0.1', 9))"],
        env=env, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert "the network is off in this test" in blocked.stderr  # the block is in force

    scored = run("score", str(speech_wav), "--question", "imbalanced-data", "--save", "--json")
    assert scored.returncode == 0, scored.stderr
    assert json.loads(scored.stdout)["word_count"] > 5
    recorded = run("record", str(tmp_path / "r.wav"), "--device", "pulse", "--seconds", "2",
                   "--question", "imbalanced-data", "--save")  # fmt: skip
    assert recorded.returncode == 0, recorded.stderr
    assert len(History(data).attempts()) == 2
    assert sorted(p.relative_to(home) for p in home.rglob("*")) == []
