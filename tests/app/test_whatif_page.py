"""The What-if page: its pure helpers, and the page through the app's entry point."""

from __future__ import annotations

import datetime as dt
import math

import altair as alt
import numpy as np
import pandas as pd
import pytest
from app_testing import SAMPLE_CENTRE, assert_no_exception, open_page

from helpers import state, ui, whatif_charts, whatif_inputs
from wfm.config import load_centre
from wfm.plan.chain import service_targets, shrinkage_by_queue
from wfm.plan.workspace import Workspace
from wfm.review.scenarios import (
    BasePlan,
    Scenario,
    compare_scenarios,
    run_scenario,
    sensitivity,
)
from wfm.staffing import ServiceTarget
from wfm.store import repository

PAGE = "views/whatif.py"


# --- pure helpers ---------------------------------------------------------------------------
def test_controls_become_a_scenario():
    scenario = whatif_charts.scenario_from_controls(
        "x",
        volume_change_percent=10,
        aht_change_percent=-5,
        absenteeism_percent=4,
        headcount_change_agents=6,
        rota_agents=60,
    )
    assert scenario.volume_factor == pytest.approx(1.10)
    assert scenario.aht_factor == pytest.approx(0.95)
    assert scenario.absenteeism_fraction == pytest.approx(0.04)
    assert scenario.headcount_factor == pytest.approx(66 / 60)
    assert scenario.service_level_target is None and scenario.shrinkage_fraction is None
    # present agents: 1.1 x 0.96
    assert scenario.presence_factor == pytest.approx(1.056)
    kept = whatif_charts.scenario_from_controls(
        "y", service_level_target_percent=90, shrinkage_percent=35
    )
    assert kept.service_level_target == pytest.approx(
        0.9
    ) and kept.shrinkage_fraction == pytest.approx(0.35)
    assert whatif_charts.scenario_from_controls("z") == Scenario("z")
    assert whatif_charts.describe_scenario(Scenario("z")) == "no change"
    assert (
        whatif_charts.describe_scenario(scenario)
        == "volume +10 %, handle time -5 %, absenteeism 4 %, headcount × 1.1"
    )


def test_removing_every_agent_leaves_none_present():
    scenario = whatif_charts.scenario_from_controls(
        "gone", headcount_change_agents=-80, rota_agents=60
    )
    assert scenario.headcount_factor == 0.0


def projection(values, asa):
    starts = pd.date_range(
        "2026-11-16 08:00", periods=len(values), freq="15min", tz="Europe/London"
    )
    frame = pd.DataFrame(
        {"interval_start": starts, "queue": "sales", "service_level": values, "asa_seconds": asa}
    )
    other = frame.assign(queue="support")
    return pd.concat([frame, other], ignore_index=True)


def test_projection_frame_keeps_one_queue_and_drops_infinite_waits():
    frame = whatif_charts.projection_frame(
        {
            "base": projection([0.8, 0.9, 0.7], [10.0, 5.0, np.inf]),
            "what if": projection([0.6, 0.7, 0.5], [20.0, np.inf, np.inf]),
        },
        "sales",
        "asa_seconds",
        15,
    )
    assert frame.groupby("scenario")["value"].count().to_dict() == {"base": 2, "what if": 1}
    assert frame["time"].iloc[0] == pd.Timestamp("2026-11-16 08:00")  # wall clock, no zone
    chart = whatif_charts.projection_chart(frame, "asa_seconds")
    chart.to_dict()  # validates against the Vega-Lite schema
    levels = whatif_charts.projection_frame(
        {"base": projection([0.8, 0.9, 0.7], [1.0, 1.0, 1.0])}, "sales", "service_level", 15
    )
    assert isinstance(whatif_charts.projection_chart(levels, "service_level", 0.8), alt.LayerChart)


