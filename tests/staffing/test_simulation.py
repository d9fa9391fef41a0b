"""The day simulator against Erlang C, Erlang A and its own invariants."""

import numpy as np
import pytest

from wfm.errors import InputError
from wfm.staffing.erlang import service_level
from wfm.staffing.erlang_a import erlang_a
from wfm.staffing.simulation import (
    DayPlan,
    simulate_day,
    simulate_interval_queue,
    summarise_simulation,
)


def flat_day(agents=14, offered=100.0, aht=180.0, intervals=16, interval_minutes=30):
    return DayPlan(
        np.arange(intervals) * interval_minutes * 60.0,
        interval_minutes,
        np.full(intervals, offered),
        np.full(intervals, aht),
        np.full(intervals, agents),
    )


def test_seeded_runs_repeat_and_counts_add_up():
    plan = flat_day()
    first = simulate_day(plan, 20.0, patience_seconds=90.0, replications=5, seed=4)
    np.testing.assert_array_equal(
        first, simulate_day(plan, 20.0, patience_seconds=90.0, replications=5, seed=4)
    )
    offered, answered, within, abandoned, abandoned_within, short = (
        first[:, :, i] for i in range(6)
    )
    np.testing.assert_array_equal(offered, answered + abandoned)
    assert (
        (within <= answered).all()
        and (short <= abandoned_within).all()
        and (abandoned_within <= abandoned).all()
    )
    assert not (
        simulate_day(plan, 20.0, replications=2, seed=1)[:, :, 3]
    ).any()  # no patience: no abandons


def test_constant_queue_agrees_with_erlang_c():
    simulated = simulate_interval_queue(
        14, 10 / 180, 180.0, 20.0, horizon_seconds=2_000_000, seed=2
    )
    assert simulated["service_level"] == pytest.approx(
        float(service_level(14, 10.0, 180, 20)), abs=0.01
    )


def test_day_quantiles_bracket_the_formula():
    plan = flat_day()
    counts = simulate_day(plan, 20.0, replications=200, seed=8)
    table, day = summarise_simulation(counts)
    assert len(table) == 16
    assert day["service_level_p10"] <= day["service_level_p50"] <= day["service_level_p90"]
    # The day starts empty, so its service is a little better than steady state, never worse.
    erlang = float(service_level(14, 10.0, 180, 20))
    assert day["service_level_p10"] < erlang + 0.03 and day["service_level_p90"] > erlang - 0.01
    assert day["service_level_mean"] == pytest.approx(erlang, abs=0.02)


def test_lognormal_with_less_variance_serves_better():
    plan = flat_day(agents=12)
    exponential = summarise_simulation(simulate_day(plan, 20.0, replications=60, seed=3))[1]
    lognormal = summarise_simulation(
        simulate_day(
            plan,
            20.0,
            handle_time_distribution="lognormal",
            handle_time_cv=0.5,
            replications=60,
            seed=3,
        )
    )[1]
    assert lognormal["service_level_mean"] > exponential["service_level_mean"]


def test_agents_leaving_mid_queue_and_no_agents():
    plan = DayPlan(
        np.array([0.0, 1800.0]),
        30,
        np.array([100.0, 100.0]),
        np.array([180.0, 180.0]),
        np.array([14, 0]),
    )
    counts = simulate_day(plan, 20.0, patience_seconds=60.0, replications=3, seed=0)
    assert counts[:, 1, 1].sum() < counts[:, 0, 1].sum()  # few answered once everyone has gone
    assert counts[:, 1, 3].sum() > 0.9 * counts[:, 1, 0].sum()


@pytest.mark.slow
def test_erlang_a_day_agrees_with_the_formula():
    plan = flat_day(agents=12, intervals=48)
    counts = simulate_day(plan, 20.0, patience_seconds=120.0, replications=40, seed=11)
    day = summarise_simulation(counts)[1]
    assert day["service_level_mean"] == pytest.approx(
        float(erlang_a(12, 10.0, 180, 120, 20).service_level), abs=0.015
    )


def test_bad_settings_are_input_errors():
    with pytest.raises(InputError, match="minutes"):
        flat_day(aht=3.0)
    with pytest.raises(InputError, match="distribution"):
        simulate_day(flat_day(), 20.0, handle_time_distribution="gamma")
    with pytest.raises(InputError, match="patience"):
        simulate_day(flat_day(), 20.0, patience_seconds=-1)


def test_contacts_left_when_every_agent_has_gone_are_not_answered():
    # Busy first interval, then no agents: the callers still queued are never answered,
    # even without a patience (they count as abandoned), and nothing fails.
    plan = DayPlan(
        np.array([0.0, 1800.0]),
        30,
        np.array([200.0, 0.0]),
        np.array([180.0, 180.0]),
        np.array([15, 0]),
    )
    counts = simulate_day(plan, 20.0, replications=5, seed=2)
    offered, answered, abandoned = counts[:, 0, 0], counts[:, 0, 1], counts[:, 0, 3]
    np.testing.assert_array_equal(offered, answered + abandoned)
    assert abandoned.sum() > 0
