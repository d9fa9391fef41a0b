"""The solver boundary: status translation, gap, summary text and HiGHS calls."""

from __future__ import annotations

import dataclasses
import math

import pyomo.environ as pyo
import pytest
from pyomo.contrib.solver.common.results import SolutionStatus, TerminationCondition

from wfm.scheduling import SolveStatus, SolveSummary, run_highs
from wfm.scheduling.solve import relative_gap, translate_status


@pytest.mark.parametrize(
    ("termination", "solution", "expected"),
    [
        (
            TerminationCondition.convergenceCriteriaSatisfied,
            SolutionStatus.optimal,
            SolveStatus.OPTIMAL,
        ),
        (TerminationCondition.maxTimeLimit, SolutionStatus.feasible, SolveStatus.FEASIBLE),
        (TerminationCondition.maxTimeLimit, SolutionStatus.noSolution, SolveStatus.NO_SOLUTION),
        (TerminationCondition.objectiveLimit, SolutionStatus.feasible, SolveStatus.FEASIBLE),
        (TerminationCondition.provenInfeasible, SolutionStatus.noSolution, SolveStatus.INFEASIBLE),
        (
            TerminationCondition.infeasibleOrUnbounded,
            SolutionStatus.noSolution,
            SolveStatus.INFEASIBLE,
        ),
        (TerminationCondition.error, SolutionStatus.noSolution, SolveStatus.ERROR),
        (TerminationCondition.unbounded, SolutionStatus.noSolution, SolveStatus.ERROR),
    ],
)
def test_status_translation(termination, solution, expected):
    assert translate_status(termination, solution) is expected


def test_relative_gap():
    assert relative_gap(100.0, 99.0) == pytest.approx(0.01)
    assert relative_gap(0.0, 0.0) == 0.0
    assert relative_gap(0.0, -1.0) == math.inf
    assert relative_gap(100.0, 100.0 + 1e-12) == 0.0
    assert relative_gap(None, 1.0) is None
    assert relative_gap(1.0, None) is None


def test_summary_describes_itself_in_one_line():
    summary = SolveSummary(
        status=SolveStatus.FEASIBLE,
        termination="time limit",
        objective=2101.9,
        bound=2099.9,
        gap=0.00095,
        build_seconds=1.2,
        solve_seconds=12.3,
        wall_seconds=14.0,
        n_variables=10,
        n_integer_variables=4,
        n_constraints=7,
        under_staffed_agent_hours=22.0,
        over_staffed_agent_hours=87.75,
        paid_hours=1846.0,
    )
    text = summary.describe()
    assert "\n" not in text
    assert text.startswith("feasible: cost 2101.9 (bound 2099.9, gap 0.10 %)")
    assert "22.0 agent-hours under" in text and "solved in 12.3 s" in text
    within_gap = dataclasses.replace(summary, status=SolveStatus.OPTIMAL)
    assert within_gap.describe().startswith("within the gap target: cost 2101.9")
    proven = dataclasses.replace(summary, status=SolveStatus.OPTIMAL, bound=2101.9, gap=0.0)
    assert proven.describe().startswith("optimal: cost 2101.9")
    empty = SolveSummary(
        SolveStatus.NO_SOLUTION, "time limit", None, None, None, 0.1, 5.0, 5.1, 0, 0, 0
    )
    assert empty.describe().startswith("no solution: no rota (time limit)")


def knapsack() -> pyo.ConcreteModel:
    # min -(5a + 4b + 3c)  s.t. 2a + 3b + c <= 4, binary: optimum a = c = 1 -> -8; the LP
    # takes c, a and a third of b -> -(3 + 5 + 4/3) = -28/3.
    model = pyo.ConcreteModel()
    model.v = pyo.Var(["a", "b", "c"], domain=pyo.Binary)
    model.capacity = pyo.Constraint(expr=2 * model.v["a"] + 3 * model.v["b"] + model.v["c"] <= 4)
    model.cost = pyo.Objective(expr=-(5 * model.v["a"] + 4 * model.v["b"] + 3 * model.v["c"]))
    return model


def test_run_highs_solves_mip_and_relaxation():
    model = knapsack()
    run = run_highs(model, time_limit_seconds=10)
    assert run.status is SolveStatus.OPTIMAL
    assert run.objective == pytest.approx(-8.0)
    assert [model.v[key].value for key in "abc"] == pytest.approx([1.0, 0.0, 1.0])
    relaxed = run_highs(knapsack(), time_limit_seconds=10, relaxation=True)
    assert relaxed.status is SolveStatus.OPTIMAL
    assert relaxed.objective == pytest.approx(-28 / 3) and relaxed.bound == pytest.approx(-28 / 3)


def test_run_highs_reports_infeasible_without_loading():
    model = knapsack()
    model.impossible = pyo.Constraint(expr=model.v["a"] + model.v["b"] >= 3)
    run = run_highs(model, time_limit_seconds=10)
    assert run.status is SolveStatus.INFEASIBLE
    assert run.objective is None
    assert model.v["a"].value is None


def test_run_highs_handles_an_empty_model():
    model = pyo.ConcreteModel()
    model.cost = pyo.Objective(expr=0.0)
    run = run_highs(model, time_limit_seconds=1)
    assert run.status is SolveStatus.OPTIMAL and run.objective == 0.0


def test_summary_converts_to_json_ready_values():
    import json

    summary = SolveSummary(
        SolveStatus.FEASIBLE, "time limit", 10.0, 9.0, math.inf, 1.0, 2.0, 3.0, 4, 2, 1
    )
    values = summary.to_dict()
    assert values["status"] == "feasible" and values["gap"] is None and values["objective"] == 10.0
    assert json.loads(json.dumps(values))["n_variables"] == 4


def test_array_status_names_are_pyomos_and_read_alike():
    """The array path names terminations as pyomo does, without importing it: every name is
    a member of pyomo's TerminationCondition, and :func:`status_of` agrees with
    :func:`translate_status` on every pair of pyomo's codes."""
    from wfm.scheduling.solve import _TERMINATION_OF_STATUS, status_of

    names = {condition.name for condition in TerminationCondition}
    assert set(_TERMINATION_OF_STATUS.values()) <= names
    for termination in TerminationCondition:
        for solution in SolutionStatus:
            has_solution = solution in (SolutionStatus.optimal, SolutionStatus.feasible)
            assert status_of(termination.name, has_solution) is translate_status(
                termination, solution
            )


def test_the_plan_chain_does_not_import_pyomo():
    """The rota models are arrays: loading the planning chain (and the search) leaves pyomo,
    whose import costs most of a second, unloaded."""
    import subprocess
    import sys

    code = (
        "import sys; import wfm.cli, wfm.plan.chain, wfm.scheduling.search; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'pyomo'))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
