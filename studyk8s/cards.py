"""Facts → card specs with stable keys (pure: no Flask, no database).

A card's ``key`` is note path + fact identity + card kind, never the definition text, so
editing a definition keeps the card's review history; a fact that disappears retires its
cards. Wording follows the note's language (zh/en). ``diagram`` carries the mermaid source
of relation cards; render it with the answer, since the picture shows every edge.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from studyk8s.notes import inline, terms
from studyk8s.notes.model import (
    ABBREVIATION,
    DEFINITION,
    DIAGRAM,
    ENUMERATION,
    PROPERTY,
    STATEMENT,
    Fact,
    ParsedNote,
    key_segment,
)
from studyk8s.quiz import gate
from studyk8s.quiz.handson.questions import card_front as handson_front
from studyk8s.quiz.handson.questions import card_question as handson_question
from studyk8s.quiz.model import QFact

TERM_DEFINITION = "term_definition"
DEFINITION_TERM = "definition_term"
ENUMERATION_CARD = "enumeration"
MEMBERSHIP = "membership"
CLOZE = "cloze"
RELATION = "relation"
ABBREVIATION_CARD = "abbreviation"
COMMAND_CARD = "command"  # a task → type the command (graded by the command checker)
MANIFEST_CARD = "manifest"  # a task → write the manifest (compared and schema-checked)
TYPED_CARDS = (COMMAND_CARD, MANIFEST_CARD)
CARD_KINDS = (
    TERM_DEFINITION,
    DEFINITION_TERM,
    ENUMERATION_CARD,
    MEMBERSHIP,
    CLOZE,
    RELATION,
    ABBREVIATION_CARD,
    COMMAND_CARD,
    MANIFEST_CARD,
)

SEP = "::"
FRONT_MAX = 80  # longer definitions show their first sentence on a definition→term front
MEMBERS_SHOWN = 8
DISTRACTORS = 3


@dataclass(frozen=True)
class CardSpec:
    key: str  # stable across re-imports: note path + fact identity + card kind
    fact_key: str  # stable identity of the fact; siblings of one fact share it
    kind: str  # one of CARD_KINDS
    front: str  # Markdown
    back: str  # Markdown
    source: str  # "path:line"
    position: int  # order in the note (new cards are introduced in note order)
    deck: str  # note title
    section: tuple[str, ...]
    diagram: str = ""  # mermaid source for diagram-relation cards


_TEXT = {
    "zh": {
        "what": "**{term}** 是什么？",
        "what_ctx": "「{ctx}」中的 **{term}** 是什么？",
        "prop_what": "**{parent}** 的「{term}」是指什么？",
        "which": "哪个术语符合这个描述？",
        "which_ctx": "「{ctx}」中哪一项符合这个描述？",
        "which_sec": "哪个术语符合这个描述？（{ctx}）",
        "aliases": "别名：{aliases}",
        "enum": "**{term}** 有哪些？（{n} 项）",
        "props": "**{term}** 有哪些要点？（{n} 项）",
        "member": "下列哪些属于「{group}」？",
        "member_yes": "属于「{group}」：{items}",
        "member_no": "不属于：{items}",
        "member_recall": "「{group}」包含哪些？（{n} 项）",
        "relation": "在「{title}」图中，**{node}** 与哪些节点相连？",
        "abbr": "**{abbr}** 是什么的缩写？",
        "abbr_rev": "「{expansion}」的缩写是什么？",
        "alias": "**{alias}** 是哪个术语的简称？",
        "list_sep": "、",
        "mask": "＿＿",
        "paren": "（{x}）",
    },
    "en": {
        "what": "What is **{term}**?",
        "what_ctx": "What is **{term}** ({ctx})?",
        "prop_what": "In **{parent}**, what is *{term}*?",
        "which": "Which term matches this description?",
        "which_ctx": "Which item of *{ctx}* matches this description?",
        "which_sec": "Which term matches this description? ({ctx})",
        "aliases": "Also called: {aliases}",
        "enum": "List the {n} items of **{term}**.",
        "props": "List the {n} points under **{term}**.",
        "member": "Which of these belong to *{group}*?",
        "member_yes": "Belong to *{group}*: {items}",
        "member_no": "Do not: {items}",
        "member_recall": "List the {n} members of *{group}*.",
        "relation": "In the diagram *{title}*, what is **{node}** connected to?",
        "abbr": "What does **{abbr}** stand for?",
        "abbr_rev": "What is the abbreviation of *{expansion}*?",
        "alias": "**{alias}** is short for which term?",
        "list_sep": ", ",
        "mask": "___",
        "paren": " ({x})",
    },
}


_safe = key_segment


def fact_key(path: str, fact: Fact) -> str:
    """Identity of a fact: note path + fact kind + term (+ parent), never its definition.
    A term that occurs twice in one note gets ``#2`` (``Fact.occurrence``), so the key is
    unique within the note."""
    key = f"{path}{SEP}{fact.kind}{SEP}{_safe(fact.term)}"
    if fact.parent:
        key += f"{SEP}{_safe(fact.parent)}"
    return key if fact.occurrence <= 1 else f"{key}#{fact.occurrence}"


def fact_keys(note: ParsedNote) -> list[str]:
    """``fact_key`` of each fact of ``note``, in order."""
    return [fact_key(note.path, f) for f in note.facts]


def _mask(text: str, terms: Iterable[str], mask: str) -> str:
    """``text`` with every mention of ``terms`` masked, as the quiz gate folds names (case,
    width, ``Etcd2`` for ETCD, plurals; never "Job" inside "CronJob")."""
    return gate.mask(text, [gate.fold(t) for t in terms if t], mask)


def _mask_terms(fact: Fact) -> list[str]:
    """The term, its aliases, and the distinctive words of a multi-word Latin term
    (``Ingress`` of ``Ingress Controller``), so the front never gives the answer away."""
    return list(gate.name_forms(fact.term, fact.aliases))


def _shorten(text: str, limit: int = FRONT_MAX) -> str:
    """First sentence of a long definition, cut at a comma or space if still long."""
    if len(text) <= limit:
        return text
    first = inline.sentences(text)[0] if inline.sentences(text) else text
    if len(first) <= limit + 20:
        return first
    cut = first[:limit]
    stop = max(cut.rfind(c) for c in (",", "，", "、", ";", "；", " "))
    return (cut[:stop] if stop > limit // 2 else cut).rstrip(" ,，、;；") + "…"


def _meaningful(text: str, mask: str) -> int:
    return sum(map(str.isalnum, text.replace(mask, "")))


# What the gate refuses that no card kind could make worth studying (a diagram still makes
# relation cards, a term with a list of points an enumeration card).
_NO_CARD = frozenset({gate.PLAN, gate.CODE, gate.VALUE, gate.NOT_A_NAME, gate.BLANK, gate.SUBJECT,
                      gate.RESTATES, gate.TOO_SHORT})


class _Gen:
    def __init__(self, note: ParsedNote):
        self.note = note
        self.t = _TEXT["zh" if note.lang == "zh" else "en"]
        self.cards: list[dict] = []
        self.log: list[gate.Log] = []
        self.keys = fact_keys(note)
        # learning-plan items (学习内容: 掌握…) are goals, not knowledge: no cards, and never a
        # distractor on another card
        self.plan = gate.plan_flags(note.facts)
        defs = [f for f, p in zip(note.facts, self.plan, strict=True)
                if f.kind == DEFINITION and f.definition and not p]
        self.def_counts = Counter((f.group, f.definition.casefold()) for f in defs)
        self.groups: dict[str, list[tuple[Fact, str]]] = {}
        for fact, fk, plan in zip(note.facts, self.keys, self.plan, strict=True):
            if (fact.kind in (DEFINITION, ABBREVIATION) and fact.group and not fact.parent
                    and not plan):
                self.groups.setdefault(fact.group, []).append((fact, fk))
        self.last_member = {members[-1][1]: g for g, members in self.groups.items()}

    def card(self, fact: Fact, fk: str, kind: str, front: str, back: str, *, variant: str = "",
             diagram: str = "", key: str = "") -> None:
        key = key or f"{fk}{SEP}{kind}" + (f"{SEP}{_safe(variant)}" if variant else "")
        self.cards.append(
            dict(key=key, fact_key=fk, kind=kind, front=front.strip(), back=back.strip(),
                 source=fact.source, deck=self.note.title, section=fact.section,
                 diagram=diagram)
        )

    def ctx(self, fact: Fact) -> str:
        return fact.group or (fact.section[-1] if fact.section else "")

    def aliases_line(self, fact: Fact) -> str:
        if not fact.aliases:
            return ""
        return "\n\n" + self.t["aliases"].format(aliases=self.t["list_sep"].join(fact.aliases))

    # -- per fact kind ---------------------------------------------------------------
    def drop(self, fk: str, kind: str, reason: str, action: str = gate.DROPPED) -> None:
        self.log.append(gate.Log(fk, kind, reason, action))

    def run(self) -> list[CardSpec]:
        for fact, fk, plan in zip(self.note.facts, self.keys, self.plan, strict=True):
            why = gate.reason_not_askable(fact, plan)
            if why in _NO_CARD:
                self.drop(fk, "fact", why)
            elif fact.kind == DEFINITION:
                self.definition(fact, fk)
            elif fact.kind == PROPERTY:
                self.prop(fact, fk)
            elif fact.kind == ENUMERATION:
                self.enumeration(fact, fk, self.t["enum"])
            elif fact.kind == ABBREVIATION:
                self.abbreviation(fact, fk)
            elif fact.kind == DIAGRAM:
                self.relations(fact, fk)
            elif fact.kind == STATEMENT:
                self.cloze(fact, fk)
            if fk in self.last_member:
                self.membership(self.last_member[fk])
        for fact in self.note.handson:
            self.handson(fact, fact_key(self.note.path, fact))
        seen: Counter[str] = Counter()
        out = []
        for pos, c in enumerate(self.cards):
            seen[c["key"]] += 1
            if seen[c["key"]] > 1:
                c["key"] = f"{c['key']}#{seen[c['key']]}"
            out.append(CardSpec(position=pos, **c))
        return out

    def handson(self, fact: Fact, fk: str) -> None:
        """A command or manifest fact → a card answered by typing (the review page checks it
        with the same checker as a quiz question, then the learner rates as usual)."""
        q = handson_question(QFact.from_fact(fact, lang=self.note.lang))
        if q is None:
            return self.drop(fk, fact.kind, "unreadable")
        lang = "yaml" if q.kind == "manifest" else "sh"
        self.card(fact, fk, q.kind, handson_front(q), f"```{lang}\n{q.answer}\n```")

    def definition(self, fact: Fact, fk: str) -> None:
        ctx = self.ctx(fact)
        if fact.definition:
            front = self.t["what_ctx" if ctx else "what"].format(term=fact.term, ctx=ctx)
            self.card(fact, fk, TERM_DEFINITION, front, fact.definition + self.aliases_line(fact))
            self.definition_term(fact, fk, ctx)
        for alias in fact.aliases:
            if terms.ABBR_RE.fullmatch(alias):
                front = self.t["alias"].format(alias=alias)
                self.card(fact, fk, ABBREVIATION_CARD, front, f"**{fact.term}**", variant=alias)
        if len(fact.items) >= 2:
            self.enumeration(fact, fk, self.t["props"])

    def definition_term(self, fact: Fact, fk: str, ctx: str) -> None:
        """Definition → term. Skipped when it would be unanswerable: the definition is
        (almost) only the term, too short without a group to narrow it, or shared."""
        if self.def_counts[(fact.group, fact.definition.casefold())] > 1:
            return self.drop(fk, DEFINITION_TERM, gate.DUPLICATE)
        if gate.initials_spell(fact.term, fact.definition):  # "ServiceAccount" → SA
            return self.drop(fk, DEFINITION_TERM, gate.INITIALS)
        mask = self.t["mask"]
        hide = _mask_terms(fact)
        masked = gate.mask(fact.definition, hide, mask)
        masked_ctx = gate.mask(ctx, hide, mask) if ctx else ctx
        size = _meaningful(masked, mask)
        if size < 2 or (size < 6 and not ctx):
            return self.drop(fk, DEFINITION_TERM, gate.TOO_SHORT)
        if masked != fact.definition:
            self.drop(fk, DEFINITION_TERM, gate.MASKED, gate.REWRITTEN)
        template = "which_ctx" if fact.group else ("which_sec" if ctx else "which")
        prompt = self.t[template].format(ctx=masked_ctx)
        quote = "\n".join("> " + ln for ln in _shorten(masked).split("\n"))
        back = f"**{fact.term}**{self.aliases_line(fact)}\n\n{fact.definition}"
        self.card(fact, fk, DEFINITION_TERM, f"{prompt}\n\n{quote}", back)

    def prop(self, fact: Fact, fk: str) -> None:
        if fact.definition:
            front = self.t["prop_what"].format(parent=fact.parent, term=fact.term)
            self.card(fact, fk, TERM_DEFINITION, front, fact.definition + self.aliases_line(fact))
        if len(fact.items) >= 2:
            self.enumeration(fact, fk, self.t["props"])

    def enumeration(self, fact: Fact, fk: str, template: str) -> None:
        items = list(fact.items)
        if len(items) < 2:
            return
        if fact.kind in (DEFINITION, PROPERTY):  # properties: show their definitions too
            by_term = {f.term: f for f in self.note.facts if f.parent == fact.term}
            items = [
                f"{i}: {by_term[i].definition}" if i in by_term and by_term[i].definition else i
                for i in items
            ]
        front = template.format(term=fact.term, n=len(items))
        back = "\n".join(f"{n}. {item}" for n, item in enumerate(items, 1))
        self.card(fact, fk, ENUMERATION_CARD, front, back)

    def membership(self, group: str) -> None:
        members = self.groups[group]
        terms = list(dict.fromkeys(f.term for f, _ in members))
        if len(terms) < 2:
            return
        first, first_fk = members[0]
        # The card belongs to the group; its fact is the first member (import links it there).
        key = f"{self.note.path}{SEP}group{SEP}{_safe(group)}{SEP}{MEMBERSHIP}"
        sep = self.t["list_sep"]

        digests: dict[str, str] = {}

        def rank(item: str) -> str:
            if item not in digests:
                digests[item] = hashlib.sha1(f"{key}|{item}".encode()).hexdigest()
            return digests[item]

        def order(items: list[str]) -> list[str]:  # deterministic shuffle
            return sorted(items, key=rank)

        shown = order(terms)[:MEMBERS_SHOWN]
        # A term names a member when it names any member's forms: one test against all
        # the group's forms (names_in of a union is the any() of its parts), once per term.
        forms = tuple(dict.fromkeys(x for t in terms for x in gate.name_forms(t)))
        # A form can only be found where its first word is: looking for the first words
        # settles most terms before the gate's word-by-word match (exactly, never wrongly).
        firsts = {c[0] for c in map(gate.chunks, forms) if c}
        member_set = set(terms)
        named: dict[str, bool] = {}
        others = []
        for g, ms in self.groups.items():
            if g == group:
                continue
            for f, _ in ms:
                if f.term in member_set:
                    continue
                hit = named.get(f.term)
                if hit is None:
                    folded = gate.fold(f.term)
                    hit = named[f.term] = any(w in folded for w in firsts) and \
                        gate.names_in(f.term, forms)
                if not hit:
                    others.append((f.term, g))
        other_group = dict(others)
        distractors = order(list(other_group))[:DISTRACTORS]
        if not distractors:
            front = self.t["member_recall"].format(group=group, n=len(terms))
            back = "\n".join(f"- {t}" for t in terms)
        else:
            choices = order(shown + distractors)
            front = self.t["member"].format(group=group) + "\n\n"
            front += "\n".join(f"- {c}" for c in choices)
            yes = sep.join(t for t in terms if t in shown)
            no = sep.join(
                d + self.t["paren"].format(x=other_group[d]) for d in distractors
            )
            back = self.t["member_yes"].format(group=group, items=yes)
            back += "\n\n" + self.t["member_no"].format(items=no)
        self.card(first, first_fk, MEMBERSHIP, front, back, key=key)

    def abbreviation(self, fact: Fact, fk: str) -> None:
        if not fact.definition:
            return
        self.card(fact, fk, ABBREVIATION_CARD, self.t["abbr"].format(abbr=fact.term),
                  fact.definition)
        if gate.initials_spell(fact.term, fact.definition):
            # "container runtime interface" → CRI is spelled by its initials: nothing to recall
            return self.drop(fk, ABBREVIATION_CARD, gate.INITIALS)
        rev = self.t["abbr_rev"].format(expansion=fact.definition)
        self.card(fact, fk, ABBREVIATION_CARD, rev, f"**{fact.term}**", variant="reverse")

    def relations(self, fact: Fact, fk: str) -> None:
        """One card per node with two or more neighbours (a hub); if the diagram has no hub,
        one per node with an outgoing arrow."""
        links: dict[str, list[str]] = {}
        for e in fact.edges:
            label = self.t["paren"].format(x=e.label) if e.label else ""
            if e.bidirectional:
                links.setdefault(e.source, []).append(f"↔ {e.target}{label}")
                links.setdefault(e.target, []).append(f"↔ {e.source}{label}")
            else:
                links.setdefault(e.source, []).append(f"→ {e.target}{label}")
                links.setdefault(e.target, []).append(f"← {e.source}{label}")
        nodes = [n for n, ls in links.items() if len(ls) >= 2]
        if not nodes:
            nodes = [n for n, ls in links.items() if any(x.startswith("→") for x in ls)]
        for node in nodes:
            front = self.t["relation"].format(title=fact.term, node=node)
            back = "\n".join(f"- {x}" for x in links[node])
            self.card(fact, fk, RELATION, front, back, variant=node, diagram=fact.diagram)

    def cloze(self, fact: Fact, fk: str) -> None:
        """The sentence with its term hidden (every mention) on the front; the whole sentence
        with the term in bold on the back."""
        text, span = fact.definition, fact.cloze
        if not span or span not in text:
            return self.drop(fk, CLOZE, gate.NO_CLOZE)
        names = gate.name_forms(span)
        front = gate.mask(text, names, "[...]")
        if _meaningful(front.replace("[...]", ""), self.t["mask"]) < 4:
            return self.drop(fk, CLOZE, gate.TOO_SHORT)
        ctx = fact.section[-1] if fact.section else ""
        if ctx and not gate.names_in(ctx, names):  # "前身是[...]系统" says nothing of whose
            front += self.t["paren"].format(x=ctx)
        spans = gate.name_spans(text, names)
        back = text
        for s, e in reversed(spans):
            back = back[:s] + f"**{back[s:e]}**" + back[e:]
        self.card(fact, fk, CLOZE, front, back)


def generate_cards(note: ParsedNote) -> list[CardSpec]:
    """All cards of one note, in note order (``position`` 0, 1, 2 …), keys unique."""
    return _Gen(note).run()


def generate_cards_logged(note: ParsedNote) -> tuple[list[CardSpec], list[gate.Log]]:
    """``generate_cards`` and what the quality gate dropped or rewrote, with the reason."""
    gen = _Gen(note)
    return gen.run(), gen.log
