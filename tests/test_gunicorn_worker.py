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
