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
- contract paid hours :math:`m_u H^{min}_u \\le \\sum_{c \\in b} p_c x_{u,c} \\le m_u H^{max}_u`
  in each calendar week :math:`b` (7 days from the start date; :func:`add_contract_hours`)
  and days (:func:`add_contract_days`);
- minimum rest between shifts as clique inequalities, across week boundaries too
  (:func:`add_rest_between_shifts`);
- at most :math:`K` working days in a row and a run of :math:`L` days off in every week,
  with the horizon read as a repeating pattern: one integer :math:`z_{u,b,p}` per unit,
  week and allowed pattern of working days (:func:`add_consecutive_days_off`), plus rows
  for the windows of :math:`K + 1` days over a week boundary
  (:func:`add_max_consecutive_working_days`); in a pooled model the patterns also carry
  the paid minutes of each working day, so that each agent of a pool keeps the contract
  hours (:func:`paid_hours_pattern_plans`, linking rows ``day_pattern_paid_minutes``);
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
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd
import pyomo.environ as pyo
from pyomo.core.expr.numeric_expr import LinearExpression

from wfm.config import SchedulingSettings
from wfm.scheduling.instance import RotaInstance, Workforce, agent_workforce
from wfm.timegrid import parse_clock

logger = logging.getLogger(__name__)

_NS_PER_MINUTE = 60 * 10**9

#: Days in a calendar week of the horizon [days].
DAYS_PER_WEEK = 7


def _linear(coefs: Iterable[float], variables: Iterable) -> LinearExpression:
    """A pyomo linear expression built directly from coefficients and variables (fast)."""
    return LinearExpression(constant=0.0, linear_coefs=list(coefs), linear_vars=list(variables))


