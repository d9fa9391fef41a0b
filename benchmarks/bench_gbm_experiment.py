"""Experiment (issue 18): gradient-boosted trees for the bank data's day totals and intervals.

Offline harness with the issue's protocol: every setting is looked at on the 40 weekdays
before the benchmark's test days (2003-07-31 .. 2003-09-25, "earlier"), then the 20 test
days (2003-09-26 .. 2003-10-24) are scored. At each origin every model is fitted on the
history before it only (no fit sees the day it forecasts).

Two uses of LightGBM (``pip install lightgbm``; not a wfm dependency) are tried:

``day``
    A day-level model: the log ratio of each day's total to a ``top_down``-like baseline
    (10-day level of closure-cleaned, weekday-normalised totals × an 8-week weekday
    index, all known at the origin) is predicted from calendar features (weekday, day
    of month, business day of month, days to month end, paydays: 1st, 3rd, 15th, last
    business day), the recent normalised totals (observed days at least ``h`` days
    before the target), short/long level ratios, the last same weekday's deviation and
    the last day's evening deviation, one model per lead ``h`` (1 and 7). A ridge
    regression on the same features is its GLM counterpart. Each day total (times the
    backlog multiplier after a closure, as ``auto`` applies it) rescales ``auto``'s
    interval forecast of that day (``bench_forecast.py auto --save``); WAPE on 5-minute
    intervals and the mean absolute error of the day total are reported. Variants: the
    GBM's or ridge's total alone, its geometric mean with ``auto``'s, a GBM / ridge on
    ``auto``'s own log error (trained on ``auto``'s forecasts of earlier days), and each
    as a candidate against ``auto`` chosen per origin by its WAPE on the last 10 days
    scored before it (as ``auto``'s choice would take it).

``interval``
    A Poisson GBM on the interval counts boosted from ``auto``'s forecast, i.e. with
    ``init_score`` = log of the base forecast, learning a multiplicative correction
    from slot, weekday, calendar and recent same-slot levels (root scale). Trained on
    the base forecasts of the days before each origin (the ``auto`` forecasts saved for
    them, which are themselves out of sample); its shape alone (rescaled to ``auto``'s
    day total); and a Poisson GBM from scratch (no input from ``auto``).

    python benchmarks/bench_gbm_experiment.py cache --out /tmp/auto100.csv
    python benchmarks/bench_gbm_experiment.py day /tmp/auto100.csv
    python benchmarks/bench_gbm_experiment.py interval /tmp/auto100.csv

``cache`` saves ``auto``'s forecasts of the 100 observed days 2003-06-04 .. 2003-10-24
(the 60 scored and the 40 before them, which the boosted variants train on); it is
``bench_forecast.py auto --save`` over a date range.

Figures: docs/benchmarks.md, "Gradient-boosted trees for the day total and the intervals".
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_forecast import load  # noqa: E402

from wfm.forecast.closures import closure_effects  # noqa: E402

#: First test day and first earlier day of the protocol.
TEST_START = dt.date(2003, 9, 26)
EARLIER_START = dt.date(2003, 7, 31)
#: Hour from which a day's calls count as its evening [local hour].
EVENING_HOUR = 17
#: Observed days in the baseline's level; weeks in its weekday index.
LEVEL_DAYS = 10
INDEX_WEEKS = 8
#: Recent normalised day totals used as features.
LAGS = 5
#: LightGBM's seed.
SEED = 0
#: The earlier days after Labor Day 2003 (first and last), reported apart.
LABOR_DAY_AFTER = (np.datetime64("2003-09-02"), np.datetime64("2003-09-16"))
#: 5-minute slot of the bank's first interval (07:00).
FIRST_SLOT = 84


def daily_table() -> tuple[pd.DataFrame, pd.DataFrame]:
    """Daily totals and evening shares of the bank (one row per observed date), and the
    per-interval frame."""
    frame = load("bank").frame
    local = frame["interval_start"].dt.tz_localize(None)
    frame = frame.assign(
        date=local.dt.date, hour=local.dt.hour, slot=local.dt.hour * 12 + local.dt.minute // 5
    )
    days = frame.groupby("date").agg(total=("offered", "sum"))
    evening = frame[frame["hour"] >= EVENING_HOUR].groupby("date")["offered"].sum()
    days["evening"] = evening / days["total"]
    days.index = pd.to_datetime(days.index).to_numpy().astype("datetime64[D]")
    return days, frame


def period_of(target: pd.Series) -> np.ndarray:
    """Period of each target date: "test", or the earlier days split into "earlier_labor"
    (after Labor Day, 2003-09-02 .. 2003-09-16: the backlog and level shift that dominate
    that period) and "earlier_rest", so that each figure can also be read without them."""
    day = pd.to_datetime(target).to_numpy().astype("datetime64[D]")
    after = (day >= LABOR_DAY_AFTER[0]) & (day <= LABOR_DAY_AFTER[1])
    return np.where(
        day >= np.datetime64(TEST_START),
        "test",
        np.where(
            day < np.datetime64(EARLIER_START),
            "before",
            np.where(after, "earlier_labor", "earlier_rest"),
        ),
    )


def with_earlier(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` plus its earlier rows again under period "earlier" (all 40 days)."""
    early = frame[frame["period"].str.startswith("earlier")].assign(period="earlier")
    return pd.concat([frame, early], ignore_index=True)


