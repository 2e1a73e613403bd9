"""The rambling metrics, on reports scored from hand-made word lists with a tone under each word."""

from __future__ import annotations

import json
from pathlib import Path

from wordlists import tone_under, words_from

from rehearse.audio.clip import VoiceActivity
from rehearse.language.rubric import find_question, parse_rubric
from rehearse.scoring.metrics import (
    METRIC_BY_KEY,
    METRICS,
    SCORING_REVISION,
    Metrics,
    measure,
    scoring_version,
)
from rehearse.scoring.score import Report, score

RUBRIC = parse_rubric(
    {
        "id": "imbalanced-data",
        "question": "How do you handle imbalanced data?",
        "target_seconds": [5, 8],
        "points": [
            {"id": "metric", "label": "Metric", "phrases": ["PR AUC"]},
            {"id": "weights", "label": "Class weights", "phrases": ["class weights"]},
            {"id": "labels", "label": "Label quality", "phrases": ["label quality"]},
        ],
    },
    Path("imbalanced-data.toml"),
)


def scored(text: str, rubric=RUBRIC, start: float = 1.0, step: float = 0.5, gap: float = 0.0):
    words = words_from(text, start=start, step=step, gap=gap)
    seconds = words[-1].end + 1 if words else 5.0
    samples = tone_under(words, seconds)
    return score(words, rubric, VoiceActivity.measure(samples), seconds, "a.wav")


def test_each_metric_on_a_known_answer() -> None:
    # 21 words from 1.0 s, one every 0.5 s, with one 1.5 s gap: a long pause.
    report = scored(
        "so um the first thing | is that. we used class weights and then PR AUC."
        " alpha bravo charlie delta echo foxtrot",
        gap=1.5,
    )
    speaking = report.speaking_seconds
    assert report.word_count == 21 and len(report.pauses) == 1 and report.fillers.count == 1
    metrics = measure(report)
    assert metrics.overrun_seconds == round(speaking - 8, 1) > 0
    assert metrics.fillers_per_minute == round(60 / speaking, 1)
    assert metrics.pauses_per_minute == round(60 / speaking, 1)
    assert metrics.words_per_minute == report.words_per_minute
    assert metrics.coverage == round(2 / 3, 4)
    # 21 words for 2 points.
    assert metrics.words_per_point == 10.5
    # A point is placed where the sentence that covers it starts: "we used class weights ...",
    # the 8th word, 7 steps plus the gap after the first word.
    assert metrics.first_point_seconds == round(7 * 0.5 + 1.5, 1)
    assert metrics.parts == ()


def test_inside_the_target_is_no_overrun_and_short_is_not_negative() -> None:
    report = scored("class weights " * 6)
    assert report.timing == "on-target" and measure(report).overrun_seconds == 0
    short = measure(scored("class weights"))
    assert short.overrun_seconds == 0
    # The first word is itself the first point.
    assert short.first_point_seconds == 0


def test_a_target_given_apart_from_the_report_is_used() -> None:
    report = scored("class weights " * 6)  # about 5.8 s
    assert measure(report, target=(1, 3)).overrun_seconds == round(report.speaking_seconds - 3, 1)


def test_nothing_covered_has_no_cost_per_point_and_no_first_point() -> None:
    metrics = measure(scored("alpha bravo charlie delta"))
    assert metrics.coverage == 0
    assert metrics.words_per_point is None
    assert metrics.first_point_seconds is None


def test_an_empty_answer_measures_zero_without_dividing_by_it() -> None:
    report = score([], RUBRIC, VoiceActivity.measure(tone_under([], 3.0)), 3.0, "a.wav")
    metrics = measure(report)
    assert (metrics.fillers_per_minute, metrics.pauses_per_minute, metrics.words_per_minute) == (
        0,
        0,
        0,
    )
    assert metrics.overrun_seconds == 0 and metrics.words_per_point is None


def test_ordered_rubrics_give_each_part_against_an_even_share_of_the_target() -> None:
    walkthrough = find_question("project-walkthrough")  # six parts, target 60-90 s
    report = scored(
        "the problem was churn alpha bravo charlie delta echo. the label was cancelled plans"
        " foxtrot golf. we started with a logistic regression baseline.",
        rubric=walkthrough,
        step=2.0,
    )
    metrics = measure(report)
    share = round(75 / 6, 1)
    by_id = {p.id: p for p in metrics.parts}
    assert [p.id for p in metrics.parts] == [p.id for p in walkthrough.points]
    assert {p.share for p in metrics.parts} == {share}
    # "the problem was" starts the answer; "the label was" is the 10th word, 9 steps later.
    assert by_id["problem"].seconds == 18.0
    assert by_id["problem"].over == round(18.0 - share, 1)
    assert by_id["data-label"].seconds is not None and by_id["approach"].seconds is not None
    assert by_id["impact"].seconds is None and by_id["impact"].over is None
    # Unordered rubrics have no parts.
    assert measure(scored("class weights")).parts == ()


def test_metrics_read_back_equal_from_json() -> None:
    report = scored(
        "the problem was churn the label was cancelled plans we started with a baseline",
        rubric=find_question("project-walkthrough"),
    )
    metrics = measure(report)
    assert metrics.parts
    assert Metrics.from_dict(json.loads(json.dumps(metrics.to_dict()))) == metrics


def test_metric_directions_and_noise() -> None:
    fillers = METRIC_BY_KEY["fillers_per_minute"]
    assert fillers.is_better(2.0, 4.0) is True
    assert fillers.is_better(4.0, 2.0) is False
    assert fillers.is_better(3.8, 4.0) is None  # within noise
    coverage = METRIC_BY_KEY["coverage"]
    assert coverage.is_better(0.8, 0.5) is True and coverage.best([0.5, 0.8, 0.6]) == 0.8
    pace = METRIC_BY_KEY["words_per_minute"]
    assert pace.is_better(180, 120) is None and pace.best([120.0, 180.0]) is None
    assert [m.format(m.best([1.0, 2.0])) for m in METRICS if m.unit == "s"] == ["1.0 s"] * 2
    assert coverage.format(0.6667) == "67%" and fillers.format(None) == "–"


def test_the_scoring_version_names_the_package_and_the_revision() -> None:
    assert scoring_version().endswith(f", scoring {SCORING_REVISION}")
    assert scoring_version(3, "9.9.9") == "9.9.9, scoring 3"
    assert "not recorded" in scoring_version(0)


def test_every_metric_is_a_field_of_metrics() -> None:
    report: Report = scored("class weights")
    metrics = measure(report)
    for info in METRICS:
        assert info.key in metrics.to_dict()
        metrics.value(info.key)
