"""The language switch in every page's footer: remembered in the session, and on the account
when logged in. (The blueprint keeps the name "i18n": templates post to ``i18n.switch``.)"""

from __future__ import annotations

from flask import Blueprint, redirect, request, session, url_for
from flask_login import current_user

from .. import i18n
from ..db import get_session
from ..services import users
from .responses import safe_next

bp = Blueprint("i18n", __name__)


@bp.post("/language")
def switch():
    code = i18n.known_locale(request.form.get("locale"))
    back = safe_next(request.form.get("next")) or url_for("home.index")
    if code is None:
        return redirect(back, 303)
    session[i18n.SESSION_KEY] = code
    if current_user.is_authenticated:
        users.set_locale(get_session(), current_user, code)
    return redirect(back, 303)
