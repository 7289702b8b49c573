"""The `flask` commands, one module per command group, each thin over the services:

    notes      check, parse, report on and import the Markdown notes
    db         migrations, backup, restore, integrity and card-state checks
    users      accounts for scripted setups
    srs        evaluate schedulers, optimise FSRS parameters, import a review history
    sets       check and import quiz-set files, list the sets
    interop    export (GIFT, Anki, CSV) and import (GIFT, CSV)
    quiz       the questions a deck gives, for checking content
    stats      the review-history rollup
    practice   the hands-on checkers (commands, manifests)
"""

from __future__ import annotations

from flask import Flask

from .db import db_cli
from .interop import export_cli, import_cli
from .notes import notes_cli
from .practice import practice_cli
from .quiz import quiz_cli
from .sets import sets_cli
from .srs import srs_cli
from .stats import stats_cli
from .users import users_cli

GROUPS = (notes_cli, db_cli, users_cli, srs_cli, sets_cli, export_cli, import_cli, quiz_cli,
          stats_cli, practice_cli)


def register(app: Flask) -> None:
    for group in GROUPS:
        app.cli.add_command(group)
