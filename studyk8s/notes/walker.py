"""Pass 2: blocks → facts, following DESIGN.md "Notes → facts (the content grammar)".

The rules, in the order a reader applies them:

- a heading sets the section path and labels the lists beneath it (``## K8s优点``);
- a non-indented line ending in a colon (``主要组件:``) labels the next list, and
  ``Term: definition`` lines directly under it; a label with nothing under it is a warning;
- lists follow the rules of lists.py (definitions, properties, enumerations, plans);
- a table whose first column names things gives one definition per row (tables.py);
- a heading that names a term, over a paragraph that opens with that term and a verb
  (``## Informer`` / ``Informer 是…的组件。``), is a glossary entry: a definition;
- ``ABBR:expansion`` is an abbreviation; ``{{<mermaid>}}`` blocks are diagrams titled by
  the line just above them; remaining prose lines are statements with a cloze target.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from . import cloze, definitions, inline, terms
from .blocks import (
    Blank,
    Block,
    Code,
    Comment,
    Diagram,
    Heading,
    ListBlock,
    Other,
    Table,
    Text,
)
from .lists import ListRules
from .mermaid import parse_mermaid
from .model import (
    ABBREVIATION,
    DEFINITION,
    DIAGRAM,
    STATEMENT,
    Fact,
    PlanItem,
    Problem,
)
from .tables import TableRules

_CAPTION_NOTE_RE = re.compile(r"^(?P<title>.+?)\s*[（(](?P<note>[^()（）]*)[)）]\s*$")
# A video timestamp or a to-do at the start of a line: a note to self, not knowledge.
_REMARK_RE = re.compile(r"^(?:\d{1,2}:\d{2}(?::\d{2})?\s|(?:TODO|FIXME|待办)\b)", re.I)
_NOT_A_DEFINITION_RE = re.compile(r"(?:[A-Za-z][A-Za-z0-9+.-]{0,30}://|www\.|\d{4}-\d{1,2}-\d{1,2}\b)")
_REFDEF_RE = re.compile(r"^\[[^\]]{1,200}\]:\s*\S")
# "注意：", "> **Tip:**", "重要提示 (1.33+)：" before a remark: the label goes, the remark stays.
_REMARK_PREFIX_RE = re.compile(
    r"^(?:\*\*|__)?(?:注意|注|提示|重要提示|温馨提示|小贴士|备注|补充|说明|PS|P\.S\.|Note|NB|"
    r"Tips?|Hint|Important|Warning|Caution|Remember)(?:\*\*|__)?"
    r"\s*(?:[（(][^()（）\n]{0,30}[)）])?\s*(?:\*\*|__)?\s*(?:[:：]|(?<=注意)[，,])\s*(?:\*\*|__)?\s*",
    re.I)
# Who translated or wrote it, where it came from: not knowledge.
_CREDIT_RE = re.compile(r"^(?:\*\*)?(?:翻译|译者|作者|原文|原文地址|原文链接|出处|来源|转载自?|"
                        r"版权声明|translated by|author)(?:\*\*)?\s*[:：]", re.I)
# What may follow a heading's name at the start of its first paragraph for that paragraph
# to define it: an alias in brackets, a comma or space, then a copula (dropped) or a verb.
_GLOSS_LEAD_RE = re.compile(
    r"^(?P<paren>\s*[（(][^()（）\n]{1,80}[)）])?(?P<sep>\s*[，,：:]\s*|\s+)?"
    r"(?:(?P<copula>是|即|指|就是|表示|is\s|are\s|refers to\s|means\s)\s*"
    r"|(?P<verb>为|负责|用于|用来|提供|[a-z]{3,}s\s))?")
# "--restart=always 始终自启动", "3: docker exec -it …": a command with its explanation.
_CLI_LEAD_RE = re.compile(r"^(?:\d{1,2}\s*[:：.]\s*)?(?:-{1,2}[A-Za-z]|(?:docker|kubectl|helm|"
                          r"kubeadm|podman|crictl|ctr|nerdctl|systemctl|yum|apt|apt-get)\s+\S)")
def _lead_sentence(text: str) -> bool:
    """``Eviction is a process performed by the kubelet upon one of the following triggers:``
    says something of its own before the list it opens: a statement worth keeping."""
    return len(text.split()) >= 8 or inline.cjk_count(text) >= 24


# A whole bold line ending in a colon titles what follows, even when it is a clause.
_BOLD_LABEL_RE = re.compile(r"^(?:\*\*|__)([^*_。！？!?\n]{2,40}?)\s*[:：]\s*(?:\*\*|__)\s*$")
# A line that opens with a pictograph (🥇, 📌, ❓) is decoration around a remark.
_DECORATED_RE = re.compile("^[\U0001f300-\U0001faff\u2600-\u27bf\u2b50\u2b55]")
# "1. ", "2.3 ", "三、", "（一）" before a heading: its place in the note, not its name
_HEADING_NUMBER_RE = re.compile(
    r"^(?:\d{1,2}(?:\.\d{1,2}){0,3}[.、]?\s+|\d{1,2}[.、](?=\D)|[一二三四五六七八九十]{1,3}[、.．]\s*"
    r"|[（(][一二三四五六七八九十\d]{1,3}[)）]\s*)")


@dataclass
class _Label:
    text: str
    line: int
    followed: bool = False  # anything (text, list, code) came under it
    by_defs: bool = False  # own-line definitions used it as their group


class Walker(ListRules, TableRules):
    """The state of one walk over a note's blocks: section path, the open label, facts."""

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
        self.bold_terms: dict[int, str] = {}  # id(Text) → its **bold** defined term
        self.fresh: tuple | None = None  # (name, aliases, group) of a heading just read

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
                self.list_block(block, prev)
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
            if not isinstance(block, (Comment, Blank, Heading, Text)):
                self.fresh = None
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
        self.heading_label = _HEADING_NUMBER_RE.sub("", title) or title
        name, aliases = terms.split_aliases(self.heading_label)
        parent = self.section[-2][1] if len(self.section) > 1 else ""
        self.fresh = (name, aliases, _HEADING_NUMBER_RE.sub("", parent) or parent) \
            if terms.is_term(name) else None

    def text(self, block: Text) -> None:
        self.prose.append(block.text)
        parsed = definitions.split_definition(block.text)
        fresh, self.fresh = self.fresh, None
        if block.text.startswith("!["):
            self.fresh = fresh  # a picture under the heading: its text may still follow
        elif fresh is not None and parsed is None and self.heading_definition(block, *fresh):
            return
        label = None
        if parsed is not None and not parsed[2] and block.indent <= 3:
            label = definitions.label_of(block.text, parsed)
        elif parsed is None and (m := _BOLD_LABEL_RE.match(block.text)):
            label = m.group(1)  # "**当镜像删除时，会出现如下几种情况：**": the author's title
        if label is not None:
            self.close_label()
            self.label = _Label(label, block.line)
            self.label_run = True
            return
        if self.label is not None:
            self.label.followed = True
            if parsed is None or not parsed[2]:
                self.label = None  # the text it introduced consumed it
        if parsed is not None and parsed[2] and _DECORATED_RE.match(block.text):
            parsed = None  # "🥇 入门阶段：了解核心概念": a decorated aside, not a definition
        if parsed is not None and parsed[2]:
            group = ""
            if self.label_run and self.label is not None:
                group, self.label.by_defs = self.label.text, True
            if block.text.startswith(("**", "__")):
                self.bold_terms[id(block)] = parsed[0]  # a bold term heads a list below
            self.definition(parsed, block.line, group, strict_abbr=False)
            return
        self.label_run = False
        self.stmt_of_block[id(block)] = self.statements(block.text, block.line, block)

    def heading_definition(self, block: Text, name: str, aliases, group: str) -> bool:
        """``## Informer`` over ``Informer 是 client-go 里…的组件。…``: a glossary entry. The
        first sentence, from the verb on, defines the heading's term; the rest is prose."""
        text = inline.plain(block.text).strip()
        for cand in sorted({name, *aliases}, key=len, reverse=True):
            if text[: len(cand)].casefold() == cand.casefold():
                rest = text[len(cand):]
                break
        else:
            return False
        m = _GLOSS_LEAD_RE.match(rest)
        if not m or not (m.group("copula") or m.group("verb") or m.group("sep") and (
                m.group("sep").strip() or m.group("paren"))):
            return False  # "Finalizers" is not "Finalizer…", "部署策略" is not "部署"
        if m.group("paren"):  # "SVID（SPIFFE Verifiable Identity Document） 是…"
            aliases = (*aliases, *terms.split_aliases(name + m.group("paren").strip())[1])
        body = rest[m.start("verb"):] if m.group("verb") else rest[m.end():]
        first = (inline.sentences(body) or [""])[0]
        if len(first) < 4 or first.endswith(tuple(inline.COLONS)):
            return False  # "…可以是以下等级之一：" introduces a list, it defines nothing
        self.add(DEFINITION, name, block.line, definition=first, aliases=aliases, group=group)
        after = body[body.find(first) + len(first):].strip()
        if after:
            self.stmt_of_block[id(block)] = self.statements(after, block.line)
        return True

    def definition(self, parsed, line: int, group: str, *, strict_abbr: bool, **kw) -> int:
        """One definition fact (or one per sibling in ``nfs, glusterfs: …``); returns the
        index of the last one added."""
        term, aliases, definition = parsed
        idx = -1
        if definitions.only_url(definition) or _NOT_A_DEFINITION_RE.match(definition):
            return idx  # "视频地址: https://…", "Docs: https://… is…", "更新: 2024-01-09"
        for name in terms.sibling_terms(term):
            abbr = terms.abbreviation_of(name, definition, strict=strict_abbr)
            if not aliases and abbr is not None:
                idx = self.add(ABBREVIATION, name, line, definition=abbr, group=group, **kw)
            else:
                idx = self.add(DEFINITION, name, line, definition=definition, aliases=aliases,
                               group=group, **kw)
        return idx

    def statements(self, text: str, line: int, block: Text | None = None) -> list[int]:
        """Free prose → statement facts, one per sentence, each with a cloze target."""
        stripped = text.strip()
        if stripped.startswith(("![", "[^", "[TOC]")) or _REFDEF_RE.match(stripped):
            return []
        if _REMARK_RE.match(stripped) or definitions.only_url(stripped) or \
                _CREDIT_RE.match(stripped):
            return []  # "21:40 …", "TODO: …", "参考: https://…", "翻译：…": notes to self
        prefix = _REMARK_PREFIX_RE.match(stripped)
        shift = prefix.end() if prefix and prefix.end() < len(stripped) else 0
        stripped = stripped[shift:]  # "注意：…", "Tip: …": the remark, without its label
        out = []
        avoid = self.sec()
        pos = 0
        for sent in inline.sentences(stripped):
            at = stripped.find(sent, pos)
            pos = max(pos, at)
            clean = inline.plain(sent)
            masked = inline.plain(inline.mask_opaque(sent)).replace("\x00", "")
            meaningful = sum(ch.isalnum() for ch in masked)
            if meaningful < 3 or clean.endswith((":", "：")) and not _lead_sentence(clean):
                continue  # "下面是可能的值：" only introduces what follows
            blank = inline.clean(cloze.pick_cloze(sent, avoid))
            if blank and (not cloze.is_whole_token(blank, clean) or _CLI_LEAD_RE.match(clean)):
                blank = ""  # "--name db 给容器取名字": no blank out of a command line
            term = clean if len(clean) <= 40 else clean[:39].rstrip() + "…"
            where = block.line_at(at + shift) if block is not None and at >= 0 else line
            out.append(self.add(STATEMENT, term, where, definition=clean, cloze=blank))
        return out

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
