"""A centre's rota from its requirements, one model per staffing group (layer 3).

Every place that makes a rota for a centre (``wfm plan``, ``wfm schedule``,
``wfm reoptimise`` and the app's Rota builder) goes through here, so a centre made of
several staffing groups (:mod:`wfm.plan.groups`: sites, or teams who share no queue) is
split the same way everywhere: one model per group, each group one task on an executor
(:mod:`wfm.execution`), the groups' rotas merged into one with a solve summary per group.
A centre of one group is one model, as before. The groups' searches stop on deterministic
work budgets, so the rota is the same in this process and on a cluster.

Each group's rota rows can be written away as its result arrives (:class:`StreamedRota`,
``on_group=``): to a hidden spill beside ``rota.csv``, joined in group order and renamed into
place with the other output files at the end, so the file is byte for byte the one written
from the merged rota, and a run that fails part-way leaves no rota file behind.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from wfm.config import Centre, SchedulingSettings
from wfm.data.availability import read_availability
from wfm.data.io import PreparedFile
from wfm.data.preferences import check_requests_against_time_off
from wfm.data.schemas import ROTA_COLUMNS, Agent
from wfm.data.streamed import StreamedCsv
from wfm.errors import ConfigError
from wfm.execution import Executor, LocalExecutor
from wfm.plan.groups import (
    GroupSolve,
    StaffingGroup,
    concat_in_timezone,
    merge_rotas,
    staffing_groups,
)
from wfm.plan.site_compliance import SiteCheck, merged_rota_checks
from wfm.progress import ProgressCallback
from wfm.review.projection import summarise_service
from wfm.scheduling import RotaResult
from wfm.scheduling.reoptimise import Reoptimisation, reoptimise_rota, unavailable_days
from wfm.scheduling.site import SiteClock, rota_site
from wfm.scheduling.week import schedule_horizon
from wfm.timegrid import DAYS_PER_WEEK

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class CentreRota:
    """A centre's rota and how each staffing group's part was solved.

    Attributes
    ----------
    result
        The whole rota: rows, coverage, agent summary and the combined solve summary.
    groups
        One :class:`~wfm.plan.groups.GroupSolve` per staffing group; empty for a centre
        solved as one model.
    checks
        A centre with ``[[sites]]``: each site's working-time check of the rota, its agents on
        their own site's clock, law and contracts
        (:func:`wfm.plan.site_compliance.merged_rota_checks`, as ``wfm plan`` writes them in
        ``violations.csv``); ``result.violations`` holds all of their violations. Empty for a
        centre without sites.
    """

    result: RotaResult
    groups: tuple[GroupSolve, ...] = ()
    checks: tuple[SiteCheck, ...] = ()

    def solve_summary(self) -> dict[str, object]:
        """The solve summary as written to ``solve_summary.json`` and stored with a rota
        version: the whole rota's, plus ``groups`` (one per staffing group) if several."""
        return solve_summary_dict(self.result, self.groups)


def solve_summary_dict(result: RotaResult, groups: Sequence[GroupSolve] = ()) -> dict[str, object]:
    """``result``'s solve summary as a dict, with ``groups``: one summary per staffing group
    (left out for a rota solved as one model)."""
    solve = result.summary.to_dict()
    if groups:
        solve["groups"] = [group.to_dict() for group in groups]
    return solve


def rota_weeks(centre: Centre) -> int:
    """Weeks the plan schedules: ``planning.horizon_days`` rounded up to whole weeks.

    The contracts' hours and days are weekly, so a rota covers whole weeks; the forecast and
    requirements of :func:`wfm.plan.chain.run_plan` cover the same days.
    """
    return max(1, math.ceil(centre.planning.horizon_days / DAYS_PER_WEEK))


def with_settings(centre: Centre, settings: SchedulingSettings | None) -> Centre:
    """The centre with ``settings`` as its scheduling settings (itself for ``None``), so that
    every group's centre, made from it, carries them."""
    if settings is None or settings is centre.scheduling:
        return centre
    return centre.model_copy(update={"scheduling": settings})


