"""Where wrong choices come from, and the rules they obey.

Candidates are taken tier by tier: the fact's siblings (the same labelled list in the same
section: the other 插件 for CoreDNS), then the same section, then the same deck; a later tier
is used only when the earlier ones run out. Within a tier, choices that look like the answer
(same script, similar length) come first, with a seeded jitter for variety.

A candidate is never the answer, never equal to another choice (compared normalised), and
never also correct: a fact that shares a name (term or alias: RC = ReplicationController) or
the same description with the answer is skipped.
"""

from __future__ import annotations

import math
import random
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from itertools import compress, groupby
from operator import attrgetter, not_

from ..notes.handson import HANDSON_KINDS
from ..notes.model import ABBREVIATION, DEFINITION, PROPERTY
from . import gate
from .handson.questions import reason as handson_reason
from .i18n import t
from .model import QFact
from .normalize import cjk_ratio, display_width, normalize

TERM_KINDS = frozenset({DEFINITION, ABBREVIATION, PROPERTY})
JITTER = 0.6  # how far randomness may reorder candidates of similar look
_DECK, _KEY = attrgetter("deck"), attrgetter("key")


def names_of(fact: QFact) -> frozenset[str]:
    """Every normalised name a fact answers to: its term and its aliases."""
    return frozenset(n for n in (normalize(fact.term), *map(normalize, fact.aliases)) if n)


def label_of(fact: QFact) -> str:
    """The list a fact belongs to: its group label, else the term it is a property of."""
    return fact.group or fact.parent


def is_term_fact(fact: QFact) -> bool:
    return fact.kind in TERM_KINDS and bool(fact.term.strip()) and bool(fact.definition.strip())


def mask(text: str, names: Iterable[str], blank: str) -> str:
    """``text`` with the names it gives away blanked out (folded: case, width, ``Etcd2``)."""
    return gate.mask(text, [gate.fold(n) for n in names], blank)


def similarity(a: str, b: str) -> float:
    """0 for look-alikes; grows with a different script mix and a different length."""
    script = abs(cjk_ratio(a) - cjk_ratio(b))
    length = abs(math.log((display_width(a) + 2) / (display_width(b) + 2)))
    return 2.0 * script + length


def pick(tiers: Sequence[Iterable[str]], n: int, *, like: str, exclude: Iterable[str],
         rng: random.Random) -> list[str]:
    """Up to ``n`` texts from ``tiers`` (earlier tiers first), none normalising to anything in
    ``exclude`` or to one already picked."""
    seen = {normalize(e) for e in exclude}
    chosen: list[str] = []
    for tier in tiers:
        scored = []
        for text in tier:
            k = normalize(text)
            if k and k not in seen:
                scored.append((similarity(like, text) + rng.random() * JITTER, text, k))
        scored.sort(key=lambda s: (s[0], s[1]))
        for _, text, k in scored:
            if k in seen:
                continue
            chosen.append(text)
            seen.add(k)
            if len(chosen) == n:
                return chosen
    return chosen


