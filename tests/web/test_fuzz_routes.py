"""Every route in the URL map, sent random ids, numbers, strings and JSON shapes by a
learner and by an instructor (and by nobody), must never answer 5xx (issue 18). A route
added later is walked automatically; the field names come from the templates and views, so
the bodies hit the fields the code reads. Seeded: a failure prints the case to replay.

On SQLite by default, on PostgreSQL with TEST_DATABASE_URL. FUZZ_CASES=N sends N cases per
route, method and user (default 6, about 30 s on 2 cores).
"""

from __future__ import annotations

import io
import json
import os
import random
import re
from datetime import timedelta
from urllib.parse import urlencode

import pytest
from werkzeug.routing import IntegerConverter

from studyk8s.config import ROOT
from studyk8s.persistence.models import User
from studyk8s.services import classes, quiz, sets
from studyk8s.services.content import import_notes
from studyk8s.sets.model import Choice, Item, Settings
from tests.sets.helpers import Fresh, login, make_user

CASES = int(os.environ.get("FUZZ_CASES", "6"))
SEED = int(os.environ.get("FUZZ_SEED", "18"))
SKIP = {"static"}


def _field_names() -> list[str]:
    """Names the app reads: form fields in the templates, keys in the views."""
    names: set[str] = set()
    for path in (ROOT / "templates").rglob("*.html"):
        names |= set(re.findall(r'name="([a-z_]+)"', path.read_text()))
    for path in (ROOT / "studyk8s" / "web").rglob("*.py"):
        names |= set(re.findall(r'(?:get|getlist)\("([a-z_]+)"', path.read_text()))
    return sorted(names - {"csrf_token"})


FIELDS = _field_names()
IDS = [0, 1, 2, 3, 2**31 - 1, 2**31, 2**63 - 1, 2**63, 10**25]
TEXTS = ["", " ", "1", "-1", "0", "2.5", "2147483648", "9" * 30, "1e309", "inf", "-inf",
         "nan", "Infinity", "\x00", "a\x00b", "x" * 5000, "汉字 Pod", "<script>x</script>",
         "=1+2", "x;=2+5@x.test", "2026-13-45", "2026-12-24T10:00", "on", "true", "null",
         "../../etc/passwd", "single", "exam", "practice", "after_close", "never", "UTC",
         "Mars/Olympus", "zh", "en", "[]", "{}", '{"a": 1}', "%s%n", "\u202e", "a" * 300]
NUMBERS = [0, 1, -1, 2.5, 1e308, -1e308, 2**31, 2**53 + 1, 2**63 - 1, 2**70, True, None]


def _scalar(rng: random.Random):
    pick = rng.random()
    if pick < 0.45:
        return rng.choice(NUMBERS)
    if pick < 0.9:
        return rng.choice(TEXTS)
    return rng.choice([float("inf"), float("nan"), -float("inf")])


def _json_value(rng: random.Random, depth: int = 0):
    pick = rng.random()
    if depth < 3 and pick < 0.15:
        return [_json_value(rng, depth + 1) for _ in range(rng.randint(0, 4))]
    if depth < 3 and pick < 0.25:
        return {rng.choice(FIELDS): _json_value(rng, depth + 1) for _ in range(rng.randint(0, 3))}
    return _scalar(rng)


def _body(rng: random.Random) -> dict:
    keys = rng.sample(FIELDS, k=min(len(FIELDS), rng.randint(0, 8)))
    return {k: _json_value(rng) for k in keys}


def _form(rng: random.Random) -> dict:
    form = {}
    for key in rng.sample(FIELDS, k=min(len(FIELDS), rng.randint(0, 10))):
        value = _scalar(rng)
        form[key] = value if isinstance(value, str) else json.dumps(value)
    return form


def _url(rule, rng: random.Random, known: dict[str, list[int]]) -> str:
    values = {}
    for arg in rule.arguments:
        if isinstance(rule._converters[arg], IntegerConverter):
            ok = known.get(arg, [1])
            values[arg] = rng.choice(ok) if rng.random() < 0.6 else rng.choice(IDS)
        else:
            values[arg] = rng.choice(["x", "ABCD-EFGH", "docker-k8s-1.md", "a%00b", "汉字"])
    try:
        return rule.build(values, append_unknown=False)[1]
    except Exception:  # an id the converter refuses: send it as text, the router must 404
        return re.sub(r"<[^>]+>", lambda m: str(rng.choice(IDS)), rule.rule)


def _query(rng: random.Random) -> str:
    return "" if rng.random() < 0.5 else "?" + urlencode(_form(rng))


