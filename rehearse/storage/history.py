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
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import datetime
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rehearse import __version__
from rehearse.errors import StorageError
from rehearse.scoring.metrics import SCORING_REVISION, Metrics, PartTime, measure
from rehearse.storage.settings import ensure_writable

if TYPE_CHECKING:
    from rehearse.scoring.score import Report

DATABASE_FILE = "history.sqlite3"
ATTEMPTS_FOLDER = "attempts"


# Every column of an attempt but its report, in table order.
_FIGURE_COLUMNS = (
    "id, created_at, question_id, audio_path, duration_seconds, speaking_seconds, target_low,"
    " target_high, timing, word_count, words_per_minute, filler_count, fillers_per_minute,"
    " pause_count, coverage_ratio, model"
)
# The rambling metrics that are not figures already (fillers_per_minute, words_per_minute and
# coverage_ratio are), as columns, so trends over thousands of attempts parse nothing.
_METRIC_COLUMNS = "overrun_seconds, pauses_per_minute, words_per_point, first_point_seconds"
_LIST_COLUMNS = f"{_FIGURE_COLUMNS}, {_METRIC_COLUMNS}, parts_json, scoring_revision, scored_by"
# Metric keys whose column has another name.
_METRIC_COLUMN = {"coverage": "coverage_ratio"}


def _add_metrics_and_scoring(connection: sqlite3.Connection) -> None:
    """1 -> 2: each attempt's rambling metrics and the scoring revision that produced it, and a
    table for what the app remembers about the history itself (``meta``).

    The table is rebuilt so that the report stays its last column: SQLite reads a row's columns
    in order, and a report (every word with its times) is tens of kilobytes, so a column added
    after it would make listing 10,000 attempts read the whole database. Ids, and the counter
    that keeps a deleted attempt's id from coming back, are kept. Attempts saved before this
    have revision 0 ("not recorded"); their metrics are worked out from their stored reports, so
    trends cover them from the start.
    """
    connection.execute(
        """
        CREATE TABLE attempts_v2 (
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
            overrun_seconds REAL NOT NULL DEFAULT 0,
            pauses_per_minute REAL NOT NULL DEFAULT 0,
            words_per_point REAL,
            first_point_seconds REAL,
            parts_json TEXT NOT NULL DEFAULT '[]',
            scoring_revision INTEGER NOT NULL DEFAULT 0,
            scored_by TEXT NOT NULL DEFAULT '',
            report_json TEXT NOT NULL
        )
        """
    )
    # What the figures give already stands for an attempt whose report cannot be read.
    connection.execute(
        f"INSERT INTO attempts_v2 ({_FIGURE_COLUMNS}, overrun_seconds, pauses_per_minute,"
        f" report_json) SELECT {_FIGURE_COLUMNS},"
        " round(max(0, speaking_seconds - target_high), 1),"
        " CASE WHEN speaking_seconds > 0"
        " THEN round(pause_count * 60.0 / speaking_seconds, 1) ELSE 0 END,"
        " report_json FROM attempts"
    )
    counter = connection.execute(
        "SELECT seq FROM sqlite_sequence WHERE name = 'attempts'"
    ).fetchone()
    connection.execute("DROP TABLE attempts")
    connection.execute("ALTER TABLE attempts_v2 RENAME TO attempts")
    connection.execute("CREATE INDEX attempts_by_question ON attempts (question_id, created_at)")
    if counter is not None:
        connection.execute(
            "UPDATE sqlite_sequence SET seq = max(seq, ?) WHERE name = 'attempts'", (counter[0],)
        )
    connection.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
    from rehearse.scoring.score import report_from_dict

    for attempt_id, report_json in connection.execute(
        "SELECT id, report_json FROM attempts"
    ).fetchall():
        try:
            metrics = measure(report_from_dict(json.loads(report_json)))
        except (ValueError, KeyError, TypeError, StorageError):
            continue  # an unreadable report keeps what its figures give
        columns = metric_columns(metrics)
        assignments = ", ".join(f"{k} = :{k}" for k in columns)
        connection.execute(
            f"UPDATE attempts SET {assignments} WHERE id = :id", {**columns, "id": attempt_id}
        )


