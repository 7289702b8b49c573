"""Typed review cards (a command to type, a manifest to write): the learner's answer is
checked by the same checker as a quiz question; nothing is recorded. The learner then rates
the card as usual (the page suggests Good when right, Again when not)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...cards import TYPED_CARDS
from ...persistence.models import Card, Fact, Note
from ...quiz import kinds
from ...quiz.handson.manifests import DEFAULT_K8S_VERSION
from ...quiz.model import Question, ResponseError
from ..errors import NotFound, ServiceError


def check_typed(session: Session, card_id: int, response: Any) -> dict[str, Any]:
    """The verdict on a typed answer to card ``card_id``: ``{correct, explanation}``."""
    row = session.execute(
        select(Card.kind, Fact.definition, Note.lang)
        .join(Fact, Fact.id == Card.fact_id).join(Note, Note.id == Card.note_id)
        .where(Card.id == card_id, Card.retired_at.is_(None))).one_or_none()
    session.rollback()  # a read: no transaction left open
    if row is None:
        raise NotFound("review.card_does_not_exist", "card {card_id} does not exist",
                       card_id=card_id)
    if row.kind not in TYPED_CARDS:
        raise ServiceError("review.card_not_typed", "this card is not answered by typing")
    q = Question(kind=row.kind, variant=f"card_{row.kind}", prompt="", lang=row.lang,
                 answer=row.definition, accepted=(row.definition,),
                 meta={"k8s_version": DEFAULT_K8S_VERSION})
    try:
        result = kinds.check(q, response)
    except ResponseError as exc:
        raise ServiceError("review.bad_typed_answer", "{why}", why=str(exc)) from None
    return {"correct": result.correct, "explanation": result.explanation}
