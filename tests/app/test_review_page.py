"""The Review page: its pure helpers, and the page through the app's entry point."""

from __future__ import annotations

import datetime as dt

import altair as alt
import numpy as np
import pandas as pd
from app_testing import assert_no_exception, open_page

from helpers import review_charts, ui
from wfm.data.history import validate_history_frame
from wfm.plan.workspace import Workspace
from wfm.staffing.service_level_definitions import ServiceLevelDefinition

PAGE = "views/review.py"
TZ = "Europe/London"


# --- pure helpers ---------------------------------------------------------------------------
def test_only_the_variants_the_counts_allow_are_offered():
    sample = [
        "interval_start",
        "queue",
        "offered",
        "aht_seconds",
        "handled",
        "abandoned",
        "answered_within_threshold",
    ]
    assert set(review_charts.supported_definitions(sample)) == {
        ServiceLevelDefinition.ANSWERED_ONLY,
        ServiceLevelDefinition.ALL_ABANDONS_AGAINST,
    }
    assert review_charts.supported_definitions(["offered", "handled"]) == []
    assert (
        len(
            review_charts.supported_definitions(
                [*sample, "abandoned_within_threshold", "short_abandoned"]
            )
        )
        == 5
    )


def test_period_selection_is_by_local_date():
    starts = pd.to_datetime(
        ["2026-11-08 23:45", "2026-11-09 00:00", "2026-11-10 23:45"]
    ).tz_localize(TZ)
    frame = pd.DataFrame({"interval_start": starts, "queue": "sales", "offered": [1.0, 2.0, 3.0]})
    picked = review_charts.in_period(frame, dt.date(2026, 11, 9), dt.date(2026, 11, 10))
    assert picked["offered"].tolist() == [2.0, 3.0]
    assert review_charts.in_period(None, dt.date(2026, 11, 9), dt.date(2026, 11, 9)) is None
    assert review_charts.date_span(frame) == (dt.date(2026, 11, 8), dt.date(2026, 11, 10))
    assert review_charts.date_span(frame.iloc[0:0]) is None


def test_daily_and_interval_charts():
    by_day = pd.DataFrame(
        {
            "date": [dt.date(2026, 11, 9), dt.date(2026, 11, 10)],
            "queue": "sales",
            "service_level": [0.8, np.nan],
        }
    )
    frame = review_charts.daily_frame(by_day, "service_level")
    assert len(frame) == 1 and frame["day"].iloc[0] == "Mon 09 Nov 2026"
    assert isinstance(review_charts.daily_chart(frame, "service_level", 0.8), alt.LayerChart)
    review_charts.daily_chart(frame, "service_level").to_dict()
    starts = pd.date_range("2026-11-09 08:00", periods=3, freq="15min", tz=TZ)
    intervals = pd.DataFrame(
        {
            "interval_start": starts,
            "queue": "sales",
            "offered": [5.0, 6.0, 7.0],
            "forecast_offered": [np.nan, 6.5, 6.0],
            "agents_required": np.nan,
            "agents_scheduled": np.nan,
            "agents_actual": np.nan,
        }
    )
    long = review_charts.forecast_vs_actual_frame(intervals, "sales", 15)
    assert long.groupby("series")["value"].count().to_dict() == {"actual": 3, "forecast": 2}
    review_charts.interval_chart(long, "Contacts offered").to_dict()
    assert review_charts.staff_frame(
        intervals, "sales", 15
    ).empty  # no staffing data: nothing to draw


# --- the page -------------------------------------------------------------------------------
def test_empty_store_points_to_the_data_page(app_env):
    app = open_page(PAGE)
    assert_no_exception(app)
    assert any("no history" in info.value for info in app.info)


