"""studyk8s: Markdown notes about Kubernetes → flashcards and quizzes."""

from __future__ import annotations

from flask import Flask

from . import cli, db
from .config import Config


def create_app(config: object | None = None) -> Flask:
    """The app factory reads as a table of contents: config, extensions, blueprints, commands."""
    app = Flask(__name__, template_folder="../templates", instance_relative_config=False)
    app.config.from_object(config if config is not None else Config())
    db.init_app(app)
    register_extensions(app)
    register_blueprints(app)
    register_rate_limits(app)
    cli.register(app)
    return app


def register_extensions(app: Flask) -> None:
    from . import i18n
    from .web import auth, security

    security.init_app(app)
    auth.init_app(app)
    i18n.init_app(app)  # Flask-Babel: English and Chinese UI, the language switch


def register_blueprints(app: Flask) -> None:
    from .web import auth, home, quiz, review

    app.register_blueprint(home.bp)
    app.register_blueprint(auth.bp)
    app.register_blueprint(review.bp)
    app.register_blueprint(quiz.bp)
    from .web import stats as stats_web  # learner statistics (issue 6)
    app.register_blueprint(stats_web.bp)
    from .web import classes as classes_web  # quiz sets and classes (issue 5)
    from .web import sets as sets_web
    app.register_blueprint(sets_web.bp)
    app.register_blueprint(classes_web.bp)


def register_rate_limits(app: Flask) -> None:
    from .web import security

    security.limit_logins(app)
