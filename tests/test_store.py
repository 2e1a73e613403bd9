import shutil
import sqlite3
from datetime import datetime
from pathlib import Path

import pytest
from wordlists import tone_under, words_from

from rehearse.audio.clip import VoiceActivity
from rehearse.audio.tts import write_wav
from rehearse.errors import StorageError
from rehearse.language.rubric import find_question
from rehearse.scoring.score import score
from rehearse.storage.history import SCHEMA_VERSION, History


def make_report(text: str, question: str = "imbalanced-data"):
    words = words_from(text, step=0.5)
    samples = tone_under(words, words[-1].end + 1)
    return score(
        words,
        find_question(question),
        VoiceActivity.measure(samples),
        len(samples) / 16000,
        "a.wav",
    )


@pytest.fixture
def wav(tmp_path: Path) -> Path:
    path = tmp_path / "outside" / "answer.wav"
    path.parent.mkdir()
    write_wav(path, tone_under(words_from("a b c"), 2.0), rate=16000)
    return path


def test_add_copies_the_audio_under_a_clear_name_and_keeps_the_report(tmp_path, wav):
    store = History(tmp_path / "data")
    report = make_report("um we used class weights and PR AUC")
    attempt = store.add(report, wav, when=datetime(2026, 11, 29, 9, 30, 5))
    assert (
        attempt.audio_path
        == tmp_path / "data/attempts/2026-11-29/20261129-093005-imbalanced-data.wav"
    )
    assert attempt.audio_path.read_bytes() == wav.read_bytes()
    assert wav.exists()
    assert attempt.filler_count == 1
    assert attempt.coverage_ratio == pytest.approx(report.coverage.ratio, abs=1e-4)
    assert attempt.report.to_dict() == report.to_dict()
    assert store.get(attempt.id) == attempt


def test_audio_already_in_the_data_dir_is_not_copied(tmp_path, wav):
    store = History(tmp_path)
    target = store.new_audio_path("imbalanced-data", datetime(2026, 1, 2, 3, 4, 5))
    target.write_bytes(wav.read_bytes())
    attempt = store.add(make_report("class weights"), target)
    assert attempt.audio_path == target
    assert len(list((tmp_path / "attempts").rglob("*.wav"))) == 1


def test_latest_previous_and_best(tmp_path, wav):
    store = History(tmp_path)
    first = store.add(make_report("um um um class weights"), wav, when=datetime(2026, 1, 1, 10))
    second = store.add(make_report("class weights and PR AUC"), wav, when=datetime(2026, 1, 2, 10))
    third = store.add(make_report("um class weights"), wav, when=datetime(2026, 1, 3, 10))
    store.add(make_report("we regularize", "regularization"), wav, when=datetime(2026, 1, 4, 10))
    assert [a.id for a in store.attempts("imbalanced-data")] == [first.id, second.id, third.id]
    assert len(store.attempts()) == 4
    assert store.latest("imbalanced-data").id == third.id
    assert store.previous(third).id == second.id
    assert store.previous(first) is None
    assert store.best("imbalanced-data").id == second.id
    assert store.latest("overfitting") is None


def test_delete_removes_the_row_and_the_recording(tmp_path, wav):
    store = History(tmp_path)
    attempt = store.add(make_report("class weights"), wav)
    store.delete(attempt.id)
    assert store.attempts() == []
    assert not attempt.audio_path.exists()
    with pytest.raises(StorageError, match="no attempt with id"):
        store.get(attempt.id)


def test_schema_version_is_recorded_and_a_newer_one_refused(tmp_path, wav):
    store = History(tmp_path)
    store.add(make_report("class weights"), wav)
    db = sqlite3.connect(tmp_path / "history.sqlite3")
    assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    db.commit()
    db.close()
    with pytest.raises(StorageError, match="newer rehearse"):
        store.attempts()


def test_unwritable_data_dir_is_a_storage_error(tmp_path, wav):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(StorageError, match="cannot write to the data directory"):
        History(blocker / "data").add(make_report("class weights"), wav)


