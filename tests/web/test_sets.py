"""Quiz sets through the test client: authoring, uploads (4xx and nothing written on a bad
file), classes and join links, taking an assigned set, results and CSV, deck exports."""

from __future__ import annotations

import csv
import html as html_module
import io
import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from studyk8s.persistence.models import (
    Assignment,
    Card,
    ClassMember,
    QuizQuestion,
    QuizSet,
    SetQuestion,
    StudyClass,
)
from studyk8s.quiz.model import Question
from tests.sets.helpers import EXAMPLE_SET, Fresh, login

from . import page_problems


@pytest.fixture
def db(app):
    return Fresh(app)


@pytest.fixture
def site(app, runner, db, now):
    result = runner.invoke(args=["notes", "import"])
    assert result.exit_code == 0, result.output
    teacher = db.user("teach@example.com", "instructor", now=now, timezone="Asia/Shanghai")
    learner = db.user("learn@example.com", now=now)
    return {"teacher": login(app, teacher), "learner": login(app, learner),
            "teacher_user": teacher, "learner_user": learner}


def ok_page(r, status=200) -> str:
    assert r.status_code == status, r.get_data(as_text=True)[:500]
    html = r.get_data(as_text=True)
    assert page_problems(html) == [], page_problems(html)
    return html


def new_set(client, title="Week 1") -> int:
    r = client.post("/sets", data={"title": title})
    assert r.status_code == 303
    return int(re.search(r"/sets/(\d+)$", r.headers["Location"]).group(1))


def test_authoring_flow(site, db):
    t = site["teacher"]
    ok_page(t.get("/sets"))
    set_id = new_set(t)
    html = ok_page(t.get(f"/sets/{set_id}"))
    assert "Draft" in html and "js/sets.js" in html
    for kind in ("single", "multiple", "true_false", "matching", "typed", "draw"):
        ok_page(t.get(f"/sets/{set_id}/questions/new?kind={kind}"))
    forms = [
        {"kind": "single", "prompt": "What is **CRI**?", "choice_text": ["container runtime "
         "interface", "registry", ""], "choice_grade": ["100", "0", "0"],
         "choice_feedback": ["yes", "", ""], "points": "2"},
        {"kind": "multiple", "prompt": "Plugins?", "choice_text": ["CoreDNS", "Dashboard",
         "Scheduler"], "choice_grade": ["50", "50", "-100"], "choice_feedback": ["", "", ""]},
        {"kind": "true_false", "prompt": "Etcd3 loses data.", "answer": "false",
         "feedback_true": "No", "feedback_false": "Right"},
        {"kind": "matching", "prompt": "Match", "left": ["RS", "HPA", ""],
         "right": ["replicas", "scales", "schedules"]},
        {"kind": "typed", "prompt": "RS stands for?", "choice_text": ["ReplicaSet"],
         "choice_grade": ["100"], "choice_feedback": [""]},
    ]
    for form in forms:
        r = t.post(f"/sets/{set_id}/questions", data=form)
        assert r.status_code == 303, r.get_data(as_text=True)[:300]
    sources = re.findall(r'<option value="(\d+\|[^"]*)"', t.get(
        f"/sets/{set_id}/questions/new?kind=draw").get_data(as_text=True))
    plugins = html_module.unescape(next(s for s in sources if s.endswith("插件")))
    r = t.post(f"/sets/{set_id}/questions", data={"kind": "draw", "source": plugins,
                                                  "question_kind": "single", "count": "2"})
    assert r.status_code == 303
    rows = db.scalars(select(SetQuestion).where(SetQuestion.set_id == set_id)
                           .order_by(SetQuestion.position))
    assert [r.kind for r in rows] == ["single", "multiple", "true_false", "matching", "typed",
                                      "draw"]
    assert rows[0].data["points"] == 2 and rows[3].data["pairs"][2] == ["", "schedules"]
    # a bad question: 400, the form comes back with what was typed, nothing written
    before = db.counts(SetQuestion)
    r = t.post(f"/sets/{set_id}/questions", data={
        "kind": "multiple", "prompt": "Bad", "choice_text": ["a", "b"],
        "choice_grade": ["50", "0"], "choice_feedback": ["", ""]})
    html = ok_page(r, 400)
    assert "add up to 50%" in html and 'value="a"' in html
    assert db.counts(SetQuestion) == before
    # edit, move, delete
    first, second = rows[0].id, rows[1].id
    ok_page(t.get(f"/sets/{set_id}/questions/{first}"))
    r = t.post(f"/sets/{set_id}/questions/{first}", data={**forms[0], "prompt": "Edited?"})
    assert r.status_code == 303
    t.post(f"/sets/{set_id}/questions/{second}/move", data={"direction": "up"})
    html = ok_page(t.get(f"/sets/{set_id}"))
    assert html.index("Plugins?") < html.index("Edited?")
    t.post(f"/sets/{set_id}/questions/{rows[2].id}/delete")
    assert db.counts(SetQuestion)["set_questions"] == 5
    # preview with answers, then publish
    html = ok_page(t.get(f"/sets/{set_id}/preview"))
    assert "<strong>CRI</strong>" not in html and "Edited?" in html and "✓" in html
    r = t.post(f"/sets/{set_id}/publish")
    assert r.status_code == 303
    html = t.get(f"/sets/{set_id}").get_data(as_text=True)
    assert "Published version 1" in html, re.findall(r'flash[^>]*>([^<]*)', html)
    r = t.get(f"/sets/{set_id}/export.gift")
    assert r.status_code == 200 and "attachment" in r.headers["Content-Disposition"]
    assert "[markdown]Edited?" in r.get_data(as_text=True)
    r = t.get(f"/sets/{set_id}/export.yaml")
    assert r.status_code == 200 and "questions:" in r.get_data(as_text=True)
    # try it as a learner (a preview attempt through the quiz pages)
    r = t.post(f"/sets/{set_id}/try")
    assert r.status_code == 303 and "/quiz/" in r.headers["Location"]
    page = ok_page(t.get(r.headers["Location"]))
    assert "Week 1" in page and 'id="q-prompt-html"' in page and "<script>" not in page


