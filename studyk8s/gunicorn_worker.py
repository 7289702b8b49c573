"""gunicorn's gthread worker, reading each request whole before a thread takes it (what a
buffering proxy such as nginx does in front of an app server).

Stock gthread hands a connection to a thread as soon as its first bytes arrive; the thread
then blocks until the request head (and body) are in. A client that sends a header line a
second holds a thread for as long as it likes, and a handful of them starve the server
(issue 18: four slow clients made `GET /login` time out). Here the worker's event loop
collects the bytes of every connection without blocking, and only a complete request (head
and, up to ``MAX_BUFFERED_BODY``, body) goes to a thread. A request not complete within
``REQUEST_READ_TIMEOUT`` seconds is dropped. Slow clients then cost a socket and a buffer
each, never a thread.

Used by gunicorn.conf.py (``worker_class``); tests/load/test_slow_clients.py holds 20 slow
clients while measuring normal requests.
"""

from __future__ import annotations

import contextlib
import re
import selectors
import time
from collections import deque
from functools import partial

from gunicorn.workers.gthread import TConn, ThreadWorker

REQUEST_READ_TIMEOUT = 20.0  # seconds for a whole request to arrive
MAX_HEAD = 64 * 1024  # past this the parser answers (431/400) without waiting for more
MAX_BUFFERED_BODY = 6 * 1_048_576  # a body up to the app's upload limit (5 MiB) is buffered
_CONTENT_LENGTH = re.compile(rb"\r\ncontent-length:[ \t]*(\d{1,12})[ \t]*\r\n", re.I)
_CHUNKED = re.compile(rb"\r\ntransfer-encoding:[^\r\n]*chunked", re.I)


def request_complete(buf: bytes | bytearray) -> bool:
    """Whether ``buf`` holds a whole request (or enough to refuse it)."""
    end = buf.find(b"\r\n\r\n")
    if end < 0:
        return len(buf) > MAX_HEAD
    head = b"\r\n" + bytes(buf[:end + 2])
    if _CHUNKED.search(head):
        return buf.endswith(b"0\r\n\r\n") or len(buf) - end > MAX_BUFFERED_BODY
    m = _CONTENT_LENGTH.search(head)
    length = int(m.group(1)) if m else 0
    return length > MAX_BUFFERED_BODY or len(buf) - (end + 4) >= length


class BufferedThreadWorker(ThreadWorker):
    """``ThreadWorker`` whose event loop reads requests whole (new and kept-alive
    connections alike) before handing them to the thread pool."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.reading_conns: deque[TConn] = deque()

    def accept(self, listener):
        try:
            sock, addr = listener.accept()
        except BlockingIOError:
            return
        self.nr_conns += 1
        self._read(TConn(self.cfg, sock, addr, listener.getsockname()))

    def on_client_socket_readable(self, conn, client):
        self.poller.unregister(client)
        self.keepalived_conns.remove(conn)
        self._read(conn)

    def _read(self, conn: TConn) -> None:
        conn.sock.setblocking(False)
        conn.buffered = bytearray()
        conn.timeout = time.monotonic() + REQUEST_READ_TIMEOUT
        self.reading_conns.append(conn)
        self.poller.register(conn.sock, selectors.EVENT_READ, partial(self._on_bytes, conn))

    def _on_bytes(self, conn: TConn, sock) -> None:
        try:
            data = sock.recv(65536)
        except BlockingIOError:
            return
        except OSError:
            data = b""
        if not data:  # the client went away
            self._drop(conn)
            return
        conn.buffered += data
        if not request_complete(conn.buffered):
            return
        self.poller.unregister(sock)
        self.reading_conns.remove(conn)
        conn.data_ready = True
        conn.init()  # plain HTTP/1.x (no TLS here: the parser is made on the socket)
        conn.parser.unreader.unread(bytes(conn.buffered))
        conn.buffered = bytearray()
        self.enqueue_req(conn)

    def _drop(self, conn: TConn) -> None:
        with contextlib.suppress(KeyError, ValueError, OSError):
            self.poller.unregister(conn.sock)
        if conn in self.reading_conns:
            self.reading_conns.remove(conn)
        self.nr_conns -= 1
        conn.close()

    def murder_pending(self):
        """Also drop connections whose request did not arrive in time."""
        super().murder_pending()
        now = time.monotonic()
        while self.reading_conns and self.reading_conns[0].timeout <= now:
            self._drop(self.reading_conns[0])
