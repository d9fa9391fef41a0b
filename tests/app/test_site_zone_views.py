"""Each agent's times on its own site's clock in the app's rota views (pure helpers).

A London agent and a New York agent share a queue; the rota is stored on London's clock.
Expected wall-clock times are worked out from the UTC instants with the zones' offsets in
November (London UTC+0, New York UTC-5), not with the helpers under test.
"""

from __future__ import annotations

import pandas as pd
import pytest

from helpers import gantt_charts
from helpers.rota_edit_form import edit_summary
from helpers.site_zones import (
    SiteZones,
    in_agent_zone,
    in_centre_zone,
    wall_clock_by_agent,
)
from wfm.plan.site_agents import AgentSite

LONDON, NEW_YORK = "Europe/London", "America/New_York"
ZONES = SiteZones(LONDON, {"L1": AgentSite("london", LONDON), "N1": AgentSite("york", NEW_YORK)})
# (agent, date on its own clock, activity, start UTC, end UTC)
ROWS = [
    ("L1", "2026-11-16", "work", "2026-11-16 08:00", "2026-11-16 12:00"),
    ("L1", "2026-11-16", "lunch", "2026-11-16 12:00", "2026-11-16 12:30"),
    ("N1", "2026-11-16", "work", "2026-11-16 14:00", "2026-11-16 18:00"),
    ("N1", "2026-11-16", "break", "2026-11-16 18:00", "2026-11-16 18:15"),
    ("N1", "2026-11-16", "work", "2026-11-16 18:15", "2026-11-16 22:00"),
]
SUMMARY = pd.DataFrame(
    {"agent_id": ["L1", "N1"], "name": ["Lena", "Noah"], "team": ["Team A", "Team A"]}
)


@pytest.fixture
def rota() -> pd.DataFrame:
    frame = pd.DataFrame(ROWS, columns=["agent_id", "date", "activity", "start", "end"])
    frame["date"] = pd.to_datetime(frame["date"]).dt.date
    for column in ("start", "end"):
        frame[column] = pd.to_datetime(frame[column]).dt.tz_localize("UTC").dt.tz_convert(LONDON)
    return frame


def test_the_new_york_agent_is_drawn_at_its_own_wall_clock_in_its_sites_panel(rota):
    frame = gantt_charts.gantt_frame(rota, SUMMARY, zones=ZONES)
    noah = frame[frame["agent"] == "Noah (N1)"]
    assert set(noah["site"]) == {"york (America/New_York)"}
    # 14:00 UTC is 09:00 in New York in November (UTC-5); 22:00 UTC is 17:00
    assert noah["start"].min() == pd.Timestamp("2026-11-16 09:00")
    assert noah["end"].max() == pd.Timestamp("2026-11-16 17:00")
    assert noah["when"].iloc[0] == "Mon 09:00–13:00"
    lena = frame[frame["agent"] == "Lena (L1)"]
    assert lena["start"].min() == pd.Timestamp("2026-11-16 08:00")  # London is UTC in November
    spec = gantt_charts.gantt_chart(frame).to_dict()
    titles = [panel["title"] for panel in spec["vconcat"]]
    assert titles == ["london (Europe/London)", "york (America/New_York)"]
    axes = [panel["encoding"]["x"]["title"] for panel in spec["vconcat"]]
    assert axes == ["Local time in Europe/London", "Local time in America/New_York"]


def test_one_zone_draws_exactly_as_before(rota):
    one_zone = SiteZones(LONDON, {"L1": AgentSite("a", LONDON), "N1": AgentSite("b", LONDON)})
    assert not one_zone.on_own_clocks and one_zone.caption() == ""
    assert one_zone.agent_timezones() is None
    before = gantt_charts.gantt_frame(rota, SUMMARY)
    for zones in (None, one_zone, SiteZones(LONDON)):
        pd.testing.assert_frame_equal(gantt_charts.gantt_frame(rota, SUMMARY, zones=zones), before)
    assert "site" not in before.columns
    assert before.loc[before["agent"] == "Noah (N1)", "start"].min() == pd.Timestamp(
        "2026-11-16 14:00"
    )
    spec = gantt_charts.gantt_chart(before).to_dict()
    assert "vconcat" not in spec and spec["encoding"]["x"]["title"] == "Local time"


def test_caption_names_every_sites_zone():
    assert ZONES.caption() == (
        "Times in each agent's site zone: london (Europe/London), york (America/New_York)."
    )
    assert ZONES.agent_timezones() == {"L1": LONDON, "N1": NEW_YORK}
    assert ZONES.timezone_of("N1") == NEW_YORK and ZONES.timezone_of("X9") == LONDON


def test_an_agents_rota_goes_to_its_clock_and_back_unchanged(rota):
    mine = in_agent_zone(rota, "N1", ZONES)
    assert str(mine["start"].dt.tz) == NEW_YORK
    assert mine.loc[2, "start"].strftime("%H:%M") == "09:00"
    back = in_centre_zone(mine, ZONES)
    pd.testing.assert_frame_equal(back, rota)
    times = wall_clock_by_agent(rota["start"], rota["agent_id"], ZONES)
    assert times.dt.strftime("%H:%M").tolist() == ["08:00", "12:00", "09:00", "13:00", "13:15"]


def test_the_unsaved_edits_table_reads_each_agents_own_clock(rota):
    moved = rota.copy()
    mine = moved["agent_id"] == "N1"
    for column in ("start", "end"):
        moved.loc[mine, column] = moved.loc[mine, column] + pd.Timedelta(hours=1)
    table = edit_summary(rota, moved, ZONES)
    assert table.to_dict("records") == [
        {
            "agent_id": "N1",
            "site": "york (America/New_York)",
            "date": rota.loc[2, "date"],
            "before": "09:00–17:00 (break 13:00)",
            "after": "10:00–18:00 (break 14:00)",
        }
    ]
