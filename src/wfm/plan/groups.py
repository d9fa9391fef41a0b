"""Staffing groups: a centre split into rota models that can be solved apart (layer 3).

Agents who share no queue, directly or through colleagues, cannot cover for each other, so
their rotas are independent: each connected component of the agent–queue skill graph is a
**staffing group**, scheduled in its own model (:func:`staffing_groups`). A centre with
``[[sites]]`` (:class:`wfm.config.Site`) is split the same way over the agents of every site:
sites whose agents share a queue (a virtual queue served from several sites) land in one
group and are solved together, in one model; sites that share nothing are solved apart.

Each group is one task for an executor (:mod:`wfm.execution`): :func:`wfm.plan.centre_rota.schedule_one_model` builds
and solves the group's model inside the worker (no pyomo or HiGHS object crosses a process),
with the centre's ``scheduling.threads`` (1 by default, one HiGHS thread per task). The
groups' rotas are merged into one (:func:`merge_rotas`) with one solve summary per group
(:class:`GroupSolve`). The search of each group stops on deterministic work budgets, so the
merged rota is the same whichever executor runs the groups.

Sites of one group in one time zone are one site to the model: they must share a country
and holiday rules, and their opening hours are merged (earliest opening, latest closing).
Sites of one group in **different time zones** (a follow-the-sun queue, e.g. London and New
York both answering ``billing``) are one model too: the shared queues' requirements and
coverage live on one interval grid in a reference zone (:func:`reference_site`: the zone
whose day starts first), and each site keeps its own clock (:class:`SiteClock`): its shifts,
days, opening hours, holidays and country in its local time
(:mod:`wfm.scheduling.site_clocks`). The group's forecast and requirements are made in the
reference zone, open whenever one of its sites is (:func:`reference_opening_hours`).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from wfm.config import Centre
from wfm.data.agents import read_agents
from wfm.data.preferences import read_preferences
from wfm.data.schemas import Agent
from wfm.errors import ConfigError, InputError
from wfm.plan.site_agents import read_agent_availability
from wfm.scheduling import RotaResult, SolveStatus, SolveSummary
from wfm.scheduling.site import SiteClock
from wfm.timegrid import parse_clock

logger = logging.getLogger(__name__)

#: Worst first: the merged status of several groups is the worst of theirs.
_STATUS_ORDER = (
    SolveStatus.ERROR,
    SolveStatus.INFEASIBLE,
    SolveStatus.NO_SOLUTION,
    SolveStatus.FEASIBLE,
    SolveStatus.OPTIMAL,
)
_WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass(frozen=True)
class StaffingGroup:
    """Agents and queues scheduled together in one model.

    Attributes
    ----------
    name
        ``group N: sites`` or ``group N: queues``, for messages and the summary.
    sites
        Names of the sites the group's agents work at (empty for a centre without sites).
    centre
        The centre the group is planned with: one time zone and opening hours, the group's
        queues only, and the contracts, shift templates and break rules of its sites.
    agents
        The group's agents, in file order (sites in centre order).
    availability, preferences
        Rows of the group's agents, or ``None`` when no file is named.
    clocks
        One :class:`~wfm.scheduling.site.SiteClock` per site when the group's sites are in
        different time zones (``centre.timezone`` is then the reference zone); empty when
        they share one.
    """

    name: str
    sites: tuple[str, ...]
    centre: Centre
    agents: tuple[Agent, ...]
    availability: pd.DataFrame | None = None
    preferences: pd.DataFrame | None = None
    clocks: tuple[SiteClock, ...] = ()

    @property
    def queues(self) -> tuple[str, ...]:
        """The group's queue names, in centre order."""
        return tuple(queue.name for queue in self.centre.queues)


@dataclass(frozen=True)
class GroupSolve:
    """How one staffing group's rota was solved (for the results and the report)."""

    name: str
    sites: tuple[str, ...]
    queues: tuple[str, ...]
    agent_count: int
    summary: SolveSummary

    def to_dict(self) -> dict[str, object]:
        """JSON-ready: name, sites, queues, agents and the solve summary's fields."""
        return {
            "group": self.name,
            "sites": list(self.sites),
            "queues": list(self.queues),
            "agents": self.agent_count,
            **self.summary.to_dict(),
        }


