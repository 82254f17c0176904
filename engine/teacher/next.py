"""What moves a teacher next (credit for the next lane or growth step, the next window and
from when it pays, missing role requirements) and the best next step, ranked by what it adds.
Both read the teacher's record through the same functions as the timeline and HR's decision."""
from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

from engine.errors import RuleInputError
from engine.money import ZERO, money_str, quantity_str
from engine.pay.additions import role_check, role_line
from engine.pay.credit import earned_lane, lanes_on, next_lane
from engine.pay.windows import window_on
from engine.rules import DistrictRules
from engine.school_year import SchoolYear
from engine.teacher.progress import earn, lane_credit, pools
from engine.teacher.record import MICRO_CREDENTIAL, CreditItem, TeacherRecord
# _filing_dates: the window this year's credit is filed in, as the walk itself assumes it (one truth).
from engine.teacher.state import Walk, _filing_dates, opening_position, walk


def next_window(rules: DistrictRules, today: date) -> dict | None:
    """The next submission deadline on or after a date, and when a raise filed by it takes effect."""
    found = window_on(rules, today)
    return found.to_json() if found else None


def with_planned(record: TeacherRecord, school_year: str, micro_credentials: int = 0,
                 hours: Decimal = ZERO) -> TeacherRecord:
    """The record with more credit planned in a school year (what-if, next and best all plan this way)."""
    extra = []
    low = min([c.id for c in record.credits if c.id is not None and c.id < 0], default=0)
    if micro_credentials:
        extra.append(CreditItem(low - 1, MICRO_CREDENTIAL, Decimal(micro_credentials), "planned", school_year,
                                title=f"{micro_credentials} more micro-credential(s)"))
    if hours:
        extra.append(CreditItem(low - 2, "graduate_credit", Decimal(hours), "planned", school_year,
                                title=f"{hours} more credit hours"))
    return replace(record, credits=record.credits + tuple(extra))


def micro_credentials_to_next_phase(rules: DistrictRules, record: TeacherRecord, year: SchoolYear, today: date,
                                    position, opening: int, assume_granted: bool = True) -> int:
    """How many more micro-credentials earned this school year complete the next phase, by the same count HR
    applies (the yearly minimum and cap, what approvals used); submitted ones hold their place when assumed."""
    rule = rules.micro_credentials
    when = window_on(rules, today) if today else None
    limit = rule.per_growth_step + rules.counting.min_micro_credentials_per_year
    for needed in range(limit + 1):
        planned = with_planned(record, year.label, needed)
        pool = pools(rules, planned.credits, when.effective if when else year.start, assume_granted=assume_granted,
                     opening_micro_credentials=opening)
        if earn(rules, year, position, pool, kinds=("growth_step",)).growth_added:
            return needed
    return limit


