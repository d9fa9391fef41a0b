"""Unsaved edits of a draft and clock times read against a shift (wfm.scheduling.edit_session)."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from wfm.scheduling.edit_session import PendingEdits, time_in_shift
from wfm.scheduling.rota_shifts import Shift

TZ = "Europe/London"


def night_shift() -> Shift:
    start = pd.Timestamp("2026-11-16 20:00", tz=TZ)
    return Shift("A1", dt.date(2026, 11, 16), start, start + pd.Timedelta(hours=8), ())


def test_a_break_after_midnight_is_on_the_next_day():
    shift = night_shift()
    assert time_in_shift(shift, dt.time(22, 30)) == pd.Timestamp("2026-11-16 22:30", tz=TZ)
    assert time_in_shift(shift, dt.time(0, 30)) == pd.Timestamp("2026-11-17 00:30", tz=TZ)
    assert time_in_shift(shift, dt.time(20, 0)) == shift.start


def test_a_clock_change_night_keeps_local_clock_times():
    start = pd.Timestamp("2026-10-24 22:00", tz=TZ)  # clocks go back at 02:00 on the 25th
    shift = Shift("A1", dt.date(2026, 10, 24), start, start + pd.Timedelta(hours=9), ())
    moment = time_in_shift(shift, dt.time(3, 0))
    assert moment.date() == dt.date(2026, 10, 25) and moment.hour == 3
    assert moment.utcoffset() == dt.timedelta(0)  # GMT after the change


def test_pending_edits_keep_every_note_and_belong_to_one_version():
    rota = pd.DataFrame({"agent_id": ["A1"]})
    edits = PendingEdits.start(3, "t1").add(rota, "moved A1's shift").add(rota, "moved A1's break")
    assert edits.count == 2
    assert edits.note == "moved A1's shift; moved A1's break"
    assert edits.rota is rota
    assert edits.applies_to(3, "t1")
    assert not edits.applies_to(3, "t2")  # the version was saved since
    assert not edits.applies_to(4, "t1")
