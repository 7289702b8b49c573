"""Markdown from notes, quiz sets and uploads is rendered, then sanitised: 60 XSS payloads
(script tags, event attributes, javascript:/data: links, SVG, entity-encoded schemes,
Markdown link/image forms) must all come out inert."""

from __future__ import annotations

import re

import pytest

from studyk8s.render import to_html

PAYLOADS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<script\n>alert(1)</script\n>",
    "<img src=x onerror=alert(1)>",
    "<img src=x oNeRrOr=alert(1)>",
    '<img src="x" onerror="alert(1)">',
    "<img src=x onerror\n=alert(1)>",
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    "<svg><a xlink:href=javascript:alert(1)><text>x</text></a></svg>",
    "<svg><animate onbegin=alert(1) attributeName=x dur=1s>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<body onload=alert(1)>",
    "<iframe src=javascript:alert(1)></iframe>",
    "<iframe srcdoc='<script>alert(1)</script>'></iframe>",
    "<object data=javascript:alert(1)></object>",
    "<embed src=javascript:alert(1)>",
    "<a href=javascript:alert(1)>x</a>",
    "<a href=JaVaScRiPt:alert(1)>x</a>",
    "<a href=' javascript:alert(1)'>x</a>",
    "<a href=\"java\tscript:alert(1)\">x</a>",
    "<a href=\"&#106;avascript:alert(1)\">x</a>",
    "<a href=\"&#x6A;avascript:alert(1)\">x</a>",
    "<a href=\"javascript&colon;alert(1)\">x</a>",
    "<a href=\"data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==\">x</a>",
    "<a href=\"vbscript:msgbox(1)\">x</a>",
    "[x](javascript:alert(1))",
    "[x](JAVASCRIPT:alert(1))",
    "[x](&#106;avascript:alert(1))",
    "[x](data:text/html,<script>alert(1)</script>)",
    "![x](javascript:alert(1))",
    "![x](x\" onerror=\"alert(1))",
    "[x](<javascript:alert(1)>)",
    "<javascript:alert(1)>",
    "<form action=javascript:alert(1)><button>x</button></form>",
    "<button formaction=javascript:alert(1)>x</button>",
    "<input onfocus=alert(1) autofocus>",
    "<details open ontoggle=alert(1)>",
    "<video><source onerror=alert(1)></video>",
    "<audio src=x onerror=alert(1)>",
    "<marquee onstart=alert(1)>",
    "<div style=\"background:url(javascript:alert(1))\">x</div>",
    "<style>*{background:url(javascript:alert(1))}</style>",
    "<link rel=stylesheet href=javascript:alert(1)>",
    "<meta http-equiv=refresh content='0;url=javascript:alert(1)'>",
    "<base href=javascript:alert(1)//>",
    "<table background=javascript:alert(1)>",
    "<p title=\"</p><script>alert(1)</script>\">x</p>",
    "<!--<script>alert(1)</script>-->",
    "<![CDATA[<script>alert(1)</script>]]>",
    "<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\">",
    "<template><script>alert(1)</script></template>",
    "<isindex action=javascript:alert(1) type=submit>",
    "<x onclick=alert(1)>click</x>",
    "<a href=# onclick=alert(1)>x</a>",
    "<span onmouseover=alert(1)>x</span>",
    "`<script>alert(1)</script>` and <script>alert(2)</script>",
    "```\n<script>alert(1)</script>\n```",
    "**bold**<img src=x onerror=alert(1)>",
    "ETCD: <scr<script>ipt>alert(1)</scr</script>ipt>",
]

DANGEROUS_TAGS = re.compile(
    r"<\s*(script|iframe|object|embed|svg|math|style|link|meta|base|form|input|button|video|"
    r"audio|body|template|img|marquee|details|noscript|isindex)\b", re.I)
EVENT_ATTR = re.compile(r"<[^>]*\son[a-z]+\s*=", re.I)
BAD_URL = re.compile(r"(href|src|action|formaction|background)\s*=\s*[\"']?\s*"
                     r"(javascript|vbscript|data):", re.I)


def test_corpus_is_big_enough():
    assert len(PAYLOADS) >= 50


@pytest.mark.parametrize("payload", PAYLOADS)
def test_payload_renders_inert(payload):
    html = to_html(payload)
    assert not DANGEROUS_TAGS.search(html), html
    assert not EVENT_ATTR.search(html), html
    assert not BAD_URL.search(html), html
    assert "style=" not in html.lower()


def test_ordinary_markdown_survives():
    html = to_html("**APIServer**: 所有服务访问入口 [docs](https://kubernetes.io) `kubectl`")
    assert "<strong>APIServer</strong>" in html and "<code>kubectl</code>" in html
    assert 'href="https://kubernetes.io"' in html and 'rel="noopener noreferrer nofollow"' in html
