"""Every filler rule's own examples are decided by that rule, and the tables are well formed."""

from __future__ import annotations

import pytest
from wordlists import words_from

from rehearse.language.filler_rules import CUSTOM, FITTED, HESITATION, PHRASES, RULES, example_words
from rehearse.language.fillers import explain_fillers, find_fillers

EXAMPLES = [
    pytest.param(phrase, rule, text, verdict, id=f"{rule.name}: {text}")
    for phrase in PHRASES
    for rule in phrase.rules
    for text, verdict in rule.examples
]


@pytest.mark.parametrize(("phrase", "rule", "text", "verdict"), EXAMPLES)
def test_each_example_is_decided_by_its_own_rule(phrase, rule, text, verdict):
    words, paused = example_words(text)
    spelled = set(phrase.spellings.values())
    # The example is about the first candidate of its phrase: an earlier rule that catches it
    # shadows this one, which is a bug in the table.
    decision = next(d for d in explain_fillers(words, paused=paused) if d.text in spelled)
    assert (decision.rule, decision.verdict) == (rule.name, verdict)
    assert decision.description == rule.description


@pytest.mark.parametrize(("text", "verdict"), HESITATION.examples)
def test_hesitation_examples(text, verdict):
    decision = explain_fillers(example_words(text)[0])[0]
    assert (decision.kind, decision.rule, decision.verdict) == ("hesitation", "hesitation", verdict)


def test_each_table_ends_in_its_default_and_names_its_rules_after_its_phrase():
    for phrase in PHRASES:
        *conditional, default = phrase.rules
        assert default.when is None, f"{phrase.name}: the last rule must be the default"
        assert all(rule.when is not None for rule in conditional), phrase.name
        for rule in phrase.rules:
            assert rule.name.startswith(f"{phrase.name}."), rule.name
            assert rule.examples, f"{rule.name} has no examples"
            assert all(verdict == rule.verdict for _text, verdict in rule.examples), rule.name
            assert "→" in rule.description and rule.description.endswith(rule.verdict)
    names = [rule.name for phrase in PHRASES for rule in phrase.rules]
    assert len(names) == len(set(names))
    fitted = {rule.name for rule in FITTED.values()}
    assert set(RULES) == {*names, *fitted, HESITATION.name, CUSTOM.name}


def test_explain_lists_content_uses_as_well_as_fillers():
    words = words_from("We used tools like Spark and, um, you know, Flink.")
    decisions = explain_fillers(words)
    assert [(d.text, d.verdict, d.rule) for d in decisions] == [
        ("like", "content", "like.compares"),
        ("um", "filler", "hesitation"),
        ("you know", "filler", "you-know.set-off"),
    ]
    assert decisions[2].word_indices == (7, 8)
    assert (decisions[2].start, decisions[2].end) == (words[7].start, words[8].end)
    found = find_fillers(words)
    assert [(f.text, f.rule, f.word_indices) for f in found] == [
        ("um", "hesitation", (6,)),
        ("you know", "you-know.set-off", (7, 8)),
    ]


def test_the_users_own_fillers_are_decided_by_the_custom_rule():
    decisions = explain_fillers(words_from("Right, so the model works."), extra=["right"])
    assert [(d.text, d.kind, d.rule, d.verdict) for d in decisions] == [
        ("right", "custom", "custom", "filler")
    ]


def test_example_words_mark_pauses_before_words():
    words, paused = example_words("And I'd / like / keep it.")
    assert [w.text for w in words] == ["And", "I'd", "like", "keep", "it."]
    assert paused == {2, 3}
