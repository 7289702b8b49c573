"""Hands-on questions written in the quiz-set editor: a command and a manifest, refused with
the checker's reason when it cannot read the answer, previewed as code, tried as a quiz."""

from __future__ import annotations

from sqlalchemy import select

from studyk8s.persistence.models import SetQuestion
from tests.web.handson_data import POD
from tests.web.test_sets import db, new_set, ok_page, site  # noqa: F401  (fixtures)


def test_command_and_manifest_questions_in_the_editor(site, db):  # noqa: F811
    t = site["teacher"]
    set_id = new_set(t, "Drills")
    html = ok_page(t.get(f"/sets/{set_id}"))
    assert "Hands-on: command" in html and "Hands-on: whole manifest" in html
    html = ok_page(t.get(f"/sets/{set_id}/questions/new?kind=manifest"))
    assert 'class="typed manifest"' in html and "Tab indents by two spaces" in html
    html = ok_page(t.get(f"/sets/{set_id}/questions/new?kind=command"))
    assert "compared by meaning" in html
    command = {"kind": "command", "prompt": "List the pods of kube-system",
               "choice_text": ["kubectl get pods -n kube-system", "k get po -A", ""],
               "choice_grade": ["100", "100", "100"], "choice_feedback": ["", "", ""]}
    manifest = {"kind": "manifest", "prompt": "Write a Pod named web",
                "choice_text": [POD], "choice_grade": ["100"], "choice_feedback": [""]}
    for form in (command, manifest):
        r = t.post(f"/sets/{set_id}/questions", data=form)
        assert r.status_code == 303, r.get_data(as_text=True)[:300]
    rows = db.scalars(select(SetQuestion).where(SetQuestion.set_id == set_id)
                      .order_by(SetQuestion.position))
    assert [r.kind for r in rows] == ["command", "manifest"]
    # an answer the checker cannot read: 400, said why, nothing written
    before = db.counts(SetQuestion)
    bad = {**command, "choice_text": ["kubectl get pods --nope", "", ""]}
    html = ok_page(t.post(f"/sets/{set_id}/questions", data=bad), 400)
    assert "cannot read this answer" in html and "--nope" in html  # next to the row
    assert db.counts(SetQuestion) == before
    html = ok_page(t.get(f"/sets/{set_id}"))
    assert 'class="right code"' in html and "kubectl get pods -n kube-system" in html
    r = t.post(f"/sets/{set_id}/try")
    assert r.status_code == 303 and "/quiz/" in r.headers["Location"]
