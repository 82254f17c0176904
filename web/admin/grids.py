"""The admin's grid import: upload a published salary grid, see what was read, correct it, save or download.

The grid travels between the steps as JSON in the form (bounded like an upload and read
again each time), so nothing is kept on the server until the rule file is saved.
Saving writes into DISTRICT_RULES on this server; with several servers, download the
file and add it to the repository instead.
"""
from __future__ import annotations

import json
from pathlib import Path

from flask import current_app, flash, redirect, render_template, url_for
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from engine.rules.folder import cached_folder
from engine.rules.grid import (
    MAX_CELL,
    MAX_COLUMNS,
    MAX_ROWS,
    GridChoices,
    GridError,
    RawGrid,
    read_grid,
    read_lane,
    understand,
)
from engine.rules.reader import RuleFileError
from engine.rules.writer import NewDistrict, WriteRefused, rule_file_for
from services import admin
from web.access import role_required
from web.admin import bp
from web.admin.forms import GridForm
from web.downloads import attachment
from web.extensions import db

MAX_JSON = 512 * 1024


@bp.route("/grids", methods=["GET", "POST"])
@role_required("admin")
def import_grid():
    """Upload a grid; then see it read, correct the guesses, and save the schedule or download the rule file."""
    folder = Path(current_app.config["DISTRICT_RULES"])
    form = GridForm()
    known = cached_folder(folder, fresh=True).districts
    form.district.choices = [SelectChoice("", "A new district")] + [
        SelectChoice(d, f"{rules.district.name} ({d})") for d, rules in sorted(known.items())]
    if not form.is_submitted():
        return render_template("admin/grid_import.html", form=form, reading=None)
    grid = _grid(form)
    if grid is None or not form.validate():
        return render_template("admin/grid_import.html", form=form, reading=None), 400
    reading = understand(grid, _choices(form, grid))
    _show(form, grid, reading)
    problems: list[str] = []
    if (form.save.data or form.download.data) and reading.ok:
        try:
            district_id, text, existing = _rule_file(form, folder, reading, grid)
        except (WriteRefused, RuleFileError) as refusal:
            problems = [str(refusal)]
        else:
            if form.download.data:
                return attachment(text, f"{district_id}.yaml")
            (folder / f"{district_id}.yaml").write_text(text, encoding="utf-8")
            cached_folder(folder, fresh=True)
            what = f"added the {form.effective.data} schedule" if existing else "made the district"
            admin.record_rule_file(session=db.session, actor=current_user, file=f"{district_id}.yaml",
                                   detail=f"{what} from {grid.name}")
            flash(f"{district_id}.yaml: {what} ({len(reading.lanes)} lanes, {len(reading.rows)} rows).", "success")
            return redirect(url_for("admin.districts"))
    asked_to_write = bool(form.save.data or form.download.data)
    status = 400 if asked_to_write and (problems or not reading.ok) else 200
    return render_template("admin/grid_import.html", form=form, reading=reading, marks=reading.blank_map(),
                           problems=problems), status


def _grid(form: GridForm) -> RawGrid | None:
    """The grid: from the uploaded file, or from the form's JSON on later steps; None (with the error) if neither."""
    upload = form.grid.data
    if upload is not None and getattr(upload, "filename", ""):
        content = upload.read(4 * 1024 * 1024)
        try:
            return read_grid(content, Path(upload.filename).name)
        except GridError as error:
            form.grid.errors = list(error.problems)
            return None
    text = form.grid_json.data or ""
    if not text:
        form.grid.errors = ["Choose a CSV or XLSX file of the salary grid."]
        return None
    try:
        if len(text) > MAX_JSON:
            raise ValueError("too large")
        data = json.loads(text)
        grid = RawGrid(str(data["name"])[:200], [str(lane)[:MAX_CELL] for lane in data["lanes"]],
                       [(int(line), str(label)[:MAX_CELL], [str(c)[:MAX_CELL] for c in cells])
                        for line, label, cells in data["rows"]])
        if len(grid.lanes) > MAX_COLUMNS or len(grid.rows) > MAX_ROWS or any(len(c) != len(grid.lanes) for _, _, c in grid.rows):
            raise ValueError("out of bounds")
    except (ValueError, KeyError, TypeError, RecursionError):
        form.grid.errors = ["The grid did not come back as it was sent; upload it again."]
        return None
    return grid


def _choices(form: GridForm, grid: RawGrid) -> GridChoices:
    lanes = {}
    for entry in form.lanes.entries:
        label = entry.form.label.data
        if label in grid.lanes and entry.form.degree.data:
            wanted = (entry.form.degree.data, entry.form.credits.data or 0)
            read = read_lane(label)
            if wanted != (read.degree, read.credits):  # as read, it keeps what its name says ("or bachelor + 60")
                lanes[label] = wanted
    return GridChoices(effective=form.effective.data, index=form.index.data, base=form.base.data,
                       rounding=form.rounding.data or None, skipped_steps=form.skipped_steps.data or None,
                       blank_cells=form.blank_cells.data or None, lanes=lanes,
                       skip_rows=tuple(label for label in form.skip_rows.data or [] if label))


def _show(form: GridForm, grid: RawGrid, reading) -> None:
    """Fill the form with what was read, so the next step starts from it."""
    form.grid_json.data = json.dumps({"name": grid.name, "lanes": grid.lanes, "rows": grid.rows})
    form.skip_rows.choices = [SelectChoice(label, label) for _, label, _ in grid.rows]
    while form.lanes.entries:
        form.lanes.pop_entry()
    for lane in reading.lanes:
        form.lanes.append_entry({"label": lane.label, "degree": lane.degree or "", "credits": lane.credits})
    if reading.skipped_steps and not form.skipped_steps.data:
        form.skipped_steps.data = reading.skipped_steps
    if reading.blank_cells and not form.blank_cells.data:
        form.blank_cells.data = reading.blank_cells


def _rule_file(form: GridForm, folder: Path, reading, grid: RawGrid) -> tuple[str, str, bool]:
    """The district's id, the checked rule-file text, and whether it adds to an existing file."""
    district_id = form.district.data
    if district_id:
        path = folder / f"{district_id}.yaml"
        if district_id not in cached_folder(folder).districts or not path.is_file():
            raise WriteRefused(f"no district {district_id!r} loads from the rule folder")
        text = rule_file_for(reading, form.effective.data, path.read_text(encoding="utf-8"), file_name=str(path),
                             source_name=grid.name)
        return district_id, text, True
    missing = [field.label.text for field in (form.new_id, form.new_name, form.new_state) if not field.data]
    if missing:
        raise WriteRefused(f"a new district needs: {', '.join(missing)}")
    if (folder / f"{form.new_id.data}.yaml").exists():
        raise WriteRefused(f"{form.new_id.data}.yaml exists already: choose that district to add a schedule to it")
    district = NewDistrict(form.new_id.data, form.new_name.data.strip(), form.new_state.data.upper(),
                           form.source_title.data or None, form.source_url.data or None)
    return district.id, rule_file_for(reading, form.effective.data, "", district, f"{district.id}.yaml", grid.name), False
