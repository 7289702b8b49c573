"""Every refusal the services can raise has its message in English and in Chinese, chosen by
code (never by matching English text), and a Chinese-UI request gets the Chinese text: on a
form, in a flashed message, in JSON, on the error pages."""

from __future__ import annotations

import ast
import re

import pytest
from flask_babel import force_locale

from studyk8s.config import ROOT
from studyk8s.services.errors import ServiceError
from studyk8s.web.messages import LABELS, MESSAGES, message

CJK = re.compile(r"[\u4e00-\u9fff]")
# Words a Chinese sentence may keep in Latin script: names of things, not English prose.
ALLOWED = {"json", "null", "true", "false", "sqlite", "path", "pg_dump", "pg_restore", "fsrs",
           "iana", "asia", "shanghai", "client_id", "studyk8s", "x1y", "id", "fsrs-6",
           "name", "example", "com", "pod", "gunicorn", "force"}


def raised_codes() -> dict[str, list[str]]:
    """Every code raised (or built) with a literal message anywhere in the package, with the
    names of its parameters: a new refusal without an entry here fails the test."""
    found: dict[str, list[str]] = {}
    for path in (ROOT / "studyk8s").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call)
                    and getattr(node.func, "id", None) in ("ServiceError", "NotFound", "Conflict")
                    and len(node.args) >= 2
                    and all(isinstance(a, ast.Constant) for a in node.args[:2])):
                found[node.args[0].value] = [k.arg for k in node.keywords if k.arg != "field"]
    return found


CODES = raised_codes()


def sample(code: str) -> ServiceError:
    params = {}
    for name in CODES[code]:
        if name in ("label", "name"):
            params[name] = "New cards per day" if name == "label" else "the number of questions"
        elif name in ("lo", "hi", "value", "n", "position", "card_id", "version", "current",
                      "n_keep", "n_items") or name.isupper():
            params[name] = 3
        else:
            params[name] = "x1y"
    return ServiceError(code, "unused", **params)


def english_words(text: str) -> list[str]:
    return [w for w in re.findall(r"[A-Za-z][A-Za-z0-9_-]+", text) if w.lower() not in ALLOWED]


def test_there_are_many_codes_and_each_has_a_message():
    assert len(CODES) > 100
    missing = sorted(set(CODES) - set(MESSAGES))
    assert missing == [], f"codes without a message in web/messages.py: {missing}"


@pytest.mark.parametrize("code", sorted(CODES))
def test_each_code_reads_in_english_and_in_chinese(app, code):
    exc = sample(code)
    with app.test_request_context("/"):
        with force_locale("en"):
            en = message(exc)
        with force_locale("zh"):
            zh = message(exc)
    assert en and not CJK.search(en) and "%(" not in en, en
    assert CJK.search(zh) and "%(" not in zh, (code, zh)
    assert english_words(zh) == [], (code, zh)  # no English left in the Chinese sentence


def test_plurals_and_labels(app):
    with app.test_request_context("/"):
        with force_locale("en"):
            one = message(ServiceError("quiz.unknown_deck_s", "x", value="7", n=1))
            two = message(ServiceError("quiz.unknown_deck_s", "x", value="7, 8", n=2))
            few = message(ServiceError("srs.too_few_reviews", "x", n=1))
            label = message(ServiceError("users.must_number", "x", label="Reviews per day"))
        with force_locale("zh"):
            zh_label = message(ServiceError("users.must_number", "x", label="Reviews per day"))
    assert one == "Unknown deck: 7" and two == "Unknown decks: 7, 8"
    assert few.startswith("Only 1 cross-day review so far:")
    assert label == "Reviews per day must be a number"
    assert zh_label == str(LABELS["Reviews per day"]) or "必须是数字" in zh_label
    assert "Reviews" not in zh_label


# --- through real requests -------------------------------------------------------------------

ZH = {"Accept-Language": "zh-CN"}