def chosen_by_backtest(daily: pd.DataFrame, variant: str, days: int = 10) -> pd.DataFrame:
    """Per (lead, target): ``variant``'s error where its WAPE on the ``days`` latest target
    days scored before the origin (target − lead + 1) beat ``auto``'s, else ``auto``'s, as
    ``auto``'s choice would take it as a candidate. ``daily``: variant, lead, target, err, act."""
    rows = []
    for lead, part in daily[daily["variant"].isin(["auto", variant])].groupby("lead"):
        wide = part.pivot_table(index="target", columns="variant", values="err")
        act = part[part["variant"] == "auto"].set_index("target")["act"]
        targets = wide.index.to_numpy().astype("datetime64[D]")
        for i, target in enumerate(targets):
            known = np.flatnonzero(targets < target - np.timedelta64(lead - 1, "D"))[-days:]
            use = "auto"
            if len(known) == days:
                past = wide.iloc[known]
                if past[variant].sum() < past["auto"].sum():
                    use = variant
            rows.append(
                {"lead": lead, "target": target, "err": wide.iloc[i][use], "act": act.iloc[i]}
            )
    return pd.DataFrame(rows)


def business_position(date: np.datetime64) -> tuple[int, int]:
    """Business day of the month (1-based) and business days to the month's end (0 on the last)."""
    day = pd.Timestamp(date)
    first = np.datetime64(day.replace(day=1).date(), "D")
    last = np.datetime64((day + pd.offsets.MonthEnd(0)).date(), "D")
    return int(np.busday_count(first, date)) + 1, int(np.busday_count(date + 1, last + 1))


def payday_flags(date: np.datetime64) -> list[float]:
    """1st, 3rd, 15th (or the next business day when it falls on a weekend) and the last
    business day of the month."""
    day = pd.Timestamp(date)
    flags = []
    for dom in (1, 3, 15):
        anchor = np.datetime64(day.replace(day=dom).date(), "D")
        flags.append(float(np.busday_offset(anchor, 0, roll="forward") == date))
    _, to_end = business_position(date)
    flags.append(float(to_end == 0))
    return flags


