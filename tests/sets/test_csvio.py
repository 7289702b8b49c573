"""Spreadsheet-safe CSV and the cards format (front, back, deck, tags)."""

from __future__ import annotations

import csv
import io

import pytest
from hypothesis import given
from hypothesis import strategies as st

from studyk8s.sets.csvio import neutralise, read_cards, restore, write_cards, write_csv


@pytest.mark.parametrize("cell", ["=1+1", "+1", "-2", "@SUM(A1)", "\tx", "\rx",
                                  "=HYPERLINK(\"http://x\")"])
def test_formula_cells_are_neutralised(cell):
    assert neutralise(cell) == "'" + cell and restore(neutralise(cell)) == cell


def test_plain_cells_and_numbers_are_left_alone():
    assert neutralise("Pod") == "Pod" and neutralise("'quoted") == "'quoted"
    assert neutralise(-0.5) == -0.5 and neutralise(3) == 3 and neutralise(None) == ""
    assert neutralise(True) == "yes" and restore("'quoted") == "'quoted"


def test_write_csv_has_a_bom_and_no_live_formulas():
    text = write_csv(["a", "b"], [["=cmd|' /C calc'!A0", -1.5], ["ok", "-x"]])
    assert text.startswith("\ufeffa,b\r\n")
    rows = list(csv.reader(io.StringIO(text[1:])))
    assert rows == [["a", "b"], ["'=cmd|' /C calc'!A0", "-1.5"], ["ok", "'-x"]]


def test_read_cards_with_header_in_any_order():
    data = "\ufeffdeck,tags,front,back\nk8s,a b,Pod,smallest unit\n".encode()
    [row] = read_cards(data, "c.csv").rows
    assert (row.front, row.back, row.deck, row.tags, row.line) == (
        "Pod", "smallest unit", "k8s", ("a", "b"), 2)


def test_read_cards_without_header_tabs_and_default_deck():
    data = b"Pod\tsmallest unit\n\nJob\truns once\n"
    result = read_cards(data, "c.tsv", default_deck="mine")
    assert [(r.front, r.deck, r.line) for r in result.rows] == [("Pod", "mine", 1),
                                                                ("Job", "mine", 3)]


def test_read_anki_text_export():
    data = (b"#separator:tab\n#html:true\n#tags column:3\n"
            b"CRI\tcontainer runtime interface\tk8s arch\n")
    [row] = read_cards(data, "anki.txt", default_deck="anki").rows
    assert row.front == "CRI" and row.tags == ("k8s", "arch") and row.line == 4


def test_multiline_cells_keep_line_numbers():
    data = b'front,back\n"a\nb",c\nd,\n'
    result = read_cards(data, "m.csv", default_deck="x")
    assert [(r.front, r.line) for r in result.rows] == [("a\nb", 2)]
    assert [(e.line, e.message) for e in result.errors] == [(4, "the back is empty")]


@pytest.mark.parametrize(("data", "line", "words"), [
    (b"front,back,colour\na,b,c\n", 1, "unknown column 'colour'"),
    (b"a,b\n\xff,c\n", 2, "not UTF-8"),
    (b"a,b\x00\n", 1, "binary"),
    (b"\n\n", 1, "no cards found"),
    (b"front,back\n", 1, "no cards found"),
    (b"front,back\na,b\n", 2, "no deck"),
])
def test_errors(data, line, words):
    [error] = read_cards(data, "e.csv").errors
    assert error.line == line and words in error.message and error.path == "e.csv"


cells = st.text(alphabet=st.sampled_from(list("ab =+-@\t,;\"'\n中")), min_size=1,
                max_size=12).map(str.strip).filter(bool)
tags = st.lists(st.text(alphabet="abc-_:", min_size=1, max_size=5), max_size=3)


@given(st.lists(st.tuples(cells, cells, st.sampled_from(["k8s", "=deck", "部署"]), tags),
                min_size=1, max_size=8))
def test_cards_round_trip(rows):
    text = write_cards(rows)
    result = read_cards(text.encode(), "rt.csv")
    assert result.errors == []
    assert [(r.front, r.back, r.deck, list(r.tags)) for r in result.rows] == \
        [(f, b, d, t) for f, b, d, t in rows]
