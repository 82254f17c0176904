"""Reading the scenario form into the engine's Scenario; the form's values from a saved one; the rule file's value
that each empty field stands for; and which field each problem belongs to."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from pydantic import ValidationError

from engine.budget.scenario import (
    AddedLane,
    ExperienceShare,
    Vacancy,
    LaneCredits,
    LaneShare,
    NewRole,
    Policy,
    Scenario,
    ScheduleChanges,
)
from engine.pay.cells import latest_schedule_year, schedule_for
from engine.rules import DistrictRules, dated_value
from web.finance.proposal_form import form_from_proposal, labels, proposal_from_form

# Each form field's label, as problems and the page name it.
LABELS = {
    "name": "Scenario name", "district_id": "District", "roster_id": "Roster", "start_year": "First school year",
    "years": "Years to project", "cola_percent": "COLA", "attrition_percent": "Attrition",
    "retiree_share_percent": "Retiree share", "uptake_percent": "Uptake", "persistence_percent": "Persistence",
    "micro_credentials_per_participant": "Micro-credentials per participant", "hiring_step": "Hiring step",
    "hiring_lanes": "Hiring lane mix", "program_cost_per_micro_credential": "Program cost per micro-credential",
    "units": "Bargaining units", "hiring_experience": "Hires' prior experience", "vacancies": "Vacancies",
    "toward_lanes": "Micro-credentials count toward lanes", "credit_hours_per_micro_credential": "Hours per micro-credential",
    "stipend_per_micro_credential": "Stipend per micro-credential", "stipend_cap_per_year": "Stipend cap",
    "stipend_bands": "Stipend bands", "new_role": "New role", "role_name": "Role: name", "role_supplement": "Role: supplement",
    "role_min_years": "Role: years", "role_micro_credentials": "Role: micro-credentials",
    "role_share_percent": "Role: share taking it", "raise_percent": "Across-the-board raise",
    "add_step": "Add a step", "added_step_percent": "Added step", "freeze_years": "Step freeze",
    "lane_credits": "Lane credit changes", "add_lane_id": "New lane: id", "add_lane_degree": "New lane: degree",
    "add_lane_credits": "New lane: credits", "add_lane_after": "New lane: right of",
    "add_lane_percent": "New lane: percent", "effective_year": "Schedule changes take effect in",
    "social_security": "Social Security", "medicare": "Medicare",
    "retirement_percent": "Retirement rate", "health_per_head": "Health per head", "worst_case": "Worst case",
    "draws": "Monte Carlo draws", "seed": "Seed",
}
LABELS.update(labels())
# Where the engine's field paths (Scenario, Policy, ScheduleChanges, NewRole, AddedLane) sit on the form.
PATHS = {
    "policy.micro_credentials_count_toward_lanes": "toward_lanes", "policy.new_role.name": "role_name",
    "policy.new_role.id": "role_name", "policy.new_role.supplement": "role_supplement",
    "policy.new_role.min_years": "role_min_years", "policy.new_role.micro_credentials": "role_micro_credentials",
    "policy.new_role.share_percent": "role_share_percent", "schedule.add_lane.id": "add_lane_id",
    "schedule.add_lane.degree": "add_lane_degree", "schedule.add_lane.credits": "add_lane_credits",
    "schedule.add_lane.after": "add_lane_after", "schedule.add_lane.percent_over": "add_lane_percent",
}


class FormError(ValueError):
    """The form's problems, field by field: `fields` maps a form field (or "" for the whole form) to its messages."""

    def __init__(self, problems: list[tuple[str, str]]):
        self.fields: dict[str, list[str]] = {}
        for name, message in problems:
            self.fields.setdefault(name, []).append(message)
        super().__init__("; ".join(self.problems))

    @property
    def problems(self) -> list[str]:
        """Every problem as "Label: message", for the summary at the top of the form."""
        return [f"{LABELS.get(name, name)}: {message}" if name else message
                for name, messages in self.fields.items() for message in messages]


def field_of(path: str) -> str:
    """The form field an engine path such as "hiring_lanes[0].lane" or "policy.stipend_cap_per_year" belongs to."""
    found = re.match(r"proposal\[(\d+)\]\.(\w+)", path)
    if found:
        part = {"raises": "raise_lanes", "merge_lanes": "merge", "one_time": "one_time_lanes", "grid_csv": "grid_file"}
        return f"p{int(found.group(1)) + 1}_{part.get(found.group(2), 'school_year')}"
    path = re.sub(r"\[\d+\]", "", path)
    for prefix, name in PATHS.items():
        if path == prefix or path.startswith(prefix + "."):
            return name
    for part in reversed(path.split(".")):
        if part in LABELS:
            return part
    if path.startswith("schedule."):
        return path.split(".")[1] if path.split(".")[1] in LABELS else ""
    return ""


