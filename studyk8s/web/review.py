"""Review page and its JSON calls. Views only translate HTTP ↔ services.review."""

from __future__ import annotations

import contextlib
import dataclasses

from flask import Blueprint, abort, current_app, g, jsonify, render_template, request
from flask_login import current_user, login_required

from .. import clock
from ..db import get_session
from ..persistence.models import User
from ..services import review
from ..services.decks import list_decks
from ..services.errors import ServiceError
from ..services.users import StudySettings
from .inputs import INT_MAX, BadInput, ident, whole

bp = Blueprint("review", __name__)


@bp.before_request
def _answering_card() -> None:
    """An answer names its card in the body: the learner's load, which comes first
    (``login_required``), reads that card's state with the learner (one round trip fewer on
    PostgreSQL; ``QueueCache.load_learner``). A body that names none is the view's to refuse."""
    if request.endpoint == "review.answer" and isinstance(
            data := request.get_json(silent=True), dict):
        with contextlib.suppress(BadInput):
            g.answering_card = ident(data.get("card_id"), "card_id")


def _queues() -> review.QueueCache:
    return current_app.extensions["review_queues"]


def _settings(user: User) -> StudySettings:
    """The learner's study settings, read once per request and passed down; ``?deck=ID``
    (a deck's link on the home page) studies that deck alone."""
    if "study_settings" not in g:
        g.study_settings = _scoped(StudySettings.of(user, clock.now()))
    return g.study_settings


def _scoped(settings: StudySettings) -> StudySettings:
    deck = request.args.get("deck", type=int)
    return dataclasses.replace(settings, decks=(deck,)) if deck else settings


def _user() -> User:
    """The logged-in ``User`` itself: the services read its attributes many times, and each
    read through the ``current_user`` proxy costs a context lookup."""
    return current_user._get_current_object()


@bp.get("/review")
@login_required
def index():
    deck = request.args.get("deck", type=int)
    title = next((d.title for d in list_decks(get_session()) if d.id == deck), None)
    return render_template("review/index.html", deck=deck if title else None, deck_title=title)


@bp.get("/api/review/next")
@login_required
def next_card():
    user = _user()
    return jsonify(_queues().next_view(get_session(), user, clock.now(), _settings(user),
                                       loaded=review.loaded_queue(user)))


def _json() -> dict:
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise ServiceError("request.not_json", "expected a JSON object")
    return data


def _int(data: dict, key: str, default: int | None = None, *, id_: bool = False) -> int:
    """A whole number from the body (``inputs``: bounded; an id must fit its column)."""
    value = data.get(key)
    return ident(value, key) if id_ else whole(value, key, -INT_MAX, INT_MAX, default)


@bp.post("/api/review/answer")
@login_required
def answer():
    data = _json()
    session = get_session()
    now = clock.now()
    user = _user()
    return jsonify(review.answer_then_next(
        session, user, card_id=_int(data, "card_id", id_=True), rating=_int(data, "rating"),
        client_id=str(data.get("client_id", "")), version=_int(data, "version"), now=now,
        duration_ms=_int(data, "duration_ms", 0), queues=_queues(), settings=_settings(user)))


@bp.post("/api/review/check")
@login_required
def check():
    """A typed card's answer checked (a command, a manifest); nothing is recorded."""
    data = _json()
    return jsonify(review.check_typed(get_session(), _int(data, "card_id"),
                                      data.get("response")))


@bp.post("/api/review/undo")
@login_required
def undo():
    """Undo the latest action (a rating, suspend, bury, flag, report); the card it brought
    back is shown next when it can be."""
    session = get_session()
    now = clock.now()
    user = _user()
    result = review.undo(session, user, now)
    return jsonify(result=result, next=_queues().next_view(session, user, now, _settings(user),
                                                           prefer=result["card_id"]))


@bp.post("/api/review/<any(suspend, bury, flag, report):action>")
@login_required
def card_action(action: str):
    """The review page's other keys (@ - Ctrl+1–4 !): the card id and the version shown."""
    data = _json()
    session = get_session()
    now = clock.now()
    user = _user()
    version = _int(data, "version") if "version" in data else None
    client_id = str(data["client_id"]) if data.get("client_id") else None
    result = review.change_card(session, user, _int(data, "card_id", id_=True), action, now,
                                version=version, client_id=client_id, flag=data.get("flag"),
                                comment=data.get("comment", ""))
    # A flag keeps the card on screen (Anki): show it again, with its new version.
    prefer = result["card_id"] if action == "flag" else None
    return jsonify(result=result, next=_queues().next_view(session, user, now, _settings(user),
                                                           prefer=prefer))


@bp.post("/api/review/ahead")
@login_required
def review_ahead():
    """The Done screen: the review cards due in the next ``days`` days, now (``u`` undoes)."""
    data = _json()
    session, now, user = get_session(), clock.now(), _user()
    n = review.review_ahead(session, user, _int(data, "days"), now, _settings(user))
    return jsonify(result={"cards": n}, next=_queues().next_view(session, user, now,
                                                                  _settings(user)))


@bp.post("/api/review/more-new")
@login_required
def more_new():
    """The Done screen: today's new-card limit raised by ``n``."""
    data = _json()
    session, now, user = get_session(), clock.now(), _user()
    total = review.more_new_today(session, user, _int(data, "n"), now)
    settings = _scoped(StudySettings.of(user, now))  # the raised limit, not the cached one
    return jsonify(result={"extra_new": total},
                   next=_queues().next_view(session, user, now, settings))


@bp.get("/notes/<int:note_id>/source")
@login_required
def note_source(note_id: int):
    """The note's text with line anchors, so `path:line` links land on the line."""
    return _source(note_id=note_id)


@bp.get("/source/<path:path>", merge_slashes=False)
@login_required
def source(path: str):
    """Same, addressed by the note's path as printed in `path:line`."""
    return _source(path=path)


def _source(**which):
    from ..services.decks import note_source

    found = note_source(get_session(), **which)
    if found is None:
        abort(404)
    path, lines = found
    return render_template("review/source.html", path=path, lines=lines)