def test_pick_facts_page(site, db):
    t = site["teacher"]
    set_id = new_set(t, "Facts")
    html = ok_page(t.get(f"/sets/{set_id}/facts"))
    keys = [html_module.unescape(k) for k in re.findall(r'name="fact" value="([^"]+)"', html)]
    assert len(keys) > 20
    picked = [k for k in keys if "::definition::" in k][:3]
    r = t.post(f"/sets/{set_id}/facts", data={"fact": picked, "kind": "true_false"})
    assert r.status_code == 303
    assert db.counts(SetQuestion)["set_questions"] == 3


def test_uploads_refuse_bad_files_with_their_line(site, db):
    t = site["teacher"]
    before = db.counts(QuizSet, SetQuestion, Card)
    cases = [
        ("/sets/upload", "bad.gift", b"::a:: fine {T}\n\n::b:: broken {=x ~y\n",
         "bad.gift:3"),
        ("/sets/upload", "bad.yaml", b"title: T\nquestions:\n  - kind: nope\n", "bad.yaml:3"),
        ("/decks/import", "bad.csv", b"front,back\nPod,\n", "bad.csv:2"),
    ]
    for url, name, data, where in cases:
        r = t.post(url, data={"file": (io.BytesIO(data), name)},
                   content_type="multipart/form-data")
        html = ok_page(r, 400)
        assert where in html and "Nothing was imported" in html
    big = b"x" * (1024 * 1024 + 10)
    r = t.post("/sets/upload", data={"file": (io.BytesIO(big), "big.gift")},
               content_type="multipart/form-data")
    assert 400 <= r.status_code < 500
    assert db.counts(QuizSet, SetQuestion, Card) == before


def test_uploads_that_work(site, db):
    t = site["teacher"]
    r = t.post("/sets/upload", data={"file": (io.BytesIO(EXAMPLE_SET.read_bytes()),
                                              "course.yaml")},
               content_type="multipart/form-data")
    assert r.status_code == 303
    qset = db.scalar(select(QuizSet).where(QuizSet.name == "course"))
    assert qset.published is not None and qset.version == 1
    r = t.post(f"/sets/{qset.id}/import", data={
        "file": (io.BytesIO(b"::Extra:: one more {T}\n"), "x.gift"), "mode": "append"},
        content_type="multipart/form-data")
    assert r.status_code == 303
    assert db.counts(SetQuestion)["set_questions"] == 12
    r = t.post("/decks/import", data={"file": (io.BytesIO(b"front,back\nPod,unit\n"),
                                               "mine.csv")},
               content_type="multipart/form-data")
    assert r.status_code == 303
    html = ok_page(t.get("/decks/export"))
    assert "mine" in html and ".apkg" in html


