"""The history commands end to end: the real ``rehearse`` command on a real SQLite history whose
attempts are reports scored from hand-made word lists (no speech model needed)."""

from __future__ import annotations

import csv
import io
import json
import os
import pty
import sqlite3
import subprocess
import sys
import zipfile
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np
import pytest
from wordlists import tone_under, words_from

from rehearse.audio.clip import VoiceActivity
from rehearse.audio.tts import write_wav
from rehearse.language.rubric import find_question
from rehearse.scoring.metrics import SCORING_REVISION
from rehearse.scoring.score import Report, score
from rehearse.storage.history import History

ROOT = Path(__file__).resolve().parent.parent
# COLUMNS would change rich's width for every table printed here.
ENV = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}

# Leakage answers that ramble less each time, then one overfitting answer.
PLAN = [
    (datetime(2026, 3, 1, 23, 50), "data-leakage", "so um like we um split uh by time"),
    (datetime(2026, 3, 2, 0, 10), "data-leakage", "um we split by time and use shadow mode"),
    (datetime(2026, 3, 3, 9, 0), "data-leakage", "we split by time then shadow mode and um so"),
    (
        datetime(2026, 3, 4, 9, 0),
        "data-leakage",
        "split by time shadow mode and fit preprocessing on the training fold",
    ),
    (datetime(2026, 3, 4, 12, 0), "overfitting", "the model memorizes so we add dropout"),
]


# Short answers need a short target: under a third of a 60-90 s target they would look cut short.
TARGET = (3, 8)


def make_report(question: str, text: str, target: tuple[int, int] = TARGET) -> Report:
    words = words_from(text, start=0.5, step=0.5)
    samples = tone_under(words, words[-1].end + 1)
    rubric = find_question(question)
    return score(words, rubric, VoiceActivity.measure(samples), 9.0, "a.wav", target=target)


def rehearse(data: Path, *args: str, stdin: int | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "rehearse", "--data", str(data), *args],
        capture_output=stdin is None,
        stdout=subprocess.PIPE if stdin is not None else None,
        stderr=subprocess.PIPE if stdin is not None else None,
        stdin=stdin if stdin is not None else subprocess.DEVNULL,
        text=True,
        timeout=120,
        env=ENV,
        cwd=ROOT,
    )


def one_line_error(result: subprocess.CompletedProcess[str], code: int, *needles: str) -> str:
    assert result.returncode == code, (result.returncode, result.stderr)
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    for needle in needles:
        assert needle in lines[0], lines[0]
    return lines[0]


@pytest.fixture
def data(tmp_path: Path) -> Path:
    store = History(tmp_path / "data")
    for n, (when, question, text) in enumerate(PLAN):
        wav = tmp_path / f"answer-{n}.wav"
        write_wav(wav, np.full(800, 0.01 * (n + 1), dtype=np.float32), rate=16000)
        store.add(make_report(question, text), wav, when=when)
    return store.directory


# ---------------------------------------------------------------------------- history


def test_history_lists_attempts_with_every_metric_as_json_and_csv(data: Path) -> None:
    listed = rehearse(data, "history", "--json")
    assert listed.returncode == 0, listed.stderr
    rows = json.loads(listed.stdout)
    assert [r["question"] for r in rows] == [q for _, q, _ in PLAN]
    first = rows[0]
    assert first["fillers_per_minute"] > rows[3]["fillers_per_minute"]
    assert first["scoring_revision"] == SCORING_REVISION
    assert set(first["metrics"]) >= {"overrun_seconds", "words_per_point", "first_point_seconds"}

    as_csv = rehearse(data, "history", "--csv")
    assert as_csv.returncode == 0, as_csv.stderr
    table = list(csv.DictReader(io.StringIO(as_csv.stdout)))
    assert [int(r["id"]) for r in table] == [r["id"] for r in rows]
    assert table[0]["created_at"] == "2026-03-01T23:50:00"
    assert float(table[0]["fillers_per_minute"]) == first["fillers_per_minute"]
    assert table[4]["words_per_point"] == str(rows[4]["words_per_point"])


def test_history_filters_by_question_and_date(data: Path) -> None:
    since = rehearse(data, "history", "--since", "2026-03-02", "--json")
    assert [r["created_at"][:10] for r in json.loads(since.stdout)] == [
        "2026-03-02",
        "2026-03-03",
        "2026-03-04",
        "2026-03-04",
    ]
    only = rehearse(data, "history", "--question", "overfitting", "--csv")
    assert len(only.stdout.strip().splitlines()) == 2
    one_line_error(rehearse(data, "history", "--since", "last tuesday"), 2, "--since")
    one_line_error(rehearse(data, "history", "--question", "no-such-q"), 2, "no-such-q")
    clash = rehearse(data, "history", "--json", "--csv")
    assert clash.returncode == 2 and "not allowed with" in clash.stderr


