"""Nothing lost, nothing leaked: two processes on one data folder, a damaged history, a bad
settings file, a failed save. Real SQLite files, real processes, the real ``rehearse`` command."""

from __future__ import annotations

import json
import os
import resource
import signal
import sqlite3
import subprocess
import sys
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
from rehearse.service import recover_recordings
from rehearse.storage.history import History, sidecar_of
from rehearse.storage.lock import LOCK_FILE, FolderBusy, FolderLock
from rehearse.storage.settings import Settings

ROOT = Path(__file__).resolve().parent.parent


def make_report(text: str, question: str = "imbalanced-data"):  # type: ignore[no-untyped-def]
    words = words_from(text, step=0.5)
    samples = tone_under(words, words[-1].end + 1)
    activity = VoiceActivity.measure(samples)
    return score(words, find_question(question), activity, len(samples) / 16000, "a.wav")


def rehearse(data: Path, *args: str, **kwargs: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "rehearse", "--data", str(data), *args],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
        check=False,
        **kwargs,  # type: ignore[call-overload]
    )


def wav_file(path: Path) -> Path:
    """Two seconds of tone under three words, as a recording outside the data folder."""
    path.parent.mkdir(parents=True, exist_ok=True)
    write_wav(path, tone_under(words_from("a b c"), 2.0), rate=16000)
    return path


@pytest.fixture
def wav(tmp_path: Path) -> Path:
    return wav_file(tmp_path / "outside" / "answer.wav")


@pytest.fixture
def tone(tmp_path: Path) -> Path:
    """A short tone: scored as "no speech" without running the model over it."""
    path = tmp_path / "tone.wav"
    t = np.arange(1600) / 16000
    write_wav(path, (0.3 * np.sin(2 * np.pi * 220 * t)).astype(np.float32), rate=16000)
    return path


# -- one writer per data folder --------------------------------------------------------------------

_HOLD_LOCK = """
import sys, time
from pathlib import Path
from rehearse.storage.lock import FolderLock
FolderLock.acquire(Path(sys.argv[1]))
print("held", flush=True)
time.sleep(60)
"""


