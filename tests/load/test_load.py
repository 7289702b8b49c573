"""Load and fault tests (`make test-load`, not part of `make test`), each on two deployments
(tests/load/deployments.py): one gunicorn server (4 workers) on SQLite, and two servers on two
ports over one PostgreSQL database with every learner's requests alternating between them.
Scenarios: 50 clients reviewing for 30 s; the same with every submit sent twice (the twin to
the other server when there are two); kill -9 of a server 20 times under load (on PostgreSQL
each server in turn, the clients carrying on with the other). Every acknowledged review must
be in the log exactly once, no transition logged twice, no 5xx, no "database is locked", and
`flask db check` must find 0 mismatches (on SQLite, integrity_check ok after every kill)."""

from __future__ import annotations

import json
import os
import random
import statistics
import threading
import time
from pathlib import Path

import pytest

from .deployments import Deployment, deployed
from .harness import Tally, percentile, review_loop

pytestmark = pytest.mark.skipif(os.environ.get("STUDYK8S_LOAD") != "1",
                                reason="load tests run with `make test-load`")
CLIENTS = int(os.environ.get("LOAD_CLIENTS", 50))
SECONDS = float(os.environ.get("LOAD_SECONDS", 30))
KILLS = int(os.environ.get("LOAD_KILLS", 20))
REPORT = Path(__file__).resolve().parents[2] / "bench" / "load_results.json"


def _report(name: str, figures: dict) -> None:
    print(f"\n{name}: " + ", ".join(f"{k}={v}" for k, v in figures.items()))
    data = json.loads(REPORT.read_text()) if REPORT.exists() else {}
    data[name] = figures
    REPORT.write_text(json.dumps(data, indent=2) + "\n")


@pytest.fixture(params=["sqlite", "postgresql"])
def deployment(request, tmp_path):
    with deployed(request.param, tmp_path) as dep:
        yield dep


def _run(clients, seconds, **kwargs) -> tuple[Tally, float]:
    tally = Tally(clients=len(clients))
    stop_at = time.monotonic() + seconds
    threads = [threading.Thread(target=review_loop, args=(c, tally, stop_at), kwargs=kwargs)
               for c in clients]
    t0 = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return tally, time.monotonic() - t0


def _figures(tally: Tally, elapsed: float) -> dict:
    lat = [x * 1000 for x in tally.latencies]
    return {"acknowledged": len(tally.acked),
            "answers_per_s": round(len(tally.acked) / elapsed, 1),
            "p50_ms": round(statistics.median(lat), 1) if lat else None,
            "p99_ms": round(percentile(lat, 99), 1), "statuses": tally.statuses,
            "database_locked": tally.locked}


def _outcome(deployment: Deployment, tally: Tally) -> dict:
    """Stop the servers, read the log back, run `flask db check`: the figures every scenario
    reports after its own."""
    deployment.stop()
    ids, rows, dup = deployment.read_log()
    return {"clients": tally.clients, "servers": len(deployment.servers), "log_rows": rows,
            "lost": len(tally.acked - ids), "logged_ids": len(ids), "duplicated": dup,
            "server_errors": tally.server_errors, **deployment.check()}


def _clean(tally: Tally, figures: dict) -> None:
    assert tally.acked and figures["lost"] == 0 and figures["duplicated"] == 0, figures
    assert tally.server_errors == 0 and tally.locked == 0, tally.errors


def test_50_clients_for_30_s(deployment):
    tally, elapsed = _run(deployment.clients(CLIENTS), SECONDS)
    figures = {**_figures(tally, elapsed), **_outcome(deployment, tally)}
    _report(deployment.report_name("load"), figures)
    _clean(tally, figures)


def test_every_submit_sent_twice(deployment):
    tally, elapsed = _run(deployment.clients(CLIENTS), SECONDS, twice=True)
    figures = {**_figures(tally, elapsed), **_outcome(deployment, tally)}
    figures["twins_on_other_server"] = tally.twins_elsewhere
    _report(deployment.report_name("twice"), figures)
    _clean(tally, figures)
    # each answer logged once, however often (and on however many servers) it came
    assert figures["log_rows"] == figures["logged_ids"] == len(tally.acked), figures
    if len(deployment.servers) > 1:
        assert tally.twins_elsewhere > 0, figures


def test_kill_9_under_load(deployment):
    clients = deployment.clients(min(CLIENTS, 20))
    tally = Tally(clients=len(clients))
    stop_at = time.monotonic() + 3600
    stop = threading.Event()
    threads = [threading.Thread(target=review_loop, args=(c, tally, stop_at),
                                kwargs={"retry_network": True, "stop": stop}) for c in clients]
    t0 = time.monotonic()
    for t in threads:
        t.start()
    rng = random.Random(7)
    checks = []
    try:
        for round_no in range(KILLS):
            time.sleep(rng.uniform(0.3, 2.0))
            checks.append(deployment.kill_and_restart(round_no))
        time.sleep(2)  # in-flight retries reach the last server
    finally:
        stop.set()
    for t in threads:
        t.join(timeout=60)
    figures = {"kills": KILLS, **_figures(tally, time.monotonic() - t0),
               "network_errors": tally.network_errors, **_outcome(deployment, tally)}
    if deployment.after_kill:
        figures["integrity_ok"] = checks.count("ok")
    _report(deployment.report_name("kill"), figures)
    if deployment.after_kill:
        assert checks == ["ok"] * KILLS
    _clean(tally, figures)