def test_tornado_ranks_by_swing_and_keeps_the_extreme_steps():
    rows = []
    for name, slope in (("volume", -0.5), ("aht", -0.3), ("service_level_target", 0.0)):
        for step in (-0.10, -0.05, 0.05, 0.10):
            rows.append(
                {
                    "input": name,
                    "step": step,
                    "scenario": f"{name} {step:+.0%}",
                    "service_level": 0.8 + slope * step,
                    "service_level_change": slope * step,
                    "required_agent_hours_change": 0.0,
                }
            )
    table = pd.DataFrame(rows)
    table["swing"] = table["input"].map(
        table.groupby("input")["service_level"].agg(lambda v: v.max() - v.min())
    )
    frame = whatif_charts.tornado_frame(table)
    assert list(dict.fromkeys(frame["input"])) == ["Volume", "Handle time", "Service-level target"]
    volume = frame[frame["input"] == "Volume"].set_index("side")
    assert volume.loc["lower", "change"] == pytest.approx(0.05)  # 10 % less volume: +5 pp
    assert volume.loc["higher", "change"] == pytest.approx(-0.05)
    assert volume.loc["higher", "step"] == "+10 %"
    spec = whatif_charts.tornado_chart(frame).to_dict()
    assert spec["encoding"]["y"]["sort"] == ["Volume", "Handle time", "Service-level target"]
    assert whatif_charts.tornado_frame(table.iloc[0:0]).empty


def test_tornado_uses_the_page_patience():
    """The tornado is computed with the caller patience of the rest of the page (Erlang A),
    not Erlang C: a step equals the library's Erlang A scenario with that patience."""
    starts = pd.date_range("2026-11-09 08:00", periods=16, freq="15min", tz="Europe/London")
    forecast = pd.DataFrame(
        {"interval_start": starts, "queue": "sales", "offered": 40.0, "aht_seconds": 300.0}
    )
    coverage = forecast[["interval_start", "queue"]].assign(agents_scheduled=13.0)
    plan = BasePlan(forecast, coverage, {"sales": ServiceTarget(0.8, 20.0)}, {"sales": 0.0}, 15)
    inputs = whatif_inputs.Inputs(
        plan, ("tornado test",), 13, ["sales"], "Europe/London", 80, 0, 1, 1, (1,)
    )
    table = whatif_inputs.sensitivity_of(inputs, Scenario(name="base"), 90.0)
    level = table.set_index(["input", "step"])["service_level"]
    direct = run_scenario(plan, Scenario("v", volume_factor=1.1), patience_seconds=90.0)
    assert level[("volume", 0.1)] == pytest.approx(
        direct.summary.set_index("queue").loc["all", "service_level"]
    )
    erlang_c = sensitivity(plan, steps=(0.1,), inputs=("volume",))["service_level"].iloc[0]
    assert level[("volume", 0.1)] > erlang_c + 0.01  # abandoning callers shorten the queue


def test_comparison_differences_are_from_the_first_scenario():
    table = pd.DataFrame(
        {
            "scenario": ["base", "b"],
            "offered": [100.0, 110.0],
            "service_level": [0.8, 0.75],
            "asa_seconds": [10.0, np.inf],
            "occupancy": [0.7, 0.75],
            "required_agent_hours": [100.0, 110.0],
            "scheduled_agent_hours": [90.0, 90.0],
            "under_staffed_agent_hours": [5.0, 12.0],
            "offered_in_unstable_intervals": [0.0, 3.0],
            "service_level_change": [0.0, -0.05],
        }
    )
    out = whatif_charts.comparison_with_differences(table)
    assert out["service_level_change"].tolist() == pytest.approx([0.0, -0.05])
    assert out["required_agent_hours_change"].tolist() == pytest.approx([0.0, 10.0])
    assert math.isnan(out["asa_seconds_change"].iloc[1])  # an infinite wait has no difference
    assert "abandonment_rate" not in out


