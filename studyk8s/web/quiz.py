"""Quiz and exam pages, their JSON calls, and `flask quiz generate`. Views only translate
HTTP ↔ services.quiz."""

from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from .. import clock
from ..db import get_session
from ..i18n import fmt_datetime, translate
from ..quiz.attempt import DEFAULT_PASS_MARK, PRACTICE
from ..quiz.generate import KIND_NAMES
from ..services import quiz, users
from ..services import readiness as readiness_service
from ..services.errors import Conflict, ServiceError
from .auth import has_endpoint

bp = Blueprint("quiz", __name__)

KIND_LABELS = {
    "single": _l("Single choice"),
    "multiple": _l("Multiple select"),
    "true_false": _l("True / false"),
    "matching": _l("Matching"),
    "typed": _l("Typed answer"),
    "command": _l("Hands-on: command"),
    "manifest_field": _l("Hands-on: manifest field"),
    "manifest": _l("Hands-on: whole manifest"),
}



# --- pages ---------------------------------------------------------------------------------


def _form_values(form=None) -> dict[str, Any]:
    form = form or {}
    get = form.get if hasattr(form, "get") else (lambda k, d=None: d)
    getlist = form.getlist if hasattr(form, "getlist") else (lambda k: [])
    return {
        "mode": get("mode", PRACTICE),
        "decks": [int(d) for d in getlist("deck") if str(d).isdigit()],
        "sections": getlist("section"),
        "kinds": getlist("kind") or list(KIND_NAMES),
        "count": get("count", ""),
        "time_limit": get("time_limit", quiz.DEFAULT_TIME_LIMIT_MIN),
        "pass_mark": get("pass_mark", round(DEFAULT_PASS_MARK * 100)),
        "weights": get("weights", ""),
        "review_forward": get("review_forward", "1") == "1" if form else True,
    }


def _local(iso: str | None) -> str:
    """An ISO instant as the learner's local date and time (their settings' time zone), the
    way the UI language writes it."""
    return fmt_datetime(iso)


def _index(values: dict[str, Any], error: str | None = None, status: int = 200):
    session = get_session()
    now = clock.now()
    history = quiz.history(session, current_user, now)
    options = quiz.scope_options(session)
    ready = readiness_service.readiness(session, current_user, now) if options else None
    return render_template(
        "quiz/index.html", options=options, history=history, readiness=ready, values=values,
        exam_date=readiness_service.exam_date_of(current_user),
        error=error, kind_labels=KIND_LABELS, defaults=quiz.DEFAULT_COUNT, localtime=_local,
        max_questions=quiz.MAX_QUESTIONS, max_minutes=quiz.MAX_TIME_LIMIT_MIN,
    ), status


@bp.get("/quiz")
@login_required
def index():
    return _index(_form_values())


def _readiness_args() -> dict[str, Any]:
    args = request.args
    return {"decks": args.getlist("deck"), "sections": args.getlist("section"),
            "pass_mark": args.get("pass_mark"), "exam_date": args.get("exam_date")}


@bp.get("/quiz/readiness")
@login_required
def readiness_fragment():
    """The readiness box alone, for the quiz page's refresh when the scope changes."""
    r = readiness_service.readiness(get_session(), current_user, clock.now(), **_readiness_args())
    return render_template("quiz/_readiness.html", r=r)


@bp.post("/quiz/exam-date")
@login_required
def exam_date():
    """Set (or, empty, clear) the learner's exam date: the readiness forecast is for it."""
    try:
        users.update_settings(get_session(), current_user,
                              {"exam_date": request.form.get("exam_date", "")})
    except ServiceError as exc:
        flash(translate(str(exc)), "error")
    else:
        flash(_("Exam date saved.") if request.form.get("exam_date") else
              _("Exam date cleared."), "success")
    return redirect(url_for("quiz.index") + "#readiness")


@bp.post("/quiz/start")
@login_required
def start_form():
    form = request.form
    values = _form_values(form)
    try:
        attempt = quiz.start(
            get_session(), current_user, mode=values["mode"], decks=values["decks"],
            sections=values["sections"], count=values["count"] or None,
            time_limit_min=values["time_limit"], pass_mark=values["pass_mark"],
            weights=values["weights"], kinds=values["kinds"],
            review_forward=values["review_forward"], now=clock.now())
    except ServiceError as exc:
        return _index(values, error=translate(str(exc)), status=400)
    return redirect(url_for("quiz.take", attempt_id=attempt.id))


