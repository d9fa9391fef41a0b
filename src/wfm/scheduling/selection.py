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
>>> sel.counts[["start_interval", "length_minutes", "count"]].values.tolist()
[[1, 180, 1], [7, 120, 1]]
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyomo.environ as pyo
from pyomo.core.expr.numeric_expr import LinearExpression

from wfm.errors import InputError
from wfm.scheduling.solve import SolveStatus, relative_gap, run_highs

logger = logging.getLogger(__name__)

#: Minutes in a week.
WEEK_MINUTES = 7 * 24 * 60


@dataclass(frozen=True)
class ShiftType:
    """One kind of shift: its length and, optionally, its cost.

    Parameters
    ----------
    length_minutes
        Length of the shift [minutes]; a multiple of the interval length.
    cost
        Cost of one shift [cost units]; default its length in hours (agent-hours).
    name
        Label in the result; default e.g. ``"8h"`` or ``"7h30"``.
    """

    length_minutes: int
    cost: float | None = None
    name: str | None = None

    @property
    def label(self) -> str:
        """The name, or the length as e.g. ``8h`` / ``7h30``."""
        if self.name:
            return self.name
        hours, minutes = divmod(self.length_minutes, 60)
        return f"{hours}h" if minutes == 0 else f"{hours}h{minutes:02d}"

    def cost_of(self) -> float:
        """Cost of one shift [cost units]."""
        return self.length_minutes / 60.0 if self.cost is None else float(self.cost)


#: The usual contact-centre shift types: 8, 6 and 4 hours, cost in agent-hours.
DEFAULT_SHIFT_TYPES = (ShiftType(480), ShiftType(360), ShiftType(240))

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

    @property
    def gap(self) -> float | None:
        """Relative gap between objective and bound [fraction]."""
        return relative_gap(self.objective, self.bound)

    @property
    def total_seconds(self) -> float:
        """Build plus solve [seconds]."""
        return self.build_seconds + self.solve_seconds


def shift_columns(
    n_intervals: int,
    interval_minutes: int,
    shift_types: Sequence[ShiftType],
    start_step_minutes: int,
    *,
    cyclic: bool = True,
) -> pd.DataFrame:
    """Every shift that may be started: one row per (start, shift type).

    Parameters
    ----------
    n_intervals
        Intervals in the horizon.
    interval_minutes
        Interval length [minutes].
    shift_types
        The shift types.
    start_step_minutes
        A shift may start every this many minutes from the horizon start [minutes].
    cyclic
        Whether shifts may run past the horizon end into its start; otherwise they must
        end by the horizon end.

    Returns
    -------
    pandas.DataFrame
        Columns ``start_interval``, ``type`` (index into ``shift_types``),
        ``n_intervals`` (intervals covered) and ``cost`` [cost units].
    """
    step = start_step_minutes // interval_minutes
    rows = []
    for k, shift_type in enumerate(shift_types):
        length = shift_type.length_minutes // interval_minutes
        last_start = n_intervals - 1 if cyclic else n_intervals - length
        for start in range(0, last_start + 1, step):
            rows.append((start, k, length, shift_type.cost_of()))
    frame = pd.DataFrame(rows, columns=["start_interval", "type", "n_intervals", "cost"])
    return frame.sort_values(["start_interval", "type"], ignore_index=True)


def covering_rows(columns: pd.DataFrame, n_intervals: int) -> list[list[int]]:
    """For each interval, the column indices (rows of ``columns``) whose shift covers it
    (modulo ``n_intervals``)."""
    rows: list[list[int]] = [[] for _ in range(n_intervals)]
    for j, (start, length) in enumerate(
        zip(columns["start_interval"], columns["n_intervals"], strict=True)
    ):
        for t in range(int(start), int(start) + int(length)):
            rows[t % n_intervals].append(j)
    return rows


def check_selection_inputs(
    demand: np.ndarray,
    interval_minutes: int,
    shift_types: Sequence[ShiftType],
    start_step_minutes: int,
    cyclic: bool,
) -> None:
    """Raise :class:`~wfm.errors.InputError` for inputs the model cannot use."""
    if interval_minutes <= 0:
        raise InputError(
            "the interval length must be positive",
            column="interval_minutes",
            value=interval_minutes,
            fix="use e.g. 15 or 30",
        )
    if demand.ndim != 1 or demand.size == 0:
        raise InputError(
            "the requirement must be one number per interval",
            column="demand",
            value=f"shape {demand.shape}",
            fix="pass a 1-dimensional array with one value per interval",
        )
    bad = np.flatnonzero(~np.isfinite(demand) | (demand < 0))
    if bad.size:
        raise InputError(
            f"the requirement of interval {bad[0]} is negative or not a number",
            column="demand",
            value=float(demand[bad[0]]),
            fix="give every interval a finite requirement >= 0 [agents]",
        )
    if not shift_types:
        raise InputError(
            "no shift types were given", column="shift_types", fix="give at least one ShiftType"
        )
    horizon_minutes = demand.size * interval_minutes
    for shift_type in shift_types:
        length = shift_type.length_minutes
        if length <= 0 or length % interval_minutes:
            raise InputError(
                f"shift type '{shift_type.label}' is not a positive multiple of the {interval_minutes}-minute "
                "interval",
                column="length_minutes",
                value=length,
                fix=f"use a length that is a multiple of {interval_minutes} minutes",
            )
        if length > horizon_minutes:
            raise InputError(
                f"shift type '{shift_type.label}' is longer than the horizon of {horizon_minutes} minutes",
                column="length_minutes",
                value=length,
                fix="shorten the shift or lengthen the horizon",
            )
        if shift_type.cost is not None and (
            not math.isfinite(shift_type.cost) or shift_type.cost < 0
        ):
            raise InputError(
                f"shift type '{shift_type.label}' has a negative or infinite cost",
                column="cost",
                value=shift_type.cost,
                fix="give a finite cost >= 0, or none for agent-hours",
            )
    if start_step_minutes <= 0 or start_step_minutes % interval_minutes:
        raise InputError(
            f"shifts must start on the {interval_minutes}-minute interval grid",
            column="start_step_minutes",
            value=start_step_minutes,
            fix=f"use a positive multiple of {interval_minutes} minutes",
        )
    if cyclic and horizon_minutes % start_step_minutes:
        raise InputError(
            "in a cyclic horizon the start step must divide the horizon, or the starts would not repeat",
            column="start_step_minutes",
            value=start_step_minutes,
            fix=f"use a step that divides {horizon_minutes} minutes",
        )


