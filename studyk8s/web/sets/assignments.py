"""Learners' side of quiz sets: joining a class, assigned sets, starting an attempt, and an
attempt's results (for the learner and the class's instructor)."""

from __future__ import annotations

from flask import (
    flash,
    redirect,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ... import clock
from ...db import get_session
from ...i18n import translate
from ...services import classes
from ...services import quiz as quiz_service
from ...services.errors import Conflict, NotFound
from .common import (
    bp,
    render,
)
from .forms import JoinForm, saved

# --- learners: joining, assigned sets, attempts ------------------------------------------------


@bp.get("/join/<code>")
@login_required
def join_page(code: str):
    klass = classes.class_for_code(get_session(), code)
    code = classes.normalize_code(code)
    return render("classes/join.html", 200 if klass else 404, klass=klass, code=code,
                  form=JoinForm(formdata=None, data={"code": code}))


@bp.post("/join")
@login_required
def join():
    form = JoinForm()
    try:
        ok, joined = saved(form, lambda: classes.join(get_session(), current_user,
                                                      form.code.data, now=clock.now()))
    except NotFound as exc:  # no open class has this code: said next to the code
        form.code.errors = [translate(str(exc))]
        return render("classes/join.html", 404, klass=None, form=form,
                      code=classes.normalize_code(form.code.data or ""))
    if not ok:
        return render("classes/join.html", 400, klass=None, form=form,
                      code=classes.normalize_code(form.code.data or ""))
    klass, fresh = joined
    flash(_("You joined %(name)s.", name=klass.name) if fresh
          else _("You are already in %(name)s.", name=klass.name), "success")
    return redirect(url_for("home.index") + "#assigned", 303)


@bp.post("/classes/<int:class_id>/leave")
@login_required
def leave(class_id: int):
    classes.leave(get_session(), current_user, class_id)
    flash(_("You left the class."), "success")
    return redirect(url_for("home.index"), 303)


@bp.get("/assigned/<int:assignment_id>")
@login_required
def assigned(assignment_id: int):
    view = classes.learner_view(get_session(), current_user, assignment_id, clock.now())
    return render("sets/assigned.html", a=view)


@bp.post("/assigned/<int:assignment_id>/start")
@login_required
def start(assignment_id: int):
    attempt = classes.start(get_session(), current_user, assignment_id, now=clock.now())
    return redirect(url_for("quiz.take", attempt_id=attempt.id), 303)


@bp.get("/set-attempts/<int:attempt_id>")
@login_required
def attempt_results(attempt_id: int):
    """A set attempt's results: the learner's own (their set's review setting applies), or
    a learner's attempt for their instructor (everything)."""
    session = get_session()
    link, learner, staff = classes.attempt_access(session, current_user, attempt_id)
    try:
        data = quiz_service.results(session, learner, attempt_id, clock.now(), full=staff)
    except Conflict:
        if not staff:
            return redirect(url_for("quiz.take", attempt_id=attempt_id), 303)
        return render("sets/attempt.html", r=None, learner=learner, staff=True, link=link)
    return render("sets/attempt.html", r=data, learner=learner, staff=staff, link=link)
