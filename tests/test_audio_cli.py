"""`rehearse devices | record | replay | doctor`, run as a user runs them, on virtual devices."""

from __future__ import annotations

import argparse
import json
import os
import resource
import signal
import subprocess
import sys
import time
import wave
from pathlib import Path

import numpy as np
import pytest
import soundfile
from conftest import (
    ROOT,
    best_match,
    envelope,
    play_into_mic,
    read_mono,
)

from rehearse.cli import audio_commands as audio_cli
from rehearse.errors import AudioError, UsageError

pytestmark = [pytest.mark.audio, pytest.mark.usefixtures("virtual_audio")]


def rehearse_command(data: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "rehearse", "--data", str(data), *args]


def run(data: Path, *args: str, **kwargs: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        rehearse_command(data, *args),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        **kwargs,  # type: ignore[call-overload]
    )


def start_recording(data: Path, out: Path, *args: str) -> subprocess.Popen[str]:
    process = subprocess.Popen(
        rehearse_command(data, "record", str(out), "--device", "pulse", *args),
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 15
    while not out.exists() or out.stat().st_size <= 44:  # the first block is on disk
        if process.poll() is not None:
            pytest.fail(f"rehearse record exited early: {process.communicate()}")
        assert time.monotonic() < deadline, "rehearse record wrote no audio"
        time.sleep(0.02)
    return process


def parser() -> argparse.ArgumentParser:
    # The subcommands as the lead's CLI mounts them, without depending on the rest of the CLI.
    from rehearse.cli.main import global_options

    top = argparse.ArgumentParser(prog="rehearse", parents=[global_options(after_command=False)])
    audio_cli.add_parsers(top.add_subparsers(dest="command"), [global_options(after_command=True)])
    return top


def header_frames(path: Path) -> int:
    with wave.open(str(path), "rb") as wav:
        assert (wav.getnchannels(), wav.getsampwidth(), wav.getframerate()) == (1, 2, 16000)
        return wav.getnframes()


def test_record_for_n_seconds_captures_the_speech_and_saves_the_device(
    tmp_path: Path, speech_wav: Path
) -> None:
    out = tmp_path / "answer.wav"
    process = start_recording(tmp_path, out, "--seconds", "3", "--save-device")
    speech = play_into_mic(speech_wav, wait=False)
    try:
        _, err = process.communicate(timeout=15)
    finally:
        speech.kill()
        speech.wait()
    assert process.returncode == 0, err
    lines = err.splitlines()
    assert lines[0] == "recording from pulse at 16000 Hz — Ctrl-C to stop"
    assert "saved pulse as your microphone" in lines
    assert f"recorded 3.0 s to {out} (16000 Hz)" in lines
    assert header_frames(out) == 48000
    assert out.stat().st_size == 44 + 2 * 48000

    source, source_rate = read_mono(speech_wav)
    heard, rate = read_mono(out)
    score, _ = best_match(envelope(source, source_rate), envelope(heard, rate))
    assert score > 0.85, f"recording does not match the speech (correlation {score:.2f})"

    assert (tmp_path / "settings.toml").read_text() == 'input_device = "pulse"\n'
    listing = run(tmp_path, "devices")
    assert listing.returncode == 0, listing.stderr
    pulse_rows = [line for line in listing.stdout.splitlines() if " pulse " in line]
    assert pulse_rows[0].split()[-1] == "saved"  # the microphones come first


def test_sigkill_mid_answer_leaves_a_playable_file_up_to_the_kill(
    tmp_path: Path, speech_wav: Path
) -> None:
    out = tmp_path / "killed.wav"
    process = start_recording(tmp_path, out)
    flowing = time.monotonic()
    speech = play_into_mic(speech_wav, wait=False)
    time.sleep(2.5)
    process.kill()
    killed = time.monotonic()
    process.wait(timeout=10)
    speech.kill()
    speech.wait()

    frames = header_frames(out)
    seconds = soundfile.info(str(out)).duration
    assert frames / 16000 == pytest.approx(seconds)
    assert out.stat().st_size >= 44 + 2 * frames
    recorded_for = killed - flowing
    assert recorded_for - 1.0 <= seconds <= recorded_for + 0.5
    source, source_rate = read_mono(speech_wav)
    heard, rate = read_mono(out)
    score, _ = best_match(envelope(source, source_rate), envelope(heard, rate))
    assert score > 0.85, f"the audio before the kill is not the speech ({score:.2f})"


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_ctrl_c_or_sigterm_ends_with_a_complete_file_and_exit_0(
    tmp_path: Path, sig: signal.Signals
) -> None:
    out = tmp_path / "stopped.wav"
    process = start_recording(tmp_path, out)
    time.sleep(1.5)
    process.send_signal(sig)
    _, err = process.communicate(timeout=10)
    assert process.returncode == 0, err
    assert "Traceback" not in err
    frames = header_frames(out)
    assert out.stat().st_size == 44 + 2 * frames  # header and data agree exactly
    assert frames / 16000 == pytest.approx(1.5, abs=0.5)
    assert f"recorded {frames / 16000:.1f} s to {out}" in err


def test_a_recording_problem_exits_3_and_keeps_the_audio(tmp_path: Path) -> None:
    limit = 44 + 2 * 16000  # one second: write() then fails as on a full disk

    def limit_file_size() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    out = tmp_path / "limited.wav"
    done = run(
        tmp_path, "record", str(out), "--device", "pulse", "--seconds", "5",
        preexec_fn=limit_file_size,
    )  # fmt: skip
    assert done.returncode == 3, done.stderr
    assert "recorded 1.0 s" in done.stderr
    assert "rehearse: cannot write" in done.stderr and "kept" in done.stderr
    assert header_frames(out) == 16000


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["out.wav", "--json"], "--json and --save need --question"),
        (["out.wav", "--seconds", "0"], "--seconds must be more than 0"),
        (["out.mp3"], "name the output out.wav"),
    ],
)
def test_record_usage_errors(tmp_path: Path, argv: list[str], message: str) -> None:
    args = parser().parse_args(["--data", str(tmp_path), "record", *argv])
    with pytest.raises(UsageError, match=message):
        args.handler(args)


