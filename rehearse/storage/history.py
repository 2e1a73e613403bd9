"""The history of attempts: a SQLite database and the recordings, in the data directory.

Each attempt keeps its full report as JSON (so the UI can show any past report exactly) plus the
headline figures as columns, so history tables and trend charts need no JSON parsing. The schema
version lives in ``PRAGMA user_version``; ``_MIGRATIONS[n]`` upgrades version n to n+1.
"""

from __future__ import annotations

import json
import re
import shutil
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from rehearse.errors import StorageError
from rehearse.scoring.score import Report, report_from_dict
from rehearse.storage.settings import ensure_writable

DATABASE_FILE = "history.sqlite3"
ATTEMPTS_FOLDER = "attempts"

_MIGRATIONS: list[str] = [
    # 0 -> 1
    """
    CREATE TABLE attempts (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        created_at TEXT NOT NULL,
        question_id TEXT NOT NULL,
        audio_path TEXT NOT NULL,
        duration_seconds REAL NOT NULL,
        speaking_seconds REAL NOT NULL,
        target_low INTEGER NOT NULL,
        target_high INTEGER NOT NULL,
        timing TEXT NOT NULL,
        word_count INTEGER NOT NULL,
        words_per_minute REAL NOT NULL,
        filler_count INTEGER NOT NULL,
        fillers_per_minute REAL NOT NULL,
        pause_count INTEGER NOT NULL,
        coverage_ratio REAL NOT NULL,
        model TEXT NOT NULL,
        report_json TEXT NOT NULL
    );
    CREATE INDEX attempts_by_question ON attempts (question_id, created_at);
    """,
]
SCHEMA_VERSION = len(_MIGRATIONS)
# attempt_audio_name's file stem: the time, the question id, and a counter on a clash.
_NAMED_RECORDING = re.compile(r"^(?P<stamp>\d{8}-\d{6})-(?P<question>[a-z0-9-]+?)(?:-\d+)?$")


@dataclass(frozen=True)
class Attempt:
    """One saved answer: the headline figures, and the report and recording behind them."""

    id: int
    created_at: datetime
    question_id: str
    audio_path: Path
    duration_seconds: float
    speaking_seconds: float
    target_seconds: tuple[int, int]
    timing: str
    word_count: int
    words_per_minute: float
    filler_count: int
    fillers_per_minute: float
    pause_count: int
    coverage_ratio: float
    model: str
    report_json: str

    @property
    def report(self) -> Report:
        return report_from_dict(json.loads(self.report_json))


def best_attempt(attempts: Sequence[Attempt]) -> Attempt | None:
    """The best attempt: on target first, then most points covered, then fewest fillers."""
    if not attempts:
        return None
    return max(
        attempts,
        key=lambda a: (a.timing == "on-target", a.coverage_ratio, -a.fillers_per_minute),
    )


def attempt_audio_name(question_id: str, when: datetime, suffix: str = ".wav") -> str:
    """A recording's path inside the data directory: date, time and question id, no user text."""
    return f"{ATTEMPTS_FOLDER}/{when:%Y-%m-%d}/{when:%Y%m%d-%H%M%S}-{question_id}{suffix}"


