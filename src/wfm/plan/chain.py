"""The whole planning chain for a centre: history → forecast → requirements → rota → review.

This is the orchestration layer (layer 3): it chains the library's steps and returns one
:class:`PlanResult`; the CLI (``wfm plan``), the app and the notebook all call it.

Example
-------
>>> from wfm.config import load_centre
>>> from wfm.plan.chain import run_plan, write_plan
>>> result = run_plan(load_centre("data/sample/centre.toml"))   # doctest: +SKIP
>>> write_plan(result, "out/plan")                              # doctest: +SKIP
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import math
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from wfm.config import Centre, SchedulingSettings
from wfm.data.agents import read_agents
from wfm.data.history import read_history
from wfm.data.io import write_files_atomic
from wfm.data.output_files import read_requirements
from wfm.data.preferences import read_preferences
from wfm.data.schemas import COVERAGE_COLUMNS, Agent, History
from wfm.errors import ConfigError
from wfm.execution import Executor
from wfm.forecast import forecast_history
from wfm.forecast.calendar import start_after_history  # noqa: F401  (moved there; issue 15)
from wfm.forecast.holiday_effects import HolidayCalendar
from wfm.plan.centre_rota import (
    StreamedRota,
    group_requirements,
    review_centre,
    rota_weeks,
    schedule_centre,
    schedule_one_model,
    solve_summary_dict,
)
from wfm.plan.groups import (
    GroupSolve,
    StaffingGroup,
    agent_site_timezones,
    concat_in_timezone,
    staffing_groups,
)
from wfm.plan.report import plan_report
from wfm.plan.site_agents import read_agent_availability
from wfm.plan.site_compliance import SiteCheck, site_violations_frame
from wfm.progress import ProgressCallback, scaled
from wfm.review.projection import project_service, summarise_service
from wfm.scheduling import RotaResult
from wfm.scheduling.exports import rota_export_files, unpaid_activities_of
from wfm.scheduling.history import FrozenRota
from wfm.scheduling.rota_view import week_start_for
from wfm.staffing import ServiceTarget, compute_requirements
from wfm.timegrid import DAYS_PER_WEEK

logger = logging.getLogger(__name__)

#: Days in a rota week, as the app's Forecast page imports it (one value:
#: :data:`wfm.timegrid.DAYS_PER_WEEK`).
ROTA_DAYS = DAYS_PER_WEEK


@dataclass(frozen=True)
class PlanResult:
    """Everything one run of the planning chain produced.

    Attributes
    ----------
    centre, history, agents
        The inputs.
    start_date
        First local date planned.
    forecast
        ``interval_start, queue, offered, aht_seconds, model`` per open interval.
    requirements
        Output of :func:`wfm.staffing.compute_requirements`.
    rota
        The scheduler's result (rota, coverage, agent summary, solve summary).
    projected
        Output of :func:`wfm.review.projection.project_service` for the rota's week.
    summary
        Output of :func:`wfm.review.projection.summarise_service`.
    timings_seconds
        Wall time of each step [seconds].
    groups
        One solve summary per staffing group when the rota was solved as several models
        (:mod:`wfm.plan.groups`); empty for one model.
    agent_timezones
        Each agent's time zone (its site's), by agent id
        (:func:`wfm.plan.groups.agent_site_timezones`); empty means the centre's zone.
    compliance
        The rota's check against the working-time law and the contracts, one
        :class:`~wfm.plan.site_compliance.SiteCheck` per site, each on its site's clock
        (:func:`wfm.plan.site_compliance.merged_rota_checks`, made as the groups' rotas are
        merged: :attr:`wfm.plan.centre_rota.CentreRota.checks`); empty for a centre without
        sites (not checked here).
    """

    centre: Centre
    history: History
    agents: tuple[Agent, ...]
    start_date: dt.date
    forecast: pd.DataFrame
    requirements: pd.DataFrame
    rota: RotaResult
    projected: pd.DataFrame
    summary: pd.DataFrame
    timings_seconds: dict[str, float] = field(default_factory=dict)
    groups: tuple[GroupSolve, ...] = ()
    agent_timezones: dict[str, str] = field(default_factory=dict)
    compliance: tuple[SiteCheck, ...] = ()


def service_targets(centre: Centre) -> dict[str, ServiceTarget]:
    """Service targets per queue from the centre file."""
    return {queue.name: ServiceTarget.from_queue(queue) for queue in centre.queues}


def shrinkage_by_queue(centre: Centre) -> dict[str, float]:
    """Shrinkage fraction per queue from the centre file."""
    return {queue.name: centre.shrinkage_for(queue.name) for queue in centre.queues}


def default_start_date(history: History) -> dt.date:
    """The Monday after the last day of history (local date)."""
    last = history.frame["interval_start"].max().date()
    return last + dt.timedelta(days=7 - last.weekday())


def _named_file(centre: Centre, field: str, what: str) -> Path:
    """The file ``centre.<field>`` names, resolved; a ConfigError if it names none."""
    path = centre.resolve(getattr(centre, field))
    if path is None:
        raise ConfigError(
            f"the centre file names no {what}",
            column=f"centre.{field}",
            fix=f'add {field} = "{field}.csv"',
        )
    return path


def load_history(centre: Centre) -> History:
    """Read the history the centre file names, in the centre's time zone and interval."""
    from wfm.data.handle_time import aht_assumption, fill_missing_aht

    path = _named_file(centre, "history", "history")
    history = read_history(
        path,
        timezone=centre.timezone,
        interval_minutes=centre.interval_minutes,
        sheet=centre.history_sheet,
        sheet_option="history_sheet =",
    )
    return fill_missing_aht(history, aht_assumption(centre))


