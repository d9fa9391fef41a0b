"""`wfm intraday replan` for a centre whose sites are in two zones: the agents are read from
the sites' agents files (the command failed on a centre with no agents file of its own) and
each agent is re-planned under its own site's contracts.

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
from wfm.data.synthetic.sites import generate_multi_site_centre

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
