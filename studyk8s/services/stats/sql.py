"""SQL the stats need that SQLAlchemy does not say portably: epoch seconds of a stored
instant, the study-day number of an instant (``srs.days.day_runs`` as a ``CASE``), and
``power()`` on SQLites built without their math functions."""

from __future__ import annotations

import math
import sqlite3
from collections.abc import Sequence
from contextlib import closing
from datetime import UTC, datetime

from sqlalchemy import (
    BigInteger,
    Integer,
    case,
    event,
    literal,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql.functions import FunctionElement

from ...srs.days import (
    DayRun,
)


class epoch(FunctionElement):  # noqa: N801 (reads like the SQL function it renders)
    """Whole seconds since 1970 of a ``UTCDateTime`` column (stored as naive UTC)."""

    type = Integer()
    inherit_cache = True


@compiles(epoch, "sqlite")
def _epoch_sqlite(element, compiler, **kw):
    arg = compiler.process(element.clauses, **kw)
    if sqlite3.sqlite_version_info >= (3, 38):
        return f"unixepoch({arg})"  # twice as fast as parsing strftime's text
    return f"CAST(strftime('%s', {arg}) AS INTEGER)"


@compiles(epoch, "postgresql")
def _epoch_pg(element, compiler, **kw):
    return f"CAST(FLOOR(EXTRACT(EPOCH FROM {compiler.process(element.clauses, **kw)})) AS BIGINT)"


def _instant(seconds: int) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)


def day_expr(column, runs: Sequence[DayRun]):
    """SQL: the study-day number of a UTC ``column`` (see ``srs.days.day_runs``). The runs are
    tested newest first on the raw column (cheap comparisons); only the matching branch
    converts the instant to seconds."""
    secs = epoch(column)

    def number(run: DayRun, shift: int = 0):  # BIGINT: epoch seconds outgrow 32 bits in 2038
        start = literal(run.start - shift * run.length, BigInteger)
        return run.first - shift + (secs - start) // run.length

    # Before the oldest run (older than the learner's first review: rare) the offset is
    # negative and SQL division truncates towards zero; shifting the origin back makes it a
    # floor, as in ``srs.days.run_day``.
    oldest = number(runs[0], shift=1_000_000)
    whens = [(column >= _instant(r.start), number(r)) for r in reversed(runs[1:])]
    return case(*whens, else_=oldest) if whens else oldest


_SQLITE_HAS_POWER: bool | None = None


def _sqlite_has_power() -> bool:
    global _SQLITE_HAS_POWER
    if _SQLITE_HAS_POWER is None:
        with closing(sqlite3.connect(":memory:")) as probe:
            try:
                probe.execute("SELECT power(2, 3)")
                _SQLITE_HAS_POWER = True
            except sqlite3.OperationalError:
                _SQLITE_HAS_POWER = False
    return _SQLITE_HAS_POWER


def _power(base: float | None, exponent: float | None) -> float | None:
    if base is None or exponent is None or base <= 0:
        return None
    return math.pow(base, exponent)


def _ensure_power(session: Session) -> None:
    """SQLite has ``power()`` only when built with its math functions; otherwise register a
    deterministic Python one on this connection (and on every new one)."""
    conn = session.connection()
    if conn.dialect.name != "sqlite" or _sqlite_has_power():
        return
    conn.connection.driver_connection.create_function("power", 2, _power, deterministic=True)
    engine = conn.engine
    if not event.contains(engine, "connect", _register_power):
        event.listen(engine, "connect", _register_power)


def _register_power(dbapi_conn, _record) -> None:
    dbapi_conn.create_function("power", 2, _power, deterministic=True)
