"""`wfm check-rota --centre` for a centre whose sites are in two time zones: each site's
agents on their own clock under their own country's law and contracts.

Hand-made rota on London's clock for the synthetic two-site centre with site02 in New York
(country US, no law table): a London agent and a New York agent each work 09:00-17:00
Monday and 03:00-04:00 Tuesday, local time (10 h of rest), and the New York agent also
works Mon-Fri 09:00-15:00 and Friday 19:00-22:00 New York time (five New York days; the
Friday evening is Saturday in London). Contract ``full_time``: at most 5 days, 11 h rest.
"""

from __future__ import annotations

import datetime as dt
import tomllib

import pandas as pd
import pytest
import tomli_w

from wfm.cli import main
from wfm.data.synthetic.sites import generate_multi_site_centre

LONDON, NEW_YORK = "Europe/London", "America/New_York"
MONDAY = dt.date(2026, 11, 16)


@pytest.fixture
def two_zone_centre(tmp_path):
    path = generate_multi_site_centre(
        tmp_path, sites=2, agents_per_site=2, history_weeks=1, forecast_model="seasonal_naive"
    )
    raw = tomllib.loads(path.read_text())
    raw["sites"][1].update(timezone=NEW_YORK, country="US")
    out = tmp_path / "two_zones.toml"
    out.write_text(tomli_w.dumps(raw))
    return out


def rows(agent_id: str, zone: str, pieces) -> list[dict]:
    out = []
    for offset, start, end in pieces:
        day = MONDAY + dt.timedelta(days=offset)
        times = [
            pd.Timestamp(dt.datetime.combine(day, dt.time(h))).tz_localize(zone).tz_convert(LONDON)
            for h in (start, end)
        ]
        out.append(
            {
                "agent_id": agent_id,
                "date": day,
                "activity": "work",
                "start": times[0].isoformat(),
                "end": times[1].isoformat(),
            }
        )
    return out


def test_each_site_is_checked_on_its_clock_under_its_rules(two_zone_centre, tmp_path, capsys):
    short_rest = [(0, 9, 17), (1, 3, 4)]
    york_week = [(d, 9, 15) for d in range(2, 5)] + [(4, 19, 22)]
    rota = pd.DataFrame(
        rows("site01-0001", LONDON, short_rest)
        + rows("site02-0001", NEW_YORK, short_rest + york_week)
    )
    rota.to_csv(tmp_path / "rota.csv", index=False)
    out_csv = tmp_path / "violations.csv"
    code = main(
        [
            "check-rota",
            str(tmp_path / "rota.csv"),
            "--centre",
            str(two_zone_centre),
            "-o",
            str(out_csv),
        ]
    )
    lines = capsys.readouterr().out.strip().splitlines()
    assert code == 3
    assert lines[0] == (
        "rules of site01 (Europe/London), 1 agent: UK Working Time Regulations 1998 and the "
        "site's contracts"
    )
    assert lines[1].startswith("rules of site02 (America/New_York), 1 agent: wfm has no")
    written = pd.read_csv(out_csv)
    london = written[written["agent_id"] == "site01-0001"]
    york = written[written["agent_id"] == "site02-0001"]
    assert set(london["site"]) == {"site01 (Europe/London)"}
    assert "daily_rest" in set(london["rule"])  # UK WTR reg. 10(1)
    assert set(york["site"]) == {"site02 (America/New_York)"}
    assert not {"daily_rest", "contract_max_days"} & set(york["rule"])  # no US law; 5 NY days
    rest = york[york["rule"] == "contract_min_rest"]
    assert rest["start"].tolist() == ["2026-11-16T17:00:00-05:00"]  # 17:00 New York time