def test_history_marks_attempts_scored_by_older_rules(data: Path) -> None:
    db = sqlite3.connect(data / "history.sqlite3")
    db.execute("UPDATE attempts SET scoring_revision = 0 WHERE id = 1")
    db.commit()
    db.close()
    shown = rehearse(data, "history")
    assert shown.returncode == 0, shown.stderr
    assert "1 attempt scored by older rules: 'rehearse rescore'" in shown.stdout
    ids = [line.split()[0] for line in shown.stdout.splitlines()[1:6]]
    assert ids == ["1*", "2", "3", "4", "5"]


# ---------------------------------------------------------------------------- progress


def test_progress_as_json_gives_firsts_bests_trends_and_streaks(data: Path) -> None:
    shown = rehearse(data, "progress", "--json")
    assert shown.returncode == 0, shown.stderr
    result = json.loads(shown.stdout)
    assert result["attempts"] == 5 and result["practice_days"] == 4
    assert result["longest_streak"] == 4
    assert not result["mixed_scoring"] and result["outdated_attempts"] == 0
    leakage, overfitting = result["questions"]
    assert (leakage["question"], overfitting["question"]) == ("data-leakage", "overfitting")
    fillers = leakage["metrics"]["fillers_per_minute"]
    assert fillers["first"] > fillers["latest"] == fillers["best"] == 0.0
    assert fillers["direction"] == "improving"
    assert fillers["best_attempt"] == 4
    assert leakage["metrics"]["coverage"]["direction"] == "improving"
    assert leakage["metrics"]["words_per_minute"]["direction"] == "no direction"
    assert overfitting["attempts"] == 1 and overfitting["metrics"]["coverage"]["first"] > 0


def test_progress_table_and_chart(data: Path) -> None:
    shown = rehearse(data, "progress", "--question", "data-leakage", "--chart", "coverage")
    assert shown.returncode == 0, shown.stderr
    out = shown.stdout
    assert "4 attempts on 4 days" in out
    assert "fillers/min" in out and "improving" in out
    assert "Coverage by attempt" in out  # the chart's title
    # Without a terminal, and no --chart, no chart.
    plain = rehearse(data, "progress")
    assert "by attempt" not in plain.stdout and "overfitting" in plain.stdout


def test_progress_says_when_trends_mix_scoring_rules(data: Path) -> None:
    db = sqlite3.connect(data / "history.sqlite3")
    db.execute("UPDATE attempts SET scoring_revision = 0 WHERE id IN (1, 2)")
    db.commit()
    db.close()
    shown = rehearse(data, "progress")
    assert "scored by different rules" in " ".join(shown.stdout.split())
    assert "rehearse rescore" in shown.stdout
    result = json.loads(rehearse(data, "progress", "--json").stdout)
    assert result["mixed_scoring"] and result["outdated_attempts"] == 2


def test_progress_of_an_empty_history(tmp_path: Path) -> None:
    shown = rehearse(tmp_path / "empty", "progress", "--json")
    assert json.loads(shown.stdout)["questions"] == []
    assert "no attempts saved yet" in rehearse(tmp_path / "empty", "progress").stdout


# ---------------------------------------------------------------------------- compare


def test_compare_shows_what_changed_side_by_side_or_as_a_diff(data: Path) -> None:
    shown = rehearse(data, "compare", "1", "4")
    assert shown.returncode == 0, shown.stderr
    out = shown.stdout
    assert "data-leakage: attempt #1" in out
    assert "better" in out
    assert "um 2 → 0" in out
    labels = {p.id: p.label for p in find_question("data-leakage").points}
    assert labels["pipeline"] in out  # a point gained
    assert "by time" in out and "fit preprocessing" in out  # the transcripts
    diff = rehearse(data, "compare", "1", "4", "--diff")
    assert diff.returncode == 0 and "fit preprocessing" in diff.stdout

    as_json = json.loads(rehearse(data, "compare", "1", "4", "--json").stdout)
    assert as_json["fillers"]["um"] == [2, 0]
    assert as_json["metrics"]["fillers_per_minute"]["better"] is True
    assert labels["pipeline"] in as_json["points_gained"]
    assert {o["op"] for o in as_json["alignment"]} >= {"equal", "delete"}


def test_compare_refuses_unknown_or_malformed_ids(data: Path) -> None:
    one_line_error(rehearse(data, "compare", "1", "99"), 1, "no attempt with id 99")
    one_line_error(rehearse(data, "compare", "1", "last"), 2, "attempt id is a number")


# ---------------------------------------------------------------------------- delete


def test_delete_with_yes_removes_attempts_and_recordings(data: Path) -> None:
    doomed = [History(data).get(i) for i in (2, 3)]
    done = rehearse(data, "delete", "2", "3", "--yes")
    assert done.returncode == 0, done.stderr
    assert "deleted attempts 2, 3" in done.stdout
    assert [a.id for a in History(data).attempts()] == [1, 4, 5]
    assert not any(a.audio_path.exists() for a in doomed)


