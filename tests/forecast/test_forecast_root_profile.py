"""The root-scale day level × weekday profile model (Weinberg, Brown & Stroud 2007)."""

from __future__ import annotations

import datetime as dt
import logging

import numpy as np
import pandas as pd
import pytest
from forecast_synthetic import as_history, synthetic_frame

from wfm.errors import InputError
from wfm.forecast import forecast_history, make_model
from wfm.forecast.root_profile import RootProfileModel, shrunk_weekday_profiles, whittaker_smooth
from wfm.forecast.selection import AUTO_COMBINATIONS, select_model
from wfm.timegrid import interval_grid

TZ = "Europe/London"
FIRST_DATE = dt.date(2024, 1, 1)  # a Monday
SLOTS = np.arange(480, 1080, 15)  # 08:00-18:00, 15-minute intervals


def planted_rates(weekday_differs: bool) -> np.ndarray:
    """Expected counts per slot, ``(7, slots)``: a morning and an afternoon peak; on
    Fridays (if ``weekday_differs``) the afternoon peak is much lower."""
    hours = SLOTS / 60
    morning = np.exp(-(((hours - 10) / 1.5) ** 2))
    afternoon = np.exp(-(((hours - 15) / 1.5) ** 2))
    rates = np.empty((7, len(SLOTS)))
    for day in range(7):
        weight = 0.2 if (weekday_differs and day == 4) else 0.8
        rates[day] = 60.0 * (0.3 + morning + weight * afternoon)
    return rates


def minutes_of(index: pd.DatetimeIndex) -> np.ndarray:
    local = index.tz_localize(None)
    return (local.hour * 60 + local.minute).to_numpy()


