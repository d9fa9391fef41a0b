"""The hiring optimiser: when to start hiring classes, and how large, at least cost.

A small mixed-integer programme, built as arrays and solved by HiGHS. Weeks t = 0…W−1;
candidate class starts c from the recruitment lead time on.

Variables: class size x_c ∈ {0, …, max} with an open flag y_c ∈ {0, 1}; overtime o_t ≥ 0 and
shortfall u_t ≥ 0 [FTE-weeks].

    minimise   Σ_c x_c·(cost per hire + pay·H·Σ_t paid_{t−c})
             + Σ_t o_t·pay·premium·H + Σ_t u_t·shortfall price
    subject to Σ_c prod_{t−c}·x_c + o_t + u_t ≥ R_t − S_t                   (cover, each week)
               o_t ≤ f·(S_t + Σ_c prod_{t−c}·x_c)                           (overtime cap)
               min·y_c ≤ x_c ≤ max·y_c                                      (class sizes)
               Σ_{c ≤ c' < c+g} y_c' ≤ 1                                     (weeks between classes)
               Σ_c cost per hire · x_c ≤ budget                              (when a budget is set)

with R_t the required FTE, S_t the productive FTE without new classes, prod/paid the per-hire
curves of :func:`wfm.capacity.supply.hire_curve`, H the paid hours of an FTE week and f the
overtime cap. A class must therefore start early enough for its training and ramp-up to cover
the weeks that need it. The shortfall price is high, so u_t > 0 only where no hiring and
overtime within the rules can cover the week (a lead time or budget too tight).

HiGHS runs with one thread and a fixed seed and stops on its gap: the same inputs give the
same plan, whatever the machine's load (the safety limit counts CPU time, not wall time).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

import highspy
import numpy as np
from scipy import sparse

from wfm.capacity.settings import CostSettings, HiringSettings
from wfm.capacity.supply import HireCurve, class_matrix
from wfm.errors import SolveError
from wfm.highs_cpu_limit import cpu_limit
from wfm.highs_solver import new_highs

logger = logging.getLogger(__name__)

#: Safety net for the solve [CPU seconds of the calling thread, not wall seconds:
#: :func:`wfm.highs_cpu_limit.cpu_limit`, so that the machine's load cannot decide
#: where it fires]; the model is small (a few hundred columns) and stops on its gap long
#: before it. A plan that hits it is reported as such.
SAFETY_CPU_SECONDS = 60.0
#: The optimiser stops when its plan is proven within this share of the cheapest [fraction].
#: Capacity inputs (attrition, volume a year ahead) are far less certain than 0.5 %, and
#: proving the last 0.5 % takes HiGHS 10–40 times longer on an 18-month plan.
RELATIVE_GAP = 0.005


@dataclass(frozen=True)
class HiringPlan:
    """The optimiser's answer.

    Attributes
    ----------
    class_sizes : numpy.ndarray of int
        People starting in each week (0 where no class starts), shape (weeks,).
    overtime_fte : numpy.ndarray
        Overtime per week [FTE-weeks].
    shortfall_fte : numpy.ndarray
        Requirement not covered per week [FTE-weeks].
    objective : float
        Cost of the new classes, overtime and shortfall [cost units].
    status : str
        ``within gap`` (proven within :data:`RELATIVE_GAP` of the cheapest plan) or
        ``time limit`` (the safety net fired; ``gap`` says how far it got).
    gap : float
        Relative MIP gap at the end: the plan costs at most this share more than the
        cheapest (at most :data:`RELATIVE_GAP` unless the safety time limit fired).
    """

    class_sizes: np.ndarray
    overtime_fte: np.ndarray
    shortfall_fte: np.ndarray
    objective: float
    status: str
    gap: float


def optimise_hiring(
    required_fte: np.ndarray,
    base_productive_fte: np.ndarray,
    curve: HireCurve,
    hiring: HiringSettings,
    costs: CostSettings,
    pay_per_hour: float,
    fte_paid_hours_per_week: float,
    *,
    first_start_week: int | None = None,
) -> HiringPlan:
    """Choose class start weeks and sizes that cover ``required_fte`` at least cost.

    Parameters
    ----------
    required_fte : numpy.ndarray
        Required paid FTE of fully productive agents per week.
    base_productive_fte : numpy.ndarray
        Productive FTE per week without new classes (current agents, planned classes,
        movements).
    curve : HireCurve
        Per-hire paid and productive FTE by weeks since the class started.
    hiring, costs : settings
    pay_per_hour : float
        Pay of one paid hour [cost units].
    fte_paid_hours_per_week : float
        Paid hours of one FTE week [hours].
    first_start_week : int, optional
        Earliest week a new class may start; default the recruitment lead time.

    Returns
    -------
    HiringPlan

    Examples
    --------
    A peak from week 8 needs 5 more FTE; training takes 4 weeks, so the class starts in
    week 4 (later is too late, earlier pays trainees for nothing):

    >>> from wfm.capacity.settings import AttritionSettings
    >>> from wfm.capacity.supply import hire_curve
    >>> hiring = HiringSettings(training_weeks=4, training_attrition_fraction=0.0,
    ...     ramp_up_monthly=(), recruitment_lead_weeks=2, min_class_size=1,
    ...     max_class_size=10, cost_per_hire=100.0)
    >>> curve = hire_curve(12, hiring, AttritionSettings(monthly_fraction=0.0))
    >>> need = np.array([10.0] * 8 + [15.0] * 4)
    >>> plan = optimise_hiring(need, np.full(12, 10.0), curve, hiring,
    ...     CostSettings(max_overtime_fraction=0.0), 1.0, 1.0)
    >>> int(np.argmax(plan.class_sizes)), int(plan.class_sizes.sum()), plan.objective
    (4, 5, 540.0)
    """
    required = np.asarray(required_fte, dtype=float)
    base = np.asarray(base_productive_fte, dtype=float)
    weeks = required.size
    first = hiring.recruitment_lead_weeks if first_start_week is None else first_start_week
    starts = list(range(max(first, 0), weeks))
    n_class = len(starts)
    productive = class_matrix(curve.productive_fte, starts, weeks)  # (weeks, classes)
    paid = class_matrix(curve.paid_fte, starts, weeks)
    hours = fte_paid_hours_per_week

    # Columns: x (classes), y (classes), o (weeks), u (weeks).
    x0, o0, u0 = 0, 2 * n_class, 2 * n_class + weeks
    n_col = 2 * n_class + 2 * weeks
    cost = np.concatenate(
        [
            hiring.cost_per_hire + pay_per_hour * hours * paid.sum(axis=0),
            np.zeros(n_class),
            np.full(weeks, pay_per_hour * costs.overtime_premium * hours),
            np.full(weeks, costs.shortfall_cost_per_fte_week),
        ]
    )
    lower = np.zeros(n_col)
    upper = np.concatenate(
        [
            np.full(n_class, float(hiring.max_class_size)),
            np.ones(n_class),
            np.full(weeks, highspy.kHighsInf),
            np.full(weeks, highspy.kHighsInf),
        ]
    )
    blocks, row_lo, row_hi = [], [], []
    eye_w = sparse.identity(weeks, format="csr")
    zeros_wc = sparse.csr_matrix((weeks, n_class))
    # Cover: P x + o + u >= R - S.
    blocks.append(sparse.hstack([sparse.csr_matrix(productive), zeros_wc, eye_w, eye_w]))
    row_lo.append(required - base)
    row_hi.append(np.full(weeks, highspy.kHighsInf))
    # Overtime cap: o - f P x <= f S.
    share = costs.max_overtime_fraction
    blocks.append(
        sparse.hstack(
            [
                sparse.csr_matrix(-share * productive),
                zeros_wc,
                eye_w,
                sparse.csr_matrix((weeks, weeks)),
            ]
        )
    )
    row_lo.append(np.full(weeks, -highspy.kHighsInf))
    row_hi.append(share * np.maximum(base, 0.0))
    if n_class:
        eye_c = sparse.identity(n_class, format="csr")
        zeros_cw = sparse.csr_matrix((n_class, 2 * weeks))
        # x - max y <= 0 and x - min y >= 0.
        blocks.append(sparse.hstack([eye_c, -hiring.max_class_size * eye_c, zeros_cw]))
        row_lo.append(np.full(n_class, -highspy.kHighsInf))
        row_hi.append(np.zeros(n_class))
        blocks.append(sparse.hstack([eye_c, -hiring.min_class_size * eye_c, zeros_cw]))
        row_lo.append(np.zeros(n_class))
        row_hi.append(np.full(n_class, highspy.kHighsInf))
        gap = hiring.min_weeks_between_classes
        if gap > 1:
            window = sparse.csr_matrix(
                np.array(
                    [
                        [1.0 if 0 <= j - i < gap else 0.0 for j in range(n_class)]
                        for i in range(n_class)
                    ]
                )
            )
            blocks.append(sparse.hstack([sparse.csr_matrix((n_class, n_class)), window, zeros_cw]))
            row_lo.append(np.full(n_class, -highspy.kHighsInf))
            row_hi.append(np.ones(n_class))
        if hiring.budget is not None:
            row = np.zeros((1, n_col))
            row[0, x0 : x0 + n_class] = hiring.cost_per_hire
            blocks.append(sparse.csr_matrix(row))
            row_lo.append(np.array([-highspy.kHighsInf]))
            row_hi.append(np.array([hiring.budget]))
    matrix = sparse.vstack(blocks, format="csc")

    lp = highspy.HighsLp()
    lp.num_col_ = n_col
    lp.num_row_ = matrix.shape[0]
    lp.col_cost_ = cost
    lp.col_lower_ = lower
    lp.col_upper_ = upper
    lp.row_lower_ = np.concatenate(row_lo)
    lp.row_upper_ = np.concatenate(row_hi)
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = matrix.indptr
    lp.a_matrix_.index_ = matrix.indices
    lp.a_matrix_.value_ = matrix.data
    lp.integrality_ = [highspy.HighsVarType.kInteger] * (2 * n_class) + [
        highspy.HighsVarType.kContinuous
    ] * (2 * weeks)
    solver = new_highs()
    solver.setOptionValue("threads", 1)
    solver.setOptionValue("random_seed", 0)
    solver.setOptionValue("mip_rel_gap", RELATIVE_GAP)
    solver.passModel(lp)
    with cpu_limit(solver, SAFETY_CPU_SECONDS) as interrupt:
        solver.run()
    status = interrupt.model_status()  # the CPU-time limit firing reads as kTimeLimit
    if status not in (highspy.HighsModelStatus.kOptimal, highspy.HighsModelStatus.kTimeLimit):
        raise SolveError(f"the hiring optimiser ended with {solver.modelStatusToString(status)}")
    values = np.asarray(solver.getSolution().col_value)
    if values.size != n_col:
        raise SolveError("the hiring optimiser found no plan within its safety time limit")
    sizes = np.zeros(weeks, dtype=int)
    sizes[starts] = np.rint(values[x0 : x0 + n_class]).astype(int)
    info = solver.getInfo()
    gap_value = max(float(info.mip_gap), 0.0) if n_class else 0.0
    if status == highspy.HighsModelStatus.kTimeLimit:
        logger.warning("hiring optimiser stopped at its safety time limit, gap %.4f", gap_value)
    return HiringPlan(
        class_sizes=sizes,
        overtime_fte=np.maximum(values[o0 : o0 + weeks], 0.0),
        shortfall_fte=np.maximum(values[u0 : u0 + weeks], 0.0),
        objective=float(info.objective_function_value),
        status="within gap" if status == highspy.HighsModelStatus.kOptimal else "time limit",
        gap=gap_value,
    )


def fixed_plan_cover(
    required_fte: np.ndarray,
    productive_fte: np.ndarray,
    max_overtime_fraction: float,
) -> tuple[np.ndarray, np.ndarray]:
    """Overtime and shortfall per week of a plan whose classes are already fixed.

    Overtime covers what it can (up to the cap), the rest is shortfall.
    """
    need = np.maximum(np.asarray(required_fte) - np.asarray(productive_fte), 0.0)
    overtime = np.minimum(need, max_overtime_fraction * np.maximum(productive_fte, 0.0))
    return overtime, need - overtime


def classes_from_sizes(class_sizes: Sequence[int]) -> list[tuple[int, int]]:
    """(week, size) of each class in a per-week size array."""
    return [(week, int(size)) for week, size in enumerate(class_sizes) if size > 0]
