"""Sign up, log in, log out; the login manager, CSRF protection and ``role_required``.

``init_app`` wires Flask-Login and Flask-WTF's ``CSRFProtect`` (every POST/PUT/PATCH/DELETE
needs a token: a form's hidden ``csrf_token`` field, or the ``X-CSRFToken`` header that JSON
calls copy from ``<meta name="csrf-token">``).
"""

from __future__ import annotations

import hmac
import os
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import (
    Blueprint,
    Flask,
    abort,
    current_app,
    flash,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import LoginManager, current_user, login_url, login_user, logout_user
from flask_wtf import FlaskForm
from flask_wtf.csrf import CSRFError, CSRFProtect
from wtforms import BooleanField, EmailField, HiddenField, PasswordField
from wtforms.validators import EqualTo, InputRequired, Length

from .. import clock, i18n
from ..db import get_session
from ..persistence.models import User
from ..services import users
from ..services.errors import ServiceError
from . import fastpaths
from .messages import message as error_message
from .responses import safe_next

bp = Blueprint("auth", __name__)
login_manager = LoginManager()

csrf: CSRFProtect | None = None  # set by init_app (fastpaths.csrf_protect)

LOGIN_FAILED = "Incorrect email or password."  # shown translated: _(LOGIN_FAILED) below

F = TypeVar("F", bound=Callable[..., Any])


def init_app(app: Flask) -> None:
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please log in to see that page.")
    login_manager.login_message_category = "info"
    global csrf
    csrf = fastpaths.csrf_protect(app)
    csrf.init_app(app)
    app.add_template_global(has_endpoint)


def register_error_handlers(app: Flask) -> None:
    app.register_error_handler(CSRFError, _csrf_error)


# --- Flask-Login plumbing ----------------------------------------------------------------


@login_manager.user_loader
def _load_user(user_id: str) -> User | None:
    """``id:token``: a cookie whose token was replaced (logout, password change) is refused.
    One primary-key SELECT per request, so a token replaced by another worker counts at once;
    it also reads what this worker's copy of the learner's review queue needs
    (``QueueCache.load_learner``), which the review page would read in statements of its own."""
    uid, _, token = (user_id or "").partition(":")
    if not token:
        return None
    try:
        uid_int = int(uid)
    except (TypeError, ValueError):
        return None
    user = current_app.extensions["review_queues"].load_learner(
        get_session(), uid_int, answering=g.get("answering_card"))
    if user is None or not hmac.compare_digest(token, user.session_token or ""):
        return None
    return user


@login_manager.unauthorized_handler
def _unauthorized():
    if wants_json():
        return jsonify(error="login required", status=401), 401
    flash(str(login_manager.login_message), login_manager.login_message_category)
    return redirect(login_url(login_manager.login_view, next_url=request.url))


def _csrf_error(exc: CSRFError):
    if wants_json():
        return jsonify(error=exc.description, status=400), 400
    return render_template("auth/csrf_error.html", reason=exc.description), 400


def wants_json() -> bool:
    """A fetch() call rather than a page: /api/…, a JSON body, or JSON preferred."""
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return (
        request.path.startswith("/api/")
        or request.is_json
        or (best == "application/json" and not request.accept_mimetypes.accept_html)
    )


def has_endpoint(name: str) -> bool:
    """For templates: link to a blueprint only once it is registered."""
    return name in current_app.view_functions


def role_required(*roles: str) -> Callable[[F], F]:
    """Only logged-in users with one of ``roles`` get through; others get 403 (anonymous users
    are sent to log in). Roles are not hierarchical: list "admin" too if admins may enter."""
    unknown = set(roles) - set(users.ROLES)
    if not roles or unknown:
        raise ValueError(f"role_required needs roles from {users.ROLES}, got {roles}")

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any):
            if not current_user.is_authenticated:
                return current_app.login_manager.unauthorized()
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapped  # type: ignore[return-value]

    return decorator


def _next_url() -> str:
    return safe_next(request.args.get("next")) or url_for("home.index")



def _keep_language(user: User) -> None:
    """The language a visitor chose with the switch becomes the new account's language."""
    code = session.get(i18n.SESSION_KEY)
    if code in i18n.LANGUAGES and user.locale != code:
        users.set_locale(get_session(), user, code)


def _start_session(user: User, *, remember: bool = False) -> None:
    chosen = session.get(i18n.SESSION_KEY)
    session.clear()  # nothing from before the login survives it (session fixation)
    if chosen:  # …but the language picked with the switch
        session[i18n.SESSION_KEY] = chosen
    login_user(user, remember=remember)