@pytest.fixture
def zh_client(client, auth, runner):
    assert runner.invoke(args=["notes", "import"]).exit_code == 0
    assert auth.signup().status_code == 302
    client.post("/language", data={"locale": "zh"})
    return client


def test_wrong_join_code_in_chinese(zh_client):
    html = zh_client.post("/join", data={"code": "ZZZZ-ZZZZ"}).get_data(as_text=True)
    assert "没有开放的班级使用这个加入码" in html
    assert "No open class" not in html


def test_settings_range_error_in_chinese(zh_client):
    html = zh_client.post("/settings", data={
        "timezone": "UTC", "desired_retention": "0.9", "new_per_day": "20",
        "reviews_per_day": "100000", "card_kinds": ["cloze"]}).get_data(as_text=True)
    assert "必须在 0 到 99999 之间（收到的是 100000）" in html
    assert "must be between" not in html


def test_optimiser_message_in_chinese(zh_client):
    html = zh_client.post("/settings/optimize", follow_redirects=True).get_data(as_text=True)
    assert "目前只有 0 次跨天复习" in html
    assert "too few" not in html and "Cannot optimise" not in html


def test_topic_weight_error_in_chinese(zh_client):
    html = zh_client.post("/quiz/start", data={
        "mode": "exam", "count": "5", "time_limit": "10", "pass_mark": "66",
        "weights": "Pod: lots"}).get_data(as_text=True)
    assert "主题权重“Pod: lots”：权重必须是数字" in html and "must be a number" not in html


def test_json_errors_in_chinese_with_their_code(zh_client):
    r = zh_client.post("/api/quiz/attempts", json={"mode": "essay"})
    assert r.status_code == 400
    body = r.get_json()
    assert body["code"] == "quiz.mode_must_one" and body["error"].startswith("模式必须是")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_error_pages_in_the_layout(client, auth, lang):
    auth.signup("first@example.com")  # the first account is the admin
    auth.logout()
    client.post("/language", data={"locale": lang})
    r = client.get("/no/such/page")
    html = r.get_data(as_text=True)
    assert r.status_code == 404
    assert 'class="brand"' in html and "nav-links" in html  # the site's navigation
    assert ('页面不存在' if lang == "zh" else "Page not found") in html
    assert ("前往首页" if lang == "zh" else "Go to the home page") in html
    assert "The requested URL was not found" not in html  # not Werkzeug's page
    assert client.get("/api/quiz/attempts/1/results").status_code == 401
    auth.signup()
    r = client.get("/api/quiz/attempts/999999/results")
    assert r.status_code == 404 and r.get_json()["status"] == 404
    page = client.get("/quiz/999999").get_data(as_text=True)
    assert ('页面不存在' if lang == "zh" else "Page not found") in page
    forbidden = client.get("/sets")  # learners have no sets
    assert forbidden.status_code == 403
    assert ("无权访问" if lang == "zh" else "does not have access") in forbidden.get_data(
        as_text=True)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_500_and_413_pages_in_the_layout(app_factory, db_url, lang):
    from flask import Blueprint

    with app_factory(db_url, TESTING=False, MAX_CONTENT_LENGTH=1000) as app:
        bp = Blueprint("boom", __name__)

        @bp.get("/boom")
        def boom():
            raise RuntimeError("a bug")

        app.register_blueprint(bp)
        client = app.test_client()
        client.post("/language", data={"locale": lang})
        r = client.get("/boom")
        html = r.get_data(as_text=True)
        assert r.status_code == 500 and 'class="brand"' in html
        assert ("出错了" if lang == "zh" else "Something went wrong") in html
        assert "a bug" not in html  # nothing of the exception leaks
        r = client.post("/login", data={"email": "x" * 2000, "password": "y"})
        assert r.status_code == 413
        assert ("内容过大" if lang == "zh" else "Too large") in r.get_data(as_text=True)
        api = client.get("/boom", headers={"Accept": "application/json"})
        assert api.status_code == 500 and api.get_json()["status"] == 500
