"""What every stage of the rota search works with, in one object: the instance, the work
budgets, the gap target, the search's model builder and HiGHS call, and its summary."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from wfm.scheduling.budget import SearchBudget
from wfm.scheduling.instance import RotaInstance
from wfm.scheduling.linear_model import LinearModel
from wfm.scheduling.solve import SolverRun


@dataclass(frozen=True)
class SearchContext:
    """The inputs the stages of :func:`~wfm.scheduling.search.solve_rota` share.

    Parameters
    ----------
    instance
        Prepared inputs.
    budget
        Deterministic work limits of the stages (:class:`~wfm.scheduling.budget.SearchBudget`).
    gap_target
        The target relative gap against the proven bound [fraction].
    build
        ``build(workforce)``: the search's model builder (the exact model of ``workforce``'s
        agent-shift pairs, or the pooled model; it times each build).
    solve
        ``solve(model, stage, start=None, grace=False, **options)``: the search's HiGHS call
        (its limits, MIP start and the CPU-time limit, see :func:`~wfm.scheduling.search.solve_rota`).
    steps
        The search's summary, one entry appended per stage outcome (the list is shared).
    """

    instance: RotaInstance
    budget: SearchBudget
    gap_target: float
    build: Callable[..., LinearModel]
    solve: Callable[..., SolverRun]
    steps: list[str]

    def target(self, bound: float | None) -> float | None:
        """The cost within the gap target of ``bound`` [cost units]: ``bound / (1 - gap)``
        (``bound * (1 - gap)`` for a negative bound); ``None`` without a bound.

        >>> SearchContext(None, None, 0.5, None, None, []).target(10.0)
        20.0
        """
        if bound is None:
            return None
        gap = self.gap_target
        return bound / (1.0 - gap) if bound > 0 else bound * (1.0 - gap)
