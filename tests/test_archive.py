"""Export and import of the whole history, on real SQLite files and real recordings."""

from __future__ import annotations

import json
import sqlite3
import zipfile
from datetime import datetime
from pathlib import Path

import numpy as np
import pytest
from wordlists import tone_under, words_from

from rehearse.audio.clip import VoiceActivity
from rehearse.audio.tts import write_wav
from rehearse.errors import StorageError
from rehearse.language.rubric import find_question
from rehearse.scoring.score import score
from rehearse.storage.archive import export_history, import_archive
from rehearse.storage.history import History

ANSWERS = [
    (datetime(2026, 3, 1, 23, 50, 5), "imbalanced-data", "um the class ratio and class weights"),
    (datetime(2026, 3, 2, 0, 10, 0), "imbalanced-data", "class weights and uh PR AUC"),
    (
        datetime(2026, 3, 2, 18, 0, 0),
        "project-walkthrough",
        "the problem was churn the label was cancelled plans we started with a baseline",
    ),
    (datetime(2026, 3, 3, 8, 0, 0), "overfitting", "so like dropout and early stopping"),
]


def filled_history(folder: Path, tmp_path: Path) -> History:
    """A history of four attempts, each with its own recording (different audio)."""
    store = History(folder)
    for n, (when, question, text) in enumerate(ANSWERS):
        words = words_from(text, start=0.5, step=0.45)
        samples = tone_under(words, words[-1].end + 0.5)
        report = score(words, find_question(question), VoiceActivity.measure(samples), 3.0, "a.wav")
        wav = tmp_path / f"answer-{n}.wav"
        write_wav(wav, samples[:4000] + np.float32(0.001 * n), rate=16000)
        store.add(report, wav, when=when)
    return store


def snapshot(folder: Path) -> tuple[list[tuple], dict[str, bytes]]:
    """Every row of the history and every file under the folder, to prove nothing changed."""
    rows: list[tuple] = []
    if (folder / "history.sqlite3").exists():
        db = sqlite3.connect(folder / "history.sqlite3")
        rows = db.execute("SELECT * FROM attempts ORDER BY id").fetchall()
        db.close()
    files = {
        str(p.relative_to(folder)): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not p.name.startswith("history.sqlite3")
    }
    return rows, files


def comparable(store: History) -> list[dict]:
    """Each attempt as everything that must survive the move: all but its id and folder."""
    out = []
    for a in store.attempts():
        fields = {
            k: v
            for k, v in vars(a).items()
            if k not in ("id", "audio_path", "load_report_json", "metrics")
        }
        fields["report"] = a.report
        fields["metrics"] = a.metrics
        fields["audio"] = a.audio_path.read_bytes()
        fields["audio_name"] = a.audio_path.relative_to(store.directory).as_posix()
        out.append(fields)
    return out


def test_export_then_import_on_a_fresh_data_folder_round_trips_everything(tmp_path: Path) -> None:
    source = filled_history(tmp_path / "old-laptop", tmp_path)
    # One attempt scored by older rules keeps its revision through the move.
    db = sqlite3.connect(source.path)
    db.execute("UPDATE attempts SET scoring_revision = 0, scored_by = '' WHERE id = 2")
    db.commit()
    db.close()
    archive = tmp_path / "history.zip"
    assert export_history(source, archive) == 4

    fresh = History(tmp_path / "new-laptop")
    done = import_archive(fresh, archive)
    assert (done.added, done.already_there) == (4, 0)
    assert comparable(fresh) == comparable(source)
    assert [a.scoring_revision for a in fresh.attempts()][1] == 0


def test_importing_twice_or_into_the_same_history_adds_nothing(tmp_path: Path) -> None:
    source = filled_history(tmp_path / "a", tmp_path)
    archive = tmp_path / "history.zip"
    export_history(source, archive)
    assert import_archive(source, archive).added == 0
    fresh = History(tmp_path / "b")
    import_archive(fresh, archive)
    before = snapshot(fresh.directory)
    again = import_archive(fresh, archive)
    assert (again.added, again.already_there) == (0, 4)
    assert snapshot(fresh.directory) == before


