"""A note → ParsedNote: decode and clean the source, read the front matter, pass 1
(blocks.py: tokens → blocks), pass 2 (walker.py: blocks → facts), then what needs the
whole note: its language, the front-matter definition, clozes on terms the note defines,
and occurrence numbers for repeated facts."""

from __future__ import annotations

import hashlib
import re
from dataclasses import replace

from . import cloze, inline, terms
from .blocks import build_blocks
from .frontmatter import decode, meta_bool, meta_str, meta_tags, split_front_matter
from .md import clean_source
from .model import (
    ABBREVIATION,
    DEFINITION,
    PROPERTY,
    STATEMENT,
    CodeBlock,
    Fact,
    ParsedNote,
    Problem,
    key_segment,
)
from .walker import Walker

ZH_SHARE = 0.12  # CJK characters / (CJK + Latin letters) above which a note is Chinese


_URL_RE = re.compile(r"[A-Za-z][A-Za-z0-9+.-]{0,30}://\S*")


def _detect_lang(prose: list[str]) -> str:
    text = _URL_RE.sub(" ", "\n".join(prose))
    cjk = inline.cjk_count(text)
    latin = inline.latin_count(text)
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
                        and cloze.is_whole_token(t, f.definition)), "")
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
    walker = Walker(path)
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


def _front_matter_fact(walker: Walker, meta: dict, head: list[str], tags) -> Fact | None:
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
            original, more = terms.split_aliases(m.group(1).strip().strip("\"'"))
            aliases[:0] = [original, *more]
            break
    title, own = terms.split_aliases(title)  # 容器运行时接口（CRI）
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
