"""Import service: one transaction, idempotent, history-preserving, nothing written on error."""

from __future__ import annotations

import gc
from datetime import timedelta

import pytest
from sqlalchemy import event, func, select

from studyk8s.persistence.models import Card, CardState, Fact, Note, ReviewLog, User
from studyk8s.services.content import import_notes
from studyk8s.services.errors import ImportFailed


def counts(session):
    return {m.__name__: session.scalar(select(func.count()).select_from(m))
            for m in (Note, Fact, Card, ReviewLog)}


@pytest.fixture
def writes(session):
    """Counts INSERT/UPDATE/DELETE statements sent to the database."""
    seen = []

    def listener(conn, cursor, statement, params, context, executemany):
        if statement.lstrip().split(None, 1)[0].upper() in {"INSERT", "UPDATE", "DELETE"}:
            seen.append(statement)

    engine = session.get_bind()
    event.listen(engine, "before_cursor_execute", listener)
    yield seen
    event.remove(engine, "before_cursor_execute", listener)


def test_import_shared_note(session, notes_dir, now):
    report = import_notes(session, [notes_dir], now=now)
    assert report.added["notes"] == 1
    assert report.added["facts"] >= 34  # 学习内容 is the study plan since issue 13
    assert report.added["cards"] >= report.added["facts"]
    note = session.scalar(select(Note))
    assert note.title == "Docker+K8s学习1"
    assert note.lang == "zh"
    api = session.scalar(select(Fact).where(Fact.term == "APIServer"))
    assert api.definition == "所有服务访问入口" and api.group == "主要组件" and api.line == 52
    assert any("服务发现" in str(w) for w in report.warnings)
    # one count of askable facts, with why the others make no question
    assert report.askable == 27
    assert report.not_askable["diagram"] == 2 and report.not_askable["no_definition"] == 3
    assert "27 askable facts (not askable: 2 a diagram" in report.summary()
    assert not session.scalar(select(func.count(Card.id)).join(Fact, Fact.id == Card.fact_id)
                              .where(Fact.group == "学习内容"))


def test_reimport_without_changes_writes_nothing(session, notes_dir, now, writes):
    import_notes(session, [notes_dir], now=now)
    before = counts(session)
    writes.clear()
    report = import_notes(session, [notes_dir], now=now + timedelta(days=1))
    assert not report.changed and report.unchanged == 1
    assert writes == []
    assert counts(session) == before


def _user_with_review(session, card, now):
    user = User(email="l@example.com", password_hash="x", created_at=now)
    session.add(user)
    session.flush()
    session.add(CardState(user_id=user.id, card_id=card.id, state=2, stability=3.0,
                          difficulty=5.0, due=now + timedelta(days=3), last_review=now, reps=1))
    session.add(ReviewLog(user_id=user.id, card_id=card.id, client_id="c" * 16, rating=3,
                          reviewed_at=now, state_before={"state": 0}, state_after={}))
    session.commit()
    return user


def test_edited_definition_keeps_card_and_history(session, notes_dir, now):
    import_notes(session, [notes_dir], now=now)
    card = session.scalar(select(Card).join(Fact).where(Fact.term == "APIServer",
                                                        Card.kind == "term_definition"))
    _user_with_review(session, card, now)
    path = notes_dir / "docker-k8s-1.md"
    path.write_text(path.read_text(encoding="utf-8").replace(
        "所有服务访问入口", "所有服务访问的统一入口 (REST)"), encoding="utf-8")
    report = import_notes(session, [notes_dir], now=now + timedelta(days=1))
    assert report.updated["facts"] == 1 and report.added["cards"] == 0
    session.expire_all()
    same = session.get(Card, card.id)
    assert "统一入口" in same.back and same.retired_at is None
    assert session.scalar(select(func.count()).select_from(ReviewLog)) == 1
    assert session.scalar(select(CardState.reps).where(CardState.card_id == card.id)) == 1


def test_removed_fact_retires_cards_but_keeps_history(session, notes_dir, now):
    import_notes(session, [notes_dir], now=now)
    card = session.scalar(select(Card).join(Fact).where(Fact.term == "Prometheus"))
    _user_with_review(session, card, now)
    path = notes_dir / "docker-k8s-1.md"
    original = path.read_text(encoding="utf-8")
    path.write_text(original.replace("- Prometheus: 提供k8s集群监控能力\n", ""), encoding="utf-8")
    report = import_notes(session, [notes_dir], now=now + timedelta(days=1))
    assert report.retired["facts"] == 1 and report.retired["cards"] >= 1
    session.expire_all()
    assert session.get(Card, card.id).retired_at is not None
    assert session.scalar(select(func.count()).select_from(ReviewLog)) == 1
    # Putting the line back brings the same card back, history attached.
    path.write_text(original, encoding="utf-8")
    import_notes(session, [notes_dir], now=now + timedelta(days=2))
    session.expire_all()
    assert session.get(Card, card.id).retired_at is None


def test_removed_note_file_retires_its_deck(session, notes_dir, now):
    import_notes(session, [notes_dir], now=now)
    (notes_dir / "docker-k8s-1.md").rename(notes_dir / "old.txt")
    (notes_dir / "other.md").write_text("# Other\n\n- Pod: smallest unit\n", encoding="utf-8")
    report = import_notes(session, [notes_dir], now=now)
    assert report.retired["notes"] == 1
    assert session.scalar(select(func.count()).select_from(Card).where(
        Card.retired_at.is_(None))) < report.retired["cards"]


BAD_NOTES = {
    "front-matter.md": b"---\ntitle: [unclosed\n---\n# x\n",
    "alias.md": b"---\na: &x 1\nb: *x\n---\n# x\n",
    "tag.md": b"---\nx: !!python/object:os.system ls\n---\n# x\n",
    "binary.md": b"\x00\x01\x02PNG\xff\xfe",
    "latin1.md": "# Caf\xe9\n".encode("latin-1"),
    "empty.md": b"",
}


@pytest.mark.parametrize("name", sorted(BAD_NOTES))
def test_bad_note_writes_nothing(session, notes_dir, now, name):
    import_notes(session, [notes_dir], now=now)
    before = counts(session)
    (notes_dir / name).write_bytes(BAD_NOTES[name])
    with pytest.raises(ImportFailed) as info:
        import_notes(session, [notes_dir], now=now)
    [error] = info.value.errors
    line = str(error)
    assert "\n" not in line and f"{name}:" in line
    assert counts(session) == before


def test_oversized_note_and_empty_directory(session, tmp_path, now):
    big = tmp_path / "big.md"
    big.write_bytes(b"- a: b\n" * 200_000)
    with pytest.raises(ImportFailed, match="big.md:1"):
        import_notes(session, [big], now=now, max_bytes=1_048_576)
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(ImportFailed, match="no notes"):
        import_notes(session, [empty], now=now)
    assert counts(session) == {"Note": 0, "Fact": 0, "Card": 0, "ReviewLog": 0}


def test_import_leaves_the_garbage_collector_as_it_found_it(session, notes_dir, now):
    """The import pauses the cyclic collector for speed; a server left without it would
    grow without bound, so it must be back on afterwards, after a failed import too."""
    import_notes(session, [notes_dir], now=now)
    assert gc.isenabled()
    (notes_dir / "empty.md").write_bytes(b"")
    with pytest.raises(ImportFailed):
        import_notes(session, [notes_dir], now=now)
    assert gc.isenabled()
    (notes_dir / "empty.md").unlink()
    gc.disable()  # someone who turned it off keeps it off
    try:
        import_notes(session, [notes_dir], now=now)
        assert not gc.isenabled()
    finally:
        gc.enable()
