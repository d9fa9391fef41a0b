"""The rota search's time limit counts this process's CPU time, not wall time."""

from __future__ import annotations

import time

import numpy as np
import pytest

from wfm.scheduling import cpu_interrupt
from wfm.scheduling.budget import SearchClock
from wfm.scheduling.cpu_interrupt import CpuInterrupt
from wfm.scheduling.linear_model import LinearModel
from wfm.scheduling.solve import SolveStatus, run_highs


class FakeClock:
    """A process_time that moves only when told to."""

    def __init__(self, now: float = 100.0):
        self.now = now

    def __call__(self) -> float:
        return self.now


def test_the_search_clock_counts_the_given_cpu_clock():
    cpu = FakeClock(100.0)
    clock = SearchClock(30.0, process_time=cpu)
    assert clock.deadline == 130.0 and clock.remaining() == 30.0
    cpu.now = 112.5  # 12.5 CPU seconds spent, however long the wall took
    assert clock.elapsed() == pytest.approx(12.5)
    assert clock.remaining() == pytest.approx(17.5)
    assert clock.fits(17.0) and not clock.fits(18.0)
    assert clock.describe() is None
    cpu.now = 140.0
    assert clock.remaining() == 0.0 and not clock.fits(0.0)
    clock.fired("stage 3")
    described = clock.describe()
    assert described.startswith("the CPU-time limit of 30 s (a safety net) stopped stage 3")


def test_the_default_clock_is_process_time():
    clock = SearchClock(5.0)
    assert clock.process_time is time.process_time
    assert 0.0 <= clock.elapsed() < 5.0


class FakeEvent:
    def __init__(self):
        self.interrupted = False

    def interrupt(self):
        self.interrupted = True


def test_the_callback_interrupts_once_the_cpu_deadline_passes():
    cpu = FakeClock(0.0)
    watch = CpuInterrupt(highs=None, deadline=10.0, process_time=cpu)
    event = FakeEvent()
    watch._check(event)  # the first call reads the clock: before the deadline
    assert not event.interrupted and not watch.fired
    cpu.now = 10.5
    for _ in range(cpu_interrupt.CHECK_EVERY_CALLS - 2):  # not yet a call that reads the clock
        watch._check(event)
    assert not event.interrupted
    watch._check(event)  # the CHECK_EVERY_CALLS-th call reads it
    assert event.interrupted and watch.fired
    later = FakeEvent()
    watch._check(later)  # once fired, every call interrupts
    assert later.interrupted


def market_split(n_rows: int = 4, n_columns: int = 36, seed: int = 3) -> LinearModel:
    """A market-split instance (Cornuéjols and Dawande 1999): ``sum_j a_ij x_j + s_i - t_i =
    floor(sum_j a_ij / 2)`` with binary ``x`` and coefficients 0..99; minimise the slacks.
    Branch and bound needs millions of nodes on these (far more than a second of CPU)."""
    rng = np.random.default_rng(seed)
    coefficients = rng.integers(0, 100, size=(n_rows, n_columns))
    model = LinearModel("market split")
    x = model.add_variables("x", range(n_columns), upper=1.0, integer=True)
    over = model.add_variables("over", range(n_rows))
    under = model.add_variables("under", range(n_rows))
    rows = {
        i: (
            list(coefficients[i]) + [1.0, -1.0],
            list(x.columns) + [over[i], under[i]],
        )
        for i in range(n_rows)
    }
    targets = [float(coefficients[i].sum() // 2) for i in range(n_rows)]
    model.add_rows("split", rows, lower=targets, upper=targets)
    model.add_objective(np.concatenate([over.columns, under.columns]), np.ones(2 * n_rows))
    return model


def test_a_highs_run_stops_on_its_cpu_budget(monkeypatch):
    # HiGHS's own (wall) limit pushed far away: only the CPU-time callback can stop the call.
    monkeypatch.setattr("wfm.scheduling.solve.wall_backstop_seconds", lambda seconds: 600.0)
    started = time.process_time()
    run = run_highs(market_split(), time_limit_seconds=0.5, threads=1, seed=0)
    spent = time.process_time() - started
    assert run.time_limited and run.termination == "maxTimeLimit"
    assert run.status in (SolveStatus.FEASIBLE, SolveStatus.NO_SOLUTION)
    assert 0.5 <= spent < 5.0  # stopped just after the budget, not by the 600 s backstop


def test_a_search_deadline_in_cpu_time_stops_the_call(monkeypatch):
    monkeypatch.setattr("wfm.scheduling.solve.wall_backstop_seconds", lambda seconds: 600.0)
    started = time.process_time()
    run = run_highs(market_split(), time_limit_seconds=600.0, deadline=time.process_time() + 0.5)
    assert run.time_limited
    assert time.process_time() - started < 5.0
