"""Opening hours inferred from history, and the grid of open intervals to forecast."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from forecast_synthetic import synthetic_frame

from wfm.errors import InputError
from wfm.forecast import forecast_grid, infer_opening_hours
from wfm.timegrid import OpeningHours

FIRST_DATE = dt.date(2024, 1, 1)


def test_infers_weekday_spans_and_closed_weekend() -> None:
    frame = synthetic_frame(
        first_date=FIRST_DATE, days=28, open_minute=8 * 60, close_minute=18 * 60
    )
    hours = infer_opening_hours(frame, 15)
    assert hours.minutes_by_weekday == {day: (480, 1080) for day in range(5)}
    assert hours.closed_dates == frozenset()


def test_edge_intervals_without_volume_are_outside_the_hours() -> None:
    frame = synthetic_frame(first_date=FIRST_DATE, days=28, weekdays=(0,))
    local = pd.DatetimeIndex(frame["interval_start"]).tz_localize(None)
    quiet = (local.hour < 9) | (local.hour * 60 + local.minute >= 17 * 60 + 30)
    hours = infer_opening_hours(frame.assign(offered=np.where(quiet, 0.0, frame["offered"])), 15)
    assert hours.minutes_by_weekday == {0: (9 * 60, 17 * 60 + 30)}


def test_only_the_lookback_window_counts() -> None:
    old_saturdays = synthetic_frame(
        first_date=FIRST_DATE, days=28, weekdays=(5,), open_minute=600, close_minute=720
    )
    recent = synthetic_frame(first_date=FIRST_DATE + dt.timedelta(days=70), days=56)
    frame = pd.concat([old_saturdays, recent], ignore_index=True)
    assert 5 not in infer_opening_hours(frame, 15, lookback_weeks=8).minutes_by_weekday
    assert infer_opening_hours(frame, 15, lookback_weeks=20).minutes_by_weekday[5] == (600, 720)


def test_all_zero_history_uses_the_intervals_present() -> None:
    frame = synthetic_frame(first_date=FIRST_DATE, days=14).assign(offered=0.0)
    assert infer_opening_hours(frame, 15).minutes_by_weekday == {
        day: (480, 1080) for day in range(5)
    }


def test_empty_history_raises() -> None:
    with pytest.raises(InputError, match="empty"):
        infer_opening_hours(synthetic_frame(days=7).iloc[:0], 15)


def test_bank_hours(bank_history) -> None:
    hours = infer_opening_hours(bank_history.frame, 5)
    assert hours.minutes_by_weekday == {day: (7 * 60, 21 * 60 + 5) for day in range(5)}


@pytest.mark.parametrize(
    ("date", "intervals"),
    [(dt.date(2024, 3, 30), 96), (dt.date(2024, 3, 31), 92), (dt.date(2024, 10, 27), 100)],
)
def test_grid_has_23_and_25_hour_days(date: dt.date, intervals: int) -> None:
    grid = forecast_grid(date, 1, 15, "Europe/London", OpeningHours.always_open())
    assert len(grid) == intervals
    assert str(grid.tz) == "Europe/London"
    assert grid.is_unique and grid.is_monotonic_increasing
    assert (np.diff(grid) == pd.Timedelta(minutes=15)).all()  # no gap in real time


def test_grid_keeps_open_intervals_only() -> None:
    hours = OpeningHours.from_strings(
        {"mon": "08:00-18:00", "sat": "09:00-13:00"}
    ).with_closed_dates([dt.date(2024, 1, 8)])
    grid = forecast_grid(dt.date(2024, 1, 1), 14, 30, "Europe/London", hours)
    local = grid.tz_localize(None)
    counts = pd.Series(1, index=local.normalize()).groupby(level=0).sum()
    assert counts.to_dict() == {
        pd.Timestamp("2024-01-01"): 20,  # Monday 08:00-18:00 in half hours
        pd.Timestamp("2024-01-06"): 8,  # Saturday 09:00-13:00
        pd.Timestamp("2024-01-13"): 8,  # the second Monday is a holiday
    }
    assert local.min() == pd.Timestamp("2024-01-01 08:00")
    assert (
        local[local.day_of_week == 0].hour * 60 + local[local.day_of_week == 0].minute
    ).max() == 17 * 60 + 30


@pytest.mark.parametrize("horizon_days", [0, -1, 1.5])
def test_grid_rejects_bad_horizon(horizon_days) -> None:
    with pytest.raises(InputError, match="horizon"):
        forecast_grid(
            dt.date(2024, 1, 1), horizon_days, 15, "Europe/London", OpeningHours.always_open()
        )
