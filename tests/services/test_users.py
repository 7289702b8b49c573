"""Accounts and settings service, on a real migrated SQLite database; and `flask users create`."""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select

from studyk8s.persistence.models import Note, User
from studyk8s.services import users
from studyk8s.services.errors import ServiceError
from studyk8s.services.users import (
    DEFAULT_SETTINGS,
    authenticate,
    change_password,
    create_user,
    set_timezone,
    settings_of,
    update_settings,
)

PASSWORD = "correct horse"


def fresh(app, user_id: int) -> User:
    """The user as a new session reads it (proves the data was committed)."""
    with app.extensions["db_sessions"]() as s:
        return s.get(User, user_id)


def add_note(session, now, path: str) -> Note:
    note = Note(path=path, title=path, lang="en", content_hash="x", imported_at=now)
    session.add(note)
    session.commit()
    return note


# --- create_user -------------------------------------------------------------------------


def test_first_account_is_admin_whatever_was_asked_then_roles_as_asked(session, now):
    first = create_user(session, "first@example.com", PASSWORD, role="learner", now=now)
    second = create_user(session, "second@example.com", PASSWORD, now=now)
    third = create_user(session, "third@example.com", PASSWORD, role="instructor", now=now)
    assert (first.role, second.role, third.role) == ("admin", "learner", "instructor")


def test_email_is_normalised_and_stored_with_an_argon2id_hash(app, session, now):
    user = create_user(session, "  Ada@Example.COM ", PASSWORD, timezone="Asia/Shanghai", now=now)
    stored = fresh(app, user.id)
    assert stored.email == "ada@example.com"
    assert stored.password_hash.startswith("$argon2id$")
    assert PASSWORD not in stored.password_hash
    assert stored.timezone == "Asia/Shanghai"
    assert stored.created_at == now
    assert stored.settings == {}


def test_duplicate_email_is_refused_case_insensitively(session, now):
    create_user(session, "ada@example.com", PASSWORD, now=now)
    with pytest.raises(ServiceError, match="already exists") as err:
        create_user(session, "ADA@example.com ", "another password", now=now)
    assert err.value.field == "email"
    assert len(session.scalars(select(User)).all()) == 1


@pytest.mark.parametrize(
    ("email", "password", "kwargs", "field", "message"),
    [
        ("ada@example.com", "short", {}, "password", "at least 8 characters"),
        ("ada@example.com", "x" * 2000, {}, "password", "at most"),
        ("not-an-email", PASSWORD, {}, "email", "valid email"),
        ("a@b", PASSWORD, {}, "email", "valid email"),
        ("a b@c.d", PASSWORD, {}, "email", "valid email"),
        ("ada@example.com", PASSWORD, {"timezone": "Mars/Olympus"}, "timezone", "time zone"),
        ("ada@example.com", PASSWORD, {"timezone": "../../etc/passwd"}, "timezone", "time zone"),
        ("ada@example.com", PASSWORD, {"timezone": "localtime"}, "timezone", "time zone"),
        ("ada@example.com", PASSWORD, {"role": "root"}, "role", "Unknown role"),
    ],
)
def test_invalid_accounts_are_refused_and_nothing_is_written(
    session, now, email, password, kwargs, field, message
):
    with pytest.raises(ServiceError, match=message) as err:
        create_user(session, email, password, now=now, **kwargs)
    assert err.value.field == field
    assert session.scalars(select(User)).all() == []


def test_eight_characters_is_enough(session, now):
    assert create_user(session, "a@b.c", "Kp7#vq2z", now=now).email == "a@b.c"


@pytest.mark.parametrize(("password", "why"), [
    ("12345678", "one of the most common passwords"),
    ("password", "one of the most common passwords"),
    ("iloveyou", "one of the most common passwords"),
    ("P@ssw0rd", "one of the most common passwords"),  # l33t is undone first
    (" " * 8, "too easy to guess"),
    ("abcdefghij", "too easy to guess"),
    ("qwertyuiop", "one of the most common passwords"),
    ("zxcvbnm,./", "too easy to guess"),  # a keyboard walk
    ("lovelace1", "too easy to guess"),  # the account's own email
])
def test_common_and_guessable_passwords_are_refused_saying_why(session, now, password, why):
    with pytest.raises(ServiceError, match=why) as err:
        create_user(session, "ada.lovelace@example.com", password, now=now)
    assert err.value.field == "password"
    assert session.scalars(select(User)).all() == []


