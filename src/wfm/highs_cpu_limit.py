"""Stop a HiGHS call when this process's CPU-time budget is spent, through its callbacks.

HiGHS's own ``time_limit`` counts wall time, which grows with the machine's load: a limit
that fires on wall time gives a rota that depends on how busy the machine was. HiGHS runs
in this process with one thread (``threads = 1``), so :func:`time.process_time` (this
process's user and system CPU time) measures the work it did, whatever the load.
:class:`CpuInterrupt` subscribes to HiGHS's interrupt callbacks (``cbMipInterrupt``,
``cbIpmInterrupt``, ``cbSimplexInterrupt``; highspy 1.16, "Callbacks" in the highspy
documentation) and sets ``user_interrupt`` once :func:`time.process_time` passes the CPU
deadline; HiGHS then ends with model status ``kInterrupt`` and its best solution. HiGHS's
wall ``time_limit`` stays only as a far backstop (:data:`WALL_BACKSTOP_FACTOR` times the CPU
budget) against a call that hangs.

The simplex callback comes once per simplex iteration; reading the clock costs about a
microsecond, the Python callback itself more, so the clock is read every
:data:`CHECK_EVERY_CALLS`-th call only (a simplex iteration of the rota models takes far
longer than a microsecond, so the budget is overrun by well under a second).

:func:`cpu_limit` is the one way every HiGHS call in ``src/`` gets its limit: the rota
models (:mod:`wfm.scheduling.solve`, arrays and pyomo), the intraday re-plan
(:mod:`wfm.intraday.replan_milp`) and the hiring optimiser (:mod:`wfm.capacity.hiring`).
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

#: The smallest CPU budget :func:`cpu_limit` gives a call [CPU seconds] (a budget already
#: spent still lets HiGHS load the model and return its status).
MIN_CPU_SECONDS = 0.01


class CpuInterrupt:
    """Interrupt ``highs``'s next runs once :func:`time.process_time` reaches ``deadline``.

    Use as a context manager around ``highs.run()``; the callbacks are removed on exit.

    Parameters
    ----------
    highs
        The ``highspy.Highs`` object (made by :func:`wfm.highs_solver.new_highs`).
    deadline
        A :func:`time.process_time` value [CPU seconds].
    process_time
        The clock (a fake in tests).

    Attributes
    ----------
    fired
        Whether the callback asked HiGHS to stop.
    calls
        Callbacks received (for measuring the overhead).
    backstop_seconds
        HiGHS's wall ``time_limit`` set by :func:`cpu_limit` [s] (``None`` outside it).
    """

    def __init__(self, highs: highspy.Highs, deadline: float, process_time=time.process_time):
        self.highs = highs
        self.deadline = float(deadline)
        self.process_time = process_time
        self.fired = False
        self.calls = 0
        self.backstop_seconds: float | None = None

    def _check(self, event) -> None:
        self.calls += 1
        if self.fired or self.calls % CHECK_EVERY_CALLS == 0 or self.calls == 1:
            if self.fired or self.process_time() >= self.deadline:
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
    highs: highspy.Highs, cpu_seconds: float, process_time=time.process_time
) -> Iterator[CpuInterrupt]:
    """Limit the HiGHS runs inside the block to ``cpu_seconds`` of this process's CPU time.

    Sets HiGHS's wall ``time_limit`` to the far backstop (:func:`wall_backstop_seconds`)
    and subscribes a :class:`CpuInterrupt` with the deadline ``cpu_seconds`` from now
    (at least :data:`MIN_CPU_SECONDS`); yields it (``fired``, :meth:`~CpuInterrupt.model_status`).
    Code that sets HiGHS's options itself after this (pyomo's interface) must pass
    ``interrupt.backstop_seconds`` as its time limit.

    Parameters
    ----------
    highs
        The ``highspy.Highs`` object that runs inside the block.
    cpu_seconds
        The limit [CPU seconds of this process].
    process_time
        The clock (a fake in tests).
    """
    cpu_seconds = max(float(cpu_seconds), MIN_CPU_SECONDS)
    backstop = wall_backstop_seconds(cpu_seconds)
    highs.setOptionValue("time_limit", backstop)
    with CpuInterrupt(highs, process_time() + cpu_seconds, process_time) as interrupt:
        interrupt.backstop_seconds = backstop
        yield interrupt


def wall_backstop_seconds(cpu_seconds: float) -> float:
    """HiGHS's wall ``time_limit`` for a call with a CPU budget of ``cpu_seconds`` [s].

    >>> wall_backstop_seconds(10.0)
    200.0
    """
    return max(WALL_BACKSTOP_FACTOR * float(cpu_seconds), 1.0)
