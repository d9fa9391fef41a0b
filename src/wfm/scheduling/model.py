"""The rota MILP: variables and one function per family of constraints.

Building, solving and reading results are separate steps (as in linopy / PyPSA):
:func:`build_rota_model` assembles a pyomo model from a
:class:`~wfm.scheduling.instance.RotaInstance` by calling one small function per family of
constraints, each named after the rule it models; :mod:`wfm.scheduling.solve` solves it and
:mod:`wfm.scheduling.rota` reads the rota back. Later rules (availability, preferences,
fairness, ...) are added as further ``add_*`` functions.

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
- contract paid hours :math:`m_u H^{min}_u \\le \\sum_c p_c x_{u,c} \\le m_u H^{max}_u`
  (:func:`add_contract_hours`) and days (:func:`add_contract_days`);
- minimum rest between shifts as clique inequalities (:func:`add_rest_between_shifts`);
- :math:`n_{g,c} = \\sum_{u \\in g} x_{u,c}` (:func:`add_group_shift_counts`);
- Bechtold-Jacobs forward, backward and total break constraints per group and chain
  (:func:`add_break_placement`);
- :math:`\\sum_q z_{t,g,q} = \\sum_{c \\ni t} n_{g,c} - \\sum_{(k, t') \\ni t} y_{g,k,t'}`
  and :math:`\\sum_g z_{t,g,q} + u_{t,q} - v_{t,q} = r_{t,q}` (:func:`add_coverage`).

Objective (:func:`add_cost_objective`), in cost units:
:math:`\\sum_{u,c} k_u p_c x_{u,c} + h \\sum_{t,q} (U u_{t,q} + O v_{t,q})
+ P \\sum_{u,c} w_{u,c} x_{u,c}`, the last term the broken preferences
(:func:`add_preference_penalty`: :math:`w_{u,c}` the summed weight of the unit's
preferences that shift :math:`c` breaks, :math:`P` ``preference_cost``).

Availability and approved time off need no constraint: the shifts they rule out are not
among a unit's allowed pairs (:func:`wfm.scheduling.instance.availability_mask`).

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
from collections.abc import Iterable

import numpy as np
import pandas as pd
import pyomo.environ as pyo
from pyomo.core.expr.numeric_expr import LinearExpression

from wfm.config import SchedulingSettings
from wfm.scheduling.instance import RotaInstance, Workforce, agent_workforce

logger = logging.getLogger(__name__)

_NS_PER_MINUTE = 60 * 10**9


def _linear(coefs: Iterable[float], variables: Iterable) -> LinearExpression:
    """A pyomo linear expression built directly from coefficients and variables (fast)."""
    return LinearExpression(constant=0.0, linear_coefs=list(coefs), linear_vars=list(variables))


def build_rota_model(
    instance: RotaInstance,
    settings: SchedulingSettings,
    workforce: Workforce | None = None,
) -> pyo.ConcreteModel:
    """Build the rota MILP for ``instance``.

    Parameters
    ----------
    instance
        Prepared inputs (see :func:`wfm.scheduling.instance.prepare_week`).
    settings
        Objective weights (the solver controls are used by the solve step).
    workforce
        Decision units and their allowed shifts: default one unit per agent with every
        shift the contract allows (the exact model); :func:`~wfm.scheduling.instance.pooled_workforce`
        gives the pooled relaxation.

    Returns
    -------
    pyomo.environ.ConcreteModel
        Components ``x``, ``n``, ``y``, ``z``, ``under``, ``over``, one constraint
        component per rule family, and the objective ``cost``.
    """
    workforce = workforce or agent_workforce(instance)
    model = pyo.ConcreteModel(name="rota (pooled)" if workforce.pooled else "rota")
    add_shift_variables(model, instance, workforce)
    shifts = unit_shift_table(model, instance, workforce)
    add_one_shift_per_day(model, workforce, shifts)
    add_contract_hours(model, workforce, shifts)
    add_contract_days(model, workforce, shifts)
    add_rest_between_shifts(model, instance, workforce)
    add_group_shift_counts(model, workforce, shifts)
    add_break_placement(model, instance)
    add_coverage(model, instance)
    add_preference_penalty(model, instance, settings, workforce, shifts)
    add_cost_objective(model, instance, settings, workforce, shifts)
    return model


# --- variables ---------------------------------------------------------------------------


def add_shift_variables(model: pyo.ConcreteModel, instance: RotaInstance, workforce: Workforce) -> None:
    """Shift choice ``x[unit_id, candidate]`` (binary for a single agent, at most the unit
    size for a pool) and group counts ``n[group, candidate]``."""
    units = workforce.units
    pairs = workforce.eligible
    keys = [(units[u].unit_id, int(c)) for u, c in zip(pairs["unit"], pairs["candidate"], strict=True)]
    sizes = {unit.unit_id: unit.size for unit in units}
    model.x = pyo.Var(
        keys,
        domain=pyo.Binary if not workforce.pooled else pyo.NonNegativeIntegers,
        bounds=lambda m, unit_id, c: (0, sizes[unit_id]),
    )
    group_pairs = (
        pd.DataFrame({"group": [units[u].group for u in pairs["unit"]], "candidate": pairs["candidate"]})
        .drop_duplicates()
        .sort_values(["group", "candidate"], ignore_index=True)
    )
    model.n = pyo.Var(
        [(int(g), int(c)) for g, c in zip(group_pairs["group"], group_pairs["candidate"], strict=True)],
        domain=pyo.NonNegativeReals,
    )


def unit_shift_table(model: pyo.ConcreteModel, instance: RotaInstance, workforce: Workforce) -> pd.DataFrame:
    """Allowed (unit, candidate) pairs with the candidate's ``day`` and ``paid_hours`` and
    the pyomo variable ``var`` (``x[unit_id, candidate]``)."""
    frame = workforce.eligible.merge(
        instance.candidates[["candidate", "day", "paid_minutes"]], on="candidate", how="left"
    )
    unit_ids = [unit.unit_id for unit in workforce.units]
    frame["var"] = [model.x[unit_ids[u], int(c)] for u, c in zip(frame["unit"], frame["candidate"], strict=True)]
    frame["paid_hours"] = frame["paid_minutes"] / 60.0
    return frame


# --- agent rules -------------------------------------------------------------------------


def add_one_shift_per_day(model: pyo.ConcreteModel, workforce: Workforce, shifts: pd.DataFrame) -> None:
    """At most one shift per agent and local start date (at most the unit size for a
    pool): ``one_shift_per_day[unit_id, day]``."""
    rows = {}
    for (u, d), group in shifts.groupby(["unit", "day"], sort=True):
        unit = workforce.units[u]
        if len(group) > 1:
            rows[unit.unit_id, int(d)] = (list(group["var"]), unit.size)
    model.one_shift_per_day = pyo.Constraint(
        list(rows), rule=lambda m, unit_id, day: _linear([1.0] * len(rows[unit_id, day][0]), rows[unit_id, day][0])
        <= rows[unit_id, day][1],
    )


def add_contract_hours(model: pyo.ConcreteModel, workforce: Workforce, shifts: pd.DataFrame) -> None:
    """Paid hours a week within the contract's minimum and maximum (times the unit size):
    ``contract_hours[unit_id]``."""
    expressions = {}
    bounds = {}
    for u, group in shifts.groupby("unit", sort=True):
        unit = workforce.units[u]
        contract = unit.contract
        most = float(group.groupby("day")["paid_hours"].max().nlargest(contract.max_days_per_week).sum())
        lower = contract.min_hours_per_week * unit.size if contract.min_hours_per_week > 0 else None
        upper = contract.max_hours_per_week * unit.size if contract.max_hours_per_week < most - 1e-9 else None
        if lower is None and upper is None:
            continue
        expressions[unit.unit_id] = _linear(group["paid_hours"], group["var"])
        bounds[unit.unit_id] = (lower, upper)
    model.contract_hours = pyo.Constraint(
        list(expressions), rule=lambda m, unit_id: (bounds[unit_id][0], expressions[unit_id], bounds[unit_id][1])
    )


def add_contract_days(model: pyo.ConcreteModel, workforce: Workforce, shifts: pd.DataFrame) -> None:
    """Working days a week within the contract's minimum and maximum (times the unit
    size): ``contract_days[unit_id]``."""
    expressions = {}
    bounds = {}
    for u, group in shifts.groupby("unit", sort=True):
        unit = workforce.units[u]
        contract = unit.contract
        n_days = group["day"].nunique()
        lower = contract.min_days_per_week * unit.size if contract.min_days_per_week > 0 else None
        upper = contract.max_days_per_week * unit.size if contract.max_days_per_week < n_days else None
        if lower is None and upper is None:
            continue
        expressions[unit.unit_id] = _linear([1.0] * len(group), group["var"])
        bounds[unit.unit_id] = (lower, upper)
    model.contract_days = pyo.Constraint(
        list(expressions), rule=lambda m, unit_id: (bounds[unit_id][0], expressions[unit_id], bounds[unit_id][1])
    )


def rest_cliques(candidates: pd.DataFrame, min_rest_minutes: float) -> list[tuple[np.ndarray, np.ndarray]]:
    """Maximal sets of shifts on two days that pairwise break a minimum rest.

    Shift :math:`c` on day :math:`d` and shift :math:`c'` on a later day :math:`d'` conflict
    when :math:`\\text{start}(c') - \\text{end}(c) < R`. For a threshold :math:`s`, every shift
    of :math:`L(s) = \\{c: \\text{end}(c) + R > s\\}` conflicts with every shift of
    :math:`R(s) = \\{c': \\text{start}(c') \\le s\\}`; with at most one shift a day,
    :math:`\\sum_{L(s)} x + \\sum_{R(s)} x \\le 1` is a valid clique inequality, and the
    thresholds at the starts of day :math:`d'` give all maximal ones.

    Parameters
    ----------
    candidates
        The candidate table.
    min_rest_minutes
        Minimum rest between the end of one shift and the start of the next [minutes].

    Returns
    -------
    list of (numpy.ndarray, numpy.ndarray)
        For each clique, the candidate ids on the earlier day and on the later day.
    """
    if min_rest_minutes <= 0 or candidates.empty:
        return []
    day = candidates["day"].to_numpy(dtype=np.int64)
    start = pd.DatetimeIndex(candidates["start"]).as_unit("ns").asi8
    end = pd.DatetimeIndex(candidates["end"]).as_unit("ns").asi8
    ids = candidates["candidate"].to_numpy(dtype=np.int64)
    rest_ns = int(round(min_rest_minutes * _NS_PER_MINUTE))
    cliques: list[tuple[np.ndarray, np.ndarray]] = []
    days = np.unique(day)
    for earlier in days:
        in_earlier = day == earlier
        reach = end[in_earlier].max() + rest_ns  # later starts before this can conflict
        for later in days[days > earlier]:
            in_later = day == later
            if start[in_later].min() >= reach:
                continue
            previous_left: frozenset[int] | None = None
            thresholds = np.unique(start[in_later])
            kept: list[tuple[np.ndarray, np.ndarray]] = []
            for threshold in thresholds:
                left = ids[in_earlier & (end + rest_ns > threshold)]
                right = ids[in_later & (start <= threshold)]
                if len(left) == 0:
                    break
                key = frozenset(left.tolist())
                if kept and key == previous_left:
                    kept[-1] = (left, right)  # same left side, larger right side dominates
                else:
                    kept.append((left, right))
                previous_left = key
            cliques.extend(kept)
    return cliques


def add_rest_between_shifts(model: pyo.ConcreteModel, instance: RotaInstance, workforce: Workforce) -> None:
    """Minimum rest (``contract.min_rest_hours``) between the end of one shift and the
    start of the next, as clique inequalities (see :func:`rest_cliques`); a pool of
    :math:`m` agents may take at most :math:`m` shifts of a clique:
    ``rest_between_shifts[unit_id, k]``."""
    allowed_by_unit = {
        u: set(group["candidate"].tolist()) for u, group in workforce.eligible.groupby("unit", sort=True)
    }
    cliques_by_rest: dict[float, list] = {}
    rows: dict[tuple[str, int], tuple[list[int], int]] = {}
    for u, unit in enumerate(workforce.units):
        rest = unit.contract.min_rest_hours * 60.0
        if rest not in cliques_by_rest:
            cliques_by_rest[rest] = rest_cliques(instance.candidates, rest)
        allowed = allowed_by_unit.get(u, set())
        seen: set[tuple[frozenset, frozenset]] = set()
        for left, right in cliques_by_rest[rest]:
            left_ok = [int(c) for c in left if c in allowed]
            right_ok = [int(c) for c in right if c in allowed]
            if not left_ok or not right_ok:
                continue
            key = (frozenset(left_ok), frozenset(right_ok))
            if key in seen:
                continue
            seen.add(key)
            rows[unit.unit_id, len(seen) - 1] = (left_ok + right_ok, unit.size)
    model.rest_between_shifts = pyo.Constraint(
        list(rows),
        rule=lambda m, unit_id, k: _linear(
            [1.0] * len(rows[unit_id, k][0]), [m.x[unit_id, c] for c in rows[unit_id, k][0]]
        )
        <= rows[unit_id, k][1],
    )
    logger.debug("%d rest inequalities", len(rows))


# --- group rules -------------------------------------------------------------------------


def add_group_shift_counts(model: pyo.ConcreteModel, workforce: Workforce, shifts: pd.DataFrame) -> None:
    """Agents of each skill group on each shift: ``group_shift_counts[group, candidate]``."""
    group_of_unit = np.array([unit.group for unit in workforce.units], dtype=np.int64)
    frame = shifts.assign(group=group_of_unit[shifts["unit"].to_numpy()])
    members = {(int(g), int(c)): list(group["var"]) for (g, c), group in frame.groupby(["group", "candidate"])}
    model.group_shift_counts = pyo.Constraint(
        list(model.n.index_set()),
        rule=lambda m, g, c: _linear([1.0] * len(members[g, c]) + [-1.0], members[g, c] + [m.n[g, c]]) == 0,
    )


def add_break_placement(model: pyo.ConcreteModel, instance: RotaInstance) -> None:
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
    n_keys = pd.DataFrame(list(model.n.index_set()), columns=["group", "candidate"])
    windows = n_keys.merge(instance.windows, on="candidate")
    y_keys: list[tuple[int, int, int]] = []
    totals: dict[tuple[int, int], tuple[list, list]] = {}
    forward: dict[tuple[int, int, int], tuple[list, list]] = {}
    backward: dict[tuple[int, int, int], tuple[list, list]] = {}
    chains = list(windows.groupby(["group", "chain"], sort=True))
    for (g, k), chain in chains:
        first, last = int(chain["earliest_interval"].min()), int(chain["latest_interval"].max())
        y_keys.extend((int(g), int(k), t) for t in range(first, last + 1))
    model.y = pyo.Var(y_keys, domain=pyo.NonNegativeIntegers)
    for (g, k), chain in chains:
        g, k = int(g), int(k)
        first, last = int(chain["earliest_interval"].min()), int(chain["latest_interval"].max())
        y = [model.y[g, k, t] for t in range(first, last + 1)]
        n = [model.n[g, int(c)] for c in chain["candidate"]]
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

    def balance(rows, sense):
        def rule(m, *key):
            breaks, shifts = rows[key]
            expression = _linear([1.0] * len(breaks) + [-1.0] * len(shifts), breaks + shifts)
            return expression == 0 if sense == "==" else expression >= 0

        return rule

    model.break_total = pyo.Constraint(list(totals), rule=balance(totals, "=="))
    model.break_forward = pyo.Constraint(list(forward), rule=balance(forward, ">="))
    model.break_backward = pyo.Constraint(list(backward), rule=balance(backward, ">="))


def _covered_intervals(first: np.ndarray, count: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Row position and interval for each interval covered by rows ``[first, first+count)``."""
    rows = np.repeat(np.arange(len(first)), count)
    offsets = np.arange(int(count.sum())) - np.repeat(np.cumsum(count) - count, count)
    return rows, np.repeat(first, count) + offsets


