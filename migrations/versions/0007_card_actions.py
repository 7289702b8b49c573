"""card actions: flags, burying, reports of bad cards, and the log that undoes them

Revision ID: 0007
Revises: 0006

``card_states.flag`` (0 = none, 1–4 = Anki's red, orange, green, blue) and
``card_states.buried_until`` (the card stays out of the queue until then: the next study day).
``card_actions`` logs every change made to a card other than a rating (suspend, bury, flag,
report, forget, reschedule…) with the state before and after, so ``u`` undoes the last action
whatever it was; ``card_reports`` are the "this card is wrong" reports, open while the note is
unchanged. Plain ADD COLUMN (no table rebuild), so migration 0006's triggers on card_states
stay: every write here moves the learner's queue stamp. ``cards.added_at`` is when a card came
in (the card browser's ``added:`` filter).
"""
from alembic import op
import sqlalchemy as sa
import studyk8s.persistence.types


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None




SEARCH_TEXT_BACKFILL = (
    "UPDATE cards SET search_text = lower(replace(replace(front || ' ' || back || ' ' || "
    "coalesce((SELECT term || ' ' || CAST(data AS TEXT) FROM facts "
    "WHERE facts.id = cards.fact_id), ''), '**', ''), '`', ''))")


def upgrade() -> None:
    op.add_column('card_states', sa.Column('flag', sa.Integer(), server_default='0',
                                           nullable=False))
    op.add_column('card_states', sa.Column('buried_until',
                                           studyk8s.persistence.types.UTCDateTime(),
                                           nullable=True))
    # The card browser's flag: and is:leech searches (services/browse); an answer never
    # writes these columns, so they cost the review step nothing.
    op.create_index('ix_card_states_user_flag', 'card_states', ['user_id', 'flag'])
    op.create_index('ix_card_states_user_leech', 'card_states', ['user_id', 'leech'])
    # When a card first came in (the browser's "added" filter); older cards: their note's import.
    op.add_column('cards', sa.Column('added_at', studyk8s.persistence.types.UTCDateTime(),
                                     nullable=True))
    op.execute("UPDATE cards SET added_at = (SELECT imported_at FROM notes "
               "WHERE notes.id = cards.note_id)")
    op.create_index('ix_cards_added_at', 'cards', ['added_at'])
    # What the browser's words search: the next import writes it (services/content.py), this
    # fills it for the cards already there (aliases as their JSON text).
    op.add_column('cards', sa.Column('search_text', sa.Text(), nullable=True))
    op.execute(SEARCH_TEXT_BACKFILL)
    op.create_table('card_actions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('card_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('client_id', sa.String(length=64), nullable=True),
    sa.Column('state_before', sa.JSON(), nullable=False),
    sa.Column('state_after', sa.JSON(), nullable=False),
    sa.Column('after_review', sa.Integer(), nullable=False),
    sa.Column('created_at', studyk8s.persistence.types.UTCDateTime(), nullable=False),
    sa.Column('undone_at', studyk8s.persistence.types.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['card_id'], ['cards.id'], name=op.f('fk_card_actions_card_id_cards')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_card_actions_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_card_actions')),
    sa.UniqueConstraint('client_id', name=op.f('uq_card_actions_client_id'))
    )
    op.create_index('ix_card_actions_user_time', 'card_actions', ['user_id', 'created_at'])
    op.create_table('card_reports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('card_id', sa.Integer(), nullable=False),
    sa.Column('note_id', sa.Integer(), nullable=False),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('note_hash', sa.String(length=80), nullable=False),
    sa.Column('suspended', sa.Boolean(), nullable=False),
    sa.Column('created_at', studyk8s.persistence.types.UTCDateTime(), nullable=False),
    sa.Column('resolved_at', studyk8s.persistence.types.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['card_id'], ['cards.id'], name=op.f('fk_card_reports_card_id_cards')),
    sa.ForeignKeyConstraint(['note_id'], ['notes.id'], name=op.f('fk_card_reports_note_id_notes')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_card_reports_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_card_reports'))
    )
    op.create_index('ix_card_reports_note_open', 'card_reports', ['note_id', 'resolved_at'])
    op.create_index('ix_card_reports_user_card', 'card_reports', ['user_id', 'card_id'])


def downgrade() -> None:
    op.drop_index('ix_card_reports_user_card', table_name='card_reports')
    op.drop_index('ix_card_reports_note_open', table_name='card_reports')
    op.drop_table('card_reports')
    op.drop_index('ix_card_actions_user_time', table_name='card_actions')
    op.drop_table('card_actions')
    op.drop_index('ix_card_states_user_leech', table_name='card_states')
    op.drop_index('ix_card_states_user_flag', table_name='card_states')
    op.drop_index('ix_cards_added_at', table_name='cards')
    with op.batch_alter_table('cards', schema=None) as batch_op:
        batch_op.drop_column('search_text')
        batch_op.drop_column('added_at')
    with op.batch_alter_table('card_states', schema=None) as batch_op:
        batch_op.drop_column('buried_until')
        batch_op.drop_column('flag')
