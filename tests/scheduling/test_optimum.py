"""Tiny rotas whose optimum is worked out by hand."""

from __future__ import annotations

import pandas as pd
import pytest
from scheduling_synthetic import MONDAY, make_agents, make_centre, requirements_frame

from wfm.config import BreakRule, Contract, ShiftTemplate
from wfm.scheduling import SolveStatus, schedule_week
from wfm.scheduling.site import rota_site

TZ = "Europe/London"
FOUR_HOURS = ShiftTemplate(
    name="four hours",
    days=("mon",),
    earliest_start="08:00",
    latest_start="12:00",
    start_step_minutes=60,
    lengths_minutes=(240,),
)


def monday_centre(**kwargs):
    kwargs.setdefault("templates", (FOUR_HOURS,))
    return make_centre(opening_hours={"mon": "08:00-16:00"}, **kwargs)


def at(clock: str) -> pd.Timestamp:
    return pd.Timestamp(f"2025-06-02 {clock}", tz=TZ)


def test_hand_checked_optimum_with_unavoidable_under_staffing():
    # Demand (agents) by hour: 08 -> 1, 09-12 -> 3, 12-13 -> 2, afterwards 0. Two agents,
    # 4-hour shifts starting on the hour 08:00..12:00, paid 1/hour, under-staffing 10 and
    # over-staffing 0.5 per agent-hour.
    #   starts 08+08: under 3x1 (09-12) + 2 (12-13) = 5 h, over 1 h  -> 8 + 50 + 0.5 = 58.5
    #   starts 08+09: under 3x1 (09-12) + 1 (12-13) = 4 h            -> 8 + 40       = 48
    #   starts 09+09: under 1 (08-09) + 3x1 (09-12) = 4 h            -> 8 + 40       = 48
    #   starts 09+10: under 1 + 2 + 1 + 1 = 5 h, over 1 h (13-14)   -> 8 + 50 + 0.5 = 58.5
    #   one agent or none: at least 8 h under                       -> >= 84
    # so the optimum is 48 with 4 agent-hours under-staffed and none over.
    centre = monday_centre()
    demand = {
        "sales": {
            ("2025-06-02 08:00", "2025-06-02 09:00"): 1,
            ("2025-06-02 09:00", "2025-06-02 12:00"): 3,
            ("2025-06-02 12:00", "2025-06-02 13:00"): 2,
        }
    }
    result = schedule_week(
        requirements_frame(centre, MONDAY, demand), rota_site(centre), make_agents(2), MONDAY
    )
    summary = result.summary
    assert summary.status == SolveStatus.OPTIMAL
    assert summary.objective == pytest.approx(48.0)
    assert summary.bound == pytest.approx(48.0)
    assert summary.gap == pytest.approx(0.0)
    assert summary.under_staffed_agent_hours == pytest.approx(4.0)
    assert summary.over_staffed_agent_hours == pytest.approx(0.0)
    assert summary.paid_hours == pytest.approx(8.0)
    starts = sorted(result.rota["start"].dt.strftime("%H:%M"))
    assert starts in (["08:00", "09:00"], ["09:00", "09:00"])


def test_hand_checked_unique_optimum_with_three_agents():
    # Same demand, three agents: one 08-12 and two 09-13 cover it exactly (12 paid hours,
    # cost 12); every other choice leaves an interval short (>= 10 per agent-hour) or costs
    # as much plus over-staffing.
    centre = monday_centre()
    demand = {
        "sales": {
            ("2025-06-02 08:00", "2025-06-02 09:00"): 1,
            ("2025-06-02 09:00", "2025-06-02 12:00"): 3,
            ("2025-06-02 12:00", "2025-06-02 13:00"): 2,
        }
    }
    result = schedule_week(
        requirements_frame(centre, MONDAY, demand), rota_site(centre), make_agents(3), MONDAY
    )
    assert result.summary.objective == pytest.approx(12.0)
    assert sorted(result.rota["start"].dt.strftime("%H:%M")) == ["08:00", "09:00", "09:00"]
    assert (result.coverage["under_staffed"] == 0).all()
    assert (result.coverage["over_staffed"] == 0).all()
    assert result.rota["activity"].eq("work").all()


def test_cheaper_contract_is_preferred():
    # One 4-hour need at 08-12, two agents who could do it: the one at 0.8/hour is chosen.
    centre = monday_centre(
        contracts=(
            Contract(name="dear", cost_per_paid_hour=1.2),
            Contract(name="cheap", cost_per_paid_hour=0.8),
        )
    )
    agents = make_agents(1, contract="dear", prefix="D") + make_agents(
        1, contract="cheap", prefix="C"
    )
    demand = {"sales": {("2025-06-02 08:00", "2025-06-02 12:00"): 1}}
    result = schedule_week(
        requirements_frame(centre, MONDAY, demand), rota_site(centre), agents, MONDAY
    )
    assert set(result.rota["agent_id"]) == {"C01"}
    assert result.summary.objective == pytest.approx(3.2)


