"""Coaching beyond fillers on hand-made answers: pace, tangents, the guide's checks, tips, JSON."""

from __future__ import annotations

import json
import re

import pytest
from wordlists import tone_under, words_from

from rehearse.audio.clip import VoiceActivity
from rehearse.audio.delivery import Delivery
from rehearse.language.rubric import find_question
from rehearse.scoring.coaching import NO_COACHING
from rehearse.scoring.pace import pace_verdict, pace_windows
from rehearse.scoring.score import report_from_dict, score
from rehearse.text.words import Word

WALKTHROUGH = find_question("project-walkthrough")
IMBALANCE = find_question("imbalanced-data")


def scored(text, rubric=WALKTHROUGH, step=0.4, delivery=None, **kwargs):
    words = words_from(text, step=step)
    seconds = words[-1].end + 1
    extra = {"delivery": delivery} if delivery else {}
    activity = VoiceActivity.measure(tone_under(words, seconds))
    return score(words, rubric, activity, seconds, "a.wav", **extra, **kwargs)


@pytest.mark.parametrize(
    ("wpm", "verdict"), [(202, "fast"), (121, "slow"), (150, "easy to follow"), (0, None)]
)
def test_the_whole_answer_gets_a_pace_verdict(wpm, verdict):
    assert pace_verdict(wpm) == verdict


def test_pace_windows_mark_where_the_speaker_rushed_and_dragged():
    steady = words_from("word " * 38, step=0.4)  # 150 a minute for 15 s
    rushed = words_from("word " * 60, start=steady[-1].end + 0.08, step=0.25)  # 240
    dragged = words_from("word " * 20, start=rushed[-1].end + 0.2, step=0.75)  # 80
    windows = pace_windows([*steady, *rushed, *dragged])
    assert [w.verdict for w in windows] == ["steady", "rushed", "dragged"]
    assert windows[1].start == pytest.approx(15.0, abs=0.1)
    assert sum(w.words for w in windows) == 118


def test_a_stretch_touching_no_point_is_a_tangent_with_its_time_and_share():
    text = (
        "The problem was churn in our app. "
        "Our office had a lovely view of the river and the coffee machine was always broken "
        "which everybody talked about every single morning for months. "
        "The label was a cancellation within thirty days."
    )
    report = scored(text)
    tangents = report.coaching.tangents
    assert len(tangents) == 1
    assert tangents[0].text.startswith("Our office had")
    words = report.words
    assert tangents[0].start == words[7].start
    data = report.to_dict()["coaching"]["tangents"]
    assert data["seconds"] == pytest.approx(tangents[0].seconds)
    assert 0.4 < data["share"] < 0.8


def test_the_walkthrough_sentence_budget_counts_sentences_per_part():
    text = (
        "The problem was churn. Customers left after the first month. Nobody knew why. "
        "Support was swamped. "
        "The label was a cancellation within thirty days. "
        "We started with a simple baseline, a logistic regression. "
        "The final model was gradient boosting."
    )
    parts = {p.id: p for p in scored(text).coaching.guide.parts}
    assert (parts["problem"].sentences, parts["problem"].over) == (4, True)
    assert parts["problem"].start == 0.0
    assert (parts["data-label"].sentences, parts["data-label"].over) == (1, False)
    assert (parts["approach"].sentences, parts["approach"].over) == (2, False)
    assert "evaluation" not in parts


def test_vague_we_metric_without_context_and_no_baseline_are_flagged_with_quotes():
    text = (
        "We built a pipeline for search. We trained XGBoost on it. "
        "We improved AUC by three points. I liked the team."
    )
    guide = scored(text).coaching.guide
    assert guide.weak_ownership and guide.we_sentences == 3 and guide.i_sentences == 1
    assert guide.vague_we[0].text == "We built a pipeline for search."
    assert guide.metric_without_context.text == "We improved AUC by three points."
    assert guide.no_baseline.text == "We trained XGBoost on it."
    owned = scored(
        "I redesigned the feature pipeline. I chose a logistic regression baseline before "
        "XGBoost, and revenue went up."
    ).coaching.guide
    assert not owned.weak_ownership
    assert owned.metric_without_context is None and owned.no_baseline is None


