"""The in-memory queue behind ``next_view`` against the SQL queries it stands in for.

Random sessions on the real shared note (siblings, so burying matters): answers, undo,
suspend, bury, flags, forget, set due, unsuspend, time passing, another study day, changed
limits, decks and card kinds, answers to cards outside the chosen decks and kinds (a stale
tab), a second worker answering, and writes that bypass the review service. After every step
the counts and the card that ``next_view`` shows must be exactly what ``counts`` and
``next_card_id`` (plain SQL) give.
"""

from __future__ import annotations

import contextlib
import random
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, update

from studyk8s.persistence.models import Card, CardState
from studyk8s.services import errors, review
from studyk8s.services.content import import_notes
from studyk8s.services.review import queue_cache
from studyk8s.services.users import StudySettings, create_user, update_settings

NOW = datetime(2026, 1, 5, 10, 0, tzinfo=UTC)


@pytest.fixture
def learner(session, notes_dir):
    import_notes(session, [notes_dir], now=NOW)
    return create_user(session, "learner@example.com", "kube-study-4471", timezone="Asia/Shanghai",
                       now=NOW)


_WORKERS: list = []  # [caches, index of the current one], set up for each test


def queues() -> review.QueueCache:
    """The current worker's queue cache."""
    caches, current = _WORKERS
    return caches[current]


@pytest.fixture(autouse=True)
def workers():
    """Two workers' queue caches; ``switch`` makes the other one current."""
    _WORKERS[:] = [[review.QueueCache(), review.QueueCache()], 0]

    def switch():
        _WORKERS[1] ^= 1

    return switch


def expected(session, user, now):
    c = review.counts(session, user, now)
    return ({"new": c.new, "learning": c.learning, "review": c.review},
            review.next_card_id(session, user, now))


def shown(session, user, now, loaded=False):
    """The next view as a review step shows it: ``loaded``, as the web app does (the learner
    loaded with the answers this worker's queue lacks), else from the stamp alone."""
    if loaded:
        user = queues().load_learner(session, user.id)
        view = queues().next_view(session, user, now, loaded=review.loaded_queue(user))
    else:
        view = review.next_view(session, user, now, queues())
    return view["counts"], (view["card"] or {}).get("id"), view["card"]


def answered(session, user, now, loaded, **rating):
    """An answer as the web app records it when ``loaded`` (then its next view is checked
    against the SQL reference as well), else through ``answer`` alone."""
    if not loaded:
        return review.answer(session, user, queues=queues(), now=now, **rating)
    user = queues().load_learner(session, user.id, answering=rating["card_id"])
    done = review.answer_then_next(session, user, queues=queues(), now=now,
                                   settings=StudySettings.of(user, now), **rating)
    view = done["next"]
    assert (view["counts"], (view["card"] or {}).get("id")) == expected(session, user, now)
    if view["card"] is not None:
        assert view["card"] == review.card_view(session, user, view["card"]["id"], now)
    return done["result"]


SECOND_DECK = """# 网络

## 组件

- Ingress: 七层入口，按主机名和路径转发
- Service: 四层负载均衡，给一组 Pod 一个稳定地址
- NetworkPolicy: Pod 之间的防火墙规则
- DNS: 集群内的服务发现
"""


