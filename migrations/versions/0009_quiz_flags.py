"""quiz flags: a learner marks a question of an open attempt to come back to it

Revision ID: 0009
Revises: 0006

``quiz_questions.flagged``: the question rows are the attempt's own snapshot, so the flag
lives with them (as Moodle keeps it with the question attempt), whether answered or not.
"""
from alembic import op
import sqlalchemy as sa


revision = '0009'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('quiz_questions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('flagged', sa.Boolean(), server_default=sa.false(),
                                      nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('quiz_questions', schema=None) as batch_op:
        batch_op.drop_column('flagged')
