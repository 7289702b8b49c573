"""Home page: the decks and their card counts."""

from flask import Blueprint, render_template

from ..db import get_session
from ..services.decks import list_decks

bp = Blueprint("home", __name__)


@bp.get("/")
def index():
    return render_template("home/index.html", decks=list_decks(get_session()))
