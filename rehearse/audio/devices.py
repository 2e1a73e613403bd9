"""Finding the microphone and speakers.

PortAudio is loaded lazily: ``import sounddevice`` raises ``OSError`` when the PortAudio shared
library is missing, and that must become an actionable message rather than a crash at import time
of every module that merely mentions audio.

A device may be named by its index (as shown by ``rehearse devices``) or by any case-insensitive
part of its name. Names are what gets saved in the settings, because indices shift whenever a
device is plugged in or out.

Through ALSA, PortAudio sees a PulseAudio or PipeWire desktop as two devices, "pulse" and
"default", behind which the real microphones hide. Those are the sound server's *sources*, named
as the desktop's sound settings name them; ``pulse:SOURCE`` records from one of them, through the
"pulse" device with ``PULSE_SOURCE`` set while the stream opens.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from types import ModuleType
from typing import Any, Literal

from rehearse.errors import DeviceError

PORTAUDIO_MISSING = (
    "PortAudio is missing: install it with 'sudo apt-get install libportaudio2' (Debian/Ubuntu)"
    " or 'brew install portaudio' (macOS)"
)
DEVICES_HINT = "run 'rehearse devices' to see the choices"

# Whisper models work at 16 kHz, so recording at that rate avoids a resample and keeps files small.
PREFERRED_SAMPLERATE = 16000

Kind = Literal["input", "output"]
SOURCE_PREFIX = "pulse:"  # a sound-server source, recorded through ALSA's "pulse" device


@dataclass(frozen=True)
class AudioDevice:
    index: int
    name: str
    host_api: str
    max_input_channels: int
    max_output_channels: int
    default_samplerate: float
    is_default_input: bool
    is_default_output: bool

    @property
    def label(self) -> str:
        return f"{self.name} ({self.host_api})" if self.host_api else self.name


@dataclass(frozen=True)
class SoundSource:
    """A microphone as the PulseAudio/PipeWire sound server names it."""

    name: str  # alsa_input.usb-Blue_Yeti-00.analog-stereo: what PULSE_SOURCE takes
    description: str  # "Yeti Stereo Microphone Analog Stereo": what a person recognises
    monitor: bool  # a speaker's monitor (what is being played), not a microphone

    @property
    def spec(self) -> str:
        return SOURCE_PREFIX + self.name


def sound_sources() -> list[SoundSource]:
    """The sound server's sources (``pactl``), or none when there is no such server."""
    pactl = shutil.which("pactl")
    if pactl is None:
        return []
    done = _run([pactl, "--format=json", "list", "sources"])
    if done is not None:
        try:
            return [
                SoundSource(
                    str(item["name"]),
                    str(item.get("description") or item["name"]),
                    bool(item.get("monitor_source")),  # set (to the sink) only on monitors
                )
                for item in json.loads(done)
            ]
        except (ValueError, TypeError, KeyError):
            pass
    # An older pactl without JSON: the short list has names only.
    done = _run([pactl, "list", "short", "sources"])
    names = [line.split("\t")[1] for line in (done or "").splitlines() if "\t" in line]
    return [SoundSource(name, name, name.endswith(".monitor")) for name in names]


def _run(command: list[str]) -> str | None:
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=5, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done.stdout if done.returncode == 0 else None


def split_source(spec: str | int | None) -> tuple[str | int | None, str | None]:
    """A device spec as (PortAudio device, sound-server source): ``pulse:vmic`` is
    ("pulse", "vmic"); anything else has no source."""
    if isinstance(spec, str) and spec.startswith(SOURCE_PREFIX):
        return "pulse", spec[len(SOURCE_PREFIX) :]
    return spec, None


@contextlib.contextmanager
def opening_source(source: str | None) -> Iterator[None]:
    """Open a stream inside this block to record from ``source`` (None: no change).

    ALSA's pulse plugin reads ``PULSE_SOURCE`` when it connects, that is while the stream opens;
    it is put back at once so that nothing else opened later follows it.
    """
    if source is None:
        yield
        return
    before = os.environ.get("PULSE_SOURCE")
    os.environ["PULSE_SOURCE"] = source
    try:
        yield
    finally:
        if before is None:
            os.environ.pop("PULSE_SOURCE", None)
        else:
            os.environ["PULSE_SOURCE"] = before


def load_sounddevice() -> ModuleType:
    """Import ``sounddevice``, turning a missing PortAudio into a ``DeviceError``."""
    try:
        import sounddevice
    except OSError:
        raise DeviceError(PORTAUDIO_MISSING) from None
    except ImportError:
        raise DeviceError(
            "the Python package sounddevice is missing: run scripts/setup to reinstall rehearse"
        ) from None
    module: ModuleType = sounddevice
    return module


def rescan_devices() -> None:
    """Make PortAudio look for devices again (it only scans when it initializes).

    Only call this while no stream is open: re-initializing PortAudio invalidates open streams.
    """
    sd = load_sounddevice()
    sd._terminate()
    sd._initialize()


