"""Demo data: a small roster for each shipped district and one account per role. Safe to run again."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlmodel import Session

from models import (
    CredentialKind,
    CredentialStatus,
    EarnedCredentialCreate,
    PlacementCreate,
    Role,
    TeacherCreate,
    UserCreate,
)
from models.accounts import DISTRICT_ROLES
from services import accounts, teachers

# Demo passwords are public by design: the demo runs on a developer's own machine.
DEMO_ACCOUNTS = (
    ("teacher", "Demo Teacher", Role.teacher, "teacher-demo-1"),
    ("hr", "Demo HR officer", Role.hr, "hr-demo-1"),
    # A second HR reviewer: Dysart's growth steps go to a committee of two.
    ("hr2", "Demo HR reviewer", Role.hr, "hr-demo-2"),
    ("finance", "Demo finance officer", Role.finance, "finance-demo-1"),
    ("admin", "Demo administrator", Role.admin, "admin-demo-1"),
)
DEMO_NAMES = ("Avery Johnson", "Blake Rivera", "Casey Nguyen", "Devon Patel")
DEMO_SCHOOLS = ("Riverside Elementary", "Northview Middle", "Central High")


@dataclass
class DemoLogin:
    """An account the demo made, with its password, for printing."""

    username: str
    password: str
    role: str
    teacher: str | None = None


def seed(*, session: Session, districts: dict, schedule_table) -> list[DemoLogin]:
    """Add the demo roster and accounts where missing; give the logins (passwords reset to the demo ones)."""
    first_teacher = None
    for district_id, rules in sorted(districts.items()):
        school_year = rules.school_years()[-1]
        table = schedule_table(rules, school_year)
        lanes = [lane["id"] for lane in table["lanes"]]
        rows = [row for row in table["rows"] if not row["reserved"]]
        for index, name in enumerate(DEMO_NAMES[:3]):
            employee_id = f"DEMO-{index + 1:03d}"
            teacher = teachers.get_teacher_by_employee_id(session=session, district_id=district_id, employee_id=employee_id)
            if teacher is None:
                teacher = teachers.create_teacher(session=session, teacher=TeacherCreate(
                    district_id=district_id, employee_id=employee_id, name=name,
                    school=DEMO_SCHOOLS[index % len(DEMO_SCHOOLS)], hire_date=date(2018 - index * 4, 8, 1),
                ))
                lane_index = min(index, len(lanes) - 1)
                row = rows[min(index * 3 + 2, len(rows) - 1)]
                step = _placeable_step(row, table, lanes[lane_index])
                teachers.set_placement(session=session, placement=PlacementCreate(
                    teacher_id=teacher.id, school_year=school_year, step=step, lane=lanes[lane_index],
                    fte=Decimal("1.00"), years_of_service=step, degree=None, band=_stipend_band(rules),
                ))
                teachers.set_evaluation(session=session, teacher_id=teacher.id, school_year=school_year,
                                        rating="effective")
                statuses = (CredentialStatus.granted, CredentialStatus.granted, CredentialStatus.granted,
                            CredentialStatus.submitted, CredentialStatus.denied)
                for number, status in enumerate(statuses[: 5 - index], start=1):
                    teachers.add_credential(session=session, status=status, credential=EarnedCredentialCreate(
                        teacher_id=teacher.id, kind=CredentialKind.micro_credential,
                        title=f"Demo micro-credential {number}", amount=Decimal(1), school_year=school_year,
                        earned_on=date(int(school_year[:4]), 9, number), issuer="Demo issuer",
                    ))
            # The demo teacher sits in Dysart when it ships: its micro-credential growth steps show best.
            if first_teacher is None or (district_id == "dysart" and first_teacher.district_id != "dysart"):
                first_teacher = teacher if index == 0 else first_teacher
        _seed_budget_roster(session=session, rules=rules)
    logins = []
    for username, display_name, role, password in DEMO_ACCOUNTS:
        user = accounts.get_user_by_username(session=session, username=username)
        if user is None:
            user = accounts.create_user(session=session, user=UserCreate(
                username=username, display_name=display_name, role=role, password=password))
        else:
            accounts.set_password(session=session, user=user, password=password)
        # HR and finance work for the shipped districts: given once (an account from before districts existed gets
        # them on the next run); an administrator's later choice is kept.
        if role in DISTRICT_ROLES and not accounts.user_districts(session=session, user_id=user.id):
            accounts.set_user_districts(session=session, user=user, district_ids=list(districts))
        teacher_name = None
        if role == Role.teacher and first_teacher is not None:
            if first_teacher.user_id in (None, user.id):
                first_teacher.user_id = user.id
                session.add(first_teacher)
                session.commit()
            teacher_name = f"{first_teacher.name} ({first_teacher.district_id})"
        logins.append(DemoLogin(username=username, password=password, role=role.value, teacher=teacher_name))
    return logins


DEMO_ROSTER = "Demo roster (synthetic, 2,000 teachers)"


def _seed_budget_roster(*, session: Session, rules) -> None:
    """A synthetic roster for finance to project, once per district."""
    from sqlmodel import select

    from engine.budget.roster import synthesize
    from models.finance import BudgetRoster
    from services.roster import save_roster

    exists = session.exec(select(BudgetRoster).where(BudgetRoster.district_id == rules.id,
                                                     BudgetRoster.name == DEMO_ROSTER)).first()
    if exists is None:
        save_roster(session=session, rules=rules, name=DEMO_ROSTER, roster=synthesize(rules, 2000, seed=2026),
                    source="flask setup-demo")


def _stipend_band(rules) -> str | None:
    # Demo teachers sit in a band that earns the per-micro-credential stipend, where the district has one.
    for addition in rules.additions:
        if addition.kind == "per_micro_credential" and addition.eligibility.bands:
            return str(addition.eligibility.bands[0])
    return None


def _placeable_step(row: dict, table: dict, lane: str) -> int:
    # A row may stand for a band ("10-14"); its first step is a real placement.
    lane_index = [entry["id"] for entry in table["lanes"]].index(lane)
    if row["amounts"][lane_index] is None:  # a ragged schedule: this lane ends earlier
        for candidate in table["rows"]:
            if not candidate["reserved"] and candidate["amounts"][lane_index] is not None:
                row = candidate
    return int(row["first_step"])
