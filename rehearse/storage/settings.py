"""Where rehearse keeps its data, and the few settings that persist between runs.

The data directory holds the recordings, the history database and ``settings.toml``. It is, in
order of precedence: ``--data DIR``, ``$REHEARSE_HOME``, else ``recordings/`` in the working
directory (so a checkout keeps its rehearsals beside it).
"""

from __future__ import annotations

import os
import tempfile
import tomllib
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path

from rehearse.errors import StorageError, UsageError

SETTINGS_FILE = "settings.toml"


def data_dir(explicit: str | Path | None = None) -> Path:
    if explicit:
        return Path(explicit).expanduser()
    env = os.environ.get("REHEARSE_HOME")
    if env:
        return Path(env).expanduser()
    return Path("recordings")


def ensure_writable(directory: Path) -> Path:
    """Create ``directory`` if needed and prove it can be written, or raise ``StorageError``."""
    try:
        directory.mkdir(parents=True, exist_ok=True)
        # A file of its own for each caller: threads may probe the same folder at once.
        with tempfile.TemporaryFile(dir=directory):
            pass
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise StorageError(f"cannot write to the data directory {directory}: {reason}") from None
    return directory


def parse_target(text: str | None, name: str = "the target") -> tuple[int, int] | None:
    """Read "60-90" as (60, 90); blank is ``None``: each question keeps its own target."""
    text = (text or "").strip()
    if not text:
        return None
    try:
        low, high = (int(v) for v in text.replace("–", "-").split("-"))
    except ValueError:
        raise UsageError(f"{name} must look like 60-90 (seconds), not {text!r}") from None
    if not 0 <= low < high:
        raise UsageError(f"{name} needs low < high, got {text!r}")
    return low, high


@dataclass
class Settings:
    """User choices that outlive a session. ``None`` means "use the default"."""

    input_device: str | None = None
    output_device: str | None = None
    model: str | None = None
    # Read for files written before per-question targets: one length for every question. It now
    # applies only to the questions whose own target is the default (see service.resolve_target).
    target_seconds: tuple[int, int] | None = None
    # The user's own target length for a question, by question id (the [targets] table).
    targets: dict[str, tuple[int, int]] = field(default_factory=dict)
    # The user's own verbal tics ("right", "at the end of the day"), always counted as fillers.
    extra_fillers: tuple[str, ...] = ()

    @classmethod
    def load(cls, directory: Path) -> Settings:
        path = directory / SETTINGS_FILE
        if not path.exists():
            return cls()
        try:
            raw = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            raise StorageError(f"{path}: cannot read settings: {exc}") from None
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in raw.items() if k in known and v != ""}
        if "target_seconds" in values:
            values["target_seconds"] = _target(values["target_seconds"], path, "target_seconds")
        if "targets" in values:
            table = values["targets"]
            if not isinstance(table, dict):
                raise StorageError(f"{path}: 'targets' must be a table of question = [low, high]")
            values["targets"] = {str(k): _target(v, path, f"targets.{k}") for k, v in table.items()}
        if "extra_fillers" in values:
            words = values["extra_fillers"]
            if not isinstance(words, list) or not all(isinstance(w, str) for w in words):
                raise StorageError(f"{path}: 'extra_fillers' must be a list of strings")
            values["extra_fillers"] = tuple(w for w in words if w.strip())
        if "input_device" in values:
            values["input_device"] = str(values["input_device"])
        if "output_device" in values:
            values["output_device"] = str(values["output_device"])
        return cls(**values)

    def save(self, directory: Path) -> None:
        ensure_writable(directory)
        lines = []
        for key, value in asdict(self).items():
            if value is None or value == () or value == {}:
                continue
            if key == "targets":
                continue  # a table: it must come after every plain key
            if key == "extra_fillers":
                lines.append(f"{key} = [{', '.join(_quote(v) for v in value)}]")
            elif isinstance(value, (tuple, list)):
                lines.append(f"{key} = [{', '.join(str(int(v)) for v in value)}]")
            else:
                lines.append(f"{key} = {_quote(str(value))}")
        if self.targets:
            lines.append("\n[targets]")
            for question, (low, high) in sorted(self.targets.items()):
                lines.append(f"{_quote(question)} = [{int(low)}, {int(high)}]")
        path = directory / SETTINGS_FILE
        tmp = path.with_suffix(".tmp")
        try:
            tmp.write_text("\n".join(lines) + "\n", encoding="utf-8")
            tmp.replace(path)
        except OSError as exc:
            raise StorageError(f"cannot save settings to {path}: {exc.strerror or exc}") from None


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _target(value: object, path: Path, name: str) -> tuple[int, int]:
    try:
        low, high = (int(v) for v in value)  # type: ignore[attr-defined]
    except (TypeError, ValueError):
        raise StorageError(f"{path}: '{name}' must be [low, high]") from None
    if not 0 <= low < high:
        raise StorageError(f"{path}: '{name}' needs 0 <= low < high")
    return low, high
