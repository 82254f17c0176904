"""Glue between requests and the engine: the districts' rules, estimate options, and chart figures.

Pages, forms and the API all read options through `estimate_input`, so the page, the
API and the CLI compute from the same inputs.
"""

from flask import abort, current_app
from pydantic import ValidationError

from engine import (
    DistrictRules,
    EstimateInput,
    RuleFileError,
    RuleInputError,
    load_districts,
)
from engine.teacher.options import EstimateOptions

# What the engine raises for input it cannot use (an unknown lane, step or school year...).
ENGINE_INPUT_ERRORS = (RuleInputError, KeyError, ValueError, LookupError)


class OptionError(ValueError):
    """An estimate option is missing or malformed; `field` names the first, `problems` lists them all."""

    def __init__(self, field: str, message: str, problems: list[tuple[str, str]] | None = None):
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message
        self.problems = problems or [(field, message)]


def districts() -> dict[str, DistrictRules]:
    """Give every district's validated rules, read once per app from DISTRICT_RULES."""
    cache = current_app.extensions.setdefault("lanewise_rules", {})
    path = current_app.config["DISTRICT_RULES"]
    if path not in cache:
        try:
            cache[path] = load_districts(path)
        except RuleFileError as error:
            # A broken rule file is the operator's to fix (`flask rules check`); say so instead of a bare 500.
            current_app.logger.error("district rules do not load:\n%s", error)
            abort(503, description="The district rule files have errors; run `flask rules check`.")
    return cache[path]


def district_or_404(district_id: str) -> DistrictRules:
    """Give one district's rules or answer 404."""
    rules = districts().get(district_id)
    if rules is None:
        abort(404, description=f"No district {district_id!r}.")
    return rules


def default_school_year(rules: DistrictRules) -> str:
    """Give the latest school year with an adopted schedule."""
    years = rules.school_years()
    return years[-1] if years else ""


def estimate_input(options: dict) -> tuple[DistrictRules, EstimateInput]:
    """Give the district's rules and the engine's input for estimate options (the CLI's options, as JSON keys).

    Raises OptionError for a missing, unknown or malformed option, or an unknown district.
    """
    if not isinstance(options, dict):
        raise OptionError("body", "expected a JSON object of estimate options")
    try:
        parsed = EstimateOptions.model_validate(options)
    except ValidationError as error:
        problems = [(".".join(str(part) for part in item["loc"]) or "body", item["msg"]) for item in error.errors()]
        raise OptionError(problems[0][0], problems[0][1], problems) from None
    rules = districts().get(parsed.district)
    if rules is None:
        raise OptionError("district", f"unknown district {parsed.district!r} (districts: {', '.join(sorted(districts()))})")
    return rules, parsed.to_input()


def teacher_options(*, session, teacher, placement) -> dict:
    """Give the estimate options for a teacher's placement on the roster (what the CLI would be given):
    granted micro-credentials, evaluation ratings and the growth steps HR has approved."""
    from models import CredentialKind
    from services import hr, teachers

    granted = teachers.granted_totals(session=session, teacher_id=teacher.id)
    options = {
        "district": teacher.district_id,
        "school_year": placement.school_year,
        "step": placement.step,
        "lane": placement.lane,
        "fte": str(placement.fte),
        "micro_credentials_held": int(granted[CredentialKind.micro_credential]),
        "ratings": teachers.evaluations(session=session, teacher_id=teacher.id),
    }
    rules = districts().get(teacher.district_id)
    if rules is not None:
        # Growth steps in effect during the placement's school year (Dysart's take effect the next July 1).
        options["growth_steps"] = hr.growth_steps_held(session=session, teacher_id=teacher.id,
                                                       effective_before=rules.year(placement.school_year).end)
        # Credit granted this year that no approved request has used yet counts as this year's new credit.
        micro_credentials, hours = hr.unused_granted_credit(session=session, rules=rules, teacher_id=teacher.id,
                                                             school_year=placement.school_year)
        if micro_credentials:
            options["micro_credentials"] = micro_credentials
            options["micro_credentials_held"] -= micro_credentials  # the engine adds this year's itself
        if hours:
            options["credits"] = str(hours)
    if placement.years_of_service is not None:
        options["years_of_service"] = placement.years_of_service
    if placement.degree in DEGREES:
        options["degree"] = placement.degree
    if placement.band:
        options["band"] = placement.band
    return options


