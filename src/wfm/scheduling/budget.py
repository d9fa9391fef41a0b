"""Deterministic work budgets for the rota search, and the CPU-time limit as a safety net.

A search stage that stops on a share of the wall-clock time gives a rota that depends on how
busy the machine was: two runs of one plan then differ. The stages of
:func:`wfm.scheduling.search.solve_rota` therefore stop on *work* limits that do not depend
on the machine: HiGHS's branch-and-bound node limit (``mip_max_nodes``), its objective
target and relative gap, and a stall rule (a stage whose node budget ends without a rota
within the gap target hands over to the next one). HiGHS with one thread and a fixed seed
explores the same nodes in the same order on any machine, so the same inputs, settings and
seed give the same rota, whatever the load.

The time limit (``scheduling.time_limit_seconds``) stays, as a safety net on the whole
search, and counts CPU time (of the searching thread,
:func:`wfm.highs_cpu_limit.thread_cpu_seconds`), not wall time: every HiGHS call gets the
CPU time left as its own limit (checked by HiGHS's interrupt callbacks,
:mod:`wfm.highs_cpu_limit`), a stage whose model would not be built in the time left is
skipped, and when the limit stops a stage the summary says so (the rota then
depends on the limit and the machine's speed, but not on its load). :class:`SearchClock`
keeps that deadline and records where it fired.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from wfm.highs_cpu_limit import thread_cpu_seconds

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class SearchBudget:
    """Deterministic work limits of the stages of the rota search [branch-and-bound nodes].

    Parameters
    ----------
    pooled_rounding_nodes
        Stage 2: the pooled MIP around the LP solution (RENS).
    pooled_rounding_solutions
        Stage 2: the pooled MIP around the LP solution stops at its this-many-th improving
        solution [solutions] (``None``: only the node limit). Measured (docs/benchmarks.md,
        "Planning chain"): on the sample centre its 10 nodes took 22 s of CPU time and its
        second solution (after 1 node) 9 s, with the same shared-out rota; at 200 agents the
        second solution gave the same gap as 10 nodes; the first solution alone left the
        200-agent rota at 2 % and stage 3 then found none.
    share_out_check_nodes
        Stage 2: completing the breaks and coverage of the shared-out rota in the exact
        model (the shifts are fixed; HiGHS completes the MIP start).
    improvement_nodes
        Stage 2: each neighbourhood of the improvement of the shared-out rota
        (:mod:`wfm.scheduling.search.improve`); 0 skips the improvement.
    repair_nodes
        Stage 2: the exact repair model over the agents whose shifts could not be shared
        out (:func:`wfm.scheduling.pooled.share_out`).
    support_nodes
        Stage 3: the exact model on the shifts the relaxation uses.
    full_nodes
        Stage 4: the exact model on every allowed shift.

    Notes
    -----
    A node of HiGHS's search costs more on a larger model, so these limits bound the work
    in a way that grows with the instance; the CPU-time limit bounds the time. The
    defaults were chosen on the sample centre and the benchmarks of
    ``benchmarks/bench_rostering.py`` (docs/benchmarks.md, "Deterministic search").
    """

    pooled_rounding_nodes: int = 10
    pooled_rounding_solutions: int | None = 2
    share_out_check_nodes: int = 50
    improvement_nodes: int = 20
    repair_nodes: int = 200
    support_nodes: int = 200
    full_nodes: int = 200

    def scaled(self, factor: float) -> SearchBudget:
        """Every node limit times ``factor`` (at least one node each); the solution limit
        stays."""
        return SearchBudget(
            **{
                name: max(int(round(value * factor)), 1) if name.endswith("_nodes") else value
                for name, value in self.__dict__.items()
            }
        )


#: The budget of :func:`wfm.scheduling.search.solve_rota` unless one is given.
DEFAULT_BUDGET = SearchBudget()


@dataclass
class SearchClock:
    """The CPU-time limit of one search (a safety net): a deadline and where it stopped the
    search.

    The clock is the CPU time of the searching thread
    (:func:`wfm.highs_cpu_limit.thread_cpu_seconds`, user and system): HiGHS runs in that
    thread (one thread), so the CPU time a search spends does not depend on how many other
    processes, or other threads of this process, share the machine, and neither does where
    the limit fires.

    Parameters
    ----------
    limit_seconds
        The limit on the whole search [CPU seconds].
    cpu_clock
        The clock (a fake in tests).
    started
        ``cpu_clock`` value at the start (default: now).

    Examples
    --------
    >>> ticks = iter([10.0, 12.5, 14.0])
    >>> clock = SearchClock(5.0, cpu_clock=lambda: next(ticks))
    >>> clock.deadline, clock.remaining(), clock.fits(0.5)  # 1 s left at the third reading
    (15.0, 2.5, True)
    """

    limit_seconds: float
    cpu_clock: Callable[[], float] = field(default=thread_cpu_seconds, repr=False)
    started: float | None = None
    fired_in: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        if self.started is None:
            self.started = self.cpu_clock()

    @property
    def deadline(self) -> float:
        """``cpu_clock`` value at which the limit is reached [CPU seconds]."""
        return self.started + self.limit_seconds

    def remaining(self) -> float:
        """CPU seconds left before the limit (0 once reached)."""
        return max(self.deadline - self.cpu_clock(), 0.0)

    def elapsed(self) -> float:
        """CPU seconds since the start."""
        return self.cpu_clock() - self.started

    def fits(self, seconds: float) -> bool:
        """Whether work expected to take ``seconds`` of CPU time ends before the limit."""
        return seconds < self.remaining()

    def fired(self, stage: str) -> None:
        """Record that the limit stopped (or ruled out) ``stage``."""
        logger.warning(
            "the CPU-time limit of %.0f s stopped the rota search in %s",
            self.limit_seconds,
            stage,
        )
        self.fired_in.append(stage)

    def describe(self) -> str | None:
        """Where the limit fired, in words; ``None`` when it did not."""
        if not self.fired_in:
            return None
        return (
            f"the CPU-time limit of {self.limit_seconds:g} s (a safety net) stopped "
            + ", ".join(self.fired_in)
            + ": the rota depends on the limit (and the machine's speed), not on its load"
        )
