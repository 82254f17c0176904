"""Steps as districts publish them, blank cells as each district means them, and lanes that absorb no one.

Each schedule here is a few rows of a real published grid (tests/data/schedules/, sources
in SOURCES.md there) inside a minimal rule file, so each shape is read on its own.
"""
from decimal import Decimal

import pytest

from engine import EstimateInput, RuleInputError, cell_amount, estimate, parse_rules
from engine.pay.cells import step_number

HEAD = """district: {id: t, name: Test District, state: MN}
lanes:
%s
schedules:
  2024-07-01:
    kind: grid
%s
    lanes: [%s]
    rows:
%s
"""


def rules_for(lanes: list[str], rows: list[str], settings: str = "", extra: str = "", degrees: dict | None = None):
    degrees = degrees or {}
    lane_lines = "\n".join(f"  - {{id: \"{lane}\", degree: {degrees.get(lane, 'bachelor')}}}" for lane in lanes)
    text = HEAD % (lane_lines, settings, ", ".join(f'"{lane}"' for lane in lanes), "\n".join(f"      - {row}" for row in rows))
    return parse_rules("t.yaml", text + extra)


def pay(rules, step, lane, year="2024-25", **options) -> str:
    result = estimate(rules, EstimateInput(school_year=year, step=step_number(rules, rules.year(year), step), lane=lane,
                                           **options))
    return result


# Milton (WI): steps 1-16, then 25 and 30; lane B blank at 12-14 and paid again from 15.
MILTON = ['{step: 11, amounts: [94620, 96599, 101446]}', '{step: 12, amounts: [~, 98496, 106852]}',
          '{step: 13, amounts: [~, ~, 108749]}', '{step: 14, amounts: [~, ~, 110210]}',
          '{step: 15, amounts: [96084, 99956, 110733]}', '{step: 16, amounts: [99663, 103634, 113342]}',
          '{step: 25, amounts: [100584, 104575, 114332]}', '{step: 30, amounts: [101507, 105517, 115320]}']
M_LANES = ["B", "B+15", "M/B+30"]


def test_skipped_steps_read_as_longevity_keep_a_teacher_on_16_until_year_25():
    rules = rules_for(M_LANES, MILTON, "    skipped_steps: longevity\n    blank_cells: carry")
    timeline = pay(rules, 16, "B", years=10).to_json()["timeline"]
    assert [y["base_salary"] for y in timeline] == ["99663.00"] * 9 + ["100584.00"]
    assert [y["step"] for y in timeline][-1] == 25
    assert "paid as step 16 (longevity" in timeline[3]["explanation"][0]


def test_skipped_steps_read_as_next_row_move_one_row_a_year_and_are_not_cells():
    rules = rules_for(M_LANES, MILTON, "    skipped_steps: next_row\n    blank_cells: carry")
    timeline = pay(rules, 16, "B", years=3).to_json()["timeline"]
    assert [(y["step"], y["base_salary"]) for y in timeline] == [(16, "99663.00"), (25, "100584.00"), (30, "101507.00")]
    with pytest.raises(RuleInputError, match="step 20 is not on the schedule: its steps skip from 16 to 25"):
        cell_amount(rules, rules.year("2024-25"), 20, "B")


def test_a_hole_in_a_lane_carries_the_cell_above_or_is_no_cell_as_the_district_says():
    carry = rules_for(M_LANES, MILTON, "    skipped_steps: longevity\n    blank_cells: carry")
    assert cell_amount(carry, carry.year("2024-25"), 13, "B").amount == Decimal("94620")
    none = rules_for(M_LANES, MILTON, "    skipped_steps: longevity\n    blank_cells: none")
    with pytest.raises(RuleInputError, match="lane B has no cell at step 13"):
        cell_amount(none, none.year("2024-25"), 13, "B")
    # Teachers in lane B step over the hole: 11, then 15.
    assert [y["step"] for y in pay(none, 11, "B", years=2).to_json()["timeline"]] == [11, 15]


# Norfolk (NE): lane BA ends at step 8, BA+9 at step 9.
NORFOLK = ['{step: 7, amounts: [50110, 51886, 53662]}', '{step: 8, amounts: [51886, 53662, 55437]}',
           '{step: 9, amounts: [~, 55437, 57213]}', '{step: 10, amounts: [~, ~, 58988]}']


