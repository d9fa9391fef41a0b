"""The search's steps in words (:func:`wfm.scheduling.search.outcome.run_outcome`): the
limit that stopped HiGHS as HiGHS names it, and "within the gap target" only for a rota
that costs at most the target."""

from __future__ import annotations

import numpy as np
import pytest

from wfm.scheduling.linear_model import LinearModel
from wfm.scheduling.search.outcome import run_outcome
from wfm.scheduling.solve import SolverRun, SolveStatus, run_highs


def set_cover(n_elements: int = 60, n_sets: int = 120, seed: int = 0) -> LinearModel:
    """Cover every element by random sets (each holding an element with probability 0.08)
    at least cost: a MIP whose optimum HiGHS does not find at its first solution."""
    rng = np.random.default_rng(seed)
    model = LinearModel(name="set cover")
    columns = model.add_variables(
        "x", list(range(n_sets)), lower=0.0, upper=1.0, integer=True
    ).columns
    holds = rng.random((n_elements, n_sets)) < 0.08
    rows = {e: ([1.0] * int(holds[e].sum()), columns[holds[e]].tolist()) for e in range(n_elements)}
    model.add_rows("cover", rows, lower=1.0)
    model.add_objective(columns.tolist(), rng.integers(5, 15, n_sets).astype(float).tolist())
    return model


def test_a_solution_limit_is_named_as_such_not_as_a_node_budget():
    model = set_cover()
    everything = [(column, 1.0) for column in model.x.columns.tolist()]  # every set: a cover
    run = run_highs(model, time_limit_seconds=60.0, start=everything, solution_limit=1)
    assert run.status.has_solution and run.highs_status == "kSolutionLimit"
    words = run_outcome(run)
    assert words.startswith("solution limit reached") and "node budget" not in words


def test_a_node_budget_is_named_as_such():
    run = SolverRun(
        SolveStatus.FEASIBLE, "iterationLimit", 12.0, 10.0, 1.0, False, "kIterationLimit"
    )
    assert run_outcome(run) == "node budget spent, cost 12.00"


@pytest.mark.parametrize(
    ("objective", "verdict"), [(10.09, "within the gap target"), (10.11, "above the gap target")]
)
def test_within_the_gap_target_only_at_or_below_the_target_cost(objective, verdict):
    # Bound 10, gap target 1 %: the target cost is 10 / 0.99 = 10.101...
    target = 10.0 / (1 - 0.01)
    run = SolverRun(
        SolveStatus.FEASIBLE, "objectiveLimit", objective, 10.0, 1.0, True, "kObjectiveTarget"
    )
    words = run_outcome(run, gap_target_objective=target)
    assert words.startswith("objective target reached") and words.endswith(f"({verdict})")


def test_a_run_without_a_rota_says_so():
    run = SolverRun(SolveStatus.NO_SOLUTION, "maxTimeLimit", None, None, 1.0, False, "kTimeLimit")
    assert run_outcome(run, gap_target_objective=5.0) == "time limit reached, no rota"
    pyomo_run = SolverRun(SolveStatus.NO_SOLUTION, "iterationLimit", None, None, 1.0)
    assert run_outcome(pyomo_run) == "work limit reached, no rota"
