"""Home page: the decks and their card counts; for a logged-in learner, today's summary, each
deck's due cards (a link reviews that deck) and the suspended cards and leeches."""


from flask import Blueprint, render_template
from flask_login import current_user

from .. import clock
from ..db import get_session
from ..services import readiness, review, stats
from ..services.decks import list_decks

bp = Blueprint("home", __name__)


@bp.get("/")
def index():
    session = get_session()
    now = clock.now()
    summary = stats.summary(session, current_user, now) if current_user.is_authenticated else None
    ready = (readiness.readiness(session, current_user, now)  # only once an exam date is set
             if summary is not None and readiness.exam_date_of(current_user) else None)
    decks = list_decks(session)
    due = (review.deck_counts(session, current_user, now, {d.id: d.cards for d in decks})
           if summary is not None else None)
    return render_template("home/index.html", decks=decks, summary=summary,
                           readiness=ready, due=due)
