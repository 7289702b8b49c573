"""The Chinese UI has no English sentence on any page a learner, an instructor or an admin
opens (names of things, time zones and the notes' own text aside): a walk through the pages."""

from __future__ import annotations

import html as htmllib
import re

from studyk8s.config import ROOT

CJK = re.compile(r"[\u4e00-\u9fff]")
ENGLISH = re.compile(r"\b[A-Za-z]{2,}(?: [A-Za-z]{2,}){2,}")  # three English words in a row


def english_lines(page: str) -> list[str]:
    page = re.sub(r"<(script|style|code|pre|option|textarea)\b[^>]*>.*?</\1>", "\n", page,
                  flags=re.S)
    page = re.sub(r'data-strings="[^"]*"', "", page)
    # the notes' own text (questions, answers, sources) is marked with the note's language,
    # English or Chinese (a Chinese note's answer may be English terms: "CRI：container
    # runtime interface"); the page's own <html lang> is not such a mark
    page = re.sub(r'<(?!html\b)(\w+)\b[^>]*\blang="[^"]+"[^>]*>.*?</\1>', "\n", page,
                  flags=re.S)
    text = htmllib.unescape(re.sub(r"<[^>]+>", "\n", page))
    return [line.strip() for line in text.splitlines()
            if ENGLISH.search(line) and not CJK.search(line)]


def test_every_page_reads_in_chinese(app, client, auth, runner):
    assert runner.invoke(args=["notes", "import"]).exit_code == 0
    client.post("/language", data={"locale": "zh"})
    auth.signup("admin@example.com")  # the admin: every page is open to them
    assert runner.invoke(args=["sets", "import", str(ROOT / "content" / "quizzes")]
                         ).exit_code == 0
    start = client.post("/quiz/start", data={"mode": "exam", "count": "3", "time_limit": "5",
                                             "pass_mark": "66"})
    attempt = start.headers["Location"].rsplit("/", 1)[1]
    pages = ["/", "/quiz", f"/quiz/{attempt}", f"/quiz/{attempt}/summary", "/notes/upload",
             "/admin/users", "/settings", "/stats", "/review", "/sets", "/classes",
             "/no/such/page", "/quiz/999999"]
    found = {}
    for url in pages:
        found[url] = english_lines(client.get(url).get_data(as_text=True))
    client.post(f"/quiz/{attempt}/submit")
    found["results"] = english_lines(client.get(f"/quiz/{attempt}/results").get_data(
        as_text=True))
    auth.logout()
    found["landing"] = english_lines(client.get("/").get_data(as_text=True))
    found = {url: lines for url, lines in found.items() if lines}
    assert found == {}, found
