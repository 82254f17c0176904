"""What drives the cost from the first projected year to each later one, as a board reads it in a waterfall: step
movement, lane changes and growth steps, raises (COLA and the proposal), turnover, and the micro-credential policy.

Each driver is the difference between two projections (expected values) that differ by that driver alone, taken
in this order, so the drivers add up exactly to the scenario's total less the starting cost:
  start     the first year's cost with no one earning micro-credentials (today's staff at today's pay)
  steps     the same staff moving steps, no raise, no COLA, no one leaving, no one earning
  lanes     + the district's own credit rules at the assumed uptake (lane changes, growth steps, stipends)
  raises    + COLA and the scenario's schedule changes, proposal and one-time payments
  turnover  + leavers and their replacements (negative when retirees at the top are replaced lower down)
  policy    + the scenario's micro-credential policy: the scenario itself
Pure: no Flask, no database."""
from __future__ import annotations

from decimal import Decimal

from engine.budget.roster import Roster
from engine.budget.scenario import Policy, Scenario
from engine.rules import DistrictRules

DRIVERS = ("step_movement", "lane_changes", "raises", "turnover", "policy")
LABELS = {"start": "First-year cost", "step_movement": "Step movement", "lane_changes": "Lane changes and growth steps",
          "raises": "Raises (COLA and the proposal)", "turnover": "Turnover", "policy": "The micro-credential policy",
          "end": "Cost in the year"}


def variants(scenario: Scenario) -> list[Scenario]:
    """The five projections the drivers are differences of (expected values only)."""
    plain = scenario.model_copy(update={"draws": 0})
    base = plain.baseline()
    still = {"attrition_percent": Decimal(0), "cola_percent": Decimal(0)}
    return [base.model_copy(update={**still, "uptake_percent": Decimal(0), "persistence_percent": Decimal(0)}),
            base.model_copy(update=still),
            plain.model_copy(update={"attrition_percent": Decimal(0), "policy": Policy()}),
            plain.model_copy(update={"policy": Policy()}),
            plain]


def cost_drivers(rules: DistrictRules, scenario: Scenario, roster: Roster, project) -> list[dict]:
    """Each projected year: the starting cost, what each driver adds, and the year's scenario total (all strings).

    `project` is the projection engine (`engine.budget.projection.project`)."""
    projected = [project(rules, v, roster).years for v in variants(scenario)]
    totals = [[Decimal(y["total"]) for y in years] for years in projected]
    start = totals[0][0]
    years = [y["school_year"] for y in projected[0]]
    out = []
    for k, label in enumerate(years):
        steps = [totals[0][k] - start] + [totals[i][k] - totals[i - 1][k] for i in range(1, 5)]
        out.append({"school_year": label, "start": str(start), **{name: str(v) for name, v in zip(DRIVERS, steps)},
                    "end": str(totals[4][k])})
    return out
