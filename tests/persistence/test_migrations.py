"""Alembic: `upgrade head` on an empty database gives exactly the models' schema (no drift),
and every migration downgrades. Runs on SQLite, and on PostgreSQL with TEST_DATABASE_URL."""

from __future__ import annotations

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from studyk8s.migrate import alembic_config, upgrade
from studyk8s.persistence.engine import make_engine
from studyk8s.persistence.models import Base
from tests.conftest import TEST_DATABASE_URL, scratch_database


@pytest.fixture
def empty_url(tmp_path):
    if TEST_DATABASE_URL:
        with scratch_database(TEST_DATABASE_URL, "migr") as url:
            yield url
    else:
        yield f"sqlite:///{tmp_path / 'm.db'}"


def test_upgrade_head_matches_models(empty_url):
    engine = make_engine(empty_url)
    upgrade(engine)
    with engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(ctx, Base.metadata)
    engine.dispose()
    assert diff == []


def test_downgrade_to_base_and_back(empty_url):
    engine = make_engine(empty_url)
    upgrade(engine)
    cfg = alembic_config(engine.url.render_as_string(hide_password=False))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "base")
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    upgrade(engine)
    assert "review_log" in inspect(engine).get_table_names()
    engine.dispose()
