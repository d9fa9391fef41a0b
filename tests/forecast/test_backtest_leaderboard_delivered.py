"""The `wfm backtest` leaderboard scores the forecasts the engine delivers (issue 18).

Independent check: the leaderboard's per-interval forecasts are compared with
``forecast_history`` run from the same cut-off with the same calendar.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from test_forecast_after_closure import CLOSED, planted_history

from wfm.data.schemas import History
from wfm.forecast import forecast_history
from wfm.forecast.backtest import SELECTION_COLUMNS, backtest_history
from wfm.forecast.holiday_effects import HolidayCalendar

#: A Tuesday without data near the end of the history (a closure).
SHUT = np.datetime64("2024-04-09")
LAST = np.datetime64("2024-04-19")
MODELS = ("top_down", "same_slot_average")
HORIZONS = (1, 7)


def engine_day(history, start: dt.date, day: dt.date, model: str, **calendar) -> pd.DataFrame:
    result = forecast_history(
        history, start_date=start, horizon_days=max(HORIZONS), model=model, **calendar
    )
    return result[result["interval_start"].dt.date == day].reset_index(drop=True)


def scored(detail: pd.DataFrame, day: dt.date, lead: int, model: str) -> pd.DataFrame:
    rows = detail[
        (detail["target_date"] == day)
        & (detail["horizon_days"] == lead)
        & (detail["model"] == model)
    ]
    return rows.sort_values("interval_start").reset_index(drop=True)


@pytest.fixture(scope="module")
def missing_tuesday():
    history = planted_history(np.append(CLOSED, SHUT), last=LAST)
    result = backtest_history(
        history, models=MODELS, horizons_days=HORIZONS, origins=8, workers=1, choose=True
    )
    return history, result


@pytest.mark.parametrize("model", MODELS)
@pytest.mark.parametrize("day", [dt.date(2024, 4, 10), dt.date(2024, 4, 11)])
def test_the_days_after_a_missing_weekday_are_the_engines_forecast(
    missing_tuesday, model, day
) -> None:
    history, result = missing_tuesday
    delivered = engine_day(history, day, day, model)
    assert delivered["model"].str.contains("after closure").all()
    rows = scored(result.detail, day, 1, model)
    np.testing.assert_array_equal(rows["interval_start"], delivered["interval_start"])
    np.testing.assert_allclose(rows["forecast"], delivered["offered"], rtol=1e-9, atol=1e-9)
    # and a week ahead: the forecast made on 10 April for 16 April
    if day == dt.date(2024, 4, 10):
        later = dt.date(2024, 4, 16)
        np.testing.assert_allclose(
            scored(result.detail, later, 7, model)["forecast"],
            engine_day(history, day, later, model)["offered"],
            rtol=1e-9,
        )


def test_the_leaderboard_says_what_auto_would_choose_per_lead_band(missing_tuesday) -> None:
    history, result = missing_tuesday
    choice = result.choice
    assert list(choice.columns) == list(SELECTION_COLUMNS)
    assert set(zip(choice["first_lead_days"], choice["last_lead_days"], strict=True)) == {
        (1, 1),
        (2, 7),
    }
    assert (choice.groupby(["first_lead_days"])["chosen"].sum() == 1).all()
    # the same choice as the forecast engine makes on the whole history
    forecast = forecast_history(history, horizon_days=7)
    assert (
        pd.DataFrame(forecast.attrs["model_choice"])[list(SELECTION_COLUMNS)]
        .reset_index(drop=True)
        .equals(choice.reset_index(drop=True))
    )


#: A holiday the history shows closed (no data on 19 February), again ahead on 15 April
#: when the data has rows of zero contacts.
HOLIDAY = np.datetime64("2024-04-15")
HOLIDAYS = HolidayCalendar(
    {dt.date(2024, 2, 19): "Founders Day", dt.date(2024, 4, 15): "Founders Day"}, "test"
)


@pytest.fixture(scope="module")
def closed_holiday() -> History:
    base = planted_history(np.append(CLOSED, HOLIDAY), last=LAST)
    frame = base.frame
    day = frame[frame["interval_start"].dt.date == dt.date(2024, 4, 12)].copy()
    day["interval_start"] = day["interval_start"] + pd.Timedelta(days=3)
    day["offered"] = 0.0
    frame = pd.concat([frame, day], ignore_index=True).sort_values("interval_start")
    return History(frame.reset_index(drop=True), 15, "Europe/London", "planted")


def test_a_closed_holiday_ahead_is_scored_as_closed(closed_holiday) -> None:
    calendar = backtest_history(
        closed_holiday, models=("top_down",), horizons_days=HORIZONS, workers=1, holidays=HOLIDAYS
    ).detail
    bare = backtest_history(
        closed_holiday, models=("top_down",), horizons_days=HORIZONS, workers=1
    ).detail
    holiday = dt.date(2024, 4, 15)
    for lead in HORIZONS:
        rows = scored(calendar, holiday, lead, "top_down")
        assert len(rows) == 40 and (rows["actual"] == 0).all()
        assert (rows["forecast"] == 0).all()  # closed: no miss
        assert scored(bare, holiday, lead, "top_down")["forecast"].sum() > 1000  # a miss
    # the delivered forecast from the Friday before, through the holiday and after it
    start = dt.date(2024, 4, 12)
    for day, lead in ((holiday, 4), (dt.date(2024, 4, 16), 5), (dt.date(2024, 4, 17), 6)):
        delivered = engine_day(closed_holiday, start, day, "top_down", holidays=HOLIDAYS)
        if day == holiday:
            assert (delivered["offered"] == 0).all()
        detail = backtest_history(
            closed_holiday,
            models=("top_down",),
            horizons_days=(lead,),
            workers=1,
            holidays=HOLIDAYS,
        ).detail
        np.testing.assert_allclose(
            scored(detail, day, lead, "top_down")["forecast"],
            delivered["offered"],
            rtol=1e-9,
            atol=1e-9,
        )


def test_a_stated_closed_date_is_forecast_zero_and_known_ahead(missing_tuesday) -> None:
    history, _ = missing_tuesday
    wednesday = dt.date(2024, 4, 10)

    def lead_3(**calendar):
        detail = backtest_history(
            history, models=("top_down",), horizons_days=(3,), workers=1, **calendar
        ).detail
        return scored(detail, wednesday, 3, "top_down")["forecast"]

    # made on Monday 8 April, the forecast cannot know Tuesday will be shut; stated, it does
    assert lead_3(closed_dates=[SHUT]).sum() > 1.05 * lead_3().sum()
    # a date stated closed although it has data is delivered as closed
    assert (lead_3(closed_dates=[SHUT, np.datetime64(wednesday)]) == 0).all()
