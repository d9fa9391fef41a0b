"""Sites in different time zones sharing a queue: one model, each site on its own clock.

A London site and a New York site both answer ``shared_billing``. The checks are
independent of the engine: coverage is recounted from the rota's own rows on the UTC
grid, and each agent's shifts are read back in the agent's site's local time against its
opening hours, shift templates and rest rules.
"""

from __future__ import annotations

import datetime as dt
import json
import tomllib

import numpy as np
import openpyxl
import pandas as pd
import pytest
import tomli_w

from wfm.cli import main
from wfm.config import load_centre
from wfm.data.output_files import read_rota
from wfm.data.synthetic.sites import SHARED_QUEUE, generate_multi_site_centre
from wfm.errors import ConfigError
from wfm.plan.centre_rota import schedule_centre
from wfm.plan.groups import agent_site_timezones, staffing_groups
from wfm.scheduling.exports import agent_summary_from_rota, unpaid_activities_of
from wfm.timegrid import parse_clock

SUNDAY_HOURS = "10:00-16:00"


def write_centre(folder, *, timezone="America/New_York", half_hours=False, sunday=False):
    """The synthetic 2-site centre with site02 moved to ``timezone`` (country US)."""
    path = generate_multi_site_centre(
        folder, sites=2, agents_per_site=5, history_weeks=3, forecast_model="seasonal_naive"
    )
    raw = tomllib.loads(path.read_text())
    raw["sites"][1].update(timezone=timezone, country="US")
    raw["scheduling"]["relative_gap"] = 0.05  # a quick test; the checks hold for any rota
    if half_hours:  # a 30-minute grid (and only its 30-minute lunch)
        raw["centre"]["interval_minutes"] = 30
        raw["break_rules"] = [b for b in raw["break_rules"] if b["duration_minutes"] == 30]
    if sunday:  # open on Sundays, when the clocks change
        for site in raw["sites"]:
            site["opening_hours"]["sun"] = SUNDAY_HOURS
        for template in raw["shift_templates"]:
            template["days"] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
    out = folder / "centre_two_zones.toml"
    out.write_text(tomli_w.dumps(raw))
    return out


@pytest.fixture(scope="module")
def two_zones(tmp_path_factory):
    return write_centre(tmp_path_factory.mktemp("two_zones"))


@pytest.fixture(scope="module")
def two_zones_sunday(tmp_path_factory):
    return write_centre(tmp_path_factory.mktemp("two_zones_sunday"), sunday=True)


def site_open(centre, site_name, moments):
    """Is the site open at each local moment (its own opening hours, by weekday)?"""
    site = centre.site_centre(site_name)
    hours = site.opening_hours_for(range(2026, 2028))
    return hours.is_open(pd.DatetimeIndex(moments).tz_convert(site.timezone), 1)


def requirements_for(centre, start_date, days=7):
    """Two agents on the shared queue whenever a site is open, one on each site's own
    sales queue while that site is open: on a 15-minute UTC grid."""
    moments = pd.date_range(
        pd.Timestamp(start_date - dt.timedelta(days=1), tz="UTC"),
        pd.Timestamp(start_date + dt.timedelta(days=days + 1), tz="UTC"),
        freq="15min",
        inclusive="left",
    )
    rows = []
    opens = {site.name: site_open(centre, site.name, moments) for site in centre.sites}
    for name, is_open in opens.items():
        rows.append(pd.DataFrame({"interval_start": moments[is_open], "queue": f"{name}_sales"}))
    either = np.logical_or.reduce(list(opens.values()))
    rows.append(pd.DataFrame({"interval_start": moments[either], "queue": SHARED_QUEUE}))
    frame = pd.concat(rows, ignore_index=True)
    frame["agents_scheduled_required"] = np.where(frame["queue"] == SHARED_QUEUE, 2.0, 1.0)
    frame["agents_required"] = frame["agents_scheduled_required"]
    return frame


