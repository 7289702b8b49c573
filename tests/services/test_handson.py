"""Hands-on facts through the services: stored on import, drawn into a weighted exam, and
checked on a typed review card."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from studyk8s.persistence.models import Card, Fact, ReviewLog, User
from studyk8s.services import errors, quiz, review
from studyk8s.services.content import import_notes
from tests.services.test_quiz import snapshot
from tests.web.handson_data import DRILLS, POD


@pytest.fixture
def drills(notes_dir):
    (notes_dir / "drills.md").write_text(DRILLS, encoding="utf-8")
    return notes_dir


@pytest.fixture
def learner(session, drills, now):
    report = import_notes(session, [drills], now=now)
    assert report.handson == 3 and "3 hands-on facts" in report.summary()
    user = User(email="h@example.com", password_hash="x", created_at=now, settings={},
                timezone="UTC")
    session.add(user)
    session.commit()
    return user


def test_commands_and_manifests_are_stored_as_facts_with_cards(session, learner, drills, now):
    rows = session.execute(select(Fact.kind, Fact.term, Fact.definition, Fact.line, Fact.section)
                           .where(Fact.kind.in_(("command", "manifest")))
                           .order_by(Fact.line)).all()
    assert [(r.kind, r.line) for r in rows] == [("command", 12), ("command", 17),
                                                ("manifest", 25)]
    assert rows[0].term == "List the pods of kube-system with the node each runs on"
    assert rows[0].definition == "kubectl get pods -n kube-system -o wide"
    assert rows[2].section == "Workloads > Manifests" and rows[2].definition == POD.strip()
    kinds_ = dict(session.execute(select(Card.kind, func.count(Card.id))
                                  .where(Card.kind.in_(("command", "manifest")))
                                  .group_by(Card.kind)).all())
    assert kinds_ == {"command": 2, "manifest": 1}
    again = import_notes(session, [drills], now=now)
    assert not again.changed  # idempotent: the same keys


def test_an_exam_weighs_the_hands_on_topic(session, learner, now):
    options = {d["path"]: d for d in quiz.scope_options(session)}
    topics = {t["name"] for d in options.values() for t in d["topics"]}
    assert "hands-on" in topics  # offered on the start form like any topic
    attempt = quiz.start(session, learner, mode="exam", count=6, time_limit_min=10, seed=3,
                         weights="hands-on: 1\nPod: 1", now=now)
    qs = snapshot(session, attempt.id)
    hands_on = [q for q in qs if q.topic.startswith("hands-on")]
    assert len(hands_on) == 3 and {q.kind for q in hands_on} <= {
        "command", "manifest", "manifest_field"}
    assert all(q.topic.startswith(("hands-on", "Pod")) for q in qs)
    commands = [i for i, q in enumerate(qs) if q.kind == "command"]
    for i in commands:  # the flags moved to the front: the same command
        verb, rest = qs[i].answer.split(" -", 1)
        quiz.save_answer(session, learner, attempt.id, i,
                         f"{verb.split()[0]} -{rest} {' '.join(verb.split()[1:])}", now=now)
    quiz.submit(session, learner, attempt.id, now=now)
    out = quiz.results(session, learner, attempt.id, now)
    assert out["correct"] == len(commands) >= 1
    assert any(t["topic"] == "hands-on" or t["topic"].startswith("hands-on")
               for t in out["topics"])


def test_start_accepts_the_hands_on_kinds(session, learner, now):
    attempt = quiz.start(session, learner, count=3, kinds=["command", "manifest"], seed=1,
                         now=now)
    assert {q.kind for q in snapshot(session, attempt.id)} == {"command", "manifest"}


def test_a_typed_card_is_checked_by_meaning_and_nothing_is_recorded(session, learner):
    card = session.scalar(select(Card).join(Fact, Fact.id == Card.fact_id)
                          .where(Fact.definition.like("kubectl create deployment%")))
    right = review.check_typed(session, card.id, "kubectl create deploy web -n dev --image nginx")
    assert right["correct"] is True
    wrong = review.check_typed(session, card.id, "kubectl create deployment web --image=nginx")
    assert wrong["correct"] is False
    assert "namespace is default, expected dev" in wrong["explanation"]
    manifest = session.scalar(select(Card).where(Card.kind == "manifest"))
    assert review.check_typed(session, manifest.id, POD)["correct"] is True
    assert session.scalar(select(func.count(ReviewLog.id))) == 0
    plain = session.scalar(select(Card).where(Card.kind == "term_definition"))
    with pytest.raises(errors.ServiceError, match="not answered by typing"):
        review.check_typed(session, plain.id, "x")
    with pytest.raises(errors.NotFound):
        review.check_typed(session, 999_999, "x")
    with pytest.raises(errors.ServiceError):
        review.check_typed(session, card.id, ["not", "text"])
