"""SQLAlchemy 2.x typed models. No app imports, no commits: services own transactions.

Content (notes, facts, cards) is shared by all learners; scheduling state and the review log
are per learner. The review log is append-only: undo marks a row, nothing deletes it.
"""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy import false as sa_false
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, query_expression, relationship

from .types import UTCDateTime

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {datetime: UTCDateTime(), dict[str, Any]: JSON, list[Any]: JSON}


class Note(Base):
    """One Markdown file: a deck."""

    __tablename__ = "notes"
    id: Mapped[int] = mapped_column(primary_key=True)
    path: Mapped[str] = mapped_column(String(500), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    lang: Mapped[str] = mapped_column(String(8))
    content_hash: Mapped[str] = mapped_column(String(80))
    imported_at: Mapped[datetime]
    retired_at: Mapped[datetime | None]
    facts: Mapped[list[Fact]] = relationship(back_populates="note")


class Fact(Base):
    __tablename__ = "facts"
    id: Mapped[int] = mapped_column(primary_key=True)
    note_id: Mapped[int] = mapped_column(ForeignKey("notes.id"), index=True)
    key: Mapped[str] = mapped_column(String(700), unique=True)
    kind: Mapped[str] = mapped_column(String(20))
    term: Mapped[str] = mapped_column(Text)
    definition: Mapped[str] = mapped_column(Text, default="")
    group: Mapped[str] = mapped_column(String(300), default="")
    section: Mapped[str] = mapped_column(String(500), default="")  # headings joined with " > "
    line: Mapped[int]
    position: Mapped[int]
    data: Mapped[dict[str, Any]] = mapped_column(default=dict)  # aliases, items, edges, parent…
    retired_at: Mapped[datetime | None]
    note: Mapped[Note] = relationship(back_populates="facts")


class Card(Base):
    __tablename__ = "cards"
    id: Mapped[int] = mapped_column(primary_key=True)
    note_id: Mapped[int] = mapped_column(ForeignKey("notes.id"))
    fact_id: Mapped[int] = mapped_column(ForeignKey("facts.id"), index=True)
    key: Mapped[str] = mapped_column(String(800), unique=True)
    kind: Mapped[str] = mapped_column(String(20))
    front: Mapped[str] = mapped_column(Text)
    back: Mapped[str] = mapped_column(Text)
    diagram: Mapped[str] = mapped_column(Text, default="")
    section: Mapped[str] = mapped_column(String(500), default="")
    line: Mapped[int]
    position: Mapped[int]
    retired_at: Mapped[datetime | None]
    added_at: Mapped[datetime | None] = mapped_column(index=True)  # set by the import
    # Lowercased sides, term and aliases (services.noteprep.search_text): the browser's words
    search_text: Mapped[str | None] = mapped_column(Text)
    __table_args__ = (Index("ix_cards_note_position", "note_id", "position"),)


def _random_epoch() -> int:
    return secrets.randbits(62)


class User(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20), default="learner")  # learner|instructor|admin
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    locale: Mapped[str | None] = mapped_column(String(10))
    settings: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime]
    # Part of every login cookie; replaced on logout and password change, which ends every
    # session (and remember-me cookie) issued before, even one captured by someone else.
    session_token: Mapped[str] = mapped_column(String(64), default="", server_default="")
    # Written by database triggers (migration 0006), read by services/review.py: a worker's
    # in-memory queue for this learner is current while (epoch, seq) is unchanged. The epoch
    # is random so two databases (or a restored backup) never share a stamp.
    queue_epoch: Mapped[int] = mapped_column(BigInteger, default=_random_epoch,
                                             server_default="0")
    queue_seq: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    # The rest of that stamp (the content's and the review log's), read with the row only
    # where asked (services.review.with_queue_stamp); None otherwise.
    stamp_content_seq: Mapped[int | None] = query_expression()
    stamp_last_review: Mapped[int | None] = query_expression()

    # What a login manager reads on the user it loaded (Flask-Login's protocol, written out
    # rather than imported: the model stays free of Flask). A loaded row is always a signed-in,
    # active account; the cookie's id carries the session token, so a replaced token logs out.
    is_authenticated = True
    is_active = True
    is_anonymous = False

    def get_id(self) -> str:
        return f"{self.id}:{self.session_token}"


class QueueContent(Base):
    """One row: ``seq`` is bumped by triggers on every write to cards and notes."""

    __tablename__ = "queue_content"
    id: Mapped[int] = mapped_column(primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger)


