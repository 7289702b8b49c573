"""Review service on the real shared note: queue order, limits, burying, idempotent and stale
submits, undo, suspend, leech."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from studyk8s.persistence.models import Card, CardState, Fact, ReviewLog
from studyk8s.services import errors, review
from studyk8s.services.content import import_notes
from studyk8s.services.review import queries
from studyk8s.services.users import create_user, update_settings
from studyk8s.srs.days import StudyDay

NOW = datetime(2026, 1, 5, 10, 0, tzinfo=UTC)  # 18:00 in Shanghai


@pytest.fixture
def learner(session, notes_dir):
    import_notes(session, [notes_dir], now=NOW)
    create_user(session, "admin@example.com", "kube-study-4471", now=NOW)
    return create_user(session, "learner@example.com", "kube-study-4471", timezone="Asia/Shanghai",
                       now=NOW)


def rate(session, user, card_id, rating, now, client_id=None, version=None):
    state = session.scalar(select(CardState).where(CardState.card_id == card_id,
                                                   CardState.user_id == user.id))
    if version is None:
        version = state.version if state else 0
    client_id = client_id or f"cid-{card_id}-{now.timestamp():.0f}-{rating}"
    return review.answer(session, user, card_id=card_id, rating=rating, now=now,
                         client_id=client_id, version=version)


def log_count(session):
    return session.scalar(select(func.count()).select_from(ReviewLog))


def test_new_cards_come_in_note_order_with_daily_limit(session, learner):
    c = review.counts(session, learner, NOW)
    assert (c.new, c.learning, c.review) == (20, 0, 0)
    first = review.next_card_id(session, learner, NOW)
    lowest = session.scalar(select(Card.id).order_by(Card.position, Card.id).limit(1))
    assert first == lowest
    view = review.card_view(session, learner, first, NOW)
    assert view["deck"] == "Docker+K8s学习1"
    assert view["source"].endswith(f":{view['line']}")
    assert set(view["intervals"]) == {"1", "2", "3", "4"}


def test_answer_moves_card_to_learning_and_counts_follow(session, learner):
    card_id = review.next_card_id(session, learner, NOW)
    result = rate(session, learner, card_id, 3, NOW)
    assert result["version"] == 1 and not result["duplicate"]
    state = session.scalar(select(CardState).where(CardState.card_id == card_id))
    assert state.state == 1 and state.due == NOW + timedelta(minutes=10)
    c = review.counts(session, learner, NOW)
    assert (c.new, c.learning) == (19, 1)


def test_repeated_submit_is_answered_once(session, learner):
    card_id = review.next_card_id(session, learner, NOW)
    first = rate(session, learner, card_id, 3, NOW, client_id="same-id-123", version=0)
    again = rate(session, learner, card_id, 3, NOW, client_id="same-id-123", version=0)
    assert again["duplicate"] and {**again, "duplicate": False} == first
    assert log_count(session) == 1


def test_stale_submit_is_refused_and_changes_nothing(session, learner):
    card_id = review.next_card_id(session, learner, NOW)
    rate(session, learner, card_id, 3, NOW, client_id="tab-one-0001", version=0)
    with pytest.raises(errors.Conflict):
        rate(session, learner, card_id, 1, NOW, client_id="tab-two-0001", version=0)
    assert log_count(session) == 1
    assert session.scalar(select(CardState.version).where(CardState.card_id == card_id)) == 1


def test_undo_restores_previous_state_and_marks_the_review(session, learner):
    card_id = review.next_card_id(session, learner, NOW)
    rate(session, learner, card_id, 3, NOW)
    later = NOW + timedelta(minutes=1)
    undone = review.undo(session, learner, later)
    assert undone["card_id"] == card_id and undone["rating"] == 3
    state = session.scalar(select(CardState).where(CardState.card_id == card_id))
    assert state.state == 0 and state.reps == 0 and state.due is None
    assert review.counts(session, learner, later).new == 20
    assert review.next_card_id(session, learner, later) == card_id
    log = session.scalar(select(ReviewLog))
    assert log.undone_at == later  # kept, out of the schedule
    with pytest.raises(errors.ServiceError, match="nothing to undo") as refused:
        review.undo(session, learner, later)
    assert refused.value.code == "review.nothing_to_undo"
    assert type(refused.value) is errors.ServiceError  # a 400, not a 404 or a 409
    # The tab that still shows version 1 is told the card changed.
    with pytest.raises(errors.Conflict):
        rate(session, learner, card_id, 3, later, version=1)


def test_siblings_are_buried_until_the_next_day(session, learner):
    fact_id = session.scalar(select(Fact.id).where(Fact.term == "APIServer"))
    siblings = session.scalars(select(Card.id).where(Card.fact_id == fact_id)).all()
    assert len(siblings) >= 2
    rate(session, learner, siblings[0], 3, NOW)
    new_ids = set(session.scalars(queries._new_q(learner, StudyDay.of(NOW, learner.timezone))))
    assert not new_ids & set(siblings[1:])
    tomorrow = NOW + timedelta(days=1)  # past the 4 am rollover in Shanghai
    new_ids = set(session.scalars(queries._new_q(learner, StudyDay.of(tomorrow, learner.timezone))))
    assert set(siblings[1:]) <= new_ids


def test_new_limit_and_done_for_today(session, learner):
    update_settings(session, learner, {"new_per_day": 2})
    now = NOW
    for _ in range(2):
        card_id = review.next_card_id(session, learner, now)
        rate(session, learner, card_id, 4, now)  # Easy: straight to review, days away
        now += timedelta(seconds=30)
    assert review.counts(session, learner, now).total == 0
    assert review.next_card_id(session, learner, now) is None
    view = review.next_view(session, learner, now)
    assert view["card"] is None and view["tomorrow"] >= 2


def test_day_rollover_is_4am_in_the_learners_zone(session, learner):
    update_settings(session, learner, {"new_per_day": 1})
    late = datetime(2026, 1, 5, 19, 59, tzinfo=UTC)  # 03:59 on Jan 6 in Shanghai: still Jan 5
    card_id = review.next_card_id(session, learner, late)
    rate(session, learner, card_id, 4, late)
    assert review.counts(session, learner, late).new == 0
    rollover = datetime(2026, 1, 5, 20, 0, tzinfo=UTC)  # 04:00 local: a new day
    assert review.counts(session, learner, rollover).new == 1


def test_suspend_removes_card_from_queue(session, learner):
    card_id = review.next_card_id(session, learner, NOW)
    review.suspend(session, learner, card_id, NOW)
    assert review.next_card_id(session, learner, NOW) != card_id


def test_eighth_lapse_makes_a_leech(session, learner):
    card_id = review.next_card_id(session, learner, NOW)
    session.add(CardState(user_id=learner.id, card_id=card_id, state=2, stability=2.0,
                          difficulty=8.0, due=NOW, last_review=NOW - timedelta(days=2), reps=20,
                          lapses=7, version=5))
    session.commit()
    result = rate(session, learner, card_id, 1, NOW)
    assert result["leech"]
    state = session.scalar(select(CardState).where(CardState.card_id == card_id))
    assert state.leech and state.suspended and state.lapses == 8
    assert review.next_card_id(session, learner, NOW) != card_id


def test_bad_rating_and_client_id(session, learner):
    card_id = review.next_card_id(session, learner, NOW)
    with pytest.raises(errors.ServiceError):
        rate(session, learner, card_id, 5, NOW)
    with pytest.raises(errors.ServiceError):
        rate(session, learner, card_id, 3, NOW, client_id="x")
    assert log_count(session) == 0


def test_diagram_cards_carry_the_mermaid_source(session, learner):
    card = session.scalar(select(Card).where(Card.diagram != "").limit(1))
    view = review.card_view(session, learner, card.id, NOW)
    assert view["diagram"].lstrip().startswith("graph")
    assert "<script" not in view["front_html"]


def test_card_text_is_sanitised(session, learner):
    card = session.scalar(select(Card).limit(1))
    card.front = "**bold** <script>alert(1)</script><img src=x onerror=alert(1)>"
    session.commit()
    html = review.card_view(session, learner, card.id, NOW)["front_html"]
    assert "<strong>bold</strong>" in html
    assert "<script" not in html and "onerror" not in html


@pytest.mark.parametrize("answered_before", [False, True], ids=["new card", "seen card"])
@pytest.mark.parametrize("same_client_id", [True, False])
def test_concurrent_submits_of_one_card_record_one_review(app, session, learner, same_client_id,
                                                         answered_before):
    """Two tabs (or a double click) racing on one card: one review is recorded; the other is
    answered with that result (same id) or refused as stale (different id). Never a 5xx.
    A new card's racers meet on the state row's unique key, a seen card's on its version."""
    import threading

    from studyk8s.persistence.models import User

    card_id = review.next_card_id(session, learner, NOW)
    version = 0
    if answered_before:
        version = review.answer(session, learner, card_id=card_id, rating=3, version=0,
                                client_id="first-answer-01", now=NOW)["version"]
    learner_id = learner.id  # read here: the threads must not touch this thread's session
    session.rollback()
    outcomes, barrier = [], threading.Barrier(4)

    def submit(i):
        with app.app_context():
            s = app.extensions["db_sessions"]()
            try:
                user = s.get(User, learner_id)
                s.rollback()
                barrier.wait(timeout=30)
                cid = "same-click-01" if same_client_id else f"tab-{i}-0000001"
                outcomes.append(review.answer(s, user, card_id=card_id, rating=3,
                                              version=version, client_id=cid, now=NOW))
            except errors.Conflict:
                outcomes.append("conflict")
            except Exception as exc:  # noqa: BLE001 - reported by the assertion below
                outcomes.append(repr(exc))
                barrier.abort()
            finally:
                s.close()

    threads = [threading.Thread(target=submit, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(outcomes) == 4 and not [o for o in outcomes if isinstance(o, str)
                                       and o != "conflict"], outcomes
    recorded = [o for o in outcomes if o != "conflict" and not o["duplicate"]]
    assert len(recorded) == 1
    if same_client_id:
        assert all(o != "conflict" and o["review_id"] == recorded[0]["review_id"]
                   for o in outcomes)
    else:
        assert outcomes.count("conflict") == 3
    session.rollback()
    assert log_count(session) == 1 + answered_before


def test_the_learners_load_reads_the_answered_card_as_the_answer_would(session, learner):
    """On PostgreSQL the learner's load also reads the card an answer names (a round trip
    saved): the same row the answer would read, floats and times exact, None for no such
    card; SQLite reads it under its write lock, so its load leaves it to the answer."""
    from studyk8s.services.review.cards import ANSWER_ROW

    queues = review.QueueCache()
    card_id = review.next_card_id(session, learner, NOW)
    for minutes, rating in ((0, 3), (10, 3), (60 * 24 * 3, 2)):  # learning, then review
        rate(session, learner, card_id, rating, NOW + timedelta(minutes=minutes))
    postgres = session.get_bind().dialect.name == "postgresql"
    for asked in (card_id, card_id + 1, 999_999):
        user = queues.load_learner(session, learner.id, answering=asked)
        read, row = review.loaded_queue(user).answer_row(asked)
        assert read is postgres
        if postgres:
            direct = session.execute(ANSWER_ROW, {"uid": learner.id, "card_id": asked}).first()
            assert (vars(row) if row is not None else None) == (
                direct._asdict() if direct is not None else None)
    assert review.loaded_queue(user).answer_row(card_id) == (False, None)  # another card's
    if postgres:
        assert row is None  # the last one asked does not exist
        answered = queues.load_learner(session, learner.id, answering=card_id)
        state = review.loaded_queue(answered).answer_row(card_id)[1]
        assert state.stability > 0 and state.reps == 3 and state.due.tzinfo is not None