class DeckIndex:
    """One deck's facts, grouped the ways distractor tiers need them."""

    def __init__(self, facts: Sequence[QFact], askable: Callable[[QFact], bool] | None = None):
        """``askable`` picks the facts that may be asked about or offered as choices; every
        term fact still counts when checking that a wrong choice is not also right (a
        learning-plan item may share a name with a component)."""
        everything: list[QFact] = []
        self.facts: list[QFact] = []
        self.terms: list[QFact] = []
        self.lists: list[QFact] = []
        for f in facts:  # one walk; askable is asked about every fact, in order
            term = is_term_fact(f)
            if term:
                everything.append(f)
            if askable is None or askable(f):
                self.facts.append(f)
                if term:
                    self.terms.append(f)
                if len(f.items) >= 2:
                    self.lists.append(f)
        self.siblings: dict[tuple[tuple[str, ...], str], list[QFact]] = defaultdict(list)
        self.sections: dict[tuple[str, ...], list[QFact]] = defaultdict(list)
        for f in self.terms:
            if label := label_of(f):
                self.siblings[(f.section, label)].append(f)
            self.sections[f.section].append(f)
        # every term of each list, asked about or not: none of them is a wrong answer to
        # "which of these are in the list?"
        self.all_siblings: dict[tuple[tuple[str, ...], str], list[QFact]] = defaultdict(list)
        self._names: dict[str, frozenset[str]] = {}
        for f in everything:
            if label := label_of(f):
                self.all_siblings[(f.section, label)].append(f)
            self._names[f.key] = names_of(f)
        self._desc_cache: dict[str, frozenset[str]] = {}
        # conflicts() asks about the same facts again and again: worked out once per fact
        self._right_names: dict[str, frozenset[str]] = {}
        self._right_descs: dict[str, frozenset[str]] = {}
        self.memo: dict[tuple, object] = {}  # builders' per-deck work, done once
        by_desc: dict[str, set[str]] = defaultdict(set)
        self._facts_by_name: dict[str, list[QFact]] = defaultdict(list)
        for f in everything:
            by_desc[normalize(f.definition)] |= self._names[f.key]
            for name in self._names[f.key]:
                self._facts_by_name[name].append(f)
        self._names_by_desc = {k: frozenset(v) for k, v in by_desc.items()}

    def names(self, fact: QFact) -> frozenset[str]:
        return self._names.get(fact.key) or names_of(fact)

    def tiers(self, fact: QFact) -> list[list[QFact]]:
        """Term facts near ``fact``: siblings, then the rest of its section, then the deck."""
        label = label_of(fact)
        sib = self.siblings.get((fact.section, label), []) if label else []
        sec = [f for f in self.sections.get(fact.section, []) if not label or label_of(f) != label]
        sec_keys = {f.key for f in sib} | {f.key for f in sec}
        rest = [f for f in self.terms if f.key not in sec_keys]
        return [sib, sec, rest]

    def kin(self, fact: QFact) -> list[QFact]:
        """``fact`` and every fact sharing a name with it (调度器 written twice with different
        aliases: both sets of aliases name it)."""
        out = {fact.key: fact}
        for name in self.names(fact):
            for f in self._facts_by_name.get(name, ()):
                out.setdefault(f.key, f)
        return list(out.values())

    def kin_names(self, fact: QFact) -> frozenset[str]:
        return frozenset().union(*(self.names(f) for f in self.kin(fact)))

    def right_names(self, fact: QFact) -> frozenset[str]:
        """Names that answer "which term is described so?" for ``fact``'s description: its
        own, and those of every fact in the deck with the same description."""
        hit = self._right_names.get(fact.key)
        if hit is None:
            hit = self._right_names[fact.key] = self.names(fact) | self._names_by_desc.get(
                normalize(fact.definition), frozenset())
        return hit

    def right_descriptions(self, fact: QFact) -> frozenset[str]:
        """Descriptions that answer "what is <term>?": those of every fact in the deck sharing
        a name with ``fact`` (as written and as shown, with the term blanked)."""
        hit = self._right_descs.get(fact.key)
        if hit is None:
            out = set(self._descs(fact))
            for name in self.names(fact):
                for f in self._facts_by_name.get(name, ()):
                    out |= self._descs(f)
            hit = self._right_descs[fact.key] = frozenset(out)
        return hit

    def _descs(self, fact: QFact) -> frozenset[str]:
        hit = self._desc_cache.get(fact.key)
        if hit is None:
            hit = self._desc_cache[fact.key] = frozenset(
                {normalize(fact.definition), normalize(self.shown(fact))})
        return hit

    def shown(self, fact: QFact) -> str:
        """The description as questions show it: the term it names blanked out."""
        return mask(fact.definition, (fact.term, *fact.aliases), t(fact.lang, "blank"))

    def conflicts(self, a: QFact, b: QFact) -> bool:
        """Whether ``b`` would also be a right answer about ``a`` (or ``a`` about ``b``): they
        share a name, or one's description belongs to a fact named like the other."""
        if self.names(a) & self.names(b):
            return True
        da, db = self._descs(a), self._descs(b)
        return bool(self.names(b) & self.right_names(a) or self.names(a) & self.right_names(b)
                    or db & self.right_descriptions(a) or da & self.right_descriptions(b))

    def rivals(self, fact: QFact) -> list[Iterator[QFact]]:
        """``tiers`` without anything that would also be a right answer about ``fact``. Lazy:
        a later tier is only looked at when the earlier ones run out."""
        return [(f for f in tier if f.key != fact.key and not self.conflicts(fact, f))
                for tier in self.tiers(fact)]


