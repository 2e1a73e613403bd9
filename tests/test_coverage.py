from dataclasses import replace
from pathlib import Path

import pytest
from wordlists import words_from

from rehearse.language.coverage import (
    find_phrase,
    load_decision,
    phrase_score,
    score_coverage,
    stance_inputs,
)
from rehearse.language.meaning import shared_embedder
from rehearse.language.rubric import find_question, parse_rubric
from rehearse.language.signals import disclaims, disclaims_across


@pytest.mark.parametrize(
    ("phrase", "heard"),
    [
        ("PR AUC", "prauc"),
        ("PR AUC", "pr auc"),
        ("recall", "recoil"),
        ("class weights", "class weight"),
        ("oversampling", "over sampling"),
        ("regularization", "regularisation"),
        ("canary deployment", "cannery deployment"),
        ("logistic regression", "logistic aggression"),
    ],
)
def test_asr_slips_still_match(phrase, heard):
    assert phrase_score(phrase, heard) > 0


@pytest.mark.parametrize(
    ("phrase", "heard"),
    [
        ("recall", "record"),
        ("recall", "real"),
        ("F1", "f2"),
        ("AUC", "auto"),
        ("leakage", "leverage"),
        ("precision", "position"),
        ("baseline", "beeline"),
        ("class weights", "glass windows"),
        # Alike letter by letter, but a word of the phrase is not said at all.
        ("do differently", "really differently"),
        ("do differently", "differently"),
        ("overfitting is bad", "overfitting is when"),
    ],
)
def test_unrelated_words_do_not_match(phrase, heard):
    assert phrase_score(phrase, heard) == 0


def test_find_phrase_reports_the_tightest_run_and_its_time():
    words = words_from("we tried for oversampling first")
    match = find_phrase("oversampling", words)
    assert match is not None
    assert match.heard == "oversampling"
    assert match.start == words[3].start


def test_find_phrase_needs_every_word_of_the_phrase():
    assert find_phrase("do differently", words_from("long hauls behave really differently")) is None
    assert find_phrase("do differently", words_from("I would do it differently")) is not None
    assert find_phrase("do differently", words_from("what I'd do differently")).heard == (
        "do differently"
    )
    # An article is swapped freely, by speakers and by the recogniser.
    assert find_phrase("compared to the baseline", words_from("compared to a baseline")) is not None


def test_a_short_not_phrase_vetoes_only_when_all_of_it_is_said():
    definition = (
        "Overfitting is when the model memorizes the noise in its training set and then fails"
        " on new data."
    )
    assert "definition" in covered("overfitting", definition)
    assert "definition" not in covered("overfitting", "Overfitting is bad.")


def test_find_phrase_joins_split_words():
    assert find_phrase("PR AUC", words_from("the PRAUC went up")).heard == "prauc"
    assert find_phrase("over sampling", words_from("we did oversampling")).heard == "oversampling"
    words = words_from("the PR AUC went up")
    assert find_phrase("PR AUC", words).heard == "pr auc"


RUBRIC = {
    "id": "walk",
    "question": "Walk me through a project.",
    "ordered": True,
    "points": [
        {"id": "problem", "label": "Problem", "phrases": ["the problem was"]},
        {"id": "data", "label": "Data", "phrases": ["the label was"]},
        {"id": "impact", "label": "Impact", "phrases": ["in production"]},
    ],
}


def test_ordered_rubric_gets_seconds_per_point_and_order():
    rubric = parse_rubric(RUBRIC, Path("walk.toml"))
    words = words_from(
        "the problem was churn and | the label was cancel within thirty days"
        " | in production it cut refunds by a fifth",
        step=0.5,
        gap=10,
    )
    coverage = score_coverage(rubric, words)
    assert coverage.ratio == 1.0
    assert coverage.in_order is True
    problem, data, impact = coverage.points
    assert problem.seconds == pytest.approx(data.match.start - problem.match.start)
    assert problem.seconds == pytest.approx(12.5)
    assert impact.seconds == pytest.approx(words[-1].end - impact.match.start)