def test_the_folder_lock_names_its_holder_and_a_dead_holder_is_taken_over(tmp_path: Path) -> None:
    holder = subprocess.Popen(
        [sys.executable, "-c", _HOLD_LOCK, str(tmp_path)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "held\n"
        assert (tmp_path / LOCK_FILE).read_text() == f"{holder.pid}\n"
        with pytest.raises(FolderBusy, match=f"another rehearse \\(pid {holder.pid}\\)"):
            FolderLock.acquire(tmp_path)
    finally:
        holder.kill()  # as kill -9 would: no chance to clean up
        holder.wait()
    assert (tmp_path / LOCK_FILE).exists()  # the dead process's file is still there...
    lock = FolderLock.acquire(tmp_path)  # ...and taken over
    assert lock.stale_pid == holder.pid
    assert (tmp_path / LOCK_FILE).read_text() == f"{os.getpid()}\n"
    lock.release()
    assert not (tmp_path / LOCK_FILE).exists()
    FolderLock.acquire(tmp_path).release()


def test_a_recording_being_made_is_never_recovered_by_another_store(tmp_path: Path, wav) -> None:
    first, second = History(tmp_path), History(tmp_path)
    making = first.new_audio_path("imbalanced-data", datetime(2026, 1, 1, 10))
    making.write_bytes(wav.read_bytes())
    assert second.unsaved_recordings() == []
    assert second.in_use(making)
    # The maker saves it: the one attempt it belongs to.
    attempt = first.add(make_report("class weights"), making)
    assert attempt.audio_path == making
    assert second.unsaved_recordings() == []
    with pytest.raises(StorageError, match=f"already saved as attempt {attempt.id}"):
        second.add(make_report("class weights"), making)
    assert len(second.attempts()) == 1


def test_recovery_skips_what_another_process_is_recording(tmp_path: Path, wav) -> None:
    maker = History(tmp_path)
    making = maker.new_audio_path("imbalanced-data", datetime(2026, 1, 1, 10))
    making.write_bytes(wav.read_bytes())

    def no_rubric(question: str) -> None:
        raise AssertionError(f"recovery looked at {question}'s recording")

    done = recover_recordings(History(tmp_path), no_rubric, None, Settings())  # type: ignore[arg-type]
    assert (done.saved, done.problems) == (0, ())
    assert making.read_bytes() == wav.read_bytes()


def test_migration_keeps_one_attempt_per_recording_and_delete_spares_shared_audio(
    tmp_path: Path, wav
) -> None:
    # A version-1 history where a second copy of the app saved the first one's recording too.
    store = History(tmp_path)
    real = store.add(make_report("class weights and PR AUC"), wav)
    db = sqlite3.connect(tmp_path / "history.sqlite3")
    db.execute("DROP INDEX attempts_by_audio")
    columns = [r[1] for r in db.execute("PRAGMA table_info(attempts)") if r[1] != "id"]
    names = ", ".join(columns)
    db.execute(
        f"INSERT INTO attempts ({names}) SELECT {names} FROM attempts WHERE id = ?", (real.id,)
    )
    db.execute("UPDATE attempts SET duration_seconds = 1.0 WHERE id != ?", (real.id,))
    db.execute("PRAGMA user_version = 1")
    db.commit()
    db.close()
    [kept] = History(tmp_path).attempts()
    assert kept.id == real.id  # the longer, finished recording's row
    History(tmp_path).delete(kept.id)
    assert not real.audio_path.exists() and not sidecar_of(real.audio_path).exists()


# -- the report beside the recording; a damaged history --------------------------------------------


def test_every_saved_attempt_writes_its_report_beside_the_recording(tmp_path: Path, wav) -> None:
    store = History(tmp_path)
    report = make_report("um class weights")
    attempt = store.add(report, wav, when=datetime(2026, 2, 3, 4, 5, 6))
    saved = json.loads(sidecar_of(attempt.audio_path).read_text())
    assert saved["report"] == report.to_dict(explain=True)
    assert saved["created_at"] == "2026-02-03T04:05:06"
    assert sidecar_of(attempt.audio_path).name == attempt.audio_path.name + ".json"
    store.delete(attempt.id)
    assert list((tmp_path / "attempts").rglob("*")) == [attempt.audio_path.parent]


def test_a_truncated_history_is_reported_and_rebuilt_from_the_folder(tmp_path: Path, wav) -> None:
    store = History(tmp_path)
    saved = [
        store.add(make_report(text), wav, when=datetime(2026, 1, day, 9))
        for day, text in ((1, "class weights"), (2, "um PR AUC"), (3, "uh threshold"))
    ]
    database = tmp_path / "history.sqlite3"
    database.write_bytes(database.read_bytes()[: database.stat().st_size // 2])
    problem = store.check()
    assert problem is not None and "rehearse doctor --repair" in problem
    with pytest.raises(StorageError, match=r"damaged.*doctor --repair"):
        store.attempts()
    rebuilt = store.rebuild()
    assert rebuilt.restored == 3
    assert rebuilt.backup is not None and rebuilt.backup.name.startswith("history.sqlite3.damaged-")
    assert rebuilt.backup.stat().st_size > 0
    again = store.attempts()
    assert [(a.created_at, a.audio_path, a.report.to_dict()) for a in again] == [
        (a.created_at, a.audio_path, a.report.to_dict()) for a in saved
    ]
    assert store.check() is None


def test_the_cli_on_a_damaged_history_names_the_repair_and_keeps_every_answer(
    tmp_path: Path, tone: Path
) -> None:
    data = tmp_path / "data"
    first = rehearse(data, "score", str(tone), "--question", "imbalanced-data", "--save")
    assert first.returncode == 0, first.stderr
    database = data / "history.sqlite3"
    database.write_bytes(database.read_bytes()[: database.stat().st_size // 2])

    listed = rehearse(data, "history")
    assert listed.returncode == 1
    [line] = listed.stderr.splitlines()
    assert "is damaged" in line and "'rehearse doctor --repair'" in line

    saved = rehearse(data, "score", str(tone), "--question", "imbalanced-data", "--save", "--json")
    assert saved.returncode == 3
    assert json.loads(saved.stdout)["question"] == "imbalanced-data"
    assert "Traceback" not in saved.stderr
    assert saved.stderr.splitlines()[-1].startswith("rehearse: the report was not saved")
    recordings = sorted((data / "attempts").rglob("*.wav"))
    assert len(recordings) == 2 and all(sidecar_of(r).exists() for r in recordings)

    doctor = rehearse(data, "doctor")
    assert "PROBLEM  history: the history database" in doctor.stdout
    repaired = rehearse(data, "doctor", "--repair")
    assert "FIXED    history: rebuilt from the reports beside the recordings (2 attempts)" in (
        repaired.stdout
    ), repaired.stdout + repaired.stderr
    assert "OK       history: 2 attempts" in repaired.stdout
    assert list(data.glob("history.sqlite3.damaged-*"))
    after = rehearse(data, "history", "--json")
    assert after.returncode == 0, after.stderr
    assert sorted(Path(a["audio"]) for a in json.loads(after.stdout)) == recordings


def test_repair_refuses_while_the_app_holds_the_folder(tmp_path: Path) -> None:
    with FolderLock.acquire(tmp_path):
        done = rehearse(tmp_path, "doctor", "--repair")
    assert done.returncode == 1
    assert done.stderr.splitlines() == [
        f"rehearse: another rehearse (pid {os.getpid()}) is using the data folder {tmp_path}:"
        " close it, then run 'rehearse doctor --repair' again"
    ]


def test_the_cli_saves_while_the_app_holds_the_folder(tmp_path: Path, tone: Path) -> None:
    app_store = History(tmp_path)
    with FolderLock.acquire(tmp_path):
        recording = app_store.new_audio_path("imbalanced-data")  # the app mid-answer
        done = rehearse(tmp_path, "score", str(tone), "--question", "imbalanced-data", "--save")
        assert done.returncode == 0, done.stderr
        [saved] = app_store.attempts()
        assert saved.audio_path != recording and app_store.unsaved_recordings() == []


def test_recovery_restores_a_saved_report_without_scoring_again(tmp_path: Path, wav) -> None:
    store = History(tmp_path)
    attempt = store.add(make_report("um class weights"), wav, when=datetime(2026, 1, 1, 9))
    (tmp_path / "history.sqlite3").unlink()  # as if the row had never been written

    def no_scoring(question: str) -> None:
        raise AssertionError("the saved report should have been used")

    done = recover_recordings(History(tmp_path), no_scoring, None, Settings())  # type: ignore[arg-type]
    assert (done.saved, done.problems) == (1, ())
    [back] = History(tmp_path).attempts()
    assert (back.audio_path, back.created_at) == (attempt.audio_path, attempt.created_at)


# -- a failed save ---------------------------------------------------------------------------------


def test_a_full_disk_still_prints_the_report_keeps_the_recording_and_leaves_no_database(
    tmp_path: Path, tone: Path
) -> None:
    limit = 8192  # the recording and its report fit; the database's first write does not

    def small_disk() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    data = tmp_path / "data"
    done = rehearse(
        data, "score", str(tone), "--question", "imbalanced-data", "--save", "--json",
        preexec_fn=small_disk,
    )  # fmt: skip
    assert done.returncode == 3, done.stderr
    assert json.loads(done.stdout)["audio"] == str(tone)
    assert "Traceback" not in done.stderr
    assert done.stderr.splitlines()[-1].startswith("rehearse: the report was not saved")
    assert not (data / "history.sqlite3").exists()
    [kept] = (data / "attempts").rglob("*.wav")
    assert kept.read_bytes() == tone.read_bytes() and sidecar_of(kept).exists()
    # The next start of the app (here: its recovery) puts it in the history.
    done_later = recover_recordings(History(data), lambda q: None, None, Settings())  # type: ignore[arg-type]
    assert done_later.saved == 1


def test_a_long_rubric_id_is_refused_before_anything_is_written(tmp_path: Path, tone) -> None:
    rubric = tmp_path / "long.toml"
    rubric.write_text(
        f'id = "{"a" * 300}"\nquestion = "Q?"\n[[points]]\nid = "p"\nlabel = "P"\n'
        'phrases = ["alpha"]\n'
    )
    done = rehearse(tmp_path / "data", "score", str(tone), "--rubric", str(rubric), "--save")
    assert done.returncode == 1
    assert done.stderr.splitlines() == [
        f"rehearse: {rubric}: field 'id' is 300 characters long; the most is 64"
    ]
    with pytest.raises(StorageError, match="cannot name a recording"):
        History(tmp_path).new_audio_path("a" * 300)


# -- a bad settings file ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "content",
    [b"\x8f\x00random bytes\xff", b"target_seconds = [90, 10]\n", b'model = ["not", "a name"]\n'],
    ids=["random-bytes", "backwards-target", "list-as-model"],
)
def test_a_bad_settings_file_falls_back_to_the_defaults_and_is_kept(
    tmp_path: Path, content: bytes, tone: Path
) -> None:
    (tmp_path / "settings.toml").write_bytes(content)
    doctor = rehearse(tmp_path, "doctor")
    assert "PROBLEM  settings: " in doctor.stdout and "settings.toml" in doctor.stdout
    assert (tmp_path / "settings.toml").read_bytes() == content  # doctor only looks

    def scored() -> subprocess.CompletedProcess[str]:
        return rehearse(tmp_path, "score", str(tone), "--question", "imbalanced-data", "--json")

    listed = scored()
    assert listed.returncode == 0, listed.stderr
    [warning] = [line for line in listed.stderr.splitlines() if "warning" in line]
    assert warning.startswith(f"rehearse: warning: {tmp_path / 'settings.toml'}")
    assert "using the default settings" in warning and "settings.toml.bad" in warning
    assert (tmp_path / "settings.toml.bad").read_bytes() == content
    assert not (tmp_path / "settings.toml").exists()
    Settings(target_seconds=(30, 45)).save(tmp_path)
    assert Settings.load(tmp_path).target_seconds == (30, 45)
    assert "warning" not in scored().stderr


def test_settings_keep_their_file_format(tmp_path: Path) -> None:
    Settings(input_device='USB "Blue" mic', target_seconds=(45, 75), extra_fillers=("right",)).save(
        tmp_path
    )
    import tomllib

    assert tomllib.loads((tmp_path / "settings.toml").read_text()) == {
        "input_device": 'USB "Blue" mic',
        "target_seconds": [45, 75],
        "extra_fillers": ["right"],
    }
