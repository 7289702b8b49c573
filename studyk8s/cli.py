"""`flask notes …`, `flask db …`, `flask users …`, `flask srs …`: thin over the services."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from . import cli_interop, clock
from .config import ROOT
from .db import get_engine, get_session

notes_cli = AppGroup("notes", help="Check, parse and import Markdown notes.")
db_cli = AppGroup("db", help="Database migrations and safety.")
users_cli = AppGroup("users", help="Manage accounts.")
srs_cli = AppGroup("srs", help="FSRS: evaluate, optimise, import review history.")


def register(app: Flask) -> None:
    for group in (notes_cli, db_cli, users_cli, srs_cli):
        app.cli.add_command(group)
    cli_interop.register(app)  # flask sets / export / import
    __import__(f"{__package__}.cli_practice", fromlist=["register"]).register(app)  # practice



def _paths(paths: tuple[str, ...]) -> list[str]:
    return list(paths) or [current_app.config["NOTES_DIR"]]


# --- notes -------------------------------------------------------------------------------


@notes_cli.command("check")
@click.argument("paths", nargs=-1, required=True)
def notes_check(paths):
    """Print every problem as `path:line: message`; exit 1 if any note has errors."""
    from .notes import read_notes

    noteset = read_notes(list(paths), max_bytes=current_app.config["MAX_NOTE_BYTES"])
    for note in noteset.notes:
        for warning in note.warnings:
            click.echo(str(warning))
    for error in noteset.errors:
        click.echo(str(error), err=True)
    facts = sum(len(n.facts) for n in noteset.notes)
    warnings = sum(len(n.warnings) for n in noteset.notes)
    click.echo(
        f"{len(noteset.notes)} notes, {facts} facts, {warnings} warnings, "
        f"{len(noteset.errors)} errors",
        err=True,
    )
    sys.exit(1 if noteset.errors else 0)


@notes_cli.command("parse")
@click.argument("paths", nargs=-1, required=True)
@click.option("--json", "as_json", is_flag=True, help="Print the facts as JSON.")
def notes_parse(paths, as_json):
    """Print what the parser finds in the notes."""
    from .notes import read_notes

    noteset = read_notes(list(paths), max_bytes=current_app.config["MAX_NOTE_BYTES"])
    for error in noteset.errors:
        click.echo(str(error), err=True)
    if as_json:
        doc = {"notes": [n.to_dict() for n in noteset.notes]}
        click.echo(json.dumps(doc, ensure_ascii=False, indent=2))
    else:
        for note in noteset.notes:
            click.echo(f"# {note.path} — {note.title} [{note.lang}]")
            for f in note.facts:
                what = f.definition or ", ".join(f.items) or f"{len(f.edges)} edges"
                click.echo(f"{f.source}\t{f.kind}\t{f.group or '-'}\t{f.term}\t{what}")
            for p in note.plan:
                click.echo(f"{p.source}\tplan\t-\t{p.label}\t{p.text}")
            for c in note.code:
                click.echo(f"{c.source}\tcode\t{c.lang or '-'}\t{c.text.splitlines()[0][:60]}")
            for w in note.warnings:
                click.echo(str(w))
    sys.exit(1 if noteset.errors else 0)


@notes_cli.command("report")
@click.argument("paths", nargs=-1, required=True)
@click.option("--json", "as_json", is_flag=True, help="Print the reports as JSON.")
def notes_report(paths, as_json):
    """Per note: facts and cards by kind, warnings, suspicious facts."""
    from .cards import generate_cards
    from .notes import read_notes
    from .notes.report import format_report, note_report

    noteset = read_notes(list(paths), max_bytes=current_app.config["MAX_NOTE_BYTES"])
    for error in noteset.errors:
        click.echo(str(error), err=True)
    reports = [note_report(n, cards=generate_cards) for n in noteset.notes]
    click.echo(json.dumps({"notes": reports}, ensure_ascii=False, indent=2) if as_json
               else format_report(reports))
    sys.exit(1 if noteset.errors else 0)


@notes_cli.command("import")
@click.argument("paths", nargs=-1)
def notes_import(paths):
    """Load notes (default: content/notes) into the database, in one transaction."""
    from .services.content import import_notes
    from .services.errors import ImportFailed

    paths = _paths(paths)
    bar = None

    def progress(i: int, n: int) -> None:
        nonlocal bar
        if n < 50:  # short imports finish before a bar would be worth drawing
            return
        if bar is None:
            bar = click.progressbar(length=n, label="Importing notes", file=sys.stderr)
            bar.__enter__()
        bar.update(1)

    try:
        report = import_notes(get_session(), paths, now=clock.now(), base=ROOT,
                              max_bytes=current_app.config["MAX_NOTE_BYTES"], progress=progress)
    except ImportFailed as exc:
        for error in exc.errors:
            click.echo(str(error), err=True)
        click.echo(f"import failed: {len(exc.errors)} errors, nothing written", err=True)
        sys.exit(1)
    finally:
        if bar is not None:
            bar.__exit__(None, None, None)
    for warning in report.warnings:
        click.echo(str(warning), err=True)
    click.echo(report.summary() if report.changed else f"{report.notes} notes, nothing changed")


# --- db ----------------------------------------------------------------------------------


@db_cli.command("upgrade")
@click.argument("revision", default="head")
@click.option("--backup-dir", type=click.Path(file_okay=False),
              help="Back the database up here first when there are migrations to apply.")
def db_upgrade(revision, backup_dir):
    """Apply Alembic migrations (optionally backing up first, as `make run` does)."""
    from .migrate import pending, upgrade
    from .services.maintenance import backup

    engine = get_engine()
    todo = pending(engine, revision)
    if backup_dir and todo and todo[0] != "empty":
        dest = Path(backup_dir) / f"before-{todo[-1]}-{clock.now():%Y%m%dT%H%M%SZ}.db"
        backup(engine, dest)
        click.echo(f"backed up to {dest}")
    upgrade(engine, revision)
    applied = [r for r in todo if r != "empty"]
    click.echo(f"database at {revision}" + (f" (applied {', '.join(applied)})" if applied else ""))


@db_cli.command("backup")
@click.argument("path", type=click.Path(dir_okay=False))
def db_backup(path):
    """Write a consistent copy of the database while the app keeps running (SQLite online
    backup API; pg_dump on PostgreSQL)."""
    from .services.errors import ServiceError
    from .services.maintenance import backup

    try:
        click.echo(f"backed up to {backup(get_engine(), path)}")
    except ServiceError as exc:
        raise click.ClickException(str(exc)) from exc


@db_cli.command("restore")
@click.argument("path", type=click.Path(dir_okay=False))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def db_restore(path, yes):
    """Replace the database with a backup (its integrity is checked first)."""
    from .services.errors import ServiceError
    from .services.maintenance import restore

    if not yes:
        click.confirm(f"Replace the current database with {path}?", abort=True)
    try:
        restore(get_engine(), path)
    except ServiceError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"restored from {path}")


@db_cli.command("check")
def db_check():
    """Integrity check, and every card state recomputed from the review log."""
    from .services.maintenance import check_card_states, integrity_check

    problems = [p for p in integrity_check(get_engine()) if p != "ok"]
    for p in problems:
        click.echo(f"integrity: {p}", err=True)
    click.echo("integrity: " + ("ok" if not problems else f"{len(problems)} problems"))
    report = check_card_states(get_session())
    for m in report.mismatches:
        click.echo(str(m), err=True)
    click.echo(f"card states: {report.cards} checked against {report.reviews} reviews "
               f"({report.replayed} replayed with current settings), "
               f"{len(report.mismatches)} mismatches")
    sys.exit(1 if problems or report.mismatches else 0)


# --- users -------------------------------------------------------------------------------


@users_cli.command("create")
@click.argument("email")
@click.option("--role", type=click.Choice(["learner", "instructor", "admin"]), default="learner")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@click.option("--timezone", "tz", default="UTC", help="IANA time zone, e.g. Asia/Shanghai.")
def users_create(email, role, password, tz):
    """Create an account (for scripted setups)."""
    from .services.errors import ServiceError
    from .services.users import create_user

    try:
        user = create_user(get_session(), email, password, role=role, timezone=tz, now=clock.now())
    except ServiceError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"created {user.role} {user.email}")


def _user(email: str):
    from sqlalchemy import select

    from .persistence.models import User

    user = get_session().scalar(select(User).where(User.email == email.strip().lower()))
    if user is None:
        raise click.ClickException(f"no account {email}")
    return user


# --- srs ---------------------------------------------------------------------------------


@srs_cli.command("evaluate")
@click.option("--revlog", "revlog", required=True, type=click.Path(exists=True, dir_okay=False))
@click.option("--tz", default="America/Chicago", show_default=True,
              help="Time zone of the study days (4 am rollover).")
@click.option("--json", "as_json", is_flag=True)
def srs_evaluate(revlog, tz, as_json):
    """Score AVG, SM-2, FSRS-6 and the app's scheduler on a review-log CSV
    (srs-benchmark protocol: cross-day reviews, 5-fold time-series split)."""
    from .srs.evaluate import evaluate
    from .srs.revlog import RevlogFormatError, read_revlog_csv

    try:
        rows = read_revlog_csv(revlog)
    except RevlogFormatError as exc:
        raise click.ClickException(str(exc)) from exc
    report = evaluate(rows, tz=tz)
    if as_json:
        click.echo(json.dumps(report.as_dict(), indent=2))
    else:
        click.echo(report.as_table())


@srs_cli.command("optimize")
@click.option("--user", "email", required=True)
@click.option("--keep/--discard", default=None, help="Keep or discard without asking.")
def srs_optimize(email, keep):
    """Fit FSRS-6 parameters to a learner's review log; show before/after; keep or discard."""
    from .services.srs import keep_parameters, optimize_user

    user = _user(email)
    try:
        fit = optimize_user(get_session(), user)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"{fit.reviews} reviews, {fit.scored} cross-day reviews scored")
    click.echo(f"{'':10}{'log loss':>10}{'RMSE(bins)':>12}")
    click.echo(f"{'before':10}{fit.before[0]:>10.4f}{fit.before[1]:>12.4f}")
    click.echo(f"{'after':10}{fit.after[0]:>10.4f}{fit.after[1]:>12.4f}")
    click.echo("parameters: " + ", ".join(f"{w:.4f}" for w in fit.parameters))
    if keep is None:
        keep = click.confirm("Keep the new parameters?", default=fit.better)
    if keep:
        keep_parameters(get_session(), user, fit.parameters)
        click.echo("kept")
    else:
        click.echo("discarded")


@srs_cli.command("import-revlog")
@click.argument("csv_path", type=click.Path(exists=True, dir_okay=False))
@click.option("--user", "email", required=True)
def srs_import_revlog(csv_path, email):
    """Bring a review history (card_id,review_rating,review_time,review_duration) into an
    account, so the optimiser has data from day one."""
    from .services.srs import import_revlog
    from .services.stats import refresh_rollups
    from .srs.revlog import RevlogFormatError

    user = _user(email)
    try:
        added = import_revlog(get_session(), user, csv_path)
    except RevlogFormatError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"imported {added} reviews")
    if added:  # summarise the history now, so the stats page's first visit is fast too
        refresh_rollups(get_session(), clock.now(), [user.id])
