"""`flask users …`: accounts for scripted setups."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from .. import clock
from ..db import get_session

users_cli = AppGroup("users", help="Manage accounts.")


@users_cli.command("create")
@click.argument("email")
@click.option("--role", type=click.Choice(["learner", "instructor", "admin"]), default="learner")
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@click.option("--timezone", "tz", default="UTC", help="IANA time zone, e.g. Asia/Shanghai.")
def users_create(email, role, password, tz):
    """Create an account (for scripted setups)."""
    from ..services.errors import ServiceError
    from ..services.users import create_user

    try:
        user = create_user(get_session(), email, password, role=role, timezone=tz, now=clock.now())
    except ServiceError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"created {user.role} {user.email}")


@users_cli.command("role")
@click.argument("email")
@click.argument("role", type=click.Choice(["learner", "instructor", "admin"]))
def users_role(email, role):
    """Give an existing account a role: `flask users role ada@example.com instructor`."""
    from ..services.errors import ServiceError
    from ..services.roles import set_role

    try:
        user = set_role(get_session(), email, role)
    except ServiceError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"{user.email} is now {user.role}")
