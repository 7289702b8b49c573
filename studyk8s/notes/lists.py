"""The list rules of pass 2 (blocks → facts), mixed into the walker (walker.py), whose
``add``, ``definition``, ``statements`` and ``warn`` they call:

- in a list whose items are mostly ``Term: definition`` each item is a definition fact of
  the group; ``Term: definition`` continuation lines are sibling definitions (HPA inside
  the RC item); other continuation lines extend the latest definition;
- items nested under a term are its properties; nested definitions under a plain item that
  names them (``Job,Cronjob``) are siblings in the outer group; under ``Foo:`` a sub-group;
- a list of plain items is an enumeration named after its label or heading;
- a list that says what the author is going to learn is the note's study plan, and a list
  of references is skipped.
"""

from __future__ import annotations

import re
from dataclasses import replace

from . import definitions, inline, terms
from .blocks import Item, ListBlock, code_kind
from .model import ENUMERATION, PROPERTY, PlanItem

_SPACES_RE = re.compile(r"\s+")
_NAME_LIST_RE = re.compile(r"\s*[,，、/&＆和]\s*|\s+and\s+")
_REFERENCES_RE = re.compile(
    r"^(?:参考|参考文档|参考资料|参考链接|相关链接|相关文档|延伸阅读|扩展阅读|推荐阅读|"
    r"references?|links|further reading|see also)$", re.I)


