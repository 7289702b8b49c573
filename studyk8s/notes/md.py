"""The Markdown parser the notes reader and the card renderer share: markdown-it-py
(CommonMark + tables + front matter) with two block rules everyday notes need.

- ``hugo_block``: a line that is a Hugo shortcode (``{{< note >}}``, ``{{<mermaid>}}…``)
  is a block of its own. CommonMark has no notion of shortcodes and would read
  ``{{< highlight yaml >}}`` and the YAML under it as one paragraph of text.
  ``mermaid`` and ``highlight`` (and ``code``-like pairs) swallow their body up to the
  closing shortcode; any other shortcode line is a token of its own (``hugo_line``).
- ``colon_label``: ``插件:`` right after a list item, not indented, ends the list.
  CommonMark's lazy continuation glues it to the last item; every author means a new group.

Before parsing, ``clean_source`` removes what no author means as text (zero-width
characters, a lone CR), makes the list markers CommonMark does not know (``・``, ``１．``,
``1、``, a marker followed by an ideographic space) ordinary ones, and replaces inline
shortcodes by their visible text. It never adds or removes a line, so token line maps
are file lines.
"""

from __future__ import annotations

import re
import threading

from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.deflist import deflist_plugin
from mdit_py_plugins.front_matter import front_matter_plugin

_ZERO_WIDTH_RE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
_LEADING_ZW_RE = re.compile(
    "^([ \t]*(?:(?:[-*+]|\\d{1,9}[.)])[ \t]+)?)[\u200b\u200c\u200d\u2060\ufeff\u00ad]+", re.M)
_MARKER_FIX_RE = re.compile(
    r"^([ \t]*)(?:"
    r"(?P<dot>[・•●▪◦])[ \t\u3000]*"  # Japanese/typographic bullets
    r"|(?P<wide>[０-９]{1,3})[．.、][ \t\u3000]*"  # full-width numbers
    r"|(?P<cn>\d{1,3})、[ \t\u3000]*"  # "1、" (Chinese enumeration comma)
    r"|(?P<ideo>[-*+]|\d{1,9}[.)])\u3000+"  # "-　Scheduler"
    r")(?=\S)",
    re.M,
)
_HEADING_NOSPACE_RE = re.compile(r"^(#{1,6})(?=[\u3400-\u9fff])", re.M)
# One shortcode on one line: {{< name args >}} or {{% name args %}}, or a closer {{< /name >}}.
SHORTCODE_RE = re.compile(r"\{\{([<%])[ \t]*(/?)[ \t]*([A-Za-z][\w-]*)([^\n]*?)[ \t]*[>%]\}\}")
_ARG_RE = re.compile(r"""(?:([\w-]+)[ \t]*=[ \t]*)?(?:"([^"]*)"|'([^']*)'|([^\s"']+))""")
_WHOLE_LINE_SC_RE = re.compile(r"^[ \t]*\{\{[<%][^\n]*?[>%]\}\}[ \t]*$")

# Shortcodes whose visible text is an argument.
INLINE_TEXT = {"glossary_tooltip": "text", "param": 0, "ref": 0, "relref": 0}
# Shortcodes with a body rendered as code / diagram.
BLOCK_BODY = {"mermaid", "highlight", "code", "codeblock", "tab-code"}
# Containers and decorations whose tags can go without losing anything the author wrote.
KNOWN_SILENT = {"note", "caution", "warning", "tip", "info", "alert", "callout", "notice",
                "admonition", "hint", "details", "tabs", "tab", "table",
                "comment", "expand", "collapse", "toc", "columns", "column", "center"}


def _zh_number(m: re.Match) -> str:
    indent = m.group(1)
    if m.group("dot"):
        return f"{indent}- "
    if m.group("wide"):
        return f"{indent}{int(m.group('wide'))}. "
    if m.group("cn"):
        return f"{indent}{m.group('cn')}. "
    return f"{indent}{m.group('ideo')} "


_IDEO_INDENT_RE = re.compile(r"^\u3000+", re.M)  # "　　- Immediate：…" nests by ideographic spaces
_TAB_DEF_RE = re.compile(r"^([ \t]*(?:[-*+]|\d{1,9}[.)])[ \t]+)([^\t:：\n]{1,60}?)\t+(?=\S)", re.M)
_LIST_LINE_RE = re.compile(r"^([ \t]+)(?:[-*+]|\d{1,9}[.)])[ \t]")