# --- the page -------------------------------------------------------------------------------
def test_empty_store_points_to_the_forecast_page(app_env):
    app = open_page(PAGE)
    assert_no_exception(app)
    assert any("no forecast" in info.value for info in app.info)


def direct_result(store_url: str, scenario: Scenario):
    """The page's scenario computed straight from the store and the library."""
    workspace = Workspace(store_url)
    centre = load_centre(SAMPLE_CENTRE)
    version = workspace.latest_rota()
    start = pd.Timestamp(version.start_date).tz_localize(centre.timezone)
    end = pd.Timestamp(
        version.coverage["interval_start"].dt.date.max() + dt.timedelta(days=1)
    ).tz_localize(centre.timezone)
    forecast = workspace.latest_forecast().frame
    forecast = forecast[
        (forecast["interval_start"] >= start) & (forecast["interval_start"] < end)
    ].reset_index(drop=True)
    plan = BasePlan(
        forecast,
        version.coverage,
        service_targets(centre),
        shrinkage_by_queue(centre),
        centre.interval_minutes,
    )
    return run_scenario(plan, scenario, patience_seconds=120.0)


def metrics(app) -> dict[str, str]:
    return {metric.label: metric.value for metric in app.metric}


def captions(app) -> str:
    return " ".join(caption.value for caption in app.caption)


def test_more_volume_lowers_the_projected_service_level_as_the_library_says(planned_store):
    url = f"sqlite:///{planned_store}"
    app = open_page(PAGE)
    assert_no_exception(app)
    assert not app.error, [e.value for e in app.error]
    assert len(app.get("vega_lite_chart")) == 2  # per-interval projection and the tornado
    before = metrics(app)
    assert "base: " + before["Service level"] in captions(app)
    # The page names its model: with the default patience, Erlang A throughout.
    assert "Every figure: Erlang A (patience 120 s)" in captions(app)

    app.slider(key=state.WHATIF_VOLUME_CHANGE_PERCENT).set_value(20).run()
    assert_no_exception(app)
    after = metrics(app)
    expected = compare_scenarios(
        [
            direct_result(url, Scenario("base")),
            direct_result(url, Scenario("what if", volume_factor=1.2)),
        ]
    )
    base_level, changed_level = expected["service_level"].tolist()
    assert changed_level < base_level  # more load on the same agents, lower service
    assert after["Service level"] == ui.percent(changed_level)
    assert f"base: {ui.percent(base_level)}" in captions(app)
    assert after["Abandoned"] == ui.percent(expected["abandonment_rate"].iloc[1])
    assert after["ASA"] == ui.seconds(expected["asa_seconds"].iloc[1])

    # a reserved name is refused, nothing saved
    app.text_input(key=state.WHATIF_SCENARIO_NAME).set_value("base").run()
    app.button(key="whatif_save").click().run()
    assert any("other than" in w.value for w in app.warning)
    assert repository.list_datasets(url, "scenario").empty

    # keep it under a name, then save it: stored with its settings and audited
    app.text_input(key=state.WHATIF_SCENARIO_NAME).set_value("busy week").run()
    app.button(key="whatif_keep").click().run()
    assert_no_exception(app)
    assert "busy week" in app.session_state[state.WHATIF_KEPT_SCENARIOS]
    app.button(key="whatif_save").click().run()
    assert_no_exception(app)
    saved = repository.list_datasets(url, "scenario")
    assert saved["name"].tolist() == ["busy week"]
    frame, meta = repository.load_dataset(url, int(saved["id"].iloc[0]), "scenario")
    assert meta["scenario"]["volume_factor"] == pytest.approx(1.2)
    assert meta["controls"]["volume_change_percent"] == 20
    assert len(frame) == len(direct_result(url, Scenario("x")).projected)
    assert "busy week" in Workspace(url).audit().to_string()


