"""Reading the scenario form into the engine's Scenario, and the form's defaults from a saved one."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from pydantic import ValidationError

from engine.budget.scenario import (
    AddedLane,
    LaneCredits,
    LaneShare,
    NewRole,
    Policy,
    Scenario,
    ScheduleChanges,
)


class FormError(ValueError):
    """The form's problems, field by field."""

    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


def _decimal(form, name: str, problems: list[str], label: str) -> Decimal | None:
    text = (form.get(name) or "").strip().replace(",", "").replace("$", "").replace("%", "")
    if not text:
        return None
    try:
        return Decimal(text)
    except InvalidOperation:
        problems.append(f"{label}: expected a number, got {text!r}")
        return None


def _int(form, name: str, problems: list[str], label: str) -> int | None:
    text = (form.get(name) or "").strip()
    if not text:
        return None
    if not re.fullmatch(r"\d+", text):
        problems.append(f"{label}: expected a whole number, got {text!r}")
        return None
    return int(text)


def _pairs(text: str, problems: list[str], label: str) -> list[tuple[str, str]]:
    """'BA: 60, MA: 40' -> [('BA', '60'), ('MA', '40')]."""
    pairs = []
    for part in [p.strip() for p in re.split(r"[,;\n]", text or "") if p.strip()]:
        name, sep, value = part.rpartition(":")
        if not sep or not name.strip():
            problems.append(f"{label}: expected lane:number pairs such as 'BA:60, MA:40', got {part!r}")
            continue
        pairs.append((name.strip(), value.strip()))
    return pairs


def scenario_from_form(form) -> Scenario:
    """The Scenario a submitted form describes; every problem raises FormError."""
    problems: list[str] = []
    data: dict = {"name": (form.get("name") or "").strip(), "district_id": form.get("district_id") or ""}
    for key, label in (("start_year", "First school year"),):
        if (form.get(key) or "").strip():
            data[key] = form.get(key).strip()
    for key, label in (("years", "Years to project"), ("micro_credentials_per_participant", "Micro-credentials per participant"),
                       ("hiring_step", "Hiring step"), ("draws", "Monte Carlo draws"), ("seed", "Seed")):
        value = _int(form, key, problems, label)
        if value is not None:
            data[key] = value
    for key, label in (("cola_percent", "COLA"), ("attrition_percent", "Attrition"), ("retiree_share_percent", "Retiree share"),
                       ("uptake_percent", "Uptake"), ("program_cost_per_micro_credential", "Program cost per micro-credential"),
                       ("fica_percent", "FICA rate"), ("retirement_percent", "Retirement rate"),
                       ("health_per_head", "Health per head")):
        value = _decimal(form, key, problems, label)
        if value is not None:
            data[key] = value
    if form.get("fica_enabled") in ("yes", "no"):
        data["fica_enabled"] = form.get("fica_enabled") == "yes"
    data["worst_case"] = bool(form.get("worst_case"))
    data["hiring_lanes"] = []
    for lane, value in _pairs(form.get("hiring_lanes", ""), problems, "Hiring lane mix"):
        try:
            data["hiring_lanes"].append(LaneShare(lane=lane, percent=Decimal(value)))
        except (InvalidOperation, ValidationError):
            problems.append(f"Hiring lane mix: expected a percent for {lane}, got {value!r}")
    policy: dict = {"micro_credentials_count_toward_lanes": bool(form.get("toward_lanes"))}
    hours = _decimal(form, "credit_hours_per_micro_credential", problems, "Hours per micro-credential")
    if hours is not None:
        policy["credit_hours_per_micro_credential"] = hours
    stipend = _decimal(form, "stipend_per_micro_credential", problems, "Stipend per micro-credential")
    if stipend is not None and stipend > 0:
        policy["stipend_per_micro_credential"] = stipend.quantize(Decimal("0.01"))
        cap = _int(form, "stipend_cap_per_year", problems, "Stipend cap")
        if cap:
            policy["stipend_cap_per_year"] = cap
        bands = [b.strip() for b in (form.get("stipend_bands") or "").split(",") if b.strip()]
        if bands:
            policy["stipend_bands"] = bands
    if form.get("new_role"):
        role: dict = {"name": (form.get("role_name") or "New teacher-leader role").strip()}
        for key, label in (("role_min_years", "Role: years"), ("role_micro_credentials", "Role: micro-credentials")):
            value = _int(form, key, problems, label)
            if value is not None:
                role[key.removeprefix("role_")] = value
        for key, label in (("role_supplement", "Role: supplement"), ("role_share_percent", "Role: share taking it")):
            value = _decimal(form, key, problems, label)
            if value is not None:
                role[key.removeprefix("role_")] = value.quantize(Decimal("0.01")) if key == "role_supplement" else value
        try:
            policy["new_role"] = NewRole(**role)
        except ValidationError as exc:
            problems += [f"Role: {e['loc'][-1]}: {e['msg']}" for e in exc.errors()]
    changes: dict = {"add_step": bool(form.get("add_step"))}
    raise_percent = _decimal(form, "raise_percent", problems, "Across-the-board raise")
    if raise_percent is not None:
        changes["raise_percent"] = raise_percent
    step_percent = _decimal(form, "added_step_percent", problems, "Added step")
    if step_percent is not None:
        changes["added_step_percent"] = step_percent
    changes["freeze_years"] = [y.strip() for y in (form.get("freeze_years") or "").split(",") if y.strip()]
    if (form.get("add_lane_id") or "").strip():
        try:
            changes["add_lane"] = AddedLane(id=form["add_lane_id"].strip(), degree=form.get("add_lane_degree") or "master",
                                            credits=_int(form, "add_lane_credits", problems, "New lane: credits") or 0,
                                            after=(form.get("add_lane_after") or "").strip(),
                                            percent_over=_decimal(form, "add_lane_percent", problems, "New lane: percent") or Decimal(4))
        except ValidationError as exc:
            problems += [f"New lane: {e['loc'][-1]}: {e['msg']}" for e in exc.errors()]
    changes["lane_credits"] = []
    for lane, value in _pairs(form.get("lane_credits", ""), problems, "Lane credit changes"):
        if not value.isdigit():
            problems.append(f"Lane credit changes: expected whole hours for {lane}, got {value!r}")
            continue
        changes["lane_credits"].append(LaneCredits(lane=lane, credits=int(value)))
    if problems:
        raise FormError(problems)
    try:
        return Scenario(**data, policy=Policy(**policy), schedule=ScheduleChanges(**changes))
    except ValidationError as exc:
        raise FormError([f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors()]) from None


