"""Projected service for a rota, the summary, and what-if scenarios."""

import numpy as np
import pandas as pd
import pytest

from wfm.review.projection import project_service, summarise_service
from wfm.review.scenarios import BasePlan, Scenario, compare_scenarios, run_scenario
from wfm.staffing import ServiceTarget, compute_requirements, service_level

TARGETS = {"sales": ServiceTarget(0.8, 20, None)}


def make_forecast():
    starts = pd.date_range("2026-03-02 08:00", periods=4, freq="30min", tz="Europe/London")
    return pd.DataFrame(
        {
            "interval_start": starts,
            "queue": "sales",
            "offered": [100.0, 100.0, 0.0, 100.0],
            "aht_seconds": 180.0,
        }
    )


def test_projection_uses_productive_agents_after_shrinkage():
    forecast = make_forecast()
    requirements = compute_requirements(forecast, TARGETS, {"sales": 0.3}, 30)
    # 20 scheduled at 30 % shrinkage are 14 productive: SL 0.8884 (DOMAIN.md vector).
    coverage = forecast[["interval_start", "queue"]].assign(agents_scheduled=[20.0, 10.0, 0.0, 0.0])
    projected = project_service(requirements, coverage, TARGETS)
    assert projected["agents_productive"].tolist() == pytest.approx([14.0, 7.0, 0.0, 0.0])
    assert projected["service_level"].iloc[0] == pytest.approx(0.8884, abs=5e-5)
    assert projected["service_level"].iloc[1] == 0.0  # 7 agents for 10 Erlang: unstable
    assert projected["service_level"].iloc[2] == 1.0  # nothing offered
    assert projected["under_staffed"].tolist() == pytest.approx([0.0, 10.0, 0.0, 20.0])
    assert np.isinf(projected["asa_seconds"].iloc[1])


def test_summary_weights_by_contacts_and_counts_hours():
    forecast = make_forecast()
    requirements = compute_requirements(forecast, TARGETS, {"sales": 0.3}, 30)
    coverage = forecast[["interval_start", "queue"]].assign(
        agents_scheduled=[20.0, 22.0, 1.0, 20.0]
    )
    projected = project_service(requirements, coverage, TARGETS)
    summary = summarise_service(projected, 30, TARGETS).set_index("queue")
    levels = projected["service_level"].to_numpy()
    expected = (
        levels[0] + levels[1] + levels[3]
    ) / 3  # equal volumes; the empty interval has no weight
    assert summary.loc["sales", "service_level"] == pytest.approx(expected)
    assert summary.loc["sales", "over_staffed_agent_hours"] == pytest.approx((2 + 1) * 0.5)
    assert summary.loc["sales", "scheduled_agent_hours"] == pytest.approx(63 * 0.5)
    assert summary.loc["sales", "required_agent_hours"] == pytest.approx(60 * 0.5)
    assert summary.loc["all", "offered"] == 300


def test_fractional_coverage_interpolates_between_agents():
    forecast = make_forecast().iloc[:1]
    requirements = compute_requirements(forecast, TARGETS, {"sales": 0.0}, 30)
    coverage = forecast[["interval_start", "queue"]].assign(agents_scheduled=[13.5])
    level = project_service(requirements, coverage, TARGETS)["service_level"].iloc[0]
    low, high = service_level([13, 14], 10.0, 180, 20)
    assert level == pytest.approx((low + high) / 2)


def test_scenarios_move_the_way_theory_says():
    forecast = make_forecast()
    base_req = compute_requirements(forecast, TARGETS, {"sales": 0.3}, 30)
    coverage = base_req[["interval_start", "queue"]].assign(
        agents_scheduled=base_req["agents_scheduled_required"].astype(float)
    )
    plan = BasePlan(forecast, coverage, TARGETS, {"sales": 0.3}, 30)
    base = run_scenario(plan, Scenario("base"))
    busier = run_scenario(plan, Scenario("+10 % volume", volume_factor=1.1))
    slower = run_scenario(plan, Scenario("+10 % AHT", aht_factor=1.1))
    stricter = run_scenario(plan, Scenario("90/20", service_level_target=0.9))
    leaner = run_scenario(plan, Scenario("less shrinkage", shrinkage_fraction=0.2))
    table = compare_scenarios([base, busier, slower, stricter, leaner]).set_index("scenario")
    assert table.loc["base", "service_level_change"] == 0
    assert table.loc["+10 % volume", "service_level"] < table.loc["base", "service_level"]
    assert table.loc["+10 % AHT", "service_level"] < table.loc["base", "service_level"]
    assert table.loc["90/20", "required_agent_hours"] > table.loc["base", "required_agent_hours"]
    assert table.loc["less shrinkage", "service_level"] > table.loc["base", "service_level"]
    # The base scenario of a rota built to the requirement meets the target everywhere.
    assert base.summary.set_index("queue").loc["sales", "service_level"] >= 0.8


def test_scenario_rejects_nonsense():
    from wfm.errors import InputError

    with pytest.raises(InputError, match="volume_factor"):
        Scenario(volume_factor=0)


def test_unstable_intervals_are_counted_not_hidden_in_the_asa():
    forecast = make_forecast()
    requirements = compute_requirements(forecast, TARGETS, {"sales": 0.0}, 30)
    coverage = forecast[["interval_start", "queue"]].assign(agents_scheduled=[14.0, 7.0, 0.0, 14.0])
    projected = project_service(requirements, coverage, TARGETS)
    summary = summarise_service(projected, 30, TARGETS).set_index("queue").loc["sales"]
    assert summary["intervals_unstable"] == 1
    assert summary["offered_in_unstable_intervals"] == 100
    # ASA over the two stable intervals, both at 14 agents: the DOMAIN.md value 7.84 s.
    assert summary["asa_seconds"] == pytest.approx(7.84, abs=5e-3)
