"""Manual rota edits (wfm.scheduling.edits) on hand-checked rotas.

The centre opens 08:00-20:00 on weekdays and 09:00-17:00 on Saturdays, with the sample
centre's breaks: a 15-minute break 90-150 minutes after the start, a 30-minute lunch
180-300 minutes after it and a 15-minute break 360-420 minutes after it (shifts of 8 h 30
have all three). Week of Monday 16 November 2026 (no clock change, no bank holiday).
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from wfm.config import parse_centre
from wfm.errors import InputError
from wfm.scheduling import coverage_from_rota
from wfm.scheduling.edit_coverage import coverage_after_edit, edit_summary, fill_levels
from wfm.scheduling.edits import add_shift, move_break, move_shift, remove_shift
from wfm.scheduling.rota_shifts import shift_of, shifts_of
from wfm.scheduling.site import rota_site

TZ = "Europe/London"
MONDAY = dt.date(2026, 11, 16)
TUESDAY = MONDAY + dt.timedelta(days=1)
INTERVAL = 15

CENTRE = parse_centre(
    {
        "centre": {"name": "edits", "timezone": TZ, "interval_minutes": INTERVAL, "country": None},
        "opening_hours": {
            "mon": "08:00-20:00",
            "tue": "08:00-20:00",
            "wed": "08:00-20:00",
            "thu": "08:00-20:00",
            "fri": "08:00-20:00",
            "sat": "09:00-17:00",
            "sun": "closed",
        },
        "queues": [
            {"name": "sales", "service_level_target": 0.8, "answer_threshold_seconds": 20},
            {"name": "support", "service_level_target": 0.8, "answer_threshold_seconds": 30},
        ],
        "shift_templates": [
            {
                "name": "weekday full",
                "days": ["mon", "tue", "wed", "thu", "fri"],
                "earliest_start": "08:00",
                "latest_start": "11:30",
                "start_step_minutes": 30,
                "lengths_minutes": [510],
            },
            {
                "name": "saturday",
                "days": ["sat"],
                "earliest_start": "09:00",
                "latest_start": "13:00",
                "start_step_minutes": 30,
                "lengths_minutes": [240],
            },
        ],
        "break_rules": [
            {
                "name": "morning break",
                "activity": "break",
                "duration_minutes": 15,
                "paid": True,
                "min_shift_minutes": 240,
                "earliest_start_after_minutes": 90,
                "latest_start_after_minutes": 150,
            },
            {
                "name": "lunch",
                "activity": "lunch",
                "duration_minutes": 30,
                "paid": False,
                "min_shift_minutes": 360,
                "earliest_start_after_minutes": 180,
                "latest_start_after_minutes": 300,
            },
            {
                "name": "afternoon break",
                "activity": "break",
                "duration_minutes": 15,
                "paid": True,
                "min_shift_minutes": 480,
                "earliest_start_after_minutes": 360,
                "latest_start_after_minutes": 420,
            },
        ],
        "contracts": [{"name": "full_time"}],
    }
)


def at(date: dt.date, clock: str) -> pd.Timestamp:
    return pd.Timestamp(f"{date} {clock}").tz_localize(TZ)


def full_shift(agent: str, date: dt.date, start: str, breaks: tuple[str, str, str]) -> list[tuple]:
    """Rows of an 8 h 30 shift from ``start`` with breaks at the three clock times given."""
    begin = at(date, start)
    end = begin + pd.Timedelta(minutes=510)
    pauses = [("break", breaks[0], 15), ("lunch", breaks[1], 30), ("break", breaks[2], 15)]
    rows, cursor = [], begin
    for activity, clock, minutes in pauses:
        s = at(date, clock)
        rows.append((agent, date, "work", cursor, s))
        rows.append((agent, date, activity, s, s + pd.Timedelta(minutes=minutes)))
        cursor = s + pd.Timedelta(minutes=minutes)
    rows.append((agent, date, "work", cursor, end))
    return rows


def rota_of(*shifts: list[tuple]) -> pd.DataFrame:
    rows = [row for shift in shifts for row in shift]
    frame = pd.DataFrame(rows, columns=["agent_id", "date", "activity", "start", "end"])
    return frame.sort_values(["agent_id", "start"], ignore_index=True)


@pytest.fixture
def rota() -> pd.DataFrame:
    """A1 works Monday and Tuesday 08:00-16:30; A2 Monday 09:00-17:30."""
    return rota_of(
        full_shift("A1", MONDAY, "08:00", ("09:30", "12:00", "14:30")),
        full_shift("A1", TUESDAY, "08:00", ("09:30", "12:00", "14:30")),
        full_shift("A2", MONDAY, "09:00", ("11:00", "13:00", "15:30")),
    )


def pieces(rota: pd.DataFrame, agent: str, date: dt.date) -> list[tuple[str, str, str]]:
    rows = rota[(rota["agent_id"] == agent) & (rota["date"] == date)].sort_values("start")
    return [
        (a, f"{s:%H:%M}", f"{e:%H:%M}")
        for a, s, e in zip(rows["activity"], rows["start"], rows["end"], strict=True)
    ]


# --- moving a shift ---------------------------------------------------------------------------
def test_moved_shift_keeps_its_length_and_its_breaks_move_with_it(rota):
    edited = move_shift(rota, rota_site(CENTRE), "A1", MONDAY, at(MONDAY, "10:00"))
    assert pieces(edited, "A1", MONDAY) == [
        ("work", "10:00", "11:30"),
        ("break", "11:30", "11:45"),
        ("work", "11:45", "14:00"),
        ("lunch", "14:00", "14:30"),
        ("work", "14:30", "16:30"),
        ("break", "16:30", "16:45"),
        ("work", "16:45", "18:30"),
    ]
    shift = shift_of(edited, "A1", MONDAY)
    assert shift.length_minutes == 510
    # The other shifts are untouched, and the input is not modified.
    assert pieces(edited, "A1", TUESDAY) == pieces(rota, "A1", TUESDAY)
    assert pieces(edited, "A2", MONDAY) == pieces(rota, "A2", MONDAY)
    assert pieces(rota, "A1", MONDAY)[0] == ("work", "08:00", "09:30")
    assert len(edited) == len(rota)
    assert str(edited["start"].dt.tz) == TZ


def test_naive_new_start_is_local_time(rota):
    edited = move_shift(rota, rota_site(CENTRE), "A1", MONDAY, pd.Timestamp(f"{MONDAY} 10:00"))
    assert shift_of(edited, "A1", MONDAY).start == at(MONDAY, "10:00")


def test_replaced_breaks_stay_at_their_clock_time_when_the_window_allows(rota):
    # Moved to 09:00: the 09:30 break would be 30 min after the start, before its window
    # (90-150 min), so it goes to the window's start, 10:30; lunch at 12:00 is 180 min after
    # 09:00, inside its window, and stays; the 14:30 break would be at 330 min, before its
    # window (360-420), so it goes to 15:00.
    edited = move_shift(
        rota, rota_site(CENTRE), "A1", MONDAY, at(MONDAY, "09:00"), breaks="replace"
    )
    assert pieces(edited, "A1", MONDAY) == [
        ("work", "09:00", "10:30"),
        ("break", "10:30", "10:45"),
        ("work", "10:45", "12:00"),
        ("lunch", "12:00", "12:30"),
        ("work", "12:30", "15:00"),
        ("break", "15:00", "15:15"),
        ("work", "15:15", "17:30"),
    ]


def test_a_shift_moved_to_another_day_takes_that_date(rota):
    wednesday = MONDAY + dt.timedelta(days=2)
    edited = move_shift(rota, rota_site(CENTRE), "A2", MONDAY, at(wednesday, "09:00"))
    assert pieces(edited, "A2", MONDAY) == []
    assert pieces(edited, "A2", wednesday)[0] == ("work", "09:00", "11:00")


def test_moving_onto_another_shift_is_refused(rota):
    with pytest.raises(InputError, match="overlap A1's shift Tue 17 Nov 08:00–16:30"):
        move_shift(rota, rota_site(CENTRE), "A1", MONDAY, at(TUESDAY, "11:00"))


def test_moving_past_closing_time_is_refused(rota):
    # 12:00 + 8 h 30 ends at 20:30: the 20:00 interval is closed.
    with pytest.raises(
        InputError, match="outside opening hours: the centre is closed at Mon 16 Nov 20:00"
    ):
        move_shift(rota, rota_site(CENTRE), "A1", MONDAY, at(MONDAY, "12:00"))
    with pytest.raises(
        InputError, match="closed at Sun 22 Nov 10:00 \\(opening hours on sun: closed\\)"
    ):
        move_shift(
            rota, rota_site(CENTRE), "A1", MONDAY, at(MONDAY + dt.timedelta(days=6), "10:00")
        )
    # The last start that fits: 11:30 ends at 20:00.
    assert shift_of(
        move_shift(rota, rota_site(CENTRE), "A1", MONDAY, at(MONDAY, "11:30")), "A1", MONDAY
    ).end == at(MONDAY, "20:00")


def test_moving_a_missing_shift_says_so(rota):
    with pytest.raises(InputError, match="A2 has no shift on Tue 17 Nov 2026"):
        move_shift(rota, rota_site(CENTRE), "A2", TUESDAY, at(TUESDAY, "09:00"))


# --- moving a break ---------------------------------------------------------------------------
def test_a_break_moves_inside_its_window(rota):
    edited = move_break(
        rota, rota_site(CENTRE), "A1", MONDAY, at(MONDAY, "12:00"), at(MONDAY, "13:00")
    )
    assert pieces(edited, "A1", MONDAY) == [
        ("work", "08:00", "09:30"),
        ("break", "09:30", "09:45"),
        ("work", "09:45", "13:00"),
        ("lunch", "13:00", "13:30"),
        ("work", "13:30", "14:30"),
        ("break", "14:30", "14:45"),
        ("work", "14:45", "16:30"),
    ]
    assert shift_of(edited, "A1", MONDAY).length_minutes == 510


def test_a_break_outside_its_window_is_refused(rota):
    # Lunch may start 180-300 min after 08:00: 11:00 to 13:00.
    with pytest.raises(
        InputError,
        match="lunch of A1 on Mon 16 Nov 08:00–16:30 cannot start at 13:15: it must start "
        "between 11:00 and 13:00",
    ):
        move_break(rota, rota_site(CENTRE), "A1", MONDAY, at(MONDAY, "12:00"), at(MONDAY, "13:15"))
    with pytest.raises(InputError, match="on the 15-minute grid"):
        move_break(rota, rota_site(CENTRE), "A1", MONDAY, at(MONDAY, "12:00"), at(MONDAY, "12:05"))
    with pytest.raises(InputError, match="no break starting at 12:15"):
        move_break(rota, rota_site(CENTRE), "A1", MONDAY, at(MONDAY, "12:15"), at(MONDAY, "12:30"))


def test_breaks_that_do_not_match_the_rules_cannot_be_moved_one_by_one():
    begin = at(MONDAY, "08:00")
    rows = [
        ("A9", MONDAY, "work", begin, begin + pd.Timedelta(hours=2)),
        ("A9", MONDAY, "break", begin + pd.Timedelta(hours=2), begin + pd.Timedelta(minutes=135)),
        (
            "A9",
            MONDAY,
            "work",
            begin + pd.Timedelta(minutes=135),
            begin + pd.Timedelta(minutes=510),
        ),
    ]
    rota = rota_of(rows)
    with pytest.raises(InputError, match=r"\(break 15 min\) do not match the centre's break rules"):
        move_break(
            rota,
            rota_site(CENTRE),
            "A9",
            MONDAY,
            begin + pd.Timedelta(hours=2),
            begin + pd.Timedelta(minutes=150),
        )
    # The whole shift can still move, with its break.
    moved = move_shift(rota, rota_site(CENTRE), "A9", MONDAY, at(MONDAY, "09:00"))
    assert pieces(moved, "A9", MONDAY)[1] == ("break", "11:00", "11:15")


# --- removing and adding ----------------------------------------------------------------------
def test_remove_shift(rota):
    edited = remove_shift(rota, "A1", MONDAY)
    assert pieces(edited, "A1", MONDAY) == []
    assert len(edited) == len(rota) - 7
    with pytest.raises(InputError, match="A1 has no shift on Mon 16 Nov 2026"):
        remove_shift(edited, "A1", MONDAY)


def test_add_shift_from_a_template_places_each_break_mid_window(rota):
    wednesday = MONDAY + dt.timedelta(days=2)
    edited = add_shift(rota, rota_site(CENTRE), "A2", wednesday, "09:00", 510, "weekday full")
    # Allowed offsets: morning 90..150 (middle 120), lunch 180..300 (240), afternoon 360..420 (390).
    assert pieces(edited, "A2", wednesday) == [
        ("work", "09:00", "11:00"),
        ("break", "11:00", "11:15"),
        ("work", "11:15", "13:00"),
        ("lunch", "13:00", "13:30"),
        ("work", "13:30", "15:30"),
        ("break", "15:30", "15:45"),
        ("work", "15:45", "17:30"),
    ]
    saturday = MONDAY + dt.timedelta(days=5)
    edited = add_shift(
        edited, rota_site(CENTRE), "A3", saturday, "13:00", 240, "saturday"
    )  # a new agent, ends 17:00
    assert pieces(edited, "A3", saturday) == [
        ("work", "13:00", "15:00"),
        ("break", "15:00", "15:15"),
        ("work", "15:15", "17:00"),
    ]


def test_impossible_additions_are_refused(rota):
    saturday = MONDAY + dt.timedelta(days=5)
    with pytest.raises(InputError, match="A1 already works on Mon 16 Nov 2026"):
        add_shift(rota, rota_site(CENTRE), "A1", MONDAY, "09:00", 510, "weekday full")
    with pytest.raises(InputError, match="'weekday full' has no shifts on a Saturday"):
        add_shift(rota, rota_site(CENTRE), "A1", saturday, "09:00", 510, "weekday full")
    with pytest.raises(InputError, match="does not start shifts at 12:00"):
        add_shift(rota, rota_site(CENTRE), "A2", TUESDAY, "12:00", 510, "weekday full")
    with pytest.raises(InputError, match="no 240-minute shifts"):
        add_shift(rota, rota_site(CENTRE), "A2", TUESDAY, "09:00", 240, "weekday full")
    with pytest.raises(InputError, match="no such shift template"):
        add_shift(rota, rota_site(CENTRE), "A2", TUESDAY, "09:00", 510, "night")


def test_shifts_of_lists_one_row_per_shift(rota):
    table = shifts_of(rota)
    assert list(
        zip(table["agent_id"], table["date"], table["length_minutes"], table["breaks"], strict=True)
    ) == [
        ("A1", MONDAY, 510.0, 3),
        ("A1", TUESDAY, 510.0, 3),
        ("A2", MONDAY, 510.0, 3),
    ]


def test_edit_summary_names_the_changed_shift(rota):
    edited = move_shift(rota, rota_site(CENTRE), "A1", MONDAY, at(MONDAY, "10:00"))
    summary = edit_summary(rota, edited)
    assert summary.to_dict("records") == [
        {
            "agent_id": "A1",
            "date": MONDAY,
            "before": "08:00–16:30 (break 09:30, lunch 12:00, break 14:30)",
            "after": "10:00–18:30 (break 11:30, lunch 14:00, break 16:30)",
        }
    ]


# --- coverage after an edit -------------------------------------------------------------------
GRID = pd.date_range(at(MONDAY, "00:00"), periods=7 * 96, freq="15min")


def coverage_for(
    rota: pd.DataFrame, queues: dict[str, tuple[str, ...]], required: dict[str, float]
) -> pd.DataFrame:
    """Coverage per queue of single-skill agents, built independently of the edit module."""
    groups = coverage_from_rota(rota, queues, GRID, INTERVAL)
    rows = []
    for queue, need in required.items():
        mine = groups[groups["skill_group"] == queue].set_index("interval_start")["agents_working"]
        scheduled = mine.reindex(GRID, fill_value=0.0).to_numpy()
        rows.append(
            pd.DataFrame(
                {
                    "interval_start": GRID,
                    "queue": queue,
                    "agents_required": need,
                    "agents_scheduled_required": need,
                    "agents_scheduled": scheduled,
                    "under_staffed": np.maximum(need - scheduled, 0),
                    "over_staffed": np.maximum(scheduled - need, 0),
                }
            )
        )
    return pd.concat(rows, ignore_index=True).sort_values(
        ["interval_start", "queue"], ignore_index=True
    )


def test_coverage_changes_by_exactly_the_moved_intervals(rota):
    queues = {"A1": ("sales",), "A2": ("support",)}
    before = coverage_for(rota, queues, {"sales": 1.0, "support": 1.0})
    edited = move_shift(rota, rota_site(CENTRE), "A1", MONDAY, at(MONDAY, "09:00"))
    after = coverage_after_edit(before, rota, edited, queues, INTERVAL)
    change = after["agents_scheduled"] - before["agents_scheduled"]
    moved = after.assign(change=change)[change != 0]
    assert set(moved["queue"]) == {"sales"}
    gained = {f"{t:%H:%M}" for t in moved.loc[moved["change"] == 1, "interval_start"]}
    lost = {f"{t:%H:%M}" for t in moved.loc[moved["change"] == -1, "interval_start"]}
    # Old work 08:00-09:30, 09:45-12:00, 12:30-14:30, 14:45-16:30; new work one hour later:
    # 09:00-10:30, 10:45-13:00, 13:30-15:30, 15:45-17:30.
    assert gained == {"16:30", "16:45", "17:00", "17:15", "09:30", "12:00", "12:15", "14:30"}
    assert lost == {"08:00", "08:15", "08:30", "08:45", "10:30", "13:00", "13:15", "15:30"}
    assert set(moved["change"]) == {1.0, -1.0}
    # The same as recomputing the coverage of the edited rota from scratch.
    expected = coverage_for(edited, queues, {"sales": 1.0, "support": 1.0})
    pd.testing.assert_series_equal(
        after["agents_scheduled"], expected["agents_scheduled"], check_names=False
    )
    pd.testing.assert_series_equal(
        after["under_staffed"], expected["under_staffed"], check_names=False
    )
    pd.testing.assert_series_equal(
        after["over_staffed"], expected["over_staffed"], check_names=False
    )


def test_unchanged_rota_keeps_its_coverage(rota):
    queues = {"A1": ("sales",), "A2": ("support",)}
    before = coverage_for(rota, queues, {"sales": 1.0, "support": 1.0})
    pd.testing.assert_frame_equal(
        coverage_after_edit(before, rota, rota.copy(), queues, INTERVAL), before
    )


def test_a_multi_skilled_agent_goes_to_the_queue_that_is_short(rota):
    # A3 (sales and support) is added on Wednesday 09:00-17:30. Sales needs 1 agent there and
    # has none; support needs none: every working interval of A3 adds to sales.
    wednesday = MONDAY + dt.timedelta(days=2)
    queues = {"A1": ("sales",), "A2": ("support",), "A3": ("sales", "support")}
    before = coverage_for(
        rota, {"A1": ("sales",), "A2": ("support",)}, {"sales": 1.0, "support": 0.0}
    )
    edited = add_shift(rota, rota_site(CENTRE), "A3", wednesday, "09:00", 510, "weekday full")
    after = coverage_after_edit(before, rota, edited, queues, INTERVAL)
    change = (after["agents_scheduled"] - before["agents_scheduled"]).to_numpy()
    sales = (after["queue"] == "sales").to_numpy()
    assert change[~sales].sum() == 0
    assert change[sales].sum() == pytest.approx(
        34 - 4
    )  # 8 h 30 (34 intervals) less 1 h of breaks and lunch
    assert after.loc[sales & (change > 0), "under_staffed"].eq(0).all()


def test_fill_levels_raises_the_lowest_surplus_first():
    split = fill_levels(np.array([-3.0, -1.0, 2.0]), 3.0)
    assert split == pytest.approx([2.5, 0.5, 0.0])  # both end at -0.5
    split = fill_levels(np.array([-3.0, -1.0, 2.0]), -2.5)
    assert split == pytest.approx([0.0, 0.0, -2.5])
    split = fill_levels(np.array([1.0, 1.0]), -3.0, floor=np.array([1.0, 5.0]))
    assert split == pytest.approx([-1.0, -2.0])  # the floor stops the first queue at 0 agents
    assert fill_levels(np.array([0.5]), -2.0, floor=np.array([1.0])) == pytest.approx([-1.0])


def test_a_start_that_the_clock_change_skips_is_refused():
    # Clocks go forward at 01:00 on Sunday 29 March 2026 in London: 01:30 does not exist.
    sunday = dt.date(2026, 3, 29)
    begin = pd.Timestamp("2026-03-28 09:00").tz_localize(TZ)
    rota = pd.DataFrame(
        {
            "agent_id": ["A1"],
            "date": [begin.date()],
            "activity": ["work"],
            "start": [begin],
            "end": [begin + pd.Timedelta(hours=4)],
        }
    )
    with pytest.raises(InputError, match="2026-03-29 01:30 does not exist once in Europe/London"):
        move_shift(rota, rota_site(CENTRE), "A1", begin.date(), pd.Timestamp(f"{sunday} 01:30"))