def is_one_model(centre: Centre, groups: Sequence[StaffingGroup]) -> bool:
    """Whether the centre is solved as one model (one group and no ``[[sites]]``)."""
    return len(groups) == 1 and not centre.sites


def _groups_with(
    centre: Centre,
    groups: Sequence[StaffingGroup] | None,
    settings: SchedulingSettings | None,
    agents: Sequence[Agent] | None = None,
) -> list[StaffingGroup]:
    """The centre's staffing groups (``groups`` if given), each with ``settings``."""
    groups = list(groups) if groups is not None else staffing_groups(centre, agents)
    if settings is None:
        return groups
    return [
        dataclasses.replace(group, centre=with_settings(group.centre, settings)) for group in groups
    ]


def group_requirements(
    requirements: pd.DataFrame, groups: Sequence[StaffingGroup]
) -> list[pd.DataFrame]:
    """Each group's rows of ``requirements`` (its queues), in the group's time zone."""
    parts = []
    for group in groups:
        rows = requirements[requirements["queue"].isin(group.queues)].reset_index(drop=True)
        parts.append(concat_in_timezone([rows], group.centre.timezone))
    return parts


def _shift_demand(centre: Centre) -> pd.DataFrame | None:
    """The centre's shift demand (:func:`wfm.plan.chain.load_shift_demand`)."""
    from wfm.plan.chain import load_shift_demand

    return load_shift_demand(centre)


def schedule_one_model(
    centre: Centre,
    requirements: pd.DataFrame,
    agents: Sequence[Agent],
    availability: pd.DataFrame | None,
    preferences: pd.DataFrame | None,
    start_date: dt.date,
    weeks: int,
    clocks: Sequence[SiteClock] = (),
    *,
    settings: SchedulingSettings | None = None,
    progress: ProgressCallback | None = None,
    history=None,
) -> RotaResult:
    """The rota of ``agents`` over ``weeks`` weeks from ``start_date`` as one model, with the
    centre's site and shift demand (:func:`wfm.scheduling.week.schedule_horizon`): a whole
    centre, or one staffing group (an executor task: the model is built and solved where it
    runs, so no pyomo or HiGHS object crosses a process).

    A request to work on a day the time off covers is refused first with both files' lines
    (:func:`~wfm.data.preferences.check_requests_against_time_off`). ``clocks``: the group's
    sites when they are in different time zones (:class:`~wfm.plan.groups.StaffingGroup`);
    ``settings``: default the centre's; ``history``: as for :func:`schedule_centre`."""
    if availability is not None and preferences is not None:
        check_requests_against_time_off(
            preferences,
            availability,
            preferences_source=str(centre.resolve(centre.preferences) or "preferences"),
            availability_source=str(centre.resolve(centre.availability) or "availability"),
        )
    site = rota_site(centre)
    if clocks:
        site = dataclasses.replace(site, clocks=tuple(clocks))
    return schedule_horizon(
        requirements,
        site,
        list(agents),
        start_date,
        weeks=weeks,
        progress=progress,
        settings=settings or centre.scheduling,
        availability=availability,
        preferences=preferences,
        shift_demand=_shift_demand(centre),
        history=history,
    )


