"""Chinese and English UI (studyk8s/i18n.py): chosen from Accept-Language, switchable,
remembered per account; dates and numbers per locale; generated questions keep the note's
language whatever the UI language; the Chinese catalog covers every UI string."""

from __future__ import annotations

import html as htmllib
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from sqlalchemy import select

from studyk8s.config import ROOT
from studyk8s.persistence.models import User
from tests.conftest import AuthActions

TRANSLATIONS = ROOT / "studyk8s" / "translations"
ZH_PO = TRANSLATIONS / "zh" / "LC_MESSAGES" / "messages.po"
CJK = re.compile(r"[\u4e00-\u9fff]")
ZH = {"Accept-Language": "zh-CN,zh;q=0.9,en;q=0.8"}
PASSWORD = "kube-study-4471"


@pytest.fixture(autouse=True, scope="module")
def compiled_catalogs():
    """`make` compiles the catalogs; a bare `pytest` run gets them compiled here too."""
    for po in TRANSLATIONS.glob("*/LC_MESSAGES/messages.po"):
        mo = po.with_suffix(".mo")
        if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
            with po.open("rb") as f:
                catalog = read_po(f)
            with mo.open("wb") as f:
                write_mo(f, catalog)


def h1(page: str) -> str:
    return re.search(r"<h1[^>]*>(.*?)</h1>", page, re.S).group(1).strip()


def html_lang(page: str) -> str:
    return re.search(r'<html lang="([^"]+)"', page).group(1)


def signup(client, email: str, **headers) -> None:
    r = AuthActions(client).signup(email, PASSWORD, timezone="Asia/Shanghai", headers=headers)
    assert r.status_code == 302, r.get_data(as_text=True)


def locale_of(app, email: str) -> str | None:
    with app.app_context():
        s = app.extensions["db_sessions"]()
        try:
            return s.scalar(select(User.locale).where(User.email == email))
        finally:
            s.close()


# --- choosing the language --------------------------------------------------------------------


@pytest.mark.parametrize(("header", "lang", "title"), [
    (None, "en", "Log in"),
    ("en-US,en;q=0.9", "en", "Log in"),
    ("zh-CN,zh;q=0.9", "zh-CN", "登录"),
    ("zh", "zh-CN", "登录"),
    ("zh-Hans-CN", "zh-CN", "登录"),
    ("fr-FR,fr;q=0.9", "en", "Log in"),  # neither: English
    ("fr-FR,zh-CN;q=0.5", "zh-CN", "登录"),  # the first supported one
])
def test_accept_language_chooses_the_ui_language(client, header, lang, title):
    page = client.get("/login", headers={"Accept-Language": header} if header else {})
    text = page.get_data(as_text=True)
    assert html_lang(text) == lang and h1(text) == title


def test_chinese_ui_translates_labels_nav_and_form_errors(client):
    page = client.get("/signup", headers=ZH).get_data(as_text=True)
    assert ">邮箱</label>" in page and ">确认密码</label>" in page and "注册" in page
    assert "跳到正文" in page  # the skip link
    r = client.post("/signup", headers=ZH, data={"email": "x@example.com", "password": "short",
                                                 "confirm": "other", "timezone": "UTC"})
    text = r.get_data(as_text=True)
    assert "至少使用 8 个字符。" in text and "两次输入的密码不一致。" in text


