"""`wfm intraday replan`, `accept` and `status` for a centre whose sites are in two zones: the
agents are read from the sites' agents files (the commands failed on a centre with no agents
file of its own) and each agent is re-planned under its own site's contracts.

Hand-made day for the synthetic two-site centre (site02 in New York): one agent per site
works 08:00-16:30 local time with a lunch at 11:00, Tuesday 17 November 2026; the shared
queue is short all day. With the centre's ``full_time`` contract (longest shift 540 min)
both agents may get 30 minutes more; site02's own ``full_time`` (longest 510 min, the shift
worked) leaves its agent none.
"""

from __future__ import annotations

import tomllib

import pandas as pd
import pytest
import tomli_w

from wfm.cli import main
from wfm.data.output_files import read_rota
from wfm.data.synthetic.sites import generate_multi_site_centre
from wfm.plan.workspace import Workspace

LONDON, NEW_YORK = "Europe/London", "America/New_York"
DAY = "2026-11-17"
LONGER = {"overtime", "early_start"}


def centre_file(folder, own_contract: bool):
    path = generate_multi_site_centre(
        folder, sites=2, agents_per_site=2, history_weeks=1, forecast_model="seasonal_naive"
    )
    raw = tomllib.loads(path.read_text())
    raw["sites"][1].update(timezone=NEW_YORK, country="US", opening_hours=None)
    raw["sites"][1] = {k: v for k, v in raw["sites"][1].items() if v is not None}
    if own_contract:
        contracts = [dict(c) for c in raw["contracts"]]
        for contract in contracts:
            if contract["name"] == "full_time":
                contract["max_shift_minutes"] = 510
        raw["sites"][1]["contracts"] = contracts
    out = folder / "two_zones.toml"
    out.write_text(tomli_w.dumps(raw))
    return out


def write_day(folder):
    def at(hm, zone):
        return pd.Timestamp(f"{DAY} {hm}", tz=zone).tz_convert(LONDON)

    rota = [
        {"agent_id": agent, "date": DAY, "activity": activity, "start": at(s, zone), "end": at(e, zone)}
        for agent, zone in (("site01-0001", LONDON), ("site02-0001", NEW_YORK))
        for activity, s, e in (("work", "08:00", "11:00"), ("lunch", "11:00", "11:30"), ("work", "11:30", "16:30"))
    ]  # fmt: skip
    rota = pd.DataFrame(rota)
    grid = pd.date_range(at("00:00", LONDON), at("23:45", NEW_YORK), freq="15min")
    forecast = pd.DataFrame(
        {"interval_start": grid, "queue": "shared_billing", "offered": 3.0, "aht_seconds": 300.0}
    )
    as_of = at("09:00", LONDON)
    arrivals = forecast[forecast["interval_start"] < as_of - pd.Timedelta(minutes=15)]
    states = pd.DataFrame(
        {
            "agent_id": ["site01-0001"],
            "state": ["available"],
            "start": [at("08:00", LONDON)],
            "end": [""],
        }
    )
    iso = pd.Timestamp.isoformat
    for name, frame in (
        ("rota", rota),
        ("forecast", forecast),
        ("arrivals", arrivals),
        ("states", states),
    ):
        frame = frame.copy()
        for column in ("start", "end", "interval_start"):
            if column in frame and isinstance(frame[column].dtype, pd.DatetimeTZDtype):
                frame[column] = frame[column].map(iso)
        frame.to_csv(folder / f"{name}.csv", index=False)
    # fmt: skip


@pytest.mark.parametrize("own_contract", [False, True])
def test_replan_of_a_two_zone_centre_reads_its_sites(own_contract, tmp_path, capsys):
    centre = centre_file(tmp_path, own_contract)
    write_day(tmp_path)
    code = main(
        [
            "intraday", "replan", "--centre", str(centre),
            "--forecast", str(tmp_path / "forecast.csv"),
            "--history-today", str(tmp_path / "arrivals.csv"),
            "--states-today", str(tmp_path / "states.csv"),
            "--rota", str(tmp_path / "rota.csv"), "--as-of", "09:00",
            "--change-cost", "0.5", "--max-call-ins", "0", "--max-vto-minutes", "0",
            "--output", str(tmp_path / "out"),
        ]
    )  # fmt: skip
    assert code == 0, capsys.readouterr().err
    changes = pd.read_csv(tmp_path / "out" / "suggestions.csv")
    longer = set(changes.loc[changes["kind"].isin(LONGER), "agent_id"])
    assert "site01-0001" in longer  # the centre's contract: 30 minutes more
    assert ("site02-0001" in longer) is not own_contract, changes


