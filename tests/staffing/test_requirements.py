"""Staffing search and shrinkage: minimal integers, binding targets, exact ceilings."""

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wfm.errors import InputError
from wfm.staffing import (
    ServiceTarget,
    asa_seconds,
    compute_requirements,
    scheduled_agents,
    service_level,
    staff_to_target,
)


def test_domain_vector_service_level_binds():
    staffing = staff_to_target(np.array([10.0]), np.array([180.0]), ServiceTarget(0.8, 20, None))
    assert staffing.agents_required.tolist() == [14]
    assert staffing.binding_target.tolist() == ["service_level"]
    assert scheduled_agents(staffing.agents_required, 0.3).tolist() == [20]


def test_domain_vector_occupancy_binds():
    traffic = 1000 * 120 / 3600
    staffing = staff_to_target(np.array([traffic]), np.array([120.0]), ServiceTarget(0.8, 20, 0.85))
    assert staffing.agents_required.tolist() == [40]
    assert staffing.binding_target.tolist() == ["occupancy"]
    assert staffing.service_level[0] == pytest.approx(0.937, abs=5e-4)
    assert staffing.asa_seconds[0] == pytest.approx(3.43, abs=5e-3)
    assert scheduled_agents(staffing.agents_required, 0.3).tolist() == [58]
    # Without the cap 38 agents meet the service level.
    assert (
        staff_to_target(
            np.array([traffic]), np.array([120.0]), ServiceTarget(0.8, 20, None)
        ).agents_required[0]
        == 38
    )


def test_asa_target_binds():
    staffing = staff_to_target(
        np.array([10.0]), np.array([180.0]), ServiceTarget(0.8, 20, None, asa_target_seconds=3.0)
    )
    assert staffing.binding_target.tolist() == ["asa"]
    assert staffing.asa_seconds[0] <= 3.0


@pytest.mark.parametrize(
    "required,shrinkage,expected",
    [
        (21, 0.3, 30),
        (14, 0.3, 20),
        (40, 0.3, 58),
        (7, 0.3, 10),
        (0, 0.3, 0),
        (10, 0.0, 10),
        (9, 0.1, 10),
        (17, 0.15, 20),
    ],
)
def test_shrinkage_ceiling_is_exact(required, shrinkage, expected):
    # 21 / 0.7 is 30.000000000000004 in floating point; the answer must still be 30.
    assert scheduled_agents(np.array([required]), shrinkage).tolist() == [expected]


def test_shrinkage_out_of_range_is_an_error():
    with pytest.raises(InputError, match="shrinkage"):
        scheduled_agents(np.array([10]), 1.0)


@settings(max_examples=150, deadline=None)
@given(
    traffic=st.floats(0.05, 400),
    aht=st.floats(30, 900),
    threshold=st.floats(5, 60),
    target=st.floats(0.5, 0.95),
)
def test_required_agents_are_minimal(traffic, aht, threshold, target):
    staffing = staff_to_target(
        np.array([traffic]), np.array([aht]), ServiceTarget(target, threshold, None)
    )
    agents = int(staffing.agents_required[0])
    assert agents >= math.floor(traffic) + 1
    assert float(service_level(agents, traffic, aht, threshold)) >= target - 1e-12
    if agents - 1 > traffic:
        assert float(service_level(agents - 1, traffic, aht, threshold)) < target


def test_compute_requirements_table():
    forecast = pd.DataFrame(
        {
            "interval_start": pd.date_range(
                "2026-03-02 08:00", periods=3, freq="30min", tz="Europe/London"
            ),
            "queue": ["sales", "sales", "support"],
            "offered": [100.0, 0.0, 1000.0],
            "aht_seconds": [180.0, float("nan"), 60.0],
        }
    )
    targets = {"sales": ServiceTarget(0.8, 20, None), "support": ServiceTarget(0.8, 20, 0.85)}
    table = compute_requirements(
        forecast, targets, {"sales": 0.3, "support": 0.3}, interval_minutes=30
    )
    assert table["agents_required"].tolist() == [14, 0, 40]
    assert table["agents_scheduled_required"].tolist() == [20, 0, 58]
    assert table["binding_target"].tolist() == ["service_level", "none", "occupancy"]
    assert table["traffic_erlangs"].tolist() == pytest.approx([10.0, 0.0, 1000 * 60 / 1800])


