"""The day queue on its own: order, limits, burying, partial lists."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from studyk8s.srs.queue import Change, DayQueue

NOW = datetime(2026, 1, 5, 10, 0, tzinfo=UTC)
END = datetime(2026, 1, 5, 20, 0, tzinfo=UTC)
AHEAD = NOW + timedelta(minutes=20)


def queue(**kw) -> DayQueue:
    args = dict(day_end=END, new_left=2, review_left=5, learning=[], review=[],
                new=[(10, 100), (11, 101), (12, 102)], review_complete=True,
                new_complete=True, reviewed_today=[])
    args.update(kw)
    return DayQueue.build(**args)


def test_order_learning_due_then_review_then_new_then_learn_ahead():
    q = queue(learning=[(1, NOW + timedelta(minutes=5))],
              review=[(2, 200, NOW - timedelta(hours=1)), (3, 201, NOW - timedelta(hours=2))])
    assert q.next_card(NOW, AHEAD) == 3  # the older review first
    assert q.counts() == (2, 1, 2)
    q.apply(Change(3, 201, 2, NOW + timedelta(days=3), False, reviewed_today=True,
                   counted_as=2))
    q.apply(Change(2, 200, 2, NOW + timedelta(days=3), False, reviewed_today=True,
                   counted_as=2))
    assert q.next_card(NOW, AHEAD) == 10 and q.counts() == (2, 1, 0)
    assert q.next_card(NOW + timedelta(minutes=6), AHEAD) == 1  # the learning card is due


def test_new_limit_counts_down_and_stops_new_cards():
    q = queue()
    for card in (10, 11):
        q.apply(Change(card, 100 + card - 10, 1, NOW + timedelta(hours=1), False,
                       reviewed_today=True, counted_as=0))
    assert q.counts() == (0, 2, 0)
    assert q.next_card(NOW, AHEAD) is None  # card 12 waits for tomorrow's allowance


def test_a_review_buries_the_siblings_but_not_the_card_itself():
    q = queue(new=[(10, 100), (11, 100), (12, 101)], new_left=5)
    q.apply(Change(10, 100, 1, NOW + timedelta(minutes=1), False, reviewed_today=True,
                   counted_as=0))
    assert q.counts() == (1, 1, 0)  # 11 is buried with its sibling 10 reviewed
    assert q.next_card(NOW, AHEAD) == 12
    q.apply(Change(10, 100, 2, NOW + timedelta(hours=2), False, reviewed_today=True))
    assert q.counts()[2] == 1  # 10 itself may come back as a review today


def test_applying_the_same_state_twice_moves_nothing_more():
    q = queue(learning=[(1, NOW)])
    change = Change(1, 300, 1, NOW + timedelta(minutes=10), False)
    q.apply(change)
    q.apply(change)
    assert q.counts() == (2, 1, 0) and q.next_card(NOW, AHEAD) == 10


def test_suspended_or_unselected_cards_leave_the_queue():
    q = queue(learning=[(1, NOW), (2, NOW)])
    q.apply(Change(1, 300, 1, NOW, True))
    q.apply(Change(2, 301, 1, NOW, False, selected=False))
    assert q.counts() == (2, 0, 0)


def test_a_partial_list_asks_to_be_rebuilt_once_burying_eats_its_margin():
    q = queue(new=[(10, 100), (11, 100), (12, 101)], new_left=2, new_complete=False)
    assert not q.needs_rebuild()
    q.apply(Change(12, 101, 1, NOW, False, reviewed_today=True, counted_as=0))
    assert not q.needs_rebuild()  # one left to introduce, two candidates
    q.apply(Change(10, 100, 1, NOW, False, reviewed_today=True))  # not counted: buries 11
    assert q.needs_rebuild()  # one left to introduce, no candidate read


def test_a_partial_review_list_only_takes_cards_that_sort_inside_it():
    q = queue(review=[(2, 200, NOW - timedelta(hours=3)), (3, 201, NOW - timedelta(hours=1))],
              review_left=1, review_complete=False)
    q.apply(Change(4, 202, 2, NOW, False))  # after the last card read: maybe not next
    q.apply(Change(5, 203, 2, NOW - timedelta(hours=2), False))
    assert 4 not in q.review and 5 in q.review
