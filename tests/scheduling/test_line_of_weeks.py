"""A horizon of several weeks is a line of weeks, not a week that repeats: runs of working
days continue from one week into the next and nothing wraps round from the last Sunday to
the first Monday, in one model, in the rolling horizon and in its bound; and a rolling
horizon that finds no rota says which week and stage failed and what would help."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from scheduling_synthetic import MONDAY, make_agents, make_centre, requirements_frame

from wfm.config import Contract, SchedulingSettings, ShiftTemplate
from wfm.errors import SolveError
from wfm.scheduling import check_rota
from wfm.scheduling.instance import horizon_day, prepare_week
from wfm.scheduling.rules.max_consecutive_working_days import breaks_run
from wfm.scheduling.site import rota_site
from wfm.scheduling.week import schedule_horizon, schedule_week

ALL_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DAY_SHIFT = ShiftTemplate(
    name="day", days=ALL_DAYS, earliest_start="08:00", latest_start="08:00", lengths_minutes=(480,)
)
#: At most 5 working days in a row, no other day rule binding.
FIVE_IN_A_ROW = Contract(
    name="c",
    min_days_per_week=0,
    max_days_per_week=7,
    max_hours_per_week=60,
    min_consecutive_days_off=0,
    max_consecutive_working_days=5,
)
#: Demand on every day of two weeks but the first Saturday (day 5).
DEMAND_DAYS = [d for d in range(14) if d != 5]


def centre(scheduling: SchedulingSettings | None = None):
    return make_centre(
        opening_hours=dict.fromkeys(ALL_DAYS, "08:00-16:00"),
        templates=(DAY_SHIFT,),
        contracts=(FIVE_IN_A_ROW,),
        scheduling=scheduling,
    )


def requirements_for(site_centre, days_with_demand: list[int], days: int):
    """One agent 08:00-16:00 on each of ``days_with_demand`` (0 = MONDAY)."""
    spans = {
        (f"{MONDAY + dt.timedelta(days=d)} 08:00", f"{MONDAY + dt.timedelta(days=d)} 16:00"): 1
        for d in days_with_demand
    }
    return requirements_frame(site_centre, MONDAY, {"sales": spans}, days=days)


def requirements(site_centre):
    """One agent 08:00-16:00 on each day of :data:`DEMAND_DAYS`, over two weeks."""
    return requirements_for(site_centre, DEMAND_DAYS, days=14)


def worked(result) -> set[int]:
    return {(date - MONDAY).days for date in result.rota["date"]}


def test_horizon_day_reads_a_week_as_repeating_and_weeks_as_a_line():
    assert [horizon_day(d, 7, True) for d in (-1, 0, 6, 7, 8)] == [6, 0, 6, 0, 1]
    assert [horizon_day(d, 14, False) for d in (-1, 0, 13, 14)] == [None, 0, 13, None]
    # Sunday, Monday, Tuesday of one week: 3 in a row when the week repeats, not on a line.
    assert breaks_run({6, 0, 1}, 7, 2, cyclic=True)
    assert not breaks_run({6, 0, 1}, 7, 2, cyclic=False)
    site = rota_site(centre())
    agents = make_agents(1, contract="c")
    one_week = prepare_week(requirements(centre()), site, agents, MONDAY, days=7)
    two_weeks = prepare_week(requirements(centre()), site, agents, MONDAY, days=14)
    assert one_week.cyclic_days and not two_weeks.cyclic_days


def test_two_weeks_as_a_line_work_a_day_more_than_two_weeks_that_repeat():
    # Hand check. 13 demanded days (all but day 5), at most 5 working days in a row.
    # On a line, day 5 off splits 0-4 (5 days) from 6-13 (8 days), which needs one more day
    # off among days 8-11 (runs 6..p-1 and p+1..13 of at most 5): 12 days worked, one
    # demanded day (8 agent-hours) short. Read as repeating, days 6-13 run on into 0-4: the
    # 13 days from 6 round to 4 need two days off (13 - k <= 5 (k + 1)), 11 worked, 16 short.
    site = rota_site(centre())
    agents = make_agents(1, contract="c")
    line = schedule_horizon(requirements(centre()), site, agents, MONDAY, weeks=2)
    days = worked(line)
    assert len(days) == 12 and 5 not in days
    assert not breaks_run(days, 14, 5, cyclic=False)
    assert line.summary.under_staffed_agent_hours == pytest.approx(8.0)
    assert check_rota(line.rota, site=site, agents=agents, rules=None) == []

    repeating = schedule_week(
        requirements(centre()), site, agents, MONDAY, weeks=2, cyclic_days=True
    )
    assert len(worked(repeating)) == 11
    assert not breaks_run(worked(repeating), 14, 5, cyclic=True)
    assert repeating.summary.under_staffed_agent_hours == pytest.approx(16.0)
    assert repeating.summary.objective > line.summary.objective


def test_the_rolling_horizon_continues_each_week_into_the_next_and_reaches_the_line_optimum():
    # Three weeks, demand on every day but day 5, at most 5 working days in a row. Hand
    # check of the line optimum: days 6-20 (15 days) need two days off (15 - k <= 5 (k + 1)),
    # so 18 of the 20 demanded days are worked, 16 agent-hours short. Rolled: the first
    # window (weeks 1-2, the two-week optimum above) freezes week 1 as 0-4 and 6 (runs of 5
    # and 1; read as repeating, 6 and 0-4 would be 6 in a row). Carried, 1 day worked up to
    # Sunday: day 5 - 1 = 4 of week 2 (day 11) off; the second window (weeks 2-3) then needs
    # one more day off among days 15-17. 18 days, as the one model over the three weeks,
    # with the same cost and a bound of the same problem.
    roll = SchedulingSettings(
        time_limit_seconds=600, relative_gap=0.0, rolling_horizon_above_pairs=0
    )
    rolled_centre = centre(roll)
    site = rota_site(rolled_centre)
    agents = make_agents(1, contract="c")
    demand = requirements_for(rolled_centre, [d for d in range(21) if d != 5], days=21)
    rolled = schedule_horizon(demand, site, agents, MONDAY, weeks=3)
    assert "rolling horizon of 3 weeks" in rolled.summary.termination
    days = worked(rolled)
    assert len(days) == 18 and {5, 11} & days == set()
    assert {0, 1, 2, 3, 4, 6} <= days and len({15, 16, 17} - days) == 1
    assert rolled.summary.under_staffed_agent_hours == pytest.approx(16.0)
    one = schedule_horizon(
        requirements_for(centre(), [d for d in range(21) if d != 5], days=21),
        rota_site(centre()),
        agents,
        MONDAY,
        weeks=3,
    )
    assert len(worked(one)) == 18
    assert rolled.summary.objective == pytest.approx(one.summary.objective)
    assert rolled.summary.bound <= one.summary.objective + 1e-6
    assert check_rota(rolled.rota, site=site, agents=agents, rules=None) == []

    # The first week on its own, read as repeating (the week models before): one day less.
    week_one = requirements(rolled_centre)
    week_one = week_one[week_one["interval_start"].dt.date < MONDAY + dt.timedelta(days=7)]
    repeating = schedule_week(week_one, site, agents, MONDAY, cyclic_days=True)
    assert len(worked(repeating)) == 5
    line = schedule_week(week_one, site, agents, MONDAY, cyclic_days=False)
    assert worked(line) == {0, 1, 2, 3, 4, 6}


def test_a_rolling_week_without_a_rota_names_the_week_the_stage_and_a_fix():
    # Four weeks, at most 2 working weekends over them, at least 2 working days a week, the
    # agent off Monday to Friday of week 4 (so week 4 must use a weekend). Demand on the
    # Sundays of weeks 1 and 2 (8 hours) and 3 (4 hours). The windows look one week ahead
    # and never see week 4 in time: weeks 1-2 work both Sundays (week 1 frozen), weeks 2-3
    # the better Sunday, week 2's (frozen): the budget is spent when weeks 3-4 come, and
    # the check before solving them finds week 4 impossible. One model over the four weeks
    # keeps a weekend for week 4.
    contract = Contract(
        name="c",
        min_days_per_week=2,
        max_days_per_week=7,
        max_hours_per_week=60,
        min_consecutive_days_off=0,
        max_consecutive_working_days=14,
        max_working_weekends=2,
    )
    early = ShiftTemplate(
        name="early",
        days=ALL_DAYS,
        earliest_start="07:00",
        latest_start="07:00",
        lengths_minutes=(480,),
    )
    roll = SchedulingSettings(
        time_limit_seconds=600, relative_gap=0.0, rolling_horizon_above_pairs=0
    )

    def weekend_centre(scheduling=None):
        return make_centre(
            opening_hours=dict.fromkeys(ALL_DAYS, "07:00-15:00"),
            templates=(early,),
            contracts=(contract,),
            scheduling=scheduling,
        )

    sundays = [MONDAY + dt.timedelta(days=7 * w + 6) for w in range(3)]
    demand = {
        "sales": {
            (f"{day} 07:00", f"{day} {'11:00' if w == 2 else '15:00'}"): 1
            for w, day in enumerate(sundays)
        }
    }
    frame = requirements_frame(weekend_centre(roll), MONDAY, demand, days=28)
    week_four = MONDAY + dt.timedelta(days=21)
    time_off = pd.DataFrame(
        {
            "agent_id": ["A01"],
            "start": [pd.Timestamp(str(week_four)).tz_localize(weekend_centre().timezone)],
            "end": [
                pd.Timestamp(str(week_four + dt.timedelta(days=5))).tz_localize(
                    weekend_centre().timezone
                )
            ],
            "kind": ["unavailable"],
        }
    )
    agents = make_agents(1, contract="c")
    with pytest.raises(SolveError) as raised:
        schedule_horizon(
            frame, rota_site(weekend_centre(roll)), agents, MONDAY, weeks=4, availability=time_off
        )
    message = str(raised.value)
    third_monday = MONDAY + dt.timedelta(days=14)
    assert f"no rota for week 3 from {third_monday}" in message
    assert "the check before solving week 3 failed" in message
    assert "weeks 1 to 2 were frozen before it" in message
    assert "rolling_horizon_above_pairs (now 0) to at least" in message
    assert "A01" in message and "weekend" in message  # the window's own diagnosis
    # The fix it names works: one model keeps a weekend for week 4.
    result = schedule_horizon(
        frame, rota_site(weekend_centre()), agents, MONDAY, weeks=4, availability=time_off
    )
    dates = {(date - MONDAY).days for date in result.rota["date"]}
    assert {26, 27} & dates  # a day of week 4's weekend
    assert (
        check_rota(result.rota, site=rota_site(weekend_centre()), agents=agents, rules=None) == []
    )
