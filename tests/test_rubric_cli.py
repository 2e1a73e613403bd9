"""``rehearse rubric check``: validating a rubric file and seeing how it scores a sample answer."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from rehearse.language.rubric import bundled_rubrics_dir


def rehearse(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "rehearse", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env={"COLUMNS": "200", "PATH": "/usr/bin:/bin"},
    )


def test_check_lists_the_points_and_which_sentence_covered_each(tmp_path: Path) -> None:
    answer = tmp_path / "answer.txt"
    answer.write_text(
        "The business wanted to know which subscribers were about to cancel. "
        "As for impact, honestly, I don't know what the impact in production was.",
        encoding="utf-8",
    )
    result = rehearse(
        "rubric",
        "check",
        str(bundled_rubrics_dir() / "project-walkthrough.toml"),
        "--answer",
        str(answer),
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "project-walkthrough: 6 points, in order" in out
    problem = next(line for line in out.splitlines() if line.startswith("✔ problem"))
    assert '"The business wanted to know' in problem and "by meaning" in problem
    # The disclaimed point is missed, and says what it listens for.
    impact = next(line for line in out.splitlines() if line.startswith("✘ impact"))
    assert "listens for" in impact
    assert "1 of 6 points" in out


def test_check_gives_advice_for_points_without_examples(tmp_path: Path) -> None:
    rubric = tmp_path / "q.toml"
    rubric.write_text(
        'id = "q"\nquestion = "Why?"\n[[points]]\nid = "a"\nlabel = "A reason"\n'
        'phrases = ["because"]\n',
        encoding="utf-8",
    )
    result = rehearse("rubric", "check", str(rubric))
    assert result.returncode == 0, result.stderr
    assert "point 'a' has no examples" in result.stdout


def test_check_advises_what_the_bundled_points_carry(tmp_path: Path) -> None:
    """A point written the way round 1 advised (a terse label, three examples, no near
    misses) is told what the meaning matcher now works from; a bundled rubric is not."""
    rubric = tmp_path / "q.toml"
    examples = ", ".join(f'"Reason number {n} is that it works."' for n in range(3))
    rubric.write_text(
        'id = "q"\nquestion = "Why?"\n[[points]]\nid = "a"\nlabel = "Reasons"\n'
        f'phrases = ["because", "the reason", "since"]\nexamples = [{examples}]\n',
        encoding="utf-8",
    )
    out = " ".join(rehearse("rubric", "check", str(rubric)).stdout.split())
    assert "point 'a' has only 3 examples: give it at least 5" in out
    assert "point 'a' has no not sentences: add two or three near misses" in out
    assert "point 'a': say in the label what an interviewer listens for" in out
    bundled = rehearse("rubric", "check", str(bundled_rubrics_dir() / "project-walkthrough.toml"))
    assert bundled.returncode == 0 and "advice" not in bundled.stdout


def test_a_broken_rubric_or_a_missing_answer_is_one_line_and_a_failure(tmp_path: Path) -> None:
    broken = tmp_path / "broken.toml"
    broken.write_text('id = "x"\nquestion = "Why?"\n', encoding="utf-8")
    result = rehearse("rubric", "check", str(broken))
    assert result.returncode != 0 and result.stdout == ""
    assert result.stderr.strip().splitlines() == [
        f"rehearse: {broken}: field 'points' is missing (add at least one [[points]] table)"
    ]
    good = bundled_rubrics_dir() / "overfitting.toml"
    result = rehearse("rubric", "check", str(good), "--answer", str(tmp_path / "nope.txt"))
    assert result.returncode != 0 and "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines() == [
        f"rehearse: {tmp_path / 'nope.txt'}: no such answer file"
    ]
