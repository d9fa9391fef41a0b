"""The pooled stage of the rota search (:mod:`wfm.scheduling.pooled`): week patterns with paid
hours against a brute-force reading of the contract, the pooled bound against the exact
optimum, and a shared-out rota checked rule by rule, independently of the model."""

from __future__ import annotations

import datetime as dt
import itertools

import numpy as np
import pandas as pd
import pyomo.environ as pyo
import pytest
from scheduling_synthetic import (
    MONDAY,
    SAFETY_NET_SECONDS,
    make_agents,
    make_centre,
    requirements_frame,
    synthetic_agents,
    synthetic_centre,
    synthetic_requirements,
)

from wfm.config import Contract, SchedulingSettings, ShiftTemplate
from wfm.scheduling import day_patterns
from wfm.scheduling import model as rota_model
from wfm.scheduling.day_patterns import day_pattern_plans, paid_hours_pattern_plans
from wfm.scheduling.instance import prepare_week
from wfm.scheduling.linear_model import LinearModel
from wfm.scheduling.model import build_rota_model, unit_shift_table
from wfm.scheduling.pooled import _assign_shifts, rounding_bounds, share_out
from wfm.scheduling.rules.base import working_days
from wfm.scheduling.site import rota_site
from wfm.scheduling.solve import run_highs
from wfm.scheduling.workforce import agent_workforce, pooled_workforce

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri")


def two_length_instance(contract: Contract, n_agents: int = 3):
    """Mon-Sat 08:00-20:00; 8 h (7.5 h paid) and 4 h shifts Mon-Fri, 6 h (5.5 h paid) on
    Saturday; no breaks except the unpaid lunch."""
    from scheduling_synthetic import LUNCH

    templates = (
        ShiftTemplate(
            name="long",
            days=WEEKDAYS,
            earliest_start="08:00",
            latest_start="08:00",
            lengths_minutes=(480,),
        ),
        ShiftTemplate(
            name="short",
            days=WEEKDAYS,
            earliest_start="12:00",
            latest_start="12:00",
            lengths_minutes=(240,),
        ),
        ShiftTemplate(
            name="sat",
            days=("sat",),
            earliest_start="09:00",
            latest_start="09:00",
            lengths_minutes=(360,),
        ),
    )
    centre = make_centre(
        opening_hours={day: "08:00-20:00" for day in (*WEEKDAYS, "sat")},
        templates=templates,
        break_rules=(LUNCH,),
        contracts=(contract,),
    )
    demand = {
        "sales": {
            (f"{MONDAY + dt.timedelta(days=d)} 08:00", f"{MONDAY + dt.timedelta(days=d)} 16:00"): 2
            for d in range(6)
        }
    }
    requirements = requirements_frame(centre, MONDAY, demand)
    return centre, prepare_week(
        requirements, rota_site(centre), make_agents(n_agents, contract=contract.name), MONDAY
    )


CONTRACTS = [
    Contract(
        name="c",
        min_hours_per_week=20,
        max_hours_per_week=30,
        min_days_per_week=3,
        max_days_per_week=5,
        min_consecutive_days_off=2,
    ),
    Contract(
        name="c",
        min_hours_per_week=30,
        max_hours_per_week=37.5,
        min_days_per_week=4,
        max_days_per_week=5,
        min_consecutive_days_off=0,
    ),
    Contract(
        name="c",
        min_hours_per_week=0,
        max_hours_per_week=16,
        min_days_per_week=0,
        max_days_per_week=3,
        max_consecutive_working_days=2,
        min_consecutive_days_off=1,
    ),
]