def test_corrupt_database_is_a_storage_error(tmp_path):
    (tmp_path / "history.sqlite3").write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(StorageError, match="history database"):
        History(tmp_path).attempts()


def test_unsaved_recordings_are_the_named_files_without_a_row(tmp_path, wav):
    store = History(tmp_path)
    saved = store.add(make_report("class weights"), wav, when=datetime(2026, 1, 1, 10))
    left = store.new_audio_path("design-fraud-pipeline", datetime(2026, 1, 2, 11, 0, 5))
    left.write_bytes(wav.read_bytes())
    # Still being made by this process: not a leftover. Once its maker is gone, it is.
    assert store.unsaved_recordings() == []
    store.release(left)
    (left.parent / "notes.wav").write_bytes(b"")  # not a name rehearse gives: left alone
    assert store.unsaved_recordings() == [
        (left, "design-fraud-pipeline", datetime(2026, 1, 2, 11, 0, 5))
    ]
    assert saved.audio_path not in [p for p, _, _ in store.unsaved_recordings()]


def test_a_new_database_opened_by_many_threads_at_once_is_migrated_once(tmp_path):
    from concurrent.futures import ThreadPoolExecutor

    store = History(tmp_path)
    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(lambda _: store.attempts(), range(16)))
    assert results == [[]] * 16
    db = sqlite3.connect(tmp_path / "history.sqlite3")
    assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION


@pytest.mark.slow
@pytest.mark.parametrize("name", ["precision", "walkthrough"])
def test_a_real_report_reads_back_from_the_history_equal_to_what_was_stored(tmp_path, name):
    from tui_support import scored_answer, spoken_answer

    report = scored_answer(name)
    assert report.fillers.count and any(p.covered for p in report.coverage.points)
    attempt = History(tmp_path).add(report, spoken_answer(name))
    assert History(tmp_path).get(attempt.id).report == report


# ---------------------------------------------------------------------------- schema 2


RELEASED = Path(__file__).parent / "data" / "history-schema1"


def released_copy(tmp_path: Path) -> Path:
    """A copy of a data folder written by rehearse 0.1.0 (schema 1), to upgrade."""
    import shutil

    folder = tmp_path / "released"
    shutil.copytree(RELEASED, folder)
    return folder


def raw_rows(folder: Path) -> list[dict]:
    db = sqlite3.connect(folder / "history.sqlite3")
    db.row_factory = sqlite3.Row
    rows = [dict(r) for r in db.execute("SELECT * FROM attempts ORDER BY id")]
    db.close()
    return rows


def test_a_database_of_the_released_layout_is_upgraded_keeping_every_row_and_recording(tmp_path):
    from rehearse.scoring.metrics import measure

    folder = released_copy(tmp_path)
    before = raw_rows(folder)
    recordings = {p.relative_to(folder): p.read_bytes() for p in folder.rglob("*.wav")}
    assert len(before) == 3 and len(recordings) == 3
    assert (
        sqlite3.connect(folder / "history.sqlite3").execute("PRAGMA user_version").fetchone()[0]
        == 1
    )

    attempts = History(folder).attempts()

    after = raw_rows(folder)
    assert [{k: row[k] for k in before[0]} for row in after] == before
    assert {p.relative_to(folder): p.read_bytes() for p in folder.rglob("*.wav")} == recordings
    db = sqlite3.connect(folder / "history.sqlite3")
    assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    # Every attempt has its metrics, worked out from its stored report, and is marked as scored
    # before revisions were recorded.
    for attempt in attempts:
        assert attempt.metrics == measure(attempt.report)
        assert attempt.scoring_revision == 0 and attempt.outdated
        assert attempt.audio_path.is_file()
    walkthrough = next(a for a in attempts if a.question_id == "project-walkthrough")
    assert [p.id for p in walkthrough.metrics.parts][:2] == ["problem", "data-label"]
    # Saving after the upgrade works and is marked with the current rules.
    # (a copy of a recording: a recording already saved belongs to its attempt)
    copy = shutil.copyfile(attempts[0].audio_path, tmp_path / "again.wav")
    new = History(folder).add(attempts[0].report, copy)
    assert not new.outdated and new.scored_by


