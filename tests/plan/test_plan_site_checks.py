"""A plan's own working-time check of a centre whose sites are in two zones sharing a queue.

The synthetic two-site centre with site02 moved to New York (country US): one staffing group,
one model on London's clock (the reference zone). The plan must judge each site's agents on
their own site's clock under their own site's law and contracts
(:func:`wfm.plan.site_compliance.plan_checks`), and write that check with the rota
(``violations.csv``, ``report.md``). The expected judgements are made independently: each
site's rows checked with :func:`wfm.scheduling.check_rota` against that site's own centre
(:meth:`wfm.config.Centre.site_centre`), and a planted New York Friday evening read from the
agent's local dates.
"""

from __future__ import annotations

import datetime as dt
import tomllib

import pandas as pd
import pytest
import tomli_w

from wfm.config import load_centre
from wfm.data.synthetic.sites import generate_multi_site_centre
from wfm.plan.chain import run_plan, write_plan
from wfm.plan.groups import staffing_groups
from wfm.plan.site_compliance import plan_checks, site_violations_frame
from wfm.scheduling import check_rota, rota_site

LONDON, NEW_YORK = "Europe/London", "America/New_York"
#: The planted Friday evening: 19:00-21:00 New York time [hours].
EVENING_HOURS = 2


@pytest.fixture(scope="module")
def planned(tmp_path_factory):
    """The two-zone centre and its planned week (about 4 s of CPU)."""
    folder = tmp_path_factory.mktemp("plan_site_checks")
    path = generate_multi_site_centre(
        folder, sites=2, agents_per_site=5, history_weeks=3, forecast_model="seasonal_naive"
    )
    raw = tomllib.loads(path.read_text())
    raw["sites"][1].update(timezone=NEW_YORK, country="US")
    raw["scheduling"].update(relative_gap=0.05, time_limit_seconds=120)
    out = folder / "centre_two_zones.toml"
    out.write_text(tomli_w.dumps(raw))
    centre = load_centre(out)
    return centre, run_plan(centre)


def site_rows(rota: pd.DataFrame, site: str) -> pd.DataFrame:
    return rota[rota["agent_id"].str.startswith(site)]


def test_the_plan_checks_each_site_on_its_own_clock_law_and_contracts(planned, tmp_path):
    centre, result = planned
    (group,) = staffing_groups(centre)
    assert group.clocks  # one model joining two zones, on London's clock
    assert [(c.site, c.timezone, c.country) for c in result.compliance] == [
        ("site01", LONDON, None),
        ("site02", NEW_YORK, "US"),
    ]
    assert result.compliance[1].law is None  # no US table: the contracts alone
    for check in result.compliance:
        own = centre.site_centre(check.site)
        rows = site_rows(result.rota.rota, check.site)
        assert set(check.agent_ids) == set(rows["agent_id"])
        expected = check_rota(
            rows,
            site=rota_site(own),
            agents=[a for a in result.agents if a.agent_id in set(rows["agent_id"])],
            week_start=result.start_date,
        )
        assert list(check.violations) == expected, check.site

    paths = write_plan(result, tmp_path / "out")
    written = pd.read_csv(paths["violations.csv"], dtype=str)
    assert "site" in written.columns
    assert len(written) == sum(len(c.violations) for c in result.compliance)
    report = paths["report.md"].read_text()
    assert "## Working time at each site" in report
    assert "**site02 (America/New_York)**, 5 agents" in report
    assert "no working-time law table for country 'US'" in report


def friday_worker(result, centre) -> tuple[str, dt.date]:
    """A New York agent who works on the Friday (New York date) but not on the Saturday, as
    many days as the contract allows and within :data:`EVENING_HOURS` of its weekly hours,
    and that Friday."""
    rota = site_rows(result.rota.rota, "site02")
    work = rota[rota["activity"] == "work"]
    local_day = pd.DatetimeIndex(work["start"]).tz_convert(NEW_YORK).date
    friday = result.start_date + dt.timedelta(days=4)
    days = pd.Series(local_day).groupby(work["agent_id"].to_numpy()).agg(set)
    contract_of = {a.agent_id: a.contract for a in result.agents}
    contracts = {c.name: c for c in centre.site_centre("site02").contracts}
    paid = result.rota.agent_summary.set_index("agent_id")["paid_hours"]
    saturday = friday + dt.timedelta(days=1)
    for agent_id, worked in days.items():
        contract = contracts[contract_of[agent_id]]
        if (
            friday in worked
            and saturday not in worked
            and len(worked) == contract.max_days_per_week
            and paid[agent_id] + EVENING_HOURS > contract.max_hours_per_week
        ):
            return agent_id, friday
    pytest.skip("no New York agent works a full week with a Friday and no Saturday")


