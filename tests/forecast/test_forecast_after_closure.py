"""The backlog after a closure applied to forecast dates (engine and forecast_followers)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

import wfm.forecast.engine as engine
from wfm.data.schemas import History
from wfm.forecast import forecast_history
from wfm.forecast.closures import MAX_TRAILING_CLOSURE_DAYS, PRIOR_DAYS, forecast_followers
from wfm.forecast.special_days import SpecialDay
from wfm.timegrid import OpeningHours

FIRST = np.datetime64("2024-01-01")  # a Monday
WEEKS = 16
#: Mean contacts per day by weekday (Mon-Fri) and the planted backlog of ranks 1 and 2.
LEVEL = np.array([5200.0, 4400.0, 4300.0, 4200.0, 4000.0])
BACKLOG = (1.3, 1.1)
#: Closed usual-open days of the history (none in the last three weeks).
CLOSED = np.array(
    ["2024-01-09", "2024-02-01", "2024-02-19", "2024-03-13", "2024-03-26"], dtype="datetime64[D]"
)


def expected_totals(dates: np.ndarray, closed: np.ndarray) -> np.ndarray:
    """Mean day total of each open date, with the planted backlog after ``closed`` dates."""
    weekday = (dates.astype(np.int64) + 3) % 7
    totals = LEVEL[weekday].copy()
    for shut in closed:
        after = np.busday_offset(shut, [1, 2], roll="forward")
        for rank, day in enumerate(after):
            totals[dates == day] *= BACKLOG[rank]
    return totals


def planted_history(closed: np.ndarray = CLOSED, last: np.datetime64 | None = None) -> History:
    """Mon-Fri, 08:00-18:00 in 15-minute intervals, Poisson counts, ``closed`` days missing."""
    rng = np.random.default_rng(7)
    end = FIRST + np.timedelta64(7 * WEEKS, "D") if last is None else last + np.timedelta64(1, "D")
    days = np.arange(FIRST, end, dtype="datetime64[D]")
    days = days[np.is_busday(days) & ~np.isin(days, closed)]
    totals = expected_totals(days, closed)
    slots = 40
    shape = 1.0 + 0.5 * np.sin(np.linspace(0, np.pi, slots))
    shape /= shape.sum()
    starts = (
        pd.DatetimeIndex(days.astype("datetime64[ns]")).repeat(slots)
        + pd.to_timedelta(np.tile(8 * 60 + 15 * np.arange(slots), len(days)), unit="min")
    ).tz_localize("Europe/London")
    offered = rng.poisson(np.outer(totals, shape).ravel()).astype(float)
    frame = pd.DataFrame(
        {"interval_start": starts, "queue": "q", "offered": offered, "aht_seconds": 300.0}
    )
    return History(frame, 15, "Europe/London", "planted")


def day_totals(result: pd.DataFrame) -> pd.Series:
    return result.groupby(result["interval_start"].dt.date)["offered"].sum()


def shrunk(planted: float, n: int) -> float:
    """What the shrunk mean of n exact log ratios gives (closures.closure_effects)."""
    return float(np.exp(n * np.log(planted) / (n + PRIOR_DAYS)))


@pytest.fixture(scope="module")
def history() -> History:
    return planted_history()


def test_the_day_after_a_closed_special_day_carries_the_learnt_backlog(history) -> None:
    start = dt.date(2024, 4, 22)  # Monday after the history
    tuesday = SpecialDay(dt.date(2024, 4, 23), dt.date(2024, 4, 23), "closed", reason="staff day")
    plain = forecast_history(history, start_date=start, horizon_days=5, model="top_down")
    closed = forecast_history(
        history, start_date=start, horizon_days=5, model="top_down", special_days=(tuesday,)
    )
    ratio = day_totals(closed) / day_totals(plain)
    n = len(CLOSED)
    assert ratio[dt.date(2024, 4, 24)] == pytest.approx(shrunk(BACKLOG[0], n), rel=0.04)
    assert ratio[dt.date(2024, 4, 25)] == pytest.approx(shrunk(BACKLOG[1], n), rel=0.04)
    # the days before the closure and after the backlog are untouched, to the byte
    for day in (dt.date(2024, 4, 22), dt.date(2024, 4, 26)):
        mine = closed["interval_start"].dt.date == day
        same = plain["interval_start"].dt.date == day
        np.testing.assert_array_equal(
            closed.loc[mine, "offered"].to_numpy(), plain.loc[same, "offered"].to_numpy()
        )
    assert dt.date(2024, 4, 23) not in day_totals(closed).index
    wednesday = closed[closed["interval_start"].dt.date == dt.date(2024, 4, 24)]
    assert wednesday["model"].str.contains("after closure 1").all()
    # against the planted truth the scaled day is the better forecast
    truth = LEVEL[2] * BACKLOG[0]
    assert abs(day_totals(closed)[dt.date(2024, 4, 24)] - truth) < abs(
        day_totals(plain)[dt.date(2024, 4, 24)] - truth
    )
    assert np.isfinite(closed[["offered", "offered_p10", "offered_p90"]].to_numpy()).all()


def test_a_closed_date_of_the_opening_hours_ranks_the_next_open_day(history) -> None:
    start = dt.date(2024, 4, 22)
    hours = OpeningHours.from_strings(
        {day: "08:00-18:00" for day in ("mon", "tue", "wed", "thu", "fri")}
    )
    plain = forecast_history(
        history, start_date=start, horizon_days=5, model="top_down", opening_hours=hours
    )
    closed = forecast_history(
        history,
        start_date=start,
        horizon_days=5,
        model="top_down",
        opening_hours=hours.with_closed_dates([dt.date(2024, 4, 25)]),
    )
    ratio = day_totals(closed) / day_totals(plain)
    assert ratio[dt.date(2024, 4, 26)] == pytest.approx(shrunk(BACKLOG[0], len(CLOSED)), rel=0.04)
    assert ratio[dt.date(2024, 4, 22)] == 1.0


def test_a_missing_usual_open_day_just_before_the_start_is_a_closure() -> None:
    # the history ends on Monday 22 April; Tuesday 23 has no data, the forecast starts Wednesday
    history = planted_history(
        np.append(CLOSED, np.datetime64("2024-04-23")), last=np.datetime64("2024-04-23")
    )
    result = forecast_history(
        history, start_date=dt.date(2024, 4, 24), horizon_days=2, model="top_down"
    )
    assert result["model"].str.contains("after closure 1").sum() == 40
    assert result["model"].str.contains("after closure 2").sum() == 40
    # a long stretch without data is data not loaded, not a closure
    late = dt.date(2024, 4, 24) + dt.timedelta(days=7 * 2)
    result = forecast_history(history, start_date=late, horizon_days=3, model="top_down")
    assert not result["model"].str.contains("after closure").any()


def test_no_closure_ahead_gives_the_forecast_of_the_models_byte_for_byte(
    history, monkeypatch
) -> None:
    start = dt.date(2024, 4, 22)
    with_step = forecast_history(history, start_date=start, horizon_days=7, model="top_down")
    monkeypatch.setattr(engine, "_scale_days", lambda names, offered, *rest: (names, offered))
    without = forecast_history(history, start_date=start, horizon_days=7, model="top_down")
    pd.testing.assert_frame_equal(with_step, without, check_exact=True)
    assert not with_step["model"].str.contains("after closure").any()


def test_forecast_followers_on_a_sunday_to_thursday_week() -> None:
    days = np.arange("2024-01-07", "2024-03-03", dtype="datetime64[D]")  # from a Sunday
    observed = days[np.is_busday(days, weekmask="1111001")]
    horizon = np.arange("2024-03-03", "2024-03-10", dtype="datetime64[D]")  # Sun..Sat
    is_open = np.is_busday(horizon, weekmask="1111001")
    assert not forecast_followers(observed, horizon, is_open).any()  # weekends are not closures
    # Monday 4 March closed: Tuesday and Wednesday follow it
    shut = is_open & (horizon != np.datetime64("2024-03-04"))  # Monday closed
    assert forecast_followers(observed, horizon, shut).tolist() == [0, 0, 1, 2, 0, 0, 0]


def test_forecast_followers_of_a_24_hour_seven_day_centre() -> None:
    observed = np.arange("2024-01-01", "2024-02-01", dtype="datetime64[D]")
    horizon = np.arange("2024-02-02", "2024-02-06", dtype="datetime64[D]")  # 1 Feb missing
    assert forecast_followers(observed, horizon, np.ones(4, bool)).tolist() == [1, 2, 0, 0]
    gap = np.timedelta64(MAX_TRAILING_CLOSURE_DAYS + 1, "D")
    later = horizon + gap
    assert not forecast_followers(observed, later, np.ones(4, bool)).any()


def test_a_day_closed_inside_the_grid_such_as_a_closed_holiday_is_a_closure(history) -> None:
    from wfm.forecast.after_closure import after_closure_factors
    from wfm.forecast.calendar import forecast_grid, infer_opening_hours

    y = pd.Series(
        history.frame["offered"].to_numpy(), index=pd.DatetimeIndex(history.frame["interval_start"])
    )
    hours = infer_opening_hours(history.frame, 15)
    grid = forecast_grid(dt.date(2024, 4, 22), 5, 15, "Europe/London", hours)
    horizon = np.arange("2024-04-22", "2024-04-27", dtype="datetime64[D]")
    factor, label = after_closure_factors(y, grid, horizon)
    assert (factor == 1).all() and (label == "").all()
    shut = np.asarray(grid.date == dt.date(2024, 4, 22))  # e.g. a holiday with factor 0
    factor, label = after_closure_factors(y, grid, horizon, closed_in_grid=shut)
    tuesday = np.asarray(grid.date == dt.date(2024, 4, 23))
    assert factor[tuesday] == pytest.approx(shrunk(BACKLOG[0], len(CLOSED)), rel=0.04)
    assert (label[tuesday] != "").all() and (factor[~tuesday & ~shut] != 1).sum() == 40
