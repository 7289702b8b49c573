"""kill -9 of gunicorn's master alone leaves no worker holding the port (issue 18): the
workers get the parent-death signal that gunicorn.conf.py's post_fork sets
(`make test-load`)."""

from __future__ import annotations

import os
import signal
import socket
import time
from pathlib import Path

import pytest

from .harness import Server

pytestmark = pytest.mark.skipif(os.environ.get("STUDYK8S_LOAD") != "1",
                                reason="load tests run with `make test-load`")


def children(pid: int) -> list[int]:
    out = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == pid:
                out.append(int(stat.parent.name))
        except (OSError, ValueError, IndexError):
            continue
    return out


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def test_killing_the_master_alone_ends_its_workers(tmp_path):
    server = Server(tmp_path / "instance", workers=2)
    server.prepare(n_notes=1)
    server.start()
    try:
        workers = children(server.proc.pid)
        assert len(workers) == 2
        os.kill(server.proc.pid, signal.SIGKILL)
        server.proc.wait(timeout=10)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and any(alive(w) for w in workers):
            time.sleep(0.1)
        assert not any(alive(w) for w in workers)
        with pytest.raises(OSError), socket.create_connection(("127.0.0.1", server.port),
                                                                timeout=2):
            pass
    finally:
        server.stop()
