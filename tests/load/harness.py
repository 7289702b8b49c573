"""A real server (gunicorn, several workers, SQLite in a scratch instance or a PostgreSQL
database) and HTTP clients that review the way the browser does: log in, fetch the next card,
submit a rating with a client id, retry with the same id after a network error. Loopback only."""

from __future__ import annotations

import http.client
import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
SHARED_NOTE = ROOT / "content" / "notes" / "docker-k8s-1.md"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    """gunicorn on a scratch instance directory; ``kill()`` is kill -9 of the whole group."""

    instance: Path
    workers: int = 4
    port: int = field(default_factory=free_port)
    proc: subprocess.Popen | None = None
    extra_args: tuple[str, ...] = ()  # e.g. ("-k", "sync") to compare with another worker
    database_url: str | None = None  # PostgreSQL; else SQLite in the instance directory

    @property
    def env(self) -> dict[str, str]:
        env = {**os.environ, "STUDYK8S_INSTANCE": str(self.instance),
               "SECRET_KEY": "load-test-secret", "NOTES_DIR": str(self.instance / "notes"),
               "LOGIN_RATE_LIMIT": "10000 per minute", "PYTHONPATH": str(ROOT)}
        if self.database_url:
            env["DATABASE_URL"] = self.database_url
        return env

    def flask(self, *args: str) -> str:
        out = subprocess.run([PYTHON, "-m", "flask", "--app", "app", *args], cwd=ROOT,
                             env=self.env, capture_output=True, text=True, timeout=300)
        if out.returncode != 0:
            raise RuntimeError(f"flask {' '.join(args)} failed:\n{out.stdout}\n{out.stderr}")
        return out.stdout

    def prepare(self, n_notes: int = 30) -> None:
        """Migrate and import a corpus big enough that no client runs out of new cards."""
        notes = self.instance / "notes"
        notes.mkdir(parents=True, exist_ok=True)
        sys.path.insert(0, str(ROOT))
        from bench.import_notes import make_corpus

        make_corpus(notes, n_notes)
        self.flask("db", "upgrade")
        self.flask("notes", "import", str(notes))

    def start(self) -> None:
        self.proc = subprocess.Popen(
            [PYTHON, "-m", "gunicorn", "-c", str(ROOT / "gunicorn.conf.py"), "-w",
             str(self.workers), "-b", f"127.0.0.1:{self.port}", *self.extra_args, "app:app"],
            cwd=ROOT, env=self.env, stdout=subprocess.DEVNULL,
            stderr=open(self.instance / "gunicorn.log", "ab"),  # noqa: SIM115
            start_new_session=True)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                conn.request("GET", "/login")
                if conn.getresponse().status == 200:
                    return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("gunicorn did not start; see gunicorn.log")

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            self.proc.wait(timeout=30)

    def kill(self) -> None:
        """kill -9 the master and every worker at once, mid-request."""
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=30)

    @property
    def db_path(self) -> Path:
        return self.instance / "studyk8s.db"


class Client:
    """One learner's browser: a cookie, a CSRF token, keep-alive, retries with the same id.
    With ``also`` (other servers' ports), its requests go to each server in turn, as behind
    a round-robin load balancer."""

    def __init__(self, port: int, email: str, *, also: tuple[int, ...] = ()):
        self.port, self.email = port, email
        self.ports = (port, *also)
        self.turn = 0
        self.conns: dict[int, http.client.HTTPConnection] = {}
        self.cookie = ""
        self.csrf = ""
        self.conn: http.client.HTTPConnection | None = None

    def _request(self, method: str, path: str, body: bytes | None = None,
                 headers: dict | None = None) -> tuple[int, bytes]:
        if len(self.ports) > 1:
            self.port = self.ports[self.turn % len(self.ports)]
            self.turn += 1
            self.conn = self.conns.get(self.port)
        if self.conn is None:
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            self.conns[self.port] = self.conn
        h = {"Cookie": self.cookie} if self.cookie else {}
        h.update(headers or {})
        try:
            self.conn.request(method, path, body=body, headers=h)
            resp = self.conn.getresponse()
            data = resp.read()
        except (OSError, http.client.HTTPException):
            self.conn.close()
            self.conn = None
            self.conns.pop(self.port, None)
            raise
        for value in resp.headers.get_all("Set-Cookie") or []:
            if value.startswith("session="):
                self.cookie = value.split(";", 1)[0]
        return resp.status, data

    def _form_token(self, path: str) -> str:
        status, html = self._request("GET", path)
        return re.search(rb'name="csrf_token"[^>]*value="([^"]+)"', html)[1].decode()

    def signup(self) -> None:
        token = self._form_token("/signup")
        body = (f"csrf_token={token}&email={self.email}&password=kube-study-4471"
                f"&confirm=kube-study-4471&timezone=UTC").encode()
        status, _ = self._request("POST", "/signup", body,
                                  {"Content-Type": "application/x-www-form-urlencoded"})
        if status != 302:
            raise RuntimeError(f"signup of {self.email} answered {status}")
        self.refresh_csrf()

    def refresh_csrf(self) -> None:
        status, html = self._request("GET", "/review")
        self.csrf = re.search(rb'name="csrf-token" content="([^"]+)"', html)[1].decode()

    def twin(self) -> Client:
        """A second connection on this session (a double click, a retried request)."""
        twin = Client(self.port, self.email)
        twin.cookie, twin.csrf = self.cookie, self.csrf
        return twin

    def peer_port(self) -> int:
        """With several servers, one other than the server this client's next request goes
        to: where a twin of that request is sent, so that both copies race on two servers."""
        if len(self.ports) == 1:
            return self.port
        return self.ports[(self.turn + 1) % len(self.ports)]

    def aim(self, port: int) -> None:
        """Send the next requests to ``port`` (a twin following its client's peer_port)."""
        if port != self.port:
            self.port, self.conn = port, self.conns.get(port)

    def json(self, method: str, path: str, payload=None) -> tuple[int, dict]:
        body = json.dumps(payload).encode() if payload is not None else None
        status, data = self._request(method, path, body, {
            "Content-Type": "application/json", "Accept": "application/json",
            "X-CSRFToken": self.csrf})
        try:
            return status, json.loads(data or b"{}")
        except ValueError:
            return status, {"raw": data.decode("utf-8", "replace")}


