"""The top-down calendar model, the decayed same-slot average, MSTL and Holt-Winters."""

from __future__ import annotations

import datetime as dt
import logging

import numpy as np
import pandas as pd
import pytest
from forecast_synthetic import as_series, synthetic_frame

from wfm.forecast import make_model
from wfm.forecast.slots import wall_clock

FIRST_DATE = dt.date(2024, 1, 1)
TZ = "Europe/London"


@pytest.fixture(scope="module")
def payday_history() -> pd.Series:
    """Six months of weekdays; the first three days of each month are 40 % busier."""
    frame = synthetic_frame(first_date=FIRST_DATE, days=182, seed=21)
    day = frame["interval_start"].dt.day
    frame["offered"] = np.where(day <= 3, np.round(frame["offered"] * 1.4), frame["offered"])
    return as_series(frame)


def test_top_down_learns_the_day_of_month_effect(payday_history) -> None:
    model = make_model("top_down").fit(payday_history, 15)
    index = model.month_day_index_
    assert index[1:4].mean() > 1.2 * index[10:25].mean()
    without = make_model("top_down", month_day_effect=False).fit(payday_history, 15)
    assert np.all(without.month_day_index_ == 1.0)
    # Weekday index: Monday busiest, Friday quietest, as generated (1.25 vs 0.9).
    weekdays = model.weekday_index_
    assert (
        np.nanargmax(weekdays) == 0 and np.nanargmin(weekdays) == 4 and np.isnan(weekdays[5:]).all()
    )
    # Forecast of a payday against a mid-month day of the same weekday.
    payday = pd.date_range("2024-07-01 08:00", periods=40, freq="15min", tz=TZ)  # Monday 1 July
    mid = pd.date_range("2024-07-15 08:00", periods=40, freq="15min", tz=TZ)  # Monday 15 July
    assert (
        model.predict(payday).sum() > 1.1 * model.predict(mid).sum()
    )  # smoothed and shrunk: below 1.4
    assert without.predict(payday).sum() == pytest.approx(without.predict(mid).sum())


def test_top_down_profile_sums_to_one_and_is_smoothed(payday_history) -> None:
    rough = make_model("top_down", smooth_intervals=0).fit(payday_history, 15).profile_
    smooth = make_model("top_down", smooth_intervals=2).fit(payday_history, 15).profile_
    for profile in (rough, smooth):
        np.testing.assert_allclose(profile.loc[0:4].sum(axis=1), 1.0)
        assert profile.loc[5:6].isna().all().all()
    assert (
        np.abs(np.diff(smooth.loc[0].to_numpy())).sum()
        < np.abs(np.diff(rough.loc[0].to_numpy())).sum()
    )


def test_weighted_same_slot_weights_recent_weeks_more() -> None:
    frame = synthetic_frame(first_date=FIRST_DATE, days=56, noise=False)
    weeks = (
        (frame["interval_start"].dt.tz_localize(None) - pd.Timestamp(FIRST_DATE)).dt.days // 7
    ).to_numpy()
    frame["offered"] = 10.0 * (1 + weeks)  # 10, 20, ..., 80: a step up every week
    y = as_series(frame)
    monday = pd.date_range("2024-02-26 08:00", periods=40, freq="15min", tz=TZ)
    flat = make_model("weighted_same_slot", weeks=4, decay=1.0).fit(y, 15).predict(monday)
    decayed = make_model("weighted_same_slot", weeks=4, decay=0.5).fit(y, 15).predict(monday)
    np.testing.assert_allclose(flat, (50 + 60 + 70 + 80) / 4)
    np.testing.assert_allclose(decayed, (80 + 70 * 0.5 + 60 * 0.25 + 50 * 0.125) / 1.875)
    np.testing.assert_allclose(make_model("same_slot_average").fit(y, 15).predict(monday), flat)


def test_mstl_components_add_up_to_the_forecast() -> None:
    y = as_series(synthetic_frame(first_date=FIRST_DATE, days=56, seed=4))
    model = make_model("mstl").fit(y, 15)
    future = pd.date_range("2024-02-26 08:00", periods=40, freq="15min", tz=TZ).append(
        pd.date_range("2024-02-27 08:00", periods=40, freq="15min", tz=TZ)
    )
    components = model.predict_components(future)
    assert list(components.columns) == ["trend", "daily", "weekly"]
    np.testing.assert_allclose(np.expm1(components.sum(axis=1)), model.predict(future))
    assert components["trend"].nunique() == 1
    np.testing.assert_allclose(
        components["daily"].iloc[:40], components["daily"].iloc[40:]
    )  # one daily cycle
    _, minutes = wall_clock(future[:40])
    assert components["daily"].iloc[:40].idxmax().hour in range(9, 13)  # the late-morning peak


@pytest.mark.parametrize(
    "name,target",
    [
        ("mstl", "wfm.forecast.intraday.MSTL"),
        ("holt_winters", "wfm.forecast.intraday.ExponentialSmoothing"),
    ],
)
def test_interval_models_fall_back_with_a_warning(name, target, monkeypatch, caplog) -> None:
    def broken(*args, **kwargs):
        raise np.linalg.LinAlgError("singular matrix")

    monkeypatch.setattr(target, broken)
    y = as_series(synthetic_frame(first_date=FIRST_DATE, days=42, queue="claims"))
    future = pd.date_range("2024-02-12 08:00", periods=40, freq="15min", tz=TZ)
    with caplog.at_level(logging.WARNING):
        model = make_model(name).fit(y, 15)
        values = model.predict(future)
    assert model.fallback_reason_ and "singular" in model.fallback_reason_
    assert any("claims" in record.message and name in record.message for record in caplog.records)
    np.testing.assert_allclose(values, make_model("same_slot_average").fit(y, 15).predict(future))
