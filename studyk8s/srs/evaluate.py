"""How well does a model predict a learner's recall? The srs-benchmark protocol on one log.

* Only cross-day reviews are scored (delta_t > 0 study days); y = rating > 1. Each prediction
  may use the card's whole history before that review, same-day reviews included.
* The scored items, sorted by review time, are cut sklearn-``TimeSeriesSplit``-style into
  n_splits + 1 parts; part k (k >= 1) is predicted by a model fitted on parts 0..k-1 only.
  Part 0 is never scored.
* Metrics: log loss, RMSE(bins) and AUC. RMSE(bins) is srs-benchmark's / fsrs-rs's: items are
  grouped by (delta_t, review count, lapse count), each on a log scale, and the root of the
  count-weighted mean squared gap between mean prediction and mean outcome per bin is taken.
"""

from __future__ import annotations

import math
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from fsrs_rs_python import FSRS

from .optimize import fit_parameters, optimize, to_fsrs_item
from .revlog import (
    Item,
    ReviewRow,
    RevlogFormatError,
    build_items,
    group_by_card,
    read_revlog_csv,
)
from .scheduler import DEFAULT_PARAMETERS, CardMemory, Scheduler, SchedulerConfig, fuzz_seed

N_SPLITS = 5
_EPS = 1e-15  # log-loss clipping, as sklearn

# --- metrics -----------------------------------------------------------------------------


def log_loss(ys: Sequence[int], ps: Sequence[float]) -> float:
    """Mean binary cross-entropy; predictions clipped away from 0 and 1."""
    if not ys:
        raise ValueError("log_loss of no predictions")
    total = 0.0
    for y, p in zip(ys, ps, strict=True):
        p = min(max(p, _EPS), 1 - _EPS)
        total -= math.log(p) if y else math.log(1 - p)
    return total / len(ys)


def _log_bin(x: float, base: float, scale: float) -> float:
    return scale * base ** math.floor(math.log(x) / math.log(base))


def bin_key(history: Sequence[tuple[int, int]]) -> tuple[int, int, int]:
    """srs-benchmark's RMSE bin of a review: (delta_t, review count, lapses), log-binned.

    ``history`` is the card's (rating, delta_t) list ending with the scored review. The review
    count is the number of cross-day reviews including this one, plus one (the first review);
    lapses are earlier cross-day Agains. Same formulas and rounding as fsrs-rs
    ``FSRSItem::r_matrix_index``.
    """
    delta_t = history[-1][1]
    if delta_t <= 0:
        raise ValueError("only cross-day reviews (delta_t > 0) are binned")
    delta_t_bin = round(_log_bin(delta_t, 3.62, 2.48) * 100)  # 2 decimals, as an int
    length = sum(1 for _, dt in history if dt > 0) + 1
    length_bin = round(_log_bin(length, 1.89, 1.99))
    lapses = sum(1 for r, dt in history[:-1] if r == 1 and dt > 0)
    lapse_bin = round(_log_bin(lapses, 1.73, 1.65)) if lapses else 0
    return delta_t_bin, length_bin, lapse_bin


def rmse_bins(ys: Sequence[int], ps: Sequence[float], bins: Sequence[Any],
              weights: Sequence[float] | None = None) -> float:
    """sqrt(sum_b w_b (mean p_b - mean y_b)^2 / sum_b w_b); w_b = summed weights (default:
    the count) of bin b. Means within a bin are unweighted, as in srs-benchmark."""
    if not ys:
        raise ValueError("rmse_bins of no predictions")
    if weights is None:
        weights = [1.0] * len(ys)
    acc: dict[Any, list[float]] = defaultdict(lambda: [0.0, 0.0, 0.0, 0.0])
    for y, p, b, w in zip(ys, ps, bins, weights, strict=True):
        a = acc[b]
        a[0] += p
        a[1] += y
        a[2] += 1
        a[3] += w
    num = sum(w * (sp / n - sy / n) ** 2 for sp, sy, n, w in acc.values())
    return math.sqrt(num / sum(a[3] for a in acc.values()))


def auc(ys: Sequence[int], ps: Sequence[float]) -> float:
    """Area under the ROC curve (Mann–Whitney, ties count half); NaN with one class only."""
    pairs = sorted(zip(ps, ys, strict=True))
    n_pos = sum(y for _, y in pairs)
    n_neg = len(pairs) - n_pos
    if n_pos == 0 or n_neg == 0:
        return math.nan
    rank_sum = 0.0
    i = 0
    while i < len(pairs):
        j = i
        while j + 1 < len(pairs) and pairs[j + 1][0] == pairs[i][0]:
            j += 1
        avg_rank = (i + j) / 2 + 1  # 1-based average rank of the tie group
        rank_sum += avg_rank * sum(y for _, y in pairs[i:j + 1])
        i = j + 1
    return (rank_sum - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg)


