"""The Rota builder's Compliance tab for a centre whose sites are in two time zones.

The two-zone centre (``two_zone_template``): site01 in London under the UK Working Time
Regulations, site02 in New York, country US (wfm has no US law table: contracts only); one
``full_time`` contract for both (at most 5 working days a week, 11 h between working days).
The stored rota is on London's clock. Each test edits the planned week by hand and saves it
as the newest version; the expected judgements are worked out here from the agents' local
dates and the contract's figures, not with the checker.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from app_testing import WORK_TIMEOUT_SECONDS, assert_no_exception, open_page

from wfm.plan.workspace import Workspace

pytestmark = pytest.mark.slow  # plans a two-site week (about 5 s of CPU)

PAGE = "views/rota_builder.py"
LONDON, NEW_YORK = "Europe/London", "America/New_York"
LAW_RULES = {"daily_rest", "weekly_rest", "rest_break", "average_weekly_hours", "night_work_hours"}


def local_dates(rota: pd.DataFrame, agent_id: str, zone: str) -> list[dt.date]:
    return sorted(set(rota.loc[rota["agent_id"] == agent_id, "start"].dt.tz_convert(zone).dt.date))


def with_work(rota: pd.DataFrame, agent_id: str, day: dt.date, hours: tuple, zone: str):
    """``rota`` with a work piece from ``hours[0]`` to ``hours[1]`` o'clock on local ``day`` in ``zone``."""
    start, end = (
        pd.Timestamp(dt.datetime.combine(day, dt.time(hour))).tz_localize(zone) for hour in hours
    )
    row = {"agent_id": agent_id, "date": day, "activity": "work", "start": start, "end": end}
    row = pd.DataFrame([row]).astype({"start": rota["start"].dtype, "end": rota["end"].dtype})
    for column in ("start", "end"):
        row[column] = row[column].dt.tz_convert(rota["start"].dt.tz)
    return pd.concat([rota, row], ignore_index=True).sort_values(
        ["agent_id", "start"], ignore_index=True
    )


def compliance_table(store, rota: pd.DataFrame):
    """Save ``rota`` as the newest version and open the page on it: the violations table
    (or an empty frame) and the page's captions."""
    ws = Workspace.open(f"sqlite:///{store}", actor="test")
    saved = ws.rota(1)
    ws.save_rota(
        rota, saved.coverage, saved.solve_summary, name="edited", start_date=saved.start_date
    )
    app = open_page(PAGE, WORK_TIMEOUT_SECONDS)
    assert_no_exception(app)
    tables = [f.value for f in app.dataframe if "Rule" in f.value.columns]
    captions = " ".join(c.value for c in app.caption)
    return (tables[0] if tables else pd.DataFrame(columns=["Agent", "Rule", "What"])), captions, app


def test_a_new_york_evening_shift_is_on_new_york_days_under_its_sites_rules(two_zone_store):
    """A New York agent who works five New York days gets 19:00-22:00 New York time on a
    day before a day off: 00:00-03:00 the next day in London. On New York's clock it is the
    same working day (five days, the contract's most); on London's it would be a sixth."""
    ws = Workspace.open(f"sqlite:///{two_zone_store}", actor="test")
    rota = ws.rota(1).rota
    agent = "site02-0001"
    days = local_dates(rota, agent, NEW_YORK)
    assert len(days) == 5  # the contract's maximum: one more day would breach it
    day = next(d for d in days if d + dt.timedelta(days=1) not in days and d.weekday() < 5)
    edited = with_work(rota, agent, day, (19, 22), NEW_YORK)
    assert len(local_dates(edited, agent, NEW_YORK)) == 5
    assert len(local_dates(edited, agent, LONDON)) == 6  # what a London reading would count

    table, captions, _ = compliance_table(two_zone_store, edited)
    mine = table[table["Agent"] == agent]
    assert "contract_max_days" not in set(mine["Rule"]), mine["What"].tolist()
    assert not set(mine["Rule"]) & LAW_RULES  # US: no working-time law table
    assert (
        "Times in each agent's site zone: site01 (Europe/London), site02 (America/New_York)."
        in captions
    )
    assert "site02 (America/New_York): the site's contracts only" in captions
    assert "site01 (Europe/London): UK Working Time Regulations 1998" in captions


def test_short_rest_is_the_uk_laws_in_london_and_the_contracts_in_new_york(two_zone_store):
    """One agent at each site gets an hour's work at 03:00 local time on a day after a
    working day. London's agent breaks the UK's 11-hour daily rest (reg. 10(1)); New York's
    breaks no law wfm knows but its contract's 11 hours between working days, the rest
    given from its previous shift's end to 03:00 on New York's clock."""
    ws = Workspace.open(f"sqlite:///{two_zone_store}", actor="test")
    rota = ws.rota(1).rota
    cases = {"site01-0002": LONDON, "site02-0002": NEW_YORK}
    edited, ends = rota, {}
    for agent, zone in cases.items():
        days = local_dates(rota, agent, zone)
        day = next(d for d in days if d - dt.timedelta(days=1) in days)
        edited = with_work(edited, agent, day, (3, 4), zone)
        mine = rota[rota["agent_id"] == agent]
        ends[agent] = mine.loc[mine["start"].dt.tz_convert(zone).dt.date < day, "end"].max()
        ends[agent] = (ends[agent].tz_convert(zone), pd.Timestamp(f"{day} 03:00"))
    table, _, _ = compliance_table(two_zone_store, edited)
    assert "Site (time zone)" in table.columns

    london = table[table["Agent"] == "site01-0002"]
    assert set(london["Site (time zone)"]) == {"site01 (Europe/London)"}
    assert "daily_rest" in set(london["Rule"])
    end, morning = ends["site01-0002"]
    assert any(
        f"rest between {end:%Y-%m-%d %H:%M} and {morning:%Y-%m-%d %H:%M}" in text
        for text in london["What"]
    ), london["What"].tolist()

    york = table[table["Agent"] == "site02-0002"]
    assert set(york["Site (time zone)"]) == {"site02 (America/New_York)"}
    assert not set(york["Rule"]) & LAW_RULES, york["What"].tolist()
    rest = york[york["Rule"] == "contract_min_rest"]
    end, morning = ends["site02-0002"]
    hours = (morning.tz_localize(NEW_YORK) - end).total_seconds() / 3600
    assert hours < 11
    assert len(rest) == 1, york["What"].tolist()
    assert f"rest between {end:%Y-%m-%d %H:%M} and {morning:%Y-%m-%d %H:%M}" in rest["What"].iloc[0]
