"""What an instructor reads about an assignment, as the pages and the CSV show it: accepted
typed answers are not "wrong answers picked", few attempts are marked as too few to judge,
the learner's question count is what an attempt has, one "Attempts" column, mastery in %."""

from __future__ import annotations

import csv
import io
import re
from html import unescape

import pytest
from sqlalchemy import select

from studyk8s.persistence.models import QuizQuestion
from studyk8s.quiz.model import Question
from studyk8s.services import classes, quiz, sets
from studyk8s.services.content import import_notes
from studyk8s.sets.analysis import MIN_ATTEMPTS
from studyk8s.sets.model import Choice, Draw, Item, Settings
from tests.sets.helpers import login, make_user


def text_of(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def typed_assignment(session, now, answers: list[str]):
    """A set of one typed question (ReplicaSet, RS accepted) and one single choice, taken by
    one learner per answer in ``answers``."""
    teacher = make_user(session, "t@example.com", "instructor", now=now)
    qset = sets.create_set(session, teacher, "Typed", now=now,
                           settings=Settings(shuffle_answers=False))
    sets.add_entry(session, teacher, qset.id, Item(
        kind="typed", prompt="Which controller keeps N pods running?",
        choices=(Choice("ReplicaSet", 100), Choice("RS", 100))), now=now)
    sets.add_entry(session, teacher, qset.id, Item(
        kind="single", prompt="Pick A", choices=(Choice("A", 100), Choice("B"))), now=now)
    sets.publish(session, teacher, qset.id, now=now)
    klass = classes.create_class(session, teacher, "Evening", now=now)
    a = classes.assign(session, teacher, klass.id, qset.id, opens_at=None, closes_at=None,
                       now=now)
    for i, typed in enumerate(answers):
        learner = make_user(session, f"l{i}@example.com", now=now)
        classes.join(session, learner, klass.join_code, now=now)
        attempt = classes.start(session, learner, a.id, now=now)
        qs = [Question.from_dict(d) for d in session.scalars(
            select(QuizQuestion.data).where(QuizQuestion.attempt_id == attempt.id)
            .order_by(QuizQuestion.position))]
        quiz.save_answer(session, learner, attempt.id, 0, typed, now=now)
        quiz.save_answer(session, learner, attempt.id, 1, qs[1].choices.index("A"), now=now)
        quiz.submit(session, learner, attempt.id, now=now)
    return teacher, a.id


def question_rows(client, assignment_id: int) -> tuple[str, list[list[str]]]:
    html = client.get(f"/assignments/{assignment_id}").get_data(as_text=True)
    body = client.get(f"/assignments/{assignment_id}/questions.csv").get_data(as_text=True)
    return html, list(csv.reader(io.StringIO(body.lstrip("\ufeff"))))


def test_accepted_typed_answers_are_not_wrong_answers(app, session, now):
    teacher, a_id = typed_assignment(session, now, ["replicaset", "Replica Set", "rs",
                                                    "Deployment"])
    client = login(app, teacher)
    session.close()
    html, rows = question_rows(client, a_id)
    table = html[html.index('class="item-table"'):]
    typed_row = text_of(table[:table.index("</tr>", table.index("Which controller"))])
    assert "Deployment ×1" in typed_row
    assert "replicaset" not in typed_row.lower().replace("right: replicaset", "")
    assert "Replica Set" not in typed_row and "rs ×" not in typed_row
    header, typed = rows[0], rows[1]
    wrong = typed[header.index("wrong answers picked (count)")]
    assert wrong == "Deployment (1)"
    assert typed[header.index("attempts")] == "4"


def test_few_attempts_are_marked_too_few_to_judge(app, session, now):
    teacher, a_id = typed_assignment(session, now, ["ReplicaSet", "Pod", "ReplicaSet"])
    client = login(app, teacher)
    session.close()
    html, rows = question_rows(client, a_id)
    text = text_of(html)
    assert text.count("too few attempts to judge (n = 3)") == 2  # one per question
    assert f"fewer than {MIN_ATTEMPTS} attempts" in text
    header = rows[0]
    assert [r[header.index("note")] for r in rows[1:]] == [
        f"too few attempts to judge (fewer than {MIN_ATTEMPTS})"] * 2


def test_enough_attempts_carry_no_warning(app, session, now):
    teacher, a_id = typed_assignment(session, now, ["ReplicaSet", "Pod"] * 5)
    client = login(app, teacher)
    session.close()
    html, rows = question_rows(client, a_id)
    assert "too few attempts" not in html and 'id="too-few"' not in html
    assert all(r[rows[0].index("note")] == "" for r in rows[1:])


def test_learners_table_has_one_attempts_column(app, session, now):
    teacher, a_id = typed_assignment(session, now, ["ReplicaSet"])
    client = login(app, teacher)
    session.close()
    html = client.get(f"/assignments/{a_id}").get_data(as_text=True)
    table = html[html.index('class="learners-table"'):]
    heads = [text_of(h) for h in re.findall(r"<th[^>]*>(.*?)</th>",
                                            table[:table.index("</thead>")])]
    assert heads.count("Attempts") == 1 and len(heads) == len(set(heads)), heads


def test_a_draw_of_two_counts_as_two_questions(app, session, notes_dir, now):
    import_notes(session, [notes_dir], now=now)
    teacher = make_user(session, "t@example.com", "instructor", now=now)
    learner = make_user(session, "l@example.com", now=now)
    qset = sets.create_set(session, teacher, "Drawn", now=now)
    sets.add_entry(session, teacher, qset.id, Item(
        kind="single", prompt="Pick A", choices=(Choice("A", 100), Choice("B"))), now=now)
    sets.add_entry(session, teacher, qset.id, Draw(deck="docker-k8s-1.md", group="插件",
                                                   kind="single", count=2), now=now)
    sets.publish(session, teacher, qset.id, now=now)
    klass = classes.create_class(session, teacher, "Evening", now=now)
    classes.join(session, learner, klass.join_code, now=now)
    a = classes.assign(session, teacher, klass.id, qset.id, opens_at=None, closes_at=None,
                       now=now)
    a_id = a.id
    client = login(app, learner)
    session.close()
    html = client.get(f"/assigned/{a_id}").get_data(as_text=True)
    shown = re.search(r"<dt>Questions</dt><dd>(\d+)</dd>", html)
    assert shown and shown.group(1) == "3", html[:2000]
    r = client.post(f"/assigned/{a_id}/start")
    attempt_id = int(r.headers["Location"].rsplit("/", 1)[1])
    with app.app_context():
        s = app.extensions["db_sessions"]()
        asked = len(s.scalars(select(QuizQuestion.id).where(
            QuizQuestion.attempt_id == attempt_id)).all())
        s.close()
    assert asked == 3  # what the page said


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_class_mastery_is_a_percentage(app, session, notes_dir, now, lang):
    from studyk8s.services import review

    import_notes(session, [notes_dir], now=now)
    teacher = make_user(session, "t@example.com", "instructor", now=now)
    learner = make_user(session, "l@example.com", now=now)
    klass = classes.create_class(session, teacher, "Evening", now=now)
    classes.join(session, learner, klass.join_code, now=now)
    for _ in range(3):
        card = review.next_view(session, learner, now)["card"]
        review.answer(session, learner, card_id=card["id"], rating=3, version=card["version"],
                      client_id=f"m-{card['id']}-0001", now=now)
    class_id = klass.id
    teacher.locale = lang
    session.commit()
    client = login(app, teacher)
    session.close()
    html = client.get(f"/classes/{class_id}").get_data(as_text=True)
    table = html[html.index('class="mastery"'):html.index("</table>", html.index(
        'class="mastery"'))]
    cells = re.findall(r'<td class="num">([^<]*)</td>', table)
    shares = cells[1::3] + cells[2::3]  # class mastery, lowest learner (cards come first)
    assert shares and all(re.fullmatch(r"\d{1,3}%", c) for c in shares), shares
    assert not re.search(r"\b0\.\d\d\b", table)
