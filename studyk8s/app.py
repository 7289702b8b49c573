"""The app factory. It reads as a table of contents: configuration, then extensions,
blueprints, commands and error handlers, each registered here and nowhere else."""

from __future__ import annotations

from flask import Flask

from . import cli, clock, db, i18n
from .config import Config
from .services.quiz import AskableCache
from .services.review import QueueCache
from .web import (
    admin,
    auth,
    cards,
    classes,
    errors,
    home,
    inputs,
    language,
    notes,
    quiz,
    review,
    security,
    sets,
    settings,
    stats,
)


def create_app(config: object | None = None) -> Flask:
    app = Flask(__name__, template_folder="../templates", instance_relative_config=False)
    app.config.from_object(config if config is not None else Config())
    register_extensions(app)
    register_blueprints(app)
    register_rate_limits(app)
    register_commands(app)
    register_error_handlers(app)
    return app


def register_extensions(app: Flask) -> None:
    inputs.init_app(app)  # ids in URLs, strict JSON, form text: the gate before every view
    db.init_app(app)  # one SQLAlchemy session per app context
    clock.init_app(app)  # the time every view and command reads (tests freeze it)
    security.init_app(app)  # response headers, session cookies
    auth.init_app(app)  # Flask-Login, CSRF
    i18n.init_app(app)  # Flask-Babel: English and Chinese UI, template formatters
    app.extensions["review_queues"] = QueueCache()  # learners' day queues, in this worker
    app.extensions["askable"] = AskableCache()  # the askable facts per deck, in this worker
    inputs.init_late(app)  # JSON only where JSON is read (after the CSRF check)


def register_blueprints(app: Flask) -> None:
    for blueprint in (
        home.bp,
        auth.bp,
        settings.bp,
        language.bp,  # the language switch
        review.bp,
        cards.bp,  # the card browser and card problems
        quiz.bp,
        stats.bp,  # learner statistics
        sets.bp,  # quiz sets (instructors) and assigned sets (learners)
        classes.bp,
        admin.bp,  # accounts and roles (admins)
        notes.bp,  # notes uploaded in the browser (instructors, admins)
    ):
        app.register_blueprint(blueprint)


def register_rate_limits(app: Flask) -> None:
    """After the blueprints: the login limit wraps the registered login view."""
    security.limit_logins(app)


def register_commands(app: Flask) -> None:
    cli.register(app)


def register_error_handlers(app: Flask) -> None:
    errors.register(app)  # the services' refusals: status by class, the same message
    auth.register_error_handlers(app)  # CSRF refusals
    security.register_error_handlers(app)  # 429 after repeated failed logins
