"""Charts and selections of the Review page: pure functions, no Streamlit.

The KPIs come from :func:`wfm.review.kpi.review_kpis`; this module picks rows (a period, an
overlap) and shapes frames for drawing, in site wall-clock time (see :mod:`helpers.charts`).
"""

from __future__ import annotations

import datetime as dt

import altair as alt
import pandas as pd

from helpers.charts import (
    SERIES_COLOURS,
    interval_tooltip,
    measure_axes,
    queue_series,
    time_x,
    with_target,
)
from wfm.staffing.service_level_definitions import REQUIRED_COUNTS, ServiceLevelDefinition

#: Daily KPIs the review can draw: column -> (title, axis format).
DAILY_MEASURES = measure_axes(
    "service_level",
    "abandonment_rate",
    "aht_seconds",
    "asa_seconds",
    "occupancy",
    "wape",
    "offered",
)
#: Series of the staffing chart: column of ``KpiReview.by_interval`` -> label.
STAFF_SERIES = {
    "agents_required": "required",
    "agents_scheduled": "scheduled",
    "agents_actual": "actual",
}


def supported_definitions(columns) -> list[ServiceLevelDefinition]:
    """The service-level counting variants a history with ``columns`` can compute
    (``answered`` may be given as ``handled``)."""
    present = set(columns) | ({"answered"} if "handled" in columns else set())
    return [rule for rule, needed in REQUIRED_COUNTS.items() if set(needed) <= present]


def in_period(frame: pd.DataFrame | None, first: dt.date, last: dt.date) -> pd.DataFrame | None:
    """Rows of ``frame`` whose ``interval_start`` falls on a local date from ``first`` to
    ``last`` (inclusive); ``None`` stays ``None``."""
    if frame is None:
        return None
    dates = frame["interval_start"].dt.date
    return frame[(dates >= first) & (dates <= last)].reset_index(drop=True)


def date_span(frame: pd.DataFrame) -> tuple[dt.date, dt.date] | None:
    """First and last local date of ``frame``'s ``interval_start`` (``None`` when empty)."""
    if frame is None or frame.empty:
        return None
    dates = frame["interval_start"].dt.date
    return dates.min(), dates.max()


def daily_frame(by_day: pd.DataFrame, measure: str) -> pd.DataFrame:
    """``date`` (naive timestamp), ``day`` (text), ``queue``, ``value`` of one daily KPI,
    missing values dropped."""
    dates = pd.to_datetime(by_day["date"].astype(str))
    frame = pd.DataFrame(
        {
            "date": dates,
            "day": dates.dt.strftime("%a %d %b %Y"),
            "queue": by_day["queue"].astype(str),
            "value": pd.to_numeric(by_day[measure], errors="coerce"),
        }
    )
    return frame.dropna(subset=["value"]).reset_index(drop=True)


def daily_chart(
    frame: pd.DataFrame, measure: str, target: float | None = None
) -> alt.Chart | alt.LayerChart:
    """One line per queue of a daily KPI, points on each day; the target as a dashed rule."""
    title, axis_format = DAILY_MEASURES[measure]
    lines = (
        alt.Chart(frame)
        .mark_line(point=True, strokeWidth=1.5)
        .encode(
            # One band per day (ordinal), so each date is labelled once, never repeated
            # between days as a time axis with half-day ticks did.
            x=alt.X(
                "day:O",
                title="Date",
                sort=list(dict.fromkeys(frame.sort_values("date")["day"])),
                axis=alt.Axis(labelAngle=0, labelOverlap=True),
            ),
            y=alt.Y("value:Q", title=title, axis=alt.Axis(format=axis_format)),
            color=alt.Color("queue:N", title="Queue", legend=alt.Legend(orient="top")),
            tooltip=[
                alt.Tooltip("queue:N", title="Queue"),
                alt.Tooltip("day:N", title="Date"),
                alt.Tooltip("value:Q", title=title, format=axis_format.replace(".0", ".1")),
            ],
        )
        .properties(height=280)
    )
    return with_target(lines, target)


def forecast_vs_actual_frame(
    by_interval: pd.DataFrame, queue: str, interval_minutes: int
) -> pd.DataFrame:
    """Actual and forecast offered contacts per interval of one queue, long format
    (``time, when, series, value, segment``); the forecast only where there is one."""
    return queue_series(
        by_interval,
        queue,
        interval_minutes,
        {"offered": "actual", "forecast_offered": "forecast"},
        drop_missing=True,
    )


def staff_frame(by_interval: pd.DataFrame, queue: str, interval_minutes: int) -> pd.DataFrame:
    """Required, scheduled and actual agents per interval of one queue (the series that exist)."""
    return queue_series(by_interval, queue, interval_minutes, STAFF_SERIES, drop_missing=True)


def interval_chart(frame: pd.DataFrame, y_title: str) -> alt.Chart:
    """Lines per series over local time (forecast vs actual, or required vs scheduled staff)."""
    names = list(dict.fromkeys(frame["series"]))
    colours = {
        "actual": "#222222",
        "forecast": SERIES_COLOURS["forecast"],
        "required": SERIES_COLOURS["required"],
        "scheduled": SERIES_COLOURS["scheduled"],
    }
    return (
        alt.Chart(frame)
        .mark_line(strokeWidth=1.5, interpolate="step-after")
        .encode(
            x=time_x("time"),
            y=alt.Y("value:Q", title=y_title),
            color=alt.Color(
                "series:N",
                title=None,
                legend=alt.Legend(orient="top"),
                scale=alt.Scale(domain=names, range=[colours.get(n, "#72b7b2") for n in names]),
            ),
            detail="segment:N",
            tooltip=interval_tooltip(y_title),
        )
        .properties(height=300)
    )
