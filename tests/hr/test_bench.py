"""The queue benchmark runs and reports every query as JSON (small size here; 20,000 by default)."""
import json
import runpy
from pathlib import Path


def test_bench_reports_timings_as_json(capsys):
    bench = runpy.run_path(str(Path(__file__).resolve().parents[2] / "bench" / "hr_queue.py"))
    assert bench["main"](["--requests", "400", "--teachers", "40", "--runs", "1"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["requests"] == 400
    assert report["queries"]["approved_page_50_by_keyset"]["page"] == 50
    assert all(q["median_ms"] >= 0 and q["rows"] <= 100 for q in report["queries"].values())
    assert report["queries"]["waiting_oldest_first"]["matched"] > 0
