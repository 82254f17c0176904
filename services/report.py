"""The board's report of a projection run: per year and per component the cost against the baseline, the cost
drivers as a waterfall, cost per FTE, by unit and funding source, and the assumptions in words. One set of figures
(`report_data`, all from the run's stored result) feeds the page, the workbook and the PDF (services/report_pdf.py).
"""

from __future__ import annotations

import io
from decimal import ROUND_HALF_UP, Decimal

from engine.budget.drivers import DRIVERS, LABELS as DRIVER_LABELS
from engine.budget.scenario import Scenario, prepare
from engine.rules import DistrictRules
from safe.spreadsheet import xlsx_append

COMPONENTS = (("base_pay", "Base pay"), ("additions", "Additions and stipends"), ("role_supplements", "Role supplements"),
              ("one_time_payments", "One-time payments"), ("social_security", "Social Security"),
              ("medicare", "Medicare"), ("retirement", "Retirement"), ("health", "Health"),
              ("program_cost", "Micro-credential program"), ("total", "Total"))
CENT = Decimal("0.01")


def _money(value) -> Decimal:
    return Decimal(str(value)) if value not in (None, "") else Decimal("0.00")


def assumptions_in_words(rules: DistrictRules, scenario: Scenario) -> list[list[str]]:
    """Every assumption a run rests on, as (what, value) lines: the scenario's own and the rule file's defaults."""
    _, a = prepare(rules, scenario)
    first = a.first_year
    budget = rules.budget
    percent = lambda value: f"{Decimal(value).normalize():f}%"  # noqa: E731
    lines = [
        ["District", rules.district.name + (" (illustrative rules)" if rules.district.illustrative else "")],
        ["Years projected", f"{scenario.years}, from {first.label}"],
        ["Bargaining units changed", ", ".join(rules.unit_name(u) for u in (scenario.units or ["teachers"]))],
        ["COLA after the last adopted schedule", percent(scenario.cola_percent if scenario.cola_percent is not None
                                                         else budget.cola_percent)],
        ["Attrition a year", percent(a.attrition_percent)],
        ["Share of leavers retiring (from the top)", percent(a.retiree_share_percent)],
        ["Micro-credentials: share starting a year", percent(a.uptake_percent)],
        ["Micro-credentials: share of last year's earners going on", percent(a.persistence_percent)],
        ["Micro-credentials a year per earner", str(a.micro_credentials_per_participant)],
        ["Hiring", f"step {a.hiring_step}; lanes " + ", ".join(f"{lane} {percent(share)}" for lane, share in a.hiring_lanes)
         + "; prior experience " + ", ".join(f"{years} years {percent(share)}" for years, share in a.hiring_experience)],
        ["Social Security", f"{percent(a.social_security_percent)} up to the wage base" if a.social_security_percent
         else "not paid"],
        ["Medicare", percent(a.medicare_percent) if a.medicare_percent else "not paid"],
        ["Retirement", f"{percent(a.retirement_in(rules, first))} of pensionable pay in {first.label}"],
        ["Health per head", f"${a.health_in(rules, first).quantize(CENT, ROUND_HALF_UP):,} in {first.label}"
         + (f", +{percent(budget.health_trend_percent)} a year" if budget.health_trend_percent else "")],
        ["Worst case", "every eligible teacher qualifies" if scenario.worst_case else "no"],
    ]
    policy = scenario.policy
    if policy.micro_credentials_count_toward_lanes:
        lines.append(["Policy", f"micro-credentials count toward lanes, {policy.credit_hours_per_micro_credential} hours each"])
    if policy.stipend_per_micro_credential is not None:
        lines.append(["Policy", f"${policy.stipend_per_micro_credential} a micro-credential"
                      + (f", at most {policy.stipend_cap_per_year} a year" if policy.stipend_cap_per_year else "")])
    if policy.new_role:
        lines.append(["Policy", f"new role {policy.new_role.name}: ${policy.new_role.supplement} a year"])
    changes = scenario.schedule
    if not changes.is_empty:
        lines.append(["Schedule changes", "; ".join(filter(None, [
            f"{percent(changes.raise_percent)} raise" if changes.raise_percent else "",
            "a step added" if changes.add_step else "",
            f"steps frozen in {', '.join(changes.freeze_years)}" if changes.freeze_years else "",
            f"lane {changes.add_lane.id} added" if changes.add_lane else "",
            f"from {changes.effective_year}" if changes.effective_year else ""]))])
    for year in scenario.proposal:
        lines.append([f"Proposal {year.school_year}", proposal_year_in_words(year)])
    for vacancy in scenario.vacancies:
        lines.append(["Vacancy", f"{vacancy.count} x {rules.unit_name(rules.unit_of(vacancy.unit) or 'teachers')}"
                      + (f", lane {vacancy.lane}" if vacancy.lane else "") + f", FTE {vacancy.fte}"
                      + (f", {vacancy.funding}" if vacancy.funding else "")])
    if scenario.draws:
        lines.append(["Monte Carlo", f"{scenario.draws} draws, seed {scenario.seed}"])
    return lines