def no_interval_requirements(centre: Centre) -> pd.DataFrame:
    """An empty requirements frame in the centre's zone, for a rota whose demand is given per
    day and shift type only."""
    return pd.DataFrame(
        {
            "interval_start": pd.DatetimeIndex([], tz=centre.timezone),
            "queue": pd.Series([], dtype=object),
            **{
                column: pd.Series([], dtype=float)
                for column in ("offered", "aht_seconds", "traffic_erlangs")
            },
            "agents_required": pd.Series([], dtype=float),
            "agents_scheduled_required": pd.Series([], dtype=float),
            "shrinkage_fraction": pd.Series([], dtype=float),
        }
    )


def load_rota_requirements(path: str | Path | None, centre: Centre) -> pd.DataFrame:
    """A requirements CSV (from ``wfm staff`` or ``wfm plan``) read for a rota of ``centre``
    (:func:`rota_requirements`); local times in the centre's zone. ``None``: no interval
    requirements (the demand is the centre's shift demand)."""
    return rota_requirements(
        None if path is None else read_requirements(path, centre.timezone), centre
    )


def rota_requirements(requirements: pd.DataFrame | None, centre: Centre) -> pd.DataFrame:
    """Requirements read from a file made ready for a rota of ``centre``: each queue's
    shrinkage from the centre file where the file carries none (a file written before the
    column existed). ``None``: no interval requirements (the demand is the centre's shift
    demand)."""
    if requirements is None:  # demand given per day and shift type only (centre.shift_demand)
        return no_interval_requirements(centre)
    if "shrinkage_fraction" not in requirements:
        requirements = requirements.assign(
            shrinkage_fraction=requirements["queue"].map(centre.shrinkage_for)
        )
    return requirements


def load_agents(centre: Centre) -> list[Agent]:
    """Read the agents CSV the centre file names, checked against its contracts and queues."""
    return read_agents(
        _named_file(centre, "agents", "agents file"), centre, sheet=centre.agents_sheet
    )


def load_availability(centre: Centre, agents: Sequence[Agent]) -> pd.DataFrame | None:
    """Read the availability CSV the centre file names (``None`` if it names none;
    :func:`wfm.plan.site_agents.read_agent_availability`)."""
    return read_agent_availability(centre, agents)


