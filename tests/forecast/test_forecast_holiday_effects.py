"""Holidays learned from the history: planted effects recovered, eves, borrowing, closures."""

from __future__ import annotations

import dataclasses
import datetime as dt

import numpy as np
import pandas as pd
import pytest
from forecast_synthetic import as_history, as_series, synthetic_frame

from wfm.forecast import forecast_history
from wfm.forecast.holiday_effects import (
    HolidayCalendar,
    HolidayEffect,
    borrow_effect,
    complete_effect,
    learn_holiday_effects,
)

FIRST_DATE = dt.date(2024, 1, 1)  # a Monday
DAYS = 168
FESTIVAL = (dt.date(2024, 2, 7), dt.date(2024, 4, 10), dt.date(2024, 5, 22))  # Wednesdays
HOLIDAY_RATIO = 0.4
EVE_EVENING_RATIO = 0.2  # eves: after 14:00 the volume drops to a fifth (a sunset start)
NEXT_FESTIVAL = dt.date(2024, 6, 19)  # a Wednesday after the history


def planted(frame: pd.DataFrame) -> pd.DataFrame:
    """Scale the festival days by HOLIDAY_RATIO and their eves' afternoons by EVE_EVENING_RATIO."""
    local = frame["interval_start"].dt.tz_localize(None)
    date = local.dt.date
    factor = np.where(date.isin(FESTIVAL), HOLIDAY_RATIO, 1.0)
    eves = {day - dt.timedelta(days=1) for day in FESTIVAL}
    factor = np.where(date.isin(eves) & (local.dt.hour >= 14), EVE_EVENING_RATIO, factor)
    rng = np.random.default_rng(3)
    return frame.assign(offered=rng.poisson(frame["offered"].to_numpy() * factor).astype(float))


@pytest.fixture(scope="module")
def history_frame() -> pd.DataFrame:
    mean = synthetic_frame(first_date=FIRST_DATE, days=DAYS, daily_volume=3000.0, noise=False)
    return planted(mean)


CALENDAR = HolidayCalendar({day: "Festival" for day in (*FESTIVAL, NEXT_FESTIVAL)}, "test")


def test_planted_holiday_and_eve_effects_are_recovered(history_frame) -> None:
    effects = learn_holiday_effects(as_series(history_frame), CALENDAR)
    festival, eve = effects["Festival"], effects["eve of Festival"]
    assert festival.occurrences == 3 and eve.occurrences == 3
    # Tolerance: 3 days of ~1,200 contacts each give a Poisson sd of the ratio of about
    # 0.4 * sqrt(1/3600) = 0.007, plus the noise of the expectation from 24 ordinary days;
    # 0.03 is more than three standard deviations.
    assert festival.day_ratio == pytest.approx(HOLIDAY_RATIO, abs=0.03)
    ratios = eve.ratios(np.arange(480, 1080, 15))
    morning, evening = ratios[:16], ratios[-12:]  # 08:00-12:00 and 15:00-18:00
    assert np.median(morning) == pytest.approx(1.0, abs=0.06)
    assert np.median(evening) == pytest.approx(EVE_EVENING_RATIO, abs=0.05)
    assert "day after" not in festival.source


def test_forecast_applies_the_learned_holiday_and_eve(history_frame) -> None:
    history = as_history(history_frame)
    start = FIRST_DATE + dt.timedelta(days=DAYS)  # 2024-06-17, a Monday
    plain = forecast_history(history, start_date=start, horizon_days=5, model="top_down")
    learned = forecast_history(
        history, start_date=start, horizon_days=5, model="top_down", holidays=CALENDAR
    )
    assert len(plain) == len(learned) == 5 * 40  # the holiday is open: its rows are there
    day = learned["interval_start"].dt.tz_localize(None).dt.date
    ratio = (
        learned.loc[day == NEXT_FESTIVAL, "offered"].sum()
        / plain.loc[day == NEXT_FESTIVAL, "offered"].sum()
    )
    assert ratio == pytest.approx(HOLIDAY_RATIO, abs=0.05)
    assert (
        learned.loc[day == NEXT_FESTIVAL, "model"]
        .str.contains(r"Festival: x0\.[34]\d \(learned from 3 day")
        .all()
    )
    eve = learned[day == NEXT_FESTIVAL - dt.timedelta(days=1)]
    late = eve["interval_start"].dt.hour >= 15
    base = plain[day == NEXT_FESTIVAL - dt.timedelta(days=1)]
    assert eve.loc[late, "offered"].sum() / base.loc[late.to_numpy(), "offered"].sum() < 0.3
    ordinary = day == dt.date(2024, 6, 21)
    # Ordinary days: the same model, trained without the holidays and eves (which pulled
    # the plain model's level down by about 2 %).
    ratio_ordinary = learned.loc[ordinary, "offered"].sum() / plain.loc[ordinary, "offered"].sum()
    assert 1.0 <= ratio_ordinary < 1.05


