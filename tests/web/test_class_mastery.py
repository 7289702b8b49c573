"""The instructor's class page shows mastery per section across the class's learners."""

from __future__ import annotations

from datetime import UTC, datetime

from studyk8s.services import classes, review
from studyk8s.services.content import import_notes
from studyk8s.services.users import create_user
from tests.conftest import AuthActions

NOW = datetime(2026, 2, 2, 9, 0, tzinfo=UTC)


def test_class_page_shows_mastery_by_section(app, session, notes_dir):
    import_notes(session, [notes_dir], now=NOW)
    create_user(session, "admin@example.com", "kube-study-4471", now=NOW)
    teacher = create_user(session, "t@example.com", "kube-study-4471", role="instructor", now=NOW)
    learner = create_user(session, "l@example.com", "kube-study-4471", now=NOW)
    klass = classes.create_class(session, teacher, "CKA evening", now=NOW)
    classes.join(session, learner, klass.join_code, now=NOW)
    for _ in range(3):  # the learner studies a little
        card = review.next_view(session, learner, NOW)["card"]
        review.answer(session, learner, card_id=card["id"], rating=4, version=card["version"],
                      client_id=f"m-{card['id']}-0001", now=NOW)
    class_id = klass.id
    session.close()
    client = app.test_client()
    AuthActions(client).login("t@example.com")
    html = client.get(f"/classes/{class_id}").get_data(as_text=True)
    assert "Mastery by section" in html
    assert "Docker+K8s学习1" in html and "K8s优点" in html