def test_points_out_of_order_are_flagged_and_missed_points_have_no_time():
    rubric = parse_rubric(RUBRIC, Path("walk.toml"))
    words = words_from("in production it cut refunds by a fifth. and the problem was churn.")
    coverage = score_coverage(rubric, words)
    assert [p.covered for p in coverage.points] == [True, False, True]
    assert coverage.in_order is False
    assert coverage.points[1].seconds is None
    assert coverage.ratio == pytest.approx(2 / 3)


def test_unordered_rubric_has_no_order_verdict():
    raw = dict(RUBRIC, ordered=False)
    coverage = score_coverage(parse_rubric(raw, Path("x.toml")), words_from("the label was x"))
    assert coverage.in_order is None
    assert all(p.seconds is None for p in coverage.points)


def test_filler_words_cannot_cover_a_point():
    raw = dict(RUBRIC, points=[{"id": "a", "label": "A", "phrases": ["um"]}])
    words = words_from("um so")
    assert score_coverage(parse_rubric(raw, Path("x.toml")), words, frozenset({0})).ratio == 0


# Coverage by meaning: the answer in the speaker's own words, decided sentence by sentence.


def covered(question: str, text: str) -> dict[str, str]:
    """The points of a bundled question ``text`` covers, each with how it matched."""
    coverage = score_coverage(find_question(question), words_from(text))
    return {p.id: p.match.how for p in coverage.points if p.match}


@pytest.mark.parametrize(
    ("point", "sentence"),
    [
        (
            "evaluation",
            "To check it worked, we held out the most recent two months and compared recall"
            " at a fixed one percent false positive rate.",
        ),
        ("problem", "The business wanted to know which subscribers were about to cancel."),
        ("impact", "Once it was live, fraud losses went down by about twenty two percent."),
    ],
)
def test_a_point_said_in_other_words_is_covered_by_meaning(point, sentence):
    # None of these says a phrase of the point: the phrase matcher missed all three.
    assert covered("project-walkthrough", sentence).get(point) == "meaning"


@pytest.mark.parametrize(
    ("question", "point", "sentence"),
    [
        (
            "project-walkthrough",
            "impact",
            "As for impact, honestly, I don't know what the impact in production was.",
        ),
        (
            "simple-vs-complex",
            "simplest",
            "People like to say you should always go with the simplest model, but I don't treat"
            " that as a rule.",
        ),
        (
            "drift-and-retraining",
            "trigger",
            "We talked about retraining when an alert fires, but we never set that up.",
        ),
    ],
)
def test_saying_it_is_not_denying_it(question, point, sentence):
    assert point not in covered(question, sentence)


def test_a_not_phrase_keeps_a_sentence_from_covering_its_point():
    raw = dict(
        RUBRIC,
        points=[
            {
                "id": "store",
                "label": "A feature store",
                "phrases": ["feature store"],
                "not": ["without a feature store"],
            }
        ],
    )
    rubric = parse_rubric(raw, Path("x.toml"))
    assert score_coverage(rubric, words_from("We served it from a feature store.")).ratio == 1
    assert score_coverage(rubric, words_from("We managed without a feature store.")).ratio == 0


def test_each_point_carries_the_sentence_that_covered_it_and_each_sentence_its_decision():
    rubric = parse_rubric(RUBRIC, Path("walk.toml"))
    words = words_from(
        "Hello there everyone. The problem was churn. | In production it cut refunds by a fifth.",
        gap=3,
    )
    coverage = score_coverage(rubric, words)
    problem, data, _ = coverage.points
    assert problem.match is not None and problem.match.sentence == "The problem was churn."
    assert problem.match.start == words[3].start and problem.match.end == words[6].end
    assert problem.match.how in {"phrase", "both"} and problem.match.strength > 0
    assert data.match is None
    assert [(s.text, s.point) for s in coverage.sentences] == [
        ("Hello there everyone.", None),
        ("The problem was churn.", "problem"),
        ("In production it cut refunds by a fifth.", "impact"),
    ]


