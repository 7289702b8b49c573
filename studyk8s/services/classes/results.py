"""What an instructor reads about an assignment: per learner (grade, attempts, time taken) and
per question (Moodle's item analysis), on the page and as CSV."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...persistence.models import (
    QuizAnswer,
    QuizAttempt,
    QuizQuestion,
    QuizSet,
    User,
)
from ...quiz import kinds as qkinds
from ...quiz.i18n import t
from ...quiz.model import Question, ResponseError
from ...sets.analysis import (
    MIN_ATTEMPTS,
    ItemStats,
    Response,
    counted_attempts,
    item_statistics,
)
from ...sets.csvio import write_csv
from ..sets import status
from .assignments import _attempt_rows, _close_overdue, _grading, _summary, get_assignment, state
from .rosters import members

# --- results for instructors ------------------------------------------------------------------


def report(session: Session, user: User, assignment_id: int, now: datetime) -> dict[str, Any]:
    """Per learner: attempts, grade by the set's grading method, best and last score, time
    taken, in progress. Members who have not started are listed too."""
    a, klass, qset = get_assignment(session, user, assignment_id)
    attempts = _attempt_rows(session, [a.id])
    if _close_overdue(session, [q for _, q in attempts], now):
        attempts = _attempt_rows(session, [a.id])
    a, klass, qset = get_assignment(session, user, assignment_id)
    settings = _grading(qset)
    by_user: dict[int, list[QuizAttempt]] = {}
    for sa, qa in attempts:
        by_user.setdefault(sa.user_id, []).append(qa)
    people = {m["id"]: m["email"] for m in members(session, klass)}
    extra = set(by_user) - set(people)
    if extra:
        people.update(dict(session.execute(select(User.id, User.email)
                                           .where(User.id.in_(extra))).all()))
    rows = []
    for uid, email in sorted(people.items(), key=lambda kv: kv[1]):
        rows.append({"user_id": uid, "email": email, "member": uid not in extra,
                     **_summary(by_user.get(uid, []), settings)})
    grades = [r["grade"] for r in rows if r["grade"] is not None]
    return {"assignment": a, "class": klass, "set": qset, "settings": settings,
            "state": state(a, now), "rows": rows,
            "finished": len(grades), "members": sum(1 for r in rows if r["member"]),
            "average": sum(grades) / len(grades) if grades else None,
            "passed": sum(1 for r in rows if r["passed"])}


def _picked(q: Question, response: Any) -> tuple[str, ...]:
    if response is None:
        return ()
    try:
        r = qkinds.clean(q, response)
    except ResponseError:
        return ()
    if r is None:
        return ()
    if q.kind == "single":
        return (q.choices[r],)
    if q.kind == "multiple":
        return tuple(q.choices[i] for i in r)
    if q.kind == "true_false":
        return (t(q.lang, "true" if r else "false"),)
    if q.kind == "matching":
        return tuple(f"{q.left[i]} → {q.choices[j]}" for i, j in enumerate(r) if j is not None)
    return (" ".join(str(r).split()),)


def _right(q: Question) -> tuple[str, ...]:
    if q.kind == "single":
        if q.weights:
            return tuple(c for c, w in zip(q.choices, q.weights, strict=False) if w >= 1 - 1e-4)
        return (q.choices[q.answer],)
    if q.kind == "multiple":
        return tuple(q.choices[i] for i in q.answer)
    if q.kind == "true_false":
        return (t(q.lang, "true" if q.answer else "false"),)
    if q.kind == "matching":
        return tuple(f"{left} → {q.choices[j]}" for left, j in zip(q.left, q.answer,
                                                                   strict=True))
    if q.weights:
        return tuple(a for a, w in zip(q.accepted, q.weights, strict=False) if w >= 1 - 1e-4)
    return tuple(q.accepted or (q.answer,))


def _label(q: Question) -> str:
    """The question as one line of plain text (Markdown emphasis and code marks dropped)."""
    text = q.prompt if not q.context else f"{q.prompt} {q.context}"
    if q.meta.get("markdown"):
        text = re.sub(r"(\*\*|__|`|\*)", "", text)
    text = " ".join(text.split())
    return text if len(text) <= 300 else text[:299] + "…"


def analysis(session: Session, user: User, assignment_id: int, now: datetime
             ) -> list[ItemStats]:
    """Item analysis over the graded attempt of each learner (every attempt when grading by
    average), as Moodle's statistics report does by default."""
    a, _, qset = get_assignment(session, user, assignment_id)
    settings = _grading(qset)
    by_user: dict[int, list[QuizAttempt]] = {}
    for sa, qa in _attempt_rows(session, [a.id]):
        if qa.submitted_at is not None:
            by_user.setdefault(sa.user_id, []).append(qa)
    ids: list[int] = []
    for atts in by_user.values():
        ids += counted_attempts([x.id for x in atts], [x.score or 0.0 for x in atts],
                                settings.grading)
    return analyse_attempts(session, ids)