def test_the_switch_is_remembered_on_the_account(app, client):
    signup(client, "ada@example.com")
    assert h1(client.get("/settings").get_data(as_text=True)) == "Settings"
    r = client.post("/language", data={"locale": "zh", "next": "/settings"})
    assert r.status_code == 303 and r.headers["Location"].endswith("/settings")
    assert h1(client.get("/settings").get_data(as_text=True)) == "设置"
    assert locale_of(app, "ada@example.com") == "zh"
    # Another device, a browser asking for English: the account's choice wins.
    client.post("/logout")
    other = app.test_client()
    r = AuthActions(other).login("ada@example.com", PASSWORD,
                                 headers={"Accept-Language": "en-US"})
    assert r.status_code == 302
    home = other.get("/", headers={"Accept-Language": "en-US"}).get_data(as_text=True)
    assert html_lang(home) == "zh-CN" and "退出登录" in home
    # …and back to English, remembered too.
    other.post("/language", data={"locale": "en"})
    assert locale_of(app, "ada@example.com") == "en"
    assert h1(other.get("/settings", headers=ZH).get_data(as_text=True)) == "Settings"
    # Other accounts are not affected.
    third = app.test_client()
    signup(third, "bob@example.com")
    assert h1(third.get("/settings").get_data(as_text=True)) == "Settings"
    assert locale_of(app, "bob@example.com") is None


def test_a_visitors_choice_carries_into_the_new_account(app, client):
    client.post("/language", data={"locale": "zh", "next": "/signup"})
    assert h1(client.get("/signup").get_data(as_text=True)) == "创建账户"
    signup(client, "cy@example.com")
    assert locale_of(app, "cy@example.com") == "zh"


def test_unknown_language_and_foreign_next_are_ignored(client):
    r = client.post("/language", data={"locale": "xx", "next": "https://evil.example/"})
    assert r.status_code == 303 and r.headers["Location"] == "/"
    assert html_lang(client.get("/login").get_data(as_text=True)) == "en"
    r = client.post("/language", data={"locale": "zh", "next": "//evil.example/"})
    assert r.headers["Location"] == "/"


def test_every_page_has_the_switch_naming_each_language_in_itself(client):
    page = client.get("/login", headers=ZH).get_data(as_text=True)
    assert 'action="/language"' in page
    assert re.search(r'lang="en"[^>]*aria-pressed="false">English</button>', page)
    assert re.search(r'lang="zh-CN"[^>]*aria-pressed="true">中文</button>', page)


# --- scripts, dates, numbers ----------------------------------------------------------------


def js_strings(page: str) -> dict[str, str]:
    raw = re.search(r'id="i18n" hidden data-strings="([^"]*)"', page).group(1)
    return json.loads(htmllib.unescape(raw))


def test_scripts_get_their_strings_in_the_ui_language(app, client, runner):
    assert runner.invoke(args=["notes", "import"]).exit_code == 0
    signup(client, "js@example.com")
    en = js_strings(client.get("/review").get_data(as_text=True))
    zh = js_strings(client.get("/review", headers=ZH).get_data(as_text=True))
    assert en["tomorrow_other"] == "Tomorrow: {n} cards due." and en["_locale"] == "en"
    assert en["tomorrow_one"] == "Tomorrow: {n} card due."
    assert zh["tomorrow_other"] == "明天：{n} 张卡片到期。" and zh["_locale"] == "zh-CN"
    assert zh["iv_d"] == "{n}天" and zh["again"] == "重来"
    assert set(en) == set(zh)


def test_dates_and_numbers_follow_the_locale(client, runner):
    assert runner.invoke(args=["notes", "import"]).exit_code == 0
    signup(client, "fmt@example.com")
    r = client.post("/api/quiz/attempts", json={"mode": "practice", "count": 2, "seed": 3})
    assert r.status_code == 201
    attempt = r.get_json()["id"]
    client.post(f"/api/quiz/attempts/{attempt}/submit")
    en = client.get("/quiz").get_data(as_text=True)
    zh = client.get("/quiz", headers=ZH).get_data(as_text=True)
    assert re.search(r"[A-Z][a-z]{2} \d{1,2}, \d{4} \d{2}:\d{2}</time>", en)
    assert re.search(r"\d{4}年\d{1,2}月\d{1,2}日 \d{2}:\d{2}</time>", zh)
    results = client.get(f"/quiz/{attempt}/results", headers=ZH).get_data(as_text=True)
    assert re.search(r"<b>\d+%</b>", results) and "练习小结" in results


