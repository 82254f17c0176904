"""Judging a micro-credential policy by its results: from the district's credit ledger (micro-credentials granted,
by the school year they count for) and its roster history (who held a placement in which school year):

- uptake by school year, school and pay band: staff on the roster, earners (a micro-credential granted that year),
  their share, micro-credentials granted;
- cost per micro-credential: the per-credential stipends the rule file pays for them (its amount, yearly cap and
  eligible bands, on the placement of that year) plus a program cost per micro-credential, over those granted;
- retention: of the teachers who earned in a year, the share on the roster the next year, against comparable
  non-earners (same years-of-service bracket and pay band), weighted to the earners' mix; teachers retained beyond
  that, and the cost per teacher retained;
- the uptake a projection should assume, read from the history: of those not earning in a year, the share who
  start the next; of the earners, the share who go on; micro-credentials a year per earner.
Pure: no Flask, no database.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from engine.pay.cells import lines_round
from engine.rules import DistrictRules, dated_value
from engine.school_year import SchoolYear

HUNDRED = Decimal(100)
BRACKETS = ((0, 4), (5, 9), (10, 19), (20, None))   # years of service, for comparable non-earners


@dataclass
class History:
    """One teacher's roster history: their placement each school year (band, years of service) and the
    micro-credentials granted to them for each school year."""

    teacher_id: int
    school: str
    placements: dict[str, tuple[str | None, int]]            # school year -> (pay band, years of service)
    granted: dict[str, int] = field(default_factory=dict)    # school year -> micro-credentials granted


def _share(part: Decimal | int, whole: Decimal | int) -> Decimal:
    return (Decimal(part) * HUNDRED / Decimal(whole)).quantize(Decimal("0.1"), ROUND_HALF_UP) if whole else Decimal(0)


def _bracket(years: int) -> str:
    for low, high in BRACKETS:
        if years >= low and (high is None or years <= high):
            return f"{low}+" if high is None else f"{low}-{high}"
    return "?"


def stipend_paid(rules: DistrictRules, year: SchoolYear, band: str | None, granted: int) -> Decimal:
    """What the rule file's per-micro-credential stipends pay for a year's micro-credentials (cap, bands)."""
    total = Decimal(0)
    for addition in rules.additions:
        if addition.kind != "per_micro_credential":
            continue
        bands = addition.eligibility.bands
        if bands is not None and str(band) not in {str(b) for b in bands}:
            continue
        amount = dated_value(addition.amount, year.start)
        if amount:
            counted = min(granted, addition.per_year_cap) if addition.per_year_cap is not None else granted
            total += lines_round(rules, amount * counted)
    return total


def outcomes(rules: DistrictRules, histories: list[History], program_cost_per_micro_credential: Decimal = Decimal(0)) -> dict:
    """The policy's results, as the outcomes page shows them (amounts as Decimal, shares as percents)."""
    years = sorted({label for h in histories for label in h.placements})
    by_year, by_school, by_band = [], defaultdict(lambda: [0, 0, 0]), defaultdict(lambda: [0, 0, 0])
    cost = Decimal(0)
    granted_all = 0
    for label in years:
        year = rules.year(label)
        staff = earners = granted = 0
        stipends = Decimal(0)
        for h in histories:
            if label not in h.placements:
                continue
            band = h.placements[label][0]
            count = h.granted.get(label, 0)
            staff += 1
            by_school[h.school or "(no school)"][0] += 1
            by_band[band or "(no band)"][0] += 1
            if count:
                earners += 1
                granted += count
                by_school[h.school or "(no school)"][1] += 1
                by_school[h.school or "(no school)"][2] += count
                by_band[band or "(no band)"][1] += 1
                by_band[band or "(no band)"][2] += count
                stipends += stipend_paid(rules, year, band, count)
        program = lines_round(rules, program_cost_per_micro_credential * granted)
        cost += stipends + program
        granted_all += granted
        by_year.append({"school_year": label, "staff": staff, "earners": earners, "share": _share(earners, staff),
                        "micro_credentials": granted, "stipends": stipends, "program": program})
    table = lambda found: [{"name": name, "staff": s, "earners": e, "share": _share(e, s), "micro_credentials": m}  # noqa: E731
                           for name, (s, e, m) in sorted(found.items())]
    retention = _retention(histories, years)
    extra = retention["retained_beyond"]
    return {
        "years": by_year, "by_school": table(by_school), "by_band": table(by_band),
        "micro_credentials": granted_all, "cost": cost,
        "cost_per_micro_credential": (cost / granted_all).quantize(Decimal("0.01"), ROUND_HALF_UP) if granted_all else None,
        "retention": retention,
        "cost_per_teacher_retained": (cost / extra).quantize(Decimal("0.01"), ROUND_HALF_UP) if extra > 0 else None,
        "defaults": _defaults(histories, years),
    }


def _retention(histories: list[History], years: list[str]) -> dict:
    """Earners kept to the next year, against comparable non-earners weighted to the earners' mix."""
    groups: dict[tuple, list[int]] = defaultdict(lambda: [0, 0, 0, 0])   # earners, kept; others, kept
    for label, following in zip(years, years[1:]):
        for h in histories:
            if label not in h.placements:
                continue
            band, service = h.placements[label]
            key = (_bracket(service), band)
            kept = int(following in h.placements)
            if h.granted.get(label, 0):
                groups[key][0] += 1
                groups[key][1] += kept
            else:
                groups[key][2] += 1
                groups[key][3] += kept
    earners = sum(g[0] for g in groups.values())
    kept = sum(g[1] for g in groups.values())
    # Non-earners' retention in each bracket and band, weighted by how many earners that group has.
    weighted = sum((Decimal(g[0]) * Decimal(g[3]) / Decimal(g[2]) for g in groups.values() if g[0] and g[2]), Decimal(0))
    matched = sum(g[0] for g in groups.values() if g[2])
    earner_rate = Decimal(kept) / earners if earners else Decimal(0)
    comparable = weighted / matched if matched else None
    beyond = Decimal(earners) * (earner_rate - comparable) if comparable is not None else Decimal(0)
    return {"earners": earners, "kept": kept, "earner_rate": _share(kept, earners),
            "comparable_rate": (comparable * HUNDRED).quantize(Decimal("0.1"), ROUND_HALF_UP) if comparable is not None else None,
            "unmatched": earners - matched,
            "retained_beyond": beyond.quantize(Decimal("0.01"), ROUND_HALF_UP)}


def _defaults(histories: list[History], years: list[str]) -> dict:
    """The uptake the history shows, as a projection's defaults: start, persistence, micro-credentials per earner."""
    start = [0, 0]
    persist = [0, 0]
    per_earner = [0, 0]
    for label, following in zip(years, years[1:]):
        for h in histories:
            if label not in h.placements or following not in h.placements:
                continue
            now, then = h.granted.get(label, 0), h.granted.get(following, 0)
            pair = persist if now else start
            pair[0] += 1
            pair[1] += int(then > 0)
    for h in histories:
        for label, count in h.granted.items():
            if count and label in h.placements:
                per_earner[0] += 1
                per_earner[1] += count
    return {"uptake_percent": _share(start[1], start[0]) if start[0] else None,
            "persistence_percent": _share(persist[1], persist[0]) if persist[0] else None,
            "micro_credentials_per_participant": max(1, min(30, round(per_earner[1] / per_earner[0]))) if per_earner[0] else None,
            "pairs": start[0] + persist[0]}
