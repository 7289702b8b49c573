"""Fixtures in the Flask tutorial's style: ``app``, ``client``, ``runner``, plus ``session``.

Every test gets its own SQLite file, copied from one database migrated once per run with
Alembic (the same migrations production uses; no create_all). With TEST_DATABASE_URL set
(``postgresql+psycopg://postgres@127.0.0.1:5432/postgres``) the suite runs on PostgreSQL
instead, in a database of its own that is dropped at the end.
"""

from __future__ import annotations

import os
import re
import shutil
import uuid
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect
from sqlalchemy.engine import make_url

from studyk8s.app import create_app
from studyk8s.config import ROOT, TestConfig
from studyk8s.migrate import upgrade
from studyk8s.persistence.engine import make_engine

SHARED_NOTE = ROOT / "content" / "notes" / "docker-k8s-1.md"


TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL", "")


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory) -> Path:
    """SQLite: one database migrated once per run; each test gets a copy of the file."""
    path = tmp_path_factory.mktemp("template") / "template.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()
    return path


@contextmanager
def scratch_database(server_url: str, label: str):
    """A fresh PostgreSQL database on ``server_url``'s server, dropped afterwards."""
    server = make_url(server_url)
    name = f"studyk8s_{label}_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    admin = create_engine(server.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


@pytest.fixture(scope="session")
def pg_database():
    """PostgreSQL (TEST_DATABASE_URL set): one database per run, migrated once, dropped at
    the end; tables are emptied after every test."""
    with scratch_database(TEST_DATABASE_URL, "test") as url:
        engine = make_engine(url)
        upgrade(engine)
        engine.dispose()
        yield url


def _truncate_all(url: str) -> None:
    engine = make_engine(url)
    present = set(inspect(engine).get_table_names()) - {"alembic_version"}
    tables = ", ".join(f'"{name}"' for name in sorted(present))
    with engine.begin() as conn:
        conn.exec_driver_sql(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")
    engine.dispose()


@pytest.fixture
def db_url(request, tmp_path) -> str:
    if TEST_DATABASE_URL:
        url = request.getfixturevalue("pg_database")
        yield url
        _truncate_all(url)
        return
    path = tmp_path / "test.db"
    shutil.copy(request.getfixturevalue("migrated_template"), path)
    yield f"sqlite:///{path}"


@pytest.fixture
def notes_dir(tmp_path) -> Path:
    d = tmp_path / "notes"
    d.mkdir()
    shutil.copy(SHARED_NOTE, d / SHARED_NOTE.name)
    return d


@pytest.fixture
def app(db_url, notes_dir):
    with made_app(db_url, notes_dir) as app:
        yield app


@pytest.fixture
def app_factory():
    """``made_app`` for tests that need an app with other settings (CSRF on, Redis…)."""
    return made_app


@contextmanager
def made_app(db_url: str, notes_dir=None, **settings):
    """An app on ``db_url`` (CSRF off unless ``WTF_CSRF_ENABLED=True`` is given); its engine is
    disposed of afterwards."""
    config = TestConfig()
    config.DATABASE_URL = db_url
    if notes_dir is not None:
        config.NOTES_DIR = str(notes_dir)
    config.WTF_CSRF_ENABLED = False
    for key, value in settings.items():
        setattr(config, key, value)
    app = create_app(config)
    try:
        yield app
    finally:
        app.extensions["db_engine"].dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


class AuthActions:
    """Sign up, log in and log out through the real forms (flaskr's ``AuthActions``). Each
    action takes another ``client`` (a second browser) if given, and the form's CSRF token
    when the app checks it."""

    PASSWORD = "kube-study-4471"

    def __init__(self, client) -> None:
        self._client = client

    def _post(self, url: str, data: dict, client=None, **kw):
        client = client or self._client
        if client.application.config.get("WTF_CSRF_ENABLED"):
            page = client.get(url).get_data(as_text=True)
            data = {**data, "csrf_token": re.search(
                r'name="csrf_token"[^>]*value="([^"]+)"', page)[1]}
        return client.post(url, data=data, **kw)

    def signup(self, email: str = "me@example.com", password: str = PASSWORD, *,
               timezone: str = "UTC", confirm: str | None = None, client=None, **kw):
        return self._post("/signup", {"email": email, "password": password,
                                      "confirm": confirm or password, "timezone": timezone},
                          client, **kw)

    def login(self, email: str = "me@example.com", password: str = PASSWORD, *,
              client=None, **kw):
        return self._post("/login", {"email": email, "password": password}, client, **kw)

    def logout(self, client=None):
        return self._post("/logout", {}, client)


@pytest.fixture
def auth(client) -> AuthActions:
    return AuthActions(client)


@pytest.fixture
def session(app):
    with app.app_context():
        s = app.extensions["db_sessions"]()
        yield s
        s.close()


@pytest.fixture
def now() -> datetime:
    return datetime(2026, 1, 5, 10, 0, tzinfo=UTC)
