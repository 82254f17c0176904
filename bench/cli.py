"""Benchmark a single `flask estimate` against `python -c pass`, interleaved.

    .venv/bin/python bench/cli.py [--runs 10]

Each run starts a fresh process of each; prints wall and CPU (user + system) seconds,
min and median, the estimate's figures as a multiple of the bare interpreter's, and
the target (a single estimate under 0.5 s).
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
COMMANDS = {
    "python -c pass": [sys.executable, "-c", "pass"],
    "flask estimate": [str(BIN / "flask"), "--app", "app", "estimate", "--district", "cedar-valley", "--school-year",
                       "2026-27", "--step", "5", "--lane", "BA", "--micro-credentials", "15", "--json"],
}


def run(command: list[str]) -> tuple[float, float]:
    """Wall and CPU seconds of one run of a command."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    subprocess.run(command, cwd=ROOT, check=True, stdout=subprocess.DEVNULL, env={**os.environ})
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    times: dict[str, list[tuple[float, float]]] = {name: [] for name in COMMANDS}
    for name, command in COMMANDS.items():
        run(command)  # warm the file cache
    for _ in range(args.runs):
        for name, command in COMMANDS.items():
            times[name].append(run(command))
    figures = {}
    for name, runs in times.items():
        walls, cpus = [w for w, _ in runs], [c for _, c in runs]
        figures[name] = {"wall_min_s": round(min(walls), 3), "wall_median_s": round(statistics.median(walls), 3),
                         "cpu_min_s": round(min(cpus), 3), "cpu_median_s": round(statistics.median(cpus), 3)}
    bare, estimate = figures["python -c pass"], figures["flask estimate"]
    figures["wall_ratio_median"] = round(estimate["wall_median_s"] / bare["wall_median_s"], 1)
    figures["target"] = "a single flask estimate under 0.5 s"
    figures["met"] = estimate["wall_median_s"] < 0.5
    print(json.dumps({"flask estimate vs python -c pass": figures}, indent=2))


if __name__ == "__main__":
    main()