@pytest.mark.parametrize("contract", CONTRACTS, ids=["20-30h-L2", "30-37.5h-split", "0-16h-K2"])
def test_paid_hours_patterns_are_exactly_the_weeks_the_contract_allows(contract):
    _, instance = two_length_instance(contract)
    workforce = pooled_workforce(instance)
    model = LinearModel()
    rota_model.add_shift_variables(model, instance, workforce)
    shifts = unit_shift_table(model, instance, workforce)
    plans = paid_hours_pattern_plans(
        instance, workforce, shifts, day_pattern_plans(instance, workforce, working_days(shifts))
    )
    plan = plans[0, 0]
    found = {tuple(int(m) for m in row) for row in plan.paid_minutes}
    assert len(found) == len(plan.paid_minutes)  # no pattern twice
    # Brute force: every week of paid minutes per day (Sunday closed) read against the rules.
    options = [(0, 450, 240)] * 5 + [(0, 330), (0,)]
    expected = set()
    for week in itertools.product(*options):
        worked = [m > 0 for m in week]
        days, hours = sum(worked), sum(week) / 60
        if not (contract.min_days_per_week <= days <= contract.max_days_per_week):
            continue
        if not (contract.min_hours_per_week <= hours <= contract.max_hours_per_week):
            continue
        k = contract.max_consecutive_working_days
        if k < 7 and any(all(worked[(first + i) % 7] for i in range(k + 1)) for first in range(7)):
            continue
        length = contract.min_consecutive_days_off
        if length > 0 and not any(
            not any(worked[(first + i) % 7] for i in range(length)) for first in range(7)
        ):
            continue
        expected.add(week)
    assert found == expected


def test_the_pooled_bound_lies_between_the_plain_bound_and_the_exact_optimum(monkeypatch):
    # Full-timers need 30 h in 4-5 days from 7.5 h and 4 h weekday shifts: 4 long days or 5
    # days with at least 3 long ones. The plain pooled model lets one agent work 5 short days
    # while another works 5 long ones, which only the patterns with paid hours rule out.
    contract = CONTRACTS[1]
    centre, instance = two_length_instance(contract, n_agents=4)
    settings = centre.scheduling
    with_hours = build_rota_model(instance, settings, pooled_workforce(instance))
    tight = run_highs(with_hours, time_limit_seconds=SAFETY_NET_SECONDS, relaxation=True).objective
    monkeypatch.setattr(day_patterns, "MAX_PAID_HOURS_PATTERNS", 0)  # plain day patterns only
    plain = run_highs(
        build_rota_model(instance, settings, pooled_workforce(instance)),
        time_limit_seconds=SAFETY_NET_SECONDS,
        relaxation=True,
    ).objective
    exact = run_highs(
        build_rota_model(instance, settings),
        time_limit_seconds=SAFETY_NET_SECONDS,
        relative_gap=0.0,
    )
    assert exact.status.value == "optimal"
    assert plain < tight - 1.0  # the patterns with paid hours tighten the bound (174 -> 181.5 here)
    assert tight <= exact.objective + 1e-6


@pytest.fixture(scope="module")
def shared_week():
    """The synthetic 20-agent week with two days off together, its pooled model holding an
    integer solution, and that solution shared out."""
    centre = synthetic_centre(time_limit_seconds=SAFETY_NET_SECONDS, relative_gap=0.0)
    contracts = tuple(
        c.model_copy(update={"min_consecutive_days_off": 2}) for c in centre.contracts
    )
    centre = centre.model_copy(update={"contracts": contracts})
    requirements = synthetic_requirements(centre, MONDAY, peak_agents=5.0)
    instance = prepare_week(requirements, rota_site(centre), synthetic_agents(20, seed=3), MONDAY)
    pooled = pooled_workforce(instance)
    model = build_rota_model(instance, centre.scheduling, pooled)
    assert run_highs(
        model, time_limit_seconds=SAFETY_NET_SECONDS, relaxation=True
    ).status.has_solution
    with rounding_bounds([model.x, model.day_pattern, model.y]):
        run = run_highs(model, time_limit_seconds=SAFETY_NET_SECONDS, relative_gap=0.01)
    assert run.status.has_solution
    pairs = share_out(model, pooled, instance)
    return centre, instance, pooled, model, run, pairs


@pytest.mark.slow
def test_a_shared_out_rota_keeps_every_contract_rule(shared_week):
    centre, instance, _, _, _, pairs = shared_week
    assert pairs is not None and len(pairs) > 0
    assert len(pairs.merge(instance.eligible, on=["agent", "candidate"])) == len(
        pairs
    )  # allowed shifts only
    shifts = pairs.merge(
        instance.candidates[["candidate", "day", "paid_minutes", "start", "end"]], on="candidate"
    )
    assert not shifts.duplicated(["agent", "day"]).any()
    for agent in range(len(instance.agents)):
        mine = shifts[shifts["agent"] == agent].sort_values("start")
        contract = instance.contracts[agent]
        hours = mine["paid_minutes"].sum() / 60
        assert contract.min_hours_per_week - 1e-9 <= hours <= contract.max_hours_per_week + 1e-9
        assert contract.min_days_per_week <= len(mine) <= contract.max_days_per_week
        rests = (
            mine["start"].iloc[1:].to_numpy() - mine["end"].iloc[:-1].to_numpy()
        ) / np.timedelta64(1, "h")
        assert (rests >= contract.min_rest_hours - 1e-9).all()
        worked = [d in set(mine["day"]) for d in range(7)]
        assert any(
            not worked[d] and not worked[(d + 1) % 7] for d in range(7)
        )  # two days off together


