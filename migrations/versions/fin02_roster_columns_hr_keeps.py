"""Roster columns for what HR keeps beyond the placement: years of service, growth steps, a role held, the
micro-credentials earned this school year, the actual salary, the bargaining unit and the funding source

Revision ID: fin02
Revises: scope01
Create Date: 2026-11-30 13:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

from models.types import ExactDecimal

revision: str = 'fin02'
down_revision: str | None = 'scope01'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('finance_roster_entries', schema=None) as batch_op:
        batch_op.add_column(sa.Column('years_of_service', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('growth_steps', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('role', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('micro_credentials_this_year', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('actual_salary', ExactDecimal(12, 2), nullable=True))
        batch_op.add_column(sa.Column('unit', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('funding', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False, server_default=''))
    with op.batch_alter_table('finance_roster_entries', schema=None) as batch_op:
        for column in ('role', 'micro_credentials_this_year', 'unit', 'funding'):
            batch_op.alter_column(column, server_default=None)


def downgrade() -> None:
    with op.batch_alter_table('finance_roster_entries', schema=None) as batch_op:
        for column in ('funding', 'unit', 'actual_salary', 'micro_credentials_this_year', 'role', 'growth_steps',
                       'years_of_service'):
            batch_op.drop_column(column)
