"""Agreement of the command checker with a Kubernetes user's judgement on pairs written
elsewhere: a TSV file of ``EXPECTED<TAB>GIVEN<TAB>same|diff`` lines (the label is the user's:
e.g. a tutorial's "or" alternatives are `same`). Prints each disagreement and the rate.

    python tools/handson_pairs.py PAIRS.tsv
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from studyk8s.quiz.handson.commands import CommandError, Verdict, compare  # noqa: E402


def main(argv: list[str]) -> int:
    total = agree = refused = 0
    for n, line in enumerate(Path(argv[0]).read_text().splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        expected, given, label = line.split("\t")
        try:
            verdict = compare(expected, given)
        except CommandError as exc:  # the first command unreadable (a removed flag…): not equal
            verdict = Verdict(False, error=exc)
        total += 1
        if verdict.equivalent == (label == "same"):
            agree += 1
        else:
            refused += label == "same"
            print(f"{argv[0]}:{n}: user says {label}, checker: {verdict.message()}")
    print(f"{total} pairs, {agree} judged as the user judged = {100 * agree / max(total, 1):.1f} %"
          f"; equivalent pairs refused: {refused}")
    return 0 if agree == total else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
