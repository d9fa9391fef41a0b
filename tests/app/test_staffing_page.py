"""The Staffing page: its chart builders, and the page through the app's entry point.

AppTest flows: an empty store and a store without a forecast (info boxes pointing to the
Data and Forecast pages), the planned sample week (heat map, daily agent-hours, staffing
curve; Erlang A with a patience), "Compute requirements" at the mean and at P80 (the saved
requirements equal :func:`wfm.staffing.compute_requirements` on the stored forecast), and a
forecast with a queue the centre does not know (an error box, nothing saved).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from app_testing import SAMPLE_CENTRE, assert_no_exception, open_page

from helpers import staffing_charts, state
from wfm.plan.workspace import Workspace
from wfm.review.daily_totals import requirements_daily_hours
from wfm.staffing.curves import service_curve

PAGE = "views/staffing.py"


# --- chart builders -----------------------------------------------------------------------------
def test_curve_frame_and_chart():
    curve = service_curve(10.0, 180.0, 20.0, np.arange(8, 18))
    frame = staffing_charts.staffing_curve_frame(curve)
    assert set(frame["measure"]) == {"Service level", "Occupancy", "Abandoned", "ASA [s]"}
    asa = frame[frame["measure"] == "ASA [s]"]
    assert asa["agents"].min() == 11  # 8–10 agents cannot carry 10 Erlang: no finite ASA to draw
    level = frame[frame["measure"] == "Service level"].set_index("agents")["value"]
    assert level[14] == pytest.approx(0.8884, abs=5e-5)
    assert (np.diff(level.to_numpy()) >= 0).all()
    shares, waits = staffing_charts.staffing_curve_charts(frame, agents_required=14, target=0.8)
    upper, lower = shares.to_dict(), waits.to_dict()  # validate against the Vega-Lite schema

    def x_domains(spec):
        found = []
        for layer in spec.get("layer", [spec]):
            found += x_domains(layer) if "layer" in layer else []
            domain = layer.get("encoding", {}).get("x", {}).get("scale", {}).get("domain")
            if domain:
                found.append(domain)
        return found

    # Regression (issue 16, item 6): one agent axis for both charts, and the ASA not in the
    # "Abandoned" red.
    assert x_domains(upper) == x_domains(lower) != []
    assert x_domains(upper)[0] == [8.0, 17.0]
    colours = staffing_charts.STAFFING_CURVE_COLOURS
    assert staffing_charts.ASA_COLOUR not in colours.values()
    assert "#e45756" not in str(lower)


def test_erlang_a_curve_has_abandonment():
    curve = service_curve(10.0, 180.0, 20.0, np.arange(6, 14), patience_seconds=60.0)
    assert (curve["abandon_probability"] > 0).all()
    assert np.isfinite(curve["asa_seconds"]).all()  # Erlang A is stable below the load


def test_daily_hours_chart_is_valid_vega_lite():
    times = pd.date_range("2026-03-30 08:00", periods=4, freq="30min", tz="Europe/London")
    requirements = pd.DataFrame(
        {
            "interval_start": times,
            "queue": "sales",
            "offered": 10.0,
            "agents_required": [2, 3, 3, 2],
            "agents_scheduled_required": [3, 4, 4, 3],
        }
    )
    daily = requirements_daily_hours(requirements, 30)
    assert daily["scheduled_agent_hours"].tolist() == [7.0]
    for measure in staffing_charts.DAILY_MEASURES:
        spec = staffing_charts.daily_hours_chart(daily, measure).to_dict()
        assert spec["encoding"]["y"]["field"] == measure


# --- the page -----------------------------------------------------------------------------------
def _store(path) -> Workspace:
    return Workspace.open(f"sqlite:///{path}", actor="test-planner")


def test_an_empty_store_points_to_the_data_page(app_env):
    app = open_page(PAGE)
    assert_no_exception(app)
    assert any("Data" in str(info.value) for info in app.info)


def test_a_store_without_forecast_points_to_the_forecast_page(app_env):
    from wfm.config import load_centre
    from wfm.plan.chain import load_history

    centre = load_centre(SAMPLE_CENTRE)
    _store(app_env).save_history(load_history(centre))
    app = open_page(PAGE)
    assert_no_exception(app)
    assert any(
        "no forecast" in str(info.value) and "Forecast" in str(info.value) for info in app.info
    )


def test_a_planned_store_shows_the_requirements_and_the_curve(planned_store):
    app = open_page(PAGE)
    assert_no_exception(app)
    assert not app.error, [e.value for e in app.error]
    saved = _store(planned_store).latest_requirements()
    captions = " ".join(str(c.value) for c in app.caption)
    assert "by test-planner" in captions
    assert len(app.get("vega_lite_chart")) == 4  # heat map, hours per day, the curve's two charts
    assert {b.label for b in app.get("download_button")} >= {
        "Download requirements (CSV)",
        "Download agent-hours per day (CSV)",
    }
    queue = app.selectbox(key=state.QUEUE).value
    metrics = {m.label: m.value for m in app.metric}
    rows = saved.frame[saved.frame["queue"] == queue]
    assert metrics["Peak scheduled agents"] == f"{rows['agents_scheduled_required'].max():,.0f}"
    # the curve starts at the busiest interval, at the saved (Erlang C) requirement
    busiest = (
        rows.loc[rows["offered"] > 0]
        .sort_values("traffic_erlangs", ascending=False, kind="stable")
        .iloc[0]
    )
    erlang_c_agents = int(metrics["Agents required"])
    assert erlang_c_agents == busiest["agents_required"]
    app.number_input(key=state.STAFFING_PATIENCE_SECONDS).set_value(60).run()
    assert_no_exception(app)
    assert not app.error
    erlang_a_agents = int({m.label: m.value for m in app.metric}["Agents required"])
    assert (
        0 < erlang_a_agents <= erlang_c_agents
    )  # at this centre's loads abandonment lowers the requirement
    other = next(name for name in app.selectbox(key=state.QUEUE).options if name != queue)
    app.selectbox(key=state.QUEUE).set_value(other).run()
    assert_no_exception(app)
    assert not app.error


def test_compute_requirements_saves_erlang_c_of_the_stored_forecast(planned_store):
    from wfm.forecast import quantile_forecast
    from wfm.plan.chain import service_targets, shrinkage_by_queue
    from wfm.staffing import compute_requirements

    ws = _store(planned_store)
    before = ws.latest_requirements().id
    forecast = ws.latest_forecast()
    centre = ws.centre()
    app = open_page(PAGE)
    assert app.selectbox(key=state.STAFFING_QUANTILE).options == [
        "Point forecast (mean)",
        "P50 of the volume",
        "P80 of the volume",
        "P90 of the volume",
    ]
    app.button(key=state.STAFFING_COMPUTE).click().run()
    assert_no_exception(app)
    assert not app.error, [e.value for e in app.error]
    mean = ws.latest_requirements()
    assert mean.id > before
    assert mean.meta == {
        "start_date": forecast.meta["start_date"],
        "quantile": None,
        "forecast_id": forecast.id,
    }
    expected = compute_requirements(
        forecast.frame, service_targets(centre), shrinkage_by_queue(centre), centre.interval_minutes
    )
    pd.testing.assert_frame_equal(mean.frame, expected)

    app.selectbox(key=state.STAFFING_QUANTILE).set_value(0.8)
    app.button(key=state.STAFFING_COMPUTE).click().run()
    assert_no_exception(app)
    p80 = ws.latest_requirements()
    assert p80.id > mean.id and p80.meta["quantile"] == 0.8
    expected = compute_requirements(
        quantile_forecast(forecast.frame, 0.8),
        service_targets(centre),
        shrinkage_by_queue(centre),
        centre.interval_minutes,
    )
    pd.testing.assert_frame_equal(p80.frame, expected)
    assert (
        p80.frame["agents_scheduled_required"].sum() > mean.frame["agents_scheduled_required"].sum()
    )
    assert any(
        "Requirements" in str(s.value) and str(p80.id) in str(s.value) for s in app.subheader
    )


def test_a_forecast_queue_the_centre_does_not_know_is_an_error(planned_store):
    ws = _store(planned_store)
    forecast = ws.latest_forecast()
    ws.save_forecast(forecast.frame.assign(queue="billing"), meta=forecast.meta)
    before = ws.latest_requirements().id
    app = open_page(PAGE)
    assert any(str(w.value).startswith("Forecast") and "newer" in str(w.value) for w in app.warning)
    app.button(key=state.STAFFING_COMPUTE).click().run()
    assert_no_exception(app)
    assert app.error and "billing" in str(app.error[0].value)
    assert ws.latest_requirements().id == before
