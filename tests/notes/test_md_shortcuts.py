"""The reader's two parsing shortcuts (studyk8s/notes/md.py) give exactly markdown-it's tokens:
the block loop that tries only the rules a line's first character allows, and plain inline
text made into its text token without the inline rules. Compared on every note the repository
holds (corpus, fixtures, the shared note) and on Markdown written to reach each rule."""

from __future__ import annotations

import pytest
from markdown_it.parser_block import ParserBlock
from markdown_it.rules_core import inline as core_inline

from studyk8s.config import ROOT
from studyk8s.notes.md import clean_source, new_parser

NOTES = sorted((ROOT / "tests" / "notes").rglob("*.md")) + sorted(
    (ROOT / "content" / "notes").glob("*.md"))

EVERY_RULE = """---
title: every rule
---
# Heading
Setext title
=====
- item: one
  - nested *em* and **strong** with `code`
* star item
+ plus item
1. ordered
2) other ordered
***
___
- - -
> quote with [link](http://x) and ![img](y.png)
>> nested quote
```yaml
kind: Pod
```
~~~
tilde fence
~~~
    indented code
<div>html block</div>

<!-- a comment -->
{{< note >}}
inside a shortcode
{{< /note >}}
{{< highlight yaml >}}
a: b
{{< /highlight >}}
| a | b |
|---|---|
| 1 | 2 |

Term
: definition

标签:
- 一
插件:
- 二
text with a hard break{HARD}
next line & entity &amp; <span>html</span> \\*escaped\\* <http://auto.link>
_under_ 12. not a list -not a list #not a heading >not a quote

- an entity alone: &amp;
- an escape alone: 1\\. two
- a code span alone: `x`
- an autolink alone: <http://a.b>
- an image alone: !x
- a link alone: [x]
- emphasis alone: _x_ and *y*
""".replace("{HARD}", "  ")


def _reference():
    """The same parser with markdown-it's own block loop and inline rule."""
    md = new_parser()
    del md.block.tokenize
    assert md.block.tokenize.__func__ is ParserBlock.tokenize
    md.core.ruler.at("inline", core_inline)
    return md


@pytest.mark.parametrize("text", [EVERY_RULE, *[p.read_text(encoding="utf-8") for p in NOTES]],
                         ids=["every-rule", *[p.name for p in NOTES]])
def test_shortcuts_give_markdown_its_tokens(text):
    source, _ = clean_source(text)
    fast, ref = new_parser(), _reference()
    assert fast.block.tokenize is not ParserBlock.tokenize  # the shortcut is installed
    assert [t.as_dict() for t in fast.parse(source)] == [t.as_dict() for t in ref.parse(source)]


def test_every_note_file_is_compared():
    assert len(NOTES) >= 20 and any(p.name == "docker-k8s-1.md" for p in NOTES)
