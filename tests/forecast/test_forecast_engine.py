"""forecast_history: the whole chain per queue, model choice, validation, DST and speed."""

from __future__ import annotations

import datetime as dt
import logging

import numpy as np
import pandas as pd
import pytest
from forecast_synthetic import as_history, as_series, intraday_shape, synthetic_frame

from wfm.errors import InputError
from wfm.forecast import FORECAST_RESULT_COLUMNS, forecast_history, select_model
from wfm.timegrid import OpeningHours, interval_grid

FIRST_DATE = dt.date(2024, 1, 1)  # a Monday
TZ = "Europe/London"


@pytest.fixture(scope="module")
def two_queues():
    """Eight weeks of two weekday queues; 'service' has no AHT."""
    sales = synthetic_frame(first_date=FIRST_DATE, days=56, seed=1, queue="sales")
    service = synthetic_frame(
        first_date=FIRST_DATE,
        days=56,
        seed=2,
        queue="service",
        daily_volume=800.0,
        open_minute=9 * 60,
    ).assign(aht_seconds=np.nan)
    return as_history(pd.concat([service, sales], ignore_index=True))


def test_output_shape_and_order(two_queues) -> None:
    original = two_queues.frame.copy()
    result = forecast_history(two_queues, model="same_slot_average")

    assert tuple(result.columns) == FORECAST_RESULT_COLUMNS
    assert str(result["interval_start"].dt.tz) == TZ
    assert list(result["queue"].unique()) == ["sales", "service"]
    for _queue, rows in result.groupby("queue"):
        assert rows["interval_start"].is_monotonic_increasing and rows["interval_start"].is_unique
    # Default start: the day after the history; default hours: inferred per queue.
    local = result["interval_start"].dt.tz_localize(None)
    assert local.min().date() == dt.date(2024, 2, 26)
    assert local.max().date() == dt.date(2024, 3, 1)  # the weekend is closed
    counts = result.groupby("queue").size()
    assert counts.to_dict() == {"sales": 5 * 40, "service": 5 * 36}  # 08:00-18:00 and 09:00-18:00
    assert (result["offered"] >= 0).all() and np.isfinite(result["offered"]).all()
    assert (result["model"] == "same_slot_average").all()
    sales_aht = result.loc[result["queue"] == "sales", "aht_seconds"]
    assert sales_aht.between(250, 350).all()
    assert result.loc[result["queue"] == "service", "aht_seconds"].isna().all()
    pd.testing.assert_frame_equal(two_queues.frame, original)


def test_given_hours_and_holidays_are_used(two_queues) -> None:
    hours = OpeningHours.from_strings(
        {day: "10:00-16:00" for day in ("mon", "tue", "wed", "thu", "fri", "sat")}
    )
    holiday = dt.date(2024, 2, 27)
    result = forecast_history(
        two_queues,
        horizon_days=7,
        opening_hours=hours.with_closed_dates([holiday]),
        model="seasonal_naive",
    )
    local = result["interval_start"].dt.tz_localize(None)
    assert holiday not in set(local.dt.date)
    assert local.dt.hour.min() == 10 and local.dt.hour.max() == 15
    assert result.groupby("queue").size().to_dict() == {"sales": 5 * 24, "service": 5 * 24}
    # Saturday was never seen: forecast from coarser slots, still finite and non-negative.
    saturday = result[local.dt.day_of_week == 5]
    assert len(saturday) == 2 * 24 and np.isfinite(saturday["offered"]).all()


def test_start_date_inside_the_history_uses_only_earlier_rows(two_queues) -> None:
    start = dt.date(2024, 2, 19)
    full = forecast_history(two_queues, start_date=start, horizon_days=5, model="same_slot_average")
    frame = two_queues.frame
    truncated = as_history(
        frame[frame["interval_start"].dt.tz_localize(None) < pd.Timestamp(start)]
    )
    expected = forecast_history(
        truncated, start_date=start, horizon_days=5, model="same_slot_average"
    )
    assert len(full) == 5 * 40 + 5 * 36
    pd.testing.assert_frame_equal(full, expected)


