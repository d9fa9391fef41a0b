"""Benchmark: variants of the rest-of-day update, scored offline on cached forecasts.

``cache`` runs ``forecast_history(as_of=...)`` (``auto``, day-ahead) for each of the last
``--days`` days of a history and keeps, per day and queue, what the update sees: the
forecast before the update, the backtest rows its prior is learnt from
(:func:`wfm.forecast.update_priors.prior_from_selection`) and the day's arrivals
(``--models``: also each named model's day-ahead forecast and every model's backtest rows,
in ``OUT.models``). ``score`` then re-runs the update at several clock times with variants
of the prior and the filter (a general k-state filter that reduces to
:func:`wfm.forecast.intraday_update.filter_day` and is checked against it first) and prints
the rest-of-day WAPE per period; ``score-models`` updates several models' forecasts:

    python benchmarks/bench_update_variants.py cache --data bank --days 60 --out /tmp/bank60.pkl
    python benchmarks/bench_update_variants.py score /tmp/bank60.pkl --test 20
    python benchmarks/bench_update_variants.py cache --data sample --days 60 --out /tmp/s60.pkl
    python benchmarks/bench_update_variants.py score /tmp/s60.pkl --test 20
    python benchmarks/bench_update_variants.py cache --data bank --days 60 --out /tmp/b.pkl \
        --models top_down,root_profile,factor,weighted_same_slot
    python benchmarks/bench_update_variants.py score-models /tmp/b.pkl --test 20
    python benchmarks/bench_update_variants.py cache --data bank --days 100 --out /tmp/b100.pkl
    python benchmarks/bench_update_variants.py score-shape /tmp/b100.pkl --test 20 --earlier 40

``score-shape`` (branch rodshape) scores Weinberg, Brown & Stroud's within-day update with
a full residual covariance: the day's residuals on the root scale, ``sqrt(n + 1/4) -
sqrt(f)``, Gaussian with the covariance of the cached days before it (Ledoit–Wolf or
oracle-approximating shrinkage, ``shape_covariance.py``), the rest of the day their
conditional mean given the morning's (per interval or on block sums), alone, shrunk
towards the covariance wfm's learnt prior implies, with the day before's residuals, or
combined with wfm's update; the first ``--days`` minus ``--test`` minus ``--earlier``
cached days are history only.

``wfm`` (argmin over the grid, every hour) reproduces ``bench_forecast.py intraday``.
Variants: the prior learnt at the update's clock time only (alone, or plus the every-hour
error), no update when the learnt prior's gain over no update *held out* (each past day
scored with the prior chosen on the others, :func:`held_out_gain`) is at or below a margin
(measured over all hours, at the update time, up to it, or within an hour of it), the
weakest prior within a margin of the best, priors averaged with weights
``exp(-(E - E_min) / (tau E_min))`` over the grid (E: past days' rest-of-day error), the
square-root scale of Weinberg et al. (2007), innovations clipped at 2.5 standard
deviations (bursts), a second, short fading deviation, an extra observation variance
(overdispersion: a negative-binomial noise instead of Poisson), the past days' errors at
the same clock time (day level removed) as a shape correction, a prior mean of the day
level from the backtest's bias, and the *true* rest-of-day total spread by the forecast's
profile (an oracle, not usable). ``--only`` scores the variants whose names contain one
of the given words.
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
from shape_covariance import (  # noqa: E402
    conditional_rest,
    ledoit_wolf,
    oracle_approximating,
    root_residuals,
)

import wfm.forecast.engine as engine  # noqa: E402
from wfm.forecast.intraday_update import (  # noqa: E402
    LEVEL_SD_GRID,
    RECENT_MINUTES_GRID,
    RECENT_SD_GRID,
    UPDATE_STEP_MINUTES,
    UpdateParameters,
    _past_days,
    filter_day,
    update_rest_of_day_state,
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

#: BASE with an extra observation variance (overdispersion, negative binomial): column 6.
OVERDISPERSED = np.array(
    [(*p, 0.0, 60.0, extra) for p in BASE[:, :3] for extra in (0.0, 0.002, 0.005, 0.01, 0.02)]
)


def past_day_errors(
    detail: pd.DataFrame, grid: np.ndarray, step_minutes: int = UPDATE_STEP_MINUTES
) -> tuple[np.ndarray, np.ndarray]:
    """Rest-of-day absolute error of each prior on each past day, per update time [contacts].

    Parameters
    ----------
    detail
        Backtest rows (as :func:`fit_update_parameters`).
    grid
        ``(P, 3)`` priors: level sd, recent sd, recent minutes.
    step_minutes
        Update times are every ``step_minutes`` from the first interval of each day.

    Returns
    -------
    errors : numpy.ndarray
        ``(D, C, P)``: for each past day with at least one update time, each update time
        and each prior, the absolute error of the updated rest of the day (0 where a day
        has no such update time).
    update_minutes : numpy.ndarray
        ``(C,)`` the update times [minutes after the day's first interval].
    """
    days = list(_past_days(detail))
    longest = max((elapsed[-1] for elapsed, _, _ in days), default=0.0)
    cuts = np.arange(step_minutes, longest + 1e-9, step_minutes, dtype=float)
    rows = []
    for elapsed, actual, forecast in days:
        levels, recents = filter_day(actual, forecast, elapsed, *grid.T)
        errors = np.zeros((len(cuts), len(grid)))
        scored = False
        for number, cut in enumerate(cuts):
            seen = int(np.searchsorted(elapsed, cut, side="left"))
            if seen >= len(elapsed):
                break
            ahead = elapsed[seen:] - elapsed[seen - 1]
            decay = np.exp(-ahead[None, :] / grid[:, 2:3])
            factor = 1.0 + levels[seen - 1][:, None] + decay * recents[seen - 1][:, None]
            rest = np.maximum(factor, 0.0) * forecast[None, seen:]
            errors[number] = np.nansum(np.abs(actual[None, seen:] - rest), axis=1)
            scored = True
        if scored:
            rows.append(errors)
    return np.array(rows).reshape(len(rows), len(cuts), len(grid)), cuts


def held_out_gain(day_errors: np.ndarray, scored: np.ndarray | None = None) -> float:
    """Relative gain of the learnt prior over no update, each past day held out in turn.

    For each past day the prior is chosen on the *other* days (lowest error summed over
    all update times) and scored on that day; the gain is ``1 - (sum of those scores) /
    (no update's error on the same days)``. Choosing the best of a grid on the same days
    it is scored on always beats no update; held out, a queue whose mornings carry no
    information about its afternoons scores about as well as no update, or worse.

    Parameters
    ----------
    day_errors
        ``(D, C, P)`` from :func:`past_day_errors` (or ``(D, P)``: one update time);
        prior 0 must be no update.
    scored
        Boolean mask of the update times the gain is measured at (all by default).

    Returns
    -------
    float
        The gain [fraction of no update's error]; 0 with fewer than 2 days or no error.

    Examples
    --------
    Two priors (no update, an update) on three days. An update that wins every day
    keeps its gain held out; one that wins in sample (27 against 30) through one lucky
    day loses held out:

    >>> float(round(held_out_gain(np.array([[10.0, 8.0], [10.0, 9.0], [10.0, 9.0]])), 3))
    0.133
    >>> float(round(held_out_gain(np.array([[10.0, 5.0], [10.0, 11.0], [10.0, 11.0]])), 3))
    -0.067
    """
    day_errors = np.asarray(day_errors, dtype=float)
    if day_errors.ndim == 2:
        day_errors = day_errors[:, None, :]
    if len(day_errors) < 2:
        return 0.0
    if scored is None:
        scored = np.ones(day_errors.shape[1], dtype=bool)
    per_day = day_errors.sum(axis=1)
    total = per_day.sum(axis=0)
    held_out = sum(
        day_errors[d, scored, int(np.argmin(total - per_day[d]))].sum()
        for d in range(len(day_errors))
    )
    none = day_errors[:, scored, 0].sum()
    return float(1.0 - held_out / none) if none > 0 else 0.0


def shape_correction(rows: pd.DataFrame, minutes_of_day: np.ndarray, window: float) -> np.ndarray:
    """Relative error of the past days' forecasts at each clock time, day level removed.

    ``rows``: backtest rows at lead 1 (the past days); each day's forecast is first scaled
    to its actual total, then the ratio of summed actuals to summed forecasts within
    ``window`` minutes either side of each clock time, minus 1.
    """
    starts = pd.DatetimeIndex(rows["interval_start"])
    clock = (starts - starts.normalize()).total_seconds().to_numpy() / 60
    actual = rows["actual"].to_numpy(float)
    forecast = rows["forecast"].to_numpy(float)
    day = rows["target_date"].to_numpy()
    scale = pd.Series(actual).groupby(day).transform("sum") / pd.Series(forecast).groupby(
        day
    ).transform("sum")
    level_free = forecast * scale.to_numpy()
    near = np.abs(minutes_of_day[:, None] - clock[None, :]) <= window
    bottom = near @ level_free
    return np.where(bottom > 0, (near @ np.nan_to_num(actual)) / np.maximum(bottom, 1e-9) - 1, 0.0)


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
    days, models = {}, {}
    began = time.process_time()
    for target in dates:
        seen.update(selection=[], forecast=[])
        as_of = pd.Timestamp(dt.datetime.combine(target, dt.time(10))).tz_localize(history.timezone)
        engine.forecast_history(history, as_of=as_of, horizon_days=1, workers=1)
        today = frame[local == target].assign(interval_start=starts[local == target])
        singles = {}
        for name in args.models.split(",") if args.models else ():
            single = engine.forecast_history(
                history, start_date=target, horizon_days=1, model=name, workers=1
            )
            for queue, part in single.groupby("queue"):
                singles.setdefault(str(queue), {})[name] = part.set_index("interval_start")[
                    "offered"
                ]
        models[target] = {}
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
            every = selection.detail[selection.detail["horizon_days"] == 1]
            models[target][queue] = (
                every,
                {
                    n: f.reindex(grid[mine]).to_numpy(float)
                    for n, f in singles.get(queue, {}).items()
                },
            )
        days[target] = queues
    print(f"cached {len(dates)} days in {time.process_time() - began:.0f} CPU-s")
    Path(args.out).write_bytes(pickle.dumps(days))
    if args.models:
        Path(args.out + ".models").write_bytes(pickle.dumps(models))


def kalman(seen, forecast, minutes, grid, root=False, clip=None):
    """Posterior means (T, P, 3) of day level, fading and short fading deviation."""
    count = len(grid)
    level, recent, recent_min, short, short_min = grid.T[:5]
    extra = grid[:, 5] if grid.shape[1] > 5 else np.zeros(count)
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
                error, variance = seen[t] / forecast[t] - 1, 1 / forecast[t] + extra
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
        **{
            f"wfm, none if held-out gain {scope} <= {margin}": dict(margin=margin, scope=scope)
            for scope in ("all hours", "at the time", "up to the time", "within 1 h")
            for margin in (-0.005, -0.0025, 0.0, 0.005, 0.01)
        },
        **{
            f"wfm, weakest prior within {m:.1%} of the best": dict(weak=m)
            for m in (0.001, 0.002, 0.005, 0.01)
        },
        "priors averaged, tau 0.02": dict(tau=0.02),
        "priors averaged, tau 0.1": dict(tau=0.1),
        "square-root scale": dict(root=True),
        "innovations clipped at 2.5 sd": dict(clip=2.5),
        "+ short fading deviation": dict(grid=TWO),
        "overdispersion learnt (extra variance 0-0.02)": dict(grid=OVERDISPERSED),
        "past days' same-clock errors, x0.5, +-30 min": dict(shape=0.5, window=30.0),
        "past days' same-clock errors, x1, +-30 min": dict(shape=1.0, window=30.0),
        "past days' same-clock errors, x0.5, +-60 min": dict(shape=0.5, window=60.0),
        "day level's prior mean = backtest bias": dict(bias=1.0),
        "oracle: true rest-of-day total": "oracle",
    }
    if args.only:
        variants = {k: v for k, v in variants.items() if any(w in k for w in args.only.split(","))}
    began = time.process_time()
    sums = {(v, p, c): [0.0, 0.0] for v in variants for p in periods for c in CLOCKS}
    gains: dict = {}
    for period, chosen in periods.items():
        for target in chosen:
            for grid_index, forecast, actual, rows in days[target]:
                past = list(_past_days(rows))
                bias = rows["actual"].sum() / rows["forecast"].sum() - 1
                opening = grid_index[0]
                elapsed = (grid_index - opening).total_seconds().to_numpy() / 60
                fits: dict = {}
                day_errors, cuts = past_day_errors(rows, BASE[:, :3])
                gains.setdefault(period, []).append(held_out_gain(day_errors))
                for name, spec in variants.items():
                    for clock in CLOCKS:
                        as_of = pd.Timestamp(dt.datetime.combine(target, clock)).tz_localize(
                            grid_index.tz
                        )
                        ended = np.asarray(grid_index + (grid_index[1] - grid_index[0]) <= as_of)
                        rest = np.asarray(grid_index >= as_of)
                        cut = (as_of - grid_index[0]).total_seconds() / 60
                        scope = spec.get("scope") if isinstance(spec, dict) else None
                        if scope is not None:
                            scored = {
                                "all hours": np.ones(len(cuts), dtype=bool),
                                "at the time": np.isclose(cuts, cut),
                                "up to the time": cuts <= cut + 1e-9,
                                "within 1 h": np.abs(cuts - cut) <= 60 + 1e-9,
                            }[scope]
                            gain = held_out_gain(day_errors, scored)
                        if spec is None or (scope is not None and gain <= spec["margin"]):
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
                            elif "weak" in spec:
                                near = np.flatnonzero(error <= (1 + spec["weak"]) * error.min())
                                strength = g[near, 0] ** 2 + g[near, 1] ** 2
                                weight = np.zeros(len(g))
                                weight[near[np.lexsort((g[near, 2], strength))[0]]] = 1.0
                            else:
                                weight = np.zeros(len(g))
                                weight[int(np.argmin(error))] = 1.0
                            used = weight > 1e-6
                            weight = weight[used] / weight[used].sum()
                            base = forecast * (1 + spec.get("bias", 0.0) * bias)
                            if "shape" in spec:
                                clock_minutes = (
                                    grid_index - grid_index.normalize()
                                ).total_seconds().to_numpy() / 60
                                tilt = 1 + spec["shape"] * shape_correction(
                                    rows, clock_minutes, spec["window"]
                                )
                                base = base * tilt * base.sum() / (base * tilt).sum()
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
    for period, values in gains.items():
        values = np.sort(values)
        print(
            f"held-out gain over no update, {period} ({len(values)} queue-days): "
            f"min {values[0]:.4f}, quartiles {np.quantile(values, 0.25):.4f} "
            f"{np.median(values):.4f} {np.quantile(values, 0.75):.4f}, max {values[-1]:.4f}"
        )
    print(f"{time.process_time() - began:.0f} CPU-s")


def _learnt(rows: pd.DataFrame) -> tuple[UpdateParameters, float]:
    """Best prior on ``rows`` (every hour) and its rest-of-day WAPE there (in sample)."""
    errors, _ = past_day_errors(rows, BASE[:, :3])
    total = errors.sum(axis=(0, 1))
    best = int(np.argmin(total))
    prior = UpdateParameters(*(float(v) for v in BASE[best, :3]))
    return prior, float(total[best])


def score_models(args) -> None:
    """Several models' day-ahead forecasts, each updated, then combined or chosen."""
    days = pickle.loads(Path(args.cache).read_bytes())
    models = pickle.loads(Path(args.cache + ".models").read_bytes())
    dates = sorted(days)
    periods = {"earlier": dates[: -args.test], "test": dates[-args.test :]}
    names = ("top_down", "root_profile", "factor")
    candidates = [(n,) for n in names] + [
        ("top_down", "root_profile"),
        ("factor", "root_profile"),
        ("top_down", "factor", "root_profile"),
    ]
    began = time.process_time()
    sums: dict = {}
    for period, chosen in periods.items():
        for target in chosen:
            for grid_index, forecast, actual, rows in days[target]:
                queue = str(rows["queue"].iloc[0])
                every, singles = models[target][queue]
                keyed = {
                    n: every[every["model"] == n].set_index(["target_date", "interval_start"])
                    for n in names
                }
                own = {}
                for members in candidates:
                    past = keyed[members[0]][["actual"]].copy()
                    past["forecast"] = np.mean([keyed[m]["forecast"] for m in members], axis=0)
                    prior, error = _learnt(past.reset_index())
                    today = np.mean([singles[m] for m in members], axis=0)
                    own[members] = (prior, error / past["actual"].sum(), today)
                wfm_prior = _learnt(rows)[0]
                pick = min(candidates, key=lambda c: own[c][1])
                for clock in CLOCKS:
                    as_of = pd.Timestamp(dt.datetime.combine(target, clock)).tz_localize(
                        grid_index.tz
                    )
                    morning = pd.Series(actual, index=grid_index)
                    rest = np.asarray(grid_index >= as_of)

                    minutes = int((grid_index[1] - grid_index[0]).total_seconds() // 60)
                    rows_out = {
                        "no update (auto)": forecast,
                        "wfm (auto updated)": update_rest_of_day_state(
                            forecast, grid_index, morning, as_of, minutes, wfm_prior
                        )[0],
                    }
                    each = {}
                    for members in candidates:
                        prior, _, today = own[members]
                        each[members] = update_rest_of_day_state(
                            today, grid_index, morning, as_of, minutes, prior
                        )[0]
                        rows_out["+".join(members) + " updated"] = each[members]
                    rows_out["top_down, root_profile each updated, then averaged"] = np.mean(
                        [each[("top_down",)], each[("root_profile",)]], axis=0
                    )
                    rows_out["all three each updated, then averaged"] = np.mean(
                        [each[(n,)] for n in names], axis=0
                    )
                    rows_out["chosen on past updated error (lead 0)"] = each[pick]
                    rows_out["auto's update factor on the chosen one"] = own[pick][2] * (
                        rows_out["wfm (auto updated)"] / np.where(forecast > 0, forecast, 1)
                    )
                    for name, new in rows_out.items():
                        entry = sums.setdefault((name, period, clock), [0.0, 0.0])
                        entry[0] += np.nansum(np.abs(actual[rest] - new[rest]))
                        entry[1] += np.nansum(actual[rest])
    heads = [f"{p} {c:%H:%M}" for p in periods for c in CLOCKS]
    print("| variant | " + " | ".join(heads) + " |")
    for name in dict.fromkeys(k[0] for k in sums):
        cells = [sums.get((name, p, c), [0, 0]) for p in periods for c in CLOCKS]
        print(f"| {name} | " + " | ".join(f"{e / n:.4f}" if n else "" for e, n in cells) + " |")
    print(f"{time.process_time() - began:.0f} CPU-s")


def _day_table(days: dict) -> dict:
    """Queue -> date -> (clock minutes, forecast, actual) of each cached day."""
    table: dict = {}
    for target in sorted(days):
        for grid_index, forecast, actual, rows in days[target]:
            queue = str(rows["queue"].iloc[0])
            clock = (grid_index - grid_index.normalize()).total_seconds().to_numpy() / 60
            table.setdefault(queue, {})[target] = (clock, forecast, actual, grid_index, rows)
    return table


def _shape_history(mine: dict, target, history_days: int, same_weekday: bool, clock):
    """Root-scale residual vectors (n, p) of the cached days before ``target`` on ``clock``."""
    earlier = [d for d in sorted(mine) if d < target]
    if same_weekday:
        earlier = [d for d in earlier if d.weekday() == target.weekday()]
    vectors = []
    for d in reversed(earlier):
        c, f, a, _, _ = mine[d]
        if len(c) != len(clock) or not np.array_equal(c, clock):
            continue
        r = root_residuals(a, f)
        if not np.isfinite(r).all() or not (f > 0).all():
            continue
        vectors.append(r)
        if len(vectors) >= history_days:
            break
    return np.array(vectors)


def _with_yesterday(mine: dict, target, history_days: int, clock):
    """``(pairs (n, 2p), yesterday (p,))``: each past day's residuals after the day before's.

    ``yesterday`` is the residual vector of the cached day before ``target`` (None when it
    is missing or on another clock grid).
    """

    def residuals(d):
        c, f, a, _, _ = mine[d]
        if len(c) != len(clock) or not np.array_equal(c, clock) or not (f > 0).all():
            return None
        r = root_residuals(a, f)
        return r if np.isfinite(r).all() else None

    ordered = sorted(d for d in mine if d <= target)
    previous = dict(zip(ordered[1:], ordered[:-1], strict=True))
    pairs = []
    for d in reversed(ordered[:-1]):
        if d not in previous:
            continue
        now, before = residuals(d), residuals(previous[d])
        if now is not None and before is not None:
            pairs.append(np.concatenate([before, now]))
        if len(pairs) >= history_days:
            break
    yesterday = residuals(previous[target]) if target in previous else None
    return np.array(pairs), yesterday


SHAPE_VARIANTS = {
    **{f"WBS conditional, LW, last {n} days": dict(n=n) for n in (10, 20, 30, 40)},
    "WBS conditional, LW, last 40 days, centred": dict(n=40, centred=True),
    "WBS conditional, OAS, last 40 days": dict(n=40, estimator="oas"),
    "WBS conditional, OAS, last 20 days": dict(n=20, estimator="oas"),
    "WBS conditional, LW, same weekday, last 8": dict(n=8, weekday=True),
    **{
        f"WBS conditional, LW, last {n} days, {b * 5}-min morning sums": dict(n=n, block=b)
        for n in (20, 40)
        for b in (6, 12)
    },
    "WBS conditional, LW, 40 days, noise x2": dict(n=40, noise=0.5),
    "WBS conditional, LW, 40 days, 30-min sums, noise x2": dict(n=40, block=6, noise=0.5),
    "wfm total, WBS 40-day shape": dict(n=40, shape_only=True),
    "wfm total, WBS 40-day 30-min-sums shape": dict(n=40, block=6, shape_only=True),
    **{
        f"40-day covariance shrunk {w:.0%} towards wfm's prior{', 30-min sums' if b > 1 else ''}": dict(
            n=40, towards=w, block=b
        )
        for w in (0.5, 0.75, 0.9)
        for b in (1, 6)
    },
    "wfm's prior covariance alone (root scale)": dict(n=40, towards=1.0),
    **{f"30-min block covariance, LW, last {n} days": dict(n=n, coarse=6) for n in (20, 40)},
    "60-min block covariance, LW, last 40 days": dict(n=40, coarse=12),
    **{
        f"{b * 5}-min blocks of yesterday and this morning, LW, last 40 days": dict(
            n=40, coarse=b, yesterday=True
        )
        for b in (6, 12)
    },
    "60-min blocks of yesterday and this morning, mean with wfm": dict(
        n=40, coarse=12, yesterday=True, blend=0.5
    ),
    **{
        f"30-min block covariance shrunk {w:.0%} towards wfm's prior": dict(
            n=40, coarse=6, towards=w
        )
        for w in (0.25, 0.5, 0.75)
    },
    "mean of wfm and WBS 40 days": dict(n=40, blend=0.5),
    "mean of wfm and WBS 40 days, 30-min sums": dict(n=40, block=6, blend=0.5),
}


def score_shape(args) -> None:
    """Weinberg et al.'s within-day update with a full, shrunk residual covariance."""
    days = pickle.loads(Path(args.cache).read_bytes())
    dates = sorted(days)
    scored = dates[-(args.test + args.earlier) :]
    periods = {"earlier": scored[: args.earlier], "test": scored[args.earlier :]}
    table = _day_table(days)
    variants = {"no update": None, "wfm": "wfm", **SHAPE_VARIANTS, "oracle": "oracle"}
    if args.only:
        variants = {
            k: v
            for k, v in variants.items()
            if k in ("no update", "wfm") or any(w in k for w in args.only.split(","))
        }
    began = time.process_time()
    sums: dict = {}
    shrink_seen: dict = {}
    for period, chosen in periods.items():
        for target in chosen:
            for mine in table.values():
                if target not in mine:
                    continue
                clock, forecast, actual, grid_index, rows = mine[target]
                prior = _learnt(rows)[0]
                minutes = int((grid_index[1] - grid_index[0]).total_seconds() // 60)
                morning = pd.Series(actual, index=grid_index)
                covariances: dict = {}
                for clock_time in CLOCKS:
                    as_of = pd.Timestamp(dt.datetime.combine(target, clock_time)).tz_localize(
                        grid_index.tz
                    )
                    ended = np.asarray(grid_index + pd.Timedelta(minutes=minutes) <= as_of)
                    rest = np.asarray(grid_index >= as_of)
                    seen = ended & np.isfinite(actual) & (forecast > 0)
                    wfm_new = update_rest_of_day_state(
                        forecast, grid_index, morning, as_of, minutes, prior
                    )[0]
                    residual = root_residuals(actual, forecast)
                    for name, spec in variants.items():
                        if spec is None:
                            new = forecast
                        elif spec == "wfm":
                            new = wfm_new
                        elif spec == "oracle":
                            new = forecast * np.nansum(actual[rest]) / forecast[rest].sum()
                        else:
                            key = (
                                spec["n"],
                                spec.get("weekday", False),
                                spec.get("centred", False),
                                spec.get("estimator", "lw"),
                            )
                            if key not in covariances:
                                past = _shape_history(mine, target, key[0], key[1], clock)
                                if len(past) < 2:
                                    covariances[key] = None
                                else:
                                    shrink = (
                                        oracle_approximating if key[3] == "oas" else ledoit_wolf
                                    )
                                    cov, rho = shrink(past, centred=key[2])
                                    shrink_seen.setdefault(name, []).append((len(past), rho))
                                    covariances[key] = cov
                                    covariances[key + ("raw",)] = past.T @ past / len(past)
                            cov = covariances[key]
                            if cov is None:
                                new = forecast
                            else:
                                noise = spec.get("noise", 0.25)
                                signal = cov - 0.25 * np.eye(len(cov))
                                if "towards" in spec:
                                    # the filter's prior on the root scale: r ~ sqrt(f) e / 2
                                    level, recent, constant = (
                                        prior.level_sd,
                                        prior.recent_sd,
                                        prior.recent_minutes,
                                    )
                                    gap = np.abs(clock[:, None] - clock[None, :])
                                    target_cov = (
                                        np.sqrt(np.outer(forecast, forecast))
                                        / 4
                                        * (level**2 + recent**2 * np.exp(-gap / constant))
                                    )
                                    raw = covariances[key + ("raw",)] - 0.25 * np.eye(len(cov))
                                    weight = spec["towards"]
                                    signal = (1 - weight) * raw + weight * target_cov
                                if "coarse" in spec:
                                    size = spec["coarse"]
                                    blocks = np.arange(len(clock)) // size
                                    summing = np.zeros((blocks[-1] + 1, len(clock)))
                                    summing[blocks, np.arange(len(clock))] = 1.0
                                    past = _shape_history(mine, target, key[0], key[1], clock)
                                    coarse = past @ summing.T
                                    noise_c = 0.25 * summing.sum(axis=1)
                                    if "towards" in spec:
                                        raw_c = coarse.T @ coarse / len(coarse)
                                        signal_c = (1 - spec["towards"]) * (
                                            raw_c - np.diag(noise_c)
                                        ) + spec["towards"] * (summing @ target_cov @ summing.T)
                                    else:
                                        signal_c = ledoit_wolf(coarse, centred=False)[0] - np.diag(
                                            noise_c
                                        )
                                    seen_c = (summing @ seen) == summing.sum(axis=1)
                                    fill = np.where(seen, residual, 0.0)
                                    pairs, yesterday = (
                                        _with_yesterday(mine, target, key[0], clock)
                                        if spec.get("yesterday")
                                        else (None, None)
                                    )
                                    if yesterday is not None and len(pairs) >= 2:
                                        # total covariance (noise included) of the day
                                        # before's blocks and the day's
                                        q, width = len(noise_c), len(clock)
                                        both = np.concatenate(
                                            [
                                                pairs[:, :width] @ summing.T,
                                                pairs[:, width:] @ summing.T,
                                            ],
                                            axis=1,
                                        )
                                        joint = ledoit_wolf(both, centred=False)[0]
                                        block_rest = conditional_rest(
                                            joint,
                                            np.concatenate([np.ones(q, bool), seen_c]),
                                            np.concatenate(
                                                [summing @ yesterday, (summing @ fill)[seen_c]]
                                            ),
                                            noise_variance=0.0,
                                        )[q:]
                                    else:
                                        # noise only on the seen blocks' diagonal
                                        block_rest = conditional_rest(
                                            signal_c + np.diag(noise_c),
                                            seen_c,
                                            (summing @ fill)[seen_c],
                                            noise_variance=0.0,
                                        )
                                    expected = np.where(seen, 0.0, (summing.T @ block_rest) / size)
                                else:
                                    expected = conditional_rest(
                                        signal,
                                        seen,
                                        residual[seen],
                                        block_size=spec.get("block", 1),
                                        noise_variance=noise,
                                    )
                                wbs = np.where(
                                    seen,
                                    forecast,
                                    np.maximum(np.sqrt(forecast) + expected, 0.0) ** 2,
                                )
                                if spec.get("shape_only"):
                                    top = wbs[rest].sum()
                                    new = wfm_new.copy()
                                    if top > 0:
                                        new[rest] = wbs[rest] * wfm_new[rest].sum() / top
                                elif "blend" in spec:
                                    new = (1 - spec["blend"]) * wfm_new + spec["blend"] * wbs
                                else:
                                    new = wbs
                        entry = sums.setdefault((name, period, clock_time), [0.0, 0.0])
                        entry[0] += np.nansum(np.abs(actual[rest] - new[rest]))
                        entry[1] += np.nansum(actual[rest])
    heads = [f"{p} {c:%H:%M}" for p in periods for c in CLOCKS]
    print(
        f"{args.cache}: "
        + ", ".join(f"{p} {len(d)} days {d[0]} .. {d[-1]}" for p, d in periods.items() if d)
    )
    print("| variant | " + " | ".join(heads) + " |")
    for name in variants:
        cells = [sums.get((name, p, c), [0.0, 0.0]) for p in periods for c in CLOCKS]
        print(f"| {name} | " + " | ".join(f"{e / n:.4f}" if n else "" for e, n in cells) + " |")
    for name, values in shrink_seen.items():
        counts, rhos = np.array(values).T
        print(
            f"{name}: {len(values)} fits, days {counts.min():.0f}-{counts.max():.0f}, "
            f"intensity median {np.median(rhos):.3f} (min {rhos.min():.3f}, max {rhos.max():.3f})"
        )
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
    make.add_argument(
        "--models", default="", help="also cache these models' forecasts (OUT.models)"
    )
    make.set_defaults(run=cache)
    test = commands.add_parser("score")
    test.add_argument("cache")
    test.add_argument("--test", type=int, default=20, help="last days scored as the test period")
    test.add_argument("--only", default="", help="variants whose name contains one of these")
    test.set_defaults(run=score)
    several = commands.add_parser("score-models")
    several.add_argument("cache")
    several.add_argument("--test", type=int, default=20)
    several.set_defaults(run=score_models)
    shape = commands.add_parser("score-shape")
    shape.add_argument("cache")
    shape.add_argument("--test", type=int, default=20)
    shape.add_argument("--earlier", type=int, default=40, help="days scored before the test")
    shape.add_argument("--only", default="", help="variants whose name contains one of these")
    shape.set_defaults(run=score_shape)
    args = parser.parse_args()
    args.run(args)


if __name__ == "__main__":
    main()