def test_out_of_order_names_which_point_came_where():
    rubric = parse_rubric(RUBRIC, Path("walk.toml"))
    coverage = score_coverage(
        rubric, words_from("In production it cut refunds by a fifth. The problem was churn.")
    )
    assert coverage.in_order is False
    [(said, expected)] = coverage.out_of_order()
    assert (said.id, expected.id) == ("impact", "problem")
    assert [p.id for p in coverage.timeline()] == ["impact", "problem"]


# Round 2: substance against mention.


@pytest.mark.parametrize(
    ("question", "point", "sentence"),
    [
        # A phrase of the point, said as a wish or in passing, names the topic only.
        ("design-fraud-pipeline", "monitoring", "And we'd have some dashboards, the usual."),
        (
            "training-serving-skew",
            "logging",
            "We log every request the model gets, but we haven't trained on those logs yet.",
        ),
        (
            "deploy-and-monitor",
            "rollback",
            "Honestly there isn't really anything in place to roll back a bad model.",
        ),
    ],
)
def test_a_mention_without_the_substance_does_not_cover(question, point, sentence):
    assert point not in covered(question, sentence)


@pytest.mark.parametrize(
    ("question", "point", "sentence"),
    [
        (
            "design-fraud-pipeline",
            "monitoring",
            "After launch we watch the alert rate and the review queue every day and page"
            " someone when the score distribution drifts.",
        ),
        (
            "training-serving-skew",
            "logging",
            "We log the exact features each request was served with and train the next model"
            " on those logs.",
        ),
        # Round 25: a denial that describes someone or something else vetoes nothing.
        (
            "project-walkthrough",
            "problem",
            "The problem was that dispatchers had no idea which shipments would arrive late until"
            " the customer was already on the phone.",
        ),
        (
            "data-leakage",
            "time-split",
            "To avoid it, if the data has time in it, I split by date, so training is earlier and"
            " validation is later, never random.",
        ),
    ],
)
def test_the_same_point_said_with_its_substance_is_covered(question, point, sentence):
    assert point in covered(question, sentence)


# Round 5: what the speaker says about the topic, in the clause after it.


@pytest.mark.parametrize(
    ("question", "point", "disowned", "delivered"),
    [
        (
            "imbalanced-data",
            "resampling",
            "Everybody oversamples the minority class first thing, and honestly I'm not a fan.",
            "I'd oversample the minority class so the model sees enough positives.",
        ),
        # Round 25: other teams' way, then the speaker's verdict against it.
        (
            "drift-and-retraining",
            "schedule",
            "Some teams just retrain every month no matter what, but it felt wasteful for us.",
            "We just retrain every month, no matter what.",
        ),
    ],
)
def test_a_topic_named_and_then_disowned_does_not_cover(question, point, disowned, delivered):
    assert point not in covered(question, disowned)
    assert point in covered(question, delivered)


def test_a_weights_file_from_before_the_stance_read_out_still_loads_and_decides():
    # Round 2's file, fitted before the ``stance`` signal and its read-out existed.
    old = load_decision(Path(__file__).parent / "data" / "coverage-weights-round2.json")
    coverage = score_coverage(
        find_question("project-walkthrough"),
        words_from("It shipped in March and cut manual reviews by about a third."),
        decision=old,
    )
    assert [p.id for p in coverage.points if p.covered] == ["impact"]


def test_a_weights_file_whose_read_out_has_a_hidden_layer_loads_and_decides():
    # Round 23's trial (benchmarks/README.md, "Round 23"): a read-out with 32 tanh units, fitted
    # by ``coverage_fit --hidden 32``. It reads a hand-off far below a delivery, and decides.
    hidden = load_decision(Path(__file__).parent / "data" / "coverage-weights-round23-hidden.json")
    assert hidden.stance_hidden is not None
    handed_off = "What it did for the business, that's a question for the product manager."
    delivered = "Once it was live, refunds fell by about a fifth in the first quarter."
    given, kept = hidden.stances(stance_inputs([delivered, handed_off], shared_embedder()))
    assert given - kept > 3
    walkthrough = find_question("project-walkthrough")
    for text, expected in ((delivered, True), (handed_off, False)):
        coverage = score_coverage(walkthrough, words_from(text), decision=hidden)
        assert ("impact" in {p.id for p in coverage.points if p.covered}) is expected