@bp.get("/quiz/<int:attempt_id>")
@login_required
def take(attempt_id: int):
    state = quiz.view(get_session(), current_user, attempt_id, clock.now())
    if state["status"] != "open":
        return redirect(url_for("quiz.results_page", attempt_id=attempt_id))
    return render_template("quiz/take.html", attempt=state)


@bp.post("/quiz/<int:attempt_id>/submit")
@login_required
def submit_form(attempt_id: int):
    quiz.submit(get_session(), current_user, attempt_id, now=clock.now())
    return redirect(url_for("quiz.results_page", attempt_id=attempt_id))


@bp.get("/quiz/<int:attempt_id>/results")
@login_required
def results_page(attempt_id: int):
    try:
        data = quiz.results(get_session(), current_user, attempt_id, clock.now())
    except Conflict:
        return redirect(url_for("quiz.take", attempt_id=attempt_id))
    if data.get("set") and has_endpoint("sets.attempt_results"):  # a quiz set's own page
        return redirect(url_for("sets.attempt_results", attempt_id=attempt_id))
    ready = (readiness_service.readiness(get_session(), current_user, clock.now())
             if data["mode"] == "exam" else None)
    return render_template("quiz/results.html", r=data, localtime=_local, readiness=ready)


@bp.post("/quiz/<int:attempt_id>/retry")
@login_required
def retry_form(attempt_id: int):
    mode = request.form.get("mode", PRACTICE)
    attempt = quiz.retry_wrong(get_session(), current_user, attempt_id, now=clock.now(), mode=mode)
    return redirect(url_for("quiz.take", attempt_id=attempt.id))


# --- JSON ----------------------------------------------------------------------------------


def _json() -> dict:
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise ServiceError("request.not_json", "expected a JSON object")
    return data


@bp.get("/api/quiz/scope")
@login_required
def api_scope():
    return jsonify(decks=quiz.scope_options(get_session()))


@bp.get("/api/quiz/readiness")
@login_required
def api_readiness():
    return jsonify(readiness_service.readiness(get_session(), current_user, clock.now(),
                                               **_readiness_args()))


@bp.get("/api/quiz/attempts")
@login_required
def api_history():
    return jsonify(attempts=quiz.history(get_session(), current_user, clock.now()))


@bp.post("/api/quiz/attempts")
@login_required
def api_start():
    data = _json()
    session = get_session()
    now = clock.now()
    attempt = quiz.start(
        session, current_user, mode=data.get("mode", PRACTICE), decks=data.get("decks"),
        sections=data.get("sections"), count=data.get("count"),
        time_limit_min=data.get("time_limit_min"), pass_mark=data.get("pass_mark"),
        weights=data.get("weights"), kinds=data.get("kinds"),
        review_forward=bool(data.get("review_forward", True)), seed=data.get("seed"), now=now)
    body = quiz.view(session, current_user, attempt.id, now)
    body["url"] = url_for("quiz.take", attempt_id=attempt.id)
    return jsonify(body), 201


@bp.get("/api/quiz/attempts/<int:attempt_id>")
@login_required
def api_view(attempt_id: int):
    return jsonify(quiz.view(get_session(), current_user, attempt_id, clock.now()))


@bp.route("/api/quiz/attempts/<int:attempt_id>/answers/<int:position>", methods=["PUT", "POST"])
@login_required
def api_answer(attempt_id: int, position: int):
    data = _json()
    if "response" not in data:
        raise ServiceError("request.no_response",
                           "response is required (null clears the answer)")
    return jsonify(quiz.save_answer(get_session(), current_user, attempt_id, position,
                                    data["response"], now=clock.now(),
                                    revision=data.get("revision")))


@bp.post("/api/quiz/attempts/<int:attempt_id>/submit")
@login_required
def api_submit(attempt_id: int):
    body = quiz.submit(get_session(), current_user, attempt_id, now=clock.now())
    body["url"] = url_for("quiz.results_page", attempt_id=attempt_id)
    return jsonify(body)


@bp.get("/api/quiz/attempts/<int:attempt_id>/results")
@login_required
def api_results(attempt_id: int):
    return jsonify(quiz.results(get_session(), current_user, attempt_id, clock.now()))


@bp.post("/api/quiz/attempts/<int:attempt_id>/retry")
@login_required
def api_retry(attempt_id: int):
    data = request.get_json(silent=True) or {}
    attempt = quiz.retry_wrong(get_session(), current_user, attempt_id, now=clock.now(),
                               mode=data.get("mode", PRACTICE) if isinstance(data, dict)
                               else PRACTICE)
    return jsonify(id=attempt.id, url=url_for("quiz.take", attempt_id=attempt.id),
                   count=attempt.question_count, mode=attempt.mode), 201
