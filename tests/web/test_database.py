"""The schema: migrations build what the models describe, on SQLite and PostgreSQL; the demo seeds once."""

from decimal import Decimal

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlmodel import SQLModel, select

from models import CredentialKind, EarnedCredential, EarnedCredentialCreate, User
from services import accounts, schema, teachers
from web.extensions import make_engine


def test_migrations_build_the_models_schema(database_url):
    engine = make_engine(database_url)
    try:
        SQLModel.metadata.drop_all(engine)
        schema.upgrade(engine)
        assert schema.current_revision(engine) is not None
        with engine.connect() as connection:
            differences = compare_metadata(MigrationContext.configure(connection), SQLModel.metadata)
        assert not differences, f"models and migrations differ; add a migration: {differences}"
    finally:
        with engine.begin() as connection:
            connection.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
        SQLModel.metadata.drop_all(engine)
        SQLModel.metadata.create_all(engine)
        engine.dispose()


def test_money_keeps_every_cent(session, make_teacher):
    teacher = make_teacher()
    row = teachers.add_credential(session=session, credential=EarnedCredentialCreate(
        teacher_id=teacher.id, kind=CredentialKind.graduate_credit, amount=Decimal("1234567890.05")))
    session.expire_all()
    stored = session.get(EarnedCredential, row.id)
    assert stored.amount == Decimal("1234567890.05") and isinstance(stored.amount, Decimal)


def _drop_everything(engine) -> None:
    SQLModel.metadata.drop_all(engine)
    with engine.begin() as connection:
        connection.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")


def test_setup_demo_is_idempotent_and_prints_logins(app, runner, session, districts):
    engine = app.extensions["lanewise_engine"]
    _drop_everything(engine)  # setup-demo migrates from an empty database
    first = runner.invoke(args=["setup-demo"])
    assert first.exit_code == 0, first.output
    second = runner.invoke(args=["setup-demo"])
    assert second.exit_code == 0, second.output
    for username in ("teacher", "hr", "hr2", "finance", "admin"):  # hr2: Dysart's growth steps need two reviewers
        assert f"username: {username}" in second.output
    assert len(session.exec(select(User)).all()) == 5
    # HR and finance work for every shipped district; the teacher and the administrator belong to none.
    shipped = sorted(districts)
    held = {user.username: accounts.user_districts(session=session, user_id=user.id)
            for user in session.exec(select(User))}
    assert held == {"hr": shipped, "hr2": shipped, "finance": shipped, "teacher": [], "admin": []}
    assert "password: teacher-demo-1" in second.output
    session.rollback()  # end the read transaction: PostgreSQL would make DROP TABLE wait for it
    _drop_everything(engine)