def load_preferences(centre: Centre, agents: Sequence[Agent]) -> pd.DataFrame | None:
    """Read the preferences CSV the centre file names (``None`` if it names none)."""
    path = centre.resolve(centre.preferences)
    if path is None:
        return None
    return read_preferences(path, [agent.agent_id for agent in agents])


def load_shift_demand(centre: Centre) -> pd.DataFrame | None:
    """Read the shift-demand CSV the centre file names (``None`` if it names none)."""
    from wfm.data.shift_demand import read_shift_demand

    path = centre.resolve(centre.shift_demand)
    if path is None:
        return None
    return read_shift_demand(path, [shift_type.name for shift_type in centre.shift_types])


def shift_cover(centre: Centre, rota: RotaResult, start_date: dt.date) -> pd.DataFrame | None:
    """What the rota covered of the centre's shift demand per date and shift type
    (:func:`wfm.scheduling.rules.shift_demand.shift_cover_table`), ``None`` without one."""
    from wfm.data.shift_demand import shift_demand_by_date
    from wfm.scheduling.rules.shift_demand import shift_cover_table

    demand = load_shift_demand(centre)
    if demand is None:
        return None
    days = DAYS_PER_WEEK * max(1, rota_weeks_of(rota, start_date, centre.timezone))
    return shift_cover_table(
        rota.rota,
        shift_demand_by_date(demand, start_date, days),
        centre.shift_types,
        centre.timezone,
    )


def rota_weeks_of(rota: RotaResult, start_date: dt.date, timezone: str) -> int:
    """Whole weeks from ``start_date`` that a rota's coverage spans [weeks]."""
    return coverage_days(rota.coverage, start_date, timezone) // DAYS_PER_WEEK


def forecast_centre(
    centre: Centre,
    history: History,
    start_date: dt.date,
    *,
    horizon_days: int | None = None,
    model: str | None = None,
    progress: ProgressCallback | None = None,
    executor: Executor | None = None,
    as_of: dt.datetime | None = None,
    holiday_country: str | None = None,
) -> pd.DataFrame:
    """Forecast every queue of the centre over the planning horizon, within opening hours
    (per queue on ``executor``, :mod:`wfm.execution`, when given).

    ``as_of`` (local date and time on ``start_date``): re-forecast the rest of that day
    from its arrivals so far in ``history`` (:func:`~wfm.forecast.engine.forecast_history`).
    ``holiday_country``: ``None`` learns the effects of the centre's country's holidays
    (as the centre file says), ``""`` learns none, an ISO code (``"US"``, ``"IL"``) those
    of that country's holidays from the ``holidays`` package.
    """
    horizon_days = horizon_days or centre.planning.horizon_days
    first_year = history.frame["interval_start"].min().year
    last_year = (start_date + dt.timedelta(days=horizon_days)).year
    opening_hours = centre.opening_hours_for(range(first_year, last_year + 1))
    known = {queue.name for queue in centre.queues}
    unknown = sorted(set(history.queues) - known)
    if unknown:
        logger.warning(
            "history has queues not in the centre file, which are not planned: %s", unknown
        )
    planned = History(
        history.frame[history.frame["queue"].isin(known)].reset_index(drop=True),
        history.interval_minutes,
        history.timezone,
        history.source,
    )
    years = range(first_year, last_year + 1)
    calendar = HolidayCalendar.for_centre(centre, years, holiday_country)
    return forecast_history(
        planned,
        start_date=start_date,
        horizon_days=horizon_days,
        opening_hours=opening_hours,
        model=model or centre.planning.forecast_model,
        progress=progress,
        executor=executor,
        holidays=calendar,
        as_of=as_of,
    )


