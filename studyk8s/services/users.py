"""Accounts and learner settings. Owns its transactions: every write here commits.

Passwords are hashed with argon2id (argon2-cffi's ``PasswordHasher``, RFC 9106 low-memory
profile) and rehashed on login when the parameters change. The first account ever created
becomes admin, whatever role was asked for, so a fresh install always has one.
"""

from __future__ import annotations

import math
import re
import secrets
import zoneinfo
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..persistence.engine import write_transaction
from ..persistence.models import Note, User
from .errors import ServiceError

ROLES = ("learner", "instructor", "admin")
CARD_KINDS = (
    "term_definition",
    "definition_term",
    "enumeration",
    "membership",
    "cloze",
    "relation",
    "abbreviation",
)
FSRS_PARAMETER_COUNT = 21  # FSRS-6
MIN_PASSWORD_LENGTH = 8
MAX_PASSWORD_LENGTH = 1024  # hashing a megabyte "password" is a cheap denial of service
MAX_EMAIL_LENGTH = 254
# zxcvbn's score (0-4, from its estimate of guesses): 0 and 1 are under a million guesses.
MIN_PASSWORD_SCORE = 2
PASSWORD_CHECKED_CHARS = 72  # zxcvbn's own maximum; what follows only adds strength

DEFAULT_SETTINGS: dict[str, Any] = {
    "desired_retention": 0.90,
    "new_per_day": 20,
    "reviews_per_day": 200,
    "decks": None,  # None = all decks, else a list of note ids
    "card_kinds": None,  # None = all kinds, else a subset of CARD_KINDS
    "parameters": None,  # None = FSRS-6 defaults, else 21 floats
    "exam_date": None,  # None = no exam date, else an ISO date (readiness forecasts for it)
}
# Inclusive bounds, shared with the settings form so the page and the service agree.
LIMITS: dict[str, tuple[float, float]] = {
    "desired_retention": (0.70, 0.99),
    "new_per_day": (0, 9999),
    "reviews_per_day": (0, 99999),
}

_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s.]+")
_NOT_USER_ZONES = frozenset({"localtime", "Factory"})  # in the tz database, not places

_hasher = PasswordHasher()  # argon2id, t=3, m=64 MiB, p=4 (RFC 9106 low-memory)


# --- accounts ----------------------------------------------------------------------------


def normalize_email(email: str) -> str:
    return (email or "").strip().lower()


def find_by_email(session: Session, email: str) -> User | None:
    """The account with this email (any case, surrounding spaces ignored), or None."""
    return session.scalar(select(User).where(User.email == normalize_email(email)))


def create_user(
    session: Session,
    email: str,
    password: str,
    *,
    role: str = "learner",
    timezone: str = "UTC",
    now: datetime,
) -> User:
    """Create and commit an account. The first account ever created is made admin."""
    email = _valid_email(email)
    _check_password(password, email)
    timezone = _valid_timezone(timezone)
    if role not in ROLES:
        raise ServiceError("users.unknown_role_choose_one",
            "Unknown role {role!r}: choose one of {value}",
            field="role", role=role, value=', '.join(ROLES))
    if _email_taken(session, email):
        raise ServiceError("users.account_email_already_exists",
            "An account with this email already exists",
            field="email")
    password_hash = _hasher.hash(password)
    try:
        with write_transaction(session):
            user = User(
                email=email,
                password_hash=password_hash,
                session_token=secrets.token_urlsafe(24),
                role=role,
                timezone=timezone,
                settings={},
                created_at=now,
            )
            session.add(user)
            # Insert first, then count: on SQLite the INSERT takes the write lock, so the count
            # sees every committed account and two racing "first" sign-ups cannot both be
            # admin. (On PostgreSQL's READ COMMITTED they could; it only matters for the very
            # first two.)
            session.flush()
            others = session.scalar(select(func.count(User.id)).where(User.id != user.id))
            if others == 0:
                user.role = "admin"
    except IntegrityError:
        raise ServiceError("users.account_email_already_exists",
            "An account with this email already exists",
            field="email") from None
    return user


def authenticate(session: Session, email: str, password: str) -> User | None:
    """The user if the password matches, else None. Takes about as long for unknown emails."""
    password = password or ""
    user = session.scalar(select(User).where(User.email == normalize_email(email)))
    if user is None or len(password) > MAX_PASSWORD_LENGTH:
        _verify(_dummy_hash(), password[:MAX_PASSWORD_LENGTH])
        return None
    if not _verify(user.password_hash, password):
        return None
    if _hasher.check_needs_rehash(user.password_hash):
        new_hash = _hasher.hash(password)
        with write_transaction(session):
            user.password_hash = new_hash
    return user


