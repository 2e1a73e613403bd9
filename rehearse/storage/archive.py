"""The whole history in one zip, to move it to another machine: ``export`` and ``import_archive``.

The zip holds ``manifest.json`` (what it is, and every attempt: when, which question, its report,
metrics and the scoring that produced them) and each attempt's recording under ``recordings/``
with its SHA-256. An attempt is the same attempt wherever it lives when its recording has the
same content and it was made at the same time, so importing an archive twice, or into the
history it came from, adds nothing twice.

Importing checks everything before it writes anything: a damaged or foreign zip, or one from a
newer rehearse, is refused in one line and leaves the history as it was. The recordings are then
copied in and the attempts added in one transaction; if that fails, the copies are removed.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import zipfile
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from rehearse import __version__
from rehearse.errors import StorageError
from rehearse.scoring.metrics import Metrics
from rehearse.scoring.score import Report, report_from_dict
from rehearse.storage.history import Attempt, History, NewAttempt, sidecar_of

ARCHIVE_KIND = "rehearse-history"
ARCHIVE_VERSION = 1
MANIFEST = "manifest.json"
RECORDINGS = "recordings"
_QUESTION_ID = re.compile(r"^[a-z0-9-]+$")
_SUFFIX = re.compile(r"^\.[a-z0-9]{1,5}$")
_CHUNK = 1 << 20

Progress = Callable[[int, int], None]
"""Called with (done, total) as recordings are written or read."""


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while block := f.read(_CHUNK):
            digest.update(block)
    return digest.hexdigest()


def transcript_identity(report: Report) -> str:
    """What identifies an attempt whose recording is gone: what was said."""
    return "transcript:" + hashlib.sha256(report.transcript.encode()).hexdigest()


class KnownRecordings:
    """Answers "is this recording, made at this time, already in the history?".

    An attempt is identified by the SHA-256 of its recording (of its transcript when the
    recording is gone). Only attempts made at the same second are hashed, once each, so a large
    history is cheap to check against.
    """

    def __init__(self, history: History) -> None:
        self._by_time: dict[str, list[Attempt]] = {}
        for attempt in history.attempts():
            self._by_time.setdefault(_stamp(attempt.created_at), []).append(attempt)
        self._hashes: dict[int, str] = {}

    def find(self, created_at: datetime, identity: str) -> Attempt | None:
        for attempt in self._by_time.get(_stamp(created_at), []):
            if self._identity(attempt) == identity:
                return attempt
        return None

    def _identity(self, attempt: Attempt) -> str:
        if attempt.id not in self._hashes:
            try:
                self._hashes[attempt.id] = file_sha256(attempt.audio_path)
            except OSError:
                self._hashes[attempt.id] = transcript_identity(attempt.report)
        return self._hashes[attempt.id]


def _stamp(when: datetime) -> str:
    return when.isoformat(timespec="seconds")


# -- export ----------------------------------------------------------------------------------------


def export_history(history: History, target: Path, progress: Progress | None = None) -> int:
    """Write every attempt and its recording to the zip ``target``; the number exported.

    The zip is written beside ``target`` and renamed into place when complete, so a failed
    export never leaves a half-written archive under the name asked for.
    """
    attempts = history.attempts()
    if target.is_dir():
        raise StorageError(f"{target} is a folder: name the archive, e.g. {target / 'history.zip'}")
    partial = target.with_name(target.name + ".part")
    try:
        with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as archive:
            entries = []
            for n, attempt in enumerate(attempts, 1):
                entries.append(_export_one(archive, n, attempt))
                if progress:
                    progress(n, len(attempts))
            manifest = {
                "kind": ARCHIVE_KIND,
                "version": ARCHIVE_VERSION,
                "exported_by": __version__,
                "exported_at": _stamp(datetime.now()),
                "attempts": entries,
            }
            archive.writestr(MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1))
        partial.replace(target)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise StorageError(f"cannot write {target}: {exc.strerror or exc}") from None
    return len(attempts)


def _export_one(archive: zipfile.ZipFile, n: int, attempt: Attempt) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "created_at": _stamp(attempt.created_at),
        "question_id": attempt.question_id,
        "scoring_revision": attempt.scoring_revision,
        "scored_by": attempt.scored_by,
        "metrics": attempt.metrics.to_dict(),
        "report": json.loads(attempt.report_json),
        "recording": None,
        "sha256": None,
    }
    audio = attempt.audio_path
    if audio.is_file():
        name = f"{RECORDINGS}/{n:06d}-{audio.name}"
        # Audio barely compresses: store it as it is, quickly.
        archive.write(audio, name, compress_type=zipfile.ZIP_STORED)
        entry["recording"] = name
        entry["sha256"] = file_sha256(audio)
    return entry


# -- import ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ArchivedAttempt:
    """One attempt of an archive, checked: its report reads and its recording is intact."""

    created_at: datetime
    question_id: str
    report: Report
    metrics: Metrics
    revision: int
    scored_by: str
    recording: str | None
    sha256: str | None

    @property
    def identity(self) -> str:
        return self.sha256 or transcript_identity(self.report)


@dataclass(frozen=True)
class Imported:
    added: int
    already_there: int


def read_archive(path: Path, progress: Progress | None = None) -> list[ArchivedAttempt]:
    """Every attempt in the archive at ``path``, after checking all of it; ``StorageError`` with
    one line saying what is wrong otherwise."""
    if not path.is_file():
        raise StorageError(f"{path}: no such file")
    with _open_archive(path) as archive:
        return _read(path, archive, progress)


@contextmanager
def _open_archive(path: Path) -> Iterator[zipfile.ZipFile]:
    try:
        with zipfile.ZipFile(path) as archive:
            yield archive
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError):
        raise StorageError(f"{path} is not a zip file, or it is damaged") from None
    except OSError as exc:
        raise StorageError(f"cannot read {path}: {exc.strerror or exc}") from None


def _read(path: Path, archive: zipfile.ZipFile, progress: Progress | None) -> list[ArchivedAttempt]:
    entries = _manifest_entries(path, archive)
    attempts = [_checked_entry(path, archive, n, e) for n, e in enumerate(entries, 1)]
    with_audio = [a for a in attempts if a.recording]
    for n, attempt in enumerate(with_audio, 1):
        _check_recording(path, archive, attempt)
        if progress:
            progress(n, len(with_audio))
    return attempts


def _manifest_entries(path: Path, archive: zipfile.ZipFile) -> list[Any]:
    foreign = StorageError(f"{path} is not a rehearse history export (made by 'rehearse export')")
    try:
        manifest = json.loads(archive.read(MANIFEST))
    except KeyError:
        raise foreign from None
    except (ValueError, UnicodeDecodeError):
        raise StorageError(f"{path}: its {MANIFEST} is damaged") from None
    if not isinstance(manifest, dict) or manifest.get("kind") != ARCHIVE_KIND:
        raise foreign
    version = manifest.get("version")
    if not isinstance(version, int):
        raise foreign
    if version > ARCHIVE_VERSION:
        raise StorageError(
            f"{path} was exported by a newer rehearse (archive version {version}); upgrade"
            " rehearse to import it"
        )
    entries = manifest.get("attempts")
    if not isinstance(entries, list):
        raise StorageError(f"{path}: its {MANIFEST} lists no attempts")
    return entries


def _checked_entry(path: Path, archive: zipfile.ZipFile, n: int, entry: Any) -> ArchivedAttempt:
    def bad(what: str) -> StorageError:
        return StorageError(f"{path}: attempt {n} in the archive {what}")

    if not isinstance(entry, dict):
        raise bad("is not a record")
    try:
        created_at = datetime.fromisoformat(entry["created_at"])
        question_id = entry["question_id"]
        report = report_from_dict(entry["report"])
        metrics = Metrics.from_dict(entry["metrics"])
        revision = int(entry["scoring_revision"])
        scored_by = str(entry["scored_by"])
        recording, sha256 = entry["recording"], entry["sha256"]
    except StorageError as error:
        raise bad(f"cannot be read: {error}") from None
    except (KeyError, TypeError, ValueError, AttributeError, IndexError):
        raise bad("is incomplete or damaged") from None
    if not isinstance(question_id, str) or not _QUESTION_ID.match(question_id):
        raise bad("names no valid question")
    if question_id != report.question:
        raise bad("has a report for another question")
    if recording is not None:
        problem = _recording_problem(archive, recording, sha256)
        if problem:
            raise bad(problem)
    return ArchivedAttempt(
        created_at, question_id, report, metrics, revision, scored_by, recording, sha256
    )


def _recording_problem(archive: zipfile.ZipFile, recording: Any, sha256: Any) -> str | None:
    """What is wrong with how an archived attempt names its recording, if anything."""
    if not isinstance(recording, str) or not isinstance(sha256, str):
        return "names its recording badly"
    if recording not in archive.NameToInfo:
        return f"names a recording the archive lacks ({recording})"
    if not _SUFFIX.match(Path(recording).suffix.lower()):
        return f"has a recording of an unexpected kind ({recording})"
    return None


def _check_recording(path: Path, archive: zipfile.ZipFile, attempt: ArchivedAttempt) -> None:
    assert attempt.recording is not None
    digest = hashlib.sha256()
    damaged = StorageError(f"{path}: the recording {attempt.recording} is damaged")
    try:
        with archive.open(attempt.recording) as f:
            while block := f.read(_CHUNK):
                digest.update(block)
    except (zipfile.BadZipFile, zlib.error, EOFError):
        raise damaged from None
    if digest.hexdigest() != attempt.sha256:
        raise damaged


def import_archive(history: History, path: Path, progress: Progress | None = None) -> Imported:
    """Add the attempts of the archive at ``path`` that the history lacks, all or none.

    ``progress`` follows the check of the recordings, which reads them all.
    """
    if not path.is_file():
        raise StorageError(f"{path}: no such file")
    with _open_archive(path) as archive:
        attempts = _read(path, archive, progress)
        known = KnownRecordings(history)
        fresh: list[ArchivedAttempt] = []
        seen: set[tuple[str, str]] = set()
        for attempt in attempts:
            key = (_stamp(attempt.created_at), attempt.identity)
            if key in seen or known.find(attempt.created_at, attempt.identity):
                continue
            seen.add(key)
            fresh.append(attempt)
        written: list[Path] = []
        try:
            new = [_place_recording(history, archive, a, written) for a in fresh]
            history.add_many(new)
        except BaseException:
            for file in written:
                history.release(file)
                file.unlink(missing_ok=True)
                sidecar_of(file).unlink(missing_ok=True)
            raise
    # An attempt whose recording was not in the archive had a name reserved all the same (so no
    # two attempts share one); the empty placeholder and its report go, the row keeps the name.
    for item, attempt in zip(new, fresh, strict=True):
        if not attempt.recording:
            item.audio.unlink(missing_ok=True)
            sidecar_of(item.audio).unlink(missing_ok=True)
    return Imported(len(fresh), len(attempts) - len(fresh))


def _place_recording(
    history: History, archive: zipfile.ZipFile, attempt: ArchivedAttempt, written: list[Path]
) -> NewAttempt:
    """Copy an attempt's recording into the data folder; the attempt to add for it."""
    suffix = Path(attempt.recording).suffix.lower() if attempt.recording else ".wav"
    # The name is reserved (created, and claimed by this process until add_many saves it).
    target = history.new_audio_path(attempt.question_id, attempt.created_at, suffix)
    written.append(target)
    if attempt.recording:
        try:
            with archive.open(attempt.recording) as source, target.open("wb") as out:
                shutil.copyfileobj(source, out, _CHUNK)
        except OSError as exc:
            raise StorageError(
                f"cannot copy a recording into {target.parent}: {exc.strerror or exc}"
            ) from None
    return NewAttempt(
        attempt.report,
        target,
        attempt.created_at,
        attempt.metrics,
        attempt.revision,
        attempt.scored_by,
    )
