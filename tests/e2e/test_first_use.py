"""First use in the browser: the landing page a visitor sees, the error pages in the site's
layout, the admin making an account an instructor, and an instructor uploading notes."""

from __future__ import annotations

import re
import uuid

from tests.e2e.helpers import INSTRUCTOR, PASSWORD, axe_check, login, shot, signup

ADMIN = "admin@example.com"


def test_visitor_landing_page_in_both_languages(new_context):
    page = new_context().new_page()
    page.goto("/")
    assert page.get_by_role("heading", name="Study Kubernetes from your own notes").is_visible()
    assert page.get_by_text("turns Markdown notes about Kubernetes into flashcards").is_visible()
    axe_check(page, "landing")
    shot(page, "landing-en")
    page.get_by_role("link", name="Sign up, free").click()
    page.wait_for_url(re.compile(r"/signup$"))
    zh = new_context(locale="zh-CN", viewport={"width": 375, "height": 740}).new_page()
    zh.goto("/")
    assert zh.get_by_role("heading", name="用你自己的笔记学习 Kubernetes").is_visible()
    assert zh.get_by_role("link", name="免费注册").is_visible()
    assert zh.evaluate("() => document.documentElement.scrollWidth") <= 375
    shot(zh, "landing-zh-phone")


def test_not_found_page_has_the_layout_in_chinese(new_context):
    page = new_context(locale="zh-CN").new_page()
    response = page.goto("/no/such/page")
    assert response.status == 404
    assert page.get_by_role("heading", name=re.compile("页面不存在")).is_visible()
    assert page.locator("header.top a.brand").is_visible()  # the site's navigation
    assert page.locator("header.top").get_by_role("link", name="登录").is_visible()
    axe_check(page, "404 (zh)")
    page.get_by_role("link", name="前往首页").click()
    page.wait_for_url(re.compile(r"/$"))


def test_admin_makes_an_account_an_instructor(new_context):
    email = f"promoted-{uuid.uuid4().hex[:8]}@example.com"
    learner = new_context().new_page()
    signup(learner, email)
    assert learner.get_by_role("link", name="Sets").count() == 0
    admin = new_context().new_page()
    login(admin, ADMIN)
    admin.get_by_role("link", name="Accounts").click()
    admin.wait_for_url(re.compile(r"/admin/users$"))
    axe_check(admin, "accounts")
    admin.get_by_label(f"Role of {email}").select_option("instructor")
    admin.locator(f'tr[data-email="{email}"] button[type=submit]').click()
    admin.get_by_text(f"{email} is now: Instructor.").wait_for()
    shot(admin, "accounts")
    learner.reload()
    assert learner.get_by_role("link", name="Sets").is_visible()  # now an instructor


def test_instructor_uploads_a_note_then_sees_the_deck(new_context, tmp_path):
    title = f"Upload drill {uuid.uuid4().hex[:6]}"
    note = tmp_path / f"drill-{uuid.uuid4().hex[:6]}.md"
    note.write_text(f"---\ntitle: {title}\n---\n\n# Workloads\n\n"
                    "- Pod: the smallest unit the scheduler places\n"
                    "- DaemonSet(DS): one Pod on every node\n", encoding="utf-8")
    bad = tmp_path / "broken.md"
    bad.write_text("---\ntitle: [unclosed\n---\n\n# H\n", encoding="utf-8")
    page = new_context().new_page()
    login(page, INSTRUCTOR, PASSWORD)
    page.get_by_role("link", name="Notes").click()
    page.wait_for_url(re.compile(r"/notes/upload$"))
    axe_check(page, "notes upload")
    page.locator("#files").set_input_files([str(bad)])
    page.get_by_role("button", name="Check the notes").click()
    errors = page.locator("#upload-errors")
    errors.wait_for()
    assert re.search(r"uploads/broken\.md:\d+", errors.inner_text())
    page.locator("#files").set_input_files([str(note)])
    page.get_by_role("button", name="Check the notes").click()
    preview = page.locator("#preview")
    preview.wait_for()
    assert title in preview.inner_text()
    axe_check(page, "notes preview")
    shot(page, "notes-preview")
    page.get_by_role("button", name="Import").click()
    page.wait_for_url(re.compile(r"/$"))
    assert page.get_by_text(re.compile(r"Imported 1 note")).is_visible()
    assert page.get_by_role("cell", name=title).is_visible()
