"""The search never ends without a rota when the contracts allow one: a start rota rounded
from the LP relaxation when stage 2 finds none; progress messages that give the gap."""

from __future__ import annotations

import datetime as dt

import pytest
from scheduling_synthetic import (
    MONDAY,
    SAFETY_NET_SECONDS,
    synthetic_agents,
    synthetic_centre,
    synthetic_requirements,
)

from wfm.errors import SolveError
from wfm.scheduling import search
from wfm.scheduling.budget import SearchBudget
from wfm.scheduling.instance import prepare_week
from wfm.scheduling.model import build_rota_model
from wfm.scheduling.search import staged
from wfm.scheduling.site import rota_site
from wfm.scheduling.solve import SolverRun, SolveStatus, run_highs
from wfm.scheduling.week import schedule_week
from wfm.scheduling.workforce import pooled_workforce

N_AGENTS = 20


@pytest.fixture(scope="module")
def small_week():
    centre = synthetic_centre(time_limit_seconds=SAFETY_NET_SECONDS, relative_gap=0.0)
    agents = synthetic_agents(N_AGENTS, seed=1)
    requirements = synthetic_requirements(centre, MONDAY, peak_agents=5.0)
    instance = prepare_week(requirements, rota_site(centre), agents, MONDAY, days=7)
    return instance, centre.scheduling


#: The MIPs before the last stage: the pooled rounding around the LP solution and the whole
#: pooled model when that finds none (stage 2), and the exact model on the LP support
#: (stage 3).
STARVED_MIPS = 3


def starving_stage_two(monkeypatch):
    """Make every MIP before the last stage end with no rota, as when HiGHS spends its whole
    node budget without a heuristic finding one."""
    calls = {"mip": 0}

    def fake_run_highs(model, **options):
        if not options.get("relaxation", False):
            calls["mip"] += 1
            if calls["mip"] <= STARVED_MIPS:
                return SolverRun(SolveStatus.NO_SOLUTION, "iterationLimit", None, None, 0.0)
        return run_highs(model, **options)

    monkeypatch.setattr(staged, "run_highs", fake_run_highs)  # the stages' HiGHS calls
    return calls


def test_the_rounded_start_keeps_the_contracts(small_week):
    instance, settings = small_week
    pooled = pooled_workforce(instance)
    relaxed_model = build_rota_model(instance, settings, pooled)
    assert run_highs(
        relaxed_model, time_limit_seconds=SAFETY_NET_SECONDS, relaxation=True
    ).status.has_solution
    start = search.rounded_start(relaxed_model, pooled, instance)
    assert start is not None and len(start) > 0
    assert len(start.merge(instance.eligible, on=["agent", "candidate"])) == len(
        start
    )  # allowed pairs only
    shifts = start.merge(instance.candidates[["candidate", "day", "paid_minutes"]], on="candidate")
    assert not shifts.duplicated(["agent", "day"]).any()  # one shift a day
    for agent, mine in shifts.groupby("agent"):
        contract = instance.contracts[int(agent)]
        hours = mine["paid_minutes"].sum() / 60
        assert contract.min_hours_per_week - 1e-9 <= hours <= contract.max_hours_per_week + 1e-9
        assert contract.min_days_per_week <= len(mine) <= contract.max_days_per_week


@pytest.mark.slow
def test_a_rota_is_found_when_stage_two_finds_none(small_week, monkeypatch):
    instance, settings = small_week
    calls = starving_stage_two(monkeypatch)
    seen: list[tuple[float, str]] = []
    result = search.solve_rota(
        instance,
        settings.model_copy(update={"relative_gap": 0.01}),
        progress=lambda f, m: seen.append((f, m)),
    )
    assert calls["mip"] == STARVED_MIPS + 1  # stages 2 (twice) and 3 starved, then the last
    assert result.model is not None
    assert result.summary.status.has_solution
    assert result.summary.gap is not None
    assert "start rota rounded from the LP relaxation" in result.summary.termination
    assert "started from a rota rounded from the LP relaxation" in result.summary.termination
    assert "stage 4: no rota yet" in seen[-2][1]
    assert not result.summary.time_limit_reached
    assert seen[-1][0] == 1.0 and "% of the bound" in seen[-1][1]


@pytest.mark.slow
def test_a_rota_is_found_with_almost_no_budget_for_stages_two_and_three(small_week):
    instance, settings = small_week
    result = search.solve_rota(
        instance,
        settings.model_copy(
            update={"time_limit_seconds": SAFETY_NET_SECONDS, "relative_gap": 0.01}
        ),
        budget=SearchBudget(pooled_rounding_nodes=1, share_out_check_nodes=1, support_nodes=1),
    )
    assert result.model is not None
    assert result.summary.status in (SolveStatus.FEASIBLE, SolveStatus.OPTIMAL)
    assert result.summary.gap is not None


