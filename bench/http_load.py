"""A bounded HTTP load from a second process: ``CLIENTS`` threads on loopback, each a logged-in
learner of its own (or anonymous, for the trivial endpoint), for a fixed time after a warm-up.

Review mode: each client loops GET /api/review/next, then POST /api/review/answer for the card
it got (seeded ratings); every request's latency is recorded. Trivial mode: GET /ping.
Prints one JSON object: requests, errors, requests/s, p50/p99 (ms).

With ``--rate R`` the load is open instead of closed: requests are due at random (Poisson)
times, R per second on average, each the next step of an idle learner, and a request's
latency counts from the time it was due. Closed loops measure throughput, but their latency
is only the queue they make themselves (20 clients at 400 req/s wait 50 ms on average by
Little's law); a latency figure needs a load that does not depend on the server's speed.

    python -m bench.http_load http://127.0.0.1:PORT review --users 20 --seconds 8
    python -m bench.http_load http://127.0.0.1:PORT review --users 20 --rate 150
"""

from __future__ import annotations

import argparse
import http.client
import json
import queue
import random
import re
import sys
import threading
import time
import uuid
from urllib.parse import urlencode, urlsplit

PASSWORD = "bench-password-1"
CSRF_INPUT = re.compile(
    r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"')
CSRF_META = re.compile(r'<meta name="csrf-token" content="([^"]*)"')


def user_email(i: int) -> str:
    return f"http-bench-{i}@example.com"


class Client:
    """One learner's browser: a cookie jar and the CSRF token; a new connection per request
    (gunicorn's sync workers close it after each response anyway)."""

    def __init__(self, host: str, port: int):
        self.host, self.port = host, port
        self.cookies: dict[str, str] = {}
        self.csrf = ""

    def request(self, method: str, path: str, body: bytes | None = None,
                headers: dict[str, str] | None = None) -> tuple[int, bytes]:
        conn = http.client.HTTPConnection(self.host, self.port, timeout=30)
        h = dict(headers or {})
        if self.cookies:
            h["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        try:
            conn.request(method, path, body=body, headers=h)
            resp = conn.getresponse()
            data = resp.read()
            for value in resp.headers.get_all("Set-Cookie") or []:
                name, _, rest = value.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0]
            return resp.status, data
        finally:
            conn.close()

    def login(self, email: str) -> None:
        _, page = self.request("GET", "/login")
        m = CSRF_INPUT.search(page.decode())
        token = (m.group(1) or m.group(2)) if m else ""
        form = urlencode({"email": email, "password": PASSWORD, "csrf_token": token})
        status, _ = self.request("POST", "/login", form.encode(),
                                 {"Content-Type": "application/x-www-form-urlencoded"})
        if status != 302:
            raise RuntimeError(f"login of {email} failed: HTTP {status}")
        _, page = self.request("GET", "/review")
        m = CSRF_META.search(page.decode())
        self.csrf = m.group(1) if m else ""

    def json(self, method: str, path: str, payload: dict | None = None) -> tuple[int, dict]:
        body = json.dumps(payload).encode() if payload is not None else None
        headers = {"Content-Type": "application/json", "X-CSRFToken": self.csrf}
        status, data = self.request(method, path, body, headers)
        try:
            return status, json.loads(data or b"{}")
        except ValueError:
            return status, {}


def _percentile(values: list[float], q: float) -> float:
    s = sorted(values)
    return s[max(0, min(len(s) - 1, round(q / 100 * len(s) + 0.5) - 1))] if s else 0.0


def run_load(url: str, mode: str, users: int, warmup: float, seconds: float) -> dict:
    parts = urlsplit(url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    clients = [Client(host, port) for _ in range(users)]
    if mode == "review":
        for i, c in enumerate(clients):
            c.login(user_email(i))
    lock = threading.Lock()
    latencies: list[float] = []
    errors = [0]
    measuring = threading.Event()
    stop = threading.Event()

    def record(t0: float, ok: bool) -> None:
        if measuring.is_set() and not stop.is_set():
            with lock:
                latencies.append((time.perf_counter() - t0) * 1000)
                errors[0] += not ok

    def review_loop(c: Client, seed: int) -> None:
        rng = random.Random(seed)
        while not stop.is_set():
            t0 = time.perf_counter()
            status, view = c.json("GET", "/api/review/next")
            record(t0, status == 200)
            card = view.get("card")
            if status != 200 or card is None:
                time.sleep(0.01)
                continue
            rating = rng.choices((1, 2, 3, 4), weights=(15, 15, 60, 10))[0]
            t0 = time.perf_counter()
            status, _ = c.json("POST", "/api/review/answer", {
                "card_id": card["id"], "rating": rating, "version": card["version"],
                "client_id": uuid.uuid4().hex, "duration_ms": 1500})
            record(t0, status == 200)

    def trivial_loop(c: Client, seed: int) -> None:
        while not stop.is_set():
            t0 = time.perf_counter()
            status, _ = c.request("GET", "/ping")
            record(t0, status == 200)

    target = review_loop if mode == "review" else trivial_loop
    threads = [threading.Thread(target=target, args=(c, i), daemon=True)
               for i, c in enumerate(clients)]
    for t in threads:
        t.start()
    time.sleep(warmup)
    measuring.set()
    t0 = time.perf_counter()
    time.sleep(seconds)
    stop.set()
    elapsed = time.perf_counter() - t0
    for t in threads:
        t.join(timeout=35)
    with lock:
        lat = list(latencies)
    return {"mode": mode, "clients": users, "seconds": elapsed, "requests": len(lat),
            "errors": errors[0], "rps": len(lat) / elapsed,
            "p50_ms": _percentile(lat, 50), "p99_ms": _percentile(lat, 99)}


def run_rate(url: str, users: int, rate: float, warmup: float, seconds: float,
             senders: int = 32) -> dict:
    """The open load of ``--rate``: learner steps due at Poisson times, sent by a pool of
    ``senders`` threads; latency from the time a step was due to its response."""
    parts = urlsplit(url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    idle: queue.Queue = queue.Queue()
    for i in range(users):
        c = Client(host, port)
        c.login(user_email(i))
        idle.put((c, random.Random(i), None))  # (client, its ratings, the card it was shown)
    due: queue.Queue = queue.Queue()
    lock = threading.Lock()
    latencies: list[float] = []
    errors = [0]
    start = time.perf_counter()
    measure_from, end = start + warmup, start + warmup + seconds

    def sender() -> None:
        while (at := due.get()) is not None:
            time.sleep(max(0.0, at - time.perf_counter()))
            c, rng, card = idle.get()
            if card is None:
                status, view = c.json("GET", "/api/review/next")
                card = view.get("card") if status == 200 else None
            else:
                status, _ = c.json("POST", "/api/review/answer", {
                    "card_id": card["id"], "version": card["version"],
                    "rating": rng.choices((1, 2, 3, 4), weights=(15, 15, 60, 10))[0],
                    "client_id": uuid.uuid4().hex, "duration_ms": 1500})
                card = None
            done = time.perf_counter()
            idle.put((c, rng, card))
            if measure_from <= at < end:
                with lock:
                    latencies.append((done - at) * 1000)
                    errors[0] += status != 200

    threads = [threading.Thread(target=sender, daemon=True) for _ in range(senders)]
    for t in threads:
        t.start()
    arrivals, at = random.Random(7), start
    while (at := at + arrivals.expovariate(rate)) < end:
        due.put(at)
    for _ in threads:
        due.put(None)
    for t in threads:
        t.join(timeout=60)
    with lock:
        lat = list(latencies)
    return {"mode": "review", "clients": users, "rate": rate, "seconds": seconds,
            "requests": len(lat), "errors": errors[0], "rps": len(lat) / seconds,
            "p50_ms": _percentile(lat, 50), "p99_ms": _percentile(lat, 99)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench.http_load")
    parser.add_argument("url")
    parser.add_argument("mode", choices=("review", "trivial"))
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--warmup", type=float, default=2.0)
    parser.add_argument("--seconds", type=float, default=8.0)
    parser.add_argument("--rate", type=float, help="open load: review steps per second")
    args = parser.parse_args(argv)
    if args.rate:
        print(json.dumps(run_rate(args.url, args.users, args.rate, args.warmup, args.seconds)))
    else:
        print(json.dumps(run_load(args.url, args.mode, args.users, args.warmup, args.seconds)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
