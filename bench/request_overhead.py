"""The web layer's fixed cost per request, measured in-process with Flask's test client (no
gunicorn, no sockets), so what is left is the app's own per-request work:

  (a) an authenticated trivial GET (``@login_required``, returns ``jsonify(ok=1)``)
  (b) the same endpoint without ``login_required``, same logged-in client (cookie sent and
      verified, user not loaded); (b') the same from a client without cookies
  (c) GET /api/review/next
  (d) an authenticated trivial POST (CSRF token in ``X-CSRFToken``, as the review page sends)
  (e) POST /api/review/answer (after a GET /api/review/next, which is not counted)
  floor: the same trivial GET on a bare ``Flask()`` app, through the same test client

Medians in µs, SQL statements per request, and a cProfile of (a) (and, with ``--profile-post``,
of (d)). Production config (CSRF on, memory rate-limit storage) on a scratch SQLite database.

    .venv/bin/python -m bench.request_overhead [--runs 2000] [--profile-lines 45]
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import re
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from flask import Flask, jsonify
from flask_login import login_required
from sqlalchemy import event

PASSWORD = "bench-password-1"
EMAIL = "overhead@example.com"
N_CARDS = 2_000
CSRF_INPUT = re.compile(
    r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"')
CSRF_META = re.compile(r'<meta name="csrf-token" content="([^"]*)"')


def _prepare(db: Path) -> None:
    from sqlalchemy.orm import Session

    from studyk8s.services.users import create_user, update_settings

    from .common import seed_cards, sqlite_engine

    engine = sqlite_engine(db)
    now = datetime.now(UTC)
    seed_cards(engine, N_CARDS, now)
    with Session(engine) as s:
        user = create_user(s, EMAIL, PASSWORD, now=now)
        update_settings(s, user, {"new_per_day": 9999, "reviews_per_day": 9999})
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()


def _app(db: Path, notes_dir: str) -> Flask:
    from studyk8s.app import create_app
    from studyk8s.config import Config

    class BenchConfig(Config):
        def __init__(self) -> None:  # no instance/ secret file
            self.SECRET_KEY = "bench-secret"
            self.DATABASE_URL = f"sqlite:///{db}"
            self.NOTES_DIR = notes_dir

    app = create_app(BenchConfig())

    @app.get("/_bench/auth")
    @login_required
    def bench_auth():
        return jsonify(ok=1)

    @app.post("/_bench/auth")
    @login_required
    def bench_auth_post():
        return jsonify(ok=1)

    @app.get("/_bench/anon")
    def bench_anon():
        return jsonify(ok=1)

    return app


def _bare_app() -> Flask:
    app = Flask(__name__)

    @app.get("/_bench/anon")
    def bench_anon():
        return jsonify(ok=1)

    return app


def _login(client) -> str:
    """Log in through the real form (CSRF included); returns the page's CSRF token."""
    page = client.get("/login").get_data(as_text=True)
    m = CSRF_INPUT.search(page)
    token = (m.group(1) or m.group(2)) if m else ""
    r = client.post("/login", data={"email": EMAIL, "password": PASSWORD, "csrf_token": token})
    if r.status_code != 302:
        raise RuntimeError(f"login failed: HTTP {r.status_code}")
    m = CSRF_META.search(client.get("/review").get_data(as_text=True))
    return m.group(1) if m else ""


class Counter:
    """SQL statements executed on the engine (``before_cursor_execute``)."""

    def __init__(self, engine) -> None:
        self.n = 0
        event.listen(engine, "before_cursor_execute", self._hit)

    def _hit(self, *_args) -> None:
        self.n += 1


def _time(fn: Callable[[], object], runs: int, warmup: int) -> list[float]:
    for _ in range(warmup):
        fn()
    out = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t0) * 1e6)
    return out


def _check(expected: int) -> Callable:
    def call(response):
        if response.status_code != expected:
            raise RuntimeError(f"HTTP {response.status_code}: {response.get_data()[:200]!r}")
        return response
    return call


