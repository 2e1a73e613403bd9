import json
from pathlib import Path

import numpy as np
import pytest
from wordlists import tone_under, words_from

from rehearse.audio import VoiceActivity
from rehearse.rubric import parse_rubric
from rehearse.scoring import report_from_dict, score, timing_verdict
from rehearse.words import Word

RUBRIC = parse_rubric(
    {
        "id": "imbalanced-data",
        "question": "How do you handle imbalanced data?",
        "points": [
            {"id": "metric", "label": "Metric", "phrases": ["PR AUC", "recall at fixed precision"]},
            {"id": "weights", "label": "Class weights", "phrases": ["class weights"]},
        ],
    },
    Path("imbalanced-data.toml"),
)


def scored(words, seconds=None, samples=None, **kwargs):
    seconds = seconds or (words[-1].end + 1 if words else 5)
    samples = tone_under(words, seconds) if samples is None else samples
    return score(words, RUBRIC, VoiceActivity.measure(samples), seconds, "a.wav", **kwargs)


@pytest.mark.parametrize(
    ("seconds", "verdict"),
    [(59.9, "short"), (60, "on-target"), (90, "on-target"), (90.1, "long")],
)
def test_timing_verdict_edges(seconds, verdict):
    assert timing_verdict(seconds, (60, 90)) == verdict


def test_speaking_time_runs_from_first_to_last_word_and_pace_counts_fillers():
    words = words_from("so um we used PR AUC and class weights", start=2.0, step=0.5)
    report = scored(words, seconds=10)
    assert report.duration_seconds == 10
    assert report.speaking_seconds == pytest.approx(words[-1].end - 2.0)
    assert report.word_count == 9
    assert report.words_per_minute == pytest.approx(round(9 / report.speaking_seconds * 60, 1))
    assert report.timing == "short"
    assert report.fillers.count == 1
    assert report.fillers.per_minute == pytest.approx(round(60 / report.speaking_seconds, 1))
    assert report.coverage.ratio == 1.0


def test_target_override_wins_over_the_rubric():
    words = words_from("PR AUC " * 10)
    assert scored(words, target=(1, 3)).timing == "long"


def test_pauses_are_measured_on_the_audio_not_on_word_gaps():
    words = words_from("we used | class weights | and PR AUC", step=0.4, gap=1.5)
    # Whisper often stretches a word over the silence after it; the audio still shows the pause.
    stretched = [Word(w.text, w.start, w.end + (1.2 if i == 1 else 0)) for i, w in enumerate(words)]
    samples = tone_under(words, words[-1].end + 1)
    report = scored(stretched, samples=samples)
    assert len(report.pauses) == 2
    first = report.pauses[0]
    assert first.start == pytest.approx(words[1].end, abs=0.05)
    assert first.end == pytest.approx(words[2].start, abs=0.05)
    assert first.seconds >= 1.0


def test_silences_shorter_than_a_second_are_not_pauses():
    words = words_from("we used | class weights", step=0.4, gap=0.5)
    assert scored(words).pauses == ()


def test_silence_before_the_first_and_after_the_last_word_is_not_a_pause():
    words = words_from("class weights", start=3.0)
    assert scored(words, seconds=10).pauses == ()


def test_filler_in_silence_is_dropped_but_a_voiced_one_is_kept():
    spoken = words_from("we used class weights um", step=0.5)
    invented = Word("Mhm.", spoken[-1].end + 2.0, spoken[-1].end + 2.3)
    samples = tone_under(spoken, invented.end + 1)
    report = scored([*spoken, invented], samples=samples)
    assert [f.text for f in report.fillers.items] == ["um"]


def test_zero_length_filler_timed_beside_its_sound_is_kept():
    # Whisper sometimes times "um" as a zero-length word next to the sound it heard.
    words = [Word("So,", 0.0, 0.3), Word("um,", 1.0, 1.0), Word("the", 1.2, 1.4)]
    samples = np.zeros(16000 * 3, dtype=np.float32)
    for a, b in [(0.0, 0.3), (0.6, 0.85), (1.2, 1.4)]:
        t = np.arange(int((b - a) * 16000)) / 16000
        samples[int(a * 16000) : int(a * 16000) + len(t)] = 0.3 * np.sin(2 * np.pi * 150 * t)
    [um] = scored(words, samples=samples).fillers.items
    # ...and is moved onto that sound, so replay can jump to it.
    assert um.start == pytest.approx(0.6, abs=0.03)
    assert um.end == pytest.approx(0.85, abs=0.03)


def test_silence_scores_zero_words_with_a_note():
    report = scored([], seconds=5, samples=np.zeros(16000 * 5, dtype=np.float32))
    assert report.word_count == 0
    assert report.speaking_seconds == 0
    assert report.words_per_minute == 0
    assert report.fillers.count == 0
    assert report.timing == "short"
    assert report.notes and "no speech" in report.notes[0]


def test_json_has_the_promised_fields_and_round_trips():
    words = words_from("so um we used PR AUC and, like, class weights you know", step=0.5)
    report = scored(words)
    data = json.loads(json.dumps(report.to_dict()))
    for key in [
        "question",
        "audio",
        "duration_seconds",
        "speaking_seconds",
        "target_seconds",
        "timing",
        "word_count",
        "words_per_minute",
        "fillers",
        "pauses",
        "coverage",
        "transcript",
        "words",
    ]:
        assert key in data
    assert data["fillers"]["by_word"] == {"um": 1, "like": 1, "you know": 1}
    assert data["fillers"]["items"][0] == {
        "text": "um",
        "kind": "hesitation",
        "start": 0.5,
        "end": 0.9,
    }
    assert [w["filler"] for w in data["words"]].count(True) == 4
    assert data["coverage"]["points"][0]["matched"] == "pr auc"
    assert report_from_dict(data).to_dict() == data
