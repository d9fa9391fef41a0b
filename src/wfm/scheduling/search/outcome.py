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


def run_outcome(run: SolverRun) -> str:
    """A HiGHS call's ending in words for the summary's steps."""
    words = {
        "iterationLimit": "node budget spent",
        "objectiveLimit": "rota within the gap target",
        "convergenceCriteriaSatisfied": "optimal",
        "maxTimeLimit": "time limit reached",
        "provenInfeasible": "infeasible",
    }.get(run.termination, run.termination)
    if run.status.has_solution:
        return f"{words}, cost {run.objective:.2f}"
    return f"{words}, no rota"


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
