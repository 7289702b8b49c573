"""Downloads and redirects, shared by every blueprint."""

from __future__ import annotations

from urllib.parse import quote

from studyk8s.web.responses import back, download


def test_a_download_is_an_attachment_with_its_unicode_name_and_never_cached(app):
    with app.test_request_context("/"):
        response = download("题目,答案\n", "集群-week1.csv", "text/csv; charset=utf-8")
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert f"filename*=UTF-8''{quote('集群-week1.csv')}" in disposition
    assert response.headers["Cache-Control"] == "no-store"
    assert response.mimetype == "text/csv"
    response.direct_passthrough = False
    assert response.get_data().decode() == "题目,答案\n"


def test_back_goes_only_to_this_site(app):
    with app.test_request_context("/", method="POST", data={"back": "/sets/3"}):
        assert back("/fallback") == "/sets/3"
    with app.test_request_context("/", method="POST", data={"back": "https://evil.example/"}):
        assert back("/fallback") == "/fallback"
    with app.test_request_context("/", headers={"Referer": "http://localhost/classes?x=1"}):
        assert back("/fallback") == "/classes?x=1"