class CardState(Base):
    """A learner's scheduling state of one card; ``version`` rejects stale answers."""

    __tablename__ = "card_states"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    card_id: Mapped[int] = mapped_column(ForeignKey("cards.id"))
    state: Mapped[int] = mapped_column(Integer, default=0)
    step: Mapped[int | None]
    stability: Mapped[float | None] = mapped_column(Float)
    difficulty: Mapped[float | None] = mapped_column(Float)
    due: Mapped[datetime | None]
    last_review: Mapped[datetime | None]
    reps: Mapped[int] = mapped_column(default=0)
    lapses: Mapped[int] = mapped_column(default=0)
    suspended: Mapped[bool] = mapped_column(Boolean, default=False)
    leech: Mapped[bool] = mapped_column(Boolean, default=False)
    flag: Mapped[int] = mapped_column(Integer, default=0, server_default="0")  # 0, 1–4 (Anki's)
    buried_until: Mapped[datetime | None]  # out of the queue until then (the next study day)
    version: Mapped[int] = mapped_column(default=0)
    __table_args__ = (
        UniqueConstraint("user_id", "card_id", name="uq_card_states_user_card"),
        Index("ix_card_states_user_due", "user_id", "due"),
    )


class ReviewLog(Base):
    """Append-only. ``client_id`` makes a repeated submit idempotent; ``undone_at`` marks undo."""

    __tablename__ = "review_log"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    card_id: Mapped[int | None] = mapped_column(ForeignKey("cards.id"))
    external_card: Mapped[str | None] = mapped_column(String(64))  # imported history (anki:<cid>)
    client_id: Mapped[str] = mapped_column(String(64), unique=True)
    rating: Mapped[int]
    reviewed_at: Mapped[datetime]
    duration_ms: Mapped[int] = mapped_column(default=0)
    state_before: Mapped[dict[str, Any]] = mapped_column(default=dict)
    state_after: Mapped[dict[str, Any]] = mapped_column(default=dict)
    undone_at: Mapped[datetime | None]
    imported: Mapped[bool] = mapped_column(Boolean, default=False)
    __table_args__ = (
        Index("ix_review_log_user_time", "user_id", "reviewed_at"),
        Index("ix_review_log_card", "card_id", "reviewed_at"),
    )


# The card browser's flag: and is:leech searches (services.browse). An answer never writes
# these columns, so the review step does not maintain them (a wider index over the columns an
# answer changes cost it about 5 %).
Index("ix_card_states_user_flag", CardState.user_id, CardState.flag)
Index("ix_card_states_user_leech", CardState.user_id, CardState.leech)


class CardAction(Base):
    """A change to a card other than a rating (suspend, bury, flag, report, forget, set due…),
    with the learner's state of the card before and after, so the latest one can be undone.
    ``after_review`` is the newest review-log id when it was taken: it orders actions and
    ratings for undo. Append-only, like the review log: undo marks ``undone_at``."""

    __tablename__ = "card_actions"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    card_id: Mapped[int] = mapped_column(ForeignKey("cards.id"))
    kind: Mapped[str] = mapped_column(String(20))
    client_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    state_before: Mapped[dict[str, Any]] = mapped_column(default=dict)
    state_after: Mapped[dict[str, Any]] = mapped_column(default=dict)
    after_review: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime]
    undone_at: Mapped[datetime | None]
    __table_args__ = (Index("ix_card_actions_user_time", "user_id", "created_at"),)


class CardReport(Base):
    """"This card is wrong": a learner's report, listed for the notes' authors while open. It
    closes when the note is imported again changed (``note_hash`` is the note's hash when it
    was reported), and then the card comes back if the report had suspended it."""

    __tablename__ = "card_reports"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    card_id: Mapped[int] = mapped_column(ForeignKey("cards.id"))
    note_id: Mapped[int] = mapped_column(ForeignKey("notes.id"))
    comment: Mapped[str] = mapped_column(Text, default="")
    note_hash: Mapped[str] = mapped_column(String(80))
    suspended: Mapped[bool] = mapped_column(Boolean, default=False)  # the report suspended it
    created_at: Mapped[datetime]
    resolved_at: Mapped[datetime | None]
    __table_args__ = (Index("ix_card_reports_note_open", "note_id", "resolved_at"),
                      Index("ix_card_reports_user_card", "user_id", "card_id"))


# --- quizzes and exams (services/quiz.py) ---------------------------------------------------