def planted_history(days: int, weekday_differs: bool, seed: int, queue: str = "planted"):
    """Poisson counts of :func:`planted_rates` on weekdays 08:00-18:00."""
    rng = np.random.default_rng(seed)
    grid = interval_grid(FIRST_DATE, days, 15, TZ)
    local = grid.tz_localize(None)
    minutes = (local.hour * 60 + local.minute).to_numpy()
    keep = (local.day_of_week < 5) & (minutes >= 480) & (minutes < 1080)
    grid, local, minutes = grid[keep], local[keep], minutes[keep]
    rates = planted_rates(weekday_differs)[local.day_of_week.to_numpy(), (minutes - 480) // 15]
    return pd.Series(rng.poisson(rates).astype(float), index=grid, name=queue)


def test_recovers_a_planted_weekday_profile_from_poisson_counts() -> None:
    y = planted_history(140, weekday_differs=True, seed=3)
    model = RootProfileModel(month_day_effect=False).fit(y, 15)
    rates = planted_rates(weekday_differs=True)
    future = interval_grid(FIRST_DATE + dt.timedelta(days=140), 7, 15, TZ)
    local = future.tz_localize(None)
    minutes = (local.hour * 60 + local.minute).to_numpy()
    future = future[(local.day_of_week < 5) & (minutes >= 480) & (minutes < 1080)]
    forecast = model.predict(future).reshape(5, len(SLOTS))
    truth = rates[:5]
    # Shares of the day within 3 % of the planted ones, on every weekday (Friday's
    # afternoon included: the shrinkage must not pull it towards the other days).
    shares = forecast / forecast.sum(axis=1, keepdims=True)
    planted = truth / truth.sum(axis=1, keepdims=True)
    error = np.abs(shares / planted - 1)
    # Each weekday's own mean share over the same days carries the Poisson noise of about
    # 20 effective days; shrinking and smoothing must do better on average, and no slot
    # may be far off (Friday's afternoon included: shrinkage must not pull it away).
    table = y.to_frame("offered").assign(date=y.index.date, slot=(minutes_of(y.index) - 480) // 15)
    own = table.pivot_table(index="date", columns="slot", values="offered")
    own_shares = own.div(own.sum(axis=1), axis=0)
    weekday = pd.DatetimeIndex(own.index).day_of_week.to_numpy()
    own_mean = np.array([own_shares[weekday == d].tail(20).mean() for d in range(5)])
    assert error.mean() < 0.8 * np.abs(own_mean / planted - 1).mean()
    assert error.mean() < 0.03 and error.max() < 0.12
    # Daily totals within 2 % (Poisson noise of 20 weeks' levels is well under 1 %).
    np.testing.assert_allclose(forecast.sum(axis=1), truth.sum(axis=1), rtol=0.02)
    # The root-scale profile is the normalised root of the rates (Poisson root variance
    # is about 1/4 whatever the rate, so the profile carries no noise bias).
    root = np.sqrt(truth + 0.25)
    root_error = np.abs(model.profiles_[:5] / (root / root.sum(axis=1, keepdims=True)) - 1)
    assert root_error.mean() < 0.5 * error.mean() + 0.002 and root_error.max() < 0.06


def test_shrinkage_follows_how_much_the_weekdays_differ() -> None:
    same = RootProfileModel(month_day_effect=False).fit(
        planted_history(140, weekday_differs=False, seed=4), 15
    )
    differ = RootProfileModel(month_day_effect=False).fit(
        planted_history(140, weekday_differs=True, seed=4), 15
    )
    # Identical weekday shapes: the weekday deviations are noise, shrunk almost away.
    assert np.nanmax(same.shrinkage_) < 0.3
    # One weekday far from the others: its deviation is kept (the others differ from
    # the common profile by a fifth of Friday's difference, and are kept less).
    assert differ.shrinkage_[4] > 0.9
    assert (differ.shrinkage_[:4] > same.shrinkage_[:4]).all()


def test_shrunk_profiles_equal_the_common_profile_when_the_weekdays_are_identical() -> None:
    rng = np.random.default_rng(0)
    base = np.linspace(1.0, 2.0, 12)
    shares = (base + rng.normal(0, 0.05, (50, 12))) / base.sum()
    weekday = np.arange(50) % 5
    open_slots = np.zeros((7, 12), dtype=bool)
    open_slots[:5] = True
    profiles, shrinkage = shrunk_weekday_profiles(shares, weekday, open_slots, 30, 1.0, 0.0)
    assert (shrinkage[:5] < 0.5).all() and np.isnan(shrinkage[5:]).all()
    np.testing.assert_allclose(profiles[:5].sum(axis=1), 1.0)
    assert np.isnan(profiles[5:]).all()
    # Closer to the truth than each weekday's own mean.
    own = np.array([shares[weekday == d].mean(axis=0) for d in range(5)])
    own = own / own.sum(axis=1, keepdims=True)
    truth = base / base.sum()
    assert np.abs(profiles[:5] - truth).sum() < np.abs(own - truth).sum()


def test_whittaker_smoother_keeps_lines_and_removes_noise() -> None:
    rng = np.random.default_rng(1)
    x = np.linspace(0, 3, 60)
    smooth = np.sin(x)
    noisy = smooth + rng.normal(0, 0.1, 60)
    out = whittaker_smooth(noisy[None], 10.0)[0]
    assert np.abs(out - smooth).mean() < 0.6 * np.abs(noisy - smooth).mean()
    line = 2.0 + 0.5 * x
    np.testing.assert_allclose(whittaker_smooth(line[None], 1e4)[0], line, atol=1e-8)
    np.testing.assert_array_equal(whittaker_smooth(noisy[None], 0.0)[0], noisy)


def test_too_little_history_is_a_warning_naming_queue_and_model_never_nan(caplog) -> None:
    y = planted_history(14, weekday_differs=False, seed=5, queue="short queue")
    with caplog.at_level(logging.WARNING):
        model = RootProfileModel().fit(y, 15)
    assert model.fallback_reason_ is not None
    messages = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert any("short queue" in m and "root_profile" in m for m in messages), messages
    future = y.index[-40:] + pd.Timedelta(days=7)
    forecast = model.predict(future)
    assert np.isfinite(forecast).all() and (forecast >= 0).all()


def test_auto_with_too_little_history_for_root_profile_forecasts_finite_values(caplog) -> None:
    frame = synthetic_frame(first_date=FIRST_DATE, days=17, seed=2, queue="tiny")
    with caplog.at_level(logging.WARNING):
        result = forecast_history(as_history(frame), horizon_days=3, model="auto")
    assert np.isfinite(result["offered"]).all() and len(result) == 2 * 40
    messages = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert any("tiny" in m and "root_profile" in m for m in messages), messages


@pytest.mark.parametrize(
    "params",
    [{"profile_weeks": 0}, {"profile_decay": 0.0}, {"profile_decay": 1.5}, {"smooth_penalty": -1}],
)
def test_bad_parameters_name_the_parameter(params) -> None:
    y = planted_history(28, weekday_differs=False, seed=6)
    with pytest.raises(InputError, match=next(iter(params))):
        make_model("root_profile", **params).fit(y, 15)


def test_auto_can_choose_a_combination_with_root_profile_and_builds_it() -> None:
    y = planted_history(140, weekday_differs=True, seed=8)
    selection = select_model(y, 15, horizon_days=1)
    board = selection.leaderboard
    labels = set(board["model"])
    assert {"root_profile", "combination(top_down+factor+root_profile)"} <= labels
    for label in AUTO_COMBINATIONS:
        model = selection.make(label)
        registry, members = AUTO_COMBINATIONS[label]
        assert model.name == registry and tuple(model.members) == tuple(members)
    # The combination's backtest forecast is the mean of its members' (equal weights).
    detail = selection.detail
    label = "combination(top_down+root_profile)"

    def part(name: str) -> np.ndarray:
        rows = detail[(detail["model"] == name)].sort_values(["horizon_days", "interval_start"])
        return rows["forecast"].to_numpy()

    np.testing.assert_allclose(part(label), (part("top_down") + part("root_profile")) / 2)