def test_a_shared_out_rota_has_the_pooled_counts_and_cost(shared_week):
    centre, instance, pooled, model, run, pairs = shared_week
    counts = {}
    for unit in pooled.units:
        for (unit_id, c), variable in model.x.items():
            if unit_id == unit.unit_id and round(variable.value or 0) > 0:
                counts[unit.unit_id, c] = round(variable.value)
    unit_of_agent = {a: unit.unit_id for unit in pooled.units for a in unit.agents}
    shared = (
        pairs.assign(unit=pairs["agent"].map(unit_of_agent))
        .groupby(["unit", "candidate"])
        .size()
        .to_dict()
    )
    assert shared == counts
    # The exact model on exactly these shifts costs no more than the pooled solution (same
    # coverage, breaks placed again), and no less than the pooled LP bound.
    exact = build_rota_model(instance, centre.scheduling, agent_workforce(instance, pairs))
    for variable in exact.x.values():
        variable.fix(1)
    checked = run_highs(exact, time_limit_seconds=SAFETY_NET_SECONDS, relative_gap=0.0)
    assert checked.status.value == "optimal"
    assert checked.objective <= run.objective + 1e-6


def test_rounding_bounds_narrow_to_the_neighbouring_integers_and_restore():
    model = pyo.ConcreteModel()
    model.v = pyo.Var([0, 1, 2], domain=pyo.NonNegativeIntegers, bounds=(0, 5))
    for key, value in zip([0, 1, 2], [2.4, 3.0, 0.0], strict=True):
        model.v[key].value = value
    with rounding_bounds([model.v]) as narrowed:
        assert narrowed == 3
        assert [(model.v[k].lb, model.v[k].ub) for k in range(3)] == [(2, 3), (3, 3), (0, 0)]
    assert all((model.v[k].lb, model.v[k].ub) == (0, 5) for k in range(3))


def test_shifts_are_paired_so_that_the_rest_holds_or_not_at_all():
    # Two agents work Monday and Tuesday: a 06:00-14:00 and a 14:00-22:00 shift each day. The
    # late Monday shift must go to the agent who starts late on Tuesday.
    ns = 3600 * 10**9
    start = {0: 6 * ns, 1: 14 * ns, 2: 30 * ns, 3: 38 * ns}
    end = {c: s + 8 * ns for c, s in start.items()}
    day = {0: 0, 1: 0, 2: 1, 3: 1}
    minutes = dict.fromkeys(start, 480)
    paid = {10: {0: 480, 1: 480}, 11: {0: 480, 1: 480}}
    contract = Contract(name="c", min_rest_hours=11)
    pairs = _assign_shifts(
        (10, 11), paid, dict.fromkeys(start, 1), day, minutes, start, end, 2, contract
    )
    assert pairs is not None
    by_agent = (
        pd.DataFrame(pairs, columns=["agent", "candidate"])
        .groupby("agent")["candidate"]
        .apply(sorted)
        .to_dict()
    )
    assert sorted(by_agent.values()) == [[0, 2], [1, 3]]  # early-early and late-late
    # Only early shifts on Tuesday: whoever works late on Monday has 8 h of rest.
    start[3] = 6 * ns + 24 * ns
    end[3] = start[3] + 8 * ns
    assert (
        _assign_shifts(
            (10, 11), paid, dict.fromkeys(start, 1), day, minutes, start, end, 2, contract
        )
        is None
    )


@pytest.mark.slow
def test_the_search_reports_the_pooled_stage(shared_week):
    from wfm.scheduling.search import solve_rota

    centre, instance, *_ = shared_week
    result = solve_rota(instance, centre.scheduling.model_copy(update={"relative_gap": 0.02}))
    assert result.summary.status.has_solution
    assert "shared out" in result.summary.termination
    assert result.summary.gap is not None and result.summary.gap <= 0.02 + 1e-9


