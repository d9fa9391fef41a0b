"""Each site's agents checked on its own clock under its own rules (wfm.plan.site_compliance).

A hand-made week for a London agent and a New York agent (country US) of the synthetic
two-site centre; the expected judgements come from the agents' local dates and the
contract's figures (``full_time``: at most 5 working days a week, 11 h between working days).
"""

from __future__ import annotations

import datetime as dt
import tomllib

import pandas as pd
import pytest
import tomli_w

from wfm.config import load_centre
from wfm.data.synthetic.sites import generate_multi_site_centre
from wfm.plan.site_agents import site_agents
from wfm.plan.site_compliance import check_rota_by_site, site_violations_frame
from wfm.scheduling import check_rota, rota_site

LONDON, NEW_YORK = "Europe/London", "America/New_York"
MONDAY = dt.date(2026, 11, 16)


@pytest.fixture(scope="module")
def two_zones(tmp_path_factory):
    folder = tmp_path_factory.mktemp("site_compliance")
    path = generate_multi_site_centre(
        folder, sites=2, agents_per_site=2, history_weeks=1, forecast_model="seasonal_naive"
    )
    raw = tomllib.loads(path.read_text())
    raw["sites"][1].update(timezone=NEW_YORK, country="US")
    out = folder / "two_zones.toml"
    out.write_text(tomli_w.dumps(raw))
    return load_centre(out)


def week(agent_id: str, zone: str, pieces) -> pd.DataFrame:
    """Work pieces ``(day offset, start hour, end hour)`` local to ``zone``, on London's clock."""
    rows = []
    for offset, start, end in pieces:
        day = MONDAY + dt.timedelta(days=offset)
        times = [
            pd.Timestamp(dt.datetime.combine(day, dt.time(h))).tz_localize(zone).tz_convert(LONDON)
            for h in (start, end)
        ]
        rows.append(
            {
                "agent_id": agent_id,
                "date": day,
                "activity": "work",
                "start": times[0],
                "end": times[1],
            }
        )
    return pd.DataFrame(rows)


def agents_of(centre):
    return [agent for _, agents in site_agents(centre) for agent in agents]


def test_an_evening_in_new_york_is_not_a_sixth_london_day(two_zones):
    # Mon-Fri 09:00-15:00 and Fri 19:00-22:00 New York time: five New York days; the Friday
    # evening is Saturday 00:00-03:00 in London (New York is 5 h behind in November)
    pieces = [(d, 9, 15) for d in range(5)] + [(4, 19, 22)]
    rota = week("site02-0001", NEW_YORK, pieces)
    checks = check_rota_by_site(rota, two_zones, agents_of(two_zones), week_start=MONDAY)
    assert [(c.site, c.timezone, c.country, c.law) for c in checks] == [
        ("site02", NEW_YORK, "US", None)
    ]
    assert "contract_max_days" not in {v.rule for v in checks[0].violations}
    # the centre's clock and law would count six days
    whole = check_rota(
        rota, site=rota_site(two_zones), agents=agents_of(two_zones), week_start=MONDAY
    )
    assert "contract_max_days" in {v.rule for v in whole}


def test_short_rest_is_the_uk_laws_in_london_and_the_contracts_in_new_york(two_zones):
    # 09:00-17:00 Monday, then 03:00-04:00 Tuesday local: 10 h of rest
    pieces = [(0, 9, 17), (1, 3, 4)]
    rota = pd.concat(
        [week("site01-0001", LONDON, pieces), week("site02-0001", NEW_YORK, pieces)],
        ignore_index=True,
    )
    checks = check_rota_by_site(rota, two_zones, agents_of(two_zones), week_start=MONDAY)
    assert [c.label for c in checks] == ["site01 (Europe/London)", "site02 (America/New_York)"]
    london, york = ({v.rule: v for v in c.violations} for c in checks)
    assert "daily_rest" in london and "contract_min_rest" not in london  # the law's 11 h
    assert london["daily_rest"].start == pd.Timestamp("2026-11-16 17:00", tz=LONDON)
    assert "daily_rest" not in york and "contract_min_rest" in york
    rest = york["contract_min_rest"]
    assert rest.start == pd.Timestamp("2026-11-16 17:00", tz=NEW_YORK)
    assert str(rest.start.tz) == NEW_YORK and rest.value == pytest.approx(10.0)
    assert "2026-11-16 17:00" in rest.message
    frame = site_violations_frame(checks)
    assert set(frame["site"]) == {"site01 (Europe/London)", "site02 (America/New_York)"}
    assert frame.loc[frame["rule"] == "contract_min_rest", "start"].iloc[0] == (
        "2026-11-16T17:00:00-05:00"
    )


def test_a_centre_without_sites_is_checked_as_check_rota_does(two_zones):
    one = two_zones.site_centre("site01")
    rota = week("site01-0001", LONDON, [(0, 9, 17), (1, 3, 4)])
    agents = agents_of(two_zones)
    (check,) = check_rota_by_site(rota, one, agents, week_start=MONDAY)
    assert check.site is None and check.label == "centre (Europe/London)"
    assert list(check.violations) == check_rota(
        rota, site=rota_site(one), agents=agents, week_start=MONDAY
    )
    assert site_violations_frame([]).columns[1] == "site"
