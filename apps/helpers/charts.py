"""Charts of a plan: pure functions from frames to altair charts, with no Streamlit.

Each chart has two steps, tested separately: a ``*_frame`` function picks and shapes the
rows to draw (one queue, one team, one day; long format for colour), and a ``*_chart``
function turns that frame into an altair chart.

Time. The plan's frames hold tz-aware timestamps in the centre's time zone. Vega-Lite would
draw them in the browser's zone; the charts draw the site's wall-clock time instead, by
passing naive local times and reading them as UTC (``scale type utc``): 09:00 in London is
drawn at 09:00 wherever the planner sits. Tooltips get preformatted text for the same
reason.

The Gantt chart of a rota is in ``helpers/gantt_charts.py``; the staffing curves are in
``helpers/staffing_charts.py``.

Gaps. Closed hours (nights, holidays) have no rows in a forecast or a rota's coverage. A
line drawn through them would suggest demand at 3 a.m., so each run of consecutive
intervals is its own ``segment`` and lines are drawn per segment.
"""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd

#: Colours of the series compared in line charts.
SERIES_COLOURS = {
    "history": "#9e9e9e",
    "forecast": "#4c78a8",
    "required": "#e45756",
    "scheduled": "#4c78a8",
    "base": "#4c78a8",
    "what if": "#e45756",
    "saved": "#4c78a8",
    "edited": "#e45756",
}
#: Colours of series without one of their own, in order (never two alike in one chart).
FALLBACK_COLOURS = ("#54a24b", "#f58518", "#b279a2", "#72b7b2", "#9d755d", "#bab0ac")
#: Tooltip text of a time: weekday, date and local clock time.
WHEN_FORMAT = "%a %d %b %H:%M"
#: Axis labels of a time axis.
AXIS_FORMAT = "%a %d %b %H:%M"
#: How every chart titles and formats a service measure: column -> (title, axis format). One
#: table, so that a measure reads the same on every page.
MEASURE_AXES = {
    "service_level": ("Service level", ".0%"),
    "abandonment_rate": ("Abandoned", ".0%"),
    "abandon_probability": ("Abandoned", ".0%"),
    "aht_seconds": ("AHT [s]", ",.0f"),
    "asa_seconds": ("ASA [s]", ",.0f"),
    "occupancy": ("Occupancy", ".0%"),
    "wape": ("Forecast WAPE", ".0%"),
    "offered": ("Contacts offered", ",.0f"),
}


def measure_axes(*columns: str) -> dict[str, tuple[str, str]]:
    """The :data:`MEASURE_AXES` of ``columns``, in that order (a chart's choice of measures)."""
    return {column: MEASURE_AXES[column] for column in columns}


#: Measures the requirements heat map can show: column -> title.
REQUIREMENTS_MEASURES = {
    "agents_scheduled_required": "Scheduled agents required (after shrinkage)",
    "agents_required": "Productive agents required",
    "offered": "Contacts offered",
    "traffic_erlangs": "Offered load [Erlang]",
}


# --- helpers ------------------------------------------------------------------------------
def wall_clock(times: pd.Series) -> pd.Series:
    """Local wall-clock time without a zone (tz-aware in, naive out; naive stays)."""
    if isinstance(times.dtype, pd.DatetimeTZDtype):
        return times.dt.tz_localize(None)
    return pd.to_datetime(times)


def segments(times: pd.Series, interval_minutes: int) -> pd.Series:
    """Number of each run of consecutive intervals: a new run starts after a gap.

    >>> t = pd.Series(pd.to_datetime(["2025-01-06 09:00", "2025-01-06 09:15", "2025-01-06 11:00"]))
    >>> segments(t, 15).tolist()
    [0, 0, 1]
    """
    step = pd.Timedelta(minutes=interval_minutes)
    gaps = times.diff() > step
    return gaps.cumsum().astype(int)


