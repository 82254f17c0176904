"""admin events: an append-only record of administrator actions on accounts (a trigger refuses UPDATE and DELETE)

Revision ID: adm01
Revises: fin01
Create Date: 2026-11-25 13:39:23.516412
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import models.types
from models.types import append_only_guard

revision: str = 'adm01'
down_revision: str | None = 'fin01'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('admin_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('actor_username', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
    sa.Column('action', sa.String(length=24), nullable=False),
    sa.Column('target_user_id', sa.Integer(), nullable=True),
    sa.Column('target_username', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
    sa.Column('detail', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('admin_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_admin_events_at'), ['at'], unique=False)
        batch_op.create_index(batch_op.f('ix_admin_events_target_user_id'), ['target_user_id'], unique=False)
    dialect = op.get_bind().dialect.name
    for statement in append_only_guard("admin_events").get(dialect, []):
        op.execute(statement)


def downgrade() -> None:
    with op.batch_alter_table('admin_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_admin_events_target_user_id'))
        batch_op.drop_index(batch_op.f('ix_admin_events_at'))

    op.drop_table('admin_events')  # its triggers go with it
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS admin_events_refuse_change()")
