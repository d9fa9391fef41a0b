"""Offline harness: `auto`'s day- and week-ahead choice simulated on many target days.

Issue 18's protocol decides every setting on the 40 bank weekdays before the benchmark's
20 test days. Running ``bench_forecast.py auto`` on 60 days for each variant costs
minutes of CPU; this harness fits every candidate once per cut-off date (the fits of
:func:`~wfm.forecast.backtest.backtest_origins`, cached on disk), then runs the real
:func:`~wfm.forecast.selection.select_model` on each forecast's history with the
backtest looked up in the cache, and forecasts each target with the chosen model from
the cached fit at its own cut-off, times the engine's backlog after a closure.

    python benchmarks/bench_auto_offline.py cache --out /tmp/auto_cache.pkl
    python benchmarks/bench_auto_offline.py score /tmp/auto_cache.pkl
    python benchmarks/bench_auto_offline.py score /tmp/auto_cache.pkl --no-after-closure

The choice's screening of Holt-Winters of daily totals is simulated with full fits at
each cut (the engine re-uses the smoothing constants of the oldest screened cut), so a
figure can differ from the bench's where that model is chosen.
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

from bench_forecast import load  # noqa: E402

import wfm.forecast.selection as selection  # noqa: E402
from wfm.forecast.after_closure import NO_STATED_CLOSURES  # noqa: E402
from wfm.forecast.backtest import _delivered, backtest_origins, origin_dates  # noqa: E402
from wfm.forecast.slots import wall_clock  # noqa: E402

#: The single models `auto` compares, each fitted once per cut-off.
SINGLES = selection.AUTO_CANDIDATES
MAX_LEAD = 7
#: Origins of the choice the cache holds fits for (at most).
ORIGINS = 20


def bank_series() -> pd.Series:
    history = load("bank")
    frame = history.frame
    index = pd.DatetimeIndex(frame["interval_start"]).tz_convert(history.timezone)
    return pd.Series(frame["offered"].to_numpy(dtype=float), index=index, name="bank")


def targets_of(y: pd.Series, days: int) -> np.ndarray:
    dates, _ = wall_clock(y.index)
    daily = pd.Series(y.to_numpy()).groupby(dates).sum()
    return daily.index[daily.to_numpy() > 0].to_numpy().astype("datetime64[D]")[-days:]


def needed_cuts(y: pd.Series, targets: np.ndarray, horizons: tuple[int, ...]) -> list:
    dates, _ = wall_clock(y.index)
    cuts = set()
    for target in targets:
        for h in horizons:
            start = target - np.timedelta64(h - 1, "D")
            cuts.add(start)
            cuts.update(origin_dates(y[dates < start], ORIGINS, min(h, 7)))
    return sorted(cuts)


def variant(key: str) -> tuple[str, dict]:
    """``"factor@level_damping=0.9,fit_weeks=20"`` -> ``("factor", {...})``."""
    name, _, rest = key.partition("@")
    params = {}
    for item in filter(None, rest.split(",")):
        field, _, value = item.partition("=")
        params[field] = float(value) if "." in value else int(value)
    return name, params


def cache(args) -> None:
    y = bank_series()
    models = tuple(args.models.split(";")) if args.models else SINGLES
    targets = targets_of(y, args.days)
    cuts = needed_cuts(y, targets, (1, 7))
    dates, _ = wall_clock(y.index)
    store = {"rows": {}, "backlog": {}}
    if Path(args.out).exists():
        store = pickle.loads(Path(args.out).read_bytes())
    began = time.process_time()
    for number, cut in enumerate(cuts):
        for key in models:
            if (cut, key) in store["rows"]:
                continue
            name, params = variant(key)
            detail = backtest_origins(
                y,
                5,
                models=[name],
                cuts=[cut],
                max_lead_days=MAX_LEAD,
                closures=None,
                reuse={name: params} if params else None,
            )
            store["rows"][(cut, key)] = detail.reset_index(drop=True)
        if cut not in store["backlog"]:
            train = y[dates < cut]
            window = (dates >= cut) & (dates < cut + np.timedelta64(MAX_LEAD, "D"))
            factor = _delivered(
                train, y.index[window], cut, MAX_LEAD, NO_STATED_CLOSURES, None, {}, "bank"
            )
            store["backlog"][cut] = pd.Series(
                np.broadcast_to(factor, window.sum()), index=y.index[window]
            )
        print(f"{number + 1}/{len(cuts)} {cut}", file=sys.stderr, flush=True)
    Path(args.out).write_bytes(pickle.dumps(store))
    print(f"{len(cuts)} cuts, {time.process_time() - began:.1f} CPU-s", file=sys.stderr)


SUBSTITUTE: dict[str, str] = {}
#: Leads the choice scores at least (a day-ahead forecast scored at leads 1..N).
MIN_SCORED_LEAD = 1


def cached_backtest(store, with_backlog: bool):
    def backtest(y, interval_minutes, *, models, cuts, max_lead_days, reuse=None, closures=None):
        last = y.index.max()
        pieces = []
        for cut in np.sort(np.asarray(cuts, dtype="datetime64[D]")):
            for name in models:
                part = store["rows"].get((cut, SUBSTITUTE.get(name, name)))
                if part is None:
                    continue
                part = part[
                    (part["horizon_days"] <= max_lead_days) & (part["interval_start"] <= last)
                ]
                if with_backlog and closures is not None:
                    factor = store["backlog"][cut].reindex(part["interval_start"]).to_numpy()
                    part = part.assign(forecast=part["forecast"].to_numpy() * factor)
                pieces.append(part)
        return (
            pd.concat(pieces, ignore_index=True)
            if pieces
            else selection.backtest_origins(
                y.iloc[:0], interval_minutes, models=models, cuts=[], max_lead_days=max_lead_days
            )
        )

    return backtest


def forecast_of(store, selection_result, label: str, cut, target) -> pd.DataFrame:
    if label in selection.AUTO_COMBINATIONS:
        registry, members = selection.AUTO_COMBINATIONS[label]
        params = selection_result.params.get(label, {})
        weights = params.get("weights") or [1.0 / len(members)] * len(members)
    else:
        members, weights = (label,), (1.0,)
    total = None
    for name, weight in zip(members, weights, strict=True):
        part = store["rows"][(cut, SUBSTITUTE.get(name, name))]
        part = part[part["target_date"] == pd.Timestamp(target).date()]
        values = weight * part["forecast"].to_numpy()
        if total is None:
            total, base = values, part
        else:
            total = total + values
    return base.assign(forecast=total)


def simulate(store, y, targets, horizons, with_backlog=True, scored_backlog=True) -> pd.DataFrame:
    dates, _ = wall_clock(y.index)
    selection.backtest_origins = cached_backtest(store, with_backlog and scored_backlog)
    rows = []
    for target in targets:
        for h in horizons:
            start = target - np.timedelta64(h - 1, "D")
            history = y[dates < start]
            chosen = selection.select_model(
                history,
                5,
                horizon_days=max(h, MIN_SCORED_LEAD),
                origins=selection.SELECTION_ORIGINS,
            )
            label = chosen.model_for_lead(h)
            part = forecast_of(store, chosen, label, start, target)
            if with_backlog:
                part = part.assign(
                    forecast=part["forecast"].to_numpy()
                    * store["backlog"][start].reindex(part["interval_start"]).to_numpy()
                )
            rows.append(part.assign(horizon_days=h, chosen=label))
    selection.backtest_origins = backtest_origins
    return pd.concat(rows, ignore_index=True)


def wape(frame: pd.DataFrame) -> float:
    return float(np.abs(frame["forecast"] - frame["actual"]).sum() / frame["actual"].sum())


def report(result: pd.DataFrame, targets: np.ndarray, test_days: int) -> None:
    test = set(pd.DatetimeIndex(targets[-test_days:]).date)
    for h, part in result.groupby("horizon_days"):
        late = part["target_date"].isin(test)
        chosen = part[late].drop_duplicates("target_date")["chosen"].value_counts()
        print(
            f"lead {h}: earlier {wape(part[~late]):.4f} ({part[~late]['target_date'].nunique()} days)"
            f"  test {wape(part[late]):.4f} ({part[late]['target_date'].nunique()} days)"
            f"  test choices: {dict(chosen)}"
        )


def score(args) -> None:
    store = pickle.loads(Path(args.cache).read_bytes())
    for path in filter(None, args.extra.split(";")):
        store["rows"].update(pickle.loads(Path(path).read_bytes())["rows"])
    y = bank_series()
    targets = targets_of(y, args.days)
    began = time.process_time()
    if args.bands:
        selection.LEAD_BANDS = tuple(
            tuple(int(x) for x in band.split("-")) for band in args.bands.split(",")
        )
    selection.SELECTION_ORIGINS = args.origins
    global MIN_SCORED_LEAD
    MIN_SCORED_LEAD = args.min_lead
    for item in filter(None, args.use.split(";")):
        SUBSTITUTE[variant(item)[0]] = item
    result = simulate(
        store,
        y,
        targets,
        (1, 7),
        with_backlog=not args.no_after_closure,
        scored_backlog=not args.unscored_after_closure,
    )
    report(result, targets, args.test)
    if args.save:
        result.to_pickle(args.save)
    print(f"{time.process_time() - began:.1f} CPU-s", file=sys.stderr)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    make = sub.add_parser("cache")
    make.add_argument("--out", required=True)
    make.add_argument("--days", type=int, default=60)
    make.add_argument("--models", default="", help="comma-separated; default every candidate")
    run = sub.add_parser("score")
    run.add_argument("cache")
    run.add_argument("--days", type=int, default=60)
    run.add_argument("--test", type=int, default=20)
    run.add_argument("--no-after-closure", action="store_true")
    run.add_argument(
        "--unscored-after-closure",
        action="store_true",
        help="the delivered forecast has the step, the choice's backtest not (main before daylevel)",
    )
    run.add_argument("--save", default="")
    run.add_argument("--min-lead", type=int, default=1, help="leads the choice scores at least")
    run.add_argument("--extra", default="", help="more caches of variants, ';'-separated")
    run.add_argument("--origins", type=int, default=selection.SELECTION_ORIGINS)
    run.add_argument("--bands", default="", help="lead bands, e.g. 1-1,2-4,5-7")
    run.add_argument(
        "--use", default="", help="cached variants in place of their models, ';'-separated"
    )
    args = parser.parse_args()
    {"cache": cache, "score": score}[args.command](args)


if __name__ == "__main__":
    main()