def test_an_attempt_whose_recording_is_gone_moves_without_it_once(tmp_path: Path) -> None:
    source = filled_history(tmp_path / "a", tmp_path)
    gone = source.attempts()[0]
    gone.audio_path.unlink()
    archive = tmp_path / "history.zip"
    export_history(source, archive)
    fresh = History(tmp_path / "b")
    assert import_archive(fresh, archive).added == 4
    assert import_archive(fresh, archive).added == 0
    moved = fresh.attempts()[0]
    assert moved.report == gone.report and not moved.audio_path.exists()


def rewrite(archive: Path, out: Path, change) -> Path:
    """A copy of ``archive`` with ``change(name, data) -> data`` applied to each member."""
    with zipfile.ZipFile(archive) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            dst.writestr(info.filename, change(info.filename, src.read(info.filename)))
    return out


def bad_archives(tmp_path: Path, archive: Path) -> dict[str, Path]:
    truncated = tmp_path / "truncated.zip"
    truncated.write_bytes(archive.read_bytes()[: archive.stat().st_size // 2])
    foreign = tmp_path / "photos.zip"
    with zipfile.ZipFile(foreign, "w") as z:
        z.writestr("holiday.jpg", b"\xff\xd8 not really")
    not_zip = tmp_path / "notes.zip"
    not_zip.write_text("just text")

    def tamper(name: str, data: bytes) -> bytes:
        return data[:-10] + b"0123456789" if name.startswith("recordings/000003-") else data

    def newer(name: str, data: bytes) -> bytes:
        if name != "manifest.json":
            return data
        manifest = json.loads(data)
        manifest["version"] = 99
        return json.dumps(manifest).encode()

    def broken_report(name: str, data: bytes) -> bytes:
        if name != "manifest.json":
            return data
        manifest = json.loads(data)
        del manifest["attempts"][-1]["report"]["words"]
        return json.dumps(manifest).encode()

    # A flipped bit in a stored recording: the zip's own checksum no longer matches.
    flipped = tmp_path / "flipped.zip"
    raw = bytearray(archive.read_bytes())
    second_recording = raw.find(b"RIFF", raw.find(b"RIFF") + 1)
    raw[second_recording + 200] ^= 0x01
    flipped.write_bytes(bytes(raw))
    return {
        "is not a zip file, or it is damaged": truncated,
        "the recording recordings/000002-": flipped,
        "is not a rehearse history export": foreign,
        "is not a zip file": not_zip,
        "the recording recordings/000003-": rewrite(archive, tmp_path / "tampered.zip", tamper),
        "exported by a newer rehearse": rewrite(archive, tmp_path / "newer.zip", newer),
        "attempt 4 in the archive is incomplete or damaged": rewrite(
            archive, tmp_path / "report.zip", broken_report
        ),
    }


def test_a_damaged_or_foreign_zip_is_refused_in_one_line_and_changes_nothing(
    tmp_path: Path,
) -> None:
    source = filled_history(tmp_path / "a", tmp_path)
    archive = tmp_path / "history.zip"
    export_history(source, archive)
    # A history with attempts of its own, which must come out of each refusal untouched.
    target = History(tmp_path / "b")
    target.add(source.attempts()[0].report, source.attempts()[0].audio_path)
    before = snapshot(target.directory)
    for problem, bad in bad_archives(tmp_path, archive).items():
        with pytest.raises(StorageError) as refused:
            import_archive(target, bad)
        message = str(refused.value)
        assert problem in message and "\n" not in message, message
        assert snapshot(target.directory) == before, problem
    # A fresh folder is not even created.
    with pytest.raises(StorageError):
        import_archive(History(tmp_path / "c"), tmp_path / "photos.zip")
    assert not (tmp_path / "c").exists()


def test_exporting_to_a_folder_or_nowhere_is_a_one_line_error(tmp_path: Path) -> None:
    source = filled_history(tmp_path / "a", tmp_path)
    with pytest.raises(StorageError, match="is a folder"):
        export_history(source, tmp_path)
    with pytest.raises(StorageError, match="cannot write"):
        export_history(source, tmp_path / "missing" / "history.zip")
    assert not list(tmp_path.glob("*.part"))
