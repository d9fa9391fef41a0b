"""Schedule one week: prepare, pre-check, build, solve and read the rota.

:func:`schedule_week` chains the separate steps of the rota engine and returns one
:class:`RotaResult`. Each step is a public function of its own module, so that later
features (warm starts, re-optimisation, diagnosis) can reuse them.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from wfm.config import SchedulingSettings
from wfm.data.schemas import Agent
from wfm.errors import InputError, SolveError
from wfm.progress import ProgressCallback, no_progress, scaled
from wfm.scheduling.history import FrozenRota
from wfm.scheduling.instance import RotaInstance, prepare_week
from wfm.scheduling.precheck import check_contracts_reachable
from wfm.scheduling.rolling import NEVER_ROLL_PAIRS, schedule_rolling
from wfm.scheduling.rota import (
    agent_summary,
    assign_breaks,
    coverage_frame,
    read_assignments,
    read_break_starts,
    rota_frame,
    scheduled_by_queue,
)
from wfm.scheduling.rota_view import Violation
from wfm.scheduling.service_target import solve_for_objective
from wfm.scheduling.site import RotaSite
from wfm.scheduling.solve import SolveStatus, SolveSummary
from wfm.timegrid import DAYS_PER_WEEK

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class RotaResult:
    """A rota for named agents and what it achieves.

    Parameters
    ----------
    rota
        One row per activity (:data:`wfm.data.schemas.ROTA_COLUMNS`): work pieces, breaks
        and lunches partitioning each shift; sorted by agent and start.
    coverage
        Per interval and queue over the whole week
        (:data:`wfm.scheduling.rota.ROTA_COVERAGE_COLUMNS`) [agents].
    agent_summary
        Per agent (:data:`wfm.scheduling.rota.AGENT_SUMMARY_COLUMNS`).
    summary
        Solve status, objective, bound, gap, timings and totals.
    violations
        The rota's breaches of the working-time law and the contracts
        (:func:`wfm.scheduling.compliance.check_rota` with the centre's law) when the
        scheduling run checked the rota itself (the rolling horizon does), so that a caller
        need not check it again (at 2,000 agents over 4 weeks the check costs some 20 s of
        CPU); ``None`` when it was not checked. A rolled model joining sites in different
        time zones (``site.clocks``) is checked per site on its own clock and country;
        the merged rota of a centre with sites carries each site's check, its agents under
        their own site's law and contracts, a rolled group's reused
        (:attr:`wfm.plan.centre_rota.CentreRota.checks`).
    """

    rota: pd.DataFrame
    coverage: pd.DataFrame
    agent_summary: pd.DataFrame
    summary: SolveSummary
    violations: tuple[Violation, ...] | None = None


def schedule_week(
    requirements: pd.DataFrame,
    site: RotaSite,
    agents: Sequence[Agent],
    start_date: dt.date,
    *,
    progress: ProgressCallback | None = None,
    settings: SchedulingSettings | None = None,
    availability: pd.DataFrame | None = None,
    preferences: pd.DataFrame | None = None,
    weeks: int = 1,
    cyclic_days: bool | None = None,
    history: FrozenRota | None = None,
    shift_demand: pd.DataFrame | None = None,
) -> RotaResult:
    """Build the rota for one week (7 local days from ``start_date``), or for ``weeks``
    weeks in one model (see :func:`schedule_horizon`).

    Shifts come from ``site.shift_templates`` (inside opening hours), breaks from
    ``site.break_rules`` (placed by the optimisation, so coverage counts them), hard
    rules from each agent's contract; coverage is soft, with under-staffing penalised above
    over-staffing (see :mod:`wfm.scheduling.model` for the formulation).

    Parameters
    ----------
    requirements
        One row per (interval, queue): ``interval_start`` (tz-aware), ``queue``,
        ``agents_scheduled_required`` [agents] and optionally ``agents_required``
        [agents]. Missing intervals count as zero.
    site
        What the engine uses of the centre: :func:`wfm.scheduling.site.rota_site` of it.
    agents
        Agents to schedule.
    start_date
        First local date of the week.
    progress
        Called with (fraction done, message) between steps.
    settings
        Objective weights and solver controls; default ``site.scheduling``.
    availability
        Approved time off and availability windows, hard
        (:func:`wfm.data.availability.read_availability`); ``None`` for none.
    preferences
        Agents' preferences, soft (:func:`wfm.data.preferences.read_preferences`); ``None``
        for none.
    weeks
        Horizon length [weeks], at least 1.
    cyclic_days
        Read the horizon as a repeating pattern (``True``) or as a line of weeks
        (``False``) for the rules on runs of days
        (:attr:`wfm.scheduling.instance.RotaInstance.cyclic_days`); default: one week
        without ``history`` repeats, several weeks are a line. The windows of a rolling
        horizon are lines.
    history
        The rota worked before ``start_date`` (:class:`~wfm.scheduling.history.FrozenRota`):
        the rules on runs of days and the rotation continue from it, and the horizon is a
        line of weeks after it (not repeating); ``None`` (the default): see ``cyclic_days``.
    shift_demand
        Agents wanted per day and shift type
        (:func:`wfm.data.shift_demand.read_shift_demand`), priced like under-cover
        (:mod:`wfm.scheduling.rules.shift_demand`), as well as or instead of
        ``requirements`` (which may then be empty); ``None`` for none.

    Returns
    -------
    RotaResult
        The best rota found; under-staffing that no rota can avoid is reported in
        ``coverage`` and ``summary``, not raised.

    Raises
    ------
    SolveError
        If no rota satisfies every contract (the message names the agents and rules), or
        the solver found no rota within its time limit or failed.
    InputError, ConfigError
        For inputs that cannot be used (unknown contract or queue, bad requirements,
        break windows that can overlap).
    """
    report = progress or no_progress
    settings = settings or site.scheduling
    started = time.perf_counter()
    if int(weeks) != weeks or weeks < 1:
        raise InputError(
            "the rota horizon must be a whole number of weeks", value=weeks, fix="use weeks >= 1"
        )

    report(0.0, "preparing shifts and breaks")
    instance = prepare_week(
        requirements,
        site,
        agents,
        start_date,
        days=DAYS_PER_WEEK * int(weeks),
        availability=availability,
        preferences=preferences,
        cyclic_days=cyclic_days,
        history=history,
        shift_demand=shift_demand,
    )
    check_contracts_reachable(instance)
    prepare_seconds = time.perf_counter() - started

    def week_by_week(progress: ProgressCallback) -> RotaResult:
        return schedule_rolling(
            requirements,
            site,
            agents,
            start_date,
            int(weeks),
            instance,
            schedule_week,
            settings=settings,
            availability=availability,
            preferences=preferences,
            progress=progress,
            shift_demand=shift_demand,
            history=history,
        )

    if weeks > 1 and len(instance.eligible) > settings.rolling_horizon_above_pairs:
        logger.info(
            "%d agent-shift pairs over %d weeks > rolling_horizon_above_pairs = %d: rolling horizon",
            len(instance.eligible),
            weeks,
            settings.rolling_horizon_above_pairs,
        )
        return week_by_week(scaled(report, 0.05, 1.0))

    one_model_share = 0.5 if weeks > 1 else 0.95  # the rest for week by week, if needed
    search = solve_for_objective(
        instance, settings, requirements, progress=scaled(report, 0.05, one_model_share)
    )
    summary = dataclasses.replace(
        search.summary, build_seconds=search.summary.build_seconds + prepare_seconds
    )
    rolls_when_stuck = (  # never inside a window of the rolling horizon (no rolling there)
        weeks > 1
        and search.model is None
        and summary.status == SolveStatus.NO_SOLUTION
        and settings.rolling_horizon_above_pairs < NEVER_ROLL_PAIRS
    )
    if rolls_when_stuck:
        # One model of several weeks spent its budgets without a rota (300 agents x 4 weeks
        # of the US bank with 12 h rest: share-out and rounding both infeasible), where week
        # by week, each week in a window with the next, finds one: a rota, said to be rolled.
        logger.warning(
            "no rota from one model of %d weeks (%s): solving week by week",
            weeks,
            summary.termination,
        )
        rolled = week_by_week(scaled(report, one_model_share, 1.0))
        termination = (
            f"one model of the {int(weeks)} weeks found no rota ({summary.termination}), "
            f"so they were solved week by week: {rolled.summary.termination}"
        )
        return dataclasses.replace(  # the times count the one model's attempt too
            rolled,
            summary=dataclasses.replace(
                rolled.summary,
                termination=termination,
                build_seconds=rolled.summary.build_seconds + summary.build_seconds,
                solve_seconds=rolled.summary.solve_seconds + summary.solve_seconds,
                wall_seconds=time.perf_counter() - started,
            ),
        )
    if search.model is None:
        message = _no_rota_message(summary, settings)
        logger.error("no rota for %d agents from %s: %s", len(agents), start_date, message)
        raise SolveError(message)

    report(0.95, "reading the rota")
    result = read_rota_result(
        search.model, instance, summary, started, late_shift_end=settings.late_shift_end
    )
    report(1.0, "rota ready")
    logger.info("rota: %s", result.summary.describe())
    return result


def schedule_horizon(
    requirements: pd.DataFrame,
    site: RotaSite,
    agents: Sequence[Agent],
    start_date: dt.date,
    weeks: int = 1,
    **options,
) -> RotaResult:
    """Build the rota for ``weeks`` whole weeks from ``start_date`` in one model.

    Contract hours and days hold in each calendar week (each 7 days from ``start_date``);
    rest between shifts, the most working days in a row and the runs of days off hold across
    the week boundaries; a shift that starts on a Sunday evening and runs past midnight
    covers the Monday of the next week. The horizon is a line of weeks for the
    consecutive-day rules (:attr:`wfm.scheduling.instance.RotaInstance.cyclic_days`): a run
    of days off started in the last week may run on past its last day, and no run wraps
    round from the last week to the first.
    One model rather than a week-by-week (rolling) solve, so that no week is fixed before
    the next one is known: see ``docs/scheduling.md`` for the sizes and times measured.

    Parameters
    ----------
    requirements, site, agents, start_date
        As for :func:`schedule_week`; the requirements should cover every week.
    weeks
        Horizon length [weeks], at least 1.
    **options
        ``progress``, ``settings``, ``availability`` and ``preferences`` as for
        :func:`schedule_week`.

    Returns
    -------
    RotaResult
        The rota, coverage and per-agent totals over the whole horizon.
    """
    return schedule_week(requirements, site, agents, start_date, weeks=weeks, **options)


def read_rota_result(
    model, instance: RotaInstance, summary: SolveSummary, started: float, *, late_shift_end: str
) -> RotaResult:
    """Read the rota, coverage and agent summary from a solved model and complete the
    summary's totals and wall time (``started`` is a :func:`time.perf_counter` value;
    ``late_shift_end`` as ``scheduling.late_shift_end``, for the agent summary)."""
    assignments = read_assignments(model, instance)
    agent_breaks = assign_breaks(assignments, read_break_starts(model), instance)
    rota = rota_frame(assignments, agent_breaks, instance)
    coverage = coverage_frame(scheduled_by_queue(model, instance), instance)
    agents = agent_summary(assignments, instance, late_shift_end=late_shift_end)
    hours = instance.interval_hours
    summary = dataclasses.replace(
        summary,
        under_staffed_agent_hours=float(coverage["under_staffed"].sum() * hours),
        over_staffed_agent_hours=float(coverage["over_staffed"].sum() * hours),
        paid_hours=float(agents["paid_hours"].sum()),
        wall_seconds=time.perf_counter() - started,
    )
    return RotaResult(rota=rota, coverage=coverage, agent_summary=agents, summary=summary)


def _no_rota_message(summary: SolveSummary, settings: SchedulingSettings) -> str:
    if summary.status == SolveStatus.INFEASIBLE:
        return (
            "no rota satisfies every agent's contract and the rest rule together, although each contract passes "
            "the quick check on its own: the minimum rest between shifts on consecutive days, or paid hours that no "
            "combination of the allowed shift lengths adds up to, rules it out for some agents. Fix: lower the "
            "contracts' minimum days or hours, widen their hour ranges, or add shift templates whose times leave "
            "the minimum rest between days"
        )
    if summary.status == SolveStatus.NO_SOLUTION:
        if summary.time_limit_reached:
            fix = (
                f"raise scheduling.time_limit_seconds (now {settings.time_limit_seconds:g} s; the "
                "limit stopped the search before its work budgets were spent)"
            )
        else:
            fix = (
                "relax the contracts' minimum hours and days or the minimum rest, or add shift "
                "templates whose times leave the minimum rest between days (every stage spent "
                "its work budget without a rota)"
            )
        return (
            f"no rota found. How each stage of the search ended: {summary.termination}. Fix: {fix}"
        )
    return f"the solver failed ({summary.termination}). Fix: run again with a log level of DEBUG and report it"
