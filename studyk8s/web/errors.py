"""The one handler for the services' refusals (``services.errors``), app-wide: it maps an
error's class to an HTTP status and shows its message, as JSON to a script and as a flashed
message (back to the form) or a 404 page to a browser."""

from __future__ import annotations

from flask import Flask, flash, jsonify, redirect, render_template, request, url_for
from werkzeug.exceptions import NotFound as HTTPNotFound

from ..i18n import translate
from ..services.errors import Conflict, ImportFailed, NotFound, ServiceError
from .auth import wants_json
from .responses import back

# Most specific first.
STATUS: tuple[tuple[type[ServiceError], int], ...] = ((NotFound, 404), (Conflict, 409),
                                                      (ServiceError, 400))
# The instructor pages are forms: a refusal there is always a page, never JSON.
FORM_ONLY = frozenset({"sets", "classes"})
# Where a refused form goes back to when it came from nowhere on this site.
FALLBACK = {"sets": "sets.index", "classes": "classes.index"}


def register(app: Flask) -> None:
    app.register_error_handler(ServiceError, handle)


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
