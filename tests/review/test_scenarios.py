"""Scenarios: absenteeism/headcount, Erlang A abandonment, per-day results, sensitivity."""

import dataclasses

import numpy as np
import pandas as pd
import pytest

from wfm.errors import InputError
from wfm.review.projection import project_service, summarise_service
from wfm.review.scenarios import (
    BasePlan,
    Scenario,
    ScenarioResult,
    compare_scenarios,
    projection_by_day,
    run_scenario,
    sensitivity,
    service_by_day,
)
from wfm.staffing import ServiceTarget, compute_requirements, erlang_a

TARGETS = {"sales": ServiceTarget(0.8, 20.0), "support": ServiceTarget(0.8, 30.0)}
SHRINKAGE = {"sales": 0.3, "support": 0.25}


def base_plan(days=2, waves=3, coverage_share=0.97):
    """The base plan of two queues over ``days`` open days of a sine-shaped forecast, staffed
    at a share of the need."""
    starts = pd.date_range("2026-11-09 08:00", periods=days * 96, freq="15min", tz="Europe/London")
    starts = starts[(starts.hour >= 8) & (starts.hour < 20)]
    shape = 1 + 0.5 * np.sin(np.linspace(0, waves * np.pi, len(starts)))
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
        agents_scheduled=requirements["agents_scheduled_required"] * coverage_share
    )
    return BasePlan(forecast, coverage, TARGETS, SHRINKAGE, 15)


def test_a_scenario_of_no_change_equals_the_base():
    plan = base_plan()
    base = run_scenario(plan)
    same = run_scenario(
        plan,
        Scenario("zero", volume_factor=1.0, absenteeism_fraction=0.0),
    )
    pd.testing.assert_frame_equal(base.summary, same.summary)
    table = compare_scenarios([base, same])
    assert table["service_level_change"].tolist() == [0.0, 0.0]


def test_absenteeism_equals_scaling_the_coverage_computed_independently():
    plan = base_plan()
    result = run_scenario(plan, Scenario("sick", absenteeism_fraction=0.1))
    requirements = compute_requirements(plan.forecast, TARGETS, SHRINKAGE, 15)
    scaled = plan.coverage.assign(agents_scheduled=plan.coverage["agents_scheduled"] * 0.9)
    expected = project_service(requirements, scaled, TARGETS)
    np.testing.assert_allclose(result.projected["service_level"], expected["service_level"])
    expected_summary = summarise_service(expected, 15, TARGETS)
    assert result.summary["service_level"].tolist() == pytest.approx(
        expected_summary["service_level"].tolist()
    )
    # and headcount 0.9 is the same change
    headcount = run_scenario(plan, Scenario("fewer", headcount_factor=0.9))
    np.testing.assert_allclose(headcount.projected["service_level"], expected["service_level"])