def run_plan(
    centre: Centre,
    *,
    history: History | None = None,
    agents: Sequence[Agent] | None = None,
    start_date: dt.date | None = None,
    progress: ProgressCallback | None = None,
    executor: Executor | None = None,
    on_group: Callable[[int, RotaResult], None] | None = None,
) -> PlanResult:
    """Run forecast → requirements → rota → review for a centre.

    Parameters
    ----------
    centre : Centre
        The centre, as read by :func:`wfm.config.load_centre`.
    history, agents : optional
        Use these instead of reading the files the centre names.
    start_date : datetime.date, optional
        First local date; default ``centre.planning.start_date``, else the Monday after the
        history.
    progress : callable, optional
        ``progress(fraction_done, message)``.
    executor : Executor, optional
        Where the queues' forecasts and the staffing groups' rotas run (:mod:`wfm.execution`).
    on_group : callable, optional
        ``on_group(number, result)``: each staffing group's rota as it arrives, e.g.
        :meth:`wfm.plan.centre_rota.StreamedRota.add` to write its rows away at once.

    Returns
    -------
    PlanResult
    """
    timings: dict[str, float] = {}
    clock = time.perf_counter()
    report = scaled(progress, 0.0, 1.0)
    report(0.0, "reading history and agents")
    history = history if history is not None else load_history(centre)
    groups = staffing_groups(centre, agents)
    agents = tuple(agent for group in groups for agent in group.agents)
    start_date = start_date or centre.planning.start_date or default_start_date(history)
    timings["read"] = time.perf_counter() - clock
    weeks = rota_weeks(centre)

    clock = time.perf_counter()
    if centre.sites:  # each group in its own time zone and opening hours
        forecasts = [
            forecast_centre(
                group.centre,
                group_history(history, group),
                start_date,
                horizon_days=DAYS_PER_WEEK * weeks,
                progress=scaled(
                    progress, 0.02 + 0.28 * n / len(groups), 0.02 + 0.28 * (n + 1) / len(groups)
                ),
                executor=executor,
            )
            for n, group in enumerate(groups)
        ]
        forecast = concat_in_timezone(forecasts, centre.timezone)
    else:
        forecast = forecast_centre(
            centre,
            history,
            start_date,
            horizon_days=DAYS_PER_WEEK * weeks,
            progress=scaled(progress, 0.02, 0.3),
            executor=executor,
        )
        forecasts = None
    timings["forecast"] = time.perf_counter() - clock

    clock = time.perf_counter()
    report(0.3, "staffing requirements (Erlang C)")
    if forecasts is not None:
        group_requirements_list = [
            compute_requirements(
                group_forecast,
                service_targets(group.centre),
                shrinkage_by_queue(group.centre),
                centre.interval_minutes,
            )
            for group, group_forecast in zip(groups, forecasts, strict=True)
        ]
        requirements = concat_in_timezone(group_requirements_list, centre.timezone)
    else:
        requirements = compute_requirements(
            forecast, service_targets(centre), shrinkage_by_queue(centre), centre.interval_minutes
        )
        group_requirements_list = group_requirements(requirements, groups)
    timings["staffing"] = time.perf_counter() - clock

    clock = time.perf_counter()
    made = schedule_centre(
        centre,
        requirements,
        start_date,
        weeks=weeks,
        executor=executor,
        progress=scaled(progress, 0.32, 0.97),
        groups=groups,
        requirements_by_group=group_requirements_list,
        on_group=on_group,
    )
    rota, solves = made.result, made.groups
    timings["schedule"] = time.perf_counter() - clock

    clock = time.perf_counter()
    report(0.97, "projecting service for the rota")
    if centre.sites:
        projected, summary = review_centre(
            centre, requirements, rota.coverage, start_date, groups, group_requirements_list
        )
    else:
        projected, summary = review_rota(centre, requirements, rota, start_date)
    timings["review"] = time.perf_counter() - clock
    # a centre with sites: each site's agents checked on their own clock, law and contracts
    # as the groups' rotas were merged (schedule_centre), a rolled group's check reused
    compliance: tuple[SiteCheck, ...] = made.checks
    report(1.0, "done")
    return PlanResult(
        centre,
        history,
        agents,
        start_date,
        forecast,
        requirements,
        rota,
        projected,
        summary,
        timings,
        solves,
        agent_site_timezones(groups),
        compliance,
    )