def time_x(field: str, title: str | None = "Local time", axis_format: str = AXIS_FORMAT) -> alt.X:
    """A time axis in the site's wall-clock time (see the module's note on time)."""
    return alt.X(
        f"{field}:T",
        title=title,
        scale=alt.Scale(type="utc"),
        axis=alt.Axis(format=axis_format, labelAngle=0, labelOverlap=True),
    )


def share_axis(field: str, title: str, channel=alt.Y, **axis) -> alt.X | alt.Y:
    """An axis of a share from 0 to 100 % (service level, adherence, a share of contacts);
    ``axis`` adds to its :class:`altair.Axis`."""
    return channel(
        f"{field}:Q",
        title=title,
        axis=alt.Axis(format=".0%", **axis),
        scale=alt.Scale(domain=[0, 1]),
    )


def interval_tooltip(
    value_title: str,
    value_format: str = ",.1f",
    *,
    value_field: str = "value",
    series_title: str = "Series",
) -> list[alt.Tooltip]:
    """Tooltip of a line per series over intervals: the series, the interval, the value."""
    return [
        alt.Tooltip("series:N", title=series_title),
        alt.Tooltip("when:N", title="Interval"),
        alt.Tooltip(f"{value_field}:Q", title=value_title, format=value_format),
    ]


def series_colours(names: list[str]) -> list[str]:
    """One colour per series: its own (:data:`SERIES_COLOURS`) or the next unused fallback,
    so that two series of one chart never share a colour."""
    used = {SERIES_COLOURS[name] for name in names if name in SERIES_COLOURS}
    spare = [colour for colour in FALLBACK_COLOURS if colour not in used]
    colours = []
    for name in names:
        if name in SERIES_COLOURS:
            colours.append(SERIES_COLOURS[name])
        else:
            colours.append(spare.pop(0) if spare else FALLBACK_COLOURS[len(colours) % 6])
    return colours


def _colour(field: str, domain: list[str], title: str | None = None) -> alt.Color:
    return alt.Color(
        f"{field}:N",
        title=title,
        scale=alt.Scale(domain=domain, range=series_colours(domain)),
        legend=alt.Legend(orient="top"),
    )


def queue_series(
    frame: pd.DataFrame,
    queue: str,
    interval_minutes: int,
    columns: dict[str, str],
    *,
    drop_missing: bool = False,
) -> pd.DataFrame:
    """Long frame ``time, when, series, value, segment`` of one queue's columns (column ->
    series name), a segment per run of consecutive intervals. With ``drop_missing``, columns
    that are absent or empty are left out, and so are intervals without a value."""
    rows = frame[frame["queue"] == queue].sort_values("interval_start")
    time = wall_clock(rows["interval_start"]).reset_index(drop=True)
    parts = []
    for column, name in columns.items():
        if drop_missing and (column not in rows or rows[column].isna().all()):
            continue
        parts.append(
            pd.DataFrame(
                {
                    "time": time,
                    "when": time.dt.strftime(WHEN_FORMAT),
                    "series": name,
                    "value": pd.to_numeric(rows[column], errors="coerce").to_numpy(dtype=float),
                    "segment": f"{name}-" + segments(time, interval_minutes).astype(str),
                }
            )
        )
    if not parts:
        return pd.DataFrame(columns=["time", "when", "series", "value", "segment"])
    long = pd.concat(parts, ignore_index=True)
    return long.dropna(subset=["value"]).reset_index(drop=True) if drop_missing else long


def with_target(
    lines: alt.Chart, target: float | None, tip_format: str = ".0%"
) -> alt.Chart | alt.LayerChart:
    """``lines`` with the target as a dashed horizontal rule (no rule without a target)."""
    if target is None:
        return lines
    rule = (
        alt.Chart(pd.DataFrame({"target": [target]}))
        .mark_rule(strokeDash=[6, 4], color="#555")
        .encode(y="target:Q", tooltip=[alt.Tooltip("target:Q", title="Target", format=tip_format)])
    )
    return alt.layer(lines, rule)


