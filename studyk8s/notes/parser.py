"""Pass 2: blocks → facts, following DESIGN.md "Notes → facts (the content grammar)".

The rules, in the order a reader applies them:

- a heading sets the section path and labels the lists beneath it (``## K8s优点``);
- a non-indented line ending in a colon (``主要组件:``) labels the next list, and
  ``Term: definition`` lines directly under it; a label with nothing under it is a warning;
- in a list whose items are mostly ``Term: definition`` each item is a definition fact of
  the group; ``Term: definition`` continuation lines are sibling definitions (HPA inside
  the RC item); other continuation lines extend the latest definition;
- items nested under a term are its properties; nested definitions under a plain item that
  names them (``Job,Cronjob``) are siblings in the outer group; under ``Foo:`` a sub-group;
- a list of plain items is an enumeration named after its label or heading;
- ``ABBR:expansion`` is an abbreviation; ``{{<mermaid>}}`` blocks are diagrams titled by
  the line just above them; remaining prose lines are statements with a cloze target.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, replace

from . import inline
from .blocks import (
    Blank,
    Block,
    Code,
    Comment,
    Diagram,
    Heading,
    Item,
    ListBlock,
    Other,
    Table,
    Text,
    build_blocks,
    code_kind,
)
from .frontmatter import decode, meta_bool, meta_str, meta_tags, split_front_matter
from .md import clean_source
from .mermaid import parse_mermaid
from .model import (
    ABBREVIATION,
    DEFINITION,
    DIAGRAM,
    ENUMERATION,
    PROPERTY,
    STATEMENT,
    CodeBlock,
    Fact,
    ParsedNote,
    PlanItem,
    Problem,
    key_segment,
)

_CAPTION_NOTE_RE = re.compile(r"^(?P<title>.+?)\s*[（(](?P<note>[^()（）]*)[)）]\s*$")
_SPACES_RE = re.compile(r"\s+")
_NAME_LIST_RE = re.compile(r"\s*[,，、/&＆和]\s*|\s+and\s+")
# A video timestamp or a to-do at the start of a line: a note to self, not knowledge.
_REMARK_RE = re.compile(r"^(?:\d{1,2}:\d{2}(?::\d{2})?\s|(?:TODO|FIXME|待办)\b)", re.I)
_REFERENCES_RE = re.compile(
    r"^(?:参考|参考文档|参考资料|参考链接|相关链接|相关文档|延伸阅读|扩展阅读|推荐阅读|"
    r"references?|links|further reading|see also)$", re.I)
_NOT_A_DEFINITION_RE = re.compile(r"(?:[A-Za-z][A-Za-z0-9+.-]{0,30}://|www\.|\d{4}-\d{1,2}-\d{1,2}\b)")
_REFDEF_RE = re.compile(r"^\[[^\]]{1,200}\]:\s*\S")
ZH_SHARE = 0.12  # CJK characters / (CJK + Latin letters) above which a note is Chinese


@dataclass
class _Label:
    text: str
    line: int
    followed: bool = False  # anything (text, list, code) came under it
    by_defs: bool = False  # own-line definitions used it as their group


class _Walker:
    def __init__(self, path: str):
        self.path = path
        self.facts: list[Fact] = []
        self.warnings: list[Problem] = []
        self.section: list[tuple[int, str]] = []
        self.heading_label = ""
        self.label: _Label | None = None
        self.label_run = False  # right after a label line, inside its run of definitions
        self.prose: list[str] = []
        self.first_heading = ""
        self.stmt_of_block: dict[int, list[int]] = {}
        self.plan: list[PlanItem] = []
        self.comments: list[Comment] = []
        self.seen_content = False  # a block other than a comment came (original-title rule)
        self._sec: tuple[str, ...] | None = None  # cached section path

    # -- helpers -------------------------------------------------------------
    def src(self, line: int) -> str:
        return f"{self.path}:{line}"

    def sec(self) -> tuple[str, ...]:
        if self._sec is None:
            self._sec = tuple(t for _, t in self.section)
        return self._sec

    def warn(self, line: int, message: str) -> None:
        self.warnings.append(Problem(self.path, line, message, "warning"))

    def add(self, kind: str, term: str, line: int, **kw) -> int:
        kw.setdefault("section", self.sec())
        term = inline.clean(term)
        for key in ("definition", "group", "parent"):
            if kw.get(key):  # a text that is nothing but markers ("**") stays as written
                kw[key] = inline.clean(kw[key]) or kw[key].strip()
        if kind != STATEMENT and kw.get("definition"):
            kw["definition"] = kw["definition"].rstrip("；;，, ") or kw["definition"]
        for key in ("aliases", "items"):
            if kw.get(key):
                kw[key] = tuple(c for c in (inline.clean(a) for a in kw[key]) if c)
        self.facts.append(Fact(kind=kind, term=term, source=self.src(line), **kw))
        return len(self.facts) - 1

    def close_label(self) -> None:
        if self.label is not None and not self.label.followed:
            self.warn(
                self.label.line,
                f"label '{self.label.text}:' has nothing under it (no list or text follows)",
            )
        self.label = None
        self.label_run = False

    # -- walk ------------------------------------------------------------------
    def run(self, blocks: list[Block]) -> None:
        prev: Block | None = None
        for block in blocks:
            if isinstance(block, Blank):
                if self.label_run and self.label is not None and self.label.by_defs:
                    self.label = None  # its run of definitions is over
                self.label_run = False
            elif isinstance(block, Heading):
                self.heading(block)
            elif isinstance(block, Text):
                self.text(block)
            elif isinstance(block, ListBlock):
                self.list_block(block)
            elif isinstance(block, Diagram):
                self.diagram(block, prev)
            elif isinstance(block, Table):
                self.table(block)
            elif isinstance(block, Comment):
                if not self.seen_content:
                    self.comments.append(block)
            elif isinstance(block, (Other, Code)):
                if self.label is not None:
                    self.label.followed = True
                self.label_run = False
            if not isinstance(block, (Comment, Blank)):
                self.seen_content = True
            prev = block
        self.close_label()

    def heading(self, block: Heading) -> None:
        self.close_label()
        title = inline.plain(block.text).rstrip(" :：").strip()
        if not title:
            return
        self.prose.append(title)
        self.first_heading = self.first_heading or title
        while self.section and self.section[-1][0] >= block.level:
            self.section.pop()
        self.section.append((block.level, title))
        self._sec = None
        self.heading_label = title

    def text(self, block: Text) -> None:
        self.prose.append(block.text)
        parsed = inline.split_definition(block.text)
        label = None
        if parsed is not None and not parsed[2] and block.indent <= 3:
            label = inline.label_of(block.text, parsed)
        if label is not None:
            self.close_label()
            self.label = _Label(label, block.line)
            self.label_run = True
            return
        if self.label is not None:
            self.label.followed = True
            if parsed is None or not parsed[2]:
                self.label = None  # the text it introduced consumed it
        if parsed is not None and parsed[2]:
            group = ""
            if self.label_run and self.label is not None:
                group, self.label.by_defs = self.label.text, True
            self.definition(parsed, block.line, group, strict_abbr=False)
            return
        self.label_run = False
        self.stmt_of_block[id(block)] = self.statements(block.text, block.line, block)

    def definition(self, parsed, line: int, group: str, *, strict_abbr: bool, **kw) -> int:
        """One definition fact (or one per sibling in ``nfs, glusterfs: …``); returns the
        index of the last one added."""
        term, aliases, definition = parsed
        idx = -1
        if inline.only_url(definition) or _NOT_A_DEFINITION_RE.match(definition):
            return idx  # "视频地址: https://…", "Docs: https://… is…", "更新: 2024-01-09"
        for name in inline.sibling_terms(term):
            abbr = inline.abbreviation_of(name, definition, strict=strict_abbr)
            if not aliases and abbr is not None:
                idx = self.add(ABBREVIATION, name, line, definition=abbr, group=group, **kw)
            else:
                idx = self.add(DEFINITION, name, line, definition=definition, aliases=aliases,
                               group=group, **kw)
        return idx

    # -- tables ----------------------------------------------------------------------------
    def table(self, block: Table) -> None:
        """A table whose first column names things: one definition per row, the first
        header cell as the group. Anything else is skipped with a warning."""
        if self.label is not None:
            self.label.followed = True
        self.label_run = False
        rows = [(ln, [inline.clean(c) for c in cells]) for ln, cells in block.rows]
        rows = [(ln, cells) for ln, cells in rows if any(cells)]
        named = [r for r in rows if r[1] and inline.is_term(r[1][0]) and any(r[1][1:])
                 and not code_kind(r[1][0])]  # a table of commands names nothing
        if not rows or len(block.header) < 2 or len(named) * 2 < len(rows):
            self.warn(block.line, "table skipped: its first column does not name things")
            return
        group = inline.clean(block.header[0]) if block.header else ""
        if not group or not inline.is_term(group):
            group = self.heading_label
        for ln, cells in rows:
            if (ln, cells) not in named:
                self.warn(ln, "table row skipped: its first cell is not a name")
                continue
            term, aliases = inline.split_aliases(cells[0])
            definition = "; ".join(c for c in cells[1:] if c)
            self.definition((term, aliases, definition), ln, group, strict_abbr=True)

    def statements(self, text: str, line: int, block: Text | None = None) -> list[int]:
        """Free prose → statement facts, one per sentence, each with a cloze target."""
        stripped = text.strip()
        if stripped.startswith(("![", "[^", "[TOC]")) or _REFDEF_RE.match(stripped):
            return []
        if _REMARK_RE.match(stripped) or inline.only_url(stripped):
            return []  # "21:40 …", "TODO: …", "参考: https://…": notes to self, links
        out = []
        avoid = self.sec()
        pos = 0
        for sent in inline.sentences(stripped):
            at = stripped.find(sent, pos)
            pos = max(pos, at)
            clean = inline.plain(sent)
            masked = inline.plain(inline.mask_opaque(sent)).replace("\x00", "")
            meaningful = sum(ch.isalnum() for ch in masked)
            if meaningful < 3 or clean.endswith((":", "：")):
                continue
            cloze = inline.clean(inline.pick_cloze(sent, avoid))
            if cloze and not inline.is_whole_token(cloze, clean):
                cloze = ""
            term = clean if len(clean) <= 40 else clean[:39].rstrip() + "…"
            where = block.line_at(at) if block is not None and at >= 0 else line
            out.append(self.add(STATEMENT, term, where, definition=clean, cloze=cloze))
        return out

    # -- lists -------------------------------------------------------------------
    def list_block(self, block: ListBlock) -> None:
        if self.label is not None:
            group = self.label.text
            self.label.followed = True
            self.label = None
        else:
            group = self.heading_label
        self.label_run = False
        for item in _walk_items(block.items):
            self.prose.append(item.text)
            self.prose.extend(t for _, t in item.cont)
        if _REFERENCES_RE.match(group):
            return  # "参考文档", "References": links to read, not facts to recall
        if inline.is_plan(group, [self.item_text(it) for it in block.items]):
            for item in _walk_items(block.items):
                parsed = inline.split_definition(item.text)
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
        names = sum(k[0] == "plain" and inline.is_term(self.item_text(it))
                    for it, k in zip(items, kinds, strict=True))
        if def_like and (def_like * 2 >= len(items) or not names):
            # a list of definitions; items that are sentences ("如果…: …") are statements
            for item, kind in zip(items, kinds, strict=True):
                self.def_item(item, kind, group)
        else:
            self.enumeration(items, group, group)

    def classify(self, item: Item) -> tuple:
        parsed = inline.split_definition(item.text) or inline.split_verb(item.text)
        if parsed is not None and parsed[2]:
            return ("def", parsed)
        if parsed is not None:
            if not item.children and item.cont:  # "- Term:" with the definition below
                _, first = item.cont[0]
                return ("def", (parsed[0], parsed[1], first), 1)
            return ("label", parsed)
        if item.children and self.is_grouping(item):
            return ("grouping",)
        if item.children and all(_has_definition(c) for c in item.children) and \
                inline.is_term(self.item_text(item)):
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
            parsed = inline.split_definition(child.text)
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
            if item.children:
                self.add(
                    ENUMERATION, text, item.line, group=group,
                    items=tuple(self.item_text(c) for c in item.children),
                )
                defined = [c for c in item.children if _has_definition(c)]
                self.properties(defined, text)  # their definitions are worth a card
            elif inline.is_term(text):
                self.add(DEFINITION, text, item.line, group=group)  # a member, undefined
            else:
                self.statements(text, item.line)

    def definition_run(self, item: Item, parsed, cont, group: str) -> None:
        """One list item: its definition, sibling definitions on continuation lines,
        and the nested items as properties of the latest of them."""
        runs: list[list] = [[item.line, parsed, []]]
        for line, txt in cont:
            sub = inline.split_definition(txt)
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
            sub = inline.split_definition(txt)
            if sub is not None and sub[2]:
                self.definition(sub, line, group, strict_abbr=True)

    def properties(self, children: list[Item], parent: str) -> tuple[str, ...]:
        """Items nested under a term: its properties. A nested ``Label:`` over definitions
        groups them; a nested sentence is a statement, not a property."""
        names = []
        for child in children:
            parsed = inline.split_definition(child.text)
            if parsed is not None and not parsed[2] and child.children and not child.cont:
                self.items(child.children, parsed[0])  # "典型用法:" over its definitions
                continue
            if parsed is not None:
                term, aliases, definition = parsed
            else:
                term, aliases, definition = self.item_text(child), (), ""
                if not inline.is_term(term):
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
        texts = tuple(t for t in (self.item_text(it) for it in items) if t)
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

    # -- diagrams -----------------------------------------------------------------
    def diagram(self, block: Diagram, prev: Block | None) -> None:
        title, note = "", ""
        if isinstance(prev, Text) and id(prev) in self.stmt_of_block:
            caption = inline.plain(prev.text).rstrip(" :：")
            for idx in sorted(self.stmt_of_block.pop(id(prev)), reverse=True):
                del self.facts[idx]
            m = _CAPTION_NOTE_RE.match(caption)
            title, note = (m.group("title"), m.group("note")) if m else (caption, "")
            title = title.rstrip(" :：")
        elif self.label is not None and not self.label.followed:
            title = self.label.text
            self.label.followed = True
            self.label = None
        elif isinstance(prev, (Heading, Blank)) and self.section:
            title = self.section[-1][1]
        if not title:
            title = self.section[-1][1] if self.section else "diagram"
        if len(title) > 60:
            title = title[:59].rstrip() + "…"
        kind, edges = parse_mermaid(block.source)
        if not edges:
            what = f"mermaid {kind} diagram" if kind else "mermaid block"
            self.warn(block.line, f"{what}: no relations (arrows) found")
        self.add(DIAGRAM, title, block.line, definition=note, edges=edges, diagram=block.source)
        self.label_run = False


def _has_definition(item: Item) -> bool:
    parsed = inline.split_definition(item.text)
    return parsed is not None and bool(parsed[2])


def _walk_items(items: list[Item]):
    for it in items:
        yield it
        yield from _walk_items(it.children)


_URL_RE = re.compile(r"[A-Za-z][A-Za-z0-9+.-]{0,30}://\S*")


def _detect_lang(prose: list[str]) -> str:
    text = _URL_RE.sub(" ", "\n".join(prose))
    cjk = inline.cjk_count(text)
    latin = len(inline.LATIN_RE.findall(text))
    return "zh" if cjk and cjk >= ZH_SHARE * (cjk + latin) else "en"


def _norm_lang(value: str) -> str | None:
    v = value.strip().casefold().replace("_", "-")
    if v.startswith("zh") or v in ("cn", "chinese", "中文"):
        return "zh"
    if v.startswith("en") or v == "english":
        return "en"
    return None


def _known_term_clozes(facts: list[Fact]) -> list[Fact]:
    """A statement with no cloze yet blanks a term the note defines, when it holds one whole
    (``Pods are commonly managed by a Deployment``)."""
    known = sorted({f.term for f in facts if f.kind in (DEFINITION, ABBREVIATION, PROPERTY)
                    and 2 <= len(f.term) <= 40}, key=len, reverse=True)
    if not known:
        return facts
    out = []
    for f in facts:
        if f.kind == STATEMENT and not f.cloze:
            hit = next((t for t in known if t in f.definition and t not in f.section
                        and f.definition.count(t) == 1
                        and inline.is_whole_token(t, f.definition)), "")
            if hit:
                f = replace(f, cloze=hit)
        out.append(f)
    return out


def _number_occurrences(facts: list[Fact]) -> list[Fact]:
    """Identity = kind + term + parent, compared as the card keys compare them."""
    seen: dict[tuple[str, str, str], int] = {}
    out = []
    for f in facts:
        ident = (f.kind, key_segment(f.term), key_segment(f.parent) if f.parent else "")
        seen[ident] = seen.get(ident, 0) + 1
        out.append(f if seen[ident] == 1 else replace(f, occurrence=seen[ident]))
    return out


def _stem(path: str) -> str:
    name = re.split(r"[\\/]", path)[-1]
    return name[:-3] if name.lower().endswith(".md") else (name.rsplit(".", 1)[0] or name)


def parse_note(data: bytes, path: str) -> ParsedNote:
    """Parse one note. Raises NoteError (``path:line: message``) if it cannot be read;
    everything else that looks off becomes a warning on the returned note."""
    path = str(path)
    if isinstance(data, str):
        data = data.encode("utf-8")
    text = decode(bytes(data), path)
    text, clean_warnings = clean_source(text)
    lines = text.split("\n")
    meta, body_start = split_front_matter(lines, path)
    blocks, block_warnings, code = build_blocks(text, body_start, lines)
    walker = _Walker(path)
    walker.run(blocks)
    warnings = [Problem(path, ln, msg, "warning") for ln, msg in clean_warnings + block_warnings]
    warnings.extend(walker.warnings)

    title = meta_str(meta.get("title")) or walker.first_heading or _stem(path)
    lang = None
    if meta.get("lang") is not None:
        lang = _norm_lang(meta_str(meta.get("lang")))
        if lang is None:
            warnings.append(
                Problem(path, 1, f"lang {meta_str(meta.get('lang'))!r} is not zh or en; detected")
            )
    lang = lang or _detect_lang(walker.prose)
    tags = meta_tags(meta.get("tags"))
    front = _front_matter_fact(walker, meta, lines[:body_start], tags)
    if front is not None:
        walker.facts.insert(0, front)

    facts = _known_term_clozes([f if f.term else replace(f, term=title) for f in walker.facts])
    facts.sort(key=lambda f: f.line)  # stable: same-line facts keep emission order
    facts = _number_occurrences(facts)
    if not facts and not walker.plan:
        warnings.append(Problem(path, body_start + 1 if body_start < len(lines) else 1,
                                "no facts found in this note"))
    warnings.sort(key=lambda w: w.line)
    return ParsedNote(
        path=path,
        title=title,
        lang=lang,
        facts=tuple(facts),
        warnings=tuple(warnings),
        date=meta_str(meta.get("date")),
        tags=tags,
        draft=meta_bool(meta.get("draft")),
        content_hash=hashlib.sha256(data).hexdigest(),
        plan=tuple(walker.plan),
        code=tuple(CodeBlock(c.lang, c.text, f"{path}:{c.line}")
                   for c in sorted(code, key=lambda c: c.line)),
    )


_DESCRIPTION_KEYS = ("short_description", "description", "summary")
_COMMENT_TITLE_RE = re.compile(r"^\s*title:\s*(.+?)\s*$", re.M)


def _front_matter_fact(walker: _Walker, meta: dict, head: list[str], tags) -> Fact | None:
    """Hugo front matter ``title`` + ``short_description`` (or ``description``/``summary``)
    is a definition: ``aka`` and a translated page's original title (kept in an HTML comment
    right after the front matter) are its aliases, the first tag its group."""
    title = inline.clean(meta_str(meta.get("title")))
    desc = next((meta_str(meta.get(k)) for k in _DESCRIPTION_KEYS if meta_str(meta.get(k))), "")
    if not title or not desc:
        return None
    aliases: list[str] = []
    aka = meta.get("aka")
    for a in ([aka] if isinstance(aka, str) else aka if isinstance(aka, list) else []):
        aliases.append(meta_str(a))
    for comment in walker.comments:
        m = _COMMENT_TITLE_RE.search(comment.text)
        if m:
            original, more = inline.split_aliases(m.group(1).strip().strip("\"'"))
            aliases[:0] = [original, *more]
            break
    title, own = inline.split_aliases(title)  # 容器运行时接口（CRI）
    aliases[:0] = own
    seen = {key_segment(title).casefold()}
    unique = []
    for a in (inline.clean(x) for x in aliases):
        if a and key_segment(a).casefold() not in seen:
            seen.add(key_segment(a).casefold())
            unique.append(a)
    line = next((i + 1 for i, ln in enumerate(head) if ln.startswith("title")), 1)
    return Fact(DEFINITION, title, walker.src(line), definition=inline.clean(desc),
                aliases=tuple(unique), group=inline.clean(tags[0]) if tags else "")