def _profile(fn: Callable[[], object], runs: int, lines: int, title: str) -> str:
    prof = cProfile.Profile()
    prof.enable()
    for _ in range(runs):
        fn()
    prof.disable()
    out = io.StringIO()
    stats = pstats.Stats(prof, stream=out)
    stats.strip_dirs().sort_stats("cumulative").print_stats(lines)
    out.write("\n--- by own time ---\n")
    stats.sort_stats("tottime").print_stats(lines // 2)
    return f"\n=== cProfile: {title} ({runs} requests) ===\n{out.getvalue()}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench.request_overhead")
    parser.add_argument("--runs", type=int, default=2000)
    parser.add_argument("--warmup", type=int, default=200)
    parser.add_argument("--answers", type=int, default=500)
    parser.add_argument("--profile-lines", type=int, default=45)
    parser.add_argument("--profile-post", action="store_true")
    parser.add_argument("--profile-answer", action="store_true",
                        help="profile the HTTP benchmark's pair: GET next, POST answer")
    parser.add_argument("--no-profile", action="store_true")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "overhead.db"
        _prepare(db)
        notes = Path(tmp) / "notes"
        notes.mkdir()
        app = _app(db, str(notes))
        engine = app.extensions["db_engine"]
        counter = Counter(engine)
        auth = app.test_client()
        csrf = _login(auth)
        anon = app.test_client()
        bare = _bare_app().test_client()
        post_headers = {"X-CSRFToken": csrf, "Content-Type": "application/json"}

        ok = _check(200)
        cases: dict[str, Callable[[], object]] = {
            "(a) auth trivial GET": lambda: ok(auth.get("/_bench/auth")),
            "(b) trivial GET, no login_required": lambda: ok(auth.get("/_bench/anon")),
            "(b') same, client without cookie": lambda: ok(anon.get("/_bench/anon")),
            "(c) GET /api/review/next": lambda: ok(auth.get("/api/review/next")),
            "(d) auth trivial POST+CSRF": lambda: ok(
                auth.post("/_bench/auth", data=b"{}", headers=post_headers)),
            "floor: bare Flask GET": lambda: ok(bare.get("/_bench/anon")),
        }

        def answer_once() -> tuple[float, int, bool]:
            """µs, SQL statements and whether a cookie was sent, for the POST alone."""
            view = ok(auth.get("/api/review/next")).get_json()
            card = view.get("card")
            if card is None:
                raise RuntimeError("no card left to answer")
            payload = {"card_id": card["id"], "rating": 3, "version": card["version"],
                       "client_id": f"bench-{time.perf_counter_ns()}", "duration_ms": 1500}
            before = counter.n
            t0 = time.perf_counter()
            r = ok(auth.post("/api/review/answer", json=payload, headers={"X-CSRFToken": csrf}))
            return ((time.perf_counter() - t0) * 1e6, counter.n - before,
                    bool(r.headers.get("Set-Cookie")))

        print(f"{'case':34} {'median µs':>10} {'p90 µs':>9} {'SQL/req':>8} {'cookie?':>8}")
        for name, fn in cases.items():
            times = _time(fn, args.runs, args.warmup)
            before = counter.n
            r = fn()
            stmts = counter.n - before
            cookie = "yes" if r.headers.get("Set-Cookie") else "no"
            p90 = statistics.quantiles(times, n=10)[-1]
            print(f"{name:34} {statistics.median(times):10.1f} {p90:9.1f} {stmts:8d} {cookie:>8}")

        if args.answers:
            for _ in range(20):
                answer_once()
            runs = [answer_once() for _ in range(args.answers)]
            times = [t for t, _, _ in runs]
            stmts = statistics.median(n for _, n, _ in runs)
            cookie = "yes" if any(c for _, _, c in runs) else "no"
            print(f"{'(e) POST /api/review/answer':34} {statistics.median(times):10.1f} "
                  f"{statistics.quantiles(times, n=10)[-1]:9.1f} {stmts:8.0f} {cookie:>8}")

        if not args.no_profile:
            print(_profile(cases["(a) auth trivial GET"], args.runs, args.profile_lines,
                           "(a) authenticated trivial GET"))
            if args.profile_answer:
                print(_profile(answer_once, args.answers, args.profile_lines,
                               "GET /api/review/next + POST /api/review/answer"))
            if args.profile_post:
                print(_profile(cases["(d) auth trivial POST+CSRF"], args.runs,
                               args.profile_lines, "(d) authenticated trivial POST + CSRF"))
        engine.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