class ListRules:
    """List blocks → definitions, properties, enumerations and the study plan."""

    def list_block(self, block: ListBlock, prev=None) -> None:
        if self.label is not None:
            group = self.label.text
            self.label.followed = True
            self.label = None
        elif prev is not None and id(prev) in self.bold_terms:
            group = self.bold_terms[id(prev)]  # "**docker volume**：…常用的有" right above
        else:
            group = self.heading_label
        self.label_run = False
        for item in _walk_items(block.items):
            self.prose.append(item.text)
            self.prose.extend(t for _, t in item.cont)
        if _REFERENCES_RE.match(group):
            return  # "参考文档", "References": links to read, not facts to recall
        if definitions.is_plan(group, [self.item_text(it) for it in block.items]):
            for item in _walk_items(block.items):
                parsed = definitions.split_definition(item.text)
                text = self.item_text(item)
                label = inline.clean(parsed[0]) if parsed is not None and parsed[2] else text
                if parsed is not None and parsed[2]:
                    text = inline.clean(" ".join([parsed[2], *(t for _, t in item.cont)]))
                self.plan.append(PlanItem(label, text, self.src(item.line)))
            return
        self.items(block.items, group)

    def items(self, items: list[Item], group: str) -> None:
        kinds = [self.classify(it) for it in items]
        def_like = sum(k[0] in ("def", "label", "grouping", "named") for k in kinds)
        names = sum(k[0] == "plain" and terms.is_term(self.item_text(it))
                    for it, k in zip(items, kinds, strict=True))
        if def_like and (def_like * 2 >= len(items) or not names):
            # a list of definitions; items that are sentences ("如果…: …") are statements
            for item, kind in zip(items, kinds, strict=True):
                self.def_item(item, kind, group)
        else:
            self.enumeration(items, group, group)

    def classify(self, item: Item) -> tuple:
        parsed = definitions.split_definition(item.text) or definitions.split_verb(item.text)
        if parsed is not None and parsed[2]:
            return ("def", parsed)
        if parsed is not None:
            if not item.children and item.cont:  # "- Term:" with the definition below
                _, first = item.cont[0]
                return ("def", (parsed[0], parsed[1], first), 1)
            return ("label", parsed)
        named = _named_item(item)
        if named is not None:
            return ("def", named, len(item.cont))
        if item.children and self.is_grouping(item):
            return ("grouping",)
        if item.children and all(_has_definition(c) for c in item.children) and \
                terms.is_term(self.item_text(item)):
            return ("named",)  # "Port names" over "port: …", "targetPort: …": their group
        return ("plain",)

    @staticmethod
    def is_grouping(item: Item) -> bool:
        """``Job,Cronjob`` over ``Job: …`` and ``CronJob: …``: a heading item that names
        its nested definitions (or lists as many names as there are), which then belong to
        the outer group rather than being properties of the item."""
        name = _SPACES_RE.sub("", item.text).casefold()
        named = True
        for child in item.children:
            parsed = definitions.split_definition(child.text)
            if parsed is None or not parsed[2]:
                return False
            named = named and _SPACES_RE.sub("", parsed[0]).casefold() in name
        parts = [p for p in _NAME_LIST_RE.split(item.text.strip()) if p]
        # "Job,Cronjob" lists names; "Labels vs annotations" is a title over them
        return len(parts) >= 2 and (named or len(parts) == len(item.children))

    def def_item(self, item: Item, kind: tuple, group: str) -> None:
        if kind[0] == "def":
            skip = kind[2] if len(kind) > 2 else 0
            self.definition_run(item, kind[1], item.cont[skip:], group)
        elif kind[0] == "label":
            term = kind[1][0]
            if item.children:
                self.items(item.children, term)
            else:
                self.warn(item.line, f"label '{term}:' has nothing under it (no nested list)")
        elif kind[0] == "grouping":
            self.extra_lines(item.cont, group)
            self.items(item.children, group)
        elif kind[0] == "named":
            self.items(item.children, self.item_text(item))
        else:
            text = self.item_text(item)
            if not text and item.children:  # the item's own line was a command
                self.items(item.children, group)
            elif item.children:
                self.add(
                    ENUMERATION, text, item.line, group=group,
                    items=tuple(self.item_text(c) for c in item.children),
                )
                defined = [c for c in item.children if _has_definition(c)]
                self.properties(defined, text)  # their definitions are worth a card
                for child in item.children:  # "如果 restartPolicy 为：" over "Always：…"
                    if child.children and not _has_definition(child):
                        for sub in _walk_items(child.children):  # conditional: prose
                            self.statements(self.item_text(sub), sub.line)
            else:  # a bare name among definitions defines nothing: no empty definition
                self.statements(text, item.line)

    def definition_run(self, item: Item, parsed, cont, group: str) -> None:
        """One list item: its definition, sibling definitions on continuation lines,
        and the nested items as properties of the latest of them."""
        runs: list[list] = [[item.line, parsed, []]]
        for line, txt in cont:
            sub = definitions.split_definition(txt)
            last = (runs[-1][2] or [runs[-1][1][2]])[-1]
            # "…runs on\nthe nodes: x" is a wrapped sentence; "podAntiAffinity: x" a sibling
            wrapped = (sub is not None and txt[:1].islower() and " " in sub[0]
                       and last[-1:] not in ".。!！?？)）")
            if sub is not None and sub[2] and not wrapped:
                runs.append([line, sub, []])
            else:
                runs[-1][2].append(txt)
        for i, (line, (term, aliases, definition), extra) in enumerate(runs):
            full = " ".join([definition, *extra]).strip()
            props = item.children if i == len(runs) - 1 else []
            idx = self.definition((term, aliases, full), line, group, strict_abbr=True)
            if props:
                names = self.properties(props, term)
                self.facts[idx] = replace(self.facts[idx], items=names)

    def extra_lines(self, cont, group: str) -> None:
        for line, txt in cont:
            sub = definitions.split_definition(txt)
            if sub is not None and sub[2]:
                self.definition(sub, line, group, strict_abbr=True)

    def properties(self, children: list[Item], parent: str) -> tuple[str, ...]:
        """Items nested under a term: its properties. A nested ``Label:`` over definitions
        groups them; a nested sentence is a statement, not a property."""
        names = []
        for child in children:
            parsed = definitions.split_definition(child.text)
            if parsed is not None and not parsed[2] and child.children and not child.cont:
                self.items(child.children, parsed[0])  # "典型用法:" over its definitions
                continue
            if parsed is not None:
                term, aliases, definition = parsed
            else:
                term, aliases, definition = self.item_text(child), (), ""
                if not terms.is_term(term):
                    self.statements(term, child.line)
                    if child.children:
                        self.properties(child.children, parent)
                    continue
            extra = [t for _, t in child.cont]
            definition = " ".join([definition, *extra]).strip()
            if not term:
                continue
            sub = self.properties(child.children, term) if child.children else ()
            self.add(
                PROPERTY, term, child.line, definition=definition, aliases=aliases,
                group=parent, parent=parent, items=sub,
            )
            names.append(term)
        return tuple(names)

    def enumeration(self, items: list[Item], term: str, group: str) -> None:
        items = [it for it in items if not _REFDEF_RE.match(it.text)]  # "[x]: url": a target
        if items and sum(map(_holds_command, (it.text for it in items))) * 2 >= len(items):
            self.warn(items[0].line, "list of commands skipped: practise them as commands")
            return
        texts = _bold_leads(items) or tuple(t for t in (self.item_text(it) for it in items) if t)
        if not texts:
            return
        if len(items) == 1 and not items[0].children:
            self.statements(texts[0], items[0].line)  # one item is a remark, not a list
            return
        self.add(ENUMERATION, term, items[0].line, items=texts, group=group)
        for it in items:
            if it.children:
                self.items(it.children, self.item_text(it))

    @staticmethod
    def item_text(item: Item) -> str:
        parts = [item.text, *(t for _, t in item.cont)]
        return " ".join(inline.plain(p) for p in parts if p).strip()