def recount_working(rota, moments, interval_minutes):
    """Agents on a ``work`` row for the whole of each interval, from the rota rows alone."""
    work = rota[rota["activity"] == "work"]
    start = pd.DatetimeIndex(work["start"]).as_unit("ns").asi8
    end = pd.DatetimeIndex(work["end"]).as_unit("ns").asi8
    at = pd.DatetimeIndex(moments).as_unit("ns").asi8
    step = interval_minutes * 60 * 10**9
    return ((start[None, :] <= at[:, None]) & (end[None, :] >= at[:, None] + step)).sum(axis=1)


def check_each_agent_on_its_own_clock(centre, rota):
    """Each shift, read in its agent's site's local time: the rota's date is the local start
    date, the start is one of the site's template starts on that weekday, the whole shift
    lies inside the site's opening hours, and rest between shifts meets the contract."""
    for site in centre.sites:
        local = centre.site_centre(site.name)
        mine = rota[rota["agent_id"].str.startswith(site.name)]
        assert not mine.empty, site.name
        shifts = mine.groupby(["agent_id", "date"]).agg(start=("start", "min"), end=("end", "max"))
        for (agent_id, date), shift in shifts.iterrows():
            start = shift["start"].tz_convert(local.timezone)
            end = shift["end"].tz_convert(local.timezone)
            assert str(start.date()) == str(date), (agent_id, start)
            minute = start.hour * 60 + start.minute
            weekday = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")[start.weekday()]
            assert any(
                weekday in t.days and minute in t.start_minutes() for t in local.shift_templates
            ), (agent_id, start)
            inside = pd.date_range(start, end, freq="1min", inclusive="left")
            assert site_open(centre, site.name, inside).all(), (agent_id, start, end)
        agents = pd.read_csv(local.resolve(site.agents), dtype=str).set_index("agent_id")
        for agent_id, own in shifts.reset_index().groupby("agent_id"):
            rest = local.contract(agents.loc[agent_id, "contract"]).min_rest_hours
            own = own.sort_values("start")
            gaps = (
                own["start"].iloc[1:].to_numpy() - own["end"].iloc[:-1].to_numpy()
            ) / np.timedelta64(1, "h")
            assert (gaps >= rest - 1e-9).all(), (agent_id, gaps)


def test_sites_in_two_zones_sharing_a_queue_are_one_group_on_their_own_clocks(two_zones):
    centre = load_centre(two_zones)
    (group,) = staffing_groups(centre)
    assert group.sites == ("site01", "site02")
    assert group.centre.timezone == "Europe/London"  # the zone whose day starts first
    assert [(c.name, c.timezone, c.country) for c in group.clocks] == [
        ("site01", "Europe/London", None),
        ("site02", "America/New_York", "US"),
    ]
    assert sorted(i for c in group.clocks for i in c.agent_ids) == sorted(
        a.agent_id for a in group.agents
    )
    # open from London's 08:00 to New York's 20:00 (01:00 in London, 00:00 in the weeks
    # when the offset is 4 hours)
    assert group.centre.opening_hours["mon"] == "08:00-01:00"


