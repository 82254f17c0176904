"""A roster's columns stored beside its rows, so a projection loads a million teachers in one read

Revision ID: scale03
Revises: scale02
Create Date: 2026-11-30 12:15:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = 'scale03'
down_revision: str | None = 'scale02'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Rosters stored before this revision have no columns row; they load from their rows as before.
    op.create_table('finance_roster_columns',
    sa.Column('roster_id', sa.Integer(), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.ForeignKeyConstraint(['roster_id'], ['finance_rosters.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('roster_id')
    )


def downgrade() -> None:
    op.drop_table('finance_roster_columns')