DEGREES = ("bachelor", "master", "specialist", "doctorate")


# --- chart figures: plain Plotly JSON, drawn in the browser by static/charts.js -----------------

PALETTE = ("#1f5fa8", "#d9822b", "#1e7b4f", "#8e44ad")


def _layout(title: str, y_title: str) -> dict:
    return {
        "title": {"text": title},
        "margin": {"l": 70, "r": 20, "t": 50, "b": 60},
        "xaxis": {"title": {"text": "School year"}, "type": "category"},
        "yaxis": {"title": {"text": y_title}, "tickprefix": "$", "separatethousands": True, "rangemode": "tozero"},
        "legend": {"orientation": "h", "y": -0.25},
        "hovermode": "x unified",
    }


def pay_figure(paths: dict[str, dict], key: str = "total", title: str = "Annual pay") -> dict:
    """Give a line chart of each path's timeline (`paths`: label -> estimate JSON), by school year."""
    data = []
    for index, (label, estimate_json) in enumerate(paths.items()):
        data.append({
            "type": "scatter",
            "mode": "lines+markers",
            "name": label,
            "x": [year["school_year"] for year in estimate_json["timeline"]],
            # Amounts stay decimal strings: Plotly reads numeric strings on a linear axis.
            "y": [year[key] for year in estimate_json["timeline"]],
            "line": {"color": PALETTE[index % len(PALETTE)], "shape": "hv" if key == "total" else "linear"},
        })
    return {"data": data, "layout": _layout(title, "Dollars")}


def schedule_figure(table: dict, step: int | None = None, lane: str | None = None) -> dict:
    """Give a heat map of a schedule table (engine `schedule_table`), marking the teacher's cell.

    Light cells pay least and dark cells most (the page's caption says so); the page's caption names the chart,
    so the plot has no title of its own to collide with the lane axis above it.
    """
    lanes = [entry["name"] for entry in table["lanes"]]
    # A long lane name ("MA (or BA+45 with micro-credentials)") labels its column by its short id; hover names it.
    ticks = [entry["name"] if len(entry["name"]) <= 14 else entry["id"] for entry in table["lanes"]]
    steps = [str(row["step"]) for row in table["rows"]]
    z = [[amount for amount in row["amounts"]] for row in table["rows"]]
    figure = {
        "data": [{
            "type": "heatmap", "x": lanes, "y": steps, "z": z, "colorscale": [[0, "#eef4fb"], [1, "#0b3d7a"]],
            "hovertemplate": "Lane %{x}, step %{y}: $%{z:,.2f}<extra></extra>",
            "colorbar": {"tickprefix": "$", "separatethousands": True, "title": {"text": "Base salary", "side": "right"}},
        }],
        "layout": {
            "height": 440, "margin": {"l": 60, "r": 20, "t": 70, "b": 20},
            "xaxis": {"title": {"text": "Lane", "standoff": 8}, "type": "category", "side": "top", "automargin": True,
                      "tickmode": "array", "tickvals": lanes, "ticktext": ticks},
            "yaxis": {"title": {"text": "Step"}, "type": "category", "autorange": "reversed", "automargin": True},
        },
    }
    if step is not None and lane is not None:
        lane_ids = [entry["id"] for entry in table["lanes"]]
        row = next((r for r in table["rows"] if not r["reserved"] and _row_covers(r, step)), None)
        if row is not None and lane in lane_ids:
            figure["data"].append({
                "type": "scatter", "mode": "markers", "name": "You are here", "showlegend": False,
                "x": [lanes[lane_ids.index(lane)]], "y": [str(row["step"])],
                "marker": {"symbol": "square-open", "size": 22, "color": "#f2b705", "line": {"width": 4}},
                "hovertemplate": "You are here<extra></extra>",
            })
    return figure


def _row_covers(row: dict, step: int) -> bool:
    return row["first_step"] <= step and (row["last_step"] is None or step <= row["last_step"])


def row_for_step(table: dict, step: int) -> dict | None:
    """Give the schedule row a step falls in (rows may stand for a band of steps)."""
    return next((r for r in table["rows"] if not r["reserved"] and _row_covers(r, step)), None)