def test_a_new_password_passes_the_same_policy(session, now):
    user = create_user(session, "ada@example.com", PASSWORD, now=now)
    with pytest.raises(ServiceError, match="most common passwords"):
        change_password(session, user, PASSWORD, "football")
    assert authenticate(session, "ada@example.com", PASSWORD) is user


# --- authenticate ------------------------------------------------------------------------


def test_authenticate_right_wrong_and_unknown(session, now):
    user = create_user(session, "ada@example.com", PASSWORD, now=now)
    assert authenticate(session, " ADA@example.com", PASSWORD) is user
    assert authenticate(session, "ada@example.com", "wrong password") is None
    assert authenticate(session, "nobody@example.com", PASSWORD) is None
    assert authenticate(session, "ada@example.com", "") is None


def test_unknown_email_still_verifies_a_hash(session, now, monkeypatch):
    """Unknown emails cost an argon2 verification too, so timing does not reveal accounts."""
    calls = []

    class Spy(PasswordHasher):
        def verify(self, hash, password):
            calls.append(hash)
            return super().verify(hash, password)

    monkeypatch.setattr(users, "_hasher", Spy())
    assert authenticate(session, "nobody@example.com", PASSWORD) is None
    assert len(calls) == 1 and calls[0].startswith("$argon2id$")


def test_login_rehashes_when_the_parameters_changed(app, session, now, monkeypatch):
    cheap = PasswordHasher(time_cost=1, memory_cost=8 * 1024, parallelism=1)
    monkeypatch.setattr(users, "_hasher", cheap)
    user = create_user(session, "ada@example.com", PASSWORD, now=now)
    assert "m=8192,t=1,p=1" in user.password_hash
    monkeypatch.undo()

    assert authenticate(session, "ada@example.com", PASSWORD) is user
    stored = fresh(app, user.id).password_hash
    assert stored.startswith("$argon2id$") and "m=8192,t=1,p=1" not in stored
    assert not users._hasher.check_needs_rehash(stored)
    assert authenticate(session, "ada@example.com", PASSWORD) is user  # new hash still verifies


# --- settings ----------------------------------------------------------------------------


def test_settings_default_then_merge_what_was_changed(session, now):
    user = create_user(session, "ada@example.com", PASSWORD, now=now)
    assert settings_of(user) == DEFAULT_SETTINGS
    merged = update_settings(session, user, {"desired_retention": 0.85, "new_per_day": 5})
    assert merged == {**DEFAULT_SETTINGS, "desired_retention": 0.85, "new_per_day": 5}
    assert settings_of(user) == merged
    update_settings(session, user, {"reviews_per_day": 300})
    assert settings_of(user)["new_per_day"] == 5  # earlier changes are kept


def test_settings_survive_a_new_session(app, session, now):
    user = create_user(session, "ada@example.com", PASSWORD, now=now)
    note = add_note(session, now, "notes/a.md")
    changes = {
        "desired_retention": 0.8,
        "new_per_day": 0,
        "reviews_per_day": 99999,
        "decks": [note.id],
        "card_kinds": ["cloze", "term_definition"],
        "parameters": [0.5] * 21,
        "exam_date": "2027-01-15",
    }
    update_settings(session, user, changes, timezone="Europe/Berlin")
    stored = fresh(app, user.id)
    assert settings_of(stored) == {**changes, "card_kinds": ["term_definition", "cloze"]}
    assert stored.timezone == "Europe/Berlin"


def test_settings_of_returns_a_copy(session, now):
    user = create_user(session, "ada@example.com", PASSWORD, now=now)
    update_settings(session, user, {"card_kinds": ["cloze"]})
    settings_of(user)["card_kinds"].append("relation")
    assert settings_of(user)["card_kinds"] == ["cloze"]


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"desired_retention": 1.5}, "desired_retention", "between 0.70 and 0.99"),
        ({"desired_retention": 0.69}, "desired_retention", "between 0.70 and 0.99"),
        ({"desired_retention": float("nan")}, "desired_retention", "must be a number"),
        ({"desired_retention": "lots"}, "desired_retention", "must be a number"),
        ({"new_per_day": -1}, "new_per_day", "between 0 and 9999"),
        ({"new_per_day": 10000}, "new_per_day", "between 0 and 9999"),
        ({"new_per_day": 2.5}, "new_per_day", "whole number"),
        ({"new_per_day": True}, "new_per_day", "must be a number"),
        ({"reviews_per_day": 100000}, "reviews_per_day", "between 0 and 99999"),
        ({"decks": [12345]}, "decks", "Unknown deck 12345"),
        ({"decks": []}, "decks", "at least one deck"),
        ({"decks": "all"}, "decks", "list of deck ids"),
        ({"card_kinds": ["cloze", "essay"]}, "card_kinds", "Unknown card kind essay"),
        ({"card_kinds": []}, "card_kinds", "at least one card kind"),
        ({"parameters": [0.1] * 20}, "parameters", "21 numbers"),
        ({"parameters": [0.1] * 20 + [float("inf")]}, "parameters", "21 numbers"),
        ({"colour": "blue"}, "colour", "Unknown setting colour"),
        # one bad value refuses the whole change, good values included
        ({"new_per_day": 5, "desired_retention": 1.5}, "desired_retention", "0.99"),
    ],
)
def test_invalid_settings_are_refused_and_nothing_is_saved(
    app, session, now, changes, field, message
):
    user = create_user(session, "ada@example.com", PASSWORD, now=now)
    with pytest.raises(ServiceError, match=message) as err:
        update_settings(session, user, changes, timezone="Asia/Tokyo")
    assert err.value.field == field
    stored = fresh(app, user.id)
    assert stored.settings == {} and stored.timezone == "UTC"
    assert settings_of(user) == DEFAULT_SETTINGS


