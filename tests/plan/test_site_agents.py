"""Each agent's site and zone read from the sites' agents files (wfm.plan.site_agents),
checked against the staffing groups' clocks (an independent reading of the same centre)."""

from __future__ import annotations

import tomllib

import pandas as pd
import pytest
import tomli_w

from wfm.config import load_centre
from wfm.data.synthetic.sites import generate_multi_site_centre
from wfm.errors import ConfigError, InputError
from wfm.plan.groups import agent_site_timezones, staffing_groups
from wfm.plan.site_agents import (
    AgentSite,
    agent_sites,
    centre_agents,
    centre_availability,
    site_agents,
)


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


def test_a_centres_agents_are_its_staffing_groups_agents(two_zones):
    """With sites: every site's agents, as wfm plan's staffing groups hold them; without
    sites and without an agents file: a clear error naming the field, not a crash."""
    ids = [agent.agent_id for agent in centre_agents(two_zones)]
    grouped = [agent.agent_id for group in staffing_groups(two_zones) for agent in group.agents]
    assert len(ids) == 6 and sorted(ids) == sorted(grouped)
    one = two_zones.model_copy(update={"sites": ()})
    with pytest.raises(ConfigError, match="names no agents file"):
        centre_agents(one)


def test_each_sites_availability_is_read_on_its_own_clock_as_the_plan_reads_it(tmp_path):
    """The re-plan's windows (centre_availability) are the staffing groups' (wfm plan's),
    and a New York site's wall-clock 09:00 is 14:00 UTC in November (by hand)."""
    path = generate_multi_site_centre(
        tmp_path, sites=2, agents_per_site=2, history_weeks=1, forecast_model="seasonal_naive"
    )
    raw = tomllib.loads(path.read_text())
    raw["sites"][1].update(timezone="America/New_York", country="US", availability="york_off.csv")
    raw["sites"][0]["availability"] = "london_off.csv"
    (tmp_path / "york_off.csv").write_text(
        "agent_id,start,end,kind\nsite02-0002,2026-11-17T09:00:00,2026-11-17T17:00:00,unavailable\n"
    )
    (tmp_path / "london_off.csv").write_text(
        "agent_id,start,end,kind\nsite01-0001,2026-11-18T09:00:00,2026-11-18T12:00:00,unavailable\n"
    )
    out = tmp_path / "two_zones.toml"
    out.write_text(tomli_w.dumps(raw))
    centre = load_centre(out)
    windows = centre_availability(centre)
    assert list(windows["agent_id"]) == ["site01-0001", "site02-0002"]
    assert str(windows["start"].dt.tz) == centre.timezone
    utc = windows["start"].dt.tz_convert("UTC").dt.strftime("%Y-%m-%d %H:%M").tolist()
    assert utc == ["2026-11-18 09:00", "2026-11-17 14:00"]
    planned = pd.concat(
        [g.availability for g in staffing_groups(centre) if g.availability is not None]
    )
    key = ["agent_id", "kind"]
    merged = windows.merge(planned, on=key, suffixes=("", "_plan"))
    assert len(merged) == 2
    assert (merged["start"] == merged["start_plan"]).all()
    assert (merged["end"] == merged["end_plan"]).all()
    # a site's file naming another site's agent is refused naming the file and the line
    (tmp_path / "york_off.csv").write_text(
        "agent_id,start,end,kind\nsite01-0002,2026-11-17T09:00:00,2026-11-17T17:00:00,unavailable\n"
    )
    with pytest.raises(InputError) as raised:
        centre_availability(centre)
    assert "york_off.csv" in str(raised.value) and "site01-0002" in str(raised.value)
