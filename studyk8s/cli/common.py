"""What the command groups share: finding an account, failing with problems that name file and
line, writing an output file or standard output."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from sqlalchemy import select

from ..config import ROOT
from ..db import get_session
from ..persistence.models import User
from ..services import users


def user_by_email(email: str) -> User:
    """The account with this email, or the command stops with "no account EMAIL"."""
    user = users.find_by_email(get_session(), email)
    if user is None:
        raise click.ClickException(f"no account {email}")
    return user


def owner_or_admin(email: str | None) -> User:
    """The account named by ``--owner``, else the first admin (who owns sets made by scripts)."""
    if email:
        return user_by_email(email)
    user = get_session().scalar(select(User).where(User.role == "admin").order_by(User.id))
    if user is None:
        raise click.ClickException("no admin account yet: create one (flask users create) or "
                                   "pass --owner EMAIL")
    return user


def fail(errors) -> None:
    for e in errors:
        click.echo(str(e), err=True)
    click.echo(f"{len(errors)} error{'s' if len(errors) != 1 else ''}, nothing written",
               err=True)
    sys.exit(1)


def write_output(output: str, data: bytes | str) -> None:
    raw = data.encode("utf-8") if isinstance(data, str) else data
    if output == "-":
        click.echo(raw.decode("utf-8", errors="replace"), nl=False)
        return
    Path(output).write_bytes(raw)


def display_path(path: Path) -> str:
    """``path`` as the problems print it: relative to the project when it is inside."""
    try:
        return path.resolve().relative_to(ROOT).as_posix()
    except ValueError:
        return path.as_posix()
