"""`flask quiz …`: the questions a quiz over a deck would ask, for checking content."""

from __future__ import annotations

import json
import sys

import click
from flask import current_app
from flask.cli import AppGroup

from ..quiz.generate import KIND_NAMES

quiz_cli = AppGroup("quiz", help="Quizzes: print the questions a deck gives.")


@quiz_cli.command("generate")
@click.option("--deck", "deck", required=True, type=click.Path(exists=True),
              help="A note (or a folder of notes) to draw from.")
@click.option("--count", default=20, show_default=True, type=click.IntRange(1, 1000))
@click.option("--seed", default=0, show_default=True, type=int)
@click.option("--kind", "kinds", multiple=True, type=click.Choice(KIND_NAMES),
              help="Only these question kinds (repeatable).")
@click.option("--json", "as_json", is_flag=True, help="Print the questions as JSON.")
def generate_cmd(deck, count, seed, kinds, as_json):
    """Print the questions a quiz over DECK would ask (prompt, kind, choices, answer, source),
    for checking content. The same seed always gives the same questions."""
    from ..notes import read_notes
    from ..quiz.generate import generate
    from ..quiz.kinds import answer_text
    from ..quiz.model import facts_of

    noteset = read_notes([deck], max_bytes=current_app.config["MAX_NOTE_BYTES"])
    for error in noteset.errors:
        click.echo(str(error), err=True)
    facts = [f for n in noteset.notes for f in facts_of(n)]
    questions = generate(facts, count, seed, kinds=list(kinds) or None)
    if as_json:
        doc = {"deck": deck, "seed": seed, "count": len(questions), "questions": [
            {"position": i, "kind": q.kind, "variant": q.variant, "prompt": q.prompt,
             "context": q.context, "choices": list(q.choices), "left": list(q.left),
             "answer": q.answer, "answer_text": answer_text(q), "accepted": list(q.accepted),
             "source": q.source, "topic": q.topic, "lang": q.lang}
            for i, q in enumerate(questions)]}
        click.echo(json.dumps(doc, ensure_ascii=False, indent=2))
    else:
        for i, q in enumerate(questions, 1):
            click.echo(f"{i}. [{q.kind}] {q.prompt}" + (f" {q.context}" if q.context else ""))
            for term in q.left:
                click.echo(f"     · {term}")
            for j, choice in enumerate(q.choices):
                click.echo(f"   {chr(65 + j)}. {choice}")
            click.echo(f"   → {answer_text(q)}    ({q.source})")
    if len(questions) < count:
        click.echo(f"only {len(questions)} questions could be made", err=True)
    sys.exit(1 if noteset.errors else 0)
