"""Interop: a set exported to GIFT and imported again gives the same questions; a bad GIFT
or CSV file writes nothing; Anki packages keep their note GUIDs across exports and carry the
source path:line; CSV cards round-trip and re-import idempotently."""

from __future__ import annotations

import csv
import io
import sqlite3
import zipfile
from datetime import timedelta

import pytest
from sqlalchemy import select

from studyk8s.persistence.models import Card, Fact, Note, QuizSet, SetQuestion
from studyk8s.services import errors, interop, sets
from studyk8s.services.content import import_notes
from studyk8s.sets import gift
from studyk8s.sets.csvio import restore
from studyk8s.sets.model import Item
from tests.sets.helpers import EXAMPLE_SET, counts, make_user


@pytest.fixture
def teacher(session, notes_dir, now):
    import_notes(session, [notes_dir], now=now)
    return make_user(session, "t@example.com", "instructor", now=now)


@pytest.fixture
def example(session, teacher, now):
    sets.import_files(session, [EXAMPLE_SET], teacher, now=now)
    return sets.find_by_name(session, "docker-k8s-1")


def written(session, qset) -> list[Item]:
    return [e for e in (sets.entry_of(r) for r in sets.draft_rows(session, qset))
            if isinstance(e, Item)]


def test_gift_export_then_import_gives_the_same_questions(session, teacher, example, now):
    text = interop.export_gift(session, example, now=now)
    assert text.startswith("// Docker + K8s") and "$CATEGORY: $course$/top/" in text
    copy, n = interop.import_gift(session, teacher, text.encode(), "copy.gift", now=now)
    items, drawn = interop.gift_items(session, example)
    assert n == len(items) == 8 + drawn and drawn == 5
    back = written(session, copy)
    assert [gift.normalized(i) for i in back] == [gift.normalized(i) for i in items]
    assert [i.uid for i in back][:8] == [r.uid for r in sets.draft_rows(session, example)][:8]
    assert next(i for i in back if i.uid == "plugins").points == 2
    assert copy.title == example.title and copy.published is None  # a draft


def test_gift_import_into_a_named_set_is_repeatable(session, teacher, example, now, tmp_path):
    text = interop.export_gift(session, example, now=now).encode()
    first, _ = interop.import_gift(session, teacher, text, "k.gift", now=now, name="k8s")
    before = counts(session, QuizSet, SetQuestion)
    again, _ = interop.import_gift(session, teacher, text, "k.gift", now=now, name="k8s")
    assert again.id == first.id and counts(session, QuizSet, SetQuestion) == before


def test_gift_import_appends_or_replaces(session, teacher, example, now):
    src = b"::One::1+1=2 {T}\n\n::Two::Pick {=a ~b}\n"
    qset = sets.create_set(session, teacher, "S", now=now)
    interop.import_gift(session, teacher, src, "x.gift", now=now, set_id=qset.id)
    interop.import_gift(session, teacher, src, "x.gift", now=now, set_id=qset.id)
    assert len(sets.draft_rows(session, qset)) == 4
    assert len({r.uid for r in sets.draft_rows(session, qset)}) == 4
    interop.import_gift(session, teacher, src, "x.gift", now=now, set_id=qset.id,
                        replace=True)
    assert [r.data["title"] for r in sets.draft_rows(session, qset)] == ["One", "Two"]


def test_bad_gift_writes_nothing(session, teacher, example, now):
    before = counts(session, QuizSet, SetQuestion)
    bad = b"::ok:: fine {T}\n\n::broken:: what {=a ~b\n\n::num:: {#3:1}\n"
    with pytest.raises(errors.ImportFailed) as exc:
        interop.import_gift(session, teacher, bad, "bad.gift", now=now)
    assert [(e.path, e.line) for e in exc.value.errors] == [("bad.gift", 3), ("bad.gift", 5)]
    assert counts(session, QuizSet, SetQuestion) == before
    with pytest.raises(errors.ImportFailed) as exc:
        interop.import_gift(session, teacher, b"x" * (interop.MAX_UPLOAD + 1), "big.gift",
                            now=now)
    assert "over the limit" in exc.value.errors[0].message
    with pytest.raises(errors.ImportFailed):
        interop.import_gift(session, teacher, b"\xff\xfe::x:: y {T}", "u16.gift", now=now)
    assert counts(session, QuizSet, SetQuestion) == before


def apkg_notes(data: bytes, tmp_path, name: str) -> list[tuple]:
    path = tmp_path / name
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        assert "collection.anki2" in z.namelist()
        path.write_bytes(z.read("collection.anki2"))
    conn = sqlite3.connect(path)
    try:
        notes = conn.execute("SELECT guid, mid, flds, tags FROM notes ORDER BY guid").fetchall()
        decks = conn.execute("SELECT did FROM cards").fetchall()
    finally:
        conn.close()
    return notes, {d for (d,) in decks}


