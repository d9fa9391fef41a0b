"""Diagnosis before solving: every hard-rule conflict named with its agents and rule."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from scheduling_synthetic import MONDAY, TIMEZONE, make_centre, requirements_frame

from wfm.config import BreakRule, Contract, ShiftTemplate
from wfm.data.schemas import Agent
from wfm.errors import SolveError
from wfm.scheduling import prepare_week, schedule_week
from wfm.scheduling.precheck import rule_problems
from wfm.scheduling.site import rota_site

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri")
DAY = ShiftTemplate(
    name="day", days=WEEKDAYS, earliest_start="08:00", latest_start="12:00", lengths_minutes=(480,)
)
SHORT = ShiftTemplate(
    name="short",
    days=WEEKDAYS,
    earliest_start="08:00",
    latest_start="16:00",
    lengths_minutes=(240,),
)
PART_TIME = Contract(
    name="part_time",
    min_hours_per_week=16,
    max_hours_per_week=30,
    min_days_per_week=2,
    max_days_per_week=5,
)
FLEX = Contract(name="flex", max_days_per_week=5)


def centre(templates=(DAY, SHORT), contracts=(PART_TIME, FLEX), break_rules=()):
    return make_centre(
        opening_hours={day: "08:00-20:00" for day in WEEKDAYS},
        templates=templates,
        contracts=contracts,
        break_rules=break_rules,
    )


def requirements(c):
    return requirements_frame(c, MONDAY, {"sales": {(f"{MONDAY} 08:00", f"{MONDAY} 20:00"): 1}})


def agent(agent_id, contract):
    return Agent(agent_id, f"Agent {agent_id}", "t", contract, ("sales",))


def time_off(agent_id, *days, hours=None):
    """Whole days off (0 = Monday), or with ``hours`` = (from, to) only those hours free."""
    rows = []
    for d in days:
        date = MONDAY + dt.timedelta(days=d)
        rows.append(
            (agent_id, f"{date} 00:00", f"{date + dt.timedelta(days=1)} 00:00", "unavailable")
        )
    if hours is not None:
        for d in range(5):
            if d in days:
                continue
            date = MONDAY + dt.timedelta(days=d)
            rows.append((agent_id, f"{date} {hours[0]}", f"{date} {hours[1]}", "available_only"))
    frame = pd.DataFrame(rows, columns=["agent_id", "start", "end", "kind"])
    for column in ("start", "end"):
        frame[column] = pd.to_datetime(frame[column]).dt.tz_localize(TIMEZONE)
    return frame


def diagnose(c, agents, availability=None):
    with pytest.raises(SolveError) as error:
        schedule_week(requirements(c), rota_site(c), agents, MONDAY, availability=availability)
    return str(error.value)


def test_availability_below_the_minimum_hours_names_agent_hours_and_contract():
    # Off Monday to Wednesday, and only 08:00-14:00 Thursday and Friday: two 4-hour shifts.
    # (Also three days' time off would leave 16 h, so the window matters.)
    c = centre()
    agents = [agent("A012", "part_time"), agent("A013", "part_time")]
    message = diagnose(c, agents, time_off("A012", 0, 1, 2, hours=("08:00", "14:00")))
    assert "agent 'A012'" in message
    assert "available for 8.0 h in the week but contract 'part_time' needs at least 16 h" in message
    assert "A013" not in message
    # without the time off the same agents are scheduled
    assert schedule_week(requirements(c), rota_site(c), agents, MONDAY).summary.status.has_solution


def test_more_days_off_than_days_names_the_agent():
    c = centre(
        contracts=(Contract(name="four days", min_days_per_week=4, max_days_per_week=5), FLEX)
    )
    message = diagnose(
        c, [agent("A01", "four days"), agent("A02", "four days")], time_off("A02", 0, 1)
    )
    assert "agent 'A02'" in message and "available on only 3 days" in message
    assert "'four days' needs at least 4 working days" in message
    assert "A01" not in message


def test_break_window_that_cannot_fit_names_the_rule_and_template():
    late = BreakRule(
        name="late break",
        activity="break",
        duration_minutes=15,
        paid=True,
        min_shift_minutes=0,
        earliest_start_after_minutes=300,
        latest_start_after_minutes=330,
    )
    c = centre(contracts=(FLEX,), break_rules=(late,))
    message = diagnose(c, [agent("A01", "flex")])
    assert (
        "break rule 'late break'" in message and "240-minute shifts of template 'short'" in message
    )
    assert "between 300 and 330 minutes" in message


def test_break_window_problem_removes_only_those_shifts():
    late = BreakRule(
        name="late break",
        activity="break",
        duration_minutes=15,
        paid=True,
        min_shift_minutes=0,
        earliest_start_after_minutes=300,
        latest_start_after_minutes=330,
    )
    c = centre(contracts=(FLEX,), break_rules=(late,))
    instance = prepare_week(requirements(c), rota_site(c), [agent("A01", "flex")], MONDAY)
    lengths = instance.candidates.loc[instance.eligible["candidate"], "length_minutes"]
    assert set(lengths) == {480}


def test_contract_max_shift_below_every_template_length_names_contract_and_agents():
    tiny = Contract(name="tiny", min_days_per_week=1, max_shift_minutes=180)
    c = centre(contracts=(tiny, FLEX))
    message = diagnose(c, [agent("A01", "tiny"), agent("A02", "tiny"), agent("A03", "flex")])
    assert "contract 'tiny' allows shifts of at most 180 minutes" in message
    assert "shortest shift of every template is 240 minutes" in message and "(A01, A02)" in message
    assert "agent 'A01'" not in message  # not repeated per agent
    assert "A03" not in message


def test_every_problem_is_listed_one_per_line():
    tiny = Contract(name="tiny", min_days_per_week=1, max_shift_minutes=180)
    four = Contract(name="four days", min_days_per_week=4, max_days_per_week=5)
    late = BreakRule(
        name="late break",
        activity="break",
        duration_minutes=15,
        paid=True,
        min_shift_minutes=0,
        earliest_start_after_minutes=300,
        latest_start_after_minutes=330,
    )
    c = centre(contracts=(tiny, four, PART_TIME, FLEX), break_rules=(late,))
    agents = [
        agent("T1", "tiny"),
        agent("F1", "four days"),
        agent("P1", "part_time"),
        agent("OK", "flex"),
    ]
    availability = pd.concat(
        [time_off("F1", 0, 1, 2), time_off("P1", 0, 1, 2, 3)], ignore_index=True
    )
    message = diagnose(c, agents, availability)
    lines = [line for line in message.splitlines() if line.startswith("- ")]
    assert len(lines) == 5, message
    assert "5 problems" in message.splitlines()[0]
    assert "late break" in lines[0] and "'tiny'" in lines[1] and "'F1'" in lines[2]
    # both of P1's problems: one day left (needs two), and only 8 hours on it (needs 16)
    assert "'P1'" in lines[3] and "available on only 1 day with" in lines[3]
    assert "'P1'" in lines[4] and "available for 8.0 h in the week" in lines[4]
    assert "OK" not in message
    assert message.splitlines()[-1].startswith("Fix:")
    instance = prepare_week(
        requirements(c), rota_site(c), agents, MONDAY, availability=availability
    )
    assert len(rule_problems(instance)) == 5


def test_time_off_outside_the_week_does_not_count_as_availability():
    c = centre(contracts=(Contract(name="six days", min_days_per_week=6, max_days_per_week=6),))
    next_month = time_off("A01", 0).assign(
        start=lambda f: f["start"] + pd.Timedelta(days=30),
        end=lambda f: f["end"] + pd.Timedelta(days=30),
    )
    message = diagnose(c, [agent("A01", "six days")], next_month)
    assert "must work at least 6 days a week" in message and "available on only" not in message
