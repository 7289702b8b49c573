"""The scale-out path under load (issue 18; `make test-load`): two gunicorn servers on two
ports, one PostgreSQL database, every learner's requests alternating between them as behind
a round-robin load balancer (each server keeps its own in-memory review queues). Every
acknowledged answer in the log exactly once, no 5xx, `flask db check` 0 mismatches."""

from __future__ import annotations

import os

import pytest
from sqlalchemy import create_engine, text

from tests.conftest import scratch_database

from .harness import Client, Server
from .test_load import CLIENTS, SECONDS, _check, _figures, _report, _run

pytestmark = pytest.mark.skipif(os.environ.get("STUDYK8S_LOAD") != "1",
                                reason="load tests run with `make test-load`")
PG_URL = os.environ.get("LOAD_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")


def _pg_log(url: str) -> tuple[set[str], int, int]:
    """(client ids in the log, rows, rows that repeat a (user, card, version) transition)."""
    engine = create_engine(url)
    with engine.connect() as conn:
        ids = {r[0] for r in conn.execute(text("select client_id from review_log"))}
        rows = conn.execute(text("select count(*) from review_log")).scalar()
        dup = conn.execute(text(
            "select count(*) from (select user_id, card_id, state_before->>'version' v"
            " from review_log where undone_at is null group by 1, 2, 3"
            " having count(*) > 1) t")).scalar()
    engine.dispose()
    return ids, rows, dup


@pytest.fixture
def pg_url():
    """A scratch database on PG_URL's server, dropped afterwards (skipped without one)."""
    try:
        create_engine(PG_URL).connect().close()
    except Exception as exc:  # noqa: BLE001 (no server here: say so)
        pytest.skip(f"PostgreSQL not reachable at {PG_URL}: {exc.__class__.__name__}")
    with scratch_database(PG_URL, "load") as url:
        yield url


def test_two_servers_on_one_postgresql_database(tmp_path, pg_url):
    a = Server(tmp_path / "a", database_url=pg_url)
    b = Server(tmp_path / "b", database_url=pg_url)
    a.prepare()
    b.instance.mkdir(parents=True, exist_ok=True)
    a.start()
    b.start()
    try:
        clients = [Client(a.port, f"pg{i}@example.com", also=(b.port,))
                   for i in range(CLIENTS)]
        for c in clients:
            c.signup()
        tally, elapsed = _run(clients, SECONDS)
    finally:
        a.stop()
        b.stop()
    ids, rows, dup = _pg_log(pg_url)
    lost = tally.acked - ids
    figures = {**_figures(tally, elapsed), "servers": 2, "log_rows": rows,
               "lost": len(lost), "duplicated": dup, **_check(a)}
    _report("load_postgresql_two_servers", figures)
    assert tally.acked and not lost and dup == 0
    assert tally.server_errors == 0, tally.errors
