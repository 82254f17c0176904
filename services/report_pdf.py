"""The board's report as a PDF (reportlab: pure Python, no system packages), from the same figures as its page."""

from __future__ import annotations

import io
from decimal import Decimal
from xml.sax.saxutils import escape

from reportlab.graphics.shapes import Drawing, Line, Rect, String
from reportlab.lib import colors
from reportlab.lib.pagesizes import landscape, letter
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import inch
from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

BLUE, RED, GREEN = colors.HexColor("#1f5fa8"), colors.HexColor("#b03a2e"), colors.HexColor("#2e7d32")


def _dollars(value: Decimal) -> str:
    return f"-${-value:,.2f}" if value < 0 else f"${value:,.2f}"


def _table(rows: list[list], widths=None, money_from: int = 1) -> Table:
    table = Table(rows, colWidths=widths, repeatRows=1)
    table.setStyle(TableStyle([
        ("FONT", (0, 0), (-1, 0), "Helvetica-Bold", 8), ("FONT", (0, 1), (-1, -1), "Helvetica", 8),
        ("ALIGN", (money_from, 0), (-1, -1), "RIGHT"), ("LINEBELOW", (0, 0), (-1, 0), 0.5, colors.black),
        ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, colors.HexColor("#f2f5f9")]),
        ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return table


def waterfall_drawing(data: dict, width: float = 9.5 * inch, height: float = 2.8 * inch) -> Drawing:
    """The cost drivers as floating bars, drawn to scale."""
    drawing = Drawing(width, height)
    steps = data["waterfall"]
    if not steps:
        return drawing
    levels, level = [], Decimal(0)
    for key, _, amount in steps:
        if key in ("start", "end"):
            levels.append((Decimal(0), amount))
            level = amount
        else:
            levels.append((level, level + amount))
            level += amount
    top = max(max(a, b) for a, b in levels)
    bottom = min(Decimal(0), min(min(a, b) for a, b in levels))
    # Start the axis near the smallest level so the drivers show (a board reads the steps, not the zero).
    floor = max(bottom, min(min(a, b) for a, b in levels[1:-1] or levels) * Decimal("0.9")) if len(levels) > 2 else bottom
    span = float(top - floor) or 1.0
    left, base_y, plot_h = 10, 30, height - 45
    bar_w = (width - left) / len(steps)
    y_of = lambda v: base_y + plot_h * (float(v) - float(floor)) / span  # noqa: E731
    drawing.add(Line(left, base_y, width, base_y, strokeColor=colors.grey))
    for i, ((key, label, amount), (a, b)) in enumerate(zip(steps, levels)):
        x = left + i * bar_w + bar_w * 0.15
        low, high = (max(min(a, b), floor), max(a, b))
        color = BLUE if key in ("start", "end") else (RED if amount >= 0 else GREEN)
        drawing.add(Rect(x, y_of(low), bar_w * 0.7, max(1.0, y_of(high) - y_of(low)), fillColor=color, strokeColor=None))
        drawing.add(String(x + bar_w * 0.35, y_of(high) + 3, _dollars(amount), fontSize=6.5, textAnchor="middle"))
        drawing.add(String(x + bar_w * 0.35, base_y - 12, label[:28], fontSize=6.5, textAnchor="middle"))
    return drawing


def report_pdf(data: dict) -> bytes:
    """The report on letter paper, landscape: cost by component against the baseline, the waterfall, cost per FTE,
    units and funding sources, and the assumptions."""
    out = io.BytesIO()
    styles = getSampleStyleSheet()
    # Uncompressed: the report is a few pages, and its figures stay searchable in the file itself.
    doc = SimpleDocTemplate(out, pagesize=landscape(letter), title=data["title"], author="Lanewise", pageCompression=0,
                            leftMargin=0.5 * inch, rightMargin=0.5 * inch, topMargin=0.5 * inch, bottomMargin=0.5 * inch)
    story = [Paragraph(escape(data["title"]), styles["Title"]),
             Paragraph(escape(f"{data['district']}; roster {data['roster']} ({data['teachers']:,} people)")
                       + ("; <b>illustrative rules</b>" if data["illustrative"] else ""), styles["Normal"]),
             Spacer(1, 8), Paragraph("Cost against the baseline, by component", styles["Heading2"])]
    rows = [["Component", ""] + data["years"] + ["All years"]]
    for component in data["components"]:
        for name, values, total in (("scenario", component["scenario"], component["all_years"][0]),
                                    ("baseline", component["baseline"], component["all_years"][1]),
                                    ("difference", component["difference"],
                                     component["all_years"][0] - component["all_years"][1])):
            if component["key"] != "total" and name == "baseline":
                continue
            rows.append([component["label"] if name == "scenario" else "", name] + [_dollars(v) for v in values]
                        + [_dollars(total)])
    story.append(_table(rows, money_from=2))
    if data["waterfall"]:
        story += [Spacer(1, 10), KeepTogether([Paragraph("What drives the cost: from the first year to the last",
                                                         styles["Heading2"]), waterfall_drawing(data)])]
        rows = [["School year", "First-year cost"] + [label for _, label in data["driver_names"]] + ["Cost in the year"]]
        for year in data["drivers"]:
            rows.append([year["school_year"], _dollars(Decimal(year["start"]))]
                        + [_dollars(Decimal(year[n])) for n, _ in data["driver_names"]] + [_dollars(Decimal(year["end"]))])
        story.append(_table(rows))
    story += [Spacer(1, 10), Paragraph("Cost per FTE", styles["Heading2"]),
              _table([["School year", "FTE", "Scenario", "Baseline"]]
                     + [[r["school_year"], f"{r['fte']:,}", _dollars(r["scenario"]), _dollars(r["baseline"])]
                        for r in data["per_fte"]])]
    if data["by_piece"]:
        story += [Spacer(1, 10), Paragraph("By bargaining unit and funding source, all years", styles["Heading2"]),
                  _table([["Unit", "Funding source", "FTE", "Scenario", "Baseline", "Difference"]]
                         + [[p["unit_name"], p["funding"] or "(none given)", p["fte"], _dollars(Decimal(p["total"])),
                             _dollars(Decimal(p["baseline"])), _dollars(Decimal(p["difference"]))] for p in data["by_piece"]],
                         money_from=2)]
    story += [Spacer(1, 10), Paragraph("Assumptions", styles["Heading2"]),
              _table([["", ""]] + [[Paragraph(escape(a), styles["Normal"]), Paragraph(escape(b), styles["Normal"])]
                                   for a, b in data["assumptions"]], widths=[3 * inch, 7 * inch], money_from=2)]
    for note in data["notes"]:
        story.append(Paragraph(escape(note), styles["Normal"]))
    doc.build(story)
    return out.getvalue()
