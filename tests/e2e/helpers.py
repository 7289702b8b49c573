"""Helpers shared by the browser tests (imported as tests.e2e.helpers)."""

from __future__ import annotations

import os
import re
from pathlib import Path

ARTIFACTS = Path(__file__).parent / "artifacts"
PASSWORD = "correct horse 1"
INSTRUCTOR = "teacher@example.com"
AXE_PAGES: list[str] = []


def shot(page, name: str) -> None:
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def axe_check(page, label: str) -> list[dict]:
    """Run axe-core (vendored, loaded from the app itself: the CSP forbids inline script) on
    the page as it is now; fail on any serious or critical violation. Returns the minor and
    moderate ones, which are printed."""
    if not page.evaluate("() => !!window.axe"):
        page.add_script_tag(url="/static/vendor/axe-core/axe.min.js")
    result = page.evaluate("""async () => {
        const r = await axe.run(document, {resultTypes: ['violations']});
        return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
            nodes: v.nodes.slice(0, 5).map(n => n.target.join(' ') + ' :: ' +
                                             (n.failureSummary || '').replace(/\\s+/g, ' '))}));
    }""")
    bad = [v for v in result if v["impact"] in ("serious", "critical")]
    for v in result:
        if v not in bad:
            print(f"axe {label}: {v['impact']} {v['id']}: {v['help']}")
    if os.environ.get("AXE_REPORT_ONLY"):  # survey mode: print everything, fail on nothing
        for v in bad:
            print(f"AXE {label}: {v['impact']} {v['id']} ({v['help']}): {v['nodes']}")
        bad = []
    assert not bad, f"axe on {label}: " + "\n".join(
        f"{v['impact']} {v['id']} ({v['help']}): {v['nodes']}" for v in bad)
    AXE_PAGES.append(label)
    return result



def signup(page, email: str, password: str = PASSWORD) -> None:
    """Sign up through the form (by field id, so it works in either UI language)."""
    page.goto("/signup")
    page.locator("#email").fill(email)
    page.locator("#password").fill(password)
    page.locator("#confirm").fill(password)
    page.locator("main form.stack button[type=submit]").click()
    page.wait_for_url(re.compile(r"/$"))


def login(page, email: str, password: str = PASSWORD) -> None:
    page.goto("/login")
    page.locator("#email").fill(email)
    page.locator("#password").fill(password)
    page.locator("main form.stack button[type=submit]").click()
    page.wait_for_url(re.compile(r"/$"))
