"""From the pooled model to a rota: rounding the relaxation and sharing out the pools.

The pooled model (:func:`~wfm.scheduling.workforce.pooled_workforce`) decides, for each pool
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
   week, by a maximum matching of agents to the pattern counts so that the days a pattern
   decides beyond its week agree) and then, day by day, one of the shifts the pool works
   with the paid minutes its pattern gives that day, pairing the latest shifts with the
   agents who finished latest the day before so that the minimum rest holds (for one day
   and threshold conflicts, pairing in that order meets the rest whenever any pairing
   does). Each agent's last finish and last shift are carried from day to day as state;
   an agent whom no counted shift fits (rest, or a forbidden shift sequence) is moved to
   the earliest allowed shift of the same day and paid minutes that fits.

The patterns keep each agent's working days, days off, runs and paid hours; the shift counts
of every pool, hence the coverage, the breaks and the cost, are those of the pooled
solution, except for the moved agent-days. :func:`share_out` returns ``None`` when it
cannot give every agent its days (a pool with plain day patterns, or an agent no pattern or
shift fits); :func:`share_out_pools` says which pools and agents failed, so that the search
repairs only those: a small exact model in which everyone else keeps their shifts and the
failed agents may take any shift their contract and skill group use
(:mod:`wfm.scheduling.search`). The exact model
always checks a shared-out rota against every rule before it is used.

References
----------
.. [1] Berthold, T. (2014). "RENS: the optimal rounding". Mathematical Programming
   Computation 6(1), 33-54.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from wfm.scheduling.instance import RotaInstance
from wfm.scheduling.linear_model import LinearModel, VarBlock
from wfm.scheduling.model import DayPatternPlan, week_lengths
from wfm.scheduling.rules.max_consecutive_working_days import breaks_run, limit_of
from wfm.scheduling.workforce import Workforce
from wfm.timegrid import DAYS_PER_WEEK

if TYPE_CHECKING:  # pragma: no cover
    import pyomo.environ as pyo

#: Tolerance for reading integers from a solution [count].
INTEGER_TOLERANCE = 1e-6


@contextmanager
def rounding_bounds(variables: Iterable[pyo.Var | VarBlock]) -> Iterator[int]:
    """Bound each variable to the integers next to its current (LP) value, and restore the
    bounds on exit. Yields the number of variables narrowed.

    A variable at an integer value is fixed there; one at a fractional value :math:`v` may
    take :math:`\\lfloor v \\rfloor` or :math:`\\lceil v \\rceil`. The variables are
    pyomo variable components or blocks of an array model (narrowed as arrays; the model's
    HiGHS object gets the new bounds on its next solve).
    """
    saved: list[tuple[pyo.Var, object, object]] = []
    saved_blocks: list[tuple[VarBlock, np.ndarray, np.ndarray]] = []
    try:
        for component in variables:
            if isinstance(component, VarBlock):
                model, columns = component.model, component.columns
                lower, upper = model.col_lower[columns].copy(), model.col_upper[columns].copy()
                saved_blocks.append((component, lower, upper))
                value = component.solution()
                model.col_lower[columns] = np.maximum(np.floor(value + INTEGER_TOLERANCE), lower)
                model.col_upper[columns] = np.minimum(np.ceil(value - INTEGER_TOLERANCE), upper)
                continue
            for variable in component.values():
                value = variable.value or 0.0
                lower, upper = variable.lb, variable.ub
                saved.append((variable, lower, upper))
                low = math.floor(value + INTEGER_TOLERANCE)
                high = math.ceil(value - INTEGER_TOLERANCE)
                variable.setlb(low if lower is None else max(low, lower))
                variable.setub(high if upper is None else min(high, upper))
        yield len(saved) + sum(len(block) for block, _, _ in saved_blocks)
    finally:
        for variable, lower, upper in saved:
            variable.setlb(lower)
            variable.setub(upper)
        for block, lower, upper in saved_blocks:
            block.model.col_lower[block.columns] = lower
            block.model.col_upper[block.columns] = upper


@contextmanager
def kept_values(model: pyo.ConcreteModel | LinearModel) -> Iterator[None]:
    """Restore the values of every variable of ``model`` on exit (e.g. the LP solution,
    after a MIP on the same model has loaded its own)."""
    if isinstance(model, LinearModel):
        values = model.values.copy()
        try:
            yield
        finally:
            model.values[:] = values
        return
    import pyomo.environ as pyo  # a pyomo model: pyomo is loaded already

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
    clashing
        Agents of shared-out pools who could take no shift on one of their pattern's working
        days without breaking the rest or a forbidden sequence (that day is left empty).
    moved
        Agent-days that took an allowed shift of the same day and paid minutes instead of
        one of the pool's counted shifts, to keep the rest or a forbidden sequence.
    moved_agents
        The agents of those agent-days.
    """

    pairs: pd.DataFrame
    unplaced: dict[str, str]
    clashing: tuple[int, ...] = ()
    moved: int = 0
    moved_agents: tuple[int, ...] = ()

    def unplaced_agents(self, workforce: Workforce) -> list[int]:
        """Agent indices of the unplaced pools and the clashing agents."""
        return sorted(
            {a for unit in workforce.units if unit.unit_id in self.unplaced for a in unit.agents}
            | set(self.clashing)
        )

    @property
    def complete(self) -> bool:
        """Whether every pool's counts went to its agents (some perhaps moved)."""
        return not self.unplaced and not self.clashing