def engine_problems(problems: list[str]) -> FormError:
    """The engine's "path: message" problems (ScenarioError), each placed at its field."""
    placed = []
    for problem in problems:
        path, sep, message = problem.partition(": ")
        name = field_of(path) if sep and " " not in path else ""
        placed.append((name, message if name else problem))
    return FormError(placed)


DECIMAL_FIELDS = ("cola_percent", "attrition_percent", "retiree_share_percent", "uptake_percent", "persistence_percent",
                  "program_cost_per_micro_credential", "retirement_percent", "health_per_head")


def _decimal(form, name: str, problems: list[str], label: str) -> Decimal | None:
    text = (form.get(name) or "").strip().replace(",", "").replace("$", "").replace("%", "")
    if not text:
        return None
    try:
        return Decimal(text)
    except InvalidOperation:
        problems.append((name, f"expected a number, got {text!r}"))
        return None


def _int(form, name: str, problems: list[str], label: str) -> int | None:
    text = (form.get(name) or "").strip()
    if not text:
        return None
    if not re.fullmatch(r"\d+", text):
        problems.append((name, f"expected a whole number, got {text!r}"))
        return None
    return int(text)


def _pairs(text: str, problems: list, name: str) -> list[tuple[str, str]]:
    """'BA: 60, MA: 40' -> [('BA', '60'), ('MA', '40')]."""
    pairs = []
    for part in [p.strip() for p in re.split(r"[,;\n]", text or "") if p.strip()]:
        key, sep, value = part.rpartition(":")
        if not sep or not key.strip():
            problems.append((name, f"expected name:number pairs such as 'BA:60, MA:40', got {part!r}"))
            continue
        pairs.append((key.strip(), value.strip()))
    return pairs


