"""One question from one anchor fact, for each variant, written the way a careful teacher
would write it by hand (the rules are in ``gate``).

Each builder returns a Question, or None when the deck cannot supply an honest one; then it
records why in ``pool.log`` (a ``gate.Log``), and the generator tries another kind — typed or
true/false when there are not enough plausible wrong choices.

- Choices are of one type: terms with terms, descriptions with descriptions of the same kind
  of fact (a property's with its siblings under the same parent, an expansion with
  expansions), in the answer's language.
- A description shown as a choice or in a statement never names the term it is about (the
  clause that does is cut; a blank there would be a giveaway); in a prompt the name is
  blanked.
- A property (StatefulSet's 稳定的网络标识) is asked about through the term it belongs to;
  matching and multiple select stay inside one list; a list label is used as a kind noun
  ("哪个插件…") only when it names a kind.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from functools import lru_cache
from itertools import chain, islice

from ..notes.model import DEFINITION, PROPERTY
from . import gate
from .distractors import DeckIndex, Pool, is_term_fact, pick
from .i18n import join, t
from .model import QFact, Question
from .normalize import normalize

SINGLE_CHOICES = 4
MULTI_CHOICES = 5
MIN_CHOICES = 3  # a single-choice question needs at least two wrong choices
MATCH_MIN, MATCH_MAX = 3, 6
MIN_CONTEXT = 4  # letters/digits a masked description must keep to be recognisable

Builder = Callable[[Pool, QFact, random.Random], "Question | None"]


def _blank(lang: str) -> str:
    return t(lang, "blank")


def forms(f: QFact) -> tuple[str, ...]:
    return gate.name_forms(f.term, tuple(f.aliases))


def kin_forms(deck: DeckIndex, f: QFact) -> tuple[str, ...]:
    """The name forms of ``f`` and of every fact sharing a name with it."""
    return tuple(dict.fromkeys(chain.from_iterable(forms(k) for k in deck.kin(f))))


def _show_def(f: QFact, *also: QFact) -> str:
    """A description as a prompt shows it: the term (and ``also``'s) blanked out."""
    names = chain(forms(f), *(forms(a) for a in also))
    return gate.mask(f.definition, names, _blank(f.lang))


def option_text(f: QFact, *also: QFact) -> str | None:
    """A description as a choice or statement shows it: without the clauses naming its term
    or ``also``'s (None when too little is left)."""
    names = tuple(chain(forms(f), *(forms(a) for a in also)))
    return _strip(f.definition, names)


@lru_cache(maxsize=65536)
def _strip(text: str, names: tuple[str, ...]) -> str | None:
    return gate.strip_names(text, names)


def _term_label(f: QFact) -> str:
    return f"{f.term} ({', '.join(f.aliases)})" if f.aliases else f.term


def _explain(f: QFact) -> str:
    head = f"{f.parent} › {f.term}" if f.kind == PROPERTY and f.parent else _term_label(f)
    return f"{head}{t(f.lang, 'sep')}{f.definition}"


def _base(f: QFact, **kw) -> dict:
    return {"lang": f.lang, "source": f.source, "topic": f.topic, "facts": (f.key,), **kw}


def _drop(pool: Pool, f: QFact, variant: str, reason: str) -> None:
    pool.log.append(gate.Log(f.key, variant, reason))


def _rewrote(pool: Pool, f: QFact, variant: str, reason: str) -> None:
    pool.log.append(gate.Log(f.key, variant, reason, gate.REWRITTEN))


def _shuffled(correct: list[str], wrong: list[str],
              rng: random.Random) -> tuple[list[str], list[int]]:
    choices = [*correct, *wrong]
    order = list(range(len(choices)))
    rng.shuffle(order)
    shuffled = [choices[i] for i in order]
    return shuffled, sorted(order.index(i) for i in range(len(correct)))


def same_type(a: QFact, b: QFact) -> bool:
    """Whether ``b`` can stand next to ``a`` as a choice: a property among properties of the
    same term, an abbreviation among abbreviations, a definition among definitions."""
    if a.kind == PROPERTY:
        return b.kind == PROPERTY and b.parent == a.parent
    if gate.is_expansion(a):
        return gate.is_expansion(b)
    return b.kind == DEFINITION and not gate.is_expansion(b)


def rivals(deck: DeckIndex, f: QFact) -> list[Iterator[QFact]]:
    """Honest wrong answers about ``f`` of its own type: its list first, then its section,
    then its deck (properties: only their siblings under the same term). Lazy: a later tier
    is only looked at when the earlier ones run out."""
    tiers = [(r for r in tier if same_type(f, r)) for tier in deck.rivals(f)]
    return tiers[:1] if f.kind == PROPERTY else tiers


def _label_prompt(f: QFact, kind_key: str, topic_key: str, plain_key: str, **kw) -> str:
    """A prompt naming the list as a kind ("哪个插件…") only when it is one."""
    if f.group and gate.is_kind(f.group):
        return t(f.lang, kind_key, group=f.group, **kw)
    if f.group:
        return t(f.lang, topic_key, group=f.group, **kw)
    return t(f.lang, plain_key, **kw)


def parent_of(deck: DeckIndex, f: QFact) -> QFact | None:
    if f.kind != PROPERTY or not f.parent:
        return None
    same = [p for p in deck.terms if p.term == f.parent and p.kind != PROPERTY]
    near = [p for p in same if p.section == f.section]
    return (near or same or [None])[0]


# --- single choice ---------------------------------------------------------------------------


def build_definition_term(pool: Pool, f: QFact, rng: random.Random) -> Question | None:
    """Description → which term? Wrong choices are terms of the same type (siblings first),
    never an alias of the answer or a term with the same description; the description's
    mention of the term is blanked. A property goes to ``build_property_parent``."""
    v = "definition_term"
    if not is_term_fact(f):
        return None
    if f.kind == PROPERTY:
        return build_property_parent(pool, f, rng)
    if gate.is_expansion(f) and gate.initials_spell(f.term, f.definition):
        return _drop(pool, f, v, gate.INITIALS)
    context = _show_def(f)
    if gate.meaningful(context) < MIN_CONTEXT:
        return _drop(pool, f, v, gate.TOO_SHORT)
    deck = pool.deck(f.deck)
    exclude = deck.kin_names(f) | {f.term}
    wrong = pick([(r.term for r in rivals(deck, f)[0])], SINGLE_CHOICES - 1, like=f.term,
                 exclude=exclude, rng=rng)
    in_list = len(wrong) == SINGLE_CHOICES - 1
    if not in_list:  # not enough in its list: fill from the section, and ask neutrally
        wrong = pick([(r.term for r in tier) for tier in rivals(deck, f)], SINGLE_CHOICES - 1,
                     like=f.term, exclude=exclude, rng=rng)
    if len(wrong) < MIN_CHOICES - 1:
        return _drop(pool, f, v, gate.FEW_SIBLINGS)
    if context != f.definition:
        _rewrote(pool, f, v, gate.MASKED)
    choices, answer = _shuffled([f.term], wrong, rng)
    if in_list:
        prompt = _label_prompt(f, "definition_term_group", "definition_term_topic",
                               "definition_term")
    else:
        prompt = t(f.lang, "definition_term")
    return Question(kind="single", variant=v, prompt=prompt, context=context,
                    choices=tuple(choices), answer=answer[0], explanation=_explain(f),
                    **_base(f))


def build_property_parent(pool: Pool, f: QFact, rng: random.Random) -> Question | None:
    """A point of a term (StatefulSet's 稳定的网络标识: PodName,hostname不变) → which term is
    it about? Wrong choices are the term's siblings, never one with the same point."""
    v = "property_parent"
    deck = pool.deck(f.deck)
    parent = parent_of(deck, f)
    if parent is None or not f.definition.strip():
        return _drop(pool, f, v, gate.FEW_SIBLINGS)
    context = gate.mask(f"{f.term}{t(f.lang, 'sep')}{f.definition}", kin_forms(deck, parent),
                        _blank(f.lang))
    if gate.meaningful(context) < MIN_CONTEXT:
        return _drop(pool, f, v, gate.TOO_SHORT)
    same_point = {normalize(f.term), normalize(f.definition)}
    has_it = {p.parent for p in deck.terms if p.kind == PROPERTY
              and (normalize(p.term) in same_point or normalize(p.definition) in same_point)}
    def tiers():
        return [(r.term for r in tier if r.term not in has_it) for tier in rivals(deck, parent)]

    exclude = deck.kin_names(parent) | {parent.term}
    wrong = pick(tiers()[:1], SINGLE_CHOICES - 1, like=parent.term, exclude=exclude, rng=rng)
    in_list = len(wrong) >= MIN_CHOICES - 1
    if not in_list:
        wrong = pick(tiers(), SINGLE_CHOICES - 1, like=parent.term, exclude=exclude, rng=rng)
    if len(wrong) < MIN_CHOICES - 1:
        return _drop(pool, f, v, gate.FEW_SIBLINGS)
    _rewrote(pool, f, v, gate.ASK_PARENT)
    choices, answer = _shuffled([parent.term], wrong, rng)
    prompt = (_label_prompt(parent, "property_parent_group", "property_parent_topic",
                            "property_parent") if in_list else t(f.lang, "property_parent"))
    return Question(kind="single", variant=v, prompt=prompt, context=context,
                    choices=tuple(choices), answer=answer[0], explanation=_explain(f),
                    meta={"answer_names": list(kin_forms(deck, parent)), "parent": parent.term},
                    **_base(f))


def build_term_definition(pool: Pool, f: QFact, rng: random.Random) -> Question | None:
    """Term → which description? Wrong choices are descriptions of the same type and
    language (a property's: its siblings'; an abbreviation's: other expansions), never one of
    a fact with the same name; no choice names the term asked about."""
    v = "term_definition"
    if not is_term_fact(f):
        return None
    mine = option_text(f)
    if mine is None:
        return _drop(pool, f, v, gate.NAMES_ANSWER)
    if mine != f.definition:
        _rewrote(pool, f, v, gate.TRIMMED)
    deck = pool.deck(f.deck)
    lang = gate.script(mine)
    tiers = [(s for r in tier if (s := option_text(r, f)) and gate.script(s) == lang)
             for tier in rivals(deck, f)]
    wrong = pick(tiers, SINGLE_CHOICES - 1, like=mine, exclude=[mine, f.definition], rng=rng)
    if len(wrong) < MIN_CHOICES - 1:
        return _drop(pool, f, v, gate.FEW_SIBLINGS)
    choices, answer = _shuffled([mine], wrong, rng)
    if f.kind == PROPERTY:
        prompt = t(f.lang, "property_definition", parent=f.parent, term=f.term)
    elif gate.is_expansion(f):
        prompt = t(f.lang, "abbreviation_choice", term=_term_label(f))
    else:
        prompt = t(f.lang, "term_definition", term=_term_label(f))
    return Question(kind="single", variant=v, prompt=prompt, choices=tuple(choices),
                    answer=answer[0], explanation=_explain(f), **_base(f))


# --- true / false ----------------------------------------------------------------------------


def build_true_false(pool: Pool, f: QFact, rng: random.Random) -> Question | None:
    """A term with its own description (true) or a sibling's of the same type (false). No
    statement names either term in its description: "ReplicationController：与RC无本质区别"
    says nothing but that RC is RC."""
    v = "true_false"
    if not is_term_fact(f):
        return None
    if gate.is_expansion(f) and gate.initials_spell(f.term, f.definition):
        return _drop(pool, f, v, gate.INITIALS)  # "CRI：container runtime interface" is plain
    deck = pool.deck(f.deck)
    truth = rng.random() < 0.5
    shown, explanation = option_text(f), _explain(f)
    if shown is None:
        return _drop(pool, f, v, gate.NAMES_ANSWER)
    if not truth:
        mine = normalize(f.definition)
        lang = gate.script(shown)
        others = []
        for r in islice(chain.from_iterable(rivals(deck, f)), 12):
            s = option_text(r, f)
            if s and normalize(r.definition) != mine and gate.script(s) == lang:
                others.append((r, s))
        if not others:
            truth = True
        else:
            other, shown = others[rng.randrange(min(len(others), 4))]
            explanation = f"{explanation}\n{t(f.lang, 'belongs_to', other=_term_label(other))}"
    if truth and shown != f.definition:
        _rewrote(pool, f, v, gate.TRIMMED)
    if f.kind == PROPERTY:
        prompt = t(f.lang, "true_false_property", parent=f.parent, term=f.term)
    else:
        prompt = t(f.lang, "true_false", term=_term_label(f))
    return Question(kind="true_false", variant=v, prompt=prompt,
                    context=f"{f.term}{t(f.lang, 'sep')}{shown}",
                    choices=(t(f.lang, "true"), t(f.lang, "false")), answer=truth,
                    explanation=explanation, meta={"statement": shown}, **_base(f))


# --- multiple select -------------------------------------------------------------------------


def build_membership(pool: Pool, f: QFact, rng: random.Random) -> Question | None:
    """"Which of these are 插件?": some of the list's terms, plus terms of the same type from
    other lists that share no name with any member."""
    v = "membership"
    if not f.group or not is_term_fact(f) or f.kind == PROPERTY:
        return None  # a term's properties are asked about through its items
    deck = pool.deck(f.deck)
    members = [m for m in deck.siblings.get((f.section, f.group), []) if m.kind != PROPERTY]
    if len(members) < 2:
        return _drop(pool, f, v, gate.FEW_SIBLINGS)
    everyone = deck.all_siblings.get((f.section, f.group), members)
    member_names = frozenset().union(*(deck.names(m) for m in everyone))
    others, shown = [], {normalize(f.term)}
    for m in members:  # one choice per name: a list may name a thing twice
        if m.key != f.key and normalize(m.term) not in shown:
            others.append(m)
            shown.add(normalize(m.term))
    if not others:
        return _drop(pool, f, v, gate.FEW_SIBLINGS)
    rng.shuffle(others)
    k = rng.randint(2, min(4, len(others) + 1))
    correct = [f, *others[: k - 1]]
    tiers = _outsiders(deck, f, everyone, member_names)
    wrong = pick(tiers, MULTI_CHOICES - k, like=f.term,
                 exclude=member_names | {m.term for m in everyone}, rng=rng)
    if not wrong:
        return _drop(pool, f, v, gate.FEW_SIBLINGS)
    choices, answer = _shuffled([m.term for m in correct], wrong, rng)
    explanation = f"{f.group}{t(f.lang, 'sep')}{join(f.lang, [m.term for m in members])}"
    key = "membership" if gate.is_kind(f.group) else "membership_topic"
    return Question(kind="multiple", variant=v, prompt=t(f.lang, key, group=f.group),
                    choices=tuple(choices), answer=answer, explanation=explanation,
                    **_base(f, facts=tuple(m.key for m in correct)))


def _outsiders(deck: DeckIndex, f: QFact, everyone: list[QFact],
               member_names: frozenset[str]) -> list[list[str]]:
    """Terms of ``f``'s section, then of its deck, that are not in its list and name no
    member (the same for every member of the list: worked out once per deck and list)."""
    key = ("outsiders", f.section, f.group)
    hit = deck.memo.get(key)
    if hit is None:
        _, sec, rest = deck.tiers(f)
        member_forms = tuple(chain.from_iterable(forms(m) for m in everyone))
        label = gate.label_names(f.group)
        hit = deck.memo[key] = [
            [r.term for r in tier if r.kind != PROPERTY and not (deck.names(r) & member_names)
             and not gate.names_in(r.term, member_forms) and not _named_by(r, label)
             and not gate.kind_within(r.group, f.group)]
            for tier in (sec, rest)]
    return hit


def _named_by(r: QFact, label: tuple[str, ...]) -> bool:
    """Whether the list's label names ``r`` (IPVS in "IPVS的调度算法", SVC — short for
    Service — in "Service类型", Ingress Controller in "控制器类型"): a doubtful wrong choice."""
    if not label:
        return False
    blob = f"{gate.fold(r.term)} {gate.fold(r.definition)}"
    if not any(w in blob for w in label):  # most terms: no label word anywhere
        return False
    names = [*forms(r)]
    if gate.is_expansion(r):
        names.append(gate.expansion(r.definition))
    return any(gate.names_in(n, label) for n in names)


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
        return _drop(pool, f, "items", gate.FEW_SIBLINGS)
    choices, answer = _shuffled(correct, wrong, rng)
    return Question(kind="multiple", variant="items", prompt=t(f.lang, "items", term=f.term),
                    choices=tuple(choices), answer=answer,
                    explanation=f"{f.term}{t(f.lang, 'sep')}{join(f.lang, own)}", **_base(f))


# --- matching --------------------------------------------------------------------------------


def build_matching(pool: Pool, f: QFact, rng: random.Random) -> Question | None:
    """3–6 terms of the fact's own list to their descriptions (never across lists); every
    term and every description distinct, none naming its own term."""
    v = "matching"
    if not is_term_fact(f) or not (f.group or f.parent):
        return None
    deck = pool.deck(f.deck)
    mine = option_text(f)
    if mine is None:
        return _drop(pool, f, v, gate.NAMES_ANSWER)
    lang = gate.script(mine)
    picked, shown = [f], [mine]
    descs = {normalize(mine)}
    cands = [c for c in rivals(deck, f)[0] if c.key != f.key]  # its own list only
    rng.shuffle(cands)
    for c in cands:
        s = option_text(c)
        if not s or gate.script(s) != lang:
            continue
        cd = normalize(s)
        if not cd or cd in descs or any(deck.conflicts(p, c) for p in picked):
            continue
        picked.append(c)
        shown.append(s)
        descs.add(cd)
        if len(picked) == MATCH_MAX:
            break
    if len(picked) < MATCH_MIN:
        return _drop(pool, f, v, gate.FEW_SIBLINGS)
    right = list(range(len(picked)))
    rng.shuffle(right)  # right[j] = which picked fact's description sits at position j
    choices = tuple(shown[i] for i in right)
    answer = [right.index(i) for i in range(len(picked))]
    if f.kind == PROPERTY:
        prompt = t(f.lang, "matching_property", parent=f.parent)
    else:
        prompt = _label_prompt(f, "matching_group", "matching_topic", "matching")
    return Question(kind="matching", variant=v, prompt=prompt,
                    left=tuple(p.term for p in picked), choices=choices, answer=answer,
                    explanation="\n".join(_explain(p) for p in picked),
                    **_base(f, facts=tuple(p.key for p in picked)))
