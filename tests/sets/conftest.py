"""Facts of the shared note, parsed once, for the pure set tests."""

from __future__ import annotations

import pytest

from studyk8s.config import ROOT
from studyk8s.notes import read_notes
from studyk8s.quiz.model import facts_of


@pytest.fixture(scope="session")
def shared_facts_for_sets():
    noteset = read_notes([ROOT / "content" / "notes" / "docker-k8s-1.md"])
    return [f for n in noteset.notes for f in facts_of(n)]
