"""The one app-wide handler for the services' refusals (``services.errors``) and for HTTP
errors. A refusal's class gives its HTTP status and its code gives the message, in the UI
language (``messages``): JSON to a script, a flashed message back to the form, or an error
page. Error pages (400, 403, 404, 405, 409, 413, 500) are drawn in the site's layout, with its
navigation and a way back, in the UI language. Also, in the request's format: input refused
at the gate (``inputs.BadInput``, 400) and a database that cannot be used now (read-only,
full, locked or down: 503, nothing written)."""

from __future__ import annotations

import logging

from flask import Flask, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import DataError, OperationalError
from werkzeug.exceptions import HTTPException, InternalServerError

from ..db import get_session
from ..services.errors import Conflict, ImportFailed, NotFound, ServiceError
from . import messages
from .auth import wants_json
from .inputs import BadInput, FormsOnly
from .messages import message
from .responses import back

log = logging.getLogger(__name__)

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
    app.register_error_handler(BadInput, bad_input)
    app.register_error_handler(FormsOnly, forms_only)
    app.register_error_handler(DataError, bad_value)
    app.register_error_handler(OperationalError, unavailable)


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


def bad_input(exc: BadInput):
    text = exc.description
    if wants_json():
        return jsonify(error=text, status=400), 400
    return render_template("errors/message.html", title=_("Bad request"), message=text), 400


def forms_only(exc: FormsOnly):
    return jsonify(error=exc.description, status=415), 415


def bad_value(exc: DataError):
    """The database refused a value the gate let through (too long for its column, out of
    range): nothing was written. A 400, logged so the gate can be tightened."""
    log.warning("value refused by the database: %s", exc.orig)
    _rollback()
    return bad_input(BadInput(_("A value is too long or out of range. Nothing was saved.")))


def unavailable(exc: OperationalError):
    """503: nothing was saved and trying again later may work. The page reads nothing from
    the database (it may be down), and falls back to English if even the language cannot
    be chosen."""
    log.error("database unavailable: %s", exc.orig)
    _rollback()
    try:
        title, retry = _("Service unavailable"), _("Try again")
        text = _("The database cannot be written right now (it is read-only, full, busy "
                    "or down). Nothing was saved: try again in a minute.")
        lang = request.accept_languages.best_match(["en", "zh"]) or "en"
    except Exception:  # the locale comes from the user's row: the database may be down
        title, retry, lang = "Service unavailable", "Try again", "en"
        text = ("The database cannot be written right now (it is read-only, full, busy "
                   "or down). Nothing was saved: try again in a minute.")
    headers = {"Retry-After": "60"}
    if wants_json():
        return jsonify(error=text, status=503), 503, headers
    return render_template("errors/unavailable.html", title=title, message=text,
                           retry=retry, lang=lang), 503, headers


def _rollback() -> None:
    try:
        get_session().rollback()
    except Exception:  # the connection itself may be gone
        log.debug("rollback after a database error failed", exc_info=True)
