"""Fairness in the rota objective: weekend days and late shifts spread over the agents."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from scheduling_synthetic import MONDAY, make_agents, make_centre, requirements_frame

from wfm.config import Contract, SchedulingSettings, ShiftTemplate
from wfm.scheduling import prepare_week, schedule_week
from wfm.scheduling.exports import agent_summary_from_rota
from wfm.scheduling.model import late_and_weekend_shifts
from wfm.scheduling.site import rota_site

ALL_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
WEEKDAYS = ALL_DAYS[:5]


def settings(fairness_cost: float) -> SchedulingSettings:
    return SchedulingSettings(
        time_limit_seconds=20, relative_gap=0.0, fairness_cost=fairness_cost, preference_cost=1.0
    )


def test_weekend_days_spread_when_one_cheap_agent_would_take_them_all():
    # Saturday and Sunday 08:00-16:00 need one agent each; A01 costs 0.9 an hour, A02 and A03
    # 1.0. Without fairness A01 works both days (cost 2 x 8 x 0.9 = 14.4); with a fairness
    # cost of 5 per weekend day of the busiest agent, 2 x 5 = 10 for A01 alone is dearer than
    # 0.8 more pay for giving Sunday to another agent: 14.4 + 0.8 + 5 = 20.2.
    weekend = ShiftTemplate(
        name="weekend",
        days=("sat", "sun"),
        earliest_start="08:00",
        latest_start="08:00",
        lengths_minutes=(480,),
    )
    contracts = (Contract(name="cheap", cost_per_paid_hour=0.9), Contract(name="standard"))
    agents = make_agents(1, contract="cheap", prefix="A") + make_agents(
        2, contract="standard", prefix="B"
    )
    saturday, sunday = MONDAY + dt.timedelta(days=5), MONDAY + dt.timedelta(days=6)
    demand = {"sales": {(f"{day} 08:00", f"{day} 16:00"): 1 for day in (saturday, sunday)}}
    results = {}
    for cost in (0.0, 5.0):
        centre = make_centre(
            opening_hours={"sat": "08:00-16:00", "sun": "08:00-16:00"},
            templates=(weekend,),
            contracts=contracts,
            scheduling=settings(cost),
        )
        results[cost] = schedule_week(
            requirements_frame(centre, MONDAY, demand), rota_site(centre), agents, MONDAY
        )
    unfair = results[0.0].agent_summary.set_index("agent_id")["weekend_days"]
    fair = results[5.0].agent_summary.set_index("agent_id")["weekend_days"]
    assert unfair.to_dict() == {"A01": 2, "B01": 0, "B02": 0}
    assert results[0.0].summary.objective == pytest.approx(14.4)
    assert fair.max() == 1 and fair.sum() == 2 and fair["A01"] == 1
    assert results[5.0].summary.objective == pytest.approx(20.2)


def test_late_shifts_spread_when_a_preference_would_give_them_all_to_one_agent():
    # Weekdays: one early (08:00-16:00) and one late (14:00-22:00) shift a day, two agents.
    # A01 prefers to start after 12:00 (weight 1, preference cost 1 per broken shift), so
    # without fairness A01 takes all 5 late shifts. With a fairness cost of 2 per late shift
    # of the busiest agent, 3 late shifts each at most (5 between 2) saves 2 x 2 = 4 for 2
    # broken preferences: objective 80 paid hours + 2 + 3 x 2 = 88. (A minimum rest of 10 h
    # lets an agent go from a late shift to the next day's early one; with 11 h the lates
    # cannot be split between two agents at all.)
    early = ShiftTemplate(
        name="early",
        days=WEEKDAYS,
        earliest_start="08:00",
        latest_start="08:00",
        lengths_minutes=(480,),
    )
    late = ShiftTemplate(
        name="late",
        days=WEEKDAYS,
        earliest_start="14:00",
        latest_start="14:00",
        lengths_minutes=(480,),
    )
    spans = {}
    for d in range(5):
        day = MONDAY + dt.timedelta(days=d)
        spans[(f"{day} 08:00", f"{day} 14:00")] = 1
        spans[(f"{day} 14:00", f"{day} 16:00")] = 2
        spans[(f"{day} 16:00", f"{day} 22:00")] = 1
    preferences = pd.DataFrame(
        [("A01", "start_after", 12 * 60, 1.0)], columns=["agent_id", "kind", "value", "weight"]
    )
    lates = {}
    for cost in (0.0, 2.0):
        centre = make_centre(
            opening_hours={day: "08:00-22:00" for day in WEEKDAYS},
            templates=(early, late),
            contracts=(Contract(name="flex", min_rest_hours=10),),
            scheduling=settings(cost),
        )
        result = schedule_week(
            requirements_frame(centre, MONDAY, {"sales": spans}),
            rota_site(centre),
            make_agents(2),
            MONDAY,
            preferences=preferences,
        )
        shifts = result.rota.groupby(["agent_id", "date"])["end"].max()
        lates[cost] = (shifts.dt.hour == 22).groupby(level="agent_id").sum().to_dict()
        # The agent summaries count the same late shifts: the scheduler's from its shifts,
        # the one of any rota from the rota's activities.
        assert result.agent_summary.set_index("agent_id")["late_shifts"].to_dict() == lates[cost]
        from_rota = agent_summary_from_rota(result.rota, make_agents(2), timezone=centre.timezone)
        assert from_rota.set_index("agent_id")["late_shifts"].to_dict() == lates[cost]
        assert result.summary.under_staffed_agent_hours == pytest.approx(0.0)
        if cost:
            assert result.summary.objective == pytest.approx(80 + 2 + 3 * 2)
        else:
            assert result.summary.objective == pytest.approx(80)
    assert lates[0.0] == {"A01": 5, "A02": 0}
    assert max(lates[2.0].values()) == 3 and sum(lates[2.0].values()) == 5


def test_late_means_ending_at_or_after_the_setting_or_past_midnight():
    templates = (
        ShiftTemplate(
            name="day",
            days=("fri",),
            earliest_start="08:00",
            latest_start="12:00",
            start_step_minutes=240,
            lengths_minutes=(480,),
        ),
        ShiftTemplate(
            name="night",
            days=("sat",),
            earliest_start="20:00",
            latest_start="20:00",
            lengths_minutes=(360,),
        ),
    )
    centre = make_centre(
        opening_hours={day: "00:00-24:00" for day in ALL_DAYS}, templates=templates
    )
    instance = prepare_week(
        requirements_frame(centre, MONDAY, {}), rota_site(centre), make_agents(1), MONDAY
    )
    kinds = late_and_weekend_shifts(instance.candidates, "20:00").merge(
        instance.candidates[["candidate", "start", "end"]]
    )
    table = {
        (row.start.strftime("%a %H:%M"), row.end.strftime("%a %H:%M")): (row.weekend, row.late)
        for row in kinds.itertuples()
    }
    assert table == {
        ("Fri 08:00", "Fri 16:00"): (False, False),
        ("Fri 12:00", "Fri 20:00"): (False, True),
        ("Sat 20:00", "Sun 02:00"): (True, True),
    }