@pytest.mark.parametrize(
    "column,value,message",
    [
        ("offered", -5.0, "negative"),
        ("offered", "lots", "not a number"),
        ("aht_seconds", float("nan"), "AHT is missing"),
    ],
)
def test_bad_forecast_values_name_row_and_column(column, value, message):
    forecast = pd.DataFrame(
        {
            "interval_start": [0, 1],
            "queue": ["q", "q"],
            "offered": [10.0, 10.0],
            "aht_seconds": [200.0, 200.0],
        }
    ).astype(object)
    forecast.loc[1, column] = value
    with pytest.raises(InputError, match=message) as info:
        compute_requirements(forecast, ServiceTarget(), 0.3, 15, source="f.csv")
    assert "f.csv, line 3" in str(info.value)


def test_minutes_passed_as_seconds_is_caught():
    forecast = pd.DataFrame(
        {
            "interval_start": [0, 1],
            "queue": ["q", "q"],
            "offered": [10.0, 12.0],
            "aht_seconds": [3.0, 4.0],
        }
    )
    with pytest.raises(InputError, match="looks like minutes"):
        compute_requirements(forecast, ServiceTarget(), 0.3, 15)


def test_percentage_target_is_caught():
    with pytest.raises(InputError, match="percentage"):
        ServiceTarget(80, 20)


def test_vectorised_search_equals_a_one_agent_at_a_time_search():
    """The fast search agrees with walking N up from floor(A) + 1 with the plain formulas."""
    rng = np.random.default_rng(11)
    traffic = np.concatenate([rng.uniform(0.05, 30, 100), rng.uniform(30, 400, 20)])
    aht = rng.uniform(60, 900, traffic.size)
    target = ServiceTarget(0.8, 20, 0.85, asa_target_seconds=15)
    fast = staff_to_target(traffic, aht, target).agents_required
    for a, h, n_fast in zip(traffic, aht, fast, strict=True):
        n = math.floor(a) + 1
        while not (
            float(service_level(n, a, h, 20)) >= 0.8
            and float(asa_seconds(n, a, h)) <= 15
            and a / n <= 0.85
        ):
            n += 1
        assert n_fast == n


@settings(max_examples=150, deadline=None)
@given(
    traffic=st.floats(0.05, 400),
    aht=st.floats(30, 900),
    threshold=st.floats(5, 60),
    target=st.floats(0.5, 0.95),
    cap=st.one_of(st.none(), st.floats(0.6, 1.0)),
    asa=st.one_of(st.none(), st.floats(2, 60)),
)
def test_fractional_requirement_is_where_the_interpolated_curve_crosses(
    traffic, aht, threshold, target, cap, asa
):
    from wfm.staffing import service_level_fractional
    from wfm.staffing.targets import fractional_agents_required

    goal = ServiceTarget(target, threshold, cap, asa_target_seconds=asa)
    whole = int(staff_to_target(np.array([traffic]), np.array([aht]), goal).agents_required[0])
    real = float(fractional_agents_required(np.array([traffic]), np.array([aht]), goal)[0])
    assert whole - 1 < real <= whole and math.ceil(real - 1e-9) == whole
    assert real >= traffic
    if (
        asa is None and cap is None and real > max(whole - 1, traffic) + 1e-9
    ):  # the service level binds
        assert float(service_level_fractional(real, traffic, aht, threshold)) == pytest.approx(
            target, abs=1e-9
        )
