"""A rolling horizon: a rota of many weeks solved one week at a time.

One model over a long horizon (a month or a quarter for hundreds or thousands of agents)
grows with agents × days × shifts; past ``scheduling.rolling_horizon_above_pairs``
agent-shift pairs :func:`wfm.scheduling.week.schedule_week` solves it week by week instead
(the threshold is a size, never a time, so the choice does not depend on the machine).
Each week is solved by the usual search (:func:`wfm.scheduling.search.solve_rota`) in a
*window* of that week and the :data:`LOOKAHEAD_WEEKS` weeks after it, one model read as a
line of weeks (:attr:`wfm.scheduling.instance.RotaInstance.cyclic_days` is ``False``: no
run of days wraps round from a Sunday to the window's first Monday, and a week's run of days
off may go on into the next week, whose coverage then pays for it); then the week is frozen
and the window moves on by one week (the last window freezes all its weeks). A week solved
alone either pushed its runs of days off into the next week unpriced (500 agents × 4 weeks:
700-1,000 agent-hours short on each later week, 27 % above the bound) or, made to end them
inside itself, lost its Sunday-Monday runs (24 %); read as a repeating week, the runs were
priced on its own Monday instead of the next one. What the next window must know of the
frozen weeks is carried across the boundary as each agent's
state (:class:`~wfm.scheduling.week_boundary.AgentState`, :mod:`wfm.scheduling.week_boundary`)
and turned into that week's inputs:

- **rest**: the agent is unavailable from the week's start until its last shift's end plus
  the contract's ``min_rest_hours`` (exact);
- **most working days in a row** (``max_consecutive_working_days`` = K): an agent who
  worked the last r days of the frozen weeks is unavailable on day K − r of the new week
  (so the run crossing the boundary is at most K days; this may forbid a run that a joint
  model would allow);
- **runs of days off** (``min_days_off_run_length`` = L): an agent whose frozen weeks end
  with j < L days off after a working day is unavailable on the new week's first L − j
  days; and the weekly run of ``min_consecutive_days_off`` days off that a frozen week
  started on its last days is finished at the start of the next window, whose first days
  are then off for that agent;
- **limits over the whole horizon** (``max_hours_per_horizon``, ``max_working_weekends``,
  ``max_shifts_per_type``): each week gets what is left of the agent's budget, and
  ``min_hours_per_horizon`` what is left minus what the remaining weeks can still give
  at the weekly maximum; agents with equal budgets share a contract copy for the week.

The weekly rules (hours, days, the run of days off each week) are weekly anyway. A model joining sites in different time zones (:mod:`wfm.scheduling.site_clocks`)
rolls on the reference zone's weeks, and each agent's state is carried on its own site's
clock: its rest from its last shift's instant, its days off and working-day runs on its own
local days from its own local midnight, its shift types by its local start time. Besides,
when a contract has ``min_consecutive_working_days`` above 1 or a rotation every N weeks
(or frozen weeks were given before the horizon), each window's model gets the frozen weeks
before it as context (:func:`~wfm.scheduling.week_boundary.frozen_weeks`, :mod:`wfm.scheduling.history`): the rules on
runs of working days and days off and the rotation continue from the frozen days exactly
(the window is a line of weeks either way). Not carried: the coverage that a
shift running past Sunday midnight gives the next week (it is not subtracted from the next
week's requirements, a small over-staffing there). The whole rota is checked by the
compliance checker (:func:`wfm.scheduling.compliance.check_rota`, as ``wfm check-rota``:
the law of the centre's country and the contracts) once, before it is returned (a model
joining sites in different zones, ``site.clocks``: each site's agents on their own clock and
country); the
breaches go out with the rota (``RotaResult.violations``), and a contract rule's breach is
logged and counted in the summary's termination.

The bound is honest: the pooled LP relaxation of the *whole* horizon (stage 1 of the search
on the one-model instance, a line of weeks as the windows are), so the reported gap
compares the rolled rota's cost (:func:`rolled_cost`, the whole horizon's objective read
from the frozen weeks) with a bound valid for every rota of the horizon, the same problem
the windows solve. (Before, each week was solved alone and read as repeating, and the
bound was that of the horizon read as repeating: 500 agents × 4 weeks ended 10.1 % above
it, weeks 3 and 4 finding no pooled rota near the LP solution before the safety net fired
under load.) With ``scheduling.objective = "weekly_service_level"`` each window is one week
(no look-ahead: that objective is weekly), the objective is the sum of the weeks' and the
bound that of each week's own search summed, which bounds only rotas that keep the frozen
weeks.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import time
from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd

from wfm.config import SchedulingSettings
from wfm.data.schemas import Agent
from wfm.errors import SolveError
from wfm.highs_cpu_limit import thread_cpu_seconds
from wfm.progress import ProgressCallback, no_progress, scaled
from wfm.scheduling.history import FrozenRota
from wfm.scheduling.instance import RotaInstance
from wfm.scheduling.precheck import PRECHECK_FAILED
from wfm.scheduling.site import RotaSite
from wfm.scheduling.solve import SolveStatus, SolveSummary, relative_gap
from wfm.scheduling.week_boundary import (
    AgentState,
    advance_states,
    agent_timezones,
    boundary_availability,
    frozen_weeks,
    horizon_bound,
    shifts_of_rota,
    week_contracts,
)

logger = logging.getLogger(__name__)

DAYS_PER_WEEK = 7


#: Solves one week (or window): :func:`wfm.scheduling.week.schedule_week`'s signature.
WeekSolver = Callable[..., object]


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
    """Solve ``weeks`` weeks one at a time, each in a window with the next week (see the
    module docstring).

    Parameters
    ----------
    requirements, site, agents, start_date, availability, preferences, shift_demand, history
        As for :func:`wfm.scheduling.week.schedule_week`.
    weeks
        Horizon length [weeks].
    instance
        The one-model instance of the whole horizon (for the bound and the rolled cost).
    schedule_one_week
        :func:`wfm.scheduling.week.schedule_week` (passed in: that module calls this one).
    settings
        The scheduling settings; ``time_limit_seconds`` is the safety net of the whole
        horizon (each window may use all the time left, and at least its weeks' share).

    Returns
    -------
    RotaResult
        The rota, coverage and agent summary of the whole horizon; the summary's objective
        is the whole horizon's cost of the rota (:func:`rolled_cost`) and its bound the
        whole horizon's LP bound.
    """
    from wfm.scheduling.compliance import contract_violations
    from wfm.scheduling.week import RotaResult

    # A model joining sites in different zones (site.clocks): each agent's boundary (rest,
    # days off, shift types) is carried on its own site's clock, and the check below is made
    # per site on its clock (a centre's plan checks each site under its own law and contracts
    # again, wfm.plan.site_compliance).
    zones = agent_timezones(site)
    report = progress or no_progress
    started = time.perf_counter()
    cpu_started = thread_cpu_seconds()  # the limit counts CPU time (wfm.scheduling.budget)
    contracts = {contract.name: contract for contract in site.contracts}
    contract_of = {agent.agent_id: contracts[agent.contract] for agent in agents}
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
    frozen_rotas: list[pd.DataFrame] = []
    frozen_coverage: list[pd.DataFrame] = []
    steps = [f"rolling horizon of {weeks} weeks (LP bound {bound:.2f})" if bound else ""]
    week = 0
    covering = settings.objective == "cover_requirement"
    while week < weeks:
        span, freeze = window_weeks(week, weeks, LOOKAHEAD_WEEKS if covering else 0)
        week_start = start_date + dt.timedelta(days=DAYS_PER_WEEK * week)
        window_end = week_start + dt.timedelta(days=DAYS_PER_WEEK * span)
        carried = boundary_availability(
            states, agents, contracts, week_start, site.timezone, start_date, zones
        )
        week_availability = _in_week(
            availability, week_start, site.timezone, weeks=span, tail_days=1 if zones else 0
        )
        if not carried.empty:
            week_availability = (
                carried
                if week_availability is None or week_availability.empty
                else pd.concat([week_availability, carried], ignore_index=True)
            )
        week_contract_set, week_agents = week_contracts(
            states, agents, contracts, weeks - week, week + 1, window=span
        )
        week_site = dataclasses.replace(site, contracts=week_contract_set)
        spent = thread_cpu_seconds() - cpu_started
        # The safety net is on the whole horizon: each window may use all the time left (the
        # windows stop on their work budgets first; a share per week fired on slow weeks), and
        # at least its share of the limit, so that a net spent by earlier weeks on a loaded
        # machine still leaves each later window a search (the horizon may then run past the
        # limit, by at most the limit; the summary says the net fired). The window is one
        # model whatever its size (no rolling inside it).
        week_settings = settings.model_copy(
            update={
                "time_limit_seconds": max(
                    settings.time_limit_seconds - spent,
                    settings.time_limit_seconds * span / weeks,
                ),
                "rolling_horizon_above_pairs": NEVER_ROLL_PAIRS,
            }
        )
        label = f"week {week + 1}" if freeze == 1 else f"weeks {week + 1}-{week + freeze}"
        report(
            week / weeks,
            f"rolling horizon: {label} of {weeks} from {week_start}"
            + (f" (looking {span - freeze} week ahead)" if span > freeze else ""),
        )
        try:
            result = schedule_one_week(
                _in_week(
                    requirements, week_start, site.timezone, column="interval_start", weeks=span
                ),
                week_site,
                week_agents,
                week_start,
                settings=week_settings,
                availability=week_availability,
                preferences=preferences,
                progress=scaled(report, week / weeks, (week + freeze) / weeks),
                weeks=span,
                # A line: a run of days off may run on past the window's last day (past
                # the horizon nothing follows; past a look-ahead week the next window decides).
                cyclic_days=False,
                history=frozen_weeks(frozen_rotas, start_date, week_start, site, history),
                shift_demand=shift_demand,
            )
        except SolveError as error:
            message = rolling_failure_message(
                error, week + 1, weeks, week_start, len(instance.eligible), settings
            )
            logger.error("%s", message)
            raise SolveError(message) from error
        rota_part = _in_week(result.rota, week_start, site.timezone, column="date", weeks=freeze)
        coverage_part = _in_week(
            result.coverage, week_start, site.timezone, column="interval_start", weeks=freeze
        )
        frozen_rotas.append(rota_part)
        frozen_coverage.append(coverage_part)
        advance_states(
            states,
            rota_part,
            _paid_hours(rota_part, instance, agents),
            site,
            start_date,
            DAYS_PER_WEEK * (week + freeze),
            contract_of,
        )
        results.append(result)
        steps.append(
            f"{label}: {result.summary.status.value}, cost {result.summary.objective:.2f}"
            + (
                f" over {span} weeks to {window_end - dt.timedelta(days=1)}, the first frozen"
                if span > freeze
                else ""
            )
        )
        week += freeze
    rota = pd.concat(frozen_rotas, ignore_index=True)
    coverage = pd.concat(frozen_coverage, ignore_index=True)
    objective, agent_summary = rolled_cost(rota, coverage, instance, settings)
    if not covering:
        objective = float(sum(r.summary.objective for r in results))
    if bound is None:
        bound = float(sum(r.summary.bound for r in results if r.summary.bound is not None))
    if bound > objective:
        bound = objective
    # Checked once, against the law and the contracts as `wfm check-rota` checks it; the
    # result goes out with the rota (RotaResult.violations) so that callers need not check
    # it again. The summary counts the contract rules' breaches, which the windows' models
    # hold and only their boundaries can break (the law's rest breaks, say, are not modelled
    # when the centre has no break rules).
    violations = _check_rolled(rota, site, agents, start_date)
    breaches = contract_violations(violations)
    if breaches:
        logger.error("rolling horizon: the rota breaks %d rules: %s", len(breaches), breaches[:5])
        steps.append(f"{len(breaches)} rule breaches across week boundaries (see the log)")
    gap = relative_gap(objective, bound)
    summaries = [r.summary for r in results]
    hours = instance.interval_hours
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
        under_staffed_agent_hours=float(coverage["under_staffed"].sum() * hours),
        over_staffed_agent_hours=float(coverage["over_staffed"].sum() * hours),
        paid_hours=float(agent_summary["paid_hours"].sum()),
        time_limit_reached=any(s.time_limit_reached for s in summaries),
    )
    report(1.0, f"rolling horizon: {weeks} weeks ready")
    return RotaResult(
        rota=rota,
        coverage=coverage,
        agent_summary=agent_summary,
        summary=summary,
        violations=tuple(violations),
    )


#: Weeks each window of the rolling horizon looks ahead past the week it freezes [weeks]:
#: a week solved alone pushed its runs of days off into the next week's first days, unpriced
#: (500 agents x 4 weeks: each later week 700-1,000 agent-hours short, 27 % above the bound),
#: and a week whose runs must end inside it gave up its Sunday-Monday runs (24 %).
LOOKAHEAD_WEEKS = 1

#: ``rolling_horizon_above_pairs`` of a window's own search: never roll inside a window.
NEVER_ROLL_PAIRS = 2**62


def window_weeks(week: int, weeks: int, lookahead: int = LOOKAHEAD_WEEKS) -> tuple[int, int]:
    """The window of the rolling horizon from week ``week`` (0-based) of ``weeks``: its
    length and the weeks it freezes [weeks]. Each window is the week it freezes and
    ``lookahead`` weeks after it; the last window freezes all it holds.

    >>> [window_weeks(w, 4) for w in range(3)]
    [(2, 1), (2, 1), (2, 2)]
    >>> window_weeks(0, 1), window_weeks(2, 4, lookahead=0)
    ((1, 1), (1, 1))
    """
    span = min(1 + lookahead, weeks - week)
    return span, span if week + span == weeks else 1


def _paid_hours(rota: pd.DataFrame, instance: RotaInstance, agents: Sequence[Agent]):
    """Paid hours per agent of a (frozen) rota, from the horizon's shift candidates
    (columns ``agent_id`` and ``paid_hours``, every agent)."""
    matched, _ = _matched_shifts(rota, instance)
    minutes = matched.groupby("agent")["paid_minutes"].sum()
    ids = [a.agent_id for a in instance.agents]
    paid = {ids[int(a)]: float(m) / 60.0 for a, m in minutes.items()}
    return pd.DataFrame(
        {
            "agent_id": [agent.agent_id for agent in agents],
            "paid_hours": [paid.get(agent.agent_id, 0.0) for agent in agents],
        }
    )


def _matched_shifts(rota: pd.DataFrame, instance: RotaInstance):
    """The horizon's candidates of a rota's shifts (:func:`wfm.scheduling.reoptimise.match_shifts`),
    also for a rota without shifts."""
    from wfm.scheduling.reoptimise import match_shifts, rota_shifts

    if rota.empty:
        empty = pd.DataFrame(
            {column: [] for column in ("agent", "candidate", "day", "paid_minutes")},
            dtype="int64",
        )
        return empty, pd.DataFrame()
    return match_shifts(rota_shifts(rota), instance)


def rolled_cost(
    rota: pd.DataFrame,
    coverage: pd.DataFrame,
    instance: RotaInstance,
    settings: SchedulingSettings,
) -> tuple[float, pd.DataFrame]:
    """The cost of a rolled rota [cost units], read as the whole horizon's model reads it
    (:func:`wfm.scheduling.model.add_cost_objective`), and its agent summary.

    Paid hours at each agent's contract cost, under- and over-staffing from ``coverage``
    (the frozen parts of the windows' coverage: the staffing each window's model saw,
    without the minutes a shift of the week before runs past midnight, so the cost is at
    most overstated), broken preferences and requests, and the fairness price on the
    agent with the most weekend days and late shifts over the whole horizon.
    """
    from wfm.scheduling.rota import agent_summary as summarise_agents

    matched, unmatched = _matched_shifts(rota, instance)
    if not unmatched.empty:
        logger.warning(
            "rolling horizon: %d shifts match no shift of the horizon (left out of the cost)",
            len(unmatched),
        )
    pairs = matched[["agent", "candidate"]]
    agent_summary = summarise_agents(pairs, instance, late_shift_end=settings.late_shift_end)
    cost_per_hour = np.array([c.cost_per_paid_hour for c in instance.contracts])
    paid = float(
        (
            matched["paid_minutes"].to_numpy() / 60.0 * cost_per_hour[matched["agent"].to_numpy()]
        ).sum()
    )
    hours = instance.interval_hours
    staffing = hours * (
        settings.under_staffing_cost_per_agent_hour * float(coverage["under_staffed"].sum())
        + settings.over_staffing_cost_per_agent_hour * float(coverage["over_staffed"].sum())
    )
    if instance.shift_demand is not None and not instance.scheduled_required.any():
        # Demand given only per day and shift type: no interval is under- or over-staffed
        # against a requirement nobody gave (as wfm.scheduling.model.add_coverage reads it).
        staffing = 0.0
    staffing += _shift_demand_cost(pairs, instance, settings)
    preferences = 0.0
    weights = instance.preference_weight
    if settings.preference_cost > 0 and (
        instance.requested_weight or (weights is not None and not weights.empty)
    ):
        broken = (
            float(pairs.merge(weights, on=["agent", "candidate"])["weight"].sum())
            if weights is not None and not weights.empty
            else 0.0
        )
        preferences = settings.preference_cost * (instance.requested_weight + broken)
    fairness = 0.0
    if settings.fairness_cost > 0 and not agent_summary.empty:
        fairness = settings.fairness_cost * float(
            agent_summary["weekend_days"].max() + agent_summary["late_shifts"].max()
        )
    return paid + staffing + preferences + fairness, agent_summary


def _shift_demand_cost(
    pairs: pd.DataFrame, instance: RotaInstance, settings: SchedulingSettings
) -> float:
    """The price of the agents short of the demand per day and shift type over the whole
    horizon [cost units], as :mod:`wfm.scheduling.rules.shift_demand` prices it: each row's
    agents minus the rota's shifts among its candidates, at least 0, times its price."""
    from wfm.scheduling.rules.shift_demand import demand_prices

    if instance.shift_demand is None or instance.shift_demand.empty:
        return 0.0
    prices = demand_prices(instance, settings)
    worked = pairs["candidate"].value_counts().to_dict()
    return float(
        sum(
            max(agents - sum(worked.get(c, 0) for c in ids), 0.0) * price
            for agents, ids, price in zip(
                prices["agents"], prices["candidates"], prices["price"], strict=True
            )
        )
    )


def rolling_failure_message(
    error: SolveError,
    week_number: int,
    weeks: int,
    week_start: dt.date,
    horizon_pairs: int,
    settings: SchedulingSettings,
) -> str:
    """The no-rota message of a rolling horizon whose week ``week_number`` found no rota:
    which week and which stage failed (the check before solving, or the search, whose own
    message names each of its stages), why, and what would help: first solving the horizon
    in one model, in which no week is frozen before the next is known (the weeks before
    this one were frozen and their rest, runs of days and horizon budgets carried in), then
    the week's own fix."""
    text = str(error)
    if text.startswith(PRECHECK_FAILED):
        stage = f"the check before solving week {week_number}"
    else:
        stage = f"the search of week {week_number} (its stages below)"
    before = "week 1 was" if week_number == 2 else f"weeks 1 to {week_number - 1} were"
    frozen = (
        f"; {before} frozen before it and carried in as each agent's rest, working days in a "
        "row, runs of days off and what is left of the horizon's budgets"
        if week_number > 1
        else ""
    )
    one_model = (
        f"Fix: solve the {weeks} weeks in one model, where no week is fixed before the next is "
        f"known, by raising scheduling.rolling_horizon_above_pairs (now "
        f"{settings.rolling_horizon_above_pairs}) to at least {horizon_pairs} (the horizon's "
        "agent-shift pairs; the model then needs more memory and time), or plan fewer weeks at "
        "a time; otherwise the week's own fix below"
    )
    return (
        f"rolling horizon of {weeks} weeks: no rota for week {week_number} from {week_start}: "
        f"{stage} failed{frozen}. {one_model}. Week {week_number}: {text}"
    )


def _check_rolled(
    rota: pd.DataFrame, site: RotaSite, agents: Sequence[Agent], start_date: dt.date
) -> list:
    """The rolled rota checked as ``wfm check-rota`` checks it: on the site's clock, or for a
    model joining sites in different zones each site's agents on their own site's clock and
    country (:class:`~wfm.scheduling.site.SiteClock`), weeks from their own local midnight."""
    from wfm.scheduling.compliance import check_rota

    if not site.clocks:
        return check_rota(rota, site=site, agents=agents, week_start=start_date)
    violations = []
    for clock in site.clocks:
        ids = set(clock.agent_ids)
        violations.extend(
            check_rota(
                rota[rota["agent_id"].isin(ids)],
                site=dataclasses.replace(
                    site, timezone=clock.timezone, country=clock.country, clocks=()
                ),
                agents=[agent for agent in agents if agent.agent_id in ids],
                week_start=start_date,
            )
        )
    return violations


def _in_week(
    frame: pd.DataFrame | None,
    week_start: dt.date,
    timezone: str,
    column: str = "start",
    weeks: int = 1,
    tail_days: int = 0,
) -> pd.DataFrame | None:
    """The rows of ``frame`` whose ``column`` falls in the ``weeks`` weeks from
    ``week_start``: tz-aware times (availability windows: those that overlap them), or
    local dates (``column="date"``). ``tail_days`` more days of times are kept (the local
    weeks of sites west of the reference zone end after its week)."""
    if frame is None:
        return None
    if column == "date":
        end_date = week_start + dt.timedelta(days=DAYS_PER_WEEK * weeks)
        dates = pd.to_datetime(frame["date"]).dt.date
        keep = (dates >= week_start) & (dates < end_date)
        return frame.loc[keep.to_numpy()].reset_index(drop=True)
    begin = pd.Timestamp(week_start).tz_localize(timezone)
    end = pd.Timestamp(
        week_start + dt.timedelta(days=DAYS_PER_WEEK * weeks + tail_days)
    ).tz_localize(timezone)
    times = pd.to_datetime(frame[column])
    if column == "start" and "end" in frame:
        keep = (times < end) & (pd.to_datetime(frame["end"]) > begin)
    else:
        keep = (times >= begin) & (times < end)
    return frame.loc[keep.to_numpy()].reset_index(drop=True)


__all__ = [
    "AgentState",
    "advance_states",
    "boundary_availability",
    "frozen_weeks",
    "horizon_bound",
    "rolled_cost",
    "rolling_failure_message",
    "schedule_rolling",
    "shifts_of_rota",
    "week_contracts",
    "window_weeks",
]
