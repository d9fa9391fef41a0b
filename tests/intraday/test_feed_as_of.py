"""``--as-of`` and today's states from the hostile-input sweep (benchmarks/fuzz_cli.py): an
ISO time on another day, a local time the clocks skip, and a states file whose start column
mixes offsets with junk were internal errors (TypeError, exit 1)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from wfm.errors import InputError
from wfm.intraday.feed import parse_as_of, read_states_today

DAY = dt.date(2026, 10, 20)


@pytest.mark.parametrize("text", ["2026-10-21T11:00", "2026-10-19T22:00:00+00:00", "junk", "25:00"])
def test_as_of_not_on_the_day_is_an_error_naming_the_option(text):
    with pytest.raises(InputError) as caught:
        parse_as_of(text, DAY, "Europe/London")
    assert caught.value.option == "--as-of"


def test_as_of_in_the_spring_gap_is_an_error():
    with pytest.raises(InputError):
        parse_as_of("2026-03-29T01:30", dt.date(2026, 3, 29), "Europe/London")


def test_as_of_on_the_day_is_read_in_the_centre_zone():
    as_of = parse_as_of("2026-10-20T10:00:00+00:00", DAY, "Europe/London")
    assert as_of == pd.Timestamp("2026-10-20T11:00", tz="Europe/London")
    assert parse_as_of("11:00", DAY, "Europe/London") == as_of


@pytest.mark.parametrize("junk", ['=HYPERLINK("x")', "start"])
def test_states_with_junk_among_offset_times_name_the_line(tmp_path, junk):
    path = tmp_path / "states.csv"
    path.write_text(
        "agent_id,state,start,end\n"
        "A1,available,2026-10-20T08:00:00+01:00,2026-10-20T08:30:00+01:00\n"
        f"A1,available,{junk},2026-10-20T09:00:00+01:00\n"
    )
    as_of = pd.Timestamp("2026-10-20T11:00", tz="Europe/London")
    with pytest.raises(InputError) as caught:
        read_states_today(path, timezone="Europe/London", as_of=as_of)
    assert caught.value.row == 3
