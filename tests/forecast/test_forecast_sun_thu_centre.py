"""A centre unlike the bank: 24 hours, Sunday-to-Thursday weeks, moving Hebrew-calendar holidays."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from forecast_synthetic import EVE_EVENING_RATIO, as_history, sun_thu_centre

from wfm.forecast import forecast_history, wape
from wfm.forecast.holiday_effects import HolidayCalendar, complete_effect, learn_holiday_effects

TZ = "Asia/Jerusalem"


@pytest.fixture(scope="module")
def centre():
    frame, names = sun_thu_centre()
    return as_history(frame, 15, TZ), HolidayCalendar(names, "IL")


def test_holiday_and_eve_effects_are_learnt_on_a_24_hour_sun_thu_centre(centre) -> None:
    history, calendar = centre
    frame = history.frame
    y = frame.set_index("interval_start")["offered"].rename("support")
    effects = learn_holiday_effects(y, calendar)
    # Yom Kippur (closed, absent from the history) on a weekday the centre is open.
    assert effects["Yom Kippur"].day_ratio == 0.0
    assert effects["Pesach"].day_ratio == pytest.approx(0.5, abs=0.08)
    eve = effects["eve of Yom Kippur"].ratios(np.arange(0, 1440, 15))
    assert np.median(eve[: 12 * 4]) == pytest.approx(1.0, abs=0.15)  # 00:00-12:00 ordinary
    assert np.median(eve[15 * 4 :]) == pytest.approx(EVE_EVENING_RATIO, abs=0.1)


def test_an_eve_seen_only_on_a_short_friday_takes_its_evening_from_the_other_eves(centre) -> None:
    """The eve of Sukkot 2023 was a Friday (closed from 14:00); in 2024 it is a Wednesday."""
    history, calendar = centre
    frame = history.frame
    y = frame[frame["interval_start"] < "2024-10-01"].set_index("interval_start")["offered"]
    effects = learn_holiday_effects(y.rename("support"), calendar)
    eve = effects["eve of Sukkot"]
    evening = np.arange(15 * 60, 24 * 60, 15)
    assert eve.ratio_by_minute.reindex(evening).isna().all()  # never seen
    completed = complete_effect(eve, effects)
    assert np.median(completed.ratios(evening)) == pytest.approx(EVE_EVENING_RATIO, abs=0.1)
    morning = np.arange(0, 12 * 60, 15)
    assert np.array_equal(completed.ratios(morning), eve.ratios(morning))  # its own


@pytest.mark.slow
def test_auto_with_learned_holidays_beats_the_same_slot_mean_over_the_festivals(centre) -> None:
    """Day-ahead over the autumn festivals of 2024 (Rosh Hashanah to Simchat Torah)."""
    history, calendar = centre
    frame = history.frame
    local = frame["interval_start"].dt.tz_localize(None)
    targets = [
        dt.date(2024, 10, day) for day in (1, 2, 6, 10, 11, 13, 16, 17, 20, 23, 24, 27, 28, 29)
    ]
    actual, auto, baseline = [], [], []
    for target in targets:
        truth = frame[local.dt.date == target]
        if truth.empty:
            continue
        learned = forecast_history(history, start_date=target, horizon_days=1, holidays=calendar)
        plain = forecast_history(
            history, start_date=target, horizon_days=1, model="same_slot_average"
        )
        merged = truth.merge(learned, on=["interval_start", "queue"], suffixes=("", "_auto"))
        merged = merged.merge(plain, on=["interval_start", "queue"], suffixes=("", "_plain"))
        actual.append(merged["offered"].to_numpy())
        auto.append(merged["offered_auto"].to_numpy())
        baseline.append(merged["offered_plain"].to_numpy())
    actual, auto, baseline = map(np.concatenate, (actual, auto, baseline))
    assert wape(actual, auto) < 0.85 * wape(actual, baseline)