def build_selection_model(
    demand: np.ndarray, columns: pd.DataFrame, rows: list[list[int]]
) -> pyo.ConcreteModel:
    """The set-covering model: ``x[j]`` shifts of column ``j``, ``coverage[t]`` constraints
    and the objective ``cost``."""
    model = pyo.ConcreteModel(name="shift selection")
    model.x = pyo.Var(range(len(columns)), domain=pyo.NonNegativeIntegers)
    x = [model.x[j] for j in range(len(columns))]
    needed = [t for t in range(len(rows)) if demand[t] > 0]

    def cover(m, t):
        return LinearExpression(
            constant=0.0, linear_coefs=[1.0] * len(rows[t]), linear_vars=[x[j] for j in rows[t]]
        ) >= float(demand[t])

    model.coverage = pyo.Constraint(needed, rule=cover)
    model.cost = pyo.Objective(
        expr=LinearExpression(
            constant=0.0, linear_coefs=columns["cost"].astype(float).tolist(), linear_vars=x
        ),
        sense=pyo.minimize,
    )
    return model


def select_shifts(
    demand_agents: Sequence[float] | np.ndarray,
    interval_minutes: int,
    shift_types: Sequence[ShiftType] = DEFAULT_SHIFT_TYPES,
    start_step_minutes: int = 30,
    *,
    cyclic: bool = True,
    relaxation: bool = False,
    time_limit_seconds: float = 60.0,
    relative_gap: float = 0.0,
    threads: int = 1,
    seed: int = 0,
) -> ShiftSelection:
    """Choose how many shifts of each type to start at each time (see the module docstring
    for the model).

    Parameters
    ----------
    demand_agents
        Agents required in each interval of the horizon [agents], from its start (e.g. a
        week from Monday 00:00). Fractional requirements are covered up to the next
        integer.
    interval_minutes
        Interval length [minutes].
    shift_types
        The shift types (default 8, 6 and 4 hours, cost in agent-hours).
    start_step_minutes
        Shifts start every this many minutes from the horizon start [minutes].
    cyclic
        Shifts started near the end of the horizon wrap round to its start (a cyclic
        week); otherwise they must end by the horizon end.
    relaxation
        Solve the LP relaxation only (fractional counts; ``bound`` is the LP optimum).
    time_limit_seconds
        HiGHS time limit [seconds].
    relative_gap
        Stop when within this relative gap of the bound [fraction]; 0 proves the optimum.
    threads, seed
        HiGHS threads and random seed.

    Returns
    -------
    ShiftSelection

    Raises
    ------
    InputError
        For a requirement that is negative or not a number, shift lengths or start steps
        off the interval grid, or lengths longer than the horizon.
    """
    started = time.perf_counter()
    raw = np.asarray(demand_agents, dtype=float)
    check_selection_inputs(raw, interval_minutes, shift_types, start_step_minutes, cyclic)
    demand = np.ceil(raw - 1e-9)
    n_intervals = demand.size
    columns = shift_columns(
        n_intervals, interval_minutes, shift_types, start_step_minutes, cyclic=cyclic
    )
    rows = covering_rows(columns, n_intervals)
    uncovered = [t for t in range(n_intervals) if demand[t] > 0 and not rows[t]]
    if uncovered:
        raise InputError(
            f"no shift can cover interval {uncovered[0]}, which needs agents",
            column="demand",
            value=float(demand[uncovered[0]]),
            fix="allow shifts that reach it (cyclic horizon or an earlier start) or drop its requirement",
        )
    model = build_selection_model(demand, columns, rows)
    build_seconds = time.perf_counter() - started

    run = run_highs(
        model,
        time_limit_seconds=time_limit_seconds,
        relative_gap=relative_gap,
        threads=threads,
        seed=seed,
        relaxation=relaxation,
    )
    counts_all = (
        np.array([pyo.value(model.x[j]) or 0.0 for j in range(len(columns))])
        if run.status.has_solution
        else None
    )
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
        for t, members in enumerate(rows):
            coverage[t] = counts_all[members].sum() if members else 0.0
        chosen = columns.assign(count=counts_all)[counts_all > 1e-9]
    else:
        chosen = columns.assign(count=np.zeros(len(columns)))[[False] * len(columns)]
    counts = pd.DataFrame(
        {
            "start_interval": chosen["start_interval"].to_numpy(dtype=np.int64),
            "start_minute": chosen["start_interval"].to_numpy(dtype=np.int64) * interval_minutes,
            "shift_type": [shift_types[k].label for k in chosen["type"]],
            "length_minutes": [shift_types[k].length_minutes for k in chosen["type"]],
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
        n_variables=len(columns),
        n_constraints=len(model.coverage),
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
