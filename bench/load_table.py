"""`python -m bench.load_table [results.json]`: the load and fault figures of `make test-load`
(bench/load_results.json) as Markdown tables for the README, so the numbers pasted there are
the ones a run wrote, not retyped. One row per scenario and database, then the slow-client
runs (p99 with and without 20 slow clients). Scenarios missing from the file are left out;
figures an older run did not record are shown as –."""

from __future__ import annotations

import json
import math
import re
import sys
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "load_results.json"
# (key in load_results.json, scenario, database), in the README's order.
SCENARIOS = [
    ("load_50_clients", "plain load", "SQLite, one server"),
    ("load_postgresql_two_servers", "plain load", "PostgreSQL, two servers"),
    ("load_submit_twice", "every submit sent twice", "SQLite, one server"),
    ("load_postgresql_submit_twice", "every submit sent twice", "PostgreSQL, two servers"),
    ("load_kill_9", "kill -9 under load", "SQLite, one server"),
    ("load_postgresql_kill_9", "kill -9 under load", "PostgreSQL, two servers"),
]
SLOW = [
    ("slow_clients_gthread_buffered", "buffered gthread (ours)"),
    ("slow_clients_sync_stock", "gunicorn's stock sync"),
]
DASH = "–"


def _num(value, unit: str = "") -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return DASH
    text = f"{value:,}" if isinstance(value, int) else f"{value:,.1f}"
    return f"{text}{unit}"


def _server_errors(figures: dict):
    """5xx responses: recorded as such by newer runs, else summed from the status counts."""
    if "server_errors" in figures:
        return figures["server_errors"]
    statuses = figures.get("statuses")
    if statuses is None:
        return None
    return sum(n for code, n in statuses.items() if int(code) >= 500)


def _mismatches(figures: dict):
    found = re.search(r"(\d+) mismatches", figures.get("db_check", ""))
    return int(found[1]) if found else None


def _scenario(figures: dict) -> dict:
    """One row's figures, whatever a run recorded (older runs recorded fewer)."""
    return {"clients": _num(figures.get("clients")), "answers/s": _num(figures.get(
        "answers_per_s")), "p50": _num(figures.get("p50_ms"), " ms"),
        "p99": _num(figures.get("p99_ms"), " ms"), "acknowledged": _num(figures.get(
            "acknowledged")), "lost": _num(figures.get("lost")),
        "duplicated": _num(figures.get("duplicated")), "5xx": _num(_server_errors(figures)),
        "db check mismatches": _num(_mismatches(figures))}


def _table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def scenario_table(data: dict) -> str:
    columns = ["clients", "answers/s", "p50", "p99", "acknowledged", "lost", "duplicated",
               "5xx", "db check mismatches"]
    rows = []
    for key, scenario, database in SCENARIOS:
        if key in data:
            figures = _scenario(data[key])
            if "kills" in data[key]:
                scenario = f"{scenario}, {data[key]['kills']} kills"
            rows.append([scenario, database] + [figures[c] for c in columns])
    return _table(["scenario", "database"] + columns, rows)


def _slow_run(run: dict) -> str:
    answered = run.get("answers", 0) + run.get("pages", 0)
    if not answered:
        return "nothing answered"
    return _num(run.get("p99_ms"), " ms")


def slow_table(data: dict) -> str:
    rows = []
    for key, workers in SLOW:
        if key in data:
            base, loaded = data[key]["baseline"], data[key]["with_slow_clients"]
            rows.append([workers, _slow_run(base), _slow_run(loaded),
                         f"{_num(loaded.get('answers'))} answers, "
                         f"{_num(loaded.get('pages'))} pages"])
    slow = next((data[k]["with_slow_clients"].get("slow_clients") for k, _ in SLOW
                 if k in data), 20)
    return _table(["workers", "p99 without slow clients", f"p99 with {slow} slow clients",
                   "served meanwhile"], rows)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    path = Path(args[0]) if args else RESULTS
    if not path.exists():
        print(f"{path}: no results; run `make test-load` first", file=sys.stderr)
        return 1
    data = json.loads(path.read_text())
    print(scenario_table(data))
    if any(key in data for key, _ in SLOW):
        print()
        print(slow_table(data))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
