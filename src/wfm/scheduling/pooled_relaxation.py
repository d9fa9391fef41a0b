"""The pooled LP relaxation of the rota model, built and solved in one place.

The rota model over pooled agents (:func:`~wfm.scheduling.workforce.pooled_workforce`:
interchangeable agents counted, not named) with integrality dropped is small and solves in
seconds; its optimum is a lower bound on the cost of every rota
(:func:`wfm.scheduling.week_boundary.horizon_bound`) and its solution says how many agents
each queue gets in each interval (the service profile of
:func:`wfm.scheduling.service_target.solve_for_objective`).
"""

from __future__ import annotations

from collections.abc import Sequence

from wfm.config import SchedulingSettings
from wfm.scheduling.instance import RotaInstance
from wfm.scheduling.linear_model import LinearModel
from wfm.scheduling.model import ModelExtension, build_rota_model
from wfm.scheduling.solve import SolverRun, SolveStatus, run_highs
from wfm.scheduling.workforce import pooled_workforce


def solve_pooled_relaxation(
    instance: RotaInstance,
    settings: SchedulingSettings,
    time_limit_seconds: float,
    extensions: Sequence[ModelExtension] = (),
    *,
    vertex: bool = True,
) -> tuple[LinearModel, SolverRun]:
    """Build the pooled rota model of ``instance`` (with ``extensions``) and solve its LP
    relaxation with HiGHS (``settings.threads`` and ``settings.seed``) within
    ``time_limit_seconds`` [seconds].

    ``vertex=False`` asks only for the optimum: the interior-point method without crossover
    (500 agents x 4 weeks: 8.2 s of CPU instead of 12.2 s with crossover, the same optimum
    to 1e-9, docs/benchmarks.md); should it end short of optimal before the time limit, it
    runs once more with crossover. Returns the model (holding the solution, if any) and the
    last run.
    """
    model = build_rota_model(instance, settings, pooled_workforce(instance), extensions)
    for crossover in (True,) if vertex else (False, True):
        run = run_highs(
            model,
            relaxation=True,
            threads=settings.threads,
            seed=settings.seed,
            time_limit_seconds=time_limit_seconds,
            crossover=crossover,
        )
        if run.status == SolveStatus.OPTIMAL or run.time_limited:
            break
    return model, run
