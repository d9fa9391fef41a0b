"""Offline study: day-level corrections of `auto`'s chosen forecast (issue 18, weekahead).

Built on :mod:`bench_auto_offline` (its cache of every candidate's backtest at every
cut-off). ``collect`` runs the real :func:`~wfm.forecast.selection.select_model` for each
target day and lead as that harness does and keeps, per (target, lead): the chosen
forecast's intervals (with the backlog after a closure, as delivered), the choice's
backtest summed per (model, lead, target day) and every candidate's forecast total of the
target day. ``score`` then tries day-level corrections computed only from the choice's
backtest (the history before the forecast's start), never from the day scored:

- *bias*: the chosen candidate's mean log ratio actual/forecast of its day totals over
  the selection origins at the lead (or its band), shrunk towards 0 with a prior weight
  of ``k`` days (``n / (n + k)``) or by a positive-part James-Stein factor, applied as a
  multiplicative level;
- *inverse-MSE total*: the candidates' day totals of the target combined with weights
  1/MSE of their log day-total errors at the lead, the chosen model's profile kept;
  also equal weights and the median of the best candidates' totals, and the bias
  correction only when most of the errors share a sign.

``diagnose`` prints the correlation of the chosen candidate's backtest bias with the
target day's own error. Figures: docs/benchmarks.md, "Level corrections of the chosen
forecast" (2026-12-07, weekahead); nothing here was adopted.

    python benchmarks/bench_auto_offline.py cache --out /tmp/c.pkl
    python benchmarks/bench_level_offline.py collect /tmp/c.pkl --out /tmp/level.pkl
    python benchmarks/bench_level_offline.py score /tmp/level.pkl
    python benchmarks/bench_level_offline.py diagnose /tmp/level.pkl
"""

from __future__ import annotations

import argparse
import pickle
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_auto_offline as harness  # noqa: E402

import wfm.forecast.selection as selection  # noqa: E402
from wfm.forecast.backtest import backtest_origins  # noqa: E402
from wfm.forecast.slots import wall_clock  # noqa: E402


def candidate_totals(store, chosen, start, target) -> dict[str, float]:
    """Every scored candidate's forecast total of the target day (with the backlog)."""
    backlog = store["backlog"][start]
    singles = {}
    for (cut, name), rows in store["rows"].items():
        if cut != start or name not in selection.AUTO_CANDIDATES:
            continue
        part = rows[rows["target_date"] == pd.Timestamp(target).date()]
        if len(part):
            factor = backlog.reindex(part["interval_start"]).to_numpy()
            singles[name] = part["forecast"].to_numpy() * factor
    scored = set(pd.unique(chosen.detail["model"]))
    totals = {name: float(v.sum()) for name, v in singles.items() if name in scored}
    for label, (kind, members) in selection.AUTO_COMBINATIONS.items():
        if label not in scored or not all(m in singles for m in members):
            continue
        if kind == "combination":
            weights = [1.0 / len(members)] * len(members)
        else:
            weights = selection._combination_params(chosen.detail, kind, members)["weights"]
        totals[label] = float(
            sum(w * singles[m].sum() for w, m in zip(weights, members, strict=True))
        )
    return totals


def collect(args) -> None:
    store = pickle.loads(Path(args.cache).read_bytes())
    y = harness.bank_series()
    targets = harness.targets_of(y, args.days)
    dates, _ = wall_clock(y.index)
    selection.backtest_origins = harness.cached_backtest(store, True)
    began = time.process_time()
    out = []
    for target in targets:
        for h in (1, 7):
            start = target - np.timedelta64(h - 1, "D")
            chosen = selection.select_model(
                y[dates < start], 5, horizon_days=h, origins=selection.SELECTION_ORIGINS
            )
            label = chosen.model_for_lead(h)
            part = harness.forecast_of(store, chosen, label, start, target)
            factor = store["backlog"][start].reindex(part["interval_start"]).to_numpy()
            daily = (
                chosen.detail.groupby(["model", "horizon_days", "target_date"])[
                    ["forecast", "actual"]
                ]
                .sum()
                .reset_index()
            )
            out.append(
                {
                    "target": pd.Timestamp(target).date(),
                    "h": h,
                    "label": label,
                    "forecast": part["forecast"].to_numpy() * factor,
                    "actual": part["actual"].to_numpy(dtype=float),
                    "daily": daily,
                    "totals": candidate_totals(store, chosen, start, target),
                }
            )
    selection.backtest_origins = backtest_origins
    Path(args.out).write_bytes(pickle.dumps({"targets": targets, "rows": out}))
    print(f"{len(out)} forecasts, {time.process_time() - began:.1f} CPU-s", file=sys.stderr)


def errors_of(daily: pd.DataFrame, model: str, leads: tuple[int, int]) -> np.ndarray:
    """Log ratios actual / forecast of a model's day totals at leads ``leads`` (inclusive)."""
    part = daily[
        (daily["model"] == model)
        & (daily["horizon_days"] >= leads[0])
        & (daily["horizon_days"] <= leads[1])
        & (daily["actual"] > 0)
        & (daily["forecast"] > 0)
    ]
    return np.log(part["actual"].to_numpy() / part["forecast"].to_numpy())


