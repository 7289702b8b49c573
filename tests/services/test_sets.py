"""Quiz sets service: drafts and publishing, YAML import (idempotent, all-or-nothing), draws
from the notes, facts turned into questions, attempts through the quiz machinery."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from studyk8s.persistence.models import (
    QuizAnswer,
    QuizAttempt,
    QuizQuestion,
    QuizSet,
    SetAttempt,
    SetQuestion,
)
from studyk8s.quiz.model import Question
from studyk8s.services import errors, quiz, sets
from studyk8s.services.content import import_notes
from studyk8s.sets.model import Choice, Draw, Item, Pair, Settings
from tests.sets.helpers import EXAMPLE_SET, count, counts, make_user, write


@pytest.fixture
def teacher(session, notes_dir, now):
    import_notes(session, [notes_dir], now=now)
    return make_user(session, "t@example.com", "instructor", now=now)


@pytest.fixture
def learner(session, teacher, now):
    return make_user(session, "l@example.com", now=now)


def single(prompt="Which one?", right="A", wrong=("B", "C"), **kw) -> Item:
    return Item(kind="single", prompt=prompt,
                choices=(Choice(right, 100), *(Choice(w, 0) for w in wrong)), **kw)


def test_example_set_imports_and_is_idempotent(session, teacher, now):
    report = sets.import_files(session, [EXAMPLE_SET], teacher, now=now)
    assert report.added == ["docker-k8s-1"] and not report.warnings
    qset = sets.find_by_name(session, "docker-k8s-1")
    assert qset.published["version"] == 1 and sets.status(qset, session=session) == "published"
    rows = sets.draft_rows(session, qset)
    assert [r.kind for r in rows].count("draw") == 3
    assert {r.kind for r in rows} >= {"single", "multiple", "true_false", "matching", "typed"}
    before = counts(session, QuizSet, SetQuestion)
    again = sets.import_files(session, [EXAMPLE_SET], teacher, now=now + timedelta(hours=1))
    assert again.unchanged == ["docker-k8s-1"] and not again.added and not again.updated
    assert counts(session, QuizSet, SetQuestion) == before
    assert session.get(QuizSet, qset.id).version == 1


def test_changed_file_updates_the_set_and_keeps_question_ids(session, teacher, now, tmp_path):
    text = EXAMPLE_SET.read_text(encoding="utf-8")
    path = write(tmp_path / "course.yaml", text)
    sets.import_files(session, [path], teacher, now=now)
    qset = sets.find_by_name(session, "course")
    ids = {r.uid: r.id for r in sets.draft_rows(session, qset)}
    write(path, text.replace("哪个组件是所有服务访问的入口？", "所有服务访问的入口是哪个组件？"))
    report = sets.import_files(session, [path], teacher, now=now)
    assert report.updated == ["course"]
    rows = {r.uid: r for r in sets.draft_rows(session, qset)}
    assert {u: r.id for u, r in rows.items()} == ids  # updated in place, by id
    assert rows["apiserver-entry"].data["prompt"] == "所有服务访问的入口是哪个组件？"
    assert session.get(QuizSet, qset.id).version == 2


def test_a_bad_file_writes_nothing(session, teacher, now, tmp_path):
    good = write(tmp_path / "a.yaml", EXAMPLE_SET.read_text(encoding="utf-8"))
    bad = write(tmp_path / "b.yaml", "title: x\nquestions:\n  - kind: single\n    prompt: p\n"
                                     "    choices: [a, b]\n")
    before = counts(session, QuizSet, SetQuestion)
    with pytest.raises(errors.ImportFailed) as exc:
        sets.import_files(session, [good, bad], teacher, now=now)
    [problem] = exc.value.errors
    assert problem.path.endswith("b.yaml") and problem.line == 5
    assert "100%" in problem.message
    assert counts(session, QuizSet, SetQuestion) == before


def test_a_draw_from_a_deck_that_is_not_imported_is_an_error(session, teacher, now, tmp_path):
    path = write(tmp_path / "d.yaml", "title: x\nquestions:\n  - from_notes:\n"
                                      "      deck: nowhere.md\n      count: 2\n")
    with pytest.raises(errors.ImportFailed) as exc:
        sets.import_files(session, [path], teacher, now=now)
    assert exc.value.errors[0].line == 3 and "no deck 'nowhere.md'" in str(exc.value.errors[0])


def test_learners_cannot_own_sets(session, learner, now):
    with pytest.raises(errors.ServiceError):
        sets.import_files(session, [EXAMPLE_SET], learner, now=now)
    with pytest.raises(errors.NotFound):
        sets.create_set(session, learner, "mine", now=now)


def test_draft_edit_publish_and_discard(session, teacher, now):
    qset = sets.create_set(session, teacher, "Week 1", now=now)
    assert qset.name == "week-1" and sets.status(qset, session=session) == "draft"
    with pytest.raises(errors.ServiceError, match="at least one question"):
        sets.publish(session, teacher, qset.id, now=now)
    a = sets.add_entry(session, teacher, qset.id, single("First?"), now=now)
    b = sets.add_entry(session, teacher, qset.id, single("Second?"), now=now)
    sets.publish(session, teacher, qset.id, now=now)
    assert sets.status(qset, session=session) == "published"
    sets.update_entry(session, teacher, qset.id, a.id, single("First, edited?"), now=now)
    sets.move_entry(session, teacher, qset.id, b.id, -1, now=now)
    assert sets.status(qset, session=session) == "changed"
    assert [r.data["prompt"] for r in sets.draft_rows(session, qset)] == \
        ["Second?", "First, edited?"]
    assert [e["data"]["prompt"] for e in qset.published["entries"]] == ["First?", "Second?"]
    sets.discard_changes(session, teacher, qset.id, now=now)
    assert [r.data["prompt"] for r in sets.draft_rows(session, qset)] == ["First?", "Second?"]
    assert sets.status(qset, session=session) == "published"
    sets.delete_entry(session, teacher, qset.id, sets.draft_rows(session, qset)[0].id, now=now)
    assert [r.position for r in sets.draft_rows(session, qset)] == [0]


def test_invalid_questions_are_refused(session, teacher, now):
    qset = sets.create_set(session, teacher, "S", now=now)
    with pytest.raises(errors.ServiceError, match="100%"):
        sets.add_entry(session, teacher, qset.id,
                       Item(kind="single", prompt="p", choices=(Choice("a"), Choice("b"))),
                       now=now)
    with pytest.raises(errors.ServiceError, match="add up to 90%"):
        sets.add_entry(session, teacher, qset.id, Item(kind="multiple", prompt="p", choices=(
            Choice("a", 50), Choice("b", 40), Choice("c", -100))), now=now)
    with pytest.raises(errors.ServiceError, match="2 pairs"):
        sets.add_entry(session, teacher, qset.id, Item(kind="matching", prompt="p", pairs=(
            Pair("a", "1"), Pair("", "2"))), now=now)
    assert count(session, SetQuestion) == 0


def test_other_instructors_sets_do_not_exist_for_them(session, teacher, now):
    other = make_user(session, "o@example.com", "instructor", now=now)
    admin = make_user(session, "a@example.com", "admin", now=now)
    qset = sets.create_set(session, teacher, "Mine", now=now)
    with pytest.raises(errors.NotFound):
        sets.get_set(session, other, qset.id)
    with pytest.raises(errors.NotFound):
        sets.add_entry(session, other, qset.id, single(), now=now)
    assert sets.get_set(session, admin, qset.id).id == qset.id
    assert [s["id"] for s in sets.list_sets(session, other)] == []
    assert [s["id"] for s in sets.list_sets(session, admin)] == [qset.id]


def test_facts_become_editable_questions(session, teacher, now):
    from studyk8s.persistence.models import Fact

    qset = sets.create_set(session, teacher, "From notes", now=now)
    keys = list(session.scalars(select(Fact.key).where(Fact.group == "插件").limit(3)))
    added, failed = sets.add_from_facts(session, teacher, qset.id, keys, "single", now=now,
                                        seed=1)
    assert added == 3 and failed == []
    rows = sets.draft_rows(session, qset)
    entries = [sets.entry_of(r) for r in rows]
    assert all(e.kind == "single" and len(e.choices) >= 3 for e in entries)
    assert all(sum(c.weight == 100 for c in e.choices) == 1 for e in entries)
    assert all(e.feedback for e in entries)  # the fact behind the answer
    borg = session.scalar(select(Fact.key).where(Fact.term == "前身是Borg系统"))
    added, failed = sets.add_from_facts(session, teacher, qset.id, [borg], "matching", now=now)
    assert added == 0 and failed == ["前身是Borg系统"]  # a sentence cannot make a matching


def test_draws_are_made_when_an_attempt_starts(session, teacher, learner, now):
    qset = sets.create_set(session, teacher, "Draws", now=now)
    sets.add_entry(session, teacher, qset.id,
                   Draw(deck="docker-k8s-1.md", group="插件", kind="single", count=3), now=now)
    sets.add_entry(session, teacher, qset.id, single("Written?"), now=now)
    sets.publish(session, teacher, qset.id, now=now)
    qs = sets.build_questions(session, qset.published, seed=5)
    assert len(qs) == 4 and sum(bool(q.meta.get("drawn")) for q in qs) == 3
    drawn = [q for q in qs if q.meta.get("drawn")]
    assert all(q.kind == "single" and "插件" in q.topic for q in drawn)
    assert len({q.meta["slot"] for q in drawn}) == 3  # no question twice
    assert [q.to_dict() for q in sets.build_questions(session, qset.published, seed=5)] == \
        [q.to_dict() for q in qs]


def test_editing_a_published_set_never_changes_attempts(session, teacher, learner, now):
    qset = sets.create_set(session, teacher, "Snap", now=now)
    row = sets.add_entry(session, teacher, qset.id, single("Original?"), now=now)
    sets.publish(session, teacher, qset.id, now=now)
    attempt = sets.start_attempt(session, learner, qset, qset.published, now=now)
    before = [d for d in session.scalars(select(QuizQuestion.data).where(
        QuizQuestion.attempt_id == attempt.id))]
    sets.update_entry(session, teacher, qset.id, row.id, single("Changed?", right="Z"),
                      now=now)
    sets.publish(session, teacher, qset.id, now=now)
    after = [d for d in session.scalars(select(QuizQuestion.data).where(
        QuizQuestion.attempt_id == attempt.id))]
    assert after == before and Question.from_dict(after[0]).prompt == "Original?"
    link = session.scalar(select(SetAttempt).where(SetAttempt.attempt_id == attempt.id))
    assert link.set_version == 1 and session.get(QuizSet, qset.id).version == 2


def test_set_attempt_uses_marks_partial_credit_and_feedback(session, teacher, learner, now):
    qset = sets.create_set(session, teacher, "Marks", now=now, settings=Settings(
        shuffle_answers=False, pass_mark=0.5))
    sets.add_entry(session, teacher, qset.id, Item(
        kind="single", prompt="Pick", points=3, choices=(
            Choice("right", 100, "yes!"), Choice("half", 50, "almost"), Choice("no", 0))),
        now=now)
    sets.add_entry(session, teacher, qset.id, Item(
        kind="multiple", prompt="Both", choices=(
            Choice("a", 50), Choice("b", 50), Choice("c", -100, "c is wrong"))), now=now)
    sets.publish(session, teacher, qset.id, now=now)
    attempt = sets.start_attempt(session, learner, qset, qset.published, now=now)
    assert attempt.mode == "exam" and attempt.deadline is None
    quiz.save_answer(session, learner, attempt.id, 0, 1, now=now)  # half: 1.5 of 3
    quiz.save_answer(session, learner, attempt.id, 1, [0, 2], now=now)  # 50 - 100 → 0
    out = quiz.submit(session, learner, attempt.id, now=now)
    assert out["points"] == 1.5 and out["score"] == pytest.approx(1.5 / 4)
    assert out["passed"] is False
    first = out["questions"][0]
    assert first["score"] == 0.5 and "almost" in first["explanation"]
    assert "c is wrong" in out["questions"][1]["explanation"]


def test_preview_attempts_are_marked(session, teacher, now):
    qset = sets.create_set(session, teacher, "Try", now=now)
    sets.add_entry(session, teacher, qset.id, single(), now=now)
    attempt = sets.try_set(session, teacher, qset.id, now=now)
    link = session.scalar(select(SetAttempt).where(SetAttempt.attempt_id == attempt.id))
    assert link.preview and link.assignment_id is None
    assert quiz.view(session, teacher, attempt.id, now)["set"]["preview"] is True
    previews = sets.preview_questions(session, teacher, qset.id)
    assert previews[0]["answer"] == "A"
    assert count(session, QuizAnswer) == 0 and count(session, QuizAttempt) == 1
