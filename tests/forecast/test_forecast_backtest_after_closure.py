"""The backtests `auto` chooses with score the forecasts the engine delivers after a closure."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from test_forecast_after_closure import CLOSED, planted_history

from wfm.forecast import forecast_history
from wfm.forecast.after_closure import ClosureCalendar
from wfm.forecast.backtest import backtest_origins
from wfm.forecast.selection import select_model

#: A Tuesday without data near the end of the history (a closure).
SHUT = np.datetime64("2024-04-09")


@pytest.fixture(scope="module")
def history():
    return planted_history(np.append(CLOSED, SHUT), last=np.datetime64("2024-04-19"))


def series(history) -> pd.Series:
    frame = history.frame
    return pd.Series(
        frame["offered"].to_numpy(dtype=float),
        index=pd.DatetimeIndex(frame["interval_start"]),
        name="q",
    )


def engine_day(history, start: dt.date, days: int, day: dt.date) -> pd.DataFrame:
    result = forecast_history(history, start_date=start, horizon_days=days, model="top_down")
    return result[result["interval_start"].dt.date == day].reset_index(drop=True)


def backtest_day(detail: pd.DataFrame, day: dt.date, lead: int) -> pd.DataFrame:
    rows = detail[(detail["target_date"] == day) & (detail["horizon_days"] == lead)]
    return rows.sort_values("interval_start").reset_index(drop=True)


def test_the_backtest_forecast_after_a_closure_is_the_delivered_one(history) -> None:
    y = series(history)
    cut = np.datetime64("2024-04-10")  # the history before it ends Monday; Tuesday shut
    detail = backtest_origins(y, 15, models=["top_down"], cuts=[cut], max_lead_days=3)
    bare = backtest_origins(y, 15, models=["top_down"], cuts=[cut], max_lead_days=3, closures=None)
    for lead, day in ((1, dt.date(2024, 4, 10)), (2, dt.date(2024, 4, 11))):
        delivered = engine_day(history, dt.date(2024, 4, 10), 3, day)
        assert delivered["model"].str.contains(f"after closure {lead}").all()
        scored = backtest_day(detail, day, lead)
        np.testing.assert_array_equal(scored["interval_start"], delivered["interval_start"])
        np.testing.assert_allclose(scored["forecast"], delivered["offered"], rtol=1e-12)
        # the models' own forecast is lower: the backlog is what the step adds
        assert scored["forecast"].sum() > 1.05 * backtest_day(bare, day, lead)["forecast"].sum()
    friday = dt.date(2024, 4, 12)
    np.testing.assert_allclose(
        backtest_day(detail, friday, 3)["forecast"],
        engine_day(history, dt.date(2024, 4, 10), 3, friday)["offered"],
        rtol=1e-12,
    )


def test_a_day_without_data_inside_the_window_is_not_known_at_the_origin(history) -> None:
    # from Monday 8 April the forecast cannot know Tuesday will be shut: Wednesday is an
    # ordinary day in the delivered forecast, and so in the backtest
    y = series(history)
    detail = backtest_origins(
        y, 15, models=["top_down"], cuts=[np.datetime64("2024-04-08")], max_lead_days=5
    )
    wednesday = dt.date(2024, 4, 10)
    delivered = engine_day(history, dt.date(2024, 4, 8), 5, wednesday)
    assert not delivered["model"].str.contains("after closure").any()
    np.testing.assert_allclose(
        backtest_day(detail, wednesday, 3)["forecast"], delivered["offered"], rtol=1e-12
    )
    # a closure the calendar states is known ahead, as in the engine
    stated = backtest_origins(
        y,
        15,
        models=["top_down"],
        cuts=[np.datetime64("2024-04-08")],
        max_lead_days=5,
        closures=ClosureCalendar(closed=np.array([SHUT])),
    )
    ratio = (
        backtest_day(stated, wednesday, 3)["forecast"].sum()
        / backtest_day(detail, wednesday, 3)["forecast"].sum()
    )
    assert ratio > 1.05


def test_the_choice_and_its_bands_learn_from_the_delivered_forecasts(history) -> None:
    y = series(history)
    before = y[y.index.tz_localize(None) < pd.Timestamp("2024-04-16")]
    chosen = select_model(before, 15, candidates=["top_down"], horizon_days=1)
    day = dt.date(2024, 4, 10)
    scored = backtest_day(chosen.detail, day, 1)
    delivered = engine_day(history, day, 1, day)
    np.testing.assert_allclose(scored["forecast"], delivered["offered"], rtol=1e-12)
