"""On the sample's played day (a spike, agents absent) the re-plan wins back at least half of
the day's service-level shortfall with fewer than 10 changed agent-activities; the changes
keep the past, the contracts and the working-time rules; through the CLI they are published."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from wfm.cli import main
from wfm.config import load_centre
from wfm.data.agents import read_agents
from wfm.forecast.intraday_update import UpdateParameters
from wfm.intraday.day_replan import replan_today
from wfm.intraday.feed import parse_as_of
from wfm.intraday.sample_day import play_day
from wfm.plan.workspace import Workspace
from wfm.scheduling.compliance import check_rota
from wfm.scheduling.site import rota_site

CENTRE = load_centre("data/sample/centre.toml")
DAY = dt.date(2026, 10, 20)
#: A day-level factor alone with a gamma prior of strength 200 contacts.
DAY_FACTOR_200 = UpdateParameters(level_sd=200**-0.5, recent_sd=0.0, recent_minutes=60.0)


@pytest.fixture(scope="module")
def played():
    as_of = parse_as_of("11:00", DAY, CENTRE.timezone)
    return play_day(CENTRE, DAY, as_of, rota_path=CENTRE.base_dir / "published_rota.csv"), as_of


@pytest.mark.slow
def test_the_replan_recovers_half_the_shortfall_with_fewer_than_ten_changes(played):
    day, as_of = played
    agents = read_agents(CENTRE.resolve(CENTRE.agents), CENTRE)
    rota_day = day.rota[day.rota["date"] == DAY]
    import tempfile
    from pathlib import Path

    from wfm.intraday.feed import read_states_today
    from wfm.intraday.sample_day import write_played_day

    folder = Path(tempfile.mkdtemp())
    write_played_day(day, folder)
    states = read_states_today(folder / "states.csv", timezone=CENTRE.timezone, as_of=as_of)
    done = replan_today(
        CENTRE,
        forecast=day.forecast,
        rota_day=rota_day,
        whole_rota=day.rota,
        states=states,
        arrivals=day.arrivals,
        as_of=as_of,
        agents=agents,
        day=DAY,
        # The rest of the day re-forecast by a day-level factor alone, (n + k) / (f + k)
        # with k = 200 contacts (level sd 1/√200), as when this target was set: the test
        # measures the re-plan on a fixed day, not the prior the update learns.
        update_by_queue={queue: DAY_FACTOR_200 for queue in day.forecast["queue"].unique()},
    )
    # The measure: the day's projected service level (the past counted as it happened).
    assert done.service_level_target == pytest.approx(0.8)
    shortfall = done.service_level_target - done.service_level_before
    assert shortfall > 0.05
    assert done.recovered >= 0.5, (done.service_level_before, done.service_level_after)
    assert 0 < done.agent_activities_changed < 10
    new = done.replan.rota
    # The past and the notice period never change.
    frozen = as_of + pd.Timedelta(minutes=15)
    cols = ["agent_id", "activity", "start", "end"]

    def past(rota):
        part = rota[rota["start"] < frozen].copy()
        part["end"] = part["end"].clip(upper=frozen)
        return part[cols].sort_values(cols).reset_index(drop=True)

    pd.testing.assert_frame_equal(past(rota_day), past(new))
    # Contracts and working-time rules, checked by the compliance checker on the whole week.
    others = day.rota[day.rota["date"] != DAY]
    week_before = pd.concat([others, rota_day], ignore_index=True)
    week_after = pd.concat([others, new], ignore_index=True)
    found = {
        (v.rule, v.agent_id) for v in check_rota(week_after, site=rota_site(CENTRE), agents=agents)
    }
    known = {
        (v.rule, v.agent_id) for v in check_rota(week_before, site=rota_site(CENTRE), agents=agents)
    }
    assert found <= known, found - known


@pytest.mark.slow
def test_cli_replan_with_a_store_publishes_the_accepted_changes(tmp_path, capsys):
    folder = tmp_path / "today"
    assert main(["intraday", "sample", "-o", str(folder)]) == 0
    ws = Workspace.open(f"sqlite:///{tmp_path / 'wfm.db'}")
    rota = pd.read_csv(folder / "rota.csv")
    from wfm.data.output_files import read_rota

    week = read_rota(folder / "rota.csv", CENTRE.timezone)
    assert len(week) == len(rota) and week["date"].nunique() > 1
    version = ws.save_rota(week, pd.DataFrame(), name="published")
    ws.publish_rota(version)
    common = [
        "intraday",
        "replan",
        "--centre",
        "data/sample/centre.toml",
        "--forecast",
        str(folder / "forecast.csv"),
        "--history-today",
        str(folder / "arrivals.csv"),
        "--states-today",
        str(folder / "states.csv"),
        "--as-of",
        "11:00",
        "--store",
        ws.url,
    ]
    assert main([*common, "-o", str(tmp_path / "s")]) == 0
    suggestions = pd.read_csv(tmp_path / "s" / "suggestions.csv")
    assert (suggestions["rota_version"] == version).all() and len(suggestions) > 0
    assert main([*common, "--accept", "all", "-o", str(tmp_path / "a")]) == 0
    out = capsys.readouterr().out
    assert f"published rota version {version + 1} (from {version})" in out
    assert ws.latest_rota("published").id == version + 1
    changes = pd.read_csv(tmp_path / "a" / "changes.csv")
    assert len(changes) == len(suggestions)
    # The first suggestions are stale now: accepting them is refused, nothing written.
    code = main(
        [
            "intraday",
            "accept",
            "--centre",
            "data/sample/centre.toml",
            "--store",
            ws.url,
            "--suggestions",
            str(tmp_path / "s" / "suggestions.csv"),
            "-o",
            str(tmp_path / "stale"),
        ]
    )
    assert code == 2 and not (tmp_path / "stale").exists()
    assert f"now version {version + 1}" in capsys.readouterr().err
