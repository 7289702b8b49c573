"""Questions from facts: deterministic for a seed, balanced across kinds, weighted by topic.

    generate(facts, count, seed, kinds=None, weights=None) -> list[Question]

Each builder turns one anchor fact into one question (or None when the deck cannot supply
enough honest distractors). The generator walks the facts in a seeded random order, asks each
one for the kind the mix is shortest of, and avoids testing the same fact twice while other
facts remain. With ``weights`` (topic → weight, e.g. CKA's domain weights), the count is split
across topics by largest remainder; a topic matches its facts by heading-path prefix or by list
label, the most specific key wins, and facts matching no key are left out.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator, Mapping, Sequence
from itertools import chain, islice

from ..notes.model import ABBREVIATION, PROPERTY, STATEMENT
from .distractors import (
    DeckIndex,
    Pool,
    is_term_fact,
    label_of,
    mask,
    names_of,
    pick,
)
from .i18n import join, t
from .model import QFact, Question
from .normalize import normalize

KIND_NAMES = ("single", "multiple", "true_false", "matching", "typed")
DEFAULT_MIX: dict[str, float] = {"single": 4, "multiple": 2, "true_false": 2, "matching": 1,
                                 "typed": 2}
SINGLE_CHOICES = 4
MULTI_CHOICES = 5
MIN_CHOICES = 3  # a single-choice question needs at least two wrong choices
MATCH_MIN, MATCH_MAX = 4, 6
MAX_TYPED_TERM = 40

Builder = Callable[[Pool, QFact, random.Random], "Question | None"]


def _blank(lang: str) -> str:
    return t(lang, "blank")


def _show_def(f: QFact) -> str:
    """A description as shown in a question: the term it describes is blanked out."""
    return mask(f.definition, (f.term, *f.aliases), _blank(f.lang))


def _term_label(f: QFact) -> str:
    return f"{f.term} ({', '.join(f.aliases)})" if f.aliases else f.term


def _explain(f: QFact) -> str:
    return f"{_term_label(f)}{t(f.lang, 'sep')}{f.definition}"


def _base(f: QFact, **kw) -> dict:
    return {"lang": f.lang, "source": f.source, "topic": f.topic, "facts": (f.key,), **kw}


def _shuffled(correct: list[str], wrong: list[str],
              rng: random.Random) -> tuple[list[str], list[int]]:
    choices = [*correct, *wrong]
    order = list(range(len(choices)))
    rng.shuffle(order)
    shuffled = [choices[i] for i in order]
    return shuffled, sorted(order.index(i) for i in range(len(correct)))


# --- single choice ---------------------------------------------------------------------------


def build_definition_term(pool: Pool, f: QFact, rng: random.Random) -> Question | None:
    """Description → which term? Wrong choices are sibling terms (never an alias of the
    answer, never a term with the same description)."""
    if not is_term_fact(f):
        return None
    deck = pool.deck(f.deck)
    tiers = [(r.term for r in tier) for tier in deck.rivals(f)]
    wrong = pick(tiers, SINGLE_CHOICES - 1, like=f.term, exclude=deck.names(f) | {f.term},
                 rng=rng)
    if len(wrong) < MIN_CHOICES - 1:
        return None
    choices, answer = _shuffled([f.term], wrong, rng)
    label = label_of(f) if f.group else ""
    prompt = (t(f.lang, "definition_term_group", group=label) if label
              else t(f.lang, "definition_term"))
    context = _show_def(f)
    return Question(kind="single", variant="definition_term", prompt=prompt, context=context,
                    choices=tuple(choices), answer=answer[0], explanation=_explain(f),
                    **_base(f))


def build_term_definition(pool: Pool, f: QFact, rng: random.Random) -> Question | None:
    """Term → which description? Wrong choices are siblings' descriptions, never one of a
    fact with the same name (it would be right too)."""
    if not is_term_fact(f):
        return None
    deck = pool.deck(f.deck)
    mine = _show_def(f)
    tiers = [(_show_def(r) for r in tier) for tier in deck.rivals(f)]
    wrong = pick(tiers, SINGLE_CHOICES - 1, like=mine, exclude=[mine, f.definition], rng=rng)
    if len(wrong) < MIN_CHOICES - 1:
        return None
    choices, answer = _shuffled([mine], wrong, rng)
    key = "abbreviation_choice" if f.kind == ABBREVIATION else "term_definition"
    return Question(kind="single", variant="term_definition",
                    prompt=t(f.lang, key, term=_term_label(f)), choices=tuple(choices),
                    answer=answer[0], explanation=_explain(f), **_base(f))


# --- true / false ----------------------------------------------------------------------------


def build_true_false(pool: Pool, f: QFact, rng: random.Random) -> Question | None:
    """A term with its own description (true) or a sibling's (false)."""
    if not is_term_fact(f):
        return None
    deck = pool.deck(f.deck)
    truth = rng.random() < 0.5
    shown, explanation = _show_def(f), _explain(f)
    if not truth:
        mine = normalize(f.definition)
        others = list(islice(chain.from_iterable(deck.rivals(f)), 12))
        # A description that names its own term would show a blank, and a blank next to
        # another term reads as that term: such descriptions never make a false statement.
        others = [r for r in others if normalize(r.definition) != mine
                  and _show_def(r) == r.definition]
        if not others:
            truth = True
        else:
            other = others[rng.randrange(min(len(others), 4))]
            shown = _show_def(other)
            explanation = f"{explanation}\n{t(f.lang, 'belongs_to', other=_term_label(other))}"
    return Question(kind="true_false", variant="true_false",
                    prompt=t(f.lang, "true_false", term=_term_label(f)),
                    context=f"{f.term}{t(f.lang, 'sep')}{shown}",
                    choices=(t(f.lang, "true"), t(f.lang, "false")), answer=truth,
                    explanation=explanation, **_base(f))


