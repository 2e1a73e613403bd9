from pathlib import Path

import pytest

from rehearse.errors import RubricError, UsageError
from rehearse.language.rubric import (
    DEFAULT_TARGET,
    bundled_rubrics_dir,
    find_question,
    load_bank,
    load_rubric,
)

GOOD = """
id = "imbalanced-data"
question = "How do you handle imbalanced data?"
category = "Technical screening"
target_seconds = [60, 90]
ordered = false

[[points]]
id = "metric"
label = "A metric that fits the rare class"
phrases = ["PR AUC", "precision recall"]
"""


def write(tmp_path: Path, text: str, name: str = "q.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_loads_every_field(tmp_path):
    rubric = load_rubric(write(tmp_path, GOOD))
    assert rubric.id == "imbalanced-data"
    assert rubric.category == "Technical screening"
    assert rubric.target_seconds == (60, 90)
    assert rubric.ordered is False
    assert rubric.points[0].phrases == ("PR AUC", "precision recall")


def test_optional_fields_have_defaults(tmp_path):
    text = (
        'id = "x"\nquestion = "Q?"\n[[points]]\nid = "a"\nlabel = "A"\nphrases = ["alpha beta"]\n'
    )
    rubric = load_rubric(write(tmp_path, text))
    assert rubric.target_seconds == DEFAULT_TARGET
    assert rubric.ordered is False
    assert rubric.category == "Uncategorised"


def test_unknown_keys_are_allowed_so_the_format_can_grow(tmp_path):
    rubric = load_rubric(write(tmp_path, GOOD + '\nnotes = "later tools may add keys"\n'))
    assert rubric.id == "imbalanced-data"


@pytest.mark.parametrize(
    ("text", "field"),
    [
        (GOOD.replace('id = "imbalanced-data"\n', ""), "'id' is missing"),
        (GOOD.replace('"imbalanced-data"', '"Imbalanced Data"'), "'id' must use only"),
        (GOOD.replace('question = "How do you handle imbalanced data?"\n', ""), "'question'"),
        (GOOD.replace("[60, 90]", "[90, 60]"), "'target_seconds'"),
        (GOOD.replace("[60, 90]", '"long"'), "'target_seconds'"),
        (GOOD.replace("ordered = false", 'ordered = "no"'), "'ordered'"),
        (
            GOOD.replace('phrases = ["PR AUC", "precision recall"]', ""),
            "'points[1].phrases' is missing",
        ),
        (GOOD.replace('["PR AUC", "precision recall"]', "[]"), "'points[1].phrases'"),
        (GOOD.replace('label = "A metric that fits the rare class"\n', ""), "'points[1].label'"),
        (GOOD.split("[[points]]")[0], "'points' is missing"),
        (GOOD + '\n[[points]]\nid = "metric"\nlabel = "again"\nphrases = ["x y"]\n', "repeats"),
        (
            GOOD.replace(
                'phrases = ["PR AUC", "precision recall"]', 'phrases = ["PR AUC"]\nexamples = "x"'
            ),
            "'points[1].examples'",
        ),
        (
            GOOD.replace(
                'phrases = ["PR AUC", "precision recall"]', 'phrases = ["PR AUC"]\nnot = [""]'
            ),
            "'points[1].not'",
        ),
    ],
)
def test_malformed_rubric_names_the_file_and_the_field(tmp_path, text, field):
    path = write(tmp_path, text)
    with pytest.raises(RubricError) as caught:
        load_rubric(path)
    message = str(caught.value)
    assert str(path) in message
    assert field in message
    assert "\n" not in message


def test_invalid_toml_names_the_file(tmp_path):
    path = write(tmp_path, 'id = "x\nquestion = ')
    with pytest.raises(RubricError, match="not valid TOML") as caught:
        load_rubric(path)
    assert str(path) in str(caught.value)


def test_bundled_bank_has_the_questions_the_product_promises():
    bank = load_bank()
    ids = {r.id for r in bank}
    assert len(bank) >= 14
    for expected in [
        "project-walkthrough",
        "imbalanced-data",
        "data-leakage",
        "simple-vs-complex",
        "deploy-and-monitor",
        "model-failure",
        "precision-vs-recall",
        "regularization",
        "overfitting",
        "trees-vs-neural-nets",
        "debug-offline-metrics",
        "design-marketplace-recs",
        "design-fraud-pipeline",
        "design-search-ranking",
        "design-churn-delayed-labels",
    ]:
        assert expected in ids
    walkthrough = next(r for r in bank if r.id == "project-walkthrough")
    assert walkthrough.ordered
    assert [p.id for p in walkthrough.points][:2] == ["problem", "data-label"]
    for rubric in bank:
        assert rubric.path is not None and rubric.path.stem == rubric.id
        assert all(len(p.phrases) >= 2 for p in rubric.points), rubric.id


def test_find_question_unknown_id_is_a_usage_error():
    with pytest.raises(UsageError, match="unknown question 'nope'"):
        find_question("nope")
    assert find_question("imbalanced-data").id == "imbalanced-data"
    with pytest.raises(UsageError, match="did you mean 'imbalanced-data'"):
        find_question("imbalanced")


def test_a_pinned_question_and_its_category_come_first(tmp_path):
    def rubric(rid: str, category: str) -> str:
        return GOOD.replace('"imbalanced-data"', f'"{rid}"').replace(
            '"Technical screening"', f'"{category}"'
        )

    write(tmp_path, rubric("a-first", "A"), "a.toml")
    write(tmp_path, rubric("z-other", "Z"), "z1.toml")
    # TOML keys after a table belong to it: put pinned before the [[points]].
    text = rubric("z-walk", "Z").replace("ordered = false", "ordered = false\npinned = true")
    write(tmp_path, text, "z2.toml")
    assert [r.id for r in load_bank(tmp_path)] == ["z-walk", "z-other", "a-first"]
    assert next(r.id for r in load_bank()) == "project-walkthrough"
    write(tmp_path, GOOD.replace("ordered = false", 'pinned = "yes"'), "bad.toml")
    with pytest.raises(RubricError, match="'pinned' must be true or false"):
        load_bank(tmp_path)


def test_duplicate_ids_in_a_bank_are_refused(tmp_path):
    write(tmp_path, GOOD, "a.toml")
    write(tmp_path, GOOD, "b.toml")
    with pytest.raises(RubricError, match="repeats"):
        load_bank(tmp_path)


def test_bundled_dir_is_the_repository_folder():
    assert bundled_rubrics_dir() == Path(__file__).resolve().parent.parent / "rubrics"


def test_a_rubric_without_examples_or_not_phrases_still_loads(tmp_path):
    # The format before meaning matching: only id, label and phrases per point.
    rubric = load_rubric(write(tmp_path, GOOD))
    assert all(p.examples == () and p.not_phrases == () for p in rubric.points)


def test_examples_and_not_phrases_are_read(tmp_path):
    text = GOOD.replace(
        'phrases = ["PR AUC", "precision recall"]',
        'phrases = ["PR AUC"]\nexamples = [" We looked at the area under the PR curve. "]\n'
        'not = ["accuracy alone"]',
    )
    point = load_rubric(write(tmp_path, text)).points[0]
    assert point.examples == ("We looked at the area under the PR curve.",)
    assert point.not_phrases == ("accuracy alone",)


def test_every_bundled_point_has_examples_for_the_meaning_matcher():
    for rubric in load_bank():
        for point in rubric.points:
            assert len(point.examples) >= 2, f"{rubric.id}/{point.id}"
