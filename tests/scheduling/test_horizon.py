"""A rota horizon of several weeks in one model: weekly contracts, shifts over the week
boundary, rest across it, and the plan's horizon in whole weeks."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from scheduling_synthetic import MONDAY, make_agents, make_centre, requirements_frame

from wfm.config import Centre, Contract, PlanningSettings, ShiftTemplate
from wfm.errors import InputError
from wfm.plan.chain import rota_weeks
from wfm.scheduling import check_rota, prepare_week, schedule_week
from wfm.scheduling.precheck import rule_problems
from wfm.scheduling.rules.base import week_lengths
from wfm.scheduling.site import rota_site
from wfm.scheduling.week import schedule_horizon

TZ = "Europe/London"
ALL_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
OPEN_24_7 = {day: "00:00-24:00" for day in ALL_DAYS}
NEXT_MONDAY = MONDAY + dt.timedelta(days=7)


def test_a_sunday_night_shift_covers_the_next_weeks_monday_and_rest_holds_across_the_boundary():
    # Week 1 ends with Sunday 22:00 to Monday 06:00 (8 h); week 2 starts with a Monday
    # 08:00-16:00 shift, only 2 hours after the night shift ends. One agent needed on both.
    night = ShiftTemplate(
        name="night",
        days=("sun",),
        earliest_start="22:00",
        latest_start="22:00",
        lengths_minutes=(480,),
    )
    day = ShiftTemplate(
        name="day",
        days=("mon",),
        earliest_start="08:00",
        latest_start="08:00",
        lengths_minutes=(480,),
    )
    centre = make_centre(
        opening_hours=OPEN_24_7,
        templates=(night, day),
        contracts=(Contract(name="flex", max_days_per_week=7, min_consecutive_days_off=0),),
    )
    sunday = MONDAY + dt.timedelta(days=6)
    demand = {
        "sales": {
            (f"{sunday} 22:00", f"{NEXT_MONDAY} 06:00"): 1,
            (f"{NEXT_MONDAY} 08:00", f"{NEXT_MONDAY} 16:00"): 1,
        }
    }
    requirements = requirements_frame(centre, MONDAY, demand, days=14)

    # Two agents: the night shift of week 1 covers Monday 00:00-06:00 of week 2, nothing short.
    result = schedule_horizon(requirements, rota_site(centre), make_agents(2), MONDAY, weeks=2)
    coverage = result.coverage.set_index("interval_start")
    early_monday = coverage.loc[
        pd.Timestamp(f"{NEXT_MONDAY} 00:00", tz=TZ) : pd.Timestamp(f"{NEXT_MONDAY} 05:45", tz=TZ)
    ]
    assert len(early_monday) == 24
    assert (early_monday["agents_scheduled"] == 1).all() and (
        early_monday["under_staffed"] == 0
    ).all()
    assert result.summary.under_staffed_agent_hours == pytest.approx(0.0)
    shifts = result.rota.groupby("agent_id").agg(
        date=("date", "min"), start=("start", "min"), end=("end", "max")
    )
    assert sorted(shifts["date"]) == [sunday, NEXT_MONDAY]  # one shift each: never both
    night_row = shifts[shifts["date"] == sunday].iloc[0]
    assert night_row["end"] == pd.Timestamp(f"{NEXT_MONDAY} 06:00", tz=TZ)
    assert result.coverage["interval_start"].max() == pd.Timestamp(
        f"{NEXT_MONDAY + dt.timedelta(days=6)} 23:45", tz=TZ
    )

    # One agent: 2 hours' rest across the week boundary is too little, so one shift is left.
    alone = schedule_horizon(requirements, rota_site(centre), make_agents(1), MONDAY, weeks=2)
    assert alone.agent_summary["days_worked"].tolist() == [1]
    assert alone.summary.under_staffed_agent_hours == pytest.approx(8.0)
    assert [
        v for v in check_rota(alone.rota) if v.rule == "daily_rest"
    ] == []  # no breaks here: rest only


def test_contract_days_and_hours_hold_in_each_calendar_week():
    # Demand only in week 1; the contract asks for 2 to 3 days and at least 16 hours a week.
    # Per week: 3 days in week 1, 2 (the minimum) in week 2, although 5 days in week 1 and
    # none in week 2 would cover more for fewer paid hours.
    template = ShiftTemplate(
        name="day",
        days=ALL_DAYS[:5],
        earliest_start="08:00",
        latest_start="08:00",
        lengths_minutes=(480,),
    )
    contract = Contract(
        name="flex",
        min_days_per_week=2,
        max_days_per_week=3,
        min_hours_per_week=16,
        max_hours_per_week=24,
    )
    centre = make_centre(
        opening_hours={day: "08:00-16:00" for day in ALL_DAYS[:5]},
        templates=(template,),
        contracts=(contract,),
    )
    demand = {
        "sales": {
            (f"{MONDAY + dt.timedelta(days=d)} 08:00", f"{MONDAY + dt.timedelta(days=d)} 16:00"): 1
            for d in range(5)
        }
    }
    result = schedule_horizon(
        requirements_frame(centre, MONDAY, demand, days=14),
        rota_site(centre),
        make_agents(1),
        MONDAY,
        weeks=2,
    )
    weeks = pd.Series([(date - MONDAY).days // 7 for date in result.rota["date"].unique()])
    assert weeks.value_counts().sort_index().tolist() == [3, 2]
    assert result.summary.paid_hours == pytest.approx(40.0)
    assert result.summary.under_staffed_agent_hours == pytest.approx(16.0)
    assert result.agent_summary["days_worked"].tolist() == [5]


def test_one_week_and_schedule_week_agree():
    template = ShiftTemplate(
        name="day",
        days=ALL_DAYS[:5],
        earliest_start="08:00",
        latest_start="10:00",
        lengths_minutes=(480,),
    )
    centre = make_centre(
        opening_hours={day: "08:00-18:00" for day in ALL_DAYS[:5]}, templates=(template,)
    )
    demand = {
        "sales": {
            (f"{MONDAY + dt.timedelta(days=d)} 08:00", f"{MONDAY + dt.timedelta(days=d)} 18:00"): 2
            for d in range(5)
        }
    }
    requirements = requirements_frame(centre, MONDAY, demand)
    week = schedule_week(requirements, rota_site(centre), make_agents(2), MONDAY)
    horizon = schedule_horizon(requirements, rota_site(centre), make_agents(2), MONDAY, weeks=1)
    assert week.summary.objective == pytest.approx(horizon.summary.objective)
    assert len(week.coverage) == len(horizon.coverage) == 7 * 96


def test_the_horizon_must_be_whole_weeks():
    centre = make_centre()
    with pytest.raises(InputError, match="whole number of weeks"):
        schedule_horizon(
            requirements_frame(centre, MONDAY, {}),
            rota_site(centre),
            make_agents(1),
            MONDAY,
            weeks=0,
        )


def test_weeks_and_diagnosis_per_week():
    assert week_lengths(7) == [7] and week_lengths(14) == [7, 7] and week_lengths(10) == [7, 3]
    # Time off for all of week 2: the minimum days are named for that week only.
    template = ShiftTemplate(
        name="day",
        days=ALL_DAYS[:5],
        earliest_start="08:00",
        latest_start="08:00",
        lengths_minutes=(480,),
    )
    contract = Contract(name="flex", min_days_per_week=2, max_days_per_week=5)
    centre = make_centre(
        opening_hours={day: "08:00-16:00" for day in ALL_DAYS[:5]},
        templates=(template,),
        contracts=(contract,),
    )
    availability = pd.DataFrame(
        {
            "agent_id": ["A01"],
            "kind": ["unavailable"],
            "start": [pd.Timestamp(NEXT_MONDAY, tz=TZ)],
            "end": [pd.Timestamp(NEXT_MONDAY + dt.timedelta(days=7), tz=TZ)],
        }
    )
    instance = prepare_week(
        requirements_frame(centre, MONDAY, {}, days=14),
        rota_site(centre),
        make_agents(1),
        MONDAY,
        days=14,
        availability=availability,
    )
    problems = rule_problems(instance)
    assert len(problems) == 1
    assert problems[0].startswith(f"week from {NEXT_MONDAY.isoformat()}: agent 'A01'")
    assert "available on only 0 days" in problems[0]


def test_the_plan_schedules_its_horizon_in_whole_weeks():
    def centre_with(days: int) -> Centre:
        return make_centre().model_copy(update={"planning": PlanningSettings(horizon_days=days)})

    assert [rota_weeks(centre_with(days)) for days in (1, 7, 8, 14, 28, 30)] == [1, 1, 2, 2, 4, 5]
