"""The app's one clock: every view reads it, so tests freeze it or move it on."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from studyk8s.clock import Clock
from studyk8s.persistence.models import User


def test_frozen_and_advanced():
    clock = Clock()
    at = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
    clock.freeze(at)
    assert clock.now() == at
    clock.advance(minutes=5)
    assert clock.now() == at + timedelta(minutes=5)
    clock.thaw()
    assert abs(clock.now() - datetime.now(UTC)) < timedelta(seconds=5)
    clock.advance(hours=1)
    assert clock.now() - datetime.now(UTC) > timedelta(minutes=59)
    with pytest.raises(ValueError):
        clock.freeze(datetime(2026, 3, 1))


def test_views_read_the_apps_clock(app, auth):
    at = datetime(2030, 6, 1, 12, 0, tzinfo=UTC)
    app.extensions["clock"].freeze(at)
    assert auth.signup("t@example.com").status_code == 302
    with app.app_context():
        from studyk8s.db import get_session

        user = get_session().query(User).filter_by(email="t@example.com").one()
        assert user.created_at == at
