"""Each agent's site and zone read from the sites' agents files (wfm.plan.site_agents),
checked against the staffing groups' clocks (an independent reading of the same centre)."""

from __future__ import annotations

import tomllib

import pytest
import tomli_w

from wfm.config import load_centre
from wfm.data.synthetic.sites import generate_multi_site_centre
from wfm.plan.groups import agent_site_timezones, staffing_groups
from wfm.plan.site_agents import AgentSite, agent_sites, site_agents


@pytest.fixture(scope="module")
def two_zones(tmp_path_factory):
    folder = tmp_path_factory.mktemp("site_agents")
    path = generate_multi_site_centre(
        folder, sites=2, agents_per_site=3, history_weeks=1, forecast_model="seasonal_naive"
    )
    raw = tomllib.loads(path.read_text())
    raw["sites"][1].update(timezone="America/New_York", country="US")
    out = folder / "two_zones.toml"
    out.write_text(tomli_w.dumps(raw))
    return load_centre(out)


def test_every_agent_has_its_sites_name_and_zone(two_zones):
    sites = agent_sites(site_agents(two_zones))
    assert len(sites) == 6
    for agent_id, site in sites.items():
        assert agent_id.startswith(site.name)  # the synthetic ids start with the site's name
    assert sites["site02-0001"] == AgentSite("site02", "America/New_York")
    assert sites["site01-0001"] == AgentSite("site01", two_zones.timezone)
    zones = agent_site_timezones(staffing_groups(two_zones))
    assert {agent_id: site.timezone for agent_id, site in sites.items()} == zones


def test_a_centre_without_sites_has_none(two_zones):
    one = two_zones.model_copy(update={"sites": ()})
    assert site_agents(one) == [] and agent_sites([]) == {}
