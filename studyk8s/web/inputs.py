"""The one gate every request's input passes before a view sees it (issue 18):

- ids in URLs: every ``<int:…>`` is an ``IdConverter``, so an id no INTEGER column can hold
  (over 2^31 - 1, PostgreSQL's limit; SQLite's is 2^63 - 1) is a 404 like any unknown id;
- JSON bodies: parsed strictly (``StrictJSONRequest``): anything but an object, ``NaN`` and
  ``Infinity``, numbers that overflow, integers beyond 64 bits, NUL characters and deep
  nesting are a 400;
- form fields and query strings: no NUL characters, at most ``MAX_FIELD_CHARS`` each (400);
- a JSON body sent to a page's form (not /api/…, not in ``JSON_ENDPOINTS``) is a 415:
  WTForms would take its numbers and lists for form text.

Views then read numbers with ``whole``/``number`` (bounded, integers where integers are
meant). A refusal is a ``BadInput``: 400 with one line saying what and where, as JSON to a
script and as a page to a browser (``errors.register``).
"""

from __future__ import annotations

import json
import math
from typing import Any

from flask import Flask, Request, request
from flask_babel import gettext as _
from werkzeug.exceptions import BadRequest, UnsupportedMediaType
from werkzeug.routing import IntegerConverter, ValidationError

ID_MAX = 2**31 - 1  # an INTEGER primary key on PostgreSQL (and well inside SQLite's 2^63 - 1)
INT_MAX = 2**63 - 1  # any integer a JSON body may carry: a BIGINT on either database
MAX_FIELD_CHARS = 100_000  # one form field or query value (uploads are files, not fields)
MAX_JSON_DEPTH = 32
JSON_ENDPOINTS = frozenset({"sets.reorder"})  # pages' routes that also take JSON (sets.js)


class BadInput(BadRequest):
    """400 with one line naming the field at fault."""


class IdConverter(IntegerConverter):
    """``<int:…>`` for ids: 1-10 digits and at most ``ID_MAX``; anything else does not match
    the route (404), before int() or the database ever see it."""

    regex = r"\d{1,10}"

    def __init__(self, map, fixed_digits: int = 0, min: int | None = None,  # noqa: A002
                 max: int | None = None, signed: bool = False) -> None:  # noqa: A002
        super().__init__(map, fixed_digits=fixed_digits, min=min,
                         max=ID_MAX if max is None else max, signed=signed)

    def to_python(self, value: str) -> int:
        if len(value) > 10:
            raise ValidationError()
        return super().to_python(value)


# --- JSON ------------------------------------------------------------------------------------


def _constant(name: str):
    raise BadInput(_("JSON numbers must be finite (%(name)s is not allowed)", name=name))


def _float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise BadInput(_("JSON number out of range: %(value)s", value=text[:40]))
    return value


def _int(text: str) -> int:
    if len(text.lstrip("-")) > 19 or abs(value := int(text)) > INT_MAX:
        raise BadInput(_("JSON number out of range: %(value)s", value=text[:40]))
    return value


def _check(value: Any, depth: int = 0) -> None:
    """No NUL in any string or key, no nesting deeper than ``MAX_JSON_DEPTH``."""
    if depth > MAX_JSON_DEPTH:
        raise BadInput(_("JSON nested too deeply"))
    if isinstance(value, str):
        if "\x00" in value:
            raise BadInput(_("Text must not contain NUL characters."))
    elif isinstance(value, dict):
        for k, v in value.items():
            _check(k, depth + 1)
            _check(v, depth + 1)
    elif isinstance(value, list):
        for v in value:
            _check(v, depth + 1)


class StrictJSON:
    """What ``Request.get_json`` parses with. Raising ``BadInput`` (not a ValueError) makes
    even ``get_json(silent=True)`` refuse the body instead of reading it as absent."""

    @staticmethod
    def loads(data: str | bytes, **_kw: Any) -> Any:
        try:
            value = json.loads(data, parse_constant=_constant, parse_float=_float,
                               parse_int=_int)
        except RecursionError:
            raise BadInput(_("JSON nested too deeply")) from None
        if not isinstance(value, dict):  # every JSON call here sends an object
            raise BadInput(_("The JSON body must be an object."))
        _check(value)
        return value

    @staticmethod
    def dumps(obj: Any, **kw: Any) -> str:
        return json.dumps(obj, **kw)


class StrictJSONRequest(Request):
    """Flask's request, parsing JSON bodies with ``StrictJSON``. (Flask assigns ``app.json``
    to each request's ``json_module``; the property keeps the strict parser.)"""

    @property
    def json_module(self):  # type: ignore[override]
        return StrictJSON

    @json_module.setter
    def json_module(self, _value) -> None:
        pass


# --- form fields and query strings -------------------------------------------------------------


def _screen(pairs) -> None:
    for key, value in pairs:
        for text in (key, value):
            if "\x00" in text:
                raise BadInput(_("%(field)s: text must not contain NUL characters.",
                                 field=key[:40]))
            if len(text) > MAX_FIELD_CHARS:
                raise BadInput(_("%(field)s: longer than %(max)s characters.",
                                 field=key[:40], max=MAX_FIELD_CHARS))


def screen_request() -> None:
    """before_request: query string and form fields (cheap when there are none)."""
    if request.query_string:
        _screen(request.args.items(multi=True))
    if request.method != "GET" and request.mimetype in (
            "application/x-www-form-urlencoded", "multipart/form-data"):
        _screen(request.form.items(multi=True))


# --- numbers the views read --------------------------------------------------------------------


def whole(value: Any, name: str, lo: int = 0, hi: int = INT_MAX,
          default: int | None = None) -> int:
    """``value`` (a JSON number or a form string) as an integer in [lo, hi]: 2.5, "2.5",
    true, "inf" and out-of-range values are refused."""
    if value is None or value == "":
        if default is None:
            raise BadInput(_("%(name)s is required.", name=name))
        return default
    if isinstance(value, bool):
        raise BadInput(_("%(name)s must be a whole number.", name=name))
    if isinstance(value, float):
        if not value.is_integer():
            raise BadInput(_("%(name)s must be a whole number.", name=name))
        value = int(value)
    elif isinstance(value, str):
        text = value.strip()
        if not text.lstrip("-").isdigit() or len(text) > 20:
            raise BadInput(_("%(name)s must be a whole number.", name=name))
        value = int(text)
    elif not isinstance(value, int):
        raise BadInput(_("%(name)s must be a whole number.", name=name))
    if not lo <= value <= hi:
        raise BadInput(_("%(name)s must be between %(lo)s and %(hi)s.", name=name, lo=lo,
                         hi=hi))
    return value


def ident(value: Any, name: str) -> int:
    """An id in a body or query string: 1..ID_MAX."""
    return whole(value, name, 1, ID_MAX)


class FormsOnly(UnsupportedMediaType):
    """415: JSON sent where a page's form is expected."""


def refuse_json_on_forms() -> None:
    if (request.is_json and request.method != "GET" and not request.path.startswith("/api/")
            and request.endpoint not in JSON_ENDPOINTS):
        raise FormsOnly(_("This page takes a form, not JSON."))


def init_app(app: Flask) -> None:
    """Before any blueprint is registered: the converter is bound when a rule is added."""
    app.url_map.converters["int"] = IdConverter
    app.url_map.converters["id"] = IdConverter
    app.request_class = StrictJSONRequest
    app.before_request(screen_request)


def init_late(app: Flask) -> None:
    """After CSRF's own check (a request without a token is refused for that first)."""
    app.before_request(refuse_json_on_forms)
