"""Redirects and downloads, the same way in every blueprint: where a "next" or "back" link may
send the browser (only to this site), and files sent with ``flask.send_file``."""

from __future__ import annotations

import io
from urllib.parse import urlsplit

from flask import Response, current_app, request, send_file, url_for


def safe_next(target: str | None) -> str | None:
    """``target`` if it is a path on this site (``/settings?x=1``), else None.

    Refuses absolute and scheme-relative URLs (``https://evil``, ``//evil``), backslashes
    (browsers read ``/\\evil`` as ``//evil``) and control characters.
    """
    if not target or len(target) > 2000:
        return None
    if "\\" in target or any(ord(c) < 32 or ord(c) == 127 for c in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


def back(default: str) -> str:
    """Where the form came from (its ``back`` field, else the referrer) if on this site, else
    ``default``."""
    target = request.form.get("back") or request.referrer or ""
    if target.startswith(request.host_url):
        target = "/" + target[len(request.host_url):]
    return safe_next(target) or default


def public_url(endpoint: str, **values) -> str:
    """An absolute link to share outside the app (a class's join link), from the BASE_URL
    setting: the Host header is the client's to choose, so it never goes into a link."""
    return current_app.config["BASE_URL"] + url_for(endpoint, **values)


def download(body: str | bytes, filename: str, mimetype: str) -> Response:
    """``body`` as a file to save (``flask.send_file``: an attachment named ``filename``,
    non-ASCII names included), never cached."""
    data = body.encode() if isinstance(body, str) else body
    response = send_file(io.BytesIO(data), mimetype=mimetype, as_attachment=True,
                         download_name=filename, etag=False, conditional=False, max_age=None)
    response.headers["Cache-Control"] = "no-store"
    return response
