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
from typing import Any

import tomli_w

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
    def load(cls, directory: Path, problems: list[str] | None = None) -> Settings:
        """The saved settings, or the defaults when there are none.

        A bad file raises ``StorageError``, unless ``problems`` is given: then it is moved aside
        to ``settings.toml.bad`` (so saving new settings cannot overwrite it), a one-line
        warning is appended there, and the defaults are used.
        """
        path = directory / SETTINGS_FILE
        if not path.exists():
            return cls()
        try:
            return cls(**_read(path))
        except StorageError as error:
            if problems is None:
                raise
            problems.append(f"{error}; using the default settings{_set_aside(path)}")
            return cls()

    def save(self, directory: Path) -> None:
        ensure_writable(directory)
        values = {
            key: list(value) if isinstance(value, tuple) else value
            for key, value in asdict(self).items()
            if value is not None and value != () and value != {}
        }
        if self.targets:
            values["targets"] = {q: list(target) for q, target in sorted(self.targets.items())}
        path = directory / SETTINGS_FILE
        tmp = path.with_suffix(".tmp")
        try:
            tmp.write_text(tomli_w.dumps(values), encoding="utf-8")
            tmp.replace(path)
        except OSError as exc:
            tmp.unlink(missing_ok=True)
            raise StorageError(f"cannot save settings to {path}: {exc.strerror or exc}") from None


# Long enough for any device or model name; short enough that a corrupted file cannot fill a
# screen with one of them.
MAX_TEXT = 256


def _read(path: Path) -> dict[str, Any]:
    """The settings in ``path`` as ``Settings`` fields, or ``StorageError`` naming the field."""
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) else exc
        raise StorageError(f"{path}: cannot read settings: {reason}") from None
    known = {f.name for f in fields(Settings)}
    values = {k: v for k, v in raw.items() if k in known and v != ""}

    def fail(key: str, problem: str) -> StorageError:
        return StorageError(f"{path}: '{key}' {problem}")

    for key in ("input_device", "output_device", "model"):
        if key not in values:
            continue
        value = values[key]
        if isinstance(value, bool) or not isinstance(value, str | int):
            raise fail(key, "must be a name in quotes")
        values[key] = str(value)
        if len(values[key]) > MAX_TEXT:
            raise fail(key, f"is longer than {MAX_TEXT} characters")
    if "target_seconds" in values:
        target = values["target_seconds"]
        if (
            not isinstance(target, list)
            or len(target) != 2
            or not all(isinstance(v, int) and not isinstance(v, bool) for v in target)
        ):
            raise fail("target_seconds", "must be [low, high] in whole seconds")
        low, high = target
        if not 0 <= low < high:
            raise fail("target_seconds", "needs 0 <= low < high")
        values["target_seconds"] = (low, high)
    if "extra_fillers" in values:
        words = values["extra_fillers"]
        if not isinstance(words, list) or not all(isinstance(w, str) for w in words):
            raise fail("extra_fillers", "must be a list of strings")
        if any(len(w) > MAX_TEXT for w in words):
            raise fail("extra_fillers", f"has an entry longer than {MAX_TEXT} characters")
        values["extra_fillers"] = tuple(w for w in words if w.strip())
    if "targets" in values:
        table = values["targets"]
        if not isinstance(table, dict):
            raise fail("targets", "must be a table of question = [low, high]")
        values["targets"] = {str(k): _target(v, path, f"targets.{k}") for k, v in table.items()}
    return values


def _set_aside(path: Path) -> str:
    """Move a bad settings file to ``<name>.bad``; the tail of the warning that says so."""
    bad = path.with_name(path.name + ".bad")
    try:
        path.replace(bad)
    except OSError:
        return ""
    return f"; the file is kept as {bad}"


def _target(value: object, path: Path, name: str) -> tuple[int, int]:
    if (
        not isinstance(value, list)
        or len(value) != 2
        or not all(isinstance(v, int) and not isinstance(v, bool) for v in value)
    ):
        raise StorageError(f"{path}: '{name}' must be [low, high] in whole seconds")
    low, high = value
    if not 0 <= low < high:
        raise StorageError(f"{path}: '{name}' needs 0 <= low < high")
    return low, high
