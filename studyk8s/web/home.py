"""Home page: the decks and their card counts; for a logged-in learner, today's summary."""


from flask import Blueprint, render_template
from flask_login import current_user

from .. import clock
from ..db import get_session
from ..services import stats
from ..services.decks import list_decks

bp = Blueprint("home", __name__)


@bp.get("/")
def index():
    session = get_session()
    summary = (stats.summary(session, current_user, clock.now())
               if current_user.is_authenticated else None)
    return render_template("home/index.html", decks=list_decks(session), summary=summary)