# --- forecast -----------------------------------------------------------------------------
def forecast_frame(
    history: pd.DataFrame,
    forecast: pd.DataFrame,
    queue: str,
    *,
    history_weeks: int,
    interval_minutes: int,
) -> pd.DataFrame:
    """The last ``history_weeks`` of one queue's history followed by its forecast.

    Returns
    -------
    pandas.DataFrame
        ``time`` (naive local), ``when``, ``series`` (``history`` or ``forecast``),
        ``offered`` [contacts per interval], ``aht_seconds``, ``segment``.
    """
    past = history[history["queue"] == queue]
    if not past.empty:
        cut = past["interval_start"].max() - pd.Timedelta(weeks=history_weeks)
        past = past[past["interval_start"] > cut]
    parts = []
    for name, rows in (("history", past), ("forecast", forecast[forecast["queue"] == queue])):
        rows = rows.sort_values("interval_start")
        time = wall_clock(rows["interval_start"]).reset_index(drop=True)
        parts.append(
            pd.DataFrame(
                {
                    "time": time,
                    "when": time.dt.strftime(WHEN_FORMAT),
                    "series": name,
                    "offered": rows["offered"].to_numpy(dtype=float),
                    "aht_seconds": rows["aht_seconds"].to_numpy(dtype=float),
                    "segment": f"{name}-" + segments(time, interval_minutes).astype(str),
                }
            )
        )
    return pd.concat(parts, ignore_index=True)


def _headroom(values: pd.Series) -> alt.Scale:
    """A scale from 0 to a round value above the largest, so that a flat series (an AHT
    assumed constant) is drawn inside the plot under a labelled gridline, not on its edge.

    >>> _headroom(pd.Series([240.0, 240.0])).to_dict()
    {'domain': [0, 250.0]}
    """
    top = float(pd.to_numeric(values, errors="coerce").max()) if len(values) else float("nan")
    if not np.isfinite(top) or top <= 0:
        return alt.Scale(zero=True)
    step = 10.0 ** np.floor(np.log10(top)) / 2  # 240 -> 50, 37 -> 5, 1,200 -> 500
    return alt.Scale(domain=[0, float(np.floor(top / step) + 1) * step])


def forecast_chart(frame: pd.DataFrame, measure: str = "offered") -> alt.Chart:
    """Line chart of history and forecast of ``measure`` (``offered`` or ``aht_seconds``)."""
    titles = {"offered": "Contacts offered per interval", "aht_seconds": "Average handle time [s]"}
    return (
        alt.Chart(frame)
        .mark_line(strokeWidth=1.5)
        .encode(
            x=time_x("time"),
            y=alt.Y(
                f"{measure}:Q",
                title=titles.get(measure, measure),
                # offered keeps the default scale: the band layered under it sets its top
                scale=_headroom(frame[measure]) if measure == "aht_seconds" else alt.Undefined,
            ),
            color=_colour("series", ["history", "forecast"]),
            detail="segment:N",
            tooltip=interval_tooltip(titles.get(measure, measure), value_field=measure),
        )
        .properties(height=320)
    )


# --- requirements heat map ---------------------------------------------------------------
def heatmap_frame(
    requirements: pd.DataFrame, queue: str, measure: str = "agents_scheduled_required"
) -> pd.DataFrame:
    """One queue's requirement per day (rows) and time of day (columns).

    Returns
    -------
    pandas.DataFrame
        ``date`` (ISO text, for sorting), ``day`` (e.g. ``Mon 06 Jan``), ``time_of_day``
        (``HH:MM``), ``value`` (the ``measure`` column).
    """
    rows = requirements[requirements["queue"] == queue].sort_values("interval_start")
    local = wall_clock(rows["interval_start"])
    return pd.DataFrame(
        {
            "date": local.dt.strftime("%Y-%m-%d").to_numpy(),
            "day": local.dt.strftime("%a %d %b").to_numpy(),
            "time_of_day": local.dt.strftime("%H:%M").to_numpy(),
            "value": rows[measure].to_numpy(dtype=float),
        }
    )


