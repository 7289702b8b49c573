"""Reading review logs and turning them into FSRS items."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from pathlib import Path

import pytest

from studyk8s.srs import Rating
from studyk8s.srs.revlog import ReviewRow, RevlogFormatError, build_items, read_revlog_csv

HEADER = "card_id,review_rating,review_time,review_duration\n"


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "revlog.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_reads_rows(tmp_path):
    path = write(tmp_path, HEADER
                 + "1711684180217,1,2024-03-29T20:32:32.250000+00:00,25060\n"
                 + "1711684180217,3,1711744352250,\n")  # epoch ms, no duration
    rows = read_revlog_csv(path)
    assert rows == [
        ReviewRow(1711684180217, Rating.AGAIN,
                  datetime(2024, 3, 29, 20, 32, 32, 250000, tzinfo=UTC), 25060),
        ReviewRow(1711684180217, Rating.GOOD,
                  datetime(2024, 3, 29, 20, 32, 32, 250000, tzinfo=UTC), None),
    ]
    assert read_revlog_csv(str(path)) == rows


@pytest.mark.parametrize("body, line, message", [
    ("1,5,2024-03-29T20:32:32+00:00,100\n", 2, "review_rating must be 1, 2, 3 or 4, got '5'"),
    ("1,3,2024-03-29T20:32:32+00:00,1\nx,3,2024-03-29T20:33:00+00:00,1\n", 3,
     "card_id must be an integer"),
    ("1,3,2024-03-29T20:32:32,100\n", 2, "has no UTC offset"),
    ("1,3,yesterday,100\n", 2, "review_time is not an ISO-8601 time or epoch ms"),
    ("1,3,2024-03-29T20:32:32+00:00,-4\n", 2, "review_duration cannot be negative"),
    ("1,,2024-03-29T20:32:32+00:00,4\n", 2, "review_rating is empty"),
    ("1,3,2024-03-29T20:32:32+00:00,4,extra\n", 2, "5 fields, header has 4"),
])
def test_bad_rows_name_path_and_line(tmp_path, body, line, message):
    path = write(tmp_path, HEADER + body)
    with pytest.raises(RevlogFormatError) as err:
        read_revlog_csv(path)
    assert err.value.path == str(path)
    assert err.value.line == line
    assert str(err.value).startswith(f"{path}:{line}: ")
    assert message in str(err.value)
    assert isinstance(err.value, ValueError)


def test_bad_header(tmp_path):
    with pytest.raises(RevlogFormatError, match=r":1: missing column\(s\) review_time"):
        read_revlog_csv(write(tmp_path, "card_id,review_rating\n1,3\n"))
    with pytest.raises(RevlogFormatError, match=":1: empty file"):
        read_revlog_csv(write(tmp_path, ""))


def test_streams_are_named_in_errors():
    with pytest.raises(RevlogFormatError, match=r"^<stream>:2: "):
        read_revlog_csv(io.StringIO(HEADER + "1,9,2024-03-29T20:32:32+00:00,1\n"))


def test_items_are_cross_day_reviews_with_study_day_deltas():
    def row(card, rating, iso):
        return ReviewRow(card, Rating(rating), datetime.fromisoformat(iso))

    rows = [
        row(1, 1, "2024-04-01T20:00:00+00:00"),  # first review: not an item
        row(1, 3, "2024-04-01T20:10:00+00:00"),  # same day: not an item
        row(1, 3, "2024-04-02T02:00:00+00:00"),  # 21:00 Chicago, still Apr 1: same day
        row(1, 1, "2024-04-02T14:00:00+00:00"),  # 09:00 Chicago Apr 2: delta_t 1
        row(2, 3, "2024-04-01T21:00:00+00:00"),
        row(2, 3, "2024-04-05T15:00:00+00:00"),  # delta_t 4
        row(1, 3, "2024-04-12T13:00:00+00:00"),  # delta_t 10
    ]
    items = build_items(rows, tz="America/Chicago")
    assert [(it.card_id, it.history) for it in items] == [
        (1, ((1, 0), (3, 0), (3, 0), (1, 1))),
        (2, ((3, 0), (3, 4))),
        (1, ((1, 0), (3, 0), (3, 0), (1, 1), (3, 10))),
    ]
    assert [it.label for it in items] == [0, 1, 1]
    assert [it.delta_t for it in items] == [1, 4, 10]
    # With a midnight-UTC rollover the 02:00Z review starts a new day.
    assert build_items(rows, tz="UTC", rollover_hour=0)[0].history == ((1, 0), (3, 0), (3, 1))


def test_review_rows_must_be_aware():
    with pytest.raises(ValueError, match="timezone-aware"):
        ReviewRow(1, Rating.GOOD, datetime(2024, 1, 1))
