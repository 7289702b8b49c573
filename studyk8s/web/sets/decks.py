"""Decks out and in: a deck as Anki (.apkg) or CSV, and CSV cards imported by instructors."""

from __future__ import annotations

from flask import (
    abort,
    flash,
    redirect,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ... import clock
from ...db import get_session
from ...persistence.models import Note
from ...services import interop, sets
from ..responses import download
from .common import (
    bp,
    instructors,
    render,
    upload_file,
)
from .forms import DeckImportForm

# --- decks: Anki and CSV -----------------------------------------------------------------------


@bp.get("/decks/export")
@login_required
def decks():
    return _decks_page()


def _decks_page(form=None, status: int = 200):
    from ...services.decks import list_decks

    return render("sets/decks.html", status, decks=list_decks(get_session()),
                  can_import=sets.is_author(current_user),
                  form=form or DeckImportForm(formdata=None))


def _deck(note_id: int):
    note = get_session().get(Note, note_id)
    if note is None or note.retired_at is not None:
        abort(404)
    return note


@bp.get("/decks/<int:note_id>/export.apkg")
@login_required
def deck_apkg(note_id: int):
    note = _deck(note_id)
    data = interop.export_apkg(get_session(), [note], now=clock.now())
    return download(data, f"{sets.slugify(note.title or note.path)}.apkg",
                     "application/octet-stream")


@bp.get("/decks/<int:note_id>/export.csv")
@login_required
def deck_csv(note_id: int):
    note = _deck(note_id)
    return download(interop.export_cards_csv(get_session(), [note]),
                     f"{sets.slugify(note.title or note.path)}.csv", "text/csv; charset=utf-8")


@bp.post("/decks/import")
@instructors
def decks_import():
    from ...sets.csvio import MAX_FILE_BYTES

    form = DeckImportForm()
    if not form.validate():
        return _decks_page(form, 400)
    data, name = upload_file(limit=MAX_FILE_BYTES)
    report = interop.import_cards_csv(get_session(), data, name, now=clock.now(),
                                      deck=(form.deck.data or "").strip())
    flash(_("Imported %(name)s: %(summary)s.", name=name, summary=report.summary()), "success")
    return redirect(url_for("sets.decks"), 303)
