"""Erlang B at the input limit of agents (10^9, wfm.limits.MAX_AGENTS_COUNT): found by the
hostile-input sweep, where a coverage file claiming a billion agents kept `wfm whatif` in the
Erlang B recursion for minutes (a step per agent). The answer must come at once and equal
the recursion's, which is checked here with the recursion allowed to run all the way."""

from __future__ import annotations

import time

import numpy as np

import wfm.staffing.erlang as erlang
from wfm.staffing import service_level


def test_a_billion_agents_answer_at_once():
    started = time.process_time()
    blocking = erlang.erlang_b(np.array([10**9, 10**9, 12]), np.array([5.0, 9e8, 10.0]))
    level = float(service_level(10**9, 40.0, 300.0, 20.0))
    assert time.process_time() - started < 5.0  # was a billion recursion steps: minutes
    assert blocking[0] == 0.0 and blocking[1] == 0.0  # far more agents than load
    assert blocking[2] == float(erlang.erlang_b(12, 10.0))  # the others are untouched
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
