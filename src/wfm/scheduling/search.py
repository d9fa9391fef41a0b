"""How the rota MILP is solved: an LP-guided search in three stages.

Solving the exact model directly with HiGHS is slow to find a first rota: with tens of
interchangeable agents the LP relaxation is highly degenerate and the root cut loop runs
for tens of seconds before any heuristic. The relaxation is, however, very tight (on the
60-agent benchmark the optimum lies about 0.1 % above it), so the search uses it twice:

1. **Bound.** Solve the LP relaxation of the *pooled* model
   (:func:`~wfm.scheduling.instance.pooled_workforce`: interchangeable agents pooled). Its
   optimum equals that of the exact model's relaxation (split a pooled solution evenly
   between the pool's agents), so it is a valid lower bound on every rota's cost, and it
   is smaller and free of symmetry.
2. **Rota.** Solve the exact model restricted to the shifts the relaxation uses for each
   pool (every agent of a pool may take any shift the pool, or another pool of the same
   contract and skill group, uses and the agent is allowed), stopping at the first
   rota within ``relative_gap`` of the bound (HiGHS ``objective_target``). This is the
   relaxation-induced neighbourhood idea of RENS (Berthold 2014).
3. **Fallback.** If that does not reach the gap (or finds no rota) and time remains,
   solve the unrestricted exact model with the remaining time and keep the better rota.

The reported bound is the best proven one (stage 1, or stage 3's when it proves more), so
the reported gap is honest whichever stage found the rota.

Measured on the synthetic 60-agent, two-queue week (``tests/scheduling/scheduling_synthetic.py``,
one thread): when demand is near or above what the contracts give, stage 2 ends the
search at 0.0-0.7 % gap after 10-26 s in all; when the contracts' minimum hours force far
more staff than needed, the relaxation's support is too narrow, stage 2 stops at 1.1-1.5 %
and stage 3 reaches the optimum after about 40 s. Breaking the symmetry between
interchangeable agents with ordering constraints instead made HiGHS slower (a first
feasible rota took 20 s instead of 3 s), hence the pooling.

References
----------
.. [1] Berthold, T. (2014). "RENS: the optimal rounding". Mathematical Programming
   Computation 6(1), 33-54.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

import pandas as pd
import pyomo.environ as pyo

from wfm.config import SchedulingSettings
from wfm.progress import ProgressCallback, no_progress
from wfm.scheduling.instance import RotaInstance, Workforce, agent_workforce, pooled_workforce
from wfm.scheduling.model import build_rota_model
from wfm.scheduling.solve import (
    SolverRun,
    SolveStatus,
    SolveSummary,
    model_size,
    relative_gap,
    run_highs,
)

logger = logging.getLogger(__name__)

#: A shift is in the relaxation's support when its value exceeds this [shifts].
SUPPORT_TOLERANCE = 1e-6


@dataclass(frozen=True)
class SearchResult:
    """The model holding the best rota, and the summary of the search.

    Parameters
    ----------
    model
        The exact (per-agent) model whose variables hold the rota; ``None`` without one.
    summary
        Status, objective, bound, gap, timings (``wall_seconds`` is build plus solve; the
        caller adds its own) and model size. Staffing totals are filled in when the rota
        is read.
    """

    model: pyo.ConcreteModel | None
    summary: SolveSummary


def relaxation_support(model: pyo.ConcreteModel, workforce: Workforce, instance: RotaInstance) -> pd.DataFrame:
    """(agent, candidate) pairs allowed in stage 2: every shift the relaxed solution uses
    for any pool of the same contract and skill group, for each agent of those pools to
    whom it is allowed. Columns ``agent`` and ``candidate``.

    Pools of one contract and skill group differ only in availability or preferences; an
    agent with time off or a preference is often a pool of its own, whose relaxed
    solution uses few shifts, so sharing the support across those pools keeps stage 2
    from being too narrow. Without availability and preferences this is each pool's own
    support. Measured on the sample centre with five agents' time off and seven agents'
    preferences (one thread): each pool's own support gave 1.11 % after the full time
    limit (stage 2 stopped above the gap target); the shared support 0.83 % in 17.5 s.
    """
    units = {unit.unit_id: unit for unit in workforce.units}
    used: dict[tuple[str, int], set[int]] = {}
    for (unit_id, candidate), var in model.x.items():
        if (var.value or 0.0) > SUPPORT_TOLERANCE:
            unit = units[unit_id]
            used.setdefault((unit.contract.name, unit.group), set()).add(int(candidate))
    wanted = pd.DataFrame(
        [
            (agent, candidate)
            for unit in workforce.units
            for agent in unit.agents
            for candidate in used.get((unit.contract.name, unit.group), ())
        ],
        columns=["agent", "candidate"],
        dtype="int64",
    )
    return wanted.merge(instance.eligible, on=["agent", "candidate"]).sort_values(
        ["agent", "candidate"], ignore_index=True
    )


def solve_rota(
    instance: RotaInstance,
    settings: SchedulingSettings,
    *,
    progress: ProgressCallback | None = None,
) -> SearchResult:
    """Find a rota for ``instance`` by the three-stage search of this module.

    Parameters
    ----------
    instance
        Prepared inputs.
    settings
        Objective weights; ``time_limit_seconds`` bounds the whole search, ``relative_gap``
        is the target gap against the proven bound, ``threads`` and ``seed`` go to HiGHS.
    progress
        Called with (fraction done, message) between stages.

    Returns
    -------
    SearchResult
        The exact model with the best rota loaded, or ``None`` and a summary whose status
        says why there is no rota (``infeasible``, ``no_solution`` or ``error``).
    """
    report = progress or no_progress
    deadline = time.perf_counter() + settings.time_limit_seconds
    gap_target = settings.relative_gap
    build_seconds = solve_seconds = 0.0
    steps: list[str] = []

    def remaining() -> float:
        return max(deadline - time.perf_counter(), 0.0)

    def build(workforce: Workforce | None) -> pyo.ConcreteModel:
        nonlocal build_seconds
        started = time.perf_counter()
        model = build_rota_model(instance, settings, workforce)
        build_seconds += time.perf_counter() - started
        return model

    def solve(model: pyo.ConcreteModel, **options) -> SolverRun:
        nonlocal solve_seconds
        run = run_highs(model, threads=settings.threads, seed=settings.seed, **options)
        solve_seconds += run.seconds
        return run

    def target(bound: float | None) -> float | None:
        if bound is None:
            return None
        return bound / (1.0 - gap_target) if bound > 0 else bound * (1.0 - gap_target)

    # Stage 1: the pooled relaxation gives the bound and the support.
    report(0.0, "bounding the rota cost (LP relaxation)")
    pooled = pooled_workforce(instance)
    relaxed_model = build(pooled)
    relaxed = solve(relaxed_model, time_limit_seconds=remaining(), relaxation=True)
    if relaxed.status == SolveStatus.INFEASIBLE:
        steps.append("the LP relaxation is infeasible")
        return SearchResult(None, _summary(SolveStatus.INFEASIBLE, steps, None, None, build_seconds, solve_seconds, None))
    bound = relaxed.bound if relaxed.status == SolveStatus.OPTIMAL else None
    steps.append(f"LP bound {bound:.2f}" if bound is not None else f"LP relaxation {relaxed.termination}")

    best_model: pyo.ConcreteModel | None = None
    best_objective: float | None = None
    if relaxed.status.has_solution:
        # Stage 2: the exact model on the relaxation's support.
        report(0.3, "searching the shifts the relaxation uses")
        support = relaxation_support(relaxed_model, pooled, instance)
        restricted_model = build(agent_workforce(instance, support))
        restricted = solve(
            restricted_model,
            time_limit_seconds=remaining(),
            relative_gap=gap_target,
            objective_target=target(bound),
        )
        steps.append(f"MIP on {len(support)} agent-shift pairs of the LP support: {restricted.termination}")
        if restricted.status.has_solution:
            best_model, best_objective = restricted_model, restricted.objective

    gap = relative_gap(best_objective, bound)
    if (gap is None or gap > gap_target + 1e-12) and remaining() > 0.5:
        # Stage 3: the unrestricted exact model with the time left.
        report(0.7, "searching all shifts")
        full_model = build(None)
        full = solve(
            full_model,
            time_limit_seconds=remaining(),
            relative_gap=gap_target,
            objective_target=target(bound),
        )
        steps.append(f"MIP on all shifts: {full.termination}")
        if full.status == SolveStatus.INFEASIBLE and best_model is None:
            return SearchResult(
                None, _summary(SolveStatus.INFEASIBLE, steps, None, None, build_seconds, solve_seconds, None)
            )
        if full.bound is not None:
            bound = full.bound if bound is None else max(bound, full.bound)
        if full.status.has_solution and (best_objective is None or full.objective < best_objective - 1e-9):
            best_model, best_objective = full_model, full.objective

    if best_model is None:
        status = SolveStatus.NO_SOLUTION if relaxed.status != SolveStatus.ERROR else SolveStatus.ERROR
        return SearchResult(None, _summary(status, steps, None, bound, build_seconds, solve_seconds, None))
    if bound is not None and bound > best_objective:
        bound = best_objective  # numerical noise at optimality
    gap = relative_gap(best_objective, bound)
    status = SolveStatus.OPTIMAL if gap is not None and gap <= gap_target + 1e-9 else SolveStatus.FEASIBLE
    summary = _summary(status, steps, best_objective, bound, build_seconds, solve_seconds, best_model)
    logger.info("rota search: %s", "; ".join(steps))
    return SearchResult(best_model, summary)


def _summary(
    status: SolveStatus,
    steps: list[str],
    objective: float | None,
    bound: float | None,
    build_seconds: float,
    solve_seconds: float,
    model: pyo.ConcreteModel | None,
) -> SolveSummary:
    n_variables, n_integer, n_constraints = model_size(model) if model is not None else (0, 0, 0)
    return SolveSummary(
        status=status,
        termination="; ".join(steps),
        objective=objective,
        bound=bound,
        gap=relative_gap(objective, bound),
        build_seconds=build_seconds,
        solve_seconds=solve_seconds,
        wall_seconds=build_seconds + solve_seconds,
        n_variables=n_variables,
        n_integer_variables=n_integer,
        n_constraints=n_constraints,
    )
