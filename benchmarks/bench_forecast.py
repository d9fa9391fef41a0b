"""Benchmark: forecast accuracy (rolling origin) and forecasting speed.

Accuracy: every model, and ``auto`` (the model `wfm forecast --model auto` would choose at
each origin from the history before it), forecasts each of the last ORIGINS days of a
history 1 and 7 days ahead; WAPE, MAPE (non-zero intervals), MASE and bias are pooled over
the days. Speed: a backtest leaderboard of one queue with one year of 15-minute history
(5 models × 8 origins, day-ahead), and a 7-day ``auto`` forecast of 20 such queues.

    python benchmarks/bench_forecast.py accuracy --data bank --origins 20
    python benchmarks/bench_forecast.py accuracy --data sample --origins 20
    python benchmarks/bench_forecast.py coverage --data bank --origins 20
    python benchmarks/bench_forecast.py speed --repeats 3
    python benchmarks/bench_forecast.py auto --data bank --origins 20
    python benchmarks/bench_forecast.py auto --data sample --origins 20 --horizons 1
    python benchmarks/bench_forecast.py auto --data bank --origins 20 --save auto.csv --country US
    python benchmarks/bench_forecast.py intraday --data bank --origins 20 --as-of 10:00
    python benchmarks/bench_forecast.py intraday --data sample --as-of 10:00,12:00,14:00
    python benchmarks/bench_forecast.py oracle --origins 20

``auto``: WAPE and P10-P90 coverage of `--model auto` alone (day- and week-ahead) and
the models it chose, without the backtest of every model (``--save``: the per-interval
forecasts as CSV; ``--country``: with that country's holiday calendar). ``intraday``:
rest-of-day WAPE of the day-ahead `auto` forecast updated at a time of day (``forecast_history(as_of=...)``)
against no update and against scaling by the raw morning ratio. ``oracle``: WAPE of the
sample centre's true expected demand (the generator's mean before noise) over the same
days, the best a forecaster can expect there, and the P10-P90 coverage of Poisson bands
around it (integer quantiles and wfm's mid-quantiles).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

from wfm.data.history import read_history
from wfm.data.schemas import History
from wfm.forecast import MODELS, backtest_history, forecast_history, leaderboard
from wfm.forecast.backtest import DEFAULT_MODELS
from wfm.forecast.holiday_effects import HolidayCalendar

REPO = Path(__file__).resolve().parents[1]
BANK_CSV = Path(os.environ.get("WFM_BANK_CSV", "/work/shared/data/us_bank_calls_5min_2003.csv"))
SAMPLE_CSV = REPO / "data" / "sample" / "history.csv"


def load(name: str) -> History:
    if name == "bank":
        return read_history(
            BANK_CSV,
            column_map={"datetime": "interval_start", "calls": "offered"},
            timezone="America/New_York",
            default_queue="bank",
        )
    return read_history(SAMPLE_CSV, timezone="Europe/London", interval_minutes=15)


def auto_detail(
    history: History, targets: list[dt.date], horizons: tuple[int, ...]
) -> pd.DataFrame:
    """Per-interval actuals and the forecasts `--model auto` makes from the history before each cut-off."""
    frame = history.frame
    local = frame["interval_start"].dt.tz_localize(None).dt.date
    pieces = []
    for target in targets:
        for horizon in horizons:
            start = target - dt.timedelta(days=horizon - 1)
            result = forecast_history(history, start_date=start, horizon_days=horizon, model="auto")
            result = result[result["interval_start"].dt.tz_localize(None).dt.date == target]
            actual = frame.loc[local == target, ["interval_start", "queue", "offered"]]
            merged = actual.merge(
                result[["interval_start", "queue", "offered", "model"]],
                on=["interval_start", "queue"],
                suffixes=("", "_forecast"),
            )
            pieces.append(
                pd.DataFrame(
                    {
                        "queue": merged["queue"],
                        "model": "auto",
                        "horizon_days": horizon,
                        "target_date": target,
                        "interval_start": merged["interval_start"],
                        "actual": merged["offered"],
                        "forecast": merged["offered_forecast"],
                        "scale": np.nan,
                        "chosen": merged["model"],
                    }
                )
            )
    return pd.concat(pieces, ignore_index=True)


def accuracy(args) -> None:
    history = load(args.data)
    models = [name for name in MODELS if name not in args.skip.split(",")]
    began = time.perf_counter()
    result = backtest_history(
        history, models=models, horizons_days=(1, 7), origins=args.origins, workers=2
    )
    seconds = time.perf_counter() - began
    detail = result.detail
    targets = sorted(detail["target_date"].unique())
    auto = auto_detail(history, targets, (1, 7))
    scale = detail.groupby(["queue", "horizon_days", "target_date"])["scale"].first()
    auto["scale"] = scale.reindex(
        pd.MultiIndex.from_frame(auto[["queue", "horizon_days", "target_date"]])
    ).to_numpy()
    board = leaderboard(pd.concat([detail, auto.drop(columns="chosen")], ignore_index=True))
    print(
        f"# {args.data}: {history.frame['queue'].nunique()} queue(s), {len(targets)} target days {targets[0]} .. {targets[-1]}, "
        f"backtest of {len(models)} models in {seconds:.0f} s"
    )
    chosen = auto.groupby(["queue", "horizon_days"])["chosen"].agg(
        lambda s: ", ".join(f"{k} {v}" for k, v in s.value_counts().items())
    )
    print("auto chose (intervals):", chosen.to_dict())
    table = board.pivot_table(
        index=["queue", "model"], columns="horizon_days", values=["wape", "mape", "mase", "bias"]
    )
    print("| queue | model | WAPE 1 d | WAPE 7 d | MAPE 1 d | MASE 1 d | bias 1 d |")
    print("|---|---|---|---|---|---|---|")
    for (queue, model), row in table.sort_values(("wape", 1)).iterrows():
        print(
            f"| {queue} | {model} | {row[('wape', 1)]:.3f} | {row[('wape', 7)]:.3f} | {row[('mape', 1)]:.3f} | "
            f"{row[('mase', 1)]:.2f} | {row[('bias', 1)]:+.3f} |"
        )


def synthetic_year(queues: int) -> History:
    """``queues`` queues, one year of 15-minute intervals, 7 days 08:00-20:00, Poisson counts."""
    rng = np.random.default_rng(0)
    grid = pd.date_range(
        "2024-01-01", "2025-01-01", freq="15min", tz="Europe/London", inclusive="left"
    )
    local = grid.tz_localize(None)
    hours = local.hour + local.minute / 60
    grid = grid[(hours >= 8) & (hours < 20)]
    hours = hours[(hours >= 8) & (hours < 20)]
    weekday = grid.day_of_week.to_numpy()
    shape = 0.4 + np.exp(-(((hours - 11) / 2) ** 2)) + 0.6 * np.exp(-(((hours - 15) / 2.5) ** 2))
    weekly = np.array([1.25, 1.05, 1.0, 0.95, 0.9, 0.5, 0.35])[weekday]
    frames = []
    for queue in range(queues):
        mean = (20 + 10 * queue) * shape * weekly
        frames.append(
            pd.DataFrame(
                {
                    "interval_start": grid,
                    "queue": f"q{queue:02d}",
                    "offered": rng.poisson(mean).astype(float),
                    "aht_seconds": 300.0,
                }
            )
        )
    return History(pd.concat(frames, ignore_index=True), 15, "Europe/London", "synthetic")


def speed(args) -> None:
    one = synthetic_year(1)
    many = synthetic_year(20)
    backtests, forecasts, cpu = [], [], []
    for _ in range(args.repeats):
        began = time.perf_counter()
        backtest_history(one, models=DEFAULT_MODELS, horizons_days=(1,), origins=8)
        backtests.append(time.perf_counter() - began)
        began = time.perf_counter()
        forecast_history(many, horizon_days=7, model="auto", workers=2)
        forecasts.append(time.perf_counter() - began)
        began, cpu_before = time.perf_counter(), time.process_time()
        forecast_history(many, horizon_days=7, model="auto", workers=1)
        cpu.append(time.process_time() - cpu_before)
    load = os.getloadavg()
    print(
        f"load average at the end: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} on {os.cpu_count()} CPUs"
    )
    print("| what | median | runs |")
    print("|---|---|---|")
    print(
        f"| backtest leaderboard, 1 queue × 1 year of 15-min ({len(one.frame):,} rows), {len(DEFAULT_MODELS)} models × 8 origins, day-ahead | "
        f"{statistics.median(backtests):.1f} s | {', '.join(f'{t:.1f}' for t in backtests)} |"
    )
    print(
        f"| `forecast_history` auto, 7 days, 20 queues × 1 year of 15-min ({len(many.frame):,} rows), 2 workers | "
        f"{statistics.median(forecasts):.1f} s | {', '.join(f'{t:.1f}' for t in forecasts)} |"
    )
    print(
        f"| the same in one process: its CPU time (≈ twice the wall time on two free cores) | "
        f"{statistics.median(cpu):.1f} CPU-s | {', '.join(f'{t:.1f}' for t in cpu)} |"
    )


def coverage(args) -> None:
    """Share of actuals inside the P10-P90 band of `--model auto` forecasts, per horizon."""
    history = load(args.data)
    frame = history.frame
    local = frame["interval_start"].dt.tz_localize(None).dt.date
    dates = sorted(local.unique())[-args.origins :]
    for horizon in (1, 7):
        inside = []
        for target in dates:
            result = forecast_history(
                history,
                start_date=target - dt.timedelta(days=horizon - 1),
                horizon_days=horizon,
                model="auto",
            )
            result = result[result["interval_start"].dt.tz_localize(None).dt.date == target]
            merged = frame[local == target][["interval_start", "queue", "offered"]].merge(
                result, on=["interval_start", "queue"], suffixes=("_actual", "")
            )
            inside.append(
                (
                    (merged["offered_actual"] >= merged["offered_p10"])
                    & (merged["offered_actual"] <= merged["offered_p90"])
                ).to_numpy()
            )
        print(
            f"{args.data}, {horizon} day(s) ahead, {len(dates)} days: P10-P90 coverage {np.concatenate(inside).mean():.3f}"
        )


def auto_only(args) -> None:
    """WAPE, P10-P90 coverage and choices of `--model auto`, day- and week-ahead."""
    history = load(args.data)
    frame = history.frame
    local = frame["interval_start"].dt.tz_convert(history.timezone).dt.tz_localize(None).dt.date
    dates = sorted(local.unique())[-args.origins :]
    began, cpu = time.perf_counter(), time.process_time()
    saved = []
    for horizon in (int(h) for h in args.horizons.split(",")):
        actual, forecast, inside, chosen = [], [], [], []
        for target in dates:
            start = target - dt.timedelta(days=horizon - 1)
            calendar = (
                HolidayCalendar.from_country(args.country, range(2000, start.year + 2))
                if args.country
                else None
            )
            result = forecast_history(
                history, start_date=start, horizon_days=horizon, holidays=calendar
            )
            result = result[result["interval_start"].dt.tz_localize(None).dt.date == target]
            merged = frame[local == target][["interval_start", "queue", "offered"]].merge(
                result, on=["interval_start", "queue"], suffixes=("_actual", "")
            )
            actual.append(merged["offered_actual"].to_numpy())
            forecast.append(merged["offered"].to_numpy())
            inside.append(
                (
                    (merged["offered_actual"] >= merged["offered_p10"])
                    & (merged["offered_actual"] <= merged["offered_p90"])
                ).to_numpy()
            )
            chosen += list(merged.groupby("queue")["model"].first())
            if args.save:
                saved.append(merged.assign(horizon_days=horizon, target_date=target))
        a, f = np.concatenate(actual), np.concatenate(forecast)
        print(
            f"{args.data}, auto, {horizon} day(s) ahead, {len(dates)} days {dates[0]} .. {dates[-1]}: "
            f"WAPE {np.abs(a - f).sum() / a.sum():.4f}, P10-P90 coverage {np.concatenate(inside).mean():.3f}, "
            f"chose {pd.Series(chosen).value_counts().to_dict()} ({time.perf_counter() - began:.0f} s)"
        )
    if args.save:
        pd.concat(saved, ignore_index=True).to_csv(args.save, index=False)
    print(f"CPU time of the forecasts: {time.process_time() - cpu:.1f} s")
    load_average = os.getloadavg()
    print(
        f"load average at the end: {load_average[0]:.1f} {load_average[1]:.1f} {load_average[2]:.1f}"
    )


def intraday(args) -> None:
    """Rest-of-day WAPE after an update at each ``--as-of`` (local clock) vs none vs raw ratio.

    The day-ahead forecast without update is made once a day; each update time runs
    ``forecast_history(as_of=...)`` (its own model choice and prior, as ``wfm forecast
    --as-of`` would).
    """
    history = load(args.data)
    frame = history.frame
    starts = frame["interval_start"].dt.tz_convert(history.timezone)
    local = starts.dt.tz_localize(None)
    dates = sorted(local.dt.date.unique())[-args.origins :]
    clocks = [dt.time.fromisoformat(text.strip()) for text in args.as_of.split(",")]
    length = pd.Timedelta(minutes=history.interval_minutes)
    names = ("no update", "raw morning ratio", "shrunk update")
    errors = {(clock, name): 0.0 for clock in clocks for name in names}
    totals = dict.fromkeys(clocks, 0.0)
    began = time.process_time()
    for target in dates:
        plain_result = forecast_history(history, start_date=target, horizon_days=1)
        today = local.dt.date == target
        for clock in clocks:
            as_of = pd.Timestamp(dt.datetime.combine(target, clock)).tz_localize(history.timezone)
            result = forecast_history(history, as_of=as_of, horizon_days=1)
            merged = (
                frame[today][["interval_start", "queue", "offered"]]
                .assign(interval_start=starts[today])
                .merge(result, on=["interval_start", "queue"], suffixes=("_actual", ""))
                .merge(
                    plain_result[["interval_start", "queue", "offered"]].rename(
                        columns={"offered": "offered_plain"}
                    ),
                    on=["interval_start", "queue"],
                )
            )
            rest = (merged["interval_start"] >= as_of).to_numpy()
            morning = (merged["interval_start"] + length <= as_of).to_numpy()
            updated = merged["offered"].to_numpy()
            plain = merged["offered_plain"].to_numpy()
            actual = merged["offered_actual"].to_numpy()
            for queue in merged["queue"].unique():
                mine = (merged["queue"] == queue).to_numpy()
                ratio = actual[mine & morning].sum() / max(plain[mine & morning].sum(), 1e-9)
                keep = mine & rest
                errors[clock, "no update"] += np.abs(actual[keep] - plain[keep]).sum()
                errors[clock, "raw morning ratio"] += np.abs(
                    actual[keep] - ratio * plain[keep]
                ).sum()
                errors[clock, "shrunk update"] += np.abs(actual[keep] - updated[keep]).sum()
                totals[clock] += actual[keep].sum()
    print(f"{args.data}: rest-of-day WAPE, {len(dates)} days {dates[0]} .. {dates[-1]}")
    print("| update | " + " | ".join(f"from {clock:%H:%M}" for clock in clocks) + " |")
    for name in names:
        row = " | ".join(f"{errors[clock, name] / totals[clock]:.4f}" for clock in clocks)
        print(f"| {name} | {row} |")
    load_average = os.getloadavg()
    print(
        f"{time.process_time() - began:.1f} CPU-s; load average at the end: "
        f"{load_average[0]:.1f} {load_average[1]:.1f} {load_average[2]:.1f}"
    )


def oracle(args) -> None:
    """WAPE of the sample centre's true expected demand (no forecaster can expect to beat it)."""
    from wfm.config import load_centre
    from wfm.data.synthetic.demand import expected_demand

    centre = load_centre(REPO / "data" / "sample" / "centre.toml")
    history = load("sample")
    frame = history.frame.assign(
        interval_start=history.frame["interval_start"].dt.tz_convert(centre.timezone)
    )
    local = frame["interval_start"].dt.tz_localize(None).dt.date
    dates = sorted(local.unique())[-args.origins :]
    truth = expected_demand(centre, dates[0], (dates[-1] - dates[0]).days + 1)
    merged = frame[local.isin(dates)].merge(
        truth[["interval_start", "queue", "offered"]],
        on=["interval_start", "queue"],
        suffixes=("", "_expected"),
    )
    error = (merged["offered"] - merged["offered_expected"]).abs()
    print(
        f"sample, true expected demand as the forecast, {len(dates)} days {dates[0]} .. "
        f"{dates[-1]}: WAPE {error.sum() / merged['offered'].sum():.4f} ({len(merged)} intervals)"
    )
    # Poisson P10-P90 bands around the true mean: integer quantiles against the mid-quantiles
    # wfm uses (docs/benchmarks.md "Bands of small counts: mid-quantiles").
    from wfm.forecast.quantiles import _poisson_ppf, poisson_gamma_quantile

    actual, mean = merged["offered"].to_numpy(float), merged["offered_expected"].to_numpy(float)
    positive = mean > 0

    def integer_quantile(q: float) -> np.ndarray:
        result = np.zeros_like(mean)
        result[positive] = _poisson_ppf(q, mean[positive])
        return result

    for name, low, high in (
        ("integer", integer_quantile(0.1), integer_quantile(0.9)),
        ("mid", poisson_gamma_quantile(mean, 0.0, 0.1), poisson_gamma_quantile(mean, 0.0, 0.9)),
    ):
        print(
            f"  Poisson P10-P90 band of the true mean, {name} quantiles: coverage "
            f"{((actual >= low) & (actual <= high)).mean():.3f}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    commands = parser.add_subparsers(dest="command", required=True)
    acc = commands.add_parser("accuracy")
    acc.add_argument("--data", choices=("bank", "sample"), default="bank")
    acc.add_argument("--origins", type=int, default=20)
    acc.add_argument("--skip", default="", help="comma-separated models to leave out")
    acc.set_defaults(run=accuracy)
    cov = commands.add_parser("coverage")
    cov.add_argument("--data", choices=("bank", "sample"), default="bank")
    cov.add_argument("--origins", type=int, default=20)
    cov.set_defaults(run=coverage)
    spd = commands.add_parser("speed")
    spd.add_argument("--repeats", type=int, default=3)
    spd.set_defaults(run=speed)
    aut = commands.add_parser("auto")
    aut.add_argument("--data", choices=("bank", "sample"), default="bank")
    aut.add_argument("--origins", type=int, default=20)
    aut.add_argument("--horizons", default="1,7", help="comma-separated leads [days], e.g. 1")
    aut.add_argument("--country", default="", help="holiday calendar of a country, e.g. US")
    aut.add_argument("--save", default="", help="CSV file for the per-interval forecasts")
    aut.set_defaults(run=auto_only)
    day = commands.add_parser("intraday")
    day.add_argument("--data", choices=("bank", "sample"), default="bank")
    day.add_argument("--origins", type=int, default=20)
    day.add_argument(
        "--as-of", default="10:00", help="local clock times of the update, HH:MM[,HH:MM...]"
    )
    day.set_defaults(run=intraday)
    best = commands.add_parser("oracle")
    best.add_argument("--origins", type=int, default=20)
    best.set_defaults(run=oracle)
    args = parser.parse_args()
    args.run(args)
    sys.stdout.flush()


if __name__ == "__main__":
    main()