Migration = str | Callable[[sqlite3.Connection], None]
_MIGRATIONS: list[Migration] = [
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
    # 1 -> 2
    _add_metrics_and_scoring,
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
    overrun_seconds: float = 0.0
    pauses_per_minute: float = 0.0
    words_per_point: float | None = None
    first_point_seconds: float | None = None
    parts_json: str = "[]"
    scoring_revision: int = 0  # 0: saved before revisions were recorded
    scored_by: str = ""  # the rehearse version that scored it
    # Reports are large (every word with its times), so lists of attempts read one only when
    # it is asked for: a history of thousands then lists in a blink.
    load_report_json: Callable[[], str] = field(default=lambda: "{}", compare=False, repr=False)

    @property
    def report_json(self) -> str:
        return self.load_report_json()

    @property
    def report(self) -> Report:
        # Imported here: listing attempts and their trends need none of the scoring machinery.
        from rehearse.scoring.score import report_from_dict

        return report_from_dict(json.loads(self.report_json))

    def metric(self, key: str) -> float | None:
        """One rambling metric by its ``MetricInfo.key``."""
        value = getattr(self, _METRIC_COLUMN.get(key, key))
        return None if value is None else float(value)

    @cached_property
    def metrics(self) -> Metrics:
        return Metrics(
            overrun_seconds=self.overrun_seconds,
            fillers_per_minute=self.fillers_per_minute,
            pauses_per_minute=self.pauses_per_minute,
            words_per_minute=self.words_per_minute,
            coverage=self.coverage_ratio,
            words_per_point=self.words_per_point,
            first_point_seconds=self.first_point_seconds,
            parts=parts_from_json(self.parts_json),
        )

    @property
    def outdated(self) -> bool:
        """Scored by older rules than this rehearse's: ``rehearse rescore`` brings it up to date."""
        return self.scoring_revision < SCORING_REVISION


def best_attempt(attempts: Sequence[Attempt]) -> Attempt | None:
    """The best attempt: on target first, then most points covered, then fewest fillers."""
    if not attempts:
        return None
    return max(
        attempts,
        key=lambda a: (a.timing == "on-target", a.coverage_ratio, -a.fillers_per_minute),
    )


def report_figures(
    report: Report,
    metrics: Metrics | None = None,
    revision: int = SCORING_REVISION,
    scored_by: str = __version__,
) -> dict[str, Any]:
    """An attempt's columns that follow from its report (all but when, what and where)."""
    return {
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
        **metric_columns(metrics or measure(report)),
        "scoring_revision": revision,
        "scored_by": scored_by,
        "report_json": json.dumps(report.to_dict(explain=True)),
    }


def metric_columns(metrics: Metrics) -> dict[str, Any]:
    """The columns that hold the metrics the figures do not hold already."""
    return {
        "overrun_seconds": metrics.overrun_seconds,
        "pauses_per_minute": metrics.pauses_per_minute,
        "words_per_point": metrics.words_per_point,
        "first_point_seconds": metrics.first_point_seconds,
        "parts_json": json.dumps([asdict(p) for p in metrics.parts]),
    }


def parts_from_json(text: str) -> tuple[PartTime, ...]:
    return tuple(PartTime(**p) for p in json.loads(text))


@dataclass(frozen=True)
class NewAttempt:
    """An attempt to insert as it is: a report whose recording is already in the data folder,
    and the scoring that produced it (an imported history keeps its own)."""

    report: Report
    audio: Path
    created_at: datetime
    metrics: Metrics | None = None
    revision: int = SCORING_REVISION
    scored_by: str = __version__


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
                migration = _MIGRATIONS[step]
                if callable(migration):
                    migration(connection)
                    continue
                for statement in migration.split(";"):
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
        (added,) = self.add_many([NewAttempt(report, audio, when)])
        return added

    def add_many(self, new: Sequence[NewAttempt]) -> list[Attempt]:
        """Insert attempts whose recordings are already in the data folder, all or none."""
        rows = []
        for item in new:
            stored = item.audio.resolve().relative_to(self.directory.resolve())
            rows.append(
                {
                    "created_at": item.created_at.isoformat(timespec="seconds"),
                    "question_id": item.report.question,
                    "audio_path": str(stored),
                    **report_figures(item.report, item.metrics, item.revision, item.scored_by),
                }
            )
        ids = []
        with self._connect(write=True) as db:
            for row in rows:
                columns = ", ".join(row)
                marks = ", ".join(f":{k}" for k in row)
                cursor = db.execute(f"INSERT INTO attempts ({columns}) VALUES ({marks})", row)
                assert cursor.lastrowid is not None
                ids.append(cursor.lastrowid)
        return [self.get(attempt_id) for attempt_id in ids]

    def replace_report(self, attempt_id: int, report: Report) -> Attempt:
        """Put ``report`` (a rescore by the current rules) in place of the attempt's own.

        One statement in one transaction: until it commits, the old figures stand whole, so an
        interrupted rescore leaves every attempt valid.
        """
        figures = report_figures(report)
        assignments = ", ".join(f"{k} = :{k}" for k in figures)
        with self._connect(write=True) as db:
            cursor = db.execute(
                f"UPDATE attempts SET {assignments} WHERE id = :id", {**figures, "id": attempt_id}
            )
        if cursor.rowcount == 0:
            raise StorageError(f"no attempt with id {attempt_id} in {self.path}")
        return self.get(attempt_id)

    def meta(self, key: str) -> str | None:
        """Something the app remembers about this history (e.g. that a rescore was offered)."""
        with self._connect() as db:
            row = db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def set_meta(self, key: str, value: str) -> None:
        with self._connect(write=True) as db:
            db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))

    def get(self, attempt_id: int) -> Attempt:
        with self._connect() as db:
            row = db.execute(
                f"SELECT {_LIST_COLUMNS}, report_json FROM attempts WHERE id = ?", (attempt_id,)
            ).fetchone()
        if row is None:
            raise StorageError(f"no attempt with id {attempt_id} in {self.path}")
        report_json = row["report_json"]
        return self._attempt(row, lambda: report_json)

    def attempts(
        self, question_id: str | None = None, since: datetime | None = None
    ) -> list[Attempt]:
        """Attempts oldest first, for one question or all, from ``since`` on if given."""
        conditions, params = [], []
        if question_id:
            conditions.append("question_id = ?")
            params.append(question_id)
        if since:
            conditions.append("created_at >= ?")
            params.append(since.isoformat(timespec="seconds"))
        where = f" WHERE {' AND '.join(conditions)}" if conditions else ""
        with self._connect() as db:
            rows = db.execute(
                f"SELECT {_LIST_COLUMNS} FROM attempts{where} ORDER BY created_at, id", params
            ).fetchall()
        return [self._attempt(r, self._report_loader(r[0])) for r in rows]

    def _report_loader(self, attempt_id: int) -> Callable[[], str]:
        def load() -> str:
            with self._connect() as db:
                row = db.execute(
                    "SELECT report_json FROM attempts WHERE id = ?", (attempt_id,)
                ).fetchone()
            if row is None:
                raise StorageError(f"no attempt with id {attempt_id} in {self.path}")
            return str(row[0])

        return load

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

    def _attempt(self, row: Sequence[Any], report_json: Callable[[], str]) -> Attempt:
        """An attempt from a row of ``_LIST_COLUMNS``, read by position: a list of thousands
        builds in a fraction of the time lookups by name take."""
        (
            attempt_id,
            created_at,
            question_id,
            audio_path,
            duration_seconds,
            speaking_seconds,
            target_low,
            target_high,
            timing,
            word_count,
            words_per_minute,
            filler_count,
            fillers_per_minute,
            pause_count,
            coverage_ratio,
            model,
            overrun_seconds,
            pauses_per_minute,
            words_per_point,
            first_point_seconds,
            parts_json,
            scoring_revision,
            scored_by,
        ) = row[:23]
        return Attempt(
            attempt_id,
            datetime.fromisoformat(created_at),
            question_id,
            self.directory / audio_path,
            duration_seconds,
            speaking_seconds,
            (target_low, target_high),
            timing,
            word_count,
            words_per_minute,
            filler_count,
            fillers_per_minute,
            pause_count,
            coverage_ratio,
            model,
            overrun_seconds,
            pauses_per_minute,
            words_per_point,
            first_point_seconds,
            parts_json,
            scoring_revision,
            scored_by,
            report_json,
        )