# --- content keeps its own language ---------------------------------------------------------


def test_generated_chinese_questions_stay_chinese_under_the_english_ui(client, runner):
    assert runner.invoke(args=["notes", "import"]).exit_code == 0
    signup(client, "mixed@example.com")
    r = client.post("/api/quiz/attempts", json={"mode": "practice", "count": 6, "seed": 7,
                                                "kinds": ["single", "true_false"]},
                    headers={"Accept-Language": "en-US"})
    body = r.get_json()
    assert r.status_code == 201 and body["questions"]
    for q in body["questions"]:
        assert q["lang"] == "zh" and CJK.search(q["prompt"]), q["prompt"]
    page = client.get(body["url"], headers={"Accept-Language": "en-US"}).get_data(as_text=True)
    assert html_lang(page) == "en" and "Finish and see the summary" in page
    # The review card, too: Chinese text, marked as such, inside the English page.
    card = client.get("/api/review/next").get_json()["card"]
    assert card["lang"] == "zh"


def test_english_questions_stay_english_under_the_chinese_ui(app, client, runner, tmp_path):
    notes = tmp_path / "en-notes"
    notes.mkdir()
    shutil.copy(ROOT / "tests" / "notes" / "fixtures" / "services-en.md", notes)
    assert runner.invoke(args=["notes", "import", str(notes)]).exit_code == 0
    signup(client, "zh-ui@example.com", **ZH)
    client.post("/language", data={"locale": "zh"})
    r = client.post("/api/quiz/attempts", json={"mode": "practice", "count": 4, "seed": 1,
                                                "kinds": ["single"]}, headers=ZH)
    body = r.get_json()
    assert r.status_code == 201 and body["questions"]
    for q in body["questions"]:
        assert q["lang"] == "en" and not CJK.search(q["prompt"]), q["prompt"]
    page = client.get(body["url"], headers=ZH).get_data(as_text=True)
    assert html_lang(page) == "zh-CN" and "结束并查看小结" in page


# --- the catalog ------------------------------------------------------------------------------


def test_the_chinese_catalog_translates_every_ui_string(tmp_path):
    """Every string the code and templates mark for translation is in the Chinese catalog,
    translated, with the same placeholders. (After changing UI text: `make messages`, then
    translate the new entries in studyk8s/translations/zh/LC_MESSAGES/messages.po.)"""
    pot = tmp_path / "messages.pot"
    pybabel = Path(sys.executable).with_name("pybabel")
    subprocess.run([str(pybabel), "-q", "extract", "-F", "babel.cfg", "-k", "_l", "-k",
                    "lazy_gettext", "-o", str(pot), "."], cwd=ROOT, check=True)
    with pot.open("rb") as f:
        wanted = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(f) if m.id}
    with ZH_PO.open("rb") as f:
        catalog = read_po(f, locale="zh")
    have = {m.id if isinstance(m.id, str) else m.id[0]: m for m in catalog if m.id}
    missing = sorted(wanted - set(have))
    assert not missing, f"not in the Chinese catalog (run `make messages`): {missing}"
    untranslated = sorted(k for k in wanted
                          if not (have[k].string if isinstance(have[k].string, str)
                                  else all(have[k].string)) or have[k].fuzzy)
    assert not untranslated, f"untranslated or fuzzy: {untranslated}"
    problems = [(m.id, [str(e) for e in errors]) for m, errors in catalog.check()]
    assert not problems, problems
    placeholder = re.compile(r"%\(\w+\)[sd]|\{\w+\}")
    for key in wanted:
        m = have[key]
        ids = [m.id] if isinstance(m.id, str) else list(m.id)
        strings = [m.string] if isinstance(m.string, str) else list(m.string)
        assert sorted(set(placeholder.findall(strings[0]))) == sorted(
            set(placeholder.findall(ids[-1]))), (m.id, m.string)
