"""Quiz and exam service: snapshots, the server-owned clock with an injected time, resume,
double submit, retry, history and review integration (readiness: test_readiness.py)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from studyk8s.persistence.models import (
    Card,
    CardState,
    Fact,
    QuizAnswer,
    QuizAttempt,
    QuizQuestion,
    User,
)
from studyk8s.quiz import kinds
from studyk8s.quiz.model import Question
from studyk8s.services import errors, quiz, readiness
from studyk8s.services.content import import_notes


@pytest.fixture
def learner(session, notes_dir, now):
    import_notes(session, [notes_dir], now=now)
    user = User(email="l@example.com", password_hash="x", created_at=now, settings={},
                timezone="UTC")
    session.add(user)
    session.commit()
    return user


@pytest.fixture
def other(session, learner, now):
    user = User(email="o@example.com", password_hash="x", created_at=now, settings={},
                timezone="UTC")
    session.add(user)
    session.commit()
    return user


def snapshot(session, attempt_id) -> list[Question]:
    return [Question.from_dict(d) for d in session.scalars(
        select(QuizQuestion.data).where(QuizQuestion.attempt_id == attempt_id)
        .order_by(QuizQuestion.position))]


def wrong_response(q: Question):
    """A well-formed response that is not right."""
    if q.kind == "single":
        return (q.answer + 1) % len(q.choices)
    if q.kind == "multiple":
        return [i for i in range(len(q.choices)) if i not in q.answer][:1]
    if q.kind == "true_false":
        return not q.answer
    if q.kind == "matching":
        return [(a + 1) % len(q.choices) for a in q.answer]
    return "definitely not it"


def exam(session, user, now, **kw):
    kw.setdefault("count", 6)
    kw.setdefault("time_limit_min", 10)
    return quiz.start(session, user, mode="exam", seed=kw.pop("seed", 7), now=now, **kw)


# --- starting --------------------------------------------------------------------------------


def test_start_practice_snapshots_questions(session, learner, now):
    attempt = quiz.start(session, learner, mode="practice", count=8, seed=1, now=now)
    assert attempt.question_count == 8 and attempt.deadline is None and attempt.seed == 1
    assert attempt.settings["pass_mark"] == 0.66
    questions = snapshot(session, attempt.id)
    assert len(questions) == 8 and all(q.source.endswith(str(q.source.split(":")[-1]))
                                       for q in questions)
    view = quiz.view(session, learner, attempt.id, now)
    assert view["status"] == "open" and view["remaining_ms"] is None
    for item in view["questions"]:
        assert "answer" not in item and "explanation" not in item and item["saved"] is None


def test_same_seed_same_questions(session, learner, now):
    a = quiz.start(session, learner, count=10, seed=99, now=now)
    b = quiz.start(session, learner, count=10, seed=99, now=now)
    assert [q.to_dict() for q in snapshot(session, a.id)] == \
        [q.to_dict() for q in snapshot(session, b.id)]


def test_start_validates_its_input(session, learner, now):
    for kw, msg in ((dict(count=0), "between 1"), (dict(count="x"), "whole number"),
                    (dict(mode="essay"), "mode"), (dict(kinds=["essay"]), "unknown question"),
                    (dict(decks=[999]), "unknown deck"), (dict(pass_mark=150), "pass mark"),
                    (dict(mode="exam", time_limit_min=0), "time limit"),
                    (dict(weights="Pod"), "topic weights"),
                    (dict(sections=["No such section"]), "no questions")):
        with pytest.raises(errors.ServiceError, match=msg):
            quiz.start(session, learner, now=now, **kw)
    assert session.scalar(select(func.count(QuizAttempt.id))) == 0


def test_scope_and_weights(session, learner, now):
    attempt = exam(session, learner, now, count=10, weights="Pod: 3\n简介 > k8s架构: 1")
    topics = [q.topic for q in snapshot(session, attempt.id)]
    assert sum(t.startswith("Pod") for t in topics) == 8
    assert all(t.startswith(("Pod", "简介 > k8s架构")) for t in topics)
    plugins = quiz.start(session, learner, sections=["简介 > k8s架构 > 插件"], count=5, now=now)
    assert {q.topic for q in snapshot(session, plugins.id)} == {"简介 > k8s架构 > 插件"}


def test_scope_options(session, learner, now):
    (deck,) = quiz.scope_options(session)
    # the askable facts (34 facts, the 7 plan items being the note's plan since issue 13, less
    # 2 diagrams, 3 bare labels, 1 remark-like cloze and 1 point that restates its label),
    # the same count readiness uses
    assert deck["title"] == "Docker+K8s学习1" and deck["facts"] == 27
    assert deck["facts"] + deck["skipped"] == session.scalar(select(func.count(Fact.id)))
    assert quiz.askable_facts(session).count == 27
    assert readiness.readiness(session, learner, now)["facts"] == 27
    names = {t["name"] for t in deck["topics"]}
    assert {"简介", "简介 > k8s架构", "简介 > k8s架构 > 插件",
            "Pod > Pod类型 > 控制器类型"} <= names


def test_askable_cache_follows_imports(session, learner, notes_dir, now):
    """The app's cache of askable counts gives what a fresh screening gives, and sees a
    re-import that changes them (no stale count on the quiz and stats pages)."""
    cache = quiz.AskableCache()
    (deck,) = quiz.askable_by_deck(session, cache)
    assert deck == quiz.askable_by_deck(session)[0] and deck.askable == 27
    assert deck.reasons == {"no_definition": 3, "diagram": 2, "not_a_name": 1, "restates": 1}
    assert quiz.scope_options(session, cache) == quiz.scope_options(session)
    note = notes_dir / "docker-k8s-1.md"
    note.write_text(note.read_text(encoding="utf-8") + "\n- Kustomize: 声明式地定制清单的工具\n",
                    encoding="utf-8")
    import_notes(session, [notes_dir], now=now)
    (again,) = quiz.askable_by_deck(session, cache)
    assert again.askable == 28 == quiz.askable_facts(session).count


# --- practice ------------------------------------------------------------------------------


def test_practice_gives_feedback_and_the_first_answer_is_final(session, learner, now):
    attempt = quiz.start(session, learner, mode="practice", count=5, seed=3, now=now)
    q = snapshot(session, attempt.id)[0]
    out = quiz.save_answer(session, learner, attempt.id, 0, q.answer, now=now)
    fb = out["feedback"]
    assert fb["correct"] and fb["score"] == 1.0 and fb["source"] == q.source
    assert fb["note_path"].endswith("docker-k8s-1.md") and fb["line"] > 0
    again = quiz.save_answer(session, learner, attempt.id, 0, wrong_response(q), now=now)
    assert again["duplicate"] and again["feedback"]["correct"]  # the first answer stands
    view = quiz.view(session, learner, attempt.id, now)
    assert view["questions"][0]["feedback"]["correct"] and view["answered"] == 1


def test_malformed_response_is_refused(session, learner, now):
    attempt = quiz.start(session, learner, kinds=["single"], count=2, seed=3, now=now)
    with pytest.raises(errors.ServiceError, match="choice"):
        quiz.save_answer(session, learner, attempt.id, 0, 17, now=now)
    with pytest.raises(errors.NotFound):
        quiz.save_answer(session, learner, attempt.id, 99, 0, now=now)


# --- the exam clock ------------------------------------------------------------------------


def test_exam_clock_keeps_a_save_just_inside_the_grace_and_refuses_one_just_after(
        session, learner, now):
    attempt = exam(session, learner, now)
    deadline = now + timedelta(minutes=10)
    assert attempt.deadline == deadline
    qs = snapshot(session, attempt.id)
    last_ok = deadline + quiz.GRACE - timedelta(seconds=1)
    out = quiz.save_answer(session, learner, attempt.id, 0, qs[0].answer, now=last_ok)
    assert "feedback" not in out and out["remaining_ms"] == 0  # an exam says nothing yet
    with pytest.raises(errors.Conflict, match="time is up"):
        quiz.save_answer(session, learner, attempt.id, 1, qs[1].answer,
                         now=deadline + quiz.GRACE + timedelta(seconds=1))
    session.expire_all()
    closed = session.get(QuizAttempt, attempt.id)
    assert closed.closed_by == "timeout" and closed.submitted_at == deadline + quiz.GRACE
    assert closed.points == 1.0 and closed.score == pytest.approx(1 / 6, abs=1e-3)
    saved = session.scalars(select(QuizAnswer).where(QuizAnswer.attempt_id == attempt.id)).all()
    assert len(saved) == 1  # the late answer was not written


def test_an_expired_exam_closes_itself_on_the_next_read(session, learner, now):
    attempt = exam(session, learner, now)
    qs = snapshot(session, attempt.id)
    for i, q in enumerate(qs[:4]):
        quiz.save_answer(session, learner, attempt.id, i, q.answer, now=now + timedelta(minutes=i))
    later = now + timedelta(hours=3)
    view = quiz.view(session, learner, attempt.id, later)
    assert view["status"] == "closed" and view["closed_by"] == "timeout"
    r = quiz.results(session, learner, attempt.id, later)
    assert r["correct"] == 4 and r["score"] == pytest.approx(4 / 6, abs=1e-3)
    assert r["passed"] is True  # 66.7 % ≥ 66 %


def test_history_closes_expired_attempts(session, learner, now):
    attempt = exam(session, learner, now)
    (row,) = quiz.history(session, learner, now + timedelta(minutes=5))
    assert row["status"] == "open" and row["remaining_ms"] == 5 * 60 * 1000
    (row,) = quiz.history(session, learner, now + timedelta(minutes=12))
    assert row["id"] == attempt.id and row["status"] == "closed" and row["closed_by"] == "timeout"


def test_results_are_hidden_while_the_exam_is_open(session, learner, now):
    attempt = exam(session, learner, now)
    with pytest.raises(errors.Conflict, match="still open"):
        quiz.results(session, learner, attempt.id, now)


# --- resume, revisions, double submit ------------------------------------------------------


def test_resume_after_reload_restores_answers_and_time(app, session, learner, now):
    attempt = exam(session, learner, now)
    qs = snapshot(session, attempt.id)
    quiz.save_answer(session, learner, attempt.id, 0, qs[0].answer, now=now, revision=1)
    quiz.save_answer(session, learner, attempt.id, 2, "maybe", now=now, revision=1) \
        if qs[2].kind == "typed" else \
        quiz.save_answer(session, learner, attempt.id, 2, wrong_response(qs[2]), now=now,
                         revision=1)
    # A reload: a new session, nothing in memory.
    with app.app_context():
        fresh = app.extensions["db_sessions"]()
        user = fresh.get(User, learner.id)
        view = quiz.view(fresh, user, attempt.id, now + timedelta(minutes=4))
        fresh.close()
    saved = {q["position"]: q["saved"] for q in view["questions"] if q["saved"]}
    assert set(saved) == {0, 2} and saved[0]["response"] == qs[0].answer
    assert saved[0]["revision"] == 1
    assert view["remaining_ms"] == 6 * 60 * 1000 and view["deadline"] is not None


def test_a_late_retry_of_an_older_save_does_not_overwrite_a_newer_one(session, learner, now):
    attempt = exam(session, learner, now, kinds=["single"])
    q = snapshot(session, attempt.id)[0]
    wrong = wrong_response(q)
    quiz.save_answer(session, learner, attempt.id, 0, wrong, now=now, revision=1)
    quiz.save_answer(session, learner, attempt.id, 0, q.answer, now=now, revision=2)
    late = quiz.save_answer(session, learner, attempt.id, 0, wrong, now=now, revision=1)
    assert late["duplicate"] and late["response"] == q.answer
    quiz.save_answer(session, learner, attempt.id, 0, None, now=now, revision=3)  # cleared
    view = quiz.view(session, learner, attempt.id, now)
    assert view["questions"][0]["saved"] == {"response": None, "revision": 3}
    assert view["answered"] == 0


def test_double_submit_grades_once(session, learner, now):
    attempt = exam(session, learner, now)
    qs = snapshot(session, attempt.id)
    for i, q in enumerate(qs[:3]):
        quiz.save_answer(session, learner, attempt.id, i, q.answer, now=now)
    first = quiz.submit(session, learner, attempt.id, now=now + timedelta(minutes=1))
    version = session.get(QuizAttempt, attempt.id).version
    second = quiz.submit(session, learner, attempt.id, now=now + timedelta(minutes=2))
    assert not first["already_submitted"] and second["already_submitted"]
    assert first["score"] == second["score"] == 0.5 and first["correct"] == 3
    assert first["submitted_at"] == second["submitted_at"]
    session.expire_all()
    assert session.get(QuizAttempt, attempt.id).version == version
    with pytest.raises(errors.Conflict, match="already submitted"):
        quiz.save_answer(session, learner, attempt.id, 4, qs[4].answer,
                         now=now + timedelta(minutes=3))


def test_results_list_every_wrong_answer_with_the_right_one_and_its_source(session, learner,
                                                                           now):
    attempt = exam(session, learner, now, count=5)
    qs = snapshot(session, attempt.id)
    quiz.save_answer(session, learner, attempt.id, 0, qs[0].answer, now=now)
    quiz.save_answer(session, learner, attempt.id, 1, wrong_response(qs[1]), now=now)
    r = quiz.submit(session, learner, attempt.id, now=now)
    assert r["correct"] == 1 and len(r["wrong"]) == 4 and not r["passed"]
    w = r["wrong"][0]
    assert w["position"] == 1 and w["answer"] == kinds.answer_text(qs[1])
    assert w["given"] == kinds.response_text(qs[1], wrong_response(qs[1]))
    assert w["source"] == qs[1].source and w["explanation"]
    assert r["wrong"][1]["given"] == ""  # unanswered counts as wrong
    assert sum(t["questions"] for t in r["topics"]) == 5
    assert all(0 <= t["percent"] <= 100 for t in r["topics"])


def test_other_learners_cannot_see_or_touch_an_attempt(session, learner, other, now):
    attempt = exam(session, learner, now)
    for call in (lambda: quiz.view(session, other, attempt.id, now),
                 lambda: quiz.save_answer(session, other, attempt.id, 0, 0, now=now),
                 lambda: quiz.submit(session, other, attempt.id, now=now),
                 lambda: quiz.retry_wrong(session, other, attempt.id, now=now)):
        with pytest.raises(errors.NotFound):
            call()
    assert quiz.history(session, other, now) == []


# --- retry, snapshots ----------------------------------------------------------------------


def test_retry_the_wrong_ones(session, learner, now):
    attempt = exam(session, learner, now, count=6)
    qs = snapshot(session, attempt.id)
    for i in (0, 2, 4):
        quiz.save_answer(session, learner, attempt.id, i, qs[i].answer, now=now)
    quiz.save_answer(session, learner, attempt.id, 1, wrong_response(qs[1]), now=now)
    quiz.submit(session, learner, attempt.id, now=now)
    retry = quiz.retry_wrong(session, learner, attempt.id, now=now, seed=5)
    assert retry.retry_of == attempt.id and retry.mode == "practice"
    again = snapshot(session, retry.id)
    assert [(q.prompt, q.context) for q in again] == [(qs[i].prompt, qs[i].context)
                                                      for i in (1, 3, 5)]
    for old, new in zip((qs[1], qs[3], qs[5]), again, strict=True):
        if new.kind == "multiple":  # the same choices, reshuffled: compare as sets
            assert ({new.choices[i] for i in new.answer} == {old.choices[i] for i in old.answer})
        else:
            assert kinds.answer_text(new) == kinds.answer_text(old) or new.kind == "matching"
    timed = quiz.retry_wrong(session, learner, attempt.id, now=now, mode="exam")
    assert timed.deadline == now + timedelta(minutes=5)  # 10 min for 6 → 5 min for 3


def test_retry_needs_a_closed_attempt_with_wrong_answers(session, learner, now):
    attempt = exam(session, learner, now, count=3)
    with pytest.raises(errors.Conflict):
        quiz.retry_wrong(session, learner, attempt.id, now=now)
    for i, q in enumerate(snapshot(session, attempt.id)):
        quiz.save_answer(session, learner, attempt.id, i, q.answer, now=now)
    quiz.submit(session, learner, attempt.id, now=now)
    with pytest.raises(errors.ServiceError, match="nothing to retry"):
        quiz.retry_wrong(session, learner, attempt.id, now=now)


def test_a_note_edit_and_reimport_never_change_an_attempt(session, learner, notes_dir, now):
    attempt = quiz.start(session, learner, sections=["简介 > k8s架构 > 主要组件"],
                         kinds=["single", "true_false", "typed"], count=6, seed=11, now=now)
    before = [q.to_dict() for q in snapshot(session, attempt.id)]
    assert any("所有服务访问入口" in str(q) for q in before)
    note = notes_dir / "docker-k8s-1.md"
    text = note.read_text(encoding="utf-8")
    note.write_text(text.replace("所有服务访问入口", "统一的 REST 入口"), encoding="utf-8")
    report = import_notes(session, [notes_dir], now=now + timedelta(hours=1))
    assert report.updated["facts"] == 1
    assert [q.to_dict() for q in snapshot(session, attempt.id)] == before
    view = quiz.view(session, learner, attempt.id, now)
    assert not any("统一的 REST 入口" in str(q) for q in view["questions"])
    # a new attempt with the same seed sees the edit
    fresh = quiz.start(session, learner, sections=["简介 > k8s架构 > 主要组件"],
                       kinds=["single", "true_false", "typed"], count=6, seed=11, now=now)
    assert any("统一的 REST 入口" in str(q.to_dict()) for q in snapshot(session, fresh.id))


# --- review integration --------------------------------------------------------------------


def _review_states(session, user, now, days=20):
    for card in session.scalars(select(Card)):
        session.add(CardState(user_id=user.id, card_id=card.id, state=2, stability=30.0,
                              difficulty=5.0, due=now + timedelta(days=days),
                              last_review=now - timedelta(days=1), reps=3, version=1))
    session.commit()


def test_wrong_exam_answers_bring_their_cards_forward(session, learner, now):
    _review_states(session, learner, now)
    attempt = exam(session, learner, now, count=4, kinds=["single"])
    qs = snapshot(session, attempt.id)
    quiz.save_answer(session, learner, attempt.id, 0, qs[0].answer, now=now)
    for i in (1, 2, 3):
        quiz.save_answer(session, learner, attempt.id, i, wrong_response(qs[i]), now=now)
    at = now + timedelta(minutes=3)
    r = quiz.submit(session, learner, attempt.id, now=at)
    assert r["forwarded_cards"] > 0
    session.expire_all()
    due_now = set(session.scalars(
        select(Fact.key).join(Card, Card.fact_id == Fact.id)
        .join(CardState, CardState.card_id == Card.id).where(CardState.due == at)))
    wrong_keys = {k for q in qs[1:] for k in q.facts}
    assert due_now == wrong_keys and not due_now & set(qs[0].facts)
    bumped = session.scalars(select(CardState.version).where(CardState.due == at)).all()
    assert bumped and set(bumped) == {2}


def test_bringing_cards_forward_can_be_turned_off(session, learner, now):
    _review_states(session, learner, now)
    attempt = exam(session, learner, now, count=3, review_forward=False)
    r = quiz.submit(session, learner, attempt.id, now=now)
    assert r["forwarded_cards"] == 0
    assert session.scalar(select(func.min(CardState.due))) == now + timedelta(days=20)


def test_a_cleared_answer_is_not_counted_as_answered(session, learner, now):
    attempt = exam(session, learner, now, kinds=["single"], count=2)
    quiz.save_answer(session, learner, attempt.id, 0, 0, now=now, revision=1)
    out = quiz.save_answer(session, learner, attempt.id, 0, None, now=now, revision=2)
    assert out["answered"] == 0
    assert session.scalar(select(func.count(QuizAnswer.id))
                          .where(QuizAnswer.response.is_(None))) == 1
    (row,) = quiz.history(session, learner, now)
    assert row["answered"] == 0


def test_concurrent_submits_grade_once(app, session, learner, now):
    import threading

    attempt = exam(session, learner, now, count=4)
    qs = snapshot(session, attempt.id)
    quiz.save_answer(session, learner, attempt.id, 0, qs[0].answer, now=now)
    results, barrier = [], threading.Barrier(4)
    learner_id, attempt_id = learner.id, attempt.id  # threads must not use this session

    def submit_once():
        with app.app_context():
            s = app.extensions["db_sessions"]()
            user = s.get(User, learner_id)
            barrier.wait(timeout=30)
            results.append(quiz.submit(s, user, attempt_id, now=now + timedelta(minutes=1)))
            s.close()

    threads = [threading.Thread(target=submit_once) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(r["already_submitted"] for r in results) == [False, True, True, True]
    assert {r["score"] for r in results} == {0.25}
