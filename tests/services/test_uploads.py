"""Notes uploaded in the browser: .md files and zips read with the notes reader, every problem
named by file and line, nothing written on any error, and a re-upload updating in place."""

from __future__ import annotations

import io
import zipfile

import pytest
from sqlalchemy import func, select

from studyk8s.persistence.models import Card, Fact, Note
from studyk8s.services import uploads
from studyk8s.services.errors import ImportFailed

NOTE = """---
title: Upload practice
---

# Workloads

- Pod: the smallest unit the scheduler places on a node
- ReplicaSet(RS): keeps a stated number of Pod copies running
"""
LIMIT = 100_000


def zipped(files: dict[str, str]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, text in files.items():
            z.writestr(name, text)
    return buf.getvalue()


def counts(session):
    return tuple(session.scalar(select(func.count()).select_from(m)) for m in (Note, Fact, Card))


def test_md_and_zip_are_read_with_safe_names(session):
    found = uploads.read_files([
        ("one.md", NOTE.encode()),
        ("folder.zip", zipped({"k8s/two.md": NOTE, "k8s/.hidden.md": NOTE, "../evil.md": NOTE,
                               "__MACOSX/k8s/._two.md": "x", "k8s/readme.txt": "x"})),
    ], max_bytes=LIMIT)
    assert [u.name for u in found] == ["uploads/one.md", "uploads/k8s/two.md"]


@pytest.mark.parametrize(("files", "where"), [
    ([("a.txt", b"x")], "a.txt:0:"),
    ([("a.zip", b"not a zip")], "a.zip:0:"),
    ([("a.zip", zipped({"x.txt": "x"}))], "a.zip:0:"),
    ([("big.md", b"x" * (LIMIT + 1))], "big.md:1:"),
    ([("a.md", NOTE.encode()), ("a.md", NOTE.encode())], "uploads/a.md:0:"),
])
def test_bad_uploads_name_the_file(files, where):
    with pytest.raises(ImportFailed) as exc:
        uploads.read_files(files, max_bytes=LIMIT)
    assert str(exc.value.errors[0]).startswith(where), str(exc.value.errors[0])


def test_a_note_that_cannot_be_read_writes_nothing(session, now):
    bad = "---\ntitle: [unclosed\n---\n\n# H\n\n- A: b\n"
    found = uploads.read_files([("good.md", NOTE.encode()), ("bad.md", bad.encode())],
                               max_bytes=LIMIT)
    before = counts(session)
    with pytest.raises(ImportFailed) as exc:
        uploads.import_uploads(session, found, now=now)
    [problem] = exc.value.errors
    assert problem.path == "uploads/bad.md" and problem.line >= 1
    assert str(problem).startswith("uploads/bad.md:")
    assert counts(session) == before


def test_preview_then_import_then_reupload(session, now):
    found = uploads.read_files([("practice.md", NOTE.encode())], max_bytes=LIMIT)
    [row] = uploads.preview(session, found)
    assert row["path"] == "uploads/practice.md" and row["title"] == "Upload practice"
    assert row["facts"] >= 2 and row["replaces"] is False
    assert counts(session) == (0, 0, 0)  # a preview writes nothing
    report = uploads.import_uploads(session, found, now=now)
    assert report.added["notes"] == 1 and report.added["cards"] > 0
    notes, facts, cards = counts(session)
    assert notes == 1 and facts == row["facts"]
    again = uploads.import_uploads(session, found, now=now)
    assert again.unchanged == 1 and counts(session) == (notes, facts, cards)
    assert uploads.preview(session, found)[0]["replaces"] is True
    edited = NOTE.replace("keeps a stated number", "keeps the wanted number")
    found = uploads.read_files([("practice.md", edited.encode())], max_bytes=LIMIT)
    report = uploads.import_uploads(session, found, now=now)
    assert report.updated["notes"] == 1 and counts(session)[0] == 1


def test_carried_form_fields_are_checked_again():
    import base64

    body = base64.b64encode(NOTE.encode()).decode()
    assert [u.name for u in uploads.from_form([("uploads/a.md", body)], max_bytes=LIMIT)] == \
        ["uploads/a.md"]
    for pair in (("uploads/../x.md", body), ("elsewhere/a.md", body), ("uploads/a.md", "***")):
        with pytest.raises(ImportFailed):
            uploads.from_form([pair], max_bytes=LIMIT)
    with pytest.raises(ImportFailed):
        uploads.from_form([("uploads/a.md", body)], max_bytes=10)
