"""`flask practice …`: the hands-on checkers from the command line, for note authors and
learners. Thin over studyk8s.quiz.handson.commands and .manifests (the same code as the web).

    flask practice equivalent "CMD1" "CMD2"          → `equivalent` (exit 0) or what differs (1)
    flask practice validate FILE [--k8s-version V]   → `FILE:line: message` per problem (exit 1)
"""

from __future__ import annotations

import sys

import click
from flask.cli import AppGroup

practice_cli = AppGroup("practice", help="Hands-on practice: check commands and manifests.")

LANG = click.option("--lang", type=click.Choice(["en", "zh"]), default="en", show_default=True,
                    help="Language of the messages.")


@practice_cli.command("equivalent")
@click.argument("expected")
@click.argument("given")
@LANG
def practice_equivalent(expected, given, lang):
    """Print `equivalent` if GIVEN means the same as EXPECTED, else what differs (exit 1)."""
    from ..quiz.handson.commands import CommandError, compare

    try:
        verdict = compare(expected, given)
    except CommandError as exc:  # the first command is the reference: it must be readable
        click.echo(f"CMD1: {exc.message(lang)}", err=True)
        sys.exit(2)
    click.echo(verdict.message(lang))
    for note in verdict.note_messages(lang):
        click.echo(f"note: {note}", err=True)
    sys.exit(0 if verdict.equivalent else 1)


@practice_cli.command("validate")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--k8s-version", "version", default=None,
              help="Kubernetes version of the schema (default: the CKA's, "
                   "studyk8s.quiz.handson.manifests.DEFAULT_K8S_VERSION).")
@LANG
def practice_validate(path, version, lang):
    """Validate a manifest against the Kubernetes schema: `FILE:line: message` per problem."""
    from ..quiz.handson.manifests import MAX_BYTES, ManifestError, load, resolve_version, validate

    try:
        version = resolve_version(version)
        with open(path, "rb") as fh:
            raw = fh.read(MAX_BYTES + 1)
        text = raw.decode("utf-8")
        problems = validate(load(text), version)
    except UnicodeDecodeError as exc:
        click.echo(f"{path}:1: not UTF-8 text ({exc.reason})", err=True)
        sys.exit(1)
    except ManifestError as exc:
        click.echo(f"{path}:{exc.line or 1}: {exc.message(lang)}", err=True)
        sys.exit(1)
    for p in problems:
        click.echo(f"{path}:{p.line or 1}: {p.message(lang)}")
    if problems:
        click.echo(f"{len(problems)} problem{'s' if len(problems) != 1 else ''} "
                   f"(Kubernetes {version})", err=True)
        sys.exit(1)
    click.echo(f"{path}: valid (Kubernetes {version})")
