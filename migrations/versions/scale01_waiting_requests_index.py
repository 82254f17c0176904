"""HR queue: a partial index on the requests waiting for HR, in the queue's default order

Revision ID: scale01
Revises: led01
Create Date: 2026-11-30 10:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = 'scale01'
down_revision: str | None = 'led01'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

WAITING = "status IN ('submitted', 'pre_approved') AND submitted_at IS NOT NULL"


def upgrade() -> None:
    op.create_index('ix_change_requests_waiting', 'change_requests', ['submitted_at', 'id'], unique=False,
                    sqlite_where=sa.text(WAITING), postgresql_where=sa.text(WAITING))


def downgrade() -> None:
    op.drop_index('ix_change_requests_waiting', table_name='change_requests')