def form_from_scenario(scenario: Scenario) -> dict:
    """The form's fields for a saved scenario (to edit or copy it)."""
    s = scenario
    out = {"name": s.name, "district_id": s.district_id, "start_year": s.start_year or "", "years": s.years,
           "micro_credentials_per_participant": s.micro_credentials_per_participant,
           "hiring_step": "" if s.hiring_step is None else s.hiring_step, "draws": s.draws, "seed": s.seed,
           "worst_case": s.worst_case,
           "fica_enabled": "" if s.fica_enabled is None else ("yes" if s.fica_enabled else "no"),
           "hiring_lanes": ", ".join(f"{x.lane}:{x.percent}" for x in s.hiring_lanes),
           "toward_lanes": s.policy.micro_credentials_count_toward_lanes,
           "credit_hours_per_micro_credential": s.policy.credit_hours_per_micro_credential,
           "stipend_per_micro_credential": s.policy.stipend_per_micro_credential or "",
           "stipend_cap_per_year": s.policy.stipend_cap_per_year or "",
           "stipend_bands": ", ".join(s.policy.stipend_bands or []),
           "new_role": s.policy.new_role is not None,
           "raise_percent": s.schedule.raise_percent, "add_step": s.schedule.add_step,
           "added_step_percent": s.schedule.added_step_percent, "freeze_years": ", ".join(s.schedule.freeze_years),
           "lane_credits": ", ".join(f"{x.lane}:{x.credits}" for x in s.schedule.lane_credits)}
    for key in ("cola_percent", "attrition_percent", "retiree_share_percent", "uptake_percent",
                "program_cost_per_micro_credential", "fica_percent", "retirement_percent", "health_per_head"):
        value = getattr(s, key)
        out[key] = "" if value is None else value
    if s.policy.new_role:
        role = s.policy.new_role
        out.update(role_name=role.name, role_supplement=role.supplement, role_min_years=role.min_years,
                   role_micro_credentials=role.micro_credentials, role_share_percent=role.share_percent)
    if s.schedule.add_lane:
        lane = s.schedule.add_lane
        out.update(add_lane_id=lane.id, add_lane_degree=lane.degree, add_lane_credits=lane.credits,
                   add_lane_after=lane.after, add_lane_percent=lane.percent_over)
    return out
