"""Shift candidates, break options and break windows."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from scheduling_synthetic import LUNCH, MONDAY, MORNING_BREAK, make_centre, synthetic_centre

from wfm.config import BreakRule, ShiftTemplate
from wfm.errors import ConfigError
from wfm.scheduling.shifts import (
    break_offsets_minutes,
    break_options,
    break_windows,
    check_break_rules,
    shift_candidates,
    week_grid,
)
from wfm.scheduling.site import rota_site
from wfm.timegrid import parse_clock


def test_candidates_lie_inside_opening_hours_of_their_day():
    centre = synthetic_centre()
    candidates = shift_candidates(
        centre.shift_templates, centre.break_rules, week_grid(rota_site(centre), MONDAY)
    )
    hours = {
        0: "08:00-20:00",
        1: "08:00-20:00",
        2: "08:00-20:00",
        3: "08:00-20:00",
        4: "08:00-20:00",
        5: "09:00-17:00",
    }
    for row in candidates.itertuples():
        opening, closing = (parse_clock(text) for text in hours[row.date.weekday()].split("-"))
        start_minute = row.start.hour * 60 + row.start.minute
        assert row.start.date() == row.date == row.end.date()
        assert opening <= start_minute and start_minute + row.length_minutes <= closing
    assert set(candidates["date"].map(lambda date: date.weekday())) == {0, 1, 2, 3, 4, 5}
    # Saturday 09:00-17:00 allows the 480-minute shift only at 09:00.
    saturday_long = candidates[(candidates["day"] == 5) & (candidates["length_minutes"] == 480)]
    assert saturday_long["start_minute"].tolist() == [9 * 60]


def test_weekday_template_gives_expected_number_of_candidates():
    centre = synthetic_centre()
    candidates = shift_candidates(
        centre.shift_templates, centre.break_rules, week_grid(rota_site(centre), MONDAY)
    )
    monday = candidates[candidates["day"] == 0]
    # 510 min from 08:00..11:30 (8 starts), 360 from 08:00..14:00 (13), 240 from 08:00..16:00 (17).
    assert monday.groupby("length_minutes").size().to_dict() == {240: 17, 360: 13, 510: 8}


def test_paid_minutes_exclude_unpaid_lunch_only():
    centre = synthetic_centre()
    candidates = shift_candidates(
        centre.shift_templates, centre.break_rules, week_grid(rota_site(centre), MONDAY)
    )
    paid = candidates.groupby("length_minutes")["paid_minutes"].first().to_dict()
    # lunch (30 min, unpaid) applies from 360 minutes; paid breaks do not reduce paid time.
    assert paid == {240: 240, 360: 330, 480: 450, 510: 480}


def test_shift_may_cross_midnight_when_open():
    night = ShiftTemplate(
        name="night",
        days=("mon",),
        earliest_start="22:00",
        latest_start="22:00",
        lengths_minutes=(480,),
    )
    centre = make_centre(
        opening_hours={day: "00:00-24:00" for day in ("mon", "tue")}, templates=(night,)
    )
    candidates = shift_candidates(
        centre.shift_templates, centre.break_rules, week_grid(rota_site(centre), MONDAY)
    )
    assert len(candidates) == 1
    shift = candidates.iloc[0]
    assert shift["date"] == MONDAY
    assert shift["end"] == pd.Timestamp("2025-06-03 06:00", tz="Europe/London")


def test_shift_crossing_into_a_closed_day_is_not_a_candidate():
    night = ShiftTemplate(
        name="night",
        days=("mon",),
        earliest_start="22:00",
        latest_start="22:00",
        lengths_minutes=(480,),
    )
    centre = make_centre(opening_hours={"mon": "00:00-24:00"}, templates=(night,))
    assert shift_candidates(
        centre.shift_templates, centre.break_rules, week_grid(rota_site(centre), MONDAY)
    ).empty


def test_shift_on_last_day_may_spill_past_the_week():
    night = ShiftTemplate(
        name="night",
        days=("sun",),
        earliest_start="22:00",
        latest_start="22:00",
        lengths_minutes=(480,),
    )
    centre = make_centre(
        opening_hours={day: "00:00-24:00" for day in ("sun", "mon")}, templates=(night,)
    )
    grid = week_grid(rota_site(centre), MONDAY)
    candidates = shift_candidates(centre.shift_templates, centre.break_rules, grid)
    assert len(candidates) == 1
    assert candidates.iloc[0]["first_interval"] + 32 > grid.n_horizon  # ends next Monday 06:00


def test_daylight_saving_days_keep_wall_clock_starts_and_elapsed_lengths():
    template = ShiftTemplate(
        name="all",
        days=("mon", "tue", "wed", "thu", "fri", "sat", "sun"),
        earliest_start="00:00",
        latest_start="23:00",
        start_step_minutes=60,
        lengths_minutes=(480,),
    )
    centre = make_centre(
        opening_hours={
            day: "00:00-24:00" for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
        },
        templates=(template,),
    )
    # Spring forward: Sunday 30 March 2025, 01:00 local does not exist.
    spring = shift_candidates(
        centre.shift_templates,
        centre.break_rules,
        week_grid(rota_site(centre), dt.date(2025, 3, 24)),
    )
    sunday = spring[spring["date"] == dt.date(2025, 3, 30)]
    assert 60 not in sunday["start_minute"].tolist()
    shift = sunday[sunday["start_minute"] == 0].iloc[0]
    assert shift["end"] == pd.Timestamp("2025-03-30 09:00", tz="Europe/London")  # 8 elapsed hours
    # Fall back: Sunday 26 October 2025, 01:00-02:00 happens twice; take the first.
    autumn = shift_candidates(
        centre.shift_templates,
        centre.break_rules,
        week_grid(rota_site(centre), dt.date(2025, 10, 20)),
    )
    saturday_night = autumn[
        (autumn["date"] == dt.date(2025, 10, 25)) & (autumn["start_minute"] == 22 * 60)
    ].iloc[0]
    assert saturday_night["end"] == pd.Timestamp("2025-10-26 05:00", tz="Europe/London")
    one_am = autumn[
        (autumn["date"] == dt.date(2025, 10, 26)) & (autumn["start_minute"] == 60)
    ].iloc[0]
    assert one_am["start"].utcoffset() == dt.timedelta(hours=1)


def test_template_start_off_the_grid_is_rejected():
    odd = ShiftTemplate(
        name="odd", earliest_start="08:10", latest_start="09:10", lengths_minutes=(240,)
    )
    centre = make_centre(opening_hours={"mon": "08:00-20:00"}, templates=(odd,))
    with pytest.raises(ConfigError, match="not on the 15-minute interval grid"):
        shift_candidates(
            centre.shift_templates, centre.break_rules, week_grid(rota_site(centre), MONDAY)
        )


def test_break_offsets_stay_in_window_and_end_before_the_shift():
    assert break_offsets_minutes(LUNCH, 480, 15) == list(range(180, 301, 15))
    # A 360-minute shift: lunch must end at least one interval before the end (<= 315).
    assert break_offsets_minutes(LUNCH, 360, 15)[-1] == 300
    short = BreakRule(
        name="b",
        activity="break",
        duration_minutes=15,
        paid=True,
        earliest_start_after_minutes=60,
        latest_start_after_minutes=200,
    )
    assert break_offsets_minutes(short, 120, 15) == [60, 75, 90]


def test_overlapping_break_windows_are_rejected_with_names():
    early_lunch = LUNCH.model_copy(
        update={"earliest_start_after_minutes": 120}
    )  # meets the morning window
    template = ShiftTemplate(
        name="day", earliest_start="08:00", latest_start="08:00", lengths_minutes=(480,)
    )
    centre = make_centre(
        opening_hours={"mon": "08:00-20:00"},
        templates=(template,),
        break_rules=(MORNING_BREAK, early_lunch),
    )
    with pytest.raises(ConfigError, match="'morning break' and 'lunch' can overlap"):
        check_break_rules(centre.break_rules, centre.shift_templates, centre.interval_minutes)


def test_break_that_cannot_fit_is_rejected():
    late = BreakRule(
        name="late",
        activity="break",
        duration_minutes=15,
        paid=True,
        min_shift_minutes=0,
        earliest_start_after_minutes=300,
        latest_start_after_minutes=330,
    )
    template = ShiftTemplate(
        name="short", earliest_start="08:00", latest_start="08:00", lengths_minutes=(240,)
    )
    centre = make_centre(
        opening_hours={"mon": "08:00-20:00"}, templates=(template,), break_rules=(late,)
    )
    with pytest.raises(ConfigError, match="no start between 300 and 330"):
        check_break_rules(centre.break_rules, centre.shift_templates, centre.interval_minutes)


def test_break_windows_form_chains_of_translates():
    centre = synthetic_centre()
    candidates = shift_candidates(
        centre.shift_templates, centre.break_rules, week_grid(rota_site(centre), MONDAY)
    )
    options = break_options(centre.break_rules, candidates, centre.interval_minutes)
    windows = break_windows(options)
    assert len(windows) == len(options.groupby(["candidate", "rule"]))
    for _, chain in windows.groupby("chain"):
        assert chain["rule"].nunique() == 1
        widths = chain["latest_interval"] - chain["earliest_interval"]
        assert widths.nunique() == 1
        # ordered by earliest start, the latest starts are ordered too
        assert chain["latest_interval"].is_monotonic_increasing
    # chains do not span days in a centre closed at night
    day_of = candidates.set_index("candidate")["day"]
    assert (
        windows.assign(day=windows["candidate"].map(day_of)).groupby("chain")["day"].nunique() == 1
    ).all()