def features_for(
    dates: np.ndarray, cleaned: np.ndarray, evening: np.ndarray, target: np.datetime64, lead: int
) -> tuple[list[float], float] | None:
    """Features of ``target`` from the observed days before ``target - lead + 1`` and the
    baseline total [calls] (``None`` without 8 weeks of history)."""
    target = np.datetime64(pd.Timestamp(target).date(), "D")
    cut = target - np.timedelta64(lead - 1, "D")
    known = dates < cut
    if known.sum() < 5 * INDEX_WEEKS:
        return None
    d, y, ev = dates[known], cleaned[known], evening[known]
    weekday = (d.astype(np.int64) + 3) % 7
    recent = d >= d[-1] - np.timedelta64(7 * INDEX_WEEKS - 1, "D")
    overall = y[recent].mean()
    index = np.ones(7)
    for wd in range(7):
        sel = recent & (weekday == wd)
        if sel.any():
            index[wd] = y[sel].mean() / overall
    normalised = y / index[weekday]
    level = normalised[-LEVEL_DAYS:].mean()
    twd = int((target.astype(np.int64) + 3) % 7)
    baseline = level * index[twd]
    lags = list(np.log(normalised[-LAGS:][::-1] / level))
    same = weekday == twd
    last_same = np.log(y[same][-1] / baseline) if same.any() else 0.0
    ev_mean = ev[recent & (weekday == weekday[-1])].mean()
    bday, to_end = business_position(target)
    day = pd.Timestamp(target)
    features = [
        float(twd),
        float(day.day),
        float(bday),
        float(to_end),
        float((day + pd.offsets.MonthEnd(0)).day - day.day),
        *payday_flags(target),
        *lags,
        float(np.log(normalised[-5:].mean() / normalised[-20:].mean())),
        float(np.log(normalised[-10:].mean() / normalised[-40:].mean())),
        float(last_same),
        float(np.log(ev[-1] / ev_mean)),
        float((target - d[-1]).astype(int)),
    ]
    return features, float(baseline)


FEATURE_NAMES = [
    "weekday",
    "day_of_month",
    "business_day",
    "business_days_to_end",
    "days_to_end",
    "payday_1",
    "payday_3",
    "payday_15",
    "payday_last",
    *[f"lag{k}" for k in range(LAGS)],
    "level_5_20",
    "level_10_40",
    "last_same_weekday",
    "evening_dev",
    "gap_days",
]


def gbm_params(leaves: int, min_leaf: int) -> dict:
    return {
        "objective": "regression",
        "learning_rate": 0.05,
        "num_leaves": leaves,
        "min_data_in_leaf": min_leaf,
        "lambda_l2": 1.0,
        "feature_fraction": 0.8,
        "bagging_fraction": 0.8,
        "bagging_freq": 1,
        "num_threads": 1,
        "deterministic": True,
        "seed": SEED,
        "verbose": -1,
    }


def ridge_fit_predict(x: np.ndarray, y: np.ndarray, x_new: np.ndarray, alpha: float) -> np.ndarray:
    """Ridge on standardised features, weekday one-hot, intercept unpenalised."""

    def design(a):
        wd = np.eye(5)[a[:, 0].astype(int).clip(0, 4)]
        return np.column_stack([wd, a[:, 1:]])

    xd, xn = design(x), design(x_new)
    mu, sd = xd.mean(axis=0), xd.std(axis=0)
    sd[sd == 0] = 1.0
    xs, xns = (xd - mu) / sd, (xn - mu) / sd
    xs = np.column_stack([np.ones(len(xs)), xs])
    xns = np.column_stack([np.ones(len(xns)), xns])
    penalty = alpha * np.eye(xs.shape[1])
    penalty[0, 0] = 0.0
    beta = np.linalg.solve(xs.T @ xs + penalty, xs.T @ y)
    return xns @ beta


