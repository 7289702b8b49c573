"""Review logs in, FSRS training items out: the one conversion the optimiser and the evaluation
share, so both see exactly the same study days."""

from __future__ import annotations

import csv
import io
import os
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import IO

from .days import study_day
from .scheduler import Rating

REQUIRED_COLUMNS = ("card_id", "review_rating", "review_time")


class RevlogFormatError(ValueError):
    """A bad row in a review-log CSV, printed as ``path:line: message``."""

    def __init__(self, path: str, line: int, message: str) -> None:
        super().__init__(f"{path}:{line}: {message}")
        self.path = path
        self.line = line
        self.message = message


@dataclass(frozen=True)
class ReviewRow:
    """One answer from a review log (Anki's revlog, or the app's own)."""

    card_id: int
    rating: Rating
    review_time: datetime  # aware
    review_duration: int | None = None  # milliseconds

    def __post_init__(self) -> None:
        object.__setattr__(self, "rating", Rating(self.rating))
        if self.review_time.tzinfo is None or self.review_time.utcoffset() is None:
            raise ValueError(f"review_time must be timezone-aware, got {self.review_time}")


def _parse_time(text: str) -> datetime:
    """ISO-8601 with an offset, or epoch milliseconds (fsrs-optimizer's revlog.csv)."""
    text = text.strip()
    if text.lstrip("-").isdigit():
        return datetime.fromtimestamp(int(text) / 1000, tz=UTC)
    value = datetime.fromisoformat(text)
    if value.tzinfo is None:
        raise ValueError(f"review_time {text!r} has no UTC offset")
    return value


def _parse_row(raw: dict[str, str | None]) -> ReviewRow:
    def text(col: str) -> str:
        value = (raw.get(col) or "").strip()
        if not value:
            raise ValueError(f"{col} is empty")
        return value

    try:
        card_id = int(text("card_id"))
    except ValueError as e:
        raise ValueError(f"card_id must be an integer ({e})") from None
    rating_text = text("review_rating")
    if rating_text not in ("1", "2", "3", "4"):
        raise ValueError(f"review_rating must be 1, 2, 3 or 4, got {rating_text!r}")
    try:
        when = _parse_time(text("review_time"))
    except (ValueError, OverflowError, OSError) as e:
        raise ValueError(f"review_time is not an ISO-8601 time or epoch ms ({e})") from None
    duration_text = (raw.get("review_duration") or "").strip()
    duration = None
    if duration_text:
        try:
            duration = int(float(duration_text))
        except ValueError:
            raise ValueError(f"review_duration must be milliseconds, "
                             f"got {duration_text!r}") from None
        if duration < 0:
            raise ValueError(f"review_duration cannot be negative, got {duration}")
    return ReviewRow(card_id, Rating(int(rating_text)), when, duration)


def read_revlog_csv(path_or_file: str | os.PathLike[str] | IO[str]) -> list[ReviewRow]:
    """Read ``card_id,review_rating,review_time[,review_duration]`` rows (a header first).

    Raises ``RevlogFormatError`` naming the file and line of the first bad row.
    """
    if isinstance(path_or_file, (str, os.PathLike)):
        path = os.fspath(path_or_file)
        with open(path, newline="", encoding="utf-8-sig") as f:
            return _read(f, path)
    path = str(getattr(path_or_file, "name", "<stream>"))
    return _read(path_or_file, path)


def _read(f: IO[str] | io.StringIO, path: str) -> list[ReviewRow]:
    reader = csv.DictReader(f)
    try:
        header = reader.fieldnames
    except csv.Error as e:
        raise RevlogFormatError(path, 1, f"unreadable CSV header ({e})") from None
    if not header:
        raise RevlogFormatError(path, 1, "empty file: expected a header row "
                                         f"{','.join(REQUIRED_COLUMNS)},review_duration")
    missing = [c for c in REQUIRED_COLUMNS if c not in [h.strip() for h in header]]
    if missing:
        raise RevlogFormatError(path, 1, f"missing column(s) {', '.join(missing)} "
                                         f"(header is {','.join(header)})")
    reader.fieldnames = [h.strip() for h in header]
    rows = []
    try:
        for raw in reader:
            if None in raw:
                raise RevlogFormatError(path, reader.line_num,
                                        f"{len(header) + len(raw[None])} fields, "
                                        f"header has {len(header)}")
            try:
                rows.append(_parse_row(raw))
            except ValueError as e:
                raise RevlogFormatError(path, reader.line_num, str(e)) from None
    except csv.Error as e:
        raise RevlogFormatError(path, reader.line_num, f"bad CSV ({e})") from None
    return rows


@dataclass(frozen=True)
class Item:
    """One cross-day review with the card's whole history up to and including it.

    ``history`` holds (rating, delta_t) pairs, delta_t in study days since the card's
    previous review (0 for the first review and for same-day reviews): fsrs-rs's FSRSItem.
    """

    card_id: int
    review_time: datetime
    history: tuple[tuple[int, int], ...]

    @property
    def delta_t(self) -> int:
        return self.history[-1][1]

    @property
    def label(self) -> int:
        """1 if recalled (any rating but Again)."""
        return int(self.history[-1][0] > 1)


def group_by_card(rows: Iterable[ReviewRow]) -> dict[int, list[ReviewRow]]:
    """Each card's reviews in time order (stable for equal times: file order)."""
    cards: dict[int, list[ReviewRow]] = defaultdict(list)
    for row in rows:
        cards[row.card_id].append(row)
    for reviews in cards.values():
        reviews.sort(key=lambda r: r.review_time)
    return dict(cards)


def build_items(rows: Iterable[ReviewRow], *, tz: str, rollover_hour: int = 4) -> list[Item]:
    """FSRS items, one per review with delta_t > 0, sorted by review time (then card id).

    The sort order matters: the time-series split cuts this list, and fsrs-rs's optimiser
    result depends on the order it is given.
    """
    items = []
    for card_id, reviews in group_by_card(rows).items():
        history: list[tuple[int, int]] = []
        last_day = None
        for r in reviews:
            day = study_day(r.review_time, tz, rollover_hour)
            delta_t = 0 if last_day is None else (day - last_day).days
            history.append((int(r.rating), delta_t))
            last_day = day
            if delta_t > 0:
                items.append(Item(card_id, r.review_time, tuple(history)))
    items.sort(key=lambda it: (it.review_time, it.card_id))
    return items
