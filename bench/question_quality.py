"""Question and card quality on the shared note and the notes corpus (tests/notes/corpus/):
how many generated questions contain their own answer (goal 0; checked by
``quiz.report.contains_answer``, a plain folded search written apart from the gate), how many
show a blank where it gives the answer away, how many facts are askable, and what the gate
dropped or rewrote, by reason. Several seeds per note, as `flask notes report` does."""

from __future__ import annotations

import sys
from pathlib import Path

from studyk8s.notes import read_notes
from studyk8s.quality import quality

ROWS = ("questions_containing_answer", "questions_with_blank_shown", "questions_generated",
        "askable_facts_shared_note", "askable_facts_corpus", "facts_corpus",
        "gate_dropped_questions", "gate_rewritten_questions")
ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT / "content" / "notes" / "docker-k8s-1.md"
CORPUS = ROOT / "tests" / "notes" / "corpus"
SEEDS = range(10)
COUNT = 40


def run() -> list[dict]:
    from .__main__ import row

    shared = quality(read_notes([SHARED]).notes, seeds=SEEDS, count=COUNT)
    corpus_notes = read_notes([CORPUS]).notes if CORPUS.is_dir() else []
    corpus = quality(corpus_notes, seeds=SEEDS, count=COUNT)
    for name, r in (("shared note", shared), (f"corpus ({len(corpus_notes)} notes)", corpus)):
        print(f"# question_quality, {name}:", file=sys.stderr)
        for line in r.lines():
            print(f"#   {line}", file=sys.stderr)
        for q in (r.containing_answer + r.with_blank)[:5]:
            print(f"#   BAD {q.source} {q.variant}: {q.prompt} {q.context} {q.choices}",
                  file=sys.stderr)
    both = (shared, corpus)
    dropped = sum(n for r in both for k, n in r.question_gate.items() if k.startswith("dropped"))
    rewritten = sum(n for r in both for k, n in r.question_gate.items()
                    if k.startswith("rewritten"))
    goal = "goal (issue 14)"
    made = "made in this run"
    return [
        row("questions_containing_answer", sum(len(r.containing_answer) for r in both),
            "questions", goal, 0),
        row("questions_with_blank_shown", sum(len(r.with_blank) for r in both), "questions",
            goal, 0),
        row("questions_generated", sum(r.questions for r in both), "questions", made, 0),
        row("askable_facts_shared_note", shared.askable, "facts", "facts in the shared note",
            shared.facts),
        row("askable_facts_corpus", corpus.askable, "facts", "facts in the corpus",
            corpus.facts),
        row("facts_corpus", corpus.facts, "facts", made, 0),
        row("gate_dropped_questions", dropped, "variants", made, 0),
        row("gate_rewritten_questions", rewritten, "questions", made, 0),
    ]


if __name__ == "__main__":
    for r in run():
        print(r)
