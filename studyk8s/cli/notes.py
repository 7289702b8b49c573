"""`flask notes …`: check, parse, report on and import the Markdown notes."""

from __future__ import annotations

import json
import sys

import click
from flask import current_app
from flask.cli import AppGroup

from .. import clock
from ..config import ROOT
from ..db import get_session

notes_cli = AppGroup("notes", help="Check, parse and import Markdown notes.")


def _paths(paths: tuple[str, ...]) -> list[str]:
    return list(paths) or [current_app.config["NOTES_DIR"]]


@notes_cli.command("check")
@click.argument("paths", nargs=-1, required=True)
def notes_check(paths):
    """Print every problem as `path:line: message`; exit 1 if any note has errors."""
    from ..notes import read_notes

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
    from ..notes import read_notes

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
            for h in note.handson:
                click.echo(f"{h.source}\t{h.kind}\t-\t{h.term or '-'}\t"
                           f"{h.definition.splitlines()[0][:60]}")
            for c in note.code:
                click.echo(f"{c.source}\tcode\t{c.lang or '-'}\t{c.text.splitlines()[0][:60]}")
            for w in note.warnings:
                click.echo(str(w))
    sys.exit(1 if noteset.errors else 0)


@notes_cli.command("report")
@click.argument("paths", nargs=-1, required=True)
@click.option("--json", "as_json", is_flag=True, help="Print the reports as JSON.")
def notes_report(paths, as_json):
    """Per note: facts and cards by kind, warnings, suspicious facts, and what the quality
    gate does not ask or drops, by reason."""
    from ..cards import generate_cards
    from ..notes import read_notes
    from ..notes.report import format_report, note_report
    from ..quality import gate_counts

    noteset = read_notes(list(paths), max_bytes=current_app.config["MAX_NOTE_BYTES"])
    for error in noteset.errors:
        click.echo(str(error), err=True)
    reports = [note_report(n, cards=generate_cards, gate=gate_counts) for n in noteset.notes]
    click.echo(json.dumps({"notes": reports}, ensure_ascii=False, indent=2) if as_json
               else format_report(reports))
    sys.exit(1 if noteset.errors else 0)


@notes_cli.command("quality")
@click.argument("paths", nargs=-1)
@click.option("--seeds", default=5, show_default=True, help="Quizzes generated per note.")
def notes_quality(paths, seeds):
    """What the question and card quality gate makes of the notes: askable facts, and every
    card or question dropped or rewritten, counted by reason."""
    from ..notes import read_notes
    from ..quality import quality

    noteset = read_notes(_paths(paths), max_bytes=current_app.config["MAX_NOTE_BYTES"])
    for error in noteset.errors:
        click.echo(str(error), err=True)
    for line in quality(noteset.notes, seeds=range(seeds)).lines():
        click.echo(line)
    sys.exit(1 if noteset.errors else 0)


@notes_cli.command("import")
@click.argument("paths", nargs=-1)
def notes_import(paths):
    """Load notes (default: content/notes) into the database, in one transaction."""
    from ..services.content import import_notes
    from ..services.errors import ImportFailed

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
