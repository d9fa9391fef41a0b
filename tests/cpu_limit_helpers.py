"""Helpers of the CPU-limit tests (``test_*_cpu_limit.py``): spend this thread's CPU time, or
let twice a budget of wall time pass off the CPU, inside a solve's CPU-time limit
(:func:`wfm.highs_cpu_limit.cpu_limit`), before HiGHS starts.

A limit counting CPU time must not fire on the sleep (the machine is shared: a process kept
off the CPU keeps its budget) and must fire on the burn.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable
from types import ModuleType

from wfm.highs_cpu_limit import cpu_limit


def burn_cpu(seconds: float) -> None:
    """Spend ``seconds`` of this thread's CPU time (a busy loop)."""
    until = time.thread_time() + seconds
    while time.thread_time() < until:
        pass


def sleep_twice(budget_seconds: float) -> Callable[[], None]:
    """A ``before_run`` that sleeps twice ``budget_seconds`` [s]: wall time well past the
    budget, with no CPU time spent."""
    return lambda: time.sleep(2 * budget_seconds)


def limit_that_first(
    monkeypatch,
    module: ModuleType,
    before_run: Callable[[], None],
    *,
    budget_seconds: float | None = None,
) -> list:
    """Make ``module``'s solves run ``before_run()`` inside their CPU-time limit, before HiGHS
    starts (``module.cpu_limit`` replaced); with ``budget_seconds``, also their CPU budget
    (``module.SAFETY_CPU_SECONDS``). The list returned receives each limit's (interrupt,
    HiGHS wall time limit [s])."""
    seen = []

    @contextlib.contextmanager
    def limit(highs, cpu_seconds):
        with cpu_limit(highs, cpu_seconds) as interrupt:
            seen.append((interrupt, highs.getOptionValue("time_limit")[1]))
            before_run()
            yield interrupt

    if budget_seconds is not None:
        monkeypatch.setattr(module, "SAFETY_CPU_SECONDS", budget_seconds)
    monkeypatch.setattr(module, "cpu_limit", limit)
    return seen