class QuizAttempt(Base):
    """One practice quiz or timed exam of one learner. ``scope`` and ``settings`` say how it
    was built (with ``seed``, enough to rebuild it from the same facts); the questions
    themselves are snapshotted in ``quiz_questions``, so later note edits never change it.
    ``deadline`` is set for timed exams; the server closes the attempt lazily after it."""

    __tablename__ = "quiz_attempts"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    mode: Mapped[str] = mapped_column(String(10))  # practice | exam
    scope: Mapped[dict[str, Any]] = mapped_column(default=dict)  # decks, sections
    settings: Mapped[dict[str, Any]] = mapped_column(default=dict)  # count, limit, pass mark…
    seed: Mapped[int]
    retry_of: Mapped[int | None] = mapped_column(ForeignKey("quiz_attempts.id"))
    question_count: Mapped[int] = mapped_column(default=0)
    started_at: Mapped[datetime]
    deadline: Mapped[datetime | None]
    submitted_at: Mapped[datetime | None]
    closed_by: Mapped[str | None] = mapped_column(String(10))  # submit | timeout
    score: Mapped[float | None] = mapped_column(Float)  # 0..1
    points: Mapped[float | None] = mapped_column(Float)
    passed: Mapped[bool | None] = mapped_column(Boolean)
    result: Mapped[dict[str, Any]] = mapped_column(default=dict)  # per-topic breakdown
    version: Mapped[int] = mapped_column(default=0)  # bumped by every save: orders writes
    __table_args__ = (Index("ix_quiz_attempts_user_started", "user_id", "started_at"),)


class RateLimit(Base):
    """One rate-limit counter (failed logins of an account or an address) for its window:
    ``persistence/ratelimit.py``. Keys are hashed by the caller; rows expire in place."""

    __tablename__ = "rate_limits"
    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    count: Mapped[int] = mapped_column(BigInteger, default=0)
    expires_at: Mapped[float] = mapped_column(Float)  # Unix time, as the limits library keeps it


class QuizQuestion(Base):
    """A question as it was asked (prompt, choices, answer, source): a JSON snapshot."""

    __tablename__ = "quiz_questions"
    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("quiz_attempts.id"))
    position: Mapped[int]
    kind: Mapped[str] = mapped_column(String(20))
    topic: Mapped[str] = mapped_column(String(800), default="")
    data: Mapped[dict[str, Any]] = mapped_column(default=dict)
    # The learner's "come back to this" mark while the attempt is open.
    flagged: Mapped[bool] = mapped_column(Boolean, default=False, server_default=sa_false())
    __table_args__ = (
        UniqueConstraint("attempt_id", "position", name="uq_quiz_questions_attempt_position"),
    )


class QuizAnswer(Base):
    """The learner's latest response to one question, saved as given (one row per question:
    saving again updates it). ``revision`` is the client's counter, so a delayed retry of an
    older save never overwrites a newer one."""

    __tablename__ = "quiz_answers"
    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("quiz_attempts.id"))
    question_id: Mapped[int] = mapped_column(ForeignKey("quiz_questions.id"))
    response: Mapped[Any] = mapped_column(JSON(none_as_null=True), nullable=True)
    revision: Mapped[int] = mapped_column(default=0)
    saved_at: Mapped[datetime]
    correct: Mapped[bool | None] = mapped_column(Boolean)
    score: Mapped[float | None] = mapped_column(Float)
    __table_args__ = (
        UniqueConstraint("attempt_id", "question_id", name="uq_quiz_answers_attempt_question"),
    )


# --- statistics (services/stats.py) --------------------------------------------------------


class StatsDay(Base):
    """One learner's review totals for one *closed* study day: a cache derived from the review
    log, so the stats page never rescans a million rows. ``services.stats`` rebuilds it whenever
    it could be stale (time zone changed, history imported into the past); never edit it."""

    __tablename__ = "stats_days"
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    day: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)  # study
    # date as days since 1970-01-01 (srs.days.day_number), in ``StatsRollup.timezone``
    reviews: Mapped[int]
    duration_ms: Mapped[int] = mapped_column(BigInteger)
    retention_due: Mapped[int]  # first reviews of the day of cards in the review state
    retention_passed: Mapped[int]  # … of which rated Hard, Good or Easy


class StatsRollup(Base):
    """How far ``stats_days`` reaches for a learner: days before ``through_day``, built in
    ``timezone`` from review-log rows with ids up to ``log_watermark``."""

    __tablename__ = "stats_rollups"
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True,
                                         autoincrement=False)
    timezone: Mapped[str] = mapped_column(String(64))
    through_day: Mapped[int]
    log_watermark: Mapped[int]
    version: Mapped[int]  # the rollup's definition (services.stats.ROLLUP_VERSION)
    updated_at: Mapped[datetime]