@pytest.mark.slow
def test_a_two_week_rota_is_shared_out_across_the_week_boundary():
    # Two weeks in one model: each agent's patterns of the two weeks must agree on the days
    # a run of days off carries into the next week, and no run of working days may pass 6.
    centre = synthetic_centre(time_limit_seconds=SAFETY_NET_SECONDS, relative_gap=0.02)
    contracts = tuple(
        c.model_copy(update={"min_consecutive_days_off": 2}) for c in centre.contracts
    )
    centre = centre.model_copy(update={"contracts": contracts})
    requirements = pd.concat(
        [
            synthetic_requirements(
                centre, MONDAY + dt.timedelta(days=7 * week), peak_agents=5.0, seed=week
            )
            for week in range(2)
        ],
        ignore_index=True,
    )
    instance = prepare_week(
        requirements, rota_site(centre), synthetic_agents(20, seed=3), MONDAY, days=14
    )
    pooled = pooled_workforce(instance)
    model = build_rota_model(instance, centre.scheduling, pooled)
    assert run_highs(
        model, time_limit_seconds=SAFETY_NET_SECONDS, relaxation=True
    ).status.has_solution
    with rounding_bounds([model.x, model.day_pattern, model.y]):
        assert run_highs(
            model, time_limit_seconds=SAFETY_NET_SECONDS, relative_gap=0.02
        ).status.has_solution
    pairs = share_out(model, pooled, instance)
    assert pairs is not None
    shifts = pairs.merge(
        instance.candidates[["candidate", "day", "paid_minutes", "start", "end"]], on="candidate"
    )
    for agent in range(len(instance.agents)):
        mine = shifts[shifts["agent"] == agent].sort_values("start")
        contract = instance.contracts[agent]
        worked = [d in set(mine["day"]) for d in range(14)]
        for week in range(2):
            days = range(7 * week, 7 * week + 7)
            assert (
                contract.min_days_per_week
                <= sum(worked[d] for d in days)
                <= contract.max_days_per_week
            )
            hours = mine[mine["day"].isin(days)]["paid_minutes"].sum() / 60
            assert contract.min_hours_per_week - 1e-9 <= hours <= contract.max_hours_per_week + 1e-9
            # a run of two days off starting in the week (it may end in the next; two weeks
            # are a line, the day after the last counting as off)
            assert any(not worked[d] and (d + 1 == 14 or not worked[d + 1]) for d in days)
        assert not any(all(worked[first + i] for i in range(7)) for first in range(14 - 6))
        rests = (
            mine["start"].iloc[1:].to_numpy() - mine["end"].iloc[:-1].to_numpy()
        ) / np.timedelta64(1, "h")
        assert (rests >= contract.min_rest_hours - 1e-9).all()


@pytest.mark.slow
def test_without_patterns_with_paid_hours_the_search_falls_back_to_the_exact_model(
    shared_week, monkeypatch
):
    # Above MAX_PAID_HOURS_PATTERNS a pool keeps plain day patterns, whose counts share_out
    # does not hand out (the hours would hold only on average); the repair model takes over.
    from wfm.scheduling.search import solve_rota

    centre, instance, *_ = shared_week
    monkeypatch.setattr(day_patterns, "MAX_PAID_HOURS_PATTERNS", 0)
    result = solve_rota(instance, centre.scheduling.model_copy(update={"relative_gap": 0.02}))
    assert "not shared out" in result.summary.termination
    assert "repair model" in result.summary.termination
    assert result.summary.status.has_solution and result.summary.gap is not None


def test_a_pool_of_one_agent_is_shared_out_as_it_stands():
    # One agent: the pooled model is the exact one (plain day patterns, binary shifts), and
    # its shifts are the agent's rota.
    _, instance = two_length_instance(CONTRACTS[0], n_agents=1)
    pooled = pooled_workforce(instance)
    assert not pooled.pooled
    model = build_rota_model(instance, SchedulingSettings(), pooled)
    assert run_highs(
        model, time_limit_seconds=SAFETY_NET_SECONDS, relative_gap=0.0
    ).status.has_solution
    pairs = share_out(model, pooled, instance)
    chosen = sorted(
        int(c) for (_, c), variable in model.x.items() if round(variable.value or 0) == 1
    )
    assert pairs is not None and pairs["agent"].eq(0).all()
    assert (
        sorted(pairs["candidate"].tolist()) == chosen
        and len(chosen) >= CONTRACTS[0].min_days_per_week
    )