def schedule_centre(
    centre: Centre,
    requirements: pd.DataFrame,
    start_date: dt.date,
    *,
    agents: Sequence[Agent] | None = None,
    weeks: int | None = None,
    settings: SchedulingSettings | None = None,
    executor: Executor | None = None,
    progress: ProgressCallback | None = None,
    groups: Sequence[StaffingGroup] | None = None,
    requirements_by_group: Sequence[pd.DataFrame] | None = None,
    history=None,
    on_group: Callable[[int, RotaResult], None] | None = None,
) -> CentreRota:
    """The centre's rota over ``weeks`` weeks from ``start_date``, one model per staffing group.

    Parameters
    ----------
    centre
        The centre (with or without ``[[sites]]``).
    requirements
        Required agents per interval and queue (:func:`wfm.staffing.compute_requirements`).
    start_date
        First local date of the rota.
    agents
        Use these instead of the agents file (a centre without sites only).
    weeks
        Weeks in the rota; default :func:`rota_weeks`.
    settings
        Scheduling settings for every group; default the centre's.
    executor
        Where the groups run (one task each); default this process.
    progress
        ``progress(fraction_done, message)``: per stage for one model, per group otherwise.
    groups, requirements_by_group
        The staffing groups and their requirements when the caller has them already
        (``wfm plan`` computes each group's requirements in its own time zone).
    history
        The rota worked before ``start_date`` (:class:`wfm.scheduling.history.FrozenRota`),
        for one model: the run rules and the rotation continue from it.
    on_group
        ``on_group(number, result)`` receives each staffing group's rota as soon as its task
        finishes (``number``: the group's place in ``groups``; finishing order varies), e.g.
        :meth:`StreamedRota.add`; not called for a centre solved as one model.

    Returns
    -------
    CentreRota
    """
    centre = with_settings(centre, settings)
    groups = _groups_with(centre, groups, settings, agents)
    weeks = weeks or rota_weeks(centre)
    if is_one_model(centre, groups):
        group = groups[0]
        result = schedule_one_model(
            centre,
            requirements,
            group.agents,
            group.availability,
            group.preferences,
            start_date,
            weeks,
            settings=centre.scheduling,
            progress=progress,
            history=history,
        )
        return CentreRota(result)
    if centre.shift_demand is not None:
        raise ConfigError(
            f"the centre's shift demand ({centre.shift_demand}) is for one model, but the centre "
            f"is scheduled as {len(groups)} staffing groups or sites",
            fix="schedule each group with its own shift demand (wfm schedule --shift-demand), or "
            "leave shift_demand out of the centre file",
        )
    parts = (
        list(requirements_by_group)
        if requirements_by_group is not None
        else group_requirements(requirements, groups)
    )
    tasks = [
        (
            group.centre,
            group_reqs,
            group.agents,
            group.availability,
            group.preferences,
            start_date,
            weeks,
            group.clocks,
        )
        for group, group_reqs in zip(groups, parts, strict=True)
    ]
    results, seconds = run_groups(
        executor, schedule_one_model, tasks, groups, progress, "scheduling", on_result=on_group
    )
    merged = merge_rotas(results, centre.timezone, seconds)
    checks = merged_rota_checks(
        centre, results, [agent for group in groups for agent in group.agents], start_date
    )
    if checks:  # each site's check goes out with the rota (a rolled group's reused)
        merged = dataclasses.replace(
            merged, violations=tuple(v for check in checks for v in check.violations)
        )
    return CentreRota(merged, group_solves(groups, [result.summary for result in results]), checks)


def run_groups(
    executor: Executor | None,
    function: Callable[..., object],
    tasks: Sequence[tuple],
    groups: Sequence[StaffingGroup],
    progress: ProgressCallback | None,
    what: str,
    on_result: Callable[[int, object], None] | None = None,
) -> tuple[list, float]:
    """``function(*task)`` for each group's task on ``executor`` (default this process),
    labelled with the group names; returns the results in group order and the seconds the
    groups took [s]. ``what``: the progress verb (``"scheduling"``); ``on_result(number,
    result)``, if given, also receives each group's result as soon as it arrives."""
    executor = executor or LocalExecutor()
    started = time.perf_counter()
    results: list = [None] * len(tasks)

    def arrived(number: int, result: object) -> None:
        results[number] = result
        if on_result is not None:
            on_result(number, result)

    executor.map(
        function,
        tasks,
        labels=[group.name for group in groups],
        progress=progress,
        what=what,
        on_result=arrived,
    )
    logger.info("%d staffing groups: %s on %s", len(groups), what, executor.name)
    return results, time.perf_counter() - started