def day_experiment(args) -> None:
    import lightgbm as lgb

    days, frame = daily_table()
    auto = load_auto(args.auto)
    day_totals = auto.groupby(["horizon_days", "target_date"])[
        ["offered", "offered_forecast"]
    ].sum()
    dates = days.index.to_numpy().astype("datetime64[D]")
    totals = days["total"].to_numpy(dtype=float)
    evening = days["evening"].to_numpy(dtype=float)
    targets = dates[dates >= np.datetime64(args.first)]
    interval = auto.assign(lead=auto["horizon_days"], target=auto["target_date"])
    interval = interval[interval["target"] >= np.datetime64(args.first)]
    rows = []
    began = time.process_time()
    for lead in (1, 7):
        for target in targets:
            cut = target - np.timedelta64(lead - 1, "D")
            hist = dates < cut
            _, effect = closure_effects(dates[hist], totals[hist])
            cleaned_hist = totals[hist] / effect
            train_x, train_y = [], []
            hd, he = dates[hist], evening[hist]
            for i, day in enumerate(hd):
                made = features_for(hd, cleaned_hist, he, day, lead)
                if made is not None:
                    train_x.append(made[0])
                    train_y.append(np.log(cleaned_hist[i] / made[1]))
            made = features_for(hd, cleaned_hist, he, target, lead)
            x, y = np.asarray(train_x), np.asarray(train_y)
            xt = np.asarray([made[0]])
            part = auto[(auto["target_date"] == target) & (auto["horizon_days"] == lead)]
            label = str(part["model"].iloc[0])
            match = re.search(r"after closure \d: x([0-9.]+)", label)
            backlog = float(match.group(1)) if match else 1.0
            preds = {"baseline": 0.0}
            for leaves, min_leaf, rounds in [(4, 10, 50), (4, 10, 150), (8, 5, 100), (2, 15, 100)]:
                booster = lgb.train(
                    gbm_params(leaves, min_leaf),
                    lgb.Dataset(x, y, categorical_feature=[0], free_raw_data=False),
                    num_boost_round=rounds,
                )
                preds[f"gbm_l{leaves}_m{min_leaf}_r{rounds}"] = float(booster.predict(xt)[0])
            for alpha in (1.0, 10.0, 100.0):
                preds[f"ridge_{alpha:g}"] = float(ridge_fit_predict(x, y, xt, alpha)[0])
            # boosting from auto's own day total: the log ratio actual / auto on the days
            # before the origin that have an auto forecast at this lead
            past = day_totals.loc[lead]
            past = past[past.index < cut]
            rx, ry = [], []
            for day, row in past.iterrows():
                feats = features_for(hd, cleaned_hist, he, day, lead)
                if feats is not None:
                    rx.append([*feats[0], np.log(row["offered_forecast"] / feats[1])])
                    ry.append(np.log(row["offered"] / row["offered_forecast"]))
            auto_total = float(part["offered_forecast"].sum())
            rxt = np.asarray([[*made[0], np.log(auto_total / made[1])]])
            rx, ry = np.asarray(rx), np.asarray(ry)
            correction = {}
            for leaves, min_leaf, rounds in [(4, 10, 50), (2, 15, 100)]:
                booster = lgb.train(
                    gbm_params(leaves, min_leaf),
                    lgb.Dataset(rx, ry, categorical_feature=[0]),
                    num_boost_round=rounds,
                )
                correction[f"resid_gbm_l{leaves}_m{min_leaf}_r{rounds}"] = float(
                    booster.predict(rxt)[0]
                )
            for alpha in (10.0, 100.0, 1000.0):
                correction[f"resid_ridge_{alpha:g}"] = float(
                    ridge_fit_predict(rx, ry, rxt, alpha)[0]
                )
            actual_total = float(part["offered"].sum())
            for name, value in preds.items():
                rows.append(
                    {
                        "lead": lead,
                        "target": target,
                        "variant": name,
                        "total": made[1] * np.exp(value) * backlog,
                        "actual": actual_total,
                        "auto_total": auto_total,
                    }
                )
            for name, value in correction.items():
                rows.append(
                    {
                        "lead": lead,
                        "target": target,
                        "variant": name,
                        "total": auto_total * np.exp(value),
                        "actual": actual_total,
                        "auto_total": auto_total,
                    }
                )
    print(f"# fits: {time.process_time() - began:.1f} CPU-s")
    report(pd.DataFrame(rows), interval)


