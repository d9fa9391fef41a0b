"""Real data: day-ahead forecasts of the last five weekdays of the bank call counts."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from wfm.data.schemas import History
from wfm.forecast import forecast_history, wape
from wfm.forecast.backtest import backtest_series, leaderboard
from wfm.forecast.selection import AUTO_CANDIDATES, AUTO_COMBINATIONS


def day_ahead(
    history: History, model: str, days: int = 5
) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Forecast each of the last ``days`` dates from the history before it."""
    frame = history.frame
    local_dates = frame["interval_start"].dt.tz_localize(None).dt.date
    actual, forecast, chosen = [], [], []
    for date in sorted(local_dates.unique())[-days:]:
        result = forecast_history(history, start_date=date, horizon_days=1, model=model)
        truth = frame[local_dates == date]
        # Same intervals (07:00-21:00 starts), so the values line up.
        assert result["interval_start"].tolist() == truth["interval_start"].tolist()
        actual.append(truth["offered"].to_numpy())
        forecast.append(result["offered"].to_numpy())
        chosen.append(result["model"].iloc[0])
    return np.concatenate(actual), np.concatenate(forecast), chosen


@pytest.mark.slow
def test_auto_beats_seasonal_naive_day_ahead(bank_history: History) -> None:
    actual, auto_forecast, chosen = day_ahead(bank_history, "auto")
    _, naive_forecast, _ = day_ahead(bank_history, "seasonal_naive")
    auto_wape, naive_wape = wape(actual, auto_forecast), wape(actual, naive_forecast)
    assert len(actual) == 5 * 169
    assert auto_wape < naive_wape
    # Poisson noise alone gives about 0.057 on this data; published baselines 0.09-0.11.
    assert 0.057 < auto_wape < 0.10
    assert set(chosen) <= set(AUTO_CANDIDATES) | set(AUTO_COMBINATIONS)


def test_top_down_closes_the_gap_to_poisson_noise(bank_history: History) -> None:
    """Rolling origin over the last four weeks (20 target days).

    The target (issue #3) is 0.85 x the four-week average's 0.094 of the data's README,
    i.e. 0.080, day-ahead, and never worse than that baseline week-ahead.
    """
    y = pd.Series(
        bank_history.frame["offered"].to_numpy(),
        index=pd.DatetimeIndex(bank_history.frame["interval_start"]),
        name="bank",
    )
    detail = backtest_series(
        y, 5, models=("same_slot_average", "top_down"), horizons_days=(1, 7), origins=20
    )
    board = leaderboard(detail).set_index(["horizon_days", "model"])["wape"]
    assert board[(1, "top_down")] <= 0.85 * 0.094
    assert board[(1, "top_down")] < board[(1, "same_slot_average")]
    assert board[(7, "top_down")] <= board[(7, "same_slot_average")]
    assert board[(1, "top_down")] > 0.057  # not below the Poisson floor: no leak of the target day


def test_bank_forecast_has_no_aht_and_covers_the_opening_hours(bank_history: History) -> None:
    result = forecast_history(bank_history, horizon_days=7, model="same_slot_average")
    local = pd.DatetimeIndex(result["interval_start"]).tz_localize(None)
    # The history ends on Friday 2003-10-24: the next week, Monday to Friday, 169 intervals a day.
    assert len(result) == 5 * 169
    assert local.min() == pd.Timestamp("2003-10-27 07:00") and local.max() == pd.Timestamp(
        "2003-10-31 21:00"
    )
    assert result["aht_seconds"].isna().all()