class StreamedRota:
    """A centre's ``rota.csv`` written group by group as the groups' rotas arrive.

    Each group's rows (times in the centre's time zone, as :func:`~wfm.plan.groups.merge_rotas`
    puts them) go to a hidden spill beside the file as soon as the group is solved
    (:class:`wfm.data.streamed.StreamedCsv`); :meth:`prepared` joins them in group order into
    a hidden temporary file that :func:`wfm.data.io.write_files_atomic` renames into place
    with the other output files. Used as a context manager: leaving the block removes the
    spill, and the joined file if it was not renamed into place (with any folder made for
    it), so a failed run leaves no rota file (an older one stays as it was).

    Parameters
    ----------
    path
        The ``rota.csv`` to write.
    timezone
        The centre's time zone (IANA name).
    """

    def __init__(self, path: str | Path, timezone: str) -> None:
        self.timezone = timezone
        self._csv = StreamedCsv(path, ROTA_COLUMNS)

    def __enter__(self) -> StreamedRota:
        return self

    def add(self, number: int, result: RotaResult) -> None:
        """Write group ``number``'s rota rows now (an ``on_group`` callback)."""
        self._csv.add(number, concat_in_timezone([result.rota], self.timezone))

    def prepared(self, rota: pd.DataFrame, groups: int) -> PreparedFile | None:
        """The joined file for ``rota`` (the merged rota of ``groups`` staffing groups), or
        ``None`` when no group was streamed (a centre solved as one model).

        Raises
        ------
        RuntimeError
            When the streamed rows are not those of ``rota`` (a group missing or extra):
            a fault in the caller, never an input problem.
        """
        if self._csv.parts == 0:
            return None
        if self._csv.parts != groups or self._csv.rows != len(rota):
            raise RuntimeError(
                f"the streamed rota has {self._csv.parts} groups and {self._csv.rows} rows, "
                f"the merged rota {groups} groups and {len(rota)} rows"
            )
        return self._csv.join()

    def __exit__(self, kind, error, trace) -> None:
        # what is left: the spill, and the joined file unless it was renamed into place
        # (then its folder is not empty and stays)
        self._csv.abort()


def group_solves(groups: Sequence[StaffingGroup], summaries: Sequence) -> tuple[GroupSolve, ...]:
    """One :class:`GroupSolve` per group from its solve summary."""
    return tuple(
        GroupSolve(group.name, group.sites, group.queues, len(group.agents), summary)
        for group, summary in zip(groups, summaries, strict=True)
    )


