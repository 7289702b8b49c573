"""Alembic: `upgrade head` on an empty database gives exactly the models' schema (no drift)."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from studyk8s.db import make_engine
from studyk8s.models import Base


def test_upgrade_head_matches_models(migrated_template):
    engine = make_engine(f"sqlite:///{migrated_template}")
    with engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(ctx, Base.metadata)
    engine.dispose()
    assert diff == []


def test_downgrade_to_base_and_back(tmp_path):
    from alembic import command

    from studyk8s.migrate import alembic_config, upgrade

    engine = make_engine(f"sqlite:///{tmp_path / 'm.db'}")
    upgrade(engine)
    cfg = alembic_config(str(engine.url))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "base")
    with engine.connect() as conn:
        tables = {r[0] for r in conn.exec_driver_sql(
            "SELECT name FROM sqlite_master WHERE type='table'")}
    assert tables <= {"alembic_version"}
    upgrade(engine)
    engine.dispose()
