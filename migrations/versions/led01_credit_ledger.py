"""credit ledger: how much of each item approvals used (checked by the database), HR's decision on each item,
evidence per item, reviewers, the ledger's and teacher records' append-only logs, teacher identity and profile

Revision ID: led01
Revises: acc03
Create Date: 2026-11-30 10:44:36
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import models.types
from models.types import append_only_guard

revision: str = 'led01'
down_revision: str | None = 'acc03'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    op.create_table('credit_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('credential_id', sa.Integer(), nullable=False),
    sa.Column('teacher_id', sa.Integer(), nullable=False),
    sa.Column('action', sa.String(length=16), nullable=False),
    sa.Column('amount', models.types.ExactDecimal(precision=14, scale=4), nullable=True),
    sa.Column('request_id', sa.Integer(), nullable=True),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('actor_role', sa.String(length=16), nullable=False),
    sa.Column('at', models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('credit_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_credit_events_credential_id'), ['credential_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_credit_events_teacher_id'), ['teacher_id'], unique=False)
    for statement in append_only_guard("credit_events").get(dialect, []):
        op.execute(statement)

    op.create_table('teacher_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('teacher_id', sa.Integer(), nullable=False),
    sa.Column('action', sa.String(length=24), nullable=False),
    sa.Column('detail', sa.Text(), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('actor_username', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
    sa.Column('at', models.types.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('teacher_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_teacher_events_teacher_id'), ['teacher_id'], unique=False)
    for statement in append_only_guard("teacher_events").get(dialect, []):
        op.execute(statement)

    op.create_table('request_reviews',
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('reviewer_id', sa.Integer(), nullable=False),
    sa.Column('at', models.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['request_id'], ['change_requests.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['reviewer_id'], ['users.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('request_id', 'reviewer_id')
    )
    with op.batch_alter_table('change_requests', schema=None) as batch_op:
        batch_op.add_column(sa.Column('new_micro_credential_growth_steps', sa.Integer(), nullable=True))

    with op.batch_alter_table('earned_credentials', schema=None) as batch_op:
        batch_op.add_column(sa.Column('decided_by', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('decision_reason', sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=True))
        batch_op.add_column(sa.Column('used_amount', models.types.ExactDecimal(precision=14, scale=4), nullable=False,
                                      server_default='0'))
        batch_op.add_column(sa.Column('credential_key', sqlmodel.sql.sqltypes.AutoString(length=128), nullable=True))
        batch_op.create_unique_constraint('uq_earned_credentials_credential_key', ['credential_key'])
        batch_op.create_foreign_key('fk_earned_credentials_decided_by_users', 'users', ['decided_by'], ['id'],
                                    ondelete='SET NULL')
    # Credit an approval used before the ledger kept amounts was used whole.
    op.execute("""UPDATE earned_credentials SET used_amount = amount
        WHERE id IN (SELECT credential_id FROM credential_uses)""")
    with op.batch_alter_table('earned_credentials', schema=None) as batch_op:
        batch_op.alter_column('used_amount', server_default=None)
        batch_op.create_check_constraint('ck_earned_credentials_used_within_amount',
                                         'used_amount >= 0 AND used_amount <= amount')

    # credential_uses: one row per approval and item, with the amount used (was: one row per item).
    op.rename_table('credential_uses', 'credential_uses_old')
    op.create_table('credential_uses',
    sa.Column('credential_id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('amount', models.types.ExactDecimal(precision=14, scale=4), nullable=False),
    sa.ForeignKeyConstraint(['credential_id'], ['earned_credentials.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['request_id'], ['change_requests.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('credential_id', 'request_id')
    )
    op.execute("""INSERT INTO credential_uses (credential_id, request_id, amount)
        SELECT u.credential_id, u.request_id, c.amount FROM credential_uses_old u
        JOIN earned_credentials c ON c.id = u.credential_id""")
    with op.batch_alter_table('credential_uses_old', schema=None) as batch_op:
        batch_op.drop_index('ix_credential_uses_request_id')
    op.drop_table('credential_uses_old')
    with op.batch_alter_table('credential_uses', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_credential_uses_request_id'), ['request_id'], unique=False)

    with op.batch_alter_table('request_evidence', schema=None) as batch_op:
        batch_op.add_column(sa.Column('credential_id', sa.Integer(), nullable=True))
        batch_op.alter_column('request_id', existing_type=sa.INTEGER(), nullable=True)
        batch_op.create_index(batch_op.f('ix_request_evidence_credential_id'), ['credential_id'], unique=False)
        batch_op.create_foreign_key('fk_request_evidence_credential_id', 'earned_credentials', ['credential_id'],
                                    ['id'], ondelete='CASCADE')

    with op.batch_alter_table('teachers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('subjects', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False,
                                      server_default=''))
        batch_op.add_column(sa.Column('certifications', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False,
                                      server_default=''))
        batch_op.add_column(sa.Column('certified', sa.Boolean(), nullable=False, server_default=sa.true()))
        batch_op.add_column(sa.Column('email', sqlmodel.sql.sqltypes.AutoString(length=254), nullable=True))
        batch_op.add_column(sa.Column('did', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True))
    with op.batch_alter_table('teachers', schema=None) as batch_op:
        batch_op.alter_column('subjects', server_default=None)
        batch_op.alter_column('certifications', server_default=None)
        batch_op.alter_column('certified', server_default=None)


def downgrade() -> None:
    with op.batch_alter_table('teachers', schema=None) as batch_op:
        for column in ('did', 'email', 'certified', 'certifications', 'subjects'):
            batch_op.drop_column(column)
    with op.batch_alter_table('request_evidence', schema=None) as batch_op:
        batch_op.drop_constraint('fk_request_evidence_credential_id', type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_request_evidence_credential_id'))
        batch_op.drop_column('credential_id')
    op.execute("DELETE FROM credential_uses WHERE request_id NOT IN "
               "(SELECT MIN(request_id) FROM credential_uses GROUP BY credential_id)")
    with op.batch_alter_table('credential_uses', schema=None) as batch_op:
        batch_op.drop_column('amount')
    with op.batch_alter_table('earned_credentials', schema=None) as batch_op:
        batch_op.drop_constraint('ck_earned_credentials_used_within_amount', type_='check')
        batch_op.drop_constraint('fk_earned_credentials_decided_by_users', type_='foreignkey')
        batch_op.drop_constraint('uq_earned_credentials_credential_key', type_='unique')
        for column in ('credential_key', 'used_amount', 'decision_reason', 'decided_by'):
            batch_op.drop_column(column)
    with op.batch_alter_table('change_requests', schema=None) as batch_op:
        batch_op.drop_column('new_micro_credential_growth_steps')
    op.drop_table('request_reviews')
    op.drop_table('teacher_events')
    op.drop_table('credit_events')
