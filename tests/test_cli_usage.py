"""How the command line reads its options and lays out its tables, run as a user runs it."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import numpy as np

from rehearse.audio.clip import VoiceActivity
from rehearse.audio.tts import write_wav
from rehearse.language.rubric import find_question, load_bank
from rehearse.scoring.score import score
from rehearse.storage.history import History
from rehearse.storage.settings import Settings
from rehearse.text.words import Word


def rehearse(*args: str, columns: int = 80) -> subprocess.CompletedProcess[str]:
    # An 80-column terminal, as far as rich can tell from a pipe.
    env = dict(os.environ, COLUMNS=str(columns))
    return subprocess.run(
        [sys.executable, "-m", "rehearse", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )


def save_attempt(data: Path, question_id: str) -> int:
    """One short attempt at ``question_id`` in the history of ``data`` (no model needed)."""
    audio = data / "answer.wav"
    data.mkdir(parents=True, exist_ok=True)
    write_wav(audio, np.zeros(8000, dtype=np.float32), rate=16000)
    report = score(
        [Word("weights", 0.1, 0.4)],
        find_question(question_id),
        VoiceActivity.measure(np.zeros(8000, dtype=np.float32)),
        0.5,
    )
    return History(data).add(report, audio, when=datetime(2026, 3, 14, 9, 30)).id


def test_global_options_work_after_the_command_too(tmp_path: Path) -> None:
    data = tmp_path / "data"
    attempt = save_attempt(data, "design-churn-delayed-labels")
    before = rehearse("--data", str(data), "history", "--json")
    after = rehearse("history", "--json", "--data", str(data))
    assert after.returncode == 0, after.stderr
    assert after.stdout == before.stdout
    assert f'"id": {attempt}' in after.stdout
    # score with --data after its file: not a usage dump ending in "unrecognized arguments".
    missing = tmp_path / "x.wav"
    scored = rehearse("score", str(missing), "--question", "overfitting", "--data", str(data))
    assert scored.returncode == 1
    assert "unrecognized" not in scored.stderr
    [line] = scored.stderr.splitlines()
    assert line.startswith("rehearse: ") and str(missing) in line
    bank = rehearse("questions", "--bank", str(tmp_path / "no-bank"))
    assert bank.returncode == 1 and "question bank folder does not exist" in bank.stderr


def test_a_value_before_the_command_is_not_reset_after_it(tmp_path: Path) -> None:
    data = tmp_path / "data"
    save_attempt(data, "overfitting")
    listed = rehearse("--data", str(data), "history", "--question", "overfitting")
    assert listed.returncode == 0, listed.stderr
    assert "overfitting" in listed.stdout


def test_questions_never_cut_an_id_at_80_columns(tmp_path: Path) -> None:
    done = rehearse("questions", "--data", str(tmp_path))
    assert done.returncode == 0, done.stderr
    assert max(len(line) for line in done.stdout.splitlines()) <= 80
    assert "…" not in done.stdout
    first_column = [line.split()[0] for line in done.stdout.splitlines() if line[:1].strip()]
    for rubric in load_bank():
        assert rubric.id in first_column
    # Long questions wrap onto more lines rather than being cut: every word is there.
    shown = set(done.stdout.split())
    for rubric in load_bank():
        assert set(rubric.question.split()) <= shown, rubric.id


def test_history_never_cuts_an_id_at_80_columns(tmp_path: Path) -> None:
    data = tmp_path / "data"
    attempt = save_attempt(data, "design-churn-delayed-labels")
    done = rehearse("history", "--data", str(data))
    assert done.returncode == 0, done.stderr
    assert max(len(line) for line in done.stdout.splitlines()) <= 80
    assert "…" not in done.stdout
    row = next(line for line in done.stdout.splitlines() if "design-churn-delayed-labels" in line)
    assert row.split()[0] == str(attempt)


def test_history_of_an_unknown_question_is_a_usage_error(tmp_path: Path) -> None:
    data = tmp_path / "data"
    save_attempt(data, "overfitting")
    done = rehearse("history", "--question", "nope", "--data", str(data))
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.splitlines() == [
        "rehearse: unknown question 'nope': 'rehearse questions' lists the bank"
    ]
    typo = rehearse("history", "--question", "overfiting", "--data", str(data))
    assert typo.returncode == 2
    assert "did you mean 'overfitting'?" in typo.stderr
    # A known question with no attempts yet is not an error.
    empty = rehearse("history", "--question", "regularization", "--data", str(data))
    assert empty.returncode == 0 and "no attempts" in empty.stdout


def test_questions_show_the_users_own_target(tmp_path: Path) -> None:
    Settings(targets={"overfitting": (45, 75)}).save(tmp_path)
    done = rehearse("questions", "--data", str(tmp_path), columns=120)
    assert done.returncode == 0, done.stderr
    rows = {line.split()[0]: line for line in done.stdout.splitlines() if line[:1].strip()}
    assert "45–75 s *" in rows["overfitting"]
    assert "60–90 s" in rows["regularization"] and "*" not in rows["regularization"]
    assert "120–240 s" in rows["design-search-ranking"]
    assert "your own target" in done.stdout