def one_line(exc: BaseException) -> str:
    """PortAudio messages sometimes span lines; user-facing errors must be one line."""
    text = " ".join(str(exc).split())
    return text or type(exc).__name__


def _default_index(sd: Any, kind: Kind) -> int:
    # sd.default.device is -1 unless the program chose one; PortAudio then knows the default.
    try:
        info = sd.query_devices(kind=kind)
    except Exception:
        return -1
    return int(info["index"]) if info else -1


def list_devices() -> list[AudioDevice]:
    sd = load_sounddevice()
    try:
        raw = sd.query_devices()
        apis = sd.query_hostapis()
    except Exception as exc:
        raise DeviceError(f"cannot list audio devices: {one_line(exc)}") from None
    default_in = _default_index(sd, "input")
    default_out = _default_index(sd, "output")
    devices = []
    for info in raw:
        index = int(info["index"])
        host = info.get("hostapi", -1)
        devices.append(
            AudioDevice(
                index=index,
                name=str(info["name"]),
                host_api=str(apis[host]["name"]) if 0 <= host < len(apis) else "",
                max_input_channels=int(info["max_input_channels"]),
                max_output_channels=int(info["max_output_channels"]),
                default_samplerate=float(info["default_samplerate"]),
                is_default_input=index == default_in,
                is_default_output=index == default_out,
            )
        )
    return devices


def resolve_input_device(spec: str | int | None) -> AudioDevice:
    """The microphone ``spec`` names (index or part of the name); ``None`` is the system default.

    For a sound-server source (``pulse:NAME``) it is the "pulse" device that records from it.
    """
    device_spec, source = split_source(spec)
    if source is not None:
        known = [s.name for s in sound_sources()]
        if known and source not in known:
            raise DeviceError(
                f"the microphone {source!r} is not connected (the sound server has"
                f" {', '.join(known)}): {DEVICES_HINT}"
            )
    return _resolve(device_spec, "input")


def resolve_output_device(spec: str | int | None) -> AudioDevice:
    """The speakers ``spec`` names (index or part of the name); ``None`` is the system default."""
    return _resolve(spec, "output")


def _channels(device: AudioDevice, kind: Kind) -> int:
    return device.max_input_channels if kind == "input" else device.max_output_channels


def _resolve(spec: str | int | None, kind: Kind) -> AudioDevice:
    noun = "microphone" if kind == "input" else "speaker"
    devices = list_devices()
    usable = [d for d in devices if _channels(d, kind) > 0]
    if not usable:
        if kind == "input":
            raise DeviceError(
                "no microphone found: plug one in (or unmute/enable it in the system sound"
                " settings), then run 'rehearse devices'"
            )
        raise DeviceError(
            "no speakers or headphones found: plug some in (or enable them in the system sound"
            " settings), then run 'rehearse devices'"
        )

    if isinstance(spec, str):
        spec = spec.strip()
        if spec == "":
            spec = None
        elif spec.lstrip("-").isdigit():
            spec = int(spec)

    if spec is None:
        for device in usable:
            if device.is_default_input if kind == "input" else device.is_default_output:
                return device
        # No system default (common on bare ALSA): any working device beats refusing to record.
        return usable[0]

    if isinstance(spec, int):
        for device in devices:
            if device.index == spec:
                if _channels(device, kind) == 0:
                    raise DeviceError(
                        f"device {spec} ({device.name}) is not a {noun}: {DEVICES_HINT}"
                    )
                return device
        raise DeviceError(f"there is no audio device number {spec}: {DEVICES_HINT}")

    wanted = spec.casefold()
    exact = [d for d in usable if d.name.casefold() == wanted]
    if exact:
        return exact[0]
    partial = [d for d in usable if wanted in d.name.casefold()]
    if len(partial) == 1:
        return partial[0]
    if len(partial) > 1:
        names = "; ".join(f"{d.index}: {d.name}" for d in partial)
        raise DeviceError(
            f"{spec!r} matches several {noun}s ({names}): give more of the name or the number"
        )
    raise DeviceError(f"no {noun} matches {spec!r}: {DEVICES_HINT}")


def pick_input_samplerate(device: AudioDevice, preferred: int = PREFERRED_SAMPLERATE) -> int:
    """``preferred`` if the microphone accepts it, else the rate the device runs at natively."""
    sd = load_sounddevice()
    try:
        sd.check_input_settings(
            device=device.index, channels=1, samplerate=preferred, dtype="int16"
        )
    except Exception:
        return int(device.default_samplerate)
    return preferred


def check_input_samplerate(device: AudioDevice, samplerate: int) -> None:
    """Raise ``DeviceError`` unless the microphone can record mono at ``samplerate``."""
    sd = load_sounddevice()
    try:
        sd.check_input_settings(
            device=device.index, channels=1, samplerate=samplerate, dtype="int16"
        )
    except Exception as exc:
        raise DeviceError(
            f"{device.name} cannot record at {samplerate} Hz ({one_line(exc)}); its own rate is"
            f" {int(device.default_samplerate)} Hz"
        ) from None