@pytest.fixture
def world(app, notes_dir, now):
    """A learner and an instructor with something behind every kind of id: notes, a class,
    a published set with a question, an assignment, a quiz attempt and a set attempt."""
    app.extensions["clock"].freeze(now)
    with app.app_context():
        s = app.extensions["db_sessions"]()
        import_notes(s, [notes_dir], now=now)
        make_user(s, "admin@example.com", "admin", now=now)
        teacher = make_user(s, "t@example.com", "instructor", now=now)
        learner = make_user(s, "l@example.com", now=now)
        klass = classes.create_class(s, teacher, "Class", now=now)
        classes.join(s, learner, klass.join_code, now=now)
        qset = sets.create_set(s, teacher, "Fuzz set", now=now,
                               settings=Settings(review="after_close"))
        sets.add_entry(s, teacher, qset.id, Item(kind="single", prompt="Q1", choices=(
            Choice("A", 100), Choice("B"))), now=now)
        sets.publish(s, teacher, qset.id, now=now)
        a = classes.assign(s, teacher, klass.id, qset.id, opens_at=None,
                           closes_at=now + timedelta(days=1), now=now)
        set_attempt = classes.start(s, learner, a.id, now=now)
        attempt = quiz.start(s, learner, count=3, now=now)
        known = {"attempt_id": [attempt.id, set_attempt.id], "assignment_id": [a.id],
                 "class_id": [klass.id], "set_id": [qset.id], "note_id": [1],
                 "user_id": [learner.id], "position": [0, 1, 2], "question_id": [1]}
        ids = {"learner": learner.id, "instructor": teacher.id}
        s.close()
    return known, ids


def _clients(app, ids):
    """Fresh logged-in clients (a fuzzed logout or password change ends a session)."""
    fresh = Fresh(app)
    out = {"nobody": app.test_client()}
    for name, uid in ids.items():
        out[name] = login(app, fresh.get(User, uid))
    return out


def _send(client, method, url, rng):
    pick = rng.random()
    if method == "GET":
        return client.open(url + _query(rng), method=method)
    if pick < 0.35:
        return client.open(url, method=method, json=_body(rng))
    if pick < 0.45:  # JSON the standard library would not write
        raw = rng.choice(['{"count": Infinity}', '{"seed": NaN}', "[1, 2", '"x"', "null",
                          '{"card_id": 1e999}', '{"decks": [' + "9" * 40 + "]}",
                          "[" * 5000, '{"a": "\\u0000"}'])
        return client.open(url, method=method, data=raw, content_type="application/json")
    if pick < 0.55:
        upload = rng.choice([b"a,b\n" + b"x" * 140_000 + b",y\n", b'"unterminated\n1,2\n',
                             b"\x00\xff\xfe", "题目,答案\n=1+1,x\n".encode()])
        return client.open(url, method=method, data={
            **_form(rng), "file": (io.BytesIO(upload), rng.choice(["x.csv", "x.gift", "x.yaml"]))},
            content_type="multipart/form-data")
    return client.open(url, method=method, data=_form(rng))


def test_no_route_answers_5xx(app, world):
    known, ids = world
    rng = random.Random(SEED)
    rules = [r for r in app.url_map.iter_rules() if r.endpoint not in SKIP]
    assert len(rules) > 60
    failures = []
    sent = 0
    for rule in sorted(rules, key=lambda r: (r.rule, r.endpoint)):
        clients = _clients(app, ids)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            for who, client in clients.items():
                for _ in range(CASES):
                    url = _url(rule, rng, known)
                    try:
                        status = _send(client, method, url, rng).status_code
                    except Exception as exc:  # noqa: BLE001 (TESTING propagates a 500's cause)
                        status = f"500 {type(exc).__name__}: {str(exc)[:120]}"
                    sent += 1
                    if str(status) >= "5":
                        failures.append((status, who, method, url, rule.endpoint))
    assert failures == [], f"{len(failures)} of {sent} requests answered 5xx: {failures[:20]}"
    assert sent > 1000


def test_the_id_gate_404s_out_of_range_ids(app, world, client):
    known, ids = world
    learner = _clients(app, ids)["learner"]
    for url in ("/api/quiz/attempts/99999999999999999999999", "/quiz/2147483648",
                "/api/quiz/attempts/9223372036854775808/results", "/sets/2147483648"):
        assert learner.get(url).status_code == 404
    assert learner.get(f"/api/quiz/attempts/{known['attempt_id'][0]}").status_code == 200