# Round 7: the recogniser cuts sentences where the speaker did not.


def test_judging_two_sentences_as_one_still_reports_each_sentence_once():
    # A decision that also judges each two consecutive sentences as one (for a sentence the
    # recogniser cut in half) lists the answer's own sentences, and places a point where a
    # sentence starts.
    paired = replace(load_decision(), windows=True)
    text = (
        "The business wanted to know which subscribers would cancel. We started with a"
        " logistic regression on usage. Then gradient boosted trees on the same features."
        " Once it shipped it cut churn by about a fifth."
    )
    coverage = score_coverage(
        find_question("project-walkthrough"), words_from(text), decision=paired
    )
    assert [s.text for s in coverage.sentences] == [
        s.text
        for s in score_coverage(find_question("project-walkthrough"), words_from(text)).sentences
    ]
    starts = {s.start for s in coverage.sentences}
    assert all(p.match.start in starts for p in coverage.points if p.match)
    assert {"problem", "approach"} <= {p.id for p in coverage.points if p.covered}


# Each disowning class with a sentence it catches and a near miss in the same words that must not
# fire, because there the point was done.
@pytest.mark.parametrize(
    ("disowned", "done"),
    [
        # Someone else's view, reported to be rejected.
        (
            "People love SMOTE, but on our data it never moved the needle.",
            "The team was six people, but the retrieval piece was mine end to end.",
        ),
        (
            "A lot of people reach for class weights first, and I'm not a fan.",
            "Calling people keeps some of them, so we measured retention on a holdout.",
        ),
        # A wish or plan that something stopped.
        (
            "The plan was to send five percent of traffic first, but the launch was pulled in.",
            "We wanted to know which towers would fail the next day so crews could get there.",
        ),
        (
            "I'd love to try a tabular transformer on this sometime.",
            "I should have said earlier, we kept a stratified test set of five thousand tickets.",
        ),
        # "Never" with a past verb and the speaker as subject.
        (
            "We never went back to check how consistent the labels were.",
            "We never shuffle time series, we split by date.",
        ),
        (
            "I've never seen the lift quantified, knock on wood.",
            "We trained on one store and tested on another it had never seen.",
        ),
        (
            "We never shuffled the rows.",
            "We never shuffled the rows, we split by date instead.",
        ),
        # Put off to no particular time, or handed to whoever gets to it.
        (
            "I'd probably look into that eventually.",
            "I'd look at the labels first, then at the features.",
        ),
        (
            "Retraining is whenever someone gets around to it.",
            "We retrain every Monday, and an alert fires if the score drifts.",
        ),
        # Doubting it ever happened, or the numbers were someone else's.
        (
            "We said we'd compare against the old model, but I don't think that ever got built.",
            "I don't think the labels were the problem, so we checked the split first.",
        ),
        (
            "The impact numbers were someone else's to report.",
            "The impact was a six percent drop in late deliveries.",
        ),
        # Not done, in the perfect, with the speaker as subject; a thing as subject describes it.
        (
            "I haven't really had to check whether the imbalance was a problem.",
            "Regularization helps the model do better on data it hasn't seen.",
        ),
        # Not bothering with it.
        (
            "I've tried it twice, so I don't really bother.",
            "We bother to check every feature's timestamp.",
        ),
        # Other teams' way or advice heard, set against the speaker's own; without the turn the
        # speaker may hold it.
        (
            "Some teams just retrain every month no matter what, but it felt wasteful for us.",
            "Some teams retrain every month, and we did too, on the first Monday.",
        ),
        (
            "I've heard you should fit the scaling inside each fold, but I just do it on all.",
            "I've heard the label definition debated for weeks, and we settled on thirty days.",
        ),
        # A denial in a relative clause or a condition describes something else.
        (
            "How it was evaluated, I wasn't really part of that.",
            "I compared customers who didn't get the email with those who did.",
        ),
        (
            "The label, I'm not sure how they defined it.",
            "I ask the data owners if I'm not sure when a value gets written.",
        ),
        # Someone else having no idea is the problem told.
        (
            "What it did for the business, honestly no idea.",
            "Dispatchers had no idea which shipments would arrive late.",
        ),
        # Whole words: "never ran" is not "never random".
        (
            "We never ran it against the live data.",
            "I split by date, never random.",
        ),
    ],
)
def test_disowning_classes_fire_and_their_near_misses_do_not(disowned, done):
    assert disclaims(disowned)
    assert not disclaims(done)