@pytest.mark.parametrize("loaded", [False, True], ids=["stamp", "loaded"])
@pytest.mark.parametrize("seed", range(6))
def test_cached_queue_matches_sql_through_random_sessions(session, learner, workers, seed,
                                                          notes_dir, loaded):
    rng = random.Random(seed)
    (notes_dir / "network.md").write_text(SECOND_DECK, encoding="utf-8")
    import_notes(session, [notes_dir], now=NOW)
    cards = session.execute(select(Card.id, Card.note_id, Card.kind)
                            .where(Card.retired_at.is_(None))).all()
    decks = sorted({c.note_id for c in cards})
    kinds = sorted({c.kind for c in cards})
    assert len(decks) == 2 and len(kinds) > 2
    update_settings(session, learner, {"new_per_day": rng.choice([5, 12, 40]),
                                       "reviews_per_day": rng.choice([3, 200])})
    now = NOW
    for step in range(140):
        counts, card_id, card = shown(session, learner, now, loaded)
        assert (counts, card_id) == expected(session, learner, now), f"step {step}"
        if card is not None:  # the card as shown (kept from the last view, or read now)
            assert card == review.card_view(session, learner, card_id, now), f"step {step}"
        op = rng.choices(["answer", "undo", "suspend", "wait", "day", "limits", "retention",
                          "worker", "direct", "decks", "kinds", "elsewhere", "bury", "flag",
                          "forget", "set_due", "unsuspend"],
                         weights=[60, 8, 3, 12, 4, 3, 3, 8, 4, 4, 4, 10, 4, 3, 2, 2, 2])[0]
        if op == "answer" and card is not None:
            answered(session, learner, now, loaded, card_id=card_id,
                     rating=rng.choice([1, 2, 3, 3, 4]), client_id=uuid.uuid4().hex,
                     version=card["version"])
        elif op == "undo":
            with contextlib.suppress(errors.ServiceError):  # nothing to undo today
                review.undo(session, learner, now)
        elif op == "suspend" and card is not None:
            review.suspend(session, learner, card_id, now)
        elif op == "bury" and card is not None:
            review.bury(session, learner, card_id, now)
        elif op == "flag" and card is not None:
            review.flag(session, learner, card_id, rng.randint(0, 4), now)
        elif op in ("forget", "set_due", "unsuspend"):  # the card browser, on any card
            other = rng.choice(cards).id
            if op == "forget":
                review.forget(session, learner, other, now)
            elif op == "set_due":
                review.set_due(session, learner, other, rng.choice(["0", "1", "0-3"]), now)
            else:
                review.unsuspend(session, learner, other, now)
        elif op == "wait":
            now += timedelta(minutes=rng.choice([1, 5, 11, 30, 90]))
        elif op == "day":
            now += timedelta(days=rng.choice([1, 2, 5]))
        elif op == "limits":
            update_settings(session, learner, {"new_per_day": rng.randint(0, 30)})
        elif op == "retention":  # the intervals shown change, the queue does not
            update_settings(session, learner,
                            {"desired_retention": rng.choice([0.8, 0.85, 0.9, 0.95])})
        elif op == "worker":
            workers()
        elif op == "decks":  # study one deck, or all
            chosen = rng.choice([[decks[0]], [decks[1]], None])
            update_settings(session, learner, {"decks": chosen})
        elif op == "kinds":  # study some card kinds, or all
            chosen = rng.sample(kinds, rng.randint(1, len(kinds) - 1)) if rng.random() < 0.7 \
                else None
            update_settings(session, learner, {"card_kinds": chosen})
        elif op == "elsewhere":  # a stale tab answers a card, maybe outside the selection
            other = rng.choice(cards).id
            view = review.card_view(session, learner, other, now)
            with contextlib.suppress(errors.Conflict):  # suspended in the meantime
                answered(session, learner, now, loaded, card_id=other,
                         rating=rng.choice([1, 3, 4]), client_id=uuid.uuid4().hex,
                         version=view["version"])
        elif op == "direct":  # as a quiz's wrong answer does: review cards due now
            session.execute(update(CardState).where(CardState.user_id == learner.id,
                                                    CardState.state == 2)
                            .values(due=now, version=CardState.version + 1))
            session.commit()


def test_a_second_worker_catches_up_without_rebuilding(session, learner, workers,
                                                        monkeypatch):
    review.next_view(session, learner, NOW, queues())  # worker A builds
    workers()
    review.next_view(session, learner, NOW, queues())  # worker B builds
    for _ in range(3):  # B answers three cards
        card = review.next_view(session, learner, NOW, queues())["card"]
        review.answer(session, learner, queues=queues(), card_id=card["id"], rating=3,
                      client_id=uuid.uuid4().hex, version=card["version"], now=NOW)
    workers()
    builds = []
    real_build = queue_cache._build_queue
    monkeypatch.setattr(queue_cache, "_build_queue",
                        lambda *a: builds.append(a) or real_build(*a))
    counts, card_id, _ = shown(session, learner, NOW)
    assert builds == []  # A applied B's three answers to its queue
    assert (counts, card_id) == expected(session, learner, NOW)
    assert counts["learning"] == 3


def test_new_content_reaches_a_cached_queue(session, learner, notes_dir):
    update_settings(session, learner, {"new_per_day": 999})
    before = review.next_view(session, learner, NOW, queues())["counts"]["new"]
    (notes_dir / "more.md").write_text(
        "# More\n\n## 组件\n\n- Ingress: 七层入口\n- Service: 四层负载均衡\n", encoding="utf-8")
    import_notes(session, [notes_dir], now=NOW)
    after = review.next_view(session, learner, NOW, queues())["counts"]["new"]
    assert after == expected(session, learner, NOW)[0]["new"]
    assert after > before


def test_the_database_stamps_every_write_the_queue_depends_on(session, learner):
    """The contract with migration 0006's triggers, on SQLite and PostgreSQL alike."""
    def stamp():
        epoch, seq, content, _ = session.connection().execute(
            queue_cache._STAMP, {"uid": learner.id}).one()
        session.commit()
        return epoch, seq, content

    epoch, seq, content = stamp()
    card = review.next_view(session, learner, NOW, queues())["card"]
    review.answer(session, learner, queues=queues(), card_id=card["id"], rating=3,
                  client_id=uuid.uuid4().hex, version=card["version"], now=NOW)
    assert stamp() == (epoch, seq + review.LOG_WEIGHT + 1, content)  # one answer
    review.undo(session, learner, NOW)  # a state write and a log update: not an answer
    assert stamp() == (epoch, seq + review.LOG_WEIGHT + 3, content)
    session.execute(update(Card).where(Card.id == card["id"]).values(section="moved"))
    session.commit()
    assert stamp()[2] != content  # content changed: every learner's queue is rebuilt