def group_history(history: History, group: StaffingGroup) -> History:
    """The history of a staffing group's queues, in the group's time zone."""
    frame = history.frame[history.frame["queue"].isin(group.queues)].reset_index(drop=True)
    frame = frame.assign(
        interval_start=frame["interval_start"].dt.tz_convert(group.centre.timezone)
    )
    return History(frame, history.interval_minutes, group.centre.timezone, history.source)


def schedule_rota(
    centre: Centre,
    requirements: pd.DataFrame,
    agents: Sequence[Agent],
    start_date: dt.date,
    *,
    settings: SchedulingSettings | None = None,
    progress: ProgressCallback | None = None,
    weeks: int | None = None,
    history: FrozenRota | None = None,
) -> RotaResult:
    """The rota for the centre's agents over ``weeks`` weeks from ``start_date`` (default
    :func:`rota_weeks`: the planning horizon rounded up to whole weeks), in one model, with
    the availability, preferences and shift demand its file names (a request to work on a day
    the time off covers is refused with both files' lines:
    :func:`~wfm.data.preferences.check_requests_against_time_off`). ``history``: the rota
    worked before ``start_date``, fixed context for the rules on runs of days and the
    rotation (:mod:`wfm.scheduling.history`)."""
    return schedule_one_model(
        centre,
        requirements,
        agents,
        load_availability(centre, agents),
        load_preferences(centre, agents),
        start_date,
        weeks or rota_weeks(centre),
        settings=settings,
        progress=progress,
        history=history,
    )


