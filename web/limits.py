"""Bounds on every request, applied before any view (or CSRF protection) reads it.

- Numbers in URLs are database ids: above 2^31 - 1 no row can match, so the route is a 404
  instead of an integer overflow in the database (a 500).
- A form or query string carries at most MAX_FIELD_VALUES values: a view that builds a sub-form per
  value (the what-if plan) or a query per value must not be handed 60,000 of them. Multipart
  forms are bounded the same way by Flask's MAX_FORM_PARTS (413).
- Field helpers for views: dates within a plausible span, and lists of ids with a maximum.
"""

from datetime import date

from flask import Flask, abort, request
from werkzeug.routing import IntegerConverter
from wtforms.validators import ValidationError

MAX_DATABASE_ID = 2**31 - 1  # PostgreSQL's integer; SQLite's is larger, the bound is the same
MAX_FIELD_VALUES = 1000
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


class DatabaseIdConverter(IntegerConverter):
    """`<int:...>` in every route: a whole number from 0 to 2^31 - 1; anything larger does not match (404)."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", MAX_DATABASE_ID)
        super().__init__(map, *args, **kwargs)


def register_converters(app: Flask) -> None:
    """Make `<int:...>` bounded; call before any blueprint adds its routes."""
    app.url_map.converters["int"] = DatabaseIdConverter


def register_request_limits(app: Flask) -> None:
    """Refuse a request with more form or query values than any page has; call before CSRF protection is bound.

    Blueprints that accept larger bodies raise `request.max_content_length` in a URL value
    preprocessor, which runs before this hook, so the form is read under the right limit.
    """

    @app.before_request
    def bounded_fields():
        values = sum(len(items) for _, items in request.args.lists())
        if request.method in ("POST", "PUT", "PATCH") and request.mimetype in FORM_TYPES:
            values += sum(len(items) for _, items in request.form.lists())
        if values > MAX_FIELD_VALUES:
            abort(400, description=f"The request carries {values:,} fields; no page takes more than "
                                   f"{MAX_FIELD_VALUES:,}.")


class DateWithin:
    """A form validator: the date falls within a plausible span (a year-1 date breaks school-year arithmetic)."""

    def __init__(self, first: date = date(1950, 1, 1), last: date = date(2100, 12, 31)):
        self.first, self.last = first, last

    def __call__(self, form, field) -> None:
        if field.data is not None and not self.first <= field.data <= self.last:
            raise ValidationError(f"Give a date from {self.first.year} to {self.last.year}.")


def database_ids(values: list[str], *, limit: int) -> list[int]:
    """Whole numbers from form or query values that can be database ids; abort 400 beyond `limit` of them."""
    if len(values) > limit:
        abort(400, description=f"At most {limit} at a time.")
    return [int(value) for value in values if value.isascii() and value.isdigit() and int(value) <= MAX_DATABASE_ID]
