"""`flask sets …`: check and import the quiz-set files of content/quizzes, list the sets."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from .. import clock
from ..config import ROOT
from ..db import get_session
from .common import display_path, fail, owner_or_admin

sets_cli = AppGroup("sets", help="Quiz sets: check and import content/quizzes/*.yaml.")

QUIZZES_DIR = ROOT / "content" / "quizzes"


def _file_resolver():
    """Decks for `sets check`: note files on disk (no database needed)."""
    from ..notes import read_notes
    from ..quiz.model import facts_of

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
    from ..services.sets import set_files
    from ..sets.schema import validate

    files, errors = set_files(list(paths) or [QUIZZES_DIR])
    resolve = _file_resolver()
    warnings, questions, good = [], 0, 0
    for f in files:
        name = display_path(f)
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



@sets_cli.command("import")
@click.argument("paths", nargs=-1)
@click.option("--owner", "email", help="The instructor who owns new sets (default: the first "
                                       "admin).")
@click.option("--if-admin", is_flag=True, help="With no admin account yet, say so and import "
              "nothing (exit 0): `make run` on a fresh install, before the first sign-up.")
def sets_import(paths, email, if_admin):
    """Load set files (default: content/quizzes) into the database, in one transaction.
    Running it again changes nothing; a changed file updates its set."""
    from ..services.errors import ImportFailed, ServiceError
    from ..services.roles import first_admin
    from ..services.sets import import_files

    if if_admin and not email and first_admin(get_session()) is None:
        click.echo("quiz sets not imported yet: no admin account. The first account to sign up "
                   "is the admin, and the sets of content/quizzes are imported for them then.")
        return
    try:
        report = import_files(get_session(), list(paths) or [QUIZZES_DIR], owner_or_admin(email),
                              now=clock.now(), base=ROOT)
    except ImportFailed as exc:
        fail(exc.errors)
    except ServiceError as exc:
        raise click.ClickException(str(exc)) from exc
    for w in report.warnings:
        click.echo(str(w), err=True)
    click.echo(report.summary())


@sets_cli.command("list")
def sets_list():
    """Every set: name, status, questions, owner."""
    from sqlalchemy import func, select

    from ..persistence.models import QuizSet, SetQuestion, User
    from ..services.sets import status

    session = get_session()
    rows = session.execute(select(QuizSet, User.email).join(User, User.id == QuizSet.owner_id)
                           .where(QuizSet.deleted_at.is_(None)).order_by(QuizSet.name)).all()
    counts = dict(session.execute(select(SetQuestion.set_id, func.count(SetQuestion.id))
                                  .group_by(SetQuestion.set_id)).all())
    for qset, email in rows:
        click.echo(f"{qset.name}\t{status(qset, session=session)}\tv{qset.version}\t"
                   f"{counts.get(qset.id, 0)} questions\t{email}\t{qset.title}")
