"""The array model builder (wfm.scheduling.linear_model) and its solver path.

The rota models were built through pyomo before; they are now built as arrays. These tests
check the builder against hand-solved models, against pyomo's own HiGHS interface given the
same model written as pyomo components (the same matrix, column and row order reach HiGHS,
and the same solutions come back), and that the HiGHS object kept between solves gives what
a fresh one gives.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pyomo.environ as pyo
import pytest
from pyomo.contrib.solver.common.factory import SolverFactory
from scheduling_synthetic import synthetic_agents, synthetic_centre, synthetic_requirements

from wfm.scheduling.instance import prepare_week
from wfm.scheduling.linear_model import LinearModel
from wfm.scheduling.model import build_rota_model
from wfm.scheduling.pooled import kept_values, rounding_bounds
from wfm.scheduling.site import rota_site
from wfm.scheduling.solve import SolveStatus, run_highs
from wfm.scheduling.workforce import pooled_workforce

MONDAY = dt.date(2026, 3, 2)


def knapsack() -> LinearModel:
    """max 5a + 4b + 3c s.t. 2a + 3b + c <= 4, binary: optimum a = c = 1, value 8."""
    model = LinearModel(name="knapsack")
    v = model.add_variables("v", ["a", "b", "c"], lower=0.0, upper=1.0, integer=True)
    model.add_rows("capacity", {0: ([2.0, 3.0, 1.0], [v["a"], v["b"], v["c"]])}, upper=4.0)
    model.add_objective(v.columns, [-5.0, -4.0, -3.0])
    return model


def test_knapsack_optimum_and_relaxation_by_hand():
    model = knapsack()
    relaxed = run_highs(model, time_limit_seconds=30, relaxation=True)
    # LP: a = 1 (ratio 2.5), c = 1 (ratio 3 -> taken first), b = 1/3: 5 + 3 + 4/3.
    assert relaxed.status == SolveStatus.OPTIMAL
    assert relaxed.objective == pytest.approx(-(5 + 3 + 4 / 3))
    assert model.v.ref("b").value == pytest.approx(1 / 3)
    # The same HiGHS object solves the MIP next.
    highs = model.highs()
    run = run_highs(model, time_limit_seconds=30)
    assert model.highs() is highs
    assert run.status == SolveStatus.OPTIMAL
    assert run.objective == pytest.approx(-8.0)
    assert model.v.solution().tolist() == pytest.approx([1.0, 0.0, 1.0])


def test_bounds_changed_after_passing_reach_the_kept_highs_object():
    model = knapsack()
    run_highs(model, time_limit_seconds=30)
    model.v.ref("a").setub(0.0)  # without a: b + c = 7 is best
    run = run_highs(model, time_limit_seconds=30)
    assert run.objective == pytest.approx(-7.0)
    model.v.ref("a").setub(1.0)
    assert run_highs(model, time_limit_seconds=30).objective == pytest.approx(-8.0)


def test_columns_in_no_row_and_not_in_the_objective_are_not_passed():
    model = LinearModel()
    v = model.add_variables("v", [0, 1, 2], lower=0.0, upper=5.0)
    model.add_rows("r", {0: ([1.0, 1.0], [v[2], v[0]])}, lower=3.0)
    model.add_objective([v[0], v[2]], [2.0, 1.0])
    run = run_highs(model, time_limit_seconds=30)
    assert run.objective == pytest.approx(3.0)
    assert model.highs_columns(v.columns).tolist() == [1, -1, 0]  # first in row order
    assert model.v.ref(1).value is None
    assert model.size() == (2, 0, 1)


def test_duplicate_terms_in_a_row_are_summed():
    model = LinearModel()
    v = model.add_variables("v", [0], lower=0.0)
    model.add_rows("r", {0: ([1.0, 2.0], [v[0], v[0]])}, lower=6.0)
    model.add_objective([v[0]], [1.0])
    assert run_highs(model, time_limit_seconds=30).objective == pytest.approx(2.0)


def to_pyomo(model: LinearModel) -> tuple[pyo.ConcreteModel, list]:
    """The same model as pyomo components: one variable per column (declared in column
    order), one constraint per active row, the objective."""
    block = pyo.ConcreteModel()
    columns = list(range(model.n_columns))
    block.v = pyo.Var(columns)
    for c in columns:
        variable = block.v[c]
        if model.col_integer[c]:
            variable.domain = pyo.Integers
        lower, upper = model.col_lower[c], model.col_upper[c]
        variable.setlb(None if lower == -np.inf else float(lower))
        variable.setub(None if upper == np.inf else float(upper))
    block.rows = pyo.ConstraintList()
    for rows in model.row_blocks:
        if not rows.active:
            continue
        for r in range(len(rows)):
            mine = np.flatnonzero(rows.row == r)
            body = sum(
                float(a) * block.v[int(c)]
                for a, c in zip(rows.coef[mine], rows.col[mine], strict=True)
            )
            lower = None if rows.lower[r] == -np.inf else float(rows.lower[r])
            upper = None if rows.upper[r] == np.inf else float(rows.upper[r])
            block.rows.add((lower, body, upper))
    terms = [
        float(a) * block.v[int(c)]
        for cols, coefs in model.objective_terms
        for a, c in zip(coefs, cols, strict=True)
    ]
    block.cost = pyo.Objective(expr=sum(terms) + model.objective_offset)
    return block, [block.v[c] for c in columns]


@pytest.fixture(scope="module")
def small_week():
    """The synthetic 4-agent week with two days off together (day patterns bind)."""
    centre = synthetic_centre()
    contracts = tuple(
        c.model_copy(update={"min_consecutive_days_off": 2}) for c in centre.contracts
    )
    centre = centre.model_copy(update={"contracts": contracts})
    requirements = synthetic_requirements(centre, MONDAY, peak_agents=2.0)
    instance = prepare_week(requirements, rota_site(centre), synthetic_agents(4, seed=3), MONDAY)
    return centre, instance


@pytest.mark.parametrize("pooled", [False, True])
def test_a_rota_model_reaches_highs_as_pyomo_would_hand_it_over(small_week, pooled):
    """Entry by entry: the matrix, bounds, costs and integrality that reach HiGHS from the
    array model equal those pyomo's persistent HiGHS interface passes for the same model,
    column order included; the LP and MIP solutions agree too."""
    centre, instance = small_week
    workforce = pooled_workforce(instance) if pooled else None
    model = build_rota_model(instance, centre.scheduling, workforce)
    reference, variables = to_pyomo(model)
    solver = SolverFactory("highs")
    solver.set_instance(reference)
    theirs = solver._solver_model.getLp()
    ours = model.highs().getLp()
    for field in ("col_cost_", "col_lower_", "col_upper_", "row_lower_", "row_upper_"):
        assert np.array_equal(np.asarray(getattr(ours, field)), np.asarray(getattr(theirs, field)))
    assert [int(v) for v in ours.integrality_] == [int(v) for v in theirs.integrality_]
    import scipy.sparse as sparse

    def matrix(lp):
        a = lp.a_matrix_
        kind = sparse.csc_matrix if int(a.format_) == 1 else sparse.csr_matrix
        shape = (lp.num_row_, lp.num_col_)
        m = sparse.csc_matrix(kind((a.value_, a.index_, a.start_), shape=shape))
        m.sort_indices()
        return m

    assert (matrix(ours) != matrix(theirs)).nnz == 0
    for relaxation in (True, False):
        # A node budget, not the time limit (a safety net only), stops the MIP.
        options = dict(time_limit_seconds=900, relaxation=relaxation, node_limit=20)
        ours_run = run_highs(model, **options)
        theirs_run = run_highs(reference, **options)
        assert ours_run.status == theirs_run.status
        assert ours_run.objective == theirs_run.objective
        values = np.array([v.value if v.value is not None else np.nan for v in variables])
        assert np.array_equal(np.nan_to_num(values), np.nan_to_num(model.values))


def test_rounding_bounds_and_kept_values_on_an_array_model(small_week):
    centre, instance = small_week
    model = build_rota_model(instance, centre.scheduling, pooled_workforce(instance))
    lp = run_highs(model, time_limit_seconds=60, relaxation=True)
    lower, upper = model.col_lower.copy(), model.col_upper.copy()
    lp_values = model.x.solution().copy()
    with kept_values(model):
        with rounding_bounds([model.x, model.day_pattern, model.y]) as narrowed:
            assert narrowed == len(model.x) + len(model.day_pattern) + len(model.y)
            columns = model.x.columns
            assert np.all(model.col_lower[columns] <= np.floor(lp_values + 1e-6))
            assert np.all(model.col_upper[columns] - model.col_lower[columns] <= 1)
            rounded = run_highs(model, time_limit_seconds=60, node_limit=200)
            if rounded.status.has_solution:
                assert rounded.objective >= lp.objective - 1e-6
        assert np.array_equal(model.col_lower, lower)
        assert np.array_equal(model.col_upper, upper)
    assert np.array_equal(model.x.solution(), lp_values)
