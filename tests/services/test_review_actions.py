"""Card actions (suspend, bury, flag, report, forget, set due, reset leech) and undo of the
latest action, on the real shared note: what the queue shows after each, and after undo."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from studyk8s.persistence.models import CardAction, CardReport, CardState
from studyk8s.services import card_problems, errors, review
from studyk8s.services.content import import_notes
from studyk8s.services.users import create_user, update_settings
from studyk8s.srs.days import StudyDay

NOW = datetime(2026, 1, 5, 10, 0, tzinfo=UTC)  # 18:00 in Shanghai


@pytest.fixture
def learner(session, notes_dir):
    import_notes(session, [notes_dir], now=NOW)
    create_user(session, "admin@example.com", "kube-study-4471", now=NOW)  # the first: admin
    return create_user(session, "learner@example.com", "kube-study-4471", timezone="Asia/Shanghai",
                       now=NOW)


def state(session, user, card_id) -> CardState:
    session.expire_all()
    return session.scalar(select(CardState).where(CardState.user_id == user.id,
                                                  CardState.card_id == card_id))


def rate(session, user, card_id, rating, now):
    version = (state(session, user, card_id) or CardState(version=0)).version or 0
    return review.answer(session, user, card_id=card_id, rating=rating, now=now,
                         client_id=f"c-{card_id}-{rating}-{now.timestamp():.0f}",
                         version=version)


def shown(session, user, now) -> int | None:
    return review.next_card_id(session, user, now)


def test_bury_takes_a_card_out_until_the_next_study_day(session, learner):
    update_settings(session, learner, {"new_per_day": 500})  # every new card counts
    first = shown(session, learner, NOW)
    before = review.counts(session, learner, NOW).new
    review.bury(session, learner, first, NOW)
    assert shown(session, learner, NOW) != first
    assert review.counts(session, learner, NOW).new == before - 1
    cache = review.QueueCache()
    assert review.next_view(session, learner, NOW, cache)["card"]["id"] != first
    end = StudyDay.of(NOW, learner.timezone).end
    assert state(session, learner, first).buried_until == end
    assert shown(session, learner, end - timedelta(minutes=1)) != first
    assert shown(session, learner, end) == first  # back the next day
    assert review.next_view(session, learner, end, cache)["card"]["id"] == first


def test_undo_takes_back_the_latest_action_then_the_rating_before_it(session, learner):
    first = shown(session, learner, NOW)
    rate(session, learner, first, 3, NOW)
    review.flag(session, learner, first, 2, NOW)
    second = shown(session, learner, NOW)
    review.suspend(session, learner, second, NOW + timedelta(seconds=5))
    assert state(session, learner, second).suspended

    undone = review.undo(session, learner, NOW + timedelta(seconds=6))
    assert (undone["undone"], undone["card_id"]) == ("suspend", second)
    assert not state(session, learner, second).suspended
    undone = review.undo(session, learner, NOW + timedelta(seconds=7))
    assert (undone["undone"], undone["card_id"]) == ("flag", first)
    assert state(session, learner, first).flag == 0
    undone = review.undo(session, learner, NOW + timedelta(seconds=8))
    assert (undone["undone"], undone["rating"]) == ("rating", 3)
    assert state(session, learner, first).state == 0  # new again
    with pytest.raises(errors.ServiceError, match="nothing to undo"):
        review.undo(session, learner, NOW + timedelta(seconds=9))
    # Everything stays on record, marked undone.
    assert session.scalar(select(CardAction.undone_at).where(CardAction.kind == "flag"))


def test_an_action_from_a_stale_page_is_refused_and_a_retry_is_answered_once(session, learner):
    first = shown(session, learner, NOW)
    done = review.flag(session, learner, first, 1, NOW, version=0, client_id="flag-0001")
    again = review.flag(session, learner, first, 1, NOW, version=0, client_id="flag-0001")
    assert again["duplicate"] and again["action_id"] == done["action_id"]
    with pytest.raises(errors.Conflict):
        review.suspend(session, learner, first, NOW, version=0)
    assert not state(session, learner, first).suspended
    assert len(session.scalars(select(CardAction)).all()) == 1
    with pytest.raises(errors.ServiceError):
        review.flag(session, learner, first, 7, NOW)


def test_forget_set_due_and_reset_leech(session, learner):
    first = shown(session, learner, NOW)
    rate(session, learner, first, 4, NOW)
    assert state(session, learner, first).state == 2
    review.forget(session, learner, first, NOW)
    s = state(session, learner, first)
    assert (s.state, s.stability, s.due, s.reps) == (0, None, None, 1)  # history kept
    review.set_due(session, learner, first, "0", NOW)
    s = state(session, learner, first)
    assert (s.state, s.due) == (2, NOW)
    assert first in {review.next_card_id(session, learner, NOW)}
    review.set_due(session, learner, first, "3-7", NOW, rng=random.Random(1))
    day = StudyDay.of(NOW, learner.timezone)
    due = state(session, learner, first).due
    assert day.start + timedelta(days=3) <= due <= day.start + timedelta(days=7)
    with pytest.raises(errors.ServiceError):
        review.set_due(session, learner, first, "7-3", NOW)
    s = state(session, learner, first)
    s.leech, s.suspended, s.lapses = True, True, 8
    session.commit()
    review.reset_leech(session, learner, first, NOW)
    s = state(session, learner, first)
    assert (s.leech, s.suspended, s.lapses) == (False, False, 0)


def test_a_report_suspends_lists_and_closes_when_the_note_is_fixed(session, learner,
                                                                    notes_dir):
    first = shown(session, learner, NOW)
    review.report(session, learner, first, "the sentence is cut", NOW)
    assert state(session, learner, first).suspended
    assert shown(session, learner, NOW) != first
    admin = session.scalar(select(learner.__class__).where(
        learner.__class__.email == "admin@example.com"))
    problems = card_problems.open_problems(session, admin)
    assert [(p.card_id, p.comment) for p in problems] == [(first, "the sentence is cut")]
    assert problems[0].source.endswith(f".md:{problems[0].line}")
    assert card_problems.open_problems(session, learner)[0].mine

    import_notes(session, [notes_dir], now=NOW)  # unchanged: still open
    assert card_problems.open_problems(session, admin)
    note = next(notes_dir.glob("*.md"))
    note.write_text(note.read_text(encoding="utf-8") + "\n补充: 修正后的一行\n",
                    encoding="utf-8")
    import_notes(session, [notes_dir], now=NOW + timedelta(hours=1))
    assert card_problems.open_problems(session, admin) == []
    assert not state(session, learner, first).suspended  # back to study
    assert session.scalar(select(CardReport.resolved_at)) is not None


def test_undoing_a_report_withdraws_it(session, learner):
    first = shown(session, learner, NOW)
    review.report(session, learner, first, "", NOW)
    review.undo(session, learner, NOW)
    assert not state(session, learner, first).suspended
    assert card_problems.open_problems(session, learner) == []
