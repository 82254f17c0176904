"""The proposal part of the scenario form: up to PROPOSAL_ROWS school years, each with its raise (and a mid-year
raise), hold on step, steps added or removed, lanes merged, a one-time payment and a proposed grid (a CSV file).
Longer proposals come in as a scenario file (`/finance/scenarios/import`)."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation

from pydantic import ValidationError

from engine.budget.proposal import MAX_GRID_TEXT, CellRaise, LaneMerge, OneTimePayment, ProposalYear

PROPOSAL_ROWS = 3
FIELDS = {
    "school_year": "School year", "raise_percent": "Raise %", "raise_dollars": "Raise $", "raise_lanes": "Raise: only lanes",
    "raise_steps": "Raise: only steps", "midyear_percent": "Mid-year raise %", "midyear_effective": "Mid-year raise from",
    "hold": "Hold on step", "add_steps": "Steps added", "remove_steps": "Steps removed", "merge": "Lanes merged",
    "one_time_amount": "One-time payment $", "one_time_percent": "One-time payment % of pay",
    "one_time_min_years": "One-time payment: years of service", "one_time_lanes": "One-time payment: only lanes",
    "grid_file": "Proposed grid (CSV)",
}


def labels() -> dict[str, str]:
    """Every proposal field's label, as the form's problems name them."""
    return {f"p{k}_{name}": f"Proposal year {k}: {label}" for k in range(1, PROPOSAL_ROWS + 1) for name, label in FIELDS.items()}


def _text(form, name: str) -> str:
    return (form.get(name) or "").strip()


def _list(text: str) -> list[str]:
    return [part.strip() for part in re.split(r"[,;]", text) if part.strip()]


def proposal_from_form(form, files, problems: list[tuple[str, str]]) -> list[ProposalYear]:
    """The proposal the form's rows describe (or the whole one it keeps); each problem is added as (field, message)."""
    kept = form.get("proposal_json")
    if kept:
        import json

        try:
            return [ProposalYear.model_validate(year) for year in json.loads(kept)[:20]]
        except (ValueError, ValidationError):
            problems.append(("", "the proposal kept with the form cannot be read: import the scenario file again"))
            return []
    years: list[ProposalYear] = []
    for k in range(1, PROPOSAL_ROWS + 1):
        p = f"p{k}_"
        label = _text(form, p + "school_year")
        grid = _grid(form, files, p, problems)
        if not label:
            continue
        data: dict = {"school_year": label, "hold_on_step": bool(form.get(p + "hold"))}

        def number(name: str, whole: bool = False):
            text = _text(form, p + name).replace(",", "").replace("$", "").replace("%", "")
            if not text:
                return None
            try:
                value = Decimal(text)
            except InvalidOperation:
                problems.append((p + name, f"expected a number, got {text!r}"))
                return None
            if whole and value != value.to_integral_value():
                problems.append((p + name, f"expected a whole number, got {text!r}"))
                return None
            return int(value) if whole else value

        def steps(name: str) -> list[int]:
            found = []
            for part in _list(_text(form, p + name)):
                if not part.isdigit():
                    problems.append((p + name, f"expected step numbers such as '1, 2', got {part!r}"))
                else:
                    found.append(int(part))
            return found

        raises = []
        percent, dollars = number("raise_percent"), number("raise_dollars")
        try:
            if percent is not None or dollars is not None:
                raises.append(CellRaise(percent=percent, dollars=dollars, lanes=_list(_text(form, p + "raise_lanes")),
                                        steps=steps("raise_steps")))
        except ValidationError as exc:
            problems += [(p + ("raise_percent" if "percent" in str(e["loc"]) or not e["loc"] else "raise_dollars"),
                          e["msg"].removeprefix("Value error, ")) for e in exc.errors()]
        midyear = number("midyear_percent")
        if midyear is not None:
            when = _text(form, p + "midyear_effective")
            try:
                raises.append(CellRaise(percent=midyear, effective=date.fromisoformat(when) if when else None))
            except ValueError as exc:
                problems.append((p + "midyear_effective", str(exc).split("\n")[-1].removeprefix("  Value error, ")
                                 if isinstance(exc, ValidationError) else f"expected a date such as 2028-01-01, got {when!r}"))
        data["raises"] = raises
        data["add_steps"] = number("add_steps", whole=True) or 0
        data["remove_steps"] = steps("remove_steps")
        merges = []
        for part in _list(_text(form, p + "merge")):
            lane, sep, into = part.partition(">")
            if not sep or not lane.strip() or not into.strip():
                problems.append((p + "merge", f"expected 'lane > into' such as 'BA+15 > BA+30', got {part!r}"))
                continue
            merges.append(LaneMerge(lane=lane.strip(), into=into.strip()))
        data["merge_lanes"] = merges
        amount, share = number("one_time_amount"), number("one_time_percent")
        if amount is not None or share is not None:
            try:
                data["one_time"] = [OneTimePayment(amount=None if amount is None else amount.quantize(Decimal("0.01")),
                                                   percent=share, min_years=number("one_time_min_years", whole=True),
                                                   lanes=_list(_text(form, p + "one_time_lanes")))]
            except ValidationError as exc:
                problems += [(p + "one_time_amount", e["msg"].removeprefix("Value error, ")) for e in exc.errors()]
        data["grid_csv"] = grid
        try:
            years.append(ProposalYear(**data))
        except ValidationError as exc:
            for e in exc.errors():
                field = {"school_year": "school_year", "add_steps": "add_steps"}.get(str(e["loc"][0]) if e["loc"] else "",
                                                                                    "school_year")
                problems.append((p + field, e["msg"].removeprefix("Value error, ")))
    return years


