"""`flask db …`: migrations, backups, restore, and the integrity and card-state checks."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask.cli import AppGroup

from .. import clock
from ..db import get_engine, get_session

db_cli = AppGroup("db", help="Database migrations and safety.")


@db_cli.command("upgrade")
@click.argument("revision", default="head")
@click.option("--backup-dir", type=click.Path(file_okay=False),
              help="Back the database up here first when there are migrations to apply.")
def db_upgrade(revision, backup_dir):
    """Apply Alembic migrations (optionally backing up first, as `make run` does)."""
    from ..migrate import pending, upgrade
    from ..services.maintenance import backup

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
    from ..services.errors import ServiceError
    from ..services.maintenance import backup

    try:
        click.echo(f"backed up to {backup(get_engine(), path)}")
    except ServiceError as exc:
        raise click.ClickException(str(exc)) from exc


@db_cli.command("restore")
@click.argument("path", type=click.Path(dir_okay=False))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@click.option("--force", is_flag=True,
              help="Restore even while the app serves the database (answers given during the "
                   "restore are lost).")
def db_restore(path, yes, force):
    """Replace the database with a backup (its integrity is checked first). Refused while
    the app serves the database: stop it first."""
    from ..services.errors import ServiceError
    from ..services.maintenance import restore

    if not yes:
        click.confirm(f"Replace the current database with {path}?", abort=True)
    try:
        restore(get_engine(), path, force=force)
    except ServiceError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"restored from {path}")


@db_cli.command("check")
def db_check():
    """Integrity check, and every card state recomputed from the review log."""
    from ..services.maintenance import check_card_states, integrity_check

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