def add_coverage(model: pyo.ConcreteModel, instance: RotaInstance) -> None:
    """Soft coverage per interval and queue.

    Working agents of a group (on shift and not on break) are allocated to the group's
    queues (``working_allocation[t, group]``), and the allocated agents plus under-staffing
    less over-staffing equal the requirement (``coverage_balance[t, queue]``). Only
    horizon intervals get coverage rows; the spill-over tail has no requirement.
    """
    n_horizon = instance.grid.n_horizon
    candidates = instance.candidates.set_index("candidate")
    n_keys = list(model.n.index_set())
    n_frame = pd.DataFrame(n_keys, columns=["group", "candidate"])
    first = candidates.loc[n_frame["candidate"], "first_interval"].to_numpy(dtype=np.int64)
    count = candidates.loc[n_frame["candidate"], "n_intervals"].to_numpy(dtype=np.int64)
    rows, interval = _covered_intervals(first, count)
    on_shift = pd.DataFrame({"row": rows, "t": interval, "group": n_frame["group"].to_numpy()[rows]})
    on_shift = on_shift[on_shift["t"] < n_horizon]

    y_keys = list(model.y.index_set())
    y_frame = pd.DataFrame(y_keys, columns=["group", "chain", "t"])
    duration = instance.windows.groupby("chain")["n_intervals"].first()
    count = duration.reindex(y_frame["chain"]).to_numpy(dtype=np.int64)
    rows_b, interval_b = _covered_intervals(y_frame["t"].to_numpy(dtype=np.int64), count)
    on_break = pd.DataFrame({"row": rows_b, "t": interval_b, "group": y_frame["group"].to_numpy()[rows_b]})
    on_break = on_break[on_break["t"] < n_horizon]

    n_vars = [model.n[key] for key in n_keys]
    y_vars = [model.y[key] for key in y_keys]
    shift_terms = {key: group["row"].tolist() for key, group in on_shift.groupby(["t", "group"])}
    break_terms = {key: group["row"].tolist() for key, group in on_break.groupby(["t", "group"])}
    working_keys = sorted((int(t), int(g)) for t, g in shift_terms)

    model.z = pyo.Var(
        [(t, g, q) for t, g in working_keys for q in instance.groups[g]], domain=pyo.NonNegativeReals
    )

    def allocation(m, t, g):
        on = [n_vars[r] for r in shift_terms[t, g]]
        off = [y_vars[r] for r in break_terms.get((t, g), [])]
        allocated = [m.z[t, g, q] for q in instance.groups[g]]
        coefs = [1.0] * len(allocated) + [-1.0] * len(on) + [1.0] * len(off)
        return _linear(coefs, allocated + on + off) == 0

    model.working_allocation = pyo.Constraint(working_keys, rule=allocation)

    allocated_by_queue: dict[tuple[int, str], list] = defaultdict(list)
    for t, g in working_keys:
        for q in instance.groups[g]:
            allocated_by_queue[t, q].append(model.z[t, g, q])
    required = instance.scheduled_required
    balance_keys = [
        (t, q)
        for t in range(n_horizon)
        for j, q in enumerate(instance.queues)
        if (t, q) in allocated_by_queue or required[t, j] > 0
    ]
    queue_index = {q: j for j, q in enumerate(instance.queues)}
    model.under = pyo.Var(
        [(t, q) for t, q in balance_keys if required[t, queue_index[q]] > 0], domain=pyo.NonNegativeReals
    )
    model.over = pyo.Var([key for key in balance_keys if key in allocated_by_queue], domain=pyo.NonNegativeReals)

    def balance(m, t, q):
        variables = list(allocated_by_queue.get((t, q), []))
        coefs = [1.0] * len(variables)
        if (t, q) in m.under:
            variables.append(m.under[t, q])
            coefs.append(1.0)
        if (t, q) in m.over:
            variables.append(m.over[t, q])
            coefs.append(-1.0)
        return _linear(coefs, variables) == float(required[t, queue_index[q]])

    model.coverage_balance = pyo.Constraint(balance_keys, rule=balance)