def test_a_new_york_friday_evening_is_not_a_sixth_london_day_in_the_plans_check(planned):
    centre, result = planned
    agent_id, friday = friday_worker(result, centre)
    # 19:00-21:00 New York time on the agent's Friday: Saturday 00:00-02:00 in London (New
    # York is five hours behind in November), after the day's shift
    evening = [
        pd.Timestamp(dt.datetime.combine(friday, dt.time(h))).tz_localize(NEW_YORK)
        for h in (19, 19 + EVENING_HOURS)
    ]
    assert evening[0].tz_convert(LONDON).date() == friday + dt.timedelta(days=1)
    piece = pd.DataFrame(
        {
            "agent_id": [agent_id],
            "date": [friday],
            "activity": ["work"],
            "start": [evening[0].tz_convert(LONDON)],
            "end": [evening[1].tz_convert(LONDON)],
        }
    )
    rota = pd.concat([result.rota.rota, piece], ignore_index=True)
    checks = plan_checks(centre, rota, result.agents, result.start_date)
    york = {v.rule for v in checks[1].violations if v.agent_id == agent_id}
    assert "contract_max_days" not in york  # still five New York days
    # the group's model clock (London) would count a sixth day: the defect this guards
    (group,) = staffing_groups(centre)
    on_reference = check_rota(
        rota[rota["agent_id"] == agent_id],
        site=rota_site(group.centre),
        agents=list(result.agents),
        week_start=result.start_date,
    )
    assert "contract_max_days" in {v.rule for v in on_reference}
    # the breach it does make (hours above the contract's week) is on New York's week, in
    # its zone
    table = site_violations_frame(checks)
    mine = table[table["agent_id"] == agent_id]
    assert set(mine["site"]) == {"site02 (America/New_York)"}
    monday = f"{result.start_date.isoformat()}T00:00:00-05:00"
    assert monday in set(mine.loc[mine["rule"] == "contract_max_paid_hours", "start"])


def test_the_plans_checks_are_saved_with_its_rota_and_read_back(planned, tmp_path):
    """Workspace.save_plan keeps the checks with the rota version (the app's "Plan
    everything"): the summaries and the violations read back equal the plan's own, and a
    version made otherwise has none. A planted 13-hour New York day (no rest, a shift past
    the contract's longest) makes the violations non-empty."""
    import dataclasses

    from wfm.plan.workspace import Workspace

    centre, result = planned
    agent_id = site_rows(result.rota.rota, "site02")["agent_id"].iloc[0]
    day = result.start_date + dt.timedelta(days=2)
    start = pd.Timestamp(dt.datetime.combine(day, dt.time(6))).tz_localize(NEW_YORK)
    piece = pd.DataFrame(
        {
            "agent_id": [agent_id],
            "date": [day],
            "activity": ["work"],
            "start": [start.tz_convert(LONDON)],
            "end": [(start + pd.Timedelta(hours=13)).tz_convert(LONDON)],
        }
    )
    rota = pd.concat([result.rota.rota, piece], ignore_index=True)
    checks = plan_checks(centre, rota, result.agents, result.start_date)
    assert sum(len(c.violations) for c in checks) > 0
    planted = dataclasses.replace(
        result, rota=dataclasses.replace(result.rota, rota=rota), compliance=checks
    )
    ws = Workspace.open(f"sqlite:///{tmp_path / 'plan.db'}", actor="planner")
    ids = ws.save_plan(planted)
    saved = ws.site_checks(ids["rota_version"])
    assert saved is not None and saved.created_by == "planner"
    assert [c["label"] for c in saved.checks] == [c.label for c in checks]
    assert [c["violations"] for c in saved.checks] == [len(c.violations) for c in checks]
    assert [c["agents"] for c in saved.checks] == [len(c.agent_ids) for c in checks]
    expected = site_violations_frame(checks)
    pd.testing.assert_frame_equal(
        saved.violations[list(expected.columns)].astype(str).reset_index(drop=True),
        expected.astype(str).reset_index(drop=True),
    )
    other = ws.save_rota(rota, result.rota.coverage, name="edited")
    assert ws.site_checks(other) is None
    assert "site_checks_saved" in set(ws.audit()["action"])