def _tab_definition(m: re.Match) -> str:
    """``- Always<TAB>每次都拉取`` → ``- Always: 每次都拉取`` (a tab is the author's column)."""
    from .terms import is_term  # late: terms imports nothing of this module

    name = m.group(2).strip()
    return f"{m.group(1)}{name}: " if is_term(name) else m.group(0)


def _dedent_lists(text: str) -> str:
    """A list indented as a whole right under its label (``Built-in classes:`` then
    ``<TAB>- a``) is the author's list; CommonMark would read it as part of the label's
    paragraph or as code. Shift such a run left by its first line's indentation."""
    if "\n\t" not in text and "\n    " not in text:
        return text
    lines = text.split("\n")
    i = 1
    while i < len(lines):
        m = _LIST_LINE_RE.match(lines[i])
        prev = lines[i - 1]
        if m and prev.strip() and not prev[:1].isspace() and not _LIST_LINE_RE.match(prev) \
                and not re.match(r"^(?:[-*+]|\d{1,9}[.)])[ \t]", prev):
            width = len(m.group(1).expandtabs(4))
            if width < 4:
                i += 1
                continue
            j = i
            while j < len(lines) and lines[j].strip() and lines[j][:1].isspace():
                expanded = lines[j].expandtabs(4)
                lead = len(expanded) - len(expanded.lstrip(" "))
                lines[j] = expanded[min(lead, width):]
                j += 1
            i = j
        else:
            i += 1
    return "\n".join(lines)


def shortcode_args(raw: str) -> tuple[list[str], dict[str, str]]:
    pos: list[str] = []
    named: dict[str, str] = {}
    for m in _ARG_RE.finditer(raw):
        value = next((g for g in m.groups()[1:] if g is not None), "")
        if m.group(1):
            named[m.group(1)] = value
        else:
            pos.append(value)
    return pos, named


def _visible(name: str, raw: str) -> str | None:
    """Visible text of an inline shortcode; None when it has none we know of."""
    if name not in INLINE_TEXT:
        return None
    how = INLINE_TEXT[name]
    pos, named = shortcode_args(raw)
    if how is None:
        return ""
    if isinstance(how, str):
        if how in named:
            return named[how]
        if "term_id" in named:  # {{< glossary_tooltip term_id="deployment" >}}
            tid = named["term_id"]  # the site shows the entry's title, which we do not have:
            parts = tid.split("-")  # "kube-proxy" and "cri-o" are names, "control-plane" words
            keep = parts[0] in ("kube", "cri") or any(len(p) == 1 for p in parts)
            return tid if keep else tid.replace("-", " ")
        return pos[0] if pos else ""
    return pos[how] if len(pos) > how else ""


