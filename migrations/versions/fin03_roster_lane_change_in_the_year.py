"""Roster columns for a lane change HR approved part-way through the roster's school year: the new lane and the
share of the year it pays

Revision ID: fin03
Revises: fin02
Create Date: 2026-11-30 17:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

from models.types import ExactDecimal

revision: str = 'fin03'
down_revision: str | None = 'fin02'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('finance_roster_entries', schema=None) as batch_op:
        batch_op.add_column(sa.Column('new_lane', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('new_lane_share', ExactDecimal(5, 4), nullable=True))
    with op.batch_alter_table('finance_roster_entries', schema=None) as batch_op:
        batch_op.alter_column('new_lane', server_default=None)


def downgrade() -> None:
    with op.batch_alter_table('finance_roster_entries', schema=None) as batch_op:
        batch_op.drop_column('new_lane_share')
        batch_op.drop_column('new_lane')
