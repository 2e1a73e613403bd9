"""The player on a real (virtual) speaker: what it plays is captured from the speaker's monitor."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pytest
import soundfile
from conftest import best_match, envelope, read_mono, voiced_seconds

from rehearse.audio.playback import OUTPUT_LATENCY, Player
from rehearse.errors import AudioError, DeviceError

pytestmark = [pytest.mark.audio, pytest.mark.usefixtures("virtual_audio")]


@contextmanager
def capture_speaker(path: Path) -> Iterator[None]:
    """Record what reaches the virtual speaker, independently of rehearse's own recorder."""
    recorder = subprocess.Popen(
        [
            "parecord",
            "--device=vspeaker.monitor",
            "--rate=16000",
            "--channels=1",
            "--format=s16le",
            "--file-format=wav",
            str(path),
        ],
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 5
    while not path.exists() or path.stat().st_size <= 44:  # wait until audio flows
        assert recorder.poll() is None, recorder.stderr.read() if recorder.stderr else ""
        assert time.monotonic() < deadline, "parecord captured nothing"
        time.sleep(0.02)
    try:
        yield
    finally:
        time.sleep(0.3)
        recorder.send_signal(signal.SIGINT)  # parecord finishes the WAV header on SIGINT
        recorder.wait(timeout=10)


def test_playback_reaches_the_speaker_intact_and_reports_its_position(
    speech_wav: Path, tmp_path: Path
) -> None:
    positions: list[tuple[float, float]] = []
    player = Player(
        speech_wav,
        device="pulse",
        on_position=lambda s: positions.append((time.monotonic(), s)),
    )
    assert player.samplerate == 22050 and player.channels == 1
    assert player.position == 0.0 and not player.is_playing
    captured_path = tmp_path / "heard.wav"
    with capture_speaker(captured_path):
        started = time.monotonic()
        player.play()
        assert player.wait(timeout=player.duration + 5)
        took = time.monotonic() - started
    assert took == pytest.approx(player.duration, abs=0.5)
    assert player.position == pytest.approx(player.duration)

    source, source_rate = read_mono(speech_wav)
    heard, rate = read_mono(captured_path)
    score, _ = best_match(envelope(source, source_rate), envelope(heard, rate))
    assert score > 0.9, f"what was heard does not match the file (correlation {score:.2f})"
    assert voiced_seconds(heard, rate) == pytest.approx(
        voiced_seconds(source, source_rate), abs=0.1
    )

    # ~20 Hz, moving forward, following the clock, ending exactly at the end.
    times = [t for t, _ in positions]
    values = [s for _, s in positions]
    assert len(positions) >= 12 * player.duration
    assert np.all(np.diff(values) >= 0)
    assert max(np.diff(times)) < 0.2
    assert values[-1] == pytest.approx(player.duration)
    middle = len(positions) // 2
    rate_of_progress = (values[-2] - values[middle]) / (times[-2] - times[middle])
    assert rate_of_progress == pytest.approx(1.0, abs=0.1)


def test_pause_resume_and_seek(speech_wav: Path) -> None:
    player = Player(speech_wav, device="pulse")
    player.play()
    try:
        time.sleep(0.8)
        assert player.is_playing
        assert 0.5 < player.position < 0.9
        player.pause()
        time.sleep(OUTPUT_LATENCY + 0.2)  # what was already buffered finishes playing
        paused_at = player.position
        time.sleep(0.5)
        assert player.paused and not player.is_playing
        assert player.position == pytest.approx(paused_at, abs=0.01)
        player.resume()
        time.sleep(0.5)
        # The silence already in the output buffer plays first: resuming is heard that late.
        assert player.position == pytest.approx(paused_at + 0.5 - OUTPUT_LATENCY, abs=0.15)
        player.seek(player.duration - 1.0)
        assert player.position == pytest.approx(player.duration - 1.0, abs=0.01)
        started = time.monotonic()
        assert player.wait(timeout=5)
        assert time.monotonic() - started == pytest.approx(1.0 + OUTPUT_LATENCY, abs=0.3)
        assert player.position == pytest.approx(player.duration)
        # Playing again after the end starts over.
        player.play()
        time.sleep(0.3 + OUTPUT_LATENCY)
        assert 0.1 < player.position < 0.4
        player.toggle()
        assert player.paused
        player.toggle()
        assert player.is_playing
    finally:
        player.stop()
    assert player.finished.is_set()
    assert player.position == 0.0


def test_stop_is_immediate(speech_wav: Path) -> None:
    player = Player(speech_wav, device="pulse")
    player.play()
    time.sleep(0.3)
    started = time.monotonic()
    player.stop()
    assert time.monotonic() - started < 0.5
    assert player.finished.is_set() and not player.is_playing


def test_a_stereo_44100_file_plays_at_its_own_rate(tmp_path: Path) -> None:
    path = tmp_path / "stereo.wav"
    t = np.arange(44100) / 44100
    tone = 0.3 * np.sin(2 * np.pi * 330 * t)
    soundfile.write(str(path), np.stack([tone, -tone], axis=1), 44100)
    player = Player(path, device="pulse")
    assert (player.samplerate, player.channels, player.duration) == (44100, 2, 1.0)
    started = time.monotonic()
    player.play()
    assert player.wait(timeout=5)
    assert time.monotonic() - started == pytest.approx(1.0, abs=0.3)


def test_missing_and_unreadable_files_are_audio_errors(tmp_path: Path) -> None:
    with pytest.raises(AudioError, match="no such audio file"):
        Player(tmp_path / "missing.wav", device="pulse")
    broken = tmp_path / "broken.wav"
    broken.write_text("not audio at all\n")
    with pytest.raises(AudioError) as caught:
        Player(broken, device="pulse")
    assert "\n" not in str(caught.value) and "broken.wav" in str(caught.value)


def test_unknown_speaker_is_a_one_line_device_error(speech_wav: Path) -> None:
    with pytest.raises(DeviceError) as caught:
        Player(speech_wav, device="no-such-speaker")
    assert "\n" not in str(caught.value) and "rehearse devices" in str(caught.value)


_SEEK_ABOUT = """
import sys, time
from rehearse.audio.playback import Player
player = Player(sys.argv[1], device="pulse")
for round in range(4):
    # Play the last half second, let it end, then jump back in and seek about: as the f, n and
    # arrow keys of the app's replay do.
    player.seek(player.duration - 0.5)
    player.play()
    assert player.wait(timeout=5), "playback did not end"
    player.seek(1.0)
    player.play()
    for step in range(5):
        time.sleep(0.15)
        player.seek(player.position + (1.0 if step % 2 else -0.5))
player.stop()
print(player.underruns)
"""


def test_seeking_and_replaying_never_runs_the_speakers_dry(speech_wav: Path) -> None:
    # ALSA prints "underrun occurred" on the terminal whenever the output runs dry; in the app
    # those lines landed on top of the screen. Run as a program so its real stderr can be read.
    done = subprocess.run(
        [sys.executable, "-c", _SEEK_ABOUT, str(speech_wav)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "underrun" not in done.stderr and "ALSA lib" not in done.stderr, done.stderr
    assert done.stdout.split() == ["0"]
