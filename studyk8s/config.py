"""Configuration from environment variables, with a zero-setup SQLite default under instance/."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
INSTANCE = Path(os.environ.get("STUDYK8S_INSTANCE", ROOT / "instance"))


def _secret_key() -> str:
    """SECRET_KEY from the environment, else one generated once and kept in instance/ so
    sessions survive a restart and every worker shares it."""
    if key := os.environ.get("SECRET_KEY"):
        return key
    path = INSTANCE / "secret_key"
    if not path.exists():
        INSTANCE.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


class Config:
    DATABASE_URL = os.environ.get("DATABASE_URL", f"sqlite:///{INSTANCE / 'studyk8s.db'}")
    NOTES_DIR = os.environ.get("NOTES_DIR", str(ROOT / "content" / "notes"))
    # Quiz sets imported for the first admin when they sign up (empty: none).
    QUIZZES_DIR = os.environ.get("QUIZZES_DIR", str(ROOT / "content" / "quizzes"))
    # Where the app is reached from outside: links meant to be shared (a class's join link)
    # are built from it, never from the request's Host header, which any client can set.
    BASE_URL = os.environ.get("BASE_URL", "http://127.0.0.1:5000").rstrip("/")
    MAX_NOTE_BYTES = int(os.environ.get("MAX_NOTE_BYTES", 1_048_576))
    MAX_CONTENT_LENGTH = int(os.environ.get("MAX_UPLOAD_BYTES", 5 * 1_048_576))
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = os.environ.get("SESSION_COOKIE_SECURE", "0") == "1"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    # Failed logins, counted per account and per client address (web/security.py), in a store
    # every worker and host shares: the app's database by default (no other service to run),
    # or Redis (redis://127.0.0.1:6379). memory:// counts in one process only.
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "database://")
    LOGIN_RATE_LIMIT = os.environ.get("LOGIN_RATE_LIMIT", "10 per 5 minutes")  # per account
    # Per address: high, since a classroom behind one NAT shares it.
    LOGIN_RATE_LIMIT_ADDRESS = os.environ.get("LOGIN_RATE_LIMIT_ADDRESS", "100 per 5 minutes")
    # Reverse proxies in front (nginx…) whose X-Forwarded-For/-Proto are believed; 0: none.
    TRUSTED_PROXIES = int(os.environ.get("TRUSTED_PROXIES", "0"))
    # The UI's languages (studyk8s/i18n.py): English unless the browser or the user asks for
    # Chinese; catalogs in studyk8s/translations, compiled to .mo by the bootstrap (make).
    BABEL_DEFAULT_LOCALE = "en"
    BABEL_TRANSLATION_DIRECTORIES = str(ROOT / "studyk8s" / "translations")
    WTF_CSRF_TIME_LIMIT = None  # tokens last the session: a long exam's final submit is not refused
    # The framework shortcuts installed (studyk8s/web/fastpaths.py): all, unless the env says
    # which ("none" for none); benchmarks compare with and without.
    FAST_PATHS = tuple(name.strip() for name in os.environ.get(
        "STUDYK8S_FAST_PATHS", "session_cookies,csrf_json,limiter_hooks").split(",")
        if name.strip() not in ("", "none"))

    def __init__(self) -> None:
        self.SECRET_KEY = _secret_key()


class TestConfig(Config):
    __test__ = False  # not a pytest test class, despite the name
    TESTING = True
    MARK_SERVING = False  # thousands of test apps would each hold a lock file open
    SECRET_KEY = "test"
    QUIZZES_DIR = ""  # a test imports the example sets itself when it wants them
    RATELIMIT_STORAGE_URI = "memory://"  # each test app its own counters (tests share files)

    def __init__(self) -> None:  # no instance/ secret file in tests
        pass
