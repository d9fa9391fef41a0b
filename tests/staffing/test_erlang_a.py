"""Erlang A (M/M/N+M) against an exact birth–death chain, Erlang C and a seeded simulation."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.linalg import expm

from wfm.errors import InputError
from wfm.staffing.erlang import asa_seconds, service_level
from wfm.staffing.erlang_a import erlang_a, staff_erlang_a


def birth_death(agents, traffic, aht, patience, threshold, queue_cap=400):
    """Exact M/M/N+M values from the chain truncated at N + queue_cap states.

    P(wait) and P(abandon) come from the stationary distribution (PASTA, Little: the
    abandonment rate is θ·E[queue]). The service level and ASA follow each arriving caller
    through the absorbing chain "k callers ahead" with a matrix exponential: independent of
    the incomplete-gamma closed forms under test.
    """
    lam, mu, theta = traffic / aht, 1 / aht, 1 / patience
    states = agents + queue_cap
    log_p = np.zeros(states + 1)
    for k in range(1, states + 1):
        death = min(k, agents) * mu + max(k - agents, 0) * theta
        log_p[k] = log_p[k - 1] + math.log(lam) - math.log(death)
    pi = np.exp(log_p - log_p.max())
    pi /= pi.sum()
    wait = pi[agents:].sum()
    queue = np.arange(states + 1 - agents) @ pi[agents:]
    abandon = theta * queue / lam
    level, answered_wait = pi[:agents].sum(), 0.0
    for ahead in range(queue_cap):
        weight = pi[agents + ahead]
        if weight < 1e-13:
            continue
        size = ahead + 3  # k = ahead..0, then "answered", "abandoned"
        rates = np.zeros((size, size))
        for k in range(ahead + 1):
            rates[k, k] = -(agents * mu + (k + 1) * theta)
            rates[k, ahead + 2] = theta
            rates[k, k - 1 if k else ahead + 1] = agents * mu + k * theta
        level += weight * expm(rates * threshold)[ahead, ahead + 1]
        # E[wait · 1{answered}] = Σ over transient states of (expected time there) × P(answered after).
        transient = np.linalg.inv(-rates[: ahead + 1, : ahead + 1])
        answered_from = (agents * mu + np.arange(ahead + 1) * theta) / (
            agents * mu + (np.arange(ahead + 1) + 1) * theta
        )
        answered_from = np.cumprod(answered_from)  # P(answered | k ahead), k = 0..ahead
        answered_wait += weight * transient[ahead] @ answered_from
    return wait, abandon, level, answered_wait / (1 - abandon)


@pytest.mark.parametrize(
    "agents,traffic,aht,patience,threshold",
    [
        (5, 4.0, 180, 60, 20),
        (14, 10.0, 180, 120, 20),
        (8, 10.0, 300, 100, 30),
        (3, 1.5, 100, 500, 10),
        (20, 25.0, 240, 45, 15),
    ],
)
def test_closed_forms_match_the_exact_chain(agents, traffic, aht, patience, threshold):
    result = erlang_a(agents, traffic, aht, patience, threshold)
    wait, abandon, level, asa = birth_death(agents, traffic, aht, patience, threshold)
    assert float(result.wait_probability) == pytest.approx(wait, rel=1e-9)
    assert float(result.abandon_probability) == pytest.approx(abandon, rel=1e-9)
    assert float(result.service_level) == pytest.approx(level, rel=1e-9)
    assert float(result.asa_seconds) == pytest.approx(asa, rel=1e-8)


def test_erlang_a_tends_to_erlang_c_as_patience_grows():
    gaps = [
        abs(
            float(erlang_a(14, 10.0, 180, p, 20).service_level)
            - float(service_level(14, 10.0, 180, 20))
        )
        for p in (1e3, 1e5, 1e7)
    ]
    assert gaps[0] > gaps[1] > gaps[2] and gaps[2] < 1e-5
    assert float(erlang_a(14, 10.0, 180, 1e8, 20).asa_seconds) == pytest.approx(
        float(asa_seconds(14, 10.0, 180)), rel=1e-5
    )


def test_large_centres_are_stable():
    result = erlang_a([5000, 2100, 1500], [4900.0, 2000.0, 2000.0], 300, [1e5, 1e6, 120], 20)
    assert np.isfinite(result.service_level).all() and np.isfinite(result.asa_seconds).all()
    assert float(result.service_level[1]) == pytest.approx(
        float(service_level(2100, 2000.0, 300, 20)), abs=1e-6
    )
    # 1,500 agents for 2,000 Erlang: a quarter of the callers must abandon (flow balance).
    assert float(result.abandon_probability[2]) == pytest.approx(0.25, abs=1e-3)


@settings(max_examples=100, deadline=None)
@given(
    traffic=st.floats(0.1, 300),
    extra=st.integers(-20, 30),
    aht=st.floats(30, 900),
    patience=st.floats(5, 2000),
    threshold=st.floats(0, 120),
)
def test_properties(traffic, extra, aht, patience, threshold):
    agents = max(1, math.floor(traffic) + extra)
    now, more = (erlang_a(n, traffic, aht, patience, threshold) for n in (agents, agents + 1))
    for r in (now, more):
        assert 0 <= r.abandon_probability <= r.wait_probability <= 1
        assert 0 <= r.service_level <= 1 - r.abandon_probability + 1e-12
    assert more.service_level >= now.service_level - 1e-10
    assert more.abandon_probability <= now.abandon_probability + 1e-12
    # Flow balance: carried load A(1 − P(abandon)) cannot exceed the agents.
    assert traffic * (1 - now.abandon_probability) <= agents * (1 + 1e-9)


@settings(max_examples=60, deadline=None)
@given(
    traffic=st.floats(0.5, 150),
    aht=st.floats(60, 600),
    patience=st.floats(10, 600),
    target=st.floats(0.3, 0.95),
)
def test_staffing_is_minimal(traffic, aht, patience, target):
    agents = int(
        staff_erlang_a(
            [traffic], [aht], [patience], service_level_target=target, answer_threshold_seconds=20
        )[0]
    )
    assert float(erlang_a(agents, traffic, aht, patience, 20).service_level) >= target - 1e-12
    if agents > 1:
        assert float(erlang_a(agents - 1, traffic, aht, patience, 20).service_level) < target


def test_abandonment_allows_staffing_below_the_load():
    agents = staff_erlang_a(
        [100.0], [180.0], [60.0], service_level_target=None, max_abandon_probability=0.3
    )
    assert agents[0] < 100


def test_bad_patience_is_an_input_error():
    with pytest.raises(InputError, match="patience_seconds"):
        erlang_a(10, 8.0, 180, 0.0)
    with pytest.raises(InputError, match="between 0 and 1"):
        staff_erlang_a([10.0], [180.0], [60.0], service_level_target=80)


@pytest.mark.slow
def test_agrees_with_a_seeded_simulation():
    from wfm.staffing.simulation import simulate_interval_queue

    agents, traffic, aht, patience, threshold = 12, 10.0, 180.0, 120.0, 20.0
    result = erlang_a(agents, traffic, aht, patience, threshold)
    simulated = simulate_interval_queue(
        agents,
        traffic / aht,
        aht,
        threshold,
        patience_seconds=patience,
        horizon_seconds=2_000_000,
        seed=5,
    )
    # ~110,000 calls; waits are correlated in time, so the standard error is a few times the
    # binomial one (~0.001): 0.01 allows about 3 of them.
    assert simulated["service_level"] == pytest.approx(float(result.service_level), abs=0.01)
    assert simulated["abandon_probability"] == pytest.approx(
        float(result.abandon_probability), abs=0.01
    )
    assert simulated["asa_seconds"] == pytest.approx(float(result.asa_seconds), rel=0.1)
