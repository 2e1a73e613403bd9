"""The history of attempts: a SQLite database and the recordings, in the data directory.

Each attempt keeps its full report as JSON (so the UI can show any past report exactly) plus the
headline figures and rambling metrics as columns, so history tables and trend charts need no JSON
parsing. The schema version lives in ``PRAGMA user_version``; ``_MIGRATIONS[n]`` upgrades version
n to n+1.

Nothing is lost if the database is: every attempt's report is also written beside its recording
(``<recording>.json``, before the row), so ``rebuild`` can make the database again from the
folder. The database runs in WAL mode and every write is one short transaction, so the CLI can
save while the app has the same folder open. A recording belongs to one attempt (a unique index),
and a recording being made is locked by its process (``new_audio_path``), so recovery never
takes a file that is still being written.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import asdict, dataclass, field
from datetime import datetime
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rehearse import __version__
from rehearse.errors import StorageError
from rehearse.scoring.metrics import SCORING_REVISION, Metrics, PartTime, measure
from rehearse.storage.lock import claim_file
from rehearse.storage.settings import ensure_writable

if TYPE_CHECKING:
    from rehearse.scoring.score import Report

DATABASE_FILE = "history.sqlite3"
ATTEMPTS_FOLDER = "attempts"
SIDECAR_SUFFIX = ".json"
SIDECAR_FORMAT = 1
_PREPARE_LOCK = threading.Lock()
_PREPARE_WAIT_SECONDS = 10.0
REPAIR_HINT = "'rehearse doctor --repair' rebuilds it from the recordings"
# A question id as it may appear in a file name: short, lower case, safe on every file system.
SAFE_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")
# What a report that cannot be read raises while it is turned back into a Report.
_BAD_REPORT = (ValueError, TypeError, KeyError, IndexError, AttributeError)

# Every column of an attempt but its report, in table order.
_FIGURE_COLUMNS = (
    "id, created_at, question_id, audio_path, duration_seconds, speaking_seconds, target_low,"
    " target_high, timing, word_count, words_per_minute, filler_count, fillers_per_minute,"
    " pause_count, coverage_ratio, model"
)
# The rambling metrics that are not figures already (fillers_per_minute, words_per_minute and
# coverage_ratio are), as columns, so trends over thousands of attempts parse nothing.
_METRIC_COLUMNS = "overrun_seconds, pauses_per_minute, words_per_point, first_point_seconds"
# The coaching metrics (schema 4), listed after the rest.
_COACHING_COLUMNS = "hedges_per_minute, repetitions_per_minute, tangent_share, pitch_variety"
_LIST_COLUMNS = (
    f"{_FIGURE_COLUMNS}, {_METRIC_COLUMNS}, parts_json, scoring_revision, scored_by,"
    f" {_COACHING_COLUMNS}"
)
# Metric keys whose column has another name.
_METRIC_COLUMN = {"coverage": "coverage_ratio"}


# 1 -> 2: one attempt per recording. Two copies of the app on one folder could save one
# recording twice (the second "recovered" it while the first was still writing it); of such rows
# the longest recording's (the finished one), then the newest, is kept.
_ONE_ATTEMPT_PER_RECORDING = """
    DELETE FROM attempts WHERE EXISTS (
        SELECT 1 FROM attempts AS other
        WHERE other.audio_path = attempts.audio_path
        AND (other.duration_seconds > attempts.duration_seconds
             OR (other.duration_seconds = attempts.duration_seconds AND other.id > attempts.id))
    );
    CREATE UNIQUE INDEX IF NOT EXISTS attempts_by_audio ON attempts (audio_path);
    """


def _run_script(connection: sqlite3.Connection, script: str) -> None:
    for statement in script.split(";"):
        if statement.strip():
            connection.execute(statement)


def _add_metrics_and_scoring(connection: sqlite3.Connection) -> None:
    """2 -> 3: each attempt's rambling metrics and the scoring revision that produced it, and a
    table for what the app remembers about the history itself (``meta``).

    The table is rebuilt so that the report stays its last column: SQLite reads a row's columns
    in order, and a report (every word with its times) is tens of kilobytes, so a column added
    after it would make listing 10,000 attempts read the whole database. Ids, and the counter
    that keeps a deleted attempt's id from coming back, are kept. Attempts saved before this
    have revision 0 ("not recorded"); their metrics are worked out from their stored reports, so
    trends cover them from the start.

    The rebuilt table gets both indexes back: by question, and one attempt per recording. A
    table that has the metric columns already (a development build numbered this migration
    1 -> 2, before the one-attempt-per-recording step) is only given what it lacks.
    """
    existing = {row[1] for row in connection.execute("PRAGMA table_info(attempts)")}
    if "scoring_revision" in existing:
        _run_script(connection, _ONE_ATTEMPT_PER_RECORDING)
        connection.execute(
            "CREATE INDEX IF NOT EXISTS attempts_by_question ON attempts (question_id, created_at)"
        )
        connection.execute(
            "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)"
        )
        return
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
    _run_script(connection, _ONE_ATTEMPT_PER_RECORDING)
    if counter is not None:
        connection.execute(
            "UPDATE sqlite_sequence SET seq = max(seq, ?) WHERE name = 'attempts'", (counter[0],)
        )
    connection.execute(
        "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)"
    )
    from rehearse.scoring.score import report_from_dict

    for attempt_id, report_json in connection.execute(
        "SELECT id, report_json FROM attempts"
    ).fetchall():
        try:
            metrics = measure(report_from_dict(json.loads(report_json)))
        except (*_BAD_REPORT, StorageError):
            continue  # an unreadable report keeps what its figures give
        # Only the columns schema 3 has: the coaching ones come with 3 -> 4.
        coaching = _COACHING_COLUMNS.split(", ")
        columns = {k: v for k, v in metric_columns(metrics).items() if k not in coaching}
        assignments = ", ".join(f"{k} = :{k}" for k in columns)
        connection.execute(
            f"UPDATE attempts SET {assignments} WHERE id = :id", {**columns, "id": attempt_id}
        )


def _add_coaching_metrics(connection: sqlite3.Connection) -> None:
    """3 -> 4: the coaching metrics as columns, so progress can chart them over time.

    Rebuilt like 2 -> 3, so that the report stays the last column (see there), with ids, the id
    counter and both indexes kept. Attempts saved before have NULL in them: their reports
    carry no coaching, and a made-up 0 would read as "no hedges at all".
    """
    columns = [row[1] for row in connection.execute("PRAGMA table_info(attempts)")]
    if "pitch_variety" in columns:
        return
    kept = ", ".join(c for c in columns if c != "report_json")
    schema = connection.execute(
        "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'attempts'"
    ).fetchone()[0]
    added = ", ".join(f"{c} REAL" for c in _COACHING_COLUMNS.split(", "))
    # SQLite keeps a renamed table's name quoted in its schema: CREATE TABLE "attempts" (...).
    create = re.sub(r'^CREATE TABLE "?attempts"?', "CREATE TABLE attempts_v4", schema)
    create = create.replace("report_json TEXT NOT NULL", f"{added}, report_json TEXT NOT NULL")
    connection.execute(create)
    connection.execute(
        f"INSERT INTO attempts_v4 ({kept}, report_json) SELECT {kept}, report_json FROM attempts"
    )
    counter = connection.execute(
        "SELECT seq FROM sqlite_sequence WHERE name = 'attempts'"
    ).fetchone()
    connection.execute("DROP TABLE attempts")
    connection.execute("ALTER TABLE attempts_v4 RENAME TO attempts")
    connection.execute("CREATE INDEX attempts_by_question ON attempts (question_id, created_at)")
    connection.execute("CREATE UNIQUE INDEX attempts_by_audio ON attempts (audio_path)")
    if counter is not None:
        connection.execute(
            "UPDATE sqlite_sequence SET seq = max(seq, ?) WHERE name = 'attempts'", (counter[0],)
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
    _ONE_ATTEMPT_PER_RECORDING,
    # 2 -> 3
    _add_metrics_and_scoring,
    # 3 -> 4
    _add_coaching_metrics,
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
    hedges_per_minute: float | None = None
    repetitions_per_minute: float | None = None
    tangent_share: float | None = None
    pitch_variety: float | None = None
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

        try:
            return report_from_dict(json.loads(self.report_json))
        except _BAD_REPORT:
            raise StorageError(
                f"the report of attempt {self.id} is damaged and cannot be shown"
            ) from None

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
            hedges_per_minute=self.hedges_per_minute,
            repetitions_per_minute=self.repetitions_per_minute,
            tangent_share=self.tangent_share,
            pitch_variety=self.pitch_variety,
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
        "hedges_per_minute": metrics.hedges_per_minute,
        "repetitions_per_minute": metrics.repetitions_per_minute,
        "tangent_share": metrics.tangent_share,
        "pitch_variety": metrics.pitch_variety,
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


def sidecar_of(recording: Path) -> Path:
    """Where a recording's report is kept beside it: ``<recording>.json``."""
    return recording.with_name(recording.name + SIDECAR_SUFFIX)