def test_new_attempts_record_their_metrics_and_scoring(tmp_path, wav):
    from rehearse.scoring.metrics import SCORING_REVISION, measure

    report = make_report("um we used class weights and PR AUC")
    attempt = History(tmp_path).add(report, wav)
    assert attempt.metrics == measure(report)
    assert attempt.scoring_revision == SCORING_REVISION and not attempt.outdated
    assert attempt.scored_by == __import__("rehearse").__version__


def test_replace_report_puts_a_rescore_in_place(tmp_path, wav):
    store = History(tmp_path)
    attempt = store.add(make_report("um um class weights"), wav, when=datetime(2026, 1, 1, 10))
    db = sqlite3.connect(tmp_path / "history.sqlite3")
    db.execute("UPDATE attempts SET scoring_revision = 0")
    db.commit()
    assert store.get(attempt.id).outdated
    better = make_report("class weights and PR AUC")
    replaced = store.replace_report(attempt.id, better)
    assert replaced.report == better and not replaced.outdated
    assert (replaced.created_at, replaced.audio_path) == (attempt.created_at, attempt.audio_path)
    assert replaced.filler_count == 0 and replaced.coverage_ratio > attempt.coverage_ratio
    with pytest.raises(StorageError, match="no attempt with id 99"):
        store.replace_report(99, better)


def test_attempts_since_a_date_and_reports_read_on_demand(tmp_path, wav):
    store = History(tmp_path)
    store.add(make_report("class weights"), wav, when=datetime(2026, 1, 1, 23, 59))
    later = store.add(make_report("PR AUC"), wav, when=datetime(2026, 1, 2, 0, 0))
    assert [a.id for a in store.attempts(since=datetime(2026, 1, 2))] == [later.id]
    (listed,) = store.attempts(since=datetime(2026, 1, 2))
    assert listed == later and listed.report == later.report
    # A listed attempt deleted since has no report to read: a one-line error, not a crash.
    store.delete(later.id)
    with pytest.raises(StorageError, match="no attempt with id"):
        listed.report  # noqa: B018


def test_meta_remembers_values(tmp_path):
    store = History(tmp_path)
    assert store.meta("rescore-offered") is None
    store.set_meta("rescore-offered", "1")
    store.set_meta("rescore-offered", "2")
    assert History(tmp_path).meta("rescore-offered") == "2"


def test_the_upgrade_keeps_deleted_ids_retired_and_survives_an_unreadable_report(tmp_path):
    folder = released_copy(tmp_path)
    db = sqlite3.connect(folder / "history.sqlite3")
    db.execute("DELETE FROM attempts WHERE id = 3")
    db.execute('UPDATE attempts SET report_json = \'{"not": "a report"}\' WHERE id = 2')
    db.commit()
    db.close()
    store = History(folder)
    broken = store.get(2)
    # Its figures still give what they can; the rest is unknown rather than made up.
    assert broken.metric("fillers_per_minute") == broken.fillers_per_minute
    assert broken.pauses_per_minute == round(2 * 60 / broken.speaking_seconds, 1)
    assert broken.overrun_seconds == 0 and broken.words_per_point is None
    # A new attempt never takes the id of the one deleted before the upgrade.
    copy = shutil.copyfile(store.get(1).audio_path, tmp_path / "again.wav")
    new = store.add(store.get(1).report, copy)
    assert new.id == 4


def test_the_upgraded_schema_keeps_one_attempt_per_recording_and_the_question_index(tmp_path):
    folder = released_copy(tmp_path)
    History(folder).attempts()  # 1 -> 2 (one attempt per recording) -> 3 (metrics)
    db = sqlite3.connect(folder / "history.sqlite3")
    indexes = {r[1]: r[2] for r in db.execute("PRAGMA index_list(attempts)")}
    db.close()
    assert indexes["attempts_by_audio"] == 1 and "attempts_by_question" in indexes


