"""The payroll export: approved changes and reversals decided in a period, as rows, CSV or a workbook."""

from __future__ import annotations

import csv
import io
from collections.abc import Collection
from datetime import UTC, date, datetime, timedelta

from sqlmodel import Session, select

from engine.hr.workflow import Action
from engine.money import ZERO, money_str
from models import Teacher
from models.hr import ChangeRequest, RequestAudit
from safe.spreadsheet import csv_cell, xlsx_append

PAYROLL_COLUMNS = ["employee_id", "teacher", "district", "request", "change", "decided_on", "effective_date",
                   "old_step", "old_lane", "new_step", "new_lane", "old_growth_steps", "new_growth_steps",
                   "new_annual_salary", "retroactive_amount"]
MONEY_COLUMNS = {"new_annual_salary", "retroactive_amount"}


def payroll_rows(*, session: Session, start: date, end: date, district: str | None = None,
                 district_ids: Collection[str] | None = None) -> list[dict]:
    """Approved changes (and reversals, with the overpayment to recover) decided from `start` to `end` inclusive,
    of one district or of the reviewer's `district_ids` (None: every district)."""
    begin = datetime.combine(start, datetime.min.time(), tzinfo=UTC)
    finish = datetime.combine(end + timedelta(days=1), datetime.min.time(), tzinfo=UTC)
    statement = (select(RequestAudit, ChangeRequest, Teacher)
                 .join(ChangeRequest, ChangeRequest.id == RequestAudit.request_id)
                 .join(Teacher, Teacher.id == ChangeRequest.teacher_id)
                 .where(RequestAudit.action.in_([Action.approve.value, Action.reverse.value]),
                        RequestAudit.at >= begin, RequestAudit.at < finish)
                 .order_by(RequestAudit.at, RequestAudit.id))
    if district:
        statement = statement.where(ChangeRequest.district_id == district)
    if district_ids is not None:
        statement = statement.where(ChangeRequest.district_id.in_(sorted(district_ids)))
    rows = []
    for entry, change, teacher in session.exec(statement):
        reversed_ = entry.action == Action.reverse.value
        rows.append({
            "employee_id": teacher.employee_id, "teacher": teacher.name, "district": change.district_id,
            "request": change.id, "change": f"{change.kind} reversed" if reversed_ else change.kind,
            "decided_on": entry.at.date().isoformat(), "effective_date": change.effective_date.isoformat(),
            "old_step": change.old_step, "old_lane": change.new_lane if reversed_ else change.old_lane,
            "new_step": change.old_step, "new_lane": change.old_lane if reversed_ else change.new_lane,
            "old_growth_steps": change.new_growth_steps if reversed_ else change.old_growth_steps,
            "new_growth_steps": change.old_growth_steps if reversed_ else change.new_growth_steps,
            "new_annual_salary": change.old_annual if reversed_ else change.new_annual,
            "retroactive_amount": (change.recovered_amount if reversed_ else change.retro_amount) or ZERO,
        })
    return rows


def payroll_csv(rows: list[dict]) -> str:
    """The payroll export as CSV, money as exact two-decimal strings, text never a live formula (safe/spreadsheet.py)."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=PAYROLL_COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: csv_cell(money_str(v) if k in MONEY_COLUMNS else v) for k, v in row.items()})
    return out.getvalue()


def payroll_xlsx(rows: list[dict]) -> bytes:
    """The payroll export as a workbook, money cells as numbers with a two-decimal format."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "Approved changes"
    sheet.append(PAYROLL_COLUMNS)
    for row in rows:
        xlsx_append(sheet, [row[k] for k in PAYROLL_COLUMNS])  # text never a live formula (safe/spreadsheet.py)
        for column, key in enumerate(PAYROLL_COLUMNS, start=1):
            if key in MONEY_COLUMNS:
                sheet.cell(row=sheet.max_row, column=column).number_format = "0.00"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