def time_series_splits(n: int, n_splits: int = N_SPLITS) -> list[tuple[int, int]]:
    """(test_start, test_end) per fold, as sklearn's ``TimeSeriesSplit``: n // (n_splits + 1)
    items per test part, the remainder added to the first training part."""
    size = n // (n_splits + 1)
    if size == 0:
        raise ValueError(f"need at least {n_splits + 1} cross-day reviews to evaluate, got {n}")
    first = n - n_splits * size
    return [(first + k * size, first + (k + 1) * size) for k in range(n_splits)]


# --- models ------------------------------------------------------------------------------


def predict_fsrs(parameters: Sequence[float], items: Sequence[Item]) -> list[float]:
    """FSRS-6 recall probability of each item from its history, via fsrs-rs's memory states."""
    if not items:
        return []
    model = FSRS(list(parameters))
    states = model.memory_state_batch([to_fsrs_item(it.history[:-1]) for it in items])
    decay = -parameters[20]
    factor = 0.9 ** (1 / decay) - 1
    return [(1 + factor * it.delta_t / s.stability) ** decay
            for it, s in zip(items, states, strict=True)]


def sm2_interval(ratings: Iterable[int], maximum_interval: int = 36500) -> int:
    """The interval SM-2 would have set after these ratings (srs-benchmark's ``sm2``)."""
    ivl, ef, reps = 0.0, 2.5, 0
    for rating in ratings:
        q = rating + 1  # Again..Easy -> SM-2 quality 2..5
        if q > 2:
            ivl, reps = (1, 1) if reps == 0 else (6, 2) if reps == 1 else (ivl * ef, reps + 1)
        else:
            ivl, reps = 1, 0
        ef = max(1.3, ef + (0.1 - (5 - q) * (0.08 + (5 - q) * 0.02)))
        ivl = min(max(1, round(ivl + 0.01)), maximum_interval)
    return int(ivl)


def predict_sm2(items: Sequence[Item]) -> list[float]:
    """p = 0.9^(t/ivl), SM-2 run on the first review and the cross-day reviews before this
    one (same-day steps are not SM-2 repetitions)."""
    out = []
    for it in items:
        prior = [r for i, (r, dt) in enumerate(it.history[:-1]) if i == 0 or dt > 0]
        out.append(0.9 ** (it.delta_t / sm2_interval(prior)))
    return out


def predict_app(rows: Sequence[ReviewRow], items: Sequence[Item],
                config: SchedulerConfig) -> list[float]:
    """The app's own scheduler replaying each card's log: ``retrievability()`` just before
    each scored review, exactly what the app would have believed at that moment."""
    wanted = {(it.card_id, it.review_time) for it in items}
    last = {}
    for it in items:
        last[it.card_id] = max(last.get(it.card_id, it.review_time), it.review_time)
    by_card = group_by_card(r for r in rows if r.card_id in last)
    scheduler = Scheduler(config)
    found: dict[tuple[int, Any], float] = {}
    for card_id, reviews in by_card.items():
        memory = CardMemory()
        for r in reviews:
            if r.review_time > last[card_id]:
                break
            key = (card_id, r.review_time)
            if key in wanted:
                found[key] = scheduler.retrievability(memory, r.review_time)
            memory = scheduler.review(memory, r.rating, r.review_time,
                                      seed=fuzz_seed(card_id, memory.reps)).memory
    return [found[(it.card_id, it.review_time)] for it in items]


# --- the report --------------------------------------------------------------------------


@dataclass(frozen=True)
class EvalRow:
    model: str
    log_loss: float
    rmse_bins: float
    auc: float


