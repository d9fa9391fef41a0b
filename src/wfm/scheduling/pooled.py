"""From the pooled model to a rota: rounding the relaxation and sharing out the pools.

The pooled model (:func:`~wfm.scheduling.instance.pooled_workforce`) decides, for each pool
of interchangeable agents, how many of them work each shift and each week pattern (the
working days and the paid minutes of each day, :func:`~wfm.scheduling.model.paid_hours_pattern_plans`).
It is small (its size does not grow with the number of agents) and free of the symmetry
between agents that makes the exact model slow, so HiGHS finds good integer solutions of
it quickly, and an integer pooled solution gives a rota of the same cost once its counts are
shared out among the pool's agents:

1. :func:`rounding_bounds` narrows the pooled integer variables to the integers next to
   their LP values (the relaxation-induced neighbourhood of RENS, Berthold 2014), where
   HiGHS finds an integer solution within seconds;
2. :func:`share_out` gives each agent of a pool one of the pool's week patterns (week by
   week, agreeing on the days a pattern decides beyond its week) and then, day by day, one
   of the shifts the pool works with the paid minutes its pattern gives that day, pairing
   the latest shifts with the agents who finished latest the day before so that the
   minimum rest holds (for one day and threshold conflicts, pairing in that order meets
   the rest whenever any pairing does).

The patterns keep each agent's working days, days off, runs and paid hours; the shift counts
of every pool, hence the coverage, the breaks and the cost, are those of the pooled
solution. :func:`share_out` returns ``None`` when it cannot pair the counts (a pool with
plain day patterns, or a rest conflict the pairing cannot avoid); :func:`share_out_pools`
says which pools failed, so that the search repairs only those: a small exact model in
which the placed pools keep their shifts and the agents of the failed pools may take any
shift their contract and skill group use (:mod:`wfm.scheduling.search`). The exact model
always checks a shared-out rota against every rule before it is used.

References
----------
.. [1] Berthold, T. (2014). "RENS: the optimal rounding". Mathematical Programming
   Computation 6(1), 33-54.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyomo.environ as pyo

from wfm.scheduling.instance import RotaInstance, Workforce
from wfm.scheduling.model import DAYS_PER_WEEK, DayPatternPlan, week_lengths
from wfm.scheduling.rules.max_consecutive_working_days import breaks_run, limit_of

#: Tolerance for reading integers from a solution [count].
INTEGER_TOLERANCE = 1e-6


@contextmanager
def rounding_bounds(variables: Iterable[pyo.Var]) -> Iterator[int]:
    """Bound each variable to the integers next to its current (LP) value, and restore the
    bounds on exit. Yields the number of variables narrowed.

    A variable at an integer value is fixed there; one at a fractional value :math:`v` may
    take :math:`\\lfloor v \\rfloor` or :math:`\\lceil v \\rceil`.
    """
    saved: list[tuple[pyo.Var, object, object]] = []
    try:
        for component in variables:
            for variable in component.values():
                value = variable.value or 0.0
                lower, upper = variable.lb, variable.ub
                saved.append((variable, lower, upper))
                low = math.floor(value + INTEGER_TOLERANCE)
                high = math.ceil(value - INTEGER_TOLERANCE)
                variable.setlb(low if lower is None else max(low, lower))
                variable.setub(high if upper is None else min(high, upper))
        yield len(saved)
    finally:
        for variable, lower, upper in saved:
            variable.setlb(lower)
            variable.setub(upper)


@contextmanager
def kept_values(model: pyo.ConcreteModel) -> Iterator[None]:
    """Restore the values of every variable of ``model`` on exit (e.g. the LP solution,
    after a MIP on the same model has loaded its own)."""
    variables = list(model.component_data_objects(pyo.Var, descend_into=True))
    values = [variable.value for variable in variables]
    try:
        yield
    finally:
        for variable, value in zip(variables, values, strict=True):
            variable.set_value(value, skip_validation=True)


def _count(value: float | None) -> int:
    return int(round(value or 0.0))


@dataclass(frozen=True)
class ShareOut:
    """The outcome of :func:`share_out_pools`.

    Parameters
    ----------
    pairs
        (agent, candidate) pairs (columns ``agent`` and ``candidate``, indices) of the pools
        whose counts were shared out, one shift per agent and working day.
    unplaced
        Ids of the pools whose counts could not be shared out among their agents, with the
        reason for each (``{unit_id: reason}``).
    """

    pairs: pd.DataFrame
    unplaced: dict[str, str]

    def unplaced_agents(self, workforce: Workforce) -> list[int]:
        """Agent indices of the unplaced pools."""
        return sorted(
            a for unit in workforce.units if unit.unit_id in self.unplaced for a in unit.agents
        )


def share_out(
    model: pyo.ConcreteModel, workforce: Workforce, instance: RotaInstance
) -> pd.DataFrame | None:
    """Give the integer shift and pattern counts of a pooled solution to the pools' agents.

    Parameters
    ----------
    model
        A pooled model (:func:`~wfm.scheduling.model.build_rota_model` with ``workforce``)
        holding an integer solution.
    workforce
        Its pooled workforce.
    instance
        The instance.

    Returns
    -------
    pandas.DataFrame or None
        (agent, candidate) pairs (columns ``agent`` and ``candidate``, indices), one shift per
        agent and working day; ``None`` when the counts of some pool cannot be shared out this
        way (:func:`share_out_pools` says which).
    """
    outcome = share_out_pools(model, workforce, instance)
    return None if outcome.unplaced else outcome.pairs


def share_out_pools(
    model: pyo.ConcreteModel, workforce: Workforce, instance: RotaInstance
) -> ShareOut:
    """:func:`share_out` pool by pool: the pairs of every pool whose counts can be shared out,
    and the pools whose counts cannot (for the repair model of
    :func:`wfm.scheduling.search.solve_rota`)."""
    candidates = instance.candidates.set_index("candidate")
    day_of = candidates["day"].astype("int64").to_dict()
    minutes_of = candidates["paid_minutes"].astype("int64").to_dict()
    start_ns = dict(
        zip(candidates.index, pd.DatetimeIndex(candidates["start"]).as_unit("ns").asi8, strict=True)
    )
    end_ns = dict(
        zip(candidates.index, pd.DatetimeIndex(candidates["end"]).as_unit("ns").asi8, strict=True)
    )
    plans: dict[tuple[str, int], DayPatternPlan] = getattr(model, "day_pattern_plans", {})
    counts: dict[str, dict[int, int]] = {}
    for (unit_id, candidate), variable in model.x.items():
        count = _count(variable.value)
        if count > 0:
            counts.setdefault(unit_id, {})[int(candidate)] = count
    n_days = int(instance.grid.days)
    pairs: list[tuple[int, int]] = []
    unplaced: dict[str, str] = {}
    for unit in workforce.units:
        mine = counts.get(unit.unit_id, {})
        if not mine:
            continue
        if unit.size == 1:
            # A pool of one agent is that agent's own (exact) part of the model.
            pairs.extend((unit.agents[0], candidate) for candidate in mine)
            continue
        weeks = _assign_week_patterns(
            model, unit.unit_id, unit.agents, plans, n_days, unit.contract
        )
        if weeks is None:
            unplaced[unit.unit_id] = "its week patterns could not be given out consistently"
            continue
        shifts = _assign_shifts(
            unit.agents, weeks, mine, day_of, minutes_of, start_ns, end_ns, n_days, unit.contract
        )
        if shifts is None:
            unplaced[unit.unit_id] = (
                f"its shifts could not be paired with its agents with {unit.contract.min_rest_hours:g} "
                "hours' rest between shifts"
            )
            continue
        pairs.extend(shifts)
    frame = pd.DataFrame(pairs, columns=["agent", "candidate"], dtype="int64").sort_values(
        ["agent", "candidate"], ignore_index=True
    )
    return ShareOut(frame, unplaced)


def _assign_week_patterns(
    model: pyo.ConcreteModel,
    unit_id: str,
    agents: tuple[int, ...],
    plans: dict[tuple[str, int], DayPatternPlan],
    n_days: int,
    contract,
) -> dict[int, dict[int, int]] | None:
    """Each agent's paid minutes on each working day of the horizon (``{agent: {day:
    minutes}}``), from the pool's pattern counts week by week; ``None`` when a week has no
    patterns with paid minutes or the patterns cannot be given out consistently."""
    decided: dict[int, dict[int, bool]] = {a: {} for a in agents}  # agent -> day -> working
    paid: dict[int, dict[int, int]] = {a: {} for a in agents}
    limit = limit_of(contract)
    for week, week_days in enumerate(week_lengths(n_days)):
        plan = plans.get((unit_id, week))
        if plan is None or plan.paid_minutes is None:
            return None
        expanded: list[int] = []
        for p in range(len(plan.patterns)):
            expanded.extend([p] * _count(model.day_pattern[unit_id, week, p].value))
        if len(expanded) != len(agents):
            return None
        remaining = list(expanded)
        # Agents with the most days already decided by earlier weeks choose first.
        order = sorted(agents, key=lambda a: -sum(1 for d in plan.days if d in decided[a]))
        for agent in order:
            choice = next(
                (
                    i
                    for i, p in enumerate(remaining)
                    if _compatible(decided[agent], plan.days, plan.patterns[p], limit, n_days)
                ),
                None,
            )
            if choice is None:
                return None
            p = remaining.pop(choice)
            for slot, day in enumerate(plan.days):
                decided[agent][day] = bool(plan.patterns[p, slot])
            for slot in range(week_days):
                if plan.paid_minutes[p, slot] > 0:
                    paid[agent][week * DAYS_PER_WEEK + slot] = int(plan.paid_minutes[p, slot])
    return paid


def _compatible(
    decided: dict[int, bool], days: tuple[int, ...], pattern: np.ndarray, limit: int, n_days: int
) -> bool:
    """Whether ``pattern`` on ``days`` agrees with the days already ``decided`` and, with
    them, has no run of more than ``limit`` working days (read cyclically)."""
    merged = dict(decided)
    for slot, day in enumerate(days):
        working = bool(pattern[slot])
        if merged.get(day, working) != working:
            return False
        merged[day] = working
    return not breaks_run({day for day, working in merged.items() if working}, n_days, limit)


def _assign_shifts(
    agents: tuple[int, ...],
    paid: dict[int, dict[int, int]],
    counts: dict[int, int],
    day_of: dict[int, int],
    minutes_of: dict[int, int],
    start_ns: dict[int, int],
    end_ns: dict[int, int],
    n_days: int,
    contract,
) -> list[tuple[int, int]] | None:
    """Pair the pool's shifts with its agents day by day (see the module docstring)."""
    rest_ns = int(round(contract.min_rest_hours * 3600 * 1e9))
    by_day_minutes: dict[tuple[int, int], list[int]] = {}
    for candidate, count in counts.items():
        by_day_minutes.setdefault((day_of[candidate], minutes_of[candidate]), []).extend(
            [candidate] * count
        )
    last_end: dict[int, int] = {}
    pairs: list[tuple[int, int]] = []
    for day in range(n_days):
        working: dict[int, list[int]] = {}
        for agent in agents:
            minutes = paid[agent].get(day)
            if minutes is not None:
                working.setdefault(minutes, []).append(agent)
        for minutes, members in working.items():
            shifts = by_day_minutes.pop((day, minutes), [])
            if len(shifts) != len(members):
                return None
            # Latest starts to the agents who may start latest; among equals, to those off
            # tomorrow (a late shift today pushes tomorrow's start later).
            shifts.sort(key=lambda c: (start_ns[c], end_ns[c]), reverse=True)
            members.sort(
                key=lambda a: (last_end.get(a, -(2**62)), (day + 1) not in paid[a]),
                reverse=True,
            )
            for agent, candidate in zip(members, shifts, strict=True):
                if agent in last_end and start_ns[candidate] - last_end[agent] < rest_ns:
                    return None
                pairs.append((agent, candidate))
                last_end[agent] = end_ns[candidate]
    if any(by_day_minutes.values()):
        return None  # shifts counted on days no pattern works
    return pairs
