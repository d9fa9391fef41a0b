"""Demand given as agents per day and shift type (issue 17): the file, the model's priced
shortfall with a hand-checked optimum, the pooled search, and the cover table.

Costs (``make_centre``): 1 per paid hour, 10 per agent-hour short; an agent short on a
shift type costs 10 x the paid hours of the type's longest shift that day (8 h: 80).
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from scheduling_synthetic import MONDAY, make_agents, make_centre

from wfm.config import Contract, ShiftTemplate, ShiftType
from wfm.data.shift_demand import read_shift_demand, shift_demand_by_date
from wfm.errors import InputError
from wfm.scheduling.rules.shift_demand import shift_cover_table
from wfm.scheduling.site import rota_site
from wfm.scheduling.week import schedule_week

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
TYPES = (
    ShiftType(name="early", start_from="05:00", start_until="09:00"),
    ShiftType(name="late", start_from="13:00", start_until="18:00"),
    ShiftType(name="night", start_from="21:00", start_until="23:00"),
)


def template(name, start):
    return ShiftTemplate(
        name=name, days=DAYS, earliest_start=start, latest_start=start, lengths_minutes=(480,)
    )


def centre_with(**contract):
    return make_centre(
        opening_hours=dict.fromkeys(DAYS, "00:00-24:00"),
        templates=(
            template("early", "06:00"),
            template("late", "14:00"),
            template("night", "22:00"),
        ),
        contracts=(
            Contract(
                name="c",
                max_days_per_week=7,
                max_hours_per_week=60,
                max_consecutive_working_days=14,
                min_consecutive_days_off=0,
                min_rest_hours=0,
                **contract,
            ),
        ),
        shift_types=TYPES,
    )


def no_requirements() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "interval_start": pd.DatetimeIndex([], tz="Europe/London"),
            "queue": pd.Series([], dtype=object),
            "agents_scheduled_required": pd.Series([], dtype=float),
        }
    )


def write(tmp_path, text: str):
    path = tmp_path / "shift_demand.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_file_reads_weekdays_dates_and_names_bad_lines(tmp_path):
    path = write(tmp_path, "day,shift_type,agents\nMon,early,12\nmon,late,9\n2025-06-09,early,3\n")
    frame = read_shift_demand(path, [t.name for t in TYPES])
    assert frame[["day", "shift_type", "agents", "line"]].values.tolist() == [
        ["mon", "early", 12.0, 2],
        ["mon", "late", 9.0, 3],
        ["2025-06-09", "early", 3.0, 4],
    ]
    # The date overrides its weekday's row; the weekday row holds on the other Mondays.
    by_date = shift_demand_by_date(frame, MONDAY, 14)
    early = by_date[by_date["shift_type"] == "early"]
    assert early[["date", "agents"]].values.tolist() == [[MONDAY, 12.0], [dt.date(2025, 6, 9), 3.0]]
    assert len(by_date) == 4
    for text, words in [
        ("day,shift_type,agents\nmon,early,1\nmon,early,2\n", "line"),
        ("day,shift_type,agents\nmonday-ish,early,1\n", "not a weekday or a date"),
        ("day,shift_type,agents\nmon,evening,1\n", "unknown shift type"),
        ("day,shift_type,agents\nmon,early,-1\n", "agents"),
        ("day,agents\nmon,1\n", "shift_type"),
    ]:
        with pytest.raises(InputError) as raised:
            read_shift_demand(write(tmp_path, text), [t.name for t in TYPES])
        assert words in str(raised.value) and "shift_demand.csv" in str(raised.value)
    with pytest.raises(InputError, match="line 3"):
        read_shift_demand(
            write(tmp_path, "day,shift_type,agents\nmon,early,1\nmon,early,2\n"), ["early"]
        )


def solve(centre, demand_rows, n_agents):
    demand = pd.DataFrame(
        [(day, t, float(a), i + 2) for i, (day, t, a) in enumerate(demand_rows)],
        columns=["day", "shift_type", "agents", "line"],
    )
    agents = make_agents(n_agents, contract="c")
    result = schedule_week(
        no_requirements(), rota_site(centre), agents, MONDAY, shift_demand=demand
    )
    cover = shift_cover_table(
        result.rota, shift_demand_by_date(demand, MONDAY, 7), centre.shift_types, centre.timezone
    )
    return result, cover


def test_the_model_covers_demand_per_day_and_shift_type_at_the_hand_checked_optimum():
    # Two agents, one shift a day each. Monday wants 2 early and 1 late: only 2 shifts fit,
    # one agent short (80) whichever goes; Tuesday 1 late (8); Wednesday 1 night (8).
    # Monday: 2 shifts (16) + 80 short; in all 16 + 80 + 8 + 8 = 112. No interval is priced
    # (no interval requirement).
    centre = centre_with()
    rows = [("mon", "early", 2), ("mon", "late", 1), ("tue", "late", 1), ("wed", "night", 1)]
    result, cover = solve(centre, rows, n_agents=2)
    assert result.summary.status.value == "optimal"
    assert result.summary.objective == pytest.approx(112.0)
    assert cover["agents_wanted"].sum() == 5
    assert cover["agents_scheduled"].sum() == 4
    assert cover["agents_short"].sum() == pytest.approx(1.0)
    tuesday = cover[(cover["date"] == MONDAY + dt.timedelta(days=1))]
    assert tuesday[["shift_type", "agents_scheduled"]].values.tolist() == [["late", 1]]


def test_a_pooled_team_covers_the_demand_too():
    # Ten agents, at most 3 days a week each (30 shifts). Every day wants 3 early and 2 late
    # (35 shifts): 30 shifts worked (240) and 5 agents short (400): 640.
    centre = make_centre(
        opening_hours=dict.fromkeys(DAYS, "00:00-24:00"),
        templates=(template("early", "06:00"), template("late", "14:00")),
        contracts=(
            Contract(
                name="c",
                max_days_per_week=3,
                max_consecutive_working_days=14,
                min_consecutive_days_off=0,
                min_rest_hours=0,
            ),
        ),
        shift_types=TYPES[:2],
    )
    rows = [(day, "early", 3) for day in DAYS] + [(day, "late", 2) for day in DAYS]
    result, cover = solve(centre, rows, n_agents=10)
    assert result.summary.objective == pytest.approx(640.0)
    assert cover["agents_scheduled"].sum() == 30
    assert cover["agents_short"].sum() == pytest.approx(5.0)


def test_the_rolling_horizon_covers_each_week_of_the_demand():
    # Two weeks rolled one at a time, one agent; "mon,early,1" and "2025-06-10,late,2" (a
    # Tuesday of week 2): each Monday one early shift (8 each), that Tuesday one late shift
    # and one agent short (8 + 80): 104.
    from wfm.config import SchedulingSettings

    roll = SchedulingSettings(
        time_limit_seconds=600, relative_gap=0.0, rolling_horizon_above_pairs=0
    )
    centre = centre_with().model_copy(update={"scheduling": roll})
    demand = pd.DataFrame(
        [("mon", "early", 1.0, 2), ("2025-06-10", "late", 2.0, 3)],
        columns=["day", "shift_type", "agents", "line"],
    )
    agents = make_agents(1, contract="c")
    result = schedule_week(
        no_requirements(), rota_site(centre), agents, MONDAY, weeks=2, shift_demand=demand
    )
    assert "rolling horizon of 2 weeks" in result.summary.termination
    assert result.summary.objective == pytest.approx(104.0)
    cover = shift_cover_table(
        result.rota, shift_demand_by_date(demand, MONDAY, 14), centre.shift_types, centre.timezone
    )
    assert cover["agents_scheduled"].tolist() == [1, 1, 1]