# The stats page groups a learner's active cards by deck and section (services.stats.
# section_rows: the range retired_at IS NULL comes in group order) and counts the cards due per
# day (services.stats.forecast: retired cards are a short range at the other end). Both indexes
# are covering, so neither query reads the wide card rows nor the card-state rows.
Index("ix_cards_active_section", Card.retired_at, Card.note_id, Card.section, Card.kind)
Index("ix_card_states_forecast", CardState.user_id, CardState.suspended, CardState.due,
      CardState.state, CardState.card_id)


# --- instructor quiz sets, classes and assignments (services/sets.py, services/classes.py) ---


class QuizSet(Base):
    """An instructor's quiz set. Its columns and ``set_questions`` rows are the working draft;
    ``published`` is the JSON snapshot learners take (title, settings, questions), replaced
    only by publishing, so editing never disturbs learners or past attempts. ``name`` is the
    short name the CLI and exports use; ``source_path`` ties a set to its YAML file."""

    __tablename__ = "quiz_sets"
    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    settings: Mapped[dict[str, Any]] = mapped_column(default=dict)  # limit, pass mark, grading…
    source_path: Mapped[str | None] = mapped_column(String(500), unique=True)
    source_hash: Mapped[str | None] = mapped_column(String(80))
    published: Mapped[dict[str, Any] | None] = mapped_column(JSON(none_as_null=True))
    published_at: Mapped[datetime | None]
    version: Mapped[int] = mapped_column(default=0)  # how many times it was published
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    deleted_at: Mapped[datetime | None]


class SetQuestion(Base):
    """One draft question of a set: a written question or a draw from the notes (``kind`` =
    "draw"). ``uid`` is stable across edits, so item analysis follows a question."""

    __tablename__ = "set_questions"
    id: Mapped[int] = mapped_column(primary_key=True)
    set_id: Mapped[int] = mapped_column(ForeignKey("quiz_sets.id"))
    position: Mapped[int]
    uid: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(20))
    data: Mapped[dict[str, Any]] = mapped_column(default=dict)
    __table_args__ = (
        UniqueConstraint("set_id", "uid", name="uq_set_questions_set_uid"),
        Index("ix_set_questions_set_position", "set_id", "position"),
    )


class StudyClass(Base):
    """An instructor's class; learners join with ``join_code`` while ``joining`` is on."""

    __tablename__ = "classes"
    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    join_code: Mapped[str] = mapped_column(String(16), unique=True)
    joining: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime]
    archived_at: Mapped[datetime | None]


class ClassMember(Base):
    __tablename__ = "class_members"
    id: Mapped[int] = mapped_column(primary_key=True)
    class_id: Mapped[int] = mapped_column(ForeignKey("classes.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    joined_at: Mapped[datetime]
    __table_args__ = (
        UniqueConstraint("class_id", "user_id", name="uq_class_members_class_user"),
    )


class Assignment(Base):
    """A set given to a class, open from ``opens_at`` until ``closes_at`` (None: no end)."""

    __tablename__ = "assignments"
    id: Mapped[int] = mapped_column(primary_key=True)
    class_id: Mapped[int] = mapped_column(ForeignKey("classes.id"))
    set_id: Mapped[int] = mapped_column(ForeignKey("quiz_sets.id"), index=True)
    opens_at: Mapped[datetime]
    closes_at: Mapped[datetime | None]
    created_at: Mapped[datetime]
    __table_args__ = (
        UniqueConstraint("class_id", "set_id", name="uq_assignments_class_set"),
    )


class SetAttempt(Base):
    """Ties a quiz attempt (questions snapshotted as usual) to the set and assignment it was
    taken for. ``preview`` attempts (the instructor trying a set) stay out of the results."""

    __tablename__ = "set_attempts"
    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("quiz_attempts.id"), unique=True)
    set_id: Mapped[int] = mapped_column(ForeignKey("quiz_sets.id"), index=True)
    assignment_id: Mapped[int | None] = mapped_column(ForeignKey("assignments.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    set_version: Mapped[int] = mapped_column(default=0)
    preview: Mapped[bool] = mapped_column(Boolean, default=False)
    __table_args__ = (Index("ix_set_attempts_assignment_user", "assignment_id", "user_id"),)
