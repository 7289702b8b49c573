"""The time the app runs on: one ``Clock`` per app (``app.extensions["clock"]``), read by every
view and command through ``now()``. Services never read the time themselves; it is passed in.

Tests freeze it or move it on (``freeze``, ``advance``) instead of sleeping.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from flask import current_app


class Clock:
    """The system's time (UTC), unless frozen; ``advance`` moves either on."""

    def __init__(self) -> None:
        self._frozen: datetime | None = None
        self._offset = timedelta(0)

    def now(self) -> datetime:
        if self._frozen is not None:
            return self._frozen
        return datetime.now(UTC) + self._offset

    def freeze(self, at: datetime) -> None:
        """From now on ``now()`` is ``at`` (aware), until moved on or ``thaw``-ed."""
        if at.tzinfo is None:
            raise ValueError("freeze needs an aware datetime")
        self._frozen = at

    def thaw(self) -> None:
        self._frozen = None

    def advance(self, **delta: float) -> None:
        """Move the time on by ``timedelta(**delta)``, frozen or not."""
        if self._frozen is not None:
            self._frozen += timedelta(**delta)
        else:
            self._offset += timedelta(**delta)


def init_app(app) -> None:
    app.extensions["clock"] = Clock()


def now() -> datetime:
    """The current app's time."""
    return current_app.extensions["clock"].now()