def skill_components(
    agents: Sequence[Agent], queue_names: Sequence[str], anchors: dict[str, str] | None = None
) -> list[tuple[list[Agent], list[str]]]:
    """Connected components of the agent–queue skill graph.

    Parameters
    ----------
    agents
        Every agent, in order.
    queue_names
        Every queue, in order; a queue no agent serves joins the component of the agent
        ``anchors[queue]`` names (else the first agent's), so that it is still planned.
    anchors
        Queue → agent id for queues without agents (the first agent of a site serving it).

    Returns
    -------
    list of (agents, queues)
        Ordered by each component's first agent; agents and queues keep the input order.

    >>> a = [Agent("1", "A", "t", "c", ("x",)), Agent("2", "B", "t", "c", ("y",)),
    ...      Agent("3", "C", "t", "c", ("y", "z"))]
    >>> [([x.agent_id for x in g], q) for g, q in skill_components(a, ["x", "y", "z"])]
    [(['1'], ['x']), (['2', '3'], ['y', 'z'])]
    """
    parent: dict[tuple[str, str], tuple[str, str]] = {}

    def find(node):
        parent.setdefault(node, node)
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    def union(first, second):
        root_first, root_second = find(first), find(second)
        if root_first != root_second:
            parent[root_second] = root_first

    for agent in agents:
        find(("agent", agent.agent_id))
        for queue in agent.queues:
            union(("agent", agent.agent_id), ("queue", queue))
    served = {queue for agent in agents for queue in agent.queues}
    for queue in queue_names:
        if queue not in served and agents:
            anchor = (anchors or {}).get(queue, agents[0].agent_id)
            union(("agent", anchor), ("queue", queue))
    components: dict[tuple[str, str], tuple[list[Agent], list[str]]] = {}
    for agent in agents:
        components.setdefault(find(("agent", agent.agent_id)), ([], []))[0].append(agent)
    for queue in queue_names:
        root = find(("queue", queue))
        if root in components:
            components[root][1].append(queue)
    return list(components.values())


def staffing_groups(centre: Centre, agents: Sequence[Agent] | None = None) -> list[StaffingGroup]:
    """The centre's staffing groups, with their agents, availability and preferences.

    Parameters
    ----------
    centre
        A centre, with or without ``[[sites]]``.
    agents
        Use these instead of the agents file (a centre without sites only).

    Raises
    ------
    ConfigError
        Sites in one group (sharing a queue) with different time zones, countries or
        contracts of one name; agent ids repeated across sites; agents given for a centre
        with sites.
    """
    if not centre.sites:
        return _groups_of_one_site(centre, agents)
    if agents is not None:
        raise InputError(
            "agents were given for a centre with [[sites]]",
            fix="leave them out: each site's agents file is read",
        )
    members = []  # (site name, site centre, agents, availability, preferences)
    owner: dict[str, str] = {}
    for site in centre.sites:
        site_centre = centre.site_centre(site.name)
        site_agents = read_agents(
            site_centre.resolve(site.agents), site_centre, sheet=site.agents_sheet
        )
        for agent in site_agents:
            if agent.agent_id in owner:
                raise ConfigError(
                    f"agent_id {agent.agent_id!r} is at site '{owner[agent.agent_id]}' and at "
                    f"site '{site.name}'",
                    source=str(site_centre.resolve(site.agents)),
                    column="agent_id",
                    fix="give every agent one id, unique across the centre's sites",
                )
            owner[agent.agent_id] = site.name
        members.append(
            (site.name, site_centre, site_agents, *_agent_files(site_centre, site_agents))
        )
    all_agents = [agent for member in members for agent in member[2]]
    anchors = {}
    for _, site_centre, site_agents, *_ in members:
        for queue in site_centre.queues:
            if site_agents:
                anchors.setdefault(queue.name, site_agents[0].agent_id)
    queue_names = [queue.name for queue in centre.queues]
    groups = []
    for number, (group_agents, queues) in enumerate(
        skill_components(all_agents, queue_names, anchors), start=1
    ):
        ids = {agent.agent_id for agent in group_agents}
        site_names = tuple(name for name, *_ in members if any(owner[i] == name for i in ids))
        site_centres = [member[1] for member in members if member[0] in site_names]
        group_centre = merge_site_centres(site_centres, site_names, queues)
        clocks = ()
        if len({c.timezone for c in site_centres}) > 1:
            clocks = tuple(
                SiteClock(
                    name,
                    c.timezone,
                    c.opening_hours_for,
                    tuple(c.shift_templates),
                    tuple(i for i in sorted(ids) if owner[i] == name),
                    c.country,
                )
                for name, c in zip(site_names, site_centres, strict=True)
            )
        groups.append(
            StaffingGroup(
                f"group {number}: {'+'.join(site_names)}",
                site_names,
                group_centre,
                tuple(group_agents),
                _rows_of([member[3] for member in members if member[0] in site_names], ids, centre),
                _rows_of([member[4] for member in members if member[0] in site_names], ids, centre),
                clocks,
            )
        )
    logger.info("%s: %d sites in %d staffing groups", centre.name, len(centre.sites), len(groups))
    return groups