def end_sessions(session: Session, user: User) -> None:
    """Invalidate every login of this user (cookies carry the token being replaced)."""
    with write_transaction(session):
        user.session_token = secrets.token_urlsafe(24)


def change_password(session: Session, user: User, current: str, new: str) -> None:
    """Check the current password, store the new one, and end every other session."""
    if not _verify(user.password_hash, current or ""):
        raise ServiceError("users.current_password_not_right",
            "The current password is not right.",
            field="current")
    _check_password(new, user.email)
    new_hash = _hasher.hash(new)
    with write_transaction(session):
        user.password_hash = new_hash
        user.session_token = secrets.token_urlsafe(24)


def set_timezone(session: Session, user: User, tz: str) -> User:
    tz = _valid_timezone(tz)
    with write_transaction(session):
        user.timezone = tz
    return user


def set_locale(session: Session, user: User, code: str) -> None:
    """Save ``code`` ("en", "zh") as ``user``'s UI language (one small write transaction)."""
    with write_transaction(session):
        user.locale = code


def is_timezone(tz: str) -> bool:
    """True for a zone a user may choose (an IANA name from the tz database, or UTC)."""
    return isinstance(tz, str) and (tz == "UTC" or tz in _zones())


def user_timezones() -> list[str]:
    """The IANA zones a user may choose, sorted (what the settings page offers)."""
    return sorted(_zones() | {"UTC"})


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    return _hasher.hash("not a real password: equalises the timing of unknown emails")


def _email_taken(session: Session, email: str) -> bool:
    return session.scalar(select(User.id).where(User.email == email)) is not None


def _valid_email(email: str) -> str:
    email = normalize_email(email)
    if len(email) > MAX_EMAIL_LENGTH or not _EMAIL.fullmatch(email):
        raise ServiceError("users.enter_valid_email_address",
            "Enter a valid email address, like name@example.com",
            field="email")
    return email


def _check_password(password: str, email: str = "") -> None:
    if not isinstance(password, str) or len(password) < MIN_PASSWORD_LENGTH:
        raise ServiceError("users.password_must_least_characters",
            "The password must be at least {MIN_PASSWORD_LENGTH} characters long",
            field="password", MIN_PASSWORD_LENGTH=MIN_PASSWORD_LENGTH)
    if len(password) > MAX_PASSWORD_LENGTH:
        raise ServiceError("users.password_must_most_characters",
            "The password must be at most {MAX_PASSWORD_LENGTH} characters long",
            field="password", MAX_PASSWORD_LENGTH=MAX_PASSWORD_LENGTH)
    _check_guessable(password, email)


COMMON_PASSWORD = "This password is one of the most common passwords: choose another one."
GUESSABLE_PASSWORD = ("This password is too easy to guess (a repeated or sequential pattern, a "
                      "common word or your email): add a few uncommon words.")


def _check_guessable(password: str, email: str = "") -> None:
    """Refuse what an attacker tries first (ASVS 2.1.7): zxcvbn's frequency lists (the most
    common passwords from public breaches, English words, names) and patterns (repeats,
    sequences, keyboard walks, dates, the account's own email). Imported here, not at the
    top: its dictionaries take 14 MB, which a worker only needs once someone sets a password."""
    from zxcvbn import zxcvbn

    result = zxcvbn(password[:PASSWORD_CHECKED_CHARS],
                    user_inputs=[part for part in re.split(r"[@.+_-]", email) if part])
    if result["score"] >= MIN_PASSWORD_SCORE:
        return
    common = any(m.get("dictionary_name") == "passwords" for m in result["sequence"])
    if common:
        raise ServiceError("users.password_too_common", COMMON_PASSWORD, field="password")
    raise ServiceError("users.password_too_guessable", GUESSABLE_PASSWORD, field="password")


@lru_cache(maxsize=1)
def _zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones() - _NOT_USER_ZONES)


def _valid_timezone(tz: str) -> str:
    tz = tz.strip() if isinstance(tz, str) else ""
    if not is_timezone(tz):
        raise ServiceError("users.unknown_time_zone_use",
            "Unknown time zone {tz!r}: use an IANA name such as Asia/Shanghai",
            field="timezone", tz=tz)
    zoneinfo.ZoneInfo(tz)  # present in the list, so it loads; fail loudly if not
    return tz


