"""The card browser (/cards), a card's info page, actions on a selection, and the card
problems page. Views only translate HTTP ↔ services.browse / services.review."""

from __future__ import annotations

from urllib.parse import urlencode

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required

from .. import clock
from ..cards import CARD_KINDS
from ..db import get_session
from ..i18n import translate
from ..services import browse, card_problems, review
from ..services.decks import list_decks
from ..services.errors import Conflict, ServiceError
from .responses import safe_next
from .settings import KIND_LABELS

bp = Blueprint("cards", __name__)

# The form's filters, each turned into a term of the search syntax.
CHECKS = ("suspended", "leech", "buried", "reported", "flagged")
STATE_CHOICES = ("new", "learning", "review", "relearning")
DUE_CHOICES = ("overdue", "today", "7")
KIND_CHOICES = CARD_KINDS


def _filters(args) -> list[browse.Term]:
    terms: list[browse.Term] = []
    if (deck := args.get("deck", "")).isdigit():
        terms.append(browse.Term("deck", deck))
    if section := args.get("section", "").strip():
        terms.append(browse.Term("section", section))
    if (kind := args.get("kind", "")) in KIND_CHOICES:
        terms.append(browse.Term("kind", kind))
    if (state := args.get("state", "")) in STATE_CHOICES:
        terms.append(browse.Term("is", state))
    if (flag := args.get("flag", "")) in ("0", "1", "2", "3", "4"):
        terms.append(browse.Term("flag", flag))
    if (due := args.get("due", "")) in DUE_CHOICES:
        terms.append(browse.Term("due", due))
    if (added := args.get("added", "")).isdigit() and int(added) > 0:
        terms.append(browse.Term("added", added))
    if (lapses := args.get("lapses", "")).isdigit():
        terms.append(browse.Term("prop", lapses, op=">=", prop="lapses"))
    terms.extend(browse.Term("is", name) for name in CHECKS if args.get(name))
    return terms


def _int_arg(name: str, default: int) -> int:
    value = request.args.get(name, "")
    return int(value) if value.isdigit() else default


@bp.get("/cards")
@login_required
def index():
    session = get_session()
    now = clock.now()
    q = request.args.get("q", "")
    sort = request.args.get("sort", "due")
    desc = request.args.get("dir") == "desc"
    error, page = None, None
    try:
        page = browse.search(session, current_user, q, now, extra=_filters(request.args),
                             sort=sort, desc=desc, page=_int_arg("page", 1))
    except browse.QueryError as e:
        error = _("Cannot read “%(term)s” in the search: %(why)s", term=e.term, why=e.why)
    args = {k: v for k, v in request.args.items() if v and k != "page"}

    def link(**changes) -> str:
        merged = {**args, **{k: v for k, v in changes.items() if v is not None}}
        return url_for("cards.index") + "?" + urlencode(merged)

    return render_template(
        "cards/index.html", page=page, error=error, q=q, args=request.args, sort=sort,
        desc=desc, link=link, decks=list_decks(session), kinds=KIND_CHOICES,
        kind_labels=KIND_LABELS,
        states=STATE_CHOICES, checks=CHECKS,
        syntax=browse.unparse(page.terms) if page else q,
        problems=card_problems.open_count(session, current_user),
        here=request.full_path.rstrip("?")), (400 if error else 200)


@bp.get("/cards/<int:card_id>")
@login_required
def card(card_id: int):
    info = browse.card_info(get_session(), current_user, card_id, clock.now())
    return render_template("cards/card.html", info=info, card=info["card"],
                           back=safe_next(request.args.get("back")) or url_for("cards.index"))


def _selection() -> list[tuple[int, int | None]]:
    """The checked cards, each "id:version" as the page showed it."""
    cards = []
    for value in request.form.getlist("card"):
        card_id, _sep, version = value.partition(":")
        if not card_id.isdigit() or not version.isdigit():
            raise ServiceError("request.bad_card", "bad card selection")
        cards.append((int(card_id), int(version)))
    return cards


ACTION_DONE = {
    "suspend": lambda n: ngettext("Suspended %(num)d card.", "Suspended %(num)d cards.", n),
    "unsuspend": lambda n: ngettext("Unsuspended %(num)d card.", "Unsuspended %(num)d cards.", n),
    "bury": lambda n: ngettext("Buried %(num)d card until tomorrow.",
                               "Buried %(num)d cards until tomorrow.", n),
    "unbury": lambda n: ngettext("Unburied %(num)d card.", "Unburied %(num)d cards.", n),
    "flag": lambda n: ngettext("Changed the flag of %(num)d card.",
                               "Changed the flag of %(num)d cards.", n),
    "forget": lambda n: ngettext("Reset %(num)d card to new.", "Reset %(num)d cards to new.", n),
    "set_due": lambda n: ngettext("Set the due date of %(num)d card.",
                                  "Set the due date of %(num)d cards.", n),
    "reset_leech": lambda n: ngettext("Reset %(num)d leech.", "Reset %(num)d leeches.", n),
}


@bp.post("/cards/actions")
@login_required
def actions():
    """One action on the checked cards: all of them or none (a card changed since the page
    was loaded refuses the lot with 409); the undo button takes it back."""
    back_to = safe_next(request.form.get("back")) or url_for("cards.index")
    action = request.form.get("action", "")
    if action not in ACTION_DONE:
        raise ServiceError("cards.no_action", "choose an action")
    try:
        n = review.change_cards(get_session(), current_user, action, _selection(), clock.now(),
                                flag=request.form.get("flag", ""),
                                days=request.form.get("days", ""))
    except Conflict as e:
        return render_template("cards/stale.html", message=translate(str(e)),
                               back=back_to), 409
    flash(ACTION_DONE[action](n), "ok")
    return redirect(back_to, 303)


@bp.post("/cards/undo")
@login_required
def undo():
    back_to = safe_next(request.form.get("back")) or url_for("cards.index")
    try:
        done = review.undo(get_session(), current_user, clock.now())
    except Conflict as e:
        return render_template("cards/stale.html", message=translate(str(e)),
                               back=back_to), 409
    except ServiceError as e:
        flash(translate(str(e)), "error")
        return redirect(back_to, 303)
    n = done.get("cards", 1)
    flash(ngettext("Undid the last action (%(num)d card).",
                   "Undid the last action (%(num)d cards).", n), "ok")
    return redirect(back_to, 303)


@bp.get("/cards/problems")
@login_required
def problems():
    return render_template("cards/problems.html",
                           problems=card_problems.open_problems(get_session(), current_user),
                           author=current_user.role in card_problems.AUTHORS)