@pytest.mark.parametrize(
    ("fixture", "start", "changes"),
    [
        pytest.param(  # the slowest solve (about 2 minutes on a busy machine)
            "two_zones", dt.date(2026, 11, 16), "no clock change", marks=pytest.mark.slow
        ),
        ("two_zones_sunday", dt.date(2026, 3, 23), "London springs forward on Sunday 29 March"),
        pytest.param(  # about 12 s of CPU; the spring week keeps a clock change in the fast loop
            "two_zones_sunday",
            dt.date(2026, 10, 26),
            "New York falls back on Sunday 1 November",
            marks=pytest.mark.slow,
        ),
    ],
)
def test_one_model_covers_the_shared_queue_from_both_sites_at_the_right_utc_times(
    request, fixture, start, changes
):
    centre = load_centre(request.getfixturevalue(fixture))
    requirements = requirements_for(centre, start)
    made = schedule_centre(centre, requirements, start, weeks=1)
    rota, coverage = made.result.rota, made.result.coverage
    assert [g.sites for g in made.groups] == [("site01", "site02")]
    # coverage recounted from the rota rows equals the model's, interval by interval
    per_interval = coverage.groupby("interval_start")["agents_scheduled"].sum()
    recount = recount_working(rota, per_interval.index, centre.interval_minutes)
    np.testing.assert_allclose(recount, per_interval.to_numpy(), err_msg=changes)
    # the shared queue is served by New York when London is closed, by London when New
    # York is closed: both sites count on one grid
    shared = coverage[coverage["queue"] == SHARED_QUEUE].set_index("interval_start")
    london_open = site_open(centre, "site01", shared.index)
    new_york_open = site_open(centre, "site02", shared.index)
    assert shared.loc[new_york_open & ~london_open, "agents_scheduled"].sum() > 0
    assert shared.loc[london_open & ~new_york_open, "agents_scheduled"].sum() > 0
    assert shared.loc[~london_open & ~new_york_open, "agents_scheduled"].sum() == 0
    check_each_agent_on_its_own_clock(centre, rota)
    # the New York agents' own queue is covered only in New York's hours
    site02 = coverage[coverage["queue"] == "site02_sales"].set_index("interval_start")
    assert site02.loc[~site_open(centre, "site02", site02.index), "agents_scheduled"].sum() == 0


def test_a_zone_off_the_interval_grid_is_refused_naming_the_sites_and_zones(tmp_path):
    path = write_centre(tmp_path, timezone="Asia/Kathmandu", half_hours=True)  # UTC+05:45
    centre = load_centre(path)
    requirements = pd.DataFrame(
        {
            "interval_start": pd.DatetimeIndex([], tz="UTC"),
            "queue": pd.Series(dtype=str),
            "agents_scheduled_required": pd.Series(dtype=float),
        }
    )
    with pytest.raises(ConfigError) as raised:
        schedule_centre(centre, requirements, dt.date(2026, 11, 16), weeks=1)
    message = str(raised.value)
    assert "site 'site01' (Europe/London)" in message  # Kathmandu's day starts first
    assert "30-minute grid of the group's reference zone Asia/Kathmandu" in message


@pytest.mark.slow
def test_wfm_plan_on_two_zones_writes_one_rota_that_covers_the_requirements(two_zones, tmp_path):
    out = tmp_path / "plan"
    assert main(["plan", "--centre", str(two_zones), "-o", str(out), "-q"]) == 0
    solve = json.loads((out / "solve_summary.json").read_text())
    assert [g["sites"] for g in solve["groups"]] == [["site01", "site02"]]
    assert solve["groups"][0]["gap"] <= 0.05 + 1e-9
    centre = load_centre(two_zones)
    rota = pd.read_csv(out / "rota.csv")
    for column in ("start", "end"):
        rota[column] = pd.to_datetime(rota[column], utc=True)
    check_each_agent_on_its_own_clock(centre, rota)
    check_workbook_in_site_zones(out / "rota.xlsx", rota, centre)
    # agent_summary.csv (the scheduler's counts) is the rota's summary on each site's clock
    groups = staffing_groups(centre)
    recounted = agent_summary_from_rota(
        read_rota(out / "rota.csv", centre.timezone),
        [agent for group in groups for agent in group.agents],
        agent_timezones=agent_site_timezones(groups),
        unpaid_activities=unpaid_activities_of(centre),
        late_shift_end=centre.scheduling.late_shift_end,
    )
    written = pd.read_csv(out / "agent_summary.csv", dtype={"agent_id": str})
    counts = ["agent_id", "days_worked", "weekend_days", "late_shifts"]
    pd.testing.assert_frame_equal(recounted[counts], written[counts], check_dtype=False)
    coverage = pd.read_csv(out / "coverage.csv")
    coverage["interval_start"] = pd.to_datetime(coverage["interval_start"], utc=True)
    requirements = pd.read_csv(out / "requirements.csv")
    requirements["interval_start"] = pd.to_datetime(requirements["interval_start"], utc=True)
    # coverage.csv from the rota rows, and its requirement column from requirements.csv
    per_interval = coverage.groupby("interval_start")["agents_scheduled"].sum()
    recount = recount_working(rota, per_interval.index, centre.interval_minutes)
    np.testing.assert_allclose(recount, per_interval.to_numpy())
    joined = coverage.merge(requirements, on=["interval_start", "queue"], suffixes=("", "_req"))
    np.testing.assert_allclose(
        joined["agents_scheduled_required"], joined["agents_scheduled_required_req"]
    )
    shared = coverage[coverage["queue"] == SHARED_QUEUE].set_index("interval_start")
    late = ~site_open(centre, "site01", shared.index) & site_open(centre, "site02", shared.index)
    assert shared.loc[late, "agents_scheduled"].sum() > 0  # New York answers London's evening
    assert "site01+site02" in (out / "report.md").read_text()


