"""Properties over generated teacher histories: retroactive pay is the daily difference of the two timelines (with
and without the change) times the days already paid, FTE applied once; a record's timeline and its rate on a date
agree; what the timeline assumes filed is what HR's decision would give."""
from dataclasses import replace
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from engine import load_districts
from engine.hr.assess import change_retro
from engine.pay.windows import window_dates
from engine.teacher.record import ApprovedChange, PlacementRecord, TeacherRecord
from engine.teacher.state import Walk, rate_on, walk

DISTRICTS = load_districts()


@st.composite
def histories(draw):
    """A teacher placed in 2026-27 on a real cell, an approved change in a real window, and a payroll date."""
    rules = DISTRICTS[draw(st.sampled_from(sorted(DISTRICTS)))]
    year = rules.year("2026-27")
    lanes = [lane.id for lane in rules.lanes if lane.id in rules.adopted_schedule(year)[1].lanes]
    lane_index = draw(st.integers(0, len(lanes) - 1))
    schedule = rules.adopted_schedule(year)[1]
    steps = [r.first for r in schedule.rows if not r.reserved
             and (schedule.kind == "index" and r.index[lane_index] is not None
                  or schedule.kind != "index" and r.amounts[lane_index] is not None)]
    step = draw(st.sampled_from(steps))
    fte = draw(st.sampled_from([Decimal("1"), Decimal("0.5"), Decimal("0.75"), Decimal("0.4")]))
    record = TeacherRecord(placements=(PlacementRecord("2026-27", step, lanes[lane_index], fte),))
    window = draw(st.sampled_from(rules.submission_windows)) if rules.submission_windows else None
    effective = window_dates(rules, window, year).effective if window else year.start
    share = window.share_of_year if window else Decimal(1)
    if lane_index + 1 < len(lanes) and draw(st.booleans()):
        change = ApprovedChange(1, "lane_change", effective, share, new_lane=lanes[lane_index + 1])
    else:
        change = ApprovedChange(1, "growth_step", effective, share, new_growth_steps=1)
    today = effective + timedelta(days=draw(st.integers(0, 800)))
    return rules, record, change, today


@settings(max_examples=150, deadline=None)
@given(histories())
def test_retroactive_pay_is_the_daily_difference_times_the_days_paid(history):
    rules, record, change, today = history
    with_change = replace(record, changes=(change,))
    first = rules.year("2026-27")
    years = max(1, (today - first.start).days // 365 + 2)
    plan = Walk(first, years, assume_filing=False)
    without, within = walk(rules, record, plan), walk(rules, with_change, plan)
    expected = Decimal(0)
    for before, after in zip(without, within, strict=True):
        start = max(change.effective, before.school_year.start)
        end = before.school_year.end
        if start >= end or start >= max(today, change.effective):
            continue
        elapsed = (min(today, end) - start).days
        span = (end - start).days
        # The timelines' yearly totals carry FTE (once) and the window's share of the first year, so the owed
        # amount is their difference for the part of the year already paid.
        owed = (after.total - before.total) * elapsed / span
        expected += owed.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    assert change_retro(rules, record, change, today).amount == expected


@settings(max_examples=40, deadline=None)
@given(histories())
def test_the_rate_on_a_date_is_the_timeline_from_that_date(history):
    rules, record, change, _ = history
    with_change = replace(record, changes=(change,))
    day = rules.year("2027-28").start
    rate = rate_on(rules, with_change, day)
    year = walk(rules, with_change, Walk(rules.year("2027-28"), 1, assume_filing=False))[0]
    assert rate.total == year.total and rate.position == year.position
