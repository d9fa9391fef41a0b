"""The top-down calendar model: day-of-month effects and a smoothed intraday profile."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from forecast_synthetic import as_series, synthetic_frame

from wfm.forecast import make_model

FIRST_DATE = dt.date(2024, 1, 1)
TZ = "Europe/London"


@pytest.fixture(scope="module")
def payday_history() -> pd.Series:
    """Six months of weekdays; the first three days of each month are 40 % busier."""
    frame = synthetic_frame(first_date=FIRST_DATE, days=182, seed=21)
    day = frame["interval_start"].dt.day
    frame["offered"] = np.where(day <= 3, np.round(frame["offered"] * 1.4), frame["offered"])
    return as_series(frame)


def test_top_down_learns_the_day_of_month_effect(payday_history) -> None:
    model = make_model("top_down").fit(payday_history, 15)
    index = model.month_day_index_
    assert index[1:4].mean() > 1.2 * index[10:25].mean()
    without = make_model("top_down", month_day_effect=False).fit(payday_history, 15)
    assert np.all(without.month_day_index_ == 1.0)
    # Weekday index: Monday busiest, Friday quietest, as generated (1.25 vs 0.9).
    weekdays = model.weekday_index_
    assert (
        np.nanargmax(weekdays) == 0 and np.nanargmin(weekdays) == 4 and np.isnan(weekdays[5:]).all()
    )
    # Forecast of a payday against a mid-month day of the same weekday.
    payday = pd.date_range("2024-07-01 08:00", periods=40, freq="15min", tz=TZ)  # Monday 1 July
    mid = pd.date_range("2024-07-15 08:00", periods=40, freq="15min", tz=TZ)  # Monday 15 July
    assert (
        model.predict(payday).sum() > 1.1 * model.predict(mid).sum()
    )  # smoothed and shrunk: below 1.4
    # without the effect (and without the damping of the level, which tells two weeks
    # of lead apart) the two Mondays are forecast alike
    flat = make_model("top_down", month_day_effect=False, level_damping=1.0).fit(payday_history, 15)
    assert flat.predict(payday).sum() == pytest.approx(flat.predict(mid).sum())


def test_top_down_profile_sums_to_one_and_is_smoothed(payday_history) -> None:
    rough = make_model("top_down", smooth_intervals=0).fit(payday_history, 15).profile_
    smooth = make_model("top_down", smooth_intervals=2).fit(payday_history, 15).profile_
    for profile in (rough, smooth):
        np.testing.assert_allclose(profile.loc[0:4].sum(axis=1), 1.0)
        assert profile.loc[5:6].isna().all().all()
    assert (
        np.abs(np.diff(smooth.loc[0].to_numpy())).sum()
        < np.abs(np.diff(rough.loc[0].to_numpy())).sum()
    )


def _two_mondays() -> pd.DataFrame:
    """Two Mondays of 3 slots: shares (0.2, 0.3, 0.5) then, a week later, (0.4, 0.4, 0.2)."""
    days = pd.to_datetime(["2024-01-01", "2024-01-08"])
    return pd.DataFrame(
        [[20.0, 30.0, 50.0], [40.0, 40.0, 20.0]], index=days, columns=[480, 495, 510]
    )


def test_decayed_profile_weights_recent_weeks_by_hand() -> None:
    from wfm.forecast.topdown import weekday_profile

    plain = weekday_profile(_two_mondays(), weeks=2, smooth_intervals=0)
    assert np.allclose(plain.loc[0], [0.3, 0.35, 0.35])
    # Decay 0.5: the newer Monday weighs 1, the older 0.5 -> (0.4 + 0.5 * 0.2) / 1.5 ...
    decayed = weekday_profile(_two_mondays(), weeks=2, smooth_intervals=0, decay=0.5)
    expected = (np.array([0.4, 0.4, 0.2]) + 0.5 * np.array([0.2, 0.3, 0.5])) / 1.5
    assert np.allclose(decayed.loc[0], expected)
    assert decayed.loc[1:].isna().all().all()  # weekdays never seen
    # Only the last `weeks` observations count, whatever the decay.
    last = weekday_profile(_two_mondays(), weeks=1, smooth_intervals=0, decay=0.5)
    assert np.allclose(last.loc[0], [0.4, 0.4, 0.2])


def test_profile_decay_must_be_a_share(payday_history) -> None:
    from wfm.errors import InputError

    for bad in (0.0, 1.5, -0.1):
        with pytest.raises(InputError, match="profile_decay"):
            make_model("top_down", profile_decay=bad).fit(payday_history, 15)
