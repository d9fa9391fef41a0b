"""Rota exports of a centre whose sites are in several time zones: each agent's workbook rows
and calendar texts in its own site's zone (issue 20)."""

import datetime as dt
import io

import openpyxl
import pandas as pd
import pytest

from wfm.data.schemas import Agent
from wfm.scheduling.exports import (
    SUMMARY_COLUMNS,
    TEAM_SHEET_COLUMNS,
    agent_summary_from_rota,
    rota_excel_bytes,
    rota_export_files,
)

LONDON, NEW_YORK = "Europe/London", "America/New_York"
ZONES = {"L1": LONDON, "N1": NEW_YORK, "N2": NEW_YORK}
AGENTS = [
    Agent("L1", "Lena", "Team A", "full_time", ("sales",)),
    Agent("N1", "Noah", "Team A", "full_time", ("sales",)),
    Agent("N2", "Nina", "Team B", "full_time", ("sales",)),
]
# (agent, activity, start UTC, end UTC). November: London is UTC+0, New York UTC-5.
ROWS = [
    ("L1", "work", "2026-11-16 08:00", "2026-11-16 12:00"),
    ("L1", "lunch", "2026-11-16 12:00", "2026-11-16 12:30"),
    ("L1", "work", "2026-11-16 12:30", "2026-11-16 16:30"),
    ("N1", "work", "2026-11-16 16:30", "2026-11-16 20:30"),
    ("N1", "lunch", "2026-11-16 20:30", "2026-11-16 21:00"),
    ("N1", "work", "2026-11-16 21:00", "2026-11-17 01:30"),
    # Saturday 02:00-05:00 UTC is Friday 21:00-00:00 in New York: a late weekday shift there
    ("N2", "work", "2026-11-21 02:00", "2026-11-21 05:00"),
]


@pytest.fixture
def rota():
    frame = pd.DataFrame(ROWS, columns=["agent_id", "activity", "start", "end"])
    for column in ("start", "end"):
        frame[column] = pd.to_datetime(frame[column]).dt.tz_localize("UTC").dt.tz_convert(LONDON)
    return frame


def sheets(data: bytes) -> tuple[dict[str, list[tuple]], str]:
    book = openpyxl.load_workbook(io.BytesIO(data))
    rows = {sheet.title: list(sheet.iter_rows(values_only=True)) for sheet in book.worksheets}
    return rows, book.properties.description


def test_each_agent_reads_its_own_sites_wall_clock_times(rota):
    cells, note = sheets(rota_excel_bytes(rota, AGENTS, agent_timezones=ZONES))
    team_header = [*TEAM_SHEET_COLUMNS]
    team_header.insert(team_header.index("end") + 1, "timezone")
    assert cells["Team A"][0] == tuple(team_header) == cells["Team B"][0]
    rows = [dict(zip(team_header, row, strict=True)) for row in cells["Team A"][1:]]
    rows += [dict(zip(team_header, row, strict=True)) for row in cells["Team B"][1:]]
    assert len(rows) == len(ROWS)
    for row, (agent_id, activity, start, end) in zip(rows, ROWS, strict=True):
        zone = ZONES[agent_id]
        assert (row["agent_id"], row["activity"], row["timezone"]) == (agent_id, activity, zone)
        for column, utc in (("start", start), ("end", end)):
            local = pd.Timestamp(utc, tz="UTC").tz_convert(zone).tz_localize(None)
            assert row[column] == local.to_pydatetime(), (agent_id, column)
    noah = [row for row in rows if row["agent_id"] == "N1"]
    assert noah[0]["start"] == dt.datetime(2026, 11, 16, 11, 30)  # 16:30 UTC in New York
    assert noah[-1]["end"] == dt.datetime(2026, 11, 16, 20, 30)
    assert rows[0]["start"] == dt.datetime(2026, 11, 16, 8, 0)  # London: UTC in November
    nina = [row for row in rows if row["agent_id"] == "N2"]
    assert nina[0]["date"].date() == dt.date(2026, 11, 20)  # her local Friday
    summary_header = list(SUMMARY_COLUMNS)
    summary_header.insert(summary_header.index("team") + 1, "timezone")
    assert cells["Summary"][0] == tuple(summary_header)
    assert [row[3] for row in cells["Summary"][1:]] == [LONDON, NEW_YORK, NEW_YORK]
    assert "each agent's own time zone" in note


def test_the_summary_counts_days_in_each_agents_own_zone(rota):
    own = agent_summary_from_rota(rota, AGENTS, agent_timezones=ZONES).set_index("agent_id")
    london = agent_summary_from_rota(rota, AGENTS).set_index("agent_id")
    # Nina's shift is Friday 21:00-00:00 in New York (late, a weekday) but Saturday 02:00-05:00
    # in London (a weekend day, not late).
    assert (own.loc["N2", "weekend_days"], own.loc["N2", "late_shifts"]) == (0, 1)
    assert (london.loc["N2", "weekend_days"], london.loc["N2", "late_shifts"]) == (1, 0)
    assert list(own.columns) == list(london.columns)
    pd.testing.assert_series_equal(own["paid_hours"], london["paid_hours"])  # elapsed hours
    assert own.loc["N1", "paid_hours"] == pytest.approx(8.5)


@pytest.mark.parametrize("zone", [LONDON, NEW_YORK])
def test_one_zone_gives_the_workbook_of_that_zone_without_a_timezone_column(rota, zone):
    one = dict.fromkeys(ZONES, zone)
    plain, plain_note = sheets(rota_excel_bytes(rota, AGENTS, timezone=zone))
    mapped, mapped_note = sheets(rota_excel_bytes(rota, AGENTS, agent_timezones=one))
    assert mapped == plain and mapped_note == plain_note
    assert plain["Team A"][0] == tuple(TEAM_SHEET_COLUMNS)
    assert plain_note == f"Times are local wall-clock times in {zone}; paid_hours in hours."


def test_calendars_name_each_agents_zone_and_keep_the_same_instants(rota, tmp_path):
    stamp = pd.Timestamp("2026-11-01", tz="UTC")
    own = rota_export_files(
        rota, AGENTS, tmp_path, excel=False, dtstamp=stamp, agent_timezones=ZONES
    )
    london = rota_export_files(rota, AGENTS, tmp_path, excel=False, dtstamp=stamp)
    assert own.keys() == london.keys()
    noah = own[tmp_path / "calendars" / "N1.ics"]
    assert "X-WR-TIMEZONE:America/New_York" in noah
    assert "11:30" in noah and "16:30-" not in noah
    assert own[tmp_path / "calendars" / "L1.ics"] == london[tmp_path / "calendars" / "L1.ics"]

    def instants(text):
        return [line for line in text.split("\r\n") if line.startswith(("DTSTART", "DTEND"))]

    for path in own:
        assert instants(own[path]) == instants(london[path])
