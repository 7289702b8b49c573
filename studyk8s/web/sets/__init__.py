"""Quiz-set pages: authoring for instructors (sets, questions, facts → questions, draws,
preview, publish, GIFT/YAML import and export), learners' assigned sets and set results,
and deck export/import (Anki, CSV). Views only translate HTTP ↔ services.

One blueprint ("sets") for the three modules, so every page keeps its endpoint name.
Uploads are size-limited; a bad file is answered with a 400 page naming file and line, and
nothing is written. "Not yours" and "does not exist" are both a 404.
"""

from . import assignments, authoring, decks  # noqa: F401 - each adds its views to ``bp``
from .common import bp, instructors, parse_local, render

__all__ = ["bp", "instructors", "parse_local", "render"]
