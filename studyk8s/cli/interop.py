"""`flask export …` and `flask import …`: a set as GIFT, decks as Anki (.apkg) or CSV; GIFT
questions and CSV cards in. Problems print as ``path:line: error: message`` and exit 1;
nothing is written when a file has an error."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup

from .. import clock
from ..db import get_session
from .common import display_path, fail, owner_or_admin, write_output

export_cli = AppGroup("export", help="Export a set to GIFT, a deck to Anki (.apkg) or CSV.")
import_cli = AppGroup("import", help="Import GIFT questions or CSV cards.")


# --- export -----------------------------------------------------------------------------------


def _set_named(name: str):
    from ..services.sets import find_by_name

    qset = find_by_name(get_session(), name)
    if qset is None and name.isdigit():
        from ..persistence.models import QuizSet

        qset = get_session().get(QuizSet, int(name))
        qset = None if qset is None or qset.deleted_at is not None else qset
    if qset is None:
        raise click.ClickException(f"no set {name!r} (see flask sets list)")
    return qset


@export_cli.command("gift")
@click.option("--set", "name", required=True, help="The set's name (flask sets list).")
@click.option("-o", "--output", required=True, help="File to write ('-': standard output).")
@click.option("--published", is_flag=True, help="The published version, not the draft.")
def export_gift_cmd(name, output, published):
    """A set as Moodle GIFT (questions drawn from the notes are written out)."""
    from ..services.interop import export_gift

    text = export_gift(get_session(), _set_named(name), now=clock.now(), published=published)
    write_output(output, text)
    if output != "-":
        click.echo(f"wrote {output}", err=True)


def _decks(paths):
    from ..services.errors import NotFound
    from ..services.interop import find_deck

    try:
        return [find_deck(get_session(), p) for p in paths]
    except NotFound as exc:
        raise click.ClickException(str(exc)) from exc


@export_cli.command("apkg")
@click.option("--deck", "decks", required=True, multiple=True,
              help="A deck: the note's path, file name or title (repeatable).")
@click.option("-o", "--output", required=True, help="The .apkg file to write.")
def export_apkg_cmd(decks, output):
    """Decks as an Anki package. Importing a later export into Anki updates the same notes
    (stable GUIDs) instead of adding duplicates; each note keeps its source `path:line`."""
    from ..services.interop import export_apkg

    notes = _decks(decks)
    write_output(output, export_apkg(get_session(), notes, now=clock.now()))
    click.echo(f"wrote {output}", err=True)


@export_cli.command("csv")
@click.option("--deck", "decks", required=True, multiple=True,
              help="A deck: the note's path, file name or title (repeatable).")
@click.option("-o", "--output", required=True, help="File to write ('-': standard output).")
def export_csv_cmd(decks, output):
    """Cards as CSV: front, back, deck, tags (spreadsheet-safe)."""
    from ..services.interop import export_cards_csv

    write_output(output, export_cards_csv(get_session(), _decks(decks)))
    if output != "-":
        click.echo(f"wrote {output}", err=True)


# --- import -----------------------------------------------------------------------------------


@import_cli.command("gift")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--set", "name", help="Import into this set (its questions are replaced); "
                                    "default: a set named after the file.")
@click.option("--owner", "email", help="The instructor who owns a new set (default: the "
                                       "first admin).")
@click.option("--publish", is_flag=True, help="Publish the set after importing.")
def import_gift_cmd(file, name, email, publish):
    """Questions from a Moodle GIFT file. Running it twice gives the same set."""
    from ..services.errors import ImportFailed, ServiceError
    from ..services.interop import import_gift

    path = Path(file)
    try:
        qset, n = import_gift(get_session(), owner_or_admin(email), path.read_bytes(),
                              display_path(path), now=clock.now(), name=name or path.stem,
                              publish=publish)
    except ImportFailed as exc:
        fail(exc.errors)
    except ServiceError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"{n} questions into set {qset.name!r}"
               + (f" (published v{qset.version})" if publish else " (draft)"))


@import_cli.command("csv")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--deck", default="", help="Deck for rows without a deck column (default: the "
                                         "file name).")
def import_csv_cmd(file, deck):
    """Cards from CSV (front, back, deck, tags; Anki's text export works too). Decks are
    named csv:<deck>; importing the same file again changes nothing."""
    from ..services.errors import ImportFailed
    from ..services.interop import import_cards_csv

    path = Path(file)
    try:
        report = import_cards_csv(get_session(), path.read_bytes(), display_path(path),
                                  now=clock.now(), deck=deck)
    except ImportFailed as exc:
        fail(exc.errors)
    click.echo(report.summary())