class History:
    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.path = directory / DATABASE_FILE

    @contextmanager
    def _connect(self, write: bool = False) -> Iterator[sqlite3.Connection]:
        if write or not self.path.exists():
            ensure_writable(self.directory)
        try:
            connection = sqlite3.connect(self.path, timeout=10)
        except sqlite3.Error as exc:
            raise StorageError(f"cannot open the history database {self.path}: {exc}") from None
        try:
            connection.row_factory = sqlite3.Row
            self._migrate(connection)
            with connection:
                yield connection
        except sqlite3.DatabaseError as exc:
            raise StorageError(f"history database {self.path}: {exc}") from None
        finally:
            connection.close()

    def _migrate(self, connection: sqlite3.Connection) -> None:
        version = connection.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise StorageError(
                f"{self.path} was written by a newer rehearse (schema {version}); upgrade rehearse"
            )
        if version == SCHEMA_VERSION:
            return
        # Several threads (and processes) may open a new database at once: take the write lock,
        # then look at the version again, so only the first of them migrates.
        connection.execute("BEGIN IMMEDIATE")
        try:
            version = connection.execute("PRAGMA user_version").fetchone()[0]
            for step in range(version, SCHEMA_VERSION):
                for statement in _MIGRATIONS[step].split(";"):
                    if statement.strip():
                        connection.execute(statement)
            connection.execute(f"PRAGMA user_version = {max(version, SCHEMA_VERSION)}")
            connection.commit()
        except BaseException:
            connection.rollback()
            raise

    def new_audio_path(
        self, question_id: str, when: datetime | None = None, suffix: str = ".wav"
    ) -> Path:
        """Where a new recording for ``question_id`` should go; the folder is created."""
        when = when or datetime.now()
        path = self.directory / attempt_audio_name(question_id, when, suffix)
        counter = 1
        while path.exists():
            counter += 1
            path = path.with_name(f"{when:%Y%m%d-%H%M%S}-{question_id}-{counter}{suffix}")
        ensure_writable(path.parent)
        return path

    def add(self, report: Report, audio: Path, when: datetime | None = None) -> Attempt:
        """Save ``report``; ``audio`` is copied into the data directory unless already there."""
        when = when or datetime.now()
        if not audio.is_file():
            raise StorageError(f"{audio}: the recording to save does not exist")
        try:
            inside = audio.resolve().is_relative_to(self.directory.resolve())
        except OSError:
            inside = False
        if not inside:
            target = self.new_audio_path(report.question, when, audio.suffix.lower() or ".wav")
            try:
                shutil.copyfile(audio, target)
            except OSError as exc:
                target.unlink(missing_ok=True)
                raise StorageError(
                    f"cannot copy the recording into {target.parent}: {exc.strerror or exc}"
                ) from None
            audio = target
        stored = audio.resolve().relative_to(self.directory.resolve())
        row: dict[str, Any] = {
            "created_at": when.isoformat(timespec="seconds"),
            "question_id": report.question,
            "audio_path": str(stored),
            "duration_seconds": report.duration_seconds,
            "speaking_seconds": report.speaking_seconds,
            "target_low": report.target_seconds[0],
            "target_high": report.target_seconds[1],
            "timing": report.timing,
            "word_count": report.word_count,
            "words_per_minute": report.words_per_minute,
            "filler_count": report.fillers.count,
            "fillers_per_minute": report.fillers.per_minute,
            "pause_count": len(report.pauses),
            "coverage_ratio": round(report.coverage.ratio, 4),
            "model": report.model,
            "report_json": json.dumps(report.to_dict(explain=True)),
        }
        columns = ", ".join(row)
        marks = ", ".join(f":{k}" for k in row)
        with self._connect(write=True) as db:
            cursor = db.execute(f"INSERT INTO attempts ({columns}) VALUES ({marks})", row)
            attempt_id = cursor.lastrowid
        assert attempt_id is not None
        return self.get(attempt_id)

    def get(self, attempt_id: int) -> Attempt:
        with self._connect() as db:
            row = db.execute("SELECT * FROM attempts WHERE id = ?", (attempt_id,)).fetchone()
        if row is None:
            raise StorageError(f"no attempt with id {attempt_id} in {self.path}")
        return self._attempt(row)

    def attempts(self, question_id: str | None = None) -> list[Attempt]:
        """Attempts oldest first, for one question or all."""
        query = "SELECT * FROM attempts"
        params: tuple[Any, ...] = ()
        if question_id:
            query += " WHERE question_id = ?"
            params = (question_id,)
        with self._connect() as db:
            rows = db.execute(query + " ORDER BY created_at, id", params).fetchall()
        return [self._attempt(r) for r in rows]

    def latest(self, question_id: str) -> Attempt | None:
        found = self.attempts(question_id)
        return found[-1] if found else None

    def previous(self, attempt: Attempt) -> Attempt | None:
        """The attempt at the same question just before ``attempt``."""
        earlier = [
            a
            for a in self.attempts(attempt.question_id)
            if a.id != attempt.id and (a.created_at, a.id) < (attempt.created_at, attempt.id)
        ]
        return earlier[-1] if earlier else None

    def best(self, question_id: str) -> Attempt | None:
        return best_attempt(self.attempts(question_id))

    def unsaved_recordings(self) -> list[tuple[Path, str, datetime]]:
        """Recordings in the attempts folder that have no history row, oldest first.

        The app names a recording before it starts and saves the row only once scoring ends, so
        a crash, a kill or a quit mid-answer leaves the audio here; the app scores it on its next
        start. Each item is the file, the question id and the time from its name.
        """
        folder = self.directory / ATTEMPTS_FOLDER
        if not folder.is_dir():
            return []
        known = {a.audio_path.resolve() for a in self.attempts()}
        found = []
        for path in sorted(folder.glob("*/*.wav")):
            named = _NAMED_RECORDING.match(path.stem)
            if named and path.resolve() not in known:
                when = datetime.strptime(named["stamp"], "%Y%m%d-%H%M%S")
                found.append((path, named["question"], when))
        return found

    def delete(self, attempt_id: int) -> None:
        attempt = self.get(attempt_id)
        with self._connect(write=True) as db:
            db.execute("DELETE FROM attempts WHERE id = ?", (attempt_id,))
        attempt.audio_path.unlink(missing_ok=True)

    def _attempt(self, row: sqlite3.Row) -> Attempt:
        return Attempt(
            id=row["id"],
            created_at=datetime.fromisoformat(row["created_at"]),
            question_id=row["question_id"],
            audio_path=self.directory / row["audio_path"],
            duration_seconds=row["duration_seconds"],
            speaking_seconds=row["speaking_seconds"],
            target_seconds=(row["target_low"], row["target_high"]),
            timing=row["timing"],
            word_count=row["word_count"],
            words_per_minute=row["words_per_minute"],
            filler_count=row["filler_count"],
            fillers_per_minute=row["fillers_per_minute"],
            pause_count=row["pause_count"],
            coverage_ratio=row["coverage_ratio"],
            model=row["model"],
            report_json=row["report_json"],
        )
