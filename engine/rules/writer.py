"""Rule-file YAML written from an understood grid: a whole new district, or a dated schedule added to one.

The text is written by hand, one schedule row a line as districts publish them, so
a person can read and diff it; every result is checked with `parse_rules` before
anyone keeps it.
"""
from __future__ import annotations

import json
import re
from pathlib import Path
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from engine.rules.grid import GridReading

_BARE = re.compile(r"^[A-Za-z][A-Za-z0-9_+.-]*$")
_YAML_WORDS = {"y", "n", "yes", "no", "true", "false", "on", "off", "null", "~"}


class WriteRefused(ValueError):
    """The grid cannot go into that rule file; the message says why."""


@dataclass
class NewDistrict:
    """Who a new rule file is for, and where its figures come from."""

    id: str
    name: str
    state: str
    source_title: str | None = None
    source_url: str | None = None
    notes: list[str] = field(default_factory=list)


def scalar(value: object, decimals: bool = True) -> str:
    """A value as YAML: strings quoted unless plainly safe, money with two decimals."""
    if value is None:
        return "~"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return f"{value:.2f}" if decimals else _plain(value)
    if isinstance(value, int):
        return str(value)
    text = str(value)
    if _BARE.match(text) and text.lower() not in _YAML_WORDS and len(text) > 1:
        return text
    return json.dumps(text)


def _plain(value: Decimal) -> str:
    text = format(value, "f")
    return text if "." in text else text + ".0"


def schedule_entry(effective: date, reading: GridReading, reference: str | None = None, source_name: str = "",
                   lane_ids: list[str] | None = None) -> str:
    """A dated schedule in rule-file YAML, indented to sit under `schedules:`."""
    data = reading.schedule_data()
    if lane_ids is not None:
        data["lanes"] = lane_ids
    index = data["kind"] == "index"
    lines = [f"  {effective.isoformat()}:", f"    kind: {data['kind']}"]
    if index:
        lines.append(f"    base: {scalar(data['base'])}")
    if reference:
        lines.append(f"    reference: {scalar(reference)}")
    if source_name:
        lines.append(f"    description: {scalar('Imported from ' + source_name)}")
    for key in ("skipped_steps", "blank_cells"):
        if key in data:
            lines.append(f"    {key}: {data[key]}")
    lines.append(f"    lanes: [{', '.join(scalar(lane) for lane in data['lanes'])}]")
    lines.append("    rows:")
    for row in data["rows"]:
        step = scalar(row["step"]) if isinstance(row["step"], int) else json.dumps(row["step"])
        if row.get("reserved"):
            lines.append(f"      - {{step: {step}, reserved: true}}")
        else:
            cells = "index" if index else "amounts"
            values = ", ".join(scalar(v, decimals=not index) for v in row[cells])
            lines.append(f"      - {{step: {step}, {cells}: [{values}]}}")
    return "\n".join(lines) + "\n"


def lane_entry(lane: dict) -> str:
    """A lane as one YAML line under `lanes:`."""
    parts = [f"id: {scalar(lane['id'])}", f"degree: {lane['degree']}"]
    if lane.get("credits"):
        parts.append(f"credits: {lane['credits']}")
    if lane.get("equivalent"):
        inner = ", ".join("{" + ", ".join(f"{k}: {v}" for k, v in need.items()) + "}" for need in lane["equivalent"])
        parts.append(f"equivalent: [{inner}]")
    return "  - {" + ", ".join(parts) + "}\n"


def new_rule_file(district: NewDistrict, effective: date, reading: GridReading, source_name: str = "") -> str:
    """A complete rule file for a new district from one grid."""
    lines = [f"# {district.name}: rule file written by `flask rules import-grid` from {source_name or 'a published grid'}.",
             "# Check each lane's degree and credits, then add micro-credential, step and pay rules",
             "# (district_rules/README.md); `flask rules check` validates the file."]
    lines += [f"# {note}" for note in district.notes]
    lines += ["district:", f"  id: {scalar(district.id)}", f"  name: {scalar(district.name)}", f"  state: {district.state}"]
    reference = None
    if district.source_title or district.source_url:
        reference = "published-grid"
        lines += ["  sources:", f"    {reference}:", f"      title: {scalar(district.source_title or source_name or 'Published salary schedule')}"]
        if district.source_url:
            lines.append(f"      url: {scalar(district.source_url)}")
    lines.append("")
    lines.append("lanes:")
    text = "\n".join(lines) + "\n"
    text += "".join(lane_entry(lane) for lane in reading.lanes_data())
    text += "\nschedules:\n" + schedule_entry(effective, reading, reference, source_name)
    first = min(row.first for row in reading.rows if not row.reserved)
    text += f"\nsteps:\n  hiring_step: {first}\n"
    return text