# --- multiple select -------------------------------------------------------------------------


def build_membership(pool: Pool, f: QFact, rng: random.Random) -> Question | None:
    """"Which of these are 插件?": some of the list's terms, plus terms from other lists that
    share no name with any member."""
    if not f.group or not is_term_fact(f) or f.kind == PROPERTY:
        return None  # a term's properties are asked about through its items
    deck = pool.deck(f.deck)
    members = deck.siblings.get((f.section, f.group), [])
    if len(members) < 2:
        return None
    member_names = frozenset().union(*(deck.names(m) for m in members))
    others, shown = [], {normalize(f.term)}
    for m in members:  # one choice per name: a list may name a thing twice
        if m.key != f.key and normalize(m.term) not in shown:
            others.append(m)
            shown.add(normalize(m.term))
    if not others:
        return None
    rng.shuffle(others)
    k = rng.randint(2, min(4, len(others) + 1))
    correct = [f, *others[: k - 1]]
    _, sec, rest = deck.tiers(f)
    tiers = [[r.term for r in tier if not (deck.names(r) & member_names)] for tier in (sec, rest)]
    wrong = pick(tiers, MULTI_CHOICES - k, like=f.term,
                 exclude=member_names | {m.term for m in members}, rng=rng)
    if not wrong:
        return None
    choices, answer = _shuffled([m.term for m in correct], wrong, rng)
    explanation = f"{f.group}{t(f.lang, 'sep')}{join(f.lang, [m.term for m in members])}"
    return Question(kind="multiple", variant="membership",
                    prompt=t(f.lang, "membership", group=f.group), choices=tuple(choices),
                    answer=answer, explanation=explanation,
                    **_base(f, facts=tuple(m.key for m in correct)))


def build_items(pool: Pool, f: QFact, rng: random.Random) -> Question | None:
    """"Which of these are listed under K8s优点?": some of its items plus items of other
    lists in the deck (never one of its own)."""
    if len(f.items) < 2:
        return None
    deck = pool.deck(f.deck)
    own = list(dict.fromkeys(f.items))
    own_norm = {normalize(i) for i in own}
    k = rng.randint(2, min(4, len(own)))
    correct = rng.sample(own, k)
    same_sec = [i for g in deck.lists if g.key != f.key and g.section == f.section for i in g.items]
    other = [i for g in deck.lists if g.key != f.key and g.section != f.section for i in g.items]
    wrong = pick([same_sec, other], MULTI_CHOICES - k, like=correct[0], exclude=own_norm, rng=rng)
    if not wrong:
        return None
    choices, answer = _shuffled(correct, wrong, rng)
    return Question(kind="multiple", variant="items", prompt=t(f.lang, "items", term=f.term),
                    choices=tuple(choices), answer=answer,
                    explanation=f"{f.term}{t(f.lang, 'sep')}{join(f.lang, own)}", **_base(f))


