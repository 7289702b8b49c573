"""Scheduler accuracy: `flask srs evaluate` on the shared real review log (tests/srs/data), the
srs-benchmark protocol. Our scheduler's row next to the FSRS-6 optimised row of the same run
(the issue's reference figures, log loss 0.4389 and RMSE(bins) 0.0410, are that row)."""

from __future__ import annotations

import sys

from studyk8s.config import ROOT

ROWS = ("srs_logloss", "srs_rmse_bins", "srs_auc")
REVLOG = ROOT / "tests" / "srs" / "data" / (
    "py-fsrs_review_logs_josh_1711744352250_to_1728234780857.csv")
TZ = "America/Chicago"
REFERENCE = "FSRS-6 optimised, same run"


def run() -> list[dict]:
    from studyk8s.srs.evaluate import evaluate
    from studyk8s.srs.revlog import read_revlog_csv

    from .__main__ import row

    report = evaluate(read_revlog_csv(REVLOG), tz=TZ)
    print(report.as_table(), file=sys.stderr)
    ours, ref = report.row("studyk8s"), report.row("FSRS-6 optimised")
    return [
        row("srs_logloss", ours.log_loss, "log loss", REFERENCE, ref.log_loss),
        row("srs_rmse_bins", ours.rmse_bins, "RMSE(bins)", REFERENCE, ref.rmse_bins),
        row("srs_auc", ours.auc, "AUC", REFERENCE, ref.auc),
    ]
