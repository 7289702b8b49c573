"""A command as its tool reads it (:class:`Command`), and how a canonical value is shown back
to the learner. The one model every reader (kubectl's, the other tools', the flags') fills
in and the comparison reads."""

from __future__ import annotations

import shlex
from dataclasses import dataclass, field


@dataclass
class Command:
    """A command as the tool reads it. ``facets`` maps a facet name (a flag's long name, or
    target, exec, args…) to a canonical value: a str, a frozenset (order does not matter) or a
    tuple (order matters)."""

    tool: str
    path: tuple[str, ...]
    facets: dict[str, object] = field(default_factory=dict)
    notes: list[tuple[str, dict]] = field(default_factory=list)
    # A facet's value as the learner typed it, where the canonical one reads differently
    # (an image: `nginx`, not `docker.io/library/nginx:latest`), for the feedback.
    shown: dict[str, str] = field(default_factory=dict)

    def show(self, facet: str) -> str:
        return self.shown.get(facet) or show_value(self.facets.get(facet))

    @property
    def name(self) -> str:
        return " ".join((self.tool, *self.path))


def show_value(value: object) -> str:
    if isinstance(value, frozenset):
        return ", ".join(sorted(show_value(v) for v in value))
    if isinstance(value, tuple):
        return " ".join(shlex.quote(show_value(v)) for v in value)
    return str(value)
