"""The one app-wide handler of service errors: status by class, the same message."""

from __future__ import annotations

from flask import Blueprint

from studyk8s.services import errors
from studyk8s.web.errors import status_of


def test_status_by_class():
    assert status_of(errors.ServiceError("a.b", "x")) == 400
    assert status_of(errors.NotFound("a.b", "x")) == 404
    assert status_of(errors.Conflict("a.b", "x")) == 409
    assert status_of(errors.ImportFailed(["p:1: x"])) == 400


def test_one_handler_answers_json_pages_and_404s(app_factory, db_url):
    with app_factory(db_url) as app:
        bp = Blueprint("probe", __name__)

        @bp.get("/api/probe/<kind>")
        def api(kind):
            raise {"invalid": errors.ServiceError, "missing": errors.NotFound,
                   "stale": errors.Conflict}[kind]("probe.x", "card {n} refused", n=3)

        @bp.get("/probe/missing")
        def page_missing():
            raise errors.NotFound("probe.x", "card {n} refused", n=3)

        @bp.get("/probe/refused")
        def page_refused():
            raise errors.ServiceError("probe.x", "card {n} refused", n=3)

        app.register_blueprint(bp)
        client = app.test_client()
        for kind, status in (("invalid", 400), ("missing", 404), ("stale", 409)):
            resp = client.get(f"/api/probe/{kind}")
            assert resp.status_code == status
            assert resp.get_json() == {"error": "card 3 refused", "code": "probe.x",
                                       "status": status}
        assert client.get("/probe/missing").status_code == 404
        resp = client.get("/probe/refused", headers={"Referer": "http://localhost/review"})
        assert resp.status_code == 303 and resp.headers["Location"] == "/review"
        with client.session_transaction() as session:
            assert ("error", "card 3 refused") in session["_flashes"]
