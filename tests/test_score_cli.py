"""End to end: synthesized speech through the real ``rehearse`` command and the bundled model."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import wave
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from rehearse.audio.tts import synthesize_script, write_wav
from rehearse.language.filler_rules import RULES

pytestmark = pytest.mark.slow

ANSWER = [
    "So, um, for imbalanced data I would first check whether the imbalance is actually a problem.",
    1.6,
    "I would not use accuracy. I would look at the PR AUC, and recall at fixed precision.",
    "Um, then I would add class weights to the loss.",
    1.3,
    "Tools like SMOTE can help with oversampling.",
    "Finally, I tune the decision threshold on the business cost.",
]


def rehearse(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "rehearse", *args],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
    )


@pytest.fixture(scope="module")
def answer(tmp_path_factory) -> tuple[Path, list[tuple[float, float]]]:
    path = tmp_path_factory.mktemp("speech") / "answer.wav"
    # Steady: Piper otherwise varies its timing at random on every call, and the words the
    # recogniser writes with it ("and help" for "can help"), so a run would test other speech.
    spans = synthesize_script(ANSWER, path, voice="piper", steady=True)
    return path, spans


@pytest.fixture(scope="module")
def scored(answer) -> dict:
    path, _ = answer
    result = rehearse("score", str(path), "--question", "imbalanced-data", "--json")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().splitlines()
    assert len(lines) == 1, "--json prints exactly one JSON object"
    return json.loads(lines[0])


def test_report_times_and_paces_the_answer(scored, answer):
    _, spans = answer
    assert scored["question"] == "imbalanced-data"
    assert scored["target_seconds"] == [60, 90]
    assert scored["duration_seconds"] == pytest.approx(spans[-1][1], abs=0.05)
    assert scored["speaking_seconds"] == pytest.approx(spans[-1][1], abs=1.0)
    assert scored["timing"] == "short"
    assert 40 <= scored["word_count"] <= 70
    expected_wpm = scored["word_count"] / scored["speaking_seconds"] * 60
    assert scored["words_per_minute"] == pytest.approx(expected_wpm, abs=0.1)


def test_report_counts_the_spoken_fillers_and_not_the_content_like(scored):
    fillers = scored["fillers"]
    assert fillers["by_word"] == {"um": 2}
    assert [i["text"] for i in fillers["items"]] == ["um", "um"]
    flagged = [w["text"] for w in scored["words"] if w["filler"]]
    assert [w.strip(",.").lower() for w in flagged] == ["um", "um"]
    assert any(w["text"].lower() == "like" and not w["filler"] for w in scored["words"])


def test_report_finds_the_pauses_where_they_were_put(scored, answer):
    _, spans = answer
    silences = [spans[1], spans[4]]
    assert len(scored["pauses"]) == 2
    for pause, (start, end) in zip(scored["pauses"], silences, strict=True):
        assert pause["start"] == pytest.approx(start, abs=0.15)
        assert pause["end"] == pytest.approx(end, abs=0.15)


def test_report_checks_the_rubric_points(scored):
    points = {p["id"]: p for p in scored["coverage"]["points"]}
    for covered in ["metric", "resampling", "class-weights", "threshold"]:
        assert points[covered]["covered"], covered
        assert points[covered]["start"] is not None
        # The evidence: the sentence that covered it, and how it matched.
        assert points[covered]["sentence"] and points[covered]["how"] in {
            "phrase",
            "meaning",
            "both",
        }
    assert not points["labels"]["covered"]
    assert points["labels"]["sentence"] is None
    assert scored["coverage"]["in_order"] is None


def test_target_override_and_readable_report(answer):
    path, _ = answer
    result = rehearse("score", str(path), "--question", "imbalanced-data", "--target", "15-30")
    assert result.returncode == 0, result.stderr
    assert "ON-TARGET" in result.stdout
    assert "class weights" in result.stdout
    assert "Transcript" in result.stdout
    # The coaching: the voice measured from the sound, and the tips (or that none stood out).
    assert re.search(r"pitch varied \d+\.\d semitones", result.stdout)
    assert "Tips" in result.stdout


def test_the_json_report_coaches_beyond_fillers_with_the_voice_measured(scored):
    coaching = scored["coaching"]
    assert scored["format"] == 3
    delivery = coaching["delivery"]
    # Synthesized speech has a pitch: the figure is measured, not left out.
    assert delivery["pitch_variety_semitones"] is not None
    assert delivery["pitch_median_hz"] is not None and 60 < delivery["pitch_median_hz"] < 400
    assert delivery["voiced_seconds"] > 2
    assert coaching["pace"]["verdict"] in ("slow", "easy to follow", "fast")
    assert coaching["pace"]["windows"][0]["start"] == scored["words"][0]["start"]
    assert len(coaching["tips"]) <= 3
    assert scored["metrics"]["pitch_variety"] == delivery["pitch_variety_semitones"]


def test_any_rate_any_channels_any_format(answer, tmp_path):
    path, _ = answer
    stereo = tmp_path / "stereo-44k.flac"
    subprocess.run(["sox", str(path), "-r", "44100", "-c", "2", str(stereo)], check=True)
    result = rehearse("score", str(stereo), "--question", "imbalanced-data", "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["fillers"]["count"] == 2
    assert next(p for p in data["coverage"]["points"] if p["id"] == "class-weights")["covered"]


def test_save_keeps_the_attempt_in_the_data_dir(answer, tmp_path):
    path, _ = answer
    data_dir = tmp_path / "home"
    result = rehearse(
        "--data",
        str(data_dir),
        "score",
        str(path),
        "--question",
        "imbalanced-data",
        "--json",
        "--save",
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    from rehearse.storage.history import History

    attempts = History(data_dir).attempts()
    assert [a.id for a in attempts] == [report["attempt_id"]]
    assert attempts[0].audio_path.is_file()
    assert attempts[0].audio_path.parent.parent.name == "attempts"
    assert attempts[0].filler_count == 2
    listed = rehearse("--data", str(data_dir), "history", "--json")
    assert json.loads(listed.stdout)[0]["question"] == "imbalanced-data"


def test_rehearse_home_sets_the_data_dir(answer, tmp_path):
    import os

    path, _ = answer
    env = dict(os.environ, REHEARSE_HOME=str(tmp_path / "env-home"))
    result = rehearse("score", str(path), "--question", "imbalanced-data", "--save", env=env)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "env-home" / "history.sqlite3").is_file()


@pytest.mark.parametrize("noise_dbfs", [None, -60, -40])
def test_silence_scores_zero_words_with_a_note(tmp_path, noise_dbfs):
    path = tmp_path / "silence.wav"
    rng = np.random.default_rng(0)
    samples = np.zeros(16000 * 8, dtype=np.float32)
    if noise_dbfs is not None:
        samples = (rng.standard_normal(len(samples)) * 10 ** (noise_dbfs / 20)).astype(np.float32)
    write_wav(path, samples, rate=16000)
    result = rehearse("score", str(path), "--question", "imbalanced-data", "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["word_count"] == 0
    assert data["words"] == []
    assert data["fillers"]["count"] == 0
    assert data["coverage"]["ratio"] == 0
    assert data["notes"] and "no speech" in data["notes"][0]
    assert "note:" in result.stderr


def test_trailing_silence_gets_no_invented_words(answer, tmp_path):
    path, _ = answer
    with wave.open(str(path)) as w:
        rate = w.getframerate()
        speech = np.frombuffer(w.readframes(w.getnframes()), dtype="<i2").astype(np.float32) / 32768
    padded = tmp_path / "long-tail.wav"
    write_wav(padded, np.concatenate([speech, np.zeros(rate * 20, dtype=np.float32)]), rate=rate)
    result = rehearse("score", str(padded), "--question", "imbalanced-data", "--json")
    data = json.loads(result.stdout)
    assert data["words"][-1]["end"] <= len(speech) / rate + 0.5
    assert data["fillers"]["count"] == 2


def test_users_own_filler_words_from_settings(answer, tmp_path):
    path, _ = answer
    home = tmp_path / "home"
    home.mkdir()
    (home / "settings.toml").write_text('extra_fillers = ["finally"]\n')
    result = rehearse(
        "--data", str(home), "score", str(path), "--question", "imbalanced-data", "--json"
    )
    assert result.returncode == 0, result.stderr
    by_word = json.loads(result.stdout)["fillers"]["by_word"]
    assert by_word == {"um": 2, "finally": 1}


@pytest.fixture(scope="module")
def explained(answer) -> dict:
    path, _ = answer
    result = rehearse("score", str(path), "--question", "imbalanced-data", "--json", "--explain")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_each_counted_filler_names_the_rule_that_made_it_one(scored):
    assert scored["fillers"]["items"]
    for item in scored["fillers"]["items"]:
        assert item["rule"] in RULES
        assert RULES[item["rule"]].verdict == "filler"
    assert "filler_decisions" not in scored, "only --explain adds them"


def test_explain_in_json_gives_every_candidate_and_the_rule_that_decided_it(explained):
    decisions = explained["filler_decisions"]
    for d in decisions:
        rule = RULES[d["rule"]]
        assert (d["verdict"], d["description"]) == (rule.verdict, rule.description)
        assert d["counted"] is False or d["verdict"] == "filler"
    # At least the fillers the report counts, and the content "like" of "Tools like SMOTE".
    counted = Counter(d["text"] for d in decisions if d["counted"])
    assert counted == Counter(explained["fillers"]["by_word"])
    assert [d["rule"] for d in decisions if d["counted"]] == [
        i["rule"] for i in explained["fillers"]["items"]
    ]
    assert any(d["verdict"] == "content" for d in decisions)


def test_explain_prints_why_each_candidate_counted_after_the_report(answer, explained):
    path, _ = answer
    wide = dict(os.environ, COLUMNS="200")  # one line a row, as on a wide terminal
    result = rehearse("score", str(path), "--question", "imbalanced-data", "--explain", env=wide)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert out.index("Transcript") < out.index("Why each possible filler counted or not")
    table = out[out.index("Why each possible filler counted or not") :]
    rows = [line for line in table.splitlines() if re.match(r"\s*\d+:\d\d\s", line)]
    decisions = explained["filler_decisions"]
    assert len(rows) == len(decisions)
    for row, d in zip(rows, decisions, strict=True):
        assert d["description"] in row
        assert ("filler" if d["counted"] else d["verdict"]) in row
    counted_rows = [r for r in rows if re.search(r"\s{2}filler\s{2}", r)]
    assert len(counted_rows) == explained["fillers"]["count"]
