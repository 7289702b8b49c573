"""The admin's page of accounts: every account with its role, and a form to make one an
instructor, an admin or a learner again (``flask users role`` does the same at the server)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ..db import get_session
from ..services import roles
from ..services.users import ROLES
from .auth import role_required

bp = Blueprint("admin", __name__)

ROLE_LABELS = {"learner": _l("Learner"), "instructor": _l("Instructor"), "admin": _l("Admin")}


@bp.get("/admin/users")
@role_required("admin")
def users():
    return render_template("admin/users.html", accounts=roles.accounts(get_session()),
                           roles=ROLES, role_labels=ROLE_LABELS)


@bp.post("/admin/users/<int:user_id>/role")
@role_required("admin")
def set_role(user_id: int):
    user = roles.set_role(get_session(), user_id, request.form.get("role", ""),
                          actor=current_user)
    flash(_("%(email)s is now: %(role)s.", email=user.email, role=ROLE_LABELS[user.role]),
          "success")
    return redirect(url_for("admin.users"), 303)
