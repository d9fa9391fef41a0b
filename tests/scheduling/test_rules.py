"""Hard rules (contracts, rest, skills), shortfall reporting, pre-check and reproducibility."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from scheduling_synthetic import MONDAY, make_agents, make_centre, requirements_frame

from wfm.config import BreakRule, Contract, SchedulingSettings, ShiftTemplate
from wfm.data.schemas import ROTA_COLUMNS, Agent
from wfm.errors import ConfigError, InputError, SolveError
from wfm.scheduling import (
    AGENT_SUMMARY_COLUMNS,
    ROTA_COVERAGE_COLUMNS,
    SolveStatus,
    coverage_from_rota,
    schedule_week,
    skill_group_name,
)
from wfm.scheduling.site import rota_site
from wfm.timegrid import interval_grid

TZ = "Europe/London"
ALL_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
OPEN_24_7 = {day: "00:00-24:00" for day in ALL_DAYS}
WEEKDAYS_8_20 = {day: "08:00-20:00" for day in ALL_DAYS[:5]}


def week_demand(
    queue: str, agents: float, clock_from: str = "08:00", clock_to: str = "20:00", days=range(5)
):
    return {
        queue: {
            (
                f"{MONDAY + dt.timedelta(days=d)} {clock_from}",
                f"{MONDAY + dt.timedelta(days=d)} {clock_to}",
            ): agents
            for d in days
        }
    }


def small_week_centre(**kwargs):
    templates = (
        ShiftTemplate(
            name="long",
            days=ALL_DAYS[:5],
            earliest_start="08:00",
            latest_start="12:00",
            lengths_minutes=(480,),
        ),
        ShiftTemplate(
            name="short",
            days=ALL_DAYS[:5],
            earliest_start="08:00",
            latest_start="16:00",
            lengths_minutes=(240,),
        ),
    )
    kwargs.setdefault("templates", templates)
    kwargs.setdefault("opening_hours", WEEKDAYS_8_20)
    return make_centre(**kwargs)


def test_contract_hours_and_days_hold_for_every_agent():
    contracts = (
        Contract(
            name="full",
            min_hours_per_week=24,
            max_hours_per_week=36,
            min_days_per_week=4,
            max_days_per_week=5,
        ),
        Contract(
            name="part",
            min_hours_per_week=12,
            max_hours_per_week=20,
            min_days_per_week=2,
            max_days_per_week=3,
            max_shift_minutes=240,
        ),
    )
    centre = small_week_centre(contracts=contracts)
    agents = make_agents(3, contract="full", prefix="F") + make_agents(
        3, contract="part", prefix="P"
    )
    # Demand well above what six agents can give, so hours are pushed to their maxima.
    demand = week_demand("sales", 6)
    result = schedule_week(
        requirements_frame(centre, MONDAY, demand), rota_site(centre), agents, MONDAY
    )
    summary = result.agent_summary.set_index("agent_id")
    assert tuple(result.agent_summary.columns) == AGENT_SUMMARY_COLUMNS
    for agent in agents:
        contract = centre.contract(agent.contract)
        row = summary.loc[agent.agent_id]
        assert (
            contract.min_hours_per_week - 1e-9
            <= row["paid_hours"]
            <= contract.max_hours_per_week + 1e-9
        )
        assert contract.min_days_per_week <= row["days_worked"] <= contract.max_days_per_week
    # the rota agrees with the summary
    work_days = result.rota.groupby("agent_id")["date"].nunique()
    assert work_days.to_dict() == summary["days_worked"][summary["days_worked"] > 0].to_dict()
    shifts = result.rota.groupby(["agent_id", "date"]).agg(
        start=("start", "min"), end=("end", "max")
    )
    assert ((shifts["end"] - shifts["start"]) <= pd.Timedelta(minutes=480)).all()
    part_shifts = shifts.loc[[a.agent_id for a in agents if a.contract == "part"]]
    assert ((part_shifts["end"] - part_shifts["start"]) <= pd.Timedelta(minutes=240)).all()
    # pushed to the maximum by the demand: 36 hours is 4 x 8 + 4 (5 x 8 would break it)
    assert summary.loc[["F01", "F02", "F03"], "paid_hours"].tolist() == [36.0, 36.0, 36.0]
    assert summary.loc[["P01", "P02", "P03"], "paid_hours"].tolist() == [12.0, 12.0, 12.0]


def test_under_staffing_is_reported_not_raised():
    centre = small_week_centre(contracts=(Contract(name="flex", max_days_per_week=5),))
    demand = week_demand("sales", 10)  # 10 agents all day, every weekday; only 2 agents
    result = schedule_week(
        requirements_frame(centre, MONDAY, demand), rota_site(centre), make_agents(2), MONDAY
    )
    assert result.summary.status == SolveStatus.OPTIMAL
    # each agent can give at most 5 x 8 = 40 hours of the 5 x 12 x 10 = 600 needed
    assert result.summary.under_staffed_agent_hours == pytest.approx(600 - 80)
    coverage = result.coverage
    assert tuple(coverage.columns) == ROTA_COVERAGE_COLUMNS
    assert (
        coverage["under_staffed"]
        == coverage["agents_scheduled_required"] - coverage["agents_scheduled"]
    ).all()
    assert "under" in result.summary.describe()


def test_rest_rule_holds_even_when_breaking_it_would_be_cheaper():
    # Late shift Mon 16:00-24:00 and early shift Tue 06:00-14:00 are 6 hours apart. One
    # agent: doing both would cover everything (cost 16); with 11 hours' rest only one of
    # them can be worked, leaving 8 agent-hours short (cost 8 + 80).
    late = ShiftTemplate(
        name="late",
        days=("mon",),
        earliest_start="16:00",
        latest_start="16:00",
        lengths_minutes=(480,),
    )
    early = ShiftTemplate(
        name="early",
        days=("tue",),
        earliest_start="06:00",
        latest_start="06:00",
        lengths_minutes=(480,),
    )
    demand = {
        "sales": {
            ("2025-06-02 16:00", "2025-06-03 00:00"): 1,
            ("2025-06-03 06:00", "2025-06-03 14:00"): 1,
        }
    }
    for rest_hours, expected_days, expected_cost in ((11.0, 1, 88.0), (0.0, 2, 16.0)):
        contract = Contract(name="flex", max_days_per_week=7, min_rest_hours=rest_hours)
        centre = make_centre(
            opening_hours=OPEN_24_7, templates=(late, early), contracts=(contract,)
        )
        result = schedule_week(
            requirements_frame(centre, MONDAY, demand), rota_site(centre), make_agents(1), MONDAY
        )
        assert result.agent_summary["days_worked"].tolist() == [expected_days]
        assert result.summary.objective == pytest.approx(expected_cost)


def test_rest_rule_spreads_late_and_early_over_two_agents():
    late = ShiftTemplate(
        name="late",
        days=("mon",),
        earliest_start="16:00",
        latest_start="16:00",
        lengths_minutes=(480,),
    )
    early = ShiftTemplate(
        name="early",
        days=("tue",),
        earliest_start="06:00",
        latest_start="06:00",
        lengths_minutes=(480,),
    )
    centre = make_centre(
        opening_hours=OPEN_24_7,
        templates=(late, early),
        contracts=(Contract(name="flex", max_days_per_week=7),),
    )
    demand = {
        "sales": {
            ("2025-06-02 16:00", "2025-06-03 00:00"): 1,
            ("2025-06-03 06:00", "2025-06-03 14:00"): 1,
        }
    }
    result = schedule_week(
        requirements_frame(centre, MONDAY, demand), rota_site(centre), make_agents(2), MONDAY
    )
    assert result.summary.objective == pytest.approx(16.0)
    assert sorted(result.agent_summary["days_worked"]) == [1, 1]


def test_night_shift_over_midnight_is_scheduled_and_dated_by_its_start():
    night = ShiftTemplate(
        name="night",
        days=("mon",),
        earliest_start="22:00",
        latest_start="22:00",
        lengths_minutes=(480,),
    )
    centre = make_centre(opening_hours=OPEN_24_7, templates=(night,))
    demand = {"sales": {("2025-06-02 22:00", "2025-06-03 06:00"): 1}}
    result = schedule_week(
        requirements_frame(centre, MONDAY, demand), rota_site(centre), make_agents(1), MONDAY
    )
    row = result.rota.iloc[0]
    assert row["date"] == MONDAY
    assert row["start"] == pd.Timestamp("2025-06-02 22:00", tz=TZ)
    assert row["end"] == pd.Timestamp("2025-06-03 06:00", tz=TZ)
    assert result.summary.under_staffed_agent_hours == 0


def test_agents_cover_only_queues_they_are_skilled_for():
    centre = small_week_centre(queues=("sales", "service"), contracts=(Contract(name="flex"),))
    agents = [
        Agent("A1", "Sales only", "t", "flex", ("sales",)),
        Agent("A2", "Service only", "t", "flex", ("service",)),
        Agent("A3", "Both", "t", "flex", ("sales", "service")),
    ]
    # Sales needs 3 every weekday; service needs nothing: only A1 and A3 may help sales.
    result = schedule_week(
        requirements_frame(centre, MONDAY, week_demand("sales", 3)),
        rota_site(centre),
        agents,
        MONDAY,
    )
    coverage = result.coverage
    working = coverage_from_rota(
        result.rota, {a.agent_id: a.queues for a in agents}, interval_grid(MONDAY, 7, 15, TZ), 15
    )
    able = working.pivot(index="interval_start", columns="skill_group", values="agents_working")
    sales = coverage[coverage["queue"] == "sales"].set_index("interval_start")["agents_scheduled"]
    service = coverage[coverage["queue"] == "service"].set_index("interval_start")[
        "agents_scheduled"
    ]
    assert (sales <= able["sales"] + able["sales+service"] + 1e-9).all()
    assert (service <= able["service"] + able["sales+service"] + 1e-9).all()
    assert sales.max() <= 2
    assert "A2" not in set(result.rota["agent_id"])  # working would only add cost
    assert result.summary.under_staffed_agent_hours > 0


def test_coverage_from_rota_agrees_with_the_model():
    rule = BreakRule(
        name="break",
        activity="break",
        duration_minutes=15,
        paid=True,
        min_shift_minutes=240,
        earliest_start_after_minutes=60,
        latest_start_after_minutes=150,
    )
    centre = small_week_centre(
        queues=("sales", "service"), break_rules=(rule,), contracts=(Contract(name="flex"),)
    )
    agents = make_agents(3, queues=("sales",), prefix="S") + make_agents(
        2, queues=("sales", "service"), prefix="M"
    )
    demand = week_demand("sales", 3) | week_demand("service", 1, "10:00", "14:00")
    result = schedule_week(
        requirements_frame(centre, MONDAY, demand), rota_site(centre), agents, MONDAY
    )
    grid = interval_grid(MONDAY, 7, 15, TZ)
    working = coverage_from_rota(result.rota, {a.agent_id: a.queues for a in agents}, grid, 15)
    assert set(working["skill_group"]) == {skill_group_name(["sales"]), "sales+service"}
    total_working = working.groupby("interval_start")["agents_working"].sum()
    total_allocated = result.coverage.groupby("interval_start")["agents_scheduled"].sum()
    pd.testing.assert_series_equal(
        total_working, total_allocated, check_names=False, check_index_type=False
    )
    assert total_working.sum() > 0
    assert (result.rota["activity"] == "break").sum() == result.agent_summary["days_worked"].sum()


def test_coverage_from_rota_counts_partial_intervals():
    grid = interval_grid(MONDAY, 1, 15, TZ)
    rota = pd.DataFrame(
        {
            "agent_id": ["a", "a", "a"],
            "date": [MONDAY] * 3,
            "activity": ["work", "break", "work"],
            "start": pd.to_datetime(
                ["2025-06-02 08:05", "2025-06-02 08:30", "2025-06-02 08:40"]
            ).tz_localize(TZ),
            "end": pd.to_datetime(
                ["2025-06-02 08:30", "2025-06-02 08:40", "2025-06-02 09:00"]
            ).tz_localize(TZ),
        }
    )
    working = coverage_from_rota(rota, {"a": ("sales",)}, grid, 15).set_index("interval_start")[
        "agents_working"
    ]
    assert working[pd.Timestamp("2025-06-02 08:00", tz=TZ)] == pytest.approx(10 / 15)
    assert working[pd.Timestamp("2025-06-02 08:15", tz=TZ)] == pytest.approx(1.0)
    assert working[pd.Timestamp("2025-06-02 08:30", tz=TZ)] == pytest.approx(5 / 15)
    assert working[pd.Timestamp("2025-06-02 08:45", tz=TZ)] == pytest.approx(1.0)
    assert working.sum() == pytest.approx(45 / 15)
    with pytest.raises(InputError, match="agent 'a'"):
        coverage_from_rota(rota, {"b": ("sales",)}, grid, 15)


def test_seeded_solve_gives_the_same_rota_twice():
    rule = BreakRule(
        name="break",
        activity="break",
        duration_minutes=15,
        paid=True,
        min_shift_minutes=240,
        earliest_start_after_minutes=60,
        latest_start_after_minutes=150,
    )
    contract = Contract(
        name="part",
        min_hours_per_week=12,
        max_hours_per_week=24,
        min_days_per_week=2,
        max_days_per_week=4,
    )
    centre = small_week_centre(
        break_rules=(rule,),
        contracts=(contract,),
        scheduling=SchedulingSettings(time_limit_seconds=20, relative_gap=0.0, seed=7),
    )
    rng = np.random.default_rng(3)
    requirements = requirements_frame(centre, MONDAY, week_demand("sales", 2))
    requirements["agents_scheduled_required"] = rng.integers(0, 4, len(requirements)).astype(float)
    first = schedule_week(requirements, rota_site(centre), make_agents(4, contract="part"), MONDAY)
    second = schedule_week(requirements, rota_site(centre), make_agents(4, contract="part"), MONDAY)
    assert tuple(first.rota.columns) == ROTA_COLUMNS
    assert len(first.rota) > 0
    pd.testing.assert_frame_equal(first.rota, second.rota)
    assert first.summary.objective == second.summary.objective


def test_precheck_names_the_agent_whose_minimum_hours_cannot_be_reached():
    contracts = (
        Contract(name="ok", max_hours_per_week=40),
        Contract(
            name="impossible", min_hours_per_week=30, max_shift_minutes=240, max_days_per_week=5
        ),
    )
    centre = small_week_centre(contracts=contracts)
    agents = make_agents(2, contract="ok") + [
        Agent("Z9", "Zoe Nine", "t", "impossible", ("sales",))
    ]
    with pytest.raises(SolveError) as error:
        schedule_week(
            requirements_frame(centre, MONDAY, week_demand("sales", 1)),
            rota_site(centre),
            agents,
            MONDAY,
        )
    message = str(error.value)
    assert "'Z9'" in message and "30 paid hours" in message and "20 paid hours" in message
    assert "'A01'" not in message


def test_precheck_names_the_agent_whose_minimum_days_cannot_be_reached():
    contracts = (Contract(name="six days", min_days_per_week=6, max_days_per_week=6),)
    centre = small_week_centre(contracts=contracts)  # shifts Monday to Friday only
    with pytest.raises(SolveError, match=r"agent 'A01'.*at least 6 days.*only 5 days"):
        schedule_week(
            requirements_frame(centre, MONDAY, week_demand("sales", 1)),
            rota_site(centre),
            make_agents(1, contract="six days"),
            MONDAY,
        )


def test_rest_conflict_that_the_precheck_cannot_see_is_reported_as_no_rota():
    # Each agent must work Monday and Tuesday, but only a late Monday and an early Tuesday
    # shift exist, 6 hours apart: every contract is reachable alone, but not with the rest rule.
    late = ShiftTemplate(
        name="late",
        days=("mon",),
        earliest_start="16:00",
        latest_start="16:00",
        lengths_minutes=(480,),
    )
    early = ShiftTemplate(
        name="early",
        days=("tue",),
        earliest_start="06:00",
        latest_start="06:00",
        lengths_minutes=(480,),
    )
    contract = Contract(name="two days", min_days_per_week=2, max_days_per_week=2)
    centre = make_centre(opening_hours=OPEN_24_7, templates=(late, early), contracts=(contract,))
    with pytest.raises(SolveError, match="rest"):
        schedule_week(
            requirements_frame(centre, MONDAY, {"sales": {}}),
            rota_site(centre),
            make_agents(1, contract="two days"),
            MONDAY,
        )


def test_unknown_contract_and_queue_are_input_errors():
    centre = small_week_centre(contracts=(Contract(name="flex"),))
    requirements = requirements_frame(centre, MONDAY, week_demand("sales", 1))
    with pytest.raises(InputError, match="contract 'ghost'"):
        schedule_week(
            requirements, rota_site(centre), [Agent("A1", "A", "t", "ghost", ("sales",))], MONDAY
        )
    with pytest.raises(InputError, match="queue 'chat'"):
        schedule_week(
            requirements, rota_site(centre), [Agent("A1", "A", "t", "flex", ("chat",))], MONDAY
        )


def test_overlapping_break_windows_raise_config_error_before_solving():
    one = BreakRule(
        name="one",
        activity="break",
        duration_minutes=15,
        paid=True,
        earliest_start_after_minutes=60,
        latest_start_after_minutes=120,
    )
    two = BreakRule(
        name="two",
        activity="break",
        duration_minutes=15,
        paid=True,
        earliest_start_after_minutes=120,
        latest_start_after_minutes=180,
    )
    centre = small_week_centre(break_rules=(one, two), contracts=(Contract(name="flex"),))
    with pytest.raises(ConfigError, match="'one' and 'two' can overlap"):
        schedule_week(
            requirements_frame(centre, MONDAY, week_demand("sales", 1)),
            rota_site(centre),
            make_agents(1),
            MONDAY,
        )


def test_daylight_saving_week_is_scheduled_in_local_time():
    # Week of Monday 24 March 2025; clocks go forward on Sunday 30 March.
    template = ShiftTemplate(
        name="day",
        days=ALL_DAYS,
        earliest_start="08:00",
        latest_start="08:00",
        lengths_minutes=(480,),
    )
    centre = make_centre(
        opening_hours={day: "08:00-20:00" for day in ALL_DAYS},
        templates=(template,),
        contracts=(
            Contract(
                name="flex",
                max_days_per_week=7,
                max_hours_per_week=60,
                max_consecutive_working_days=7,
                min_consecutive_days_off=0,
            ),
        ),
    )
    monday = dt.date(2025, 3, 24)
    demand = {
        "sales": {
            (f"{monday + dt.timedelta(days=d)} 08:00", f"{monday + dt.timedelta(days=d)} 16:00"): 1
            for d in range(7)
        }
    }
    result = schedule_week(
        requirements_frame(centre, monday, demand), rota_site(centre), make_agents(1), monday
    )
    assert len(result.coverage) == 6 * 96 + 92
    sunday = result.rota[result.rota["date"] == dt.date(2025, 3, 30)].iloc[0]
    assert sunday["start"] == pd.Timestamp("2025-03-30 08:00", tz=TZ)
    assert sunday["end"] == pd.Timestamp("2025-03-30 16:00", tz=TZ)
    assert result.summary.under_staffed_agent_hours == pytest.approx(0.0)
    assert result.agent_summary["weekend_days"].tolist() == [2]


def test_progress_is_reported_from_zero_to_one():
    centre = small_week_centre(contracts=(Contract(name="flex"),))
    seen: list[tuple[float, str]] = []
    schedule_week(
        requirements_frame(centre, MONDAY, week_demand("sales", 1)),
        rota_site(centre),
        make_agents(1),
        MONDAY,
        progress=lambda fraction, message: seen.append((fraction, message)),
    )
    fractions = [fraction for fraction, _ in seen]
    assert fractions[0] == 0.0 and fractions[-1] == 1.0
    assert fractions == sorted(fractions)


def test_no_agents_leaves_everything_under_staffed():
    centre = small_week_centre(contracts=(Contract(name="flex"),))
    result = schedule_week(
        requirements_frame(centre, MONDAY, week_demand("sales", 2)), rota_site(centre), [], MONDAY
    )
    assert result.rota.empty and tuple(result.rota.columns) == ROTA_COLUMNS
    assert result.summary.under_staffed_agent_hours == pytest.approx(5 * 12 * 2)
    assert result.summary.objective == pytest.approx(5 * 12 * 2 * 10.0)
    empty = schedule_week(
        requirements_frame(centre, MONDAY, {"sales": {}}), rota_site(centre), [], MONDAY
    )
    assert empty.summary.objective == 0.0 and empty.summary.status is SolveStatus.OPTIMAL
