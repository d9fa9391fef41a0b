"""Shift selection: how many shifts of each length to start at each time.

Given the agents required in every interval of a cyclic horizon (normally a week) and a set
of shift types, choose integer numbers of shifts per start time that cover the requirement
in every interval at least cost (agent-hours by default). No agents are named and no breaks
are placed: this is the first, anonymous step of a rota (what a planner decides before
handing shifts out), and the classical set-covering model of shift scheduling.

Formulation
-----------
Intervals :math:`t = 0, .., T-1` of length :math:`h` hours (a cyclic week: :math:`T = 336`
at 30 minutes, 672 at 15), requirement :math:`r_t \\ge 0` [agents]. A shift :math:`j` is a
start interval :math:`s_j` (every ``start_step_minutes``) and a length of :math:`L_j`
intervals; it covers :math:`s_j, s_j + 1, .., s_j + L_j - 1`, taken modulo :math:`T` in a
cyclic horizon (a shift started late on Sunday runs into Monday morning of the same
week). With :math:`a_{t,j} = 1` when shift :math:`j` covers interval :math:`t`:

.. math::

    \\min \\sum_j c_j x_j \\quad \\text{s.t.} \\quad \\sum_j a_{t,j} x_j \\ge r_t \\;\\; \\forall t,
    \\qquad x_j \\in \\mathbb{Z}_{\\ge 0},

with :math:`c_j` the cost of one shift (its length in hours, :math:`L_j h`, unless the shift
type gives a cost) [Dantzig 1954]. When the horizon is not cyclic every column of
:math:`A = (a_{t,j})` has its ones in consecutive rows (an interval matrix), so :math:`A`
is totally unimodular and the LP relaxation has an integral optimal vertex for integral
:math:`r`: the LP bound is the optimum (Segal 1974 solves it as a network flow). In a cyclic
horizon the ones are consecutive only circularly; the LP bound can then lie below the
optimum (three intervals, shifts of two intervals, one agent each: LP 1.5 shifts, integer
2), but the gap is small and the integer programme is solved directly by HiGHS
(Bartholdi, Orlin and Ratliff 1980 show that rounding one LP with a fixed total number of
shifts suffices). Breaks and named agents are added by the rota model
(:mod:`wfm.scheduling.model`), whose implicit break placement follows Bechtold and Jacobs
(1990), Thompson (1995) and Aykin (1996).

References
----------
.. [1] Dantzig, G. B. (1954). "A comment on Edie's 'Traffic delays at toll booths'".
   Journal of the Operations Research Society of America 2(3), 339-341.
.. [2] Segal, M. (1974). "The operator-scheduling problem: a network-flow approach".
   Operations Research 22(4), 808-823.
.. [3] Bartholdi, J. J., Orlin, J. B. and Ratliff, H. D. (1980). "Cyclic scheduling via
   integer programs with circular ones". Operations Research 28(5), 1074-1085.
.. [4] Thompson, G. M. (1995). "Improved implicit optimal modeling of the labor shift
   scheduling problem". Management Science 41(4), 595-607.
.. [5] Aykin, T. (1996). "Optimal shift scheduling with multiple break windows".
   Management Science 42(4), 591-602.

Example
-------
>>> sel = select_shifts([1, 1, 1, 1, 0, 0, 0, 1], interval_minutes=60,
...                     shift_types=[ShiftType(length_minutes=120), ShiftType(length_minutes=180)],
...                     start_step_minutes=60)
>>> sel.objective, sel.proven_optimal
(5.0, True)
>>> sel.coverage.tolist()  # the day wraps: a shift from 07:00 covers 00:00-01:00 too
[1.0, 1.0, 1.0, 1.0, 0.0, 0.0, 0.0, 1.0]
>>> sorted(sel.counts["length_minutes"].repeat(sel.counts["count"]).tolist())
[120, 180]

Two 5-hour solutions tie (a 3 h shift from 01:00 or from 07:00); which one the solver
returns is not specified, so the example shows what both share.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import scipy.sparse as sparse

from wfm.errors import InputError
from wfm.scheduling.selection_columns import (
    DEFAULT_SHIFT_TYPES,
    CatalogueShift,
    ShiftType,
    catalogue_columns,
    check_selection_inputs,
    coverage_matrix,
    shift_columns,
)
from wfm.scheduling.solve import MatrixModel, SolveStatus, relative_gap, run_highs_matrix

logger = logging.getLogger(__name__)


#: Columns of :attr:`ShiftSelection.counts`.
SELECTION_COLUMNS = (
    "start_interval",
    "start_minute",
    "shift_type",
    "length_minutes",
    "count",
    "cost",
)


@dataclass(frozen=True)
class ShiftSelection:
    """The shifts chosen and how good the choice is.

    Parameters
    ----------
    counts
        One row per start time and shift type with a positive count
        (:data:`SELECTION_COLUMNS`): ``start_interval`` (0-based), ``start_minute``
        [minutes after the horizon start], ``shift_type`` (label), ``length_minutes``,
        ``count`` [shifts] and ``cost`` (of all of them) [cost units]; sorted by start.
    coverage
        Agents on shift in every interval [agents], shape (intervals,).
    objective
        Cost of the selection [cost units] (agent-hours by default); ``None`` without one.
    bound
        Proven lower bound on the cost of any selection [cost units]; for ``relaxation``
        the LP optimum.
    proven_optimal
        Whether the objective equals the bound (within 1e-6 relative).
    status
        The solver-independent outcome.
    build_seconds
        Time to check the inputs and build the pyomo model [seconds].
    solve_seconds
        Time in HiGHS, handing the model over included [seconds].
    n_variables, n_constraints
        Size of the model.
    under_staffed_agent_hours, over_staffed_agent_hours
        Agent-hours below and above the requirement, summed over intervals
        [agent-hours] (below is 0 when full cover is required).
    """

    counts: pd.DataFrame
    coverage: np.ndarray
    objective: float | None
    bound: float | None
    proven_optimal: bool
    status: SolveStatus
    build_seconds: float
    solve_seconds: float
    n_variables: int
    n_constraints: int
    under_staffed_agent_hours: float = 0.0
    over_staffed_agent_hours: float = 0.0

    @property
    def gap(self) -> float | None:
        """Relative gap between objective and bound [fraction]."""
        return relative_gap(self.objective, self.bound)

    @property
    def total_seconds(self) -> float:
        """Build plus solve [seconds]."""
        return self.build_seconds + self.solve_seconds


def selection_model(
    demand: np.ndarray,
    columns: pd.DataFrame,
    interval_hours: float,
    under_cost_per_agent_hour: float | None,
    over_cost_per_agent_hour: float,
) -> MatrixModel:
    """The selection MILP as arrays (:class:`~wfm.scheduling.solve.MatrixModel`).

    Without ``under_cost_per_agent_hour`` it is the set-covering model of the module
    docstring over the intervals that need agents (``demand`` rounded up). With it, every
    interval gets under- and over-staffing columns :math:`u_t, o_t \\ge 0` and the rows
    :math:`\\sum_j a_{t,j} x_j + u_t - o_t = r_t`, priced at ``under_cost_per_agent_hour``
    and ``over_cost_per_agent_hour`` times the interval length [hours]; ``demand`` is then
    used as given (fractional agents are priced, not rounded up).
    """
    matrix = coverage_matrix(columns, demand.size)
    n_columns = len(columns)
    cost = columns["cost"].to_numpy(dtype=np.float64)
    if under_cost_per_agent_hour is None:
        needed = np.flatnonzero(demand > 0)
        return MatrixModel(
            cost=cost,
            matrix=matrix[needed],
            row_lower=demand[needed],
            row_upper=np.full(needed.size, np.inf),
            col_lower=np.zeros(n_columns),
            col_upper=np.full(n_columns, np.inf),
            integer=np.ones(n_columns, dtype=bool),
        )
    n = demand.size
    identity = sparse.identity(n, format="csr")
    return MatrixModel(
        cost=np.concatenate(
            [
                cost,
                np.full(n, under_cost_per_agent_hour * interval_hours),
                np.full(n, over_cost_per_agent_hour * interval_hours),
            ]
        ),
        matrix=sparse.hstack([matrix, identity, -identity], format="csr"),
        row_lower=demand,
        row_upper=demand,
        col_lower=np.zeros(n_columns + 2 * n),
        col_upper=np.full(n_columns + 2 * n, np.inf),
        integer=np.concatenate([np.ones(n_columns, dtype=bool), np.zeros(2 * n, dtype=bool)]),
    )


def select_shifts(
    demand_agents: Sequence[float] | np.ndarray,
    interval_minutes: int,
    shift_types: Sequence[ShiftType] = DEFAULT_SHIFT_TYPES,
    start_step_minutes: int = 30,
    *,
    catalogue: Sequence[CatalogueShift] | None = None,
    under_staffing_cost_per_agent_hour: float | None = None,
    over_staffing_cost_per_agent_hour: float = 0.0,
    cyclic: bool = True,
    relaxation: bool = False,
    time_limit_seconds: float = 60.0,
    relative_gap: float = 0.0,
    node_limit: int | None = None,
    threads: int = 1,
    seed: int = 0,
) -> ShiftSelection:
    """Choose how many shifts of each type to start at each time (see the module docstring
    for the model).

    Parameters
    ----------
    demand_agents
        Agents required in each interval of the horizon [agents], from its start (e.g. a
        week from Monday 00:00). With full cover, fractional requirements are covered up to
        the next integer.
    interval_minutes
        Interval length [minutes].
    shift_types
        The shift types (default 8, 6 and 4 hours, cost in agent-hours); ignored with a
        ``catalogue``.
    start_step_minutes
        Shifts start every this many minutes from the horizon start [minutes]; ignored
        with a ``catalogue``.
    catalogue
        An explicit list of the shifts that may be worked, each with a fixed start, length
        and cost (:class:`CatalogueShift`), instead of every start of every shift type.
    under_staffing_cost_per_agent_hour
        Price each agent-hour below the requirement [cost units per agent-hour] instead of
        requiring full cover (``None``, the default, requires it).
    over_staffing_cost_per_agent_hour
        Price of each agent-hour above the requirement [cost units per agent-hour], on top
        of the shifts' cost; only with ``under_staffing_cost_per_agent_hour``.
    cyclic
        Shifts started near the end of the horizon wrap round to its start (a cyclic
        week); otherwise they must end by the horizon end.
    relaxation
        Solve the LP relaxation only (fractional counts; ``bound`` is the LP optimum).
    time_limit_seconds
        HiGHS time limit [seconds].
    relative_gap
        Stop when within this relative gap of the bound [fraction]; 0 proves the optimum.
    node_limit
        HiGHS branch-and-bound node limit, a deterministic work limit; ``None`` for none.
    threads, seed
        HiGHS threads and random seed.

    Returns
    -------
    ShiftSelection

    Raises
    ------
    InputError
        For a requirement that is negative or not a number, shift lengths or start steps
        off the interval grid, catalogue shifts outside the horizon, lengths longer than
        the horizon, or negative prices.

    Notes
    -----
    The model is built as arrays (:func:`selection_model`) and handed to HiGHS directly
    (:func:`~wfm.scheduling.solve.run_highs_matrix`), without pyomo.
    """
    started = time.perf_counter()
    raw = np.asarray(demand_agents, dtype=float)
    types = [shift.shift_type for shift in catalogue] if catalogue else list(shift_types)
    if catalogue is not None and not catalogue:
        raise InputError(
            "the shift catalogue is empty", column="catalogue", fix="give at least one shift"
        )
    check_selection_inputs(
        raw, interval_minutes, types, interval_minutes if catalogue else start_step_minutes, cyclic
    )
    for name, price in (
        ("under_staffing_cost_per_agent_hour", under_staffing_cost_per_agent_hour),
        ("over_staffing_cost_per_agent_hour", over_staffing_cost_per_agent_hour),
    ):
        if price is not None and (not math.isfinite(price) or price < 0):
            raise InputError(
                "a staffing price must be a finite number >= 0",
                column=name,
                value=price,
                fix="give a price in cost units per agent-hour, e.g. 10",
            )
    priced = under_staffing_cost_per_agent_hour is not None
    demand = raw if priced else np.ceil(raw - 1e-9)
    n_intervals = demand.size
    if catalogue:
        columns = catalogue_columns(catalogue, n_intervals, interval_minutes, cyclic)
    else:
        columns = shift_columns(
            n_intervals, interval_minutes, types, start_step_minutes, cyclic=cyclic
        )
    matrix_model = selection_model(
        demand,
        columns,
        interval_minutes / 60.0,
        under_staffing_cost_per_agent_hour,
        over_staffing_cost_per_agent_hour,
    )
    if not priced:
        reach = np.asarray(coverage_matrix(columns, n_intervals).sum(axis=1)).ravel()
        uncovered = np.flatnonzero((demand > 0) & (reach == 0))
        if uncovered.size:
            raise InputError(
                f"no shift can cover interval {uncovered[0]}, which needs agents",
                column="demand",
                value=float(demand[uncovered[0]]),
                fix="allow shifts that reach it (cyclic horizon, an earlier start or a catalogue "
                "shift), price under-staffing instead, or drop its requirement",
            )
    build_seconds = time.perf_counter() - started

    run, values = run_highs_matrix(
        matrix_model,
        time_limit_seconds=time_limit_seconds,
        relative_gap=relative_gap,
        threads=threads,
        seed=seed,
        relaxation=relaxation,
        node_limit=node_limit,
    )
    n_columns = len(columns)
    counts_all = values[:n_columns] if values is not None else None
    if counts_all is not None and not relaxation:
        counts_all = np.round(counts_all)
    objective = run.objective if run.status.has_solution else None
    bound = run.bound
    if objective is not None and bound is not None and bound > objective:
        bound = objective  # rounding at optimality
    proven = (
        objective is not None
        and bound is not None
        and objective - bound <= 1e-6 * max(1.0, abs(objective))
    )
    coverage = np.zeros(n_intervals)
    if counts_all is not None:
        coverage = coverage_matrix(columns, n_intervals) @ counts_all
        chosen = columns.assign(count=counts_all)[counts_all > 1e-9]
    else:
        chosen = columns.assign(count=np.zeros(n_columns))[[False] * n_columns]
    hours = interval_minutes / 60.0
    counts = pd.DataFrame(
        {
            "start_interval": chosen["start_interval"].to_numpy(dtype=np.int64),
            "start_minute": chosen["start_interval"].to_numpy(dtype=np.int64) * interval_minutes,
            "shift_type": [types[k].label for k in chosen["type"]],
            "length_minutes": [types[k].length_minutes for k in chosen["type"]],
            "count": chosen["count"].to_numpy(dtype=float)
            if relaxation
            else chosen["count"].to_numpy().astype(np.int64),
            "cost": (chosen["count"] * chosen["cost"]).to_numpy(dtype=float),
        },
        columns=list(SELECTION_COLUMNS),
    ).reset_index(drop=True)
    selection = ShiftSelection(
        counts=counts,
        coverage=coverage,
        objective=objective,
        bound=bound,
        proven_optimal=proven,
        status=run.status,
        build_seconds=build_seconds,
        solve_seconds=run.seconds,
        n_variables=matrix_model.cost.size,
        n_constraints=matrix_model.row_lower.size,
        under_staffed_agent_hours=float(np.clip(raw - coverage, 0, None).sum() * hours)
        if counts_all is not None
        else 0.0,
        over_staffed_agent_hours=float(np.clip(coverage - raw, 0, None).sum() * hours)
        if counts_all is not None
        else 0.0,
    )
    logger.info(
        "shift selection: %s, objective %s, bound %s, built in %.2f s, solved in %.2f s",
        run.status.value,
        objective,
        bound,
        build_seconds,
        run.seconds,
    )
    return selection
