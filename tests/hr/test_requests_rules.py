"""What a request would give: effective dates from windows, credit used once, expiry, Dysart's counts."""
from datetime import date
from decimal import Decimal

import pytest

from engine import load_districts
from engine.hr.assess import RequestFacts, assess
from engine.pay.windows import open_windows, window_on
from engine.teacher.record import ApprovedChange, CreditItem, Opening, PlacementRecord, TeacherRecord

DISTRICTS = load_districts()
CEDAR = DISTRICTS["cedar-valley"]
DYSART = DISTRICTS["dysart"]


def credit(id=1, kind="graduate_credit", amount="15", status="granted", earned_on=date(2026, 6, 1),
           school_year=None, used="0", pending=False):
    label = school_year or f"{earned_on.year - (earned_on.month < 7)}-{(earned_on.year - (earned_on.month < 7) + 1) % 100:02d}"
    return CreditItem(id, kind, Decimal(amount), status, label, earned_on, used=Decimal(used), pending=pending)


def facts(credits=(credit(),), placement_year="2026-27", step=1, lane="BA", growth_steps=0, years_of_service=None,
          changes=(), **request):
    record = TeacherRecord(placements=(PlacementRecord(placement_year, step, lane, years_of_service=years_of_service),),
                           credits=tuple(credits), changes=tuple(changes), opening=Opening(growth_steps=growth_steps))
    base = dict(kind="lane_change", filed_on=date(2026, 9, 15), evidence_files=1)
    base.update(request)
    return RequestFacts(record=record, **base)


@pytest.mark.parametrize("filed,window,effective,share", [
    (date(2026, 8, 1), "full-year", date(2026, 7, 1), "1"),
    (date(2026, 9, 15), "retroactive", date(2026, 7, 1), "1"),
    (date(2026, 11, 25), "second-semester", date(2027, 1, 1), "0.5"),
    (date(2027, 2, 1), "full-year", date(2027, 7, 1), "1"),
])
def test_effective_date_comes_from_the_next_window(filed, window, effective, share):
    found = window_on(CEDAR, filed)
    assert (found.window.id, found.effective, str(found.window.share_of_year)) == (window, effective, share)


def test_dysart_deadline_in_may_is_effective_the_next_july():
    found = window_on(DYSART, date(2027, 5, 1))
    assert found.deadline == date(2027, 5, 22) and found.effective == date(2027, 7, 1)
    assert found.school_year.label == "2027-28"


def test_open_windows_lists_only_windows_still_open():
    assert [w.window.id for w in open_windows(CEDAR, date(2026, 11, 25))] == ["second-semester", "full-year", "retroactive"]


def test_lane_change_gives_the_next_lane_and_its_pay():
    outcome = assess(CEDAR, facts())
    assert outcome.passes, outcome.missing
    assert (outcome.new_lane, outcome.effective) == ("BA+15", date(2026, 7, 1))
    assert (outcome.old_annual, outcome.new_annual) == (Decimal("48900.00"), Decimal("51300.00"))


def test_not_enough_credit_says_what_is_missing():
    outcome = assess(CEDAR, facts(credits=(credit(amount="9"),)))
    assert not outcome.passes
    assert any("BA+15 needs 15 credit hours" in m for m in outcome.missing)


def test_credit_used_by_an_approved_request_cannot_back_another():
    outcome = assess(CEDAR, facts(credits=(credit(used="15"),)))
    assert not outcome.passes
    assert any("attach the credit" in m for m in outcome.missing)


def test_surplus_credit_stays_for_the_next_lane():
    # 18 hours: BA -> BA+15 uses 15 of them; 3 stay on the ledger for BA+30.
    outcome = assess(CEDAR, facts(credits=(credit(amount="18"),)))
    assert outcome.passes and outcome.new_lane == "BA+15"
    assert outcome.uses == {1: Decimal("15")}


def test_expired_and_too_old_credit_is_refused():
    # Cedar Valley: credit expires after 5 years, look-back 7: earned 2021-06-30 is past 5 years before July 1, 2026.
    outcome = assess(CEDAR, facts(credits=(credit(earned_on=date(2021, 6, 30)),)))
    assert not outcome.passes and "expired" in outcome.refused[0][1]
    fresh = assess(CEDAR, facts(credits=(credit(earned_on=date(2021, 7, 1)),)))
    assert fresh.passes