def proposal_year_in_words(year) -> str:
    parts = []
    for cell_raise in year.raises:
        amount = f"{cell_raise.percent.normalize():f}%" if cell_raise.percent is not None else f"${cell_raise.dollars}"
        where = (" on " + ", ".join(cell_raise.lanes) if cell_raise.lanes else "") + \
            (" at steps " + ", ".join(map(str, cell_raise.steps)) if cell_raise.steps else "")
        parts.append(f"{amount}{where}" + (f" from {cell_raise.effective}" if cell_raise.effective else ""))
    if year.grid_csv:
        parts.append("a proposed grid")
    if year.hold_on_step:
        parts.append("hold on step")
    if year.add_steps:
        parts.append(f"{year.add_steps} step(s) added")
    if year.remove_steps:
        parts.append("steps removed: " + ", ".join(map(str, year.remove_steps)))
    parts += [f"{m.lane} merged into {m.into}" for m in year.merge_lanes]
    for payment in year.one_time:
        amount = f"${payment.amount}" if payment.amount is not None else f"{payment.percent.normalize():f}% of base pay"
        who = [f"lanes {', '.join(payment.lanes)}" if payment.lanes else "",
               f"step {payment.min_step}+" if payment.min_step is not None else "",
               f"{payment.min_years}+ years" if payment.min_years is not None else ""]
        parts.append(f"{payment.name}: {amount} once" + (" (" + ", ".join(filter(None, who)) + ")" if any(who) else ""))
    return "; ".join(parts) or "no change"


def report_data(result: dict) -> dict:
    """The report's figures, all from a run's stored result (Decimal amounts)."""
    years = [y["school_year"] for y in result["years"]]
    components = []
    for key, label in COMPONENTS:
        scenario = [_money(y.get(key)) for y in result["years"]]
        baseline = [_money(y.get(key)) for y in result["baseline"]]
        components.append({"key": key, "label": label, "scenario": scenario, "baseline": baseline,
                           "difference": [s - b for s, b in zip(scenario, baseline)],
                           "all_years": (sum(scenario, Decimal(0)), sum(baseline, Decimal(0)))})
    per_fte = []
    for y, b in zip(result["years"], result["baseline"]):
        fte, base_fte = Decimal(y["fte"]), Decimal(b["fte"])
        per_fte.append({"school_year": y["school_year"], "fte": fte,
                        "scenario": (_money(y["total"]) / fte).quantize(CENT, ROUND_HALF_UP) if fte else Decimal(0),
                        "baseline": (_money(b["total"]) / base_fte).quantize(CENT, ROUND_HALF_UP) if base_fte else Decimal(0)})
    drivers = result.get("drivers") or []
    last = drivers[-1] if drivers else None
    waterfall = []
    if last:
        waterfall = [("start", DRIVER_LABELS["start"], _money(last["start"]))] + \
            [(name, DRIVER_LABELS[name], _money(last[name])) for name in DRIVERS] + \
            [("end", f"{DRIVER_LABELS['end']} {last['school_year']}", _money(last["end"]))]
    return {"title": f"{result['scenario_name']}: the board's report", "district": result["district_name"],
            "scenario": result["scenario_name"], "roster": result["roster"], "teachers": result["teachers"],
            "illustrative": result.get("illustrative", False), "years": years, "components": components,
            "per_fte": per_fte, "drivers": drivers, "waterfall": waterfall, "by_piece": result.get("by_piece") or [],
            "assumptions": result.get("assumptions") or [], "notes": result.get("notes") or [],
            "driver_names": [(name, DRIVER_LABELS[name]) for name in DRIVERS]}


