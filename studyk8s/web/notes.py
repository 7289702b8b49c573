"""Notes from the browser: an instructor or admin uploads ``.md`` files or a ``.zip`` of a
folder, sees what the reader makes of them (facts, warnings), then imports them in one
transaction. The preview page carries the files back (base64, exact bytes) so the import
needs no server-side state, and the import checks them all again."""

from __future__ import annotations

import base64

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext

from .. import clock
from ..db import get_session
from ..services import uploads
from ..services.errors import ImportFailed
from .auth import role_required

bp = Blueprint("notes", __name__)
authors = role_required("instructor", "admin")


def _page(status: int = 200, **context):
    return render_template("notes/upload.html", max_bytes=current_app.config["MAX_NOTE_BYTES"],
                           **context), status


@bp.get("/notes/upload")
@authors
def upload():
    return _page()


@bp.post("/notes/upload")
@authors
def check():
    """Read the chosen files and show what an import would do; nothing is written."""
    files = [(f.filename or "", f.read()) for f in request.files.getlist("files") if f]
    try:
        found = uploads.read_files(files, max_bytes=current_app.config["MAX_NOTE_BYTES"])
        notes = uploads.preview(get_session(), found)
    except ImportFailed as exc:
        return _page(400, errors=exc.errors)
    carried = [(u.name, base64.b64encode(u.data).decode("ascii")) for u in found]
    return _page(notes=notes, carried=carried)


@bp.post("/notes/import")
@authors
def import_():
    """Import the files the preview carried, checked again from scratch."""
    pairs = zip(request.form.getlist("name"), request.form.getlist("body"), strict=False)
    try:
        found = uploads.from_form(pairs, max_bytes=current_app.config["MAX_NOTE_BYTES"])
        report = uploads.import_uploads(get_session(), found, now=clock.now())
    except ImportFailed as exc:
        return _page(400, errors=exc.errors)
    flash(_("Imported %(notes)s (%(unchanged)s unchanged): %(cards)s new.",
            notes=ngettext("%(num)d note", "%(num)d notes", report.notes),
            unchanged=report.unchanged,
            cards=ngettext("%(num)d card", "%(num)d cards", report.added["cards"])), "success")
    return redirect(url_for("home.index"), 303)
