"""Rescoring saved attempts and importing recordings: the real command, the bundled model and
synthesized speech; and the recording dates ``import`` goes by."""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import numpy as np
import pytest
import soundfile
from tui_support import FIXED_TIME, scored_answer, spoken_answer
from wordlists import tone_under, words_from

from rehearse.audio.clip import VoiceActivity
from rehearse.audio.metadata import file_date, parse_date, recorded_at
from rehearse.language.rubric import find_question
from rehearse.scoring.metrics import SCORING_REVISION
from rehearse.scoring.score import Report, score
from rehearse.storage.history import Attempt, History

ENV = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}


def rehearse(data: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "rehearse", "--data", str(data), *args],
        capture_output=True,
        text=True,
        timeout=300,
        env=ENV,
    )


# ---------------------------------------------------------------------------- recording dates


def test_dates_in_metadata_are_read_as_local_wall_clock_time() -> None:
    assert parse_date("2025-11-03 18:20:05") == datetime(2025, 11, 3, 18, 20, 5)
    assert parse_date("2025-11-03") == datetime(2025, 11, 3)
    utc = parse_date("2025-11-03T18:20:05.000000Z")
    assert utc == datetime.fromisoformat("2025-11-03T18:20:05+00:00").astimezone().replace(
        tzinfo=None
    )
    # A year alone (as ID3 tags often hold) says nothing about the day: the file's time wins.
    assert parse_date("2025") is None
    assert parse_date("last tuesday") is None


def test_a_recording_is_dated_by_its_metadata_else_its_modification_time(tmp_path: Path) -> None:
    samples = np.zeros(1600, dtype=np.float32)
    tagged = tmp_path / "tagged.wav"
    with soundfile.SoundFile(tagged, "w", 16000, 1, subtype="PCM_16") as f:
        f.date = "2025-05-20 08:00:00"
        f.write(samples)
    plain = tmp_path / "plain.flac"
    soundfile.write(plain, samples, 16000)
    when = datetime(2025, 6, 1, 10, 20, 30)
    os.utime(plain, (when.timestamp(), when.timestamp()))
    os.utime(tagged, (when.timestamp(), when.timestamp()))
    assert recorded_at(tagged) == datetime(2025, 5, 20, 8, 0, 0)
    assert file_date(tagged) == datetime(2025, 5, 20, 8, 0, 0)
    assert recorded_at(plain) is None and file_date(plain) == when
    not_audio = tmp_path / "notes.wav"
    not_audio.write_text("notes")
    assert recorded_at(not_audio) is None


# ---------------------------------------------------------------------------- import


@pytest.mark.slow
def test_import_scores_recordings_on_their_own_dates_and_never_twice(tmp_path: Path) -> None:
    source = spoken_answer("precision")
    by_mtime = tmp_path / "phone-recording.wav"
    shutil.copyfile(source, by_mtime)
    when = datetime(2025, 6, 1, 10, 20, 30)
    os.utime(by_mtime, (when.timestamp(), when.timestamp()))
    tagged = tmp_path / "tagged.flac"
    audio, rate = soundfile.read(source, dtype="float32")
    with soundfile.SoundFile(tagged, "w", rate, 1, format="FLAC") as f:
        f.date = "2025-05-20 08:00:00"
        f.write(audio)
    garbage = tmp_path / "notes.wav"
    garbage.write_text("not a recording\n" * 100)
    data = tmp_path / "data"

    done = rehearse(
        data,
        "import",
        str(by_mtime),
        str(tagged),
        str(garbage),
        "--question",
        "precision-vs-recall",
    )
    assert done.returncode == 1
    problems = done.stderr.strip().splitlines()
    assert len(problems) == 1 and "notes.wav" in problems[0] and "Traceback" not in done.stderr
    assert "phone-recording.wav: attempt" in done.stdout and "tagged.flac: attempt" in done.stdout
    attempts = History(data).attempts()
    assert sorted(a.created_at for a in attempts) == [datetime(2025, 5, 20, 8, 0), when]
    copied = next(a for a in attempts if a.created_at == when)
    assert copied.audio_path.read_bytes() == by_mtime.read_bytes()
    assert copied.question_id == "precision-vs-recall" and copied.word_count > 20
    assert copied.audio_path.name == "20250601-102030-precision-vs-recall.wav"

    again = rehearse(data, "import", str(by_mtime), "--question", "precision-vs-recall")
    assert again.returncode == 0, again.stderr
    assert f"already in the history as attempt {copied.id}" in again.stdout
    assert len(History(data).attempts()) == 2


