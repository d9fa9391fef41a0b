"""Each agent's site clock in the app's views (pure functions, tested without Streamlit).

A centre's sites can be in different time zones while sharing a queue
(:mod:`wfm.scheduling.site_clocks`). The rota is stored on one clock (the centre's zone), but
a planner at a site reads its agents' shifts on the site's wall clock, as the rota workbook
and calendars show them (:func:`wfm.plan.groups.agent_site_timezones`). :class:`SiteZones`
says, per agent, which site and zone that is; :func:`wall_clock_by_agent` turns a rota's
instants into each agent's local wall-clock times.

When every agent's zone is the centre's (a one-site centre, or sites in one zone),
:attr:`SiteZones.on_own_clocks` is false and the views draw exactly as before: the
centre's local time.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from wfm.plan.site_agents import AgentSite

#: Column of the site label (``"york (America/New_York)"``) in frames drawn per site.
SITE_COLUMN = "site"


@dataclass(frozen=True)
class SiteZones:
    """The centre's zone and each agent's site (agents without a site are on the centre's clock).

    Parameters
    ----------
    centre_timezone
        IANA zone of the centre (the clock the rota and the queues' intervals are stored on).
    sites
        Agent id -> :class:`~wfm.plan.site_agents.AgentSite`; empty for a centre without sites.
    """

    centre_timezone: str
    sites: dict[str, AgentSite] = field(default_factory=dict)

    @property
    def on_own_clocks(self) -> bool:
        """Whether some agent's site is in another zone than the centre's (then the views
        show each agent's times in its site's zone and name the zones)."""
        return any(site.timezone != self.centre_timezone for site in self.sites.values())

    def timezone_of(self, agent_id: str) -> str:
        """The zone ``agent_id``'s times are shown in: its site's, else the centre's."""
        site = self.sites.get(str(agent_id))
        return site.timezone if site is not None and self.on_own_clocks else self.centre_timezone

    def agent_timezones(self) -> dict[str, str] | None:
        """Agent id -> zone for the exports (:func:`wfm.scheduling.exports.rota_table`), or
        ``None`` when every agent is on the centre's clock (the exports unchanged)."""
        if not self.on_own_clocks:
            return None
        return {agent_id: site.timezone for agent_id, site in self.sites.items()}

    def label_of(self, agent_id: str) -> str:
        """``"site (zone)"`` of the agent; the centre's zone alone for an agent without a site."""
        site = self.sites.get(str(agent_id))
        if site is None:
            return f"centre ({self.centre_timezone})"
        return f"{site.name} ({site.timezone})"

    def caption(self) -> str:
        """The sentence naming each site's zone, e.g. ``Times in each agent's site zone:
        london (Europe/London), york (America/New_York).``; empty when not on own clocks."""
        if not self.on_own_clocks:
            return ""
        labels = dict.fromkeys(f"{site.name} ({site.timezone})" for site in self.sites.values())
        return f"Times in each agent's site zone: {', '.join(labels)}."


def wall_clock_by_agent(
    times: pd.Series, agent_ids: pd.Series, zones: SiteZones | None
) -> pd.Series:
    """Tz-aware instants as naive wall-clock times on each row's agent's clock.

    With ``zones`` ``None`` or not :attr:`~SiteZones.on_own_clocks`, the times' own zone
    is kept (the naive local time, as :func:`helpers.charts.wall_clock`).

    >>> times = pd.Series(pd.to_datetime(["2026-11-16 16:30", "2026-11-16 16:30"])).dt.tz_localize("UTC")
    >>> zones = SiteZones("Europe/London", {"n1": AgentSite("york", "America/New_York")})
    >>> wall_clock_by_agent(times, pd.Series(["l1", "n1"]), zones).dt.strftime("%H:%M").tolist()
    ['16:30', '11:30']
    """
    if zones is None or not zones.on_own_clocks:
        if isinstance(times.dtype, pd.DatetimeTZDtype):
            return times.dt.tz_localize(None)
        return pd.to_datetime(times)
    instants = pd.to_datetime(times, utc=True)
    target = agent_ids.astype(str).map(zones.timezone_of)
    result = pd.Series(pd.NaT, index=times.index, dtype="datetime64[ns]")
    for zone in target.unique():
        mine = (target == zone).to_numpy()
        result.loc[mine] = (
            instants[mine].dt.tz_convert(zone).dt.tz_localize(None).astype("datetime64[ns]")
        )
    return result


def in_agent_zone(rota: pd.DataFrame, agent_id: str, zones: SiteZones | None) -> pd.DataFrame:
    """``rota`` with ``start`` and ``end`` on ``agent_id``'s clock (tz-aware), to read and
    edit that agent's shifts in its site's wall-clock time; unchanged when it is the rota's."""
    if zones is None or not zones.on_own_clocks:
        return rota
    zone = zones.timezone_of(agent_id)
    frame = rota.copy()
    for column in ("start", "end"):
        frame[column] = frame[column].dt.tz_convert(zone)
    return frame


def in_centre_zone(rota: pd.DataFrame, zones: SiteZones | None) -> pd.DataFrame:
    """``rota`` (e.g. an edit made on an agent's clock) back on the centre's clock."""
    if zones is None or not zones.on_own_clocks:
        return rota
    frame = rota.copy()
    for column in ("start", "end"):
        frame[column] = frame[column].dt.tz_convert(zones.centre_timezone)
    return frame