def test_planned_store_reviews_the_last_week_and_explains_what_is_missing(planned_store):
    """The saved forecast is for the week after the history: no overlap, so no WAPE."""
    app = open_page(PAGE)
    assert_no_exception(app)
    assert not app.error, [e.value for e in app.error]
    shown = {m.label: m.value for m in app.metric}
    # The sample history has wait totals (ASA = sum of waits / handled): an 80/20 and an 80/30 queue.
    assert shown["ASA"].endswith(" s") and 10 < float(shown["ASA"].removesuffix(" s")) < 40
    assert shown["Forecast WAPE"] == ui.MISSING
    assert any("No saved forecast covers" in info.value for info in app.info)
    assert len(app.get("download_button")) == 3  # per day, per interval, the HTML report
    assert app.get("vega_lite_chart")


def test_asa_comes_from_the_wait_totals(app_env):
    # Two days of sales: 8 + 27 answered with 80 s and 270 s of waiting, then 20 with 600 s.
    frame = pd.DataFrame(
        {
            "interval_start": [
                "2026-11-09T08:00:00+00:00",
                "2026-11-09T08:15:00+00:00",
                "2026-11-10T08:00:00+00:00",
            ],
            "queue": "sales",
            "offered": [10, 30, 20],
            "aht_seconds": [100.0, 200.0, 300.0],
            "handled": [8, 27, 20],
            "abandoned": [2, 3, 0],
            "answered_within_threshold": [8, 18, 10],
            "total_wait_seconds": [80.0, 270.0, 600.0],
        }
    )
    history = validate_history_frame(frame, source="waits.csv", timezone=TZ, interval_minutes=15)
    Workspace.open(f"sqlite:///{app_env}", actor="test").save_history(history)
    app = open_page(PAGE)
    assert_no_exception(app)
    shown = {m.label: m.value for m in app.metric}
    assert shown["ASA"] == ui.seconds(
        950 / 55
    )  # 17.3 s: the period's waits over its answered contacts
    assert shown["AHT"] == ui.seconds((800 + 5400 + 6000) / 55, 0)
    assert shown["Abandoned"] == ui.percent(5 / 60)
    # all abandons against: answered within threshold / offered = 36 / 60
    assert shown["Service level"] == ui.percent(36 / 60)


def test_first_visit_says_no_saved_forecast_covers_the_period_as_a_note(planned_store):
    """Regression (issue 16, item 9): the first visit compared the saved (future) forecast with
    a past week; now the page looks for a saved forecast covering the period and says, as a
    note, that there is none."""
    app = open_page(PAGE)
    assert_no_exception(app)
    assert not app.error, [e.value for e in app.error]
    assert any("No saved forecast covers" in box.value for box in app.info)


def test_the_saved_forecast_covering_the_period_is_used_even_when_a_newer_one_is_not(planned_store):
    """Item 9: the forecast compared is the newest one covering the period, not the newest."""
    ws = Workspace(f"sqlite:///{planned_store}")
    history = ws.latest_history().frame
    dates = history["interval_start"].dt.date
    last_week = history[dates >= dates.max() - dt.timedelta(days=6)]
    future = ws.latest_forecast()
    ws.save_forecast(
        last_week[["interval_start", "queue", "offered", "aht_seconds"]].reset_index(drop=True)
    )
    ws.save_forecast(future.frame, future.meta)  # the newest again: a forecast of the future
    app = open_page(PAGE)
    assert_no_exception(app)
    shown = {m.label: m.value for m in app.metric}
    assert shown["Forecast WAPE"] == ui.percent(0.0)  # the forecast is the actuals themselves


def test_a_volume_only_history_is_a_note_not_an_error(app_env):
    frame = pd.DataFrame(
        {
            "interval_start": ["2026-11-09T08:00:00+00:00", "2026-11-09T08:15:00+00:00"],
            "queue": "sales",
            "offered": [10, 30],
            "aht_seconds": [100.0, 200.0],
        }
    )
    history = validate_history_frame(frame, source="volumes.csv", timezone=TZ, interval_minutes=15)
    Workspace.open(f"sqlite:///{app_env}", actor="test").save_history(history)
    app = open_page(PAGE)
    assert_no_exception(app)
    assert not app.error, [e.value for e in app.error]
    assert any("volumes only" in box.value for box in app.info)
