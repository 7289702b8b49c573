"""Notes that cannot be read: one ``path:line: error: message`` line each."""

from __future__ import annotations

import pytest

from studyk8s.notes import NoteError, parse_note, read_notes

P = "notes/bad.md"


def error_of(data: bytes) -> NoteError:
    with pytest.raises(NoteError) as info:
        parse_note(data, P)
    err = info.value
    text = str(err)
    assert "\n" not in text
    assert text.startswith(f"{P}:{err.line}: error: ")
    assert err.problem.severity == "error" and err.problem.line == err.line
    return err


@pytest.mark.parametrize(
    ("data", "line", "words"),
    [
        (b"", 1, "empty"),
        (b"  \n\n\t\n", 1, "empty"),
        (b"\xef\xbb\xbf\n", 1, "empty"),
        (b"# ok\nline two\n\xff\xfe bad\n", 3, "UTF-8"),
        (b"# ok\n\nabc\x00def", 3, "NUL"),
        ("# 标题\n".encode("utf-16"), 1, "UTF-16"),
        ("# 标题\n".encode("utf-16-le"), 1, "NUL"),  # no BOM: looks binary
        (b"---\ntitle: x\n", 1, "never closed"),
        (b"---\ntitle: [unclosed\n---\nbody\n", 2, "front matter"),
        (b"---\ntitle: ok\ntags: [a, b\n---\n", 3, "front matter"),
        (b'---\ntitle: "abc\n---\n', 2, "quoted scalar"),
        (b"---\na:\n  - x\n - y\n---\n", 4, "front matter"),
        (b"---\na: 1\n  b: 2\n---\n", 3, "front matter"),
        (b"---\n- a\n- b\n---\nbody\n", 2, "mapping"),
        (b"---\njust a string\n---\nbody\n", 2, "mapping"),
        (b"---\nbase: &b {x: 1}\nother: *b\n---\n", 2, "anchor"),
        (b"---\ntitle: x\nother: *b\n---\n", 3, "alias"),
        (b"---\ntitle: x\nobj: !!python/object:os.system {}\n---\n", 3, "tag"),
        (b"---\ntitle: x\n\nobj: !foo bar\n---\n", 4, "tag"),
        (b"+++\ntitle = \n+++\n", 2, "front matter"),
    ],
)
def test_unreadable_notes(data, line, words):
    err = error_of(data)
    assert err.line == line, str(err)
    assert words.lower() in err.message.lower(), str(err)


def test_billion_laughs_is_refused_fast():
    lol = b"---\na: &a [x, x, x, x, x, x, x, x, x]\n"
    for i in range(1, 9):
        lol += f"{chr(97 + i)}: &{chr(97 + i)} [*{chr(96 + i)}] \n".encode() * 1
    lol += b"---\n"
    assert error_of(lol).line == 2


def test_deep_yaml_nesting_is_an_error_not_a_crash():
    err = error_of(b"---\nx: " + b"[" * 5000 + b"\n---\n")
    assert err.line >= 2


def test_safe_yaml_values_are_fine():
    note = parse_note(
        b"---\ntitle: 42\ndate: 2024-01-02\ntags: k8s, cka\ndraft: yes\nlang: en-US\n---\n"
        b"Pod: the smallest deployable unit\n",
        P,
    )
    assert (note.title, note.date, note.tags, note.draft, note.lang) == (
        "42", "2024-01-02", ("k8s", "cka"), True, "en",
    )


def test_unknown_lang_is_a_warning_and_detected():
    note = parse_note("---\nlang: ja\n---\n主要组件:\n- 调度器: 选择节点\n".encode(), P)
    assert note.lang == "zh"
    assert any("lang" in w.message for w in note.warnings)


def test_crlf_and_bom():
    data = "\ufeff---\r\ntitle: T\r\n---\r\n插件:\r\n- CoreDNS: 域名解析\r\n".encode()
    note = parse_note(data, P)
    assert note.title == "T"
    (fact,) = note.facts
    assert (fact.term, fact.definition, fact.line, fact.group) == ("CoreDNS", "域名解析", 5, "插件")


def test_read_notes_collects_errors(tmp_path):
    good = tmp_path / "good.md"
    good.write_text("主要组件:\n- APIServer: 入口\n", encoding="utf-8")
    bad = tmp_path / "bad.md"
    bad.write_bytes(b"---\ntitle: [\n---\n")
    big = tmp_path / "big.md"
    big.write_bytes(b"x" * 101)
    result = read_notes([str(good), str(bad), str(big), str(tmp_path / "missing.md")],
                        max_bytes=100)
    assert [n.path for n in result.notes] == [str(good)]
    msgs = sorted(str(e) for e in result.errors)  # missing paths are reported before reading
    assert msgs[0].startswith(f"{bad}:2: error: front matter")
    assert msgs[1] == f"{big}:1: error: file is 101 bytes, over the limit of 100"
    assert msgs[2].startswith(f"{tmp_path / 'missing.md'}:0: error:")


def test_read_notes_directory(tmp_path, monkeypatch):
    (tmp_path / "notes" / "sub").mkdir(parents=True)
    (tmp_path / "notes" / ".hidden").mkdir()
    (tmp_path / "notes" / "b.md").write_text("插件:\n- ELK: 日志\n", encoding="utf-8")
    (tmp_path / "notes" / "a.md").write_text("插件:\n- CoreDNS: 域名\n", encoding="utf-8")
    (tmp_path / "notes" / "sub" / "c.md").write_text("插件:\n- Dashboard: 界面\n", encoding="utf-8")
    (tmp_path / "notes" / ".hidden" / "d.md").write_text("x: y\n", encoding="utf-8")
    (tmp_path / "notes" / "readme.txt").write_text("not a note\n", encoding="utf-8")
    (tmp_path / "empty").mkdir()
    monkeypatch.chdir(tmp_path)
    result = read_notes(["notes", "empty", "notes/a.md"])
    assert [n.path for n in result.notes] == ["notes/a.md", "notes/b.md", "notes/sub/c.md"]
    assert [str(e) for e in result.errors] == ["empty:0: error: no notes (*.md) found"]
    again = read_notes(["notes"])
    assert [n.facts for n in again.notes] == [n.facts for n in result.notes]


def test_read_notes_accepts_paths(tmp_path):
    (tmp_path / "a.md").write_text("插件:\n- CoreDNS: 域名\n", encoding="utf-8")
    result = read_notes([tmp_path])
    assert [n.path for n in result.notes] == [(tmp_path / "a.md").as_posix()]
