"""The review JSON endpoints under gunicorn (2 and 4 workers as gunicorn.conf.py makes them,
SQLite WAL) on loopback, next to a trivial Flask endpoint served the same way, with a bounded
load of 20 concurrent clients from a second process (``bench.http_load``); then each worker's
peak RSS. With 4 workers the review load runs on SQLite and on PostgreSQL (a scratch
database, when a server is reachable) side by side, taking turns (``_side_by_side``): the
scale-out path must keep up with SQLite.

Latency under a load that does not depend on the server (``--rate``, open): review steps due
at Poisson times, ``RATE`` a second (a step every 8 s from 1,200 learners), on SQLite and on
PostgreSQL, 4 workers each; the p99 counts from the time a step was due.

Each client is a learner of its own (20 learners, 2,000 shared cards, new-card limit 9,999), so
the answers are real writes: one SQLite writer at a time, the others queue on BEGIN IMMEDIATE.
The load generator shares the machine's 2 cores with the server, the same for both apps.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

ROWS = ("http_review_p99_ms", "http_review_p99_ms_target", "http_review_rps", "http_review_p50_ms",
        "http_review_p99_ms_4w", "http_review_rps_4w", "http_review_rps_4w_pg",
        "http_review_p99_ms_4w_pg", "http_review_p99_ms_rate", "http_review_p99_ms_rate_pg",
        "worker_rss_mb", "worker_peak_rss_mb")
ROOT = Path(__file__).resolve().parent.parent
CLIENTS = 20
N_CARDS = 2_000
WORKERS = (2, 4)
WARMUP_S = 2.0
MEASURE_S = 8.0
P99_TARGET_MS = 20.0
RATE = 150.0  # review steps a second in the open-load runs
RATE_S = 20.0  # seconds of each open load: its p99 is the 30th slowest of ~3,000 requests
ROUNDS = 3  # closed loads on each database, taking turns (``_side_by_side``)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _prepare(db: Path) -> None:
    from .common import sqlite_engine

    engine = sqlite_engine(db)
    _seed(engine)
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    engine.dispose()


def _seed(engine) -> None:
    """The cards and the 20 learners, on a migrated database of either kind."""
    from sqlalchemy.orm import Session

    from studyk8s.services.users import create_user, update_settings

    from .common import seed_cards
    from .http_load import PASSWORD, user_email

    now = datetime.now(UTC)
    seed_cards(engine, N_CARDS, now)
    with Session(engine) as s:
        for i in range(CLIENTS):
            user = create_user(s, user_email(i), PASSWORD, now=now)
            update_settings(s, user, {"new_per_day": 9999, "reviews_per_day": 9999})


class Server:
    def __init__(self, target: str, workers: int, env: dict[str, str]):
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        gunicorn = str(Path(sys.executable).with_name("gunicorn"))
        self.proc = subprocess.Popen(
            [gunicorn, "-w", str(workers), "-b", f"127.0.0.1:{self.port}", "--backlog", "256",
             "--log-level", "warning", target],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
            start_new_session=True)

    def wait_ready(self, path: str, timeout: float = 30.0) -> None:
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"gunicorn exited: {self.proc.stderr.read().decode()[-500:]}")
            try:
                urllib.request.urlopen(self.url + path, timeout=2).read()
                return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f"gunicorn did not answer on {self.url}{path}")

    def worker_rss_mb(self, field: str = "VmRSS") -> float:
        """The largest RSS (``VmRSS``: now; ``VmHWM``: peak) among the master's workers."""
        peaks = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
                if int(fields[1]) != self.proc.pid:
                    continue
                status = (stat.parent / "status").read_text()
            except (OSError, IndexError, ValueError):
                continue
            for line in status.splitlines():
                if line.startswith(field + ":"):
                    peaks.append(int(line.split()[1]) / 1024)
        return max(peaks, default=0.0)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()