# --- matching --------------------------------------------------------------------------------


def build_matching(pool: Pool, f: QFact, rng: random.Random) -> Question | None:
    """4–6 terms from the fact's list (else its section, else its deck) to their descriptions;
    every term and every description distinct."""
    if not is_term_fact(f):
        return None
    deck = pool.deck(f.deck)
    picked = [f]
    descs = {normalize(_show_def(f))}
    for tier in deck.tiers(f):
        cands = [c for c in tier if c.key != f.key]
        rng.shuffle(cands)
        for c in cands:
            cd = normalize(_show_def(c))
            if not cd or cd in descs or any(deck.conflicts(p, c) for p in picked):
                continue
            picked.append(c)
            descs.add(cd)
            if len(picked) == MATCH_MAX:
                break
        if len(picked) >= MATCH_MIN + rng.randint(0, MATCH_MAX - MATCH_MIN):
            break
    if len(picked) < MATCH_MIN:
        return None
    right = list(range(len(picked)))
    rng.shuffle(right)  # right[j] = which picked fact's description sits at position j
    choices = tuple(_show_def(picked[i]) for i in right)
    answer = [right.index(i) for i in range(len(picked))]
    label = f.group or ""
    prompt = t(f.lang, "matching_group", group=label) if label else t(f.lang, "matching")
    return Question(kind="matching", variant="matching", prompt=prompt,
                    left=tuple(p.term for p in picked), choices=choices, answer=answer,
                    explanation="\n".join(_explain(p) for p in picked),
                    **_base(f, facts=tuple(p.key for p in picked)))


# --- typed -----------------------------------------------------------------------------------


def _confusables(deck: DeckIndex, f: QFact, accepted: Sequence[str]) -> tuple[str, ...]:
    """Other terms of the deck a typo-forgiving check could mistake for the answer."""
    from .normalize import allowed_typos, osa_distance

    forms = [(normalize(a), allowed_typos(normalize(a))) for a in accepted]
    forms = [(a, n) for a, n in forms if n]
    if not forms:
        return ()
    mine = set(map(normalize, accepted))
    out: list[str] = []
    for other in deck.terms:
        for name in (other.term, *other.aliases):
            n = normalize(name)
            if n in mine or name in out:
                continue
            if any(osa_distance(n, a, 2 * k) <= 2 * k for a, k in forms):
                out.append(name)
    return tuple(out)


def _typeable(term: str) -> bool:
    return 0 < len(term) <= MAX_TYPED_TERM and not any(c in term for c in ",，、;；/")


def build_typed_term(pool: Pool, f: QFact, rng: random.Random) -> Question | None:
    """Description → type the term; aliases count (RC for ReplicationController)."""
    if not is_term_fact(f) or f.kind == ABBREVIATION or not _typeable(f.term):
        return None
    context = _show_def(f)
    if not normalize(context.replace(_blank(f.lang), "")):
        return None
    deck = pool.deck(f.deck)
    accepted = (f.term, *f.aliases)
    return Question(kind="typed", variant="typed_term", prompt=t(f.lang, "typed_term"),
                    context=context, answer=f.term, accepted=accepted,
                    confusables=_confusables(deck, f, accepted), explanation=_explain(f),
                    **_base(f))


def build_typed_abbreviation(pool: Pool, f: QFact, rng: random.Random) -> Question | None:
    """CRI → type what it stands for."""
    if f.kind != ABBREVIATION or not f.definition.strip():
        return None
    return Question(kind="typed", variant="typed_abbreviation",
                    prompt=t(f.lang, "typed_abbreviation", term=f.term), context=f.term,
                    answer=f.definition.strip(), accepted=(f.definition.strip(),),
                    explanation=_explain(f), **_base(f))


def build_typed_cloze(pool: Pool, f: QFact, rng: random.Random) -> Question | None:
    """A sentence with its technical term blanked: 前身是＿＿＿系统 → Borg."""
    if not f.cloze:
        return None
    sentence = f.definition if f.cloze in f.definition else f.term
    if f.cloze not in sentence:
        return None
    context = sentence.replace(f.cloze, _blank(f.lang), 1)
    deck = pool.deck(f.deck)
    accepted = (f.cloze,)
    return Question(kind="typed", variant="typed_cloze", prompt=t(f.lang, "typed_cloze"),
                    context=context, answer=f.cloze, accepted=accepted,
                    confusables=_confusables(deck, f, accepted),
                    explanation=sentence if f.kind == STATEMENT else _explain(f), **_base(f))