def test_the_guide_checks_only_questions_about_your_own_work():
    assert scored("We built a pipeline. We trained XGBoost.", IMBALANCE).coaching.guide is None


def test_tips_are_at_most_three_ranked_each_with_a_time_and_a_quote():
    text = (
        "I think, um, we built, we built a pipeline. Basically, um, I think it was, um, maybe "
        "fine. Basically, um, I guess we, we shipped it. Basically, um, maybe it was probably "
        "the labels. We trained XGBoost. We improved AUC."
    )
    report = scored(text)
    tips = report.coaching.tips
    assert 1 <= len(tips) <= 3
    assert [t.weight for t in tips] == sorted((t.weight for t in tips), reverse=True)
    for tip in tips:
        assert re.search(r"\b\d+:\d\d\b", tip.text), tip.text
        assert '"' in tip.text, tip.text
    assert {t.kind for t in tips} >= {"hedges"}
    assert report.to_dict()["coaching"]["tips"][0]["text"] == tips[0].text


def test_a_clean_answer_gets_no_generic_tips():
    text = (
        "The problem was churn in our subscription app. The label was a cancellation within "
        "thirty days. I started with a logistic regression baseline. The final model was "
        "gradient boosting. I evaluated it on a held out test set. In production it cut churn "
        "by four percent. I learned to define the label first."
    )
    assert scored(text, step=0.4).coaching.tips == ()


def test_a_flat_voice_gets_a_tip_and_the_figures_go_into_the_json():
    flat = Delivery(40.0, 110.0, 0.5, 4.0)
    report = scored("The problem was churn. The label was a cancellation.", delivery=flat)
    assert [t.kind for t in report.coaching.tips] == ["monotone"]
    delivery = report.to_dict()["coaching"]["delivery"]
    assert delivery == {
        "voiced_seconds": 40.0,
        "pitch_median_hz": 110.0,
        "pitch_variety_semitones": 0.5,
        "loudness_variety_db": 4.0,
        "monotone": True,
    }


def test_the_coaching_reads_back_whole_and_an_older_report_reads_with_none():
    report = scored("I think we, we built a pipeline. We trained XGBoost. Maybe it helped.")
    data = json.loads(json.dumps(report.to_dict()))
    assert report_from_dict(data) == report
    data["format"] = 2
    del data["coaching"]
    old = report_from_dict(data)
    assert old.coaching == NO_COACHING
    assert old.to_dict()["coaching"]["delivery"]["pitch_variety_semitones"] is None


def test_a_hedge_is_not_also_a_filler_in_the_report():
    report = scored("The threshold is kind of arbitrary, and it was, kind of, fine.", IMBALANCE)
    assert [h.text for h in report.coaching.hedges] == ["kind of"]
    assert [f.text for f in report.fillers.items] == ["kind of"]
    assert report.fillers.items[0].start > report.coaching.hedges[0].start


def test_nothing_said_gives_empty_coaching():
    report = score([], WALKTHROUGH, VoiceActivity.measure(tone_under([Word("x", 0, 0)], 2)), 2.0)
    assert report.coaching.tips == () and report.coaching.pace is None


def test_a_phrase_the_recogniser_loops_on_is_one_note_not_the_speakers_repeats():
    # tiny.en wrote this over synthesized speech that said it once at most.
    report = scored(
        "Monitoring is the part that never ends. Ladies and gentlemen, ladies and gentlemen,"
        " ladies and gentlemen, ladies and gentlemen, predictions and then the business KPIs."
        " We, we shipped it."
    )
    assert [(r.kind, r.text) for r in report.coaching.repetitions] == [("repeat", "we")]
    assert [n for n in report.notes if "ladies and gentlemen" in n] == [
        'the recogniser wrote "ladies and gentlemen" 4 times in a row at 0:02; taken for a loop'
        " of the model, it is not counted as your repeats"
    ]
    assert report_from_dict(json.loads(json.dumps(report.to_dict()))).notes == report.notes


def test_a_phrase_said_twice_is_the_speakers_and_gets_no_note():
    report = scored("Ladies and gentlemen, ladies and gentlemen, the model shipped.")
    assert report.notes == ()
    assert [r.kind for r in report.coaching.repetitions] == ["restart"]