def test_denied_and_ungranted_micro_credentials_do_not_count():
    mcs = tuple(credit(id=i, kind="micro_credential", amount="1", status="submitted") for i in range(15))
    outcome = assess(CEDAR, facts(credits=mcs))
    assert not outcome.passes and len(outcome.refused) == 15
    assert "counts only when granted" in outcome.refused[0][1]


def test_one_lane_change_a_year():
    earlier = ApprovedChange(40, "lane_change", date(2026, 7, 1), new_lane="BA")
    outcome = assess(CEDAR, facts(changes=(earlier,)))
    assert not outcome.passes
    assert any("1 lane change(s) a school year" in m for m in outcome.missing)
    jump = assess(CEDAR, facts(credits=(credit(amount="30"),)))
    assert jump.new_lane == "BA+15"  # 30 hours earn BA+30, but only one lane a year


def test_yearly_credit_cap():
    outcome = assess(CEDAR, facts(credits=(credit(amount="40"),), target_lane="BA+30"))
    assert any("only 30" in line for line in outcome.explanation)


def test_pending_credit_needs_evidence():
    outcome = assess(CEDAR, facts(credits=(credit(status="submitted", pending=True),), evidence_files=0))
    assert not outcome.passes
    assert any("attach evidence" in m for m in outcome.missing)


def _mcs(count, school_year="2026-27", status="granted", start=1):
    return tuple(credit(id=start + i, kind="micro_credential", amount="1", status=status, school_year=school_year)
                 for i in range(count))


def test_dysart_fifteen_granted_micro_credentials_make_a_growth_step():
    outcome = assess(DYSART, facts(kind="growth_step", filed_on=date(2026, 11, 25), credits=_mcs(15)))
    assert outcome.passes, outcome.missing
    assert outcome.new_growth_steps == 1 and outcome.effective == date(2027, 7, 1)
    # 2027-28 has no adopted schedule yet: step 2 (one advance), BA 55,080.00 x 1.02 COLA = 56,181.60;
    # one growth step: 55,080.00 x 1.02 x 1.04 = 58,428.864 -> 58,428.86
    assert (outcome.old_annual, outcome.new_annual) == (Decimal("56181.60"), Decimal("58428.86"))


def test_dysart_year_below_five_does_not_count():
    credits = _mcs(11, "2026-27") + _mcs(4, "2025-26", start=100)
    outcome = assess(DYSART, facts(kind="growth_step", filed_on=date(2026, 11, 25), credits=credits))
    assert not outcome.passes
    assert any("below the minimum of 5" in line for line in outcome.explanation)
    assert any("4 more granted micro-credential(s)" in m for m in outcome.missing)


def test_dysart_submitted_micro_credentials_do_not_count():
    outcome = assess(DYSART, facts(kind="growth_step", filed_on=date(2026, 11, 25), credits=_mcs(15, status="submitted")))
    assert not outcome.passes and outcome.new_growth_steps == 0


def test_dysart_at_most_two_growth_steps_from_micro_credentials():
    outcome = assess(DYSART, facts(kind="growth_step", filed_on=date(2026, 11, 25), credits=_mcs(15), growth_steps=2))
    assert not outcome.passes
    assert any("at most 2 growth steps" in m for m in outcome.missing)


def test_role_request_checks_eligibility():
    harmony = DISTRICTS["harmony"]
    if not harmony.roles:
        pytest.skip("no roles in the Harmony rule file")
    role = harmony.roles[0]
    outcome = assess(harmony, facts(kind="role", lane="T", step=0, role=role.id, credits=(), years_of_service=0,
                                    placement_year="2026-27"))
    assert not outcome.passes and outcome.missing


def test_unknown_target_lane_is_reported():
    outcome = assess(CEDAR, facts(target_lane="ZZ"))
    assert any("not on the 2026-27 schedule" in m for m in outcome.missing)