def test_break_lands_where_demand_dips_and_coverage_counts_it():
    # One agent, one possible shift 08:00-12:00 with a paid 15-minute break starting 60..150
    # minutes in. Demand is 1 agent all morning except 0 at 10:00-10:15, so the only break
    # time without under- or over-staffing is 10:00 (cost: 4 paid hours = 4).
    rule = BreakRule(
        name="break",
        activity="break",
        duration_minutes=15,
        paid=True,
        min_shift_minutes=240,
        earliest_start_after_minutes=60,
        latest_start_after_minutes=150,
    )
    template = FOUR_HOURS.model_copy(update={"latest_start": "08:00"})
    centre = monday_centre(templates=(template,), break_rules=(rule,))
    demand = {
        "sales": {
            ("2025-06-02 08:00", "2025-06-02 10:00"): 1,
            ("2025-06-02 10:15", "2025-06-02 12:00"): 1,
        }
    }
    result = schedule_week(
        requirements_frame(centre, MONDAY, demand), rota_site(centre), make_agents(1), MONDAY
    )
    rota = result.rota
    assert rota["activity"].tolist() == ["work", "break", "work"]
    assert rota["start"].tolist() == [at("08:00"), at("10:00"), at("10:15")]
    assert rota["end"].tolist() == [at("10:00"), at("10:15"), at("12:00")]
    assert result.summary.objective == pytest.approx(4.0)
    coverage = result.coverage.set_index("interval_start")
    assert coverage.loc[at("10:00"), "agents_scheduled"] == 0
    assert coverage.loc[at("09:45"), "agents_scheduled"] == 1
    assert coverage.loc[at("10:15"), "agents_scheduled"] == 1


def test_two_agents_on_one_shift_get_different_forced_breaks():
    # Two agents on 08:00-12:00; demand 2 except 1 at 09:00-09:15 and 1 at 11:00-11:15:
    # the aggregate break counts must be split so each agent takes one of those times.
    rule = BreakRule(
        name="break",
        activity="break",
        duration_minutes=15,
        paid=True,
        min_shift_minutes=240,
        earliest_start_after_minutes=60,
        latest_start_after_minutes=180,
    )
    template = FOUR_HOURS.model_copy(update={"latest_start": "08:00"})
    centre = monday_centre(templates=(template,), break_rules=(rule,))
    demand = {
        "sales": {
            ("2025-06-02 08:00", "2025-06-02 09:00"): 2,
            ("2025-06-02 09:00", "2025-06-02 09:15"): 1,
            ("2025-06-02 09:15", "2025-06-02 11:00"): 2,
            ("2025-06-02 11:00", "2025-06-02 11:15"): 1,
            ("2025-06-02 11:15", "2025-06-02 12:00"): 2,
        }
    }
    result = schedule_week(
        requirements_frame(centre, MONDAY, demand), rota_site(centre), make_agents(2), MONDAY
    )
    breaks = result.rota[result.rota["activity"] == "break"].sort_values("start")
    assert breaks["start"].tolist() == [at("09:00"), at("11:00")]
    assert breaks["agent_id"].nunique() == 2
    assert result.summary.objective == pytest.approx(8.0)


def test_unpaid_lunch_is_not_paid_and_activities_partition_the_shift():
    lunch = BreakRule(
        name="lunch",
        activity="lunch",
        duration_minutes=30,
        paid=False,
        min_shift_minutes=360,
        earliest_start_after_minutes=180,
        latest_start_after_minutes=240,
    )
    rest = BreakRule(
        name="break",
        activity="break",
        duration_minutes=15,
        paid=True,
        min_shift_minutes=240,
        earliest_start_after_minutes=60,
        latest_start_after_minutes=120,
    )
    template = ShiftTemplate(
        name="day",
        days=("mon",),
        earliest_start="08:00",
        latest_start="08:00",
        lengths_minutes=(480,),
    )
    centre = monday_centre(templates=(template,), break_rules=(rest, lunch))
    demand = {"sales": {("2025-06-02 08:00", "2025-06-02 16:00"): 1}}
    result = schedule_week(
        requirements_frame(centre, MONDAY, demand), rota_site(centre), make_agents(1), MONDAY
    )
    rota = result.rota
    assert rota["activity"].tolist() == ["work", "break", "work", "lunch", "work"]
    assert rota["start"].iloc[0] == at("08:00") and rota["end"].iloc[-1] == at("16:00")
    assert (rota["start"].iloc[1:].to_numpy() == rota["end"].iloc[:-1].to_numpy()).all()
    assert result.agent_summary["paid_hours"].tolist() == [7.5]
    # the breaks are inside their windows
    lunch_row = rota[rota["activity"] == "lunch"].iloc[0]
    assert at("11:00") <= lunch_row["start"] <= at("12:00")
    break_row = rota[rota["activity"] == "break"].iloc[0]
    assert at("09:00") <= break_row["start"] <= at("10:00")