def test_unknown_device_is_one_line_and_exit_1(tmp_path: Path) -> None:
    done = run(tmp_path, "record", str(tmp_path / "x.wav"), "--device", "no-such-mic")
    assert done.returncode == 1
    assert done.stderr.splitlines() == [
        "rehearse: no microphone matches 'no-such-mic': run 'rehearse devices' to see the choices"
    ]
    assert not (tmp_path / "x.wav").exists()


def test_no_audio_devices_at_all(tmp_path: Path) -> None:
    # Point ALSA's pulse plugin at no server: PortAudio then finds no device at all.
    nowhere = dict(
        os.environ, PULSE_SERVER=f"unix:{tmp_path}/no-server", XDG_RUNTIME_DIR=str(tmp_path)
    )
    done = run(tmp_path, "record", str(tmp_path / "x.wav"), env=nowhere)
    assert done.returncode == 1
    assert done.stderr.splitlines()[-1].startswith("rehearse: no microphone found: plug one in")
    doctor = run(tmp_path, "doctor", env=nowhere)
    assert doctor.returncode == 1
    assert "PROBLEM  microphone: no microphone found" in doctor.stdout
    assert "PROBLEM  speakers: no speakers or headphones found" in doctor.stdout


_WITHOUT_PORTAUDIO = """
import ctypes.util, sys
ctypes.util.find_library = lambda name: None  # as on a machine without libportaudio2
from rehearse.cli.main import main
sys.exit(main(sys.argv[1:]))
"""