# --- settings ----------------------------------------------------------------------------


def settings_of(user: User) -> dict[str, Any]:
    """The learner's settings: the defaults overlaid with what they changed (a fresh dict)."""
    merged = {**DEFAULT_SETTINGS, **(user.settings or {})}
    return {k: list(v) if isinstance(v, list) else v for k, v in merged.items()
            if k != EXTRA_NEW}


@dataclass(frozen=True, slots=True)
class StudySettings:
    """What shapes a learner's study, read once from ``User.settings`` (a free JSON dict) into
    typed values, then passed down: the web builds one per request (``of``)."""

    desired_retention: float
    new_per_day: int
    reviews_per_day: int
    decks: tuple[int, ...] | None  # None: every deck
    card_kinds: tuple[str, ...] | None  # None: every kind
    parameters: tuple[float, ...] | None  # None: FSRS-6 defaults
    timezone: str
    extra_new: int = 0  # today's "more new cards" (Done screen), included in new_per_day

    @classmethod
    def of(cls, user: User, now: datetime | None = None) -> StudySettings:
        """``now``: include today's raise of the new-card limit, if there is one."""
        merged = {**DEFAULT_SETTINGS, **(user.settings or {})}
        decks, kinds, params = merged["decks"], merged["card_kinds"], merged["parameters"]
        extra = _extra_new(user.settings or {}, now)
        return cls(
            extra_new=extra,
            desired_retention=float(merged["desired_retention"]),
            new_per_day=merged["new_per_day"] + extra,
            reviews_per_day=merged["reviews_per_day"],
            decks=tuple(decks) if decks else None,
            card_kinds=tuple(kinds) if kinds else None,
            parameters=tuple(params) if params else None,
            timezone=user.timezone,
        )

    @property
    def selection(self) -> tuple[tuple[int, ...] | None, tuple[str, ...] | None]:
        """(decks, card kinds) the learner studies; None for all."""
        return self.decks, self.card_kinds

    @property
    def scoped(self) -> bool:
        """Settings restrict the decks or the card kinds."""
        return bool(self.decks or self.card_kinds)

    @property
    def scheduler_key(self) -> tuple:
        """What picks the learner's scheduler: parameters, retention, time zone."""
        return self.parameters, self.desired_retention, self.timezone


EXTRA_NEW = "extra_new"  # {"until": ISO time (the study day's end), "n": cards}: not a setting


def _extra_new(settings: dict[str, Any], now: datetime | None) -> int:
    extra = settings.get(EXTRA_NEW)
    if now is None or not isinstance(extra, dict):
        return 0
    try:
        return int(extra["n"]) if datetime.fromisoformat(extra["until"]) > now else 0
    except (KeyError, TypeError, ValueError):
        return 0


def raise_new_limit(session: Session, user: User, n: int, now: datetime,
                    until: datetime) -> int:
    """Today's new-card limit raised by ``n`` (Anki's custom study), until ``until`` (the
    study day's end). Returns today's raise in all."""
    if not 1 <= int(n) <= 1000:
        raise ServiceError("users.bad_extra_new", "enter a number of cards from 1 to 1000",
                           field="n")
    total = _extra_new(user.settings or {}, now) + int(n)
    with write_transaction(session):
        user.settings = {**(user.settings or {}),
                         EXTRA_NEW: {"until": until.isoformat(), "n": total}}
    return total


def update_settings(
    session: Session, user: User, changes: dict[str, Any], *, timezone: str | None = None
) -> dict[str, Any]:
    """Validate every change, then store them all (and the time zone, if given) in one commit.

    Nothing is written when any value is refused. Returns the merged settings.
    """
    unknown = sorted(set(changes) - set(DEFAULT_SETTINGS))
    if unknown:
        raise ServiceError("users.unknown_setting",
            "Unknown setting {value}",
            field=unknown[0], value=', '.join(unknown), n=len(unknown))
    cleaned = {key: _CLEAN[key](session, value) for key, value in changes.items()}
    tz = _valid_timezone(timezone) if timezone is not None else None
    with write_transaction(session):
        # The JSON column is not mutation-tracked: assign a new dict so the change is flushed.
        user.settings = {**(user.settings or {}), **cleaned}
        if tz is not None:
            user.timezone = tz
    return settings_of(user)


