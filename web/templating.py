"""Template filters and globals shared by every blueprint."""

from decimal import Decimal, InvalidOperation

from flask import Flask
from flask_login import current_user
from flask_wtf.csrf import generate_csrf

from models import Role
from web.labels import label

# Navigation by role: (endpoint, label). Each area's index page is the entry.
NAVIGATION = {
    Role.teacher: [
        ("teacher.dashboard", "My pay"),
        ("teacher.what_if", "What if"),
        ("teacher.next_moves_page", "What moves me next"),
        ("teacher.best_next_steps_page", "Best next step"),
        ("teacher.credits", "My credit"),
        ("teacher.schedule", "Schedule"),
        ("requests.index", "My requests"),
    ],
    Role.hr: [("hr.index", "Requests"), ("hr.teachers", "Teachers"), ("hr.payroll", "Payroll")],
    Role.finance: [("finance.index", "Finance")],
    Role.admin: [("admin.index", "Admin")],
}


def money(value, places: int = 2) -> str:
    """Format an amount as dollars with thousands separators ("$61,000.00"); strings are read as decimals."""
    if value is None or value == "":
        return ""
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    sign = "-" if amount < 0 else ""
    return f"{sign}${abs(amount):,.{places}f}"


def quantity(value) -> str:
    """Hours, points or a count without trailing zeros: 15, 7.5."""
    if value is None or value == "":
        return ""
    try:
        return f"{Decimal(str(value)).normalize():f}"
    except InvalidOperation:
        return str(value)


def long_date(value) -> str:
    """A date as people write it: "July 1, 2026" (a date or an ISO date string; "" for none)."""
    if value is None or value == "":
        return ""
    from datetime import date

    day = value if isinstance(value, date) else date.fromisoformat(str(value)[:10])
    return f"{day:%B} {day.day}, {day.year}"


def district_name(district_id: str | None) -> str:
    """Give a district's name for its id ("dysart" -> "Dysart Unified School District"); the id if unknown."""
    from web.estimating import districts

    rules = districts().get(district_id or "")
    return rules.district.name if rules else (district_id or "")


def register_template_helpers(app: Flask) -> None:
    """Make `money`, `quantity`, `label`, `district_name`, `long_date`, the CSRF token and the navigation available to every
    template."""
    app.add_template_filter(money, "money")
    app.add_template_filter(quantity, "quantity")
    app.add_template_filter(label, "label")
    app.add_template_filter(district_name, "district_name")
    app.add_template_filter(long_date, "long_date")
    app.add_template_global(generate_csrf, "csrf_token")

    @app.context_processor
    def navigation():
        links = []
        if current_user.is_authenticated:
            # Only endpoints that exist: other engineers' blueprints may not be mounted yet.
            links = [(endpoint, label) for endpoint, label in NAVIGATION.get(Role(current_user.role), [])
                     if endpoint in app.view_functions]
        return {"navigation": links}
