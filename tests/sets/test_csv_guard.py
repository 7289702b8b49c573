"""The spreadsheet formula guard on every piece of a cell a spreadsheet could split out, and
the cards reader's limits as errors naming the line (issue 18)."""

from __future__ import annotations

import csv
import io

from hypothesis import given
from hypothesis import strategies as st

from studyk8s.sets.csvio import neutralise, read_cards, restore, write_csv

FORMULA = ("=", "+", "-", "@")


def cells_a_spreadsheet_sees(text: str) -> list[str]:
    """Every piece of a cell under any separator a locale may use."""
    pieces = [text]
    for sep in ",;|\t\n\r":
        pieces = [p for piece in pieces for p in piece.split(sep)]
    return pieces


def test_a_formula_after_a_semicolon_is_guarded():
    out = neutralise("x;=2+5@x.test")
    assert out == "x;'=2+5@x.test"
    assert not any(p.startswith(FORMULA) for p in cells_a_spreadsheet_sees(out))


@given(st.text(alphabet=st.sampled_from(list("ab'=+-@,;|\t\n\r x")), max_size=30))
def test_no_piece_starts_a_formula_and_reading_back_restores_it(text):
    out = neutralise(text)
    assert not any(p.startswith(FORMULA) for p in cells_a_spreadsheet_sees(out))
    assert restore(out) == text


def test_the_written_file_keeps_every_cell_guarded():
    body = write_csv(["name", "email"], [["Ada", "x;=2+5@x.test"], ["=HYPERLINK(1)", 3]])
    rows = list(csv.reader(io.StringIO(body.lstrip("\ufeff"))))
    assert rows[1] == ["Ada", "x;'=2+5@x.test"] and rows[2] == ["'=HYPERLINK(1)", "3"]
    for line in body.splitlines()[1:]:
        assert not any(p.startswith(FORMULA) for p in line.split(";"))


def test_a_field_over_the_csv_limit_is_an_error_naming_its_line():
    data = b"front,back\nPod,smallest unit\n" + b"Svc," + b"x" * 140_000 + b"\n"
    result = read_cards(data, "deck.csv", default_deck="d")
    assert [str(e) for e in result.errors] == [
        "deck.csv:3: error: a field is longer than 20000 characters"]


def test_an_unterminated_quote_is_an_error_naming_the_line_it_opens_on():
    data = b'front,back\nPod,unit\nSvc,"never closed\nmore,text\n'
    result = read_cards(data, "deck.csv", default_deck="d")
    assert [str(e) for e in result.errors] == [
        "deck.csv:3: error: a quote opened on this line is never closed"]


def test_text_after_a_closing_quote_is_an_error_naming_the_line():
    result = read_cards(b'Pod,unit\n"Svc"x,y\n', "deck.csv", default_deck="d")
    assert len(result.errors) == 1 and str(result.errors[0]).startswith("deck.csv:2: error:")
