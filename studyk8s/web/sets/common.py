"""What the quiz-set pages share: the blueprint, labels, the user's local time, rendering,
uploads."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask import (
    Blueprint,
    render_template,
    request,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from ... import clock
from ...db import get_session
from ...i18n import fmt_datetime
from ...render import to_html
from ...services import classes, interop
from ...services.errors import ImportFailed, ServiceError
from ..auth import role_required

bp = Blueprint("sets", __name__)
instructors = role_required("instructor", "admin")

MOODLE_GRADES = (100, 90, 83.33333, 80, 75, 70, 66.66667, 60, 50, 40, 33.33333, 30, 25, 20,
                 16.66667, 14.28571, 12.5, 11.11111, 10, 5, 0)
GRADE_OPTIONS = (*MOODLE_GRADES, *(-g for g in reversed(MOODLE_GRADES) if g))
KIND_LABELS = {"single": _l("Single choice"), "multiple": _l("Multiple choice (several right)"),
               "true_false": _l("True / false"), "matching": _l("Matching"),
               "typed": _l("Short answer (typed)"), "command": _l("Hands-on: command"),
               "manifest": _l("Hands-on: whole manifest"),
               "manifest_field": _l("Hands-on: manifest field")}
GRADING_LABELS = {"highest": _l("Highest grade"), "last": _l("Last attempt"),
                  "average": _l("Average grade"), "first": _l("First attempt")}
REVIEW_LABELS = {"after_submit": _l("Right after each attempt"),
                 "after_close": _l("After the assignment closes"),
                 "never": _l("Never (score only)")}
STATE_LABELS = {"open": _l("open"), "closed": _l("closed"), "upcoming": _l("upcoming"),
                "draft": _l("Draft"), "published": _l("Published"),
                "changed": _l("Published · unpublished changes")}
BLANK_ROWS = 3



@bp.app_template_filter("set_md")
def _markdown(text: str) -> str:
    """Instructor-authored Markdown, rendered and sanitised (nh3)."""
    from markupsafe import Markup

    return Markup(to_html(text or ""))


@bp.app_template_global("assigned_sets")
def _assigned_sets() -> dict[str, Any]:
    """For the home page: the learner's assigned sets and classes (empty when logged out)."""
    if not current_user.is_authenticated:
        return {"sets": [], "classes": []}
    session = get_session()
    return {"sets": classes.assigned_sets(session, current_user, clock.now()),
            "classes": classes.my_classes(session, current_user)}


@bp.app_template_global("localtime_assigned")
def local(value: datetime | str | None, fmt: str | None = None) -> str:
    """A date and time in the user's zone: the UI language's way, or ``fmt`` (the value of a
    datetime-local field, which is always ISO)."""
    if not value:
        return ""
    if fmt is None:
        return fmt_datetime(value)
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    try:
        zone = ZoneInfo(getattr(current_user, "timezone", None) or "UTC")
    except (KeyError, ValueError):
        zone = ZoneInfo("UTC")
    return value.astimezone(zone).strftime(fmt)


def parse_local(text: str | None) -> datetime | None:
    """A datetime-local field, in the user's time zone, as an aware UTC datetime (None when
    empty; ValueError when it is not a date and time)."""
    text = (text or "").strip()
    if not text:
        return None
    naive = datetime.fromisoformat(text)
    try:
        zone = ZoneInfo(current_user.timezone or "UTC")
    except (KeyError, ValueError):
        zone = ZoneInfo("UTC")
    return naive.replace(tzinfo=zone).astimezone(UTC) if naive.tzinfo is None else naive


def _context() -> dict[str, Any]:
    return {"localtime": local, "kind_labels": KIND_LABELS, "grading_labels": GRADING_LABELS,
            "review_labels": REVIEW_LABELS, "state_labels": STATE_LABELS}


def render(template: str, status: int = 200, **kw: Any):
    return render_template(template, **_context(), **kw), status


def upload_file(field: str = "file", limit: int = interop.MAX_UPLOAD) -> tuple[bytes, str]:
    """The uploaded file, read up to ``limit`` bytes (more: refused, nothing written)."""
    f = request.files.get(field)
    if f is None or not f.filename:
        raise ServiceError("form.invalid", _("Choose a file to upload"))
    data = f.stream.read(limit + 1)
    name = f.filename.replace("\\", "/").rsplit("/", 1)[-1][:200] or "upload"
    if len(data) > limit:
        from ...notes.model import Problem

        raise ImportFailed([Problem(name, 1, f"file is over the limit of {limit} bytes",
                                         "error")])
    return data, name
