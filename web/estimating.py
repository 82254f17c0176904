"""Glue between requests and the engine: the districts' rules, estimate options, and chart figures.

Pages, forms and the API all read options through `estimate_input`, so the page, the
API and the CLI compute from the same inputs.
"""

from dataclasses import fields
from decimal import Decimal, InvalidOperation

from flask import abort, current_app

from engine import DistrictRules, EstimateInput, PlanYear, RuleInputError, load_districts

# What the engine raises for input it cannot use (an unknown lane, step or school year...).
ENGINE_INPUT_ERRORS = (RuleInputError, KeyError, ValueError, LookupError)


class OptionError(ValueError):
    """An estimate option is missing or malformed; `field` names it."""

    def __init__(self, field: str, message: str):
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


def districts() -> dict[str, DistrictRules]:
    """Give every district's validated rules, read once per app from DISTRICT_RULES."""
    cache = current_app.extensions.setdefault("lanewise_rules", {})
    path = current_app.config["DISTRICT_RULES"]
    if path not in cache:
        cache[path] = load_districts(path)
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


INTEGER_OPTIONS = ("step", "micro_credentials", "years", "years_of_service", "growth_steps", "micro_credentials_held")
DECIMAL_OPTIONS = ("credits", "fte")
TEXT_OPTIONS = ("school_year", "lane", "degree", "band", "role", "window")
LIST_OPTIONS = ("subjects", "certifications", "achievements")
KNOWN_OPTIONS = {"district", "plan", "certified", "ratings", *INTEGER_OPTIONS, *DECIMAL_OPTIONS, *TEXT_OPTIONS,
                 *LIST_OPTIONS}
REQUIRED_OPTIONS = ("district", "school_year", "step", "lane")


def _integer(name: str, value) -> int:
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise OptionError(name, "expected a whole number")
    try:
        number = int(value)
    except ValueError:
        raise OptionError(name, f"expected a whole number, got {value!r}") from None
    if number < 0:
        raise OptionError(name, "expected a whole number >= 0")
    return number


def _decimal(name: str, value) -> Decimal:
    # Floats are refused: 0.1 is not 0.1. JSON clients send amounts as strings or integers.
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise OptionError(name, "expected a decimal number as a string (e.g. \"7.5\") or a whole number")
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        raise OptionError(name, f"expected a decimal number, got {value!r}") from None
    if not number.is_finite() or number < 0:
        raise OptionError(name, "expected a decimal number >= 0")
    return number


def _text(name: str, value) -> str:
    if not isinstance(value, str) or not value.strip():
        raise OptionError(name, "expected a non-empty string")
    return value.strip()


def _plan(value) -> tuple[tuple[str, PlanYear], ...]:
    if not isinstance(value, dict):
        raise OptionError("plan", 'expected an object of school years, e.g. {"2027-28": {"micro_credentials": 5}}')
    plan = []
    for year, entry in value.items():
        if not isinstance(entry, dict):
            raise OptionError(f"plan.{year}", "expected an object with micro_credentials, credits and window")
        unknown = set(entry) - {"micro_credentials", "credits", "window"}
        if unknown:
            raise OptionError(f"plan.{year}", f"unknown keys: {', '.join(sorted(unknown))}")
        plan.append((str(year), PlanYear(
            micro_credentials=_integer(f"plan.{year}.micro_credentials", entry.get("micro_credentials", 0)),
            credits=_decimal(f"plan.{year}.credits", entry.get("credits", 0)),
            window=_text(f"plan.{year}.window", entry["window"]) if entry.get("window") is not None else None,
        )))
    return tuple(sorted(plan))


def estimate_input(options: dict) -> tuple[DistrictRules, EstimateInput]:
    """Give the district's rules and the engine's input for estimate options (as the CLI and API take them).

    Raises OptionError for a missing, unknown or malformed option.
    """
    if not isinstance(options, dict):
        raise OptionError("body", "expected a JSON object")
    unknown = set(options) - KNOWN_OPTIONS
    if unknown:
        raise OptionError(sorted(unknown)[0], "unknown option")
    for name in REQUIRED_OPTIONS:
        if options.get(name) in (None, ""):
            raise OptionError(name, "required")
    district_id = _text("district", options["district"])
    rules = districts().get(district_id)
    if rules is None:
        raise OptionError("district", f"unknown district {district_id!r} (districts: {', '.join(sorted(districts()))})")
    values: dict = {}
    for name in INTEGER_OPTIONS:
        if options.get(name) is not None:
            values[name] = _integer(name, options[name])
    for name in DECIMAL_OPTIONS:
        if options.get(name) is not None:
            values[name] = _decimal(name, options[name])
    for name in TEXT_OPTIONS:
        if options.get(name) not in (None, ""):
            values[name] = _text(name, options[name])
    for name in LIST_OPTIONS:
        if options.get(name) is not None:
            if not isinstance(options[name], list) or not all(isinstance(item, str) for item in options[name]):
                raise OptionError(name, "expected a list of strings")
            values[name] = tuple(options[name])
    if options.get("certified") is not None:
        if not isinstance(options["certified"], bool):
            raise OptionError("certified", "expected true or false")
        values["certified"] = options["certified"]
    if options.get("ratings") is not None:
        if not isinstance(options["ratings"], dict) or not all(isinstance(v, str) for v in options["ratings"].values()):
            raise OptionError("ratings", 'expected an object of school year to rating, e.g. {"2025-26": "effective"}')
        values["ratings"] = tuple(sorted((str(k), v) for k, v in options["ratings"].items()))
    if options.get("plan") is not None:
        values["plan"] = _plan(options["plan"])
    accepted = {f.name for f in fields(EstimateInput)}
    return rules, EstimateInput(**{k: v for k, v in values.items() if k in accepted})


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
    """Give a heat map of a schedule table (engine `schedule_table`), marking the teacher's cell."""
    lanes = [entry["name"] for entry in table["lanes"]]
    steps = [str(row["step"]) for row in table["rows"]]
    z = [[amount for amount in row["amounts"]] for row in table["rows"]]
    figure = {
        "data": [{
            "type": "heatmap", "x": lanes, "y": steps, "z": z, "colorscale": "Blues",
            "hovertemplate": "Lane %{x}, step %{y}: $%{z:,.2f}<extra></extra>", "colorbar": {"tickprefix": "$"},
        }],
        "layout": {
            "title": {"text": f"Schedule {table['school_year']}"},
            "margin": {"l": 60, "r": 20, "t": 50, "b": 60},
            "xaxis": {"title": {"text": "Lane"}, "type": "category", "side": "top"},
            "yaxis": {"title": {"text": "Step"}, "type": "category", "autorange": "reversed"},
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
    label = str(row["step"])
    if "-" in label:
        first, _, last = label.partition("-")
        return int(first) <= step <= int(last) if last.strip().isdigit() else step >= int(first)
    if label.endswith("+"):
        return step >= int(label[:-1])
    return str(step) == label


def row_for_step(table: dict, step: int) -> dict | None:
    """Give the schedule row a step falls in (rows may stand for a band of steps)."""
    return next((r for r in table["rows"] if not r["reserved"] and _row_covers(r, step)), None)
