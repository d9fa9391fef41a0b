"""The rolling horizon: weeks solved one at a time, each agent's rest, working days in a row
and horizon budgets carried across the week boundary, and every rota checked."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from scheduling_synthetic import MONDAY, make_agents, make_centre, requirements_frame

from wfm.config import Contract, SchedulingSettings, ShiftTemplate
from wfm.scheduling import check_rota
from wfm.scheduling.site import rota_site
from wfm.scheduling.week import schedule_horizon
from wfm.scheduling.week_boundary import AgentState, boundary_availability, week_contracts

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
NEXT_MONDAY = MONDAY + dt.timedelta(days=7)
SUNDAY = MONDAY + dt.timedelta(days=6)
#: Always roll: a threshold of 0 agent-shift pairs.
ROLL = SchedulingSettings(time_limit_seconds=600, relative_gap=0.0, rolling_horizon_above_pairs=0)


def early_and_late_centre(contract: Contract):
    """Open 07:00-21:00 every day; an early (07:00-15:00) and a late (13:00-21:00) shift:
    10 hours from a late finish to an early start."""
    templates = tuple(
        ShiftTemplate(
            name=name, days=DAYS, earliest_start=start, latest_start=start, lengths_minutes=(480,)
        )
        for name, start in (("early", "07:00"), ("late", "13:00"))
    )
    return make_centre(
        opening_hours=dict.fromkeys(DAYS, "07:00-21:00"),
        templates=templates,
        contracts=(contract,),
        scheduling=ROLL,
    )


def shifts(result) -> pd.DataFrame:
    work = result.rota.groupby(["agent_id", "date"]).agg(start=("start", "min"), end=("end", "max"))
    return work.reset_index()


def test_the_rest_is_carried_across_the_week_boundary():
    # One agent, three weeks (windows of weeks 1-2, week 1 frozen, then weeks 2-3); week 1
    # wants Sunday's late shift (8 hours), week 2 Monday's early one (6 hours, so Sunday
    # wins). The second window, which did not know of Sunday's 21:00 finish, would put the
    # agent on Monday 07:00 (10 hours' rest, the rule asks 11); carried, Monday early stays
    # empty.
    contract = Contract(
        name="c", max_days_per_week=7, min_consecutive_days_off=0, min_rest_hours=11
    )
    centre = early_and_late_centre(contract)
    demand = {
        "sales": {
            (f"{SUNDAY} 13:00", f"{SUNDAY} 21:00"): 1,
            (f"{NEXT_MONDAY} 07:00", f"{NEXT_MONDAY} 13:00"): 1,
        }
    }
    requirements = requirements_frame(centre, MONDAY, demand, days=21)
    agents = make_agents(1, contract="c")
    result = schedule_horizon(requirements, rota_site(centre), agents, MONDAY, weeks=3)
    assert "rolling horizon of 3 weeks" in result.summary.termination
    assert "week 1: optimal" in result.summary.termination  # frozen alone
    worked = shifts(result)
    sunday = worked[worked["date"] == SUNDAY]
    assert len(sunday) == 1 and pd.Timestamp(sunday["end"].iloc[0]).hour == 21
    monday = worked[worked["date"] == NEXT_MONDAY]
    # Either no Monday shift, or one starting at least 11 hours after 21:00 (none exists
    # before 13:00 here: the late shift).
    assert monday.empty or pd.Timestamp(monday["start"].iloc[0]).hour >= 8
    assert check_rota(result.rota, site=rota_site(centre), agents=agents, rules=None) == []
    # The horizon checked its rota once, law and contracts, as `wfm check-rota` does: the
    # caller gets that result and need not check again.
    assert result.violations is not None
    law_and_contracts = check_rota(
        result.rota, site=rota_site(centre), agents=agents, week_start=MONDAY
    )
    assert list(result.violations) == law_and_contracts
    assert law_and_contracts, "a law breach (no break in an 8-hour shift) shows the law is checked"
    assert "breaches" not in result.summary.termination  # the contracts' are counted there
    # The carried window itself: unavailable from Monday 00:00 to Monday 08:00 (and, the
    # contract's default of 6 days in a row with 1 worked, Saturday off: day 6 - 1).
    state = AgentState(
        last_end=pd.Timestamp(f"{SUNDAY} 21:00").tz_localize(centre.timezone),
        last_work_day=6,
        trailing_working_days=1,
    )
    window = boundary_availability(
        {"A01": state}, agents, {"c": contract}, NEXT_MONDAY, centre.timezone, MONDAY
    )
    rest = window[window["end"] - window["start"] < pd.Timedelta(days=1)]
    assert len(rest) == 1
    assert rest["start"].iloc[0] == pd.Timestamp(str(NEXT_MONDAY)).tz_localize(centre.timezone)
    assert rest["end"].iloc[0] == pd.Timestamp(f"{NEXT_MONDAY} 08:00").tz_localize(centre.timezone)


def test_working_days_in_a_row_are_carried_across_the_week_boundary():
    # At most 5 working days in a row, three weeks. Week 1 wants one agent Wednesday to
    # Sunday for 8 hours a day (5 days), week 2 every day for 6 hours (so its days are the
    # ones to leave short): without the carried run the second window (weeks 2-3, week 1
    # frozen) would work Monday too (6 in a row); carried, Monday of week 2 is a day off,
    # and week 2 one more (days 8-13 are 6): 10 days worked.
    contract = Contract(
        name="c",
        max_days_per_week=7,
        min_days_per_week=0,
        min_consecutive_days_off=0,
        max_consecutive_working_days=5,
        min_rest_hours=11,
    )
    centre = early_and_late_centre(contract)
    spans = {}
    for day in range(2, 14):
        date = MONDAY + dt.timedelta(days=day)
        spans[(f"{date} 07:00", f"{date} {'15:00' if day < 7 else '13:00'}")] = 1
    requirements = requirements_frame(centre, MONDAY, {"sales": spans}, days=21)
    agents = make_agents(1, contract="c")
    result = schedule_horizon(requirements, rota_site(centre), agents, MONDAY, weeks=3)
    dates = set(shifts(result)["date"])
    assert len(dates) == 10
    week_one = {MONDAY + dt.timedelta(days=d) for d in range(2, 7)}
    assert week_one <= dates  # Wednesday to Sunday worked: cheaper than leaving them short
    assert NEXT_MONDAY not in dates  # the sixth day in a row
    assert check_rota(result.rota, site=rota_site(centre), agents=agents, rules=None) == []
    # Hand check of the window: 5 days worked up to Sunday, limit 5: day 0 (Monday) off.
    state = AgentState(
        last_end=pd.Timestamp(f"{SUNDAY} 15:00").tz_localize(centre.timezone),
        last_work_day=6,
        trailing_working_days=5,
    )
    window = boundary_availability(
        {"A01": state}, agents, {"c": contract}, NEXT_MONDAY, centre.timezone, MONDAY
    )
    whole_days = window[window["end"] - window["start"] == pd.Timedelta(days=1)]
    assert list(whole_days["start"]) == [
        pd.Timestamp(str(NEXT_MONDAY)).tz_localize(centre.timezone)
    ]


def test_horizon_budgets_leave_each_week_what_is_left():
    contract = Contract(name="c", max_working_weekends=2, max_hours_per_horizon=100.0)
    agents = make_agents(2, contract="c")
    states = {
        "A01": AgentState(paid_hours=70.0, weekends={SUNDAY - dt.timedelta(days=1)}),
        "A02": AgentState(),
    }
    contracts, pointed = week_contracts(
        states, agents, {"c": contract}, weeks_left=2, week_number=2
    )
    by_agent = {agent.agent_id: agent.contract for agent in pointed}
    limits = {c.name: c for c in contracts}
    assert limits[by_agent["A01"]].max_hours_per_horizon == pytest.approx(30.0)
    assert limits[by_agent["A01"]].max_working_weekends == 1
    assert limits[by_agent["A02"]].max_hours_per_horizon == pytest.approx(100.0)
    assert limits[by_agent["A02"]].max_working_weekends == 2


@pytest.mark.slow
def test_a_rolling_rota_passes_every_check_and_is_the_same_on_a_rerun():
    from scheduling_synthetic import synthetic_agents, synthetic_centre, synthetic_requirements

    centre = synthetic_centre(relative_gap=0.02)
    centre = centre.model_copy(
        update={
            "scheduling": centre.scheduling.model_copy(update={"rolling_horizon_above_pairs": 0})
        }
    )
    agents = synthetic_agents(30)
    requirements = pd.concat(
        [
            synthetic_requirements(centre, MONDAY, peak_agents=6.0, seed=0),
            synthetic_requirements(centre, NEXT_MONDAY, peak_agents=6.0, seed=1),
        ],
        ignore_index=True,
    )
    first = schedule_horizon(requirements, rota_site(centre), agents, MONDAY, weeks=2)
    second = schedule_horizon(requirements, rota_site(centre), agents, MONDAY, weeks=2)
    assert "rolling horizon" in first.summary.termination
    assert check_rota(first.rota, site=rota_site(centre), agents=agents, rules=None) == []
    pd.testing.assert_frame_equal(first.rota, second.rota)
    assert first.summary.bound <= first.summary.objective


@pytest.mark.slow  # about 4 s of CPU: two LP solves of a 4-week horizon
def test_the_horizon_bound_without_crossover_is_the_lp_optimum():
    # The rolling horizon's bound is the whole horizon's pooled LP solved by the
    # interior-point method without crossover; the vertex that crossover gives (the search's
    # own stage 1, an independent simplex-like path from the interior point) has the same
    # optimum.
    from scheduling_synthetic import synthetic_agents, synthetic_centre, synthetic_requirements

    from wfm.scheduling.instance import prepare_week
    from wfm.scheduling.model import build_rota_model
    from wfm.scheduling.solve import SolveStatus, run_highs
    from wfm.scheduling.week_boundary import horizon_bound
    from wfm.scheduling.workforce import pooled_workforce

    centre = synthetic_centre()
    agents = synthetic_agents(24)
    requirements = pd.concat(
        [
            synthetic_requirements(centre, MONDAY, peak_agents=5.0, seed=0),
            synthetic_requirements(centre, NEXT_MONDAY, peak_agents=5.0, seed=1),
        ],
        ignore_index=True,
    )
    instance = prepare_week(requirements, rota_site(centre), agents, MONDAY, days=14)
    settings = centre.scheduling.model_copy(update={"threads": 1, "seed": 0})
    bound = horizon_bound(instance, settings, 120.0)
    vertex = run_highs(
        build_rota_model(instance, settings, pooled_workforce(instance)),
        relaxation=True,
        time_limit_seconds=120.0,
    )
    assert vertex.status == SolveStatus.OPTIMAL
    assert bound == pytest.approx(vertex.objective, rel=1e-7)
