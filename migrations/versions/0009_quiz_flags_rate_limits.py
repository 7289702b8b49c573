"""quiz flags and rate limits in the database

``quiz_questions.flagged``: a learner marks a question of an open attempt to come back to it.

Revision ID: 0009
Revises: 0007

The question rows are the attempt's own snapshot, so the flag lives with them (as Moodle keeps
it with the question attempt), whether answered or not.

``rate_limits``: the failed-login counters (per account, per address) when they are kept in
the app's database (``RATELIMIT_STORAGE_URI=database://``, the default), shared by every worker.
"""
from alembic import op
import sqlalchemy as sa


revision = '0009'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('quiz_questions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('flagged', sa.Boolean(), server_default=sa.false(),
                                      nullable=False))
    op.create_table('rate_limits',
    sa.Column('key', sa.String(length=255), nullable=False),
    sa.Column('count', sa.BigInteger(), nullable=False),
    sa.Column('expires_at', sa.Float(), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_rate_limits'))
    )


def downgrade() -> None:
    op.drop_table('rate_limits')
    with op.batch_alter_table('quiz_questions', schema=None) as batch_op:
        batch_op.drop_column('flagged')
