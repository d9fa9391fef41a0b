"""Runs of days across week boundaries (issue 17): the rules on runs of working days and days
off continue from frozen days before the horizon (:mod:`wfm.scheduling.history`), in one
model and in the rolling horizon, and the checker flags a run that breaks them across a
boundary.

Costs (``make_centre``): 1 per paid hour, 10 per agent-hour short, 0.5 per agent-hour over;
one agent, one 8-hour shift 08:00-16:00 a day.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from one_agent_brute_force import optima
from scheduling_synthetic import (
    ALL_DAYS,
    MONDAY,
    ONLY_THE_RULE,
    make_agents,
    make_centre,
    one_start_template,
    requirements_frame,
    rule_centre,
)

from wfm.config import Contract, SchedulingSettings
from wfm.scheduling import check_rota
from wfm.scheduling.history import FrozenRota, history_from_rota
from wfm.scheduling.site import rota_site
from wfm.scheduling.week import schedule_horizon, schedule_week

PREVIOUS_MONDAY = MONDAY - dt.timedelta(days=7)
centre_with = rule_centre


def day_spans(days) -> dict:
    out = {}
    for day in days:
        date = MONDAY + dt.timedelta(days=day)
        out[(f"{date} 08:00", f"{date} 16:00")] = 1
    return out


def frozen_week(centre, worked_days) -> FrozenRota:
    """The week before MONDAY with agent A01 on 08:00-16:00 on ``worked_days`` (0 = Monday)."""
    rows = []
    for day in worked_days:
        date = PREVIOUS_MONDAY + dt.timedelta(days=day)
        start = pd.Timestamp(f"{date} 08:00").tz_localize(centre.timezone)
        rows.append(("A01", date, "work", start, start + pd.Timedelta(hours=8)))
    rota = pd.DataFrame(rows, columns=["agent_id", "date", "activity", "start", "end"])
    return FrozenRota(rota, PREVIOUS_MONDAY)


def solve(centre, demand_days, history=None, weeks=1):
    agents = make_agents(1, contract="c")
    requirements = requirements_frame(
        centre, MONDAY, {"sales": day_spans(demand_days)}, days=7 * weeks
    )
    result = schedule_week(
        requirements, rota_site(centre), agents, MONDAY, weeks=weeks, history=history
    )
    dates = {(pd.Timestamp(d).date() - MONDAY).days for d in result.rota["date"]}
    return result, dates


@pytest.mark.parametrize(
    ("contract", "worked_before", "demand", "cost_alone", "cost_after", "worked_after"),
    [
        # At most 3 days in a row; Fri-Sun worked before: Monday is the fourth, so its
        # demand goes short (80) instead of one shift (8).
        ({"max_consecutive_working_days": 3}, (4, 5, 6), (0,), 8.0, 80.0, set()),
        # Runs of at least 3 working days; only Sunday worked before: the run goes on Monday
        # and Tuesday, then Wed-Fri as demanded: 5 shifts, 16 h over, 40 + 8 = 48 (alone:
        # Wed-Fri, 24).
        ({"min_consecutive_working_days": 3}, (6,), (2, 3, 4), 24.0, 48.0, {0, 1, 2, 3, 4}),
        # Runs of days off of at least 2; Saturday worked, Sunday off: Monday must be off too.
        ({"min_days_off_run_length": 2}, (5,), (0,), 8.0, 80.0, set()),
    ],
)
def test_runs_continue_from_the_frozen_days_before_the_horizon(
    contract, worked_before, demand, cost_alone, cost_after, worked_after
):
    centre = centre_with(**contract)
    alone, _ = solve(centre, demand)
    assert alone.summary.objective == pytest.approx(cost_alone)
    after, dates = solve(centre, demand, history=frozen_week(centre, worked_before))
    assert after.summary.status.value == "optimal"
    assert after.summary.objective == pytest.approx(cost_after)
    assert dates == worked_after
    # The frozen week and the new one together keep the rule (the checker sees both).
    frozen = frozen_week(centre, worked_before).rota
    both = pd.concat([frozen, after.rota], ignore_index=True)
    agents = make_agents(1, contract="c")
    assert (
        check_rota(
            both, site=rota_site(centre), agents=agents, rules=None, week_start=PREVIOUS_MONDAY
        )
        == []
    )


def test_with_frozen_days_the_horizon_is_not_read_as_repeating():
    # Runs of at least 3 working days, demand on Sunday only. Read as repeating, the lone
    # Sunday must join Mon-Tue or Fri-Sat: 3 shifts, 24 + 16 h over x 0.5 = 32. After a
    # frozen week off, the run starting on Sunday is the next window's to finish: 8.
    centre = centre_with(min_consecutive_working_days=3)
    repeating, _ = solve(centre, (6,))
    assert repeating.summary.objective == pytest.approx(32.0)
    after, dates = solve(centre, (6,), history=frozen_week(centre, ()))
    assert after.summary.objective == pytest.approx(8.0)
    assert dates == {6}


ROLL = SchedulingSettings(time_limit_seconds=600, relative_gap=0.0, rolling_horizon_above_pairs=0)


def saturday_closed_centre(**contract):
    """:func:`rule_centre` with Saturday closed (no shift on it)."""
    weekdays = tuple(day for day in ALL_DAYS if day != "sat")
    return make_centre(
        opening_hours=dict.fromkeys(weekdays, "06:00-22:00"),
        templates=(one_start_template("day", "08:00", days=weekdays),),
        contracts=(Contract(**{**ONLY_THE_RULE, **contract}),),
        scheduling=ROLL,
    )


@pytest.mark.parametrize(
    ("saturday_open", "expected_rotas"),
    [
        # Week 1 wants Monday, Tuesday and Sunday (3 shifts, 24); week 2 wants nothing.
        # Week 1 is solved in a window with week 2 read as a line (Mon-Tue may continue a
        # run from before the horizon), so the lone Sunday needs two more days next to it:
        # Fri-Sat-Sun, Sat-Sun-Mon or Sun-Mon-Tue, equally cheap (16 paid + 16 h over x
        # 0.5 = 24): three optima of 48 tie (the enumeration below finds exactly these), and
        # the window has nothing to choose between them.
        (True, [{0, 1, 4, 5, 6}, {0, 1, 5, 6, 7}, {0, 1, 6, 7, 8}]),
        # With Saturday closed only Sun-Mon-Tue is left: the one optimum (48), in which
        # week 2 works Monday and Tuesday with no demand, only to finish the run that week
        # 1's Sunday started (a week 2 that did not see week 1 would leave it a run of 1).
        (False, [{0, 1, 6, 7, 8}]),
    ],
)
def test_the_rolling_horizon_finishes_a_run_the_week_before_started(saturday_open, expected_rotas):
    # Runs of at least 3 working days over 2 weeks rolled one at a time.
    rule = {"min_consecutive_working_days": 3}
    if saturday_open:
        centre = centre_with(scheduling=ROLL, **rule)
        open_days = None
    else:
        centre = saturday_closed_centre(**rule)
        open_days = [day for day in range(14) if day % 7 != 5]
    least, rotas = optima(14, (0, 1, 6), open_days=open_days, min_consecutive_working_days=3)
    assert least == 48.0
    assert rotas == [frozenset(rota) for rota in expected_rotas]
    result, dates = solve(centre, (0, 1, 6), weeks=2)
    assert "rolling horizon of 2 weeks" in result.summary.termination
    assert result.summary.objective == pytest.approx(least)
    assert frozenset(dates) in rotas
    agents = make_agents(1, contract="c")
    assert (
        check_rota(
            result.rota, site=rota_site(centre), agents=agents, rules=None, week_start=MONDAY
        )
        == []
    )
    assert "breaches" not in result.summary.termination


@pytest.mark.parametrize(
    ("free", "bound", "demand", "rule", "words"),
    [
        # Thu-Tue over the boundary: 6 days in a row where 4 are allowed.
        (
            {},
            {"max_consecutive_working_days": 4},
            (3, 4, 5, 6, 7, 8),
            "contract_max_consecutive_days",
            f"6 working days in a row from {MONDAY + dt.timedelta(days=3)} to "
            f"{MONDAY + dt.timedelta(days=8)}",
        ),
        # A lone Sunday between two days off, one each side of the boundary.
        (
            {},
            {"min_consecutive_working_days": 2},
            (2, 3, 6, 9, 10),
            "contract_min_consecutive_days",
            f"a run of only 1 working day from {MONDAY + dt.timedelta(days=6)}",
        ),
        # A lone Monday off between a worked Sunday and a worked Tuesday.
        (
            {},
            {"min_days_off_run_length": 2},
            (5, 6, 8, 9),
            "contract_min_days_off_run",
            f"only 1 day off from {MONDAY + dt.timedelta(days=7)}",
        ),
    ],
)
def test_the_checker_flags_runs_that_break_a_rule_across_the_week_boundary(
    free, bound, demand, rule, words
):
    # The rota of two weeks in one model with the rule off works exactly the demanded days
    # (each worth 80 short against 8 paid); checked with the rule on, the run that crosses
    # the boundary between the weeks is flagged with its dates.
    centre = centre_with(**free)
    result, dates = solve(centre, demand, weeks=2)
    assert dates == set(demand)
    agents = make_agents(1, contract="c")
    found = check_rota(
        result.rota, site=rota_site(centre_with(**bound)), agents=agents, week_start=MONDAY
    )
    flagged = [v for v in found if v.rule == rule]
    assert len(flagged) == 1 and words in flagged[0].message, found


def test_history_from_rota_reads_days_and_local_start_times():
    centre = centre_with()
    frozen = frozen_week(centre, (5, 6))
    agents = make_agents(2, contract="c")
    history = history_from_rota(frozen.rota, agents, MONDAY, centre.timezone, days=7)
    assert history.first_day == -7
    assert history.shifts == {0: ((-2, 480, 480), (-1, 480, 480))}
    assert history.worked(0) == {-2, -1} and history.worked(1) == frozenset()
    assert history.known(-7) and not history.known(-8) and not history.known(0)
    assert history.shift_on(0, -1) == (480, 480) and history.shift_on(0, -3) is None


def test_a_one_model_horizon_keeps_the_runs_across_its_week_boundary():
    # Two weeks in one model, at most 4 days in a row, demand Thu-Tue over the boundary
    # (6 days): the rota takes a day off among them (one demanded day short, 5 x 8 + 80 =
    # 120) and the checker finds nothing.
    centre = centre_with(max_consecutive_working_days=4)
    result, dates = schedule_horizon_days(centre, (3, 4, 5, 6, 7, 8))
    assert result.summary.objective == pytest.approx(120.0)
    assert len(dates) == 5
    agents = make_agents(1, contract="c")
    assert (
        check_rota(
            result.rota, site=rota_site(centre), agents=agents, rules=None, week_start=MONDAY
        )
        == []
    )


def schedule_horizon_days(centre, demand_days):
    agents = make_agents(1, contract="c")
    requirements = requirements_frame(centre, MONDAY, {"sales": day_spans(demand_days)}, days=14)
    result = schedule_horizon(requirements, rota_site(centre), agents, MONDAY, weeks=2)
    return result, {(pd.Timestamp(d).date() - MONDAY).days for d in result.rota["date"]}


def test_a_frozen_short_run_that_cannot_go_on_is_named_before_solving():
    # Runs of at least 3 days; Sunday alone worked before, and the agent is off on Tuesday:
    # the run cannot reach 3 days.
    from wfm.errors import SolveError

    centre = centre_with(min_consecutive_working_days=3)
    tuesday = MONDAY + dt.timedelta(days=1)
    off = pd.DataFrame(
        [
            (
                "A01",
                pd.Timestamp(str(tuesday)).tz_localize(centre.timezone),
                pd.Timestamp(str(tuesday + dt.timedelta(days=1))).tz_localize(centre.timezone),
                "unavailable",
            )
        ],
        columns=["agent_id", "start", "end", "kind"],
    )
    agents = make_agents(1, contract="c")
    requirements = requirements_frame(centre, MONDAY, {"sales": day_spans((2,))}, days=7)
    with pytest.raises(SolveError) as raised:
        schedule_week(
            requirements,
            rota_site(centre),
            agents,
            MONDAY,
            history=frozen_week(centre, (6,)),
            availability=off,
        )
    message = str(raised.value)
    assert "agent 'A01'" in message and "worked only 1 day in a row up to" in message
    assert f"may take no shift on {tuesday}" in message


def test_a_frozen_run_longer_than_the_limit_leaves_the_next_days_off():
    # At most 3 days in a row, but the frozen week (a rota that broke it) ends with 5 worked
    # days: the model stays feasible and Monday is off (80 short), Tuesday worked (8).
    centre = centre_with(max_consecutive_working_days=3)
    after, dates = solve(centre, (0, 1), history=frozen_week(centre, (2, 3, 4, 5, 6)))
    assert after.summary.objective == pytest.approx(88.0)
    assert dates == {1}


def test_pools_after_frozen_days_give_the_exact_optimum():
    # Six agents with different frozen weeks, three run rules at once, demand 3 agents
    # every day: the search (pooled by the frozen runs, then shared out) proves the same
    # optimum as the exact model with one unit per agent, solved directly by HiGHS.
    from wfm.scheduling.instance import prepare_week
    from wfm.scheduling.model import build_rota_model
    from wfm.scheduling.solve import run_highs

    rules = dict(
        max_consecutive_working_days=4, min_consecutive_working_days=2, min_days_off_run_length=2
    )
    centre = centre_with(**rules)
    agents = make_agents(6, contract="c")
    worked = {"A01": (5, 6), "A02": (3, 4, 5, 6), "A03": (3, 4), "A04": (), "A05": (5, 6)}
    rows = []
    for agent, days in worked.items():
        for day in days:
            date = PREVIOUS_MONDAY + dt.timedelta(days=day)
            start = pd.Timestamp(f"{date} 08:00").tz_localize(centre.timezone)
            rows.append((agent, date, "work", start, start + pd.Timedelta(hours=8)))
    frozen = FrozenRota(
        pd.DataFrame(rows, columns=["agent_id", "date", "activity", "start", "end"]),
        PREVIOUS_MONDAY,
    )
    spans = {k: 3 for k in day_spans(range(7))}
    requirements = requirements_frame(centre, MONDAY, {"sales": spans}, days=7)
    site = rota_site(centre)
    result = schedule_week(requirements, site, agents, MONDAY, history=frozen)
    instance = prepare_week(requirements, site, agents, MONDAY, history=frozen)
    exact = build_rota_model(instance, centre.scheduling)
    run = run_highs(exact, time_limit_seconds=600)
    assert result.summary.status.value == "optimal"
    assert result.summary.objective == pytest.approx(run.objective)
    both = pd.concat([frozen.rota, result.rota], ignore_index=True)
    assert check_rota(both, site=site, agents=agents, rules=None, week_start=PREVIOUS_MONDAY) == []


def test_the_rolling_horizon_starts_from_the_frozen_weeks_given():
    # Rolled two weeks, at most 3 days in a row, Fri-Sun worked before: as in one model,
    # the first Monday is off (80 short); the second Monday is worked (8).
    roll = SchedulingSettings(
        time_limit_seconds=600, relative_gap=0.0, rolling_horizon_above_pairs=0
    )
    centre = centre_with(scheduling=roll, max_consecutive_working_days=3)
    result, dates = solve(centre, (0, 7), history=frozen_week(centre, (4, 5, 6)), weeks=2)
    assert "rolling horizon of 2 weeks" in result.summary.termination
    assert dates == {7}
    assert result.summary.objective == pytest.approx(88.0)