def add_schedule(text: str, existing_lanes: list[str], effective: date, reading: GridReading,
                 reference: str | None = None, source_name: str = "") -> str:
    """A rule file's text with a new dated schedule, and the grid's lanes the file does not have yet."""
    if re.search(rf"^\s+{re.escape(effective.isoformat())}\s*:", text, flags=re.MULTILINE):
        raise WriteRefused(f"a schedule dated {effective.isoformat()} is in the file already; pick another --effective date")
    known = {_key(lane): lane for lane in existing_lanes}
    lane_ids, new_lanes = [], []
    for lane, entry in zip(reading.lanes, reading.lanes_data()):
        match = known.get(_key(lane.label))
        if match is None:
            new_lanes.append(entry)
        lane_ids.append(match or entry["id"])
    if new_lanes:
        text = _append_to_block(text, "lanes", "".join(lane_entry(lane) for lane in new_lanes))
    return _append_to_block(text, "schedules", schedule_entry(effective, reading, reference, source_name, lane_ids))


def _key(label: str) -> str:
    return " ".join(label.split()).casefold()


def _append_to_block(text: str, key: str, entry: str) -> str:
    """The text with `entry` added at the end of the top-level `key:` block (the block is made if missing)."""
    lines = text.splitlines(keepends=True)
    for i, line in enumerate(lines):
        if line.rstrip() == f"{key}:":
            end = i + 1
            while end < len(lines) and (lines[end].startswith((" ", "#", "-")) or not lines[end].strip()):
                end += 1
            while end > i + 1 and not lines[end - 1].strip():
                end -= 1
            # Entries take the indentation of the block's own ("- " or "  - ").
            indent = next((l[: len(l) - len(l.lstrip())] for l in lines[i + 1:end] if l.lstrip().startswith("- ")), None)
            if indent is not None and indent != "  ":
                entry = "".join(indent + l[2:] if l.startswith("  - ") else l for l in entry.splitlines(keepends=True))
            return "".join(lines[:end]) + entry + "".join(lines[end:])
    return text.rstrip("\n") + f"\n\n{key}:\n" + entry


def rule_file_for(reading: GridReading, effective: date, existing: str = "", district: NewDistrict | None = None,
                  file_name: str | None = None, source_name: str = "") -> str:
    """The text of a rule file holding the grid: `existing` with the schedule added, or a new district's file.

    The whole file is checked before it is given: WriteRefused says why the grid cannot
    go there, RuleFileError lists what would be wrong with the file.
    """
    from engine.rules.load import parse_rules
    from engine.rules.reader import RuleFileError, read_document

    if not reading.ok:
        raise WriteRefused("; ".join(reading.problems))
    if existing.strip():
        try:
            data = read_document(file_name or "rule file", existing).data
        except RuleFileError as exc:
            raise WriteRefused(f"the rule file is not readable YAML, so nothing was added: {exc}") from None
        data = data if isinstance(data, dict) else {}
        lanes = [lane.get("id") for lane in (data.get("lanes") or []) if isinstance(lane, dict)]
        sources = (data.get("district") or {}).get("sources") or {} if isinstance(data.get("district"), dict) else {}
        reference = "published-grid" if "published-grid" in sources else None
        text = add_schedule(existing, lanes, effective, reading, reference, source_name)
    else:
        if district is None:
            raise WriteRefused("a new district needs an id, a name and a state")
        text = new_rule_file(district, effective, reading, source_name)
    checked = parse_rules(file_name or f"{district.id if district else 'district'}.yaml", text)
    if file_name and checked.id != Path(file_name).stem:
        raise WriteRefused(f"a rule file is named after its district's id: {checked.id}.yaml, not {Path(file_name).name}")
    return text
