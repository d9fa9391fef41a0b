"""`wfm reoptimise` of a rota whose staffing group joins sites in two time zones (London
and New York sharing ``shared_billing``): it was refused; each agent's change is now read
on its own site's clock.

Independent checks: the sick day and the availability window are checked on the rota's
rows read in New York time by hand; the changes table is recounted from the published and
new rotas (shifts per agent and local date, times on the agent's clock); every kept or new
shift starts at one of its own site's template times.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import tomllib

import numpy as np
import pandas as pd
import pytest
import tomli_w

from wfm.config import load_centre
from wfm.data.synthetic.sites import SHARED_QUEUE, generate_multi_site_centre
from wfm.plan.centre_rota import group_requirements, reoptimise_centre, schedule_centre
from wfm.plan.groups import staffing_groups
from wfm.plan.site_agents import agent_sites, site_agents
from wfm.scheduling.instance import prepare_week
from wfm.scheduling.reoptimise import match_shifts, rota_shifts
from wfm.scheduling.site import rota_site

START = dt.date(2026, 11, 16)
NEW_YORK = "America/New_York"
SICK_DAY = dt.date(2026, 11, 17)  # a New York date
OFF_DAY = dt.date(2026, 11, 18)  # New York wall-clock window 06:00-23:00 that day


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    folder = tmp_path_factory.mktemp("reoptimise_two_zones")
    path = generate_multi_site_centre(
        folder, sites=2, agents_per_site=3, history_weeks=1, forecast_model="seasonal_naive"
    )
    raw = tomllib.loads(path.read_text())
    raw["sites"][1].update(timezone=NEW_YORK, country="US")
    raw["scheduling"]["relative_gap"] = 0.05
    out = folder / "two_zones.toml"
    out.write_text(tomli_w.dumps(raw))
    # a New York part-timer: its 08:00-11:00 starts are London's part-time 13:00-16:00 ones
    agents_file = folder / raw["sites"][1]["agents"]
    agents = pd.read_csv(agents_file, dtype=str)
    agents.loc[agents["agent_id"] == "site02-0003", "contract"] = "part_time"
    agents.to_csv(agents_file, index=False)
    centre = load_centre(out)
    requirements = _requirements(centre)
    made = schedule_centre(centre, requirements, START, weeks=1)
    return folder, centre, requirements, made.result.rota


def _requirements(centre) -> pd.DataFrame:
    """One agent on each site's sales queue while it is open, two on the shared queue while
    either is, on a 15-minute UTC grid."""
    moments = pd.date_range(
        pd.Timestamp(START - dt.timedelta(days=1), tz="UTC"),
        pd.Timestamp(START + dt.timedelta(days=8), tz="UTC"),
        freq="15min",
        inclusive="left",
    )
    rows, opens = [], []
    for site in centre.sites:
        local = centre.site_centre(site.name)
        is_open = local.opening_hours_for(range(2026, 2028)).is_open(
            moments.tz_convert(local.timezone), 1
        )
        opens.append(is_open)
        rows.append(
            pd.DataFrame({"interval_start": moments[is_open], "queue": f"{site.name}_sales"})
        )
    rows.append(
        pd.DataFrame(
            {"interval_start": moments[np.logical_or.reduce(opens)], "queue": SHARED_QUEUE}
        )
    )
    frame = pd.concat(rows, ignore_index=True)
    frame["agents_scheduled_required"] = np.where(frame["queue"] == SHARED_QUEUE, 2.0, 1.0)
    frame["agents_required"] = frame["agents_scheduled_required"]
    return frame


def _shifts(rota: pd.DataFrame, zones: dict[str, str]) -> dict[tuple[str, dt.date], str]:
    """``(agent, local date) -> 'HH:MM-HH:MM'`` on the agent's own clock, by hand."""
    shifts = {}
    for agent_id, own in rota.groupby("agent_id"):
        zone = zones[str(agent_id)]
        start = pd.DatetimeIndex(own["start"]).tz_convert(zone)
        end = pd.DatetimeIndex(own["end"]).tz_convert(zone)
        frame = pd.DataFrame({"date": start.date, "start": start, "end": end})
        for date, day in frame.groupby("date"):
            shifts[str(agent_id), date] = f"{day['start'].min():%H:%M}-{day['end'].max():%H:%M}"
    return shifts


