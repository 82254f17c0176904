"""`flask roster ...`: synthetic rosters for demos, tests and benchmarks, and roster import; `flask huey-worker`."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext


def _rules(district: str):
    from engine import load_districts

    districts = load_districts(current_app.config["DISTRICT_RULES"])
    if district not in districts:
        raise click.BadParameter(f"expected one of {', '.join(sorted(districts))}", param_hint="--district")
    return districts[district]


@click.group("roster")
def roster() -> None:
    """Budget rosters: make a synthetic one, or import a file."""


@roster.command("synth")
@click.option("--district", required=True, help="District id, e.g. cedar-valley.")
@click.option("--teachers", type=click.IntRange(1, 2_000_000), required=True, help="How many teachers.")
@click.option("--seed", type=int, default=1, show_default=True, help="Same seed, same roster.")
@click.option("--out", type=click.Path(dir_okay=False, writable=True), help="Write the CSV here instead of stdout.")
@click.option("--db", "into_db", is_flag=True, help="Also store it as a budget roster in the database.")
@click.option("--name", default=None, help="Name of the stored roster.")
@with_appcontext
def synth(district: str, teachers: int, seed: int, out: str | None, into_db: bool, name: str | None) -> None:
    """A realistic synthetic roster as CSV (stdout or --out) and/or into the database."""
    from engine.budget.roster import roster_csv, synthesize

    rules = _rules(district)
    made = synthesize(rules, teachers, seed)
    if into_db:
        from sqlmodel import Session

        from services import roster as rosters
        from web.extensions import db

        with Session(db.engine, expire_on_commit=False) as session:
            record = rosters.save_roster(session=session, rules=rules, roster=made,
                                         name=name or f"Synthetic {teachers} (seed {seed})", source=f"synth seed {seed}")
        click.echo(f"stored roster {record.id}: {record.teacher_count} teachers", err=True)
    if out:
        Path(out).write_text(roster_csv(made))
        click.echo(f"wrote {teachers} teachers to {out}", err=True)
    elif not into_db:
        sys.stdout.write(roster_csv(made))


@roster.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--district", required=True)
@click.option("--name", default=None)
@with_appcontext
def import_command(path: str, district: str, name: str | None) -> None:
    """Import a CSV or XLSX roster: every row checked; any bad row imports nothing."""
    from sqlmodel import Session

    from engine.budget.roster import RosterError
    from services import roster as rosters
    from web.extensions import db

    rules = _rules(district)
    with Session(db.engine, expire_on_commit=False) as session:
        try:
            record = rosters.import_roster(session=session, rules=rules, name=name or Path(path).name,
                                           content=Path(path).read_bytes(), filename=path, today=date.today())
        except RosterError as exc:
            if exc.unmapped:
                click.echo(f"columns not found: {', '.join(exc.unmapped)}", err=True)
            for error in exc.errors:
                click.echo(str(error), err=True)
            raise click.ClickException(str(exc)) from None
    click.echo(f"imported roster {record.id}: {record.teacher_count} teachers")


@click.command("huey-worker")
@click.option("--workers", type=click.IntRange(1, 16), default=1, show_default=True)
def huey_worker(workers: int) -> None:
    """Run the Huey consumer for projection runs (same as `huey_consumer tasks.huey`)."""
    from huey.consumer import Consumer

    from tasks import huey

    Consumer(huey, workers=workers, worker_type="process" if workers > 1 else "thread").run()
