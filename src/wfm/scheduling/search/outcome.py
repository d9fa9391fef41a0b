"""The rota search's result, and its stages' endings in words for the summary."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from wfm.scheduling.linear_model import LinearModel
from wfm.scheduling.solve import SolverRun, SolveStatus, SolveSummary, model_size, relative_gap

logger = logging.getLogger(__name__)


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

    model: LinearModel | None
    summary: SolveSummary


#: HiGHS's model status -> how a call ended, in words (array models; HiGHS names the limit).
_HIGHS_ENDINGS = {
    "kOptimal": "optimal",
    "kInfeasible": "infeasible",
    "kTimeLimit": "time limit reached",
    "kIterationLimit": "node budget spent",
    "kSolutionLimit": "solution limit reached",
    "kObjectiveTarget": "objective target reached",
    "kObjectiveBound": "objective bound reached",
}

#: pyomo's termination condition -> words (pyomo models, and runs made without HiGHS's status).
_PYOMO_ENDINGS = {
    "iterationLimit": "work limit reached",
    "objectiveLimit": "objective limit reached",
    "convergenceCriteriaSatisfied": "optimal",
    "maxTimeLimit": "time limit reached",
    "provenInfeasible": "infeasible",
}


def run_outcome(run: SolverRun, gap_target_objective: float | None = None) -> str:
    """A HiGHS call's ending in words for the summary's steps: the limit that stopped it
    (HiGHS's own status, so a solution limit is not called a node budget) and the cost of
    its rota. With ``gap_target_objective`` (the cost within the gap target of the bound
    [cost units]) a rota is said to be "within the gap target" only when it costs at most
    that, and "above the gap target" otherwise.

    >>> from wfm.scheduling.solve import SolverRun, SolveStatus
    >>> run = SolverRun(SolveStatus.FEASIBLE, "iterationLimit", 10.5, 9.0, 1.0,
    ...                 highs_status="kSolutionLimit")
    >>> run_outcome(run, gap_target_objective=10.0)
    'solution limit reached, cost 10.50 (above the gap target)'
    """
    if run.highs_status is not None:
        words = _HIGHS_ENDINGS.get(run.highs_status, run.highs_status)
    else:
        words = _PYOMO_ENDINGS.get(run.termination, run.termination)
    if not run.status.has_solution:
        return f"{words}, no rota"
    ending = f"{words}, cost {run.objective:.2f}"
    if gap_target_objective is None:
        return ending
    within = run.objective <= gap_target_objective + 1e-9 * max(1.0, abs(gap_target_objective))
    return f"{ending} ({'within' if within else 'above'} the gap target)"


def stage_message(message: str, stage: str, gap: float | None) -> str:
    """``message`` of the stage starting, with the gap of the best rota found so far, e.g.
    "stage 4: rota within 0.8 % of the bound; searching all shifts" (the app shows these on
    its progress bar)."""
    if gap is None:
        return f"{stage}: no rota yet; {message}"
    return f"{stage}: rota within {100 * gap:.1f} % of the bound; {message}"


def search_summary(
    status: SolveStatus,
    steps: list[str],
    objective: float | None,
    bound: float | None,
    build_seconds: float,
    solve_seconds: float,
    model: LinearModel | None,
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
