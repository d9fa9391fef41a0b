"""DailyTotalsETS: recovers a known weekly shape and trend, and falls back instead of failing."""

from __future__ import annotations

import datetime as dt
import logging
import warnings

import numpy as np
import pandas as pd
import pytest
from forecast_synthetic import WEEKLY_SHAPE, as_series, expected_volume, synthetic_frame
from statsmodels.tools.sm_exceptions import ConvergenceWarning
from statsmodels.tsa.holtwinters import ExponentialSmoothing

from wfm.forecast import DailyTotalsETS, SameSlotAverage, forecast_grid, wape
from wfm.timegrid import OpeningHours

FIRST_DATE = dt.date(2024, 1, 1)  # a Monday
TZ = "Europe/London"
WEEKDAYS = OpeningHours.from_strings(
    {day: "08:00-18:00" for day in ("mon", "tue", "wed", "thu", "fri")}
)


def daily_totals(index: pd.DatetimeIndex, values: np.ndarray) -> pd.Series:
    return pd.Series(values, index=index.tz_localize(None).normalize()).groupby(level=0).sum()


def test_recovers_weekly_shape_and_trend() -> None:
    days = 140  # twenty weeks, Monday to Friday, growing by 0.6 % of the first level a day
    params = {"first_date": FIRST_DATE, "daily_volume": 4000.0, "trend_per_day": 0.006}
    history = as_series(synthetic_frame(days=days, seed=5, **params))
    grid = forecast_grid(FIRST_DATE + dt.timedelta(days=days), 7, 15, TZ, WEEKDAYS)

    model = DailyTotalsETS().fit(history, 15)
    forecast = model.predict(grid)
    truth = expected_volume(grid, **params)

    assert model.fallback_reason_ is None
    forecast_days, true_days = daily_totals(grid, forecast), daily_totals(grid, truth)
    np.testing.assert_allclose(forecast_days.to_numpy(), true_days.to_numpy(), rtol=0.03)
    assert wape(truth, forecast) < 0.05
    # The weekly shape is the generator's (Monday busiest, Friday quietest).
    shape = forecast_days.to_numpy() / forecast_days.mean()
    expected_shape = np.asarray(WEEKLY_SHAPE[:5]) / np.mean(WEEKLY_SHAPE[:5])
    np.testing.assert_allclose(shape, expected_shape, atol=0.04)
    # The trend is extrapolated: the week's total is closer than last week's actual total.
    error = abs(forecast.sum() - truth.sum()) / truth.sum()
    last_week = history[history.index >= grid[0] - pd.Timedelta(days=7)].sum()
    assert error < 0.015
    assert error < abs(last_week - truth.sum()) / truth.sum()


def test_profile_sums_to_one_per_open_weekday_and_holidays_are_flagged() -> None:
    holidays = (dt.date(2024, 1, 15), dt.date(2024, 2, 7))
    history = as_series(
        synthetic_frame(first_date=FIRST_DATE, days=70, missing_dates=holidays, seed=2)
    )
    model = DailyTotalsETS().fit(history, 15)
    np.testing.assert_allclose(model.profile_.loc[0:4].sum(axis=1), 1.0)
    assert model.profile_.loc[5:6].isna().all().all()
    assert model.filled_dates_ == list(holidays)
    assert model.weekmask_ == "1111100"


def test_seven_day_centre_uses_a_weekly_period_of_seven() -> None:
    weekdays = tuple(range(7))
    history = as_series(synthetic_frame(first_date=FIRST_DATE, days=70, weekdays=weekdays, seed=4))
    model = DailyTotalsETS().fit(history, 15)
    assert model.weekmask_ == "1111111"
    assert model.results_.model.seasonal_periods == 7


def _short_history() -> pd.Series:
    return as_series(synthetic_frame(first_date=FIRST_DATE, days=14, seed=6, queue="billing"))


def _assert_fell_back(
    model: DailyTotalsETS, history: pd.Series, caplog: pytest.LogCaptureFixture
) -> None:
    assert model.results_ is None and model.fallback_reason_
    messages = [
        record.getMessage() for record in caplog.records if record.levelno == logging.WARNING
    ]
    assert any("billing" in message and "daily_totals_ets" in message for message in messages), (
        messages
    )
    grid = forecast_grid(dt.date(2024, 1, 15), 7, 15, TZ, WEEKDAYS)
    forecast = model.predict(grid)
    assert np.isfinite(forecast).all()
    np.testing.assert_array_equal(forecast, SameSlotAverage().fit(history, 15).predict(grid))


def test_too_short_history_falls_back_with_a_warning(caplog: pytest.LogCaptureFixture) -> None:
    history = _short_history()  # ten open days: fewer than two weeks plus four
    with caplog.at_level(logging.WARNING):
        model = DailyTotalsETS().fit(history, 15)
    _assert_fell_back(model, history, caplog)


