import pytest
from wordlists import words_from

from rehearse.fillers import find_fillers, hesitation_form


def fillers(text: str, extra=()) -> list[str]:
    return [f.text for f in find_fillers(words_from(text), extra)]


@pytest.mark.parametrize(
    ("spelling", "canonical"),
    [
        ("um", "um"),
        ("umm", "um"),
        ("ummmm", "um"),
        ("uhm", "um"),
        ("uh", "uh"),
        ("uhh", "uh"),
        ("er", "er"),
        ("err", "er"),
        ("erm", "erm"),
        ("ah", "ah"),
        ("ahh", "ah"),
        ("hmm", "hmm"),
        ("hm", "hmm"),
        ("mm", "hmm"),
        ("mhm", "hmm"),
    ],
)
def test_hesitations_in_any_spelling_or_length(spelling, canonical):
    assert hesitation_form(spelling) == canonical
    assert fillers(f"So, {spelling.capitalize()}, the model.") == [canonical]


@pytest.mark.parametrize("word", ["umbrella", "her", "ahead", "hum", "uhura", "error", "mmap"])
def test_words_that_merely_look_like_hesitations_are_content(word):
    assert hesitation_form(word) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("We used tools like Spark and Flink.", []),
        ("I like XGBoost for tabular data.", []),
        ("It looks like a leak.", []),
        ("I would, like, tune the threshold.", ["like"]),
        ("And, like, the recall dropped.", ["like"]),
        ("Like, we never checked the labels.", ["like"]),
        ("and like the recall dropped.", ["like"]),
        ("You know, the labels were noisy.", ["you know"]),
        ("Do you know the base rate?", []),
        ("You know the answer already.", []),
        ("it was slow, you know, in production.", ["you know"]),
        ("I mean, we shipped it anyway.", ["i mean"]),
        ("I mean the validation set, not the test set.", []),
        ("That is what I mean.", []),
        ("It was kind of slow.", ["kind of"]),
        ("This kind of model overfits.", []),
        ("What sort of data do we have?", []),
        ("The results were sort of random.", ["sort of"]),
        ("Basically, the model memorised the data.", ["basically"]),
        ("It was literally, twice as fast.", ["literally"]),
        ("We basically retrained.", []),
    ],
)
def test_discourse_fillers_only_where_they_are_padding(text, expected):
    assert fillers(text) == expected


def test_filler_keeps_time_and_word_indices():
    words = words_from("So, um, the you know metric")
    found = find_fillers(words)
    assert [(f.text, f.kind, f.word_indices) for f in found] == [
        ("um", "hesitation", (1,)),
        ("you know", "discourse", (3, 4)),
    ]
    assert found[1].start == words[3].start and found[1].end == words[4].end


def test_user_extra_fillers_always_count():
    assert fillers("Right, so, the model. Right.", extra=["right", "so"]) == [
        "right",
        "so",
        "right",
    ]
    found = find_fillers(words_from("at the end of the day it works"), ["at the end of the day"])
    assert [(f.text, f.kind) for f in found] == [("at the end of the day", "custom")]
