"""user districts: the districts an HR or finance account works for, set by an administrator (issue 10 item 11)

Revision ID: scope01
Revises: scale03
Create Date: 2026-12-02 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = 'scope01'
down_revision: str | None = 'scale03'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Existing HR and finance accounts get no district here: an administrator assigns them (until then they see
    # nothing), because no row can say which district an account was meant for.
    op.create_table('user_districts',
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('district_id', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', 'district_id')
    )


def downgrade() -> None:
    op.drop_table('user_districts')