def share_out(
    model: LinearModel, workforce: Workforce, instance: RotaInstance
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
    return outcome.pairs if outcome.complete else None


def share_out_pools(model: LinearModel, workforce: Workforce, instance: RotaInstance) -> ShareOut:
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
    allowed = _allowed_by_day_and_minutes(instance, day_of, minutes_of)
    forbidden_of = _forbidden_pairs(instance, day_of)
    pairs: list[tuple[int, int]] = []
    unplaced: dict[str, str] = {}
    clashing: list[int] = []
    moved_agents: list[int] = []
    for unit in workforce.units:
        mine = counts.get(unit.unit_id, {})
        if not mine:
            continue
        if unit.size == 1:
            # A pool of one agent is that agent's own (exact) part of the model.
            pairs.extend((unit.agents[0], candidate) for candidate in mine)
            continue
        weeks = _assign_week_patterns(
            model,
            unit.unit_id,
            unit.agents,
            plans,
            n_days,
            unit.contract,
            clashing,
            cyclic=instance.cyclic_days,
        )
        if weeks is None:
            unplaced[unit.unit_id] = "its week patterns could not be given out consistently"
            continue
        shifts = _assign_shifts(
            unit.agents,
            weeks,
            mine,
            day_of,
            minutes_of,
            start_ns,
            end_ns,
            n_days,
            unit.contract,
            allowed=allowed,
            forbidden=forbidden_of(unit.contract),
            clashing=clashing,
            moved=moved_agents,
        )
        if shifts is None:
            unplaced[unit.unit_id] = (
                f"its shifts could not be paired with its agents with {unit.contract.min_rest_hours:g} "
                "hours' rest between shifts"
            )
            continue
        shifts = repeat_rotation(shifts, unit.contract, instance)
        if shifts is None:
            unplaced[unit.unit_id] = "its rotation's repeated shifts could not be found"
            continue
        pairs.extend(shifts)
    frame = pd.DataFrame(pairs, columns=["agent", "candidate"], dtype="int64").sort_values(
        ["agent", "candidate"], ignore_index=True
    )
    return ShareOut(
        frame,
        unplaced,
        tuple(sorted(set(clashing))),
        len(moved_agents),
        tuple(sorted(set(moved_agents))),
    )


def repeat_rotation(
    shifts: list[tuple[int, int]], contract, instance: RotaInstance
) -> list[tuple[int, int]] | None:
    """The share-out of a pool whose contract repeats every N weeks
    (:mod:`wfm.scheduling.rules.rotation`): each agent keeps its shifts of the first
    :math:`7N` days and works them again every :math:`7N` days. The pooled rows make each
    shift's count equal to its twin's, so the counts, coverage and cost are unchanged;
    ``None`` when a twin shift is missing. Other contracts' shifts are returned as they are."""
    from wfm.scheduling.rules.rotation import period_of

    period = period_of(contract)
    n_days = int(instance.grid.days)
    if period is None or period >= n_days:
        return shifts
    keys = instance.candidates[["candidate", "day", "start_minute", "length_minutes"]]
    shift_of = {int(c): (int(d), int(m), int(n)) for c, d, m, n in keys.itertuples(index=False)}
    candidate_of = {key: c for c, key in shift_of.items()}
    out = []
    for agent, candidate in shifts:
        day, start, length = shift_of[candidate]
        if day >= period:
            continue
        for later in range(day, n_days, period):
            twin = candidate_of.get((later, start, length))
            if twin is None:
                return None
            out.append((agent, twin))
    return out


def _allowed_by_day_and_minutes(
    instance: RotaInstance, day_of: dict[int, int], minutes_of: dict[int, int]
) -> dict[int, dict[tuple[int, int], list[int]]]:
    """Each agent's allowed candidates by (day, paid minutes): the shifts a share-out may
    move an agent to when the pool's own would break its rest."""
    out: dict[int, dict[tuple[int, int], list[int]]] = {}
    agent = instance.eligible["agent"].to_numpy(dtype=np.int64)
    candidate = instance.eligible["candidate"].to_numpy(dtype=np.int64)
    if len(agent) == 0:
        return out
    day = np.fromiter((day_of[c] for c in candidate.tolist()), dtype=np.int64, count=len(agent))
    minutes = np.fromiter(
        (minutes_of[c] for c in candidate.tolist()), dtype=np.int64, count=len(agent)
    )
    order = np.lexsort((minutes, day, agent))  # stable: a key's candidates keep their order
    agent, day, minutes, candidate = agent[order], day[order], minutes[order], candidate[order]
    cuts = np.flatnonzero((np.diff(agent) != 0) | (np.diff(day) != 0) | (np.diff(minutes) != 0))
    firsts = np.concatenate([[0], cuts + 1])
    for a, d, m, chunk in zip(
        agent[firsts].tolist(),
        day[firsts].tolist(),
        minutes[firsts].tolist(),
        np.split(candidate, cuts + 1),
        strict=True,
    ):
        out.setdefault(a, {})[d, m] = chunk.tolist()
    return out


def _forbidden_pairs(instance: RotaInstance, day_of: dict[int, int]):
    """A function of a contract giving the (candidate, next day's candidate) pairs its
    ``forbidden_shift_sequences`` rule out (``None`` when it has none)."""
    from wfm.scheduling.rules.shift_types import candidate_types, start_windows

    cache: dict[tuple, set[tuple[int, int]] | None] = {}
    types: dict[str, set[int]] | None = None

    def of(contract) -> set[tuple[int, int]] | None:
        nonlocal types
        key = tuple(contract.forbidden_shift_sequences)
        if not key:
            return None
        if key not in cache:
            if types is None:
                types = candidate_types(instance.candidates, start_windows(instance.shift_types))
            pairs: set[tuple[int, int]] = set()
            for first, second in key:
                later_by_day: dict[int, list[int]] = {}
                for c in types.get(second, ()):
                    later_by_day.setdefault(day_of[c], []).append(c)
                for c in types.get(first, ()):
                    pairs.update((c, later) for later in later_by_day.get(day_of[c] + 1, ()))
            cache[key] = pairs
        return cache[key]

    return of


def _assign_week_patterns(
    model: LinearModel,
    unit_id: str,
    agents: tuple[int, ...],
    plans: dict[tuple[str, int], DayPatternPlan],
    n_days: int,
    contract,
    clashing: list[int] | None = None,
    *,
    cyclic: bool = True,
) -> dict[int, dict[int, int]] | None:
    """Each agent's paid minutes on each working day of the horizon (``{agent: {day:
    minutes}}``), from the pool's pattern counts week by week; ``None`` when a week has no
    patterns with paid minutes or (without ``clashing``) the patterns cannot be given out
    consistently.

    Each week's patterns go to the agents by a maximum matching (:func:`_match_patterns`)
    between agents and the pool's pattern counts, an agent and a pattern matching when the
    pattern agrees with the days earlier weeks decided and makes no run of working days too
    long. An agent left without a pattern is appended to ``clashing`` and works no day of
    that week here (the repair model gives it its shifts). ``cyclic``: the horizon read as
    a repeating pattern or a line (:attr:`~wfm.scheduling.instance.RotaInstance.cyclic_days`)."""
    decided: dict[int, dict[int, bool]] = {a: {} for a in agents}  # agent -> day -> working
    paid: dict[int, dict[int, int]] = {a: {} for a in agents}
    limit = limit_of(contract)
    for week, week_days in enumerate(week_lengths(n_days)):
        plan = plans.get((unit_id, week))
        if plan is None or plan.paid_minutes is None:
            return None
        expanded: list[int] = []
        for p in range(len(plan.patterns)):
            expanded.extend([p] * _count(model.day_pattern.ref((unit_id, week, p)).value))
        if len(expanded) != len(agents):
            return None
        # Agents with the most days already decided by earlier weeks choose first.
        order = sorted(agents, key=lambda a: -sum(1 for d in plan.days if d in decided[a]))
        chosen = _match_patterns(
            order,
            expanded,
            lambda agent, p, plan=plan: _compatible(
                decided[agent], plan.days, plan.patterns[p], limit, n_days, cyclic
            ),
        )
        for agent in order:
            p = chosen.get(agent)
            if p is None:
                if clashing is None:
                    return None
                clashing.append(agent)  # no pattern this week: the repair model decides
                continue
            for slot, day in enumerate(plan.days):
                decided[agent][day] = bool(plan.patterns[p, slot])
            for slot in range(week_days):
                if plan.paid_minutes[p, slot] > 0:
                    paid[agent][week * DAYS_PER_WEEK + slot] = int(plan.paid_minutes[p, slot])
    return paid


def _match_patterns(
    agents: list[int], slots: list[int], compatible: Callable[[int, int], bool]
) -> dict[int, int]:
    """A maximum matching of ``agents`` to pattern ``slots`` (pattern indices, one per
    agent the pool's counts give that pattern to): Kuhn's augmenting paths with the slots of
    one pattern as its capacity, the agents tried in the given order and the patterns in
    index order (deterministic). Returns ``{agent: pattern}`` for the matched agents.

    References
    ----------
    .. [1] Kuhn, H. W. (1955). "The Hungarian method for the assignment problem". Naval
       Research Logistics Quarterly 2, 83-97.
    """
    capacity: dict[int, int] = {}
    for p in slots:
        capacity[p] = capacity.get(p, 0) + 1
    patterns = sorted(capacity)
    holders: dict[int, list[int]] = {p: [] for p in patterns}
    chosen: dict[int, int] = {}
    cache: dict[tuple[int, int], bool] = {}

    def fits(agent: int, p: int) -> bool:
        key = (agent, p)
        if key not in cache:
            cache[key] = compatible(agent, p)
        return cache[key]

    def augment(agent: int, visited: set[int]) -> bool:
        for p in patterns:
            if p in visited or not fits(agent, p):
                continue
            visited.add(p)
            if len(holders[p]) < capacity[p]:
                holders[p].append(agent)
                chosen[agent] = p
                return True
            for other in list(holders[p]):
                if augment(other, visited):
                    holders[p].remove(other)
                    holders[p].append(agent)
                    chosen[agent] = p
                    return True
        return False

    for agent in agents:
        # Greedy first (most agents take a free compatible pattern), then an augmenting path.
        free = next((p for p in patterns if len(holders[p]) < capacity[p] and fits(agent, p)), None)
        if free is not None:
            holders[free].append(agent)
            chosen[agent] = free
        else:
            augment(agent, set())
    return chosen


def _compatible(
    decided: dict[int, bool],
    days: tuple[int, ...],
    pattern: np.ndarray,
    limit: int,
    n_days: int,
    cyclic: bool = True,
) -> bool:
    """Whether ``pattern`` on ``days`` agrees with the days already ``decided`` and, with
    them, has no run of more than ``limit`` working days (read cyclically, or as a line)."""
    merged = dict(decided)
    for slot, day in enumerate(days):
        working = bool(pattern[slot])
        if merged.get(day, working) != working:
            return False
        merged[day] = working
    return not breaks_run(
        {day for day, working in merged.items() if working}, n_days, limit, cyclic
    )


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
    *,
    allowed: dict[int, dict[tuple[int, int], list[int]]] | None = None,
    forbidden: set[tuple[int, int]] | None = None,
    clashing: list[int] | None = None,
    moved: list[int] | None = None,
) -> list[tuple[int, int]] | None:
    """Pair the pool's shifts with its agents day by day (see the module docstring).

    Each agent's state is carried from day to day: the end of its last shift (for the
    minimum rest) and that shift (for ``forbidden`` sequences, pairs (earlier candidate,
    candidate of the next day)). Each day, the agents who finished latest take the latest
    starts first. Without ``allowed`` the pool's counts must pair exactly (``None`` when an
    agent's rest or sequence would break). With ``allowed`` (``{agent: {(day, paid
    minutes): candidates}}``), an agent whom no shift of the pool's counts fits takes the
    earliest-starting allowed shift of the same day and paid minutes that does (the pool's
    shift it leaves is dropped: the completion in the exact model prices the coverage); an
    agent whom none fits is appended to ``clashing`` and gets no shift that day (the
    repair model gives it one). Moved agents are appended to ``moved``.
    """
    rest_ns = int(round(contract.min_rest_hours * 3600 * 1e9))
    by_day_minutes: dict[tuple[int, int], list[int]] = {}
    for candidate, count in counts.items():
        by_day_minutes.setdefault((day_of[candidate], minutes_of[candidate]), []).extend(
            [candidate] * count
        )
    last_end: dict[int, int] = {}
    last_shift: dict[int, tuple[int, int]] = {}  # agent -> (day, candidate)

    def fits(agent: int, candidate: int, day: int) -> bool:
        if agent in last_end and start_ns[candidate] - last_end[agent] < rest_ns:
            return False
        if forbidden and agent in last_shift:
            previous_day, previous = last_shift[agent]
            if previous_day == day - 1 and (previous, candidate) in forbidden:
                return False
        return True

    pairs: list[tuple[int, int]] = []
    for day in range(n_days):
        working: dict[int, list[int]] = {}
        for agent in agents:
            minutes = paid[agent].get(day)
            if minutes is not None:
                working.setdefault(minutes, []).append(agent)
        for minutes, members in working.items():
            shifts = by_day_minutes.pop((day, minutes), [])
            if len(shifts) != len(members) and allowed is None:
                return None
            # Latest starts to the agents who may start latest; among equals, to those off
            # tomorrow (a late shift today pushes tomorrow's start later).
            shifts.sort(key=lambda c: (start_ns[c], end_ns[c]), reverse=True)
            members.sort(
                key=lambda a: (last_end.get(a, -(2**62)), (day + 1) not in paid[a]),
                reverse=True,
            )
            for agent in members:
                choice = next(
                    (i for i, c in enumerate(shifts) if fits(agent, c, day)),
                    None,
                )
                if choice is not None:
                    candidate = shifts.pop(choice)
                elif allowed is None:
                    return None
                else:
                    options = [
                        c
                        for c in allowed.get(agent, {}).get((day, minutes), ())
                        if fits(agent, c, day)
                    ]
                    if not options:
                        if clashing is not None:
                            clashing.append(agent)
                        continue
                    candidate = min(options, key=lambda c: (start_ns[c], end_ns[c], c))
                    if moved is not None:
                        moved.append(agent)
                pairs.append((agent, candidate))
                last_end[agent] = end_ns[candidate]
                last_shift[agent] = (day, candidate)
    if allowed is None and any(by_day_minutes.values()):
        return None  # shifts counted on days no pattern works
    return pairs
