"""The errors every service raises: one hierarchy, each error with a code and its parameters.

A service says *what* went wrong and with which values, never how an interface shows it: no
HTTP status here. ``code`` is a stable name (``review.card_suspended``) that the web layer's one
handler maps to a status (by the error's class) and to a message; ``message`` is the English
template, filled in from ``params`` (``str(error)`` is the filled-in text, which the command
line prints as it is). Translating the messages by code is for the interfaces.

    ServiceError       a request the user can fix (the web answers 400)
    ├── NotFound       does not exist, or is not yours: the same answer for both (404)
    ├── Conflict       the state changed under the request, or forbids it now (409)
    └── ImportFailed   a file had errors, nothing was written; ``errors`` name file and line
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


class ServiceError(Exception):
    """A refused request. ``field`` names the form input at fault, when one is."""

    def __init__(self, code: str, message: str, /, *, field: str | None = None,
                 **params: Any) -> None:
        self.code = code
        self.message = message
        self.params = params
        self.field = field
        super().__init__(message.format(**params) if params else message)


class NotFound(ServiceError):
    """Does not exist, or is not the caller's to see."""


class Conflict(ServiceError):
    """Changed since it was read (a stale version, a race), or closed to this request."""


class ImportFailed(ServiceError):
    """One or more files could not be read; nothing was written. ``errors`` are problems
    that name ``path:line``."""

    def __init__(self, errors: Sequence[Any], code: str = "import.failed") -> None:
        self.errors = list(errors)
        super().__init__(code, "{errors}",
                         errors="\n".join(str(e) for e in self.errors) or "import failed")
