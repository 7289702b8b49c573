"""The pure part of importing a note: parse it and build its fact and card rows, with the
counts the import report needs. No database here, so the CLI import can do this for many
notes in a second process while the first does its own share (see ``prepare_all``)."""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Sequence
from dataclasses import dataclass

from ..cards import fact_key, generate_cards_logged
from ..notes import NoteError, ParsedNote, Problem, parse_note
from ..notes.handson import attach
from ..quiz import gate
from ..quiz.handson.questions import screen
from ..quiz.model import facts_of, handson_facts_of

# Below this many changed notes a second process costs more than it saves (fork, and the
# rows pickled back: about a tenth of the work it takes over).
POOL_MIN_NOTES = 200


@dataclass
class Prepared:
    """What the import writes for one note, and what it adds to the report."""

    path: str
    title: str
    lang: str
    content_hash: str
    warnings: tuple[Problem, ...]
    facts: dict[str, dict]  # fact key → row (no note_id)
    cards: list[dict]  # card rows in note order; ``fact_id`` holds the fact's key
    askable: int
    not_askable: dict[str, int]
    gate: dict[str, int]
    handson: int


def prepare(parsed: ParsedNote) -> Prepared:
    screening = screen(facts_of(parsed) + handson_facts_of(parsed))
    specs, log = generate_cards_logged(parsed)
    facts = fact_rows(parsed)
    names = _names(facts.values())
    cards = {s.key: {"key": s.key, "kind": s.kind, "front": s.front, "back": s.back,
                     "diagram": s.diagram, "section": " > ".join(s.section),
                     "line": int(s.source.rsplit(":", 1)[1]), "position": s.position,
                     "fact_id": s.fact_key,
                     "search_text": search_text(s.front, s.back, names.get(s.fact_key, ""))}
             for s in specs}  # one row per key
    return Prepared(parsed.path, parsed.title, parsed.lang, parsed.content_hash,
                    parsed.warnings, facts, list(cards.values()), screening.count,
                    screening.by_reason(), gate.count(log), len(parsed.handson))


def _names(fact_rows) -> dict[str, str]:
    """Fact key → its term and aliases: what a card's search text adds to its two sides."""
    return {r["key"]: " ".join([r["term"], *r["data"].get("aliases", ())]) for r in fact_rows}


def search_text(front: str, back: str, names: str) -> str:
    """What the card browser's words search, lowercased once here (``services.browse``): the
    sides without Markdown's emphasis marks, the term and its aliases."""
    return " ".join((front, back, names)).replace("**", "").replace("`", "").lower()


def _parse(name: str, data: bytes) -> ParsedNote | NoteError:
    try:
        return attach(parse_note(data, name), data)
    except NoteError as e:
        return e


def prepare_all(items: Sequence[tuple[str, bytes]], parallel: bool | None = None
                ) -> list[Prepared | NoteError]:
    """``prepare`` of each note (name, bytes), or the error that stops it, in order. With
    many notes and an idle core (or ``parallel=True``), a forked child prepares the second
    half while this process prepares the first; otherwise (a busy machine, where a second
    process only competes with the first) one after the other."""
    if not _worth_a_child(len(items), parallel):
        return _prepare_many(items)
    half = len(items) // 2
    ctx = multiprocessing.get_context("fork")  # the child gets ``items`` without a copy
    recv, send = ctx.Pipe(duplex=False)
    child = ctx.Process(target=_child, args=(send, items[half:]), daemon=True)
    child.start()
    send.close()
    try:
        first = _prepare_many(items[:half])
        try:
            rest = recv.recv()
        except EOFError:  # the child died: do its share here
            rest = None
    finally:
        recv.close()
        child.join()
    # a child that failed unexpectedly sends None: its share again here, raising the same
    return first + (rest if rest is not None else _prepare_many(items[half:]))


def _prepare_many(items: Sequence[tuple[str, bytes]]) -> list[Prepared | NoteError]:
    # all parsed, then all prepared (measured: a few per cent quicker than note by note)
    parsed = [_parse(name, data) for name, data in items]
    return [p if isinstance(p, NoteError) else prepare(p) for p in parsed]


def _child(send, items) -> None:
    try:
        result = _prepare_many(items)
    except BaseException:  # noqa: BLE001 - the parent redoes this share and raises it
        result = None
    send.send(result)
    send.close()


def _worth_a_child(n: int, parallel: bool | None) -> bool:
    if parallel is not None:
        return parallel and n >= 2
    cpus = os.cpu_count() or 1
    if n < POOL_MIN_NOTES or cpus < 2:
        return False
    try:
        load = os.getloadavg()[0]
    except OSError:
        return False
    return load < cpus - 0.5  # a core is idle


def fact_rows(parsed: ParsedNote) -> dict[str, dict]:
    """Fact key → row for the facts and hands-on facts of ``parsed``, in note order."""
    wanted = {}
    for pos, fact in enumerate((*parsed.facts, *parsed.handson)):
        row = _fact_row(parsed, pos, fact)
        wanted[row["key"]] = row
    return wanted


def _fact_row(parsed: ParsedNote, position: int, fact) -> dict:
    # Only the non-empty extras go into ``data``; built by hand because dataclasses.asdict
    # was a third of the import time.
    extras = {
        "aliases": list(fact.aliases),
        "items": list(fact.items),
        "edges": [{"source": e.source, "target": e.target, "label": e.label,
                   "bidirectional": e.bidirectional} for e in fact.edges],
        "parent": fact.parent,
        "cloze": fact.cloze,
        "diagram": fact.diagram,
    }
    return {
        "key": fact_key(parsed.path, fact),
        "kind": fact.kind,
        "term": fact.term,
        "definition": fact.definition,
        "group": fact.group,
        "section": " > ".join(fact.section),
        "line": fact.line,
        "position": position,
        "data": {k: v for k, v in extras.items() if v},
    }
