"""Bargaining units and funding sources in a projection: a roster is projected piece by piece, one piece for each
unit and funding source, each with its unit's rules (its own schedules, contract days, additions and roles) and
the scenario where the scenario touches that unit (its baseline elsewhere); turnover and hires stay within a piece
(a funded position is refilled from its own source). The pieces' years add up to the district's, each figure
(benefits too) worked out per piece. Both projection engines cut the roster and add the years here.
Pure: no Flask, no database."""
from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal

import numpy as np

from engine.budget.roster import Roster
from engine.budget.scenario import Scenario, ScenarioError, prepare
from engine.rules import MAIN_UNIT, DistrictRules


@dataclass
class Piece:
    """One unit and funding source of a roster, the rules its teachers are paid by, and the scenario it runs."""

    unit: str
    funding: str
    rules: DistrictRules
    scenario: Scenario
    roster: Roster


def touched(rules: DistrictRules, scenario: Scenario) -> list[str]:
    """The units a scenario changes: the ones it names, else the teachers (the rule file's own unit)."""
    return [u for u in rules.unit_ids if u in scenario.units] if scenario.units else [MAIN_UNIT]


def unit_scenario(rules: DistrictRules, scenario: Scenario, unit: str) -> Scenario:
    """The scenario one unit runs: the scenario where it touches the unit, else its baseline; another unit's
    hiring lanes and step are the unit's own defaults."""
    chosen = scenario if unit in touched(rules, scenario) else scenario.baseline().model_copy(update={"name": scenario.name})
    if unit == MAIN_UNIT:
        return chosen
    return chosen.model_copy(update={"hiring_lanes": [], "hiring_step": None, "units": []})


def with_vacancies(rules: DistrictRules, scenario: Scenario, roster: Roster) -> Roster:
    """The roster with the scenario's budgeted vacancies filled at the start of the first projected year: whole people,
    split over the unit's hiring mix (lanes times prior experience) by largest remainder, placed as hires are."""
    if not scenario.vacancies:
        return roster
    from engine.budget.roster import RosterTeacher

    hires = []
    for i, vacancy in enumerate(scenario.vacancies, start=1):
        unit = rules.unit_of(vacancy.unit)
        if unit is None:
            raise ScenarioError([f"vacancies[{i - 1}].unit: expected one of {', '.join(rules.unit_ids)}, got {vacancy.unit!r}"])
        unit_rules = rules.for_unit(unit)
        _, assumptions = prepare(unit_rules, unit_scenario(rules, scenario, unit))
        mix = [(lane, years, weight) for lane, years, weight in assumptions.hiring_mix
               if vacancy.lane is None or lane == vacancy.lane]
        if vacancy.lane is not None and not mix:
            mix = [(vacancy.lane, years, int(share * 100)) for years, share in assumptions.hiring_experience]
        if vacancy.lane is not None and vacancy.lane not in [lane.id for lane in unit_rules.lanes]:
            raise ScenarioError([f"vacancies[{i - 1}].lane: expected a lane of {unit_rules.unit_name(MAIN_UNIT)} "
                                 f"({', '.join(lane.id for lane in unit_rules.lanes)}), got {vacancy.lane!r}"])
        for (lane, years, _), count in zip(mix, _largest_remainder(vacancy.count, [w for _, _, w in mix])):
            step = assumptions.hire_step(unit_rules, assumptions.first_year, lane, years)
            hires += [RosterTeacher(employee_id=f"vacancy {i}.{len(hires) + j + 1}", step=step, lane=lane, fte=vacancy.fte,
                                    years_of_service=years, unit=unit, funding=vacancy.funding) for j in range(count)]
    filled = Roster.from_teachers(rules.id, hires, _DegreeByUnit(rules, hires))
    filled.school_year = roster.school_year
    if "unit" not in roster.extra:   # a copy: the caller's roster (a worker keeps it) is not changed
        roster = replace(roster, extra={**roster.extra, "unit": np.ones(len(roster), dtype=np.int64)},
                         texts={**roster.texts, "unit": ["", MAIN_UNIT]})
    n = len(roster)
    return Roster.concat([roster, filled], [np.arange(n), np.arange(n, n + len(filled))], rules.id)


class _DegreeByUnit:
    """Lanes looked up in the unit each hire belongs to (Roster.from_teachers asks the lane's degree)."""

    def __init__(self, rules: DistrictRules, hires):
        self.by_lane = {(t.lane): rules.for_unit(t.unit).lane(t.lane) for t in hires}

    def lane(self, lane_id: str):
        return self.by_lane[lane_id]


def _largest_remainder(total: int, weights: list[int]) -> list[int]:
    whole = sum(weights)
    if not whole:
        return [0] * len(weights)
    shares = [total * w // whole for w in weights]
    order = sorted(range(len(weights)), key=lambda i: (-(total * weights[i] % whole), i))
    for i in order[:total - sum(shares)]:
        shares[i] += 1
    return shares


def piece_of(rules: DistrictRules, scenario: Scenario, unit: str, funding: str) -> Piece:
    """A piece's rules and scenario without its roster (to put a run's stored parts together)."""
    return Piece(unit, funding, rules.for_unit(unit), unit_scenario(rules, scenario, unit), None)


def pieces(rules: DistrictRules, scenario: Scenario, roster: Roster) -> list[Piece]:
    """The roster cut by unit and funding source (in the order units and sources first appear), with their rules;
    the scenario's vacancies filled first."""
    roster = with_vacancies(rules, scenario, roster)
    unit_codes, unit_names = roster.text_codes("unit")
    funding_codes, funding_names = roster.text_codes("funding")
    # Unit names on a stored roster are the units' ids (the roster import checks them).
    units = np.array([rules.unit_of(name) or MAIN_UNIT for name in unit_names])[unit_codes] if len(roster) else np.array([])
    if "unit" not in roster.extra and "funding" not in roster.extra:
        return [Piece(MAIN_UNIT, "", rules, unit_scenario(rules, scenario, MAIN_UNIT), roster)]
    out = []
    for unit in rules.unit_ids:
        for code, funding in enumerate(funding_names):
            rows = np.flatnonzero((units == unit) & (funding_codes == code))
            if len(rows):
                out.append(Piece(unit, funding, rules.for_unit(unit), unit_scenario(rules, scenario, unit),
                                 roster.subset(rows)))
    return out


MONEY = ("base_pay", "additions", "role_supplements", "one_time_payments", "cost_of_one_percent", "pay",
         "social_security", "medicare", "fica", "retirement", "health", "benefits", "program_cost", "total", "one_time",
         "recurring")
HEADS = ("headcount", "fte", "participants", "micro_credentials", "role_holders", "leavers", "retirees", "hires")


def add_years(parts: list[list[dict]]) -> list[dict]:
    """Pieces' years added up, figure by figure (each piece's figures are exact decimals)."""
    if len(parts) == 1:
        return parts[0]
    out = []
    for years in zip(*parts):
        total = {"school_year": years[0]["school_year"]}
        for name in MONEY + HEADS:
            total[name] = str(sum((Decimal(y[name]) for y in years), Decimal("0.00")))
        kinds: dict[str, Decimal] = {}
        for y in years:
            for name, amount in y["additions_by_kind"].items():
                kinds[name] = kinds.get(name, Decimal("0.00")) + Decimal(amount)
        total["additions_by_kind"] = {name: str(amount) for name, amount in kinds.items()}
        out.append(total)
    return out
