"""Plotly figures for projection results, as plain JSON (drawn by static/charts.js)."""

from __future__ import annotations

from web.estimating import PALETTE, _layout

COMPONENTS = (("base_pay", "Base pay"), ("additions", "Additions"), ("role_supplements", "Role supplements"),
              ("one_time_payments", "One-time payments"),
              ("social_security", "Social Security"), ("medicare", "Medicare"), ("retirement", "Retirement"), ("health", "Health"), ("program_cost", "Program cost"))


def _years(result: dict) -> list[str]:
    return [y["school_year"] for y in result["years"]]


def cost_by_component(result: dict) -> dict:
    """Stacked bars: each year's cost by component."""
    data = [{"type": "bar", "name": label, "x": _years(result), "y": [y.get(key, "0.00") for y in result["years"]]}
            for key, label in COMPONENTS if any(y.get(key, "0.00") != "0.00" for y in result["years"])]
    layout = _layout(f"Cost by component: {result['scenario_name']}", "Dollars a year")
    layout["barmode"] = "stack"
    return {"data": data, "layout": layout}


def fan_chart(result: dict) -> dict:
    """Total cost: expected values, and the 5th-95th percentile band and median of the Monte Carlo draws."""
    years = _years(result)
    data = []
    if result.get("bands"):
        band = result["bands"]
        data.append({"type": "scatter", "mode": "lines", "name": "95th percentile", "x": years,
                     "y": [b["p95"] for b in band], "line": {"width": 0, "color": PALETTE[0]}})
        data.append({"type": "scatter", "mode": "lines", "name": "5th-95th percentile", "x": years,
                     "y": [b["p5"] for b in band], "fill": "tonexty", "fillcolor": "rgba(31,95,168,0.2)",
                     "line": {"width": 0, "color": PALETTE[0]}})
        data.append({"type": "scatter", "mode": "lines", "name": "Median of draws", "x": years,
                     "y": [b["median"] for b in band], "line": {"dash": "dot", "color": PALETTE[0]}})
    data.append({"type": "scatter", "mode": "lines+markers", "name": "Expected: scenario", "x": years,
                 "y": [y["total"] for y in result["years"]], "line": {"color": PALETTE[0]}})
    data.append({"type": "scatter", "mode": "lines+markers", "name": "Expected: baseline", "x": years,
                 "y": [y["total"] for y in result["baseline"]], "line": {"color": PALETTE[1]}})
    layout = _layout("Total cost" + (f" ({result['draws']} draws, seed {result['seed']})" if result.get("bands") else ""),
                     "Dollars a year")
    layout["yaxis"]["rangemode"] = "normal"
    return {"data": data, "layout": layout}


def difference_chart(result: dict) -> dict:
    """Bars: the scenario's cost over the baseline each year, one-time and recurring apart."""
    years = _years(result)
    data = [{"type": "bar", "name": "Recurring", "x": years, "y": [d["recurring"] for d in result["difference"]],
             "marker": {"color": PALETTE[0]}},
            {"type": "bar", "name": "One-time", "x": years, "y": [d["one_time"] for d in result["difference"]],
             "marker": {"color": PALETTE[1]}}]
    if result.get("difference_bands"):
        band = result["difference_bands"]
        data.append({"type": "scatter", "mode": "markers", "name": "Median difference (5th-95th)", "x": years,
                     "y": [b["median"] for b in band], "marker": {"color": PALETTE[2]},
                     "error_y": {"type": "data", "symmetric": False,
                                 "array": [str(float(b["p95"]) - float(b["median"])) for b in band],
                                 "arrayminus": [str(float(b["median"]) - float(b["p5"])) for b in band]}})
    layout = _layout("Difference vs baseline", "Dollars a year")
    layout["barmode"] = "relative"
    layout["yaxis"]["rangemode"] = "normal"
    return {"data": data, "layout": layout}


def comparison_chart(results: list[dict]) -> dict:
    """Lines: total cost of the baseline and of each scenario, side by side."""
    years = _years(results[0])
    data = [{"type": "scatter", "mode": "lines+markers", "name": "Baseline", "x": years,
             "y": [y["total"] for y in results[0]["baseline"]], "line": {"color": "#555", "dash": "dot"}}]
    for index, result in enumerate(results):
        data.append({"type": "scatter", "mode": "lines+markers", "name": result["scenario_name"], "x": _years(result),
                     "y": [y["total"] for y in result["years"]], "line": {"color": PALETTE[index % len(PALETTE)]}})
    layout = _layout("Total cost by scenario", "Dollars a year")
    layout["yaxis"]["rangemode"] = "normal"
    return {"data": data, "layout": layout}