# ---------------------------------------------------------------------------- rescore


def fake_report(question: str) -> Report:
    """A report that no rule would give the recording: what older rules might have said."""
    words = words_from("so um um this is what older rules heard", start=0.5)
    samples = tone_under(words, words[-1].end + 1)
    return score(words, find_question(question), VoiceActivity.measure(samples), 5.0, "old.wav")


def outdated(store: History, name: str, when: datetime) -> Attempt:
    """An attempt at the real recording ``name`` whose report came from older rules."""
    question = {"precision": "precision-vs-recall", "walkthrough": "project-walkthrough"}[name]
    attempt = store.add(fake_report(question), spoken_answer(name), when=when)
    db = sqlite3.connect(store.path)
    db.execute(
        "UPDATE attempts SET scoring_revision = 0, scored_by = '' WHERE id = ?", (attempt.id,)
    )
    db.commit()
    db.close()
    return store.get(attempt.id)


@pytest.mark.slow
def test_rescore_brings_attempts_scored_by_older_rules_up_to_date(tmp_path: Path) -> None:
    store = History(tmp_path / "data")
    old = outdated(store, "precision", FIXED_TIME)
    current = store.add(scored_answer("walkthrough"), spoken_answer("walkthrough"))
    gone = outdated(store, "precision", datetime(2026, 3, 15, 9, 0))
    gone.audio_path.unlink()

    done = rehearse(store.directory, "rescore")
    assert done.returncode == 1
    assert "rescored 1 of 2 attempts" in done.stdout
    kept = done.stderr.strip().splitlines()
    assert len(kept) == 1 and f"attempt {gone.id} was kept as it was" in kept[0]

    rescored = store.get(old.id)
    assert rescored.scoring_revision == SCORING_REVISION and not rescored.outdated
    assert replace(rescored.report, audio="") == replace(scored_answer("precision"), audio="")
    assert (rescored.created_at, rescored.audio_path) == (old.created_at, old.audio_path)
    # The current attempt was left alone; the one without a recording kept its figures.
    assert store.get(current.id) == current
    assert store.get(current.id).report_json == current.report_json
    assert store.get(gone.id) == gone and store.get(gone.id).report == gone.report
    assert "nothing to rescore" not in done.stdout


@pytest.mark.slow
def test_an_interrupted_rescore_leaves_every_attempt_whole(tmp_path: Path) -> None:
    store = History(tmp_path / "data")
    attempts = [
        outdated(store, name, datetime(2026, 3, 14 + n, 9, 0))
        for n, name in enumerate(["walkthrough", "precision", "walkthrough", "precision"])
    ]
    runner = subprocess.Popen(
        [sys.executable, "-m", "rehearse", "--data", str(store.directory), "rescore", "--all"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=ENV,
        # A suite started in the background (`scripts/test &`) inherits SIGINT ignored, and
        # Python then leaves it ignored: give the command the Ctrl-C a terminal would.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    deadline = time.monotonic() + 120
    while not any(not a.outdated for a in store.attempts()):
        assert runner.poll() is None, runner.communicate()
        assert time.monotonic() < deadline, "no attempt was rescored in two minutes"
        time.sleep(0.05)
    runner.send_signal(signal.SIGINT)
    _, stderr = runner.communicate(timeout=60)
    assert runner.returncode == 130, stderr
    assert "interrupted" in stderr and "Traceback" not in stderr

    after = store.attempts()
    assert len(after) == len(attempts)
    updated = [a for a in after if not a.outdated]
    assert 1 <= len(updated) < len(attempts)
    for before, now in zip(attempts, after, strict=True):
        if now.outdated:
            assert now == before and now.report == before.report
        else:
            assert now.report.word_count > 20 and now.report != before.report