def test_past_a_ragged_lanes_end_carry_pays_its_last_cell_and_none_stops_the_teacher_there():
    carry = rules_for(["BA", "BA+9", "BA+18"], NORFOLK, "    blank_cells: carry")
    carried = pay(carry, 7, "BA", years=4).to_json()["timeline"]
    assert [(y["step"], y["base_salary"]) for y in carried] == [(7, "50110.00"), (8, "51886.00"), (9, "51886.00"),
                                                               (10, "51886.00")]
    none = rules_for(["BA", "BA+9", "BA+18"], NORFOLK, "    blank_cells: none")
    with pytest.raises(RuleInputError, match="lane BA has no cell at step 9"):
        cell_amount(none, none.year("2024-25"), 9, "BA")
    stopped = pay(none, 7, "BA", years=4).to_json()["timeline"]
    assert [(y["step"], y["base_salary"]) for y in stopped] == [(7, "50110.00"), (8, "51886.00"), (8, "51886.00"),
                                                               (8, "51886.00")]


def test_a_lane_that_starts_late_has_no_cell_before_its_start():
    # Worcester (MD): the "1st Maint" lanes start at step 6.
    rules = rules_for(["APL NBC", "APL 1st Maint"], ['{step: 5, amounts: [69475, ~]}', '{step: 6, amounts: [70428, 78428]}'])
    assert cell_amount(rules, rules.year("2024-25"), 6, "APL 1st Maint").amount == Decimal("78428")
    with pytest.raises(RuleInputError, match="lane APL 1st Maint has no cell at step 5: it starts at step 6"):
        cell_amount(rules, rules.year("2024-25"), 5, "APL 1st Maint")


def test_letter_steps_and_letter_bands_read_by_label():
    rules = rules_for(["BA"], ['{step: K, amounts: [59680]}', '{step: L-N, amounts: [61417]}', '{step: Y+, amounts: [63209]}'],
                      "    skipped_steps: next_row")
    year = rules.year("2024-25")
    assert step_number(rules, year, "K") == 11 and step_number(rules, year, "M") == 13
    assert [y["base_salary"] for y in pay(rules, "K", "BA", years=5).to_json()["timeline"]] == \
        ["59680.00", "61417.00", "61417.00", "61417.00", "63209.00"]


def test_labels_with_their_number_in_brackets_take_that_number():
    # Forest Lake (MN): "K (8)", "L (9)", "L.5 (10)", "M (11)".
    rules = rules_for(["BA"], ['{step: "K (8)", amounts: [54244]}', '{step: "L (9)", amounts: [57500]}',
                               '{step: "L.5 (10)", amounts: [61683]}', '{step: "M (11)", amounts: [65865]}'])
    year = rules.year("2024-25")
    assert [step_number(rules, year, label) for label in ("L.5 (10)", "L.5", "l.5", "M", 10)] == [10, 10, 10, 11, 10]
    assert cell_amount(rules, year, 10, "BA").explanation.startswith("step L.5 (10), lane BA: 61683.00")


def test_bands_written_with_an_ampersand_and_an_open_end():
    # Anoka-Hennepin (MN): "1 & 2", "3 & 4" ... "23+".
    rules = rules_for(["BA"], ['{step: "1 & 2", amounts: [47941]}', '{step: "3 & 4", amounts: [49390]}',
                               '{step: "23+", amounts: [82532]}'], "    skipped_steps: longevity")
    year = rules.year("2024-25")
    amounts = [cell_amount(rules, year, step, "BA").amount for step in (1, 2, 3, 4, 22, 23, 40)]
    assert amounts == [Decimal(a) for a in ("47941", "47941", "49390", "49390", "49390", "82532", "82532")]


def test_a_reserved_row_with_blank_cells_is_skipped():
    # Chisago Lakes (MN): rows A and E hold no salary.
    rules = rules_for(["BA"], ['{step: D, amounts: [48284]}', '{step: E, reserved: true, amounts: [~]}',
                               '{step: F, amounts: [50911]}'])
    assert [y["step"] for y in pay(rules, "D", "BA", years=2).to_json()["timeline"]] == [4, 6]


# --- lanes -------------------------------------------------------------------------------------

LANES = ['{step: 1, amounts: [40000, 45000, 47000]}', '{step: 2, amounts: [41000, 46000, 48000]}']