def _groups_of_one_site(centre: Centre, agents: Sequence[Agent] | None) -> list[StaffingGroup]:
    from wfm.plan.chain import load_agents

    agents = list(agents) if agents is not None else load_agents(centre)
    availability, preferences = _agent_files(centre, agents)
    queue_names = [queue.name for queue in centre.queues]
    components = skill_components(agents, queue_names)
    if len(components) <= 1:
        return [StaffingGroup("group 1", (), centre, tuple(agents), availability, preferences)]
    groups = []
    for number, (group_agents, queues) in enumerate(components, start=1):
        ids = {agent.agent_id for agent in group_agents}
        group_centre = centre.model_copy(
            update={"queues": tuple(centre.queue(name) for name in queues)}
        )
        groups.append(
            StaffingGroup(
                f"group {number}: {'+'.join(queues)}",
                (),
                group_centre,
                tuple(group_agents),
                _rows_of([availability], ids, centre),
                _rows_of([preferences], ids, centre),
            )
        )
    logger.info("%s: %d staffing groups", centre.name, len(groups))
    return groups


def _agent_files(centre: Centre, agents: Sequence[Agent]):
    ids = [agent.agent_id for agent in agents]
    preferences_path = centre.resolve(centre.preferences)
    availability = read_agent_availability(centre, agents)  # a site's own file, on its clock
    preferences = None if preferences_path is None else read_preferences(preferences_path, ids)
    return availability, preferences


def _rows_of(frames, ids: set[str], centre: Centre) -> pd.DataFrame | None:
    frames = [frame for frame in frames if frame is not None]
    if not frames:
        return None
    rows = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    return rows[rows["agent_id"].astype(str).isin(ids)].reset_index(drop=True)


