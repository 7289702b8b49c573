"""No network needed: every page loads all its CSS, JS and fonts from the app itself, and the
guard that fails a test on any other host (conftest.Guard) really catches one."""

from __future__ import annotations

import uuid

from tests.e2e.helpers import axe_check, signup

PAGES = ("/", "/review", "/quiz", "/settings", "/stats", "/settings/password")


def test_pages_load_everything_from_the_app(new_context, base_url):
    context = new_context()
    seen: list[str] = []
    context.on("request", lambda r: seen.append(r.url))
    page = context.new_page()
    signup(page, f"offline-{uuid.uuid4().hex[:8]}@example.com")
    for path in PAGES:
        page.goto(path)
        page.wait_for_load_state("networkidle")
    assert seen and all(u.startswith(base_url) or u.startswith("data:") for u in seen), seen
    kinds = {u.rsplit(".", 1)[-1] for u in seen if "/static/" in u}
    assert {"css", "js"} <= kinds


def test_the_guard_catches_another_host(browser, base_url):
    from tests.e2e.conftest import Guard

    context = browser.new_context(base_url=base_url)
    guard = Guard(base_url)
    context.route("**/*", guard.route)
    page = context.new_page()
    page.goto("/login")
    try:  # a link to elsewhere, followed (the CSP stops subresources before any request)
        page.goto("http://192.0.2.1/x.html")
    except Exception as exc:  # aborted by the guard: nothing left this machine
        assert "ERR_FAILED" in str(exc) or "net::" in str(exc), exc
    finally:
        context.close()
    assert guard.foreign == ["http://192.0.2.1/x.html"]


def test_axe_finds_a_planted_violation(page):
    """The accessibility check is live: an input with no label is reported as critical."""
    page.goto("/login")
    page.evaluate("""() => { const i = document.createElement('input');
        i.id = 'planted'; document.querySelector('main').appendChild(i); }""")
    try:
        axe_check(page, "planted")
    except AssertionError as exc:
        assert "label" in str(exc)
    else:
        raise AssertionError("axe did not report an input without a label")
