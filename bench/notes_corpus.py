"""Recall and precision of the notes reader on the hand-written corpus (tests/notes/corpus/):
scored definitions, abbreviations, properties and enumerations with their aliases and groups,
counted exactly as tests/notes/test_corpus.py counts them (the same corpus_score module)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

ROWS = ("notes_corpus_recall", "notes_corpus_precision")
SCORER = Path(__file__).resolve().parent.parent / "tests" / "notes" / "corpus_score.py"


def _scorer():
    """tests/ is not a package: load the shared scoring module by its path."""
    if "corpus_score" in sys.modules:
        return sys.modules["corpus_score"]
    spec = importlib.util.spec_from_file_location("corpus_score", SCORER)
    mod = importlib.util.module_from_spec(spec)
    sys.modules["corpus_score"] = mod
    spec.loader.exec_module(mod)
    return mod


def run() -> list[dict]:
    from .__main__ import row

    recall, precision, scores = _scorer().corpus_figures()
    print(f"# notes_corpus: {len(scores)} notes, "
          f"{sum(s.matched for s in scores)} matched of {sum(s.expected for s in scores)} "
          f"expected, {sum(s.produced for s in scores)} produced", file=sys.stderr)
    target = "target (issue 13)"
    return [
        row("notes_corpus_recall", recall, "ratio", target, 0.97),
        row("notes_corpus_precision", precision, "ratio", target, 0.97),
    ]


if __name__ == "__main__":
    for r in run():
        print(r)