@dataclass(frozen=True)
class EvalReport:
    rows: tuple[EvalRow, ...]
    n_reviews: int  # rows in the log
    n_cards: int
    n_items: int  # cross-day reviews
    n_scored: int  # cross-day reviews in the test parts
    folds: tuple[tuple[int, int], ...]  # (train items, test items) per fold
    tz: str
    rollover_hour: int
    seconds: float
    fold_parameters: tuple[tuple[float, ...], ...] = field(repr=False)  # FSRS-6 optimised

    def row(self, model: str) -> EvalRow:
        for r in self.rows:
            if r.model == model:
                return r
        raise KeyError(model)

    def as_dict(self) -> dict[str, Any]:
        """JSON-safe (NaN becomes None)."""

        def num(x: float) -> float | None:
            return None if math.isnan(x) else x

        return {
            "protocol": f"srs-benchmark, {len(self.folds)}-fold time-series split",
            "tz": self.tz,
            "rollover_hour": self.rollover_hour,
            "n_reviews": self.n_reviews,
            "n_cards": self.n_cards,
            "n_items": self.n_items,
            "n_scored": self.n_scored,
            "folds": [{"train": a, "test": b} for a, b in self.folds],
            "seconds": self.seconds,
            "rows": [{"model": r.model, "log_loss": num(r.log_loss),
                      "rmse_bins": num(r.rmse_bins), "auc": num(r.auc)} for r in self.rows],
            "fold_parameters": [list(p) for p in self.fold_parameters],
        }

    def as_table(self) -> str:
        width = max(len(r.model) for r in self.rows)
        lines = [f"{'model':<{width}}  log loss  RMSE(bins)     AUC"]
        for r in self.rows:
            lines.append(f"{r.model:<{width}}  {r.log_loss:8.4f}  {r.rmse_bins:10.4f}  "
                         f"{r.auc:6.4f}")
        lines.append(
            f"scored {self.n_scored} of {self.n_items} cross-day reviews "
            f"({self.n_reviews} reviews, {self.n_cards} cards), {len(self.folds)}-fold "
            f"time-series split; study days in {self.tz} from {self.rollover_hour}:00; "
            f"{self.seconds:.1f} s"
        )
        return "\n".join(lines)


def _row(model: str, items: Sequence[Item], ps: Sequence[float]) -> EvalRow:
    ys = [it.label for it in items]
    bins = [bin_key(it.history) for it in items]
    return EvalRow(model, log_loss(ys, ps), rmse_bins(ys, ps, bins), auc(ys, ps))


def evaluate(rows: Iterable[ReviewRow], *, tz: str, rollover_hour: int = 4,
             app_config: SchedulerConfig | None = None) -> EvalReport:
    """Score AVG, SM-2, FSRS-6 (default and optimised per fold) and the app's scheduler.

    ``app_config=None`` means what the app does by default: parameters optimised from the log
    before each test part, study days in ``tz``. A given ``app_config`` is used as is.
    """
    started = time.perf_counter()
    rows = list(rows)
    items = build_items(rows, tz=tz, rollover_hour=rollover_hour)
    splits = time_series_splits(len(items))
    scored = items[splits[0][0]:]

    predictions: dict[str, list[float]] = defaultdict(list)
    fold_parameters = []
    models: dict[str, Callable[[int, list[Item]], list[float]]] = {}

    def avg(start: int, test: list[Item]) -> list[float]:
        mean = sum(it.label for it in items[:start]) / start
        return [mean] * len(test)

    def fsrs_optimised(start: int, test: list[Item]) -> list[float]:
        params = fit_parameters(items[:start])
        fold_parameters.append(params)
        return predict_fsrs(params, test)

    def app(start: int, test: list[Item]) -> list[float]:
        config = app_config
        if config is None:
            cutoff = (test[0].review_time, test[0].card_id)
            history = [r for r in rows if (r.review_time, r.card_id) < cutoff]
            params = optimize(history, tz=tz, rollover_hour=rollover_hour)
            config = SchedulerConfig(parameters=params, tz=tz, rollover_hour=rollover_hour)
        return predict_app(rows, test, config)

    models["AVG"] = avg
    models["SM-2"] = lambda start, test: predict_sm2(test)
    models["FSRS-6 default"] = lambda start, test: predict_fsrs(DEFAULT_PARAMETERS, test)
    models["FSRS-6 optimised"] = fsrs_optimised
    models["studyk8s"] = app

    for start, end in splits:
        test = items[start:end]
        for name, predict in models.items():
            predictions[name].extend(predict(start, test))

    return EvalReport(
        rows=tuple(_row(name, scored, predictions[name]) for name in models),
        n_reviews=len(rows),
        n_cards=len({r.card_id for r in rows}),
        n_items=len(items),
        n_scored=len(scored),
        folds=tuple((start, end - start) for start, end in splits),
        tz=tz,
        rollover_hour=rollover_hour,
        seconds=time.perf_counter() - started,
        fold_parameters=tuple(fold_parameters),
    )


__all__ = [
    "EvalReport",
    "EvalRow",
    "ReviewRow",
    "RevlogFormatError",
    "auc",
    "bin_key",
    "evaluate",
    "log_loss",
    "predict_app",
    "predict_fsrs",
    "predict_sm2",
    "read_revlog_csv",
    "rmse_bins",
    "sm2_interval",
    "time_series_splits",
]
