"""The card browser's search: the syntax, what each filter finds (checked against the card
states themselves), sorting and paging, on the real shared note."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from studyk8s.persistence.models import Card, CardState
from studyk8s.services import browse, review
from studyk8s.services.content import import_notes
from studyk8s.services.users import create_user

NOW = datetime(2026, 1, 5, 10, 0, tzinfo=UTC)


@pytest.fixture
def learner(session, notes_dir):
    import_notes(session, [notes_dir], now=NOW)
    create_user(session, "admin@example.com", "kube-study-4471", now=NOW)
    user = create_user(session, "learner@example.com", "kube-study-4471", timezone="Asia/Shanghai",
                       now=NOW)
    for i, rating in enumerate([4, 3, 1, 4, 2, 4, 3, 4, 1, 4, 4, 3]):  # a dozen started
        card_id = review.next_card_id(session, user, NOW)
        review.answer(session, user, card_id=card_id, rating=rating, now=NOW,
                      client_id=f"start-{i:04d}", version=0)
    return user


def ids(page) -> list[int]:
    return [r.card_id for r in page.rows]


def every(session, user, text, **kw) -> list[int]:
    out, page = [], 1
    while True:
        found = browse.search(session, user, text, NOW, page=page, page_size=7, **kw)
        out += ids(found)
        if page >= found.pages:
            return out
        page += 1


def states(session, user) -> dict[int, CardState]:
    return {s.card_id: s for s in session.scalars(select(CardState)
                                                  .where(CardState.user_id == user.id))}


def test_the_syntax_reads_anki_terms_and_names_a_bad_one():
    terms = browse.parse('deck:docker -is:suspended flag:1 prop:lapses>3 "two words" kubelet')
    assert browse.unparse(terms) == ('deck:docker -is:suspended flag:1 prop:lapses>3 '
                                     '"two words" kubelet')
    for bad in ("is:nothing", "flag:7", "prop:lapses>x", "prop:size>3", "due:soon", "cid:a",
                "added:0"):
        with pytest.raises(browse.QueryError) as e:
            browse.parse(bad)
        assert bad.split(":")[0] in str(e.value)
    assert browse.parse("http://example") == [browse.Term("text", "http://example")]


def test_each_filter_finds_exactly_the_cards_it_names(session, learner):
    cards = set(session.scalars(select(Card.id).where(Card.retired_at.is_(None))))
    st = states(session, learner)
    learning = {c for c, s in st.items() if s.state in (1, 3)}
    review_ = {c for c, s in st.items() if s.state == 2}
    assert learning and review_
    assert set(every(session, learner, "is:learning")) == learning
    assert set(every(session, learner, "is:review")) == review_
    assert set(every(session, learner, "is:new")) == cards - learning - review_
    assert set(every(session, learner, "-is:new")) == learning | review_
    lapsed = {c for c, s in st.items() if s.lapses >= 1}
    assert set(every(session, learner, "prop:lapses>=1")) == lapsed
    some = sorted(review_)[:2]
    review.change_cards(session, learner, "flag", [(c, None) for c in some], NOW, flag=3)
    review.suspend(session, learner, some[0], NOW)
    assert set(every(session, learner, "flag:3")) == set(some)
    assert set(every(session, learner, "flag:3 -is:suspended")) == {some[1]}
    assert set(every(session, learner, "is:flagged is:suspended")) == {some[0]}
    assert len(every(session, learner, "-flag:3")) == len(cards) - 2
    clozes = set(session.scalars(select(Card.id).where(Card.kind == "cloze")))
    assert set(every(session, learner, "kind:cloze")) == clozes
    borg = set(session.scalars(select(Card.id).where(Card.back.contains("Borg"))))
    assert borg and set(every(session, learner, "borg")) >= borg  # any case: 前身是Borg系统
    assert set(every(session, learner, "前身是BORG系统")) == borg & clozes  # across the bold
    assert set(every(session, learner, "deck:docker-k8s")) == cards  # the note's path
    assert every(session, learner, "deck:no-such-deck") == []
    assert set(every(session, learner, f"cid:{some[0]},{some[1]}")) == set(some)
    assert set(every(session, learner, "added:1")) == cards
    due_today = {c for c, s in st.items()
                 if s.state != 0 and s.due < NOW + timedelta(hours=14)}  # 4 am Shanghai
    assert set(every(session, learner, "due:today")) == due_today


@pytest.mark.parametrize("sort", browse.SORTS)
@pytest.mark.parametrize("desc", [False, True])
def test_every_sort_pages_through_every_card_once(session, learner, sort, desc):
    cards = set(session.scalars(select(Card.id).where(Card.retired_at.is_(None))))
    plain = every(session, learner, "", sort=sort, desc=desc)
    assert len(plain) == len(cards) and set(plain) == cards
    # The same order through the general search (a term that matches every card).
    assert every(session, learner, "-cid:999999", sort=sort, desc=desc) == plain or \
        sort in ("interval", "retrievability")  # equal keys may tie differently
    st = states(session, learner)
    if sort == "due":
        keys = [st[c].due for c in plain if c in st]
        assert keys == sorted(keys, reverse=desc)
        assert all(c in st for c in plain[:len(st)])  # started cards first, new ones after