def test_missing_portaudio_says_how_to_install_it(tmp_path: Path) -> None:
    def without_portaudio(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-c", _WITHOUT_PORTAUDIO, "--data", str(tmp_path), *args],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )

    install = "PortAudio is missing: install it with 'sudo apt-get install libportaudio2'"
    record = without_portaudio("record", str(tmp_path / "x.wav"))
    assert record.returncode == 1
    assert len(record.stderr.splitlines()) == 1
    assert record.stderr.startswith(f"rehearse: {install} (Debian/Ubuntu) or 'brew install")
    doctor = without_portaudio("doctor")
    assert doctor.returncode == 1
    assert f"PROBLEM  PortAudio: {install}" in doctor.stdout
    assert "OK       speech model" in doctor.stdout


def test_devices_lists_microphones_and_speakers(tmp_path: Path) -> None:
    done = run(tmp_path, "devices")
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert out.index("Microphones:") < out.index("Speakers:")
    microphones, speakers = out.split("Speakers:")
    for section in (microphones, speakers):
        assert " pulse " in section
        assert any(line.split()[-1] == "default" for line in section.splitlines() if line)
    assert not (tmp_path / "settings.toml").exists()


def test_devices_names_the_default_and_the_saved_microphone_in_words(tmp_path: Path) -> None:
    # The system default is ALSA's "default" device; saving "pulse" makes them two devices that
    # used to get the same "*".
    (tmp_path / "settings.toml").write_text('input_device = "pulse"\n')
    done = run(tmp_path, "devices")
    assert done.returncode == 0, done.stderr
    assert "*" not in done.stdout
    microphones = done.stdout.split("Speakers:")[0].splitlines()
    rows = {line.split()[1]: line.split()[6:] for line in microphones if line[:3].strip().isdigit()}
    assert rows["pulse"] == ["saved"]
    assert rows["default"] == ["default"]


def test_doctor_all_fine(tmp_path: Path) -> None:
    done = run(tmp_path / "data", "doctor")
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    names = [line.split(":")[0].split(None, 1)[1] for line in lines]
    assert names == [
        "PortAudio",
        "microphone",
        "speakers",
        "speech model",
        "data directory",
        "settings",
        "question bank",
        "history",
        "library messages",
    ]
    assert all(line.startswith("OK ") for line in lines), done.stdout
    assert "records at 16000 Hz" in lines[1]
    assert lines[-1].endswith(f"they go to {(tmp_path / 'data' / 'messages.log').resolve()}")


def test_doctor_reports_an_unwritable_data_directory(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    done = run(blocker / "data", "doctor")
    assert done.returncode == 1
    problems = [line for line in done.stdout.splitlines() if line.startswith("PROBLEM")]
    assert len(problems) == 1
    assert problems[0].startswith("PROBLEM  data directory: cannot write to the data directory")
    assert "--data DIR" in problems[0]


def test_replay_plays_the_whole_file(tmp_path: Path, speech_wav: Path) -> None:
    started = time.monotonic()
    done = run(tmp_path, "replay", str(speech_wav), "--device", "pulse")
    took = time.monotonic() - started
    assert done.returncode == 0, done.stderr
    duration = soundfile.info(str(speech_wav)).duration
    assert duration < took < duration + 4
    lines = done.stderr.splitlines()
    assert lines[0].startswith(f"playing {speech_wav} (0:0") and " on pulse — Ctrl-C" in lines[0]
    assert lines[-1] == f"played 0:{duration:04.1f} of 0:{duration:04.1f}"


def test_ctrl_c_stops_replay(tmp_path: Path, speech_wav: Path) -> None:
    process = subprocess.Popen(
        rehearse_command(tmp_path, "replay", str(speech_wav), "--device", "pulse"),
        cwd=ROOT,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stderr is not None
    assert process.stderr.readline().startswith("playing ")
    time.sleep(1.0)
    sent = time.monotonic()
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=10)
    assert time.monotonic() - sent < 1.0
    assert process.returncode == 0, err
    assert err.startswith("played 0:0")


def test_replay_by_attempt_id(tmp_path: Path) -> None:
    from rehearse.audio.clip import VoiceActivity
    from rehearse.language.rubric import find_question
    from rehearse.scoring.score import score
    from rehearse.storage.history import History
    from rehearse.text.words import Word

    short = tmp_path / "answer.wav"
    soundfile.write(str(short), [0.0] * 8000, 16000)
    report = score(
        [Word("weights", 0.1, 0.4)],
        find_question("imbalanced-data"),
        VoiceActivity.measure(np.zeros(8000, dtype=np.float32)),
        0.5,
    )
    attempt = History(tmp_path).add(report, short)
    done = run(tmp_path, "replay", str(attempt.id), "--device", "pulse")
    assert done.returncode == 0, done.stderr
    assert "played" in done.stderr
    missing = run(tmp_path, "replay", "999", "--device", "pulse")
    assert missing.returncode != 0
    assert missing.stderr.strip().splitlines() == [
        f"rehearse: no attempt with id 999 in {tmp_path / 'history.sqlite3'}"
    ]


def test_replay_of_a_missing_file_is_one_line(tmp_path: Path) -> None:
    args = parser().parse_args(["--data", str(tmp_path), "replay", str(tmp_path / "gone.wav")])
    with pytest.raises(AudioError, match="no such audio file"):
        args.handler(args)
    done = run(tmp_path, "replay", str(tmp_path / "gone.wav"))
    assert done.returncode == 1
    assert done.stderr.splitlines() == [f"rehearse: no such audio file: {tmp_path / 'gone.wav'}"]


@pytest.mark.slow
def test_record_and_score_end_to_end(tmp_path: Path, speech_wav: Path) -> None:
    out = tmp_path / "scored.wav"
    process = start_recording(
        tmp_path, out, "--seconds", "6", "--question", "imbalanced-data", "--json", "--explain"
    )
    play_into_mic(speech_wav)
    stdout, err = process.communicate(timeout=120)
    assert process.returncode == 0, err
    report = json.loads(stdout)
    assert report["audio"] == str(out)
    assert "billing" in json.dumps(report).lower()
    # Transcribed while recorded: how long after the stop the report was ready.
    assert isinstance(report["latency_seconds"], float) and report["latency_seconds"] >= 0
    # record shares score's options: --explain gives every candidate filler and its rule.
    from rehearse.language.filler_rules import RULES

    assert all(d["rule"] in RULES for d in report["filler_decisions"])
    assert sum(d["counted"] for d in report["filler_decisions"]) == report["fillers"]["count"]


@pytest.mark.slow
def test_record_on_a_terminal_prints_the_transcript_as_it_comes(
    tmp_path: Path, speech_wav: Path
) -> None:
    import pty

    rubric_question = "Suppose the positive class in your dataset is extremely rare."
    out = tmp_path / "live.wav"
    main, terminal = pty.openpty()
    process = subprocess.Popen(
        rehearse_command(
            tmp_path,
            "record",
            str(out),
            "--device",
            "pulse",
            "--seconds",
            "12",
            "--question",
            "imbalanced-data",
        ),
        cwd=ROOT,
        stdout=terminal,
        stderr=subprocess.PIPE,
        env={**os.environ, "COLUMNS": "200"},
    )
    os.close(terminal)
    while not out.exists() or out.stat().st_size <= 44:
        assert process.poll() is None, process.stderr.read() if process.stderr else ""
        time.sleep(0.02)
    play_into_mic(speech_wav)
    shown = b""
    while True:
        try:
            data = os.read(main, 4096)
        except OSError:  # the terminal closed: the process has ended
            break
        if not data:
            break
        shown += data
    os.close(main)
    assert process.wait(timeout=120) == 0
    text = shown.decode(errors="replace")
    report_at = text.index(rubric_question)
    # The words came on the terminal while recording, before the report that ends the run.
    assert "billing" in text[:report_at].lower(), text
