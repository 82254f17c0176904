"""Glue between requests and the engine: the districts' rules, estimate options, and chart figures.

Pages, forms and the API all read options through `estimate_input`, so the page, the
API and the CLI compute from the same inputs.
"""

from dataclasses import dataclass
from datetime import date

from flask import abort, current_app
from pydantic import ValidationError

from engine import DistrictRules, Estimate, EstimateInput, RuleInputError, SchoolYear
from engine.rules.folder import cached_folder
from engine.teacher.record import TeacherRecord
from engine.teacher.state import Walk, walk
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
    """Give every district whose rule file loads, from DISTRICT_RULES (each file re-read only when it changes).

    A broken rule file is logged and skipped: every other district keeps working, and
    /admin/districts shows the broken file's errors.
    """
    path = current_app.config["DISTRICT_RULES"]
    # Rules set on the app for a folder (tests do this) take the place of reading it.
    loaded = current_app.extensions.get("lanewise_rules", {}).get(path) or cached_folder(path).districts
    if not loaded:
        abort(503, description="No district rule file loads; run `flask rules check`.")
    return loaded


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
    try:
        return rules, parsed.to_input(rules)
    except (RuleInputError, ValueError) as error:
        field = "step" if "step" in str(error) else "school_year"
        raise OptionError(field, str(error)) from None


@dataclass
class TeacherContext:
    """A teacher on the roster as every teacher page, the API and HR read them: their rules, their record (None
    without a placement), today's date and the school year their pages start from."""

    teacher: object
    rules: DistrictRules | None
    record: TeacherRecord | None
    today: date
    first: SchoolYear | None

    def walk(self, years: int = 10, **options) -> Walk:
        return Walk(self.first, years, today=self.today, **options)


def teacher_context(*, session, teacher, today: date) -> TeacherContext:
    """The teacher's rules and record, and the school year that holds today (or their first placement, if later)."""
    from services import ledger

    rules = districts().get(teacher.district_id)
    record = ledger.teacher_record(session=session, rules=rules, teacher=teacher) if rules else None
    first = None
    if record is not None:
        first = max(rules.year(ledger.school_year_of(rules, today)), rules.year(record.first_placement.school_year))
    return TeacherContext(teacher, rules, record, today, first)


def timeline(context: TeacherContext, plan: Walk, record: TeacherRecord | None = None) -> Estimate:
    """The teacher's pay year by year (the engine's walk of their record), as the pages and the API show it."""
    record = record or context.record
    placed = record.placement_on_or_before(plan.first) or record.first_placement
    return Estimate(context.rules, walk(context.rules, record, plan), placed.fte)


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