def build_rota_model(
    instance: RotaInstance,
    settings: SchedulingSettings,
    workforce: Workforce | None = None,
    extensions: Sequence[ModelExtension] = (),
    *,
    paid_hours_patterns: bool = True,
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
    extensions
        Further rules and costs from other modules, applied last (see
        :func:`add_extensions`): the weekly service-level mode
        (:class:`wfm.scheduling.service_target.WeeklyServiceLevel`) and the change penalty
        of re-optimisation (:class:`wfm.scheduling.reoptimise.ChangePenalty`).
    paid_hours_patterns
        For a pooled workforce, week patterns with the paid hours of each day
        (:func:`paid_hours_pattern_plans`, the tighter relaxation); ``False`` keeps plain day
        patterns. Ignored for the exact model.

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
    add_contract_hours(model, workforce, shifts, n_days=instance.grid.days)
    add_contract_days(model, workforce, shifts, n_days=instance.grid.days)
    add_rest_between_shifts(model, instance, workforce)
    add_max_consecutive_working_days(model, instance, workforce, shifts)
    add_consecutive_days_off(
        model, instance, workforce, shifts, paid_hours_patterns=paid_hours_patterns
    )
    add_group_shift_counts(model, workforce, shifts)
    add_break_placement(model, instance)
    add_coverage(model, instance)
    add_preference_penalty(model, instance, settings, workforce, shifts)
    add_fairness_penalty(model, instance, settings, workforce, shifts)
    add_cost_objective(model, instance, settings, workforce, shifts)
    add_extensions(model, instance, settings, workforce, shifts, extensions)
    return model


#: A further rule family from another module: called as ``extension(model, instance,
#: settings, workforce, shifts)`` once the model is built, it adds its components and
#: returns a cost expression [cost units] for the objective, or ``None``.
ModelExtension = Callable[
    [pyo.ConcreteModel, RotaInstance, SchedulingSettings, Workforce, pd.DataFrame], object
]


def add_extensions(
    model: pyo.ConcreteModel,
    instance: RotaInstance,
    settings: SchedulingSettings,
    workforce: Workforce,
    shifts: pd.DataFrame,
    extensions: Sequence[ModelExtension],
) -> None:
    """Apply ``extensions`` in order and add the costs they return to the objective ``cost``."""
    terms = [extension(model, instance, settings, workforce, shifts) for extension in extensions]
    terms = [term for term in terms if term is not None]
    if terms:
        model.cost.set_value(model.cost.expr + sum(terms))


# --- variables ---------------------------------------------------------------------------


def add_shift_variables(
    model: pyo.ConcreteModel, instance: RotaInstance, workforce: Workforce
) -> None:
    """Shift choice ``x[unit_id, candidate]`` (binary for a single agent, at most the unit
    size for a pool) and group counts ``n[group, candidate]``."""
    units = workforce.units
    pairs = workforce.eligible
    keys = [
        (units[u].unit_id, int(c)) for u, c in zip(pairs["unit"], pairs["candidate"], strict=True)
    ]
    sizes = {unit.unit_id: unit.size for unit in units}
    model.x = pyo.Var(
        keys,
        domain=pyo.Binary if not workforce.pooled else pyo.NonNegativeIntegers,
        bounds=lambda m, unit_id, c: (0, sizes[unit_id]),
    )
    group_pairs = (
        pd.DataFrame(
            {"group": [units[u].group for u in pairs["unit"]], "candidate": pairs["candidate"]}
        )
        .drop_duplicates()
        .sort_values(["group", "candidate"], ignore_index=True)
    )
    model.n = pyo.Var(
        [
            (int(g), int(c))
            for g, c in zip(group_pairs["group"], group_pairs["candidate"], strict=True)
        ],
        domain=pyo.NonNegativeReals,
    )


def unit_shift_table(
    model: pyo.ConcreteModel, instance: RotaInstance, workforce: Workforce
) -> pd.DataFrame:
    """Allowed (unit, candidate) pairs with the candidate's ``day`` and ``paid_hours`` and
    the pyomo variable ``var`` (``x[unit_id, candidate]``)."""
    frame = workforce.eligible.merge(
        instance.candidates[["candidate", "day", "paid_minutes"]], on="candidate", how="left"
    )
    unit_ids = [unit.unit_id for unit in workforce.units]
    frame["var"] = [
        model.x[unit_ids[u], int(c)] for u, c in zip(frame["unit"], frame["candidate"], strict=True)
    ]
    frame["paid_hours"] = frame["paid_minutes"] / 60.0
    return frame


# --- agent rules -------------------------------------------------------------------------


def add_one_shift_per_day(
    model: pyo.ConcreteModel, workforce: Workforce, shifts: pd.DataFrame
) -> None:
    """At most one shift per agent and local start date (at most the unit size for a
    pool): ``one_shift_per_day[unit_id, day]``."""
    rows = {}
    for (u, d), group in shifts.groupby(["unit", "day"], sort=True):
        unit = workforce.units[u]
        if len(group) > 1:
            rows[unit.unit_id, int(d)] = (list(group["var"]), unit.size)
    model.one_shift_per_day = pyo.Constraint(
        list(rows),
        rule=lambda m, unit_id, day: (
            _linear([1.0] * len(rows[unit_id, day][0]), rows[unit_id, day][0])
            <= rows[unit_id, day][1]
        ),
    )


def week_lengths(n_days: int) -> list[int]:
    """Days in each calendar week of a horizon of ``n_days`` days: each block of 7 days
    from the start date, the last one shorter when ``n_days`` is not a multiple of 7.

    >>> week_lengths(14), week_lengths(10)
    ([7, 7], [7, 3])
    """
    return [min(DAYS_PER_WEEK, n_days - start) for start in range(0, n_days, DAYS_PER_WEEK)]


def add_contract_hours(
    model: pyo.ConcreteModel,
    workforce: Workforce,
    shifts: pd.DataFrame,
    *,
    n_days: int | None = None,
) -> None:
    """Paid hours in each calendar week (7 days from the start date, see :func:`week_lengths`)
    within the contract's minimum and maximum (times the unit size):
    ``contract_hours[unit_id, week]``. A shorter last week of a horizon of ``n_days``
    days (default: whole weeks) gets only the maximum."""
    expressions = {}
    bounds = {}
    for (u, week), group in shifts.assign(week=shifts["day"] // DAYS_PER_WEEK).groupby(
        ["unit", "week"], sort=True
    ):
        unit = workforce.units[u]
        contract = unit.contract
        whole_week = _is_whole_week(n_days, int(week))
        most = float(
            group.groupby("day")["paid_hours"].max().nlargest(contract.max_days_per_week).sum()
        )
        lower = (
            contract.min_hours_per_week * unit.size
            if contract.min_hours_per_week > 0 and whole_week
            else None
        )
        upper = (
            contract.max_hours_per_week * unit.size
            if contract.max_hours_per_week < most - 1e-9
            else None
        )
        if lower is None and upper is None:
            continue
        key = (unit.unit_id, int(week))
        expressions[key] = _linear(group["paid_hours"], group["var"])
        bounds[key] = (lower, upper)
    model.contract_hours = pyo.Constraint(
        list(expressions),
        rule=lambda m, unit_id, week: (
            bounds[unit_id, week][0],
            expressions[unit_id, week],
            bounds[unit_id, week][1],
        ),
    )


def _is_whole_week(n_days: int | None, week: int) -> bool:
    """Whether calendar week ``week`` of a horizon of ``n_days`` days has all 7 days."""
    return n_days is None or (week + 1) * DAYS_PER_WEEK <= n_days


def add_contract_days(
    model: pyo.ConcreteModel,
    workforce: Workforce,
    shifts: pd.DataFrame,
    *,
    n_days: int | None = None,
) -> None:
    """Working days in each calendar week within the contract's minimum and maximum (times
    the unit size): ``contract_days[unit_id, week]``. A shorter last week gets only the
    maximum."""
    expressions = {}
    bounds = {}
    for (u, week), group in shifts.assign(week=shifts["day"] // DAYS_PER_WEEK).groupby(
        ["unit", "week"], sort=True
    ):
        unit = workforce.units[u]
        contract = unit.contract
        working_days_offered = group["day"].nunique()
        whole_week = _is_whole_week(n_days, int(week))
        lower = (
            contract.min_days_per_week * unit.size
            if contract.min_days_per_week > 0 and whole_week
            else None
        )
        upper = (
            contract.max_days_per_week * unit.size
            if contract.max_days_per_week < working_days_offered
            else None
        )
        if lower is None and upper is None:
            continue
        key = (unit.unit_id, int(week))
        expressions[key] = _linear([1.0] * len(group), group["var"])
        bounds[key] = (lower, upper)
    model.contract_days = pyo.Constraint(
        list(expressions),
        rule=lambda m, unit_id, week: (
            bounds[unit_id, week][0],
            expressions[unit_id, week],
            bounds[unit_id, week][1],
        ),
    )


def rest_cliques(
    candidates: pd.DataFrame, min_rest_minutes: float
) -> list[tuple[np.ndarray, np.ndarray]]:
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
                break  # later days start later still
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


def add_rest_between_shifts(
    model: pyo.ConcreteModel, instance: RotaInstance, workforce: Workforce
) -> None:
    """Minimum rest (``contract.min_rest_hours``) between the end of one shift and the
    start of the next, as clique inequalities (see :func:`rest_cliques`); a pool of
    :math:`m` agents may take at most :math:`m` shifts of a clique:
    ``rest_between_shifts[unit_id, k]``."""
    allowed_by_unit = {
        u: set(group["candidate"].tolist())
        for u, group in workforce.eligible.groupby("unit", sort=True)
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
        rule=lambda m, unit_id, k: (
            _linear(
                [1.0] * len(rows[unit_id, k][0]), [m.x[unit_id, c] for c in rows[unit_id, k][0]]
            )
            <= rows[unit_id, k][1]
        ),
    )
    logger.debug("%d rest inequalities", len(rows))


def working_days(shifts: pd.DataFrame) -> dict[int, dict[int, list]]:
    """The shift variables of each unit on each day of the horizon: ``{unit: {day: [x, ...]}}``.

    With at most one shift a day their sum is the agent's working indicator
    :math:`w_{u,d} \\in \\{0, 1\\}` (agents working that day, for a pool).
    """
    days: dict[int, dict[int, list]] = defaultdict(dict)
    for (u, d), group in shifts.groupby(["unit", "day"], sort=True):
        days[int(u)][int(d)] = list(group["var"])
    return days


def add_max_consecutive_working_days(
    model: pyo.ConcreteModel, instance: RotaInstance, workforce: Workforce, shifts: pd.DataFrame
) -> None:
    """At most ``contract.max_consecutive_working_days`` (:math:`K`) working days in a row:
    ``max_consecutive_working_days[unit_id, first_day]``.

    With :math:`w_{u,d}` the working indicator (:func:`working_days`), every window of
    :math:`K + 1` consecutive days holds a day off:
    :math:`\\sum_{i=0}^{K} w_{u,(d+i) \\bmod T} \\le K m_u` for each first day :math:`d` of a
    horizon of :math:`T` days. The horizon is read as a repeating pattern (the day after its
    last day is its first day), so a one-week rota also holds when it is worked week after
    week; when :math:`K \\ge T` the horizon is too short to show a run longer than :math:`K`
    and the rule adds nothing. Windows with at most :math:`K` days on which the unit may work
    are implied and left out, and so are the windows that lie inside the days of a week with
    day patterns (:func:`add_consecutive_days_off`), which keep the rule there exactly. The
    rows left are the windows over a week boundary that no pattern sees whole, so the rule
    holds across weeks.
    """
    n_days = instance.grid.days
    days_of = working_days(shifts)
    covered = {
        (u, first)
        for (u, _), plan in day_pattern_plans(instance, workforce, days_of).items()
        for first in plan.windows
    }
    rows: dict[tuple[str, int], tuple[list, int]] = {}
    for u, unit in enumerate(workforce.units):
        limit = unit.contract.max_consecutive_working_days
        mine = days_of.get(u, {})
        if limit >= n_days:
            continue  # the horizon is too short to show a longer run
        for first in range(n_days):
            window = [(first + i) % n_days for i in range(limit + 1)]
            if sum(1 for d in window if d in mine) <= limit or (u, first) in covered:
                continue
            rows[unit.unit_id, first] = (
                [x for d in window for x in mine.get(d, [])],
                limit * unit.size,
            )
    model.max_consecutive_working_days = pyo.Constraint(
        list(rows),
        rule=lambda m, unit_id, first: (
            _linear([1.0] * len(rows[unit_id, first][0]), rows[unit_id, first][0])
            <= rows[unit_id, first][1]
        ),
    )


@dataclass(frozen=True)
class DayPatternPlan:
    """The day patterns of one unit and calendar week (see :func:`day_pattern_plans`).

    Parameters
    ----------
    days
        The days of the horizon the patterns decide, in order: the week's own days, then the
        first :math:`L - 1` days after it (cyclically), which a run of days off starting late
        in the week reaches.
    patterns
        Boolean array (patterns, days): the working days of each allowed pattern.
    windows
        First days of the windows of :math:`K + 1` days of the most-days-in-a-row rule that
        lie inside ``days`` (the patterns keep them).
    paid_minutes
        For week patterns with paid hours (pooled models, :func:`paid_hours_pattern_plans`):
        integer array (patterns, days of the week) of the paid minutes of the shift worked on
        each of the week's own days (0 on a day off); ``None`` for plain day patterns.
    """

    days: tuple[int, ...]
    patterns: np.ndarray
    windows: tuple[int, ...]
    paid_minutes: np.ndarray | None = None


def day_pattern_plans(
    instance: RotaInstance, workforce: Workforce, days_of: dict[int, dict[int, list]]
) -> dict[tuple[int, int], DayPatternPlan]:
    """Day patterns of each (unit index, week) on which the consecutive-day rules bind.

    For unit :math:`u` with contract rules :math:`K` (most working days in a row) and
    :math:`L` (run of days off) and calendar week :math:`b`, the pattern days are the week's
    days and the :math:`L - 1` days after them, read cyclically over the horizon (the same
    reading as the rows: see :func:`add_max_consecutive_working_days`). A pattern is a set of
    working days among them that

    - works only on days on which the unit has an allowed shift;
    - works between ``min_days_per_week`` (whole weeks only) and ``max_days_per_week`` of
      the week's own days (:func:`add_contract_days`);
    - has a day off in every window of :math:`K + 1` consecutive days that lies inside the
      pattern days (when :math:`K < T`);
    - has a run of :math:`L` days off starting on one of the week's days (when
      :math:`0 < L \\le T`).

    A unit and week get no patterns (and keep the plain rows) when neither rule binds: no
    window inside the pattern days has more than :math:`K` days on which the unit may work
    (or the window is inside the week itself and ``max_days_per_week`` is at most :math:`K`),
    and some run of :math:`L` days is made only of days on which it may not work. On those
    weeks the remaining constraints (a cardinality bound on the working days) already have
    integral vertices, so patterns would not tighten the relaxation.
    """
    n_days = instance.grid.days
    plans: dict[tuple[int, int], DayPatternPlan] = {}
    for u, unit in enumerate(workforce.units):
        mine = days_of.get(u, {})
        contract = unit.contract
        limit = contract.max_consecutive_working_days
        length = contract.min_consecutive_days_off
        if not mine:
            continue
        runs_apply = 0 < length <= n_days
        windows_apply = limit < n_days
        if not runs_apply and not windows_apply:
            continue
        for week, week_days in enumerate(week_lengths(n_days)):
            first_day = week * DAYS_PER_WEEK
            own = [first_day + i for i in range(week_days)]
            extra = max(length - 1, 0) if runs_apply else 0
            days = list(dict.fromkeys((first_day + i) % n_days for i in range(week_days + extra)))
            slot = {d: i for i, d in enumerate(days)}
            blocked = tuple(d not in mine for d in days)
            runs: tuple[tuple[int, ...], ...] = ()
            runs_bind = False
            if runs_apply:
                runs = tuple(tuple(slot[(d + i) % n_days] for i in range(length)) for d in own)
                runs_bind = not any(all(blocked[s] for s in run) for run in runs)
            window_firsts: list[int] = []
            windows: list[tuple[int, ...]] = []
            windows_bind = False
            if windows_apply:
                own_set = set(own)
                for first in range(n_days):
                    window = [(first + i) % n_days for i in range(limit + 1)]
                    if not all(d in slot for d in window):
                        continue
                    window_firsts.append(first)
                    windows.append(tuple(slot[d] for d in window))
                    free = sum(1 for d in window if d in mine)
                    if free > limit and not (
                        all(d in own_set for d in window) and contract.max_days_per_week <= limit
                    ):
                        windows_bind = True
            if not runs_bind and not windows_bind:
                continue
            whole = _is_whole_week(n_days, week)
            patterns = enumerate_day_patterns(
                len(days),
                blocked=blocked,
                counted=tuple(range(week_days)),
                min_days=contract.min_days_per_week if whole else 0,
                max_days=contract.max_days_per_week,
                windows=tuple(windows),
                runs=runs,
            )
            plans[u, week] = DayPatternPlan(tuple(days), patterns, tuple(window_firsts))
    return plans


@lru_cache(maxsize=1024)
def enumerate_day_patterns(
    n_slots: int,
    *,
    blocked: tuple[bool, ...],
    counted: tuple[int, ...],
    min_days: int,
    max_days: int,
    windows: tuple[tuple[int, ...], ...],
    runs: tuple[tuple[int, ...], ...],
) -> np.ndarray:
    """Every set of working days among ``n_slots`` days that keeps the rules.

    Parameters
    ----------
    n_slots
        Days in the pattern (at most 7 + 6).
    blocked
        Per day, whether it must be off.
    counted
        The days counted for the minimum and maximum working days.
    min_days, max_days
        Bounds on the working days among ``counted``.
    windows
        Sets of days each of which must hold a day off.
    runs
        Sets of days of which at least one must be all off (none: no such rule).

    Returns
    -------
    numpy.ndarray
        Boolean array (patterns, n_slots), read-only, in increasing order of the bit masks.

    >>> enumerate_day_patterns(3, blocked=(False,) * 3, counted=(0, 1, 2), min_days=1, max_days=1,
    ...                        windows=(), runs=((0, 1),)).astype(int).tolist()
    [[0, 0, 1]]
    """
    masks = np.arange(2**n_slots, dtype=np.int64)
    work = ((masks[:, None] >> np.arange(n_slots)) & 1).astype(bool)
    keep = ~work[:, np.array(blocked, dtype=bool)].any(axis=1)
    count = work[:, list(counted)].sum(axis=1)
    keep &= (count >= min_days) & (count <= max_days)
    for window in windows:
        keep &= ~work[:, list(window)].all(axis=1)
    if runs:
        has_run = np.zeros(len(work), dtype=bool)
        for run in runs:
            has_run |= ~work[:, list(run)].any(axis=1)
        keep &= has_run
    patterns = work[keep]
    patterns.setflags(write=False)
    return patterns


#: Most week patterns with paid hours per unit and week in a pooled model; a unit-week with
#: more keeps its plain day patterns (the pooled model is then a weaker relaxation, see
#: :func:`paid_hours_pattern_plans`) [patterns].
MAX_PAID_HOURS_PATTERNS = 4000


def paid_hours_pattern_plans(
    instance: RotaInstance,
    workforce: Workforce,
    shifts: pd.DataFrame,
    plans: dict[tuple[int, int], DayPatternPlan],
) -> dict[tuple[int, int], DayPatternPlan]:
    """Week patterns that also fix the paid hours of each working day, for a pooled model.

    A pool of :math:`m` agents keeps its contract's hours only on average in the pooled
    model: :math:`m H^{min} \\le \\sum p_c x_{u,c}` lets one agent work 4 short shifts
    while another works 5 long ones. Such a pooled solution cannot always be shared out
    among the pool's agents (on the sample centre scaled to 200 agents no full-time pool
    could be). A *week pattern with paid hours* gives each of the week's working days the
    paid minutes of the shift worked that day; the patterns kept are those of the plain day
    patterns (the same days, runs and windows) whose weekly paid hours lie within the
    contract's minimum (whole weeks only) and maximum. With one pattern per agent the pooled
    hours then hold agent by agent, so an integer pooled solution gives each agent a week
    that keeps the contract (:func:`wfm.scheduling.pooled.share_out` hands them out), and
    the pooled LP bound is tighter, still a valid bound on every rota.

    Weeks on which no day rule binds (no plan in ``plans``) get week patterns too, from
    every set of the week's days within the contract's minimum and maximum days.

    Parameters
    ----------
    instance, workforce, shifts
        As for :func:`build_rota_model` (``shifts`` from :func:`unit_shift_table`).
    plans
        The plain day patterns (:func:`day_pattern_plans`).

    Returns
    -------
    dict
        ``plans`` with each (unit index, week) refined where it has at most
        :data:`MAX_PAID_HOURS_PATTERNS` patterns, and unchanged elsewhere.
    """
    n_days = instance.grid.days
    minutes_of: dict[int, dict[int, np.ndarray]] = defaultdict(dict)
    for (u, d), group in shifts.groupby(["unit", "day"], sort=True):
        minutes_of[int(u)][int(d)] = np.unique(group["paid_minutes"].to_numpy(dtype=np.int64))
    refined = dict(plans)
    for u, unit in enumerate(workforce.units):
        mine = minutes_of.get(u, {})
        if not mine:
            continue
        contract = unit.contract
        for week, week_days in enumerate(week_lengths(n_days)):
            own = [week * DAYS_PER_WEEK + i for i in range(week_days)]
            if not any(d in mine for d in own):
                continue
            whole = _is_whole_week(n_days, week)
            plan = plans.get((u, week))
            if plan is None:
                blocked = tuple(d not in mine for d in own)
                base = enumerate_day_patterns(
                    week_days,
                    blocked=blocked,
                    counted=tuple(range(week_days)),
                    min_days=contract.min_days_per_week if whole else 0,
                    max_days=contract.max_days_per_week,
                    windows=(),
                    runs=(),
                )
                plan = DayPatternPlan(tuple(own), base, ())
            lowest = contract.min_hours_per_week * 60.0 if whole else 0.0
            highest = contract.max_hours_per_week * 60.0
            patterns = _with_paid_minutes(plan, [mine.get(d) for d in own], lowest, highest)
            if patterns is not None:
                refined[u, week] = DayPatternPlan(plan.days, patterns[0], plan.windows, patterns[1])
    return refined


def _with_paid_minutes(
    plan: DayPatternPlan, minutes: list[np.ndarray | None], lowest: float, highest: float
) -> tuple[np.ndarray, np.ndarray] | None:
    """Every (day pattern, paid minutes of each working day of the week) of ``plan`` with
    weekly paid minutes in ``[lowest, highest]``, as (working days, paid minutes) arrays;
    ``None`` when there would be more than :data:`MAX_PAID_HOURS_PATTERNS`."""
    week_days = len(minutes)
    working_rows: list[np.ndarray] = []
    minutes_rows: list[np.ndarray] = []
    total = 0
    for pattern in plan.patterns:
        slots = [s for s in range(week_days) if pattern[s]]
        options = [minutes[s] for s in slots]
        if any(option is None or len(option) == 0 for option in options):
            continue
        size = int(np.prod([len(option) for option in options])) if options else 1
        total += size
        if total > 50 * MAX_PAID_HOURS_PATTERNS:
            return None
        grid = (
            np.array(np.meshgrid(*options, indexing="ij")).reshape(len(options), -1).T
            if options
            else np.zeros((1, 0), dtype=np.int64)
        )
        weekly = grid.sum(axis=1)
        grid = grid[(weekly >= lowest - 1e-9) & (weekly <= highest + 1e-9)]
        if len(grid) == 0:
            continue
        paid = np.zeros((len(grid), week_days), dtype=np.int64)
        paid[:, slots] = grid
        minutes_rows.append(paid)
        working_rows.append(np.repeat(pattern[None, :], len(grid), axis=0))
        if sum(len(rows) for rows in minutes_rows) > MAX_PAID_HOURS_PATTERNS:
            return None
    if not minutes_rows:
        return np.zeros((0, len(plan.days)), dtype=bool), np.zeros((0, week_days), dtype=np.int64)
    return np.concatenate(working_rows), np.concatenate(minutes_rows)


def add_consecutive_days_off(
    model: pyo.ConcreteModel,
    instance: RotaInstance,
    workforce: Workforce,
    shifts: pd.DataFrame,
    *,
    paid_hours_patterns: bool = True,
) -> None:
    """Each calendar week holds the start of a run of at least
    ``contract.min_consecutive_days_off`` (:math:`L`) days off in a row, and at most
    :math:`K` working days in a row, as a choice of day patterns.

    For each unit and week on which either rule binds, :func:`day_pattern_plans` lists the
    sets of working days :math:`p` that keep both rules, the minimum and maximum working
    days and the days the unit may work. Integer :math:`z_{u,b,p} \\in \\{0, .., m_u\\}`
    (binary for one agent) counts the unit's agents that work pattern :math:`p` in week
    :math:`b`:

    .. math::

        \\sum_p z_{u,b,p} = m_u \\quad (\\text{day_pattern_choice}), \\qquad
        w_{u,d} = \\sum_{p \\ni d} z_{u,b,p} \\quad (\\text{day_pattern_days}),

    the second for each day :math:`d` of the pattern with an allowed shift. A run of days
    off may continue into the next week (from the last week into the first, the horizon
    being read as a repeating pattern), so a week's patterns also decide the first
    :math:`L - 1` days after it. This is the standard rule ("two consecutive days off every
    week"), not a conditional one: with :math:`L` = 2 a contract's working days a week are
    at most 5. The patterns describe exactly the working days the rules allow, so the LP
    relaxation of one unit and week is the convex hull of its allowed working-day sets
    (with rows on :math:`w` alone, a window rule such as "at most 3 days in a row" lets the
    relaxation work 3/4 of every day; see ``docs/scheduling.md`` for what this changes on
    the sample). For a pool the :math:`m_u` agents each choose a pattern, so the pooled
    model stays a relaxation, and its LP bound equals that of the exact model. A week with a run made only of days on which the
    unit may not work, and no window of more than :math:`K` such days, gets no pattern.
    """
    days_of = working_days(shifts)
    plans = day_pattern_plans(instance, workforce, days_of)
    by_minutes: dict[tuple[int, int], dict[int, list]] = defaultdict(dict)
    if workforce.pooled and paid_hours_patterns:
        plans = paid_hours_pattern_plans(instance, workforce, shifts, plans)
        for (u, d, k), group in shifts.groupby(["unit", "day", "paid_minutes"], sort=True):
            by_minutes[int(u), int(d)][int(k)] = list(group["var"])
    keys: list[tuple[str, int, int]] = []
    choices: dict[tuple[str, int], tuple[list[tuple[str, int, int]], int]] = {}
    links: dict[tuple[str, int, int], tuple[list, list[tuple[str, int, int]]]] = {}
    paid_links: dict[tuple[str, int, int, int], tuple[list, list[tuple[str, int, int]]]] = {}
    for (u, week), plan in plans.items():
        unit = workforce.units[u]
        mine = days_of[u]
        pattern_keys = [(unit.unit_id, week, p) for p in range(len(plan.patterns))]
        keys.extend(pattern_keys)
        choices[unit.unit_id, week] = (pattern_keys, unit.size)
        for slot, day in enumerate(plan.days):
            if day not in mine:
                continue
            if plan.paid_minutes is not None and slot < plan.paid_minutes.shape[1]:
                for minutes, working_vars in by_minutes[u, day].items():
                    working = np.flatnonzero(plan.paid_minutes[:, slot] == minutes)
                    paid_links[unit.unit_id, week, day, minutes] = (
                        working_vars,
                        [pattern_keys[p] for p in working],
                    )
                continue
            working = np.flatnonzero(plan.patterns[:, slot])
            links[unit.unit_id, week, day] = (mine[day], [pattern_keys[p] for p in working])
    sizes = {unit.unit_id: unit.size for unit in workforce.units}
    # The plans, by (unit_id, week), for reading a pooled solution back agent by agent
    # (wfm.scheduling.pooled.share_out).
    model.day_pattern_plans = {
        (workforce.units[u].unit_id, week): plan for (u, week), plan in plans.items()
    }
    model.day_pattern = pyo.Var(
        keys,
        domain=pyo.Binary if not workforce.pooled else pyo.NonNegativeIntegers,
        bounds=lambda m, unit_id, week, p: (0, sizes[unit_id]),
    )
    model.day_pattern_choice = pyo.Constraint(
        list(choices),
        rule=lambda m, unit_id, week: (
            _linear(
                [1.0] * len(choices[unit_id, week][0]),
                [m.day_pattern[k] for k in choices[unit_id, week][0]],
            )
            == choices[unit_id, week][1]
        ),
    )

    def linking(rows):
        """Rule: the shifts worked (on a day, of a paid length) equal the patterns working them."""

        def rule(m, *key):
            working, patterns = rows[key]
            variables = list(working) + [m.day_pattern[k] for k in patterns]
            return _linear([1.0] * len(working) + [-1.0] * len(patterns), variables) == 0

        return rule

    model.day_pattern_days = pyo.Constraint(list(links), rule=linking(links))
    if paid_links:
        model.day_pattern_paid_minutes = pyo.Constraint(list(paid_links), rule=linking(paid_links))
    logger.debug("%d day patterns for %d unit-weeks", len(keys), len(choices))


# --- group rules -------------------------------------------------------------------------


def add_group_shift_counts(
    model: pyo.ConcreteModel, workforce: Workforce, shifts: pd.DataFrame
) -> None:
    """Agents of each skill group on each shift: ``group_shift_counts[group, candidate]``."""
    group_of_unit = np.array([unit.group for unit in workforce.units], dtype=np.int64)
    frame = shifts.assign(group=group_of_unit[shifts["unit"].to_numpy()])
    members = {
        (int(g), int(c)): list(group["var"])
        for (g, c), group in frame.groupby(["group", "candidate"])
    }
    model.group_shift_counts = pyo.Constraint(
        list(model.n.index_set()),
        rule=lambda m, g, c: (
            _linear([1.0] * len(members[g, c]) + [-1.0], members[g, c] + [m.n[g, c]]) == 0
        ),
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
    on_shift = pd.DataFrame(
        {"row": rows, "t": interval, "group": n_frame["group"].to_numpy()[rows]}
    )
    on_shift = on_shift[on_shift["t"] < n_horizon]

    y_keys = list(model.y.index_set())
    y_frame = pd.DataFrame(y_keys, columns=["group", "chain", "t"])
    duration = instance.windows.groupby("chain")["n_intervals"].first()
    count = duration.reindex(y_frame["chain"]).to_numpy(dtype=np.int64)
    rows_b, interval_b = _covered_intervals(y_frame["t"].to_numpy(dtype=np.int64), count)
    on_break = pd.DataFrame(
        {"row": rows_b, "t": interval_b, "group": y_frame["group"].to_numpy()[rows_b]}
    )
    on_break = on_break[on_break["t"] < n_horizon]

    n_vars = [model.n[key] for key in n_keys]
    y_vars = [model.y[key] for key in y_keys]
    shift_terms = {key: group["row"].tolist() for key, group in on_shift.groupby(["t", "group"])}
    break_terms = {key: group["row"].tolist() for key, group in on_break.groupby(["t", "group"])}
    working_keys = sorted((int(t), int(g)) for t, g in shift_terms)

    model.z = pyo.Var(
        [(t, g, q) for t, g in working_keys for q in instance.groups[g]],
        domain=pyo.NonNegativeReals,
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
        [(t, q) for t, q in balance_keys if required[t, queue_index[q]] > 0],
        domain=pyo.NonNegativeReals,
    )
    model.over = pyo.Var(
        [key for key in balance_keys if key in allocated_by_queue], domain=pyo.NonNegativeReals
    )

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
        {
            "unit": np.arange(len(workforce.units)),
            "agent": [unit.agents[0] for unit in workforce.units],
        }
    )
    per_unit = first_agent.merge(weights, on="agent")[["unit", "candidate", "weight"]]
    terms = shifts[["unit", "candidate", "var"]].merge(per_unit, on=["unit", "candidate"])
    if terms.empty:
        return
    coefs = terms["weight"].to_numpy(dtype=float) * settings.preference_cost
    model.preference_penalty = pyo.Expression(expr=_linear(coefs.tolist(), list(terms["var"])))


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


def add_fairness_penalty(
    model: pyo.ConcreteModel,
    instance: RotaInstance,
    settings: SchedulingSettings,
    workforce: Workforce,
    shifts: pd.DataFrame,
) -> None:
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
    if settings.fairness_cost <= 0 or shifts.empty:
        return
    kinds = shifts[["unit", "candidate", "var"]].merge(
        late_and_weekend_shifts(instance.candidates, settings.late_shift_end), on="candidate"
    )
    terms = []
    for kind in ("weekend", "late"):
        chosen = kinds[kinds[kind]]
        if chosen.empty:
            continue
        largest = pyo.Var(domain=pyo.NonNegativeReals)
        model.add_component(f"most_{kind}_shifts", largest)
        rows = {
            workforce.units[u].unit_id: (list(group["var"]), workforce.units[u].size)
            for u, group in chosen.groupby("unit", sort=True)
        }
        model.add_component(
            f"fairness_{kind}",
            pyo.Constraint(
                list(rows),
                rule=lambda m, unit_id, rows=rows, largest=largest: (
                    _linear(
                        [1.0] * len(rows[unit_id][0]) + [-float(rows[unit_id][1])],
                        rows[unit_id][0] + [largest],
                    )
                    <= 0
                ),
            ),
        )
        terms.append(largest)
    if terms:
        model.fairness_penalty = pyo.Expression(
            expr=_linear([settings.fairness_cost] * len(terms), terms)
        )


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
    if model.component("fairness_penalty") is not None:
        expression = expression + model.fairness_penalty
    model.cost = pyo.Objective(expr=expression, sense=pyo.minimize)
