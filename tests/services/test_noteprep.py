"""The CLI import may prepare notes in a forked second process: the database must end up the
same as when one process reads them one after another, and a bad note must still stop the
whole import with its file and line."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import inspect, text

from studyk8s.migrate import upgrade
from studyk8s.persistence.engine import make_engine, make_session_factory
from studyk8s.services import noteprep
from studyk8s.services.content import import_notes
from studyk8s.services.errors import ImportFailed

CORPUS = Path(__file__).parents[1] / "notes" / "corpus"
TABLES = ("notes", "facts", "cards", "queue_content")


def _notes(directory: Path) -> Path:
    directory.mkdir()
    for note in sorted(CORPUS.glob("*.md"))[:16]:
        (directory / note.name).write_bytes(note.read_bytes())
    return directory


def _import(tmp_path: Path, name: str, notes: Path, now, parallel: bool):
    engine = make_engine(f"sqlite:///{tmp_path / name}.db")
    upgrade(engine)
    with make_session_factory(engine)() as s:
        report = import_notes(s, [notes], now=now, base=tmp_path, parallel=parallel)
    with engine.connect() as c:
        rows = {t: c.execute(text(f"select * from {t} order by 1")).all() for t in TABLES
                if inspect(engine).has_table(t)}
    engine.dispose()
    return report, rows


def test_two_processes_write_what_one_writes(tmp_path, now):
    notes = _notes(tmp_path / "notes")
    one, rows_one = _import(tmp_path, "one", notes, now, parallel=False)
    two, rows_two = _import(tmp_path, "two", notes, now, parallel=True)
    assert rows_one["cards"] and rows_two == rows_one
    assert two.summary() == one.summary() and two.gate == one.gate
    assert [str(w) for w in two.warnings] == [str(w) for w in one.warnings]


@pytest.mark.parametrize("parallel", [False, True])
def test_a_bad_note_in_the_second_half_stops_the_import(tmp_path, now, parallel):
    notes = _notes(tmp_path / "notes")
    (notes / "zz-bad.md").write_bytes(b"---\ntitle: [unclosed\n---\n# x\n")
    with pytest.raises(ImportFailed) as info:
        _import(tmp_path, "db", notes, now, parallel=parallel)
    [error] = info.value.errors
    assert str(error).startswith("notes/zz-bad.md:2:") and "\n" not in str(error)
    engine = make_engine(f"sqlite:///{tmp_path / 'db'}.db")
    with engine.connect() as c:
        assert c.execute(text("select count(*) from notes")).scalar() == 0
    engine.dispose()


def test_a_second_process_only_with_many_notes_and_an_idle_core(monkeypatch):
    monkeypatch.setattr(noteprep.os, "cpu_count", lambda: 2)
    monkeypatch.setattr(noteprep.os, "getloadavg", lambda: (0.4, 0.4, 0.4))
    assert noteprep._worth_a_child(1000, None)
    assert not noteprep._worth_a_child(noteprep.POOL_MIN_NOTES - 1, None)
    monkeypatch.setattr(noteprep.os, "getloadavg", lambda: (1.8, 1.0, 1.0))
    assert not noteprep._worth_a_child(1000, None)  # both cores busy: one process
    assert noteprep._worth_a_child(10, True) and not noteprep._worth_a_child(1000, False)