BUILDERS: dict[str, tuple[str, Builder]] = {
    "definition_term": ("single", build_definition_term),
    "term_definition": ("single", build_term_definition),
    "true_false": ("true_false", build_true_false),
    "membership": ("multiple", build_membership),
    "items": ("multiple", build_items),
    "matching": ("matching", build_matching),
    "typed_term": ("typed", build_typed_term),
    "typed_abbreviation": ("typed", build_typed_abbreviation),
    "typed_cloze": ("typed", build_typed_cloze),
}


def variants_for(f: QFact) -> list[str]:
    """Variants that might be built from ``f`` (cheap shape checks; builders decide)."""
    out = []
    if is_term_fact(f):
        out += ["definition_term", "term_definition", "true_false", "matching"]
        if f.group and f.kind != PROPERTY:
            out.append("membership")
        if f.kind == ABBREVIATION:
            out.append("typed_abbreviation")
        elif _typeable(f.term):
            out.append("typed_term")
    if len(f.items) >= 2:
        out.append("items")
    if f.cloze:
        out.append("typed_cloze")
    return out


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


def _fill(pool: Pool, indices: Sequence[int], need: int, rng: random.Random, mix: _Mix,
          used: set[str], seen: set[tuple[str, str, str]], tried: set[tuple],
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
            f = pool.facts[i]
            if not second_pass and f.key in used:
                continue
            # (variant, content) pairs already tried are skipped before any work: a fact copied
            # into many decks is asked about once.
            content = (f.term, f.definition, f.items, f.cloze, f.group)
            variants = [v for v in variants_for(f) if BUILDERS[v][0] in mix.share
                        and (f.key, v) not in done_pairs and (v, content) not in tried]
            if not variants:
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
                    tried.add((v, content))
                    q = BUILDERS[v][1](pool, f, rng)
                    if q is not None:
                        sig = (q.variant, q.prompt, q.context)
                        if sig in seen:
                            q = None
                            continue
                        seen.add(sig)
                        break
                if q is not None:
                    out.append(q)
                    used.update(q.facts)
                    mix.add(q.kind)
                    break
        if second_pass and len(out) > before and len(out) < need:
            schedule.append(True)  # every fact may be asked again, another way
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
    memo: dict[tuple, str | None] = {}
    buckets: dict[str, list[int]] = {k: [] for k in weights}
    missing = object()
    for i, f in enumerate(facts):
        label = f.group or f.parent
        sig = (f.section, label if label in words else "", "" if f.section else f.deck_title)
        k = memo.get(sig, missing)
        if k is missing:
            k = memo[sig] = _weight_key(f, keys)
        if k is not None:
            buckets[k].append(i)
    return buckets


def generate(facts: Sequence[QFact], count: int, seed: int, *,
             kinds: Sequence[str] | None = None,
             weights: Mapping[str, float] | None = None,
             topics: Sequence[str] | None = None) -> list[Question]:
    """Up to ``count`` questions (fewer only if the facts cannot make more), in a seeded
    random order. Same facts + same seed + same options → the same questions.

    ``topics`` limits what is asked about (heading paths or list labels, as for weights);
    every fact still serves as a distractor within its deck.
    """
    rng = random.Random(seed)
    pool = Pool(facts)
    mix_weights = {k: v for k, v in DEFAULT_MIX.items() if not kinds or k in kinds}
    mix = _Mix(mix_weights or DEFAULT_MIX)
    used: set[str] = set()
    seen: set[tuple[str, str, str]] = set()
    tried: set[tuple] = set()
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
            out += _fill(pool, buckets[k], plan[k], rng, mix, used, seen, tried)
        for passes in ((False,), (True,)):  # a topic short of facts hands its share on
            for k in live:
                if len(out) < count:
                    out += _fill(pool, buckets[k], count - len(out), rng, mix, used, seen,
                                 tried, passes)
    else:
        out = _fill(pool, anchors, count, rng, mix, used, seen, tried)
    rng.shuffle(out)
    return out[:count]


__all__ = ["BUILDERS", "DEFAULT_MIX", "KIND_NAMES", "allocate", "generate", "names_of",
           "split_by_weight", "variants_for"]
