"""Intraday update: a shrunk day factor, and the state-space update of day level and recent deviation."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from forecast_synthetic import as_history, synthetic_frame

from wfm.errors import InputError
from wfm.forecast import forecast_history
from wfm.forecast.intraday_update import (
    DEFAULT_UPDATE,
    LEVEL_SD_GRID,
    UpdateParameters,
    day_factor,
    filter_day,
    fit_update_parameters,
    update_rest_of_day_state,
)

FIRST_DATE = dt.date(2024, 1, 1)
TARGET = dt.date(2024, 4, 1)  # a Monday, day 91
SHOCK = 1.3


def shocked_history() -> pd.DataFrame:
    """Thirteen weeks whose days vary in level (sd 10 %), the target day SHOCK times the usual.

    Real days differ in level from the forecast (a busy Monday, a quiet Friday); that
    variation is what the update strength is learnt from.
    """
    frame = synthetic_frame(
        first_date=FIRST_DATE, days=92, daily_volume=2000.0, noise=False, seed=12
    )
    day = frame["interval_start"].dt.tz_localize(None).dt.date
    rng = np.random.default_rng(5)
    dates = sorted(day.unique())
    level = dict(zip(dates, rng.gamma(100.0, 0.01, len(dates)), strict=True))
    level[TARGET] = SHOCK
    mean = frame["offered"].to_numpy() * day.map(level).to_numpy()
    return frame.assign(offered=rng.poisson(mean).astype(float))


def test_day_factor_is_the_gamma_poisson_posterior_mean() -> None:
    # Prior Gamma(k, k), n arrivals against f expected: posterior mean (n + k) / (f + k).
    assert day_factor(130.0, 100.0, 100.0) == pytest.approx(230 / 200)
    assert day_factor(130.0, 100.0, np.inf) == 1.0
    assert day_factor(130.0, 100.0, 0.0) == pytest.approx(1.3)


def test_update_beats_no_update_on_a_planted_shock() -> None:
    history = as_history(shocked_history())
    frame = history.frame
    local = frame["interval_start"].dt.tz_localize(None)
    truth = frame[(local.dt.date == TARGET) & (local.dt.hour >= 11)]
    plain = forecast_history(history, start_date=TARGET, horizon_days=1, model="top_down")
    updated = forecast_history(
        history, as_of=dt.datetime(2024, 4, 1, 11, 0), horizon_days=1, model="top_down"
    )
    rest = updated["interval_start"].dt.hour >= 11
    actual = truth["offered"].to_numpy()
    error_plain = np.abs(actual - plain.loc[rest.to_numpy(), "offered"].to_numpy()).sum()
    error_updated = np.abs(actual - updated.loc[rest, "offered"].to_numpy()).sum()
    assert error_updated < 0.8 * error_plain
    assert updated.loc[rest, "model"].str.contains("intraday update").all()
    # The morning rows are not changed.
    np.testing.assert_allclose(
        updated.loc[~rest, "offered"], plain.loc[~rest.to_numpy(), "offered"]
    )


def test_empty_morning_leaves_the_forecast_unchanged() -> None:
    history = as_history(shocked_history())
    # 08:00 is the opening time: nothing has arrived yet.
    plain = forecast_history(history, start_date=TARGET, horizon_days=1, model="top_down")
    early = forecast_history(
        history, as_of=dt.datetime(2024, 4, 1, 8, 0), horizon_days=1, model="top_down"
    )
    np.testing.assert_allclose(early["offered"], plain["offered"])
    assert np.isfinite(early["offered_p90"]).all()


def test_update_without_any_arrival_data_is_neutral() -> None:
    index = pd.date_range("2024-04-01 08:00", periods=8, freq="15min", tz="Europe/London")
    offered = np.full(8, 10.0)
    result, factor, so_far = update_rest_of_day_state(
        offered, index, pd.Series(dtype=float), index[4], 15, DEFAULT_UPDATE
    )
    assert factor == 1.0 and so_far == 0.0
    np.testing.assert_array_equal(result, offered)


def test_a_day_level_is_learnt_from_past_days_that_vary() -> None:
    # Past days whose level varies a lot from day to day: a wide day-level prior wins.
    rng = np.random.default_rng(1)
    rows = []
    for number in range(10):
        level = rng.choice([0.7, 1.3])
        starts = pd.date_range(f"2024-01-{number + 1:02d} 08:00", periods=40, freq="15min")
        rows.append(
            pd.DataFrame(
                {
                    "target_date": starts[0].date(),
                    "interval_start": starts,
                    "actual": rng.poisson(100 * level, 40).astype(float),
                    "forecast": 100.0,
                }
            )
        )
    prior = fit_update_parameters(pd.concat(rows, ignore_index=True))
    # Steady days would give a level sd near 0; these vary by ±30 %.
    assert prior.level_sd >= 0.12


def test_as_of_on_another_day_than_the_start_is_refused() -> None:
    history = as_history(shocked_history())
    with pytest.raises(InputError, match="as_of"):
        forecast_history(
            history, start_date=dt.date(2024, 4, 2), as_of=dt.datetime(2024, 4, 1, 10, 0)
        )


# --- state-space update: day level and a fading recent deviation ---------------------


def test_level_only_filter_is_the_gamma_poisson_posterior_mean() -> None:
    # e_t = G + noise (var 1/f_t), G ~ N(0, tau^2): the posterior mean of G is
    # (n - F) / (1/tau^2 + F), i.e. the day factor (n + k)/(F + k) - 1 with k = 1/tau^2.
    forecast = np.array([100.0, 80.0, 120.0, 90.0])
    actual = np.array([130.0, 70.0, 150.0, 95.0])
    tau = 0.05
    levels, recents = filter_day(
        actual, forecast, np.arange(4) * 15.0, np.array([tau]), np.array([0.0]), np.array([60.0])
    )
    n, f = actual.sum(), forecast.sum()
    assert levels[-1, 0] == pytest.approx(day_factor(n, f, 1 / tau**2) - 1.0)
    assert levels[0, 0] == pytest.approx((130 - 100) / (1 / tau**2 + 100))
    np.testing.assert_array_equal(recents, 0.0)


def test_recent_deviation_fades_with_its_time_constant() -> None:
    # One observation, no day level: z = w^2 e / (w^2 + 1/f); h minutes later it is
    # z exp(-h / T).
    index = pd.date_range("2024-04-01 08:00", periods=9, freq="15min", tz="UTC")
    prior = UpdateParameters(level_sd=0.0, recent_sd=0.1, recent_minutes=60.0)
    so_far = pd.Series([150.0], index=index[:1])
    updated, _, so_far_total = update_rest_of_day_state(
        np.full(9, 100.0), index, so_far, index[1], 15, prior
    )
    z = 0.01 * 0.5 / (0.01 + 1 / 100)
    ahead = np.arange(1, 9) * 15.0
    np.testing.assert_allclose(updated[1:], 100.0 * (1 + z * np.exp(-ahead / 60.0)))
    assert updated[0] == 100.0 and so_far_total == 150.0


def test_state_update_without_arrivals_is_neutral() -> None:
    index = pd.date_range("2024-04-01 08:00", periods=8, freq="15min", tz="Europe/London")
    offered = np.full(8, 10.0)
    for actual in (pd.Series(dtype=float), pd.Series(np.nan, index=index[:4])):
        result, factor, so_far = update_rest_of_day_state(
            offered, index, actual, index[4], 15, DEFAULT_UPDATE
        )
        assert factor == 1.0 and so_far == 0.0
        np.testing.assert_array_equal(result, offered)
    # Before the first interval has ended nothing is counted, even a partial interval.
    partial = pd.Series([50.0], index=index[:1])
    result, factor, _ = update_rest_of_day_state(
        offered, index, partial, index[0] + pd.Timedelta(minutes=5), 15, DEFAULT_UPDATE
    )
    np.testing.assert_array_equal(result, offered)


def _past_days(ratio_of, seed: int = 3) -> pd.DataFrame:
    """Ten past days of 48 quarter-hours forecast at 400, arrivals 400 x ``ratio_of(rng)``."""
    rng = np.random.default_rng(seed)
    rows = []
    for number in range(10):
        starts = pd.date_range(f"2024-01-{number + 1:02d} 08:00", periods=48, freq="15min")
        rows.append(
            pd.DataFrame(
                {
                    "target_date": starts[0].date(),
                    "interval_start": starts,
                    "actual": rng.poisson(400 * ratio_of(rng)).astype(float),
                    "forecast": 400.0,
                }
            )
        )
    return pd.concat(rows, ignore_index=True)


def _level(rng: np.random.Generator) -> np.ndarray:
    """The whole day 20 % high or low."""
    return np.full(48, rng.choice([0.8, 1.2]))


def _burst(rng: np.random.Generator, height: float = 1.6, length: int = 8) -> np.ndarray:
    """A burst of ``length`` intervals at a random time, nothing else."""
    ratio = np.ones(48)
    begin = rng.integers(0, 48 - length)
    ratio[begin : begin + length] = height
    return ratio


def _level_and_burst(rng: np.random.Generator) -> np.ndarray:
    """The day 15 % high or low with a one-hour burst of x1.8 at a random time."""
    return rng.choice([0.85, 1.15]) * _burst(rng, 1.8, 4)


def test_prior_is_learnt_from_the_kind_of_deviation_in_past_days() -> None:
    level = fit_update_parameters(_past_days(_level))
    burst = fit_update_parameters(_past_days(_burst))
    # Whole-day deviations: a day level that carries to the evening.
    assert level.level_sd >= 0.12 and level.level_sd > level.recent_sd
    # Bursts of two hours: a recent deviation that fades within hours, little day level.
    assert burst.recent_sd >= 0.1 and burst.recent_minutes <= 240
    assert burst.level_sd < level.level_sd
    assert fit_update_parameters(None) == DEFAULT_UPDATE


def _best_day_factor(past: pd.DataFrame) -> UpdateParameters:
    """The day-level-only prior (the gamma-Poisson day factor, no fading part) with the
    lowest rest-of-day error on ``past`` at every whole hour, by brute force over
    :data:`LEVEL_SD_GRID`.

    Every prior of the grid is filtered through each day at once (:func:`filter_day` is
    vectorised over priors and causal: its state after interval ``k`` uses intervals up to
    ``k`` only); the rest of the day after a cut is the forecast times 1 + the day level
    then, as :func:`update_rest_of_day_state` computes it one prior and one cut at a time.
    """
    levels = np.asarray(LEVEL_SD_GRID, dtype=float)
    errors = np.zeros(len(levels))
    for _, day in past.groupby("target_date"):
        actual = day["actual"].to_numpy(dtype=float)
        forecast = day["forecast"].to_numpy(dtype=float)
        minutes = 15.0 * np.arange(len(day))
        level, recent = filter_day(
            actual, forecast, minutes, levels, np.zeros_like(levels), np.full_like(levels, 60.0)
        )
        for cut in range(4, len(day), 4):
            decay = np.exp(-(minutes[cut:] - minutes[cut - 1]) / 60.0)
            factor = 1.0 + level[cut - 1][:, None] + decay[None, :] * recent[cut - 1][:, None]
            rest = np.maximum(factor, 0.0) * forecast[None, cut:]
            errors += np.abs(actual[None, cut:] - rest).sum(axis=1)
    # The first lowest, as a strict "<" over the grid in order would keep.
    return UpdateParameters(level_sd=float(levels[np.argmin(errors)]), recent_sd=0.0,
                            recent_minutes=60.0)  # fmt: skip


def test_fading_update_beats_the_day_factor_when_bursts_pass() -> None:
    # Days run high or low AND have bursts: the day factor reads the morning's burst as
    # a busy day; the state-space update separates the fading burst from the day level.
    index = pd.date_range("2024-02-01 08:00", periods=48, freq="15min", tz="UTC")
    errors = {"state": 0.0, "day factor": 0.0}
    for seed in range(5):
        past = _past_days(_level_and_burst, seed)
        prior, level_only = fit_update_parameters(past), _best_day_factor(past)
        ratio = np.full(48, 1.15)
        ratio[2:6] *= 1.8  # a burst 08:30-09:30; the update is at 11:00
        actual = np.random.default_rng(100 + seed).poisson(400 * ratio).astype(float)
        so_far = pd.Series(actual[:12], index=index[:12])
        forecast = np.full(48, 400.0)
        state, _, _ = update_rest_of_day_state(forecast, index, so_far, index[12], 15, prior)
        gamma, _, _ = update_rest_of_day_state(forecast, index, so_far, index[12], 15, level_only)
        errors["state"] += np.abs(actual[12:] - state[12:]).sum()
        errors["day factor"] += np.abs(actual[12:] - gamma[12:]).sum()
    assert errors["state"] < 0.8 * errors["day factor"]


def test_bad_prior_is_refused() -> None:
    with pytest.raises(InputError, match="recent_minutes"):
        UpdateParameters(level_sd=0.01, recent_sd=0.01, recent_minutes=0.0)
    with pytest.raises(InputError, match="level_sd"):
        UpdateParameters(level_sd=float("nan"), recent_sd=0.01, recent_minutes=60.0)