def merge_site_centres(
    centres: Sequence[Centre], site_names: Sequence[str], queues: Sequence[str]
) -> Centre:
    """One centre for the sites of a staffing group, with the group's ``queues``.

    Sites in one time zone must share a country and holiday rules; their opening hours are
    merged per weekday (earliest opening, latest closing). Sites in different time zones
    give a centre in the reference zone (:func:`reference_site`), open whenever one of them
    is (:func:`reference_opening_hours`), closed on holidays only when every site closes on
    the same ones (each site's own holidays close its own shifts). Contracts, shift
    templates and break rules are the union of the sites' (one name, one definition).
    """
    first = centres[0]
    update: dict[str, object] = {"queues": tuple(first_queue(centres, name) for name in queues)}
    if len({c.timezone for c in centres}) > 1:
        reference = centres[reference_site(centres)]
        same_holidays = len({(c.country, c.subdivision, c.close_on_holidays) for c in centres}) == 1
        update.update(
            name=f"{first.name.split(' / ')[0]} / {'+'.join(site_names)}",
            timezone=reference.timezone,
            country=reference.country,
            subdivision=reference.subdivision,
            close_on_holidays=reference.close_on_holidays and same_holidays,
            opening_hours=reference_opening_hours(centres, reference.timezone),
        )
        for key in ("contracts", "shift_templates", "break_rules"):
            update[key] = _union_by_name([getattr(c, key) for c in centres], key, site_names)
        return first.model_copy(update=update)
    if len(centres) > 1:
        for key in ("country", "subdivision", "close_on_holidays"):
            values = {getattr(c, key) for c in centres}
            if len(values) > 1:
                shared = shared_queues(centres) or ["a queue"]
                each = ", ".join(
                    f"{name}: {getattr(c, key)}"
                    for name, c in zip(site_names, centres, strict=True)
                )
                raise ConfigError(
                    f"sites {list(site_names)} share queue {' and '.join(map(repr, shared))}, "
                    f"so they are scheduled together in one model, but their {key} differs "
                    f"({each}); sites in one time zone are one site to the model, so wfm "
                    "cannot schedule them together",
                    column=f"sites.{key}",
                    fix=f"give them the same {key}, or split the shared queue into one queue per "
                    f"site (e.g. '{shared[0]}_{site_names[-1]}' in the queues and agents of site "
                    f"'{site_names[-1]}', with its share of the history)",
                )
        update["name"] = f"{first.name.split(' / ')[0]} / {'+'.join(site_names)}"
        update["opening_hours"] = merged_opening_hours([c.opening_hours for c in centres])
        for key in ("contracts", "shift_templates", "break_rules"):
            update[key] = _union_by_name([getattr(c, key) for c in centres], key, site_names)
    return first.model_copy(update=update)


#: Dates on which the zones' UTC offsets are read to order them (winter and summer time).
_OFFSET_DATES = (dt.datetime(2026, 1, 15, 12), dt.datetime(2026, 7, 15, 12))


