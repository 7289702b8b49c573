"""Exam generation speed: a 50-question exam drawn from the facts of 1,000 synthetic notes (the
issue's target: under 50 ms), and from the shared note alone. Medians of several runs; the
facts are parsed once, outside the timing (the service loads them from the database)."""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

from studyk8s.notes import read_notes
from studyk8s.quiz.generate import generate
from studyk8s.quiz.model import facts_of

from .import_notes import SHARED, make_corpus

ROWS = ("exam_generate_50_ms", "exam_generate_50_weighted_ms", "exam_generate_50_one_note_ms")
N_NOTES = 1000
RUNS = 15
COUNT = 50
# CKA-style topic weights over the shared note's headings.
WEIGHTS = {"简介 > k8s架构": 40, "Pod": 35, "简介 > 学习内容": 15, "简介 > K8s优点": 10}


def _median_ms(fn) -> float:
    times = []
    for seed in range(RUNS):
        t0 = time.perf_counter()
        questions = fn(seed)
        times.append((time.perf_counter() - t0) * 1000)
        assert len(questions) == COUNT, len(questions)
    return statistics.median(times)


def run() -> list[dict]:
    from .__main__ import row

    with tempfile.TemporaryDirectory() as tmp:
        notes = Path(tmp) / "notes"
        notes.mkdir()
        make_corpus(notes, N_NOTES)
        noteset = read_notes([notes])
    facts = [f for n in noteset.notes for f in facts_of(n)]
    one = [f for n in read_notes([SHARED]).notes for f in facts_of(n)]
    many = _median_ms(lambda seed: generate(facts, COUNT, seed))
    weighted = _median_ms(lambda seed: generate(facts, COUNT, seed, weights=WEIGHTS))
    single = _median_ms(lambda seed: generate(one, COUNT, seed))
    target = "issue 4 target (1,000 notes)"
    return [
        row("exam_generate_50_ms", many, "ms", target, 50.0),
        row("exam_generate_50_weighted_ms", weighted, "ms", target, 50.0),
        row("exam_generate_50_one_note_ms", single, "ms", "brief target (shared note)", 100.0),
    ]


if __name__ == "__main__":
    for r in run():
        print(r)