def next_moves(rules: DistrictRules, record: TeacherRecord, school_year: SchoolYear, today: date) -> dict:
    """Credit still needed for the next lane or growth step (by the same count HR applies), the next window and
    its effective date, and each role's missing requirements."""
    now = walk(rules, record, Walk(school_year, 1, today=today, assume_filing=False))[0]
    position = now.position
    _, opening = opening_position(rules, record, school_year)
    window = window_on(rules, today)
    effective = window.effective if window else school_year.start
    pool = pools(rules, record.credits, effective, assume_granted=True, opening_micro_credentials=opening)
    result: dict = {"school_year": school_year.label, "lane": position.lane, "next_lane": None, "degree_lane": None,
                    "next_growth_step": None, "next_window": window.to_json() if window else None, "roles": [],
                    "notes": list(pool.notes)}
    base, hours, mc_hours = lane_credit(rules, position, pool)
    credit = base + hours + mc_hours
    found = next_lane(rules, school_year, position.degree, credit)
    mc_rule = rules.micro_credentials
    if found:
        target, needed = found
        entry = {"lane": target.id, "credits_needed": quantity_str(needed), "credit_counted": quantity_str(credit)}
        if mc_rule.counts_toward == "lanes" and mc_rule.credit_hours_each > 0:
            entry["micro_credentials_needed"] = int(-(-needed // mc_rule.credit_hours_each))
        result["next_lane"] = entry
    else:
        result["degree_lane"] = _next_degree_lane(rules, school_year, position.degree, credit)
    if mc_rule.counts_toward == "growth_steps" and mc_rule.per_growth_step:
        room = mc_rule.max_growth_steps is None or position.micro_credential_growth_steps < mc_rule.max_growth_steps
        if room:
            have = int(pool.micro_credential_count)
            needed = micro_credentials_to_next_phase(rules, record, school_year, today, position, opening)
            result["next_growth_step"] = {
                "growth_step": position.growth_steps + 1, "micro_credentials_needed": needed,
                "micro_credentials_counted": have, "per_phase": mc_rule.per_growth_step,
                "min_per_year": rules.counting.min_micro_credentials_per_year}
    held = roles_held(record, today)
    result["roles"] = [_role_entry(rules, role, school_year, now.placement, role.id in held) for role in rules.roles]
    return result


def roles_held(record: TeacherRecord, day: date) -> set[str]:
    """The roles HR has approved for the teacher, in effect on a date."""
    return {change.role for change in record.changes if change.role and change.effective <= day}


def _role_entry(rules: DistrictRules, role, school_year: SchoolYear, placement, held: bool) -> dict:
    """A role's requirements (or that it is held) and what it pays this teacher a year (the timeline's supplement
    line: FTE applied)."""
    entry = role_check(rules, role, school_year, placement).to_json()
    entry["held"] = held
    if held:
        entry["eligible"], entry["missing"] = True, []
    line = role_line(rules, role, school_year, replace(placement, role=role.id))
    entry["supplement"] = money_str(line.amount) if line is not None else None
    return entry


def _next_degree_lane(rules: DistrictRules, year: SchoolYear, degree: str, credits: Decimal) -> dict | None:
    """The next lane to the right when only a higher degree opens it, and the degree it needs."""
    lanes = lanes_on(rules, year)
    current = earned_lane(rules, year, degree, credits)
    for lane in lanes[lanes.index(current) + 1:]:
        return {"lane": lane.id, "degree": lane.degree}
    return None


def best_next_steps(rules: DistrictRules, record: TeacherRecord, plan: Walk) -> list[dict]:
    """The options the rules allow, ranked by what they add over the timeline (the same walk as what-if)."""
    baseline = walk(rules, record, plan)
    label = plan.first.label
    options: list[tuple[str, str, TeacherRecord, Walk]] = []
    counts: dict[str, int] = {}  # micro-credentials each option plans this school year
    targets: dict[str, dict] = {}  # the lane or growth step an option is for
    one = max(1, rules.counting.min_micro_credentials_per_year)
    counts["micro_credential"] = one
    options.append(("micro_credential", f"{one} more micro-credential{'s' if one > 1 else ''} this year",
                    with_planned(record, label, one), plan))
    mc_rule = rules.micro_credentials
    moves = next_moves(rules, record, plan.first, plan.today or plan.first.start)
    if mc_rule.counts_toward == "growth_steps" and mc_rule.per_growth_step and moves["next_growth_step"]:
        n = moves["next_growth_step"]["micro_credentials_needed"]
        if n and n != one:
            counts["stack"] = n
            targets["stack"] = {"growth_step": moves["next_growth_step"]["growth_step"]}
            options.append(("stack", f"{n} more micro-credentials this year, for growth step "
                                     f"{moves['next_growth_step']['growth_step']}", with_planned(record, label, n), plan))
    if moves["next_lane"]:
        needed = Decimal(moves["next_lane"]["credits_needed"])
        targets["credit"] = targets["micro_credentials_for_lane"] = {"lane": moves["next_lane"]["lane"]}
        options.append(("credit", f"{needed} credit hours for lane {moves['next_lane']['lane']}",
                        with_planned(record, label, hours=needed), plan))
        if "micro_credentials_needed" in moves["next_lane"]:
            n = moves["next_lane"]["micro_credentials_needed"]
            counts["micro_credentials_for_lane"] = n
            options.append(("micro_credentials_for_lane", f"{n} micro-credentials for lane {moves['next_lane']['lane']}",
                            with_planned(record, label, n), plan))
    held = roles_held(record, plan.today or plan.first.start)
    for role in rules.roles:
        if role.id not in held:  # a role already held adds nothing: it is on the path already
            options.append(("role", f"qualify for {role.name}", record, replace(plan, aim_role=role.id)))
    ranked = []
    for kind, text, option, option_plan in options:
        try:
            result = walk(rules, option, option_plan)
        except RuleInputError:
            continue
        gain = sum((y.total for y in result), ZERO) - sum((y.total for y in baseline), ZERO)
        first = next((k for k, y in enumerate(result) if y.total != baseline[k].total), None)
        entry = {"kind": kind, "option": text, "gain_over_years": money_str(gain),
                 "gain_this_year": money_str(result[0].total - baseline[0].total), "years": len(result),
                 "pays_from": result[first].school_year.label if first is not None else None,
                 "micro_credentials": counts.get(kind, 0), "first_year_gain": None, "move": False,
                 "effective": None, "file_by": None, "share_of_year": None, **targets.get(kind, {})}
        if first is not None:
            # What it adds in the first school year it pays, and whether that is a move (a lane or growth step:
            # it stays, and starts on the window's effective date) or pay for that year only (a stipend).
            entry["first_year_gain"] = money_str(result[first].total - baseline[first].total)
            moved = result[first].position != baseline[first].position
            entry["move"] = moved
            if moved:
                filing = _filing_dates(rules, option_plan, option_plan.first, 0)
                entry["effective"] = (filing.effective if filing else result[first].school_year.start).isoformat()
                entry["file_by"] = filing.deadline.isoformat() if filing else None
                entry["share_of_year"] = str(filing.window.share_of_year) if filing else "1"
        ranked.append(entry)
    ranked.sort(key=lambda o: Decimal(o["gain_over_years"]), reverse=True)
    return ranked