def test_class_assignment_taking_and_results(site, app, db, now):
    t, le = site["teacher"], site["learner"]
    set_id = new_set(t, "Graded")
    t.post(f"/sets/{set_id}/questions", data={
        "kind": "single", "prompt": "Right one?", "choice_text": ["yes", "no"],
        "choice_grade": ["100", "0"], "choice_feedback": ["", "nope"]})
    t.post(f"/sets/{set_id}/questions", data={"kind": "true_false", "prompt": "True?",
                                              "answer": "true"})
    t.post(f"/sets/{set_id}/publish")
    r = t.post("/classes", data={"name": "CKA spring"})
    class_id = int(r.headers["Location"].rsplit("/", 1)[1])
    html = ok_page(t.get(f"/classes/{class_id}"))
    code = re.search(r'id="join-code">([A-Z0-9]+)<', html).group(1)
    assert f"/join/{code}" in html
    # the learner follows the link, confirms, and sees the class's sets at home
    html = ok_page(le.get(f"/join/{code}"))
    assert "CKA spring" in html
    r = le.post("/join", data={"code": code.lower()})
    assert r.status_code == 303, r.headers
    assert db.counts(ClassMember)["class_members"] == 1
    ok_page(le.get("/join/NOPE1234"), 404)
    opens = (datetime.now(UTC) - timedelta(minutes=5)).astimezone(
        __import__("zoneinfo").ZoneInfo("Asia/Shanghai")).strftime("%Y-%m-%dT%H:%M")
    r = t.post(f"/classes/{class_id}/assignments", data={"set_id": set_id, "opens_at": opens,
                                                         "closes_at": ""})
    assert r.status_code == 303
    a = db.scalar(select(Assignment))
    assert abs((a.opens_at - datetime.now(UTC)).total_seconds() + 300) < 120  # time zone
    home = ok_page(le.get("/"))
    assert "My sets" in home and "Graded" in home and f"/assigned/{a.id}" in home
    html = ok_page(le.get(f"/assigned/{a.id}"))
    assert "Start" in html
    r = le.post(f"/assigned/{a.id}/start")
    attempt_id = int(r.headers["Location"].rsplit("/", 1)[1])
    take = ok_page(le.get(f"/quiz/{attempt_id}"))
    assert "Graded" in take and 'id="timer"' not in take  # no time limit
    qs = [Question.from_dict(d) for d in db.scalars(
        select(QuizQuestion.data).where(QuizQuestion.attempt_id == attempt_id)
        .order_by(QuizQuestion.position))]
    for i, q in enumerate(qs):
        response = q.answer if q.kind == "true_false" else q.choices.index("no")
        r = le.put(f"/api/quiz/attempts/{attempt_id}/answers/{i}", json={"response": response})
        assert r.status_code == 200 and "feedback" not in r.get_json()
    body = le.post(f"/api/quiz/attempts/{attempt_id}/submit").get_json()
    assert body["score"] == 0.5
    r = le.get(body["url"])
    assert r.status_code == 302 and r.headers["Location"].endswith(f"/set-attempts/{attempt_id}")
    html = ok_page(le.get(f"/set-attempts/{attempt_id}"))
    assert "50%" in html and "nope" in html and "Right one?" in html
    # the instructor's results: learners, questions, CSV
    html = ok_page(t.get(f"/assignments/{a.id}"))
    assert "learn@example.com" in html and "Facility" in html and "Discrimination" in html
    ok_page(t.get(f"/set-attempts/{attempt_id}"))
    r = t.get(f"/assignments/{a.id}/results.csv")
    rows = list(csv.reader(io.StringIO(r.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[1][0] == "learn@example.com" and rows[1][2] == "50.0"
    r = t.get(f"/assignments/{a.id}/questions.csv")
    assert r.status_code == 200 and "facility index %" in r.get_data(as_text=True)
    # times can change; an assignment with attempts cannot be removed
    r = t.post(f"/assignments/{a.id}", data={"opens_at": opens, "closes_at": ""})
    assert r.status_code == 303
    t.post(f"/assignments/{a.id}/delete")
    assert db.counts(Assignment)["assignments"] == 1


def test_deck_exports(site, db):
    le = site["learner"]
    from studyk8s.persistence.models import Note

    note_id = db.scalar(select(Note.id))
    r = le.get(f"/decks/{note_id}/export.apkg")
    assert r.status_code == 200 and r.data[:2] == b"PK"
    r = le.get(f"/decks/{note_id}/export.csv")
    assert r.status_code == 200 and r.get_data(as_text=True).startswith("\ufefffront,back")
    assert le.post("/decks/import").status_code == 403  # learners do not import decks
    assert le.get("/decks/99999/export.apkg").status_code == 404


# --- access: every route that takes an id --------------------------------------------------


@pytest.fixture
def world(app, site, db, now):
    """Objects of the teacher and the learner, plus another learner and instructor."""
    t = site["teacher"]
    set_id = new_set(t, "Private")
    t.post(f"/sets/{set_id}/questions", data={
        "kind": "single", "prompt": "Q?", "choice_text": ["a", "b"],
        "choice_grade": ["100", "0"], "choice_feedback": ["", ""]})
    t.post(f"/sets/{set_id}/publish")
    question_id = db.scalar(select(SetQuestion.id))
    r = t.post("/classes", data={"name": "Mine"})
    class_id = int(r.headers["Location"].rsplit("/", 1)[1])
    code = db.get(StudyClass, class_id).join_code
    site["learner"].post("/join", data={"code": code})
    t.post(f"/classes/{class_id}/assignments", data={"set_id": set_id})
    assignment_id = db.scalar(select(Assignment.id))
    r = site["learner"].post(f"/assigned/{assignment_id}/start")
    attempt_id = int(r.headers["Location"].rsplit("/", 1)[1])
    other_learner = db.user("other@example.com", now=now)
    other_teacher = db.user("rival@example.com", "instructor", now=now)
    return {"set": set_id, "question": question_id, "class": class_id,
            "assignment": assignment_id, "attempt": attempt_id,
            "member": site["learner_user"].id,
            "other_learner": login(app, other_learner),
            "other_teacher": login(app, other_teacher), "anonymous": app.test_client()}


ID_ROUTES = [
    ("GET", "/sets/{set}"), ("POST", "/sets/{set}/settings"), ("POST", "/sets/{set}/publish"),
    ("POST", "/sets/{set}/discard"), ("POST", "/sets/{set}/delete"),
    ("GET", "/sets/{set}/preview"), ("POST", "/sets/{set}/try"),
    ("GET", "/sets/{set}/export.gift"), ("GET", "/sets/{set}/export.yaml"),
    ("POST", "/sets/{set}/import"), ("GET", "/sets/{set}/questions/new"),
    ("POST", "/sets/{set}/questions"), ("GET", "/sets/{set}/questions/{question}"),
    ("POST", "/sets/{set}/questions/{question}"),
    ("POST", "/sets/{set}/questions/{question}/delete"),
    ("POST", "/sets/{set}/questions/{question}/move"), ("POST", "/sets/{set}/order"),
    ("GET", "/sets/{set}/facts"), ("POST", "/sets/{set}/facts"),
    ("GET", "/classes/{class}"), ("POST", "/classes/{class}/rename"),
    ("POST", "/classes/{class}/code"), ("POST", "/classes/{class}/joining"),
    ("POST", "/classes/{class}/archive"), ("POST", "/classes/{class}/members/{member}/remove"),
    ("POST", "/classes/{class}/assignments"), ("GET", "/assignments/{assignment}"),
    ("POST", "/assignments/{assignment}"), ("POST", "/assignments/{assignment}/delete"),
    ("GET", "/assignments/{assignment}/results.csv"),
    ("GET", "/assignments/{assignment}/questions.csv"),
    ("POST", "/admin/users/{member}/role"),  # admins only: 403 for everyone else
]
LEARNER_ROUTES = [
    ("GET", "/assigned/{assignment}"), ("POST", "/assigned/{assignment}/start"),
    ("GET", "/set-attempts/{attempt}"), ("POST", "/classes/{class}/leave"),
]
MISSING = {"set": 9999, "question": 9999, "class": 9999, "assignment": 9999,
           "attempt": 9999, "member": 9999}


def body(response) -> bytes:
    """The response's bytes, its CSRF tokens blanked: they are the session's (and dated to the
    second), not anything about the id asked for."""
    import re

    return re.sub(rb'(csrf-token" content="|name="csrf_token" value=")[^"]+', rb"\1-",
                  response.get_data())


def call(client, method, template, ids):
    url = template.format(**ids)
    return client.open(url, method=method, data={"set_id": "1", "title": "x", "name": "x"})


def test_access_walker(world, db):
    real = {k: world[k] for k in MISSING}
    before = db.counts(QuizSet, SetQuestion, StudyClass, Assignment, ClassMember)
    for who in ("other_learner", "other_teacher", "anonymous"):
        client = world[who]
        for method, template in ID_ROUTES + LEARNER_ROUTES:
            mine = call(client, method, template, real)
            none = call(client, method, template, MISSING)
            where = f"{who} {method} {template}"
            if who == "anonymous":
                assert mine.status_code == none.status_code == 302, where
                assert "/login" in mine.headers["Location"], where
                continue
            assert mine.status_code in (403, 404), (where, mine.status_code)
            assert mine.status_code == none.status_code, where
            assert body(mine) == body(none), where
            if who == "other_learner" and (method, template) in ID_ROUTES:
                assert mine.status_code == 403, where  # instructors' pages
    assert db.counts(QuizSet, SetQuestion, StudyClass, Assignment, ClassMember) == before
    # and the owners still get in
    assert world["anonymous"].get("/sets").status_code == 302


def test_a_learner_cannot_open_a_set_not_assigned_to_them(world, app, db, now):
    outsider = world["other_learner"]
    assert outsider.get(f"/assigned/{world['assignment']}").status_code == 404
    assert outsider.post(f"/assigned/{world['assignment']}/start").status_code == 404
    assert outsider.get(f"/quiz/{world['attempt']}").status_code == 404
    assert outsider.get(f"/api/quiz/attempts/{world['attempt']}").status_code == 404
    home = outsider.get("/").get_data(as_text=True)
    assert "Private" not in home


QUIZ_ROUTES = [
    ("GET", "/quiz/{attempt}"), ("GET", "/quiz/{attempt}/results"),
    ("POST", "/quiz/{attempt}/submit"), ("POST", "/quiz/{attempt}/retry"),
    ("GET", "/api/quiz/attempts/{attempt}"), ("PUT", "/api/quiz/attempts/{attempt}/answers/0"),
    ("POST", "/api/quiz/attempts/{attempt}/answers/0"),
    ("GET", "/api/quiz/attempts/{attempt}/results"),
    ("POST", "/api/quiz/attempts/{attempt}/submit"),
    ("POST", "/api/quiz/attempts/{attempt}/retry"),
    ("GET", "/quiz/{attempt}/summary"), ("PUT", "/api/quiz/attempts/{attempt}/flags/0"),
    ("POST", "/api/quiz/attempts/{attempt}/flags/0"),
]
# Routes with an id that is not anyone's property, and why.
NOT_OWNED = {
    "/join/<code>": "a class's join code is meant to be shared",
    "/notes/<int:note_id>/source": "notes are shared content every learner studies",
    "/source/<path:path>": "notes are shared content, looked up by path in the database",
    "/stats/decks/<int:note_id>": "a deck is shared; the page shows only the viewer's own stats",
    "/decks/<int:note_id>/export.apkg": "a deck is shared content (any learner may export it)",
    "/decks/<int:note_id>/export.csv": "a deck is shared content (any learner may export it)",
    "/api/review/<any(suspend, bury, flag, report):action>": "the action's name, not an id; "
    "it changes only the caller's own state of a card",
    "/cards/<int:card_id>": "a card is shared content; the page shows only the viewer's own "
    "state, reviews and reports of it",
}


def test_quiz_attempt_routes_are_walked_too(world, db):
    real = {k: world[k] for k in MISSING}
    before = db.counts(QuizSet, SetQuestion, StudyClass, Assignment, ClassMember)
    for who in ("other_learner", "other_teacher", "anonymous"):
        client = world[who]
        for method, template in QUIZ_ROUTES:
            if template.startswith("/api/"):  # JSON calls, with a valid body
                payload = {"json": {"response": 0, "revision": 1, "flagged": True}}
                mine = client.open(template.format(**real), method=method, **payload)
                none = client.open(template.format(**MISSING), method=method, **payload)
            else:
                mine = call(client, method, template, real)
                none = call(client, method, template, MISSING)
            where = f"{who} {method} {template}"
            if who == "anonymous":
                expected = 401 if template.startswith("/api/") else 302
                assert mine.status_code == none.status_code == expected, where
                continue
            assert mine.status_code in (403, 404), (where, mine.status_code)
            # the same answer, byte for byte (the message does not repeat the id back)
            assert (mine.status_code, body(mine)) == (none.status_code, body(none)), where
    assert db.counts(QuizSet, SetQuestion, StudyClass, Assignment, ClassMember) == before


def test_every_route_with_an_id_is_walked(app):
    """A new route that takes an id fails here until the walker (or NOT_OWNED) covers it."""
    import re

    walked = set()
    for method, template in ID_ROUTES + LEARNER_ROUTES + QUIZ_ROUTES:
        walked.add((method, re.sub(r"\{\w+\}", "<id>", re.sub(r"/0$", "/{n}", template))))
    missing = []
    for rule in app.url_map.iter_rules():
        if not rule.arguments or rule.endpoint == "static" or rule.rule in NOT_OWNED:
            continue
        shape = re.sub(r"<[^>]+>", "<id>", rule.rule)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            if (method, shape) not in walked:
                missing.append(f"{method} {rule.rule}")
    assert missing == []
