"""`flask sets …`, `flask export …`, `flask import …` through the CLI runner, on real files."""

from __future__ import annotations

import sqlite3
import zipfile

import pytest

from studyk8s.persistence.models import Card, QuizSet, SetQuestion
from tests.sets.helpers import EXAMPLE_SET, counts, make_user, write


@pytest.fixture
def setup(runner, session, now):
    result = runner.invoke(args=["notes", "import"])
    assert result.exit_code == 0, result.output
    make_user(session, "admin@example.com", "admin", now=now)
    make_user(session, "teach@example.com", "instructor", now=now)
    return runner


def test_sets_check_ok(runner):
    result = runner.invoke(args=["sets", "check", str(EXAMPLE_SET)])
    assert result.exit_code == 0, result.output
    assert "1 sets, 11 questions, 0 warnings, 0 errors" in result.output


def test_sets_check_reports_path_line_and_exits_1(runner, tmp_path):
    write(tmp_path / "bad.yaml", "title: T\nquestions:\n  - kind: single\n    prompt: p\n"
                                 "    choices: [a, b]\n  - from_notes: {deck: no.md}\n")
    result = runner.invoke(args=["sets", "check", str(tmp_path)])
    assert result.exit_code == 1
    lines = [ln for ln in result.output.splitlines() if "bad.yaml:" in ln]
    assert lines[0].endswith("bad.yaml:5: error: choices: one answer must be worth 100% "
                             "(mark it correct: true)")
    assert "1 errors" in result.output


def test_sets_check_resolves_draws_against_note_files(runner, tmp_path):
    write(tmp_path / "d.yaml", "title: T\nquestions:\n  - from_notes: {deck: nowhere.md}\n")
    result = runner.invoke(args=["sets", "check", str(tmp_path / "d.yaml")])
    assert result.exit_code == 1 and "d.yaml:3: error: from_notes: no deck" in result.output


def test_sets_import_is_idempotent(setup, session):
    first = setup.invoke(args=["sets", "import", str(EXAMPLE_SET), "--owner",
                               "teach@example.com"])
    assert first.exit_code == 0, first.output
    assert "1 added, 0 updated, 0 unchanged" in first.output
    before = counts(session, QuizSet, SetQuestion)
    second = setup.invoke(args=["sets", "import", str(EXAMPLE_SET)])
    assert second.exit_code == 0 and "0 added, 0 updated, 1 unchanged" in second.output
    assert counts(session, QuizSet, SetQuestion) == before
    listing = setup.invoke(args=["sets", "list"])
    assert "docker-k8s-1\tpublished\tv1\t11 questions\tteach@example.com" in listing.output


def test_sets_import_failure_writes_nothing(setup, session, tmp_path):
    write(tmp_path / "a.yaml", EXAMPLE_SET.read_text(encoding="utf-8"))
    write(tmp_path / "b.yaml", "title: [\n")
    result = setup.invoke(args=["sets", "import", str(tmp_path)])
    assert result.exit_code == 1 and "b.yaml:" in result.output
    assert "nothing written" in result.output
    assert counts(session, QuizSet, SetQuestion) == {"quiz_sets": 0, "set_questions": 0}


def test_export_and_import_gift(setup, session, tmp_path):
    setup.invoke(args=["sets", "import", str(EXAMPLE_SET)])
    out = tmp_path / "set.gift"
    result = setup.invoke(args=["export", "gift", "--set", "docker-k8s-1", "-o", str(out)])
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    assert "::CRI::[markdown]" in text and "$CATEGORY:" in text
    result = setup.invoke(args=["import", "gift", str(out), "--set", "copy", "--publish"])
    assert result.exit_code == 0, result.output
    assert "13 questions into set 'copy' (published v1)" in result.output
    before = counts(session, QuizSet, SetQuestion)
    again = setup.invoke(args=["import", "gift", str(out), "--set", "copy"])
    assert again.exit_code == 0 and counts(session, QuizSet, SetQuestion) == before
    missing = setup.invoke(args=["export", "gift", "--set", "nope", "-o", str(out)])
    assert missing.exit_code != 0 and "no set 'nope'" in missing.output


def test_import_gift_errors(setup, session, tmp_path):
    bad = write(tmp_path / "bad.gift", "::a:: ok {T}\n\n::b:: {=x ~y\n")
    result = setup.invoke(args=["import", "gift", str(bad)])
    assert result.exit_code == 1
    assert "bad.gift:3: error: unbalanced braces" in result.output
    assert counts(session, QuizSet, SetQuestion) == {"quiz_sets": 0, "set_questions": 0}


def test_export_apkg_and_csv(setup, session, tmp_path):
    apkg = tmp_path / "deck.apkg"
    result = setup.invoke(args=["export", "apkg", "--deck", "docker-k8s-1.md", "-o",
                                str(apkg)])
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(apkg) as z:
        (tmp_path / "c.anki2").write_bytes(z.read("collection.anki2"))
    conn = sqlite3.connect(tmp_path / "c.anki2")
    [(n,)] = conn.execute("SELECT count(*) FROM notes").fetchall()
    conn.close()
    assert n == counts(session, Card)["cards"]
    csv_out = tmp_path / "deck.csv"
    result = setup.invoke(args=["export", "csv", "--deck", "Docker+K8s学习1", "-o",
                                str(csv_out)])
    assert result.exit_code == 0
    assert csv_out.read_text(encoding="utf-8-sig").startswith("front,back,deck,tags")
    result = setup.invoke(args=["export", "csv", "--deck", "nope.md", "-o", str(csv_out)])
    assert result.exit_code != 0 and "no deck 'nope.md'" in result.output


def test_import_csv(setup, session, tmp_path):
    src = write(tmp_path / "cards.csv", "front,back,tags\nPod,smallest unit,basics\n"
                                        "Job,runs once,\n")
    result = setup.invoke(args=["import", "csv", str(src), "--deck", "k8s"])
    assert result.exit_code == 0, result.output
    assert "1 decks: 2 cards added, 0 updated, 0 unchanged" in result.output
    again = setup.invoke(args=["import", "csv", str(src), "--deck", "k8s"])
    assert "0 cards added, 0 updated, 2 unchanged" in again.output
    bad = write(tmp_path / "bad.csv", "front,back\nPod,\n")
    before = counts(session, Card)
    result = setup.invoke(args=["import", "csv", str(bad)])
    assert result.exit_code == 1 and "bad.csv:2: error: the back is empty" in result.output
    assert counts(session, Card) == before
