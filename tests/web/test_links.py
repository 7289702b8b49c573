"""Links meant to be shared are built from BASE_URL, never from the Host header a client
sends (issue 18: the Host header was reflected into the class join link)."""

from __future__ import annotations

import re

from studyk8s.services import classes
from tests.sets.helpers import Fresh, make_user


def join_link(app, now, host: str, **headers) -> str:
    with app.app_context():
        s = app.extensions["db_sessions"]()
        make_user(s, "admin@example.com", "admin", now=now)
        teacher = make_user(s, "t@example.com", "instructor", now=now)
        klass = classes.create_class(s, teacher, "Class", now=now)
        s.close()
    client = app.test_client()
    with client.session_transaction(base_url=f"http://{host}") as session:  # its cookie
        session["_user_id"] = Fresh(app).get(type(teacher), teacher.id).get_id()
    r = client.get(f"/classes/{klass.id}", base_url=f"http://{host}", headers=headers)
    assert r.status_code == 200, r.headers
    html = r.get_data(as_text=True)
    return re.search(r'id="join-link" href="([^"]+)"', html)[1]


def test_the_join_link_ignores_the_host_header(app, now):
    app.config["BASE_URL"] = "https://study.example.org"
    link = join_link(app, now, "evil.example.net", X_Forwarded_Host="evil2.example.net")
    assert link.startswith("https://study.example.org/join/")
    assert "evil" not in link