def test_patience_gives_erlang_a_throughout_interpolated_between_whole_agents():
    """Regression (issue 16, item 2): with a patience, SL and ASA were Erlang C and only the
    abandonment Erlang A. Every figure is now Erlang A, interpolated between whole agents."""
    plan = base_plan(days=1)
    result = run_scenario(plan, patience_seconds=120.0)
    assert result.model == "Erlang A (patience 120 s)"
    loaded = result.projected[result.projected["traffic_erlangs"] > 0]
    row = loaded.iloc[len(loaded) // 2]
    productive = float(row["agents_productive"])
    lower = int(np.floor(productive + 1e-9))
    weight = productive - lower
    threshold = TARGETS[row["queue"]].answer_threshold_seconds

    def at(agents: int):
        return erlang_a(agents, row["traffic_erlangs"], row["aht_seconds"], 120.0, threshold)

    low, high = at(lower), at(lower + 1)
    for column, field in (
        ("abandon_probability", "abandon_probability"),
        ("service_level", "service_level"),
        ("asa_seconds", "asa_seconds"),
    ):
        expected = (1 - weight) * float(getattr(low, field)) + weight * float(getattr(high, field))
        assert row[column] == pytest.approx(expected), column
    # The requirements are Erlang A's too: they carry its abandonment.
    assert "abandon_probability" in result.requirements
    total = result.summary.set_index("queue").loc["all", "abandonment_rate"]
    weights = result.projected["offered"]
    assert total == pytest.approx(
        float((result.projected["abandon_probability"] * weights).sum() / weights.sum())
    )
    assert "abandonment_rate" in compare_scenarios([result]).columns
    assert run_scenario(plan).model == "Erlang C"


def test_more_agents_never_raise_the_asa_with_patience_or_report_it_unbounded_without():
    """Regression (issue 16, item 2): +2 agents moved the what-if ASA from 63.4 s to 82.9 s
    because the intervals without a finite wait were left out. With a patience every interval
    has a finite wait and the ASA falls as agents are added; without, the ASA's coverage
    says over what share of contacts it is, and it never rises while that share stays 1."""
    plan = base_plan(days=1)
    busy = Scenario("busy", volume_factor=1.6)
    for patience in (120.0, None):
        asas, shares = [], []
        for factor in (0.7, 0.8, 0.9, 1.0, 1.1, 1.2):
            scenario = dataclasses.replace(busy, headcount_factor=factor)
            total = (
                run_scenario(plan, scenario, patience_seconds=patience)
                .summary.set_index("queue")
                .loc["all"]
            )
            asas.append(float(total["asa_seconds"]))
            shares.append(float(total["asa_covered_share"]))
        if patience is not None:
            assert shares == [1.0] * len(shares)
            assert all(np.diff(asas) <= 1e-9), asas
        else:
            assert all(np.diff(shares) >= 0), shares
            assert shares[0] < 1.0  # the busiest case has intervals without a finite wait
            full = [a for a, s in zip(asas, shares, strict=True) if s == 1.0]
            assert all(np.diff(full) <= 1e-9), asas


def test_service_by_day_weights_by_offered_contacts():
    plan = base_plan(days=2)
    result = run_scenario(plan)
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
    plan = base_plan(days=1)
    table = sensitivity(plan, steps=(-0.1, 0.1))
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
    plan = base_plan(days=1)
    table = sensitivity(plan, steps=(0.05,), inputs=("volume",))
    direct = run_scenario(plan, Scenario("v", volume_factor=1.05))
    assert table["service_level"].iloc[0] == pytest.approx(
        direct.summary.set_index("queue").loc["all", "service_level"]
    )


def test_sensitivity_uses_the_caller_patience_it_is_given():
    """With a patience, every step is the Erlang A scenario of :func:`run_scenario`, as the
    scenarios beside the tornado are; without one, Erlang C."""
    plan = base_plan(days=1, coverage_share=0.9)
    step = Scenario("v", volume_factor=1.05)
    for patience in (60.0, None):
        table = sensitivity(plan, steps=(0.05,), inputs=("volume",), patience_seconds=patience)
        direct = run_scenario(plan, step, patience_seconds=patience)
        assert table["service_level"].iloc[0] == pytest.approx(
            direct.summary.set_index("queue").loc["all", "service_level"]
        )
    erlang_c = run_scenario(plan, step).summary.set_index("queue").loc["all", "service_level"]
    erlang_a = sensitivity(plan, steps=(0.05,), inputs=("volume",), patience_seconds=60.0)
    # callers who abandon leave the queue shorter: the service level differs from Erlang C
    assert erlang_a["service_level"].iloc[0] > erlang_c + 0.01


def test_nonsense_changes_are_input_errors():
    with pytest.raises(InputError):
        Scenario(absenteeism_fraction=1.2)
    with pytest.raises(InputError):
        Scenario(headcount_factor=-1)
    with pytest.raises(InputError):
        Scenario(shrinkage_by_queue={"sales": 1.5})
    plan = base_plan(days=1)
    with pytest.raises(InputError):
        sensitivity(plan, inputs=("weather",))


# --- per-day figures (projection_by_day) ---------------------------------------------------
def hand_result() -> ScenarioResult:
    """Three intervals of one queue on one day, one on the next; the third has no finite wait."""
    starts = pd.to_datetime(
        ["2026-11-09 08:00", "2026-11-09 08:15", "2026-11-09 08:30", "2026-11-10 08:00"]
    ).tz_localize("Europe/London")
    projected = pd.DataFrame(
        {
            "interval_start": starts,
            "queue": "sales",
            "offered": [10.0, 30.0, 20.0, 5.0],
            "service_level": [0.9, 0.7, 0.0, 1.0],
            "asa_seconds": [5.0, 20.0, np.inf, 2.0],
            "occupancy": [0.8, 0.9, 1.0, 0.5],
            "agents_productive": [10.0, 20.0, 4.0, 2.0],
            "agents_scheduled_required": [14.0, 28.0, 30.0, 3.0],
            "agents_scheduled": [14.0, 28.0, 6.0, 3.0],
            "under_staffed": [0.0, 0.0, 24.0, 0.0],
            "abandon_probability": [0.05, 0.1, 0.5, 0.0],
        }
    )
    return ScenarioResult(Scenario("hand"), pd.DataFrame(), projected, pd.DataFrame())


def test_day_figures_match_hand_computed_totals():
    table = projection_by_day(hand_result(), 15)
    first = table[(table["queue"] == "sales")].iloc[0]
    # service level: (0.9 x 10 + 0.7 x 30 + 0 x 20) / 60 = 30 / 60
    assert first["service_level"] == pytest.approx(0.5)
    # ASA: the mean wait of answered contacts over the stable intervals only, answered =
    # offered x (1 - abandoned): (5 x 9.5 + 20 x 27) / (9.5 + 27) = 587.5 / 36.5 s; 20 left out
    assert first["asa_seconds"] == pytest.approx(587.5 / 36.5)
    assert first["offered_in_unstable_intervals"] == pytest.approx(20.0)
    # occupancy: busy (8 + 18 + 4) / productive (10 + 20 + 4) = 30 / 34, not the mean of 0.8, 0.9, 1.0
    assert first["occupancy"] == pytest.approx(30 / 34)
    # abandonment: (0.5 + 3 + 10) / 60
    assert first["abandonment_rate"] == pytest.approx(13.5 / 60)
    # agent-hours: 15-minute intervals are a quarter hour each
    assert first["required_agent_hours"] == pytest.approx(72 / 4)
    assert first["scheduled_agent_hours"] == pytest.approx(48 / 4)
    assert first["under_staffed_agent_hours"] == pytest.approx(6.0)
    assert table["queue"].tolist() == ["sales", "all", "sales", "all"]
    second = table.iloc[2]
    assert second["service_level"] == 1.0 and second["asa_seconds"] == pytest.approx(2.0)


def test_the_days_add_up_to_the_period_of_compare_scenarios():
    plan = base_plan(days=3, waves=5, coverage_share=0.95)
    result = run_scenario(
        plan,
        Scenario("busier", volume_factor=1.1),
        patience_seconds=120.0,
    )
    days = projection_by_day(result, 15)
    all_days = days[days["queue"] == "all"]
    period = compare_scenarios([result]).iloc[0]
    offered = all_days["offered"].sum()
    assert offered == pytest.approx(period["offered"])
    assert (all_days["service_level"] * all_days["offered"]).sum() / offered == pytest.approx(
        period["service_level"]
    )
    assert (all_days["abandonment_rate"] * all_days["offered"]).sum() / offered == pytest.approx(
        period["abandonment_rate"]
    )
    assert all_days["required_agent_hours"].sum() == pytest.approx(period["required_agent_hours"])
    assert all_days["scheduled_agent_hours"].sum() == pytest.approx(period["scheduled_agent_hours"])
    # a queue's rows and the 'all' row of a day agree
    per_queue = days[days["queue"] != "all"].groupby("date")["offered"].sum()
    assert per_queue.to_numpy() == pytest.approx(all_days["offered"].to_numpy())


def test_without_patience_there_is_no_abandonment_column():
    result = hand_result()
    result = ScenarioResult(
        result.scenario,
        result.requirements,
        result.projected.drop(columns="abandon_probability"),
        result.summary,
    )
    assert "abandonment_rate" not in projection_by_day(result, 15)


def test_a_base_plan_keeps_its_own_targets_and_shrinkage():
    """The caller's mappings changing later does not change a plan already made."""
    shrinkage = dict(SHRINKAGE)
    plan = BasePlan(pd.DataFrame(), pd.DataFrame(), TARGETS, shrinkage, 15)
    shrinkage["sales"] = 0.9
    assert plan.shrinkage_by_queue == SHRINKAGE
    assert plan.shrinkage_by_queue is not shrinkage
