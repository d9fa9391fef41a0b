"""Which site each agent of a multi-site centre works at, and on which clock.

A centre with ``[[sites]]`` names its agents per site (:class:`wfm.config.Site`), and each
site may be in its own time zone. An agent's shifts are made on its site's local clock
(:mod:`wfm.scheduling.site_clocks`) and are read on it: the rota workbook
(:func:`wfm.plan.groups.agent_site_timezones`) and the app's rota views show each agent's
times in its site's zone. This module reads the sites' agents files once and says, per agent,
the site's name and IANA zone (the site's ``timezone``, else the centre's, as
:meth:`wfm.config.Centre.site_centre` does), and reads the agents' availability files the
way ``wfm plan`` does (:func:`read_agent_availability`, :func:`centre_availability`).
:func:`centre_agents` is the one reader of every agent of a centre, with or without sites,
for every command that needs the centre's agents: the day's (``wfm intraday status``,
``replan`` and ``accept``), ``wfm capacity``, ``place-activities``, and the teams of
``wfm review`` and ``adherence``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

import pandas as pd

from wfm.config import Centre
from wfm.data.agents import read_agents
from wfm.data.availability import read_availability
from wfm.data.schemas import Agent


class AgentSite(NamedTuple):
    """The site an agent works at: its ``name`` and its IANA time zone ``timezone``."""

    name: str
    timezone: str


def site_agents(centre: Centre) -> list[tuple[AgentSite, list[Agent]]]:
    """Every site of ``centre`` with its agents (read from the site's agents file), in the
    centre file's order; empty for a centre without ``[[sites]]``."""
    sites = []
    for site in centre.sites:
        local = centre.site_centre(site.name)
        agents = read_agents(local.resolve(site.agents), local, sheet=site.agents_sheet)
        sites.append((AgentSite(site.name, local.timezone), agents))
    return sites


def centre_agents(
    centre: Centre, sites: list[tuple[AgentSite, list[Agent]]] | None = None
) -> list[Agent]:
    """Every agent of ``centre``: a centre with ``[[sites]]``, each site's agents file's
    agents, site after site in the centre file's order (the centre names no agents file of
    its own); a centre without sites, its agents file's
    (:func:`wfm.plan.chain.load_agents`: a clear error if it names none).

    Parameters
    ----------
    centre
        The centre.
    sites
        :func:`site_agents` of ``centre`` when already read; default read here.
    """
    if not centre.sites:
        from wfm.plan.chain import load_agents  # chain reads availability here: import late

        return load_agents(centre)
    if sites is None:
        sites = site_agents(centre)
    return [agent for _, members in sites for agent in members]


def agent_sites(sites: list[tuple[AgentSite, list[Agent]]]) -> dict[str, AgentSite]:
    """Each agent's site, by agent id, from :func:`site_agents`.

    >>> agent = Agent("n1", "Noah", "Team A", "full_time", ("sales",))
    >>> agent_sites([(AgentSite("york", "America/New_York"), [agent])])
    {'n1': AgentSite(name='york', timezone='America/New_York')}
    """
    return {agent.agent_id: place for place, agents in sites for agent in agents}


def agent_rule_centres(
    centre: Centre, sites: list[tuple[AgentSite, list[Agent]]] | None = None
) -> dict[str, Centre]:
    """Each agent's rules, by agent id: its site's centre (:meth:`wfm.config.Centre.site_centre`:
    the site's break rules, contracts, zone and country, the centre's for what the site leaves
    out); empty for a centre without ``[[sites]]`` (every agent is then under the centre's).

    Parameters
    ----------
    centre
        The centre.
    sites
        :func:`site_agents` of ``centre`` when already read; default read here.
    """
    if not centre.sites:
        return {}
    if sites is None:
        sites = site_agents(centre)
    rules = {}
    for place, agents in sites:
        local = centre.site_centre(place.name)
        rules.update({agent.agent_id: local for agent in agents})
    return rules


def read_agent_availability(
    centre: Centre, agents: Sequence[Agent] | None = None
) -> pd.DataFrame | None:
    """The availability file ``centre`` names, read in its zone: for a site's centre
    (:meth:`wfm.config.Centre.site_centre`) the site's own file, whose times without a UTC
    offset are local to the site. The one reader of a centre's or a site's availability:
    ``wfm plan`` (:func:`wfm.plan.groups.staffing_groups`) and the day's re-plan
    (:func:`centre_availability`) read it here.

    Parameters
    ----------
    centre
        A centre, or one site of a centre as a centre of its own.
    agents
        If given, every window's ``agent_id`` must be one of them (the file's line is named
        otherwise).

    Returns
    -------
    pandas.DataFrame or None
        :func:`wfm.data.availability.read_availability`'s frame, times in ``centre``'s
        zone; ``None`` when the centre names no availability file.
    """
    path = centre.resolve(centre.availability)
    if path is None:
        return None
    ids = None if agents is None else [agent.agent_id for agent in agents]
    return read_availability(path, centre.timezone, ids)


def centre_availability(
    centre: Centre,
    sites: list[tuple[AgentSite, list[Agent]]] | None = None,
    agents: Sequence[Agent] | None = None,
) -> pd.DataFrame | None:
    """Every agent's availability windows, as the rota was planned with them.

    A centre with ``[[sites]]``: each site's own file (:func:`read_agent_availability` of
    the site's centre: times without an offset local to the site, each window's agent one of
    the site's), one under the other in the centre file's order, times in the centre's zone;
    the centre's own ``availability`` is not read (``wfm plan`` does not read it either). A
    centre without sites: its file, its agents checked against ``agents`` if given.

    Parameters
    ----------
    centre
        The centre.
    sites
        :func:`site_agents` of ``centre`` when already read; default read here.
    agents
        A centre without sites: its agents, to check the windows' agents against.

    Returns
    -------
    pandas.DataFrame or None
        ``None`` when no file is named.
    """
    if not centre.sites:
        return read_agent_availability(centre, agents)
    if sites is None:
        sites = site_agents(centre)
    frames = []
    for place, members in sites:
        rows = read_agent_availability(centre.site_centre(place.name), members)
        if rows is not None:
            frames.append(
                rows.assign(
                    start=rows["start"].dt.tz_convert(centre.timezone),
                    end=rows["end"].dt.tz_convert(centre.timezone),
                )
            )
    if not frames:
        return None
    return pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