def test_each_agent_has_its_sites_time_zone(two_zones):
    centre = load_centre(two_zones)
    zones = agent_site_timezones(staffing_groups(centre))
    for site in centre.sites:
        ids = pd.read_csv(centre.site_centre(site.name).resolve(site.agents), dtype=str)
        assert ids["agent_id"].size > 0
        for agent_id in ids["agent_id"]:
            assert zones[agent_id] == centre.site_centre(site.name).timezone, agent_id
    assert set(zones.values()) == {"Europe/London", "America/New_York"}


def check_workbook_in_site_zones(path, rota, centre):
    """Every team-sheet row of rota.xlsx reads its agent's site's wall-clock times: the
    instants of rota.csv, converted here to the site's zone (row order: agent, start)."""
    book = openpyxl.load_workbook(path)
    zone_of = {}
    for site in centre.sites:
        local = centre.site_centre(site.name)
        for agent_id in pd.read_csv(local.resolve(site.agents), dtype=str)["agent_id"]:
            zone_of[agent_id] = local.timezone
    assert "each agent's own time zone" in book.properties.description
    rows = []
    for sheet in book.worksheets[1:]:
        header, *body = sheet.iter_rows(values_only=True)
        assert header == (
            "agent_id",
            "name",
            "date",
            "activity",
            "start",
            "end",
            "timezone",
            "paid_hours",
        )
        rows += [dict(zip(header, row, strict=True)) for row in body]
    assert len(rows) == len(rota)
    expected = rota.sort_values(["agent_id", "start"], kind="stable")
    got = pd.DataFrame(rows).sort_values(["agent_id", "start"], kind="stable")
    for want, row in zip(expected.itertuples(), got.itertuples(), strict=True):
        zone = zone_of[want.agent_id]
        assert (row.agent_id, row.timezone) == (want.agent_id, zone)
        assert row.start == want.start.tz_convert(zone).tz_localize(None).to_pydatetime()
        assert row.end == want.end.tz_convert(zone).tz_localize(None).to_pydatetime()
        assert str(row.date.date()) == str(want.date)  # rota.csv's date: the local one


def test_reference_opening_hours_hold_every_site_hour_on_the_reference_clock(two_zones):
    """Every minute a site is open (over a year with both clock changes) is open in the
    group's reference hours: the group's forecast and requirements never miss a site's
    hour."""
    centre = load_centre(two_zones)
    (group,) = staffing_groups(centre)
    moments = pd.date_range("2026-01-01", "2027-01-01", freq="15min", tz="UTC", inclusive="left")
    reference = group.centre.opening_hours_for([2026, 2027]).is_open(
        moments.tz_convert(group.centre.timezone), 15
    )
    for site in centre.sites:
        assert not (site_open(centre, site.name, moments) & ~reference).any(), site.name
    assert parse_clock(group.centre.opening_hours["sat"].split("-")[0]) == 9 * 60