def test_replan_of_a_two_zone_centre_reads_each_sites_availability(tmp_path, capsys):
    """site02's own availability file (New York wall-clock times, no offset) rules out its
    agent's overtime and early start, as ``wfm plan`` reads it; the centre's contract alone
    allows both (the test above). Read on London's clock, 16:30-20:00 would be New York's
    11:30-15:00 and leave the overtime open."""
    centre = centre_file(tmp_path, own_contract=False)
    raw = tomllib.loads(centre.read_text())
    raw["sites"][1]["availability"] = "site02_availability.csv"
    centre.write_text(tomli_w.dumps(raw))
    pd.DataFrame(
        {
            "agent_id": ["site02-0001", "site02-0001"],
            "start": [f"{DAY}T05:00:00", f"{DAY}T16:30:00"],
            "end": [f"{DAY}T08:00:00", f"{DAY}T21:00:00"],
            "kind": ["unavailable", "unavailable"],
        }
    ).to_csv(tmp_path / "site02_availability.csv", index=False)
    write_day(tmp_path)
    code = main(
        [
            "intraday", "replan", "--centre", str(centre),
            "--forecast", str(tmp_path / "forecast.csv"),
            "--history-today", str(tmp_path / "arrivals.csv"),
            "--states-today", str(tmp_path / "states.csv"),
            "--rota", str(tmp_path / "rota.csv"), "--as-of", "09:00",
            "--change-cost", "0.5", "--max-call-ins", "0", "--max-vto-minutes", "0",
            "--output", str(tmp_path / "out"),
        ]
    )  # fmt: skip
    assert code == 0, capsys.readouterr().err
    changes = pd.read_csv(tmp_path / "out" / "suggestions.csv")
    longer = set(changes.loc[changes["kind"].isin(LONGER), "agent_id"])
    assert "site01-0001" in longer  # London's agent has no window: 30 minutes more
    assert "site02-0001" not in longer, changes


def day_options(centre, folder, as_of="09:00"):
    return [
        "--centre", str(centre),
        "--forecast", str(folder / "forecast.csv"),
        "--history-today", str(folder / "arrivals.csv"),
        "--states-today", str(folder / "states.csv"),
        "--as-of", as_of,
    ]  # fmt: skip


def paid_minutes(rota: pd.DataFrame) -> pd.Series:
    work = rota[rota["activity"] == "work"]
    return ((work["end"] - work["start"]).dt.total_seconds() / 60).groupby(work["agent_id"]).sum()


