"""The festive seasons around Christmas: learned from the history, none without one, and
the ordinary-day fallback (with a warning) when the history has never seen them."""

from __future__ import annotations

import datetime as dt
import logging

import numpy as np
import pandas as pd
import pytest
from forecast_synthetic import as_history, as_series, synthetic_frame

from wfm.forecast import forecast_history
from wfm.forecast.holiday_effects import (
    BETWEEN_CHRISTMAS_AND_NEW_YEAR,
    HolidayCalendar,
    HolidayEffect,
    borrow_effect,
    festive_seasons,
    learn_holiday_effects,
)

FIRST_DATE = dt.date(2023, 1, 2)  # a Monday
DAYS = 455  # to 2024-03-31: one Christmas (2023) with four weeks each side
GB = HolidayCalendar.from_country("GB", range(2023, 2026))

#: Planted season ratios, of an ordinary day's volume; not the shape of any benchmark
#: centre (the run-up grows unevenly, the days between are quiet).
PLANTED = {
    "Christmas run-up, week -4": 1.05,
    "Christmas run-up, week -3": 1.15,
    "Christmas run-up, week -2": 1.25,
    "Christmas run-up, week -1": 1.45,
    BETWEEN_CHRISTMAS_AND_NEW_YEAR: 0.7,
}


def seven_day_frame(first_date: dt.date, days: int, planted: dict[str, float], seed: int):
    """A 7-day centre (08:00-18:00, 2,000 a day) with ``planted`` ratios on the seasons' days
    (holidays, eves and days after at an ordinary day's volume), Poisson counts."""
    mean = synthetic_frame(
        first_date=first_date, days=days, weekdays=tuple(range(7)), noise=False, seed=seed
    )
    dates = mean["interval_start"].dt.tz_localize(None).dt.date.to_numpy()
    types = GB.day_types(dates.astype("datetime64[D]"))
    factor = np.array([planted.get(key, 1.0) for key in types])
    rng = np.random.default_rng(seed)
    return mean.assign(offered=rng.poisson(mean["offered"].to_numpy() * factor).astype(float))


def test_the_seasons_are_the_lowest_layer_of_a_christmas_calendar() -> None:
    days = np.array(["2024-11-25", "2024-11-26", "2024-12-23", "2024-12-24", "2024-12-27",
                     "2024-12-28", "2024-12-31"], dtype="datetime64[D]")  # fmt: skip
    assert GB.day_types(days).tolist() == [
        "",
        "Christmas run-up, week -4",
        "Christmas run-up, week -1",
        "eve of Christmas Day",
        "after Boxing Day",  # a day after keeps its own type inside the season
        BETWEEN_CHRISTMAS_AND_NEW_YEAR,
        "eve of New Year's Day",
    ]
    # the seasons have no eve or day after: 25 November and 1 January 2025's 2nd are not theirs
    assert GB.day_types(np.array(["2025-01-03"], dtype="datetime64[D]")).tolist() == [""]
    # a calendar without a holiday on 25 December has none
    assert not HolidayCalendar.from_country("IL", [2024]).seasons
    assert not festive_seasons({dt.date(2024, 1, 7): "Christmas Day"})  # Orthodox Christmas


def test_a_planted_festive_season_is_recovered() -> None:
    frame = seven_day_frame(FIRST_DATE, DAYS, PLANTED, seed=5)
    effects = learn_holiday_effects(as_series(frame), GB)
    # Tolerance: a run-up week has 7 days of 2,000-2,900 contacts, a Poisson sd of the
    # observed sum of 1/sqrt(14,000) = 0.85 % or less; the expectation (the same weekdays
    # of up to 8 ordinary weeks around) adds about 0.5 %: sd <= 1 % of the ratio, < 0.015.
    # The 3 days between (28-30 December 2023; the 27th is after Boxing Day) at 0.7: sd
    # about 1.5 % of 0.7. 0.05 is more than three sd for each.
    for key, ratio in PLANTED.items():
        assert effects[key].day_ratio == pytest.approx(ratio, abs=0.05), key
    assert effects["Christmas run-up, week -1"].occurrences == 7
    assert effects[BETWEEN_CHRISTMAS_AND_NEW_YEAR].occurrences == 3


def test_a_series_without_a_festive_season_learns_none() -> None:
    frame = seven_day_frame(FIRST_DATE, DAYS, {}, seed=6)
    effects = learn_holiday_effects(as_series(frame), GB)
    for key in PLANTED:  # the same sd as above around 1: 0.05 is over three sd
        assert effects[key].day_ratio == pytest.approx(1.0, abs=0.05), key


def test_a_season_never_seen_is_an_ordinary_day_with_a_warning(caplog) -> None:
    # history 2 September - 30 November 2024: only the run-up's first days are seen
    frame = seven_day_frame(dt.date(2024, 9, 2), 90, {}, seed=7).assign(queue="orders")
    with caplog.at_level(logging.WARNING, logger="wfm.forecast.holiday_effects"):
        result = forecast_history(
            as_history(frame),
            start_date=dt.date(2024, 12, 9),
            horizon_days=23,
            model="same_slot_average",
            holidays=GB,
        )
    assert np.isfinite(result["offered"]).all() and (result["offered"] > 0).any()
    warned = " ".join(r.getMessage() for r in caplog.records)
    for key in ("Christmas run-up, week -2", "Christmas run-up, week -1"):
        assert f"queue orders: the season '{key}' is not in the history" in warned
    assert f"'{BETWEEN_CHRISTMAS_AND_NEW_YEAR}' is not in the history" in warned
    records = pd.DataFrame(result.attrs["holiday_effects"]).set_index("date")
    unseen = records.loc["2024-12-20"]
    assert unseen["day_type"] == "Christmas run-up, week -1" and unseen["day_ratio"] == 1.0
    assert records.loc["2024-12-28", "source"] == "ordinary day: season not in the history"
    day = result["interval_start"].dt.date.astype(str)
    assert (
        result.loc[day == "2024-12-20", "model"]
        .str.endswith("Christmas run-up, week -1: x1.00 (ordinary day: season not in the history)")
        .all()
    )


def test_a_new_holiday_does_not_borrow_a_season() -> None:
    minutes = pd.Index([480, 495])
    effects = {
        key: HolidayEffect(key, pd.Series([ratio, ratio], index=minutes), ratio, 7, "learned")
        for key, ratio in (("Christmas run-up, week -1", 1.4), ("Spring Bank Holiday", 0.6))
    }
    borrowed = borrow_effect("Some New Holiday", effects)
    assert borrowed.day_ratio == pytest.approx(0.6)
