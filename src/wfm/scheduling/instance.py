"""The rota instance: the inputs of one scheduling run, checked and put into index form.

:func:`prepare_week` turns the public inputs (requirements frame, the centre's
:class:`~wfm.scheduling.site.RotaSite`, agents, start date) into a :class:`RotaInstance`
of flat tables and arrays that the model builder, the pre-check and the rota extraction
share. Nothing here knows about pyomo.

Availability and preferences
----------------------------
Approved time off and availability windows (:mod:`wfm.data.availability`) are hard: the
shifts they rule out are removed from the agent's allowed (agent, candidate) pairs
(:func:`~wfm.scheduling.availability_and_preferences.availability_mask`). Preferences
(:mod:`wfm.data.preferences`) are soft: each allowed pair gets the summed weight of the
preferences it breaks (:func:`~wfm.scheduling.availability_and_preferences.preference_weights`),
which the model prices in the objective.

Skill groups
------------
Agents with the same set of queues form a *skill group*. Coverage and break placement are
modelled per skill group rather than per agent (agents of one group are interchangeable for
coverage), which keeps the model small.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from wfm.config import BreakRule, Contract, ShiftTemplate, ShiftType
from wfm.data.schemas import Agent
from wfm.data.shift_demand import shift_demand_by_date
from wfm.errors import InputError
from wfm.scheduling.availability_and_preferences import (
    availability_mask,
    preference_weights,
    requested_weight,
)
from wfm.scheduling.history import FrozenRota, ShiftHistory, history_from_rota
from wfm.scheduling.shifts import (
    WeekGrid,
    break_fit_problems,
    break_options,
    break_windows,
    check_break_rules,
    shift_candidates,
    week_grid,
)
from wfm.scheduling.site import QueueTarget, RotaSite
from wfm.scheduling.site_clocks import clock_candidates, clock_grid

logger = logging.getLogger(__name__)

#: Columns the requirements frame must have.
REQUIRED_REQUIREMENT_COLUMNS = ("interval_start", "queue", "agents_scheduled_required")


def values_by_agent(agents, values) -> dict[int, list]:
    """``{agent: [value, ...]}``, each agent's values in their given order (what
    ``frame.groupby("agent")`` gives, without a pandas group per agent).

    >>> values_by_agent([1, 0, 1], [10, 20, 30])
    {0: [20], 1: [10, 30]}
    """
    agents = np.asarray(agents, dtype=np.int64)
    if len(agents) == 0:
        return {}
    order = np.argsort(agents, kind="stable")
    agents, values = agents[order], np.asarray(values)[order]
    cuts = np.flatnonzero(np.diff(agents)) + 1
    firsts = np.concatenate([[0], cuts]).astype(np.int64)
    return {
        agent: chunk.tolist()
        for agent, chunk in zip(agents[firsts].tolist(), np.split(values, cuts), strict=True)
    }


@dataclass(frozen=True)
class RotaInstance:
    """Everything the rota model is built from, in index form.

    Parameters
    ----------
    grid
        Planning grid with opening hours (horizon plus spill-over tail).
    agents
        The agents, sorted by ``agent_id``; position in this tuple is the agent index.
    contracts
        The contract of each agent (same order as ``agents``).
    queues
        Queue names, sorted: the centre's queues plus any extra queue in the requirements.
    groups
        Skill groups: each a sorted tuple of queue names; position is the group index.
    agent_group
        Group index of each agent.
    candidates
        Shift candidates (see :func:`wfm.scheduling.shifts.shift_candidates`).
    breaks
        Break options (see :func:`wfm.scheduling.shifts.break_options`).
    windows
        Break windows grouped into chains (see :func:`wfm.scheduling.shifts.break_windows`).
    eligible
        Allowed (agent, candidate) pairs: columns ``agent`` and ``candidate`` (indices).
    scheduled_required
        Scheduled agents required [agents], shape (horizon intervals, queues).
    required
        Productive agents required [agents], same shape (reported, not optimised).
    availability
        The availability windows used (:data:`wfm.data.schemas.AVAILABILITY_COLUMNS`), or
        ``None``; already applied to ``eligible``.
    preference_weight
        Allowed (agent, candidate) pairs that break some of the agent's preferences:
        columns ``agent``, ``candidate`` and ``weight`` (summed weights of the broken
        preferences, less the weights of the ``request_on`` requests the shift meets), or
        ``None`` without preferences.
    requested_weight
        Summed weight of the ``request_on`` requests in the horizon: the cost of meeting
        none of them, which the shifts that meet one take back (see
        :func:`~wfm.scheduling.availability_and_preferences.preference_weights`).
    shift_templates, break_rules, shift_types
        The centre's shift templates, break rules (``breaks["rule"]`` indexes them) and
        shift types.
    queue_targets
        ``{queue: QueueTarget}`` for the queues the centre file defines (service target and
        shrinkage of the weekly service-level objective).
    history
        The frozen shifts before the horizon (:class:`~wfm.scheduling.history.ShiftHistory`),
        or ``None``: the rules on runs of days then read the horizon as repeating.
    shift_demand
        Agents wanted per horizon day and shift type
        (:func:`wfm.data.shift_demand.shift_demand_by_date`: ``day``, ``date``,
        ``shift_type``, ``agents``, ``line``), or ``None``
        (:mod:`wfm.scheduling.rules.shift_demand`).
    cyclic_days
        How the rules on runs of days (most working days in a row, runs of days off, the
        weekly run of days off) read the horizon: ``True``, as a repeating pattern (the day
        after the last is the first: a one-week rota worked week after week); ``False``, as
        a line of weeks (days before the first and after the last lie outside the rota: a
        run of days off may run on past the last day, which counts as off, and no run wraps
        round). See :func:`horizon_day`.
    """

    grid: WeekGrid
    agents: tuple[Agent, ...]
    contracts: tuple[Contract, ...]
    queues: tuple[str, ...]
    groups: tuple[tuple[str, ...], ...]
    agent_group: np.ndarray
    candidates: pd.DataFrame
    breaks: pd.DataFrame
    windows: pd.DataFrame
    eligible: pd.DataFrame
    scheduled_required: np.ndarray
    required: np.ndarray
    availability: pd.DataFrame | None = None
    preference_weight: pd.DataFrame | None = None
    requested_weight: float = 0.0
    shift_templates: tuple[ShiftTemplate, ...] = ()
    break_rules: tuple[BreakRule, ...] = ()
    shift_types: tuple[ShiftType, ...] = ()
    queue_targets: Mapping[str, QueueTarget] = field(default_factory=dict)
    history: ShiftHistory | None = None
    shift_demand: pd.DataFrame | None = None
    cyclic_days: bool = True

    @property
    def interval_hours(self) -> float:
        """Length of one interval [hours]."""
        return self.grid.interval_minutes / 60.0

    def describe(self) -> str:
        """One line: agents, groups, candidates, break options and intervals."""
        return (
            f"{len(self.agents)} agents in {len(self.groups)} skill groups, {len(self.candidates)} shift "
            f"candidates ({len(self.eligible)} agent-shift pairs), {len(self.breaks)} break options in "
            f"{self.windows['chain'].nunique()} chains, "
            f"{self.grid.n_horizon} intervals x {len(self.queues)} queues"
        )


def default_cyclic_days(days: int) -> bool:
    """Whether a horizon of ``days`` days is read as a repeating pattern by default: a
    horizon of at most one week is (the week's rota is the pattern worked week after week);
    a longer one is a line of weeks, its last week followed by the unknown, not by its
    first week.

    >>> default_cyclic_days(7), default_cyclic_days(28)
    (True, False)
    """
    return days <= 7


def horizon_day(day: int, n_days: int, cyclic: bool) -> int | None:
    """Day ``day`` (an index from the horizon's first day, possibly outside it) read on a
    horizon of ``n_days`` days: modulo ``n_days`` when the horizon repeats (``cyclic``),
    else ``day`` itself inside the horizon and ``None`` outside it (a line: the days
    before and after belong to no rota).

    >>> horizon_day(8, 7, True), horizon_day(8, 7, False), horizon_day(-1, 14, False)
    (1, None, None)
    """
    if cyclic:
        return day % n_days
    return day if 0 <= day < n_days else None


def prepare_week(
    requirements: pd.DataFrame,
    site: RotaSite,
    agents: Sequence[Agent],
    start_date: dt.date,
    days: int = 7,
    *,
    availability: pd.DataFrame | None = None,
    preferences: pd.DataFrame | None = None,
    history: FrozenRota | None = None,
    shift_demand: pd.DataFrame | None = None,
    cyclic_days: bool | None = None,
) -> RotaInstance:
    """Check the inputs of a scheduling run and put them into index form.

    Parameters
    ----------
    requirements
        One row per (interval, queue) with at least :data:`REQUIRED_REQUIREMENT_COLUMNS`
        (``agents_required`` is optional); ``interval_start`` tz-aware on the centre's grid.
        Missing intervals count as zero; rows outside the horizon are ignored.
    site
        What the engine uses of the centre (:func:`wfm.scheduling.site.rota_site`).
    agents
        The agents to schedule; ``agent_id`` must be unique.
    start_date
        First local date of the horizon.
    days
        Horizon length [days].
    availability
        Time off and availability windows (:func:`wfm.data.availability.read_availability`);
        hard rules. Windows of agents not scheduled are ignored.
    preferences
        Preferences (:func:`wfm.data.preferences.read_preferences`); soft rules.
    cyclic_days
        See :attr:`RotaInstance.cyclic_days`; default (``None``): a horizon of at most one
        week without ``history`` is read as repeating, a longer one or one with ``history``
        as a line of weeks (:func:`default_cyclic_days`). With ``history`` the horizon is
        always a line (``True`` is an error).
    history
        The rota worked before ``start_date`` (:class:`~wfm.scheduling.history.FrozenRota`),
        frozen context for the rules on runs of days and the rotation
        (:mod:`wfm.scheduling.history`); the horizon is then a line of weeks after it.
    shift_demand
        Agents wanted per day and shift type (:func:`wfm.data.shift_demand.read_shift_demand`),
        as well as or instead of the requirements; ``None`` for none.

    Raises
    ------
    InputError
        For unknown contracts or queues, duplicate agents, or requirements off the grid.
    ConfigError
        For break rules whose windows can overlap (see
        :func:`wfm.scheduling.shifts.check_break_rules`). Shifts whose breaks cannot be
        placed at all are left out of every agent's choices; the pre-check names them
        (:func:`wfm.scheduling.precheck.rule_problems`).
    """
    # Breaks that cannot fit are the pre-check's (wfm.scheduling.precheck).
    check_break_rules(
        site.break_rules, site.shift_templates, site.interval_minutes, overlaps_only=True
    )
    agents = tuple(sorted(agents, key=lambda agent: agent.agent_id))
    ids = [agent.agent_id for agent in agents]
    duplicates = sorted(agent_id for agent_id, n in Counter(ids).items() if n > 1)
    if duplicates:
        raise InputError(
            "agent ids must be unique",
            column="agent_id",
            value=duplicates[0],
            fix="give every agent its own id",
        )
    contracts_by_name = {contract.name: contract for contract in site.contracts}
    for agent in agents:
        if agent.contract not in contracts_by_name:
            raise InputError(
                f"agent '{agent.agent_id}' has contract '{agent.contract}', which the centre file does not define",
                column="contract",
                value=agent.contract,
                fix=f"use one of {sorted(contracts_by_name)} or add the contract to the centre file",
            )
    contracts = tuple(contracts_by_name[agent.contract] for agent in agents)

    grid = clock_grid(site, start_date, days) if site.clocks else week_grid(site, start_date, days)
    requirement_queues = (
        set(requirements["queue"].astype(str)) if "queue" in requirements else set()
    )
    queues = tuple(sorted(set(site.queue_names) | requirement_queues))
    for agent in agents:
        unknown = [queue for queue in agent.queues if queue not in queues]
        if unknown:
            raise InputError(
                f"agent '{agent.agent_id}' is skilled for queue '{unknown[0]}', which the centre does not have",
                column="queues",
                value=unknown[0],
                fix=f"use queues from {list(queues)}",
            )
    groups = tuple(sorted({tuple(sorted(set(agent.queues))) for agent in agents}))
    agent_group = np.array(
        [groups.index(tuple(sorted(set(agent.queues)))) for agent in agents], dtype=np.int64
    )

    if site.clocks:  # sites in different time zones (wfm.scheduling.site_clocks)
        if history is not None:
            raise InputError(
                "a rota joining sites in different time zones cannot continue from history",
                fix="plan it without the worked weeks before it (no --history)",
            )
        candidates, allowed = clock_candidates(site, site.break_rules, grid, agents, availability)
    else:
        candidates = shift_candidates(site.shift_templates, site.break_rules, grid)
        allowed = availability_mask(candidates, agents, availability)
    breaks = break_options(site.break_rules, candidates, site.interval_minutes)
    unplaceable = {
        length
        for _, length, _ in break_fit_problems(
            site.break_rules, site.shift_templates, site.interval_minutes
        )
    }
    allowed &= ~candidates["length_minutes"].isin(unplaceable).to_numpy(dtype=bool)[None, :]
    eligible = eligible_pairs(candidates, contracts, allowed)
    scheduled_required, required = requirement_matrices(requirements, grid, queues)
    if history is not None and cyclic_days:
        raise InputError(
            "a horizon with frozen weeks before it cannot be read as a repeating pattern",
            value=cyclic_days,
            fix="leave cyclic_days unset (or False) when history is given",
            option="cyclic_days",
        )
    demand_by_date = None
    if shift_demand is not None:
        known = [shift_type.name for shift_type in site.shift_types]
        unknown = sorted(set(shift_demand["shift_type"]) - set(known))
        if unknown:
            raise InputError(
                f"the shift demand names shift type '{unknown[0]}', which the centre does not define",
                column="shift_type",
                value=unknown[0],
                fix=f"use one of {known} or add it to the centre file's [[shift_types]]",
            )
        demand_by_date = shift_demand_by_date(shift_demand, start_date, days)
    instance = RotaInstance(
        grid=grid,
        agents=agents,
        contracts=contracts,
        queues=queues,
        groups=groups,
        agent_group=agent_group,
        candidates=candidates,
        breaks=breaks,
        windows=break_windows(breaks),
        eligible=eligible,
        scheduled_required=scheduled_required,
        required=required,
        availability=availability,
        preference_weight=preference_weights(
            candidates, agents, eligible, preferences, shift_types=site.shift_types
        ),
        requested_weight=requested_weight(preferences, agents, candidates),
        shift_templates=site.shift_templates,
        break_rules=site.break_rules,
        shift_types=site.shift_types,
        queue_targets=dict(site.queue_targets),
        cyclic_days=default_cyclic_days(days) and history is None
        if cyclic_days is None
        else bool(cyclic_days),
        history=None
        if history is None
        else history_from_rota(
            history.rota,
            agents,
            start_date,
            site.timezone,
            days=(start_date - history.first_date).days,
        ),
        shift_demand=demand_by_date,
    )
    logger.info("rota instance: %s", instance.describe())
    return instance


def eligible_pairs(
    candidates: pd.DataFrame, contracts: Sequence[Contract], allowed: np.ndarray | None = None
) -> pd.DataFrame:
    """(agent, candidate) pairs allowed by each agent's contract and availability.

    An agent may take a candidate when its contract allows it
    (:func:`wfm.scheduling.rules.allowed_shifts.allowed_mask`: the longest shift, and the
    templates and lengths the contract names), its paid time is at most
    ``contract.max_hours_per_week`` and ``allowed`` (agents x candidates, e.g. from
    :func:`~wfm.scheduling.availability_and_preferences.availability_mask`; default all)
    permits it.

    Returns
    -------
    pandas.DataFrame
        Columns ``agent`` and ``candidate`` (indices), sorted.
    """
    from wfm.scheduling.rules.allowed_shifts import allowed_mask

    max_paid = np.array([contract.max_hours_per_week * 60.0 for contract in contracts])
    paid = candidates["paid_minutes"].to_numpy(dtype=np.int64)
    by_contract = list(dict.fromkeys(contracts))
    mask = allowed_mask(candidates, by_contract)
    row_of = {contract: i for i, contract in enumerate(by_contract)}
    shape = (len(contracts), len(candidates))
    fits = mask[[row_of[contract] for contract in contracts]].reshape(shape)
    fits &= paid[None, :] <= max_paid[:, None] + 1e-9
    if allowed is not None:
        fits &= allowed
    agent_index, candidate_index = np.nonzero(fits)
    return pd.DataFrame(
        {"agent": agent_index.astype(np.int64), "candidate": candidate_index.astype(np.int64)}
    )


def requirement_matrices(
    requirements: pd.DataFrame, grid: WeekGrid, queues: Sequence[str]
) -> tuple[np.ndarray, np.ndarray]:
    """Scheduled and productive agents required as (horizon interval, queue) matrices.

    Returns
    -------
    (numpy.ndarray, numpy.ndarray)
        ``agents_scheduled_required`` and ``agents_required`` [agents], zero where the
        requirements have no row.

    Raises
    ------
    InputError
        If a column is missing, a timestamp is naive or off the grid, a (interval, queue)
        pair repeats, or a requirement is negative.
    """
    shape = (grid.n_horizon, len(queues))
    missing = [
        column for column in REQUIRED_REQUIREMENT_COLUMNS if column not in requirements.columns
    ]
    if missing:
        raise InputError(
            f"requirements have no '{missing[0]}' column",
            source="requirements",
            column=missing[0],
            fix=f"provide the columns {', '.join(REQUIRED_REQUIREMENT_COLUMNS)}",
        )
    if requirements.empty:
        return np.zeros(shape), np.zeros(shape)
    starts = pd.DatetimeIndex(requirements["interval_start"])
    if starts.tz is None:
        raise InputError(
            "requirements' interval_start has no time zone",
            source="requirements",
            column="interval_start",
            fix="use tz-aware timestamps (ISO 8601 with the UTC offset)",
        )
    horizon_ns = grid.horizon.as_unit("ns").asi8
    start_ns = starts.as_unit("ns").asi8
    position = np.searchsorted(horizon_ns, start_ns)
    interval_ns = grid.interval_minutes * 60 * 10**9
    end_ns = horizon_ns[-1] + interval_ns if len(horizon_ns) else 0
    inside = (start_ns >= (horizon_ns[0] if len(horizon_ns) else 0)) & (start_ns < end_ns)
    clipped = np.clip(position, 0, max(len(horizon_ns) - 1, 0))
    on_grid = inside & (horizon_ns[clipped] == start_ns)
    if (inside & ~on_grid).any():
        bad = starts[inside & ~on_grid][0]
        raise InputError(
            f"requirement at {bad} is not on the {grid.interval_minutes}-minute interval grid",
            source="requirements",
            column="interval_start",
            value=str(bad),
            fix="aggregate the requirements to the centre's interval_minutes",
        )
    if (~inside).any():
        logger.debug("ignoring %d requirement rows outside the horizon", int((~inside).sum()))
    queue_index = pd.Index(queues).get_indexer(requirements["queue"].astype(str))
    rows = position[inside]
    columns = queue_index[inside]
    pairs = rows * len(queues) + columns
    if len(np.unique(pairs)) != len(pairs):
        raise InputError(
            "requirements repeat an (interval_start, queue) pair",
            source="requirements",
            fix="keep one row per interval and queue",
        )
    matrices = []
    for column in ("agents_scheduled_required", "agents_required"):
        matrix = np.zeros(shape)
        if column in requirements.columns:
            values = pd.to_numeric(requirements[column], errors="coerce").to_numpy(dtype=float)[
                inside
            ]
            if np.isnan(values).any() or (values < 0).any():
                raise InputError(
                    f"requirements' {column} must be non-negative numbers",
                    source="requirements",
                    column=column,
                    fix="check the staffing step's output",
                )
            matrix[rows, columns] = values
        matrices.append(matrix)
    return matrices[0], matrices[1]
