"""The review page's check of a typed card (a command, a manifest), over real HTTP."""

from __future__ import annotations

import pytest

from tests.web.handson_data import DRILLS


@pytest.fixture
def learner_client(client, runner, auth, notes_dir, request):
    if getattr(request, "param", "") == "drills only":  # new cards come in note order
        for note in notes_dir.iterdir():
            note.unlink()
    (notes_dir / "drills.md").write_text(DRILLS, encoding="utf-8")
    result = runner.invoke(args=["notes", "import"])
    assert result.exit_code == 0, result.output
    assert auth.signup().status_code == 302
    return client


@pytest.mark.parametrize("learner_client", ["drills only"], indirect=True)
def test_a_typed_card_is_checked_then_rated_as_usual(learner_client):
    card = learner_client.get("/api/review/next").get_json()["card"]
    assert card["typed"] is True
    assert card["kind"] == "command" and "kubectl" not in card["front_html"]
    r = learner_client.post("/api/review/check", json={
        "card_id": card["id"], "response": "kubectl get -o wide pods --namespace kube-system"})
    assert r.status_code == 200 and r.get_json()["correct"] is True
    r = learner_client.post("/api/review/check", json={
        "card_id": card["id"], "response": "kubectl get pods -o wide -n default"})
    body = r.get_json()
    assert body["correct"] is False and "namespace is default, expected kube-system" in \
        body["explanation"]
    rated = learner_client.post("/api/review/answer", json={
        "card_id": card["id"], "rating": 3, "version": card["version"],
        "client_id": "handson-rate-0001", "duration_ms": 100})
    assert rated.status_code == 200


def test_check_refuses_bad_requests(learner_client):
    assert learner_client.post("/api/review/check", json={"card_id": 999999,
                                                          "response": "x"}).status_code == 404
    assert learner_client.post("/api/review/check", json={"card_id": "x"}).status_code == 400
    card = learner_client.get("/api/review/next").get_json()["card"]
    assert not card["typed"]
    assert learner_client.post("/api/review/check", json={
        "card_id": card["id"], "response": "x"}).status_code == 400
