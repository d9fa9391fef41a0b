"""Shifts of sites in different time zones on one interval grid (follow-the-sun groups).

Sites that share a queue are scheduled together (:mod:`wfm.plan.groups`). When their time
zones differ, the model keeps **one interval grid** in a reference zone (the
:class:`~wfm.scheduling.site.RotaSite`'s ``timezone``: the group's zone with the earliest
local midnight, so every site's week starts on or after the grid's first instant), on
which the shared queues' requirements and coverage live, while each site's shifts are made
on **its own local clock** (:class:`~wfm.scheduling.site.SiteClock`): its shift templates'
local start times, its opening hours and holidays, its local days. A shift is then placed on
the grid by its instant, so a week in which one zone changes its clocks and the other does
not is handled exactly (the offset between the sites is read per shift, never assumed).

What each candidate carries: ``day``, ``date`` and ``start_minute`` are the site's local
day, date and start (so the contract rules on days, weekends, runs of days off, the weekly
hours and the preferences read the agent's own calendar); ``start`` and ``end`` are
instants (written in the reference zone), so rest between shifts is elapsed time;
``first_interval`` is the grid position; ``site`` names the site and ``end_local`` is the
local wall-clock end (for late shifts). An agent may only take its own site's shifts.

Limits (refused with the sites and zones named, never planned wrongly): every site's
shift starts must fall on the reference grid (a zone offset by a multiple of the interval:
+05:30 works with 15-minute intervals, not with 60), and a site's week may not start
before the reference zone's (only when the zones' order changes with daylight saving).
The horizon proper is the reference zone's weeks: coverage of a western site's last
evening beyond it is not counted (as for any shift running past the horizon).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
from collections.abc import Sequence

import numpy as np
import pandas as pd

from wfm.config import BreakRule
from wfm.data.schemas import Agent
from wfm.errors import ConfigError
from wfm.scheduling.availability_and_preferences import availability_mask
from wfm.scheduling.shifts import WeekGrid, shift_candidates, week_grid
from wfm.scheduling.site import RotaSite, SiteClock

logger = logging.getLogger(__name__)


def local_midnight(timezone: str, date: dt.date) -> pd.Timestamp:
    """The first instant of local ``date`` in ``timezone`` (a midnight skipped by a clock
    change is the first instant after it).

    >>> str(local_midnight("America/New_York", dt.date(2026, 1, 5)).tz_convert("UTC"))
    '2026-01-05 05:00:00+00:00'
    """
    return pd.Timestamp(date).tz_localize(timezone, nonexistent="shift_forward", ambiguous=True)


def longest_shift_minutes(clocks: Sequence[SiteClock]) -> int:
    """The longest shift any site's templates allow [minutes]."""
    return max(
        (length for c in clocks for t in c.shift_templates for length in t.lengths_minutes),
        default=0,
    )


def clock_grid(site: RotaSite, start_date: dt.date, days: int) -> WeekGrid:
    """The reference grid of a model with several site clocks: ``days`` local days of the
    reference zone from ``start_date``, with a tail long enough for the latest site's last
    shift (the longest shift plus the latest site's delay after the reference midnight).

    Raises
    ------
    ConfigError
        If a site's week starts before the reference zone's (names the sites and zones).
    """
    reference = local_midnight(site.timezone, start_date)
    delays = {}
    for clock in site.clocks:
        delay = local_midnight(clock.timezone, start_date) - reference
        if delay < pd.Timedelta(0):
            raise ConfigError(
                f"site '{clock.name}' ({clock.timezone}) starts its week on {start_date} "
                f"{-delay} before the group's reference zone {site.timezone}; wfm plans sites "
                "in different time zones on the grid of the zone whose day starts first, and "
                "their order changes in this week (daylight saving)",
                column="sites.timezone",
                fix="plan a week in which the zones keep their order, or give the sites their "
                "own queues",
            )
        delays[clock.name] = delay
    spill = longest_shift_minutes(site.clocks) + int(
        max(delays.values(), default=pd.Timedelta(0)).total_seconds() // 60
    )
    return week_grid(site, start_date, days, spill_minutes=spill)


