"""Where a load scenario runs (tests/load/test_load.py): one gunicorn server on SQLite, or two
servers on two ports over one PostgreSQL database (issue 18's scale-out path, each server with
its own in-memory review queues). The scenarios are the same code; a deployment says how many
servers there are, which one a kill hits, how the review log is read back, and under which
names the figures go into bench/load_results.json."""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from tests.conftest import scratch_database

from .harness import Client, Server

PG_URL = os.environ.get("LOAD_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
# (client ids in the log, rows, (user, card, version) transitions logged more than once)
LogReading = tuple[set[str], int, int]
REPORT_NAMES = {
    "sqlite": {"load": "load_50_clients", "twice": "load_submit_twice",
               "kill": "load_kill_9"},
    "postgresql": {"load": "load_postgresql_two_servers",
                   "twice": "load_postgresql_submit_twice", "kill": "load_postgresql_kill_9"},
}


def sqlite_log(db: Path) -> LogReading:
    with sqlite3.connect(db) as conn:
        ids = {r[0] for r in conn.execute("select client_id from review_log")}
        rows = conn.execute("select count(*) from review_log").fetchone()[0]
        dup = conn.execute(
            "select count(*) from (select user_id, card_id, json_extract(state_before,"
            " '$.version') v, count(*) n from review_log where undone_at is null"
            " group by 1, 2, 3 having n > 1)").fetchone()[0]
    return ids, rows, dup


def postgresql_log(url: str) -> LogReading:
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


def sqlite_integrity(server: Server) -> str:
    """PRAGMA integrity_check of the file while its only server is down (after a kill -9)."""
    with sqlite3.connect(server.db_path) as conn:
        return conn.execute("PRAGMA integrity_check").fetchone()[0]


@dataclass
class Deployment:
    database: str  # "sqlite" or "postgresql"
    servers: list[Server]
    read_log: Callable[[], LogReading]
    after_kill: Callable[[Server], str] | None = None  # a check while the server is down

    def report_name(self, scenario: str) -> str:
        return REPORT_NAMES[self.database][scenario]

    def start(self) -> None:
        for server in self.servers:
            server.start()

    def stop(self) -> None:
        for server in self.servers:
            server.stop()

    def clients(self, n: int) -> list[Client]:
        """Signed-up learners; with several servers each one's requests alternate between
        them, as behind a round-robin load balancer. Each starts its round at another server:
        a client's views and answers fall on fixed servers of the round (two requests per
        answer), so without the offset every answer would go to the same server."""
        first, *others = self.servers
        clients = [Client(first.port, f"load{i}@example.com",
                          also=tuple(s.port for s in others)) for i in range(n)]
        for i, c in enumerate(clients):
            c.turn = i
            c.signup()
        return clients

    def kill_and_restart(self, round_no: int) -> str | None:
        """kill -9 one server (each in turn) and start it again; the clients keep going on
        the others meanwhile, if there are any. Returns ``after_kill``'s result."""
        server = self.servers[round_no % len(self.servers)]
        server.kill()
        result = self.after_kill(server) if self.after_kill else None
        server.start()
        return result

    def check(self) -> dict:
        """`flask db check`: integrity and every card state against its review log."""
        out = self.servers[0].flask("db", "check")
        assert "integrity: ok" in out and " 0 mismatches" in out, out
        return {"db_check": out.strip().splitlines()[-1]}


@contextmanager
def deployed(database: str, tmp_path: Path) -> Iterator[Deployment]:
    """A prepared, started deployment, stopped afterwards. PostgreSQL gets a scratch database
    on PG_URL's server, dropped afterwards (skipped when there is no server)."""
    if database == "sqlite":
        server = Server(tmp_path / "instance")
        server.prepare()
        with _running(Deployment("sqlite", [server], lambda: sqlite_log(server.db_path),
                                 after_kill=sqlite_integrity)) as deployment:
            yield deployment
        return
    try:
        create_engine(PG_URL).connect().close()
    except Exception as exc:  # noqa: BLE001 (no server here: say so)
        pytest.skip(f"PostgreSQL not reachable at {PG_URL}: {exc.__class__.__name__}")
    with scratch_database(PG_URL, "load") as url:
        a = Server(tmp_path / "a", database_url=url)
        b = Server(tmp_path / "b", database_url=url)
        a.prepare()  # one database: migrated and imported once
        b.instance.mkdir(parents=True, exist_ok=True)
        with _running(Deployment("postgresql", [a, b], lambda: postgresql_log(url))) as dep:
            yield dep


@contextmanager
def _running(deployment: Deployment) -> Iterator[Deployment]:
    try:
        deployment.start()
        yield deployment
    finally:
        deployment.stop()
