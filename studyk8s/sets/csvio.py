"""CSV that is safe to open in a spreadsheet, and the cards CSV format (front, back, deck,
tags). Pure.

A text cell that starts with ``= + - @``, a tab or a carriage return would run as a formula
in Excel, LibreOffice or Google Sheets (CSV injection); such cells get a leading apostrophe,
which spreadsheets show as text, and so does every piece of a cell after a comma, semicolon,
pipe, tab or line break (what a spreadsheet in another locale may split into cells). Numbers
are written as numbers. Files start with a UTF-8 BOM so Excel reads Chinese text correctly.
The cards reader takes those apostrophes off again, so an exported deck re-imports
unchanged.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..notes.model import Problem

MAX_FILE_BYTES = 5 * 1_048_576
MAX_FIELD = 20_000
MAX_ROWS = 20_000
CARD_COLUMNS = ("front", "back", "deck", "tags")
ANKI_HEADER = re.compile(r"^#(separator|html|tags column|deck column|notetype column|"
                         r"guid column|notetype|deck|tags|columns):(.*)$")


def neutralise(value: Any) -> Any:
    """A cell as written: dangerous text gets an apostrophe; numbers stay numbers."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float):
        return value
    return _SEGMENT.sub(lambda m: "'" + m.group(1), str(value))


# A formula start at the start of the text or of any piece a spreadsheet could split out of
# it (a spreadsheet set to semicolons reads "x;=2+5" as the cells "x" and "=2+5"), after
# any apostrophes: a text that already looks neutralised ("'=x") gets one more, so reading
# the file back (``restore``) gives the original.
_SPLITS = ",;|\t\n\r"
_SEGMENT = re.compile(rf"(?:^|(?<=[{_SPLITS}]))('*)(?=[=+\-@\t\r])")
_GUARD = re.compile(rf"(?:^|(?<=[{_SPLITS}]))'(?='*[=+\-@\t\r])")


def restore(text: str) -> str:
    """Undo ``neutralise`` on a cell read back."""
    return _GUARD.sub("", text)


