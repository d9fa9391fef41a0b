"""A rolling horizon: a rota of many weeks solved one week at a time.

One model over a long horizon (a month or a quarter for hundreds or thousands of agents)
grows with agents × days × shifts; past ``scheduling.rolling_horizon_above_pairs``
agent-shift pairs :func:`wfm.scheduling.week.schedule_week` solves it week by week instead
(the threshold is a size, never a time, so the choice does not depend on the machine).
Each week is solved by the usual search (:func:`wfm.scheduling.search.solve_rota`) and then
frozen; what the next week must know of it is carried across the boundary as each agent's
state (:class:`AgentState`) and turned into that week's inputs:

- **rest**: the agent is unavailable from the week's start until its last shift's end plus
  the contract's ``min_rest_hours`` (exact);
- **most working days in a row** (``max_consecutive_working_days`` = K): an agent who
  worked the last r days of the frozen weeks is unavailable on day K − r of the new week
  (so the run crossing the boundary is at most K days; this may forbid a run that a joint
  model would allow);
- **runs of days off** (``min_days_off_run_length`` = L): an agent whose frozen weeks end
  with j < L days off after a working day is unavailable on the new week's first L − j
  days; and the weekly run of ``min_consecutive_days_off`` days off that a week's model
  placed over its own Sunday and Monday (it reads the week as repeating) is finished at the
  start of the next week, whose first days are then off for that agent;
- **limits over the whole horizon** (``max_hours_per_horizon``, ``max_working_weekends``,
  ``max_shifts_per_type``): each week gets what is left of the agent's budget, and
  ``min_hours_per_horizon`` what is left minus what the remaining weeks can still give
  at the weekly maximum; agents with equal budgets share a contract copy for the week.

The weekly rules (hours, days, the run of days off each week) are weekly anyway. Besides,
when a contract has ``min_consecutive_working_days`` above 1 or a rotation every N weeks
(or frozen weeks were given before the horizon), each week's model gets the frozen weeks
before it as context (:func:`frozen_weeks`, :mod:`wfm.scheduling.history`): the rules on
runs of working days and days off and the rotation continue from the frozen days exactly,
and the week is not read as repeating. Not carried: the coverage that a
shift running past Sunday midnight gives the next week (it is not subtracted from the next
week's requirements, a small over-staffing there). The whole rota is checked by the
compliance checker (:func:`wfm.scheduling.compliance.check_rota`, as ``wfm check-rota``)
before it is returned; a breach is logged and listed in the summary's termination.

The bound is honest: the pooled LP relaxation of the *whole* horizon (stage 1 of the search
on the one-model instance), so the reported gap compares the sum of the weeks' costs with a
bound valid for every rota of the horizon. With ``scheduling.objective =
"weekly_service_level"`` the bound is that of each week's own search summed (each week's
service level is weekly), which bounds only rotas that keep the frozen weeks.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import pandas as pd

from wfm.config import Contract, SchedulingSettings
from wfm.data.schemas import Agent
from wfm.errors import SolveError
from wfm.progress import ProgressCallback, no_progress, scaled
from wfm.scheduling.history import FrozenRota, history_depth
from wfm.scheduling.instance import RotaInstance, pooled_workforce
from wfm.scheduling.model import build_rota_model
from wfm.scheduling.rules.shift_types import in_window, start_windows
from wfm.scheduling.site import RotaSite
from wfm.scheduling.solve import SolveStatus, SolveSummary, relative_gap, run_highs

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
        The site (its shift types and time zone).
    horizon_start
        First local date of the horizon.
    days_done
        Days of the horizon frozen once this week is folded in [days].
    contract_of
        Each agent's contract (``{agent_id: Contract}``).
    """
    windows = start_windows(site.shift_types)
    shifts = shifts_of_rota(week_rota)
    paid = dict(zip(week_summary["agent_id"], week_summary["paid_hours"], strict=True))
    for agent_id, state in states.items():
        state.paid_hours += float(paid.get(agent_id, 0.0))
    for agent_id, mine in shifts.groupby("agent_id", sort=True):
        state = states[agent_id]
        start = pd.DatetimeIndex(mine["start"]).tz_convert(site.timezone)
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
) -> pd.DataFrame:
    """``unavailable`` windows (:data:`wfm.data.schemas.AVAILABILITY_COLUMNS`) that carry
    the rest, the most working days in a row and the runs of days off across the boundary
    into the week from ``week_start`` (see the module docstring)."""
    rows: list[tuple[str, pd.Timestamp, pd.Timestamp, str]] = []
    midnight = pd.Timestamp(week_start).tz_localize(timezone)
    first_day = (week_start - horizon_start).days

    def day_window(agent_id: str, offset: int) -> None:
        date = week_start + dt.timedelta(days=offset)
        rows.append(
            (
                agent_id,
                pd.Timestamp(date).tz_localize(timezone),
                pd.Timestamp(date + dt.timedelta(days=1)).tz_localize(timezone),
                "unavailable",
            )
        )

    for agent in agents:
        state = states.get(agent.agent_id)
        if state is None or state.last_end is None:
            continue
        contract = contracts[agent.contract]
        rest_until = state.last_end + pd.Timedelta(hours=contract.min_rest_hours)
        if rest_until > midnight:
            rows.append((agent.agent_id, midnight, rest_until, "unavailable"))
        for offset in range(min(state.leading_days_off, DAYS_PER_WEEK)):
            day_window(agent.agent_id, offset)
        run = state.trailing_working_days
        if run > 0:
            off_day = contract.max_consecutive_working_days - run
            if 0 <= off_day < DAYS_PER_WEEK:
                day_window(agent.agent_id, off_day)
        else:
            days_off = first_day - 1 - state.last_work_day
            for offset in range(max(contract.min_days_off_run_length - days_off, 0)):
                if offset < DAYS_PER_WEEK:
                    day_window(agent.agent_id, offset)
    return pd.DataFrame(rows, columns=["agent_id", "start", "end", "kind"])


