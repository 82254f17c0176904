"""Benchmark the budget projection; prints JSON figures.

    .venv/bin/python bench/projection.py [--district cedar-valley] [--quick]

Figures: 100,000 teachers x 10 years expected values (target < 0.5 s); the same
with 1,000 Monte Carlo draws (target < 10 s, peak memory < 2 GiB); 1,000,000
teachers x 10 years x 1,000 draws (target < 60 s); and the speed-up over the
per-teacher reference at 10,000 teachers (expected values; both agree to the cent).
Each projection runs in a fresh process so its peak memory is its own.
"""
from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def _measure(task: str, district: str, teachers: int, draws: int, years: int, queue) -> None:
    from engine import load_districts
    from engine.budget.projection import project
    from engine.budget.reference import project_reference
    from engine.budget.roster import synthesize
    from engine.budget.scenario import Policy, Scenario

    rules = load_districts()[district]
    roster = synthesize(rules, teachers, seed=42)
    scenario = Scenario(name="bench", district_id=district, years=years, draws=draws, seed=7,
                        policy=Policy(micro_credentials_count_toward_lanes=True,
                                      stipend_per_micro_credential="200.00", stipend_cap_per_year=8))
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    if task == "reference":
        result = project_reference(rules, scenario, roster)
    else:
        result = project(rules, scenario, roster)
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    queue.put({"seconds": round(seconds, 3), "peak_rss_mib": round(peak / 1024, 1),
               "roster_rss_mib": round(before / 1024, 1), "groups_year_1": result.groups,
               "total_last_year": result.years[-1]["total"], "totals": [y["total"] for y in result.years]})


def measure(task: str, district: str, teachers: int, draws: int = 0, years: int = 10) -> dict:
    queue = mp.get_context("fork").Queue()
    process = mp.get_context("fork").Process(target=_measure, args=(task, district, teachers, draws, years, queue))
    process.start()
    figures = queue.get()
    process.join()
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--district", default="cedar-valley")
    parser.add_argument("--quick", action="store_true", help="skip the million-teacher run")
    args = parser.parse_args()
    d = args.district
    out: dict = {"district": d, "years": 10}
    expected = measure("vectorised", d, 100_000)
    out["expected_100k"] = {k: expected[k] for k in ("seconds", "peak_rss_mib", "groups_year_1")} | {"target_seconds": 0.5}
    mc = measure("vectorised", d, 100_000, draws=1000)
    out["monte_carlo_100k_1000_draws"] = {k: mc[k] for k in ("seconds", "peak_rss_mib")} | {"target_seconds": 10, "target_peak_mib": 2048}
    if not args.quick:
        big = measure("vectorised", d, 1_000_000, draws=1000)
        out["monte_carlo_1m_1000_draws"] = {k: big[k] for k in ("seconds", "peak_rss_mib", "groups_year_1")} | {"target_seconds": 60}
    fast = measure("vectorised", d, 10_000)
    slow = measure("reference", d, 10_000)
    out["reference_10k"] = {"vectorised_seconds": fast["seconds"], "reference_seconds": slow["seconds"],
                            "speed_up": round(slow["seconds"] / max(fast["seconds"], 1e-9), 1),
                            "agree_to_the_cent": fast["totals"] == slow["totals"]}
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
