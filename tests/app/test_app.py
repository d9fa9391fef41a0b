"""Tests of the Streamlit app.

Two kinds:

- fast unit tests of the pure helpers (chart builders in ``helpers/charts.py``, number
  formatting in ``helpers/ui.py``, environment parsing in ``helpers/data.py``) on small frames;
- AppTest smoke tests of every page, through the entry point ``apps/streamlit_app.py``
  (a page file run alone fails on ``st.page_link``), on an empty workspace and on one
  holding a planned sample week (fixtures in ``conftest.py``). Each page's own flows are in
  ``test_<page>_page.py``.
"""

from __future__ import annotations

import datetime as dt

import altair as alt
import pandas as pd
import pytest
from app_testing import assert_no_exception, open_page

from helpers import charts, data, gantt_charts, ui
from helpers.pages import PAGES
from wfm.errors import ConfigError

TZ = "Europe/London"


# --- small frames for the pure helpers ---------------------------------------------------
def _times(day: str, start: str, periods: int) -> pd.DatetimeIndex:
    return pd.date_range(f"{day} {start}", periods=periods, freq="15min", tz=TZ)


def small_forecast() -> pd.DataFrame:
    """Two queues, two days open 08:00-10:00 (8 intervals a day): a night gap between."""
    times = _times("2026-03-30", "08:00", 8).append(_times("2026-03-31", "08:00", 8))
    frames = [
        pd.DataFrame(
            {
                "interval_start": times,
                "queue": queue,
                "offered": [10.0 + i for i in range(16)],
                "aht_seconds": 200.0,
            }
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
    times = pd.Series(
        pd.to_datetime(["2026-03-29 00:30", "2026-03-29 03:30"]).tz_localize(TZ)
    )  # DST day
    local = charts.wall_clock(times)
    assert local.dt.tz is None
    assert local.dt.strftime("%H:%M").tolist() == ["00:30", "03:30"]


def test_segments_start_again_after_closed_hours():
    times = charts.wall_clock(
        pd.Series(small_forecast().query("queue == 'sales'")["interval_start"])
    )
    assert charts.segments(times.reset_index(drop=True), 15).tolist() == [0] * 8 + [1] * 8


def test_forecast_frame_takes_the_last_weeks_of_one_queue():
    forecast = small_forecast()
    history = pd.concat(
        [
            forecast.assign(interval_start=forecast["interval_start"] - pd.Timedelta(weeks=weeks))
            for weeks in (1, 2, 3)
        ]
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
    everything = gantt_charts.gantt_frame(rota, people)
    assert len(everything) == 9
    assert everything["agent"].iloc[0] == "Bo (A2)"  # sorted by team, then name
    assert set(everything["activity"]) == {"work", "break"}
    red = gantt_charts.gantt_frame(rota, people, team="Red")
    assert set(red["agent"]) == {"Ada (A1)"}
    tuesday = gantt_charts.gantt_frame(rota, people, day="2026-03-31")
    assert set(tuesday["agent"]) == {"Bo (A2)"} and len(tuesday) == 3
    assert tuesday["when"].iloc[0] == "Tue 08:00–09:30"
    spec = gantt_charts.gantt_chart(everything).to_dict()
    assert spec["mark"]["type"] == "bar"
    assert spec["encoding"]["color"]["scale"]["domain"] == ["work", "break", "lunch"]
    # an off-phone session appears in the legend only when the rota has one
    coached = everything.copy()
    coached.loc[coached.index[0], "activity"] = "coaching"
    colour = gantt_charts.gantt_chart(coached).to_dict()["encoding"]["color"]["scale"]
    assert colour["domain"] == ["work", "break", "lunch", "coaching"]
    assert colour["range"][-1] == gantt_charts.ACTIVITY_COLOURS["coaching"]
    assert spec["encoding"]["x2"]["field"] == "end"
    assert gantt_charts.gantt_frame(rota, people, team="Red", day="2026-03-31").empty


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
    forecast = small_forecast().assign(
        offered_p10=lambda f: f["offered"] - 3, offered_p90=lambda f: f["offered"] + 3
    )
    band = charts.forecast_band_frame(forecast, "sales", 15)
    assert len(band) == 16 and (band["low"] < band["high"]).all()
    assert band["segment"].nunique() == 2  # the night between the two days is not bridged
    frame = charts.forecast_frame(
        forecast.iloc[:0], forecast, "sales", history_weeks=1, interval_minutes=15
    )
    spec = charts.forecast_band_chart(frame, band).to_dict()
    assert [layer["mark"]["type"] for layer in spec["layer"]] == ["area", "line"]
    assert spec["layer"][0]["encoding"]["y2"]["field"] == "high"
    assert charts.forecast_band_frame(small_forecast(), "sales", 15).empty  # no quantiles: no band


def test_leaderboard_chart_has_one_row_per_horizon():
    board = pd.DataFrame(
        {
            "queue": "sales",
            "horizon_days": [1, 1, 7, 7],
            "rank": [1, 2, 1, 2],
            "model": ["top_down", "seasonal_naive"] * 2,
            "wape": [0.07, 0.11, 0.08, 0.12],
            "mape": 0.1,
            "mase": 0.7,
            "bias": 0.0,
            "days": 4,
            "intervals": 100,
        }
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
    monkeypatch.delenv(data.STORE_ENV, raising=False)
    assert data.centre_path() == data.DEFAULT_CENTRE
    assert data.time_limit_seconds() is None
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    assert data.store_url() == f"sqlite:///{tmp_path / 'wfm' / 'wfm.db'}"  # the CLI's default
    monkeypatch.setenv(data.STORE_ENV, "sqlite:///elsewhere.db")
    assert data.store_url() == "sqlite:///elsewhere.db"
    monkeypatch.setenv(data.CENTRE_ENV, str(tmp_path / "centre.toml"))
    monkeypatch.setenv(data.TIME_LIMIT_ENV, "7.5")
    assert data.centre_path() == tmp_path / "centre.toml"
    assert data.time_limit_seconds() == 7.5
    monkeypatch.setenv(data.TIME_LIMIT_ENV, "soon")
    with pytest.raises(ConfigError, match=data.TIME_LIMIT_ENV):
        data.time_limit_seconds()


# --- every page through the entry point -------------------------------------------------
ALL_PAGES = tuple(page.path for page in PAGES)


@pytest.mark.parametrize("page", ALL_PAGES)
def test_every_page_opens_on_an_empty_workspace_without_a_traceback(app_env, page):
    app = open_page(page)
    assert_no_exception(app)
    assert not app.error, [element.value for element in app.error]


@pytest.mark.parametrize("page", ALL_PAGES)
def test_every_page_opens_on_a_planned_workspace_without_a_traceback(planned_store, page):
    app = open_page(page)
    assert_no_exception(app)
    assert not app.error, [element.value for element in app.error]


def test_a_missing_centre_file_is_an_error_message_not_a_traceback(app_env, monkeypatch, tmp_path):
    monkeypatch.setenv(data.CENTRE_ENV, str(tmp_path / "nowhere.toml"))
    app = open_page("views/settings.py")  # no saved settings: the page reads the centre file
    assert_no_exception(app)
    assert any("centre file not found" in element.value for element in app.error)


def test_compact_figures_fit_a_metric_tile():
    """Regression (issue 16, item 7): "23,290.…" at 1280 px. Long figures are shortened with
    a thousands letter; nothing becomes longer than 8 characters before its unit."""
    from helpers import ui

    assert ui.compact(23290.4, "h") == "23.3k h"
    assert ui.compact(1580.04, "h") == "1,580 h"
    assert ui.compact(20.84, "h") == "20.8 h"
    assert ui.compact(-2_500_000) == "-2.5M"
    assert ui.compact(float("nan")) == ui.MISSING
    for value in (0.5, 999.95, 9_999.4, 10_000, 123_456.7, 9.9e8, 3.2e9):
        assert len(ui.compact(value)) <= 8, ui.compact(value)
    assert ui.asa_text(63.4, 0.97) == ui.UNBOUNDED
    assert ui.asa_text(63.4, 1.0) == ui.seconds(63.4)
    assert ui.asa_note(63.4, 1.0, 0.0) is None
    assert "3.0 %" in ui.asa_note(63.4, 0.97, 120.0)


def test_errors_speak_of_the_app_not_of_files_docs_or_options():
    """Regression (issue 16, item 10): errors pointed to "the centre file", docs/ and CLI flags."""
    from helpers import ui

    said = ui.planner_words(
        "the agents table, line 2, column 'queues': unknown queue (value: 'sales'). "
        "Fix: use queues defined in the centre file (calls)"
    )
    assert "centre file" not in said and "centre settings (Settings page)" in said
    said = ui.planner_words("Fix: give the mean patience in seconds, e.g. --patience-seconds 120")
    assert "--" not in said and said.endswith("in seconds")
    said = ui.planner_words("bad column. Fix: see docs/data-formats.md for every field")
    assert "docs/" not in said
    said = ui.planner_words(  # the example of a mapping, as the column matcher writes it
        "Fix: rename the column in the file, or map file columns to wfm names (e.g. --map "
        "'Start Time=arrival_time', column_map={'Start Time': 'arrival_time'}); names match"
    )
    assert (
        said == "Fix: rename the column in the file, or map file columns to wfm names; names match"
    )
    assert ui.planner_words("plain words stay") == "plain words stay"


def test_two_series_of_one_chart_never_share_a_colour():
    """Regression (issue 16, item 6): the saved and edited service-level lines were one colour."""
    from helpers import charts

    assert charts.series_colours(["saved", "edited"]) == ["#4c78a8", "#e45756"]
    for names in (["version 3"], ["a", "b", "c"], ["base", "what if", "kept 1", "kept 2"]):
        colours = charts.series_colours(names)
        assert len(set(colours)) == len(names), (names, colours)
