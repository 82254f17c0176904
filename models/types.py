"""Column types shared by the tables: money as an exact decimal, and the clock."""

from datetime import UTC, date, datetime
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import DateTime, Numeric, String
from sqlalchemy.types import TypeDecorator



def utcnow() -> datetime:
    """Give the current time in UTC (used as a default factory, never at import time)."""
    return datetime.now(UTC)


def moment(on: date | None = None) -> datetime:
    """The current time of day on a given date (the app's clock may run the calendar forward), UTC."""
    current = utcnow()
    return current if on is None or on == current.date() else datetime.combine(on, current.time(), tzinfo=UTC)


class ExactDecimal(TypeDecorator):
    """An exact decimal: NUMERIC(precision, scale) on PostgreSQL, text on SQLite.

    SQLite has no decimal type; SQLAlchemy would round-trip NUMERIC through a float
    (and warn). Text keeps every digit exact; values are quantized to the scale on the
    way in, half up, and floats are refused.
    """

    impl = Numeric
    cache_ok = True

    def __init__(self, precision: int = 12, scale: int = 2):
        super().__init__(precision=precision, scale=scale)
        self.precision = precision
        self.scale = scale

    def load_dialect_impl(self, dialect):
        if dialect.name == "sqlite":
            return dialect.type_descriptor(String(self.precision + 2))
        return dialect.type_descriptor(Numeric(self.precision, self.scale, asdecimal=True))

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if isinstance(value, float):
            raise TypeError("amounts must be a Decimal or a string, never a float")
        amount = Decimal(value).quantize(Decimal(1).scaleb(-self.scale), rounding=ROUND_HALF_UP)
        return str(amount) if dialect.name == "sqlite" else amount

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return Decimal(str(value)).quantize(Decimal(1).scaleb(-self.scale))


class Money(ExactDecimal):
    """Dollars and cents: NUMERIC(12, 2)."""

    cache_ok = True

    def __init__(self, precision: int = 12, scale: int = 2):
        super().__init__(precision=precision, scale=scale)


class UTCDateTime(TypeDecorator):
    """A timestamp stored with its time zone and always read back as aware UTC (SQLite drops the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("timestamps must be timezone-aware")
        return value.astimezone(UTC)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def append_only_guard(table: str) -> dict[str, list[str]]:
    """SQL, per dialect, making the database itself refuse UPDATE and DELETE on a table (audit logs)."""
    return {
        "postgresql": [
            f"""CREATE OR REPLACE FUNCTION {table}_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '{table} is append-only: UPDATE and DELETE are refused';
END;
$$ LANGUAGE plpgsql""",
            f"""CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table}
FOR EACH ROW EXECUTE FUNCTION {table}_refuse_change()""",
        ],
        "sqlite": [
            f"""CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table}
BEGIN SELECT RAISE(ABORT, '{table} is append-only: UPDATE refused'); END""",
            f"""CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table}
BEGIN SELECT RAISE(ABORT, '{table} is append-only: DELETE refused'); END""",
        ],
    }


def guard_append_only(table_object) -> None:
    """Create the append-only triggers whenever the table is created from the models (tests, create_all)."""
    from sqlalchemy import DDL, event

    for dialect, statements in append_only_guard(table_object.name).items():
        for statement in statements:
            event.listen(table_object, "after_create", DDL(statement).execute_if(dialect=dialect))