def requirements_heatmap(
    frame: pd.DataFrame, title: str = "Scheduled agents required"
) -> alt.Chart:
    """Heat map of a requirement: day × time of day; closed intervals stay blank."""
    days = frame.drop_duplicates("date").sort_values("date")["day"].tolist()
    times = sorted(frame["time_of_day"].unique())
    hours = [time for time in times if time.endswith(":00")]
    return (
        alt.Chart(frame)
        .mark_rect()
        .encode(
            x=alt.X(
                "time_of_day:O",
                title="Time of day",
                sort=times,
                axis=alt.Axis(values=hours, labelAngle=-45),
            ),
            y=alt.Y("day:O", title=None, sort=days),
            color=alt.Color(
                "value:Q",
                title=title,
                scale=alt.Scale(scheme="blues"),
                legend=alt.Legend(orient="top", titleLimit=600, gradientLength=240),
            ),
            tooltip=[
                alt.Tooltip("day:O", title="Day"),
                alt.Tooltip("time_of_day:O", title="Time"),
                alt.Tooltip("value:Q", title=title, format=",.1f"),
            ],
        )
        .properties(height=alt.Step(28))  # one 28-px band per day, whatever the container
    )


# --- rota ---------------------------------------------------------------------------------
def coverage_frame(coverage: pd.DataFrame, queue: str, interval_minutes: int) -> pd.DataFrame:
    """Scheduled agents and the scheduled requirement of one queue, in long format.

    Returns
    -------
    pandas.DataFrame
        ``time, when, series`` (``scheduled`` or ``required``), ``value`` [agents],
        ``segment``.
    """
    return queue_series(
        coverage,
        queue,
        interval_minutes,
        {"agents_scheduled": "scheduled", "agents_scheduled_required": "required"},
    )


def coverage_chart(frame: pd.DataFrame, time_title: str = "Local time") -> alt.Chart:
    """Step chart of scheduled agents against the scheduled requirement per interval;
    ``time_title`` names the time axis's clock."""
    return (
        alt.Chart(frame)
        .mark_line(interpolate="step-after", strokeWidth=1.5)
        .encode(
            x=time_x("time", title=time_title),
            y=alt.Y("value:Q", title="Agents on the queue"),
            color=_colour("series", ["required", "scheduled"]),
            detail="segment:N",
            tooltip=interval_tooltip("Agents"),
        )
        .properties(height=320)
    )


# --- what-if ------------------------------------------------------------------------------
def service_level_frame(
    projected: dict[str, pd.DataFrame], queue: str, interval_minutes: int
) -> pd.DataFrame:
    """Projected service level per interval of one queue for several scenarios.

    Parameters
    ----------
    projected
        Scenario name -> output of :func:`wfm.review.projection.project_service`.

    Returns
    -------
    pandas.DataFrame
        ``time, when, series`` (scenario name), ``value`` (service level, fraction),
        ``segment``.
    """
    parts = [
        queue_series(frame, queue, interval_minutes, {"service_level": name})
        for name, frame in projected.items()
    ]
    return pd.concat(parts, ignore_index=True)


def service_level_chart(
    frame: pd.DataFrame, target: float | None = None, time_title: str = "Local time"
) -> alt.Chart | alt.LayerChart:
    """Service level per interval per scenario, with the target as a dashed rule;
    ``time_title`` names the time axis's clock."""
    names = list(dict.fromkeys(frame["series"]))
    lines = (
        alt.Chart(frame)
        .mark_line(strokeWidth=1.5)
        .encode(
            x=time_x("time", title=time_title),
            y=share_axis("value", "Service level"),
            color=_colour("series", names, title="Scenario"),
            detail="segment:N",
            tooltip=interval_tooltip("Service level", ".1%", series_title="Scenario"),
        )
        .properties(height=320)
    )
    return with_target(lines, target)


