"""Every HiGHS call's time limit counts this process's CPU time, not wall time
(:mod:`wfm.highs_cpu_limit`), and so does the rota search's (:class:`SearchClock`)."""

from __future__ import annotations

import threading
import time

import numpy as np
import pytest

from cpu_limit_helpers import burn_cpu, sleep_twice
from wfm import highs_cpu_limit
from wfm.highs_cpu_limit import CpuInterrupt, cpu_limit
from wfm.highs_solver import new_highs
from wfm.scheduling.budget import SearchClock
from wfm.scheduling.linear_model import LinearModel
from wfm.scheduling.solve import SolveStatus, run_highs


class FakeClock:
    """A CPU clock that moves only when told to."""

    def __init__(self, now: float = 100.0):
        self.now = now

    def __call__(self) -> float:
        return self.now


def test_the_search_clock_counts_the_given_cpu_clock():
    cpu = FakeClock(100.0)
    clock = SearchClock(30.0, cpu_clock=cpu)
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


def test_the_default_clock_is_this_threads_cpu_time():
    clock = SearchClock(5.0)
    assert clock.cpu_clock is highs_cpu_limit.thread_cpu_seconds
    assert 0.0 <= clock.elapsed() < 5.0
    burn_cpu(0.05)
    assert clock.elapsed() >= 0.05


class FakeEvent:
    def __init__(self):
        self.interrupted = False

    def interrupt(self):
        self.interrupted = True


def test_the_callback_interrupts_once_the_cpu_deadline_passes():
    cpu = FakeClock(0.0)
    watch = CpuInterrupt(highs=None, deadline=10.0, cpu_clock=cpu)
    event = FakeEvent()
    watch._check(event)  # the first call reads the clock: before the deadline
    assert not event.interrupted and not watch.fired
    cpu.now = 10.5
    for _ in range(highs_cpu_limit.CHECK_EVERY_CALLS - 2):  # not yet a call that reads the clock
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
    monkeypatch.setattr("wfm.highs_cpu_limit.wall_backstop_seconds", lambda seconds: 600.0)
    started = time.thread_time()
    run = run_highs(market_split(), time_limit_seconds=0.5, threads=1, seed=0)
    spent = time.thread_time() - started
    assert run.time_limited and run.termination == "maxTimeLimit"
    assert run.status in (SolveStatus.FEASIBLE, SolveStatus.NO_SOLUTION)
    assert 0.5 <= spent < 5.0  # stopped just after the budget, not by the 600 s backstop


def test_a_search_deadline_in_cpu_time_stops_the_call(monkeypatch):
    monkeypatch.setattr("wfm.highs_cpu_limit.wall_backstop_seconds", lambda seconds: 600.0)
    started = time.thread_time()
    deadline = highs_cpu_limit.thread_cpu_seconds() + 0.5  # a deadline is on the same clock
    run = run_highs(market_split(), time_limit_seconds=600.0, deadline=deadline)
    assert run.time_limited
    assert time.thread_time() - started < 5.0


def limited_market_split(budget_seconds: float, before_run) -> tuple[CpuInterrupt, str]:
    """Solve a market split (node limit 200) under ``cpu_limit(budget_seconds)``, calling
    ``before_run()`` inside the limit first; the interrupt and HiGHS's model status."""
    model = market_split()
    highs = model.highs()
    highs.setOptionValue("mip_max_nodes", 200)
    with cpu_limit(highs, budget_seconds) as interrupt:
        assert highs.getOptionValue("time_limit")[1] == pytest.approx(
            highs_cpu_limit.WALL_BACKSTOP_FACTOR * budget_seconds
        )
        before_run()
        highs.run()
    return interrupt, interrupt.model_status().name


def test_a_sleeping_process_does_not_spend_the_budget_a_busy_one_does():
    """Wall time passing while this process sleeps (as when others hold the CPU) leaves the
    budget whole; CPU time this process spends uses it up."""
    budget = 0.3
    started = time.perf_counter()
    slept, status = limited_market_split(budget, sleep_twice(budget))
    assert time.perf_counter() - started >= 2 * budget  # the wall passed the budget...
    assert not slept.fired and status != "kTimeLimit"  # ...and the limit did not fire
    assert slept.calls > 0  # the callbacks did read the clock
    burnt, status = limited_market_split(budget, lambda: burn_cpu(1.5 * budget))
    assert burnt.fired and status == "kTimeLimit"


def test_another_threads_cpu_time_does_not_spend_the_budget():
    """CPU time another thread of this process spends (the app's other sessions, a Dask
    worker's other tasks) leaves the budget whole; the process's CPU time would not."""
    budget = 0.3

    def busy_neighbour():
        started = time.process_time()
        neighbour = threading.Thread(target=burn_cpu, args=(2 * budget,))
        neighbour.start()
        neighbour.join()
        assert time.process_time() - started >= 2 * budget  # the process did spend it

    beside, status = limited_market_split(budget, busy_neighbour)
    assert beside.calls > 0 and not beside.fired and status != "kTimeLimit"


def test_the_limit_reads_its_clock_and_only_its_own_interrupt_is_a_time_limit():
    import highspy

    highs = new_highs()
    subscribed = len(highs.cbSimplexInterrupt.callbacks)
    cpu = FakeClock(50.0)
    with cpu_limit(highs, 0.0, cpu_clock=cpu) as interrupt:  # a budget already spent
        assert interrupt.deadline == pytest.approx(50.0 + highs_cpu_limit.MIN_CPU_SECONDS)
        assert interrupt.backstop_seconds == highs_cpu_limit.wall_backstop_seconds(0.01)
        assert len(highs.cbSimplexInterrupt.callbacks) == subscribed + 1
    assert len(highs.cbSimplexInterrupt.callbacks) == subscribed  # removed on exit

    class Interrupted:
        def getModelStatus(self):
            return highspy.HighsModelStatus.kInterrupt

    other = CpuInterrupt(Interrupted(), deadline=1.0, cpu_clock=cpu)
    assert other.model_status() == highspy.HighsModelStatus.kInterrupt  # e.g. Ctrl+C
    other.fired = True
    assert other.model_status() == highspy.HighsModelStatus.kTimeLimit
