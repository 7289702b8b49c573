"""The framework shortcuts (studyk8s/web/fastpaths.py) with and without, in CPU time per request
(``time.process_time``: what a loaded machine disturbs least), interleaved rounds, medians.

    .venv/bin/python -m bench.fastpaths_cpu [--rounds 3] [--requests 3000]

Each variant runs in a fresh process (``FAST_PATHS`` is read when the app is made): a logged-in
GET of a trivial JSON endpoint, and a JSON POST with the CSRF header, as the review page sends.
"""

from __future__ import annotations

import argparse
import re
import statistics
import subprocess
import sys
import tempfile
import time

VARIANTS = ("session_cookies,csrf_json,limiter_hooks", "none",
            "csrf_json,limiter_hooks", "session_cookies,limiter_hooks", "session_cookies,csrf_json")


def measure(paths: str, n: int) -> tuple[float, float]:
    from flask import Blueprint, jsonify
    from flask_login import login_required

    from studyk8s.app import create_app
    from studyk8s.config import TestConfig
    from studyk8s.migrate import upgrade
    from studyk8s.persistence.engine import make_engine

    url = f"sqlite:///{tempfile.mkdtemp()}/fastpaths.db"
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    config = TestConfig()
    config.DATABASE_URL, config.TESTING, config.WTF_CSRF_ENABLED = url, False, True
    config.SECRET_KEY = "bench-fastpaths"
    config.FAST_PATHS = tuple(p for p in paths.split(",") if p and p != "none")
    app = create_app(config)
    bp = Blueprint("probe", __name__)
    bp.add_url_rule("/api/probe", "probe", login_required(lambda: jsonify(ok=1)),
                    methods=["GET", "POST"])
    app.register_blueprint(bp)
    client = app.test_client()
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"',
                      client.get("/signup").get_data(as_text=True))[1]
    client.post("/signup", data={"email": "fp@example.com", "password": "kube-study-4471",
                                 "confirm": "kube-study-4471", "timezone": "UTC",
                                 "csrf_token": token})
    meta = re.search(r'<meta name="csrf-token" content="([^"]+)"',
                     client.get("/review").get_data(as_text=True))[1]

    def get():
        return client.get("/api/probe")

    def post():
        return client.post("/api/probe", json={"x": 1}, headers={"X-CSRFToken": meta})

    assert get().status_code == 200 and post().status_code == 200

    def cpu(fn) -> float:
        for _ in range(200):
            fn()
        t = time.process_time()
        for _ in range(n):
            fn()
        return (time.process_time() - t) / n * 1e6

    return cpu(get), cpu(post)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench.fastpaths_cpu")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--one", help=argparse.SUPPRESS)  # a variant, in its own process
    args = parser.parse_args(argv)
    if args.one:
        print(*measure(args.one, args.requests))
        return 0
    got: dict[str, list[tuple[float, float]]] = {v: [] for v in VARIANTS}
    for _ in range(args.rounds):
        for v in VARIANTS:
            out = subprocess.run([sys.executable, "-m", "bench.fastpaths_cpu", "--one", v,
                                  "--requests", str(args.requests)],
                                 capture_output=True, text=True, check=True).stdout.split()
            got[v].append((float(out[0]), float(out[1])))
    print(f"{'FAST_PATHS':45} {'GET µs':>8} {'POST µs':>8}   (CPU per request, medians)")
    for v, runs in got.items():
        print(f"{v:45} {statistics.median(g for g, _ in runs):8.0f} "
              f"{statistics.median(p for _, p in runs):8.0f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