def test_bad_timezone_in_update_settings_saves_nothing(app, session, now):
    user = create_user(session, "ada@example.com", PASSWORD, now=now)
    with pytest.raises(ServiceError, match="time zone"):
        update_settings(session, user, {"new_per_day": 5}, timezone="Mars/Olympus")
    assert fresh(app, user.id).settings == {}


def test_none_means_all_and_resets(session, now):
    user = create_user(session, "ada@example.com", PASSWORD, now=now)
    note = add_note(session, now, "notes/a.md")
    update_settings(session, user, {"decks": [note.id, note.id], "parameters": [1] * 21})
    assert settings_of(user)["decks"] == [note.id]
    assert settings_of(user)["parameters"] == [1.0] * 21
    update_settings(session, user, {"decks": None, "card_kinds": None, "parameters": None})
    assert settings_of(user) == DEFAULT_SETTINGS


def test_set_timezone(app, session, now):
    user = create_user(session, "ada@example.com", PASSWORD, now=now)
    set_timezone(session, user, "America/New_York")
    assert fresh(app, user.id).timezone == "America/New_York"
    with pytest.raises(ServiceError, match="time zone"):
        set_timezone(session, user, "America/Atlantis")
    assert fresh(app, user.id).timezone == "America/New_York"


def test_user_timezones_are_iana_names():
    zones = users.user_timezones()
    assert "UTC" in zones and "Asia/Shanghai" in zones and "Europe/Berlin" in zones
    assert "localtime" not in zones and zones == sorted(zones)


# --- flask users create ------------------------------------------------------------------


def test_cli_creates_users_first_becomes_admin(app, runner):
    result = runner.invoke(
        args=["users", "create", "a@b.c", "--role", "instructor", "--password", "lab-notes-7719"]
    )
    assert result.exit_code == 0, result.output
    assert "created admin a@b.c" in result.output
    result = runner.invoke(
        args=["users", "create", "I@Example.com", "--role", "instructor", "--password",
              "lab-notes-7719", "--timezone", "Asia/Shanghai"]
    )
    assert result.exit_code == 0, result.output
    assert "created instructor i@example.com" in result.output
    with app.extensions["db_sessions"]() as s:
        rows = {u.email: (u.role, u.timezone) for u in s.scalars(select(User))}
        assert authenticate(s, "a@b.c", "lab-notes-7719") is not None
    assert rows == {"a@b.c": ("admin", "UTC"), "i@example.com": ("instructor", "Asia/Shanghai")}


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["--role", "superuser", "--password", "lab-notes-7719"], 2, "Invalid value for '--role'"),
        (["--password", "short"], 1, "at least 8 characters"),
        (["--password", "lab-notes-7719", "--timezone", "Mars/Olympus"], 1, "Unknown time zone"),
    ],
)
def test_cli_refuses_bad_input(app, runner, args, code, message):
    result = runner.invoke(args=["users", "create", "a@b.c", *args])
    assert result.exit_code == code
    assert message in result.output
    with app.extensions["db_sessions"]() as s:
        assert s.scalars(select(User)).all() == []


def test_cli_refuses_a_duplicate(runner):
    args = ["users", "create", "a@b.c", "--password", "lab-notes-7719"]
    assert runner.invoke(args=args).exit_code == 0
    result = runner.invoke(args=args)
    assert result.exit_code == 1 and "already exists" in result.output