def report(result: pd.DataFrame, interval: pd.DataFrame) -> None:
    """Day-total MAE and WAPE of auto rescaled to each total, per period and lead."""
    period = period_of(result["target"])
    result = result.assign(period=period)
    auto_rows = result.drop_duplicates(["lead", "target"]).assign(
        variant="auto", total=lambda f: f["auto_total"]
    )
    blend = result[
        ~result["variant"].isin(["baseline"]) & ~result["variant"].str.startswith("resid")
    ].assign(
        variant=lambda f: f["variant"] + "+auto",
        total=lambda f: np.sqrt(f["total"] * f["auto_total"]),
    )
    result = pd.concat([auto_rows, result, blend], ignore_index=True)
    scale = (
        result.set_index(["lead", "target", "variant"])["total"]
        / result.set_index(["lead", "target", "variant"])["auto_total"]
    )
    merged = interval[["lead", "target", "offered", "offered_forecast"]]
    out, daily = [], []
    for variant in result["variant"].unique():
        s = scale.xs(variant, level="variant").rename("s").reset_index()
        m = merged.merge(s, on=["lead", "target"])
        m["f"] = m["offered_forecast"] * m["s"]
        m["err"] = (m["f"] - m["offered"]).abs()
        m["period"] = period_of(m["target"])
        daily.append(
            m.groupby(["lead", "target"])
            .agg(err=("err", "sum"), act=("offered", "sum"))
            .reset_index()
            .assign(variant=variant)
        )
        m = with_earlier(m)
        g = m.groupby(["period", "lead"]).agg(err=("err", "sum"), act=("offered", "sum"))
        r = with_earlier(result[result["variant"] == variant])
        mae = (
            ((r["total"] - r["actual"]).abs() / r["actual"])
            .groupby([r["period"], r["lead"]])
            .mean()
        )
        for (p, lead), row in g.iterrows():
            out.append(
                {
                    "variant": variant,
                    "period": p,
                    "lead": lead,
                    "wape": row["err"] / row["act"],
                    "mae": mae[(p, lead)],
                }
            )
    daily = pd.concat(daily, ignore_index=True)
    for variant in daily["variant"].unique():
        if variant == "auto":
            continue
        picked = chosen_by_backtest(daily, variant).assign(period=lambda f: period_of(f["target"]))
        g = with_earlier(picked).groupby(["period", "lead"])[["err", "act"]].sum()
        for (p, lead), row in g.iterrows():
            out.append(
                {
                    "variant": f"auto or {variant} by backtest",
                    "period": p,
                    "lead": lead,
                    "wape": row["err"] / row["act"],
                    "mae": np.nan,
                }
            )
    table = pd.DataFrame(out)
    table = table[table["period"] != "before"].pivot_table(
        index="variant", columns=["period", "lead"], values=["wape", "mae"], dropna=False
    )
    pd.set_option("display.width", 250)
    print(table.sort_values(("wape", "earlier", 1)).round(4).to_string())


