"""The rota MILP: variables and one function per family of constraints.

Building, solving and reading results are separate steps (as in linopy / PyPSA):
:func:`build_rota_model` assembles the model as arrays (a
:class:`~wfm.scheduling.linear_model.LinearModel`, handed to HiGHS in bulk) from a
:class:`~wfm.scheduling.instance.RotaInstance` by calling one small function per family of
constraints and one plug-in per labour or contract rule (:mod:`wfm.scheduling.rules`);
:mod:`wfm.scheduling.solve` solves it and :mod:`wfm.scheduling.rota` reads the rota back.
Each family is added as one block of rows in the order listed below (the row order HiGHS
sees; the columns follow it, see :mod:`wfm.scheduling.linear_model`).

Why this module is over 600 lines: its first 120 lines are the formulation below, in
mathematics, beside the code that builds it; the code is about 500 lines, one function a
family of constraints.

Formulation
-----------
Index sets: decision units :math:`u` (one agent each in the exact model, or a pool of
:math:`m_u` interchangeable agents in the pooled relaxation), shift candidates :math:`c`
(day :math:`d(c)`, paid hours :math:`p_c`), skill groups :math:`g` (agents with the same
queues), break chains :math:`k` (windows of one break rule with one width, see
:func:`wfm.scheduling.shifts.break_windows`) with windows :math:`[a_c, b_c]`, intervals
:math:`t` of length :math:`h` hours, queues :math:`q`.

Variables:

- :math:`x_{u,c} \\in \\{0, .., m_u\\}`: agents of unit :math:`u` on shift :math:`c`
  (binary for a single agent);
- :math:`n_{g,c} \\ge 0`: agents of group :math:`g` on shift :math:`c` (integer because
  the :math:`x` are);
- :math:`y_{g,k,t} \\ge 0` integer: agents of group :math:`g` who start a break of chain
  :math:`k` at interval :math:`t` (implicit break placement);
- :math:`z_{t,g,q} \\ge 0`: working agents of group :math:`g` allocated to queue :math:`q`;
- :math:`u_{t,q}, v_{t,q} \\ge 0`: under- and over-staffing [agents].

Constraints (function in brackets):

- at most :math:`m_u` shifts per unit and day (:func:`add_one_shift_per_day`);
- the labour and contract rules, each from its plug-in in :mod:`wfm.scheduling.rules`
  (registry :data:`~wfm.scheduling.rules.RULES`, added in its order; the formulation of
  each is in its module): contract paid hours and days in each calendar week
  (:mod:`~wfm.scheduling.rules.weekly_hours_and_days`), minimum rest between shifts as
  clique inequalities (:mod:`~wfm.scheduling.rules.min_rest`), at most :math:`K` working
  days in a row (:mod:`~wfm.scheduling.rules.max_consecutive_working_days`) and a run of
  :math:`L` days off every week as a choice of day patterns
  (:mod:`~wfm.scheduling.rules.consecutive_days_off`, :mod:`wfm.scheduling.day_patterns`;
  in a pooled model the patterns also carry the paid minutes of each working day), then
  the further rules (hours over the horizon, working weekends, shortest runs of working
  days and of days off, shift-type sequences and limits), which add nothing unless a
  contract sets them. Shift lengths and templates need no rows: the shifts a contract
  rules out are not among its agents' choices;
- :math:`n_{g,c} = \\sum_{u \\in g} x_{u,c}` (:func:`add_group_shift_counts`);
- Bechtold-Jacobs forward, backward and total break constraints per group and chain
  (:func:`add_break_placement`);
- :math:`\\sum_q z_{t,g,q} = \\sum_{c \\ni t} n_{g,c} - \\sum_{(k, t') \\ni t} y_{g,k,t'}`
  and :math:`\\sum_g z_{t,g,q} + u_{t,q} - v_{t,q} = r_{t,q}` (:func:`add_coverage`).

Objective (:func:`add_cost_objective`), in cost units:
:math:`\\sum_{u,c} k_u p_c x_{u,c} + h \\sum_{t,q} (U u_{t,q} + O v_{t,q})
+ P \\sum_{u,c} w_{u,c} x_{u,c} + F (M_{weekend} + M_{late})`, the third term the broken
preferences (:func:`add_preference_penalty`: :math:`w_{u,c}` the summed weight of the
unit's preferences that shift :math:`c` breaks, :math:`P` ``preference_cost``), the last
the largest number of weekend days and of late shifts any agent has
(:func:`add_fairness_penalty`, :math:`F` ``fairness_cost``).

The horizon is one or more weeks in one model: shifts that start on the last day of a week
and run past midnight cover the first intervals of the next week, and the rest and
consecutive-day rules see both weeks. Shifts starting on the horizon's last day may run
into the grid's spill-over tail, which has no requirement.

Availability and approved time off need no constraint: the shifts they rule out are not
among a unit's allowed pairs (:func:`wfm.scheduling.availability_and_preferences.availability_mask`).

Breaks are decided per skill group, not per agent: because the break windows of one shift
do not overlap (checked by :func:`wfm.scheduling.shifts.check_break_rules`), the breaks of
a group can be given to its agents in any way that matches each break to a shift whose
window holds it (:func:`wfm.scheduling.rota.assign_breaks`), so nothing is lost. Agents'
breaks start on the interval grid.

References
----------
.. [1] Bechtold, S. E. and Jacobs, L. W. (1990). "Implicit modeling of flexible break
   assignments in optimal shift scheduling". Management Science 36(11), 1339-1351.
.. [2] Aykin, T. (1996). "Optimal shift scheduling with multiple break windows".
   Management Science 42(4), 591-602.
.. [3] Ernst, A. T., Jiang, H., Krishnamoorthy, M. and Sier, D. (2004). "Staff scheduling
   and rostering: a review of applications, methods and models". EJOR 153(1), 3-27.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd

from wfm.config import SchedulingSettings
from wfm.scheduling.day_patterns import (  # noqa: F401 (the names model users import)
    DayPatternPlan,
    add_consecutive_days_off,
    day_pattern_plans,
    enumerate_day_patterns,
    paid_hours_pattern_plans,
)
from wfm.scheduling.instance import RotaInstance
from wfm.scheduling.linear_model import LinearModel
from wfm.scheduling.rules import RULES
from wfm.scheduling.rules.base import (  # noqa: F401 (the names model users import)
    DAYS_PER_WEEK,
    ModelContext,
    grouped_rows,
    week_lengths,
    working_days,
)
from wfm.scheduling.workforce import Workforce, agent_workforce
from wfm.timegrid import parse_clock

logger = logging.getLogger(__name__)


def build_rota_model(
    instance: RotaInstance,
    settings: SchedulingSettings,
    workforce: Workforce | None = None,
    extensions: Sequence[ModelExtension] = (),
    *,
    paid_hours_patterns: bool = True,
) -> LinearModel:
    """Build the rota MILP for ``instance``.

    Parameters
    ----------
    instance
        Prepared inputs (see :func:`wfm.scheduling.instance.prepare_week`).
    settings
        Objective weights (the solver controls are used by the solve step).
    workforce
        Decision units and their allowed shifts: default one unit per agent with every
        shift the contract allows (the exact model); :func:`~wfm.scheduling.workforce.pooled_workforce`
        gives the pooled relaxation.
    extensions
        Further rules and costs from other modules, applied last (see
        :func:`add_extensions`): the weekly service-level mode
        (:class:`wfm.scheduling.service_target.WeeklyServiceLevel`) and the change penalty
        of re-optimisation (:class:`wfm.scheduling.change_penalties.ChangePenalty`).
    paid_hours_patterns
        For a pooled workforce, week patterns with the paid hours of each day
        (:func:`paid_hours_pattern_plans`, the tighter relaxation); ``False`` keeps plain day
        patterns. Ignored for the exact model.

    Returns
    -------
    LinearModel
        Variable blocks ``x``, ``n``, ``y``, ``z``, ``under``, ``over``, one row block per
        rule family, and the objective (minimised).
    """
    workforce = workforce or agent_workforce(instance)
    model = LinearModel(name="rota (pooled)" if workforce.pooled else "rota")
    add_shift_variables(model, instance, workforce)
    shifts = unit_shift_table(model, instance, workforce)
    add_one_shift_per_day(model, workforce, shifts)
    context = ModelContext(
        model, instance, workforce, shifts, settings, paid_hours_patterns=paid_hours_patterns
    )
    rule_costs = [rule.add_constraints(context) for rule in RULES]
    add_group_shift_counts(model, workforce, shifts)
    add_break_placement(model, instance)
    add_coverage(model, instance)
    add_preference_penalty(context)
    add_fairness_penalty(context)
    add_cost_objective(context)
    for cost in rule_costs:
        if cost is not None:
            model.add_objective_expression(cost)
    add_extensions(context, extensions)
    return model


#: A further rule family from another module: called as ``extension(context)`` with the
#: :class:`~wfm.scheduling.rules.base.ModelContext` of the built model (as a rule's
#: ``add_constraints``), it adds its blocks and returns a cost
#: :class:`~wfm.scheduling.linear_model.Expression` [cost units] for the objective, or
#: ``None``.
ModelExtension = Callable[[ModelContext], object]


def add_extensions(context: ModelContext, extensions: Sequence[ModelExtension]) -> None:
    """Apply ``extensions`` in order and add the costs they return to the objective."""
    for extension in extensions:
        term = extension(context)
        if term is not None:
            context.model.add_objective_expression(term)


# --- variables ---------------------------------------------------------------------------


def add_shift_variables(model: LinearModel, instance: RotaInstance, workforce: Workforce) -> None:
    """Shift choice ``x[unit_id, candidate]`` (binary for a single agent, at most the unit
    size for a pool) and group counts ``n[group, candidate]``."""
    units = workforce.units
    pairs = workforce.eligible
    unit_index = pairs["unit"].to_numpy(dtype=np.int64)
    unit_ids = [unit.unit_id for unit in units]
    keys = [(unit_ids[u], int(c)) for u, c in zip(unit_index, pairs["candidate"], strict=True)]
    sizes = np.array([unit.size for unit in units], dtype=np.float64)
    upper = sizes[unit_index] if len(units) else np.zeros(0)
    if not workforce.pooled:
        upper = np.minimum(upper, 1.0)
    model.add_variables("x", keys, lower=0.0, upper=upper, integer=True)
    group_of_unit = np.array([unit.group for unit in units], dtype=np.int64)
    group_pairs = (
        pd.DataFrame({"group": group_of_unit[unit_index], "candidate": pairs["candidate"]})
        .drop_duplicates()
        .sort_values(["group", "candidate"], ignore_index=True)
    )
    model.add_variables(
        "n",
        [
            (int(g), int(c))
            for g, c in zip(group_pairs["group"], group_pairs["candidate"], strict=True)
        ],
        lower=0.0,
    )


def unit_shift_table(
    model: LinearModel, instance: RotaInstance, workforce: Workforce
) -> pd.DataFrame:
    """Allowed (unit, candidate) pairs with the candidate's ``day`` and ``paid_hours`` and
    the column ``var`` of ``x[unit_id, candidate]``."""
    frame = workforce.eligible.merge(
        instance.candidates[["candidate", "day", "paid_minutes"]], on="candidate", how="left"
    )
    # x was declared in the order of workforce.eligible, which the merge keeps.
    frame["var"] = model.x.columns
    frame["paid_hours"] = frame["paid_minutes"] / 60.0
    return frame


# --- agent rules -------------------------------------------------------------------------


def add_one_shift_per_day(model: LinearModel, workforce: Workforce, shifts: pd.DataFrame) -> None:
    """At most one shift per agent and local start date (at most the unit size for a
    pool): ``one_shift_per_day[unit_id, day]``."""
    keys, group, order = grouped_rows(shifts, ["unit", "day"])
    counts = np.bincount(group, minlength=len(keys))
    several = counts > 1
    renumber = np.cumsum(several) - 1
    kept = several[group]
    unit_ids = [unit.unit_id for unit in workforce.units]
    sizes = np.array([unit.size for unit in workforce.units], dtype=np.float64)
    chosen = keys[several]
    model.add_rows_coo(
        "one_shift_per_day",
        [(unit_ids[u], int(d)) for u, d in zip(chosen["unit"], chosen["day"], strict=True)],
        renumber[group[kept]],
        shifts["var"].to_numpy(dtype=np.int64)[order[kept]],
        np.ones(int(kept.sum())),
        upper=sizes[chosen["unit"].to_numpy(dtype=np.int64)] if len(chosen) else [],
    )


# --- group rules -------------------------------------------------------------------------


def add_group_shift_counts(model: LinearModel, workforce: Workforce, shifts: pd.DataFrame) -> None:
    """Agents of each skill group on each shift: ``group_shift_counts[group, candidate]``,
    :math:`\\sum_{u \\in g} x_{u,c} - n_{g,c} = 0`."""
    group_of_unit = np.array([unit.group for unit in workforce.units], dtype=np.int64)
    frame = shifts.assign(group=group_of_unit[shifts["unit"].to_numpy()])
    _, group, order = grouped_rows(frame, ["group", "candidate"])
    # The groups in sorted (group, candidate) order are n's keys in order.
    n_columns = model.n.columns
    counts = np.bincount(group, minlength=len(n_columns))
    ends = np.cumsum(counts + 1)  # each row: its x terms, then n
    starts = ends - counts - 1
    total = int(ends[-1]) if len(ends) else 0
    col = np.empty(total, dtype=np.int64)
    coef = np.empty(total)
    row = np.repeat(np.arange(len(n_columns)), counts + 1)
    position = starts[group] + (
        np.arange(len(group)) - np.repeat(np.cumsum(counts) - counts, counts)
    )
    col[position] = frame["var"].to_numpy(dtype=np.int64)[order]
    coef[position] = 1.0
    col[ends - 1] = n_columns
    coef[ends - 1] = -1.0
    model.add_rows_coo("group_shift_counts", model.n.keys, row, col, coef, lower=0.0, upper=0.0)


def add_break_placement(model: LinearModel, instance: RotaInstance) -> None:
    """Every agent on a shift takes each applicable break once, inside its window.

    Implicit break placement (Bechtold and Jacobs 1990): ``y[group, chain, t]`` counts the
    agents of a group who start a break of a chain (see
    :func:`wfm.scheduling.shifts.break_windows`) at interval ``t``. Within a chain the
    windows :math:`[a_c, b_c]` are translates, and the breaks can be matched to the shifts
    if and only if (Hall's condition on this convex bipartite graph)

    .. math::

        \\sum_t y_t = \\sum_c n_c, \\qquad
        \\sum_{t \\le \\tau} y_t \\ge \\sum_{c: b_c \\le \\tau} n_c \\; (\\text{forward}), \\qquad
        \\sum_{t \\ge \\tau} y_t \\ge \\sum_{c: a_c \\ge \\tau} n_c \\; (\\text{backward}).

    Any set of shifts :math:`\\{i..j\\}` contiguous in window order then has at least
    :math:`\\sum n` breaks inside :math:`[a_i, b_j]`, because the breaks outside it are at
    most the shifts whose windows start before :math:`a_i` or end after :math:`b_j`.
    Constraints: ``break_total[group, chain]``, ``break_forward[group, chain, t]`` and
    ``break_backward[group, chain, t]``; :func:`wfm.scheduling.rota.assign_breaks` finds
    the matching. Compared with one variable per (group, shift, break, offset) (the
    explicit model of Aykin 1996) this gives the same LP bound with about a quarter of the
    break variables (2,151 against 8,778 on the 60-agent benchmark).

    References
    ----------
    .. [1] Bechtold, S. E. and Jacobs, L. W. (1990). Management Science 36(11), 1339-1351.
    """
    n_keys = pd.DataFrame(model.n.keys, columns=["group", "candidate"])
    n_keys["n"] = model.n.columns
    windows = n_keys.merge(instance.windows, on="candidate")
    y_keys: list[tuple[int, int, int]] = []
    chains = list(windows.groupby(["group", "chain"], sort=True))
    for (g, k), chain in chains:
        first, last = int(chain["earliest_interval"].min()), int(chain["latest_interval"].max())
        y_keys.extend((int(g), int(k), t) for t in range(first, last + 1))
    y_block = model.add_variables("y", y_keys, lower=0.0, integer=True)
    totals: dict[tuple[int, int], tuple[list, list]] = {}
    forward: dict[tuple[int, int, int], tuple[list, list]] = {}
    backward: dict[tuple[int, int, int], tuple[list, list]] = {}
    next_y = y_block.start
    for (g, k), chain in chains:
        g, k = int(g), int(k)
        first, last = int(chain["earliest_interval"].min()), int(chain["latest_interval"].max())
        y = list(range(next_y, next_y + last - first + 1))
        next_y += last - first + 1
        n = chain["n"].tolist()
        earliest = chain["earliest_interval"].to_numpy()
        latest = chain["latest_interval"].to_numpy()
        totals[g, k] = (y, n)
        for tau in np.unique(latest):
            if tau < last:
                ends = [n[i] for i in np.flatnonzero(latest <= tau)]
                forward[g, k, int(tau)] = (y[: tau - first + 1], ends)
        for tau in np.unique(earliest):
            if tau > first:
                starts = [n[i] for i in np.flatnonzero(earliest >= tau)]
                backward[g, k, int(tau)] = (y[tau - first :], starts)

    def balance(rows):
        return {
            key: ([1.0] * len(breaks) + [-1.0] * len(shifts), breaks + shifts)
            for key, (breaks, shifts) in rows.items()
        }

    model.add_rows("break_total", balance(totals), lower=0.0, upper=0.0)
    model.add_rows("break_forward", balance(forward), lower=0.0)
    model.add_rows("break_backward", balance(backward), lower=0.0)


def _covered_intervals(first: np.ndarray, count: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Row position and interval for each interval covered by rows ``[first, first+count)``."""
    rows = np.repeat(np.arange(len(first)), count)
    offsets = np.arange(int(count.sum())) - np.repeat(np.cumsum(count) - count, count)
    return rows, np.repeat(first, count) + offsets


def add_coverage(model: LinearModel, instance: RotaInstance) -> None:
    """Soft coverage per interval and queue.

    Working agents of a group (on shift and not on break) are allocated to the group's
    queues (``working_allocation[t, group]``), and the allocated agents plus under-staffing
    less over-staffing equal the requirement (``coverage_balance[t, queue]``). Only
    horizon intervals get coverage rows; the spill-over tail has no requirement.
    """
    n_horizon = instance.grid.n_horizon
    candidates = instance.candidates.set_index("candidate")
    n_frame = pd.DataFrame(model.n.keys, columns=["group", "candidate"])
    first = candidates.loc[n_frame["candidate"], "first_interval"].to_numpy(dtype=np.int64)
    count = candidates.loc[n_frame["candidate"], "n_intervals"].to_numpy(dtype=np.int64)
    rows, interval = _covered_intervals(first, count)
    on_shift = pd.DataFrame(
        {"row": rows, "t": interval, "group": n_frame["group"].to_numpy()[rows]}
    )
    on_shift = on_shift[on_shift["t"] < n_horizon]

    y_frame = pd.DataFrame(model.y.keys, columns=["group", "chain", "t"])
    duration = instance.windows.groupby("chain")["n_intervals"].first()
    count = duration.reindex(y_frame["chain"]).to_numpy(dtype=np.int64)
    rows_b, interval_b = _covered_intervals(y_frame["t"].to_numpy(dtype=np.int64), count)
    on_break = pd.DataFrame(
        {"row": rows_b, "t": interval_b, "group": y_frame["group"].to_numpy()[rows_b]}
    )
    on_break = on_break[on_break["t"] < n_horizon]

    n_start, y_start = model.n.start, model.y.start
    shift_terms = {
        key: (group["row"].to_numpy() + n_start).tolist()
        for key, group in on_shift.groupby(["t", "group"])
    }
    break_terms = {
        key: (group["row"].to_numpy() + y_start).tolist()
        for key, group in on_break.groupby(["t", "group"])
    }
    working_keys = sorted((int(t), int(g)) for t, g in shift_terms)

    z_keys = [(t, g, q) for t, g in working_keys for q in instance.groups[g]]
    z_block = model.add_variables("z", z_keys, lower=0.0)
    z_of = z_block.position()
    allocation = {}
    for t, g in working_keys:
        on = shift_terms[t, g]
        off = break_terms.get((t, g), [])
        allocated = [z_block.start + z_of[t, g, q] for q in instance.groups[g]]
        coefs = [1.0] * len(allocated) + [-1.0] * len(on) + [1.0] * len(off)
        allocation[t, g] = (coefs, allocated + on + off)
    model.add_rows("working_allocation", allocation, lower=0.0, upper=0.0)

    allocated_by_queue: dict[tuple[int, str], list] = defaultdict(list)
    for t, g in working_keys:
        for q in instance.groups[g]:
            allocated_by_queue[t, q].append(z_block.start + z_of[t, g, q])
    required = instance.scheduled_required
    balance_keys = [
        (t, q)
        for t in range(n_horizon)
        for j, q in enumerate(instance.queues)
        if (t, q) in allocated_by_queue or required[t, j] > 0
    ]
    if instance.shift_demand is not None and not required.any():
        # Demand given only per day and shift type (rules/shift_demand.py): no interval is
        # under- or over-staffed against a requirement nobody gave.
        balance_keys = []
    queue_index = {q: j for j, q in enumerate(instance.queues)}
    under = model.add_variables(
        "under",
        [(t, q) for t, q in balance_keys if required[t, queue_index[q]] > 0],
        lower=0.0,
    )
    over = model.add_variables(
        "over", [key for key in balance_keys if key in allocated_by_queue], lower=0.0
    )
    under_of, over_of = under.position(), over.position()
    rows = {}
    for t, q in balance_keys:
        variables = list(allocated_by_queue.get((t, q), []))
        coefs = [1.0] * len(variables)
        if (t, q) in under_of:
            variables.append(under.start + under_of[t, q])
            coefs.append(1.0)
        if (t, q) in over_of:
            variables.append(over.start + over_of[t, q])
            coefs.append(-1.0)
        rows[t, q] = (coefs, variables)
    rhs = [float(required[t, queue_index[q]]) for t, q in balance_keys]
    model.add_rows("coverage_balance", rows, lower=rhs, upper=rhs)


# --- objective ---------------------------------------------------------------------------


def add_preference_penalty(context: ModelContext) -> None:
    """Cost of broken preferences [cost units]: ``preference_penalty``, the sum over
    allowed shifts of ``preference_cost`` times the summed weight of the preferences the
    shift breaks for the unit's agents (all agents of a pool have the same preferences,
    see :func:`~wfm.scheduling.workforce.pooled_workforce`), times the agents on it, plus
    ``preference_cost`` times the weight of the requests to work
    (:attr:`~wfm.scheduling.instance.RotaInstance.requested_weight`), which the shifts that
    meet a request take back (their weight is negative, see
    :func:`~wfm.scheduling.availability_and_preferences.preference_weights`). Not added when no preference
    applies."""
    model, instance, settings = context.model, context.instance, context.settings
    workforce, shifts = context.workforce, context.shifts
    weights = instance.preference_weight
    if settings.preference_cost <= 0:
        return
    constant = instance.requested_weight * settings.preference_cost
    if weights is None or weights.empty:
        if constant > 0:  # requests to work on dates no allowed shift meets
            model.add_expression("preference_penalty", [], [], constant)
        return
    first_agent = pd.DataFrame(
        {
            "unit": np.arange(len(workforce.units)),
            "agent": [unit.agents[0] for unit in workforce.units],
        }
    )
    per_unit = first_agent.merge(weights, on="agent")[["unit", "candidate", "weight"]]
    terms = shifts[["unit", "candidate", "var"]].merge(per_unit, on=["unit", "candidate"])
    if terms.empty and constant <= 0:
        return
    coefs = terms["weight"].to_numpy(dtype=float) * settings.preference_cost
    model.add_expression(
        "preference_penalty",
        terms["var"].to_numpy(dtype=np.int64),
        coefs,
        constant if constant > 0 else 0.0,
    )


def late_and_weekend_shifts(candidates: pd.DataFrame, late_shift_end: str) -> pd.DataFrame:
    """Which candidates are weekend shifts and which are late shifts.

    A shift is a *weekend* shift when it starts on a Saturday or Sunday (local date), and
    *late* when it ends at or after the local time ``late_shift_end`` (``"HH:MM"``) or on a
    later local date than it starts.

    Returns
    -------
    pandas.DataFrame
        Columns ``candidate``, ``weekend`` and ``late`` (booleans).
    """
    end = pd.DatetimeIndex(candidates["end"])
    if "end_local" in candidates:  # sites on their own clocks (wfm.scheduling.site_clocks)
        end = pd.DatetimeIndex(candidates["end_local"])
    end_minute = end.hour.to_numpy() * 60 + end.minute.to_numpy()
    start_date = pd.to_datetime(candidates["date"]).to_numpy(dtype="datetime64[D]")
    end_date = end.tz_localize(None).normalize().to_numpy(dtype="datetime64[D]")
    weekday = pd.to_datetime(candidates["date"]).dt.day_of_week.to_numpy()
    return pd.DataFrame(
        {
            "candidate": candidates["candidate"].to_numpy(dtype=np.int64),
            "weekend": weekday >= 5,
            "late": (end_date > start_date) | (end_minute >= parse_clock(late_shift_end)),
        }
    )


def add_fairness_penalty(context: ModelContext) -> None:
    r"""Spread weekend days and late shifts evenly: ``fairness_penalty`` [cost units].

    For each kind :math:`k` (weekend shifts, late shifts, see
    :func:`late_and_weekend_shifts`) a continuous :math:`M_k` bounds the number of such
    shifts of every agent over the horizon, :math:`\sum_{c \in k} x_{u,c} \le m_u M_k`
    (``fairness_weekend[unit_id]``, ``fairness_late[unit_id]``), and the objective adds
    :math:`F (M_{weekend} + M_{late})` with :math:`F` ``fairness_cost``. Minimising the
    largest load is one variable and one row per unit, so it costs the solver little; for a
    pool :math:`M_k` bounds the pool's average, which is at most its largest, so the pooled
    model stays a relaxation. Units that cannot take any shift of a kind get no row; a kind
    no unit can take adds nothing.
    """
    model, instance, settings = context.model, context.instance, context.settings
    workforce, shifts = context.workforce, context.shifts
    if settings.fairness_cost <= 0 or shifts.empty:
        return
    kinds = shifts[["unit", "candidate", "var"]].merge(
        late_and_weekend_shifts(instance.candidates, settings.late_shift_end), on="candidate"
    )
    terms = []
    sizes = np.array([unit.size for unit in workforce.units], dtype=np.float64)
    for kind in ("weekend", "late"):
        chosen = kinds[kinds[kind]]
        if chosen.empty:
            continue
        largest = model.add_variables(f"most_{kind}_shifts", [None], lower=0.0).start
        keys, group, order = grouped_rows(chosen, ["unit"])
        counts = np.bincount(group, minlength=len(keys))
        ends = np.cumsum(counts + 1)
        starts = ends - counts - 1
        col = np.empty(int(ends[-1]), dtype=np.int64)
        coef = np.empty(int(ends[-1]))
        position = starts[group] + (
            np.arange(len(group)) - np.repeat(np.cumsum(counts) - counts, counts)
        )
        col[position] = chosen["var"].to_numpy(dtype=np.int64)[order]
        coef[position] = 1.0
        units = keys["unit"].to_numpy(dtype=np.int64)
        col[ends - 1] = largest
        coef[ends - 1] = -sizes[units]
        model.add_rows_coo(
            f"fairness_{kind}",
            [workforce.units[u].unit_id for u in units],
            np.repeat(np.arange(len(keys)), counts + 1),
            col,
            coef,
            upper=0.0,
        )
        terms.append(largest)
    if terms:
        model.add_expression("fairness_penalty", terms, [settings.fairness_cost] * len(terms))


def add_cost_objective(context: ModelContext) -> None:
    """Minimise paid-hour cost plus under- and over-staffing penalties plus
    ``preference_penalty`` and ``fairness_penalty`` when the model has them [cost units]."""
    model, instance, settings = context.model, context.instance, context.settings
    workforce, shifts = context.workforce, context.shifts
    cost_per_hour = np.array([unit.contract.cost_per_paid_hour for unit in workforce.units])
    coefs = shifts["paid_hours"].to_numpy() * cost_per_hour[shifts["unit"].to_numpy()]
    hours = instance.interval_hours
    model.add_objective(shifts["var"].to_numpy(dtype=np.int64), coefs)
    model.add_objective(
        model.under.columns,
        np.full(len(model.under), settings.under_staffing_cost_per_agent_hour * hours),
    )
    model.add_objective(
        model.over.columns,
        np.full(len(model.over), settings.over_staffing_cost_per_agent_hour * hours),
    )
    for name in ("preference_penalty", "fairness_penalty"):
        expression = model.component(name)
        if expression is not None:
            model.add_objective_expression(expression)