# Round 22: a sentence whose stance touches the topic without delivering it covers nothing. No
# disclaimer pattern names these hand-offs; the read-out of the sentence's meaning does.


@pytest.mark.parametrize(
    ("question", "point", "handed_off", "delivered"),
    [
        (
            "deploy-and-monitor",
            "rollback",
            "Rolling back a bad model, that's the platform team's department, they've got their own"
            " runbook for it.",
            "If the new model misbehaves we flip the traffic back to the previous version, which"
            " takes a couple of minutes.",
        ),
        (
            "design-search-ranking",
            "training-serving",
            "The latency side of it I'd hand over to the infrastructure folks, it's really their"
            " call.",
            "To stay inside a fifty millisecond budget we'd precompute the document features"
            " offline and only compute the query features at request time.",
        ),
        (
            "imbalanced-data",
            "threshold",
            "There's the cutoff to think about as well, but I'd just keep the default and move on.",
            "Then I'd move the cutoff until the cost of the missed frauds and the wasted reviews"
            " balances out.",
        ),
    ],
)
def test_a_point_handed_off_or_waved_away_is_not_covered(question, point, handed_off, delivered):
    assert not disclaims(handed_off)
    assert point not in covered(question, handed_off)
    assert point in covered(question, delivered)


@pytest.mark.parametrize(
    "lesson",
    [
        "I learned to define the label first.",
        "What I'd change is talking to users earlier.",
    ],
)
def test_a_lesson_said_as_a_wish_still_delivers_the_lesson(lesson):
    # The read-out hears a wish as a near miss; a point is held to its own examples' stance,
    # and a lesson's are wishes too.
    assert "learned" in covered("project-walkthrough", lesson)


def test_a_disclaimer_the_recogniser_cut_in_two_still_denies_the_sentence_it_began_in():
    said_as_one = (
        "Some teams just retrain every month, no matter what. But it felt wasteful for us."
    )
    assert "schedule" not in covered("drift-and-retraining", said_as_one)
    # The speaker's own way, then a "but" that does not take it back, still covers.
    own = "We just retrain every month, no matter what. But it is cheap for us."
    assert "schedule" in covered("drift-and-retraining", own)


# Round 26, from a review of round 25: the speaker's own denials still deny, and a "but" that
# brings the speaker's own way does not disown what others do.
@pytest.mark.parametrize(
    ("sentence", "denies"),
    [
        ("Honestly, that wasn't part of my role.", True),
        ("The honest answer is that I haven't measured the business impact.", True),
        ("We built a drift monitor that never got deployed.", True),
        ("I honestly had no idea what the model was doing.", True),
        ("We'd had no idea what the impact was.", True),
        ("I'm always mixing up precision and recall.", True),
        ("We weren't measuring drift at all.", True),
        ("Many teams retrain on a fixed schedule, but we retrain when the monitor fires.", False),
        ("A lot of people churned in the first week, but the model caught most of them.", False),
        ("I've read through the error logs by hand, but the main fix was a dedup step.", False),
        ("We didn't double count returns, we deduplicated on order id.", False),
        ("The loss didn't settle until the third epoch.", False),
    ],
)
def test_whose_denial_it_is(sentence, denies):
    assert disclaims(sentence) is denies


def test_a_cut_that_leaves_only_the_subject_behind_is_the_next_sentences_denial():
    assert not disclaims_across("We had fresh labels and we", "never checked if it helped.")
    assert disclaims_across("Some teams retrain monthly, no matter what", "But it felt wasteful.")
