"""Rate-limit counters in the app's own database: a ``limits`` storage (``database://``), so
the failed-login limit is shared by every gunicorn worker and every host with no other service
to run. Fixed windows: one row per counter, reset when its window has passed. Redis stays the
faster choice where it runs (``RATELIMIT_STORAGE_URI=redis://…``)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from limits.storage import Storage
from sqlalchemy import delete, func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import SQLAlchemyError

from .models import RateLimit

_INSERT = {"sqlite": sqlite_insert, "postgresql": pg_insert}


class DatabaseStorage(Storage):
    """``limits`` storage over SQLAlchemy; give it the app's engine (``engine=``)."""

    STORAGE_SCHEME = ["database"]

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False, *,
                 engine: Engine | None = None, **options: Any) -> None:
        if engine is None:
            raise ValueError("database:// rate-limit storage needs the app's engine")
        if engine.dialect.name not in _INSERT:
            raise ValueError(f"database:// rate limits need SQLite or PostgreSQL, "
                             f"not {engine.dialect.name}")
        self.engine = engine
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)

    @property
    def base_exceptions(self) -> type[Exception] | tuple[type[Exception], ...]:
        return SQLAlchemyError

    def incr(self, key: str, expiry: float, amount: int = 1) -> int:
        now = time.time()
        t = RateLimit.__table__
        stmt = _INSERT[self.engine.dialect.name](t).values(key=key, count=amount,
                                                           expires_at=now + expiry)
        fresh = t.c.expires_at <= now  # the old window has passed: start again
        stmt = stmt.on_conflict_do_update(index_elements=[t.c.key], set_={
            "count": func.coalesce(_case(fresh, amount, t.c.count + amount), amount),
            "expires_at": _case(fresh, now + expiry, t.c.expires_at),
        }).returning(t.c.count)
        with self._writing() as conn:
            return int(conn.execute(stmt).scalar_one())

    def get(self, key: str) -> int:
        with self.engine.connect() as conn:
            row = conn.execute(select(RateLimit.count).where(
                RateLimit.key == key, RateLimit.expires_at > time.time())).first()
            conn.rollback()
        return int(row[0]) if row else 0

    def get_expiry(self, key: str) -> float:
        with self.engine.connect() as conn:
            at = conn.execute(select(RateLimit.expires_at).where(RateLimit.key == key)).scalar()
            conn.rollback()
        return float(at) if at and at > time.time() else time.time()

    def check(self) -> bool:
        try:
            with self.engine.connect() as conn:
                conn.execute(select(1))
                conn.rollback()
            return True
        except SQLAlchemyError:
            return False

    def reset(self) -> int | None:
        return self._delete(None)

    def clear(self, key: str) -> None:
        self._delete(key)

    def _delete(self, key: str | None) -> int:
        stmt = delete(RateLimit)
        if key is not None:
            stmt = stmt.where(RateLimit.key == key)
        with self._writing() as conn:
            return conn.execute(stmt).rowcount or 0

    @contextmanager
    def _writing(self) -> Iterator[Connection]:
        """A write transaction of its own (on SQLite, BEGIN IMMEDIATE: writers queue)."""
        with self.engine.connect().execution_options(sqlite_immediate=True) as conn, \
                conn.begin():
            yield conn


def _case(cond, then, otherwise):
    from sqlalchemy import case

    return case((cond, then), else_=otherwise)