def load_auto(paths: list[str]) -> pd.DataFrame:
    """``bench_forecast.py auto --save`` CSVs: ``offered`` actual, ``offered_forecast`` auto's."""
    auto = pd.concat([pd.read_csv(p) for p in paths], ignore_index=True)
    auto = auto.rename(columns={"offered": "offered_forecast"}).rename(
        columns={"offered_actual": "offered"}
    )
    auto["target_date"] = pd.to_datetime(auto["target_date"]).to_numpy().astype("datetime64[D]")
    local = pd.to_datetime(auto["interval_start"], utc=True).dt.tz_convert("America/New_York")
    auto["slot"] = (local.dt.hour * 12 + local.dt.minute // 5).to_numpy()
    return auto.drop_duplicates(["horizon_days", "interval_start"])


def interval_rows(
    auto: pd.DataFrame,
    counts: np.ndarray,
    dates: np.ndarray,
    totals: np.ndarray,
    evening: np.ndarray,
    lead: int,
    day: np.datetime64,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Features, actual counts and auto's forecast of every interval of ``day`` at ``lead``."""
    day = np.datetime64(pd.Timestamp(day).date(), "D")
    part = auto[(auto["target_date"] == day) & (auto["horizon_days"] == lead)].sort_values("slot")
    base = np.maximum(part["offered_forecast"].to_numpy(dtype=float), 0.05)
    cut = day - np.timedelta64(lead - 1, "D")
    k = int(np.searchsorted(dates, cut))
    wd = int((day.astype(np.int64) + 3) % 7)
    weekdays = (dates[:k].astype(np.int64) + 3) % 7
    same = np.flatnonzero(weekdays == wd)[-4:]
    root_recent = np.sqrt(counts[k - 5 : k] + 0.25).mean(axis=0)
    root_same = np.sqrt(counts[same] + 0.25).mean(axis=0)
    slots = part["slot"].to_numpy()
    col = slots - FIRST_SLOT
    made = features_for(dates, totals, evening, day, lead)
    day_features = np.asarray(made[0][1:]) if made is not None else np.zeros(len(FEATURE_NAMES) - 1)
    root_base = np.sqrt(base + 0.25)
    n = len(base)
    x = np.column_stack(
        [
            slots.astype(float),
            np.full(n, float(wd)),
            np.log(base),
            np.log(base / base.mean()),
            root_recent[col] - root_base,
            root_same[col] - root_base,
            np.tile(day_features, (n, 1)),
        ]
    )
    return x, part["offered"].to_numpy(dtype=float), base


def interval_experiment(args) -> None:
    import lightgbm as lgb

    days, frame = daily_table()
    dates = days.index.to_numpy().astype("datetime64[D]")
    totals = days["total"].to_numpy(dtype=float)
    evening = days["evening"].to_numpy(dtype=float)
    pivot = frame.pivot_table(index="date", columns="slot", values="offered", aggfunc="sum")
    counts = pivot.to_numpy(dtype=float)
    assert (
        pivot.columns[0] == FIRST_SLOT and len(pivot.columns) == pivot.columns[-1] - FIRST_SLOT + 1
    )
    auto = load_auto(args.auto)
    have = np.unique(auto["target_date"].to_numpy()).astype("datetime64[D]")
    targets = have[have >= np.datetime64(args.first)]
    cache = {}
    for lead in (1, 7):
        for day in have:
            cache[(lead, day)] = interval_rows(auto, counts, dates, totals, evening, lead, day)
    settings = {
        "poisson_l4_m400_r30": (4, 400, 30),
        "poisson_l4_m400_r100": (4, 400, 100),
        "poisson_l8_m200_r60": (8, 200, 60),
    }
    rows = []
    began = time.process_time()
    for lead in (1, 7):
        for target in targets:
            cut = target - np.timedelta64(lead - 1, "D")
            train = [d for d in have if d < cut and (lead, d) in cache]
            x = np.vstack([cache[(lead, d)][0] for d in train])
            y = np.concatenate([cache[(lead, d)][1] for d in train])
            init = np.log(np.concatenate([cache[(lead, d)][2] for d in train]))
            xt, yt, bt = cache[(lead, target)]
            rows.append(
                {
                    "lead": lead,
                    "target": target,
                    "variant": "auto",
                    "err": np.abs(bt - yt).sum(),
                    "act": yt.sum(),
                }
            )
            for name, (leaves, min_leaf, rounds) in settings.items():
                params = gbm_params(leaves, min_leaf) | {
                    "objective": "poisson",
                    "learning_rate": 0.05,
                }
                data = lgb.Dataset(x, y, init_score=init, categorical_feature=[1])
                booster = lgb.train(params, data, num_boost_round=rounds)
                f = bt * np.exp(booster.predict(xt, raw_score=True))
                rows.append(
                    {
                        "lead": lead,
                        "target": target,
                        "variant": name,
                        "err": np.abs(f - yt).sum(),
                        "act": yt.sum(),
                    }
                )
                shape = f * bt.sum() / f.sum()  # the correction's shape only, auto's day total
                rows.append(
                    {
                        "lead": lead,
                        "target": target,
                        "variant": name + "_shape",
                        "err": np.abs(shape - yt).sum(),
                        "act": yt.sum(),
                    }
                )
            # from scratch: no init score, no feature built from auto's forecast
            keep = [c for c in range(x.shape[1]) if c not in (2, 3)]
            own = np.column_stack([x[:, keep], x[:, 4] + np.sqrt(np.exp(init) + 0.25)])
            own_t = np.column_stack([xt[:, keep], xt[:, 4] + np.sqrt(bt + 0.25)])
            # column 4 was root_recent - root_base; the last column is root_recent itself
            own[:, 2] = own[:, -1]
            own_t[:, 2] = own_t[:, -1]
            own[:, 3] = x[:, 5] + np.sqrt(np.exp(init) + 0.25)
            own_t[:, 3] = xt[:, 5] + np.sqrt(bt + 0.25)
            for leaves, min_leaf, rounds in [(16, 50, 200), (31, 100, 400)]:
                params = gbm_params(leaves, min_leaf) | {
                    "objective": "poisson",
                    "learning_rate": 0.05,
                }
                booster = lgb.train(
                    params,
                    lgb.Dataset(own[:, :-1], y, categorical_feature=[1]),
                    num_boost_round=rounds,
                )
                f = booster.predict(own_t[:, :-1])
                name = f"scratch_poisson_l{leaves}_m{min_leaf}_r{rounds}"
                rows.append(
                    {
                        "lead": lead,
                        "target": target,
                        "variant": name,
                        "err": np.abs(f - yt).sum(),
                        "act": yt.sum(),
                    }
                )
                shape = f * bt.sum() / f.sum()
                rows.append(
                    {
                        "lead": lead,
                        "target": target,
                        "variant": name + "_shape",
                        "err": np.abs(shape - yt).sum(),
                        "act": yt.sum(),
                    }
                )
    print(f"# fits: {time.process_time() - began:.1f} CPU-s, {len(have)} days cached")
    out = pd.DataFrame(rows)
    out["period"] = period_of(out["target"])
    picked = [
        chosen_by_backtest(out, variant).assign(variant=f"auto or {variant} by backtest")
        for variant in out["variant"].unique()
        if variant != "auto" and not variant.endswith("_shape")
    ]
    out = pd.concat([out, *picked], ignore_index=True)
    out["period"] = period_of(out["target"])
    out = with_earlier(out[out["period"] != "before"])
    g = out.groupby(["variant", "period", "lead"])[["err", "act"]].sum()
    print((g["err"] / g["act"]).unstack(["period", "lead"]).round(4).to_string())


def cache_auto(args) -> None:
    """Save `--model auto`'s day- and week-ahead forecast of each observed day in a range,
    each from the history before its forecast start, as ``bench_forecast.py auto --save`` does."""
    from wfm.forecast import forecast_history

    history = load("bank")
    frame = history.frame
    local = frame["interval_start"].dt.tz_localize(None).dt.date
    first, last = dt.date.fromisoformat(args.first), dt.date.fromisoformat(args.last)
    dates = [d for d in sorted(local.unique()) if first <= d <= last]
    began = time.process_time()
    saved = []
    for horizon in (1, 7):
        for target in dates:
            start = target - dt.timedelta(days=horizon - 1)
            result = forecast_history(history, start_date=start, horizon_days=horizon)
            result = result[result["interval_start"].dt.tz_localize(None).dt.date == target]
            merged = frame[local == target][["interval_start", "queue", "offered"]].merge(
                result, on=["interval_start", "queue"], suffixes=("_actual", "")
            )
            saved.append(merged.assign(horizon_days=horizon, target_date=target))
    pd.concat(saved, ignore_index=True).to_csv(args.out, index=False)
    print(f"# {len(dates)} days {dates[0]} .. {dates[-1]}, {time.process_time() - began:.1f} CPU-s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    day = sub.add_parser("day")
    day.add_argument("auto", nargs="+", help="CSVs of bench_forecast.py auto --save")
    day.add_argument(
        "--first",
        default="2003-07-03",
        help="first day forecast (the days before 2003-07-31 only feed the simulated choice)",
    )
    cache = sub.add_parser("cache")
    cache.add_argument("--first", default="2003-06-04")
    cache.add_argument("--last", default="2003-10-24")
    cache.add_argument("--out", required=True)
    inter = sub.add_parser("interval")
    inter.add_argument("auto", nargs="+", help="CSVs of bench_forecast.py auto --save")
    inter.add_argument("--first", default="2003-07-03", help="first day forecast")
    args = parser.parse_args()
    if args.command == "cache":
        cache_auto(args)
    elif args.command == "day":
        day_experiment(args)
    else:
        interval_experiment(args)


if __name__ == "__main__":
    main()
