"""Facts of the shared note, parsed once, and helpers to find questions about them."""

from __future__ import annotations

import pytest

from studyk8s.config import ROOT
from studyk8s.notes import read_notes
from studyk8s.quiz.distractors import Pool
from studyk8s.quiz.model import QFact, facts_of

SHARED_NOTE = ROOT / "content" / "notes" / "docker-k8s-1.md"


@pytest.fixture(scope="session")
def shared_facts() -> list[QFact]:
    noteset = read_notes([SHARED_NOTE])
    assert not noteset.errors
    return [f for n in noteset.notes for f in facts_of(n)]


@pytest.fixture
def pool(shared_facts) -> Pool:
    return Pool(shared_facts)


@pytest.fixture
def fact(shared_facts):
    def find(term: str) -> QFact:
        return next(f for f in shared_facts if f.term == term)

    return find
