"""Shared test fixtures.

Audio tests run against a real, headless PulseAudio (``scripts/virtual-audio``): a null sink
``vspeaker`` whose monitor feeds the virtual microphone ``vmic``. Whatever a test plays into
``vspeaker`` (``play_into_mic``) is what the recorder hears through ALSA's ``pulse`` device, and
whatever the player plays on ``pulse`` can be captured from ``vspeaker.monitor``. Nothing is mocked.

If PulseAudio cannot start, audio tests fail rather than skip: CI must exercise the real path.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parent.parent
VIRTUAL_AUDIO = ROOT / "scripts" / "virtual-audio"
SPEECH_PARTS: list[str | float] = [
    "I led the migration of our billing system to a new database.",
    0.6,
    "We finished two weeks early and cut hosting costs by a third.",
]


def start_virtual_audio() -> dict[str, str]:
    """Run scripts/virtual-audio (idempotent) and adopt its environment in this process."""
    # Never the desktop's own sound server: the script would switch its default devices.
    env = {k: v for k, v in os.environ.items() if k not in ("XDG_RUNTIME_DIR", "PULSE_SERVER")}
    try:
        done = subprocess.run(
            [str(VIRTUAL_AUDIO)], capture_output=True, text=True, timeout=60, check=False, env=env
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        pytest.fail(f"scripts/virtual-audio could not run: {exc}", pytrace=False)
    if done.returncode != 0:
        pytest.fail(
            f"scripts/virtual-audio failed ({done.returncode}); audio tests need PulseAudio:\n"
            f"{done.stderr}",
            pytrace=False,
        )
    exported = {}
    for line in done.stdout.splitlines():
        if line.startswith("export ") and "=" in line:
            key, value = line.removeprefix("export ").split("=", 1)
            exported[key] = value
    if "XDG_RUNTIME_DIR" not in exported:
        pytest.fail(f"scripts/virtual-audio printed no environment: {done.stdout!r}")
    os.environ.update(exported)
    if "sounddevice" in sys.modules:
        # PortAudio lists devices once, when it initializes; it may have done so before the
        # server existed (then ALSA's "pulse" device cannot be opened and is not listed).
        from rehearse.audio.devices import rescan_devices

        rescan_devices()
    return exported


def stop_virtual_audio() -> None:
    subprocess.run(["pulseaudio", "-k"], capture_output=True, check=False, timeout=10)


@pytest.fixture(scope="session")
def virtual_audio() -> dict[str, str]:
    """The headless PulseAudio, started if needed; its environment is set in ``os.environ``."""
    return start_virtual_audio()


def play_into_mic(wav_path: Path, wait: bool = True) -> subprocess.Popen[bytes]:
    """Play ``wav_path`` into the virtual speaker, which the virtual microphone hears."""
    player = subprocess.Popen(
        ["paplay", "--device=vspeaker", str(wav_path)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    if wait:
        _, err = player.communicate(timeout=60)
        assert player.returncode == 0, f"paplay failed: {err.decode(errors='replace')}"
    return player


def while_playing(player: subprocess.Popen[bytes], seconds: float = 30.0) -> Iterator[None]:
    """Yield every 50 ms until ``player`` ends; fail, not hang, if it is still going after
    ``seconds`` (a stalled sound server once kept paplay of a 0.8 s file running for minutes)."""
    deadline = time.monotonic() + seconds
    while player.poll() is None:
        if time.monotonic() > deadline:
            player.kill()
            player.wait()
            pytest.fail(f"paplay was still playing after {seconds:.0f} s")
        yield
        time.sleep(0.05)


@pytest.fixture(scope="session")
def speech_wav(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """About five seconds of synthesized speech (Piper, else espeak-ng) at 22050 Hz."""
    from rehearse.audio import tts

    voices = tts.available_voices()
    assert voices, "no offline voice: install the test extras (piper) or espeak-ng"
    path = tmp_path_factory.mktemp("speech") / "answer.wav"
    tts.synthesize_script(SPEECH_PARTS, path, voice=voices[0])
    return path


# -- comparing audio -------------------------------------------------------------------------------


def read_mono(path: Path) -> tuple[np.ndarray, int]:
    import soundfile

    audio, rate = soundfile.read(str(path), dtype="float32", always_2d=True)
    return audio.mean(axis=1), int(rate)


def envelope(samples: np.ndarray, rate: int, hop: float = 0.01) -> np.ndarray:
    """RMS per 10 ms: comparable across sample rates and immune to small resampling shifts."""
    size = max(1, round(rate * hop))
    frames = len(samples) // size
    if frames == 0:
        return np.zeros(0)
    blocks = samples[: frames * size].reshape(frames, size).astype(np.float64)
    return np.sqrt((blocks**2).mean(axis=1))


def best_match(
    source: np.ndarray, captured: np.ndarray, min_overlap: int = 100
) -> tuple[float, int]:
    """Highest normalized correlation of two envelopes over all lags, and that lag.

    A positive lag means the source starts ``lag`` hops into ``captured``.
    """
    best = (-1.0, 0)
    for lag in range(-len(source) + min_overlap, len(captured) - min_overlap + 1):
        a = source[max(0, -lag) :]
        b = captured[max(0, lag) :]
        n = min(len(a), len(b))
        if n < min_overlap:
            continue
        a, b = a[:n] - a[:n].mean(), b[:n] - b[:n].mean()
        denom = float(np.linalg.norm(a) * np.linalg.norm(b))
        if denom > 0:
            score = float(np.dot(a, b)) / denom
            if score > best[0]:
                best = (score, lag)
    return best


def voiced_seconds(samples: np.ndarray, rate: int, threshold: float = 0.01) -> float:
    """Time from the first to the last 10 ms block louder than ``threshold`` RMS."""
    env = envelope(samples, rate)
    loud = np.flatnonzero(env > threshold)
    return 0.0 if loud.size == 0 else (loud[-1] - loud[0] + 1) * 0.01