def _offsets_minutes(timezone: str) -> list[int]:
    """UTC offsets of ``timezone`` on :data:`_OFFSET_DATES` [minutes]."""
    return [
        int(pd.Timestamp(moment).tz_localize(timezone).utcoffset().total_seconds() // 60)
        for moment in _OFFSET_DATES
    ]


def _offset_differences_minutes(reference: str, timezone: str) -> set[int]:
    """Every difference between the UTC offsets of ``reference`` and ``timezone`` over a
    year, read at each hour of 2026 [minutes] (a week in which one zone has changed its
    clocks and the other not yet has a difference of its own)."""
    moments = pd.date_range("2026-01-01", "2027-01-01", freq="h", tz="UTC")

    def offsets(zone: str) -> np.ndarray:
        local = moments.tz_convert(zone).tz_localize(None)
        return ((local - moments.tz_localize(None)) // pd.Timedelta(minutes=1)).to_numpy()

    return {int(d) for d in np.unique(offsets(reference) - offsets(timezone))}


def reference_site(centres: Sequence[Centre]) -> int:
    """Index of the site whose zone is the group's reference: the zone whose day starts
    first (the largest UTC offset, winter and summer added; ties: the first site).

    >>> from wfm.config import parse_centre
    >>> def site(tz):
    ...     return parse_centre({"centre": {"name": "c", "timezone": tz}, "queues": [{"name": "q"}]})
    >>> reference_site([site("America/New_York"), site("Europe/London")])
    1
    """
    scores = [sum(_offsets_minutes(c.timezone)) for c in centres]
    return scores.index(max(scores))


def reference_opening_hours(centres: Sequence[Centre], timezone: str) -> dict[str, str]:
    """Opening hours in ``timezone`` (the reference zone) open whenever one of ``centres``
    (sites in their own zones) is: per reference weekday, from the earliest opening to the
    latest closing of the sites' hours moved onto the reference clock by every offset the
    zones have between them in a year (so a week in which one zone has changed its clocks
    and the other not yet is inside). An
    envelope: a gap between two sites' hours counts as open (requirements there are
    reported as under-staffed if nobody can work then).

    >>> from wfm.config import parse_centre
    >>> def site(tz):
    ...     return parse_centre({"centre": {"name": "c", "timezone": tz}, "queues": [{"name": "q"}],
    ...                          "opening_hours": {"mon": "08:00-18:00"}})
    >>> reference_opening_hours([site("Europe/London"), site("America/New_York")], "Europe/London")
    {'mon': '08:00-23:00'}
    """
    spans: dict[int, list[tuple[int, int]]] = {}
    for centre in centres:
        deltas = _offset_differences_minutes(timezone, centre.timezone)
        for day, text in centre.opening_hours.items():
            if str(text).strip().lower() in ("closed", ""):
                continue
            opens, closes = (parse_clock(part.strip()) for part in str(text).split("-"))
            closes = closes if closes > opens else closes + 24 * 60
            index = _WEEKDAYS.index(day[:3].lower())
            for delta in deltas:
                start, end = opens + delta, closes + delta
                shift = start // (24 * 60)
                spans.setdefault((index + shift) % 7, []).append(
                    (start - shift * 24 * 60, end - shift * 24 * 60)
                )
    merged = {}
    for index, day in enumerate(_WEEKDAYS):
        if index not in spans:
            continue
        start = min(span[0] for span in spans[index])
        end = max(span[1] for span in spans[index])
        if end >= start + 24 * 60:
            merged[day] = "00:00-24:00"
        elif end <= 24 * 60:
            merged[day] = f"{_clock(start)}-{_clock(end)}"
        else:  # over midnight: "HH:MM-HH:MM" with the close on the next day
            merged[day] = f"{_clock(start)}-{_clock(end - 24 * 60)}"
    return merged


def shared_queues(centres: Sequence[Centre]) -> list[str]:
    """Queues served by more than one of ``centres`` (sites), in the first one's order."""
    counts: dict[str, int] = {}
    for centre in centres:
        for queue in centre.queues:
            counts[queue.name] = counts.get(queue.name, 0) + 1
    return [name for name, count in counts.items() if count > 1]


def first_queue(centres: Sequence[Centre], name: str):
    """The queue ``name`` of the first of ``centres`` that has it."""
    for centre in centres:
        for queue in centre.queues:
            if queue.name == name:
                return queue
    raise ConfigError(f"no site of the group serves queue '{name}'", column="sites.queues")


def _union_by_name(collections, key: str, site_names) -> tuple:
    merged: dict[str, object] = {}
    for items in collections:
        for item in items:
            if item.name in merged and merged[item.name] != item:
                raise ConfigError(
                    f"sites {list(site_names)} are scheduled together (they share a queue) but "
                    f"define {key} '{item.name}' differently",
                    column=f"sites.{key}",
                    fix=f"give the differing {key} different names",
                )
            merged.setdefault(item.name, item)
    return tuple(merged.values())


def merged_opening_hours(specs: Sequence[dict[str, str]]) -> dict[str, str]:
    """Opening hours open whenever one of ``specs`` is: per weekday the earliest opening to
    the latest closing of the open sites (days over midnight must be the same at every site).

    >>> merged_opening_hours([{"mon": "08:00-18:00"}, {"mon": "09:00-20:00", "sat": "10:00-14:00"}])
    {'mon': '08:00-20:00', 'sat': '10:00-14:00'}
    """
    merged: dict[str, str] = {}
    for day in _WEEKDAYS:
        spans = {spec[day] for spec in specs if spec.get(day, "closed").strip() != "closed"}
        if not spans:
            continue
        if len(spans) == 1:
            merged[day] = spans.pop()
            continue
        opens, closes = [], []
        for span in sorted(spans):
            start, end = (parse_clock(part.strip()) for part in span.split("-"))
            if end <= start:
                raise ConfigError(
                    f"sites scheduled together open over midnight on {day} with different "
                    f"hours ({sorted(spans)})",
                    column="sites.opening_hours",
                    fix="give them the same opening hours on that day",
                )
            opens.append(start)
            closes.append(end)
        merged[day] = f"{_clock(min(opens))}-{_clock(max(closes))}"
    return merged


def _clock(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def agent_site_timezones(groups: Sequence[StaffingGroup]) -> dict[str, str]:
    """Each agent's time zone, by agent id: its site's (the clock of its site in a group
    whose sites are in different zones, else its group's zone). The rota workbook and
    calendars show an agent's times in it (:func:`wfm.scheduling.exports.rota_to_excel`)."""
    zones = {agent.agent_id: group.centre.timezone for group in groups for agent in group.agents}
    for group in groups:
        for clock in group.clocks:
            zones.update(dict.fromkeys(clock.agent_ids, clock.timezone))
    return zones


def _in_timezone(frame: pd.DataFrame, timezone: str) -> pd.DataFrame:
    frame = frame.copy()
    for column in frame.columns:
        if isinstance(frame[column].dtype, pd.DatetimeTZDtype):
            frame[column] = frame[column].dt.tz_convert(timezone)
    return frame


def concat_in_timezone(frames: Sequence[pd.DataFrame], timezone: str) -> pd.DataFrame:
    """The frames one under the other, every time-zone-aware column in ``timezone``."""
    frames = [_in_timezone(frame, timezone) for frame in frames]
    return pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]


def merge_rotas(results: Sequence[RotaResult], timezone: str, wall_seconds: float) -> RotaResult:
    """One rota from the groups' rotas (group order kept), with a combined summary.

    The combined summary adds the groups' objectives, bounds, sizes and hours (so its gap
    is the gap of the whole rota) and takes the worst status; ``wall_seconds`` is the wall
    time of the whole scheduling step. The groups' ``violations`` (a rolled rota's check)
    are put one after the other when every group has them, else the result's are ``None``;
    a centre with sites has each site's check put on the merged rota by
    :func:`wfm.plan.centre_rota.schedule_centre`
    (:func:`wfm.plan.site_compliance.merged_rota_checks`).
    """
    summaries = [result.summary for result in results]
    objectives = [s.objective for s in summaries]
    bounds = [s.bound for s in summaries]
    objective = None if any(v is None for v in objectives) else float(sum(objectives))
    bound = None if any(v is None for v in bounds) else float(sum(bounds))
    gap = None
    if objective is not None and bound is not None:
        gap = 0.0 if abs(objective) < 1e-9 else max(0.0, (objective - bound) / abs(objective))
    status = min((s.status for s in summaries), key=_STATUS_ORDER.index)
    termination = "; ".join(f"group {n}: {s.termination}" for n, s in enumerate(summaries, start=1))
    summary = dataclasses.replace(
        summaries[0],
        status=status,
        termination=termination,
        objective=objective,
        bound=bound,
        gap=gap,
        build_seconds=sum(s.build_seconds for s in summaries),
        solve_seconds=sum(s.solve_seconds for s in summaries),
        wall_seconds=wall_seconds,
        n_variables=sum(s.n_variables for s in summaries),
        n_integer_variables=sum(s.n_integer_variables for s in summaries),
        n_constraints=sum(s.n_constraints for s in summaries),
        under_staffed_agent_hours=sum(s.under_staffed_agent_hours for s in summaries),
        over_staffed_agent_hours=sum(s.over_staffed_agent_hours for s in summaries),
        paid_hours=sum(s.paid_hours for s in summaries),
        time_limit_reached=any(s.time_limit_reached for s in summaries),
    )
    violations = None
    if all(r.violations is not None for r in results):
        violations = tuple(v for r in results for v in r.violations)
    return RotaResult(
        rota=concat_in_timezone([r.rota for r in results], timezone),
        coverage=concat_in_timezone([r.coverage for r in results], timezone),
        agent_summary=concat_in_timezone([r.agent_summary for r in results], timezone),
        summary=summary,
        violations=violations,
    )