def test_fit_error_falls_back_with_a_warning(caplog: pytest.LogCaptureFixture, monkeypatch) -> None:
    def broken_fit(self, *args, **kwargs):
        raise np.linalg.LinAlgError("singular matrix")

    monkeypatch.setattr(ExponentialSmoothing, "fit", broken_fit)
    history = as_series(synthetic_frame(first_date=FIRST_DATE, days=42, seed=6, queue="billing"))
    with caplog.at_level(logging.WARNING):
        model = DailyTotalsETS().fit(history, 15)
    _assert_fell_back(model, history, caplog)
    assert "singular" in model.fallback_reason_


def test_convergence_warning_falls_back(caplog: pytest.LogCaptureFixture, monkeypatch) -> None:
    original_fit = ExponentialSmoothing.fit

    def unconverged_fit(self, *args, **kwargs):
        warnings.warn("Optimization failed to converge.", ConvergenceWarning, stacklevel=2)
        return original_fit(self, *args, **kwargs)

    monkeypatch.setattr(ExponentialSmoothing, "fit", unconverged_fit)
    history = as_series(synthetic_frame(first_date=FIRST_DATE, days=42, seed=6, queue="billing"))
    with caplog.at_level(logging.WARNING):
        model = DailyTotalsETS().fit(history, 15)
    _assert_fell_back(model, history, caplog)
    assert "converge" in model.fallback_reason_


def test_exploding_forecast_is_replaced(caplog: pytest.LogCaptureFixture, monkeypatch) -> None:
    history = as_series(synthetic_frame(first_date=FIRST_DATE, days=42, seed=6, queue="billing"))
    model = DailyTotalsETS().fit(history, 15)
    monkeypatch.setattr(model.results_, "forecast", lambda steps: np.full(steps, 1e9))
    grid = forecast_grid(FIRST_DATE + dt.timedelta(days=42), 7, 15, TZ, WEEKDAYS)
    with caplog.at_level(logging.WARNING):
        forecast = model.predict(grid)
    assert any("implausible" in record.getMessage() for record in caplog.records)
    np.testing.assert_array_equal(forecast, SameSlotAverage().fit(history, 15).predict(grid))


def test_all_zero_history_predicts_zero() -> None:
    frame = synthetic_frame(first_date=FIRST_DATE, days=28, seed=1)
    history = as_series(frame.assign(offered=0.0))
    grid = forecast_grid(FIRST_DATE + dt.timedelta(days=28), 7, 15, TZ, WEEKDAYS)
    forecast = DailyTotalsETS().fit(history, 15).predict(grid)
    np.testing.assert_array_equal(forecast, np.zeros(len(grid)))


def test_smoothing_reused_across_backtest_origins() -> None:
    """Fitted once at the oldest origin; the later origins reuse its smoothing constants
    and give nearly the forecasts of a full fit (estimated initial states)."""
    import datetime as _dt

    from wfm.errors import InputError
    from wfm.forecast.backtest import backtest_origins

    y = as_series(synthetic_frame(first_date=FIRST_DATE, days=140, seed=5))
    cuts = np.array(["2024-05-06", "2024-05-13", "2024-05-20"], dtype="datetime64[D]")
    learnt = {"daily_totals_ets": {}}
    reused = backtest_origins(
        y, 15, models=["daily_totals_ets"], cuts=cuts, max_lead_days=3, reuse=learnt
    )
    full = backtest_origins(y, 15, models=["daily_totals_ets"], cuts=cuts, max_lead_days=3)
    smoothing = learnt["daily_totals_ets"]["smoothing"]
    assert set(smoothing) == {
        "smoothing_level",
        "smoothing_trend",
        "smoothing_seasonal",
        "damping_trend",
    }
    # Rows in the order of the cuts either way; the oldest cut is identical.
    assert reused["target_date"].tolist() == full["target_date"].tolist()
    last = reused["target_date"] < _dt.date(2024, 5, 13)
    assert np.allclose(reused.loc[last, "forecast"], full.loc[last, "forecast"])
    # Elsewhere within 2 % of a full refit, day by day.
    by_day = (
        reused.groupby("target_date")["forecast"].sum()
        / full.groupby("target_date")["forecast"].sum()
    )
    assert np.abs(by_day - 1).max() < 0.02
    fixed = DailyTotalsETS(smoothing=smoothing).fit(y, 15)
    for key, value in smoothing.items():
        assert fixed.smoothing_[key] == pytest.approx(value)
    with pytest.raises(InputError, match="smoothing"):
        DailyTotalsETS(smoothing={"smoothing_level": 2.0}).fit(y, 15)
    with pytest.raises(InputError, match="smoothing"):
        DailyTotalsETS(smoothing={"alpha": 0.1}).fit(y, 15)