def test_delete_without_a_terminal_or_yes_refuses_and_keeps_everything(data: Path) -> None:
    one_line_error(rehearse(data, "delete", "2"), 2, "run it in a terminal, or add --yes")
    assert len(History(data).attempts()) == 5
    # An unknown id among several deletes none of them.
    one_line_error(rehearse(data, "delete", "2", "77", "--yes"), 1, "no attempt with id 77")
    assert len(History(data).attempts()) == 5


@pytest.mark.parametrize(("answer", "kept"), [("y\n", 4), ("n\n", 5), ("\n", 5)])
def test_delete_asks_in_a_terminal(data: Path, answer: str, kept: int) -> None:
    main, terminal = pty.openpty()
    try:
        os.write(main, answer.encode())
        done = rehearse(data, "delete", "5", stdin=terminal)
    finally:
        os.close(main)
        os.close(terminal)
    assert "Delete this attempt and its recording?" in done.stderr
    assert len(History(data).attempts()) == kept
    assert done.returncode == (0 if kept == 4 else 1)


# ---------------------------------------------------------------------------- export / import


def test_export_and_import_history_between_data_folders(data: Path, tmp_path: Path) -> None:
    archive = tmp_path / "moving.zip"
    done = rehearse(data, "export", str(archive))
    assert done.returncode == 0, done.stderr
    assert "exported 5 attempts" in done.stdout
    fresh = tmp_path / "new-machine"
    imported = rehearse(fresh, "import-history", str(archive))
    assert imported.returncode == 0, imported.stderr
    assert "imported 5 attempts" in imported.stdout
    again = rehearse(fresh, "import-history", str(archive))
    assert "imported 0 attempts; 5 already there" in again.stdout
    old = json.loads(rehearse(data, "history", "--json").stdout)
    new = json.loads(rehearse(fresh, "history", "--json").stdout)
    for row in old + new:
        del row["audio"]
    assert new == old


def test_import_history_of_a_bad_zip_is_one_line_and_changes_nothing(
    data: Path, tmp_path: Path
) -> None:
    foreign = tmp_path / "photos.zip"
    with zipfile.ZipFile(foreign, "w") as z:
        z.writestr("cat.jpg", b"meow")
    damaged = tmp_path / "damaged.zip"
    rehearse(data, "export", str(damaged))
    damaged.write_bytes(damaged.read_bytes()[:-200])
    before = rehearse(data, "history", "--json").stdout
    one_line_error(rehearse(data, "import-history", str(foreign)), 1, "not a rehearse history")
    one_line_error(rehearse(data, "import-history", str(damaged)), 1, "damaged")
    one_line_error(rehearse(data, "import-history", str(tmp_path / "no.zip")), 1, "no such file")
    assert rehearse(data, "history", "--json").stdout == before
    one_line_error(rehearse(data, "export", str(tmp_path / "history.tar")), 2, "zip")


def test_rescore_with_nothing_out_of_date_says_so(data: Path) -> None:
    done = rehearse(data, "rescore")
    assert done.returncode == 0, done.stderr
    assert "nothing to rescore" in done.stdout
    one_line_error(rehearse(data, "rescore", "1", "--all"), 2, "not both")
    one_line_error(rehearse(data, "rescore", "--question", "overfitting-x"), 2, "overfitting-x")


def test_a_day_boundary_is_local_midnight(data: Path) -> None:
    # The first two attempts are 20 minutes apart across midnight: two practice days.
    result = json.loads(rehearse(data, "progress", "--json").stdout)
    leakage = result["questions"][0]
    assert leakage["practice_days"] == 4
    assert PLAN[1][0] - PLAN[0][0] == timedelta(minutes=20)


def test_progress_leaves_tries_cut_short_out_of_the_figures(data: Path, tmp_path: Path) -> None:
    before = json.loads(rehearse(data, "progress", "--json").stdout)["questions"][0]
    # A false start: 2 s of a 60-90 s answer, with no fillers and a point covered.
    store = History(data)
    wav = tmp_path / "false-start.wav"
    write_wav(wav, np.full(800, 0.5, dtype=np.float32), rate=16000)
    store.add(
        make_report("data-leakage", "split by time", target=(60, 90)),
        wav,
        when=datetime(2026, 3, 5, 9, 0),
    )
    after = json.loads(rehearse(data, "progress", "--json").stdout)["questions"][0]
    assert after["attempts"] == before["attempts"] + 1 and after["cut_short"] == 1
    assert after["practice_days"] == before["practice_days"] + 1
    assert after["metrics"] == before["metrics"]
    shown = rehearse(data, "progress", "--question", "data-leakage").stdout
    assert "5 attempts (1 cut short)" in shown and "left out of the figures" in shown
