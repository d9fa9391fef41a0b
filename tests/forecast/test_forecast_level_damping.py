"""The recent day level is damped towards the long-run mean as the lead grows."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from test_forecast_day_level import day_history

from wfm.errors import InputError
from wfm.forecast import make_model
from wfm.forecast.topdown import LEVEL_DAMPING

DAYS = [dt.date(2024, 1, 1) + dt.timedelta(days=k) for k in range(7 * 26)]
WEEKDAYS = [d for d in DAYS if d.weekday() < 5]


@pytest.fixture(scope="module")
def surge():
    """26 weeks at one level, the last four weekdays 35 % above it (a surge younger than
    SHIFT_MIN_DAYS, so the long-run level stays: test_forecast_level_shift_anchor.py)."""
    last = WEEKDAYS[-4:]
    return day_history({d: 1.35 if d in last else 1.0 for d in WEEKDAYS}, seed=3)


def open_days_after(last: dt.date, count: int) -> np.ndarray:
    days = np.busday_offset(np.datetime64(last, "D"), np.arange(1, count + 1), roll="forward")
    return days.astype("datetime64[D]")


@pytest.mark.parametrize("name", ["factor", "root_profile"])
def test_the_local_level_is_damped_by_phi_to_the_lead(surge, name) -> None:
    damped = make_model(name).fit(surge, 15)
    kept = make_model(name, level_damping=1.0).fit(surge, 15)
    assert damped.level_damping == LEVEL_DAMPING < 1
    dates = open_days_after(WEEKDAYS[-1], 10)
    steps = np.arange(1, 11)
    if name == "factor":
        gap = damped.day_scores(dates) - kept.day_scores(dates)
        expected = damped.level_[None, :] * (LEVEL_DAMPING ** steps[:, None] - 1)
    else:
        gap = damped.day_levels(dates) - kept.day_levels(dates)
        expected = damped.level_ * (LEVEL_DAMPING**steps - 1)
    np.testing.assert_allclose(gap, expected, rtol=1e-9, atol=1e-12)
    assert np.any(np.abs(expected) > 1e-3)  # the surge left a level to damp


def test_top_down_leans_on_its_long_mean_a_week_ahead(surge) -> None:
    damped = make_model("top_down").fit(surge, 15)
    kept = make_model("top_down", level_damping=1.0).fit(surge, 15)
    dates = open_days_after(WEEKDAYS[-1], 10)
    ratio = damped.daily_totals(dates) / kept.daily_totals(dates)
    long, recent = damped.long_level_, damped.level_
    expected = (long + LEVEL_DAMPING ** np.arange(1, 11) * (recent - long)) / recent
    np.testing.assert_allclose(ratio, expected, rtol=1e-12)
    # the surge lifted the 10-day level above the 12-week mean; a week ahead the forecast
    # is pulled about 40 % of the way back (0.9 ** 5 = 0.59)
    assert recent > 1.1 * long
    assert ratio[4] == pytest.approx((long + 0.9**5 * (recent - long)) / recent)
    assert ratio[0] > ratio[4] > ratio[9] > long / recent


@pytest.mark.parametrize("name", ["top_down", "factor", "root_profile"])
def test_a_damping_outside_zero_to_one_is_refused(surge, name) -> None:
    with pytest.raises(InputError, match="level_damping"):
        make_model(name, level_damping=1.5).fit(surge, 15)
