"""Projection runs split into parts any worker can take, with leases so a run whose worker died is not stuck

Revision ID: scale02
Revises: scale01
Create Date: 2026-11-30 11:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import models.types

revision: str = 'scale02'
down_revision: str | None = 'scale01'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('finance_runs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('heartbeat_at', models.types.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('attempts', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('parts', sa.Integer(), nullable=False, server_default='0'))
    with op.batch_alter_table('finance_runs', schema=None) as batch_op:
        batch_op.alter_column('attempts', server_default=None)
        batch_op.alter_column('parts', server_default=None)
    op.create_table('finance_run_parts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('run_id', sa.Integer(), nullable=False),
    sa.Column('projection', sa.String(length=16), nullable=False),
    sa.Column('chunk', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('heartbeat_at', models.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('result', sa.LargeBinary(), nullable=True),
    sa.ForeignKeyConstraint(['run_id'], ['finance_runs.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('run_id', 'projection', 'chunk')
    )
    with op.batch_alter_table('finance_run_parts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_finance_run_parts_run_id'), ['run_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('finance_run_parts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_finance_run_parts_run_id'))
    op.drop_table('finance_run_parts')
    with op.batch_alter_table('finance_runs', schema=None) as batch_op:
        batch_op.drop_column('parts')
        batch_op.drop_column('attempts')
        batch_op.drop_column('heartbeat_at')