def test_progress_is_reported_per_queue(two_queues) -> None:
    calls = []
    forecast_history(
        two_queues,
        model="seasonal_naive",
        progress=lambda done, message: calls.append((done, message)),
    )
    fractions = [done for done, _ in calls]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0
    assert any("sales" in message for _, message in calls) and any(
        "service" in message for _, message in calls
    )


def test_short_history_is_refused_naming_the_queue() -> None:
    frame = pd.concat(
        [
            synthetic_frame(first_date=FIRST_DATE, days=28, queue="sales"),
            synthetic_frame(first_date=dt.date(2024, 1, 17), days=12, queue="chat"),
        ],
        ignore_index=True,
    )
    with pytest.raises(InputError) as error:
        forecast_history(as_history(frame))
    assert "chat" in str(error.value) and "14" in str(error.value)


def test_unknown_model_and_bad_horizon(two_queues) -> None:
    with pytest.raises(InputError, match="seasonal_naive"):
        forecast_history(two_queues, model="arima")
    with pytest.raises(InputError, match="horizon"):
        forecast_history(two_queues, horizon_days=0)


def test_all_zero_queue_forecasts_zero_with_a_warning(caplog: pytest.LogCaptureFixture) -> None:
    frame = synthetic_frame(first_date=FIRST_DATE, days=28, queue="dormant").assign(offered=0.0)
    with caplog.at_level(logging.WARNING):
        result = forecast_history(as_history(frame))
    assert len(result) == 5 * 40
    assert (result["offered"] == 0).all() and (result["model"] == "zero").all()
    assert any(
        "dormant" in record.getMessage()
        for record in caplog.records
        if record.levelno == logging.WARNING
    )


@pytest.mark.parametrize(
    ("start", "short_or_long_day", "intervals"),
    [
        (dt.date(2024, 3, 25), dt.date(2024, 3, 31), 92),
        (dt.date(2024, 10, 21), dt.date(2024, 10, 27), 100),
    ],
)
def test_daylight_saving_week(start: dt.date, short_or_long_day: dt.date, intervals: int) -> None:
    """A 24/7 centre in Europe/London: the DST Sunday has 23 or 25 hours of intervals."""
    history_start = start - dt.timedelta(days=42)
    frame = synthetic_frame(
        first_date=history_start,
        days=42,
        weekdays=tuple(range(7)),
        open_minute=0,
        close_minute=24 * 60,
        seed=9,
    )
    result = forecast_history(as_history(frame), horizon_days=7)

    local_dates = result["interval_start"].dt.tz_localize(None).dt.date
    per_day = local_dates.value_counts().sort_index()
    expected = {start + dt.timedelta(days=k): 96 for k in range(7)} | {short_or_long_day: intervals}
    assert per_day.to_dict() == expected
    assert len(result) == 6 * 96 + intervals
    assert result["interval_start"].is_unique and result["interval_start"].is_monotonic_increasing
    steps = np.diff(result["interval_start"].to_numpy())
    assert (steps == np.timedelta64(15, "m")).all()  # contiguous in real time across the change
    assert np.isfinite(result["offered"]).all() and (result["offered"] > 0).all()
    # Stored as local time in the history's zone; UTC offsets change on the Sunday.
    offsets = result["interval_start"].map(lambda stamp: stamp.utcoffset()).unique()
    assert len(offsets) == 2


# --- automatic model choice ---------------------------------------------------------------


