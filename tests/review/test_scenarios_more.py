"""Scenarios: absenteeism/headcount, Erlang A abandonment, per-day results, sensitivity."""

import numpy as np
import pandas as pd
import pytest

from wfm.errors import InputError
from wfm.review.projection import project_service, summarise_service
from wfm.review.scenarios import (
    Scenario,
    compare_scenarios,
    run_scenario,
    sensitivity,
    service_by_day,
)
from wfm.staffing import ServiceTarget, compute_requirements, erlang_a

TARGETS = {"sales": ServiceTarget(0.8, 20.0), "support": ServiceTarget(0.8, 30.0)}
SHRINKAGE = {"sales": 0.3, "support": 0.25}


def plan_inputs(days=2):
    starts = pd.date_range("2026-11-09 08:00", periods=days * 96, freq="15min", tz="Europe/London")
    starts = starts[(starts.hour >= 8) & (starts.hour < 20)]
    shape = 1 + 0.5 * np.sin(np.linspace(0, 3 * np.pi, len(starts)))
    forecast = pd.concat(
        [
            pd.DataFrame(
                {
                    "interval_start": starts,
                    "queue": "sales",
                    "offered": 30 * shape,
                    "aht_seconds": 240.0,
                }
            ),
            pd.DataFrame(
                {
                    "interval_start": starts,
                    "queue": "support",
                    "offered": 20 * shape,
                    "aht_seconds": 400.0,
                }
            ),
        ],
        ignore_index=True,
    )
    requirements = compute_requirements(forecast, TARGETS, SHRINKAGE, 15)
    coverage = requirements[["interval_start", "queue"]].assign(
        agents_scheduled=requirements["agents_scheduled_required"] * 0.97
    )
    return forecast, coverage


def test_a_scenario_of_no_change_equals_the_base():
    forecast, coverage = plan_inputs()
    base = run_scenario(forecast, coverage, TARGETS, SHRINKAGE, 15)
    same = run_scenario(
        forecast,
        coverage,
        TARGETS,
        SHRINKAGE,
        15,
        Scenario("zero", volume_factor=1.0, absenteeism_fraction=0.0),
    )
    pd.testing.assert_frame_equal(base.summary, same.summary)
    table = compare_scenarios([base, same])
    assert table["service_level_change"].tolist() == [0.0, 0.0]


def test_absenteeism_equals_scaling_the_coverage_computed_independently():
    forecast, coverage = plan_inputs()
    result = run_scenario(
        forecast, coverage, TARGETS, SHRINKAGE, 15, Scenario("sick", absenteeism_fraction=0.1)
    )
    requirements = compute_requirements(forecast, TARGETS, SHRINKAGE, 15)
    scaled = coverage.assign(agents_scheduled=coverage["agents_scheduled"] * 0.9)
    expected = project_service(requirements, scaled, TARGETS)
    np.testing.assert_allclose(result.projected["service_level"], expected["service_level"])
    expected_summary = summarise_service(expected, 15, TARGETS)
    assert result.summary["service_level"].tolist() == pytest.approx(
        expected_summary["service_level"].tolist()
    )
    # and headcount 0.9 is the same change
    headcount = run_scenario(
        forecast, coverage, TARGETS, SHRINKAGE, 15, Scenario("fewer", headcount_factor=0.9)
    )
    np.testing.assert_allclose(headcount.projected["service_level"], expected["service_level"])


def test_patience_gives_erlang_a_abandonment_on_whole_present_agents():
    forecast, coverage = plan_inputs(days=1)
    result = run_scenario(forecast, coverage, TARGETS, SHRINKAGE, 15, patience_seconds=120.0)
    row = result.projected.iloc[10]
    expected = erlang_a(
        int(np.floor(row["agents_productive"] + 1e-9)),
        row["traffic_erlangs"],
        row["aht_seconds"],
        120.0,
        20.0,
    )
    assert row["abandon_probability"] == pytest.approx(float(expected.abandon_probability))
    total = result.summary.set_index("queue").loc["all", "abandonment_rate"]
    weights = result.projected["offered"]
    assert total == pytest.approx(
        float((result.projected["abandon_probability"] * weights).sum() / weights.sum())
    )
    assert "abandonment_rate" in compare_scenarios([result]).columns


def test_service_by_day_weights_by_offered_contacts():
    forecast, coverage = plan_inputs(days=2)
    result = run_scenario(forecast, coverage, TARGETS, SHRINKAGE, 15)
    daily = service_by_day(result)
    assert len(daily) == 2 * 3
    first_day = result.projected[
        result.projected["interval_start"].dt.date == daily["date"].iloc[0]
    ]
    sales = first_day[first_day["queue"] == "sales"]
    expected = (sales["service_level"] * sales["offered"]).sum() / sales["offered"].sum()
    assert daily.iloc[0]["queue"] == "sales"
    assert daily.iloc[0]["service_level"] == pytest.approx(expected)
    assert daily.iloc[2]["queue"] == "all"


def test_sensitivity_signs_follow_queueing_theory():
    forecast, coverage = plan_inputs(days=1)
    table = sensitivity(forecast, coverage, TARGETS, SHRINKAGE, 15, steps=(-0.1, 0.1))
    change = table.set_index(["input", "step"])["service_level_change"]
    for name in ("volume", "aht", "shrinkage", "absenteeism"):
        assert change[(name, 0.1)] < 0 < change[(name, -0.1)], name
    # the rota does not change with the target: its service does not either, the hours needed do
    assert change[("service_level_target", 0.1)] == pytest.approx(0.0)
    hours = table.set_index(["input", "step"])["required_agent_hours_change"]
    assert hours[("service_level_target", 0.1)] > 0
    assert hours[("volume", 0.1)] > 0
    # ranked by swing, largest first
    assert table["swing"].is_monotonic_decreasing


def test_sensitivity_volume_step_equals_the_same_scenario():
    forecast, coverage = plan_inputs(days=1)
    table = sensitivity(
        forecast, coverage, TARGETS, SHRINKAGE, 15, steps=(0.05,), inputs=("volume",)
    )
    direct = run_scenario(
        forecast, coverage, TARGETS, SHRINKAGE, 15, Scenario("v", volume_factor=1.05)
    )
    assert table["service_level"].iloc[0] == pytest.approx(
        direct.summary.set_index("queue").loc["all", "service_level"]
    )


def test_nonsense_changes_are_input_errors():
    with pytest.raises(InputError):
        Scenario(absenteeism_fraction=1.2)
    with pytest.raises(InputError):
        Scenario(headcount_factor=-1)
    with pytest.raises(InputError):
        Scenario(shrinkage_by_queue={"sales": 1.5})
    forecast, coverage = plan_inputs(days=1)
    with pytest.raises(InputError):
        sensitivity(forecast, coverage, TARGETS, SHRINKAGE, 15, inputs=("weather",))
