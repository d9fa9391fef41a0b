"""Seasonal naive and same-slot average against values read straight off the history."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from forecast_synthetic import as_series, synthetic_frame

from wfm.errors import InputError
from wfm.forecast import SameSlotAverage, SeasonalNaive, forecast_grid, make_model
from wfm.timegrid import OpeningHours

FIRST_DATE = dt.date(2024, 1, 1)  # a Monday
DAYS = 56  # eight weeks: 2024-01-01 .. 2024-02-25
NEXT_MONDAY = dt.date(2024, 2, 26)
TZ = "Europe/London"
WEEKDAYS = OpeningHours.from_strings(
    {day: "08:00-18:00" for day in ("mon", "tue", "wed", "thu", "fri")}
)


def at(date: dt.date, clock: str) -> pd.Timestamp:
    return pd.Timestamp(f"{date} {clock}").tz_localize(TZ)


@pytest.fixture(scope="module")
def history() -> pd.Series:
    return as_series(synthetic_frame(first_date=FIRST_DATE, days=DAYS, seed=3))


def test_seasonal_naive_repeats_last_week_exactly(history: pd.Series) -> None:
    grid = forecast_grid(NEXT_MONDAY, 14, 15, TZ, WEEKDAYS)
    forecast = SeasonalNaive().fit(history, 15).predict(grid)

    last_week = history[history.index >= at(NEXT_MONDAY - dt.timedelta(days=7), "00:00")]
    one_week = pd.Timedelta(days=7)
    assert len(last_week) == len(grid) // 2
    # Week 1 is last week shifted by seven days; week 2 repeats it again.
    np.testing.assert_array_equal(forecast[: len(last_week)], last_week.to_numpy())
    np.testing.assert_array_equal(forecast[len(last_week) :], last_week.to_numpy())
    assert (grid[: len(last_week)] - one_week).equals(last_week.index)


def test_seasonal_naive_falls_back_to_the_latest_same_weekday(history: pd.Series) -> None:
    last_wednesday = NEXT_MONDAY - dt.timedelta(days=5)
    last_thursday = NEXT_MONDAY - dt.timedelta(days=4)
    gappy = history[history.index.tz_localize(None).normalize() != pd.Timestamp(last_wednesday)]
    gappy = gappy.drop(at(last_thursday, "10:00"))

    model = SeasonalNaive().fit(gappy, 15)
    wednesday, thursday = NEXT_MONDAY + dt.timedelta(days=2), NEXT_MONDAY + dt.timedelta(days=3)
    targets = pd.DatetimeIndex(
        [at(wednesday, "09:00"), at(thursday, "10:00"), at(thursday, "10:15")]
    )
    forecast = model.predict(targets)

    two_weeks = dt.timedelta(days=14)
    assert forecast[0] == history[at(wednesday - two_weeks, "09:00")]
    assert forecast[1] == history[at(thursday - two_weeks, "10:00")]
    assert forecast[2] == history[at(thursday - dt.timedelta(days=7), "10:15")]


def test_same_slot_average_is_the_mean_of_the_last_weeks_that_have_the_slot(
    history: pd.Series,
) -> None:
    last_tuesday = NEXT_MONDAY - dt.timedelta(days=6)
    gappy = history[history.index.tz_localize(None).normalize() != pd.Timestamp(last_tuesday)]
    model = SameSlotAverage(weeks=4).fit(gappy, 15)

    monday, tuesday = NEXT_MONDAY, NEXT_MONDAY + dt.timedelta(days=1)
    forecast = model.predict(pd.DatetimeIndex([at(monday, "10:30"), at(tuesday, "10:30")]))

    def week(date: dt.date, weeks_back: int) -> float:
        return float(history[at(date - dt.timedelta(days=7 * weeks_back), "10:30")])

    monday_mean = (week(monday, 1) + week(monday, 2) + week(monday, 3) + week(monday, 4)) / 4
    # Last Tuesday is missing, so the four Tuesdays before it are used.
    tuesday_mean = (week(tuesday, 2) + week(tuesday, 3) + week(tuesday, 4) + week(tuesday, 5)) / 4
    assert forecast[0] == pytest.approx(monday_mean, rel=1e-12)
    assert forecast[1] == pytest.approx(tuesday_mean, rel=1e-12)


def test_same_slot_average_beyond_one_week_repeats_the_latest_window(history: pd.Series) -> None:
    model = SameSlotAverage(weeks=3).fit(history, 15)
    grid = forecast_grid(NEXT_MONDAY, 21, 15, TZ, WEEKDAYS)
    forecast = model.predict(grid).reshape(3, -1)
    np.testing.assert_array_equal(forecast[0], forecast[1])
    np.testing.assert_array_equal(forecast[0], forecast[2])


def test_same_slot_average_with_one_week_is_seasonal_naive(history: pd.Series) -> None:
    grid = forecast_grid(NEXT_MONDAY, 7, 15, TZ, WEEKDAYS)
    np.testing.assert_array_equal(
        SameSlotAverage(weeks=1).fit(history, 15).predict(grid),
        SeasonalNaive().fit(history, 15).predict(grid),
    )


def test_same_slot_average_in_sample_uses_only_earlier_weeks(history: pd.Series) -> None:
    target = at(FIRST_DATE + dt.timedelta(days=21), "12:00")  # fourth Monday
    forecast = SameSlotAverage(weeks=2).fit(history, 15).predict(pd.DatetimeIndex([target]))
    earlier = [history[target - pd.Timedelta(days=7 * k)] for k in (1, 2)]
    assert forecast[0] == pytest.approx(np.mean(earlier))


@pytest.mark.parametrize("weeks", [0, 2.5])
def test_same_slot_average_rejects_bad_weeks(history: pd.Series, weeks: float) -> None:
    with pytest.raises(InputError, match="weeks"):
        SameSlotAverage(weeks=weeks).fit(history, 15)


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
