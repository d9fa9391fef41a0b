"""Erlang B at the input limit of agents (10^9, wfm.limits.MAX_AGENTS_COUNT): found by the
hostile-input sweep, where a coverage file claiming a billion agents kept `wfm whatif` in the
Erlang B recursion for minutes (a step per agent). The answer must take a bounded number of
recursion steps (counted here, not timed: the time is in benchmarks/bench_staffing.py) and
equal the recursion's, which is checked here with the recursion allowed to run all the way."""

from __future__ import annotations

import math

import numpy as np
import pytest

import wfm.staffing.erlang as erlang
from wfm.staffing import service_level


class CountedRange:
    """``range`` for :mod:`wfm.staffing.erlang` (its recursion's only loop) that counts the
    steps taken and stops a run longer than ``most_steps`` at once (a regression fails
    instead of hanging)."""

    def __init__(self, most_steps: int) -> None:
        self.most_steps = most_steps
        self.steps = 0

    def __call__(self, *bounds: int):
        for n in range(*bounds):
            self.steps += 1
            if self.steps > self.most_steps:
                raise AssertionError(f"more than {self.most_steps:,} Erlang B recursion steps")
            yield n


#: Recursion steps a test may take at most: five times today's limit of 20,000 agents, a
#: ten-thousandth of the billion steps the recursion once took.
MOST_STEPS = 100_000


@pytest.fixture
def counted(monkeypatch) -> CountedRange:
    counter = CountedRange(most_steps=MOST_STEPS)
    monkeypatch.setattr(erlang, "range", counter, raising=False)  # found before the builtin
    return counter


def test_a_billion_agents_take_a_bounded_number_of_steps(counted):
    blocking = erlang.erlang_b(np.array([10**9, 10**9, 12]), np.array([5.0, 9e8, 10.0]))
    # the recursion stops at its limit; the billion-agent elements take the O(1) form
    assert counted.steps == erlang.RECURSION_MAX_AGENTS  # was 10**9 steps: minutes
    level = float(service_level(10**9, 40.0, 300.0, 20.0))  # 40 contacts x 300 s: A = 13.3
    # B(n, 13.3) underflows to 0.0 after a few hundred agents: checked every 64 steps
    assert counted.steps <= erlang.RECURSION_MAX_AGENTS + 64 * math.ceil(1000 / 64)
    assert blocking[2] == float(erlang.erlang_b(12, 10.0))  # the others are untouched
    # independent bound: B(N, A) = P(X = N) / P(X <= N) for X ~ Poisson(A), and the median
    # of X is below A + 1/3 (Choi 1994), so for N >= A + 1, P(X <= N) >= 1/2 and
    # B <= 2 P(X = N), with ln P(X = N) = N ln A - A - ln N!
    for agents, traffic, value in zip((10**9, 10**9), (5.0, 9e8), blocking[:2], strict=True):
        log_bound = math.log(2) + agents * math.log(traffic) - traffic - math.lgamma(agents + 1)
        assert log_bound < -746 and value == 0.0  # e^-746 is below the smallest double
    assert level == 1.0


def test_beyond_the_recursion_limit_equals_the_recursion(monkeypatch):
    agents = np.array([3, 20_001, 20_050, 20_400, 25_000])
    traffic = np.array([2.0, 19_900.0, 20_000.0, 20_500.0, 24_000.0])
    fast = erlang.erlang_b(agents, traffic)
    monkeypatch.setattr(erlang, "RECURSION_MAX_AGENTS", 10**6)  # the plain recursion
    np.testing.assert_allclose(fast, erlang.erlang_b(agents, traffic), rtol=1e-9)


def test_stopping_once_every_pending_value_underflows_is_exact():
    # B(N, A) for N far above A underflows to 0.0 on the way; the values read off before
    # that point are the recursion's, and the closed form agrees with both.
    agents = np.array([1, 10, 64, 200, 5000, 100_000])
    traffic = np.array([1.0, 4.0, 30.0, 3.0, 3.0, 2.0])
    values = erlang.erlang_b(agents, traffic)
    assert values[0] == 0.5  # B(1, 1) = 1 / 2
    np.testing.assert_allclose(
        values, erlang.erlang_b_direct(agents, traffic), rtol=1e-9, atol=1e-300
    )
    assert values[-1] == 0.0 and values[-2] == 0.0
