"""CSRF on every state-changing route: each POST/PUT/PATCH/DELETE rule in the URL map, sent
without a token by a logged-in user, is refused by the CSRF check — including the JSON calls.
A route added later is covered automatically. The refusal is recognised by its reason, not by
its 400 alone: a route without the check would often answer 400 too (a bad body)."""

from __future__ import annotations

import re

import pytest
from werkzeug.routing import IntegerConverter, Rule

UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}


@pytest.fixture
def csrf_client(app, client, auth):
    app.config["WTF_CSRF_ENABLED"] = True
    assert auth.signup("w@example.com").status_code == 302  # with the form's token
    return client


def _value(converter):
    """A value the converter accepts: 1 for integers, one of its words for ``any``."""
    if isinstance(converter, IntegerConverter):  # the app's bounded ids are integers too
        return 1
    return sorted(converter.items)[0] if converter.__class__.__name__ == "AnyConverter" else "x"


def _url(rule: Rule) -> str:
    values = {arg: _value(rule._converters[arg]) for arg in rule.arguments}
    return rule.build(values, append_unknown=False)[1]


def unsafe_rules(app):
    return [r for r in app.url_map.iter_rules() if r.methods & UNSAFE]


def test_there_are_state_changing_routes(app):
    endpoints = {r.endpoint for r in unsafe_rules(app)}
    assert {"auth.logout", "review.answer", "review.undo", "settings.index"} <= endpoints


MISSING = "The CSRF token is missing."


def csrf_refusal(response) -> bool:
    """The CSRF check's own answer: a 400 that gives its reason (JSON, or the form-expired
    page)."""
    if response.status_code != 400:
        return False
    if response.is_json:
        return response.get_json() == {"error": MISSING, "status": 400}
    html = response.get_data(as_text=True)
    return "This form has expired" in html and MISSING in html


def test_every_state_changing_route_needs_the_token(app, csrf_client):
    answers = []
    for rule in unsafe_rules(app):
        url = _url(rule)
        for method in sorted(rule.methods & UNSAFE):
            for kwargs in ({"data": {"x": "1"}}, {"json": {"x": 1}}):
                r = csrf_client.open(url, method=method, **kwargs)
                answers.append((rule.endpoint, method, r.status_code, csrf_refusal(r)))
    assert [a for a in answers if not a[3]] == []
    assert len(answers) >= 2 * len(unsafe_rules(app))


def test_the_walker_tells_a_csrf_refusal_from_another_400(app, csrf_client):
    """Without the check, a JSON route answers its own 400, which must not pass as CSRF's."""
    app.extensions["csrf"].exempt("studyk8s.web.review.undo")
    r = csrf_client.post("/api/review/undo", json={})
    assert r.status_code == 400 and r.get_json()["error"] == "Nothing to undo"
    assert not csrf_refusal(r)


def test_the_header_token_is_accepted_on_json_calls(app, csrf_client):
    page = csrf_client.get("/review").get_data(as_text=True)
    token = re.search(r'name="csrf-token" content="([^"]+)"', page)[1]
    r = csrf_client.post("/api/review/undo", json={}, headers={"X-CSRFToken": token})
    assert r.status_code == 400 and r.get_json()["error"] == "Nothing to undo"


def test_a_token_from_hours_ago_still_works(app, csrf_client, monkeypatch):
    """A 2-hour exam's final submit must not be refused for an expired token."""
    import time

    page = csrf_client.get("/review").get_data(as_text=True)
    token = re.search(r'name="csrf-token" content="([^"]+)"', page)[1]
    later = time.time() + 3 * 3600
    monkeypatch.setattr(time, "time", lambda: later)
    r = csrf_client.post("/api/review/undo", json={}, headers={"X-CSRFToken": token})
    assert r.status_code == 400 and r.get_json()["error"] == "Nothing to undo"


def test_oversized_upload_is_413(app, csrf_client):
    app.config["MAX_CONTENT_LENGTH"] = 1024
    r = csrf_client.post("/api/review/answer", data=b"x" * 5000,
                         content_type="application/json")
    assert r.status_code == 413
