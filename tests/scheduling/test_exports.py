"""Rota exports: the Excel workbook per team and RFC 5545 calendars per agent."""

import datetime as dt
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest

from wfm.config import load_centre
from wfm.data.output_files import read_rota
from wfm.data.schemas import Agent
from wfm.plan.chain import load_agents
from wfm.scheduling import rota_to_excel, rota_to_icalendar, write_rota_exports
from wfm.scheduling.exports import (
    SUMMARY_COLUMNS,
    TEAM_SHEET_COLUMNS,
    agent_summary_from_rota,
    escape_text,
    fold_line,
    rota_export_files,
    sheet_names,
)
from wfm.scheduling.rota_view import shifts_table

TZ = "Europe/London"
SAMPLE = Path(__file__).resolve().parents[2] / "data" / "sample"
STAMP = pd.Timestamp("2026-11-01 12:00", tz="UTC")


@pytest.fixture(scope="module")
def sample():
    centre = load_centre(SAMPLE / "centre.toml")
    return centre, load_agents(centre), read_rota(SAMPLE / "published_rota.csv", centre.timezone)


# --- an independent iCalendar reader for the tests -----------------------------------------------
def parse_ics(text: str) -> list[dict[str, str]]:
    """Events of a calendar as {property name: raw value}, checking the line rules of RFC 5545."""
    assert text.endswith("\r\n")
    physical = text[:-2].split("\r\n")
    assert all("\n" not in line and "\r" not in line for line in physical)
    assert all(len(line.encode("utf-8")) <= 75 for line in physical)
    logical: list[str] = []
    for line in physical:
        if line.startswith(" "):
            logical[-1] += line[1:]
        else:
            logical.append(line)
    assert logical[0] == "BEGIN:VCALENDAR" and logical[-1] == "END:VCALENDAR"
    assert "VERSION:2.0" in logical and any(line.startswith("PRODID:") for line in logical)
    events, current = [], None
    for line in logical:
        name, _, value = line.partition(":")
        if line == "BEGIN:VEVENT":
            current = {}
        elif line == "END:VEVENT":
            events.append(current)
            current = None
        elif current is not None:
            current[name] = value
    return events


def utc(text: str) -> pd.Timestamp:
    assert text.endswith("Z") and len(text) == 16
    return pd.Timestamp(dt.datetime.strptime(text, "%Y%m%dT%H%M%SZ"), tz="UTC")


def test_calendar_has_one_event_per_shift_at_the_right_utc_times(sample):
    _, _, rota = sample
    text = rota_to_icalendar(rota, "A001", timezone=TZ, dtstamp=STAMP)
    events = parse_ics(text)
    shifts = shifts_table(rota[rota["agent_id"] == "A001"])
    assert len(events) == len(shifts) > 10
    assert [utc(e["DTSTART"]) for e in events] == [s.tz_convert("UTC") for s in shifts["start"]]
    assert [utc(e["DTEND"]) for e in events] == [s.tz_convert("UTC") for s in shifts["end"]]
    # 2026-10-19 09:30 BST is 08:30 UTC; 2026-10-28 09:30 GMT is 09:30 UTC (clocks went back on the 25th).
    assert events[0]["DTSTART"] == "20261019T083000Z"
    assert "20261028T093000Z" in [e["DTSTART"] for e in events]
    assert len({e["UID"] for e in events}) == len(events)
    assert all(e["DTSTAMP"] == "20261101T120000Z" for e in events)


def test_calendar_with_breaks_adds_an_event_per_break(sample):
    _, _, rota = sample
    mine = rota[rota["agent_id"] == "A003"]
    events = parse_ics(
        rota_to_icalendar(rota, "A003", timezone=TZ, include_breaks=True, dtstamp=STAMP)
    )
    assert len(events) == len(shifts_table(mine)) + int((mine["activity"] != "work").sum())
    assert {e["SUMMARY"] for e in events} == {"Shift", "Break", "Lunch"}


def test_a_night_shift_over_the_clock_change_keeps_its_elapsed_length():
    rota = pd.DataFrame(
        {
            "agent_id": ["N1"],
            "activity": ["work"],
            "start": [pd.Timestamp("2026-10-24 22:00", tz=TZ)],
            "end": [pd.Timestamp("2026-10-25 06:00", tz=TZ)],
        }
    )
    (event,) = parse_ics(rota_to_icalendar(rota, "N1", timezone=TZ, dtstamp=STAMP))
    assert (event["DTSTART"], event["DTEND"]) == ("20261024T210000Z", "20261025T060000Z")
    assert "9 h" in event["DESCRIPTION"]


def test_text_is_escaped_and_lines_fold_without_splitting_characters():
    assert escape_text("a\\b;c,d\ne") == "a\\\\b\\;c\\,d\\ne"
    line = "X-WR-CALNAME:" + "Zoë " * 40
    folded = fold_line(line)
    parts = folded.split("\r\n")
    assert all(len(part.encode("utf-8")) <= 75 for part in parts)
    assert all(part.startswith(" ") for part in parts[1:])
    assert "".join([parts[0]] + [part[1:] for part in parts[1:]]) == line
    assert fold_line("short") == "short"