def shrunk(e: np.ndarray, k: float | str) -> float:
    if not len(e):
        return 0.0
    m = float(e.mean())
    if k == "js":
        n = len(e)
        s2 = float(e.var(ddof=1)) if n > 1 else np.inf
        return max(0.0, 1.0 - s2 / (n * m * m)) * m if m else 0.0
    return len(e) / (len(e) + float(k)) * m


def leads_for(h: int, scope: str) -> tuple[int, int]:
    if scope == "lead" or h == 1:
        return (h, h)
    if scope == "near":
        return (max(2, h - 1), h)
    return (2, 7)


def inverse_mse_total(
    row, leads, top: int | None, prior: float, equal: bool = False, median: bool = False
) -> float | None:
    daily = row["daily"]
    names, totals, mses = [], [], []
    for name, total in row["totals"].items():
        e = errors_of(daily, name, leads)
        if len(e) < 3:
            continue
        names.append(name)
        totals.append(total)
        mses.append(float(np.mean(e * e)) + prior)
    if not names:
        return None
    order = np.argsort(mses)[: top or len(mses)]
    if median:
        return float(np.median(np.asarray(totals)[order]))
    w = np.ones(len(order)) if equal else 1.0 / np.asarray(mses)[order]
    return float(np.dot(w / w.sum(), np.asarray(totals)[order]))


def score(args) -> None:
    data = pickle.loads(Path(args.level).read_bytes())
    targets = data["targets"]
    test = set(pd.DatetimeIndex(targets[-args.test :]).date)
    rows = data["rows"]
    variants: dict[str, callable] = {"base": lambda r: 1.0}
    for scope in ("lead", "near", "band"):
        for k in (0, 5, 10, 20, 40, 80, 160, "js"):
            variants[f"bias {scope} k={k}"] = lambda r, s=scope, k=k: float(
                np.exp(shrunk(errors_of(r["daily"], r["label"], leads_for(r["h"], s)), k))
            )
    for scope in ("lead", "near", "band"):
        for top in (None, 3, 5):
            for prior in (0.0, 0.001):

                def combined(r, s=scope, t=top, p=prior):
                    total = inverse_mse_total(r, leads_for(r["h"], s), t, p)
                    own = r["forecast"].sum()
                    return total / own if total and own > 0 else 1.0

                variants[f"invmse {scope} top={top} prior={prior}"] = combined
    for scope in ("lead", "band"):
        for top in (None, 2, 3, 5):
            for how in ("equal", "median"):

                def plain(r, s=scope, t=top, how=how):
                    total = inverse_mse_total(
                        r, leads_for(r["h"], s), t, 0.0, how == "equal", how == "median"
                    )
                    own = r["forecast"].sum()
                    return total / own if total and own > 0 else 1.0

                variants[f"{how} {scope} top={top}"] = plain
    for scope in ("lead", "band"):
        for agree in (0.8, 0.9, 1.0):

            def gated(r, s=scope, a=agree):
                e = errors_of(r["daily"], r["label"], leads_for(r["h"], s))
                if not len(e) or max((e > 0).mean(), (e < 0).mean()) < a:
                    return 1.0
                return float(np.exp(shrunk(e, 10)))

            variants[f"bias {scope} k=10 if {agree:.0%} same sign"] = gated
    print(
        f"{'variant':40s} {'day earlier':>11s} {'day test':>9s} {'week earlier':>12s} {'week test':>9s}"
    )
    for name, fn in variants.items():
        cells = []
        for h in (1, 7):
            for late in (False, True):
                num = den = 0.0
                for r in rows:
                    if r["h"] != h or (r["target"] in test) != late:
                        continue
                    c = fn(r)
                    num += np.abs(c * r["forecast"] - r["actual"]).sum()
                    den += r["actual"].sum()
                cells.append(num / den)
        print(f"{name:40s} {cells[0]:11.4f} {cells[1]:9.4f} {cells[2]:12.4f} {cells[3]:9.4f}")


def diagnose(args) -> None:
    """Correlation of the chosen candidate's backtest bias with the target day's own error."""
    data = pickle.loads(Path(args.level).read_bytes())
    test = set(pd.DatetimeIndex(data["targets"][-args.test :]).date)
    for h in (1, 7):
        for late in (False, True):
            rows = [r for r in data["rows"] if r["h"] == h and (r["target"] in test) == late]
            own = np.array([np.log(r["actual"].sum() / r["forecast"].sum()) for r in rows])
            for scope in ("lead", "band"):
                bias = np.array(
                    [errors_of(r["daily"], r["label"], leads_for(h, scope)).mean() for r in rows]
                )
                print(
                    f"lead {h} {'test' if late else 'earlier'} {scope}: corr {np.corrcoef(bias, own)[0, 1]:+.2f}"
                    f" mean bias {bias.mean():+.4f} mean own error {own.mean():+.4f}"
                    f" sd {own.std():.4f}"
                )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    make = sub.add_parser("collect")
    make.add_argument("cache")
    make.add_argument("--out", required=True)
    make.add_argument("--days", type=int, default=60)
    run = sub.add_parser("score")
    run.add_argument("level")
    run.add_argument("--test", type=int, default=20)
    look = sub.add_parser("diagnose")
    look.add_argument("level")
    look.add_argument("--test", type=int, default=20)
    args = parser.parse_args()
    {"collect": collect, "score": score, "diagnose": diagnose}[args.command](args)


if __name__ == "__main__":
    main()