def scenario_from_form(form, rules: DistrictRules | None = None, files=None) -> Scenario:
    """The Scenario a submitted form describes; every problem raises FormError, placed at its field.

    An empty field takes the rule file's value (the page shows it): the engine fills most of them itself; the
    stipend cap and the hours per micro-credential are read here from the district's current rules.
    """
    problems: list[tuple[str, str]] = []
    data: dict = {"name": (form.get("name") or "").strip(), "district_id": form.get("district_id") or ""}
    if (form.get("start_year") or "").strip():
        data["start_year"] = form.get("start_year").strip()
    for key in ("years", "micro_credentials_per_participant", "hiring_step", "draws", "seed"):
        value = _int(form, key, problems, LABELS[key])
        if value is not None:
            data[key] = value
    for key in DECIMAL_FIELDS:
        value = _decimal(form, key, problems, LABELS[key])
        if value is not None:
            data[key] = value
    for key in ("social_security", "medicare"):
        if form.get(key) in ("yes", "no"):
            data[key] = form.get(key) == "yes"
    data["worst_case"] = bool(form.get("worst_case"))
    data["units"] = [u for u in form.getlist("units")] if hasattr(form, "getlist") else list(form.get("units") or [])
    data["hiring_experience"] = []
    for years, value in _pairs(form.get("hiring_experience", ""), problems, "hiring_experience"):
        try:
            data["hiring_experience"].append(ExperienceShare(years=int(years), percent=Decimal(value)))
        except (InvalidOperation, ValidationError, ValueError):
            problems.append(("hiring_experience", f"expected years:percent pairs such as '0:70, 5:30', got {years}:{value}"))
    data["vacancies"] = []
    for line in [l.strip() for l in (form.get("vacancies") or "").splitlines() if l.strip()][:200]:
        parts = [p.strip() for p in line.split(",")]
        try:
            count, unit, lane, fte, funding = (parts + ["", "", "", ""])[:5]
            data["vacancies"].append(Vacancy(count=int(count), unit=(rules.unit_of(unit) if rules else unit) or unit or "teachers",
                                             lane=lane or None, fte=Decimal(fte or "1.00"), funding=funding))
        except (InvalidOperation, ValidationError, ValueError):
            problems.append(("vacancies", f"expected 'count, unit, lane, FTE, funding' such as '2, counselors, MA, 1.00, "
                                          f"Title I', got {line!r}"))
    data["hiring_lanes"] = []
    for lane, value in _pairs(form.get("hiring_lanes", ""), problems, "hiring_lanes"):
        try:
            data["hiring_lanes"].append(LaneShare(lane=lane, percent=Decimal(value)))
        except (InvalidOperation, ValidationError):
            problems.append(("hiring_lanes", f"expected a percent for {lane}, got {value!r}"))
    current = rule_file_values(rules) if rules is not None else {}
    policy: dict = {"micro_credentials_count_toward_lanes": bool(form.get("toward_lanes"))}
    hours = _decimal(form, "credit_hours_per_micro_credential", problems, "")
    if hours is None and current.get("credit_hours_per_micro_credential"):
        hours = Decimal(current["credit_hours_per_micro_credential"])
    if hours is not None:
        policy["credit_hours_per_micro_credential"] = hours
    stipend = _decimal(form, "stipend_per_micro_credential", problems, "")
    if stipend is not None and stipend > 0:
        policy["stipend_per_micro_credential"] = stipend.quantize(Decimal("0.01"))
        cap = _int(form, "stipend_cap_per_year", problems, "")
        if cap is None and current.get("stipend_cap_per_year"):
            cap = int(current["stipend_cap_per_year"])
        if cap:
            policy["stipend_cap_per_year"] = cap
        bands = [b.strip() for b in (form.get("stipend_bands") or "").split(",") if b.strip()]
        if bands:
            policy["stipend_bands"] = bands
    if form.get("new_role"):
        role: dict = {"name": (form.get("role_name") or "New teacher-leader role").strip()}
        for key in ("role_min_years", "role_micro_credentials"):
            value = _int(form, key, problems, "")
            if value is not None:
                role[key.removeprefix("role_")] = value
        for key in ("role_supplement", "role_share_percent"):
            value = _decimal(form, key, problems, "")
            if value is not None:
                role[key.removeprefix("role_")] = value.quantize(Decimal("0.01")) if key == "role_supplement" else value
        try:
            policy["new_role"] = NewRole(**role)
        except ValidationError as exc:
            problems += [(field_of(f"policy.new_role.{e['loc'][-1]}"), e["msg"]) for e in exc.errors()]
    changes: dict = {"add_step": bool(form.get("add_step"))}
    raise_percent = _decimal(form, "raise_percent", problems, "")
    if raise_percent is not None:
        changes["raise_percent"] = raise_percent
    step_percent = _decimal(form, "added_step_percent", problems, "")
    if step_percent is not None:
        changes["added_step_percent"] = step_percent
    changes["freeze_years"] = [y.strip() for y in (form.get("freeze_years") or "").split(",") if y.strip()]
    if (form.get("effective_year") or "").strip():
        changes["effective_year"] = form["effective_year"].strip()
    if (form.get("add_lane_id") or "").strip():
        try:
            changes["add_lane"] = AddedLane(id=form["add_lane_id"].strip(), degree=form.get("add_lane_degree") or "master",
                                            credits=_int(form, "add_lane_credits", problems, "") or 0,
                                            after=(form.get("add_lane_after") or "").strip(),
                                            percent_over=_decimal(form, "add_lane_percent", problems, "") or Decimal(4))
        except ValidationError as exc:
            problems += [(field_of(f"schedule.add_lane.{e['loc'][-1]}"), e["msg"]) for e in exc.errors()]
    changes["lane_credits"] = []
    for lane, value in _pairs(form.get("lane_credits", ""), problems, "lane_credits"):
        if not value.isdigit():
            problems.append(("lane_credits", f"expected whole hours for {lane}, got {value!r}"))
            continue
        changes["lane_credits"].append(LaneCredits(lane=lane, credits=int(value)))
    data["proposal"] = proposal_from_form(form, files, problems)
    if problems:
        raise FormError(problems)
    try:
        return Scenario(**data, policy=Policy(**policy), schedule=ScheduleChanges(**changes))
    except ValidationError as exc:
        raise FormError([(field_of(".".join(str(p) for p in e["loc"])), e["msg"]) for e in exc.errors()]) from None