def test_apkg_guids_are_stable_and_carry_the_source(session, teacher, now, tmp_path):
    note = interop.find_deck(session, "docker-k8s-1.md")
    cards = session.scalars(select(Card).where(Card.note_id == note.id,
                                               Card.retired_at.is_(None))).all()
    first, decks1 = apkg_notes(interop.export_apkg(session, [note], now=now), tmp_path, "a")
    second, decks2 = apkg_notes(interop.export_apkg(session, [note], now=now + timedelta(
        days=3)), tmp_path, "b")
    assert len(first) == len(cards) > 50
    assert [n[0] for n in first] == [n[0] for n in second]  # same GUIDs: Anki updates
    assert len({n[0] for n in first}) == len(first)
    assert decks1 == decks2 == {interop.anki_deck_id(note)}
    assert {n[1] for n in first} == {interop.ANKI_MODEL_ID}
    fields = [n[2].split("\x1f") for n in first]
    assert all(len(f) == 3 for f in fields)
    sources = {f[2] for f in fields}
    assert all(s.startswith(note.path + ":") and s.rsplit(":", 1)[1].isdigit()
               for s in sources)
    card = next(c for c in cards if c.kind == "abbreviation" and "CRI" in c.front)
    row = next(f for f in fields if f[2] == f"{note.path}:{card.line}" and "CRI" in f[0])
    assert row[0].startswith("<p>")  # Markdown rendered to HTML
    # editing the note keeps the card key, so the GUID stays
    guid = interop.anki_guid(card)
    assert guid in {n[0] for n in first}


def test_csv_cards_round_trip(session, teacher, now):
    note = interop.find_deck(session, "Docker+K8s学习1")
    text = interop.export_cards_csv(session, [note])
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[0] == ["front", "back", "deck", "tags"]
    assert all(r[2] == "Docker+K8s学习1" for r in rows[1:])
    report = interop.import_cards_csv(session, text.encode(), "export.csv", now=now)
    assert report.decks == ["csv:Docker+K8s学习1"] and report.added == len(rows) - 1 - \
        report.unchanged - report.updated
    copy = session.scalar(select(Note).where(Note.path == "csv:Docker+K8s学习1"))
    pairs = session.execute(select(Card.front, Card.back).where(Card.note_id == copy.id)
                            .order_by(Card.position)).all()
    originals = {(restore(r[0]), restore(r[1])) for r in rows[1:]}  # "- item" was "'- item"
    assert {(f, b) for f, b in pairs} == originals
    before = counts(session, Card, Fact, Note)
    again = interop.import_cards_csv(session, text.encode(), "export.csv", now=now)
    assert again.added == 0 and again.updated == 0
    assert counts(session, Card, Fact, Note) == before


def test_csv_import_updates_backs_and_keeps_formulas_inert(session, teacher, now):
    src = "front,back,deck,tags\n=SUM(A1),-1 + 1,k8s,a b\nPod,smallest unit,k8s,\n"
    interop.import_cards_csv(session, src.encode(), "c.csv", now=now)
    deck = interop.find_deck(session, "csv:k8s")
    out = interop.export_cards_csv(session, [deck])
    assert "'=SUM(A1)" in out and "'-1 + 1" in out
    rows = list(csv.reader(io.StringIO(out.lstrip("\ufeff"))))
    assert rows[1] == ["'=SUM(A1)", "'-1 + 1", "k8s", "a b"]
    interop.import_cards_csv(session, out.encode(), "again.csv", now=now)
    fronts = session.scalars(select(Card.front).where(Card.note_id == deck.id)).all()
    assert sorted(fronts) == ["=SUM(A1)", "Pod"]  # the apostrophe came off again
    changed = src.replace("smallest unit", "the smallest deployable unit")
    report = interop.import_cards_csv(session, changed.encode(), "c.csv", now=now)
    assert report.updated == 1 and report.added == 0
    card = session.scalar(select(Card).where(Card.note_id == deck.id, Card.front == "Pod"))
    assert card.back == "the smallest deployable unit"


def test_bad_csv_writes_nothing(session, teacher, now):
    before = counts(session, Card, Fact, Note)
    src = "front,back,deck\nPod,unit,k8s\n,no front,k8s\nJob\n"
    with pytest.raises(errors.ImportFailed) as exc:
        interop.import_cards_csv(session, src.encode(), "bad.csv", now=now)
    assert [(e.line, e.message) for e in exc.value.errors] == [
        (3, "the front is empty"), (4, "a card needs a front and a back (found 1 column)")]
    assert counts(session, Card, Fact, Note) == before