@dataclass
class Tally:
    """What the clients saw. ``acked`` holds client ids the server confirmed (HTTP 200)."""

    acked: set[str] = field(default_factory=set)
    clients: int = 0
    twins_elsewhere: int = 0  # submits whose twin went to another server than the original
    latencies: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    locked: int = 0
    errors: list[str] = field(default_factory=list)
    network_errors: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def status(self, code: int, body: dict) -> None:
        with self.lock:
            self.statuses[code] = self.statuses.get(code, 0) + 1
            if "locked" in json.dumps(body):
                self.locked += 1
            if code >= 500 and len(self.errors) < 20:
                self.errors.append(f"{code}: {str(body)[:200]}")

    @property
    def server_errors(self) -> int:
        return sum(n for code, n in self.statuses.items() if code >= 500)


def review_loop(client: Client, tally: Tally, stop_at: float, *, twice: bool = False,
                retry_network: bool = False, stop: threading.Event | None = None) -> None:
    """Fetch, answer, repeat until ``stop_at``. With ``twice`` every answer is sent twice, the
    second time concurrently on another connection (a double click, a retried request), to
    another server when the client alternates between several."""
    rng = uuid.UUID(int=hash(client.email) & ((1 << 128) - 1)).int
    twin = client.twin() if twice else None
    n = 0
    stop = stop or threading.Event()

    def running() -> bool:
        return time.monotonic() < stop_at and not stop.is_set()

    while running():
        try:
            code, view = client.json("GET", "/api/review/next")
        except (OSError, http.client.HTTPException):
            tally.network_errors += 1
            time.sleep(0.2)
            continue
        tally.status(code, view)
        card = view.get("card") if code == 200 else None
        if card is None:
            time.sleep(0.05)
            continue
        n += 1
        payload = {"card_id": card["id"], "version": card["version"],
                   "rating": [1, 2, 3, 3, 3, 3, 4, 3][(rng >> (n % 100)) % 8],
                   "client_id": uuid.uuid4().hex, "duration_ms": 1500}
        _submit(client, twin, payload, tally, running, retry_network)


def _submit(client, twin, payload, tally, running, retry_network) -> None:
    while True:
        t0 = time.perf_counter()
        results: list[tuple[int, dict]] = []

        def send(c, results=results):
            try:
                results.append(c.json("POST", "/api/review/answer", payload))
            except (OSError, http.client.HTTPException):
                results.append((0, {}))

        if twin is not None:
            twin.aim(client.peer_port())
            t = threading.Thread(target=send, args=(twin,))
            t.start()
            send(client)
            t.join()
            if twin.port != client.port:
                with tally.lock:
                    tally.twins_elsewhere += 1
        else:
            send(client)
        elapsed = time.perf_counter() - t0
        for code, body in results:
            if code == 0:
                tally.network_errors += 1
                continue
            tally.status(code, body)
        if any(code == 200 for code, _ in results):
            with tally.lock:  # one answer, one latency, however many copies were confirmed
                tally.acked.add(payload["client_id"])
                tally.latencies.append(elapsed)
        if any(code == 0 for code, _ in results) and retry_network and running():
            time.sleep(0.3)  # the server is down: retry the same submit, as the page does
            continue
        return


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    s = sorted(values)
    return s[min(len(s) - 1, int(round(p / 100 * (len(s) - 1))))]
