"""The UI's language: English or Simplified Chinese, with Flask-Babel message catalogs.

Which language a page is in, first match wins:

1. the logged-in user's choice (``User.locale``, saved by the language switch);
2. a visitor's choice, kept in the session (the switch, before logging in);
3. the browser's ``Accept-Language`` (``zh``, ``zh-CN``, ``zh-Hans``… → Chinese);
4. English.

Only the interface is translated. Card text and generated questions stay in the language of
the note they come from, whatever the UI language.

Catalogs live in ``studyk8s/translations/<locale>/LC_MESSAGES/messages.po``; the bootstrap
(``make``) compiles them to ``.mo`` files, which are not committed. Templates use ``_()`` /
``ngettext()`` (Jinja's i18n extension, new style: ``%(name)s`` placeholders, and a literal
percent sign is written ``%%``), Python code ``gettext`` / ``lazy_gettext``, and scripts read
their strings as JSON from ``<div id="i18n" data-strings="…">`` (``js_strings``).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from babel.dates import format_skeleton, format_time
from babel.numbers import format_decimal, format_percent
from flask import Flask, g, request, session
from flask_babel import Babel, get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from markupsafe import Markup

LANGUAGES = {"en": "English", "zh": "中文"}
DEFAULT = "en"
HTML_LANG = {"en": "en", "zh": "zh-CN"}  # the lang attribute of <html>
SESSION_KEY = "locale"

babel = Babel()


def init_app(app: Flask) -> None:
    app.config.setdefault("BABEL_DEFAULT_LOCALE", DEFAULT)
    babel.init_app(app, locale_selector=select_locale)
    app.add_template_global(html_lang)
    app.add_template_global(locale_code)
    app.add_template_global(LANGUAGES, "languages")
    app.add_template_global(js_strings)
    app.add_template_global(fmt_num)
    app.add_template_global(fmt_pct)
    app.add_template_global(fmt_date)
    app.add_template_global(fmt_datetime)
    app.add_template_filter(fmt_num, "num")
    app.add_template_global(translate)
    app.add_template_global(wrap)


# --- which language ------------------------------------------------------------------------


def known_locale(code: str | None) -> str | None:
    """"en" or "zh" for a language code or tag (``zh-CN``, ``en_US``), else None."""
    code = (code or "").strip().replace("-", "_").split("_")[0].lower()
    return code if code in LANGUAGES else None


def select_locale() -> str:
    # Loading the user can itself translate a message (Flask-Login flashes one when a cookie
    # is refused); that inner call decides without the user instead of recursing.
    if not g.get("_selecting_locale"):
        g._selecting_locale = True
        try:
            user = current_user if _has_user() else None
            authenticated = user is not None and getattr(user, "is_authenticated", False)
            if authenticated and (chosen := known_locale(getattr(user, "locale", None))):
                return chosen
        finally:
            g._selecting_locale = False
    if chosen := known_locale(session.get(SESSION_KEY)):
        return chosen
    return known_locale(request.accept_languages.best_match(list(LANGUAGES))) or DEFAULT


def _has_user() -> bool:
    try:
        return current_user is not None and current_user._get_current_object() is not None
    except Exception:  # no request, or no login manager (CLI, some tests)
        return False


def locale_code() -> str:
    """"en" or "zh": the UI language of this request."""
    return known_locale(str(get_locale())) or DEFAULT


def html_lang() -> str:
    return HTML_LANG[locale_code()]


# --- formatting ----------------------------------------------------------------------------


def _locale() -> str:
    return locale_code()


def fmt_num(value: float | int | None, digits: int | None = None) -> str:
    """A number with the locale's grouping and decimal marks (``12,345``)."""
    if value is None:
        return "—"
    fmt = None if digits is None else ("#,##0" + ("." + "0" * digits if digits else ""))
    return format_decimal(value, format=fmt, locale=_locale())


