"""The app's own `flask` commands: migrate the database, seed the demo, add an account."""

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

from web.extensions import db


def register(app: Flask) -> None:
    """Add the commands to `flask`."""
    app.cli.add_command(db_upgrade)
    app.cli.add_command(setup_demo)
    app.cli.add_command(create_user)


@click.command("db-upgrade")
@with_appcontext
def db_upgrade() -> None:
    """Apply every database migration (alembic upgrade head)."""
    from services import schema

    schema.upgrade(db.engine)
    click.echo(f"database at revision {schema.current_revision(db.engine)}")


@click.command("setup-demo")
@with_appcontext
def setup_demo() -> None:
    """Migrate, seed a demo roster for each shipped district and one account per role, and print the logins."""
    from sqlmodel import Session

    from engine import schedule_table
    from services import demo, schema
    from web.estimating import districts

    schema.upgrade(db.engine)
    with Session(db.engine, expire_on_commit=False) as session:
        logins = demo.seed(session=session, districts=districts(), schedule_table=schedule_table)
    database = db.engine.url.render_as_string(hide_password=True)
    click.echo(f"Demo ready in {database} ({len(districts())} districts).")
    click.echo("Sign in at /auth/login with:")
    for login in logins:
        extra = f"  -> {login.teacher}" if login.teacher else ""
        click.echo(f"  {login.role:<8} username: {login.username:<8} password: {login.password}{extra}")
    if current_app.config["ENV_NAME"] == "production":
        click.echo("Warning: demo passwords are public; change or remove these accounts.", err=True)


@click.command("create-user")
@with_appcontext
@click.argument("username")
@click.option("--role", type=click.Choice(["teacher", "hr", "finance", "admin"]), required=True)
@click.option("--name", "display_name", default="", help="Name shown in the app.")
@click.option("--district", "district_ids", multiple=True, metavar="ID",
              help="HR and finance: a district the account works for (repeat for several; none: it sees nothing).")
@click.password_option()
def create_user(username: str, role: str, display_name: str, district_ids: tuple[str, ...], password: str) -> None:
    """Add an account."""
    from sqlmodel import Session

    from models import UserCreate
    from services import accounts
    from web.estimating import districts

    with Session(db.engine) as session:
        if accounts.get_user_by_username(session=session, username=username):
            raise click.ClickException(f"account {username!r} exists")
        if district_ids and role not in ("hr", "finance"):
            raise click.ClickException("only HR and finance accounts belong to districts")
        unknown = sorted(set(district_ids) - set(districts()))
        if unknown:  # a typo would give an account a district no page shows
            raise click.ClickException(f"no district {unknown[0]!r}; the districts are {', '.join(sorted(districts()))}")
        user = accounts.create_user(session=session, user=UserCreate(
            username=username, role=role, display_name=display_name, password=password))
        if district_ids:
            accounts.set_user_districts(session=session, user=user, district_ids=list(district_ids))
    where = f", districts {', '.join(sorted(set(district_ids)))}" if district_ids else ""
    click.echo(f"account {username!r} ({role}{where}) created")