def fold_one_character_at_a_time(line: str) -> str:
    """RFC 5545 folding the plain way: add characters while the line's octets fit."""
    pieces, current, size = [], "", 0
    for char in line:
        octets = len(char.encode("utf-8"))
        if size + octets > (75 if not pieces else 74):
            pieces.append(current)
            current, size = "", 0
        current += char
        size += octets
    return "\r\n ".join([*pieces, current])


@pytest.mark.parametrize("alphabet", ["ab;, x", "ab;, xëé€😀"])
def test_folding_matches_one_character_at_a_time(alphabet):
    """The shortcuts (a line that fits, an ASCII line cut by slicing) fold as the walk does,
    around every length where a piece ends."""
    rng = np.random.default_rng(3)
    for length in [*range(0, 80), *range(140, 230), 1000]:
        line = "".join(rng.choice(list(alphabet), size=length))
        assert fold_line(line) == fold_one_character_at_a_time(line)


def test_calendar_of_an_agent_without_shifts_is_an_error(sample):
    _, _, rota = sample
    with pytest.raises(Exception, match="no shifts"):
        rota_to_icalendar(rota, "nobody", timezone=TZ)


# --- Excel --------------------------------------------------------------------------------------
@pytest.mark.slow
def test_workbook_has_a_sheet_per_team_with_every_activity(sample, tmp_path):
    _, agents, rota = sample
    path = rota_to_excel(rota, agents, tmp_path / "rota.xlsx")
    book = openpyxl.load_workbook(path)
    teams = sorted({agent.team for agent in agents})
    assert book.sheetnames == ["Summary", *teams]
    team_of = {agent.agent_id: agent.team for agent in agents}
    rows_per_team = rota["agent_id"].map(team_of).value_counts()
    for team in teams:
        sheet = book[team]
        assert [cell.value for cell in sheet[1]] == list(TEAM_SHEET_COLUMNS)
        assert sheet.max_row == rows_per_team[team] + 1
    summary = book["Summary"]
    assert [cell.value for cell in summary[1]] == list(SUMMARY_COLUMNS)
    assert summary.max_row == len(agents) + 1
    # First row of A001 (Team Curie): local wall-clock times, paid hours of the work piece.
    first = next(
        row for row in book["Team Curie"].iter_rows(min_row=2, values_only=True) if row[0] == "A001"
    )
    assert first[3:] == (
        "work",
        dt.datetime(2026, 10, 19, 9, 30),
        dt.datetime(2026, 10, 19, 12, 0),
        2.5,
    )


def test_summary_paid_hours_leave_out_lunch(sample):
    _, agents, rota = sample
    summary = agent_summary_from_rota(rota, agents).set_index("agent_id")
    lunch = rota["activity"] == "lunch"
    hours = (rota["end"] - rota["start"]).dt.total_seconds() / 3600
    expected = hours[~lunch].groupby(rota["agent_id"]).sum()
    assert summary.loc[expected.index, "paid_hours"].to_numpy() == pytest.approx(
        expected.to_numpy()
    )
    assert summary.loc["A003", "days_worked"] == len(shifts_table(rota[rota["agent_id"] == "A003"]))


def test_a_given_summary_is_used_and_sheet_names_are_valid(tmp_path):
    rota = pd.DataFrame(
        {
            "agent_id": ["a", "b"],
            "activity": ["work", "work"],
            "start": pd.to_datetime(["2026-03-02 08:00", "2026-03-02 09:00"]).tz_localize(TZ),
            "end": pd.to_datetime(["2026-03-02 12:00", "2026-03-02 10:00"]).tz_localize(TZ),
        }
    )
    agents = [
        Agent("a", "Ann", "Summary", "c", ("q",)),
        Agent("b", "Bo", "x/y:z" * 10, "c", ("q",)),
    ]
    given = pd.DataFrame(
        {column: ["marker"] if column == "name" else [0] for column in SUMMARY_COLUMNS}
    )
    book = openpyxl.load_workbook(rota_to_excel(rota, agents, tmp_path / "r.xlsx", summary=given))
    assert book.sheetnames[0] == "Summary" and book["Summary"]["B2"].value == "marker"
    assert all(len(name) <= 31 for name in book.sheetnames) and len(book.sheetnames) == 3
    assert sheet_names(["Summary"]) == {"Summary": "Summary (2)"}


# --- all files ------------------------------------------------------------------------------------
@pytest.mark.slow
def test_write_rota_exports_writes_workbook_and_calendars(sample, tmp_path):
    _, agents, rota = sample
    paths = write_rota_exports(rota, agents, tmp_path, dtstamp=STAMP)
    assert tmp_path / "rota.xlsx" in paths
    calendars = sorted((tmp_path / "calendars").glob("*.ics"))
    assert [path.stem for path in calendars] == sorted(rota["agent_id"].unique())
    text = (tmp_path / "calendars" / "A001.ics").read_bytes().decode("utf-8")
    assert text == rota_to_icalendar(rota, "A001", timezone=TZ, include_breaks=True, dtstamp=STAMP)
    assert not list(tmp_path.glob(".*"))  # no temporary files left


def test_export_files_can_leave_out_excel(sample, tmp_path):
    _, agents, rota = sample
    files = rota_export_files(
        rota[rota["agent_id"] == "A001"], agents, tmp_path, excel=False, dtstamp=STAMP
    )
    assert list(files) == [tmp_path / "calendars" / "A001.ics"]
