"""Scenario changes as transformed district rules, the Huey set-up, and the worker command."""
from decimal import Decimal

import pytest

from engine import cell_amount
from engine.budget.scenario import (
    AddedLane,
    LaneCredits,
    Policy,
    Scenario,
    ScheduleChanges,
    scenario_rules,
)


def test_schedule_changes_are_new_rules_both_engines_read(shipped):
    rules = shipped["cedar-valley"]
    year = rules.year("2026-27")
    changed = scenario_rules(rules, Scenario(name="Deal", district_id="cedar-valley", schedule=ScheduleChanges(
        raise_percent=Decimal(2), add_step=True, added_step_percent=Decimal(3), freeze_years=["2027-28"],
        add_lane=AddedLane(id="MA+45", degree="master", credits=45, after="MA+30", percent_over=Decimal(4)),
        lane_credits=[LaneCredits(lane="BA+30", credits=24)], effective_year="2026-27")))
    assert cell_amount(changed, year, 1, "BA").amount == Decimal("49878.00")  # 48,900 x 1.02
    schedule = changed.schedules[max(changed.schedules)]
    assert schedule.lanes[-2:] == ["MA+45", "PhD"]
    assert cell_amount(changed, year, 1, "MA+45").amount == Decimal("64602.72")  # 60,900 x 1.02 = 62,118 (MA+30), x 1.04
    # The open band "21+" closes at 21, and step 22 pays 3% more.
    assert [r.step for r in schedule.rows[-2:]] == [21, 22]
    assert cell_amount(changed, year, 22, "BA").amount == (cell_amount(changed, year, 21, "BA").amount * Decimal("1.03")).quantize(Decimal("0.01"))
    assert changed.lane("BA+30").credits == 24
    assert "2027-28" in changed.steps.freeze_years
    # The district's own rules are untouched.
    assert cell_amount(rules, year, 1, "BA").amount == Decimal("48900.00") and rules.lane("BA+30").credits == 30


def test_a_raise_takes_effect_the_first_year_without_an_adopted_schedule_unless_told(shipped):
    rules = shipped["cedar-valley"]   # the latest adopted schedule is 2026-27; COLA 3.0% after it
    deal = Scenario(name="Deal", district_id="cedar-valley", schedule=ScheduleChanges(
        raise_percent=Decimal(2), add_lane=AddedLane(id="MA+45", degree="master", credits=45, after="MA+30")))
    changed = scenario_rules(rules, deal)
    this_year, next_year = rules.year("2026-27"), rules.year("2027-28")
    assert cell_amount(changed, this_year, 1, "BA").amount == Decimal("48900.00")     # adopted: as it is
    assert "MA+45" not in changed.schedules[this_year.start].lanes
    # 2027-28: 48,900.00 x 1.03 (COLA) = 50,367.00, adopted with the raise: x 1.02 = 51,374.34
    assert cell_amount(changed, next_year, 1, "BA").amount == Decimal("51374.34")
    assert "MA+45" in changed.schedules[next_year.start].lanes
    # 2028-29 carries the raised schedule forward: 51,374.34 x 1.03 = 52,915.5702 -> 52,915.57
    assert cell_amount(changed, rules.year("2028-29"), 1, "BA").amount == Decimal("52915.57")
    # A raise effective in 2028-29 leaves 2027-28 as COLA carries it (50,367.00), and raises 2028-29:
    # 48,900.00 x 1.03^2 = 51,878.01 x 1.02 = 52,915.5702 -> 52,915.57
    later = scenario_rules(rules, deal.model_copy(update={"schedule": deal.schedule.model_copy(update={"effective_year": "2028-29"})}))
    assert cell_amount(later, next_year, 1, "BA").amount == Decimal("50367.00")
    assert cell_amount(later, rules.year("2028-29"), 1, "BA").amount == Decimal("52915.57")


def test_raising_the_cap_changes_the_districts_stipend_instead_of_adding_one(shipped):
    rules = shipped["harmony"]   # $200 a micro-credential, at most 8 a year, bands 5 and 6
    changed = scenario_rules(rules, Scenario(name="Cap 12", district_id="harmony", policy=Policy(
        stipend_per_micro_credential=Decimal("200.00"), stipend_cap_per_year=12)))
    stipends = [a for a in changed.additions if a.kind == "per_micro_credential"]
    assert len(stipends) == 1
    assert (stipends[0].name, stipends[0].amount, stipends[0].per_year_cap, stipends[0].eligibility.bands) == \
        ("Micro-credential stipend", Decimal("200.00"), 12, [5, 6])


def test_a_policy_adds_its_stipend_and_role_to_the_rules(shipped):
    rules = shipped["dysart"]
    changed = scenario_rules(rules, Scenario(name="P", district_id="dysart", policy=Policy(
        micro_credentials_count_toward_lanes=True, stipend_per_micro_credential=Decimal("75.00"), stipend_bands=["5"])))
    assert changed.micro_credentials.counts_toward == "lanes"
    stipend = changed.additions[-1]
    assert (stipend.kind, stipend.amount, stipend.eligibility.bands) == ("per_micro_credential", Decimal("75.00"), ["5"])
    assert rules.micro_credentials.counts_toward == "growth_steps"


def test_huey_uses_sqlite_in_the_instance_folder_unless_redis_is_named(monkeypatch, tmp_path):
    import tasks

    monkeypatch.delenv("REDIS_URL", raising=False)
    monkeypatch.setenv("LANEWISE_HUEY_DB", str(tmp_path / "queue.db"))
    queue = tasks.make_huey()
    assert type(queue).__name__ == "SqliteHuey" and queue.storage.filename == str(tmp_path / "queue.db")
    monkeypatch.delenv("LANEWISE_HUEY_DB")
    monkeypatch.delenv("LANEWISE_INSTANCE", raising=False)
    assert tasks.make_huey().storage.filename.endswith("instance/huey.db")
    monkeypatch.setenv("LANEWISE_INSTANCE", str(tmp_path / "machine-a"))
    assert tasks.make_huey().storage.filename == str(tmp_path / "machine-a" / "huey.db")
    monkeypatch.delenv("LANEWISE_INSTANCE")
    pytest.importorskip("redis")
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6399/0")
    assert type(tasks.make_huey()).__name__ == "RedisHuey"


def test_the_worker_command_is_there(runner):
    result = runner.invoke(args=["huey-worker", "--help"])
    assert result.exit_code == 0 and "Huey consumer" in result.output