def show_error(form: FlaskForm, exc: ServiceError) -> None:
    """Put a service's refusal next to the field it names, else at the top of the form."""
    field = getattr(form, exc.field, None) if exc.field else None
    message = error_message(exc)
    if field is not None and hasattr(field, "errors"):
        field.errors = [*field.errors, message]
    else:
        form.form_errors.append(message)


# --- forms -------------------------------------------------------------------------------


class SignupForm(FlaskForm):
    email = EmailField(
        _l("Email"),
        validators=[InputRequired(), Length(max=users.MAX_EMAIL_LENGTH)],
        render_kw={"autocomplete": "email", "spellcheck": "false"},
    )
    password = PasswordField(
        _l("Password"),
        validators=[
            InputRequired(),
            Length(
                min=users.MIN_PASSWORD_LENGTH,
                max=users.MAX_PASSWORD_LENGTH,
                message=_l("Use at least %(n)d characters.", n=users.MIN_PASSWORD_LENGTH),
            ),
        ],
        render_kw={"autocomplete": "new-password", "minlength": users.MIN_PASSWORD_LENGTH},
    )
    confirm = PasswordField(
        _l("Confirm password"),
        validators=[InputRequired(),
                    EqualTo("password", message=_l("The passwords do not match."))],
        render_kw={"autocomplete": "new-password"},
    )
    # Filled in by static/js/tz.js from the browser; checked on the server.
    timezone = HiddenField(render_kw={"data-tz-detect": ""})


class LoginForm(FlaskForm):
    email = EmailField(
        _l("Email"),
        validators=[InputRequired(), Length(max=users.MAX_EMAIL_LENGTH)],
        render_kw={"autocomplete": "username", "spellcheck": "false"},
    )
    password = PasswordField(
        _l("Password"), validators=[InputRequired()],
        render_kw={"autocomplete": "current-password"}
    )
    remember = BooleanField(_l("Keep me logged in on this device"))


# --- views -------------------------------------------------------------------------------


@bp.route("/signup", methods=["GET", "POST"])
def signup():
    if current_user.is_authenticated:
        return redirect(_next_url())
    form = SignupForm()
    if form.validate_on_submit():
        detected = (form.timezone.data or "").strip()
        tz = detected if users.is_timezone(detected) else "UTC"
        try:
            user = users.create_user(
                get_session(), form.email.data, form.password.data, timezone=tz, now=clock.now()
            )
        except ServiceError as exc:
            show_error(form, exc)
        else:
            _start_session(user)
            _keep_language(user)
            flash(_("Welcome! Your account %(email)s is ready.", email=user.email), "success")
            if user.role == "admin":  # the first account: it gets the example quiz sets
                _import_example_sets(user)
            if tz != detected:
                flash(
                    _("Your time zone could not be detected, so it is set to UTC: "
                      "change it in Settings."),
                    "info",
                )
            return redirect(_next_url())
    return render_template("auth/signup.html", form=form, next=safe_next(request.args.get("next")))


def _import_example_sets(admin: User) -> None:
    """The quiz sets of QUIZZES_DIR (content/quizzes), for the first admin, so the Sets page
    is not empty on a fresh install. A problem is logged and shown; the sign-up stands."""
    folder = current_app.config.get("QUIZZES_DIR")
    if not folder or not os.path.isdir(folder):
        return
    from ..config import ROOT
    from ..services import sets

    try:
        report = sets.import_files(get_session(), [folder], admin, now=clock.now(), base=ROOT)
    except ServiceError as exc:
        current_app.logger.warning("example quiz sets not imported: %s", exc)
        flash(_("The example quiz sets could not be imported: run flask sets import to see "
                "why."), "error")
        return
    if report.added:
        flash(ngettext("%(num)d example quiz set was imported for you: see Sets.",
                       "%(num)d example quiz sets were imported for you: see Sets.",
                       len(report.added)), "info")


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(_next_url())
    form = LoginForm()
    failed = False
    if form.validate_on_submit():
        user = users.authenticate(get_session(), form.email.data, form.password.data)
        if user is not None:
            _start_session(user, remember=form.remember.data)
            if not user.locale:  # a language picked before logging in is kept
                _keep_language(user)
            return redirect(_next_url())
        failed = True
    return render_template(
        "auth/login.html",
        form=form,
        error=_("Incorrect email or password.") if failed else None,
        next=safe_next(request.args.get("next")),
    )


@bp.post("/logout")
def logout():
    language = i18n.locale_code()  # the page after logging out stays in the same language
    if current_user.is_authenticated:
        users.end_sessions(get_session(), current_user)  # a copied cookie dies with this one
    session.clear()  # first: logout_user then marks the remember-me cookie for deletion
    logout_user()
    session[i18n.SESSION_KEY] = language
    flash(_("You are logged out."), "info")
    return redirect(url_for("home.index"))