def test_reoptimising_a_two_zone_group_keeps_each_agent_on_its_own_clock(published, tmp_path):
    folder, centre, requirements, rota = published
    zones = {a: place.timezone for a, place in agent_sites(site_agents(centre)).items()}
    before = _shifts(rota, zones)
    york = sorted(a for a, zone in zones.items() if zone == NEW_YORK)
    sick = next(a for a in york if (a, SICK_DAY) in before)
    # someone whose New York shift on OFF_DAY ends after 18:00 New York (23:00 London): a
    # window read on London's clock (New York's 01:00-18:00) would leave it in place
    late = next(
        a for a in york if a != sick and (a, OFF_DAY) in before and before[a, OFF_DAY] > "-18:00"
    )
    window = tmp_path / "off.csv"
    window.write_text(
        f"agent_id,start,end,kind\n{late},{OFF_DAY}T06:00:00,{OFF_DAY}T23:00:00,unavailable\n"
    )
    outcome, solves = reoptimise_centre(
        centre,
        rota,
        requirements,
        START,
        unavailable=[(sick, SICK_DAY)],
        availability_file=str(window),
    )
    assert [g.sites for g in solves] == [("site01", "site02")]
    after = _shifts(outcome.result.rota, zones)
    assert (sick, SICK_DAY) not in after and (late, OFF_DAY) not in after
    # never worse than the published rota less the lost shifts
    assert outcome.published_cost is not None
    assert outcome.result.summary.objective <= outcome.published_cost + 1e-6
    # the changes table's shifts, recounted from the two rotas on each agent's clock
    changed = {
        (a, d): (before.get((a, d), ""), after.get((a, d), ""))
        for a, d in set(before) | set(after)
        if before.get((a, d)) != after.get((a, d))
    }
    table = outcome.changes[outcome.changes["activity"] == "shift"]
    listed = {
        (str(r.agent_id), r.date): (r.old_time, r.new_time) for r in table.itertuples(index=False)
    }
    assert listed == changed
    assert {(sick, SICK_DAY), (late, OFF_DAY)} <= set(listed)
    # every shift of the new rota starts at one of its own site's template times
    for (agent_id, date), span in after.items():
        site = centre.site_centre(agent_sites(site_agents(centre))[agent_id].name)
        weekday = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")[date.weekday()]
        hours, minutes = map(int, span[:5].split(":"))
        assert any(
            weekday in t.days and hours * 60 + minutes in t.start_minutes()
            for t in site.shift_templates
        ), (agent_id, date, span)


def test_each_published_shift_is_matched_to_its_own_sites_shift(published):
    """A New York part-time shift at 08:00 New York starts and ends at the instants of a
    London part-time shift at 13:00: it is matched to New York's candidate, which its agent
    may take (London's it may not: it would count as lost to the change)."""
    _, centre, requirements, rota = published
    (group,) = staffing_groups(centre)
    site = dataclasses.replace(rota_site(group.centre), clocks=group.clocks)
    instance = prepare_week(
        group_requirements(requirements, [group])[0], site, list(group.agents), START, days=7
    )
    site_of = {a: place.name for a, place in agent_sites(site_agents(centre)).items()}
    shifts = rota_shifts(rota)
    matched, unmatched = match_shifts(shifts, instance, site_of)
    assert unmatched.empty and len(matched) == len(shifts)
    assert len(matched.merge(instance.eligible, on=["agent", "candidate"])) == len(shifts)
    ids = [instance.agents[a].agent_id for a in matched["agent"]]
    sites = instance.candidates.set_index("candidate").loc[matched["candidate"], "site"]
    assert list(sites) == [site_of[i] for i in ids]
    # the collision the site tells apart is in this rota
    york_early = [
        shift
        for shift in shifts.itertuples(index=False)
        if site_of[shift.agent_id] == "site02"
        and pd.Timestamp(shift.start).tz_convert(NEW_YORK).hour < 12
        and (pd.Timestamp(shift.end) - pd.Timestamp(shift.start)) < pd.Timedelta(hours=7)
    ]
    assert york_early
