"""Benchmark: variants of the rest-of-day update, scored offline on cached forecasts.

``cache`` runs ``forecast_history(as_of=...)`` (``auto``, day-ahead) for each of the last
``--days`` days of a history and keeps, per day and queue, what the update sees: the
forecast before the update, the backtest rows its prior is learnt from
(:func:`wfm.forecast.update_priors.prior_from_selection`) and the day's arrivals. ``score``
then re-runs the update at several clock times with variants of the prior and the filter
(a general k-state filter that reduces to :func:`wfm.forecast.intraday_update.filter_day`
and is checked against it first) and prints the rest-of-day WAPE per period:

    python benchmarks/bench_update_variants.py cache --data bank --days 60 --out /tmp/bank60.pkl
    python benchmarks/bench_update_variants.py score /tmp/bank60.pkl --test 20
    python benchmarks/bench_update_variants.py cache --data sample --days 20 --out /tmp/s20.pkl
    python benchmarks/bench_update_variants.py score /tmp/s20.pkl --test 20

``wfm`` (argmin over the grid, every hour) reproduces ``bench_forecast.py intraday``.
Variants: the prior learnt at the update's clock time only (alone, or plus the every-hour
error), priors averaged with weights ``exp(-(E - E_min) / (tau E_min))`` over the grid
(E: past days' rest-of-day error), the square-root scale of Weinberg et al. (2007),
innovations clipped at 2.5 standard deviations (bursts), a second, short fading deviation,
a prior mean of the day level from the backtest's bias, and the *true* rest-of-day total
spread by the forecast's profile (an oracle, not usable).
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import pickle
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_forecast  # noqa: E402

import wfm.forecast.engine as engine  # noqa: E402
from wfm.forecast.intraday_update import (  # noqa: E402
    LEVEL_SD_GRID,
    RECENT_MINUTES_GRID,
    RECENT_SD_GRID,
    _past_days,
    filter_day,
)

CLOCKS = (dt.time(10), dt.time(12), dt.time(14))
#: Columns: level sd, recent sd, recent minutes, short sd, short minutes.
BASE = np.array(
    [(*p, 0.0, 60.0) for p in itertools.product(LEVEL_SD_GRID, RECENT_SD_GRID, RECENT_MINUTES_GRID)]
)
TWO = np.array(
    list(
        itertools.product(
            (0.0, 0.01, 0.02, 0.03, 0.05, 0.08, 0.12),
            (0.0, 0.03, 0.05, 0.08, 0.12),
            (240.0, 480.0, 960.0),
            (0.0, 0.05, 0.1, 0.2),
            (15.0, 30.0, 60.0),
        )
    )
)


def cache(args) -> None:
    history = bench_forecast.load(args.data)
    frame = history.frame
    starts = frame["interval_start"].dt.tz_convert(history.timezone)
    local = starts.dt.tz_localize(None).dt.date
    dates = sorted(local.unique())[-args.days :]
    seen: dict = {}
    prior, update = engine.prior_from_selection, engine.update_rest_of_day_state

    def keep_selection(selection):
        seen["selection"].append(selection)
        return prior(selection)

    def keep_forecast(offered, grid, morning, as_of, minutes, parameters):
        seen["forecast"].append((np.array(offered), grid))
        return update(offered, grid, morning, as_of, minutes, parameters)

    engine.prior_from_selection, engine.update_rest_of_day_state = keep_selection, keep_forecast
    days = {}
    began = time.process_time()
    for target in dates:
        seen.update(selection=[], forecast=[])
        as_of = pd.Timestamp(dt.datetime.combine(target, dt.time(10))).tz_localize(history.timezone)
        engine.forecast_history(history, as_of=as_of, horizon_days=1, workers=1)
        today = frame[local == target].assign(interval_start=starts[local == target])
        queues = []
        for selection, (offered, grid) in zip(seen["selection"], seen["forecast"], strict=True):
            rows = selection.detail
            rows = rows[
                (rows["model"] == selection.model_for_lead(1)) & (rows["horizon_days"] == 1)
            ]
            queue = str(rows["queue"].iloc[0])
            actual = today[today["queue"] == queue].set_index("interval_start")["offered"]
            mine = grid.tz_localize(None).normalize() == pd.Timestamp(target)
            queues.append(
                (grid[mine], offered[mine], actual.reindex(grid[mine]).to_numpy(float), rows)
            )
        days[target] = queues
    print(f"cached {len(dates)} days in {time.process_time() - began:.0f} CPU-s")
    Path(args.out).write_bytes(pickle.dumps(days))


def kalman(seen, forecast, minutes, grid, root=False, clip=None):
    """Posterior means (T, P, 3) of day level, fading and short fading deviation."""
    count = len(grid)
    level, recent, recent_min, short, short_min = grid.T
    x = np.zeros((count, 3))
    cov = np.zeros((count, 3, 3))
    noise = np.stack([np.zeros(count), recent**2, short**2], 1)
    cov[:, 0, 0], cov[:, 1, 1], cov[:, 2, 2] = level**2, recent**2, short**2
    out = np.zeros((len(forecast), count, 3))
    diagonal = np.arange(3)
    for t in range(len(forecast)):
        if t:
            step = minutes[t] - minutes[t - 1]
            decay = np.stack(
                [np.ones(count), np.exp(-step / recent_min), np.exp(-step / short_min)], 1
            )
            x = decay * x
            cov = cov * decay[:, :, None] * decay[:, None, :]
            cov[:, diagonal, diagonal] += noise * (1 - decay**2)
        if np.isfinite(seen[t]) and forecast[t] > 0:
            loading = np.ones(3)
            if root:
                error, variance, loading = (
                    np.sqrt(seen[t] + 0.25) / np.sqrt(forecast[t]) - 1,
                    0.25 / forecast[t],
                    loading / 2,
                )
            else:
                error, variance = seen[t] / forecast[t] - 1, 1 / forecast[t]
            spread = cov @ loading
            total = spread @ loading + variance
            innovation = error - x @ loading
            if clip is not None:
                innovation = np.clip(innovation, -clip * np.sqrt(total), clip * np.sqrt(total))
            gain = spread / total[:, None]
            x = x + gain * innovation[:, None]
            cov = cov - gain[:, :, None] * spread[:, None, :]
        out[t] = x
    return out


def ahead(state, hours_ahead, grid, root=False):
    """Factor (P, R) on the forecast ``hours_ahead`` [minutes] after the last interval seen."""
    value = state[:, :1] + np.exp(-hours_ahead[None] / grid[:, 2:3]) * state[:, 1:2]
    value = value + np.exp(-hours_ahead[None] / grid[:, 4:5]) * state[:, 2:3]
    return np.maximum(1 + value / 2, 0) ** 2 if root else np.maximum(1 + value, 0)


def past_errors(days, grid, root=False, clip=None):
    """Rest-of-day absolute error per prior, per cut (elapsed minutes), and the contacts."""
    by_cut: dict = {}
    for elapsed, actual, forecast in days:
        states = kalman(actual, forecast, elapsed, grid, root, clip)
        for cut in np.arange(60, elapsed[-1] + 1e-9, 60):
            seen = int(np.searchsorted(elapsed, cut, side="left"))
            if seen >= len(elapsed):
                break
            factor = ahead(states[seen - 1], elapsed[seen:] - elapsed[seen - 1], grid, root)
            error = np.nansum(np.abs(actual[None, seen:] - factor * forecast[None, seen:]), axis=1)
            entry = by_cut.setdefault(cut, [0.0, 0.0])
            entry[0] = entry[0] + error
            entry[1] += np.nansum(actual[seen:])
    return by_cut


def score(args) -> None:
    days = pickle.loads(Path(args.cache).read_bytes())
    dates = sorted(days)
    periods = {"earlier": dates[: -args.test], "test": dates[-args.test :]}
    # the general filter with no short deviation is wfm's filter
    grid, minutes = BASE[::7], np.arange(60) * 5.0
    rng = np.random.default_rng(0)
    forecast = rng.uniform(20, 80, 60)
    actual = rng.poisson(forecast * 1.1).astype(float)
    level, recent = filter_day(actual, forecast, minutes, *grid[:, :3].T)
    state = kalman(actual, forecast, minutes, grid)
    assert np.allclose(state[:, :, 0], level) and np.allclose(state[:, :, 1], recent)
    variants = {
        "no update": None,
        "wfm (every hour, best prior)": dict(),
        "prior for the clock time only": dict(clock=0.0),
        "clock time + every hour": dict(clock=1.0),
        "priors averaged, tau 0.02": dict(tau=0.02),
        "priors averaged, tau 0.1": dict(tau=0.1),
        "square-root scale": dict(root=True),
        "innovations clipped at 2.5 sd": dict(clip=2.5),
        "+ short fading deviation": dict(grid=TWO),
        "day level's prior mean = backtest bias": dict(bias=1.0),
        "oracle: true rest-of-day total": "oracle",
    }
    began = time.process_time()
    sums = {(v, p, c): [0.0, 0.0] for v in variants for p in periods for c in CLOCKS}
    for period, chosen in periods.items():
        for target in chosen:
            for grid_index, forecast, actual, rows in days[target]:
                past = list(_past_days(rows))
                bias = rows["actual"].sum() / rows["forecast"].sum() - 1
                opening = grid_index[0]
                elapsed = (grid_index - opening).total_seconds().to_numpy() / 60
                fits: dict = {}
                for name, spec in variants.items():
                    for clock in CLOCKS:
                        as_of = pd.Timestamp(dt.datetime.combine(target, clock)).tz_localize(
                            grid_index.tz
                        )
                        ended = np.asarray(grid_index + (grid_index[1] - grid_index[0]) <= as_of)
                        rest = np.asarray(grid_index >= as_of)
                        if spec is None:
                            new = forecast[rest]
                        elif spec == "oracle":
                            new = forecast[rest] * np.nansum(actual[rest]) / forecast[rest].sum()
                        else:
                            g = spec.get("grid", BASE)
                            key = (spec.get("root", False), spec.get("clip"), len(g))
                            if key not in fits:
                                fits[key] = past_errors(past, g, key[0], key[1])
                            by_cut = fits[key]
                            every = sum(e for e, _ in by_cut.values())
                            total = sum(n for _, n in by_cut.values())
                            cut = (as_of - opening).total_seconds() / 60
                            if "clock" in spec and cut in by_cut:
                                error = (
                                    by_cut[cut][0] / by_cut[cut][1] + spec["clock"] * every / total
                                )
                            else:
                                error = every
                            if "tau" in spec:
                                weight = np.exp(
                                    -(error - error.min()) / (spec["tau"] * error.min())
                                )
                            else:
                                weight = np.zeros(len(g))
                                weight[int(np.argmin(error))] = 1.0
                            used = weight > 1e-6
                            weight = weight[used] / weight[used].sum()
                            base = forecast * (1 + spec.get("bias", 0.0) * bias)
                            last = np.flatnonzero(ended)[-1]
                            states = kalman(
                                np.where(ended, actual, np.nan),
                                base,
                                elapsed,
                                g[used],
                                key[0],
                                key[1],
                            )
                            factor = weight @ ahead(
                                states[last], elapsed[rest] - elapsed[last], g[used], key[0]
                            )
                            new = factor * base[rest]
                        entry = sums[name, period, clock]
                        entry[0] += np.nansum(np.abs(actual[rest] - new))
                        entry[1] += np.nansum(actual[rest])
    heads = [f"{p} {c:%H:%M}" for p in periods for c in CLOCKS]
    print(
        f"{args.cache}: {', '.join(f'{p} {len(d)} days {d[0]} .. {d[-1]}' for p, d in periods.items() if d)}"
    )
    print("| variant | " + " | ".join(heads) + " |")
    for name in variants:
        cells = [sums[name, p, c] for p in periods for c in CLOCKS]
        print(f"| {name} | " + " | ".join(f"{e / n:.4f}" if n else "" for e, n in cells) + " |")
    print(f"{time.process_time() - began:.0f} CPU-s")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    commands = parser.add_subparsers(dest="command", required=True)
    make = commands.add_parser("cache")
    make.add_argument("--data", choices=("bank", "sample"), default="bank")
    make.add_argument("--days", type=int, default=60)
    make.add_argument("--out", required=True)
    make.set_defaults(run=cache)
    test = commands.add_parser("score")
    test.add_argument("cache")
    test.add_argument("--test", type=int, default=20, help="last days scored as the test period")
    test.set_defaults(run=score)
    args = parser.parse_args()
    args.run(args)


if __name__ == "__main__":
    main()