_ITEM_NUMBER_RE = re.compile(r"^\d{1,2}[.、)）]\s*(?=\S)")


def _named_item(item: Item):
    """``- 1.kubectl`` over ``客户端命令行工具`` (wrapped, or a paragraph of its own): a
    Latin name on the item's first line, its explanation on the lines below. An English
    line that goes on in lower case is a wrapped sentence, not a name."""
    if not item.cont or item.children:
        return None
    name = _ITEM_NUMBER_RE.sub("", inline.plain(item.text)).strip()
    rest = " ".join(inline.plain(t) for _, t in item.cont).strip()
    first = item.cont[0][1].lstrip()
    if (len(name) > 30 or name.count(" ") > 3 or not inline.LATIN_RE.search(name)
            or not terms.is_term(name) or len(rest) < 4
            or (first[:1].isascii() and first[:1].islower())):
        return None  # "- 不错" over a link is a remark; "- The kubelet\n  runs…" a sentence
    term, aliases = terms.split_aliases(name)
    return term, aliases, rest


_BOLD_LEAD_RE = re.compile(
    r"^(?:\*\*|__)(?P<lead>[^*_\n]{2,80}?)(?:\*\*|__)\s*[。.！!]?\s*(?P<rest>.*)$")


def _bold_leads(items: list[Item]) -> tuple[str, ...]:
    """``1. **所有API应该是声明式的**。声明式的操作…``: when every item opens with a bold
    sentence and some explain it, the list enumerates the bold sentences."""
    found = [_BOLD_LEAD_RE.match(it.text) for it in items]
    if len(items) < 2 or not all(found) or \
            not any(m.group("rest") or it.cont for m, it in zip(found, items, strict=True)):
        return ()
    return tuple(inline.clean(m.group("lead")).rstrip("。.") for m in found)


_REFDEF_RE = re.compile(r"^\[[^\]]{1,200}\]:\s*\S")
_CODE_SPAN_RE = re.compile(r"`([^`\n]{3,300})`")
_OPTION_RE = re.compile(r"^-{1,2}[A-Za-z][\w-]*(?:[ =]\S+)*$")  # `--volumes-from name`


def _holds_command(text: str) -> bool:
    """``from net `docker pull NAME[:TAG]` ``: an item that is there for its command."""
    return any(code_kind(m.group(1)) == "shell" or _OPTION_RE.match(m.group(1))
               for m in _CODE_SPAN_RE.finditer(text))


def _has_definition(item: Item) -> bool:
    parsed = definitions.split_definition(item.text)
    return parsed is not None and bool(parsed[2])


def _walk_items(items: list[Item]):
    for it in items:
        yield it
        yield from _walk_items(it.children)