@dataclass(frozen=True)
class Rebuilt:
    """What ``History.rebuild`` did: where the damaged file went and how many attempts came back."""

    backup: Path | None
    restored: int
    skipped: tuple[str, ...]


class History:
    """The attempts in ``directory``. ``read_only`` (a reason) refuses every change, saying why."""

    def __init__(self, directory: Path, read_only: str | None = None) -> None:
        self.directory = directory
        self.path = directory / DATABASE_FILE
        self.read_only = read_only
        # Recordings this process is making or saving: path -> the fd holding its lock.
        self._claims: dict[Path, int] = {}
        self._claims_lock = threading.Lock()

    # -- the database --------------------------------------------------------------------------

    @contextmanager
    def _connect(self, write: bool = False) -> Iterator[sqlite3.Connection]:
        if write:
            self._check_writable()
        created = not self.path.exists()
        if write or created:
            ensure_writable(self.directory)
        try:
            connection = sqlite3.connect(self.path, timeout=10)
        except sqlite3.Error as exc:
            raise StorageError(f"cannot open the history database {self.path}: {exc}") from None
        try:
            connection.row_factory = sqlite3.Row
            self._prepare(connection)
            with connection:
                yield connection
        except BaseException as exc:
            connection.close()
            if created:
                self._forget_if_empty()
            # A scribbled file can also make SQLite's own text (a table name in an error, the
            # schema) undecodable: that is damage too, not a crash.
            if isinstance(exc, sqlite3.DatabaseError | UnicodeDecodeError):
                raise self._damaged(exc) from None
            raise
        connection.close()

    def _damaged(self, exc: sqlite3.Error | UnicodeDecodeError) -> StorageError:
        if isinstance(exc, sqlite3.OperationalError) and _is_transient(exc):
            return StorageError(f"cannot use the history database {self.path}: {exc}")
        return StorageError(f"the history database {self.path} is damaged ({exc}); {REPAIR_HINT}")

    def _forget_if_empty(self) -> None:
        """A database this call created, then failed on before it was set up, is removed: a
        failed save (disk full) must not leave an empty history behind."""
        try:
            with sqlite3.connect(self.path, timeout=10) as db:
                version = db.execute("PRAGMA user_version").fetchone()[0]
            db.close()
        except sqlite3.Error:
            version = 0
        if version == 0:
            for name in (DATABASE_FILE, f"{DATABASE_FILE}-wal", f"{DATABASE_FILE}-shm"):
                with suppress(OSError):
                    (self.directory / name).unlink()

    def _prepare(self, connection: sqlite3.Connection) -> None:
        # Turning a new database to WAL needs it to itself, and SQLite then answers "locked"
        # (or "disk I/O error" while the -shm file appears) at once instead of waiting for its
        # timeout: this process's threads take turns, and another process's turn is waited out.
        with _PREPARE_LOCK:
            deadline = time.monotonic() + _PREPARE_WAIT_SECONDS
            while True:
                try:
                    self._use_wal(connection)
                    break
                except sqlite3.OperationalError as exc:
                    if not _is_transient(exc) or time.monotonic() > deadline:
                        raise
                    time.sleep(0.05)
            self._migrate(connection)

    @staticmethod
    def _use_wal(connection: sqlite3.Connection) -> None:
        # WAL: readers never wait for a writer, and a writer (the CLI saving while the app is
        # open) waits only for another write, which is one short transaction.
        mode = connection.execute("PRAGMA journal_mode").fetchone()[0]
        if str(mode).lower() != "wal":
            connection.execute("PRAGMA journal_mode=WAL")

    def _migrate(self, connection: sqlite3.Connection) -> None:
        version = connection.execute("PRAGMA user_version").fetchone()[0]
        if version < 0:
            # No rehearse writes a negative version: the file's header was overwritten.
            raise StorageError(
                f"the history database {self.path} is damaged (schema version {version});"
                f" {REPAIR_HINT}"
            )
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
                else:
                    _run_script(connection, migration)
            connection.execute(f"PRAGMA user_version = {max(version, SCHEMA_VERSION)}")
            connection.commit()
        except BaseException:
            connection.rollback()
            raise

    def check(self) -> str | None:
        """What is wrong with the database, in one line, or None when it is sound (or absent)."""
        if not self.path.exists():
            return None
        try:
            with self._connect() as db:
                found = [row[0] for row in db.execute("PRAGMA integrity_check").fetchall()]
                rows = db.execute(f"SELECT {_LIST_COLUMNS} FROM attempts").fetchall()
                for row in rows:
                    self._attempt(row, self._report_loader(row[0]))
        except StorageError as error:
            return str(error)
        if found != ["ok"]:
            detail = " ".join(" ".join(str(f).split()) for f in found[:2])
            return f"the history database {self.path} is damaged ({detail}); {REPAIR_HINT}"
        return None

    def _check_writable(self) -> None:
        if self.read_only:
            raise StorageError(f"{self.read_only}: this session can only browse and replay")

    # -- recordings ----------------------------------------------------------------------------

    def new_audio_path(
        self, question_id: str, when: datetime | None = None, suffix: str = ".wav"
    ) -> Path:
        """A new, empty recording for ``question_id``, reserved for this process.

        The file is created (so the name is this process's alone) and locked until ``add``
        saves it or ``release`` gives it up, so that recovery, here or in another process, leaves
        it alone while it is being recorded and scored. A process that dies releases it.
        """
        self._check_writable()
        if not SAFE_ID.match(question_id):
            raise StorageError(
                f"the question id {question_id[:80]!r} cannot name a recording: use 1-64 of"
                " a-z, 0-9 and '-'"
            )
        when = when or datetime.now()
        first = self.directory / attempt_audio_name(question_id, when, suffix)
        ensure_writable(first.parent)
        for counter in range(1, 1000):
            path = (
                first
                if counter == 1
                else first.with_name(f"{when:%Y%m%d-%H%M%S}-{question_id}-{counter}{suffix}")
            )
            try:
                fd = claim_file(path, create=True)
            except FileExistsError:
                continue
            except OSError as exc:
                raise StorageError(
                    f"cannot create the recording {path}: {exc.strerror or exc}"
                ) from None
            assert fd is not None  # a file we just created cannot be locked by anyone else
            with self._claims_lock:
                self._claims[path] = fd
            return path
        raise StorageError(f"too many recordings named {first.name} in {first.parent}")

    def release(self, path: Path) -> None:
        """Give up this process's claim on ``path`` (saved, discarded, or left for recovery)."""
        with self._claims_lock:
            fd = self._claims.pop(path, None)
        if fd is not None:
            os.close(fd)

    def _copy_in(self, audio: Path, report: Report, when: datetime) -> Path:
        target = self.new_audio_path(report.question, when, audio.suffix.lower() or ".wav")
        try:
            shutil.copyfile(audio, target)
        except OSError as exc:
            self.release(target)
            target.unlink(missing_ok=True)
            raise StorageError(
                f"cannot copy the recording into {target.parent}: {exc.strerror or exc}"
            ) from None
        return target

    # -- saving --------------------------------------------------------------------------------

    def add(self, report: Report, audio: Path, when: datetime | None = None) -> Attempt:
        """Save ``report``; ``audio`` is copied into the attempts folder unless already there.

        The report is written beside the recording first, then the row: if the row cannot be
        written (the database is damaged, the disk is full), the recording and its report stay
        in the attempts folder and ``rebuild`` or the next recovery brings them back.
        """
        self._check_writable()
        when = when or datetime.now()
        if not audio.is_file():
            raise StorageError(f"{audio}: the recording to save does not exist")
        copied = not self._inside(audio)
        if copied:
            audio = self._copy_in(audio, report, when)
        else:
            saved = self._attempt_of(audio)
            if saved is not None:
                raise StorageError(f"{audio} is already saved as attempt {saved.id}")
        try:
            try:
                self._write_sidecar(audio, report, when, SCORING_REVISION, __version__)
            except StorageError:
                if copied:  # the user still has the original: leave no half-saved copy
                    audio.unlink(missing_ok=True)
                raise
            try:
                return self._insert(report, audio, when)
            except StorageError as error:
                raise StorageError(
                    f"{error}; the recording and its report are kept in {audio}"
                ) from None
        finally:
            self.release(audio)

    def _insert(
        self,
        report: Report,
        audio: Path,
        when: datetime,
        revision: int = SCORING_REVISION,
        scored_by: str = __version__,
    ) -> Attempt:
        row = _row(report, self._stored_name(audio), when, None, revision, scored_by)
        columns = ", ".join(row)
        marks = ", ".join(f":{k}" for k in row)
        try:
            with self._connect(write=True) as db:
                cursor = db.execute(f"INSERT INTO attempts ({columns}) VALUES ({marks})", row)
                attempt_id = cursor.lastrowid
        except sqlite3.IntegrityError:
            raise self._already_saved(audio) from None
        assert attempt_id is not None
        return self.get(attempt_id)

    def _already_saved(self, audio: Path) -> StorageError:
        saved = self._attempt_of(audio)
        return StorageError(
            f"{audio} is already saved"
            + (f" as attempt {saved.id}" if saved else "")
            + "; a recording belongs to one attempt"
        )

    def add_many(self, new: Sequence[NewAttempt]) -> list[Attempt]:
        """Insert attempts whose recordings are already in the attempts folder, all or none.

        As ``add`` does, each report (with the scoring that produced it) is written beside its
        recording before the rows, so ``rebuild`` brings imported attempts back too; and as in
        ``add``, a recording belongs to one attempt. This process's claims on the recordings are
        given up once the rows are written (or not).
        """
        self._check_writable()
        ids: list[int] = []
        try:
            rows = []
            for item in new:
                if not self._inside(item.audio):
                    raise StorageError(f"{item.audio} is not in {self.directory / ATTEMPTS_FOLDER}")
                rows.append(
                    _row(
                        item.report,
                        self._stored_name(item.audio),
                        item.created_at,
                        item.metrics,
                        item.revision,
                        item.scored_by,
                    )
                )
            names = [row["audio_path"] for row in rows]
            if len(set(names)) < len(names):
                twice = next(n for n in names if names.count(n) > 1)
                raise StorageError(
                    f"{self.directory / twice} is given to two attempts; a recording belongs to"
                    " one attempt"
                )
            # Checked before any report is written beside a recording: a refused import must
            # not overwrite the report of the attempt the recording belongs to.
            with self._connect() as db:
                taken = {r[0] for r in db.execute("SELECT audio_path FROM attempts")}
            for row, item in zip(rows, new, strict=True):
                if row["audio_path"] in taken:
                    raise self._already_saved(item.audio)
            for item in new:
                self._write_sidecar(
                    item.audio, item.report, item.created_at, item.revision, item.scored_by
                )
            with self._connect(write=True) as db:
                for row, item in zip(rows, new, strict=True):
                    columns = ", ".join(row)
                    marks = ", ".join(f":{k}" for k in row)
                    try:
                        cursor = db.execute(
                            f"INSERT INTO attempts ({columns}) VALUES ({marks})", row
                        )
                    except sqlite3.IntegrityError:
                        raise StorageError(
                            f"{item.audio} is already saved; a recording belongs to one attempt"
                        ) from None
                    assert cursor.lastrowid is not None
                    ids.append(cursor.lastrowid)
        finally:
            for item in new:
                self.release(item.audio)
        return [self.get(attempt_id) for attempt_id in ids]

    def replace_report(self, attempt_id: int, report: Report) -> Attempt:
        """Put ``report`` (a rescore by the current rules) in place of the attempt's own.

        The report beside the recording is replaced first, then the row in one statement in one
        transaction: until it commits, the old figures stand whole, so an interrupted rescore
        leaves every attempt valid (and ``rebuild`` gives either report, whole).
        """
        self._check_writable()
        attempt = self.get(attempt_id)
        if attempt.audio_path.is_file():
            self._write_sidecar(
                attempt.audio_path, report, attempt.created_at, SCORING_REVISION, __version__
            )
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

    def _attempt_of(self, audio: Path) -> Attempt | None:
        with self._connect() as db:
            row = db.execute(
                f"SELECT {_LIST_COLUMNS}, report_json FROM attempts WHERE audio_path = ?",
                (self._stored_name(audio),),
            ).fetchone()
        if row is None:
            return None
        report_json = row["report_json"]
        return self._attempt(row, lambda: report_json)

    def _write_sidecar(
        self, audio: Path, report: Report, when: datetime, revision: int, scored_by: str
    ) -> None:
        """Write ``report`` beside ``audio``, with the scoring revision and version that made it
        (so that ``rebuild`` can tell a rescored or imported attempt's rules)."""
        sidecar = sidecar_of(audio)
        data = {
            "rehearse_attempt": SIDECAR_FORMAT,
            "created_at": when.isoformat(timespec="seconds"),
            "question_id": report.question,
            "recording": audio.name,
            "scoring_revision": revision,
            "scored_by": scored_by,
            "report": report.to_dict(explain=True),
        }
        tmp = sidecar.with_name(sidecar.name + ".tmp")
        try:
            tmp.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
            tmp.replace(sidecar)
        except OSError as exc:
            tmp.unlink(missing_ok=True)
            raise StorageError(
                f"cannot write the report beside {audio}: {exc.strerror or exc}"
            ) from None

    def _inside(self, audio: Path) -> bool:
        """Whether ``audio`` is already one of the attempts folder's recordings."""
        try:
            return audio.resolve().is_relative_to((self.directory / ATTEMPTS_FOLDER).resolve())
        except OSError:
            return False

    def _stored_name(self, audio: Path) -> str:
        return str(audio.resolve().relative_to(self.directory.resolve()))

    # -- reading -------------------------------------------------------------------------------

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

    # -- recovery ------------------------------------------------------------------------------

    def unsaved_recordings(self) -> list[tuple[Path, str, datetime]]:
        """Recordings in the attempts folder that have no history row, oldest first.

        The app names a recording before it starts and saves the row only once scoring ends, so
        a crash, a kill or a quit mid-answer leaves the audio here; the app scores it on its next
        start. Each item is the file, the question id and the time from its name. A recording
        that a live process (this one or another) is still making or saving is not listed.
        """
        folder = self.directory / ATTEMPTS_FOLDER
        if not folder.is_dir():
            return []
        known = {a.audio_path.resolve() for a in self.attempts()}
        found = []
        for path in sorted(folder.glob("*/*.wav")):
            named = _NAMED_RECORDING.match(path.stem)
            if named and path.resolve() not in known and not self.in_use(path):
                try:
                    when = datetime.strptime(named["stamp"], "%Y%m%d-%H%M%S")
                except ValueError:
                    continue  # digits that are no date: not a name rehearse gave
                found.append((path, named["question"], when))
        return found

    def in_use(self, path: Path) -> bool:
        """Whether a live process (this one included) holds ``path`` as a recording it makes."""
        with self._claims_lock:
            if path in self._claims:
                return True
        try:
            fd = claim_file(path, create=False)
        except OSError:
            return False
        if fd is None:
            return True
        os.close(fd)
        return False

    def unsaved_reports(self) -> list[Path]:
        """Recordings whose report was written beside them but whose row is missing."""
        folder = self.directory / ATTEMPTS_FOLDER
        if not folder.is_dir():
            return []
        known = {a.audio_path.resolve() for a in self.attempts()}
        found = []
        for sidecar in sorted(folder.glob(f"*/*{SIDECAR_SUFFIX}")):
            recording = sidecar.with_name(sidecar.name.removesuffix(SIDECAR_SUFFIX))
            if (
                recording.is_file()
                and recording.resolve() not in known
                and not self.in_use(recording)
            ):
                found.append(recording)
        return found

    def restore(self, recording: Path) -> Attempt:
        """Add the attempt whose report was written beside ``recording`` back into the history.

        The metrics are worked out from the report again. A report written before the scoring
        revision was kept beside it is marked as such (revision 0), so a rescore is offered.
        """
        from rehearse.scoring.score import report_from_dict

        self._check_writable()
        sidecar = sidecar_of(recording)
        try:
            data = json.loads(sidecar.read_text(encoding="utf-8"))
            report = report_from_dict(data["report"])
            when = datetime.fromisoformat(data["created_at"])
            revision = int(data.get("scoring_revision", 0))
            scored_by = str(data.get("scored_by", ""))
        except (OSError, *_BAD_REPORT):
            raise StorageError(f"{sidecar}: the saved report cannot be read") from None
        return self._insert(report, recording, when, revision, scored_by)

    def write_missing_sidecars(self) -> int:
        """Write the report beside every recording saved before reports were kept there."""
        written = 0
        for attempt in self.attempts():
            if attempt.audio_path.is_file() and not sidecar_of(attempt.audio_path).exists():
                # One damaged report must not keep the others from getting their copy.
                with suppress(StorageError):
                    self._write_sidecar(
                        attempt.audio_path,
                        attempt.report,
                        attempt.created_at,
                        attempt.scoring_revision,
                        attempt.scored_by,
                    )
                    written += 1
        return written

    def rebuild(self) -> Rebuilt:
        """Move a damaged database aside and make a new one from the reports beside recordings.

        The damaged file is kept as ``history.sqlite3.damaged-<time>`` (with its WAL files), for
        whatever could still be read from it by hand.
        """
        self._check_writable()
        backup = None
        if self.path.exists():
            stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
            backup = self.path.with_name(f"{DATABASE_FILE}.damaged-{stamp}")
            for suffix in ("", "-wal", "-shm"):
                source = self.path.with_name(DATABASE_FILE + suffix)
                if source.exists():
                    try:
                        source.replace(backup.with_name(backup.name + suffix))
                    except OSError as exc:
                        raise StorageError(
                            f"cannot move the damaged {source} aside: {exc.strerror or exc}"
                        ) from None
        restored, skipped = 0, []
        for recording in self.unsaved_reports():
            try:
                self.restore(recording)
                restored += 1
            except StorageError as error:
                skipped.append(str(error))
        return Rebuilt(backup, restored, tuple(skipped))

    # -- deleting ------------------------------------------------------------------------------

    def delete(self, attempt_id: int) -> None:
        """Delete the attempt, then its recording and report unless another row still has them."""
        attempt = self.get(attempt_id)
        with self._connect(write=True) as db:
            db.execute("DELETE FROM attempts WHERE id = ?", (attempt_id,))
            shared = db.execute(
                "SELECT COUNT(*) FROM attempts WHERE audio_path = ?",
                (self._stored_name(attempt.audio_path),),
            ).fetchone()[0]
        if shared or self.in_use(attempt.audio_path):
            return
        # The recording first: a report left without it is skipped by rebuild, while a recording
        # left without its report would come back as a new attempt.
        attempt.audio_path.unlink(missing_ok=True)
        sidecar_of(attempt.audio_path).unlink(missing_ok=True)

    def _attempt(self, row: Sequence[Any], report_json: Callable[[], str]) -> Attempt:
        """An attempt from a row of ``_LIST_COLUMNS``, read by position: a list of thousands
        builds in a fraction of the time lookups by name take. A row that does not read (the
        database is damaged) raises a StorageError naming the repair."""
        try:
            return self._unpack(row, report_json)
        except (ValueError, TypeError, IndexError, KeyError):
            raise StorageError(
                f"the history database {self.path} has a damaged row; {REPAIR_HINT}"
            ) from None

    def _unpack(self, row: Sequence[Any], report_json: Callable[[], str]) -> Attempt:
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
            hedges_per_minute,
            repetitions_per_minute,
            tangent_share,
            pitch_variety,
        ) = row[:27]
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
            hedges_per_minute,
            repetitions_per_minute,
            tangent_share,
            pitch_variety,
            report_json,
        )


def _row(
    report: Report,
    audio_path: str,
    when: datetime,
    metrics: Metrics | None = None,
    revision: int = SCORING_REVISION,
    scored_by: str = __version__,
) -> dict[str, Any]:
    """A new attempt's row: when, what and where, and the columns its report gives."""
    return {
        "created_at": when.isoformat(timespec="seconds"),
        "question_id": report.question,
        "audio_path": audio_path,
        **report_figures(report, metrics, revision, scored_by),
    }


def _is_transient(exc: sqlite3.OperationalError) -> bool:
    """Errors that say nothing about the file's health: busy, locked, full, read-only, I/O."""
    text = str(exc).lower()
    return any(
        word in text
        for word in ("locked", "busy", "full", "readonly", "read-only", "unable to", "i/o")
    )