def analyse_attempts(session: Session, attempt_ids: Sequence[int]) -> list[ItemStats]:
    if not attempt_ids:
        return []
    questions = session.execute(select(QuizQuestion.id, QuizQuestion.attempt_id,
                                       QuizQuestion.position, QuizQuestion.data)
                                .where(QuizQuestion.attempt_id.in_(list(attempt_ids)))).all()
    answers = dict(session.execute(select(QuizAnswer.question_id, QuizAnswer.response)
                                   .where(QuizAnswer.attempt_id.in_(list(attempt_ids)))).all())
    responses: list[Response] = []
    totals: dict[int, float] = {}
    for qid, attempt_id, position, data in questions:
        q = Question.from_dict(data)
        response = answers.get(qid)
        try:
            score = qkinds.check(q, response).score
        except ResponseError:
            score = 0.0
        mark = score * q.points
        totals[attempt_id] = totals.get(attempt_id, 0.0) + mark
        slot = str(q.meta.get("slot") or q.meta.get("uid") or f"#{position}")
        offered = q.choices if q.kind in ("single", "multiple", "true_false") else ()
        responses.append(Response(attempt=attempt_id, slot=slot, label=_label(q), kind=q.kind,
                                  mark=mark, max_mark=q.points, picked=_picked(q, response),
                                  right=_right(q), choices=tuple(offered),
                                  position=position if not q.meta.get("drawn") else
                                  1000 + position))
    return item_statistics(responses, totals)


def _pct(x: float | None) -> str | float:
    return "" if x is None else round(100 * x, 1)


def _minutes(seconds: float | None) -> str | float:
    return "" if seconds is None else round(seconds / 60, 1)


def report_csv(session: Session, user: User, assignment_id: int, now: datetime) -> str:
    r = report(session, user, assignment_id, now)
    header = ["learner", "attempts", f"grade % ({r['settings'].grading})", "passed",
              "best %", "last %", "time taken (min)", "in progress", "last submitted (UTC)"]
    rows = [[x["email"], x["attempts"], _pct(x["grade"]),
             "" if x["passed"] is None else x["passed"], _pct(x["best"]), _pct(x["last"]),
             _minutes(x["time_taken"]), len(x["in_progress"]),
             x["last_submitted"].strftime("%Y-%m-%d %H:%M") if x["last_submitted"] else ""]
            for x in r["rows"]]
    return write_csv(header, rows)


def analysis_csv(session: Session, user: User, assignment_id: int, now: datetime) -> str:
    stats = analysis(session, user, assignment_id, now)
    header = ["question", "kind", "attempts", "facility index %", "standard deviation %",
              "discrimination index", "discriminative efficiency %", "flag (< 0.2)",
              "right answer", "wrong answers picked (count)", "note"]
    rows = [[s.label, s.kind, s.n, _pct(s.facility), _pct(s.sd),
             "" if s.discrimination is None else round(s.discrimination, 3),
             _pct(s.efficiency), "LOW DISCRIMINATION" if s.flagged else "",
             " | ".join(s.right), " | ".join(f"{a} ({c})" for a, c in s.wrong if c),
             f"too few attempts to judge (fewer than {MIN_ATTEMPTS})" if s.too_few else ""]
            for s in stats]
    return write_csv(header, rows)


def set_status(session: Session, qset: QuizSet) -> str:
    return status(qset, session=session)
