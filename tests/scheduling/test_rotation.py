"""Rotations repeating every N weeks (issue 17): in one model with several agents (the pooled
search and its share-out), in the rolling horizon (the frozen weeks repeat), and in the
checker.

Costs (``make_centre``): 1 per paid hour, 10 per agent-hour short, 0.5 per agent-hour over;
one 8-hour shift 08:00-16:00 a day; every other rule off.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from one_agent_brute_force import optima
from scheduling_synthetic import (
    MONDAY,
    ONLY_THE_RULE,
    make_agents,
    requirements_frame,
    rule_centre,
)

from wfm.config import Contract, SchedulingSettings
from wfm.errors import SolveError
from wfm.scheduling import check_rota
from wfm.scheduling.history import FrozenRota
from wfm.scheduling.rules.rotation import RULE
from wfm.scheduling.site import rota_site
from wfm.scheduling.week import schedule_week

ROLL = SchedulingSettings(time_limit_seconds=600, relative_gap=0.0, rolling_horizon_above_pairs=0)
centre_with = rule_centre


def demand(days_and_agents: dict[int, int]) -> dict:
    out = {}
    for day, agents in days_and_agents.items():
        date = MONDAY + dt.timedelta(days=day)
        out[(f"{date} 08:00", f"{date} 16:00")] = agents
    return {"sales": out}


def solve(centre, wanted, n_agents=1, weeks=2, **options):
    agents = make_agents(n_agents, contract="c")
    requirements = requirements_frame(centre, MONDAY, demand(wanted), days=7 * weeks)
    result = schedule_week(requirements, rota_site(centre), agents, MONDAY, weeks=weeks, **options)
    return agents, result


def worked(result) -> dict[str, set[int]]:
    out: dict[str, set[int]] = {}
    for agent, date in zip(result.rota["agent_id"], result.rota["date"], strict=True):
        out.setdefault(agent, set()).add((pd.Timestamp(date).date() - MONDAY).days)
    return out


def test_a_pooled_team_repeats_its_week():
    # Four agents, two weeks. Demand: 2 agents on Monday of week 1, 2 on Tuesday of week 2,
    # 1 on Wednesday of both weeks. Weekdays are independent here, and the weeks equal:
    # Monday 2 agents in both weeks (32 paid + 16 h over x 0.5 = 40; 1 agent: 16 + 4 + 80),
    # Tuesday likewise 40, Wednesday 1 agent (16): 96. Without the rotation: 6 shifts, 48.
    wanted = {0: 2, 8: 2, 2: 1, 9: 1}
    _, free = solve(centre_with(), wanted, n_agents=4)
    assert free.summary.objective == pytest.approx(48.0)
    centre = centre_with(rotation_weeks=1)
    agents, bound = solve(centre, wanted, n_agents=4)
    assert bound.summary.objective == pytest.approx(96.0)
    # The share-out repeats each agent's first week (no exact stage needed after it).
    assert "shared out" in bound.summary.termination
    assert "stage 3" not in bound.summary.termination
    for days in worked(bound).values():
        assert {d % 7 for d in days if d < 7} == {d % 7 for d in days if d >= 7}
    assert check_rota(bound.rota, site=rota_site(centre), agents=agents, rules=None) == []
    flagged = check_rota(free.rota, site=rota_site(centre), agents=agents, rules=None)
    assert {v.rule for v in flagged} == {"contract_rotation"}


def test_a_three_week_rotation_leaves_a_short_horizon_alone():
    # rotation_weeks = 3 over 2 weeks: nothing repeats, the free optimum (16) stands.
    _, result = solve(centre_with(rotation_weeks=3), {0: 1, 8: 1})
    assert result.summary.objective == pytest.approx(16.0)


def test_the_rolling_horizon_repeats_the_frozen_week():
    # Rolled week by week with rotation_weeks = 1, demand Monday of week 1 and Tuesday of
    # week 2. Week 1 is solved in a window with week 2 (look-ahead), so it sees Tuesday's
    # demand: Monday and Tuesday both weeks, 4 shifts (32) with Tuesday of week 1 and Monday
    # of week 2 over (8 h x 0.5 each = 8): 40 in all, the two-week optimum. (Week 1 alone
    # would take Monday only and week 2, repeating it, leave Tuesday short: 8 + 12 + 80 =
    # 100.) Week 2 repeats the frozen week 1, and the checker is silent. Enumerating every
    # rota of the two weeks that repeats its first week confirms 40 and that it is the only
    # optimum (Monday alone or Tuesday alone: 100; neither: 160).
    assert optima(14, (0, 8), rotation_weeks=1) == (40.0, [frozenset({0, 1, 7, 8})])
    centre = centre_with(scheduling=ROLL, rotation_weeks=1)
    agents, result = solve(centre, {0: 1, 8: 1})
    assert "rolling horizon of 2 weeks" in result.summary.termination
    assert worked(result) == {"A01": {0, 1, 7, 8}}
    assert result.summary.objective == pytest.approx(40.0)
    assert check_rota(result.rota, site=rota_site(centre), agents=agents, rules=None) == []


def test_a_frozen_shift_the_rotation_cannot_repeat_is_named_before_solving():
    # The week before, A01 worked Monday 08:00-16:00; the rotation asks for it again, but
    # A01 is off on that Monday.
    centre = centre_with(rotation_weeks=1)
    start = pd.Timestamp(f"{MONDAY - dt.timedelta(days=7)} 08:00").tz_localize(centre.timezone)
    frozen = pd.DataFrame(
        [("A01", MONDAY - dt.timedelta(days=7), "work", start, start + pd.Timedelta(hours=8))],
        columns=["agent_id", "date", "activity", "start", "end"],
    )
    off = pd.DataFrame(
        [
            (
                "A01",
                pd.Timestamp(str(MONDAY)).tz_localize(centre.timezone),
                pd.Timestamp(str(MONDAY + dt.timedelta(days=1))).tz_localize(centre.timezone),
                "unavailable",
            )
        ],
        columns=["agent_id", "start", "end", "kind"],
    )
    with pytest.raises(SolveError) as raised:
        solve(
            centre,
            {0: 1},
            weeks=1,
            history=FrozenRota(frozen, MONDAY - dt.timedelta(days=7)),
            availability=off,
        )
    message = str(raised.value)
    assert "agent 'A01'" in message and "rotation_weeks = 1" in message
    assert f"worked 08:00-16:00 on {MONDAY - dt.timedelta(days=7)}" in message
    assert f"again on {MONDAY}" in message


def test_the_check_names_both_dates_and_shifts():
    centre = centre_with()
    agents, free = solve(centre, {0: 1, 8: 1})
    contract = Contract(**{**ONLY_THE_RULE, "rotation_weeks": 1})
    from wfm.scheduling.rota_view import read_rota_view

    view = read_rota_view(free.rota, centre.timezone, contract_of={"A01": contract})
    messages = sorted(v.message for v in RULE.check(view))
    assert messages == [
        f"A01: 08:00-16:00 on {MONDAY} but off on {MONDAY + dt.timedelta(days=7)}, contract c "
        "repeats every 1 week (rotation_weeks)",
        f"A01: off on {MONDAY + dt.timedelta(days=1)} but 08:00-16:00 on "
        f"{MONDAY + dt.timedelta(days=8)}, contract c repeats every 1 week (rotation_weeks)",
    ]