def waterfall_chart(data: dict) -> dict:
    """Floating bars: from the first year's cost, each driver's step, to the last year's cost."""
    bars, bases, colors = [], [], []
    level = Decimal(0)
    for key, _, amount in data["waterfall"]:
        if key in ("start", "end"):
            bars.append(str(amount)), bases.append("0"), colors.append("#1f5fa8")
            level = amount
        else:
            bars.append(str(abs(amount))), bases.append(str(level if amount >= 0 else level + amount))
            colors.append("#b03a2e" if amount >= 0 else "#2e7d32")
            level += amount
    labels = [label for _, label, _ in data["waterfall"]]
    return {"data": [{"type": "bar", "x": labels, "y": bars, "base": bases, "marker": {"color": colors},
                      "name": "Cost drivers", "hovertemplate": "%{x}: %{y:$,.2f}<extra></extra>"}],
            "layout": {"title": {"text": "What drives the cost"}, "yaxis": {"title": {"text": "Dollars a year"},
                                                                           "rangemode": "normal"},
                       "showlegend": False, "margin": {"l": 70, "r": 20, "t": 40, "b": 110}}}


def report_xlsx(data: dict) -> bytes:
    """The report as a workbook: cost by component, drivers, cost per FTE, units and sources, assumptions."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = "Cost"
    xlsx_append(sheet, [data["title"]])
    sheet["A1"].font = Font(bold=True, size=14)
    xlsx_append(sheet, [f"{data['district']}, roster {data['roster']} ({data['teachers']:,} people)"])
    xlsx_append(sheet, [])
    header = ["Component", "Projection"] + data["years"] + ["All years"]
    xlsx_append(sheet, header)
    for c in sheet[sheet.max_row]:
        c.font = Font(bold=True)
    for component in data["components"]:
        for name, values, total in (("scenario", component["scenario"], component["all_years"][0]),
                                    ("baseline", component["baseline"], component["all_years"][1]),
                                    ("difference", component["difference"], component["all_years"][0] - component["all_years"][1])):
            xlsx_append(sheet, [component["label"], name] + list(values) + [total])
    _number_format(sheet)
    drivers = book.create_sheet("Cost drivers")
    xlsx_append(drivers, ["School year", "First-year cost"] + [label for _, label in data["driver_names"]] + ["Cost in the year"])
    for year in data["drivers"]:
        xlsx_append(drivers, [year["school_year"], _money(year["start"])] + [_money(year[n]) for n, _ in data["driver_names"]]
                    + [_money(year["end"])])
    _number_format(drivers)
    fte = book.create_sheet("Cost per FTE")
    xlsx_append(fte, ["School year", "FTE", "Scenario per FTE", "Baseline per FTE"])
    for row in data["per_fte"]:
        xlsx_append(fte, [row["school_year"], row["fte"], row["scenario"], row["baseline"]])
    _number_format(fte)
    if data["by_piece"]:
        pieces = book.create_sheet("Units and funding")
        xlsx_append(pieces, ["Unit", "Funding source", "FTE (first year)", "Scenario", "Baseline", "Difference"])
        for p in data["by_piece"]:
            xlsx_append(pieces, [p["unit_name"], p["funding"] or "(none given)", Decimal(p["fte"]), _money(p["total"]),
                                 _money(p["baseline"]), _money(p["difference"])])
        _number_format(pieces)
    about = book.create_sheet("Assumptions")
    for line in data["assumptions"]:
        xlsx_append(about, line)
    for note in data["notes"]:
        xlsx_append(about, ["Note", note])
    if data["illustrative"]:
        xlsx_append(about, ["Note", "The district's rule file is illustrative: figures are not the district's."])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _number_format(sheet) -> None:
    for row in sheet.iter_rows(min_row=1):
        for cell in row:
            if isinstance(cell.value, Decimal):
                cell.number_format = "#,##0.00"


def stored_assumptions(rules: DistrictRules, scenario: Scenario) -> list[list[str]]:
    """The assumptions in words, kept with a run's result (the rule file may change after the run)."""
    try:
        return assumptions_in_words(rules, scenario)
    except (ValueError, KeyError) as exc:  # a scenario that ran is valid; say so rather than lose the result
        return [["Assumptions", f"could not be listed: {exc}"]]


__all__ = ["report_data", "report_xlsx", "waterfall_chart", "assumptions_in_words", "stored_assumptions"]