@pytest.mark.slow
def test_progress_messages_give_the_gap(small_week):
    instance, settings = small_week
    seen: list[tuple[float, str]] = []
    result = search.solve_rota(
        instance,
        settings.model_copy(update={"relative_gap": 0.01}),
        progress=lambda f, m: seen.append((f, m)),
    )
    assert result.summary.gap is not None
    assert seen[-1] == (1.0, f"rota within {100 * result.summary.gap:.1f} % of the bound")
    stages = [message.split(":")[0] for _, message in seen[:-1]]
    assert stages[0] == "stage 1"
    assert stages == sorted(stages)  # the stages in order, each announced when it starts
    for fraction, message in seen[1:-1]:
        # Each later stage's message gives the gap of the best rota so far.
        assert "no rota yet" in message or "% of the bound" in message
        assert 0.0 < fraction < 1.0


def test_the_time_limit_is_a_safety_net_that_says_when_it_fired(small_week):
    # 10 ms: no model is built and solved in that time on any machine, so the limit fires.
    instance, settings = small_week
    result = search.solve_rota(instance, settings.model_copy(update={"time_limit_seconds": 0.01}))
    assert result.summary.time_limit_reached
    assert (
        "the CPU-time limit of 0.01 s (a safety net) stopped stage 1" in result.summary.termination
    )
    assert result.model is None and result.summary.status == SolveStatus.NO_SOLUTION


def test_a_week_without_a_rota_names_the_stage_and_what_would_help():
    # What the user reads (schedule_week's error, which the CLI prints): the stage the
    # safety net stopped, and the setting that would help with its value now.
    centre = synthetic_centre(time_limit_seconds=0.01)
    agents = synthetic_agents(N_AGENTS, seed=1)
    requirements = synthetic_requirements(centre, MONDAY, peak_agents=5.0)
    with pytest.raises(SolveError) as raised:
        schedule_week(requirements, rota_site(centre), agents, MONDAY)
    message = str(raised.value)
    assert message.startswith("no rota found. How each stage of the search ended: stage 1")
    assert "stopped stage 1" in message
    assert "Fix: raise scheduling.time_limit_seconds (now 0.01 s" in message


def two_weeks():
    import datetime as dt

    import pandas as pd

    centre = synthetic_centre(time_limit_seconds=SAFETY_NET_SECONDS, relative_gap=0.01)
    requirements = pd.concat(
        [
            synthetic_requirements(centre, MONDAY + dt.timedelta(days=7 * week), peak_agents=5.0)
            for week in range(2)
        ],
        ignore_index=True,
    )
    return centre, synthetic_agents(N_AGENTS, seed=1), requirements


def stuck_one_model(monkeypatch, stuck_calls: int | None):
    """Make the first ``stuck_calls`` searches (all if None) end with no rota, as when one
    model of several weeks spends its budgets without one (300 agents x 4 weeks of the US
    bank with 12 h rest)."""
    from wfm.scheduling import week
    from wfm.scheduling.solve import SolveSummary

    real = week.solve_for_objective
    calls = {"n": 0}

    def fake(instance, settings, requirements, **options):
        calls["n"] += 1
        if stuck_calls is None or calls["n"] <= stuck_calls:
            summary = SolveSummary(
                status=SolveStatus.NO_SOLUTION,
                termination="stage 2: share-out infeasible, rounding infeasible",
                objective=None,
                bound=None,
                gap=None,
                build_seconds=0.0,
                solve_seconds=1000.0,  # counted in the rolled rota's times
                wall_seconds=0.0,
                n_variables=0,
                n_integer_variables=0,
                n_constraints=0,
            )
            return search.SearchResult(model=None, summary=summary)
        return real(instance, settings, requirements, **options)

    monkeypatch.setattr(week, "solve_for_objective", fake)
    return calls


@pytest.mark.slow
def test_several_weeks_with_no_rota_in_one_model_are_solved_week_by_week(monkeypatch):
    from wfm.scheduling.compliance import check_rota, contract_violations

    centre, agents, requirements = two_weeks()
    calls = stuck_one_model(monkeypatch, stuck_calls=1)
    result = schedule_week(requirements, rota_site(centre), agents, MONDAY, weeks=2)
    assert calls["n"] > 1  # the one model, then the rolling horizon's windows
    assert result.summary.status.has_solution
    assert result.summary.termination.startswith(
        "one model of the 2 weeks found no rota (stage 2: share-out infeasible"
    )
    assert "so they were solved week by week" in result.summary.termination
    assert result.summary.solve_seconds >= 1000.0
    second_monday = MONDAY + dt.timedelta(days=7)
    assert result.rota["date"].min() < second_monday <= result.rota["date"].max()  # both weeks
    found = check_rota(
        result.rota, site=rota_site(centre), agents=agents, rules=None, week_start=MONDAY
    )
    assert contract_violations(found) == []  # each week's contracts hold in the rolled rota


def test_no_rota_week_by_week_either_ends_in_the_error_not_a_loop(monkeypatch):
    centre, agents, requirements = two_weeks()
    calls = stuck_one_model(monkeypatch, stuck_calls=None)
    with pytest.raises(SolveError) as raised:
        schedule_week(requirements, rota_site(centre), agents, MONDAY, weeks=2)
    assert calls["n"] == 2  # the one model, then the first window: no rolling inside it
    assert str(raised.value).count("no rota found") >= 1
