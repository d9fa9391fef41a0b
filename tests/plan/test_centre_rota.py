"""Every rota maker splits a centre into staffing groups as `wfm plan` does: `wfm schedule`,
`wfm reoptimise` and the workspace (the app's Rota builder) give one rota with a summary per
group, and the same rota as the plan."""

from __future__ import annotations

import datetime as dt
import json
import tomllib

import pandas as pd
import pytest
import tomli_w

from wfm.cli import main
from wfm.config import load_centre
from wfm.data.output_files import read_rota
from wfm.data.synthetic.sites import generate_multi_site_centre
from wfm.plan.centre_rota import group_requirements, schedule_centre
from wfm.plan.chain import load_rota_requirements
from wfm.plan.groups import staffing_groups
from wfm.plan.workspace import Workspace


@pytest.fixture(scope="module")
def planned(tmp_path_factory):
    """A three-site centre (two London sites sharing a queue, one in Berlin) and its plan."""
    folder = tmp_path_factory.mktemp("centre_rota")
    path = generate_multi_site_centre(
        folder / "centre",
        sites=3,
        agents_per_site=4,
        history_weeks=3,
        forecast_model="seasonal_naive",
    )
    out = folder / "plan"
    assert main(["plan", "--centre", str(path), "-o", str(out), "-q"]) == 0
    start = pd.read_csv(out / "rota.csv")["date"].min()
    return path, out, start


def test_wfm_schedule_splits_the_sites_into_groups_and_makes_the_plans_rota(planned, tmp_path):
    path, plan_out, start = planned
    out = tmp_path / "schedule"
    code = main(
        [
            "schedule",
            str(plan_out / "requirements.csv"),
            "--centre",
            str(path),
            "--start-date",
            start,
            "-o",
            str(out),
            "-q",
        ]
    )
    assert code == 0
    # written group by group as the groups arrived (wfm.plan.centre_rota.StreamedRota):
    # the same bytes, and no spill or temporary file left
    assert (out / "rota.csv").read_bytes() == (plan_out / "rota.csv").read_bytes()
    assert [p.name for p in out.iterdir() if p.name.startswith(".")] == []
    assert (out / "coverage.csv").read_bytes() == (plan_out / "coverage.csv").read_bytes()
    mine = json.loads((out / "solve_summary.json").read_text())
    plans = json.loads((plan_out / "solve_summary.json").read_text())
    assert [g["sites"] for g in mine["groups"]] == [["site01", "site02"], ["site03"]]
    assert [g["objective"] for g in mine["groups"]] == [g["objective"] for g in plans["groups"]]
    assert mine["objective"] == pytest.approx(sum(g["objective"] for g in mine["groups"]))


def test_wfm_reoptimise_takes_a_day_off_in_the_agents_own_time_zone(planned, tmp_path):
    path, plan_out, start = planned
    rota = pd.read_csv(plan_out / "rota.csv")
    berlin = rota[rota["agent_id"].str.startswith("site03")]
    agent, day = berlin.iloc[0]["agent_id"], berlin.iloc[0]["date"]
    out = tmp_path / "reoptimised"
    code = main(
        [
            "reoptimise",
            str(plan_out / "rota.csv"),
            "--requirements",
            str(plan_out / "requirements.csv"),
            "--centre",
            str(path),
            "--start-date",
            start,
            "--unavailable",
            f"{agent}:{day}",
            "-o",
            str(out),
            "-q",
        ]
    )
    assert code == 0
    centre = load_centre(path)
    new = read_rota(out / "rota.csv", centre.timezone)
    # the agent works nowhere on that date of Berlin's clock
    local_dates = new["start"].dt.tz_convert("Europe/Berlin").dt.date.astype(str)
    assert new[(new["agent_id"] == agent) & (local_dates == day)].empty
    assert not new[new["agent_id"] == agent].empty  # the rest of the week is kept
    solve = json.loads((out / "solve_summary.json").read_text())
    assert [g["sites"] for g in solve["groups"]] == [["site01", "site02"], ["site03"]]
    changes = pd.read_csv(out / "changes.csv")
    assert set(changes["agent_id"].str.split("-").str[0]) <= {"site01", "site02", "site03"}
    assert agent in set(changes["agent_id"])
    # the London group lost nobody: its published rota stays as it was
    old = read_rota(plan_out / "rota.csv", centre.timezone)
    london = old["agent_id"].str.startswith(("site01", "site02"))
    pd.testing.assert_frame_equal(
        new[new["agent_id"].str.startswith(("site01", "site02"))].reset_index(drop=True),
        old[london].reset_index(drop=True),
    )


def test_the_workspace_stores_one_summary_per_group_and_the_plans_rota(planned, tmp_path):
    path, plan_out, start = planned
    centre = load_centre(path)
    requirements = load_rota_requirements(plan_out / "requirements.csv", centre)
    ws = Workspace.open(f"sqlite:///{tmp_path / 'wfm.db'}")
    version_id, made = ws.generate_rota(
        centre, requirements, dt.date.fromisoformat(start), name="sites"
    )
    stored = ws.rota(version_id)
    assert [g["group"] for g in stored.solve_summary["groups"]] == [g.name for g in made.groups]
    assert len(made.groups) == 2
    plan_rota = read_rota(plan_out / "rota.csv", centre.timezone)
    assert len(stored.rota) == len(plan_rota)
    assert set(stored.rota["agent_id"]) == set(plan_rota["agent_id"])


def test_a_centre_of_one_group_is_one_model_with_no_group_summaries(planned):
    path, plan_out, start = planned
    site = load_centre(path).site_centre("site03")
    requirements = load_rota_requirements(plan_out / "requirements.csv", load_centre(path))
    groups = staffing_groups(site)
    assert len(groups) == 1
    (own,) = group_requirements(requirements, groups)
    made = schedule_centre(site, own, dt.date.fromisoformat(start))
    assert made.groups == () and "groups" not in made.solve_summary()
    assert set(made.result.rota["agent_id"].str[:6]) == {"site03"}


def test_wfm_schedule_refuses_sites_sharing_a_queue_with_other_holidays_before_any_work(
    planned, tmp_path, capsys
):
    path, plan_out, start = planned
    raw = tomllib.loads(path.read_text())
    raw["sites"][1]["country"] = "IE"  # same zone, other holidays: one clock cannot hold both
    for site in raw["sites"]:
        site["agents"] = str(path.parent / site["agents"])
    raw["centre"]["history"] = str(path.parent / raw["centre"]["history"])
    bad = tmp_path / "centre.toml"
    bad.write_text(tomli_w.dumps(raw))
    out = tmp_path / "schedule"
    code = main(
        [
            "schedule",
            str(plan_out / "requirements.csv"),
            "--centre",
            str(bad),
            "--start-date",
            start,
            "-o",
            str(out),
            "-q",
        ]
    )
    assert code == 2
    error = capsys.readouterr().err
    assert "share queue 'shared_billing'" in error and "site02: IE" in error
    assert "Traceback" not in error
    assert not out.exists() or not any(p.is_file() for p in out.rglob("*"))
