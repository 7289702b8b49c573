"""Questions from facts: deterministic for a seed, balanced across kinds, weighted by topic.

    generate(facts, count, seed, kinds=None, weights=None) -> list[Question]

Each builder (quiz/builders.py) turns one anchor fact into one question (or None when the deck
cannot supply enough honest distractors), and every question passes the quality gate
(quiz/gate.py) before it is kept; facts the gate does not ask about (learning-plan items,
diagrams, bare labels, commands) never anchor a question nor serve as a choice. The generator
walks the facts in a seeded random order, asks each one for the kind the mix is shortest of,
and avoids testing the same fact twice while other facts remain. With ``weights`` (topic →
weight, e.g. CKA's domain weights), the count is split across topics by largest remainder; a
topic matches its facts by heading-path prefix or by list label, the most specific key wins,
and facts matching no key are left out.
"""

from __future__ import annotations

import random
from collections.abc import Iterator, Mapping, Sequence
from itertools import groupby
from operator import attrgetter

from . import gate
from .distractors import Pool, label_of, names_of
from .handson.questions import HANDSON_MIX, is_handson
from .model import QFact, Question
from .variants import BUILDERS, answer_forms, variants_for

KIND_NAMES = ("single", "multiple", "true_false", "matching", "typed", *HANDSON_MIX)
_SECTION, _GROUP, _PARENT = attrgetter("section"), attrgetter("group"), attrgetter("parent")
DEFAULT_MIX: dict[str, float] = {"single": 4, "multiple": 2, "true_false": 2, "matching": 1,
                                 "typed": 2}


def build(pool: Pool, f: QFact, variant: str, rng: random.Random) -> Question | None:
    """One ``variant`` question about ``f``, through the gate: None (and the reason in
    ``pool.log``) when the builder cannot make a fair one or the gate refuses it."""
    q = BUILDERS[variant][1](pool, f, rng)
    if q is None:
        return None
    why = gate.inspect(q, answer_forms(q, f))
    if why:
        pool.log.append(gate.Log(f.key, q.variant, why))
        return None
    return q


# --- the generator ---------------------------------------------------------------------------


def _random_order(indices: Sequence[int], rng: random.Random) -> Iterator[int]:
    """``indices`` in a seeded random order, lazily: drawing 50 from 50,000 costs ~50 draws."""
    n = len(indices)
    if n <= 2048:
        order = list(indices)
        rng.shuffle(order)
        yield from order
        return
    taken: set[int] = set()
    for _ in range(n):
        i = rng.randrange(n)
        if i not in taken:
            taken.add(i)
            yield indices[i]
    rest = [indices[i] for i in range(n) if i not in taken]
    rng.shuffle(rest)
    yield from rest


class _Mix:
    """Picks the kind the attempt is most short of, so any count gets a balanced mix."""

    def __init__(self, mix: Mapping[str, float]):
        total = sum(mix.values())
        self.share = {k: v / total for k, v in mix.items() if v > 0}
        self.done = dict.fromkeys(self.share, 0)
        self.n = 0

    def ranked(self, rng: random.Random) -> list[str]:
        n = self.n + 1
        return sorted(self.share, key=lambda k: (-(self.share[k] * n - self.done[k]),
                                                 rng.random()))

    def add(self, kind: str) -> None:
        self.done[kind] += 1
        self.n += 1


class _Tried:
    """What one generate call has tried: (variant, content) pairs, and per fact index its
    content and variants (worked out once) and whether nothing is left to try on it."""

    def __init__(self) -> None:
        self.pairs: set[tuple] = set()
        self.shapes: dict[int, tuple[tuple, list[str]]] = {}
        self.dead: set[int] = set()
        self.dead_copies: set[tuple] = set()  # (kind, parent, content) of such facts


