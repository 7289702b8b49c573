"""The Done screen's offers (review ahead, more new cards today) and the home page's per-deck
due counts, on the real shared note."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, update

from studyk8s.persistence.models import Card, CardState
from studyk8s.services import errors, review
from studyk8s.services.content import import_notes
from studyk8s.services.decks import list_decks
from studyk8s.services.users import StudySettings, create_user, update_settings
from studyk8s.srs.days import StudyDay

NOW = datetime(2026, 1, 5, 10, 0, tzinfo=UTC)


@pytest.fixture
def learner(session, notes_dir):
    import_notes(session, [notes_dir], now=NOW)
    create_user(session, "admin@example.com", "kube-study-4471", now=NOW)
    return create_user(session, "learner@example.com", "kube-study-4471", timezone="Asia/Shanghai",
                       now=NOW)


def finish_new_cards(session, user, n):
    for i in range(n):
        card_id = review.next_card_id(session, user, NOW)
        state = session.scalar(select(CardState).where(CardState.user_id == user.id,
                                                       CardState.card_id == card_id))
        review.answer(session, user, card_id=card_id, rating=4, now=NOW,
                      client_id=f"easy-{i:04d}", version=state.version if state else 0)


def test_more_new_cards_today_raises_the_limit_for_today_only(session, learner):
    update_settings(session, learner, {"new_per_day": 3})
    finish_new_cards(session, learner, 3)
    assert review.next_card_id(session, learner, NOW) is None
    cache = review.QueueCache()
    assert review.next_view(session, learner, NOW, cache)["card"] is None
    assert review.more_new_today(session, learner, 2, NOW) == 2
    assert review.counts(session, learner, NOW).new == 2
    assert review.next_view(session, learner, NOW, cache)["counts"]["new"] == 2
    tomorrow = StudyDay.of(NOW, learner.timezone).end + timedelta(hours=1)
    assert StudySettings.of(learner, tomorrow).new_per_day == 3
    with pytest.raises(errors.ServiceError):
        review.more_new_today(session, learner, 0, NOW)


def test_review_ahead_brings_soon_due_cards_forward_and_u_puts_them_back(session, learner):
    update_settings(session, learner, {"new_per_day": 4})
    finish_new_cards(session, learner, 4)  # Easy: review cards due in a few days
    assert review.counts(session, learner, NOW).review == 0
    dues = dict(session.execute(select(CardState.card_id, CardState.due)
                                .where(CardState.user_id == learner.id)).all())
    assert review.review_ahead(session, learner, 1, NOW) == 0  # none due tomorrow
    n = review.review_ahead(session, learner, 30, NOW)
    assert n == 4
    assert review.counts(session, learner, NOW).review == 4
    assert review.next_view(session, learner, NOW, review.QueueCache())["counts"]["review"] == 4
    assert review.undo(session, learner, NOW)["cards"] == 4
    session.expire_all()
    assert dict(session.execute(select(CardState.card_id, CardState.due)
                                .where(CardState.user_id == learner.id)).all()) == dues


def test_deck_counts_follow_the_queue_and_count_what_is_set_aside(session, learner):
    decks = {d.id: d.cards for d in list_decks(session)}
    counts = review.deck_counts(session, learner, NOW, decks)
    (deck_id, due), = counts.decks.items()
    assert (due.new, due.learning, due.review) == (20, 0, 0)  # the daily limit caps new
    first = review.next_card_id(session, learner, NOW)
    review.answer(session, learner, card_id=first, rating=1, now=NOW, client_id="again-0001",
                  version=0)
    second = review.next_card_id(session, learner, NOW)
    review.suspend(session, learner, second, NOW)
    counts = review.deck_counts(session, learner, NOW, decks)
    assert counts.decks[deck_id].learning == 1 and counts.suspended == 1
    session.execute(update(CardState).where(CardState.card_id == second).values(leech=True))
    session.commit()
    counts = review.deck_counts(session, learner, NOW, decks)
    assert (counts.suspended, counts.leeches) == (0, 1)
    assert session.scalar(select(Card.note_id).where(Card.id == first)) == deck_id
