"""`flask stats …`: the review-history rollup, summarised ahead of the first visit."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from .. import clock
from ..db import get_session
from ..services import stats
from .common import user_by_email

stats_cli = AppGroup("stats", help="Learner statistics.")


@stats_cli.command("rollup")
@click.option("--email", help="Only this learner (default: everyone).")
def rollup_command(email: str | None) -> None:
    """Summarise every learner's closed study days now (after an upgrade or a big history
    import), so no first visit to the stats or home page pays for it. Safe to repeat."""
    ids = [user_by_email(email).id] if email else None
    done = stats.refresh_rollups(get_session(), clock.now(), ids)
    click.echo(f"review rollup up to date for {done} learner{'' if done == 1 else 's'}")
