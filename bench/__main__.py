"""`make bench`: run the benchmarks, print one table, write bench/results.json, bench/RESULTS.md
and the table in the README's Performance section (between its ``bench:`` markers).

Each benchmark returns rows ``{"name", "value", "unit", "reference", "reference_value",
"ratio"}``; the reference is measured in the same run where one exists, else it is the target
the issue sets (named as such).
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import platform
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

# Benchmark key → module (each has ROWS and run()), in the order `make bench` runs them.
_MODULE_NAMES = {
    "srs": "srs_eval",
    "import": "import_notes",
    "notes_corpus": "notes_corpus",
    "quiz": "quiz",
    "readiness": "readiness",
    "handson": "handson",
    "question_quality": "question_quality",
    "stats": "stats",
    "scale": "scale",
    "cards_browser": "cards_browser",
    "review_loop": "review_loop",
    "http": "http_review",
}


def _load_modules() -> dict:
    mods = {}
    for key, name in _MODULE_NAMES.items():
        try:
            mods[key] = importlib.import_module(f".{name}", __package__)
        except ImportError as exc:  # e.g. a benchmark still being written
            print(f"# bench: {key} skipped ({exc})", file=sys.stderr)
    return mods


MODULES = _load_modules()
BENCHMARKS = {key: mod.run for key, mod in MODULES.items()}
# Row names → the benchmark that produces them, so `make bench ONLY=import_1000_notes_s` works.
ROW_OWNERS = {name: key for key, mod in MODULES.items() for name in mod.ROWS}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench")
    parser.add_argument("--only", help="a benchmark or row name")
    args = parser.parse_args(argv)
    wanted = list(BENCHMARKS)
    if args.only:
        key = args.only if args.only in BENCHMARKS else ROW_OWNERS.get(args.only)
        if key is None:
            print(f"unknown benchmark {args.only!r}; known: "
                  f"{', '.join(sorted([*BENCHMARKS, *ROW_OWNERS]))}", file=sys.stderr)
            return 2
        wanted = [key]
    rows = []
    for key in wanted:
        t0 = time.perf_counter()
        got = BENCHMARKS[key]()
        if args.only and args.only in ROW_OWNERS:
            got = [r for r in got if r["name"] == args.only]
        rows.extend(got)
        print(f"# {key}: {time.perf_counter() - t0:.1f} s", file=sys.stderr)
    print_table(rows)
    out = Path(__file__).with_name("results.json")
    if args.only and out.exists():  # one benchmark again: keep the others' rows
        fresh = {r["name"] for r in rows} | set(MODULES[wanted[0]].ROWS)
        kept = [r for r in json.loads(out.read_text()) if r["name"] not in fresh]
        rows = kept + rows
    out.write_text(json.dumps(rows, indent=2, ensure_ascii=False) + "\n")
    write_markdown(rows, Path(__file__).with_name("RESULTS.md"))
    update_readme(rows, Path(__file__).resolve().parent.parent / "README.md")
    print(f"\nwrote {out}, RESULTS.md and the README's table", file=sys.stderr)
    return 0


def print_table(rows: list[dict]) -> None:
    header = ("name", "value", "unit", "reference", "ref value", "ratio")
    table = [header] + [
        (r["name"], f"{r['value']:.4g}", r["unit"], r["reference"],
         f"{r['reference_value']:.4g}", f"{r['ratio']:.3f}")
        for r in rows
    ]
    widths = [max(len(str(row[i])) for row in table) for i in range(len(header))]
    for i, row in enumerate(table):
        print("  ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True)))
        if i == 0:
            print("  ".join("-" * w for w in widths))


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (f"{platform.node()}: {os.cpu_count()} cores ({cpu}), Python "
            f"{platform.python_version()}, {platform.system()} {platform.release()}")


def _table(rows: list[dict]) -> list[str]:
    lines = [
        f"`make bench` on {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {machine()}.",
        "Each figure next to its reference measured in the same run (or the issue's target,",
        "named as such); ratio = value / reference. A `make bench ONLY=…` run replaces only",
        "its own rows.",
        "",
        "| name | value | unit | reference | ref value | ratio |",
        "| --- | ---: | --- | --- | ---: | ---: |",
    ]
    for r in rows:
        lines.append(f"| {r['name']} | {r['value']:.4g} | {r['unit']} | {r['reference']} | "
                     f"{r['reference_value']:.4g} | {r['ratio']:.3f} |")
    return lines


def write_markdown(rows: list[dict], path: Path) -> None:
    """The figures as a Markdown table, with the machine and date."""
    path.write_text("\n".join(["# Benchmark results", "", *_table(rows)]) + "\n")


README_START, README_END = "<!-- bench:start -->", "<!-- bench:end -->"


def update_readme(rows: list[dict], path: Path) -> None:
    """Put the same table between the README's bench markers (left alone if it has none)."""
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    start, end = text.find(README_START), text.find(README_END)
    if start < 0 or end < start:
        print(f"# bench: no {README_START} … {README_END} block in {path}", file=sys.stderr)
        return
    block = "\n".join([README_START, *_table(rows), README_END])
    path.write_text(text[:start] + block + text[end + len(README_END):], encoding="utf-8")


def row(name, value, unit, reference, reference_value) -> dict:
    return {"name": name, "value": value, "unit": unit, "reference": reference,
            "reference_value": reference_value,
            "ratio": value / reference_value if reference_value else 0.0}


if __name__ == "__main__":
    sys.exit(main())
