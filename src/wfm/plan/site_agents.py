"""Which site each agent of a multi-site centre works at, and on which clock.

A centre with ``[[sites]]`` names its agents per site (:class:`wfm.config.Site`), and each
site may be in its own time zone. An agent's shifts are made on its site's local clock
(:mod:`wfm.scheduling.site_clocks`) and are read on it: the rota workbook
(:func:`wfm.plan.groups.agent_site_timezones`) and the app's rota views show each agent's
times in its site's zone. This module reads the sites' agents files once and says, per agent,
the site's name and IANA zone (the site's ``timezone``, else the centre's, as
:meth:`wfm.config.Centre.site_centre` does).
"""

from __future__ import annotations

from typing import NamedTuple

from wfm.config import Centre
from wfm.data.agents import read_agents
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
