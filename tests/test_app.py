"""The app factory and the home page."""

from __future__ import annotations

from studyk8s.app import create_app
from studyk8s.config import TestConfig


def test_creating_the_app_opens_no_database_connection(tmp_path):
    """Nothing connects before gunicorn forks: the SQLite file is not even created."""
    path = tmp_path / "lazy.db"
    config = TestConfig()
    config.DATABASE_URL = f"sqlite:///{path}"
    app = create_app(config)
    assert not path.exists()
    assert app.extensions["db_engine"].pool.checkedout() == 0


def test_home_lists_decks_with_card_counts(client, runner):
    assert "No decks yet" in client.get("/").get_data(as_text=True)
    assert runner.invoke(args=["notes", "import"]).exit_code == 0
    html = client.get("/").get_data(as_text=True)
    assert "Docker+K8s学习1" in html
    # 76 cards less the 15 about the learning plan (学习内容), the CRI card its initials spell
    # and StatefulSet's 有序部署/删除 (its description only restates its label)
    assert 'data-testid="card-count">59<' in html
