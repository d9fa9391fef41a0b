"""Stop a HiGHS call when its CPU-time budget is spent, through HiGHS's callbacks.

HiGHS's own ``time_limit`` counts wall time, which grows with the machine's load: a limit
that fires on wall time gives a result that depends on how busy the machine was. The clock
of every limit here is :func:`thread_cpu_seconds`, the CPU time of the calling thread
(:func:`time.thread_time`, user and system): HiGHS with ``threads = 1`` runs in the thread
that calls it (measured: the thread's and the process's CPU time of a 3,000-node solve were
both 1.75 s), so the clock counts the work of this solve or search only, whatever else runs
on the machine *or in the same process* (the app serves several sessions from one process,
a Dask worker may run several tasks at once; beside one busy Python thread the process's
CPU time of that solve was 4.03 s, the thread's still 1.75 s). With ``threads`` above 1
HiGHS's helper threads are not counted (the wall backstop still bounds the call).

:class:`CpuInterrupt` subscribes to HiGHS's interrupt callbacks (``cbMipInterrupt``,
``cbIpmInterrupt``, ``cbSimplexInterrupt``; highspy 1.16, "Callbacks" in the highspy
documentation), which HiGHS calls in the solving thread, and sets ``user_interrupt`` once
the clock passes the CPU deadline; HiGHS then ends with model status ``kInterrupt`` and its
best solution. HiGHS's wall ``time_limit`` stays only as a far backstop
(:data:`WALL_BACKSTOP_FACTOR` times the CPU budget) against a call that hangs.

The simplex callback comes once per simplex iteration; reading the clock costs about a
microsecond, the Python callback itself more, so the clock is read every
:data:`CHECK_EVERY_CALLS`-th call only (a simplex iteration of the rota models takes far
longer than a microsecond, so the budget is overrun by well under a second).

:func:`cpu_limit` is the one way every HiGHS call in ``src/`` gets its limit: the rota
models (:mod:`wfm.scheduling.solve`, arrays and pyomo), the intraday re-plan
(:mod:`wfm.intraday.replan_milp`) and the hiring optimiser (:mod:`wfm.capacity.hiring`);
the rota search's own budget (:class:`wfm.scheduling.budget.SearchClock`) reads
:func:`thread_cpu_seconds` too.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    import highspy

#: HiGHS's wall ``time_limit`` is this many times the CPU budget: a backstop for a hang only
#: (a 2-core machine at load 14 gives a process about 1/7 of a core).
WALL_BACKSTOP_FACTOR = 20.0

#: The clock is read on every this-many-th callback (of each kind) [calls].
CHECK_EVERY_CALLS = 16


def thread_cpu_seconds() -> float:
    """The clock of every CPU-time limit: the calling thread's CPU time [s] (see the module
    docstring for why a thread's, not the process's)."""
    return time.thread_time()


#: The smallest CPU budget :func:`cpu_limit` gives a call [CPU seconds] (a budget already
#: spent still lets HiGHS load the model and return its status).
MIN_CPU_SECONDS = 0.01


class CpuInterrupt:
    """Interrupt ``highs``'s next runs once the CPU clock reaches ``deadline``.

    Use as a context manager around ``highs.run()``; the callbacks are removed on exit.

    Parameters
    ----------
    highs
        The ``highspy.Highs`` object (made by :func:`wfm.highs_solver.new_highs`).
    deadline
        A value of ``cpu_clock`` [CPU seconds].
    cpu_clock
        The clock (default :func:`thread_cpu_seconds`; a fake in tests).

    Attributes
    ----------
    fired
        Whether the callback asked HiGHS to stop.
    calls
        Callbacks received (for measuring the overhead).
    backstop_seconds
        HiGHS's wall ``time_limit`` set by :func:`cpu_limit` [s] (``None`` outside it).
    """

    def __init__(self, highs: highspy.Highs, deadline: float, cpu_clock=thread_cpu_seconds):
        self.highs = highs
        self.deadline = float(deadline)
        self.cpu_clock = cpu_clock
        self.fired = False
        self.calls = 0
        self.backstop_seconds: float | None = None

    def _check(self, event) -> None:
        self.calls += 1
        if self.fired or self.calls % CHECK_EVERY_CALLS == 0 or self.calls == 1:
            if self.fired or self.cpu_clock() >= self.deadline:
                self.fired = True
                event.interrupt()

    def model_status(self, highs: highspy.Highs | None = None) -> highspy.HighsModelStatus:
        """HiGHS's model status after the run, with the ``kInterrupt`` this callback caused
        read as ``kTimeLimit`` (the CPU-time limit fired; any other interrupt stays)."""
        import highspy

        status = (highs or self.highs).getModelStatus()
        if self.fired and status == highspy.HighsModelStatus.kInterrupt:
            return highspy.HighsModelStatus.kTimeLimit
        return status

    def _callbacks(self):
        return (self.highs.cbMipInterrupt, self.highs.cbIpmInterrupt, self.highs.cbSimplexInterrupt)

    def __enter__(self) -> CpuInterrupt:
        for callback in self._callbacks():
            callback.subscribe(self._check)
        return self

    def __exit__(self, *exc) -> None:
        for callback in self._callbacks():
            callback.unsubscribe(self._check)


@contextmanager
def cpu_limit(
    highs: highspy.Highs, budget_seconds: float, cpu_clock=thread_cpu_seconds
) -> Iterator[CpuInterrupt]:
    """Limit the HiGHS runs inside the block to ``budget_seconds`` of CPU time
    (:func:`thread_cpu_seconds`).

    Sets HiGHS's wall ``time_limit`` to the far backstop (:func:`wall_backstop_seconds`)
    and subscribes a :class:`CpuInterrupt` with the deadline ``budget_seconds`` from now
    (at least :data:`MIN_CPU_SECONDS`); yields it (``fired``, :meth:`~CpuInterrupt.model_status`).
    Code that sets HiGHS's options itself after this (pyomo's interface) must pass
    ``interrupt.backstop_seconds`` as its time limit.

    Parameters
    ----------
    highs
        The ``highspy.Highs`` object that runs inside the block.
    budget_seconds
        The limit [CPU seconds].
    cpu_clock
        The clock (default :func:`thread_cpu_seconds`; a fake in tests).
    """
    budget_seconds = max(float(budget_seconds), MIN_CPU_SECONDS)
    backstop = wall_backstop_seconds(budget_seconds)
    highs.setOptionValue("time_limit", backstop)
    with CpuInterrupt(highs, cpu_clock() + budget_seconds, cpu_clock) as interrupt:
        interrupt.backstop_seconds = backstop
        yield interrupt


def wall_backstop_seconds(budget_seconds: float) -> float:
    """HiGHS's wall ``time_limit`` for a call with a CPU budget of ``budget_seconds`` [s].

    >>> wall_backstop_seconds(10.0)
    200.0
    """
    return max(WALL_BACKSTOP_FACTOR * float(budget_seconds), 1.0)
