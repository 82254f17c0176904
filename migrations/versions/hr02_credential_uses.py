"""credential uses: the database holds "credit counts once" for approved requests

Revision ID: hr02
Revises: adm01
Create Date: 2026-11-25 14:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = 'hr02'
down_revision: str | None = 'adm01'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('credential_uses',
    sa.Column('credential_id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['credential_id'], ['earned_credentials.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['request_id'], ['change_requests.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('credential_id')
    )
    with op.batch_alter_table('credential_uses', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_credential_uses_request_id'), ['request_id'], unique=False)
    # Credit already behind an approved request counts as used by the first such request.
    op.execute("""INSERT INTO credential_uses (credential_id, request_id)
        SELECT rc.credential_id, MIN(rc.request_id) FROM request_credentials rc
        JOIN change_requests cr ON cr.id = rc.request_id WHERE cr.status = 'approved'
        GROUP BY rc.credential_id""")


def downgrade() -> None:
    with op.batch_alter_table('credential_uses', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_credential_uses_request_id'))
    op.drop_table('credential_uses')
