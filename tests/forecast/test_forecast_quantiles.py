"""Prediction quantiles: the Poisson-gamma mixture, its fit, and calibration in a backtest."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from forecast_synthetic import as_history, synthetic_frame

from wfm.data.schemas import History
from wfm.errors import InputError
from wfm.forecast import (
    backtest_series,
    fit_dispersion,
    forecast_history,
    poisson_gamma_quantile,
    quantile_forecast,
)


def test_dispersion_recovers_a_known_gamma_mixture() -> None:
    rng = np.random.default_rng(3)
    mean = rng.uniform(20, 200, 200_000)
    actual = rng.poisson(mean * rng.gamma(1 / 0.02, 0.02, mean.shape))
    assert fit_dispersion(actual, mean) == pytest.approx(0.02, rel=0.1)
    assert fit_dispersion(rng.poisson(mean), mean) == pytest.approx(0.0, abs=2e-3)  # Poisson: none


def test_quantiles_are_ordered_and_poisson_when_dispersion_is_zero() -> None:
    mean = np.array([0.0, 5.0, 50.0, 500.0])
    low, mid, high = (poisson_gamma_quantile(mean, 0.01, q) for q in (0.1, 0.5, 0.9))
    assert (low <= mid).all() and (mid <= high).all() and (low[1:] < high[1:]).all()
    assert low[0] == high[0] == 0.0
    wider = poisson_gamma_quantile(mean, 0.05, 0.9)
    assert (wider >= high).all() and wider[-1] > high[-1]
    from scipy import stats

    # Mid-quantiles: within one contact of the integer Poisson quantile at dispersion 0.
    integer = np.where(mean > 0, stats.poisson.ppf(0.8, mean), 0)
    assert (np.abs(poisson_gamma_quantile(mean, 0.0, 0.8) - integer) <= 1.0).all()
    with pytest.raises(InputError):
        poisson_gamma_quantile(mean, 0.01, 1.0)


def test_quantile_forecast_replaces_offered_and_keeps_the_mean() -> None:
    frame = pd.DataFrame({"queue": "q", "offered": [10.0, 100.0], "dispersion": 0.01})
    p80 = quantile_forecast(frame, 0.8)
    assert (p80["offered"] >= frame["offered"]).all()
    assert p80["offered_mean"].tolist() == [10.0, 100.0]
    assert frame["offered"].tolist() == [10.0, 100.0]  # input not modified
    assert (quantile_forecast(frame, 0.2)["offered"] <= frame["offered"]).all()


def test_forecast_has_ordered_quantile_columns() -> None:
    history = as_history(synthetic_frame(first_date=dt.date(2024, 1, 1), days=63, seed=5))
    result = forecast_history(history, model="top_down", horizon_days=5)
    assert (result["offered_p10"] <= result["offered_p50"]).all()
    assert (result["offered_p50"] <= result["offered_p90"]).all()
    assert (result["offered_p10"] < result["offered_p90"]).mean() > 0.9
    assert np.isfinite(
        result[["offered_p10", "offered_p50", "offered_p90", "dispersion"]].to_numpy()
    ).all()
    assert (result["dispersion"] >= 0).all()


def test_p10_p90_cover_about_80_percent_on_the_bank_data(bank_history: History) -> None:
    """Dispersion fitted on one set of backtest days, coverage checked on the next days."""
    frame = bank_history.frame
    y = pd.Series(
        frame["offered"].to_numpy(), index=pd.DatetimeIndex(frame["interval_start"]), name="bank"
    )
    detail = backtest_series(y, 5, models=("top_down",), horizons_days=(1,), origins=30)
    dates = sorted(detail["target_date"].unique())
    fit, check = (
        detail[detail["target_date"].isin(dates[:15])],
        detail[detail["target_date"].isin(dates[15:])],
    )
    dispersion = fit_dispersion(fit["actual"], fit["forecast"])
    low = poisson_gamma_quantile(check["forecast"], dispersion, 0.1)
    high = poisson_gamma_quantile(check["forecast"], dispersion, 0.9)
    inside = ((check["actual"] >= low) & (check["actual"] <= high)).mean()
    assert 0.72 <= inside <= 0.90
