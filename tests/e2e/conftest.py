"""Browser tests: Debian's Chromium driven by Playwright for Python, against the real app.

The app runs in a real HTTP server (werkzeug's ``make_server``, threaded) on a free loopback
port, on a scratch SQLite database migrated with Alembic and loaded with the shared note. CSRF
protection is on, as in production. Every page a test opens is watched: a request to any host
other than the app's is aborted and fails the test, so the app is shown to work with no network.

Chromium is Debian's (``/usr/bin/chromium``, or ``$CHROMIUM``): Playwright's own browser
download does not work here. Without it every test here is skipped, with the reason shown.
Screenshots go to ``tests/e2e/artifacts/`` (git-ignored); a failing test also leaves the page's
HTML and a screenshot there.
"""

from __future__ import annotations

import os
import re
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from studyk8s.app import create_app
from studyk8s.config import ROOT, TestConfig
from studyk8s.migrate import upgrade
from studyk8s.persistence.engine import make_engine
from tests.e2e.helpers import ARTIFACTS, AXE_PAGES, PASSWORD

CHROMIUM = os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--disable-quic", "--no-first-run",
]


def _why_skip() -> str | None:
    if not Path(CHROMIUM).exists():
        return (f"no Chromium at {CHROMIUM}: browser tests skipped "
                "(apt-get install chromium, or set CHROMIUM=/path/to/chromium)")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return ("playwright is not installed: browser tests skipped "
                "(pip install -r requirements-dev.txt)")
    return None


SKIP_REASON = _why_skip()


def pytest_collection_modifyitems(config, items):
    if SKIP_REASON is None:
        return
    mark = pytest.mark.skip(reason=SKIP_REASON)
    for item in items:
        if "tests/e2e/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(mark)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


# --- the app, served for real ------------------------------------------------------------


class E2EConfig(TestConfig):
    SECRET_KEY = "e2e-only-secret"
    WTF_CSRF_ENABLED = True


def notes_app(base: Path):
    """An app on a fresh SQLite file in ``base``, its notes (``base/notes``) imported."""
    url = f"sqlite:///{base / 'e2e.db'}"
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    config = E2EConfig()
    config.DATABASE_URL = url
    config.NOTES_DIR = str(base / "notes")
    app = create_app(config)
    result = app.test_cli_runner().invoke(args=["notes", "import"])
    assert result.exit_code == 0, result.output
    return app


def serve(app, name: str) -> Iterator[str]:
    """``app`` served on a free loopback port in a thread, for as long as the caller yields."""
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name=name, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(10)


@pytest.fixture(scope="session")
def live_app(tmp_path_factory):
    base = tmp_path_factory.mktemp("e2e")
    (base / "notes").mkdir()
    shutil.copy(ROOT / "content" / "notes" / "docker-k8s-1.md", base / "notes")
    app = notes_app(base)
    runner = app.test_cli_runner()
    for args in (["users", "create", "admin@example.com", "--role", "admin",
                  "--password", PASSWORD],
                 ["users", "create", "teacher@example.com", "--role", "instructor",
                  "--password", PASSWORD]):
        result = runner.invoke(args=args)
        assert result.exit_code == 0, result.output
    yield app
    app.extensions["db_engine"].dispose()


@pytest.fixture(scope="session")
def base_url(live_app) -> Iterator[str]:
    yield from serve(live_app, "e2e-server")


# --- the browser -------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser():
    if SKIP_REASON:
        pytest.skip(SKIP_REASON)
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    for old in ARTIFACTS.glob("FAILED-*"):  # from an earlier run
        old.unlink()
    with sync_playwright() as pw:
        # launch() gives every run a fresh temporary profile (user-data dir), removed on close.
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True,
                                     args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class Guard:
    """Requests to any host but the app's: aborted, and remembered to fail the test."""

    def __init__(self, base_url: str) -> None:
        self.origin = urlsplit(base_url).netloc
        self.foreign: list[str] = []
        self.failed: list[str] = []

    def route(self, route) -> None:
        url = route.request.url
        parts = urlsplit(url)
        if parts.scheme in ("data", "blob", "about") or parts.netloc == self.origin:
            route.continue_()
        else:
            self.foreign.append(url)
            route.abort()

    def response(self, response) -> None:
        if response.status >= 500 or (response.status == 404 and "/static/" in response.url):
            self.failed.append(f"{response.status} {response.url}")


@pytest.fixture
def new_context(browser, base_url, request):
    """Make browser contexts (each a separate cookie jar: a separate person), all guarded;
    on a failure every open page's HTML and a screenshot are saved."""
    made: list = []
    guards: list[Guard] = []

    def make(**options):
        options.setdefault("viewport", {"width": 1100, "height": 900})
        options.setdefault("locale", "en-US")
        context = browser.new_context(base_url=base_url, **options)
        context.set_default_timeout(10_000)
        guard = Guard(base_url)
        context.route("**/*", guard.route)
        context.on("response", guard.response)
        made.append(context)
        guards.append(guard)
        return context

    yield make
    failed = getattr(request.node, "rep_call", None)
    if failed is not None and failed.failed:
        name = re.sub(r"[^\w.-]+", "_", request.node.name)
        for i, context in enumerate(made):
            for j, page in enumerate(context.pages):
                stem = ARTIFACTS / f"FAILED-{name}-{i}-{j}"
                try:
                    stem.with_suffix(".html").write_text(page.content())
                    page.screenshot(path=str(stem.with_suffix(".png")), full_page=True)
                except Exception:  # the page may be gone; keep what we can
                    pass
    for context in made:
        context.close()
    foreign = [u for g in guards for u in g.foreign]
    assert not foreign, f"pages requested hosts other than the app's: {foreign}"
    errors = [u for g in guards for u in g.failed]
    assert not errors, f"server errors or missing static files: {errors}"


@pytest.fixture
def page(new_context):
    return new_context().new_page()


def pytest_terminal_summary(terminalreporter):
    if AXE_PAGES:
        terminalreporter.write_line(
            f"axe-core: {len(AXE_PAGES)} page states checked, no serious or critical "
            f"violations ({', '.join(sorted(set(AXE_PAGES)))})")