def review_rota(
    centre: Centre, requirements: pd.DataFrame, rota: RotaResult, start_date: dt.date
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Projected service per interval for the rota's weeks, and its summary per queue."""
    return review_coverage(centre, requirements, rota.coverage, start_date)


def coverage_days(coverage: pd.DataFrame, start_date: dt.date, timezone: str) -> int:
    """Days of the whole weeks from ``start_date`` that a rota's coverage spans [days] (7 at least)."""
    if coverage.empty:
        return DAYS_PER_WEEK
    last = coverage["interval_start"].max().tz_convert(timezone).date()
    return DAYS_PER_WEEK * max(1, math.ceil(((last - start_date).days + 1) / DAYS_PER_WEEK))


def review_coverage(
    centre: Centre, requirements: pd.DataFrame, coverage: pd.DataFrame, start_date: dt.date
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Projected service per interval for a rota's coverage, and its summary per queue.

    The requirements are cut to the whole weeks from ``start_date`` that the coverage spans
    (one week at least), so a stored, uploaded or hand-edited rota is reviewed like a new one.
    Only the centre's queues are reviewed: requirements or coverage of queues the centre does
    not have (results kept from another centre) are left out, and with none left the summary
    has the ``all`` row only, with nothing offered.
    """
    targets = service_targets(centre)
    week_start = pd.Timestamp(start_date).tz_localize(centre.timezone)
    days = coverage_days(coverage, start_date, centre.timezone)
    week_end = pd.Timestamp(start_date + dt.timedelta(days=days)).tz_localize(centre.timezone)
    starts = requirements["interval_start"]
    in_week = requirements[
        (starts >= week_start) & (starts < week_end) & requirements["queue"].isin(targets)
    ]
    projected = project_service(in_week, coverage, targets)
    return projected, summarise_service(projected, centre.interval_minutes, targets)


def coverage_table(projected: pd.DataFrame) -> pd.DataFrame:
    """The coverage CSV: per interval and queue, required and scheduled agents and service.

    ``queue_unstable`` is ``True`` where the queue has no finite wait with the agents
    scheduled; its ``asa_seconds`` is then written as an empty cell
    (:mod:`wfm.data.infinite_cells`)."""
    extra = [
        "offered",
        "aht_seconds",
        "asa_seconds",
        "queue_unstable",
        "occupancy",
        "under_staffed",
        "over_staffed",
    ]
    return projected[[*COVERAGE_COLUMNS, *extra]]


def rota_files(
    centre: Centre,
    agents: Sequence[Agent],
    rota: RotaResult,
    projected: pd.DataFrame,
    summary: pd.DataFrame,
    out_dir: Path,
    groups: Sequence[GroupSolve] = (),
    start_date: dt.date | None = None,
    streamed_rota: StreamedRota | None = None,
    agent_timezones: Mapping[str, str] | None = None,
    compliance: Sequence[SiteCheck] = (),
) -> dict[Path, object]:
    """The files of a rota, by path: ``rota.csv``, ``coverage.csv``, ``agent_summary.csv``,
    ``service_summary.csv``, ``solve_summary.json``, ``rota.xlsx`` and
    ``calendars/<agent_id>.ics`` (see :func:`wfm.scheduling.exports.rota_export_files`),
    and ``shift_cover.csv`` when the centre gives a shift demand (:func:`shift_cover`).
    With staffing groups, ``solve_summary.json`` adds ``groups``: one summary per group.
    ``streamed_rota``: the groups' rota rows already written as they arrived; ``rota.csv`` is
    then its joined file (the same bytes), unless the rota was one model.
    ``agent_timezones``: each agent's zone (:func:`wfm.plan.groups.agent_site_timezones`), for
    the workbook's and calendars' local times. ``compliance``: the rota's checks by site
    (:func:`wfm.plan.site_compliance.plan_checks`), written as ``violations.csv``
    (:func:`~wfm.plan.site_compliance.site_violations_frame`: a ``site`` column, times in each
    site's zone) when there are any (a centre with sites), even with no violation."""
    solve = solve_summary_dict(rota, groups)
    prepared = streamed_rota.prepared(rota.rota, len(groups)) if streamed_rota else None
    files: dict[Path, object] = {
        out_dir / "rota.csv": prepared if prepared is not None else rota.rota,
        out_dir / "coverage.csv": coverage_table(projected),
        out_dir / "agent_summary.csv": rota.agent_summary,
        out_dir / "service_summary.csv": summary,
        out_dir / "solve_summary.json": json.dumps(solve, indent=2) + "\n",
    }
    start_date = start_date or (
        week_start_for(rota.rota, centre.timezone) if not rota.rota.empty else None
    )
    cover = shift_cover(centre, rota, start_date) if start_date is not None else None
    if cover is not None:
        files[out_dir / "shift_cover.csv"] = cover
    if compliance:
        files[out_dir / "violations.csv"] = site_violations_frame(compliance)
    files.update(
        rota_export_files(
            rota.rota,
            agents,
            out_dir,
            timezone=centre.timezone,
            summary=rota.agent_summary,
            unpaid_activities=unpaid_activities_of(centre),
            agent_timezones=agent_timezones,
        )
    )
    return files


def write_plan(
    result: PlanResult, out_dir: str | Path, *, streamed_rota: StreamedRota | None = None
) -> dict[str, Path]:
    """Write the plan's files into ``out_dir``, all or nothing.

    Files: ``forecast.csv``, ``requirements.csv``, ``report.md`` and those of
    :func:`rota_files` (with its ``streamed_rota``, and ``violations.csv`` for a centre with
    sites). Returns the paths by file name (the
    calendars by their folder).
    """
    out_dir = Path(out_dir)
    files = {
        out_dir / "forecast.csv": result.forecast,
        out_dir / "requirements.csv": result.requirements,
        **rota_files(
            result.centre,
            result.agents,
            result.rota,
            result.projected,
            result.summary,
            out_dir,
            result.groups,
            start_date=result.start_date,
            streamed_rota=streamed_rota,
            agent_timezones=result.agent_timezones,
            compliance=result.compliance,
        ),
        out_dir / "report.md": plan_report(result),
    }
    write_files_atomic(files)
    return {path.name: path for path in files if path.parent == out_dir} | {
        "calendars": out_dir / "calendars"
    }
