"""Fixtures in the Flask tutorial's style: ``app``, ``client``, ``runner``, plus ``session``.

Every test gets its own SQLite file, copied from one database migrated once per run with
Alembic (the same migrations production uses; no create_all).
"""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest

from studyk8s import create_app
from studyk8s.config import ROOT, TestConfig
from studyk8s.db import make_engine
from studyk8s.migrate import upgrade

SHARED_NOTE = ROOT / "content" / "notes" / "docker-k8s-1.md"


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()
    return path


@pytest.fixture
def db_url(tmp_path, migrated_template) -> str:
    path = tmp_path / "test.db"
    shutil.copy(migrated_template, path)
    return f"sqlite:///{path}"


@pytest.fixture
def notes_dir(tmp_path) -> Path:
    d = tmp_path / "notes"
    d.mkdir()
    shutil.copy(SHARED_NOTE, d / SHARED_NOTE.name)
    return d


@pytest.fixture
def app(db_url, notes_dir):
    config = TestConfig()
    config.DATABASE_URL = db_url
    config.NOTES_DIR = str(notes_dir)
    config.WTF_CSRF_ENABLED = False
    app = create_app(config)
    yield app
    app.extensions["db_engine"].dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def session(app):
    with app.app_context():
        s = app.extensions["db_sessions"]()
        yield s
        s.close()


@pytest.fixture
def now() -> datetime:
    return datetime(2026, 1, 5, 10, 0, tzinfo=UTC)
