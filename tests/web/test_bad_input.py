"""The cases issue 18 found answering 500 (and one 404): each is now a 4xx saying what is
wrong (or a 503 when the database cannot be written), in the request's format, and nothing
is written."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select

from studyk8s.persistence.engine import make_engine
from studyk8s.persistence.models import Note, QuizAttempt, ReviewLog
from studyk8s.services.content import import_notes
from tests.conftest import TEST_DATABASE_URL
from tests.sets.helpers import Fresh, login, make_user


@pytest.fixture
def learner(app, notes_dir, now):
    with app.app_context():
        s = app.extensions["db_sessions"]()
        import_notes(s, [notes_dir], now=now)
        make_user(s, "admin@example.com", "admin", now=now)
        user = make_user(s, "l@example.com", now=now)
        teacher = make_user(s, "t@example.com", "instructor", now=now)
        s.close()
    return login(app, user), login(app, teacher)


def raw_json(client, url, body, method="POST"):
    return client.open(url, method=method, data=body, content_type="application/json")


@pytest.mark.parametrize("body", [
    '{"count": Infinity}', '{"count": NaN}', '{"count": 1180591620717411303424}',
    '{"mode": "exam", "time_limit_min": Infinity}', '{"seed": 1180591620717411303424}',
    '{"decks": [1180591620717411303424]}', '{"decks": [4611686018427387904]}',
    '{"count": 2.5}', '{"count": 1e999}', '{"sections": ["a\\u0000b"]}', "[" * 3000,
])
def test_bad_json_numbers_and_text_are_400(app, learner, body):
    client, _ = learner
    r = raw_json(client, "/api/quiz/attempts", body)
    assert r.status_code == 400 and r.is_json and r.get_json()["error"]
    assert Fresh(app).scalar(select(func.count(QuizAttempt.id))) == 0


@pytest.mark.parametrize("body", [
    '{"card_id": 1180591620717411303424, "rating": 3, "version": 0}',
    '{"card_id": 4611686018427387904, "rating": 3, "version": 0}',
    '{"card_id": 1, "rating": 3, "version": 0, "duration_ms": Infinity}',
    '{"card_id": 1, "rating": 3, "version": 0, "duration_ms": 1180591620717411303424}',
    '{"card_id": "1e999", "rating": 3, "version": 0}',
])
def test_review_answers_with_bad_numbers_are_400(app, learner, body):
    client, _ = learner
    r = raw_json(client, "/api/review/answer", body)
    assert r.status_code == 400 and r.is_json
    assert Fresh(app).scalar(select(func.count(ReviewLog.id))) == 0


def test_ids_out_of_range_are_404_everywhere(learner):
    client, teacher = learner
    for url in ("/api/quiz/attempts/99999999999999999999999", "/quiz/2147483648",
                "/api/quiz/attempts/9223372036854775808/results", "/notes/2147483648/source",
                "/stats/decks/99999999999"):
        assert client.get(url).status_code == 404, url
    for url in ("/sets/2147483648", "/classes/9223372036854775808",
                "/assignments/99999999999999999999999/results.csv"):
        assert teacher.get(url).status_code == 404, url
    assert client.post("/api/quiz/attempts/2147483648/submit").status_code == 404


@pytest.mark.parametrize("field", ["email", "password", "timezone"])
def test_a_nul_byte_in_any_form_field_is_400(app, client, field):
    data = {"email": "n@example.com", "password": "kube-study-4471",
            "confirm": "kube-study-4471", "timezone": "UTC"}
    data[field] = data[field][:3] + "\x00" + data[field][3:]
    for url in ("/signup", "/login"):
        r = client.post(url, data=data)
        assert r.status_code == 400
        assert "NUL" in r.get_data(as_text=True)
    assert client.get("/quiz?deck=1\x00").status_code in (302, 400)


def test_instructor_forms_refuse_inf_and_wrong_json_shapes(app, learner):
    _, teacher = learner
    r = teacher.post("/sets", data={"title": "T"})
    set_id = int(r.headers["Location"].rstrip("/").split("/")[-1])
    r = teacher.post(f"/sets/{set_id}/settings", data={"time_limit_min": "inf"})
    assert r.status_code in (303, 302, 400)
    r = teacher.post(f"/sets/{set_id}/settings", json=[1, {"a": None}])
    assert r.status_code < 500


def test_csv_upload_limits_are_400_naming_the_line(app, learner):
    _, teacher = learner
    for body, where in ((b"front,back\nPod,unit\nSvc," + b"x" * 140_000 + b"\n", "deck.csv:3"),
                        (b'front,back\nPod,"never closed\n', "deck.csv:2")):
        r = teacher.post("/decks/import", data={"file": (io.BytesIO(body), "deck.csv")},
                         content_type="multipart/form-data")
        assert r.status_code == 400
        assert where in r.get_data(as_text=True)
    assert Fresh(app).scalar(select(func.count(Note.id))) == 1


@pytest.mark.skipif(bool(TEST_DATABASE_URL), reason="opens the SQLite file read-only")
def test_an_unwritable_database_is_503_in_the_requests_format(app, learner, db_url):
    """The file opened read-only (root ignores file modes, so chmod would not do)."""
    client, _ = learner
    path = db_url.removeprefix("sqlite:///")
    app.extensions["db_engine"].dispose()
    ro = make_engine(f"sqlite:///file:{path}?mode=ro&uri=true")
    app.extensions["db_engine"] = ro
    app.extensions["db_sessions"].configure(bind=ro)
    r = raw_json(client, "/api/quiz/attempts", '{"count": 3}')
    assert r.status_code == 503 and r.is_json
    assert "cannot be written" in r.get_json()["error"] and r.headers["Retry-After"]
    r = client.post("/quiz/start", data={"mode": "practice", "count": "3"})
    assert r.status_code == 503 and r.mimetype == "text/html"
    assert "cannot be written" in r.get_data(as_text=True)
    assert client.get("/quiz").status_code == 200  # reading still works
    ro.dispose()


def test_the_results_page_of_a_retry_made_from_a_set_attempt(app, notes_dir, now):
    """It was a 404: the retry carried the set's link, which has no attempt row of its own."""
    from datetime import timedelta

    from studyk8s.services import classes, quiz, sets
    from studyk8s.sets.model import Choice, Item, Settings

    with app.app_context():
        s = app.extensions["db_sessions"]()
        make_user(s, "admin@example.com", "admin", now=now)
        teacher = make_user(s, "t@example.com", "instructor", now=now)
        user = make_user(s, "l@example.com", now=now)
        klass = classes.create_class(s, teacher, "Class", now=now)
        classes.join(s, user, klass.join_code, now=now)
        qset = sets.create_set(s, teacher, "Set", now=now,
                               settings=Settings(shuffle_answers=False, review="after_close"))
        for prompt in ("Q1", "Q2"):
            sets.add_entry(s, teacher, qset.id, Item(kind="single", prompt=prompt, choices=(
                Choice("A", 100), Choice("B"))), now=now)
        sets.publish(s, teacher, qset.id, now=now)
        a = classes.assign(s, teacher, klass.id, qset.id, opens_at=None,
                           closes_at=now + timedelta(hours=1), now=now)
        attempt_id = classes.start(s, user, a.id, now=now).id
        quiz.save_answer(s, user, attempt_id, 0, 1, now=now)  # wrong
        quiz.submit(s, user, attempt_id, now=now)
        s.close()
    app.extensions["clock"].freeze(now + timedelta(hours=2))  # the set closed: answers shown
    client = login(app, Fresh(app).get(type(user), user.id))
    r = client.post(f"/quiz/{attempt_id}/retry", data={"mode": "practice"})
    assert r.status_code == 302
    retry_id = int(r.headers["Location"].rstrip("/").split("/")[-1])
    assert client.post(f"/quiz/{retry_id}/submit").status_code == 302
    page = client.get(f"/quiz/{retry_id}/results", follow_redirects=True)
    assert page.status_code == 200 and "Q1" in page.get_data(as_text=True)
    body = client.get(f"/api/quiz/attempts/{retry_id}/results").get_json()
    assert body["withheld"] is False and body["count"] == 2 and body["retry_of"] == attempt_id


def test_json_where_a_form_is_expected_is_415_and_json_must_be_an_object(learner):
    """WTForms read a JSON body as form data, numbers and lists included (500s in /login,
    /settings, /settings/password); the JSON calls expect an object."""
    client, teacher = learner
    for url, body in (("/settings", {"exam_date": [1]}), ("/settings/password", {"x": 1}),
                      ("/login", {"email": 5})):
        r = client.post(url, json=body)
        assert r.status_code == 415 and "takes a form" in r.get_json()["error"]
    for body in ('"x"', "[1, 2]", "null", "3"):
        r = raw_json(client, "/api/review/answer", body)
        assert r.status_code == 400 and "must be an object" in r.get_json()["error"]
    r = teacher.post("/sets", data={"title": "T"})
    set_id = int(r.headers["Location"].rstrip("/").split("/")[-1])
    assert teacher.post(f"/sets/{set_id}/order", json={"order": []}).status_code == 200
