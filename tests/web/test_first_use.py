"""First use: the landing page for visitors, the admin's accounts page and `flask users role`,
the example quiz sets imported for the first admin, notes uploaded in the browser."""

from __future__ import annotations

import base64
import io
import re
import zipfile

import pytest
from sqlalchemy import func, select

from studyk8s.config import ROOT
from studyk8s.persistence.models import Note, QuizSet, User

NOTE = "---\ntitle: Uploaded workloads\n---\n\n# Workloads\n\n- Pod: the smallest unit the " \
       "scheduler places\n- DaemonSet(DS): one Pod on every node\n"


def count(app, model, **where) -> int:
    with app.extensions["db_sessions"]() as s:
        q = select(func.count()).select_from(model)
        for k, v in where.items():
            q = q.where(getattr(model, k) == v)
        return s.scalar(q)


def role_of(app, email) -> str:
    with app.extensions["db_sessions"]() as s:
        return s.scalar(select(User.role).where(User.email == email))


@pytest.mark.parametrize(("lang", "heading", "signup"), [
    ("en", "Study Kubernetes from your own notes", "Sign up, free"),
    ("zh", "用你自己的笔记学习 Kubernetes", "免费注册"),
])
def test_visitors_see_what_the_app_does(client, lang, heading, signup):
    client.post("/language", data={"locale": lang})
    html = client.get("/").get_data(as_text=True)
    assert heading in html and signup in html and 'href="/signup"' in html
    assert 'href="/login"' in html


def test_signed_in_learners_do_not_get_the_pitch(client, auth):
    auth.signup()
    assert "Study Kubernetes from your own notes" not in client.get("/").get_data(as_text=True)


def test_admin_page_makes_an_account_an_instructor(app, client, auth):
    auth.signup("admin@example.com")  # the first account is the admin
    auth.logout()
    auth.signup("ada@example.com")
    assert client.get("/admin/users").status_code == 403  # learners do not manage accounts
    auth.logout()
    auth.login("admin@example.com")
    html = client.get("/admin/users").get_data(as_text=True)
    assert "ada@example.com" in html and 'href="/admin/users"' in html
    ada = re.search(r'data-email="ada@example.com">.*?action="(/admin/users/\d+/role)"', html,
                    re.S).group(1)
    r = client.post(ada, data={"role": "instructor"})
    assert r.status_code == 303 and role_of(app, "ada@example.com") == "instructor"
    assert "ada@example.com is now: Instructor." in client.get("/admin/users").get_data(
        as_text=True)
    assert client.post(ada, data={"role": "overlord"}).status_code == 303  # refused, flashed
    assert role_of(app, "ada@example.com") == "instructor"
    me = re.search(r'data-email="admin@example.com">.*?action="(/admin/users/\d+/role)"', html,
                   re.S).group(1)
    client.post(me, data={"role": "learner"})  # the only admin stays admin
    assert role_of(app, "admin@example.com") == "admin"
    page = client.get("/admin/users").get_data(as_text=True)
    assert "the only admin" in page


def test_users_role_command(app, runner, auth):
    auth.signup("admin@example.com")
    auth.logout()
    auth.signup("bo@example.com")
    r = runner.invoke(args=["users", "role", "bo@example.com", "instructor"])
    assert r.exit_code == 0 and "bo@example.com is now instructor" in r.output
    assert role_of(app, "bo@example.com") == "instructor"
    r = runner.invoke(args=["users", "role", "nobody@example.com", "instructor"])
    assert r.exit_code != 0 and "no such account" in r.output


def test_example_sets_wait_for_an_admin_then_import(app, runner, auth):
    r = runner.invoke(args=["sets", "import", "--if-admin"])
    assert r.exit_code == 0 and "no admin account" in r.output
    assert count(app, QuizSet) == 0
    assert runner.invoke(args=["notes", "import"]).exit_code == 0
    auth.signup("admin@example.com")
    r = runner.invoke(args=["sets", "import", "--if-admin"])
    assert r.exit_code == 0, r.output
    assert count(app, QuizSet) == 1


def test_first_admin_signup_imports_the_example_sets(app, client, auth, runner):
    app.config["QUIZZES_DIR"] = str(ROOT / "content" / "quizzes")
    assert runner.invoke(args=["notes", "import"]).exit_code == 0
    auth.signup("admin@example.com")
    assert count(app, QuizSet) == 1
    html = client.get("/sets").get_data(as_text=True)
    assert "No sets yet" not in html
    auth.logout()
    auth.signup("second@example.com")  # only the first admin's sign-up imports
    assert count(app, QuizSet) == 1


# --- notes from the browser ------------------------------------------------------------------


@pytest.fixture
def instructor(app, client, auth, runner):
    auth.signup("admin@example.com")
    auth.logout()
    auth.signup("teach@example.com")
    runner.invoke(args=["users", "role", "teach@example.com", "instructor"])
    return client


def upload(client, *files):
    data = {"files": [(io.BytesIO(body), name) for name, body in files]}
    return client.post("/notes/upload", data=data, content_type="multipart/form-data")


def test_upload_preview_then_import(app, instructor):
    assert instructor.get("/notes/upload").status_code == 200
    r = upload(instructor, ("workloads.md", NOTE.encode()))
    html = r.get_data(as_text=True)
    assert r.status_code == 200 and "Uploaded workloads" in html
    assert "Check before importing" in html
    assert count(app, Note) == 0  # the preview wrote nothing
    names = re.findall(r'name="name" value="([^"]+)"', html)
    bodies = re.findall(r'name="body" value="([^"]+)"', html)
    assert names == ["uploads/workloads.md"]
    assert base64.b64decode(bodies[0]) == NOTE.encode()  # carried exactly
    r = instructor.post("/notes/import", data={"name": names, "body": bodies})
    assert r.status_code == 303 and count(app, Note) == 1
    home = instructor.get("/").get_data(as_text=True)
    assert "Imported 1 note (0 unchanged)" in home and "Uploaded workloads" in home


def test_bad_upload_names_file_and_line_and_writes_nothing(app, instructor):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("notes/good.md", NOTE)
        z.writestr("notes/bad.md", "---\ntitle: [unclosed\n---\n\n# H\n")
    r = upload(instructor, ("folder.zip", buf.getvalue()))
    html = r.get_data(as_text=True)
    assert r.status_code == 400
    assert re.search(r"<code>uploads/notes/bad\.md:\d+</code>", html)
    assert "Nothing was imported" in html and count(app, Note) == 0
    r = instructor.post("/notes/import", data={"name": ["uploads/../../etc.md"],
                                                "body": [base64.b64encode(b"x").decode()]})
    assert r.status_code == 400 and count(app, Note) == 0


def test_learners_cannot_upload(client, auth):
    auth.signup("admin@example.com")
    auth.logout()
    auth.signup("learner@example.com")
    assert client.get("/notes/upload").status_code == 403
    assert upload(client, ("x.md", NOTE.encode())).status_code == 403


def test_upload_page_in_chinese(instructor):
    instructor.post("/language", data={"locale": "zh"})
    html = instructor.get("/notes/upload").get_data(as_text=True)
    assert "上传笔记" in html and "Upload notes" not in html
