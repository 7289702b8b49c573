"""The review loop, ours vs Anki's own Python library, on the same workload.

Workload (both sides, each in a fresh Python process):

* N = 10,000 cards, one per note/fact (no siblings), new-card and review limits 9,999 a day.
* Day 1, on the real clock: 10,000 steps. A step = fetch the next due card with what the
  review screen shows (the card rendered, the three counts, each button's interval), then
  answer it with a seeded rating (Again/Hard/Good/Easy = 15/15/60/10 %).
* Two simulated later days (+1 and +4 study days): steps until nothing is due, at most
  ``LATER_CAP`` a day.

Ours: ``services.review.next_view`` + ``services.review.answer`` on SQLite (WAL, the app's
pragmas), one commit per answer, no HTTP. Anki: ``anki`` from PyPI with FSRS on,
``sched.get_queued_cards`` (card, counts and the four next states), ``card.question()`` /
``card.answer()``, ``sched.build_answer`` + ``sched.answer_card`` (Anki commits each answer:
WAL with synchronous=FULL; a second connection sees the review at once).
Anki's clock cannot be passed in, so its later days move the collection's creation time back
(``crt``): its day number advances exactly as if the days had passed.

Run alone: ``python -m bench.review_loop [ours|anki|profile] [--cards N --answers N]``.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

N_CARDS = 10_000
DAY1_ANSWERS = 10_000
LATER_DAYS = (1, 4)  # study days after day 1
LATER_CAP = 1_000
LIMIT = 9_999  # our settings' upper bound for new cards a day; the same in Anki's deck config
WEIGHTS = (15, 15, 60, 10)  # Again, Hard, Good, Easy (%)
SEED = 20260105
PROFILE_CARDS = 500
PROFILE_FILE = Path(__file__).with_name("review_loop_profile.txt")
ROWS = ("review_loop_answers_per_s", "review_loop_step_p50_ms", "review_loop_step_p99_ms",
        "review_loop_day1_answers_per_s", "review_loop_later_days_answers_per_s")


def ratings(seed: int = SEED):
    rng = random.Random(seed)
    while True:
        yield rng.choices((1, 2, 3, 4), weights=WEIGHTS)[0]


def _summary(steps: dict[str, list[float]], wall: float) -> dict:
    from .common import percentile

    all_steps = [t for day in steps.values() for t in day]
    return {
        "answers": len(all_steps),
        "seconds": wall,
        "answers_per_s": len(all_steps) / (sum(all_steps) / 1000),
        "p50_ms": percentile(all_steps, 50),
        "p99_ms": percentile(all_steps, 99),
        "days": {day: {"answers": len(ts), "answers_per_s": len(ts) / (sum(ts) / 1000)
                       if ts else 0.0,
                       "p50_ms": percentile(ts, 50) if ts else 0.0,
                       "p99_ms": percentile(ts, 99) if ts else 0.0}
                 for day, ts in steps.items()},
    }


# --- ours ------------------------------------------------------------------------------------


def run_ours(n_cards: int, day1: int, later_cap: int, *, trace: bool = False) -> dict:
    from sqlalchemy import event, select

    from studyk8s.persistence.engine import make_session_factory
    from studyk8s.persistence.models import User
    from studyk8s.services import review

    from .common import seed_cards, seed_users, sqlite_engine

    with tempfile.TemporaryDirectory() as tmp:
        engine = sqlite_engine(Path(tmp) / "loop.db")
        t_seed = datetime.now(UTC)
        seed_cards(engine, n_cards, t_seed)
        (uid,) = seed_users(engine, 1, t_seed, {"new_per_day": LIMIT, "reviews_per_day": LIMIT})
        queries = [0]
        if trace:
            event.listen(engine, "before_cursor_execute",
                         lambda *a: queries.__setitem__(0, queries[0] + 1))
        session = make_session_factory(engine)()
        user = session.scalar(select(User).where(User.id == uid))
        rate = ratings()
        queues = review.QueueCache()  # the app's, one per worker
        steps: dict[str, list[float]] = {}
        parts = {"next_view": 0.0, "answer": 0.0}
        started = time.perf_counter()
        for day, offset, cap in (("day 1", 0, day1),
                                 *((f"day +{d}", d, later_cap) for d in LATER_DAYS)):
            times = steps.setdefault(day, [])
            shift = timedelta(days=offset)
            for _ in range(cap):
                t0 = time.perf_counter()
                now = datetime.now(UTC) + shift
                view = review.next_view(session, user, now, queues)
                card = view["card"]
                if card is None:
                    break
                t1 = time.perf_counter()
                review.answer(session, user, card_id=card["id"], rating=next(rate),
                              client_id=uuid.uuid4().hex, version=card["version"], now=now,
                              queues=queues)
                t2 = time.perf_counter()
                parts["next_view"] += t1 - t0
                parts["answer"] += t2 - t1
                times.append((t2 - t0) * 1000)
        wall = time.perf_counter() - started
        session.close()
        engine.dispose()
    out = _summary(steps, wall)
    out["parts_s"] = parts
    if trace:
        out["queries_per_step"] = queries[0] / max(1, out["answers"])
    return out


# --- Anki ------------------------------------------------------------------------------------


def run_anki(n_cards: int, day1: int, later_cap: int) -> dict:
    from anki.collection import Collection  # first: anki.cards imports it circularly

    Card = __import__("anki.cards", fromlist=["Card"]).Card

    with tempfile.TemporaryDirectory() as tmp:
        col = Collection(os.path.join(tmp, "collection.anki2"))
        col.set_config("fsrs", True)
        deck_id = col.decks.id("Default")
        conf = col.decks.config_dict_for_deck_id(deck_id)
        conf["new"]["perDay"] = LIMIT
        conf["rev"]["perDay"] = LIMIT
        col.decks.save(conf)
        model = col.models.by_name("Basic")
        for c in range(n_cards):
            note = col.new_note(model)
            note["Front"] = f"What is <b>Term{c}</b>?"
            note["Back"] = f"The definition of <code>Term{c}</code>."
            col.add_note(note, deck_id)
        rate = ratings()
        steps: dict[str, list[float]] = {}
        started = time.perf_counter()
        shifted = 0
        for day, offset, cap in (("day 1", 0, day1),
                                 *((f"day +{d}", d, later_cap) for d in LATER_DAYS)):
            if offset != shifted:  # the collection was created `offset` days earlier
                col.db.execute("update col set crt = crt - ?", (offset - shifted) * 86400)
                shifted = offset
            times = steps.setdefault(day, [])
            for _ in range(cap):
                t0 = time.perf_counter()
                queued = col.sched.get_queued_cards()
                if not queued.cards:
                    break
                top = queued.cards[0]
                card = Card(col, backend_card=top.card)
                card.start_timer()
                card.question()
                card.answer()
                answer = col.sched.build_answer(card=card, states=top.states,
                                                rating=_anki_rating(next(rate)))
                col.sched.answer_card(answer)
                times.append((time.perf_counter() - t0) * 1000)
        wall = time.perf_counter() - started
        col.close()
    return _summary(steps, wall)


def _anki_rating(r: int):
    from anki.scheduler.v3 import CardAnswer

    return {1: CardAnswer.AGAIN, 2: CardAnswer.HARD, 3: CardAnswer.GOOD, 4: CardAnswer.EASY}[r]


# --- profile ---------------------------------------------------------------------------------


def profile_ours(n_cards: int = PROFILE_CARDS) -> str:
    """cProfile of a smaller run of the same loop (day 1 only): where our time goes."""
    import cProfile
    import io
    import pstats

    prof = cProfile.Profile()
    prof.enable()
    result = run_ours(n_cards, n_cards, 0, trace=True)
    prof.disable()
    buf = io.StringIO()
    stats = pstats.Stats(prof, stream=buf)
    stats.sort_stats("cumulative").print_stats(r"studyk8s|sqlalchemy/engine|sqlite3|fsrs", 35)
    stats.sort_stats("tottime").print_stats(25)
    parts = result["parts_s"]
    total = parts["next_view"] + parts["answer"]
    head = (f"# Review loop profile: {n_cards} cards, {result['answers']} steps of day 1 "
            f"(under cProfile, so slower than the timed run)\n"
            f"# SQL statements per step: {result['queries_per_step']:.1f}\n"
            f"# next_view {parts['next_view'] / total:.0%} of step time, "
            f"answer {parts['answer'] / total:.0%}\n\n")
    return head + buf.getvalue()


# --- harness ---------------------------------------------------------------------------------


def _subprocess(side: str) -> dict | str:
    """Run one side in a fresh interpreter; its JSON result, or why it failed."""
    proc = subprocess.run([sys.executable, "-m", "bench.review_loop", side, "--json"],
                          capture_output=True, text=True, timeout=400,
                          cwd=Path(__file__).resolve().parent.parent)
    if proc.returncode != 0:
        return (proc.stderr.strip().splitlines() or ["exit " + str(proc.returncode)])[-1]
    return json.loads(proc.stdout.strip().splitlines()[-1])


def run() -> list[dict]:
    from .__main__ import row

    ours = _subprocess("ours")
    anki = _subprocess("anki")
    if isinstance(ours, str):
        raise RuntimeError(f"our review loop failed: {ours}")
    ref = "Anki 26.9.3 (FSRS on), same run"
    if isinstance(anki, str):
        print(f"# review_loop: Anki could not run here: {anki}", file=sys.stderr)
        anki = {"answers_per_s": 0.0, "p50_ms": 0.0, "p99_ms": 0.0, "days": {}}
        ref = f"Anki failed: {anki}"[:60]
    profile = profile_ours()
    PROFILE_FILE.write_text(profile)
    (Path(__file__).with_name("review_loop_detail.json")).write_text(
        json.dumps({"ours": ours, "anki": anki}, indent=2) + "\n")
    print(f"# review_loop: ours {ours['answers']} answers in {ours['seconds']:.1f} s, "
          f"Anki {anki.get('answers', 0)} in {anki.get('seconds', 0):.1f} s; profile in "
          f"{PROFILE_FILE.name}", file=sys.stderr)

    def later(side: dict) -> float:
        ts = [d for k, d in side["days"].items() if k != "day 1" and d["answers"]]
        n = sum(d["answers"] for d in ts)
        secs = sum(d["answers"] / d["answers_per_s"] for d in ts)
        return n / secs if secs else 0.0

    day1 = lambda side: side["days"].get("day 1", {}).get("answers_per_s", 0.0)  # noqa: E731
    return [
        row("review_loop_answers_per_s", ours["answers_per_s"], "answers/s", ref,
            anki["answers_per_s"]),
        row("review_loop_step_p50_ms", ours["p50_ms"], "ms", ref, anki["p50_ms"]),
        row("review_loop_step_p99_ms", ours["p99_ms"], "ms", ref, anki["p99_ms"]),
        row("review_loop_day1_answers_per_s", day1(ours), "answers/s", ref, day1(anki)),
        row("review_loop_later_days_answers_per_s", later(ours), "answers/s", ref, later(anki)),
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench.review_loop")
    parser.add_argument("side", choices=("ours", "anki", "profile", "both"))
    parser.add_argument("--cards", type=int, default=N_CARDS)
    parser.add_argument("--answers", type=int, default=DAY1_ANSWERS)
    parser.add_argument("--later-cap", type=int, default=LATER_CAP)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    if args.side == "profile":
        print(profile_ours(args.cards))
        return 0
    if args.side == "both":
        for r in run():
            print(r)
        return 0
    fn = run_ours if args.side == "ours" else run_anki
    result = fn(args.cards, args.answers, args.later_cap)
    print(json.dumps(result) if args.json else json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