def week_contracts(
    states: dict[str, AgentState],
    agents: Sequence[Agent],
    contracts: dict[str, Contract],
    weeks_left: int,
    week_number: int,
) -> tuple[tuple[Contract, ...], list[Agent]]:
    """The contracts of one week of a rolling horizon, with the limits over the whole
    horizon turned into what is left of each agent's budget (see the module docstring),
    and the agents pointed at them. Agents with equal budgets share a contract; a contract
    without horizon limits is kept as it is."""
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
            later = (weeks_left - 1) * contract.max_hours_per_week
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
    ``None`` when the LP did not solve to optimality."""
    model = build_rota_model(instance, settings, pooled_workforce(instance))
    run = run_highs(
        model,
        relaxation=True,
        threads=settings.threads,
        seed=settings.seed,
        time_limit_seconds=time_limit_seconds,
    )
    return run.bound if run.status == SolveStatus.OPTIMAL else None


WeekSolver = Callable[..., object]


def frozen_weeks(
    results: Sequence,
    horizon_start: dt.date,
    week_start: dt.date,
    site: RotaSite,
    before: FrozenRota | None = None,
) -> FrozenRota | None:
    """The frozen context of the window from ``week_start`` (:mod:`wfm.scheduling.history`):
    the rota of the windows solved so far (after ``before``, the rota worked before the
    horizon, if given), as far back as any contract's run rules or rotation look
    (:func:`~wfm.scheduling.history.history_depth`); ``before`` alone (or ``None``) for the
    first window. The week's model then keeps the runs of working days and days off and the
    rotation across the boundary exactly, without reading the week as repeating. Only when a
    contract has a rule the carried availability cannot keep (``min_consecutive_working_days``
    above 1, a rotation) or frozen weeks were given; otherwise ``None``."""
    if not results:
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
    frames = [r.rota for r in results[-weeks_back:]]
    if before is not None and first < horizon_start:
        frames.insert(0, before.rota)
    rota = pd.concat(frames, ignore_index=True)
    dates = pd.to_datetime(rota["date"]).dt.date
    return FrozenRota(rota.loc[(dates >= first).to_numpy()].reset_index(drop=True), first)


def schedule_rolling(
    requirements: pd.DataFrame,
    site: RotaSite,
    agents: Sequence[Agent],
    start_date: dt.date,
    weeks: int,
    instance: RotaInstance,
    schedule_one_week: WeekSolver,
    *,
    settings: SchedulingSettings,
    availability: pd.DataFrame | None = None,
    preferences: pd.DataFrame | None = None,
    progress: ProgressCallback | None = None,
    shift_demand: pd.DataFrame | None = None,
    history: FrozenRota | None = None,
):
    """Solve ``weeks`` weeks one at a time (see the module docstring).

    Parameters
    ----------
    requirements, site, agents, start_date, availability, preferences, shift_demand, history
        As for :func:`wfm.scheduling.week.schedule_week`.
    weeks
        Horizon length [weeks].
    instance
        The one-model instance of the whole horizon (for the bound).
    schedule_one_week
        :func:`wfm.scheduling.week.schedule_week` (passed in: that module calls this one).
    settings
        The scheduling settings; ``time_limit_seconds`` is the safety net of the whole
        horizon (each week may use all the time left, and at least ``1 / weeks`` of it).

    Returns
    -------
    RotaResult
        The rota, coverage and agent summary of the whole horizon; the summary's objective
        is the sum of the weeks' costs and its bound the whole horizon's LP bound.
    """
    from wfm.scheduling.compliance import check_rota
    from wfm.scheduling.week import RotaResult

    report = progress or no_progress
    started = time.perf_counter()
    contracts = {contract.name: contract for contract in site.contracts}
    states = {agent.agent_id: AgentState() for agent in agents}
    report(0.0, f"rolling horizon: bounding the cost of all {weeks} weeks (LP relaxation)")
    bound_started = time.perf_counter()
    bound = (
        horizon_bound(instance, settings, settings.time_limit_seconds)
        if settings.objective == "cover_requirement"
        else None
    )
    bound_seconds = time.perf_counter() - bound_started
    logger.info("rolling horizon: LP bound of %d weeks %s", weeks, bound)
    results = []
    steps = [f"rolling horizon of {weeks} weeks (LP bound {bound:.2f})" if bound else ""]
    for week in range(weeks):
        week_start = start_date + dt.timedelta(days=DAYS_PER_WEEK * week)
        carried = boundary_availability(
            states, agents, contracts, week_start, site.timezone, start_date
        )
        week_availability = _in_week(availability, week_start, site.timezone)
        if not carried.empty:
            week_availability = (
                carried
                if week_availability is None or week_availability.empty
                else pd.concat([week_availability, carried], ignore_index=True)
            )
        week_contract_set, week_agents = week_contracts(
            states, agents, contracts, weeks - week, week + 1
        )
        week_site = dataclasses.replace(site, contracts=week_contract_set)
        spent = time.perf_counter() - started
        # The safety net is on the whole horizon: each week may use all the time left (the
        # weeks stop on their work budgets first; a share per week fired under load), and at
        # least its share of the limit, so that a net spent by earlier weeks on a loaded
        # machine still leaves each later week a search (the horizon may then run past the
        # limit, by at most the limit; the summary says the net fired).
        week_settings = settings.model_copy(
            update={
                "time_limit_seconds": max(
                    settings.time_limit_seconds - spent, settings.time_limit_seconds / weeks
                )
            }
        )
        report(
            week / weeks,
            f"rolling horizon: week {week + 1} of {weeks} from {week_start}",
        )
        try:
            result = schedule_one_week(
                _in_week(requirements, week_start, site.timezone, column="interval_start"),
                week_site,
                week_agents,
                week_start,
                settings=week_settings,
                availability=week_availability,
                preferences=preferences,
                progress=scaled(report, week / weeks, (week + 1) / weeks),
                history=frozen_weeks(results, start_date, week_start, site, history),
                shift_demand=shift_demand,
            )
        except SolveError as error:
            raise SolveError(
                f"rolling horizon of {weeks} weeks (rolling_horizon_above_pairs = "
                f"{settings.rolling_horizon_above_pairs}): no rota for week {week + 1} from "
                f"{week_start}, the weeks before it frozen: {error}"
            ) from error
        advance_states(
            states,
            result.rota,
            result.agent_summary,
            site,
            start_date,
            DAYS_PER_WEEK * (week + 1),
            {agent.agent_id: contracts[agent.contract] for agent in agents},
        )
        results.append(result)
        steps.append(
            f"week {week + 1}: {result.summary.status.value}, cost {result.summary.objective:.2f}"
        )
    rota = pd.concat([r.rota for r in results], ignore_index=True)
    coverage = pd.concat([r.coverage for r in results], ignore_index=True)
    agent_summary = _horizon_agent_summary([r.agent_summary for r in results], agents)
    objective = float(sum(r.summary.objective for r in results))
    if bound is None:
        bound = float(sum(r.summary.bound for r in results if r.summary.bound is not None))
    if bound > objective:
        bound = objective
    breaches = check_rota(rota, site=site, agents=agents, rules=None, week_start=start_date)
    if breaches:
        logger.error("rolling horizon: the rota breaks %d rules: %s", len(breaches), breaches[:5])
        steps.append(f"{len(breaches)} rule breaches across week boundaries (see the log)")
    gap = relative_gap(objective, bound)
    summaries = [r.summary for r in results]
    summary = SolveSummary(
        status=SolveStatus.OPTIMAL
        if gap is not None and gap <= settings.relative_gap + 1e-9
        else SolveStatus.FEASIBLE,
        termination="; ".join(step for step in steps if step),
        objective=objective,
        bound=bound,
        gap=gap,
        build_seconds=sum(s.build_seconds for s in summaries) + bound_seconds,
        solve_seconds=sum(s.solve_seconds for s in summaries),
        wall_seconds=time.perf_counter() - started,
        n_variables=max(s.n_variables for s in summaries),
        n_integer_variables=max(s.n_integer_variables for s in summaries),
        n_constraints=max(s.n_constraints for s in summaries),
        under_staffed_agent_hours=sum(s.under_staffed_agent_hours for s in summaries),
        over_staffed_agent_hours=sum(s.over_staffed_agent_hours for s in summaries),
        paid_hours=sum(s.paid_hours for s in summaries),
        time_limit_reached=any(s.time_limit_reached for s in summaries),
    )
    report(1.0, f"rolling horizon: {weeks} weeks ready")
    return RotaResult(rota=rota, coverage=coverage, agent_summary=agent_summary, summary=summary)


def _in_week(
    frame: pd.DataFrame | None,
    week_start: dt.date,
    timezone: str,
    column: str = "start",
) -> pd.DataFrame | None:
    """The rows of ``frame`` whose ``column`` (tz-aware) falls in the week from
    ``week_start`` (availability windows: those that overlap it)."""
    if frame is None:
        return None
    begin = pd.Timestamp(week_start).tz_localize(timezone)
    end = pd.Timestamp(week_start + dt.timedelta(days=DAYS_PER_WEEK)).tz_localize(timezone)
    times = pd.to_datetime(frame[column])
    if column == "start" and "end" in frame:
        keep = (times < end) & (pd.to_datetime(frame["end"]) > begin)
    else:
        keep = (times >= begin) & (times < end)
    return frame.loc[keep.to_numpy()].reset_index(drop=True)


def _horizon_agent_summary(summaries: list[pd.DataFrame], agents: Sequence[Agent]) -> pd.DataFrame:
    """The weeks' agent summaries added up per agent, with each agent's own contract."""
    frame = pd.concat(summaries, ignore_index=True)
    numeric = [c for c in frame.columns if pd.api.types.is_numeric_dtype(frame[c])]
    totals = frame.groupby("agent_id", sort=False)[numeric].sum()
    first = summaries[0].set_index("agent_id")
    out = first.copy()
    for column in numeric:
        out[column] = totals.loc[out.index, column].to_numpy()
    out["contract"] = [agent.contract for agent in agents]
    return out.reset_index()


__all__ = [
    "AgentState",
    "advance_states",
    "boundary_availability",
    "frozen_weeks",
    "horizon_bound",
    "schedule_rolling",
    "shifts_of_rota",
    "week_contracts",
]
