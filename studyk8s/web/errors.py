"""The one handler for the services' refusals (``services.errors``), app-wide: it maps an
error's class to an HTTP status and shows its message, as JSON to a script and as a flashed
message (back to the form) or a 404 page to a browser. Also, in the request's format: input
refused at the gate (``inputs.BadInput``, 400) and a database that cannot be used now
(read-only, full, locked or down: 503, nothing written)."""

from __future__ import annotations

import logging

from flask import Flask, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy.exc import DataError, OperationalError
from werkzeug.exceptions import NotFound as HTTPNotFound

from ..db import get_session
from ..i18n import translate
from ..services.errors import Conflict, ImportFailed, NotFound, ServiceError
from .auth import wants_json
from .inputs import BadInput, FormsOnly
from .responses import back

log = logging.getLogger(__name__)

# Most specific first.
STATUS: tuple[tuple[type[ServiceError], int], ...] = ((NotFound, 404), (Conflict, 409),
                                                      (ServiceError, 400))
# The instructor pages are forms: a refusal there is always a page, never JSON.
FORM_ONLY = frozenset({"sets", "classes"})
# Where a refused form goes back to when it came from nowhere on this site.
FALLBACK = {"sets": "sets.index", "classes": "classes.index"}


def register(app: Flask) -> None:
    app.register_error_handler(ServiceError, handle)
    app.register_error_handler(BadInput, bad_input)
    app.register_error_handler(FormsOnly, forms_only)
    app.register_error_handler(DataError, bad_value)
    app.register_error_handler(OperationalError, unavailable)


def status_of(exc: ServiceError) -> int:
    return next(status for cls, status in STATUS if isinstance(exc, cls))


def handle(exc: ServiceError):
    status = status_of(exc)
    if wants_json() and request.blueprint not in FORM_ONLY:
        return jsonify(error=str(exc), status=status), status
    if isinstance(exc, ImportFailed):
        return render_template("sets/upload_error.html", errors=exc.errors,
                               back=back(url_for("sets.index"))), 400
    if status == 404:
        return HTTPNotFound().get_response()  # the same answer for "not yours" and "no such id"
    flash(translate(str(exc)), "error")
    if request.blueprint == "quiz":
        return redirect(url_for("quiz.index"))
    # A quiz refusal on an assigned set's page goes back home, where the set is listed.
    fallback = ("home.index" if exc.code.startswith("quiz.")
                else FALLBACK.get(request.blueprint or "", "home.index"))
    return redirect(back(url_for(fallback)), 303)


def bad_input(exc: BadInput):
    message = exc.description
    if wants_json():
        return jsonify(error=message, status=400), 400
    return render_template("errors/message.html", title=_("Bad request"), message=message), 400


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
        message = _("The database cannot be written right now (it is read-only, full, busy "
                    "or down). Nothing was saved: try again in a minute.")
        lang = request.accept_languages.best_match(["en", "zh"]) or "en"
    except Exception:  # the locale comes from the user's row: the database may be down
        title, retry, lang = "Service unavailable", "Try again", "en"
        message = ("The database cannot be written right now (it is read-only, full, busy "
                   "or down). Nothing was saved: try again in a minute.")
    headers = {"Retry-After": "60"}
    if wants_json():
        return jsonify(error=message, status=503), 503, headers
    return render_template("errors/unavailable.html", title=title, message=message,
                           retry=retry, lang=lang), 503, headers


def _rollback() -> None:
    try:
        get_session().rollback()
    except Exception:  # the connection itself may be gone
        log.debug("rollback after a database error failed", exc_info=True)