class Pool:
    """All facts in scope; per-deck indexes are built on first use, so a 50-question exam over
    a thousand decks only indexes the decks it draws from. Each deck passes ``gate.askable``
    when first used: a learning-plan item or a bare label is neither asked about nor offered
    as a distractor."""

    def __init__(self, facts: Sequence[QFact]):
        self.facts = list(facts)
        self.log: list[gate.Log] = []  # what the builders dropped or rewrote, and why
        self._by_deck: dict[str, list[QFact]] = defaultdict(list)
        # a deck's facts come in runs: grouped run by run, in C, not fact by fact
        pos = 0
        for deck, run in groupby(map(_DECK, self.facts)):
            end = pos + len(list(run))
            self._by_deck[deck].extend(self.facts[pos:end])
            pos = end
        self._index: dict[str, DeckIndex] = {}
        self._plan_groups: dict[tuple, bool] = {}
        self._reasons: dict[str, str] = {}

    def reason(self, fact: QFact) -> str:
        """Why ``fact`` makes no question ("" when it can): ``gate.askable``'s verdict, worked
        out for this fact and its list only, so a large pool screens only what it touches."""
        why = self._reasons.get(fact.key)
        if why is None and fact.kind in HANDSON_KINDS:  # commands, manifests: own rules
            why = self._reasons[fact.key] = handson_reason(fact)
        if why is None:
            plan = False
            if gate.grouped(fact):
                g = (fact.deck, fact.section, fact.group)
                plan = self._plan_groups.get(g)
                if plan is None:  # every list of the deck at once: one walk over it
                    lists: dict[tuple, list[QFact]] = defaultdict(list)
                    for f in self._by_deck[fact.deck]:
                        if gate.grouped(f):
                            lists[(f.deck, f.section, f.group)].append(f)
                    for key, members in lists.items():
                        self._plan_groups[key] = gate.plan_group(key[2], members)
                    plan = self._plan_groups[g]
            plan = plan or gate.own_plan(fact)
            why = self._reasons[fact.key] = gate.reason_not_askable(fact, plan)
        return why

    def askable(self, fact: QFact) -> bool:
        return not self.reason(fact)

    def known_askable(self, indices: Sequence[int]) -> list[int]:
        """``indices`` less the facts already found unaskable (no new screening)."""
        bad = {key for key, why in self._reasons.items() if why}
        if not bad:
            return list(indices)
        # in C, not index by index: a topic's bucket may hold 15,000 facts
        keys = map(_KEY, map(self.facts.__getitem__, indices))
        return list(compress(indices, map(not_, map(bad.__contains__, keys))))

    def skipped(self) -> list[gate.Log]:
        """Why the facts looked at so far make no question."""
        return [gate.Log(key, "fact", why) for key, why in self._reasons.items() if why]

    def deck(self, name: str) -> DeckIndex:
        idx = self._index.get(name)
        if idx is None:
            idx = self._index[name] = DeckIndex(self._by_deck.get(name, []), self.askable)
        return idx
