"""queue stamps: what lets a worker keep a learner's review queue in memory

Revision ID: 0006
Revises: 0005

``users.queue_epoch`` (random per learner) and ``users.queue_seq`` (bumped by triggers on
every write to the learner's card states and review log), and ``queue_content.seq`` (bumped on
every write to cards and notes). A worker's cached queue is valid while these are unchanged;
the review log's weight (2**20) against a state write's (1) tells "only answers happened since"
(apply them) from anything else (rebuild). Triggers, not service code, so no writer can forget.

On PostgreSQL the triggers are per statement (transition tables), so a statement takes its
row locks before the learner's row: the same order as an answer, which cannot deadlock.
"""
from alembic import op
import sqlalchemy as sa
import studyk8s.persistence.types


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None

# A literal copy of services/review/queue_cache.LOG_WEIGHT: a migration must not import app code
# that can change after it ran. tests/services/test_review_queue.py holds the two equal.
LOG_WEIGHT = 1 << 20

_SQLITE = [
    *(f"""CREATE TRIGGER queue_{table}_{op_} AFTER {event} ON {table} BEGIN
          UPDATE users SET queue_seq = queue_seq + {weight} WHERE id = {row}.user_id; END"""
      for table, op_, event, weight, row in (
          ("card_states", "ins", "INSERT", 1, "NEW"),
          ("card_states", "upd", "UPDATE", 1, "NEW"),
          ("card_states", "del", "DELETE", 1, "OLD"),
          ("review_log", "ins", "INSERT", LOG_WEIGHT, "NEW"),
          ("review_log", "upd", "UPDATE", 1, "NEW"),
          ("review_log", "del", "DELETE", 1, "OLD"),
      )),
    *(f"""CREATE TRIGGER queue_{table}_{op_} AFTER {event} ON {table} BEGIN
          INSERT INTO queue_content (id, seq) VALUES (1, 1)
          ON CONFLICT (id) DO UPDATE SET seq = seq + 1; END"""
      for table in ("cards", "notes")
      for op_, event in (("ins", "INSERT"), ("upd", "UPDATE"), ("del", "DELETE"))),
]

_PG_FUNCTIONS = [
    *(f"""CREATE FUNCTION queue_bump_{rows}() RETURNS trigger LANGUAGE plpgsql AS $$
          BEGIN
            UPDATE users u SET queue_seq = u.queue_seq + c.n * TG_ARGV[0]::bigint
            FROM (SELECT user_id, count(*) AS n FROM {rows}_rows GROUP BY user_id) c
            WHERE u.id = c.user_id;
            RETURN NULL;
          END $$""" for rows in ("new", "old")),
    """CREATE FUNCTION queue_content_bump() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         INSERT INTO queue_content (id, seq) VALUES (1, 1)
         ON CONFLICT (id) DO UPDATE SET seq = queue_content.seq + 1;
         RETURN NULL;
       END $$""",
]

_PG_TRIGGERS = [
    *(f"""CREATE TRIGGER queue_{table}_{op_} AFTER {event} ON {table}
          REFERENCING {rows.upper()} TABLE AS {rows}_rows
          FOR EACH STATEMENT EXECUTE FUNCTION queue_bump_{rows}({weight})"""
      for table, op_, event, weight, rows in (
          ("card_states", "ins", "INSERT", 1, "new"),
          ("card_states", "upd", "UPDATE", 1, "new"),
          ("card_states", "del", "DELETE", 1, "old"),
          ("review_log", "ins", "INSERT", LOG_WEIGHT, "new"),
          ("review_log", "upd", "UPDATE", 1, "new"),
          ("review_log", "del", "DELETE", 1, "old"),
      )),
    *(f"""CREATE TRIGGER queue_{table} AFTER INSERT OR UPDATE OR DELETE ON {table}
          FOR EACH STATEMENT EXECUTE FUNCTION queue_content_bump()"""
      for table in ("cards", "notes")),
]

_SQLITE_TRIGGERS = [f"queue_{t}_{o}" for t in ("card_states", "review_log", "cards", "notes")
                    for o in ("ins", "upd", "del")]


def upgrade() -> None:
    op.create_table('queue_content',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('seq', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_queue_content'))
    )
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('queue_epoch', sa.BigInteger(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('queue_seq', sa.BigInteger(), server_default='0', nullable=False))
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        op.execute("UPDATE users SET queue_epoch = abs(random() >> 2)")
        for ddl in _SQLITE:
            op.execute(ddl)
    elif dialect == "postgresql":
        op.execute("UPDATE users SET queue_epoch = floor(random() * 4e18)::bigint")
        for ddl in (*_PG_FUNCTIONS, *_PG_TRIGGERS):
            op.execute(ddl)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for name in _SQLITE_TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    elif dialect == "postgresql":  # CASCADE drops the triggers with their functions
        op.execute("DROP FUNCTION IF EXISTS queue_bump_new, queue_bump_old, queue_content_bump "
                   "CASCADE")
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('queue_seq')
        batch_op.drop_column('queue_epoch')
    op.drop_table('queue_content')