def fmt_pct(value: float | None, digits: int = 0) -> str:
    """A share (0.66) as the locale writes a percentage (``66%``); None is a dash."""
    if value is None:
        return "—"
    fmt = "#,##0" + ("." + "0" * digits if digits else "") + "%"
    return format_percent(value, format=fmt, locale=_locale())


def _zone() -> ZoneInfo:
    try:
        return ZoneInfo(getattr(current_user, "timezone", None) or "UTC")
    except (KeyError, ValueError):
        return ZoneInfo("UTC")


def fmt_date(value: date | datetime | str | None, skeleton: str = "yMMMd") -> str:
    """A calendar day, the locale's way (``Jan 5, 2026`` / ``2026年1月5日``)."""
    if not value:
        return ""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if isinstance(value, datetime):
        value = value.astimezone(_zone()).date() if value.tzinfo else value.date()
    return format_skeleton(skeleton, value, locale=_locale())


def fmt_datetime(value: datetime | str | None) -> str:
    """An instant in the user's time zone: the locale's date and a 24-hour time."""
    if not value:
        return ""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    local = value.astimezone(_zone()) if value.tzinfo else value
    return (format_skeleton("yMMMd", local, locale=_locale()) + " "
            + format_time(local, "HH:mm", locale=_locale()))


def wrap(tag: str, text: Any, **attrs: Any) -> Markup:
    """``<tag attrs>text</tag>`` with ``text`` and the attributes escaped: for markup inside a
    translated sentence (``_("Join %(name)s?", name=wrap("b", klass.name))``)."""
    parts = "".join(Markup(' {}="{}"').format(k.rstrip("_").replace("_", "-"), v)
                    for k, v in attrs.items())
    return Markup("<{}{}>{}</{}>").format(Markup(tag), Markup(parts), text, Markup(tag))


# --- strings for scripts -------------------------------------------------------------------

