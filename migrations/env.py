"""Alembic environment: migrates the database the app (or DATABASE_URL) points at, to the SQLModel tables."""

import os

from alembic import context
from sqlalchemy import create_engine

import models

config = context.config
target_metadata = models.metadata


def run_migrations_offline() -> None:
    """Write the SQL for a database URL without connecting."""
    context.configure(
        url=os.environ["DATABASE_URL"],
        target_metadata=target_metadata,
        literal_binds=True,
        render_as_batch=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    """Migrate through the connection `flask db-upgrade` hands over, or one made from DATABASE_URL."""
    connection = config.attributes.get("connection")
    if connection is not None:
        _migrate(connection)
        return
    engine = create_engine(os.environ["DATABASE_URL"])
    with engine.connect() as connection:
        _migrate(connection)


def _migrate(connection) -> None:
    # Batch mode lets SQLite alter tables by copying them.
    context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
