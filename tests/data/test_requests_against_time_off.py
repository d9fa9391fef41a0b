"""A request to work on a day the time off covers whole is refused with both sources: the
preferences file and line, and the availability file and line (issue 17, bad input)."""

from __future__ import annotations

import pytest

from wfm.data.availability import read_availability
from wfm.data.preferences import check_requests_against_time_off, read_preferences
from wfm.errors import InputError

TIMEZONE = "Europe/London"


def files(tmp_path, availability: str):
    prefs = tmp_path / "preferences.csv"
    prefs.write_text(
        "agent_id,kind,value,weight\nA1,day_off,fri,1\nA1,request_on,2025-06-03 late,2\n"
        "A2,request_on,2025-06-03,1\n",
        encoding="utf-8",
    )
    avail = tmp_path / "availability.csv"
    avail.write_text("agent_id,start,end,kind\n" + availability, encoding="utf-8")
    return (
        read_preferences(prefs, ["A1", "A2"]),
        read_availability(avail, TIMEZONE, ["A1", "A2"]),
        str(prefs),
        str(avail),
    )


def test_a_request_on_a_day_of_time_off_names_both_files_and_lines(tmp_path):
    prefs, avail, prefs_path, avail_path = files(
        tmp_path,
        "A2,2025-06-01 00:00,2025-06-02 00:00,unavailable\n"
        "A1,2025-06-02 00:00,2025-06-05 00:00,unavailable\n",
    )
    assert avail["line"].tolist() == [2, 3]
    with pytest.raises(InputError) as raised:
        check_requests_against_time_off(
            prefs, avail, preferences_source=prefs_path, availability_source=avail_path
        )
    message = str(raised.value)
    assert "line 3 asks agent 'A1' to work a 'late' shift on 2025-06-03" in message
    assert f"line 3 of {avail_path}" in message
    assert prefs_path in message
    assert "2025-06-02 00:00 to 2025-06-05 00:00" in message


def test_time_off_for_part_of_the_day_leaves_the_request_possible(tmp_path):
    prefs, avail, prefs_path, avail_path = files(
        tmp_path, "A1,2025-06-03 06:00,2025-06-03 12:00,unavailable\n"
    )
    check_requests_against_time_off(
        prefs, avail, preferences_source=prefs_path, availability_source=avail_path
    )