# --- objective ---------------------------------------------------------------------------


def add_preference_penalty(
    model: pyo.ConcreteModel,
    instance: RotaInstance,
    settings: SchedulingSettings,
    workforce: Workforce,
    shifts: pd.DataFrame,
) -> None:
    """Cost of broken preferences [cost units]: ``preference_penalty``, the sum over
    allowed shifts of ``preference_cost`` times the summed weight of the preferences the
    shift breaks for the unit's agents (all agents of a pool have the same preferences,
    see :func:`~wfm.scheduling.instance.pooled_workforce`), times the agents on it. Not
    added when no allowed shift breaks a preference."""
    weights = instance.preference_weight
    if weights is None or weights.empty or settings.preference_cost <= 0:
        return
    first_agent = pd.DataFrame(
        {"unit": np.arange(len(workforce.units)), "agent": [unit.agents[0] for unit in workforce.units]}
    )
    per_unit = first_agent.merge(weights, on="agent")[["unit", "candidate", "weight"]]
    terms = shifts[["unit", "candidate", "var"]].merge(per_unit, on=["unit", "candidate"])
    if terms.empty:
        return
    coefs = terms["weight"].to_numpy(dtype=float) * settings.preference_cost
    model.preference_penalty = pyo.Expression(expr=_linear(coefs.tolist(), list(terms["var"])))


def add_cost_objective(
    model: pyo.ConcreteModel,
    instance: RotaInstance,
    settings: SchedulingSettings,
    workforce: Workforce,
    shifts: pd.DataFrame,
) -> None:
    """Minimise paid-hour cost plus under- and over-staffing penalties plus
    ``preference_penalty`` when the model has one [cost units]: ``cost``."""
    cost_per_hour = np.array([unit.contract.cost_per_paid_hour for unit in workforce.units])
    coefs = list(shifts["paid_hours"].to_numpy() * cost_per_hour[shifts["unit"].to_numpy()])
    variables = list(shifts["var"])
    hours = instance.interval_hours
    under = list(model.under.values())
    over = list(model.over.values())
    coefs += [settings.under_staffing_cost_per_agent_hour * hours] * len(under)
    coefs += [settings.over_staffing_cost_per_agent_hour * hours] * len(over)
    expression = _linear(coefs, variables + under + over)
    if model.component("preference_penalty") is not None:
        expression = expression + model.preference_penalty
    model.cost = pyo.Objective(expr=expression, sense=pyo.minimize)
