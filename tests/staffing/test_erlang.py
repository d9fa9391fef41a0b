"""Erlang B/C against published vectors, identities and an independent closed form."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wfm.staffing import (
    asa_seconds,
    erlang_b,
    erlang_c,
    occupancy,
    service_level,
    service_level_fractional,
)


def erlang_c_by_factorials(agents: int, traffic: float) -> float:
    """Textbook Erlang C with powers and factorials (independent of the recursion)."""
    if agents <= traffic:
        return 1.0
    top = traffic**agents / math.factorial(agents) * agents / (agents - traffic)
    bottom = sum(traffic**k / math.factorial(k) for k in range(agents)) + top
    return top / bottom


def test_identities_from_domain():
    assert erlang_b(2, 1.0) == pytest.approx(1 / 5, abs=1e-15)
    assert erlang_c(2, 1.0) == pytest.approx(1 / 3, abs=1e-15)
    assert erlang_c(5, 5.0) == 1.0
    assert erlang_c(5, 7.5) == 1.0


def test_published_vector_a_equals_10():
    # DOMAIN.md: 100 calls / 30 min, AHT 180 s, T = 20 s.
    assert float(erlang_c(14, 10.0)) == pytest.approx(0.1741, abs=5e-5)
    assert float(service_level(14, 10.0, 180, 20)) == pytest.approx(0.8884, abs=5e-5)
    assert float(asa_seconds(14, 10.0, 180)) == pytest.approx(7.84, abs=5e-3)
    assert float(occupancy(14, 10.0)) == pytest.approx(0.714, abs=5e-4)
    assert float(service_level(13, 10.0, 180, 20)) == pytest.approx(0.796, abs=5e-4)


def test_published_vector_a_equals_20():
    low, high = service_level([23, 24], 20.0, 180.0, 30.0)
    assert low == pytest.approx(0.748, abs=5e-4)
    assert high == pytest.approx(0.847, abs=5e-4)


@pytest.mark.parametrize("agents,traffic", [(1, 0.5), (3, 2.2), (10, 7.0), (25, 20.5), (60, 55.0)])
def test_erlang_c_matches_factorial_formula(agents, traffic):
    assert float(erlang_c(agents, traffic)) == pytest.approx(
        erlang_c_by_factorials(agents, traffic), rel=1e-10
    )


def test_vectorised_equals_elementwise():
    rng = np.random.default_rng(7)
    traffic = rng.uniform(0.1, 80, 200)
    agents = np.floor(traffic).astype(int) + rng.integers(1, 10, 200)
    together = erlang_c(agents, traffic)
    apart = np.array([float(erlang_c(n, a)) for n, a in zip(agents, traffic, strict=True)])
    np.testing.assert_array_equal(together, apart)


def test_stable_at_thousands_of_agents():
    value = float(erlang_c(5000, 4900.0))
    assert 0.0 < value < 1.0 and np.isfinite(value)
    assert float(service_level(2100, 2000.0, 300, 20)) > 0.99


def test_no_traffic_is_perfect_service():
    assert float(service_level(0, 0.0, 180, 20)) == 1.0
    assert float(asa_seconds(0, 0.0, 180)) == 0.0


def test_fractional_service_level_interpolates_and_matches_integers():
    integer = service_level([12, 13, 14], 10.0, 180, 20)
    np.testing.assert_allclose(
        service_level_fractional([12.0, 13.0, 14.0], 10.0, 180, 20), integer, rtol=0, atol=1e-14
    )
    quarter = float(service_level_fractional(13.25, 10.0, 180, 20))
    assert quarter == pytest.approx(0.75 * integer[1] + 0.25 * integer[2], abs=1e-14)


@settings(max_examples=200, deadline=None)
@given(
    traffic=st.floats(0.01, 300),
    extra=st.integers(0, 40),
    threshold=st.floats(0, 120),
    aht=st.floats(20, 1200),
)
def test_properties_against_theory(traffic, extra, threshold, aht):
    agents = math.floor(traffic) + 1 + extra
    blocking = float(erlang_b(agents, traffic))
    waiting = float(erlang_c(agents, traffic))
    assert 0.0 <= blocking <= waiting <= 1.0
    level, level_next = service_level([agents, agents + 1], traffic, aht, threshold)
    assert level <= level_next + 1e-12  # non-decreasing in agents
    assert 1.0 - waiting - 1e-12 <= level <= 1.0  # at least the share answered at once


def test_direct_erlang_b_matches_the_recursion():
    from wfm.staffing.erlang import erlang_b_direct

    rng = np.random.default_rng(3)
    traffic = np.concatenate([rng.uniform(0.01, 50, 300), rng.uniform(50, 2000, 100)])
    agents = np.floor(traffic).astype(int) + rng.integers(-5, 60, traffic.size)
    agents = np.maximum(agents, 1)
    np.testing.assert_allclose(
        erlang_b_direct(agents, traffic), erlang_b(agents, traffic), rtol=1e-9, atol=1e-300
    )
    assert float(erlang_b_direct(5000, 2000.0)) < 1e-100
