"""Every bad input ends in one clear line on stderr and a non-zero exit, never a traceback."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from rehearse.audio.tts import write_wav


def rehearse(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "rehearse", *args], capture_output=True, text=True, timeout=120
    )


def assert_one_line_error(result: subprocess.CompletedProcess[str], *needles: str) -> str:
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    for needle in needles:
        assert needle in lines[0]
    return lines[0]


@pytest.fixture
def tone(tmp_path: Path) -> Path:
    path = tmp_path / "tone.wav"
    t = np.arange(16000 * 2) / 16000
    write_wav(path, (0.3 * np.sin(2 * np.pi * 220 * t)).astype(np.float32), rate=16000)
    return path


def score(path: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return rehearse("score", str(path), "--question", "imbalanced-data", *extra)


def test_missing_file(tmp_path):
    missing = tmp_path / "nope.wav"
    assert_one_line_error(score(missing), str(missing), "no such file")


def test_file_that_is_not_audio(tmp_path):
    fake = tmp_path / "notes.wav"
    fake.write_text("these are my notes, not a recording\n" * 50)
    assert_one_line_error(score(fake), str(fake), "not an audio file")


def test_text_file_with_a_riff_header_but_garbage(tmp_path):
    fake = tmp_path / "garbage.mp3"
    fake.write_bytes(bytes(range(256)) * 40)
    assert_one_line_error(score(fake), str(fake), "not an audio file")


def test_truncated_wav(tone, tmp_path):
    cut = tmp_path / "cut.wav"
    data = tone.read_bytes()
    cut.write_bytes(data[: len(data) // 2])
    assert_one_line_error(score(cut), str(cut), "truncated")


def test_wav_cut_inside_its_header(tone, tmp_path):
    cut = tmp_path / "cut-header.wav"
    cut.write_bytes(tone.read_bytes()[:30])
    assert_one_line_error(score(cut), str(cut), "truncated")


def test_empty_file(tmp_path):
    empty = tmp_path / "empty.wav"
    empty.write_bytes(b"")
    assert_one_line_error(score(empty), str(empty), "empty")


def test_zero_second_wav(tmp_path):
    zero = tmp_path / "zero.wav"
    write_wav(zero, np.zeros(0, dtype=np.float32))
    assert_one_line_error(score(zero), str(zero), "no audio")


def test_unknown_question(tone):
    line = assert_one_line_error(rehearse("score", str(tone), "--question", "nope"), "'nope'")
    assert "rehearse questions" in line


def test_no_question_given(tone):
    assert_one_line_error(rehearse("score", str(tone)), "--question")


def test_rubric_that_is_not_toml(tone, tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('id = "x"\nquestion = "unterminated\n')
    assert_one_line_error(rehearse("score", str(tone), "--rubric", str(bad)), str(bad), "TOML")


def test_rubric_missing_a_field(tone, tmp_path):
    bad = tmp_path / "nofield.toml"
    bad.write_text('id = "x"\nquestion = "Q?"\n[[points]]\nid = "a"\nphrases = ["alpha"]\n')
    assert_one_line_error(
        rehearse("score", str(tone), "--rubric", str(bad)), str(bad), "'points[1].label'"
    )


GOOD_RUBRIC = (
    'id = "good"\nquestion = "Q?"\n[[points]]\nid = "a"\nlabel = "A"\nphrases = ["alpha"]\n'
)


@pytest.mark.parametrize(
    ("content", "field"),
    [
        ('id = "broken"\n', "'question'"),
        ("", "'id'"),
        ("\x00\xff not toml [[[", "not valid TOML"),
        (GOOD_RUBRIC.replace('"good"', '"' + "x" * 300 + '"'), "'id' is 300 characters"),
    ],
    ids=["missing-field", "empty", "garbage", "long-id"],
)
def test_a_bad_rubric_in_the_bank_is_skipped_with_one_warning(tmp_path, content, field):
    (tmp_path / "good.toml").write_text(GOOD_RUBRIC)
    (tmp_path / "broken.toml").write_bytes(content.encode("utf-8", "surrogateescape"))
    listed = rehearse("--bank", str(tmp_path), "questions", "--json")
    assert listed.returncode == 0, listed.stderr
    assert [q["id"] for q in json.loads(listed.stdout)] == ["good"]
    [warning] = listed.stderr.splitlines()
    assert warning.startswith("rehearse: warning: ") and "broken.toml" in warning
    assert field in warning and "skipped" in warning


def test_asking_for_the_skipped_question_names_its_problem(tmp_path, tone):
    (tmp_path / "broken.toml").write_text('id = "broken"\n')
    result = rehearse("--bank", str(tmp_path), "score", str(tone), "--question", "broken")
    assert_one_line_error(result, "broken.toml", "'question' is missing")


def test_unwritable_data_directory_still_prints_the_report(tone, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    result = rehearse(
        "--data",
        str(blocker / "data"),
        "score",
        str(tone),
        "--question",
        "imbalanced-data",
        "--save",
        "--json",
    )
    assert result.returncode == 3, result.stderr
    assert "Traceback" not in result.stderr
    assert json.loads(result.stdout)["question"] == "imbalanced-data"
    problem = result.stderr.strip().splitlines()[-1]
    assert problem.startswith("rehearse: the report was not saved to the history: ")
    assert "cannot write to the data directory" in problem and str(blocker / "data") in problem


def test_bad_target(tone):
    assert_one_line_error(score(tone, "--target", "ninety"), "--target")


def test_missing_named_model_offline(tone):
    result = score(tone, "--model", "/nonexistent/model-folder")
    assert_one_line_error(result, "model")


def test_questions_lists_the_bank():
    result = rehearse("questions")
    assert result.returncode == 0
    assert "project-walkthrough" in result.stdout
    assert "imbalanced-data" in result.stdout


def test_named_model_that_cannot_be_downloaded(tone, tmp_path):
    import os

    env = dict(os.environ, HF_HUB_CACHE=str(tmp_path / "empty-cache"), HF_HUB_OFFLINE="1")
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "rehearse",
            "score",
            str(tone),
            "--question",
            "imbalanced-data",
            "--model",
            "base.en",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )
    line = assert_one_line_error(result, "'base.en'", "could not be downloaded")
    assert line.endswith("available offline here: tiny.en (bundled)")


def test_a_model_name_that_does_not_exist_is_said_in_whole(tone):
    # faster-whisper's own message lists every size name; it used to be cut at 160 characters,
    # mid-word ("... distil-lar.").
    line = assert_one_line_error(score(tone, "--model", "huge.en"), "'huge.en'")
    assert "neither a model folder nor a Whisper model name" in line
    assert "base.en" in line and "turbo" in line
    assert line.endswith("available offline here: tiny.en (bundled)")
