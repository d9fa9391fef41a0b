"""Shrinkage components compound; profiles give per-interval shrinkage for requirements."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from wfm.errors import InputError
from wfm.staffing import ServiceTarget, compute_requirements, scheduled_agents
from wfm.staffing.shrinkage import (
    ShrinkageComponent,
    compound_shrinkage,
    parse_components,
    shrinkage_by_interval,
)

TZ = "Europe/London"


@given(st.lists(st.floats(0, 0.9), min_size=1, max_size=6))
def test_compounding_equals_the_share_of_time_left(fractions):
    # Time left after each component takes its share of what the others left.
    left = 1.0
    for fraction in fractions:
        left -= left * fraction
    total = float(compound_shrinkage(fractions))
    assert total == pytest.approx(1 - left, abs=1e-12)
    assert max(fractions) - 1e-12 <= total <= min(sum(fractions), 1.0) + 1e-12


def test_profile_by_weekday_and_time_of_day():
    starts = pd.Series(pd.date_range("2026-03-02 08:45", periods=4, freq="15min", tz=TZ))  # Monday
    meetings = pd.DataFrame({"09:00": [0.5, 0.1]}, index=[0, 1])
    absence = pd.DataFrame({"all": [0.2]}, index=[0])  # Mondays only
    parts = [
        ShrinkageComponent("meetings", 0.0, weekday_time_profile=meetings),
        ShrinkageComponent("sickness", 0.05, planned=False, weekday_time_profile=absence),
    ]
    got = shrinkage_by_interval(starts, parts)
    np.testing.assert_allclose(got, [0.2, 1 - 0.5 * 0.8, 0.2, 0.2])
    tuesday = shrinkage_by_interval(starts + pd.Timedelta(days=1), parts)
    np.testing.assert_allclose(tuesday, [0.05, 1 - 0.9 * 0.95, 0.05, 0.05])


def test_per_row_shrinkage_reaches_the_requirements():
    forecast = pd.DataFrame(
        {
            "interval_start": pd.date_range("2026-03-02 09:00", periods=3, freq="30min", tz=TZ),
            "queue": "q",
            "offered": [100.0, 100.0, 100.0],
            "aht_seconds": 180.0,
        }
    )
    shrinkage = np.array([0.3, 0.0, 0.5])
    table = compute_requirements(
        forecast, ServiceTarget(0.8, 20, None), shrinkage, 30, include_fractional=True
    )
    assert (
        table["agents_scheduled_required"].tolist()
        == scheduled_agents(np.array([14, 14, 14]), shrinkage).tolist()
        == [20, 14, 28]
    )
    assert table["shrinkage_fraction"].tolist() == [0.3, 0.0, 0.5]
    assert (np.ceil(table["agents_required_fractional"]) == table["agents_required"]).all()
    with pytest.raises(InputError, match="one value per forecast row"):
        compute_requirements(forecast, ServiceTarget(), np.array([0.3, 0.3]), 30)


def test_bad_components_are_input_errors():
    with pytest.raises(InputError, match="percentage"):
        ShrinkageComponent("holidays", 10)
    with pytest.raises(InputError, match="NAME=FRACTION"):
        parse_components(["holidays:0.1"])
    with pytest.raises(InputError, match="weekday"):
        ShrinkageComponent("x", 0.1, weekday_time_profile=pd.DataFrame({"all": [0.1]}, index=[9]))


def test_many_distinct_shrinkages_give_the_exact_ceilings(monkeypatch):
    import wfm.staffing.requirements as requirements

    rng = np.random.default_rng(5)
    required = rng.integers(0, 3000, 20_000)
    shrinkage = rng.integers(0, 999, 20_000) / 1000  # > 64 distinct values: the vectorised path
    fast = scheduled_agents(required, shrinkage)
    monkeypatch.setattr(requirements, "_EXACT_SHRINKAGE_VALUES", 10**9)  # force exact fractions
    np.testing.assert_array_equal(fast, scheduled_agents(required, shrinkage))
    assert scheduled_agents(np.array([21] * 100), np.linspace(0.3, 0.3, 100)).tolist() == [30] * 100
