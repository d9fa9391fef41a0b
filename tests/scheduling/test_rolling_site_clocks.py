"""The rolling horizon of a model joining sites in two time zones (London and New York):
each agent's boundary carried on its own site's clock.

Unit: the carried windows of a New York agent are New York's midnight and local days (a
day off from 05:00 to 05:00 London time in November), where London's clock would leave its
Monday evening open. End to end: the synthetic two-site centre with site02 in New York,
planned for two weeks with rolling forced (``rolling_horizon_above_pairs = 0``; it was
refused before), checked independently per site on each site's clock, law and contracts
(:func:`wfm.plan.site_compliance.check_rota_by_site`).
"""

from __future__ import annotations

import datetime as dt
import tomllib

import pandas as pd
import tomli_w

from wfm.config import Contract, load_centre
from wfm.data.schemas import Agent
from wfm.data.synthetic.sites import generate_multi_site_centre
from wfm.plan.chain import run_plan
from wfm.plan.groups import staffing_groups
from wfm.plan.site_compliance import check_rota_by_site
from wfm.scheduling.compliance import contract_violations
from wfm.scheduling.week_boundary import AgentState, boundary_availability

LONDON, NEW_YORK = "Europe/London", "America/New_York"
MONDAY = dt.date(2026, 11, 16)
NEXT_MONDAY = MONDAY + dt.timedelta(days=7)


def test_a_new_york_agents_carried_rest_and_day_off_are_on_new_yorks_clock():
    contract = Contract(name="c", max_consecutive_working_days=5, min_rest_hours=11)
    agents = [Agent("n1", "N", "t", "c", ("q",))]
    # five days worked up to Sunday, the last ending 21:00 New York time (02:00 London)
    last_end = pd.Timestamp(f"{NEXT_MONDAY - dt.timedelta(days=1)} 21:00", tz=NEW_YORK)
    state = AgentState(last_end=last_end, last_work_day=6, trailing_working_days=5)

    def windows(timezone_of):
        return boundary_availability(
            {"n1": state}, agents, {"c": contract}, NEXT_MONDAY, LONDON, MONDAY, timezone_of
        )

    own = windows({"n1": NEW_YORK})
    midnight = pd.Timestamp(str(NEXT_MONDAY), tz=NEW_YORK)
    rest = own[own["end"] - own["start"] < pd.Timedelta(days=1)]
    assert list(zip(rest["start"], rest["end"], strict=True)) == [
        (midnight, last_end + pd.Timedelta(hours=11))
    ]
    day_off = own[own["end"] - own["start"] == pd.Timedelta(days=1)]
    assert list(zip(day_off["start"], day_off["end"], strict=True)) == [
        (midnight, midnight + pd.Timedelta(days=1))  # New York's Monday: a sixth day refused
    ]
    # London's clock (the defect): the day off ends at 19:00 New York time, so a New York
    # Monday evening shift, a sixth working day in a row, stayed open
    reference = windows(None)
    whole = reference[reference["end"] - reference["start"] == pd.Timedelta(days=1)]
    assert whole["end"].iloc[0].tz_convert(NEW_YORK).hour == 19


def test_a_two_zone_fortnight_rolls_and_keeps_each_sites_rules(tmp_path):
    path = generate_multi_site_centre(
        tmp_path, sites=2, agents_per_site=3, history_weeks=3, forecast_model="seasonal_naive"
    )
    raw = tomllib.loads(path.read_text())
    raw["sites"][1].update(timezone=NEW_YORK, country="US")
    raw["planning"]["horizon_days"] = 14
    raw["scheduling"].update(
        relative_gap=0.05, time_limit_seconds=120, rolling_horizon_above_pairs=0
    )
    out = tmp_path / "two_zones_rolling.toml"
    out.write_text(tomli_w.dumps(raw))
    centre = load_centre(out)
    (group,) = staffing_groups(centre)
    assert group.clocks  # one model on London's grid, two clocks
    result = run_plan(centre)
    assert "rolling horizon of 2 weeks" in result.rota.summary.termination
    checks = check_rota_by_site(
        result.rota.rota, centre, result.agents, week_start=result.start_date
    )
    assert [c.site for c in checks] == ["site01", "site02"]
    for check in checks:
        assert contract_violations(list(check.violations)) == [], check.label
    assert "rule breaches across week boundaries" not in result.rota.summary.termination
    # New York's shifts are on New York's local dates: each shift's date is its start's
    york = result.rota.rota[result.rota.rota["agent_id"].str.startswith("site02")]
    starts = york.groupby(["agent_id", "date"])["start"].min()
    local = [s.tz_convert(NEW_YORK).date() for s in starts]
    assert local == [pd.Timestamp(d).date() for _, d in starts.index]