def clean_source(text: str) -> tuple[str, list[tuple[int, str]]]:
    """``text`` ready for markdown-it, with (line, message) warnings for dropped shortcodes.
    Line count and line order are preserved."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", " ")  # a lone CR is no line break
    if _ZERO_WIDTH_RE.search(text):  # at a line's start they would hide a list marker;
        text = _LEADING_ZW_RE.sub(r"\1", text)  # elsewhere textlines.py drops them from text
    text = _MARKER_FIX_RE.sub(_zh_number, text)
    text = _HEADING_NOSPACE_RE.sub(r"\1 ", text)
    if "\u3000" in text:
        text = _IDEO_INDENT_RE.sub(lambda m: "  " * len(m.group(0)), text)
    if "\t" in text:
        text = _TAB_DEF_RE.sub(_tab_definition, text)
    text = _dedent_lists(text)
    warnings: list[tuple[int, str]] = []
    if "{{" not in text:
        return text, warnings

    def inline(m: re.Match) -> str:
        name = m.group(3).lower()
        visible = _visible(name, m.group(4))
        if visible is not None:
            return visible
        start = text.rfind("\n", 0, m.start()) + 1
        end = text.find("\n", m.end())
        line = text[start: end if end >= 0 else len(text)]
        if _WHOLE_LINE_SC_RE.match(line):
            return m.group(0)  # a block-level shortcode: hugo_block decides
        if name not in KNOWN_SILENT and name not in BLOCK_BODY:
            warnings.append((text.count("\n", 0, m.start()) + 1,
                             f"shortcode '{name}' dropped (its output is not known)"))
        return ""

    text = SHORTCODE_RE.sub(inline, text)
    return text, warnings


# -- block rules ---------------------------------------------------------------------------

def _line(state, line: int) -> str:
    return state.src[state.bMarks[line] + state.tShift[line]: state.eMarks[line]]


def _hugo_block(state, start: int, end: int, silent: bool) -> bool:
    pos = state.bMarks[start] + state.tShift[start]
    if state.src[pos: pos + 2] != "{{" or state.sCount[start] - state.blkIndent >= 4:
        return False  # (tried at every line: the cheap test first)
    text = _line(state, start)
    m = SHORTCODE_RE.match(text)
    if not m or text[m.end():].strip():
        return False
    if silent:
        return True
    closing, name, args = m.group(2) == "/", m.group(3).lower(), m.group(4)
    if name in BLOCK_BODY and not closing:
        closer = re.compile(r"^\{\{[<%][ \t]*/[ \t]*" + re.escape(name) + r"[ \t]*[>%]\}\}", re.I)
        nxt, closed = start + 1, False
        while nxt < end:
            if closer.match(_line(state, nxt)):
                closed = True
                break
            nxt += 1
        body = state.getLines(start + 1, nxt, state.blkIndent, False) if nxt > start + 1 else ""
        token = state.push("hugo_block", "pre", 0)
        token.info, token.content = name, body
        token.meta = {"args": args, "closed": closed}
        token.map = [start, min(nxt + 1, end)]
        state.line = min(nxt + 1, end)
        return True
    token = state.push("hugo_line", "", 0)
    token.info, token.content = name, text
    token.meta = {"args": args, "closing": closing}
    token.map = [start, start + 1]
    state.line = start + 1
    return True


_LABEL_END = (":", "：")


_NUMBERED_TITLE_RE = re.compile(r"^\d{1,2}[)）](?=\S)[^。！？!?:：，,；;]{1,30}[:：]?$")


def _colon_label(state, start: int, end: int, silent: bool) -> bool:
    """Terminator only: a lazy ``Label:`` line (less indented than the list item's text),
    or a lazy numbered title (``2）四组基本概念``: a bracket with no space is no list marker)."""
    if not silent or state.sCount[start] >= state.blkIndent:
        return False
    text = _line(state, start).rstrip()
    if _NUMBERED_TITLE_RE.match(text):
        return True
    if not text.endswith(_LABEL_END):
        return False
    from .definitions import label_of  # late: definitions imports nothing of this module

    return label_of(text) is not None


def _configure(md: MarkdownIt) -> MarkdownIt:
    alt = ["paragraph", "reference", "blockquote", "list"]
    md.block.ruler.before("fence", "hugo_block", _hugo_block, {"alt": alt})
    md.block.ruler.before("paragraph", "colon_label", _colon_label, {"alt": ["paragraph"]})
    return md


def new_parser() -> MarkdownIt:
    """The notes reader's parser: CommonMark, tables, front matter, the two rules above."""
    md = MarkdownIt("commonmark", {"maxNesting": 40})  # 20 stops at 7 nested list levels
    md = _configure(md.enable("table").use(front_matter_plugin).use(deflist_plugin))
    # Link reference definitions ("[x]: https://…") are no knowledge and the rule costs a
    # tenth of the tokenising; without it such a line is a paragraph the reader skips.
    # text_join only merges adjacent text tokens, which inline_lines does anyway.
    # lheading (setext "Title\n=====") scans ahead at every paragraph: blocks.py reads the
    # two setext forms from the paragraph and the rule below it instead.
    md.disable(["reference", "text_join", "lheading"])
    if md.inline.ruler.get_active_rules() == _PLAIN_RULES and \
            md.inline.ruler2.get_active_rules() == _PLAIN_RULES2:
        md.core.ruler.at("inline", _inline)
    _dispatch_block_rules(md)
    return md


# Block rules that can only start at a line whose first character is one of these (each
# rule returns False at once for any other); the rest (table, code, deflist, paragraph…)
# are tried at every line, and colon_label only ever answers a terminator question.
_FIRST_CHARS = {"front_matter": "-", "hugo_block": "{", "fence": "`~", "blockquote": ">",
                "hr": "*-_", "list": "*-+0123456789", "html_block": "<", "heading": "#",
                "colon_label": ""}


def _dispatch_block_rules(md: MarkdownIt) -> None:
    """markdown-it's block loop tries every rule at every line, and a note is mostly list
    items and text, at which ten of the thirteen rules fail on the first character. This
    loop tries only the rules that can start at the line's first character, in the same
    order, so the tokens are the same; nested calls (list items, quotes) use it too."""
    block = md.block
    names = block.ruler.get_active_rules()
    rules = block.ruler.getRules("")
    if len(names) != len(rules):
        return
    everywhere = [r for n, r in zip(names, rules, strict=True) if n not in _FIRST_CHARS]
    by_char: dict[str, list] = {}
    for ch in {c for chars in _FIRST_CHARS.values() for c in chars}:
        by_char[ch] = [r for n, r in zip(names, rules, strict=True)
                       if n not in _FIRST_CHARS or ch in _FIRST_CHARS[n]]
    first_line = rules  # line 0: every rule (front matter is only there)
    max_nesting = md.options.maxNesting

    def tokenize(state, startLine: int, endLine: int) -> None:
        # markdown-it-py 4.3's ParserBlock.tokenize with the rules picked per line
        line = startLine
        has_empty_lines = False
        src, b_marks, t_shift = state.src, state.bMarks, state.tShift
        while line < endLine:
            state.line = line = state.skipEmptyLines(line)
            if line >= endLine:
                break
            if state.sCount[line] < state.blkIndent:
                break  # termination condition for nested calls (lists, quotes)
            if state.level >= max_nesting:
                state.line = endLine
                break
            if line == 0:
                line_rules = first_line
            else:
                line_rules = by_char.get(src[b_marks[line] + t_shift[line]], everywhere)
            ok = False
            for rule in line_rules:
                ok = rule(state, line, endLine, False)
                if ok:
                    if state.line <= line:
                        raise RuntimeError("block rule didn't increment state.line")
                    break
            if not ok:
                raise RuntimeError("none of the block rules matched")
            state.tight = not has_empty_lines
            line = state.line
            if (line - 1) < endLine and state.isEmpty(line - 1):
                has_empty_lines = True
            if line < endLine and state.isEmpty(line):
                has_empty_lines = True
                line += 1
                state.line = line

    block.tokenize = tokenize


# The inline rules active in the reader's parser, and the characters any of them starts at
# (``text`` and ``newline`` aside). Inline content without these characters comes out of
# markdown-it as one text token, so it is made directly; most list items are such text, and
# running the inline rules over every character was a sixth of parsing a note. Any other
# set of rules (a plugin added, a rule enabled) keeps markdown-it's own inline parse.
_PLAIN_RULES = ["text", "newline", "escape", "backticks", "emphasis", "link", "image",
                "autolink", "html_inline", "entity"]
_PLAIN_RULES2 = ["balance_pairs", "emphasis", "fragments_join"]
_INLINE_START_RE = re.compile(r"[\n\\`*_\[!<&]")


def _inline(state) -> None:
    """markdown-it's core ``inline`` rule, with plain text taken without the inline rules."""
    md, env = state.md, state.env
    for token in state.tokens:
        if token.type == "inline":
            if token.children is None:
                token.children = []
            content = token.content
            if content and not _INLINE_START_RE.search(content):
                text = Token("text", "", 0)
                text.content = content
                token.children.append(text)
            else:
                md.inline.parse(content, md, env, token.children)


_local = threading.local()


def parser() -> MarkdownIt:
    """One parser per thread (building one costs more than reading a short note)."""
    md = getattr(_local, "md", None)
    if md is None:
        md = _local.md = new_parser()
    return md


def _render_hugo_block(self, tokens, idx, options, env) -> str:
    from markdown_it.common.utils import escapeHtml

    tok = tokens[idx]
    from_args = shortcode_args(tok.meta.get("args", ""))[0] if tok.info == "highlight" else []
    lang = "mermaid" if tok.info == "mermaid" else (from_args[0] if from_args else "")
    cls = f' class="language-{escapeHtml(lang)}"' if lang else ""
    return f"<pre><code{cls}>{escapeHtml(tok.content)}</code></pre>\n"


def new_renderer() -> MarkdownIt:
    """The card renderer: the reader's block structure (same rules, so a list the reader
    nests is rendered nested), without front matter (a card may start with ``---``)."""
    md = _configure(MarkdownIt("commonmark").enable("table").use(deflist_plugin))
    md.add_render_rule("hugo_block", _render_hugo_block)
    md.add_render_rule("hugo_line", lambda self, tokens, idx, options, env: "")
    return md