def clock_candidates(
    site: RotaSite,
    break_rules: Sequence[BreakRule],
    grid: WeekGrid,
    agents: Sequence[Agent],
    availability: pd.DataFrame | None,
) -> tuple[pd.DataFrame, np.ndarray]:
    """Every site's shift candidates on the reference ``grid``, and which agent may take which.

    Parameters
    ----------
    site
        The model's site, with one :class:`SiteClock` per site in ``site.clocks``.
    break_rules
        The break rules (unpaid breaks make ``paid_minutes``).
    grid
        The reference grid (:func:`clock_grid`).
    agents
        The model's agents (sorted by id, as in the instance); each must belong to a clock.
    availability
        Time off and availability windows (each agent's own local dates), or ``None``.

    Returns
    -------
    (pandas.DataFrame, numpy.ndarray)
        The candidates (the columns of :func:`wfm.scheduling.shifts.shift_candidates` plus
        ``site`` and ``end_local``), and a boolean (agents x candidates) mask: an agent's own
        site's shifts that its availability allows.

    Raises
    ------
    ConfigError
        If an agent belongs to no site, or a site's shift starts fall off the reference
        grid (names the site, its zone and the reference zone).
    """
    clock_of = {agent_id: n for n, clock in enumerate(site.clocks) for agent_id in clock.agent_ids}
    missing = [agent.agent_id for agent in agents if agent.agent_id not in clock_of]
    if missing:
        raise ConfigError(
            f"agent '{missing[0]}' belongs to none of the sites {[c.name for c in site.clocks]}",
            column="sites.agents",
            fix="list each agent in the agents file of its site",
        )
    grid_ns = grid.intervals.as_unit("ns").asi8
    frames, masks = [], []
    for number, clock in enumerate(site.clocks):
        local_site = dataclasses.replace(
            site,
            timezone=clock.timezone,
            opening_hours_for=clock.opening_hours_for,
            shift_templates=clock.shift_templates,
            clocks=(),
        )
        local_grid = week_grid(local_site, grid.start_date, grid.days)
        local = shift_candidates(clock.shift_templates, break_rules, local_grid)
        if local.empty:
            continue
        start_ns = pd.DatetimeIndex(local["start"]).as_unit("ns").asi8
        first = np.searchsorted(grid_ns, start_ns)
        on_grid = (first < len(grid_ns)) & (
            grid_ns[np.clip(first, 0, len(grid_ns) - 1)] == start_ns
        )
        if not on_grid.all():
            bad = local.loc[~on_grid, "start"].iloc[0]
            raise ConfigError(
                f"site '{clock.name}' ({clock.timezone}) has a shift at {bad}, which is not "
                f"on the {grid.interval_minutes}-minute grid of the group's reference zone "
                f"{site.timezone}",
                column="interval_minutes",
                fix="use an interval that divides the zones' offset (e.g. 15 or 30 minutes for "
                "a zone offset by half an hour), or give the site its own queues",
            )
        n_intervals = local["n_intervals"].to_numpy(dtype=np.int64)
        if (first + n_intervals > len(grid_ns)).any():  # the tail is sized for this
            raise RuntimeError(f"site {clock.name}: a shift runs past the reference grid")
        mask = availability_mask(local, agents, availability)
        mine = np.array([clock_of[agent.agent_id] == number for agent in agents], dtype=bool)
        mask &= mine[:, None]
        end_local = pd.DatetimeIndex(local["end"]).tz_convert(clock.timezone).tz_localize(None)
        frames.append(
            local.assign(
                start=pd.DatetimeIndex(local["start"]).tz_convert(site.timezone),
                end=pd.DatetimeIndex(local["end"]).tz_convert(site.timezone),
                first_interval=first.astype(np.int64),
                site=clock.name,
                end_local=end_local,
            )
        )
        masks.append(mask)
    if not frames:
        return shift_candidates((), break_rules, grid), np.zeros((len(agents), 0), dtype=bool)
    candidates = pd.concat(frames, ignore_index=True)
    allowed = np.concatenate(masks, axis=1)
    order = np.lexsort(
        (
            candidates["site"].to_numpy(dtype=str),
            candidates["length_minutes"].to_numpy(dtype=np.int64),
            candidates["first_interval"].to_numpy(dtype=np.int64),
            candidates["day"].to_numpy(dtype=np.int64),
        )
    )
    candidates = candidates.iloc[order].reset_index(drop=True)
    candidates["candidate"] = np.arange(len(candidates), dtype=np.int64)
    logger.info(
        "%d shift candidates of %d sites on the %s grid",
        len(candidates),
        len(site.clocks),
        site.timezone,
    )
    return candidates, allowed[:, order]


__all__ = ["clock_candidates", "clock_grid", "local_midnight", "longest_shift_minutes"]
