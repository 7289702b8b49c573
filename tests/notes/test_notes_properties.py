"""Property tests: any input gives a ParsedNote or a NoteError, never a crash, and every
fact points at a real line of the file."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from studyk8s.cards import generate_cards
from studyk8s.notes import NoteError, parse_note

ROOT = Path(__file__).resolve().parents[2]
SHARED = (ROOT / "content/notes/docker-k8s-1.md").read_text(encoding="utf-8").split("\n")
SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Lines in the styles notes use, plus fragments that tend to break parsers.
LINE_SNIPPETS = [
    "", "   ", "---", "+++", "...", "# 标题", "## K8s优点: ", "### Services", "主要组件:", "插件：",
    "Services:", "- APIServer: 所有服务访问入口", "- 轻量", "1. ReplicationController(RC): 副本",
    "   ReplicaSet(RS): 与RC无本质区别", "   (例如: RS不支持rolling-update)",
    "    - 稳定的网络标识: 不变",
    "    - 监控daemon", "4. Job,Cronjob", "CRI:container runtime interface", "前身是Borg系统",
    "{{<mermaid>}}", "{{</mermaid>}}", "graph LR", "A[HTTP Server]<-->Raft", "a-->b-->c",
    "x -- text --> y", "A & B --> C", "sequenceDiagram", "Alice->>Bob: hi", "```", "```mermaid",
    "~~~", "<!--", "-->", "$$", "| a | b |", "> quote: text", "***", "===", "Title",
    "来自B站[www.bilibili.com](https://www.bilibili.com/video/x?p=7)视频", "[^1]: note",
    "- [ ] todo: item", "\t- tab: item", "* star", "+ plus", "10:30 meeting", "std::vector: x",
    "**Bold**: def", "`code`: def", "{{Borg}} cloze", "title: x", "- a: &b", "!!python/object",
    "\ufeff", "\r", "Ingress(ING): An API object", "DNS: Domain Name System", "服务发现:",
    "lowercase wrapped line", "  indented text", "        deep code", "# ", "#", "-", "1.",
]
line = st.one_of(
    st.sampled_from(LINE_SNIPPETS),
    st.sampled_from(SHARED),
    st.text(alphabet=st.sampled_from(list("-*+#:：()（）[]{}<>|`~!&>=. \t1aA中")), max_size=30),
    st.text(max_size=30),
)
note_text = st.lists(line, max_size=40).map("\n".join)


def check(data: bytes) -> None:
    path = "notes/x.md"
    try:
        note = parse_note(data, path)
    except NoteError as e:
        assert e.path == path and "\n" not in str(e)
        assert 0 <= e.line <= data.count(b"\n") + 1
        return
    n_lines = data.count(b"\n") + 1
    for fact in note.facts:
        path_part, _, line_no = fact.source.rpartition(":")
        assert path_part == path
        assert 1 <= int(line_no) <= n_lines, fact
        assert fact.term
    for w in note.warnings:
        assert 1 <= w.line <= n_lines and "\n" not in str(w)
    assert note.lang in ("zh", "en")
    cards = generate_cards(note)
    keys = [c.key for c in cards]
    assert len(keys) == len(set(keys))
    assert [c.position for c in cards] == list(range(len(cards)))


@SETTINGS
@given(st.binary(max_size=3000))
def test_arbitrary_bytes(data):
    check(data)


@SETTINGS
@given(st.text(max_size=3000))
def test_arbitrary_text(text):
    check(text.encode("utf-8", "surrogatepass"))


@SETTINGS
@given(note_text)
def test_note_shaped_text(text):
    check(text.encode("utf-8", "surrogatepass"))


@SETTINGS
@given(st.lists(line, max_size=20).map("\n".join), st.sampled_from(["---\ntitle: t\n---\n", ""]))
def test_note_shaped_text_with_front_matter(body, head):
    check((head + body).encode("utf-8", "surrogatepass"))


@SETTINGS
@given(st.integers(min_value=0, max_value=len(SHARED) - 1), st.text(max_size=40))
def test_shared_note_with_one_line_replaced(index, replacement):
    lines = list(SHARED)
    lines[index] = replacement
    check("\n".join(lines).encode("utf-8", "surrogatepass"))
