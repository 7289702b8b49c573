"""The srs-benchmark protocol on the shared real review log, and the metrics by hand.

Reference figures (fsrs-rs optimiser, America/Chicago, 4 am rollover): FSRS-6 default log loss
0.4417, RMSE(bins) 0.0625; optimised 0.4389 / 0.0410; AUC 0.675. The whole evaluation takes
about 1.5 s, so it is not marked slow.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from studyk8s.srs import DEFAULT_PARAMETERS, SchedulerConfig
from studyk8s.srs.evaluate import (
    auc,
    bin_key,
    evaluate,
    log_loss,
    predict_app,
    predict_fsrs,
    read_revlog_csv,
    rmse_bins,
    sm2_interval,
    time_series_splits,
)
from studyk8s.srs.optimize import optimize
from studyk8s.srs.revlog import build_items

# A copy of the shared log (MIT, see data/SOURCE.md), so `make test` works on a fresh machine.
REVLOG = Path(__file__).parent / "data" / (
    "py-fsrs_review_logs_josh_1711744352250_to_1728234780857.csv")
TZ = "America/Chicago"
TOLERANCE = 0.003


@pytest.fixture(scope="module")
def rows():
    return read_revlog_csv(REVLOG)


@pytest.fixture(scope="module")
def report(rows):
    return evaluate(rows, tz=TZ)


# --- the real log ------------------------------------------------------------------------


def test_counts_match_source_md(report):
    assert (report.n_reviews, report.n_cards, report.n_items) == (12580, 1205, 6372)
    assert report.n_scored == 5 * 1062  # the first sixth only trains
    assert report.folds == tuple((1062 * k, 1062) for k in range(1, 6))


def test_fsrs6_default_matches_the_reference(report):
    row = report.row("FSRS-6 default")
    assert row.log_loss == pytest.approx(0.4417, abs=TOLERANCE)
    assert row.rmse_bins == pytest.approx(0.0625, abs=TOLERANCE)
    assert row.auc == pytest.approx(0.675, abs=TOLERANCE)


def test_fsrs6_optimised_matches_the_reference(report):
    row = report.row("FSRS-6 optimised")
    assert row.log_loss == pytest.approx(0.4389, abs=TOLERANCE)
    assert row.rmse_bins == pytest.approx(0.0410, abs=TOLERANCE)
    assert row.auc == pytest.approx(0.675, abs=TOLERANCE)
    assert len(report.fold_parameters) == 5
    assert all(len(p) == 21 for p in report.fold_parameters)


def test_the_apps_scheduler_is_as_good_as_the_reference(report):
    row = report.row("studyk8s")
    assert row.log_loss <= 0.4389
    assert row.rmse_bins <= 0.041


def test_baselines_are_worse(report):
    fsrs = report.row("FSRS-6 optimised")
    for name in ("AVG", "SM-2"):
        assert report.row(name).log_loss > fsrs.log_loss + 0.05
        assert report.row(name).rmse_bins > fsrs.rmse_bins


def test_report_renders(report):
    table = report.as_table()
    for name in ("AVG", "SM-2", "FSRS-6 default", "FSRS-6 optimised", "studyk8s"):
        assert name in table
    assert "5310 of 6372" in table
    d = json.loads(json.dumps(report.as_dict(), allow_nan=False))
    assert d["n_scored"] == 5310 and len(d["rows"]) == 5


def test_app_scheduler_predicts_like_fsrs_rs(rows):
    """Study days make the py-fsrs-based app see what fsrs-rs sees: same R to ~1e-5."""
    items = build_items(rows, tz=TZ)[-600:]
    app = predict_app(rows, items, SchedulerConfig(tz=TZ))
    ref = predict_fsrs(DEFAULT_PARAMETERS, items)
    assert max(abs(a - b) for a, b in zip(app, ref, strict=True)) < 1e-4


def test_any_cutoff_between_0600_and_1459_utc_gives_the_same_items(rows):
    """SOURCE.md: no reviews in that window, so these all bucket days alike."""
    def histories(tz, hour):
        return [it.history for it in build_items(rows, tz=tz, rollover_hour=hour)]

    reference = histories(TZ, 4)
    assert histories("UTC", 6) == reference
    assert histories("Etc/GMT+9", 0) == reference  # UTC−9h at midnight
    assert histories("UTC", 14) == reference


def test_optimize_gives_usable_parameters(rows):
    params = optimize(rows[:3000], tz=TZ)
    assert len(params) == 21 and params != DEFAULT_PARAMETERS
    SchedulerConfig(parameters=params)  # within py-fsrs's bounds
    assert optimize([], tz=TZ) == DEFAULT_PARAMETERS


# --- metrics by hand ---------------------------------------------------------------------


def test_log_loss():
    assert log_loss([1, 0], [0.8, 0.3]) == pytest.approx(-(math.log(0.8) + math.log(0.7)) / 2)
    assert log_loss([1], [1.0]) == pytest.approx(0.0)
    assert math.isfinite(log_loss([0], [1.0]))  # clipped, not infinite


def test_rmse_bins():
    ys, ps, bins = [1, 0, 1, 1], [0.9, 0.6, 0.5, 0.7], ["a", "a", "b", "b"]
    # bin a: mean p .75 vs mean y .5; bin b: .6 vs 1.0; both weigh 2
    assert rmse_bins(ys, ps, bins) == pytest.approx(math.sqrt((2 * 0.25**2 + 2 * 0.4**2) / 4))
    assert rmse_bins(ys, ps, bins, weights=[1, 1, 3, 3]) == pytest.approx(
        math.sqrt((2 * 0.25**2 + 6 * 0.4**2) / 8))
    assert rmse_bins(ys, ps, ["x"] * 4) == pytest.approx(abs(0.675 - 0.75))
    assert rmse_bins([1, 0], [0.5, 0.5], [1, 1]) == 0.0


def test_auc():
    assert auc([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]) == pytest.approx(0.75)  # sklearn's example
    assert auc([0, 1], [0.2, 0.9]) == 1.0
    assert auc([0, 1], [0.9, 0.2]) == 0.0
    assert auc([0, 1, 0, 1], [0.5] * 4) == 0.5  # ties count half
    assert math.isnan(auc([1, 1], [0.2, 0.3]))


def test_bin_key():
    assert bin_key([(3, 0), (3, 1)]) == (248, 4, 0)
    # delta_t 10 → 2.48·3.62 = 8.98; 3 reviews → 3.76 → 4; one cross-day lapse → 1.65 → 2
    assert bin_key([(1, 0), (1, 3), (3, 0), (3, 10)]) == (898, 4, 2)
    assert bin_key([(3, 0), (1, 5), (1, 5), (3, 40)])[2] == 3  # 2 lapses → 1.65·1.73 ≈ 3
    with pytest.raises(ValueError):
        bin_key([(3, 0), (3, 0)])


def test_time_series_splits_are_sklearns():
    assert time_series_splits(12) == [(2, 4), (4, 6), (6, 8), (8, 10), (10, 12)]
    assert time_series_splits(13) == [(3, 5), (5, 7), (7, 9), (9, 11), (11, 13)]
    with pytest.raises(ValueError, match="at least 6"):
        time_series_splits(5)


def test_sm2_interval():
    assert sm2_interval([3]) == 1
    assert sm2_interval([3, 3]) == 6
    assert sm2_interval([3, 3, 3]) == 15  # 6 × 2.5
    assert sm2_interval([3, 3, 3, 1]) == 1
    assert sm2_interval([4, 4, 4]) == 16  # Easy raises the ease to 2.7: 6 × 2.7 = 16.2
