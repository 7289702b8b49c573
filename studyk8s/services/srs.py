"""A learner's FSRS parameters: import an existing review history, optimise, keep or discard."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..persistence.engine import write_transaction
from ..persistence.models import ReviewLog, User
from ..srs import DEFAULT_PARAMETERS, Rating, SchedulerConfig
from ..srs.evaluate import bin_key, log_loss, predict_fsrs, rmse_bins
from ..srs.optimize import fit_parameters
from ..srs.revlog import ReviewRow, build_items, read_revlog_csv
from .errors import ServiceError
from .users import settings_of, update_settings


@dataclass(frozen=True)
class Fit:
    """Optimiser result on the learner's own history: metrics before (current parameters) and
    after (fitted), over the same cross-day reviews."""

    reviews: int
    scored: int
    parameters: tuple[float, ...]
    before: tuple[float, float]  # log loss, RMSE(bins)
    after: tuple[float, float]

    @property
    def better(self) -> bool:
        return self.after[0] <= self.before[0]


def import_revlog(session: Session, user: User, path: str | Path) -> int:
    """Add an Anki-style review-log CSV to the learner's log (idempotent: a re-import of the same
    file adds nothing). Returns the number of reviews added. A bad row writes nothing."""
    rows = read_revlog_csv(path)
    with write_transaction(session):
        existing = set(session.scalars(select(ReviewLog.client_id).where(
            ReviewLog.user_id == user.id, ReviewLog.imported.is_(True))))
        added = 0
        for r in rows:
            client_id = f"imp-{user.id}-{r.card_id}-{int(r.review_time.timestamp() * 1000)}"
            if client_id in existing:
                continue
            existing.add(client_id)
            session.add(ReviewLog(
                user_id=user.id, card_id=None, external_card=f"anki:{r.card_id}",
                client_id=client_id, rating=int(r.rating), reviewed_at=r.review_time,
                duration_ms=r.review_duration or 0, imported=True,
                state_before={}, state_after={},
            ))
            added += 1
    return added


def review_rows(session: Session, user: User) -> list[ReviewRow]:
    """The learner's review history (app and imported), undone reviews left out."""
    rows = session.execute(
        select(ReviewLog.card_id, ReviewLog.external_card, ReviewLog.rating,
               ReviewLog.reviewed_at, ReviewLog.duration_ms)
        .where(ReviewLog.user_id == user.id, ReviewLog.undone_at.is_(None))
        .order_by(ReviewLog.reviewed_at, ReviewLog.id)
    ).all()
    out = []
    for card_id, external, rating, at, duration in rows:
        # Imported cards get negative ids so they never collide with the app's own cards.
        cid = card_id if card_id is not None else -int(external.split(":", 1)[1])
        out.append(ReviewRow(card_id=cid, rating=Rating(rating), review_time=at,
                             review_duration=duration))
    return out


def _metrics(parameters: Sequence[float], items) -> tuple[float, float]:
    ps = predict_fsrs(parameters, items)
    ys = [it.label for it in items]
    return log_loss(ys, ps), rmse_bins(ys, ps, [bin_key(it.history) for it in items])


def optimize_user(session: Session, user: User) -> Fit:
    """Fit FSRS-6 to the learner's log. Nothing is stored: the caller keeps or discards."""
    rows = review_rows(session, user)
    items = build_items(rows, tz=user.timezone)
    if len(items) < 8:
        raise ServiceError("srs.too_few_reviews",
                           "only {n} cross-day reviews: too few to optimise (review for a few "
                           "days, or import a history first)", n=len(items))
    current = tuple(settings_of(user).get("parameters") or DEFAULT_PARAMETERS)
    fitted = fit_parameters(items)
    return Fit(len(rows), len(items), fitted, _metrics(current, items), _metrics(fitted, items))


def keep_parameters(session: Session, user: User, parameters: Sequence[float] | None) -> None:
    """Store fitted parameters (validated as a scheduler config), or None for the defaults."""
    if parameters is not None:
        parameters = list(SchedulerConfig(parameters=tuple(parameters)).parameters)
    update_settings(session, user, {"parameters": parameters})

