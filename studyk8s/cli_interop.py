"""`flask sets …`, `flask export …`, `flask import …`: quiz sets and interop from the command
line, for scripted course setups. Thin over services.sets and services.interop.

Problems print as ``path:line: error: message`` (like `flask notes check`) and exit 1;
nothing is written when a file has an error.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from . import clock
from .config import ROOT
from .db import get_session

sets_cli = AppGroup("sets", help="Quiz sets: check and import content/quizzes/*.yaml.")
export_cli = AppGroup("export", help="Export a set to GIFT, a deck to Anki (.apkg) or CSV.")
import_cli = AppGroup("import", help="Import GIFT questions or CSV cards.")

QUIZZES_DIR = ROOT / "content" / "quizzes"


def register(app: Flask) -> None:
    for group in (sets_cli, export_cli, import_cli):
        app.cli.add_command(group)



def _fail(errors) -> None:
    for e in errors:
        click.echo(str(e), err=True)
    click.echo(f"{len(errors)} error{'s' if len(errors) != 1 else ''}, nothing written",
               err=True)
    sys.exit(1)


def _owner(email: str | None):
    from sqlalchemy import select

    from .persistence.models import User

    session = get_session()
    if email:
        user = session.scalar(select(User).where(User.email == email.strip().lower()))
        if user is None:
            raise click.ClickException(f"no account {email}")
        return user
    user = session.scalar(select(User).where(User.role == "admin").order_by(User.id))
    if user is None:
        raise click.ClickException("no admin account yet: create one (flask users create) or "
                                   "pass --owner EMAIL")
    return user


def _write(output: str, data: bytes | str) -> None:
    raw = data.encode("utf-8") if isinstance(data, str) else data
    if output == "-":
        click.echo(raw.decode("utf-8", errors="replace"), nl=False)
        return
    Path(output).write_bytes(raw)


# --- sets -------------------------------------------------------------------------------------


def _file_resolver():
    """Decks for `sets check`: note files on disk (no database needed)."""
    from .notes import read_notes
    from .quiz.model import facts_of

    notes_dir = Path(current_app.config["NOTES_DIR"])
    cache: dict[str, list | None] = {}

    def resolve(deck: str):
        if deck in cache:
            return cache[deck]
        found = None
        for candidate in (Path(deck), ROOT / deck, notes_dir / deck,
                          notes_dir / Path(deck).name):
            if candidate.is_file():
                found = candidate
                break
        facts = None
        if found is not None:
            noteset = read_notes([found], max_bytes=current_app.config["MAX_NOTE_BYTES"])
            if noteset.notes:
                note = noteset.notes[0]
                facts = [f for f in facts_of(note)]
        cache[deck] = facts
        return facts

    return resolve


@sets_cli.command("check")
@click.argument("paths", nargs=-1)
def sets_check(paths):
    """Validate set files (default: content/quizzes): print `path:line: error: message` for
    each problem and exit 1 if there is any. Draws are checked against the note files."""
    from .services.sets import set_files
    from .sets.schema import validate

    files, errors = set_files(list(paths) or [QUIZZES_DIR])
    resolve = _file_resolver()
    warnings, questions, good = [], 0, 0
    for f in files:
        name = _display(f)
        report = validate(f.read_bytes(), name, name=f.stem, resolve=resolve)
        errors += report.errors
        warnings += report.warnings
        if report.ok:
            good += 1
            questions += len(report.spec.entries)
    for w in warnings:
        click.echo(str(w))
    for e in errors:
        click.echo(str(e), err=True)
    click.echo(f"{len(files)} sets, {questions} questions, {len(warnings)} warnings, "
               f"{len(errors)} errors", err=True)
    sys.exit(1 if errors else 0)


def _display(path: Path) -> str:
    try:
        return path.resolve().relative_to(ROOT).as_posix()
    except ValueError:
        return path.as_posix()


@sets_cli.command("import")
@click.argument("paths", nargs=-1)
@click.option("--owner", "email", help="The instructor who owns new sets (default: the first "
                                       "admin).")
def sets_import(paths, email):
    """Load set files (default: content/quizzes) into the database, in one transaction.
    Running it again changes nothing; a changed file updates its set."""
    from .services.errors import ImportFailed, ServiceError
    from .services.sets import import_files

    try:
        report = import_files(get_session(), list(paths) or [QUIZZES_DIR], _owner(email),
                              now=clock.now(), base=ROOT)
    except ImportFailed as exc:
        _fail(exc.errors)
    except ServiceError as exc:
        raise click.ClickException(str(exc)) from exc
    for w in report.warnings:
        click.echo(str(w), err=True)
    click.echo(report.summary())


@sets_cli.command("list")
def sets_list():
    """Every set: name, status, questions, owner."""
    from sqlalchemy import func, select

    from .persistence.models import QuizSet, SetQuestion, User
    from .services.sets import status

    session = get_session()
    rows = session.execute(select(QuizSet, User.email).join(User, User.id == QuizSet.owner_id)
                           .where(QuizSet.deleted_at.is_(None)).order_by(QuizSet.name)).all()
    counts = dict(session.execute(select(SetQuestion.set_id, func.count(SetQuestion.id))
                                  .group_by(SetQuestion.set_id)).all())
    for qset, email in rows:
        click.echo(f"{qset.name}\t{status(qset, session=session)}\tv{qset.version}\t"
                   f"{counts.get(qset.id, 0)} questions\t{email}\t{qset.title}")


# --- export -----------------------------------------------------------------------------------


def _set_named(name: str):
    from .services.sets import find_by_name

    qset = find_by_name(get_session(), name)
    if qset is None and name.isdigit():
        from .persistence.models import QuizSet

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
    from .services.interop import export_gift

    text = export_gift(get_session(), _set_named(name), now=clock.now(), published=published)
    _write(output, text)
    if output != "-":
        click.echo(f"wrote {output}", err=True)


def _decks(paths):
    from .services.errors import NotFound
    from .services.interop import find_deck

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
    from .services.interop import export_apkg

    notes = _decks(decks)
    _write(output, export_apkg(get_session(), notes, now=clock.now()))
    click.echo(f"wrote {output}", err=True)


@export_cli.command("csv")
@click.option("--deck", "decks", required=True, multiple=True,
              help="A deck: the note's path, file name or title (repeatable).")
@click.option("-o", "--output", required=True, help="File to write ('-': standard output).")
def export_csv_cmd(decks, output):
    """Cards as CSV: front, back, deck, tags (spreadsheet-safe)."""
    from .services.interop import export_cards_csv

    _write(output, export_cards_csv(get_session(), _decks(decks)))
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
    from .services.errors import ImportFailed, ServiceError
    from .services.interop import import_gift

    path = Path(file)
    try:
        qset, n = import_gift(get_session(), _owner(email), path.read_bytes(), _display(path),
                              now=clock.now(), name=name or path.stem, publish=publish)
    except ImportFailed as exc:
        _fail(exc.errors)
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
    from .services.errors import ImportFailed
    from .services.interop import import_cards_csv

    path = Path(file)
    try:
        report = import_cards_csv(get_session(), path.read_bytes(), _display(path),
                                  now=clock.now(), deck=deck)
    except ImportFailed as exc:
        _fail(exc.errors)
    click.echo(report.summary())
