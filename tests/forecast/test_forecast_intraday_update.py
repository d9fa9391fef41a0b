"""Intraday update: a shrunk day factor from the arrivals so far."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from forecast_synthetic import as_history, synthetic_frame

from wfm.errors import InputError
from wfm.forecast import forecast_history
from wfm.forecast.intraday_update import day_factor, fit_update_strength, update_rest_of_day

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
    result, factor, so_far = update_rest_of_day(
        offered, index, pd.Series(dtype=float), index[4], 15, 200.0
    )
    assert factor == 1.0 and so_far == 0.0
    np.testing.assert_array_equal(result, offered)


def test_strength_is_learnt_from_past_days() -> None:
    # Past days whose level varies a lot from day to day: a weak prior (small k) wins.
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
    strength = fit_update_strength(pd.concat(rows, ignore_index=True))
    assert strength < 1000  # steady days would give a strength near infinity
    assert fit_update_strength(None) == 200.0


def test_as_of_on_another_day_than_the_start_is_refused() -> None:
    history = as_history(shocked_history())
    with pytest.raises(InputError, match="as_of"):
        forecast_history(
            history, start_date=dt.date(2024, 4, 2), as_of=dt.datetime(2024, 4, 1, 10, 0)
        )