def _grid(form, files, p: str, problems: list) -> str | None:
    """A proposed grid: the file uploaded now, else the one the form kept; none when asked to remove it."""
    if form.get(p + "grid_remove"):
        return None
    upload = files.get(p + "grid_file") if files else None
    if upload is not None and upload.filename:
        content = upload.read(MAX_GRID_TEXT + 1)
        if len(content) > MAX_GRID_TEXT:
            problems.append((p + "grid_file", f"expected a grid of at most {MAX_GRID_TEXT:,} bytes"))
            return None
        try:
            return content.decode("utf-8-sig")
        except UnicodeDecodeError:
            problems.append((p + "grid_file", "expected a CSV file in UTF-8"))
            return None
    kept = form.get(p + "grid_text") or ""
    return kept[:MAX_GRID_TEXT] or None


def fits_the_form(proposal: list[ProposalYear]) -> bool:
    """Whether the form's rows can show every term of a proposal (else it is kept whole, and edited as a file)."""
    def simple(year: ProposalYear) -> bool:
        whole_year = [r for r in year.raises if r.effective is None]
        mid_year = [r for r in year.raises if r.effective is not None]
        return (len(whole_year) <= 1 and len(mid_year) <= 1 and all(r.percent is not None and not r.lanes and not r.steps
                                                                     for r in mid_year)
                and len(year.one_time) <= 1 and all(p.min_step is None and not p.pensionable for p in year.one_time)
                and year.added_step_percent == ProposalYear.model_fields["added_step_percent"].default)
    return len(proposal) <= PROPOSAL_ROWS and all(simple(year) for year in proposal)


def form_from_proposal(proposal: list[ProposalYear]) -> dict:
    """The form's fields for a saved proposal (its first PROPOSAL_ROWS years); a proposal the rows cannot show is
    kept whole in `proposal_json`."""
    out: dict = {}
    if not fits_the_form(proposal):
        import json

        out["proposal_json"] = json.dumps([year.model_dump(mode="json") for year in proposal])
        return out
    for k, year in enumerate(proposal[:PROPOSAL_ROWS], start=1):
        p = f"p{k}_"
        out[p + "school_year"] = year.school_year
        out[p + "hold"] = year.hold_on_step
        whole_year = [r for r in year.raises if r.effective is None]
        mid_year = [r for r in year.raises if r.effective is not None]
        if whole_year:
            first = whole_year[0]
            out.update({p + "raise_percent": first.percent if first.percent is not None else "",
                        p + "raise_dollars": first.dollars if first.dollars is not None else "",
                        p + "raise_lanes": ", ".join(first.lanes), p + "raise_steps": ", ".join(map(str, first.steps))})
        if mid_year:
            out.update({p + "midyear_percent": mid_year[0].percent if mid_year[0].percent is not None else "",
                        p + "midyear_effective": mid_year[0].effective.isoformat()})
        out[p + "add_steps"] = year.add_steps or ""
        out[p + "remove_steps"] = ", ".join(map(str, year.remove_steps))
        out[p + "merge"] = ", ".join(f"{m.lane} > {m.into}" for m in year.merge_lanes)
        if year.one_time:
            payment = year.one_time[0]
            out.update({p + "one_time_amount": payment.amount if payment.amount is not None else "",
                        p + "one_time_percent": payment.percent if payment.percent is not None else "",
                        p + "one_time_min_years": "" if payment.min_years is None else payment.min_years,
                        p + "one_time_lanes": ", ".join(payment.lanes)})
        out[p + "grid_text"] = year.grid_csv or ""
    return out