def rule_file_values(rules: DistrictRules) -> dict[str, str]:
    """What each empty field of the scenario form stands for in this district's rule file, as the page shows it."""
    budget = rules.budget
    year = latest_schedule_year(rules)
    schedule, _, _ = schedule_for(rules, year)
    retirement = dated_value(budget.retirement_rate, year.start)
    health = dated_value(budget.health_per_head, year.start)
    stipends = [a for a in rules.additions if a.kind == "per_micro_credential"]
    values = {
        "start_year": year.label, "cola_percent": str(budget.cola_percent),
        "attrition_percent": str(budget.attrition_percent), "retiree_share_percent": str(budget.retiree_share_percent),
        "uptake_percent": str(budget.micro_credential_uptake_percent),
        "persistence_percent": str(budget.micro_credential_persistence_percent
                                   if budget.micro_credential_persistence_percent is not None
                                   else budget.micro_credential_uptake_percent),
        "effective_year": year.plus(1).label,
        "hiring_step": str(max(rules.steps.hiring_step, schedule.first_step)),
        "hiring_lanes": f"{schedule.lanes[0]}:100",
        "social_security": (f"paid, {budget.fica.social_security_rate}%" if budget.fica.social_security else "not paid"),
        "medicare": f"paid, {budget.fica.medicare_rate}%" if budget.fica.medicare else "not paid",
        "retirement_percent": "0" if retirement is None else str(retirement),
        "health_per_head": "0.00" if health is None else str(health),
        "credit_hours_per_micro_credential": str(rules.micro_credentials.credit_hours_each or 1),
    }
    capped = [a.per_year_cap for a in stipends if a.per_year_cap]
    if capped:
        values["stipend_cap_per_year"] = str(capped[0])
    if stipends:
        first = stipends[0]
        amount = dated_value(first.amount, year.start)
        bands = first.eligibility.bands
        values["current_stipend"] = (f"{first.name}: ${amount} each" + (f", at most {first.per_year_cap} a year" if first.per_year_cap else "")
                                     + (f", bands {' and '.join(map(str, bands))}" if bands else ""))
    values["lanes"] = ", ".join(schedule.lanes)
    return values


def form_from_scenario(scenario: Scenario) -> dict:
    """The form's fields for a saved scenario (to edit or copy it)."""
    s = scenario
    out = {"name": s.name, "district_id": s.district_id, "start_year": s.start_year or "", "years": s.years,
           "micro_credentials_per_participant": s.micro_credentials_per_participant,
           "hiring_step": "" if s.hiring_step is None else s.hiring_step, "draws": s.draws, "seed": s.seed,
           "worst_case": s.worst_case,
           **{key: "" if getattr(s, key) is None else ("yes" if getattr(s, key) else "no")
              for key in ("social_security", "medicare")},
           "effective_year": s.schedule.effective_year or "",
           "hiring_lanes": ", ".join(f"{x.lane}:{x.percent}" for x in s.hiring_lanes),
           "units": list(s.units), "hiring_experience": ", ".join(f"{x.years}:{x.percent}" for x in s.hiring_experience),
           "vacancies": "\n".join(f"{v.count}, {v.unit}, {v.lane or ''}, {v.fte}, {v.funding}" for v in s.vacancies),
           "toward_lanes": s.policy.micro_credentials_count_toward_lanes,
           "credit_hours_per_micro_credential": s.policy.credit_hours_per_micro_credential,
           "stipend_per_micro_credential": s.policy.stipend_per_micro_credential or "",
           "stipend_cap_per_year": s.policy.stipend_cap_per_year or "",
           "stipend_bands": ", ".join(s.policy.stipend_bands or []),
           "new_role": s.policy.new_role is not None,
           "raise_percent": s.schedule.raise_percent, "add_step": s.schedule.add_step,
           "added_step_percent": s.schedule.added_step_percent, "freeze_years": ", ".join(s.schedule.freeze_years),
           "lane_credits": ", ".join(f"{x.lane}:{x.credits}" for x in s.schedule.lane_credits)}
    for key in DECIMAL_FIELDS:
        value = getattr(s, key)
        out[key] = "" if value is None else value
    if s.policy.new_role:
        role = s.policy.new_role
        out.update(role_name=role.name, role_supplement=role.supplement, role_min_years=role.min_years,
                   role_micro_credentials=role.micro_credentials, role_share_percent=role.share_percent)
    out.update(form_from_proposal(list(s.proposal)))
    if s.schedule.add_lane:
        lane = s.schedule.add_lane
        out.update(add_lane_id=lane.id, add_lane_degree=lane.degree, add_lane_credits=lane.credits,
                   add_lane_after=lane.after, add_lane_percent=lane.percent_over)
    return out