def _fill(pool: Pool, indices: Sequence[int], need: int, rng: random.Random, mix: _Mix,
          used: set[str], seen: set[tuple[str, str, str]], tried: _Tried,
          passes: tuple[bool, ...] = (False, True)) -> list[Question]:
    """Up to ``need`` questions anchored on ``indices``: first on facts no question tests
    yet, then (later passes, while they find something) on any fact, each time with a
    variant not tried on it yet."""
    out: list[Question] = []
    if need <= 0:
        return out
    done_pairs: set[tuple[str, str]] = set()
    schedule = list(passes)
    while schedule:
        second_pass = schedule.pop(0)
        before = len(out)
        for i in _random_order(indices, rng):
            if len(out) >= need:
                return out
            if i in tried.dead:  # every variant of it tried already: nothing left to do
                continue
            f = pool.facts[i]
            if not second_pass and f.key in used:
                continue
            # a fact outside a labelled list is askable by its own content: a copy of one whose
            # every variant was tried is skipped before it is judged
            same = None if gate.grouped(f) else (f.kind, f.parent, f.term, f.definition,
                                                  f.items, f.cloze, f.group)
            if same is not None and same in tried.dead_copies:
                tried.dead.add(i)
                continue
            if not pool.askable(f):
                continue
            # (variant, content) pairs already tried are skipped before any work: a fact copied
            # into many decks is asked about once.
            shape = tried.shapes.get(i)
            if shape is None:
                shape = tried.shapes[i] = (
                    (f.term, f.definition, f.items, f.cloze, f.group),
                    [v for v in variants_for(f) if BUILDERS[v][0] in mix.share])
            content, mine = shape
            pairs = tried.pairs
            variants = [v for v in mine if (v, content) not in pairs
                        and (f.key, v) not in done_pairs]
            if not variants:
                if all((v, content) in pairs for v in mine):
                    tried.dead.add(i)  # for good: tried pairs are never untried
                    if same is not None:
                        tried.dead_copies.add(same)
                continue
            by_kind: dict[str, list[str]] = {}
            for v in variants:
                by_kind.setdefault(BUILDERS[v][0], []).append(v)
            for kind in mix.ranked(rng):
                tries = by_kind.get(kind, [])
                rng.shuffle(tries)
                q = None
                for v in tries:
                    done_pairs.add((f.key, v))
                    pairs.add((v, content))
                    q = build(pool, f, v, rng)
                    if q is not None:
                        sig = (q.variant, q.prompt, q.context)
                        # one "which term is this point about?" per term and attempt: three
                        # questions answered "StatefulSet" test one thing three times
                        parent = ("parent", str(q.meta.get("parent", "")), "")
                        if sig in seen or (parent[1] and parent in seen):
                            q = None
                            continue
                        seen.add(sig)
                        if parent[1]:
                            seen.add(parent)
                        break
                if q is not None:
                    out.append(q)
                    used.update(q.facts)
                    mix.add(q.kind)
                    break
        if second_pass and len(out) > before and len(out) < need:
            schedule.append(True)  # every fact may be asked again, another way
        if schedule:  # the next pass does not walk the facts this one found unaskable
            indices = pool.known_askable(indices)
    return out


def _weight_key(f: QFact, keys: Sequence[tuple[str, tuple[str, ...]]]) -> str | None:
    """The most specific weight key matching ``f``: a heading-path prefix or the list label."""
    parts = f.topic_parts
    best: tuple[int, str] | None = None
    for key, kparts in keys:
        hit = parts[: len(kparts)] == kparts or (len(kparts) == 1 and kparts[0] == label_of(f))
        if hit and (best is None or len(kparts) > best[0]):
            best = (len(kparts), key)
    return best[1] if best else None


def allocate(count: int, weights: Mapping[str, float]) -> dict[str, int]:
    """Split ``count`` by ``weights`` with the largest-remainder method (ties by order)."""
    total = sum(w for w in weights.values() if w > 0)
    if count <= 0 or total <= 0:
        return dict.fromkeys(weights, 0)
    exact = {k: count * w / total if w > 0 else 0.0 for k, w in weights.items()}
    out = {k: int(v) for k, v in exact.items()}
    left = count - sum(out.values())
    for k in sorted(exact, key=lambda k: -(exact[k] - out[k]))[:left]:
        out[k] += 1
    return out


def split_by_weight(facts: Sequence[QFact], weights: Mapping[str, float]) -> dict[str, list[int]]:
    """Fact indices per weight key (facts matching no key are left out)."""
    keys = [(k, tuple(p.strip() for p in k.split(">"))) for k in weights]
    words = {p for _, kparts in keys for p in kparts}  # a label no key names cannot matter
    words.discard("")  # no label is the same as an unnamed one
    memo: dict[tuple, str | None] = {}
    buckets: dict[str, list[int]] = {k: [] for k in weights}
    missing = object()

    def key_of(f: QFact) -> str | None:
        label = f.group or f.parent
        sig = (f.section, label if label in words else "", "" if f.section else f.deck_title)
        k = memo.get(sig, missing)
        if k is missing:
            k = memo[sig] = _weight_key(f, keys)
        return k

    # Facts of one section come in runs. A run whose labels no key names has one key for all
    # its facts: one look-up per run, its indices added in C (34,000 facts: ~4,000 runs).
    pos = 0
    for section, run in groupby(map(_SECTION, facts)):
        start, pos = pos, pos + len(list(run))
        chunk = facts[start:pos]
        if section and words.isdisjoint(map(_GROUP, chunk)) and words.isdisjoint(
                map(_PARENT, chunk)):
            k = key_of(chunk[0])
            if k is not None:
                buckets[k].extend(range(start, pos))
            continue
        for i, f in enumerate(chunk, start):
            k = key_of(f)
            if k is not None:
                buckets[k].append(i)
    return buckets


