"""Today's position on each site's own local day, for a centre whose sites are in several zones.

The position of the day (:func:`wfm.intraday.position.day_position`) is a queue's, and its day
is the forecast's zone's local day: for a centre that is the centre's clock. A site in
another zone works another day: New York's Tuesday runs from 05:00 to 05:00 London time, so
London's day cuts its evening off and shows its Monday evening instead. :func:`site_days`
therefore reads the same feed once per site on the site's own local day (the forecast's
instants on the site's clock, so the day and its intervals are the site's): the shared
queues' position over that day (required, scheduled and present agents of every site,
since the sites share the queues), and the site's own agents' part of it.

Sites are found with :func:`wfm.plan.site_agents.site_agents` (the sites' agents files), so
each agent's site is read in one place.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from wfm.data.schemas import Agent
from wfm.data.states import StateLog
from wfm.intraday.position import DayOptions, DayPosition, day_position
from wfm.plan.site_agents import AgentSite
from wfm.scheduling.site_clocks import local_midnight


@dataclass(frozen=True)
class SiteDay:
    """One site's local day at the as-of time.

    Attributes
    ----------
    site
        The site's name and zone.
    day
        The site's local date at the as-of time.
    position
        The shared queues' position over the site's local day (every site's agents),
        interval starts on the site's clock.
    own
        The same day's position counting only the site's own agents
        (``agents_scheduled``, ``agents_present`` are the site's part).
    """

    site: AgentSite
    day: dt.date
    position: DayPosition
    own: DayPosition

    @property
    def label(self) -> str:
        """``"site (zone)"``."""
        return f"{self.site.name} ({self.site.timezone})"


def _in_zone(frame: pd.DataFrame, column: str, timezone: str) -> pd.DataFrame:
    return frame.assign(**{column: frame[column].dt.tz_convert(timezone)})


def site_days(
    sites: Sequence[tuple[AgentSite, Sequence[Agent]]],
    options: DayOptions,
    *,
    forecast: pd.DataFrame,
    rota: pd.DataFrame,
    states: StateLog,
    arrivals: pd.DataFrame,
    as_of: pd.Timestamp,
) -> list[SiteDay]:
    """Each site's local day at ``as_of`` (see the module docstring).

    Parameters
    ----------
    sites
        :func:`wfm.plan.site_agents.site_agents` of the centre.
    options
        :func:`wfm.intraday.centre_day.position_options` of the centre and all its agents.
    forecast
        The planned forecast; it should cover every site's local day (intervals it lacks
        are not in that site's position).
    rota
        The rota around today (any dates; the rows meeting each site's day are used).
    states, arrivals, as_of
        As :func:`~wfm.intraday.position.day_position`.

    Returns
    -------
    list of SiteDay
        In the order of ``sites``; a site whose local day the forecast does not cover is
        left out.
    """
    days = []
    for place, members in sites:
        zone = place.timezone
        day = pd.Timestamp(as_of).tz_convert(zone).date()
        begin = local_midnight(zone, day)
        end = local_midnight(zone, day + dt.timedelta(days=1))
        local = _in_zone(forecast, "interval_start", zone)
        local = local[(local["interval_start"] >= begin) & (local["interval_start"] < end)]
        if local.empty:
            continue
        meeting = rota[(rota["start"] < end) & (rota["end"] > begin)]
        ids = {agent.agent_id for agent in members}
        everyone = day_position(local, meeting, states, arrivals, as_of, options)
        own = day_position(
            local, meeting[meeting["agent_id"].isin(ids)], states, arrivals, as_of, options
        )
        days.append(SiteDay(place, day, everyone, own))
    return days


def site_day_frame(site_day: SiteDay, queue: str) -> pd.DataFrame:
    """One queue's intervals of ``site_day`` with the site's own agents beside every site's:
    the position's columns plus ``agents_scheduled_site`` and ``agents_present_site``;
    ``interval_start`` on the site's clock."""
    mine = site_day.position.intervals
    mine = mine[mine["queue"] == queue]
    own = site_day.own.intervals
    own = own[own["queue"] == queue].set_index("interval_start")
    frame = mine.assign(
        agents_scheduled_site=own["agents_scheduled"].reindex(mine["interval_start"]).to_numpy(),
        agents_present_site=own["agents_present"].reindex(mine["interval_start"]).to_numpy(),
    )
    return _in_zone(frame, "interval_start", site_day.site.timezone)


__all__ = ["SiteDay", "site_day_frame", "site_days"]