def test_saved_scenarios_are_listed_once_per_name_and_reopen_the_sliders(planned_store):
    """Regression (issue 16, item 8): scenarios could be saved but never listed or reopened,
    and saving twice under one name made duplicates."""
    url = f"sqlite:///{planned_store}"
    app = open_page(PAGE)
    app.slider(key=state.WHATIF_VOLUME_CHANGE_PERCENT).set_value(15).run()
    app.slider(key=state.WHATIF_ABSENTEEISM_PERCENT).set_value(6).run()
    app.text_input(key=state.WHATIF_SCENARIO_NAME).set_value("flu week").run()
    app.button(key="whatif_save").click().run()
    assert_no_exception(app)
    assert Workspace(url).scenarios()["name"].tolist() == ["flu week"]

    # Saving again under the same name is refused unless "replace" is ticked.
    app.slider(key=state.WHATIF_VOLUME_CHANGE_PERCENT).set_value(25).run()
    app.text_input(key=state.WHATIF_SCENARIO_NAME).set_value("flu week").run()
    app.button(key="whatif_save").click().run()
    assert_no_exception(app)
    assert any("already saved" in e.value for e in app.error)
    assert len(repository.list_datasets(url, "scenario")) == 1
    app.checkbox(key=state.WHATIF_REPLACE).check().run()
    app.button(key="whatif_save").click().run()
    assert_no_exception(app)
    listed = Workspace(url).scenarios()
    assert listed["name"].tolist() == ["flu week"]  # one per name, the newest
    newest = Workspace(url).scenario(int(listed["id"].iloc[0]))
    assert newest.meta["controls"]["volume_change_percent"] == 25

    # Move the sliders away, then reopen the saved scenario: they come back.
    app.slider(key=state.WHATIF_VOLUME_CHANGE_PERCENT).set_value(0).run()
    app.slider(key=state.WHATIF_ABSENTEEISM_PERCENT).set_value(0).run()
    app.button(key="whatif_reopen").click().run()
    assert_no_exception(app)
    assert app.slider(key=state.WHATIF_VOLUME_CHANGE_PERCENT).value == 25
    assert app.slider(key=state.WHATIF_ABSENTEEISM_PERCENT).value == 6
    assert "volume +25 %, absenteeism 6 %" in captions(app)


def test_a_draft_for_another_week_can_be_tested_before_it_is_published(planned_store):
    """Regression (issue 16, item 8): What if always tested the newest published rota."""
    url = f"sqlite:///{planned_store}"
    ws = Workspace(url)
    ws.publish_rota(1)
    plan = ws.rota(1)
    ws.save_rota(
        plan.rota, plan.coverage, plan.solve_summary, name="next draft", start_date=plan.start_date
    )
    app = open_page(PAGE)
    assert_no_exception(app)
    picker = app.selectbox(key=state.WHATIF_ROTA_VERSION)
    assert picker.value == 1  # the published rota covering the forecast comes first
    assert 2 in picker.options or "Version 2 (draft, “next draft”" in " ".join(picker.options)
    picker.set_value(2).run()
    assert_no_exception(app)
    assert not app.error, [e.value for e in app.error]
    assert "draft" in app.selectbox(key=state.WHATIF_ROTA_VERSION).format_func(2)


def test_without_patience_an_overloaded_period_shows_an_unbounded_asa(planned_store):
    """Regression (issue 16, item 2): the ASA over the stable intervals alone moved the wrong
    way as agents were added; it is "unbounded" while some contacts have no finite wait."""
    app = open_page(PAGE)
    app.number_input(key=state.WHATIF_PATIENCE_SECONDS).set_value(0).run()
    assert "Every figure: Erlang C" in captions(app)
    app.slider(key=state.WHATIF_VOLUME_CHANGE_PERCENT).set_value(100).run()
    assert_no_exception(app)
    assert metrics(app)["ASA"] == ui.UNBOUNDED
    assert "ASA unbounded" in captions(app)
    assert "Abandoned" not in metrics(app)
