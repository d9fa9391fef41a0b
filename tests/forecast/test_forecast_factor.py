"""The factor model (Shen & Huang) and the forecast combinations."""

from __future__ import annotations

import datetime as dt
import logging

import numpy as np
import pandas as pd
import pytest
from forecast_synthetic import as_history, as_series, synthetic_frame

from wfm.forecast import forecast_history, make_model
from wfm.forecast.combination import combination_weights
from wfm.forecast.factor import FactorModel
from wfm.timegrid import interval_grid

TZ = "Europe/London"
FIRST_DATE = dt.date(2024, 1, 1)  # a Monday


def two_factor_history(days: int = 140) -> tuple[pd.Series, np.ndarray, np.ndarray]:
    """Weekdays 08:00-18:00, 15-min; root counts = b1 f1 + b2 f2 exactly (no noise)."""
    grid = interval_grid(FIRST_DATE, days, 15, TZ)
    local = grid.tz_localize(None)
    minutes = (local.hour * 60 + local.minute).to_numpy()
    keep = (local.day_of_week < 5) & (minutes >= 480) & (minutes < 1080)
    grid, local, minutes = grid[keep], local[keep], minutes[keep]
    slots = np.arange(480, 1080, 15)
    hours = slots / 60
    f1 = 1.0 + np.exp(-(((hours - 11) / 2) ** 2))
    f2 = np.sin((hours - 8) / 10 * 2 * np.pi)
    day = ((local.normalize() - pd.Timestamp(FIRST_DATE)).days).to_numpy()
    b1 = 10 + 2 * (local.day_of_week.to_numpy() == 0) + np.sin(day / 9.0)
    b2 = 1.5 * np.cos(day / 5.0)
    column = np.searchsorted(slots, minutes)
    root = b1 * f1[column] + b2 * f2[column]
    counts = root**2 - 0.25
    return pd.Series(counts, index=grid, name="known"), f1, f2


def test_factor_model_recovers_the_known_profiles() -> None:
    y, f1, f2 = two_factor_history()
    model = FactorModel(factors=2, month_day_effect=False).fit(y, 15)
    basis = model.factors_  # orthonormal rows
    for profile in (f1, f2):
        unit = profile / np.linalg.norm(profile)
        residual = unit - basis.T @ (basis @ unit)
        # The true profiles lie in the span of the two fitted factors (up to rounding).
        assert np.linalg.norm(residual) < 1e-6
    # The first factor carries the level: its weekday means put Monday above Tuesday.
    scores = model.weekday_means_ @ basis
    assert (scores[0] ** 2).sum() > (scores[1] ** 2).sum()


def test_factor_model_forecasts_close_to_the_generating_mean() -> None:
    frame = synthetic_frame(first_date=FIRST_DATE, days=140, daily_volume=4000.0, seed=5)
    model = make_model("factor").fit(as_series(frame), 15)
    start = FIRST_DATE + dt.timedelta(days=140)
    future = interval_grid(start, 7, 15, TZ)
    local = future.tz_localize(None)
    minutes = local.hour * 60 + local.minute
    future = future[(local.day_of_week < 5) & (minutes >= 480) & (minutes < 1080)]
    from forecast_synthetic import expected_volume

    truth = expected_volume(future, first_date=FIRST_DATE, daily_volume=4000.0)
    forecast = model.predict(future)
    # Estimation error only (no noise in the truth): WAPE against the mean within 3 %.
    assert np.abs(forecast - truth).sum() / truth.sum() < 0.03


def test_too_little_history_for_the_factor_model_is_a_warning_not_nan(caplog) -> None:
    frame = synthetic_frame(first_date=FIRST_DATE, days=17, seed=2, queue="tiny")
    with caplog.at_level(logging.WARNING):
        result = forecast_history(as_history(frame), horizon_days=3, model="auto")
    assert np.isfinite(result["offered"]).all() and len(result) == 2 * 40  # Thu, Fri
    messages = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert any("tiny" in m and "factor" in m for m in messages), messages


def test_combination_weights_are_inverse_mse() -> None:
    actual = np.array([10.0, 20.0, 30.0])
    good = actual + np.array([1.0, -1.0, 1.0])  # MSE 1
    poor = actual + np.array([2.0, -2.0, 2.0])  # MSE 4
    np.testing.assert_allclose(combination_weights(actual, np.vstack([good, poor])), [0.8, 0.2])


def test_equal_weight_combination_is_the_mean_of_its_members() -> None:
    y = as_series(synthetic_frame(first_date=FIRST_DATE, days=84, seed=7))
    future = y.index[-40:] + pd.Timedelta(days=7)
    both = make_model("combination", members=("same_slot_average", "seasonal_naive")).fit(y, 15)
    one = make_model("same_slot_average").fit(y, 15).predict(future)
    two = make_model("seasonal_naive").fit(y, 15).predict(future)
    np.testing.assert_allclose(both.predict(future), (one + two) / 2)


def test_combination_rejects_unknown_or_nested_members() -> None:
    from wfm.errors import InputError

    y = as_series(synthetic_frame(first_date=FIRST_DATE, days=28, seed=7))
    with pytest.raises(InputError, match="members"):
        make_model("combination", members=("top_down", "combination")).fit(y, 15)
    with pytest.raises(InputError, match="members"):
        make_model("combination_weighted", members=("top_down",)).fit(y, 15)