# Each script's strings, by key. ``{name}`` placeholders are filled in by the script; a key
# ending in ``_one`` / ``_other`` is the singular / plural of the same message.
JS_STRINGS: dict[str, dict[str, Any]] = {
    "review": {
        "retrying": _l("Connection lost, retrying…"),
        "diagram": _l("Diagram"),
        "tomorrow_one": _l("Tomorrow: {n} card due."),
        "tomorrow_other": _l("Tomorrow: {n} cards due."),
        "changed": _l("This card changed elsewhere; showing the current one."),
        "not_saved": _l("Could not save: {error}"),
        "leech": _l("Leech: “{card}” was suspended and tagged."),
        "undid": _l("Undid the last rating ({rating})."),
        "undid_suspend": _l("Undid the suspension: the card is back."),
        "undid_bury": _l("Undid burying: the card is back."),
        "undid_flag": _l("Undid the flag change."),
        "undid_report": _l("Undid the report: the card is back."),
        "undid_other": _l("Undid the last change to a card."),
        "nothing_to_undo": _l("Nothing to undo."),
        "suspended": _l("Suspended “{card}” (u undoes)."),
        "your_answer": _l("Your answer"),
        "buried": _l("Buried “{card}” until tomorrow (u undoes)."),
        "reported": _l("Reported “{card}”: suspended until its note is fixed (u undoes)."),
        "flag_set": _l("Flagged {flag}."),
        "flag_cleared": _l("Flag removed."),
        "flagged": _l("{flag} flag"),
        "flag_1": _l("Red"), "flag_2": _l("Orange"), "flag_3": _l("Green"), "flag_4": _l("Blue"),
        "ahead_one": _l("{n} card due soon is ready to review now (u puts it back)."),
        "ahead_other": _l("{n} cards due soon are ready to review now (u puts them back)."),
        "ahead_none": _l("No review cards are due in the next {n} days."),
        "more_new": _l("Today's new-card limit is raised by {n}."),
        "diagram_open": _l("Open the diagram full width"),
        "diagram_close": _l("Close the full-width diagram"),
        "load_failed": _l("Could not load cards: {error}"),
        "again": _l("Again"), "hard": _l("Hard"), "good": _l("Good"), "easy": _l("Easy"),
        # the next interval on each rating button: minutes, hours, days, months, years
        "iv_m": _l("{n}m"), "iv_h": _l("{n}h"), "iv_d": _l("{n}d"), "iv_mo": _l("{n}mo"),
        "iv_y": _l("{n}y"),
    },
    "quiz": {
        "sending": _l("Sending answers saved on this device…"),
        "time_left": _l("Time left: {n} min"),
        "time_up": _l("Time is up: submitting your saved answers…"),
        "unsaved": _l("Unsaved…"),
        "saving": _l("Saving…"),
        "saved": _l("Saved"),
        "refused": _l("Not saved: {error}"),
        "offline": _l("Offline — your answers are kept on this device and will be sent."),
        "choose_all": _l("Choose all that apply"),
        "choose_one": _l("Choose one"),
        "your_answer": _l("Your answer"),
        "question_of": _l("Question {n} of {count}"),
        "progress": _l("Question {n} of {count} · {done} answered"),
        "nav_answered": _l("Question {n}, answered"),
        "nav_open": _l("Question {n}, not answered"),
        "summary_next": _l("See the summary ›"),
        "next": _l("Next ›"),
        "answer_first": _l("Answer first, then check."),
        "saved_locally": _l("Saved on this device; the verdict shows once the server is "
                            "reachable."),
        "flag": _l("Flag question"),
        "unflag": _l("Remove flag"),
        "flagged": _l("flagged"),
        "not_all_saved": _l("Some answers are not saved yet (offline?). Try again when the "
                            "connection is back."),
        "submit_failed": _l("Could not submit: {error}. Your answers are saved; try again."),
        "load_failed": _l("Could not load the quiz: {error}"),
        "right": _l("Right"),
        "wrong": _l("Not right"),
        "partly": _l("Partly right"),
        "your_choice": _l("your choice"),
        "right_answer": _l("right answer"),
    },
    "quiz_start": {
        "ready": _l("ready"),
        "not_ready": _l("not ready yet"),
        "detail": _l("({studied} of {facts} facts studied; from your review history)"),
    },
    "sets": {
        "copied": _l("Copied"),
        "copy_failed": _l("Copy failed: select the link"),
    },
}


def js_strings(*groups: str) -> Markup:
    """The named groups' strings in the UI language, as JSON in a data attribute that the
    page's scripts read (no inline script: the CSP forbids it)."""
    import json

    from markupsafe import escape

    merged: dict[str, str] = {"_locale": HTML_LANG[locale_code()]}
    for group in groups:
        merged.update({k: str(v) for k, v in JS_STRINGS[group].items()})
    text = json.dumps(merged, ensure_ascii=False)
    return Markup(f'<div id="i18n" hidden data-strings="{escape(text)}"></div>')


# --- messages raised by the services -------------------------------------------------------

# Fixed sentences services return as values (an assigned set's "why not"), in the catalog so
# ``translate`` finds them. Refusals (``ServiceError``) are translated by code instead
# (``web/messages.py``).
SERVICE_MESSAGES = (
    _l("This set is not open yet."),
    _l("This set is closed."),
    _l("You have used all your attempts."),
)


def translate(message: str) -> str:
    """``message`` in the UI language. The text of the service refusal being handled (in an
    ``except ServiceError`` block) is translated by its code, with its parameters; any other
    text is looked up in the catalog, else shown as it is."""
    import sys

    from flask import current_app

    from .services.errors import ServiceError

    exc = sys.exc_info()[1]
    if isinstance(exc, ServiceError) and message == str(exc):
        by_code = current_app.extensions.get("service_message")
        if by_code is not None:
            return by_code(exc)
    return _(message) if message else message
