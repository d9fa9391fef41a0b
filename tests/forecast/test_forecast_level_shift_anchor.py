"""A persistent step of the day level moves the long-run level the damping pulls towards;
a surge that decays does not."""

from __future__ import annotations

import numpy as np
import pytest
from test_forecast_day_level import OPEN_MINUTES, day_history, shape_of, weekdays

from wfm.forecast import make_model
from wfm.forecast.level_shift import SHIFT_MIN_DAYS, shift_anchor

BASE = 40.0  # day_history's rate scale
STEP = 1.25
STEP_DAYS = 15  # open days at the new level at the end of the history
DAYS = weekdays(5 * 26)


def day_noise(seed: int) -> np.ndarray:
    """5 % log-normal noise of the day level, seeded."""
    return np.exp(np.random.default_rng(seed).normal(0.0, 0.05, len(DAYS)))


def expected_total(multiplier: float) -> float:
    """Expected contacts of a day at ``multiplier``, from the planted shape alone."""
    minutes = np.arange(OPEN_MINUTES[0], OPEN_MINUTES[1], 15)
    return BASE * multiplier * float(shape_of(minutes).sum())


def forecast_totals(model, last_day) -> np.ndarray:
    """The model's day totals over the next five open days (leads 1..5)."""
    dates = np.busday_offset(np.datetime64(last_day, "D"), np.arange(1, 6), roll="forward")
    index = day_history({d.astype(object): 1.0 for d in dates}, seed=0).index
    values = model.predict(index)
    return np.array([values[index.date == d.astype(object)].sum() for d in dates])


@pytest.fixture(scope="module")
def step():
    noise = day_noise(11)
    multipliers = {
        d: (STEP if k >= len(DAYS) - STEP_DAYS else 1.0) * noise[k] for k, d in enumerate(DAYS)
    }
    return day_history(multipliers, seed=5, base=BASE)


@pytest.fixture(scope="module")
def surge():
    """The bank after Labor Day: +32, +17, +9 %, then back to the old level for 15 days."""
    noise = day_noise(12)
    extra = dict(zip(range(len(DAYS) - 18, len(DAYS) - 15), (1.32, 1.17, 1.09), strict=True))
    multipliers = {d: extra.get(k, 1.0) * noise[k] for k, d in enumerate(DAYS)}
    return day_history(multipliers, seed=6, base=BASE)


@pytest.mark.parametrize("name", ["top_down", "factor", "root_profile"])
def test_a_week_ahead_forecast_keeps_a_persistent_step(step, name) -> None:
    """Fifteen open days after a +25 % step the forecast five open days ahead is within
    4 % of the new level (damped towards the old 12- or 30-week mean it was 6-8 % low)."""
    model = make_model(name).fit(step, 15)
    assert np.any(np.asarray(model.shift_anchor_) != 0.0)
    totals = forecast_totals(model, DAYS[-1])
    truth = expected_total(STEP)
    assert totals[4] == pytest.approx(truth, rel=0.04)
    assert totals[0] == pytest.approx(truth, rel=0.04)


@pytest.mark.parametrize("name", ["top_down", "factor", "root_profile"])
def test_a_decaying_surge_is_not_a_shift(surge, name) -> None:
    model = make_model(name).fit(surge, 15)
    assert np.all(np.asarray(model.shift_anchor_) == 0.0)
    totals = forecast_totals(model, DAYS[-1])
    assert totals[4] == pytest.approx(expected_total(1.0), rel=0.04)


def test_the_anchor_is_the_mean_after_the_change() -> None:
    """A step of 0.2 after 40 days with ±0.01 noise: the anchor is the post-step mean
    measured from the whole window's mean (0.2 × 40 / 60), and nothing fires on noise or
    on a step younger than SHIFT_MIN_DAYS."""
    noise = np.tile([0.01, -0.01], 30)
    x = np.r_[np.zeros(40), np.full(20, 0.2)] + noise
    assert shift_anchor(x - x.mean()) == pytest.approx(0.2 * 40 / 60, abs=1e-12)
    assert shift_anchor(noise) == 0.0
    young = np.r_[np.zeros(62 - SHIFT_MIN_DAYS), np.full(SHIFT_MIN_DAYS - 2, 0.2)] + noise
    assert shift_anchor(young - young.mean()) == 0.0