def _number(value: Any, key: str, label: str, *, integer: bool) -> float | int:
    low, high = LIMITS[key]
    if isinstance(value, str):
        try:
            value = float(value.strip())
        except ValueError:
            raise ServiceError("users.must_number",
                "{label} must be a number",
                field=key, label=label) from None
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ServiceError("users.must_number", "{label} must be a number", field=key, label=label)
    if integer:
        if value != int(value):
            raise ServiceError("users.must_whole_number",
                "{label} must be a whole number",
                field=key, label=label)
        value = int(value)
    if not low <= value <= high:
        lo, hi = (f"{low:.2f}", f"{high:.2f}") if not integer else (f"{low:g}", f"{high:g}")
        raise ServiceError("users.must_between_got",
            "{label} must be between {lo} and {hi} (got {value:g})",
            field=key, label=label, lo=lo, hi=hi, value=value)
    return value


def _clean_retention(_session: Session, value: Any) -> float:
    return round(float(_number(value, "desired_retention", "Desired retention", integer=False)), 4)


def _clean_new(_session: Session, value: Any) -> int:
    return int(_number(value, "new_per_day", "New cards per day", integer=True))


def _clean_reviews(_session: Session, value: Any) -> int:
    return int(_number(value, "reviews_per_day", "Reviews per day", integer=True))


def _clean_decks(session: Session, value: Any) -> list[int] | None:
    if value is None:
        return None
    if not isinstance(value, list | tuple) or not all(
        isinstance(v, int) and not isinstance(v, bool) for v in value
    ):
        raise ServiceError("users.decks_must_list_deck",
            "Decks must be a list of deck ids",
            field="decks")
    ids = sorted(set(value))
    if not ids:
        raise ServiceError("users.choose_least_one_deck", "Choose at least one deck", field="decks")
    found = set(session.scalars(select(Note.id).where(Note.id.in_(ids))))
    missing = [i for i in ids if i not in found]
    if missing:
        raise ServiceError("users.unknown_deck",
            "Unknown deck {value}",
            field="decks", value=', '.join(map(str, missing)), n=len(missing))
    return ids


def _clean_kinds(_session: Session, value: Any) -> list[str] | None:
    if value is None:
        return None
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
        raise ServiceError("users.card_kinds_must_list",
            "Card kinds must be a list of names",
            field="card_kinds")
    unknown = sorted(set(value) - set(CARD_KINDS))
    if unknown:
        raise ServiceError("users.unknown_card_kind",
            "Unknown card kind {value}",
            field="card_kinds", value=', '.join(unknown), n=len(unknown))
    if not value:
        raise ServiceError("users.choose_least_one_card",
            "Choose at least one card kind",
            field="card_kinds")
    return [k for k in CARD_KINDS if k in value]


def _clean_parameters(_session: Session, value: Any) -> list[float] | None:
    if value is None:
        return None
    if (
        not isinstance(value, list | tuple)
        or len(value) != FSRS_PARAMETER_COUNT
        or not all(
            isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v)
            for v in value
        )
    ):
        raise ServiceError("users.parameters_must_numbers_fsrs",
            "Parameters must be {FSRS_PARAMETER_COUNT} numbers (FSRS-6), or none for defaults",
            field="parameters", FSRS_PARAMETER_COUNT=FSRS_PARAMETER_COUNT)
    return [float(v) for v in value]


def _clean_exam_date(_session: Session, value: Any) -> str | None:
    """An exam date as an ISO date string; empty clears it. Past dates are kept (readiness
    says the date has passed) so a form can always be saved."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        value = value.date()
    if not isinstance(value, date):
        try:
            value = date.fromisoformat(str(value).strip())
        except ValueError:
            raise ServiceError("users.bad_exam_date",
                               "The exam date must be a date like 2026-12-24",
                               field="exam_date") from None
    if not 2000 <= value.year <= 2100:
        raise ServiceError("users.exam_date_out_of_range",
                           "The exam date must be between the years 2000 and 2100",
                           field="exam_date")
    return value.isoformat()


_CLEAN = {
    "desired_retention": _clean_retention,
    "new_per_day": _clean_new,
    "reviews_per_day": _clean_reviews,
    "decks": _clean_decks,
    "card_kinds": _clean_kinds,
    "parameters": _clean_parameters,
    "exam_date": _clean_exam_date,
}