def test_accept_of_a_two_zone_centre_publishes_both_sites_changes(tmp_path, capsys):
    """`wfm intraday accept` knows every site's agents (it read the centre's own agents file,
    which a centre with sites has not, and failed): the suggestions made with --store are
    published as the next version, each agent's paid time longer by its accepted overtime
    and early start, the moved lunch where the suggestion put it."""
    centre = centre_file(tmp_path, own_contract=False)
    write_day(tmp_path)
    ws = Workspace.open(f"sqlite:///{tmp_path / 'wfm.db'}")
    before = read_rota(tmp_path / "rota.csv", LONDON)
    version = ws.save_rota(before, pd.DataFrame(), name="published")
    ws.publish_rota(version)
    code = main(
        [
            "intraday", "replan", *day_options(centre, tmp_path), "--store", ws.url,
            "--change-cost", "0.5", "--max-call-ins", "0", "--max-vto-minutes", "0",
            "--output", str(tmp_path / "s"),
        ]
    )  # fmt: skip
    assert code == 0, capsys.readouterr().err
    suggestions = pd.read_csv(tmp_path / "s" / "suggestions.csv")
    assert {"site01-0001", "site02-0001"} <= set(suggestions["agent_id"])  # both sites change
    code = main(
        [
            "intraday", "accept", "--centre", str(centre), "--store", ws.url,
            "--suggestions", str(tmp_path / "s" / "suggestions.csv"), "--accept", "all",
            "--output", str(tmp_path / "a"),
        ]
    )  # fmt: skip
    assert code == 0, capsys.readouterr().err
    published = ws.latest_rota("published")
    assert published.id == version + 1
    after = published.rota.copy()
    for column in ("start", "end", "new_start", "new_end"):
        frame = after if column in after else suggestions
        frame[column] = pd.to_datetime(frame[column], utc=True)
    longer = suggestions[suggestions["kind"].isin(LONGER)]
    extra = (
        ((longer["new_end"] - longer["new_start"]).dt.total_seconds() / 60)
        .groupby(longer["agent_id"])
        .sum()
    )
    expected = paid_minutes(before).add(extra, fill_value=0)
    pd.testing.assert_series_equal(paid_minutes(after), expected, check_names=False)
    for move in suggestions[suggestions["kind"] == "move"].itertuples():
        rows = after[(after["agent_id"] == move.agent_id) & (after["activity"] == move.activity)]
        assert (rows["start"] == move.new_start).any(), (move, rows)


def test_status_of_a_two_zone_centre_counts_both_sites_agents(tmp_path, capsys):
    """`wfm intraday status` at 14:00 London (09:00 New York): site02's agent, on lunch since
    08:00 New York instead of working, is out of adherence for 60 minutes and counted in its
    own site's team; both sites' agents are scheduled on the shared queue."""
    centre = centre_file(tmp_path, own_contract=False)
    write_day(tmp_path)
    pd.DataFrame(
        {
            "agent_id": ["site01-0001", "site02-0001"],
            "state": ["available", "lunch"],
            "start": [f"{DAY}T08:00:00+00:00", f"{DAY}T13:00:00+00:00"],
            "end": ["", ""],
        }
    ).to_csv(tmp_path / "states.csv", index=False)
    code = main(
        ["intraday", "status", *day_options(centre, tmp_path, "14:00"), "--rota",
         str(tmp_path / "rota.csv"), "--output", str(tmp_path / "out")]
    )  # fmt: skip
    assert code == 0, capsys.readouterr().err
    out = pd.read_csv(tmp_path / "out" / "out_of_adherence.csv")
    assert list(out["agent_id"]) == ["site02-0001"] and out["minutes"].iloc[0] == 60
    by_team = pd.read_csv(tmp_path / "out" / "out_of_adherence_by_team.csv").set_index("team")
    assert by_team.loc["site02 team 1", "out_of_adherence"] == 1
    assert by_team["agents"].sum() == 4  # two agents per site, from the sites' files
    position = pd.read_csv(tmp_path / "out" / "position.csv", parse_dates=["interval_start"])
    at = position[position["interval_start"] == pd.Timestamp(f"{DAY}T13:30:00+00:00")]
    assert at["agents_scheduled"].tolist() == [2.0]


@pytest.mark.parametrize("command", ["plan", "replan"])
def test_a_centre_level_availability_in_a_centre_with_sites_is_refused(command, tmp_path, capsys):
    """`wfm plan` and the re-plan read each site's availability file; the centre's own was
    ignored without a word. Now the centre file is refused: exit 2, its path, the key and the
    fix named, no output folder."""
    centre = centre_file(tmp_path, own_contract=False)
    raw = tomllib.loads(centre.read_text())
    raw["centre"]["availability"] = "availability.csv"
    centre.write_text(tomli_w.dumps(raw))
    write_day(tmp_path)
    out = tmp_path / "out"
    if command == "plan":
        args = ["plan", "--centre", str(centre), "--output", str(out)]
    else:
        args = ["intraday", "replan", *day_options(centre, tmp_path), "--rota",
                str(tmp_path / "rota.csv"), "--output", str(out)]  # fmt: skip
    assert main(args) == 2
    err = capsys.readouterr().err
    assert str(centre) in err and 'availability = "availability.csv"' in err, err
    assert "move `availability` into each [[sites]] entry" in err and "Traceback" not in err
    assert not out.exists()
