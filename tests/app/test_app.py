"""Tests of the Streamlit app.

Two kinds:

- fast unit tests of the pure helpers (chart builders in ``views/charts.py``, number
  formatting in ``views/ui.py``, environment parsing in ``views/data.py``) on small frames;
- AppTest smoke tests of every page, through the entry point ``apps/streamlit_app.py``
  (a page file run alone fails on ``st.page_link``), on the sample centre.

Planning the sample centre (forecast + rota MILP) takes tens of seconds, so the plan runs
once per module: the ``planned`` fixture is module-scoped, clears Streamlit's caches once
(they live for the whole pytest process, so another module's plan could leak in), sets a
short solver time limit and runs the overview page, which plans. Every page test then
starts a fresh ``AppTest`` (fresh session state, so tests do not depend on each other's
widget values) and finds the plan in ``st.cache_resource``. Re-planning per test would cost
about half a minute each.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import altair as alt
import pandas as pd
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

APP = Path(__file__).resolve().parents[2] / "apps" / "streamlit_app.py"
sys.path.insert(0, str(APP.parent))

from views import charts, data, state, ui  # noqa: E402
from wfm.errors import ConfigError  # noqa: E402

#: Solver time limit for the app tests [seconds]: with 5 s HiGHS finds no rota for the
#: sample centre yet; it solves it to optimality in about 12 s.
SOLVER_TIME_LIMIT_SECONDS = 40  # the sample solves in about 15 s; room for a busy machine
#: Seconds for the first run, which plans the sample centre.
PLAN_TIMEOUT_SECONDS = 180
#: Seconds for a page run once the plan is cached.
PAGE_TIMEOUT_SECONDS = 30
PAGES = ("views/overview.py", "views/forecast.py", "views/requirements.py", "views/rota.py", "views/whatif.py")
TZ = "Europe/London"


# --- small frames for the pure helpers ---------------------------------------------------
def _times(day: str, start: str, periods: int) -> pd.DatetimeIndex:
    return pd.date_range(f"{day} {start}", periods=periods, freq="15min", tz=TZ)


def small_forecast() -> pd.DataFrame:
    """Two queues, two days open 08:00-10:00 (8 intervals a day): a night gap between."""
    times = _times("2026-03-30", "08:00", 8).append(_times("2026-03-31", "08:00", 8))
    frames = [
        pd.DataFrame(
            {"interval_start": times, "queue": queue, "offered": [10.0 + i for i in range(16)], "aht_seconds": 200.0}
        )
        for queue in ("sales", "support")
    ]
    return pd.concat(frames, ignore_index=True)


def small_rota() -> tuple[pd.DataFrame, pd.DataFrame]:
    start = pd.Timestamp("2026-03-30 08:00", tz=TZ)
    pieces = [("work", 0, 90), ("break", 90, 105), ("work", 105, 120)]
    rows = [
        {
            "agent_id": agent,
            "date": dt.date(2026, 3, 30) + dt.timedelta(days=day),
            "activity": activity,
            "start": start + pd.Timedelta(days=day, minutes=begin),
            "end": start + pd.Timedelta(days=day, minutes=end),
        }
        for agent, days in (("A2", (0, 1)), ("A1", (0,)))
        for day in days
        for activity, begin, end in pieces
    ]
    people = pd.DataFrame(
        {
            "agent_id": ["A1", "A2", "A3"],
            "name": ["Ada", "Bo", "Cy"],
            "team": ["Red", "Blue", "Red"],
            "contract": "full_time",
            "days_worked": [1, 2, 0],
            "paid_hours": [2.0, 4.0, 0.0],
            "weekend_days": 0,
        }
    )
    return pd.DataFrame(rows), people


# --- chart builders ------------------------------------------------------------------------
def test_wall_clock_keeps_local_time_and_drops_the_zone():
    times = pd.Series(pd.to_datetime(["2026-03-29 00:30", "2026-03-29 03:30"]).tz_localize(TZ))  # DST day
    local = charts.wall_clock(times)
    assert local.dt.tz is None
    assert local.dt.strftime("%H:%M").tolist() == ["00:30", "03:30"]


def test_segments_start_again_after_closed_hours():
    times = charts.wall_clock(pd.Series(small_forecast().query("queue == 'sales'")["interval_start"]))
    assert charts.segments(times.reset_index(drop=True), 15).tolist() == [0] * 8 + [1] * 8


def test_forecast_frame_takes_the_last_weeks_of_one_queue():
    forecast = small_forecast()
    history = pd.concat(
        [forecast.assign(interval_start=forecast["interval_start"] - pd.Timedelta(weeks=weeks)) for weeks in (1, 2, 3)]
    )
    frame = charts.forecast_frame(history, forecast, "sales", history_weeks=2, interval_minutes=15)
    assert set(frame["series"]) == {"history", "forecast"}
    assert (frame["series"] == "forecast").sum() == 16
    # The last two weeks of history: weeks 1 and 2 before the forecast (32 rows), not week 3.
    assert (frame["series"] == "history").sum() == 32
    assert frame["time"].dt.tz is None
    chart = charts.forecast_chart(frame, "offered")
    spec = chart.to_dict()  # validates against the Vega-Lite schema
    assert spec["mark"]["type"] == "line"
    assert spec["encoding"]["x"]["scale"]["type"] == "utc"
    assert spec["encoding"]["detail"]["field"] == "segment"


def test_heatmap_frame_is_day_by_time_of_day():
    requirements = small_forecast().assign(agents_scheduled_required=lambda f: f["offered"] // 5)
    frame = charts.heatmap_frame(requirements, "support")
    assert len(frame) == 16
    assert frame["day"].unique().tolist() == ["Mon 30 Mar", "Tue 31 Mar"]
    assert frame["time_of_day"].iloc[:2].tolist() == ["08:00", "08:15"]
    spec = charts.requirements_heatmap(frame).to_dict()
    assert spec["mark"]["type"] == "rect"
    assert spec["encoding"]["y"]["sort"] == ["Mon 30 Mar", "Tue 31 Mar"]
    assert spec["encoding"]["x"]["axis"]["values"] == ["08:00", "09:00"]


def test_gantt_frame_filters_by_team_and_day():
    rota, people = small_rota()
    everything = charts.gantt_frame(rota, people)
    assert len(everything) == 9
    assert everything["agent"].iloc[0] == "Bo (A2)"  # sorted by team, then name
    assert set(everything["activity"]) == {"work", "break"}
    red = charts.gantt_frame(rota, people, team="Red")
    assert set(red["agent"]) == {"Ada (A1)"}
    tuesday = charts.gantt_frame(rota, people, day="2026-03-31")
    assert set(tuesday["agent"]) == {"Bo (A2)"} and len(tuesday) == 3
    assert tuesday["when"].iloc[0] == "Tue 08:00–09:30"
    spec = charts.gantt_chart(everything).to_dict()
    assert spec["mark"]["type"] == "bar"
    assert spec["encoding"]["color"]["scale"]["domain"] == ["work", "break", "lunch"]
    assert spec["encoding"]["x2"]["field"] == "end"
    assert charts.gantt_frame(rota, people, team="Red", day="2026-03-31").empty


def test_coverage_frame_has_scheduled_and_required():
    coverage = small_forecast().assign(agents_scheduled=3.0, agents_scheduled_required=4.0)
    frame = charts.coverage_frame(coverage, "sales", 15)
    assert frame.groupby("series")["value"].first().to_dict() == {"required": 4.0, "scheduled": 3.0}
    assert charts.coverage_chart(frame).to_dict()["mark"]["interpolate"] == "step-after"


def test_service_level_chart_compares_scenarios_with_the_target():
    projected = small_forecast().assign(service_level=0.8)
    frame = charts.service_level_frame(
        {"base": projected, "what if": projected.assign(service_level=0.7)}, "sales", 15
    )
    assert frame.groupby("series")["value"].first().to_dict() == {"base": 0.8, "what if": 0.7}
    layered = charts.service_level_chart(frame, target=0.8)
    assert isinstance(layered, alt.LayerChart)
    assert len(layered.to_dict()["layer"]) == 2
    assert isinstance(charts.service_level_chart(frame), alt.Chart)


def test_forecast_band_is_drawn_under_the_forecast_line():
    forecast = small_forecast().assign(offered_p10=lambda f: f["offered"] - 3, offered_p90=lambda f: f["offered"] + 3)
    band = charts.forecast_band_frame(forecast, "sales", 15)
    assert len(band) == 16 and (band["low"] < band["high"]).all()
    assert band["segment"].nunique() == 2  # the night between the two days is not bridged
    frame = charts.forecast_frame(forecast.iloc[:0], forecast, "sales", history_weeks=1, interval_minutes=15)
    spec = charts.forecast_band_chart(frame, band).to_dict()
    assert [layer["mark"]["type"] for layer in spec["layer"]] == ["area", "line"]
    assert spec["layer"][0]["encoding"]["y2"]["field"] == "high"
    assert charts.forecast_band_frame(small_forecast(), "sales", 15).empty  # no quantiles: no band


def test_leaderboard_chart_has_one_row_per_horizon():
    board = pd.DataFrame(
        {"queue": "sales", "horizon_days": [1, 1, 7, 7], "rank": [1, 2, 1, 2], "model": ["top_down", "seasonal_naive"] * 2,
         "wape": [0.07, 0.11, 0.08, 0.12], "mape": 0.1, "mase": 0.7, "bias": 0.0, "days": 4, "intervals": 100}
    )
    spec = charts.leaderboard_chart(board).to_dict()
    assert spec["mark"]["type"] == "bar"
    assert spec["encoding"]["row"]["field"] == "horizon"
    assert spec["encoding"]["y"]["sort"] == ["top_down", "seasonal_naive"]


# --- formatting and settings -------------------------------------------------------------
def test_numbers_are_shown_in_percent_and_units():
    assert ui.percent(0.8123) == "81.2 %"
    assert ui.percent(0.8, 0) == "80 %"
    assert ui.percent(None) == ui.MISSING
    assert ui.percent(float("nan")) == ui.MISSING
    assert ui.percentage_points(-0.031) == "-3.1 pp"
    assert ui.seconds(float("inf")) == ui.INFINITE
    assert ui.hours(1234.56) == "1,234.6 h"
    assert ui.change(0.80, 0.85, ui.percentage_points) == "+5.0 pp"
    assert ui.change(10.0, 8.0, ui.hours) == "-2.0 h"
    assert ui.change(float("inf"), 3.0, ui.seconds) is None
    assert ui.change(29.3, 29.3, ui.seconds) is None  # no arrow for no change


def test_settings_come_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.delenv(data.CENTRE_ENV, raising=False)
    monkeypatch.delenv(data.TIME_LIMIT_ENV, raising=False)
    assert data.centre_path() == data.DEFAULT_CENTRE
    assert data.time_limit_seconds() is None
    monkeypatch.setenv(data.CENTRE_ENV, str(tmp_path / "centre.toml"))
    monkeypatch.setenv(data.TIME_LIMIT_ENV, "7.5")
    assert data.centre_path() == tmp_path / "centre.toml"
    assert data.time_limit_seconds() == 7.5
    monkeypatch.setenv(data.TIME_LIMIT_ENV, "soon")
    with pytest.raises(ConfigError, match=data.TIME_LIMIT_ENV):
        data.time_limit_seconds()


# --- the app through its entry point ----------------------------------------------------
def _assert_clean(at: AppTest) -> None:
    assert not at.exception, [element.value for element in at.exception]
    assert not at.error, [element.value for element in at.error]


def _metrics(at: AppTest) -> dict[str, str]:
    return {metric.label: metric.value for metric in at.metric}


def _percent(text: str) -> float:
    return float(text.removesuffix("%").strip())


def _open(page: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=PAGE_TIMEOUT_SECONDS).run()
    if page != PAGES[0]:
        at.switch_page(page).run()
    return at


def test_a_missing_centre_file_is_an_error_message_not_a_traceback(monkeypatch, tmp_path):
    monkeypatch.setenv(data.CENTRE_ENV, str(tmp_path / "nowhere.toml"))
    at = AppTest.from_file(APP, default_timeout=PAGE_TIMEOUT_SECONDS).run()
    assert not at.exception
    assert len(at.error) == 1
    assert "centre file not found" in at.error[0].value
    at.switch_page("views/whatif.py").run()
    assert not at.exception
    assert "centre file not found" in at.error[0].value
    assert at.button(key="rerun_plan_after_error")


@pytest.fixture(scope="module")
def planned():
    """The overview page after planning the sample centre once for the whole module."""
    if not data.DEFAULT_CENTRE.exists():
        pytest.skip("no sample centre: run `python -m wfm.data.sample data/sample`")
    with pytest.MonkeyPatch.context() as patch:
        patch.delenv(data.CENTRE_ENV, raising=False)
        patch.setenv(data.TIME_LIMIT_ENV, str(SOLVER_TIME_LIMIT_SECONDS))
        st.cache_data.clear()
        st.cache_resource.clear()
        at = AppTest.from_file(APP, default_timeout=PLAN_TIMEOUT_SECONDS).run()
        yield at


@pytest.mark.slow
def test_overview_shows_service_per_queue_and_the_solve(planned):
    _assert_clean(planned)
    metrics = _metrics(planned)
    for label in ("Service level — sales", "Service level — support", "Service level — all queues"):
        assert metrics[label].endswith("%")
    for label in ("Solver status", "Objective", "Bound", "Gap", "Solve time", "Paid hours"):
        assert label in metrics
    assert metrics["Solver status"] in {"optimal", "within the gap target", "feasible"}
    assert planned.button[0].label == "Re-run plan"
    assert len(planned.dataframe) == 2  # service per queue, time taken


@pytest.mark.slow
def test_forecast_page_draws_history_and_forecast(planned):
    at = _open("views/forecast.py")
    _assert_clean(at)
    assert len(at.get("vega_lite_chart")) == 2
    assert at.selectbox(key=state.QUEUE).value == "sales"
    at.selectbox(key=state.QUEUE).set_value("support").run()
    _assert_clean(at)
    assert "Forecast contacts" in _metrics(at)
    assert _metrics(at)["Overridden intervals"] == "0"
    assert len(at.get("arrow_data_frame")) >= 1 or at.get("data_editor")  # the overrides table


@pytest.mark.slow
def test_forecast_page_backtest_shows_the_leaderboard(planned):
    at = _open("views/forecast.py")
    at.button(key=state.FORECAST_BACKTEST).click().run(timeout=PLAN_TIMEOUT_SECONDS)
    _assert_clean(at)
    assert len(at.get("vega_lite_chart")) == 3  # forecast with band, AHT, leaderboard
    board = at.dataframe[-1].value
    assert {"model", "wape", "rank", "horizon_days"} <= set(board.columns)
    assert set(board["horizon_days"]) == {1, 7}
    assert (board.groupby("horizon_days")["rank"].min() == 1).all()


@pytest.mark.slow
def test_requirements_page_draws_a_heat_map(planned):
    at = _open("views/requirements.py")
    _assert_clean(at)
    assert len(at.get("vega_lite_chart")) == 1
    assert _metrics(at)["Shrinkage"] == "30 %"
    at.selectbox(key=state.REQUIREMENTS_MEASURE).set_value("offered").run()
    _assert_clean(at)


@pytest.mark.slow
def test_rota_page_draws_gantt_and_coverage(planned):
    at = _open("views/rota.py")
    _assert_clean(at)
    assert len(at.get("vega_lite_chart")) == 2
    assert len(at.dataframe) == 1  # hours per agent
    assert at.selectbox(key=state.ROTA_DAY).index == 1  # the first day of the week
    at.selectbox(key=state.ROTA_DAY).select_index(0).run()  # the whole week
    _assert_clean(at)


@pytest.mark.slow
def test_whatif_more_volume_lowers_the_service_level(planned):
    at = _open("views/whatif.py")
    _assert_clean(at)
    metrics = _metrics(at)
    assert metrics["Service level (what if)"] == metrics["Service level (base)"]
    assert len(at.get("vega_lite_chart")) == 1
    at.slider(key=state.WHATIF_VOLUME_CHANGE_PERCENT).set_value(20).run()
    _assert_clean(at)
    metrics = _metrics(at)
    assert _percent(metrics["Service level (what if)"]) < _percent(metrics["Service level (base)"])
    at.slider(key=state.WHATIF_SHRINKAGE_PERCENT).set_value(10).run()  # less shrinkage: better
    _assert_clean(at)
    assert _percent(_metrics(at)["Service level (what if)"]) > _percent(metrics["Service level (what if)"])


@pytest.mark.slow
def test_the_queue_choice_follows_the_user_between_pages(planned):
    at = _open("views/forecast.py")
    at.selectbox(key=state.QUEUE).set_value("support").run()
    at.switch_page("views/rota.py").run()
    _assert_clean(at)
    assert at.selectbox(key=state.QUEUE).value == "support"
