"""The commands that need a centre's agents read them from the sites' agents files when the
centre has ``[[sites]]`` (:func:`wfm.plan.site_agents.centre_agents`): ``wfm adherence
--by team``, ``wfm review --contacts`` (quality by team) and ``wfm capacity`` give on the sample
centre split into two sites what they give on the sample itself (the same agents, teams and
contracts); before, the split centre got no teams or a "names no agents file" error. A
centre-level ``preferences`` in a centre with sites is refused (exit 2)."""

from __future__ import annotations

import textwrap
import tomllib
from pathlib import Path

import pandas as pd
import pytest
import tomli_w

from wfm.cli import main

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "sample"
ROTA = str(SAMPLE / "published_rota.csv")
STATES = str(SAMPLE / "agent_states.csv")
CENTRE = str(SAMPLE / "centre.toml")


def split_centre(folder: Path, **centre_keys) -> str:
    """The sample centre with its agents in two sites (first half, second half), both
    serving both queues in the centre's zone; its other files read from the sample."""
    raw = tomllib.loads(Path(CENTRE).read_text())
    del raw["centre"]["agents"]
    for key in ("history", "agent_states"):
        raw["centre"][key] = str(SAMPLE / raw["centre"][key])
    raw["centre"].update(centre_keys)
    agents = pd.read_csv(SAMPLE / "agents.csv", dtype=str)
    half = len(agents) // 2
    raw["sites"] = []
    for name, part in (("north", agents.iloc[:half]), ("south", agents.iloc[half:])):
        part.to_csv(folder / f"{name}_agents.csv", index=False)
        raw["sites"].append(
            {"name": name, "queues": ["sales", "support"], "agents": f"{name}_agents.csv"}
        )
    path = folder / "split.toml"
    path.write_text(tomli_w.dumps(raw))
    return str(path)


def test_adherence_by_team_of_a_centre_with_sites(tmp_path):
    tables = []
    for centre in (CENTRE, split_centre(tmp_path)):
        out = tmp_path / f"{len(tables)}.csv"
        assert main(["adherence", ROTA, STATES, "--centre", centre, "--by", "team", "-o", str(out)]) == 0  # fmt: skip
        tables.append(pd.read_csv(out))
    assert set(tables[0]["team"]) == {"Team Ada", "Team Brunel", "Team Curie", "Team Darwin"}
    pd.testing.assert_frame_equal(tables[1], tables[0])


CONTACTS = """
contact_id,arrival_time,queue,outcome,wait_seconds,handle_seconds,customer_id,agent_id
1,2026-03-02T09:00:00Z,sales,answered,5,100,CUST-1,{first}
2,2026-03-04T09:00:00Z,sales,answered,5,100,CUST-1,{last}
3,2026-03-12T09:00:00Z,sales,answered,5,100,CUST-2,{last}
"""


def test_review_quality_by_team_of_a_centre_with_sites(tmp_path, store_url):
    agents = pd.read_csv(SAMPLE / "agents.csv", dtype=str)
    first = agents.iloc[0]  # site north
    last = agents[agents["team"] != first["team"]].iloc[-1]  # site south, another team
    assert last.name >= len(agents) // 2
    contacts = tmp_path / "contacts.csv"
    text = textwrap.dedent(CONTACTS).lstrip().format(first=first.agent_id, last=last.agent_id)
    contacts.write_text(text, encoding="utf-8")
    history = tmp_path / "history.csv"
    assert main(["import-contacts", str(contacts), "-q", "-o", str(history)]) == 0
    out = tmp_path / "review"
    args = ["review", "--history", str(history), "--contacts", str(contacts)]
    args += ["--centre", split_centre(tmp_path), "--store", store_url, "-o", str(out)]
    assert main(args) == 0
    by_team = pd.read_csv(out / "contact_quality_by_team.csv").set_index("team")["contacts"]
    assert by_team.to_dict() == {first["team"]: 1, last["team"]: 2}


def test_a_centre_level_preferences_file_in_a_centre_with_sites_exits_2(tmp_path, capsys):
    centre = split_centre(tmp_path, preferences="likes.csv")
    assert main(["check-rota", ROTA, "--centre", centre]) == 2
    err = capsys.readouterr().err
    assert "split.toml" in err and '`preferences = "likes.csv"`' in err
    assert "move `preferences` into each [[sites]] entry" in err
    assert "Traceback" not in err


@pytest.mark.slow
def test_capacity_of_a_centre_with_sites_counts_every_sites_agents(tmp_path, capsys):
    summaries = []
    for centre in (CENTRE, split_centre(tmp_path)):
        out = tmp_path / f"capacity{len(summaries)}"
        args = ["capacity", "--centre", centre, "--capacity", str(SAMPLE / "capacity.toml")]
        assert main([*args, "--no-hiring", "-q", "-o", str(out)]) == 0
        said = capsys.readouterr().out.splitlines()[1:-1]  # the first and last name the centre
        summaries.append((said, pd.read_csv(out / "weekly.csv")))
    assert summaries[1][0] == summaries[0][0]
    pd.testing.assert_frame_equal(summaries[1][1], summaries[0][1])


def test_place_activities_in_a_centre_with_sites(tmp_path):
    """Sessions with attendees in both sites placed in the published rota against a
    flat forecast: the same placements for the sample and for the sample split in two."""
    utc = pd.date_range("2026-10-18 23:00", "2026-11-01", freq="15min", tz="UTC")
    stamps = [t.isoformat() for t in utc]
    forecast = pd.DataFrame(
        {
            "interval_start": stamps * 2,
            "queue": ["sales"] * len(stamps) + ["support"] * len(stamps),
            "offered": 12.0,
            "aht_seconds": 300.0,
        }
    )
    forecast.to_csv(tmp_path / "forecast.csv", index=False)
    (tmp_path / "activities.csv").write_text(
        "activity_id,activity,attendees,duration_minutes,window\n"
        "one,coaching,A003,30,week\n"
        "two,coaching,A045,30,week\n"
        "both,training,A001|A050,60,week\n"
    )
    placements = []
    for centre in (CENTRE, split_centre(tmp_path)):
        out = tmp_path / f"placed{len(placements)}"
        args = ["place-activities", "--centre", centre, "--rota", ROTA, "--forecast"]
        args += [str(tmp_path / "forecast.csv"), "--activities", str(tmp_path / "activities.csv")]
        assert main([*args, "-q", "-o", str(out)]) in (0, 3)
        placements.append(pd.read_csv(out / "placements.csv"))
    assert placements[0]["placed"].all()
    pd.testing.assert_frame_equal(placements[1], placements[0])