def review_centre(
    centre: Centre,
    requirements: pd.DataFrame,
    coverage: pd.DataFrame,
    start_date: dt.date,
    groups: Sequence[StaffingGroup] = (),
    requirements_by_group: Sequence[pd.DataFrame] | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Projected service per interval for a rota's coverage, and its summary per queue.

    A centre with ``[[sites]]`` is projected per group, in each group's time zone and
    opening hours (the weeks of a site are its local weeks), then put together in the
    centre's time zone; any other centre in one piece
    (:func:`wfm.plan.chain.review_coverage`).
    """
    from wfm.plan.chain import review_coverage, service_targets

    if not centre.sites or not groups:
        return review_coverage(centre, requirements, coverage, start_date)
    parts = (
        list(requirements_by_group)
        if requirements_by_group is not None
        else group_requirements(requirements, groups)
    )
    projected = concat_in_timezone(
        [
            review_coverage(
                group.centre,
                group_reqs,
                coverage[coverage["queue"].isin(group.queues)],
                start_date,
            )[0]
            for group, group_reqs in zip(groups, parts, strict=True)
        ],
        centre.timezone,
    )
    return projected, summarise_service(projected, centre.interval_minutes, service_targets(centre))


def reoptimise_group(
    centre: Centre,
    published_rota: pd.DataFrame,
    requirements: pd.DataFrame,
    agents: tuple[Agent, ...],
    start_date: dt.date,
    changes: pd.DataFrame | None,
    availability: pd.DataFrame | None,
    preferences: pd.DataFrame | None,
    clocks: Sequence[SiteClock] = (),
    progress: ProgressCallback | None = None,
) -> Reoptimisation:
    """One staffing group's rota re-optimised after a change (an executor task);
    ``clocks``: the group's sites when they are in different time zones, each agent's
    shifts on its own site's clock as :func:`schedule_one_model` makes them."""
    site = rota_site(centre)
    if clocks:
        site = dataclasses.replace(site, clocks=tuple(clocks))
    return reoptimise_rota(
        published_rota,
        requirements,
        site,
        list(agents),
        start_date,
        changes=changes,
        availability=availability,
        preferences=preferences,
        settings=centre.scheduling,
        progress=progress,
    )


def group_changes(
    group: StaffingGroup,
    unavailable: Sequence[tuple[str, dt.date]],
    availability_file: str | None,
    all_ids: Sequence[str],
) -> pd.DataFrame:
    """The change to one staffing group as availability windows, each agent's on its own
    site's clock: its ``unavailable`` whole local days, and its rows of
    ``availability_file`` (times without a UTC offset are local to the agent's site; ids
    checked against ``all_ids``, the centre's agents), times in the group's zone.

    A group joining sites in different time zones reads each site's agents' days and rows in
    that site's zone (:attr:`StaffingGroup.clocks`); any other group in its own zone.
    """
    ids = {agent.agent_id for agent in group.agents}
    clocks = [(clock.timezone, set(clock.agent_ids)) for clock in group.clocks] or [
        (group.centre.timezone, ids)
    ]
    rows = None
    if availability_file:
        rows = {
            zone: read_availability(availability_file, zone, all_ids)
            for zone in dict.fromkeys(zone for zone, _ in clocks)
        }
    changes = []
    for zone, mine in clocks:
        changes.append(unavailable_days([e for e in unavailable if e[0] in mine], zone))
        if rows is not None:
            changes.append(rows[zone][rows[zone]["agent_id"].astype(str).isin(mine)])
    return concat_in_timezone(
        [frame.reset_index(drop=True) for frame in changes], group.centre.timezone
    )


def reoptimise_centre(
    centre: Centre,
    published_rota: pd.DataFrame,
    requirements: pd.DataFrame,
    start_date: dt.date,
    *,
    unavailable: Sequence[tuple[str, dt.date]] = (),
    availability_file: str | None = None,
    settings: SchedulingSettings | None = None,
    executor: Executor | None = None,
    progress: ProgressCallback | None = None,
    groups: Sequence[StaffingGroup] | None = None,
) -> tuple[Reoptimisation, tuple[GroupSolve, ...]]:
    """The published rota re-optimised after a change, one model per staffing group.

    Parameters
    ----------
    centre
        The centre (with or without ``[[sites]]``).
    published_rota
        The published rota, its times in the centre's time zone.
    requirements
        Required agents per interval and queue.
    start_date
        First local date of the rota.
    unavailable
        ``(agent_id, date)``: whole days off, each in its agent's local time (its site's,
        also when its staffing group joins sites in different time zones).
    availability_file
        An availability CSV of further changes; times without an offset are local to
        each agent's site (:func:`group_changes`).
    settings, executor, progress
        As for :func:`schedule_centre`.
    groups
        The centre's staffing groups, when the caller has them already.

    Returns
    -------
    (Reoptimisation, tuple of GroupSolve)
        The merged re-optimisation (``published_cost`` summed over the groups, ``None``
        if any group's is unknown) and one solve summary per group (none for one model).
    """
    centre = with_settings(centre, settings)
    groups = _groups_with(centre, groups, settings)
    all_ids = [agent.agent_id for group in groups for agent in group.agents]
    tasks = []
    for group in groups:
        ids = {agent.agent_id for agent in group.agents}
        timezone = group.centre.timezone
        published = published_rota[published_rota["agent_id"].astype(str).isin(ids)]
        tasks.append(
            (
                group.centre,
                concat_in_timezone([published.reset_index(drop=True)], timezone),
                group_requirements(requirements, [group])[0],
                group.agents,
                start_date,
                group_changes(group, unavailable, availability_file, all_ids),
                group.availability,
                group.preferences,
                group.clocks,
            )
        )
    if is_one_model(centre, groups):  # in this process, with the search's own progress
        return reoptimise_group(*tasks[0], progress=progress), ()
    outcomes, seconds = run_groups(
        executor, reoptimise_group, tasks, groups, progress, "re-optimising"
    )
    costs = [outcome.published_cost for outcome in outcomes]
    merged = Reoptimisation(
        merge_rotas([o.result for o in outcomes], centre.timezone, seconds),
        pd.concat([o.changes for o in outcomes], ignore_index=True),
        None if any(cost is None for cost in costs) else float(sum(costs)),
        pd.concat([o.unmatched for o in outcomes], ignore_index=True),
    )
    return merged, group_solves(groups, [o.result.summary for o in outcomes])
