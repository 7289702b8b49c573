"""When the worker's event loop hands a request to a thread: only once it is whole (or
can be refused), so a slow client never holds a thread (studyk8s/gunicorn_worker.py)."""

from __future__ import annotations

from studyk8s.gunicorn_worker import MAX_BUFFERED_BODY, MAX_HEAD, request_complete

HEAD = b"POST /api/review/answer HTTP/1.1\r\nHost: x\r\nContent-Length: 11\r\n"


def test_a_head_trickling_in_is_not_complete_until_its_blank_line():
    assert not request_complete(b"GET /login HTTP/1.1\r\nHost: x\r\nX-Slow-1: a\r\n")
    assert request_complete(b"GET /login HTTP/1.1\r\nHost: x\r\n\r\n")


def test_a_body_is_waited_for_up_to_its_length():
    assert not request_complete(HEAD + b"\r\n" + b'{"a": ')
    assert request_complete(HEAD + b"\r\n" + b'{"a": 1234}')
    assert request_complete(HEAD.replace(b"Content-Length", b"content-length") + b"\r\n"
                            + b'{"a": 1234}')


def test_chunked_bodies_wait_for_the_last_chunk():
    head = b"POST /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"
    assert not request_complete(head + b"5\r\nhello\r\n")
    assert request_complete(head + b"5\r\nhello\r\n0\r\n\r\n")


def test_what_would_be_refused_anyway_is_not_buffered():
    assert request_complete(b"GET /" + b"a" * (MAX_HEAD + 1))  # the parser answers 4xx
    big = b"POST /x HTTP/1.1\r\nContent-Length: %d\r\n\r\n" % (MAX_BUFFERED_BODY + 1)
    assert request_complete(big)  # the app answers 413 without reading it


SLOW_APP = '''
import os, time

def app(environ, start_response):
    if environ["PATH_INFO"] == "/slow":
        time.sleep(float(environ.get("QUERY_STRING") or 1))
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [str(os.getpid()).encode()]
'''


def test_a_busy_worker_leaves_new_connections_to_a_free_one(tmp_path):
    """With one thread per worker, a worker busy with a request does not accept the next
    connection (which would wait behind it): another worker that is free answers at once."""
    import socket
    import subprocess
    import sys
    import threading
    import time
    import urllib.request
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    (tmp_path / "slowapp.py").write_text(SLOW_APP)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    gunicorn = Path(sys.executable).with_name("gunicorn")
    server = subprocess.Popen(
        [str(gunicorn), "-k", "studyk8s.gunicorn_worker.BufferedThreadWorker", "-w", "2",
         "--threads", "1", "-b", f"127.0.0.1:{port}", "--log-level", "warning", "slowapp:app"],
        cwd=tmp_path, env={"PYTHONPATH": f"{tmp_path}:{root}", "PATH": ""},
        stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    try:
        pids = set()
        deadline = time.monotonic() + 20
        while len(pids) < 2 and time.monotonic() < deadline:  # both workers up
            try:
                pids.add(urllib.request.urlopen(url + "/", timeout=2).read())
            except OSError:
                time.sleep(0.1)
        assert len(pids) == 2, server.stderr.read1().decode() if server.poll() else pids
        slow = threading.Thread(target=lambda: urllib.request.urlopen(url + "/slow?3").read())
        slow.start()
        time.sleep(0.5)  # the slow request is running in one worker
        waits = []
        for _ in range(8):
            t0 = time.monotonic()
            urllib.request.urlopen(url + "/", timeout=10).read()
            waits.append(time.monotonic() - t0)
        slow.join()
        assert max(waits) < 1.0, waits  # none waited behind the slow one (3 s)
    finally:
        server.terminate()
        server.wait(timeout=20)