def moving_peak_history(weeks: int = 12) -> pd.Series:
    """No noise; the busy hour moves 30 minutes later every week: last week is the best guide."""
    grid = interval_grid(FIRST_DATE, weeks * 7, 15, TZ)
    local = grid.tz_localize(None)
    minutes = (local.hour * 60 + local.minute).to_numpy()
    open_ = (local.day_of_week < 5) & (minutes >= 8 * 60) & (minutes < 18 * 60)
    week = ((local.normalize() - pd.Timestamp(FIRST_DATE)).days // 7).to_numpy()
    peak_minute = 9 * 60 + 30 * week
    values = 5 + 100 * np.exp(-(((minutes - peak_minute) / 45.0) ** 2))
    return pd.Series(values[open_], index=grid[open_], name="moving")


@pytest.mark.slow
def test_auto_picks_seasonal_naive_when_the_pattern_moves_weekly() -> None:
    y = moving_peak_history()
    frame = pd.DataFrame(
        {
            "interval_start": y.index,
            "queue": "moving",
            "offered": y.to_numpy(),
            "aht_seconds": 300.0,
        }
    )
    result = forecast_history(as_history(frame), horizon_days=7)
    assert (result["model"] == "seasonal_naive").all()
    choice = select_model(y, 15)
    assert choice.name == "seasonal_naive"
    assert choice.wape_by_model["seasonal_naive"] < min(
        score for name, score in choice.wape_by_model.items() if name != "seasonal_naive"
    )
    assert choice.model_for_lead(7) == "seasonal_naive"


def test_auto_picks_the_average_over_seasonal_naive_on_stationary_noise() -> None:
    y = as_series(synthetic_frame(first_date=FIRST_DATE, days=84, daily_volume=400.0, seed=8))
    choice = select_model(y, 15, candidates=["seasonal_naive", "same_slot_average"])
    assert choice.name == "same_slot_average"
    assert choice.wape_by_model["same_slot_average"] < choice.wape_by_model["seasonal_naive"]
    assert choice.lead_days == 7 and choice.origins == 10


@pytest.mark.slow
def test_auto_picks_ets_on_a_strong_trend() -> None:
    frame = synthetic_frame(
        first_date=FIRST_DATE, days=84, daily_volume=3000.0, trend_per_day=0.02, seed=4
    )
    result = forecast_history(as_history(frame), horizon_days=7)
    assert (result["model"] == "daily_totals_ets").all()


def test_auto_on_a_short_history_uses_the_default() -> None:
    y = as_series(synthetic_frame(first_date=FIRST_DATE, days=14, seed=3))
    choice = select_model(y, 15)
    assert (
        choice.name == "same_slot_average" and choice.wape_by_model == {} and choice.lead_days == 0
    )


@pytest.mark.parametrize("model", ["holt_winters", "daily_totals_ets"])
def test_a_screened_model_skipped_at_every_cut_off_falls_back_without_a_crash(
    model: str, caplog: pytest.LogCaptureFixture
) -> None:
    """Two weeks and a day of a six-day week: the screened model is skipped at each of
    the choice's cut-offs (it crashed with "No objects to concatenate"); the forecast
    falls back with a warning naming the queue and the model, and has no NaN."""
    frame = synthetic_frame(
        first_date=FIRST_DATE, days=15, weekdays=(0, 1, 2, 3, 4, 5), seed=5, queue="sales"
    )
    with caplog.at_level(logging.WARNING):
        result = forecast_history(as_history(frame), horizon_days=7, model=model)
    assert len(result) > 0 and np.isfinite(result["offered"]).all()
    warned = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert any("sales" in message and model in message for message in warned)


def test_intraday_shape_is_positive() -> None:  # guards the synthetic generator the tests rely on
    assert (intraday_shape(np.arange(0, 1440, 15.0)) > 0).all()


# --- speed --------------------------------------------------------------------------------


@pytest.mark.slow
def test_two_queues_two_years_of_quarter_hours_give_a_full_week() -> None:
    frames = [
        synthetic_frame(
            first_date=dt.date(2023, 1, 2),
            days=728,
            weekdays=tuple(range(7)),
            open_minute=0,
            close_minute=24 * 60,
            daily_volume=volume,
            seed=seed,
            queue=queue,
        )
        for seed, (queue, volume) in enumerate([("sales", 3000.0), ("service", 1200.0)])
    ]
    history = as_history(pd.concat(frames, ignore_index=True))
    assert len(history.frame) == 2 * 728 * 96
    result = forecast_history(history, horizon_days=7)
    assert len(result) == 2 * 7 * 96
