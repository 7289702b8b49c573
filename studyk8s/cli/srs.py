"""`flask srs …`: evaluate schedulers on a review log, optimise a learner's FSRS parameters,
import a review history."""

from __future__ import annotations

import json

import click
from flask.cli import AppGroup

from .. import clock
from ..db import get_session
from ..services.errors import ServiceError
from .common import user_by_email

srs_cli = AppGroup("srs", help="FSRS: evaluate, optimise, import review history.")


@srs_cli.command("evaluate")
@click.option("--revlog", "revlog", required=True, type=click.Path(exists=True, dir_okay=False))
@click.option("--tz", default="America/Chicago", show_default=True,
              help="Time zone of the study days (4 am rollover).")
@click.option("--json", "as_json", is_flag=True)
def srs_evaluate(revlog, tz, as_json):
    """Score AVG, SM-2, FSRS-6 and the app's scheduler on a review-log CSV
    (srs-benchmark protocol: cross-day reviews, 5-fold time-series split)."""
    from ..srs.evaluate import evaluate
    from ..srs.revlog import RevlogFormatError, read_revlog_csv

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
    from ..services.srs import keep_parameters, optimize_user

    user = user_by_email(email)
    try:
        fit = optimize_user(get_session(), user)
    except ServiceError as exc:
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
    from ..services.srs import import_revlog
    from ..services.stats import refresh_rollups
    from ..srs.revlog import RevlogFormatError

    user = user_by_email(email)
    try:
        added = import_revlog(get_session(), user, csv_path)
    except RevlogFormatError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"imported {added} reviews")
    if added:  # summarise the history now, so the stats page's first visit is fast too
        refresh_rollups(get_session(), clock.now(), [user.id])