def generate(facts: Sequence[QFact], count: int, seed: int, *,
             kinds: Sequence[str] | None = None,
             weights: Mapping[str, float] | None = None,
             topics: Sequence[str] | None = None) -> list[Question]:
    """``generate_logged`` without the log."""
    return _generate(facts, count, seed, kinds, weights, topics)[0]


def generate_logged(facts: Sequence[QFact], count: int, seed: int, *,
                    kinds: Sequence[str] | None = None,
                    weights: Mapping[str, float] | None = None,
                    topics: Sequence[str] | None = None
                    ) -> tuple[list[Question], list[gate.Log]]:
    """``generate``, and every fact, question and variant the gate refused or rewrote."""
    out, pool = _generate(facts, count, seed, kinds, weights, topics)
    return out, pool.skipped() + pool.log


def _generate(facts: Sequence[QFact], count: int, seed: int, kinds: Sequence[str] | None,
              weights: Mapping[str, float] | None, topics: Sequence[str] | None
              ) -> tuple[list[Question], Pool]:
    """Up to ``count`` questions (fewer only if the facts cannot make more), in a seeded
    random order. Same facts + same seed + same options → the same questions.

    ``topics`` limits what is asked about (heading paths or list labels, as for weights);
    every fact still serves as a distractor within its deck.
    """
    rng = random.Random(seed)
    pool = Pool(facts)  # screens each deck it uses: plan items never reach a builder
    mix = dict(DEFAULT_MIX)
    if any(map(is_handson, facts)):  # hands-on kinds join the mix only where they can be made
        mix.update(HANDSON_MIX)
    mix_weights = {k: v for k, v in mix.items() if not kinds or k in kinds}
    mix = _Mix(mix_weights or DEFAULT_MIX)
    used: set[str] = set()
    seen: set[tuple[str, str, str]] = set()
    tried = _Tried()
    anchors: Sequence[int] = range(len(pool.facts))
    if topics:
        in_scope = split_by_weight(pool.facts, dict.fromkeys(topics, 1.0))
        anchors = sorted({i for bucket in in_scope.values() for i in bucket})
    if weights:
        weights = {k: float(v) for k, v in weights.items() if float(v) > 0}
    if weights:
        buckets = split_by_weight(pool.facts, weights)
        if topics:
            keep = set(anchors)
            buckets = {k: [i for i in b if i in keep] for k, b in buckets.items()}
        live = {k: w for k, w in weights.items() if buckets[k]}
        plan = allocate(count, live)
        out: list[Question] = []
        for k in live:
            got = _fill(pool, buckets[k], plan[k], rng, mix, used, seen, tried)
            if len(got) < plan[k]:  # short of askable facts: not walked again in full
                buckets[k] = pool.known_askable(buckets[k])
            out += got
        for passes in ((False,), (True,)):  # a topic short of facts hands its share on
            for k in live:
                if len(out) < count:
                    out += _fill(pool, buckets[k], count - len(out), rng, mix, used, seen,
                                 tried, passes)
    else:
        out = _fill(pool, anchors, count, rng, mix, used, seen, tried)
    rng.shuffle(out)
    return out[:count], pool


def question_about(facts: Sequence[QFact], key: str, kind: str, seed: int
                   ) -> tuple[Question | None, list[gate.Log]]:
    """A ``kind`` question about the fact ``key`` (distractors from its deck), through the
    same gate as every generated question; None when that fact cannot make one."""
    fact = next((f for f in facts if f.key == key), None)
    if fact is None:
        return None, []
    pool = Pool([f for f in facts if f.deck == fact.deck])
    if not pool.askable(fact):
        return None, [gate.Log(key, "fact", pool.reason(fact))]
    rng = random.Random(seed)
    variants = [v for v in variants_for(fact) if BUILDERS[v][0] == kind]
    rng.shuffle(variants)
    for v in variants:
        q = build(pool, fact, v, rng)
        if q is not None:
            return q, pool.log
    return None, pool.log


__all__ = ["BUILDERS", "DEFAULT_MIX", "KIND_NAMES", "allocate", "build", "generate",
           "generate_logged", "names_of", "question_about", "split_by_weight", "variants_for"]
