"""`make bench`: every figure of issue 14's table that bench/ measures, each against a plain baseline measured in
the same run (interleaved; min and median of several runs), then one table of them all. JSON details first.

    .venv/bin/python bench/all.py [--quick] [--runs 5] [--database-url postgresql+psycopg://...]

Timings on a machine other people use are noisy: read the ratios, which share the noise, before the seconds.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))


def main(argv=None) -> None:
    import hr_queue
    import projection
    import roster_import

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="skip the million-teacher figures")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--database-url", help="an EMPTY PostgreSQL database for the roster figures")
    args = parser.parse_args(argv)
    extra = ["--database-url", args.database_url] if args.database_url else []
    found = projection.main(["--runs", str(args.runs)] + (["--quick"] if args.quick else []) + extra)
    imported = roster_import.main(["--runs", str(max(3, args.runs // 2))])["import_100k"]
    import contextlib
    import io
    import json

    captured = io.StringIO()
    with contextlib.redirect_stdout(captured):
        hr_queue.main(["--runs", str(args.runs)])
    queue = json.loads(captured.getvalue())
    print(json.dumps({"hr_queue": queue}, indent=2))
    rows = [("100,000 teachers x 10 years, expected values", found["expected_100k"], "plain pandas model",
             "< 0.25 s, >= 2x"),
            ("100,000 in 3 units and 2 funding sources x 10 years, expected values (vacancies, cohorts, a proposal)",
             found["expected_100k_units"], "one unit, plain scenario, same engine", "< 0.5 s")]
    if "user_run_1m" in found:
        rows.append(("1,000,000 teachers x 10 y x 1,000 draws as a user runs it", found["user_run_1m"],
                     "one worker, one process", "< 15 s, < 1 GiB"))
        rows.append(("1,000,000 in 3 units x 10 y x 1,000 draws as a user runs it (vacancies, cohorts, a proposal)",
                     found["user_run_1m_full"], "one worker, one process", "< 60 s, < 1 GiB"))
        rows.append(("loading the stored 1,000,000-teacher roster", found["roster_load_1m"], "one object per teacher", ""))
    rows.append(("100,000-row roster import", imported, "pandas read_csv + checks + to_sql", "< 3 s"))
    page = queue["page"]
    print("\n| measure | Lanewise min / median | baseline min / median | ratio (median) | goal |")
    print("|---|---|---|---|---|")
    for name, figure, baseline, goal in rows:
        memory = f", {figure['peak_worker_mib']:.0f} MiB per worker" if "peak_worker_mib" in figure else ""
        print(f"| {name} | {figure['seconds_min']:.2f} / {figure['seconds_median']:.2f} s{memory} | "
              f"{figure['baseline_seconds_min']:.2f} / {figure['baseline_seconds_median']:.2f} s ({baseline}) | "
              f"{figure['ratio']:.2f}x | {goal} |")
    print(f"| HR queue page, {queue['requests']:,} requests, in-process | {page['page_min_ms']:.1f} / "
          f"{page['page_median_ms']:.1f} ms | {page['baseline_min_ms']:.1f} / {page['baseline_median_ms']:.1f} ms "
          f"(the same rows by raw SQL) | {1 / page['ratio_median']:.2f}x | < 15 ms |")


if __name__ == "__main__":
    main()
