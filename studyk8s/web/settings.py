"""The learner's settings page: time zone, retention, daily limits, decks and card kinds.

The view only turns the form into a ``changes`` dict; services.users validates and saves it
(all or nothing, one commit).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required, login_user
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    FloatField,
    IntegerField,
    PasswordField,
    SelectField,
    SelectMultipleField,
)
from wtforms.validators import EqualTo, InputRequired, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from ..db import get_session
from ..services import srs, users
from ..services.decks import list_decks
from ..services.errors import ServiceError
from .auth import show_error
from .messages import message

bp = Blueprint("settings", __name__)

KIND_LABELS = {
    "term_definition": _l("Term → definition"),
    "definition_term": _l("Definition → term"),
    "enumeration": _l("List recall"),
    "membership": _l("Group membership"),
    "cloze": _l("Cloze (fill the gap)"),
    "relation": _l("Diagram relation"),
    "abbreviation": _l("Abbreviation"),
}


class CheckboxesField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class SettingsForm(FlaskForm):
    timezone = SelectField(_l("Time zone"), validators=[InputRequired()])
    desired_retention = FloatField(
        _l("Desired retention"),
        validators=[InputRequired(message=_l("Enter a number between 0.70 and 0.99."))],
    )
    new_per_day = IntegerField(
        _l("New cards per day"), validators=[InputRequired(message=_l("Enter a whole number."))]
    )
    reviews_per_day = IntegerField(
        _l("Maximum reviews per day"),
        validators=[InputRequired(message=_l("Enter a whole number."))],
    )
    decks = CheckboxesField(_l("Decks to study"), coerce=int)
    card_kinds = CheckboxesField(_l("Card kinds to study"))
    exam_date = DateField(_l("Exam date"), validators=[Optional()])


def _form_for(user, decks) -> SettingsForm:
    current = users.settings_of(user)
    deck_ids = [d.id for d in decks]
    form = SettingsForm(
        data={
            "timezone": user.timezone,
            "desired_retention": current["desired_retention"],
            "new_per_day": current["new_per_day"],
            "reviews_per_day": current["reviews_per_day"],
            "decks": deck_ids if current["decks"] is None else current["decks"],
            "card_kinds": list(users.CARD_KINDS)
            if current["card_kinds"] is None
            else current["card_kinds"],
            "exam_date": _date(current["exam_date"]),
        }
    )
    zones = users.user_timezones()
    if user.timezone not in zones:  # a zone since dropped from the tz database stays selectable
        zones = sorted([*zones, user.timezone])
    form.timezone.choices = [(z, z.replace("_", " ")) for z in zones]
    form.decks.choices = [(d.id, d.title) for d in decks]
    form.card_kinds.choices = [(k, KIND_LABELS.get(k, k)) for k in users.CARD_KINDS]
    return form


def _date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _changes(form: SettingsForm, deck_ids: list[int]) -> dict[str, Any]:
    """Form → settings. Every box ticked means "all" (None), so new decks and kinds join in."""
    changes: dict[str, Any] = {
        "desired_retention": form.desired_retention.data,
        "new_per_day": form.new_per_day.data,
        "reviews_per_day": form.reviews_per_day.data,
    }
    if deck_ids:  # with no decks imported yet there is nothing to choose
        chosen = form.decks.data or []
        changes["decks"] = None if set(chosen) >= set(deck_ids) else chosen
    kinds = form.card_kinds.data or []
    changes["card_kinds"] = None if set(kinds) >= set(users.CARD_KINDS) else kinds
    changes["exam_date"] = form.exam_date.data  # empty clears it
    return changes


@bp.route("/settings", methods=["GET", "POST"])
@login_required
def index():
    session = get_session()
    decks = list_decks(session)
    form = _form_for(current_user, decks)
    if form.validate_on_submit():
        try:
            users.update_settings(
                session,
                current_user,
                _changes(form, [d.id for d in decks]),
                timezone=form.timezone.data,
            )
        except ServiceError as exc:
            show_error(form, exc)
        else:
            flash(_("Settings saved."), "success")
            return redirect(url_for("settings.index"))
    return render_template(
        "settings/index.html",
        form=form,
        limits=users.LIMITS,
        has_decks=bool(decks),
        custom_parameters=users.settings_of(current_user)["parameters"] is not None,
    )


@bp.post("/settings/optimize")
@login_required
def optimize():
    """Fit FSRS-6 to the learner's log and show before/after; nothing is stored yet."""
    try:
        fit = srs.optimize_user(get_session(), current_user)
    except ServiceError as exc:
        flash(message(exc), "error")
        return redirect(url_for("settings.index"))
    return render_template("settings/optimize.html", fit=fit)


@bp.post("/settings/parameters")
@login_required
def parameters():
    """Keep fitted parameters (as posted back from the optimise page) or reset to defaults."""
    if request.form.get("action") == "reset":
        srs.keep_parameters(get_session(), current_user, None)
        flash(_("Back to the FSRS-6 default parameters."), "success")
        return redirect(url_for("settings.index"))
    try:
        values = [float(w) for w in request.form.get("parameters", "").split(",")]
        srs.keep_parameters(get_session(), current_user, values)
    except (ValueError, ServiceError) as exc:
        abort(400, description=_("Parameters not saved: %(reason)s", reason=exc))
    flash(_("Optimised parameters kept: your next reviews use them."), "success")
    return redirect(url_for("settings.index"))


class PasswordForm(FlaskForm):
    current = PasswordField(_l("Current password"), validators=[InputRequired()],
                            render_kw={"autocomplete": "current-password"})
    password = PasswordField(_l("New password"), validators=[InputRequired()],
                             render_kw={"autocomplete": "new-password"})
    confirm = PasswordField(_l("Confirm the new password"),
                            validators=[InputRequired(),
                                        EqualTo("password",
                                                message=_l("The passwords do not match."))],
                            render_kw={"autocomplete": "new-password"})


@bp.route("/settings/password", methods=["GET", "POST"])
@login_required
def password():
    """Change the password; every other session (and remember-me cookie) ends."""
    form = PasswordForm()
    if form.validate_on_submit():
        try:
            users.change_password(get_session(), current_user, form.current.data,
                                  form.password.data)
        except ServiceError as exc:
            show_error(form, exc)
        else:
            login_user(current_user._get_current_object())  # this session carries on
            flash(_("Password changed. You were logged out everywhere else."), "success")
            return redirect(url_for("settings.index"))
    return render_template("settings/password.html", form=form)
