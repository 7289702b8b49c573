"""Parse and import 1,000 synthetic notes built from the shared note's patterns, then re-import
with nothing changed. Medians of a few runs, each on a fresh SQLite file (WAL)."""

from __future__ import annotations

import re
import statistics
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from studyk8s.config import ROOT
from studyk8s.migrate import upgrade
from studyk8s.notes import read_notes
from studyk8s.persistence.engine import make_engine, make_session_factory
from studyk8s.services.content import import_notes

ROWS = ("parse_1000_notes_s", "import_1000_notes_s", "reimport_nochange_s")
N_NOTES = 1000
RUNS = 3
SHARED = ROOT / "content" / "notes" / "docker-k8s-1.md"
TERM_LINE = re.compile(r"^(\s*(?:[-*]|\d+\.)?\s*)([A-Za-z][\w\- ]*?)(\(\w+\))?([:：])", re.M)


def make_corpus(directory: Path, n: int = N_NOTES) -> None:
    """Each note is the shared note with its terms renamed, so every note has its own facts."""
    text = SHARED.read_text(encoding="utf-8")
    for i in range(n):
        body = TERM_LINE.sub(lambda m, i=i: f"{m[1]}{m[2]}{i}{m[3] or ''}{m[4]}", text)
        body = body.replace('title: "Docker+K8s学习1"', f'title: "K8s笔记 {i}"')
        (directory / f"note-{i:04d}.md").write_text(body, encoding="utf-8")


def run() -> list[dict]:
    from .__main__ import row

    parse_t, import_t, reimport_t = [], [], []
    with tempfile.TemporaryDirectory() as tmp:
        notes = Path(tmp) / "notes"
        notes.mkdir()
        make_corpus(notes)
        for r in range(RUNS):
            t0 = time.perf_counter()
            noteset = read_notes([notes])
            parse_t.append(time.perf_counter() - t0)
            assert not noteset.errors and len(noteset.notes) == N_NOTES
            engine = make_engine(f"sqlite:///{tmp}/bench-{r}.db")
            upgrade(engine)
            sessions = make_session_factory(engine)
            now = datetime.now(UTC)
            with sessions() as s:
                t0 = time.perf_counter()
                report = import_notes(s, [notes], now=now)
                import_t.append(time.perf_counter() - t0)
                assert report.added["notes"] == N_NOTES
            with sessions() as s:
                t0 = time.perf_counter()
                report = import_notes(s, [notes], now=now)
                reimport_t.append(time.perf_counter() - t0)
                assert not report.changed
            engine.dispose()
    med = statistics.median
    return [
        row("parse_1000_notes_s", med(parse_t), "s", "target (issue 2)", 5.0),
        row("import_1000_notes_s", med(import_t), "s", "target (issue 2)", 5.0),
        row("reimport_nochange_s", med(reimport_t), "s", "target (issue 2)", 1.0),
    ]
