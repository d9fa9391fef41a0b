"""A closed holiday just before the forecast start makes the first forecast day its day
after (issue 18: the bank's Tuesday after Labor Day, history ending on Labor Day)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from forecast_synthetic import as_history, synthetic_frame

from wfm.forecast import forecast_history
from wfm.forecast.delivered import holiday_training
from wfm.forecast.holiday_effects import HolidayCalendar

FIRST_DATE = dt.date(2024, 1, 1)  # a Monday
DAYS = 166  # to Friday 2024-06-14
#: Monday holidays the centre closed on; the Tuesday after each carries AFTER_RATIO.
PAST = {
    dt.date(2024, 2, 12): "Winter Holiday",
    dt.date(2024, 4, 1): "Spring Holiday",
    dt.date(2024, 5, 6): "May Holiday",
}
LAST = dt.date(2024, 6, 17)  # Monday: the history ends on it (closed, no rows)
START = LAST + dt.timedelta(days=1)  # Tuesday, the first forecast day
ORDINARY_TUESDAY = START + dt.timedelta(days=7)
AFTER_RATIO = 1.3
CALENDAR = HolidayCalendar({**PAST, LAST: "Summer Holiday"}, "test")


def planted_history():
    frame = synthetic_frame(
        first_date=FIRST_DATE, days=DAYS, missing_dates=tuple(PAST), noise=False
    )
    date = frame["interval_start"].dt.tz_localize(None).dt.date
    after = date.isin([day + dt.timedelta(days=1) for day in PAST])
    mean = frame["offered"].to_numpy() * np.where(after, AFTER_RATIO, 1.0)
    rng = np.random.default_rng(11)
    return as_history(frame.assign(offered=rng.poisson(mean).astype(float)))


def day_totals(result: pd.DataFrame) -> pd.Series:
    return result.groupby(result["interval_start"].dt.tz_localize(None).dt.date)["offered"].sum()


@pytest.mark.parametrize("model", ["same_slot_average", "top_down"])
def test_the_first_forecast_day_after_a_closed_last_holiday_gets_the_day_after_effect(
    model: str,
) -> None:
    result = forecast_history(
        planted_history(), start_date=START, horizon_days=8, model=model, holidays=CALENDAR
    )
    totals = day_totals(result)
    # Against the same model's forecast of an ordinary Tuesday a week later (no trend, no
    # holiday). Tolerance: the effect is learnt from 3 days of ~2,600 contacts over the
    # mean of up to 6 ordinary Tuesdays each, a ratio sd of about 1.3 * sqrt(1/7800 +
    # 1/(3 * 6 * 2000)) = 0.017; 0.07 is four sd. Counted twice (the holiday effect and the
    # backlog after a closure, both near 1.3) it would be near 1.7.
    assert totals[START] / totals[ORDINARY_TUESDAY] == pytest.approx(AFTER_RATIO, abs=0.07)
    first = result.loc[result["interval_start"].dt.tz_localize(None).dt.date == START, "model"]
    assert first.str.contains("holiday after Summer Holiday").all()
    assert not first.str.contains("after closure").any()  # the holiday effect owns the day


def test_a_long_gap_before_the_start_is_data_not_loaded_not_a_closure() -> None:
    """Six usually-open days without data before the start are read as data not yet
    loaded (as the backlog after a closure reads them): the holiday among them is not
    learnt closed; one usually-open day is a closure, the holiday learnt closed."""
    history = planted_history()
    y = pd.Series(
        history.frame["offered"].to_numpy(dtype=float),
        index=pd.DatetimeIndex(history.frame["interval_start"]),
    )
    _, short = holiday_training(y, CALENDAR, start=np.datetime64(START))
    assert short["Summer Holiday"].day_ratio == 0.0
    assert short["Summer Holiday"].occurrences == 1
    _, long = holiday_training(y, CALENDAR, start=np.datetime64(START + dt.timedelta(days=7)))
    assert "Summer Holiday" not in long
    _, unknown = holiday_training(y, CALENDAR)  # no start: the history alone
    assert "Summer Holiday" not in unknown
    assert unknown["after Winter Holiday"].day_ratio == short["after Winter Holiday"].day_ratio