def test_a_lane_typed_like_one_to_its_left_does_not_absorb_a_teacher_without_new_credit():
    # Non-licensed and BA both typed "bachelor", as the issue found them.
    rules = rules_for(["NL", "BA", "BA+15"], LANES, degrees={"BA+15": "bachelor, credits: 15"})
    assert pay(rules, 1, "NL", years=2).to_json()["timeline"][1]["lane"] == "NL"
    assert pay(rules, 1, "NL", credits=Decimal(15), years=1).to_json()["lane"] == "BA+15"


def test_a_lane_can_need_no_degree():
    rules = rules_for(["NL", "BA", "BA+15"], LANES, degrees={"NL": "none", "BA+15": "bachelor, credits: 15"})
    stays = pay(rules, 1, "NL", years=2).to_json()
    assert stays["timeline"][1]["lane"] == "NL" and stays["timeline"][1]["base_salary"] == "41000.00"
    assert pay(rules, 1, "NL", degree="bachelor", years=1).to_json()["lane"] == "BA"


@pytest.mark.parametrize("per_year, lanes", [(0, ["BA", "BA"]), (1, ["BA+15", "BA+30"]), (2, ["BA+30", "BA+30"]),
                                             (None, ["BA+30", "BA+30"])])
def test_lane_changes_per_year_takes_any_number_including_none_at_all(per_year, lanes):
    rows = ['{step: 1, amounts: [40000, 42000, 44000]}', '{step: 2, amounts: [41000, 43000, 45000]}']
    counting = "" if per_year is None else f"counting: {{lane_changes_per_year: {per_year}}}\n"
    text = HEAD % ("  - {id: BA, degree: bachelor}\n  - {id: BA+15, degree: bachelor, credits: 15}\n"
                   "  - {id: BA+30, degree: bachelor, credits: 30}", "", "BA, BA+15, BA+30",
                   "\n".join(f"      - {row}" for row in rows)) + counting
    rules = parse_rules("t.yaml", text)
    timeline = estimate(rules, EstimateInput(school_year="2024-25", step=1, lane="BA", credits=Decimal(30), years=2))
    assert [y["lane"] for y in timeline.to_json()["timeline"]] == lanes


def test_an_equivalent_is_met_only_by_its_own_degree():
    # Chisago Lakes: "BA+75/MA+15" is master + 15 or bachelor + 75; a master's with no credit stays in "BA+60/MA".
    text = (HEAD % ('  - {id: "BA+60/MA", degree: master, equivalent: [{degree: bachelor, credits: 60}]}\n'
                    '  - {id: "BA+75/MA+15", degree: master, credits: 15, equivalent: [{degree: bachelor, credits: 75}]}',
                    "", '"BA+60/MA", "BA+75/MA+15"', "      - {step: B, amounts: [50911, 52222]}"))
    rules = parse_rules("t.yaml", text)
    assert pay(rules, "B", "BA+60/MA", years=1).to_json()["base_salary"] == "50911.00"
    assert pay(rules, "B", "BA+60/MA", degree="bachelor", credits=Decimal(75), years=1).to_json()["lane"] == "BA+75/MA+15"


def test_hr_assessment_enforces_any_number_of_lane_changes_a_year_zero_too():
    from datetime import date

    from engine import load_districts
    from engine.hr.assess import RequestFacts, assess
    from engine.teacher.record import CreditItem, PlacementRecord, TeacherRecord

    cedar = load_districts()["cedar-valley"]
    record = TeacherRecord(placements=(PlacementRecord("2026-27", 1, "BA"),),
                           credits=(CreditItem(1, "graduate_credit", Decimal(30), "granted", "2025-26", date(2026, 6, 1)),))
    facts = RequestFacts(kind="lane_change", filed_on=date(2026, 9, 15), record=record, evidence_files=1)
    outcomes = {}
    for per_year in (0, 1, 2):
        counting = cedar.counting.model_copy(update={"lane_changes_per_year": per_year})
        outcomes[per_year] = assess(cedar.model_copy(update={"counting": counting}), facts)
    assert not outcomes[0].passes and "allows no lane changes" in " ".join(outcomes[0].missing)
    assert outcomes[1].new_lane == "BA+15" and outcomes[2].new_lane == "BA+30"