def _load(url: str, mode: str, rate: float | None = None, seconds: float = MEASURE_S) -> dict:
    proc = subprocess.run(
        [sys.executable, "-m", "bench.http_load", url, mode, "--users", str(CLIENTS),
         "--warmup", str(WARMUP_S), "--seconds", str(seconds),
         *(("--rate", str(rate)) if rate else ())],
        cwd=ROOT, capture_output=True, text=True, timeout=120)
    if proc.returncode != 0:
        raise RuntimeError(f"load generator failed: {proc.stderr[-800:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def measure() -> dict:
    results: dict = {}
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "http.db"
        _prepare(db)
        env = {**os.environ, "DATABASE_URL": f"sqlite:///{db}", "SECRET_KEY": "bench-secret",
               "STUDYK8S_INSTANCE": tmp, "PYTHONPATH": str(ROOT)}
        for workers, name, target, mode, probe in (
            (2, "ours", "app:app", "review", "/login"),
            (2, "trivial", "bench.trivial_app:app", "trivial", "/ping"),
            (4, "trivial", "bench.trivial_app:app", "trivial", "/ping"),
        ):
            server = Server(target, workers, env)
            try:
                server.wait_ready(probe)
                result = _load(server.url, mode)
                result["worker_rss_mb"] = server.worker_rss_mb()
                result["worker_peak_rss_mb"] = server.worker_rss_mb("VmHWM")
            finally:
                server.stop()
            results[f"{name}_{workers}w"] = result
            _say(f"{name} {workers} workers", result)
        results.update(_side_by_side(env))
    return results


def _say(what: str, result: dict) -> None:
    rss = (f", worker RSS {result['worker_rss_mb']:.1f} MB (peak "
           f"{result['worker_peak_rss_mb']:.1f} MB)" if "worker_rss_mb" in result else "")
    print(f"# http {what}: {result['rps']:.0f} req/s, p50 {result['p50_ms']:.1f} ms, "
          f"p99 {result['p99_ms']:.1f} ms, {result['errors']} errors{rss}", file=sys.stderr)


def _side_by_side(env: dict[str, str]) -> dict:
    """The review load with 4 workers on SQLite and, when a server is reachable, on
    PostgreSQL (a scratch database): both servers up at once, a load on each that is not
    counted (a server's first minute is not its steady state: each worker builds each
    learner's queue, a new database's first writes), then ``ROUNDS`` closed loads on each,
    taking turns (SQLite first, then PostgreSQL first, …), each database's figures the
    medians of its rounds. This machine's speed drifts by a quarter from one minute to the
    next; measured one after the other, the two figures compared that drift as much as the
    databases. Then the open load on each."""
    from .common import median, postgres_available, postgres_scratch

    with contextlib.ExitStack() as stack:
        servers = {"ours_4w": stack.enter_context(_serving(env))}
        if why := postgres_available():
            print(f"# http on PostgreSQL skipped: {why}", file=sys.stderr)
        else:
            engine = stack.enter_context(postgres_scratch("_http"))
            _seed(engine)
            url = engine.url.render_as_string(hide_password=False)
            engine.dispose()
            servers["ours_4w_pg"] = stack.enter_context(_serving({**env, "DATABASE_URL": url}))
        for server in servers.values():  # not counted: every worker has met every learner
            _load(server.url, "review", seconds=MEASURE_S / 2)
        rounds: dict[str, list[dict]] = {key: [] for key in servers}
        for i in range(ROUNDS):
            for key in (list(servers) if i % 2 == 0 else list(servers)[::-1]):
                rounds[key].append(_load(servers[key].url, "review"))
        results = {}
        for key, server in servers.items():
            runs = rounds[key]
            results[key] = {m: median([run[m] for run in runs])
                            for m in ("rps", "p50_ms", "p99_ms", "errors")}
            results[key]["rounds_rps"] = [round(run["rps"], 1) for run in runs]
            results[key]["worker_rss_mb"] = server.worker_rss_mb()
            results[key]["worker_peak_rss_mb"] = server.worker_rss_mb("VmHWM")
            database = "PostgreSQL" if key.endswith("_pg") else "SQLite"
            _say(f"ours on {database} 4 workers, median of {ROUNDS} rounds "
                 f"({', '.join(f'{r:.0f}' for r in results[key]['rounds_rps'])} req/s)",
                 results[key])
            results[f"{key}_rate"] = _rated(server.url, database)
    return results


@contextlib.contextmanager
def _serving(env: dict[str, str]) -> Iterator[Server]:
    """The app under gunicorn with 4 workers, ready; stopped afterwards."""
    server = Server("app:app", 4, env)
    try:
        server.wait_ready("/login")
        yield server
    finally:
        server.stop()


def _rated(url: str, database: str) -> dict:
    """The open load at ``RATE`` steps a second on a server that has just run the closed one
    (its learners' queues are warm either way)."""
    result = _load(url, "review", RATE, seconds=RATE_S)
    _say(f"ours on {database} 4 workers, {RATE:.0f} steps/s due (req/s done)", result)
    return result


def run() -> list[dict]:
    from .__main__ import row

    r = measure()
    Path(__file__).with_name("http_review_detail.json").write_text(json.dumps(r, indent=2) + "\n")
    o2, t2, o4, t4 = r["ours_2w"], r["trivial_2w"], r["ours_4w"], r["trivial_4w"]
    pg = r.get("ours_4w_pg")
    rated = r["ours_4w_rate"]
    pg_rows = [
        row("http_review_rps_4w_pg", pg["rps"], "req/s", "SQLite, 4 workers (issue 18: 0.8x)",
            o4["rps"]),
        row("http_review_p99_ms_4w_pg", pg["p99_ms"], "ms", "SQLite, 4 workers, 20 closed loops",
            o4["p99_ms"]),
        row("http_review_p99_ms_rate_pg", r["ours_4w_pg_rate"]["p99_ms"], "ms",
            f"SQLite at {RATE:.0f} steps/s due (issue 18: under 50 ms)", rated["p99_ms"]),
    ] if pg else []
    return [
        row("http_review_p99_ms", o2["p99_ms"], "ms", "trivial endpoint, 2 workers", t2["p99_ms"]),
        row("http_review_p99_ms_target", o2["p99_ms"], "ms", "issue 8 target (20 clients)",
            P99_TARGET_MS),
        row("http_review_rps", o2["rps"], "req/s", "trivial endpoint, 2 workers", t2["rps"]),
        row("http_review_p50_ms", o2["p50_ms"], "ms", "trivial endpoint, 2 workers", t2["p50_ms"]),
        row("http_review_p99_ms_4w", o4["p99_ms"], "ms", "trivial endpoint, 4 workers",
            t4["p99_ms"]),
        row("http_review_rps_4w", o4["rps"], "req/s", "trivial endpoint, 4 workers", t4["rps"]),
        row("http_review_p99_ms_rate", rated["p99_ms"], "ms",
            f"open load, {RATE:.0f} steps/s due, 4 workers (target 50 ms)", 50.0),
        *pg_rows,
        row("worker_rss_mb", o4["worker_rss_mb"], "MB",
            "trivial Flask app's worker, after the same load", t4["worker_rss_mb"]),
        row("worker_peak_rss_mb", o4["worker_peak_rss_mb"], "MB",
            "trivial Flask app's worker (peak)", t4["worker_peak_rss_mb"]),
    ]


if __name__ == "__main__":
    for item in run():
        print(item)
