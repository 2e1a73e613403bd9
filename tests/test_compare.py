"""Comparing two attempts, on reports scored from hand-made word lists."""

from __future__ import annotations

from wordlists import tone_under, words_from

from rehearse.audio.clip import VoiceActivity
from rehearse.language.rubric import find_question
from rehearse.scoring.compare import compare
from rehearse.scoring.score import Report, score

RUBRIC = find_question("imbalanced-data")


def scored(text: str, question: str = "imbalanced-data", gap: float = 0.0) -> Report:
    words = words_from(text, start=0.5, step=0.5, gap=gap)
    samples = tone_under(words, words[-1].end + 1)
    return score(
        words, find_question(question), VoiceActivity.measure(samples), len(samples) / 16000, "a"
    )


BEFORE = scored(
    "so um first check the class ratio and um | like we used class weights um and you know"
    " oversampling",
    gap=1.5,
)
AFTER = scored(
    "first check the class ratio then we used class weights and uh tune the threshold on"
    " business cost"
)


def test_metrics_change_with_a_verdict_each() -> None:
    result = compare(BEFORE, AFTER)
    by_key = {m.info.key: m for m in result.metrics}
    fillers = by_key["fillers_per_minute"]
    assert fillers.before == BEFORE.fillers.per_minute and fillers.after == AFTER.fillers.per_minute
    assert fillers.change is not None and fillers.change < 0 and fillers.better is True
    pauses = by_key["pauses_per_minute"]
    assert pauses.before and pauses.after == 0 and pauses.better is True
    assert by_key["words_per_minute"].better is None  # pace is neither better nor worse
    assert result.speaking_change == round(AFTER.speaking_seconds - BEFORE.speaking_seconds, 1)


def test_fillers_word_by_word_biggest_change_first() -> None:
    result = compare(BEFORE, AFTER)
    changes = {c.word: (c.before, c.after) for c in result.fillers}
    assert changes["um"] == (3, 0)
    assert changes["uh"] == (0, 1)
    assert result.fillers[0].word == "um"


def test_pauses_and_points_gained_and_lost() -> None:
    result = compare(BEFORE, AFTER)
    assert result.pauses[0].count == 1 and result.pauses[0].longest >= 1.0
    assert result.pauses[1].count == 0 and result.pauses[1].seconds == 0
    labels = {p.id: p.label for p in RUBRIC.points}
    assert result.gained == (labels["threshold"],)
    assert result.lost == (labels["resampling"],)
    assert set(result.kept) == {labels["confirm"], labels["class-weights"]}
    assert result.same_question


def test_the_transcripts_are_aligned_word_by_word() -> None:
    result = compare(BEFORE, AFTER)
    before = [w.text for w in BEFORE.words]
    after = [w.text for w in AFTER.words]
    # The opcodes cover both transcripts, in order, without gaps.
    assert result.alignment[0].i1 == 0 and result.alignment[0].j1 == 0
    assert result.alignment[-1].i2 == len(before) and result.alignment[-1].j2 == len(after)
    for a, b in zip(result.alignment, result.alignment[1:], strict=False):
        assert (a.i2, a.j2) == (b.i1, b.j1)
    equal = [" ".join(before[o.i1 : o.i2]) for o in result.alignment if o.tag == "equal"]
    assert "first check the class ratio" in equal
    assert "we used class weights" in equal
    removed = [" ".join(before[o.i1 : o.i2]) for o in result.alignment if o.tag == "delete"]
    assert "so um" in removed
    assert 0 < result.words_in_common < 1
    assert compare(BEFORE, BEFORE).words_in_common == 1


def test_attempts_at_different_questions_compare_figures_but_not_points() -> None:
    other = scored("we add dropout and early stopping", question="overfitting")
    result = compare(BEFORE, other)
    assert not result.same_question
    assert result.gained == () and result.lost == ()