# --- forecast band and backtest leaderboard (forecast page) ---------------------------------
def forecast_band_frame(forecast: pd.DataFrame, queue: str, interval_minutes: int) -> pd.DataFrame:
    """One queue's P10–P90 band: ``time`` (naive local), ``when``, ``low``, ``high``, ``segment``."""
    rows = forecast[forecast["queue"] == queue].sort_values("interval_start")
    if "offered_p10" not in rows.columns:
        return pd.DataFrame(columns=["time", "when", "low", "high", "segment"])
    time = wall_clock(rows["interval_start"]).reset_index(drop=True)
    return pd.DataFrame(
        {
            "time": time,
            "when": time.dt.strftime(WHEN_FORMAT),
            "low": rows["offered_p10"].to_numpy(dtype=float),
            "high": rows["offered_p90"].to_numpy(dtype=float),
            "segment": "band-" + segments(time, interval_minutes).astype(str),
        }
    )


def forecast_band_chart(frame: pd.DataFrame, band: pd.DataFrame) -> alt.LayerChart:
    """The offered-contacts line chart of :func:`forecast_chart` over its P10–P90 band."""
    area = (
        alt.Chart(band)
        .mark_area(opacity=0.25, color=SERIES_COLOURS["forecast"])
        .encode(
            x=time_x("time"),
            y=alt.Y("low:Q", title="Contacts offered per interval"),
            y2="high:Q",
            detail="segment:N",
            tooltip=[
                alt.Tooltip("when:N", title="Interval"),
                alt.Tooltip("low:Q", title="P10", format=",.0f"),
                alt.Tooltip("high:Q", title="P90", format=",.0f"),
            ],
        )
    )
    return alt.layer(area, forecast_chart(frame, "offered"))


def leaderboard_chart(board: pd.DataFrame) -> alt.Chart:
    """Bars of backtest WAPE per model, one row of bars per horizon (a leaderboard of one queue)."""
    frame = board.assign(horizon=board["horizon_days"].map(lambda days: f"{days} day(s) ahead"))
    order = frame.sort_values("wape")["model"].drop_duplicates().tolist()
    return (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            x=alt.X("wape:Q", title="WAPE", axis=alt.Axis(format=".0%")),
            y=alt.Y("model:N", title=None, sort=order),
            row=alt.Row("horizon:N", title=None),
            color=alt.Color(
                "rank:O", title="Rank", legend=None, scale=alt.Scale(scheme="blues", reverse=True)
            ),
            tooltip=[
                alt.Tooltip("model:N", title="Model"),
                alt.Tooltip("horizon:N", title="Horizon"),
                alt.Tooltip("wape:Q", title="WAPE", format=".1%"),
                alt.Tooltip("mase:Q", title="MASE", format=".2f"),
                alt.Tooltip("bias:Q", title="Bias", format="+.1%"),
            ],
        )
        .properties(height=alt.Step(18))
    )


def daily_queue_bars(
    daily: pd.DataFrame, measure: str, title: str, extra_tooltips: list | None = None
) -> alt.Chart:
    """Bars of one daily ``measure`` per local ``date``, side by side per ``queue``.

    Days are labelled ``Mon 16 Nov`` and kept in date order; ``extra_tooltips`` are added
    after day, queue and the measure.
    """
    frame = daily.assign(
        day=pd.to_datetime(daily["date"]).dt.strftime("%a %d %b"),
        sort_key=pd.to_datetime(daily["date"]).dt.strftime("%Y-%m-%d"),
    )
    days = frame.drop_duplicates("sort_key").sort_values("sort_key")["day"].tolist()
    return (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            x=alt.X("day:O", title=None, sort=days, axis=alt.Axis(labelAngle=0)),
            xOffset=alt.XOffset("queue:N"),
            y=alt.Y(f"{measure}:Q", title=title),
            color=alt.Color("queue:N", title="Queue", legend=alt.Legend(orient="top")),
            tooltip=[
                alt.Tooltip("day:O", title="Day"),
                alt.Tooltip("queue:N", title="Queue"),
                alt.Tooltip(f"{measure}:Q", title=title, format=",.1f"),
                *(extra_tooltips or []),
            ],
        )
        .properties(height=260)
    )
