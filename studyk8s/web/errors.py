"""The one app-wide handler for the services' refusals (``services.errors``) and for HTTP
errors. A refusal's class gives its HTTP status and its code gives the message, in the UI
language (``messages``): JSON to a script, a flashed message back to the form, or an error
page. Error pages (400, 403, 404, 405, 409, 413, 500) are drawn in the site's layout, with its
navigation and a way back, in the UI language."""

from __future__ import annotations

from flask import Flask, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import HTTPException, InternalServerError

from ..services.errors import Conflict, ImportFailed, NotFound, ServiceError
from . import messages
from .auth import wants_json
from .messages import message
from .responses import back

# Most specific first.
STATUS: tuple[tuple[type[ServiceError], int], ...] = ((NotFound, 404), (Conflict, 409),
                                                      (ServiceError, 400))
# The instructor pages are forms: a refusal there is always a page, never JSON.
FORM_ONLY = frozenset({"sets", "classes"})
# Where a refused form goes back to when it came from nowhere on this site.
FALLBACK = {"sets": "sets.index", "classes": "classes.index"}

# Each error page's heading and sentence.
PAGES = {
    400: (_l("Bad request"),
          _l("The request could not be understood. Go back, check the form or the link, and "
             "try again.")),
    403: (_l("Not allowed"), _l("Your account does not have access to this page.")),
    404: (_l("Page not found"),
          _l("There is nothing here: the link may be old, or the page is not yours to see.")),
    405: (_l("Not allowed"), _l("This page cannot be used that way.")),
    409: (_l("Changed in the meantime"),
          _l("This changed since you opened the page. Reload it and try again.")),
    413: (_l("Too large"), _l("What you sent is larger than this site accepts.")),
    500: (_l("Something went wrong"),
          _l("The server could not answer this request. Try again in a moment; if it keeps "
             "happening, tell the site's administrator.")),
}


def register(app: Flask) -> None:
    messages.register(app)
    app.register_error_handler(ServiceError, handle)
    for status in PAGES:
        app.register_error_handler(status, http_error)


def status_of(exc: ServiceError) -> int:
    return next(status for cls, status in STATUS if isinstance(exc, cls))


def error_page(status: int, detail: str | None = None):
    """The error page for ``status`` (JSON for a script), in the layout, in the UI language."""
    title, text = PAGES.get(status, PAGES[400 if status < 500 else 500])
    if wants_json():
        return jsonify(error=detail or str(text), status=status), status
    try:
        # The language switch leads home: an error page reads the same for every URL (a
        # missing id and another learner's id give the same bytes).
        return render_template("errors/http.html", status=status, title=title, text=text,
                               detail=detail, lang_next=url_for("home.index")), status
    except Exception:  # the layout itself failed (a broken database): a bare page, still 500
        if status < 500:
            raise
        return f"<!doctype html><title>{status}</title><h1>{status}</h1>", status


def http_error(exc: HTTPException):
    status = exc.code or 500
    # A description given on purpose (``abort(400, description=…)``) is shown; Werkzeug's own
    # English defaults are not.
    detail = (exc.description if exc.description != type(exc).description
              and not isinstance(exc, InternalServerError) else None)
    return error_page(status, detail)


def handle(exc: ServiceError):
    status = status_of(exc)
    text = message(exc)
    if wants_json() and request.blueprint not in FORM_ONLY:
        return jsonify(error=text, code=exc.code, status=status), status
    if isinstance(exc, ImportFailed):
        return render_template("sets/upload_error.html", errors=exc.errors,
                               back=back(url_for("sets.index"))), 400
    if status == 404:
        return error_page(404)  # the same answer for "not yours" and "no such id"
    flash(text, "error")
    if request.blueprint == "quiz":
        return redirect(url_for("quiz.index"))
    # A quiz refusal on an assigned set's page goes back home, where the set is listed.
    fallback = ("home.index" if exc.code.startswith("quiz.")
                else FALLBACK.get(request.blueprint or "", "home.index"))
    return redirect(back(url_for(fallback)), 303)
