"""A pyomo model's HiGHS call is limited in this process's CPU time too (through the
``highspy.Highs`` object pyomo's persistent interface keeps), not in wall time."""

from __future__ import annotations

import time

import numpy as np
import pyomo.environ as pyo

import wfm.scheduling.solve as solve
from cpu_limit_helpers import limit_that_first, sleep_twice
from wfm.scheduling.solve import SolveStatus, run_highs

#: CPU budget of the sleeping call [s].
BUDGET_SECONDS = 0.3


def market_split(n_rows: int = 4, n_columns: int = 36, seed: int = 3) -> pyo.ConcreteModel:
    """A market-split instance (Cornuéjols and Dawande 1999), as a pyomo model: branch and
    bound needs millions of nodes (far more than a second of CPU)."""
    rng = np.random.default_rng(seed)
    a = rng.integers(0, 100, size=(n_rows, n_columns))
    model = pyo.ConcreteModel()
    model.x = pyo.Var(range(n_columns), domain=pyo.Binary)
    model.over = pyo.Var(range(n_rows), domain=pyo.NonNegativeReals)
    model.under = pyo.Var(range(n_rows), domain=pyo.NonNegativeReals)
    model.split = pyo.Constraint(
        range(n_rows),
        rule=lambda m, i: (
            sum(int(a[i, j]) * m.x[j] for j in range(n_columns)) + m.over[i] - m.under[i]
            == int(a[i].sum() // 2)
        ),
    )
    model.slack = pyo.Objective(expr=sum(model.over.values()) + sum(model.under.values()))
    return model


def test_a_pyomo_run_stops_on_its_cpu_budget(monkeypatch):
    # HiGHS's own (wall) limit pushed far away: only the CPU-time callback can stop the call.
    monkeypatch.setattr("wfm.highs_cpu_limit.wall_backstop_seconds", lambda seconds: 600.0)
    started = time.thread_time()
    run = run_highs(market_split(), time_limit_seconds=0.5, threads=1, seed=0)
    spent = time.thread_time() - started
    assert run.time_limited and run.termination == "maxTimeLimit"
    assert run.status in (SolveStatus.FEASIBLE, SolveStatus.NO_SOLUTION)
    assert 0.5 <= spent < 5.0  # stopped just after the budget, not by the 600 s backstop


def test_a_sleeping_pyomo_call_keeps_its_budget(monkeypatch):
    """Wall time that passes while the process is off the CPU does not spend the budget:
    a call that sleeps twice its budget inside the limit still ends on its node limit."""
    seen = limit_that_first(monkeypatch, solve, sleep_twice(BUDGET_SECONDS))
    run = run_highs(market_split(), time_limit_seconds=BUDGET_SECONDS, node_limit=50)
    ((interrupt, _),) = seen
    assert interrupt.calls > 0 and not interrupt.fired
    assert not run.time_limited and run.termination == "iterationLimit"  # the node limit
