"""Which target length applies to a question: decided in one place, the service layer."""

from __future__ import annotations

from rehearse.language.rubric import load_bank
from rehearse.service import target_for, with_target, without_targets
from rehearse.storage.settings import Settings

BANK = {r.id: r for r in load_bank()}
SHORT = BANK["overfitting"]  # 60-90 s, the default
DESIGN = BANK["design-search-ranking"]  # 120-240 s
DEPLOY = BANK["deploy-and-monitor"]  # 60-120 s


def test_a_flag_beats_the_users_own_which_beats_the_questions() -> None:
    settings = Settings(targets={"overfitting": (45, 75)})
    assert target_for(SHORT, settings, (10, 20)).seconds == (10, 20)
    assert target_for(SHORT, settings, (10, 20)).source == "flag"
    assert target_for(SHORT, settings).seconds == (45, 75)
    assert target_for(SHORT, settings).source == "yours"
    assert target_for(DESIGN, settings).seconds == (120, 240)
    assert target_for(DESIGN, settings).source == "question"
    assert target_for(SHORT).seconds == (60, 90)


def test_an_old_single_target_applies_only_where_the_default_was() -> None:
    legacy = Settings(target_seconds=(45, 75))
    assert target_for(SHORT, legacy).seconds == (45, 75)
    assert target_for(DESIGN, legacy).seconds == (120, 240)
    assert target_for(DEPLOY, legacy).seconds == (60, 120)
    # A question's own setting wins over the old one.
    both = Settings(target_seconds=(45, 75), targets={"overfitting": (30, 40)})
    assert target_for(SHORT, both).seconds == (30, 40)


def test_changing_one_question_spreads_the_old_target_and_drops_it() -> None:
    legacy = Settings(target_seconds=(45, 75))
    changed = with_target(legacy, list(BANK.values()), "overfitting", None)
    assert changed.target_seconds is None
    assert "overfitting" not in changed.targets
    assert changed.targets["regularization"] == (45, 75)
    assert "design-search-ranking" not in changed.targets
    for rubric in BANK.values():
        if rubric.id != "overfitting":
            assert target_for(rubric, changed) == target_for(rubric, legacy)
    assert without_targets(changed) == Settings()
