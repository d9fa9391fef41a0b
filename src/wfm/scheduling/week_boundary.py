"""What frozen weeks leave to the next week of a rolling horizon, for each agent.

A rolling horizon (:mod:`wfm.scheduling.rolling`) solves a long rota one window at a time and
freezes each week. This module carries what the next window must know across the boundary:
each agent's state (:class:`AgentState`: the last shift's end, the runs of working days and
days off, what is left of the horizon's budgets) from the frozen rota
(:func:`advance_states`), turned into that week's inputs: the agents' availability
(:func:`boundary_availability`), contract copies with what is left of the horizon's limits
(:func:`week_contracts`), the frozen weeks as model context (:func:`frozen_weeks`), and the
horizon bound's contracts (:func:`horizon_bound`). The rules it carries are listed in
:mod:`wfm.scheduling.rolling`'s docstring.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pandas as pd

from wfm.config import Contract, SchedulingSettings
from wfm.data.schemas import Agent
from wfm.scheduling.history import FrozenRota, history_depth
from wfm.scheduling.instance import RotaInstance
from wfm.scheduling.pooled_relaxation import solve_pooled_relaxation
from wfm.scheduling.rules.shift_types import in_window, start_windows
from wfm.scheduling.site import RotaSite
from wfm.scheduling.site_clocks import local_midnight
from wfm.scheduling.solve import SolveStatus

logger = logging.getLogger(__name__)

DAYS_PER_WEEK = 7


@dataclass
class AgentState:
    """What the frozen weeks leave to the next one, for one agent.

    Parameters
    ----------
    last_end
        End of the agent's last shift (tz-aware); ``None`` without one.
    last_work_day
        Index of the last day with a shift (from the horizon's first day); ``None``.
    trailing_working_days
        Working days in a row up to the last frozen day [days] (0 when it was a day off).
    paid_hours
        Paid hours so far [hours].
    weekends
        Saturday dates of the weekends with a shift starting on the Saturday or Sunday.
    shifts_of_type
        Shifts so far of each of the centre's shift types [shifts].
    leading_days_off
        Days the next week must start with off [days]: the weekly run of
        ``min_consecutive_days_off`` that the last frozen week starts on its last days and
        the next week must finish (the week's model read it as wrapping to its own Monday).
    """

    last_end: pd.Timestamp | None = None
    last_work_day: int | None = None
    trailing_working_days: int = 0
    paid_hours: float = 0.0
    weekends: set[dt.date] = field(default_factory=set)
    shifts_of_type: dict[str, int] = field(default_factory=dict)
    leading_days_off: int = 0


def shifts_of_rota(rota: pd.DataFrame) -> pd.DataFrame:
    """One row per shift of a rota (``agent_id``, ``date``, ``start``, ``end``): the span of
    each agent's activities on a local date."""
    if rota.empty:
        return pd.DataFrame(columns=["agent_id", "date", "start", "end"])
    return (
        rota.groupby(["agent_id", "date"], sort=True)
        .agg(start=("start", "min"), end=("end", "max"))
        .reset_index()
    )


def agent_timezones(site: RotaSite) -> dict[str, str]:
    """Each agent's own clock in a model joining sites in different zones (its
    :class:`~wfm.scheduling.site.SiteClock`'s zone), by agent id; empty for a model on one
    clock (every agent is then on ``site.timezone``)."""
    return {agent_id: clock.timezone for clock in site.clocks for agent_id in clock.agent_ids}


def advance_states(
    states: dict[str, AgentState],
    week_rota: pd.DataFrame,
    week_summary: pd.DataFrame,
    site: RotaSite,
    horizon_start: dt.date,
    days_done: int,
    contract_of: dict[str, Contract],
) -> None:
    """Fold one frozen week into the agents' states (in place).

    Parameters
    ----------
    states
        ``{agent_id: AgentState}``, every agent.
    week_rota
        The week's rota (:data:`wfm.data.schemas.ROTA_COLUMNS`).
    week_summary
        The week's agent summary (``agent_id``, ``paid_hours``).
    site
        The site (its shift types and time zone; each agent's own site's zone when the
        model joins sites on different clocks, :func:`agent_timezones`).
    horizon_start
        First local date of the horizon.
    days_done
        Days of the horizon frozen once this week is folded in [days].
    contract_of
        Each agent's contract (``{agent_id: Contract}``).
    """
    windows = start_windows(site.shift_types)
    zones = agent_timezones(site)
    shifts = shifts_of_rota(week_rota)
    paid = dict(zip(week_summary["agent_id"], week_summary["paid_hours"], strict=True))
    for agent_id, state in states.items():
        state.paid_hours += float(paid.get(agent_id, 0.0))
    for agent_id, mine in shifts.groupby("agent_id", sort=True):
        state = states[agent_id]
        start = pd.DatetimeIndex(mine["start"]).tz_convert(zones.get(agent_id, site.timezone))
        minutes = (start.hour * 60 + start.minute).to_numpy()
        for name, window in windows.items():
            count = int(in_window(minutes, window).sum())
            if count:
                state.shifts_of_type[name] = state.shifts_of_type.get(name, 0) + count
        for date in mine["date"]:
            date = pd.Timestamp(date).date()
            if date.weekday() >= 5:
                state.weekends.add(date - dt.timedelta(days=date.weekday() - 5))
        last = mine.sort_values("end").iloc[-1]
        state.last_end = pd.Timestamp(last["end"])
        state.last_work_day = (pd.Timestamp(last["date"]).date() - horizon_start).days
    # Trailing working days: count back from the last frozen day.
    by_agent = {
        agent_id: {(pd.Timestamp(d).date() - horizon_start).days for d in mine["date"]}
        for agent_id, mine in shifts.groupby("agent_id", sort=True)
    }
    last_day = days_done - 1
    for agent_id, state in states.items():
        days = by_agent.get(agent_id, set())
        if last_day not in days:
            state.trailing_working_days = 0
            continue
        run = 0
        day = last_day
        while day in days:
            run += 1
            day -= 1
        if day < last_day - DAYS_PER_WEEK + 1:
            # The whole week was worked: the run goes on into the weeks before.
            run += state.trailing_working_days
        state.trailing_working_days = run
    week_first = days_done - DAYS_PER_WEEK
    for agent_id, state in states.items():
        days = by_agent.get(agent_id, set())
        needed = contract_of[agent_id].min_consecutive_days_off
        state.leading_days_off = 0
        if needed <= 0:
            continue
        if any(
            all(d + i not in days for i in range(needed))
            for d in range(week_first, days_done - needed + 1)
        ):
            continue  # the week's run of days off lies inside it
        off_at_end = 0
        while off_at_end < DAYS_PER_WEEK and last_day - off_at_end not in days:
            off_at_end += 1
        state.leading_days_off = max(needed - off_at_end, 0)


def boundary_availability(
    states: dict[str, AgentState],
    agents: Sequence[Agent],
    contracts: dict[str, Contract],
    week_start: dt.date,
    timezone: str,
    horizon_start: dt.date,
    timezone_of: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """``unavailable`` windows (:data:`wfm.data.schemas.AVAILABILITY_COLUMNS`) that carry
    the rest, the most working days in a row and the runs of days off across the boundary
    into the week from ``week_start`` (see the module docstring).

    The week starts at each agent's own local midnight and its days are the agent's local
    days: ``timezone``'s, or the agent's site's in ``timezone_of`` (agent id -> IANA zone,
    :func:`agent_timezones`) when the model joins sites on different clocks, so that a
    New York agent's day off is New York's day, not London's. The windows' times are
    written in ``timezone``."""
    rows: list[tuple[str, pd.Timestamp, pd.Timestamp, str]] = []
    first_day = (week_start - horizon_start).days
    timezone_of = timezone_of or {}

    def day_window(agent_id: str, offset: int, zone: str) -> None:
        date = week_start + dt.timedelta(days=offset)
        rows.append(
            (
                agent_id,
                local_midnight(zone, date),
                local_midnight(zone, date + dt.timedelta(days=1)),
                "unavailable",
            )
        )

    for agent in agents:
        state = states.get(agent.agent_id)
        if state is None or state.last_end is None:
            continue
        zone = timezone_of.get(agent.agent_id, timezone)
        midnight = local_midnight(zone, week_start)
        contract = contracts[agent.contract]
        rest_until = state.last_end + pd.Timedelta(hours=contract.min_rest_hours)
        if rest_until > midnight:
            rows.append((agent.agent_id, midnight, rest_until, "unavailable"))
        for offset in range(min(state.leading_days_off, DAYS_PER_WEEK)):
            day_window(agent.agent_id, offset, zone)
        run = state.trailing_working_days
        if run > 0:
            off_day = contract.max_consecutive_working_days - run
            if 0 <= off_day < DAYS_PER_WEEK:
                day_window(agent.agent_id, off_day, zone)
        else:
            days_off = first_day - 1 - state.last_work_day
            for offset in range(max(contract.min_days_off_run_length - days_off, 0)):
                if offset < DAYS_PER_WEEK:
                    day_window(agent.agent_id, offset, zone)
    # every window on the model's clock (``timezone``), one dtype for the column
    rows = [
        (a, start.tz_convert(timezone), end.tz_convert(timezone), k) for a, start, end, k in rows
    ]
    return pd.DataFrame(rows, columns=["agent_id", "start", "end", "kind"])


def week_contracts(
    states: dict[str, AgentState],
    agents: Sequence[Agent],
    contracts: dict[str, Contract],
    weeks_left: int,
    week_number: int,
    window: int = 1,
) -> tuple[tuple[Contract, ...], list[Agent]]:
    """The contracts of one week of a rolling horizon, with the limits over the whole
    horizon turned into what is left of each agent's budget (see the module docstring),
    and the agents pointed at them, for a window of ``window`` weeks. Agents with equal
    budgets share a contract; a contract without horizon limits is kept as it is."""
    out: dict[str, Contract] = {}
    pointed: list[Agent] = []
    for agent in agents:
        contract = contracts[agent.contract]
        state = states.get(agent.agent_id) or AgentState()
        if not _has_horizon_limits(contract):
            out.setdefault(contract.name, contract)
            pointed.append(agent)
            continue
        update: dict[str, object] = {}
        if contract.max_hours_per_horizon is not None:
            update["max_hours_per_horizon"] = max(
                contract.max_hours_per_horizon - state.paid_hours, 1e-6
            )
        if contract.min_hours_per_horizon is not None:
            later = (weeks_left - window) * contract.max_hours_per_week
            update["min_hours_per_horizon"] = max(
                contract.min_hours_per_horizon - state.paid_hours - later, 0.0
            )
        if contract.max_working_weekends is not None:
            update["max_working_weekends"] = max(
                contract.max_working_weekends - len(state.weekends), 0
            )
        if contract.max_shifts_per_type:
            update["max_shifts_per_type"] = tuple(
                (name, max(limit - state.shifts_of_type.get(name, 0), 0))
                for name, limit in contract.max_shifts_per_type
            )
        wanted = contract.model_copy(update=update)
        name = next(
            (
                existing.name
                for existing in out.values()
                if existing.name.startswith(f"{contract.name} (week ")
                and existing.model_dump(exclude={"name"}) == wanted.model_dump(exclude={"name"})
            ),
            None,
        )
        if name is None:
            # Numbered in the agents' order: the same inputs give the same names (no hash).
            number = sum(1 for n in out if n.startswith(f"{contract.name} (week ")) + 1
            name = f"{contract.name} (week {week_number}, budget {number})"
            out[name] = wanted.model_copy(update={"name": name})
        pointed.append(dataclasses.replace(agent, contract=name))
    return tuple(out.values()), pointed


def _has_horizon_limits(contract: Contract) -> bool:
    return (
        contract.max_hours_per_horizon is not None
        or contract.min_hours_per_horizon is not None
        or contract.max_working_weekends is not None
        or bool(contract.max_shifts_per_type)
    )


def horizon_bound(
    instance: RotaInstance, settings: SchedulingSettings, time_limit_seconds: float
) -> float | None:
    """The pooled LP relaxation's optimum over the whole horizon [cost units]: a lower bound
    on the cost of every rota of it (stage 1 of :func:`wfm.scheduling.search.solve_rota`);
    ``None`` when the LP did not solve to optimality.

    Only the optimum is needed, not a vertex: the interior-point method without crossover
    (500 agents x 4 weeks: 8.2 s of CPU instead of 12.2 s with crossover, the same optimum
    to 1e-9; 13 weeks: 41 s, docs/benchmarks.md); should it end short of optimal, once more
    with crossover (:func:`~wfm.scheduling.pooled_relaxation.solve_pooled_relaxation`)."""
    _, run = solve_pooled_relaxation(instance, settings, time_limit_seconds, vertex=False)
    return run.bound if run.status == SolveStatus.OPTIMAL else None


def frozen_weeks(
    frozen: Sequence[pd.DataFrame],
    horizon_start: dt.date,
    week_start: dt.date,
    site: RotaSite,
    before: FrozenRota | None = None,
) -> FrozenRota | None:
    """The frozen context of the window from ``week_start`` (:mod:`wfm.scheduling.history`):
    the rota of the weeks frozen so far (``frozen``, one frame per week; after ``before``,
    the rota worked before the horizon, if given), as far back as any contract's run rules or rotation look
    (:func:`~wfm.scheduling.history.history_depth`); ``before`` alone (or ``None``) for the
    first window. The window's model then keeps the runs of working days and days off and the
    rotation across the boundary exactly. Only when a
    contract has a rule the carried availability cannot keep (``min_consecutive_working_days``
    above 1, a rotation) or frozen weeks were given; otherwise ``None``."""
    if not frozen:
        return before
    if before is None and not any(
        contract.min_consecutive_working_days > 1 or contract.rotation_weeks is not None
        for contract in site.contracts
    ):
        # The other run rules are carried as availability (boundary_availability): with the
        # frozen weeks as context instead, 120 agents x 4 weeks ended at a 15.0 % gap against
        # 1.26 % (docs/benchmarks.md), so the context is given only where it is needed.
        return None
    depth = max(history_depth(contract) for contract in site.contracts)
    earliest = horizon_start if before is None else before.first_date
    first = max(earliest, week_start - dt.timedelta(days=depth))
    weeks_back = -(-(week_start - first).days // DAYS_PER_WEEK)
    frames = list(frozen[-weeks_back:])
    if before is not None and first < horizon_start:
        frames.insert(0, before.rota)
    rota = pd.concat(frames, ignore_index=True)
    dates = pd.to_datetime(rota["date"]).dt.date
    return FrozenRota(rota.loc[(dates >= first).to_numpy()].reset_index(drop=True), first)