def write_csv(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    out = io.StringIO()
    out.write("\ufeff")
    w = csv.writer(out, lineterminator="\r\n")
    w.writerow([neutralise(h) for h in header])
    for row in rows:
        w.writerow([neutralise(v) for v in row])
    return out.getvalue()


@dataclass(frozen=True)
class CardRow:
    front: str
    back: str
    deck: str
    tags: tuple[str, ...]
    line: int


@dataclass
class CardsResult:
    rows: list[CardRow] = field(default_factory=list)
    errors: list[Problem] = field(default_factory=list)


def _decode(data: bytes, path: str, result: CardsResult) -> str | None:
    if len(data) > MAX_FILE_BYTES:
        result.errors.append(Problem(path, 1, f"file is {len(data)} bytes, over the limit of "
                                     f"{MAX_FILE_BYTES}", "error"))
        return None
    if (nul := data.find(b"\x00")) >= 0:
        result.errors.append(Problem(path, data.count(b"\n", 0, nul) + 1,
                                     "binary file (NUL byte)", "error"))
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        result.errors.append(Problem(path, data.count(b"\n", 0, e.start) + 1,
                                     f"not UTF-8 text (byte 0x{data[e.start]:02x}); save the "
                                     "file as UTF-8", "error"))
        return None
    return text[1:] if text.startswith("\ufeff") else text


def read_cards(data: bytes, path: str, *, default_deck: str = "") -> CardsResult:
    """Rows of a cards file: comma, semicolon or tab separated, with an optional header row
    naming front, back, deck and tags (else the columns are taken in that order). Anki's
    text export works too: its ``#separator:tab`` style lines are skipped. Tags are separated
    by spaces, as in Anki. Every problem names its line."""
    result = CardsResult()
    text = _decode(data, path, result)
    if text is None:
        return result
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    skip = 0
    separator = None
    anki_columns: dict[str, int] = {}
    while skip < len(lines) and (m := ANKI_HEADER.match(lines[skip])):
        key, value = m.group(1), m.group(2).strip()
        if key == "separator":
            separator = {"tab": "\t", "comma": ",", "semicolon": ";", "space": " ",
                         "pipe": "|"}.get(value.lower(), value[:1] or None)
        elif key in ("tags column", "deck column") and value.isdigit() and int(value) > 0:
            anki_columns[key.split()[0]] = int(value) - 1
        skip += 1
    body = "\n".join(lines[skip:])
    if not body.strip():
        result.errors.append(Problem(path, skip + 1, "no cards found", "error"))
        return result
    if separator is None:
        first = next((ln for ln in lines[skip:] if ln.strip()), "")
        counts = {sep: first.count(sep) for sep in ("\t", ";", ",")}
        separator = max(counts, key=lambda s: counts[s]) if any(counts.values()) else ","
    reader = csv.reader(io.StringIO(body), delimiter=separator, strict=True)
    columns = list(range(len(CARD_COLUMNS)))
    if anki_columns:  # Anki: fields first, then the deck and tags columns it names
        columns = [0, 1, anki_columns.get("deck", -1), anki_columns.get("tags", -1)]
    header_done = False
    for line, record in _records(reader, path, skip, result):
        if not any(cell.strip() for cell in record):
            continue
        if not header_done:
            header_done = True
            names = [c.strip().lower().lstrip("\ufeff") for c in record]
            if "front" in names and "back" in names:
                unknown = [n for n in names if n and n not in CARD_COLUMNS]
                if unknown:
                    result.errors.append(Problem(path, line, f"unknown column {unknown[0]!r} "
                                                 f"(use {', '.join(CARD_COLUMNS)})", "error"))
                    return result
                columns = [names.index(c) if c in names else -1 for c in CARD_COLUMNS]
                continue
        if len(result.rows) >= MAX_ROWS:
            result.errors.append(Problem(path, line, f"more than {MAX_ROWS} cards", "error"))
            return result

        def cell(i: int, record=record, columns=columns) -> str:
            k = columns[i]
            return restore(record[k].strip()) if 0 <= k < len(record) else ""

        front, back = cell(0), cell(1)
        deck = cell(2) or default_deck
        if len(record) < 2:
            result.errors.append(Problem(path, line, "a card needs a front and a back "
                                         f"(found {len(record)} column)", "error"))
        elif not front:
            result.errors.append(Problem(path, line, "the front is empty", "error"))
        elif not back:
            result.errors.append(Problem(path, line, "the back is empty", "error"))
        elif any(len(x) > MAX_FIELD for x in (front, back)):
            result.errors.append(Problem(path, line, f"a field is longer than {MAX_FIELD} "
                                         "characters", "error"))
        elif not deck:
            result.errors.append(Problem(path, line, "no deck: add a deck column or name "
                                         "the deck for the whole file", "error"))
        elif len(deck) > 200:
            result.errors.append(Problem(path, line, "the deck name is longer than 200 "
                                         "characters", "error"))
        else:
            result.rows.append(CardRow(front, back, deck, tuple(cell(3).split()), line))
    if not result.rows and not result.errors:
        result.errors.append(Problem(path, skip + 1, "no cards found", "error"))
    return result


def _records(reader, path: str, skip: int, result: CardsResult
             ) -> Iterator[tuple[int, list[str]]]:
    """(line, record) for each of the reader's records; a record the csv module cannot read
    (a field over its 131,072-character limit, a quote never closed) ends the file with an
    error naming the line the record starts on."""
    end = 0
    while True:
        line = skip + end + 1
        try:
            record = next(reader)
        except StopIteration:
            return
        except csv.Error as e:
            text = str(e)
            if "field larger than field limit" in text:
                why = f"a field is longer than {MAX_FIELD} characters"
            elif "unexpected end of data" in text:
                why = "a quote opened on this line is never closed"
            else:
                why = f"not valid CSV ({text}): check the quotes on this line"
            result.errors.append(Problem(path, line, why, "error"))
            return
        end = reader.line_num
        yield line, record


def write_cards(rows: Iterable[tuple[str, str, str, Sequence[str]]]) -> str:
    """front, back, deck, tags (space-separated), with a header row."""
    return write_csv(CARD_COLUMNS, ((f, b, d, " ".join(t)) for f, b, d, t in rows))
