"""Day-level effects: a planted AR(1) day level, and the backlog after closures."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from wfm.forecast import make_model
from wfm.forecast.closures import closure_effects, closure_followers, usual_weekmask
from wfm.timegrid import interval_grid

TZ = "America/New_York"
FIRST_DATE = dt.date(2024, 1, 1)  # a Monday
OPEN_MINUTES = (420, 1260)  # 07:00-21:00


def shape_of(minutes: np.ndarray) -> np.ndarray:
    """Relative rate of each minute of the day: a morning and an afternoon peak."""
    hours = minutes / 60
    return 0.4 + np.exp(-(((hours - 10) / 1.5) ** 2)) + 0.7 * np.exp(-(((hours - 15) / 2) ** 2))


def day_history(multipliers: dict[dt.date, float], seed: int, base: float = 40.0) -> pd.Series:
    """Poisson counts on the given dates, 15-minute slots 07:00-21:00, :func:`shape_of`,
    each day's rate times its multiplier."""
    rng = np.random.default_rng(seed)
    days = sorted(multipliers)
    grid = interval_grid(days[0], (days[-1] - days[0]).days + 1, 15, TZ)
    local = grid.tz_localize(None)
    minutes = (local.hour * 60 + local.minute).to_numpy()
    dates = local.date
    keep = (minutes >= OPEN_MINUTES[0]) & (minutes < OPEN_MINUTES[1]) & np.isin(dates, days)
    grid, minutes, dates = grid[keep], minutes[keep], dates[keep]
    rate = base * shape_of(minutes) * np.array([multipliers[d] for d in dates])
    return pd.Series(rng.poisson(rate).astype(float), index=grid, name="planted")


def weekdays(count: int, weekmask: str = "1111100") -> list[dt.date]:
    """The first ``count`` days of the weekmask from FIRST_DATE."""
    days = np.busday_offset(
        np.datetime64(FIRST_DATE), np.arange(count), roll="forward", weekmask=weekmask
    )
    return [pd.Timestamp(d).date() for d in days]


def day_totals(forecast: np.ndarray, index: pd.DatetimeIndex) -> pd.Series:
    return pd.Series(forecast).groupby(index.tz_localize(None).date).sum()


def test_a_planted_ar1_day_level_is_used_day_ahead() -> None:
    """Day levels exp(u), u AR(1) with rho 0.8 and sd 0.1: the root_profile model's AR(1)
    day level forecasts the next day's total with about sqrt(1 - rho^2) = 0.6 of the error
    of the same model's weekday mean alone (its deviation forecast set to 0)."""
    rng = np.random.default_rng(11)
    days = weekdays(200)
    u = np.zeros(len(days))
    for i in range(1, len(days)):
        u[i] = 0.8 * u[i - 1] + 0.1 * np.sqrt(1 - 0.8**2) * rng.standard_normal()
    truth = dict(zip(days, np.exp(u), strict=True))
    y = day_history(truth, seed=5)
    local = y.index.tz_localize(None).date
    with_ar, without = [], []
    for target in days[-30:]:
        train = y[local < target]
        index = y.index[local == target]
        actual = y[local == target].sum()
        model = make_model("root_profile", month_day_effect=False).fit(train, 15)
        with_ar.append(abs(model.predict(index).sum() - actual) / actual)
        model.level_, model.last_deviation_ = 0.0, 0.0  # the weekday mean only
        without.append(abs(model.predict(index).sum() - actual) / actual)
    assert np.mean(with_ar) < 0.75 * np.mean(without)


def test_followers_of_closures_in_a_monday_to_friday_history() -> None:
    days = np.array(weekdays(20), dtype="datetime64[D]")
    closed = [7, 14]  # a Thursday and a Friday
    observed = np.delete(days, closed)
    ranks = closure_followers(observed)
    expected = np.zeros(len(days), dtype=int)
    expected[8], expected[9], expected[15], expected[16] = 1, 2, 1, 2
    assert ranks.tolist() == np.delete(expected, closed).tolist()


def test_a_sunday_to_thursday_week_reads_its_own_weekend_as_no_closure() -> None:
    days = np.array(weekdays(30, "1111001"), dtype="datetime64[D]")
    assert usual_weekmask(days) == "1111001"
    assert not closure_followers(days).any()
    observed = np.delete(days, 12)  # one open day missing
    ranks = closure_followers(observed)
    assert ranks[12] == 1 and ranks.sum() == 3  # ranks 1 and 2 after it


def test_a_seven_day_centre_without_gaps_has_no_followers() -> None:
    days = np.arange("2024-01-01", "2024-03-01", dtype="datetime64[D]")
    assert usual_weekmask(days) == "1111111"
    assert not closure_followers(days).any()
    by_rank, by_date = closure_effects(days, np.full(len(days), 100.0))
    assert (by_rank == 1).all() and (by_date == 1).all()


def test_closure_effect_is_the_shrunk_mean_backlog() -> None:
    days = np.array(weekdays(120), dtype="datetime64[D]")
    totals = np.full(len(days), 1000.0)
    closed = [20, 45, 70, 95]
    for i in closed:
        totals[i + 1] *= 1.3
        totals[i + 2] *= 1.1
    keep = np.setdiff1d(np.arange(len(days)), closed)
    by_rank, _ = closure_effects(days[keep], totals[keep])
    n = len(closed)
    assert by_rank[1] == pytest.approx(np.exp(n * np.log(1.3) / (n + 1)))
    assert by_rank[2] == pytest.approx(np.exp(n * np.log(1.1) / (n + 1)))


@pytest.mark.parametrize("name", ["top_down", "root_profile", "factor"])
def test_a_backlog_after_a_closure_does_not_lift_the_next_days(name: str) -> None:
    """Flat demand, closed days followed by a backlog (x1.35, x1.12): the days after the
    last backlog are forecast closer to the true level with the closure effect than
    without."""
    days = weekdays(160)
    multipliers = dict.fromkeys(days, 1.0)
    for i in (30, 60, 90, 120, 150):
        del multipliers[days[i]]
        multipliers[days[i + 1]] = 1.35
        multipliers[days[i + 2]] = 1.12
    y = day_history(multipliers, seed=8)
    local = y.index.tz_localize(None).date
    targets = days[153:158]  # after the last backlog, inside the 10-day level window
    train = y[local < targets[0]]
    index = y.index[np.isin(local, targets)]
    true_total = 40.0 * shape_of(np.arange(*OPEN_MINUTES, 15)).sum()  # expected daily total
    errors = {}
    for setting in (True, False):
        model = make_model(name, closure_effect=setting, month_day_effect=False).fit(train, 15)
        errors[setting] = np.abs(day_totals(model.predict(index), index) / true_total - 1).mean()
    assert errors[True] < errors[False]
    assert errors[True] < 0.03


def test_a_history_without_closures_is_forecast_as_before() -> None:
    days = weekdays(120)
    y = day_history(dict.fromkeys(days, 1.0), seed=2)
    index = interval_grid(days[-1] + dt.timedelta(days=3), 5, 15, TZ)
    for name in ("top_down", "root_profile", "factor"):
        on = make_model(name, closure_effect=True).fit(y, 15).predict(index)
        off = make_model(name, closure_effect=False).fit(y, 15).predict(index)
        np.testing.assert_array_equal(on, off)