def test_a_holiday_absent_from_the_history_is_learned_as_closed() -> None:
    closed_days = (dt.date(2024, 2, 7), dt.date(2024, 4, 10))
    frame = synthetic_frame(first_date=FIRST_DATE, days=DAYS, missing_dates=closed_days, seed=4)
    calendar = HolidayCalendar({day: "Closing day" for day in (*closed_days, NEXT_FESTIVAL)})
    effects = learn_holiday_effects(as_series(frame), calendar)
    assert effects["Closing day"].day_ratio == 0.0
    result = forecast_history(
        as_history(frame),
        start_date=NEXT_FESTIVAL,
        horizon_days=1,
        model="same_slot_average",
        holidays=calendar,
    )
    assert len(result) == 40 and (result["offered"] == 0).all()


def test_an_unseen_holiday_borrows_with_a_stated_source(history_frame) -> None:
    effects = learn_holiday_effects(as_series(history_frame), CALENDAR)
    new = borrow_effect("Founders Day", effects)
    assert new.day_ratio == pytest.approx(effects["Festival"].day_ratio)
    assert new.source.startswith("borrowed")
    third_day = borrow_effect("Festival (day 3)", effects)
    assert "Festival" in third_day.source
    nothing = borrow_effect("Founders Day", {})
    assert nothing.day_ratio == 1.0 and "ordinary" in nothing.source


def test_a_closure_is_borrowed_from_the_same_holiday_but_not_from_others(caplog) -> None:
    """Closed on two past days of "Closing day": its unseen third day is closed, but a new
    holiday is an ordinary day with a warning (a closure is not inferred from others)."""
    closed_days = (dt.date(2024, 2, 7), dt.date(2024, 4, 10))
    frame = synthetic_frame(first_date=FIRST_DATE, days=DAYS, missing_dates=closed_days, seed=4)
    names = {day: "Closing day" for day in closed_days}
    effects = learn_holiday_effects(as_series(frame), HolidayCalendar(names))
    assert borrow_effect("Closing day (day 2)", effects).day_ratio == 0.0
    new = borrow_effect("Founders Day", effects, queue="sales")
    assert new.day_ratio == 1.0 and "not borrowed" in new.source
    warning = caplog.records[-1].getMessage()
    assert "sales" in warning and "Founders Day" in warning and "Closing day" in warning
    # The day after an open (ordinary) holiday borrows nothing from the day after a closed one.
    after_closed = effects["after Closing day"]
    assert after_closed.occurrences == 2
    after_new = borrow_effect("after Founders Day", effects)
    assert after_new.day_ratio == 1.0 and after_new.source.startswith("ordinary")
    # A new holiday beside open ones takes their mean, still not the closure.
    open_ = dict(effects, Festival=dataclasses.replace(after_closed, key="Festival"))
    mixed = borrow_effect("Founders Day", open_, warn=False)
    assert mixed.day_ratio == pytest.approx(after_closed.day_ratio)


def test_country_calendar_has_hebrew_calendar_holidays() -> None:
    calendar = HolidayCalendar.from_country("IL", [2024])
    assert calendar.names[dt.date(2024, 10, 12)] == "Yom Kippur"
    types = calendar.day_types(np.array(["2024-10-11", "2024-10-12"], dtype="datetime64[D]"))
    assert types.tolist() == ["eve of Yom Kippur", "Yom Kippur"]
    festival = calendar.day_types(np.array(["2024-10-03", "2024-10-04"], dtype="datetime64[D]"))
    assert festival.tolist() == ["Rosh Hashanah", "Rosh Hashanah (day 2)"]


def test_day_types_of_repeated_unordered_dates_match_one_date_at_a_time() -> None:
    """Intervals repeat their date: the key of each is the key of its date asked alone."""
    calendar = HolidayCalendar.from_country("IL", [2024])
    days = np.arange("2024-09-28", "2024-10-28", dtype="datetime64[D]")
    dates = np.random.default_rng(7).permutation(np.repeat(days, 3))
    one_by_one = [calendar.day_types(np.array([date]))[0] for date in dates]
    assert calendar.day_types(dates).tolist() == one_by_one
    assert {"eve of Yom Kippur", "Yom Kippur", ""} <= set(one_by_one)
    assert calendar.day_types(np.array([], dtype="datetime64[D]")).tolist() == []


def test_unseen_minutes_take_the_borrowed_shape_at_the_effects_own_level() -> None:
    minutes = np.arange(0, 8 * 60, 60)
    seen = minutes < 4 * 60  # the eve was seen only in the morning (a short day)
    own = HolidayEffect("eve of A", pd.Series(np.where(seen, 0.5, np.nan), minutes), 0.5, 1, "")
    # the other eve is ordinary in the morning, a fifth in the evening
    other = HolidayEffect("eve of B", pd.Series(np.where(seen, 1.0, 0.2), minutes), 0.6, 3, "")
    effects = {"A": HolidayEffect("A", pd.Series(0.4, minutes), 0.4, 1, ""), "B": other}
    effects = {**effects, "eve of A": own, "eve of B": other}
    completed = complete_effect(own, effects)
    assert np.allclose(completed.ratios(minutes[seen]), 0.5)  # its own minutes kept
    assert np.allclose(completed.ratios(minutes[~seen]), 0.5 * 0.2 / 1.0)
    assert "unseen" in completed.source
    whole = HolidayEffect("eve of A", pd.Series(0.5, minutes), 0.5, 1, "")
    assert complete_effect(whole, {**effects, "eve of A": whole}) is whole