def schema3_copy(tmp_path: Path) -> Path:
    """The released data folder brought up to schema 3 (before the coaching metrics) by the
    migrations as they were, as a history last opened by the previous rehearse would be."""
    from rehearse.storage.history import _MIGRATIONS, _run_script

    folder = released_copy(tmp_path)
    db = sqlite3.connect(folder / "history.sqlite3")
    for migration in _MIGRATIONS[1:3]:
        migration(db) if callable(migration) else _run_script(db, migration)
    db.execute("PRAGMA user_version = 3")
    db.commit()
    db.close()
    return folder


def test_a_schema_3_history_gains_the_coaching_metrics_with_none_for_older_attempts(tmp_path, wav):
    folder = schema3_copy(tmp_path)
    before = raw_rows(folder)
    db = sqlite3.connect(folder / "history.sqlite3")
    seq = db.execute("SELECT seq FROM sqlite_sequence WHERE name = 'attempts'").fetchone()
    db.close()

    store = History(folder)
    attempts = store.attempts()

    after = raw_rows(folder)
    assert [{k: row[k] for k in before[0]} for row in after] == before
    db = sqlite3.connect(folder / "history.sqlite3")
    columns = [r[1] for r in db.execute("PRAGMA table_info(attempts)")]
    indexes = {r[1] for r in db.execute("PRAGMA index_list(attempts)")}
    assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 4
    assert db.execute("SELECT seq FROM sqlite_sequence WHERE name = 'attempts'").fetchone() == seq
    db.close()
    # The report stays the last column; the coaching metrics come before it.
    assert columns[-1] == "report_json"
    assert {"hedges_per_minute", "pitch_variety"} <= set(columns)
    assert indexes == {"attempts_by_audio", "attempts_by_question"}
    # Older reports carry no coaching: their coaching metrics are unknown, not zero.
    for attempt in attempts:
        assert attempt.metrics.hedges_per_minute is None
        assert attempt.metric("pitch_variety") is None
    saved = store.add(make_report("maybe we, we used class weights I think"), wav)
    assert saved.metrics.hedges_per_minute and saved.metrics.hedges_per_minute > 0
    assert saved.metrics.repetitions_per_minute and saved.metrics.repetitions_per_minute > 0


def test_imported_and_rescored_attempts_come_back_from_a_rebuild_with_their_metrics(tmp_path, wav):
    from rehearse.scoring.metrics import SCORING_REVISION, measure
    from rehearse.storage.history import NewAttempt, sidecar_of

    store = History(tmp_path)
    saved = store.add(make_report("um class weights"), wav, when=datetime(2026, 1, 1, 10))
    rescored = store.replace_report(saved.id, make_report("class weights and PR AUC"))
    placed = store.new_audio_path("imbalanced-data", datetime(2025, 6, 1, 9))
    placed.write_bytes(wav.read_bytes())
    (imported,) = store.add_many(
        [NewAttempt(make_report("um um"), placed, datetime(2025, 6, 1, 9), None, 0, "0.0.9")]
    )
    assert sidecar_of(imported.audio_path).exists() and not store.in_use(placed)
    # A recording belongs to one attempt, imported or not.
    with pytest.raises(StorageError, match="one attempt"):
        store.add_many([NewAttempt(make_report("again"), placed, datetime(2025, 6, 2, 9))])

    store.path.write_bytes(b"not a database")
    assert store.check() is not None
    rebuilt = store.rebuild()
    assert rebuilt.restored == 2 and rebuilt.skipped == ()
    by_time = {a.created_at: a for a in History(tmp_path).attempts()}
    again = by_time[datetime(2026, 1, 1, 10)]
    assert again.report == rescored.report and again.scoring_revision == SCORING_REVISION
    old = by_time[datetime(2025, 6, 1, 9)]
    assert (old.scoring_revision, old.scored_by) == (0, "0.0.9") and old.outdated
    for attempt in by_time.values():
        assert attempt.metrics == measure(attempt.report)
