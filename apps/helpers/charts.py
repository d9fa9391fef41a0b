"""Charts of a plan: pure functions from frames to altair charts, with no Streamlit.

Each chart has two steps, tested separately: a ``*_frame`` function picks and shapes the
rows to draw (one queue, one team, one day; long format for colour), and a ``*_chart``
function turns that frame into an altair chart.

Time. The plan's frames hold tz-aware timestamps in the centre's time zone. Vega-Lite would
draw them in the browser's zone; the charts draw the site's wall-clock time instead, by
passing naive local times and reading them as UTC (``scale type utc``): 09:00 in London is
drawn at 09:00 wherever the planner sits. Tooltips get preformatted text for the same
reason.

Gaps. Closed hours (nights, holidays) have no rows in a forecast or a rota's coverage. A
line drawn through them would suggest demand at 3 a.m., so each run of consecutive
intervals is its own ``segment`` and lines are drawn per segment.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

#: Colour of each rota activity in the Gantt chart.
ACTIVITY_COLOURS = {
    "work": "#4c78a8",
    "break": "#f58518",
    "lunch": "#54a24b",
    "coaching": "#b279a2",
    "meeting": "#e45756",
    "training": "#9d755d",
}
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


def _time_x(field: str, title: str | None = "Local time") -> alt.X:
    return alt.X(
        f"{field}:T",
        title=title,
        scale=alt.Scale(type="utc"),
        axis=alt.Axis(format=AXIS_FORMAT, labelAngle=0, labelOverlap=True),
    )


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


def _series(
    frame: pd.DataFrame, queue: str, interval_minutes: int, columns: dict[str, str]
) -> pd.DataFrame:
    """Long frame ``time, when, series, value, segment`` of one queue's columns."""
    rows = frame[frame["queue"] == queue].sort_values("interval_start")
    time = wall_clock(rows["interval_start"]).reset_index(drop=True)
    parts = []
    for column, name in columns.items():
        parts.append(
            pd.DataFrame(
                {
                    "time": time,
                    "when": time.dt.strftime(WHEN_FORMAT),
                    "series": name,
                    "value": rows[column].to_numpy(dtype=float),
                    "segment": f"{name}-" + segments(time, interval_minutes).astype(str),
                }
            )
        )
    return (
        pd.concat(parts, ignore_index=True)
        if parts
        else pd.DataFrame(columns=["time", "when", "series", "value", "segment"])
    )


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


def forecast_chart(frame: pd.DataFrame, measure: str = "offered") -> alt.Chart:
    """Line chart of history and forecast of ``measure`` (``offered`` or ``aht_seconds``)."""
    titles = {"offered": "Contacts offered per interval", "aht_seconds": "Average handle time [s]"}
    return (
        alt.Chart(frame)
        .mark_line(strokeWidth=1.5)
        .encode(
            x=_time_x("time"),
            y=alt.Y(f"{measure}:Q", title=titles.get(measure, measure)),
            color=_colour("series", ["history", "forecast"]),
            detail="segment:N",
            tooltip=[
                alt.Tooltip("series:N", title="Series"),
                alt.Tooltip("when:N", title="Interval"),
                alt.Tooltip(f"{measure}:Q", title=titles.get(measure, measure), format=",.1f"),
            ],
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
def gantt_frame(
    rota: pd.DataFrame,
    agent_summary: pd.DataFrame,
    *,
    team: str | None = None,
    day: str | None = None,
) -> pd.DataFrame:
    """Rota activities with the agent's name and team, optionally one team and one day.

    Parameters
    ----------
    rota
        ``agent_id, date, activity, start, end``.
    agent_summary
        ``agent_id, name, team`` (other columns ignored).
    team
        Keep only this team; ``None`` for all.
    day
        Keep only shifts of this local date (ISO text ``YYYY-MM-DD``); ``None`` for the week.

    Returns
    -------
    pandas.DataFrame
        ``agent`` (label ``name (agent_id)``), ``team``, ``date``, ``activity``, ``start``,
        ``end`` (naive local), ``when`` (``HH:MM–HH:MM``).
    """
    people = agent_summary[["agent_id", "name", "team"]].drop_duplicates("agent_id")
    frame = rota.merge(people, on="agent_id", how="left")
    frame["date"] = pd.to_datetime(frame["date"]).dt.strftime("%Y-%m-%d")
    if team is not None:
        frame = frame[frame["team"] == team]
    if day is not None:
        frame = frame[frame["date"] == day]
    frame = frame.sort_values(["team", "name", "agent_id", "start"])
    start, end = wall_clock(frame["start"]), wall_clock(frame["end"])
    return pd.DataFrame(
        {
            "agent": (
                frame["name"].fillna(frame["agent_id"]) + " (" + frame["agent_id"].astype(str) + ")"
            ).to_numpy(),
            "team": frame["team"].to_numpy(),
            "date": frame["date"].to_numpy(),
            "activity": frame["activity"].to_numpy(),
            "start": start.to_numpy(),
            "end": end.to_numpy(),
            "when": (start.dt.strftime("%a %H:%M") + "–" + end.dt.strftime("%H:%M")).to_numpy(),
        }
    )


#: Agents drawn on one page of the Gantt chart (24 px each: about 1,200 px).
GANTT_PAGE_AGENTS = 50


def gantt_page(
    frame: pd.DataFrame, *, search: str = "", page: int = 1, page_agents: int = GANTT_PAGE_AGENTS
) -> tuple[pd.DataFrame, int, int]:
    """One page of a :func:`gantt_frame`: the agents matching ``search``, ``page_agents`` at a time.

    Parameters
    ----------
    frame
        A :func:`gantt_frame` (agents in drawing order).
    search
        Text the agent's label (name and id) or team contains, case-insensitive; empty for all.
    page
        1-based page number; clipped to the pages there are.
    page_agents
        Agents per page.

    Returns
    -------
    tuple
        (the page's rows, agents matching, pages).
    """
    text = search.strip().lower()
    matching = frame
    if text:
        hit = frame["agent"].str.lower().str.contains(text, regex=False) | frame["team"].fillna(
            ""
        ).str.lower().str.contains(text, regex=False)
        matching = frame[hit]
    agents = list(dict.fromkeys(matching["agent"]))
    pages = max(1, -(-len(agents) // page_agents))
    page = min(max(int(page), 1), pages)
    shown = set(agents[(page - 1) * page_agents : page * page_agents])
    return matching[matching["agent"].isin(shown)], len(agents), pages


def gantt_chart(frame: pd.DataFrame) -> alt.Chart:
    """Gantt chart: one row per agent, bars coloured by activity (work, break, lunch)."""
    agents = list(dict.fromkeys(frame["agent"]))
    return (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            x=_time_x("start"),
            x2="end:T",
            y=alt.Y(
                "agent:N",
                title=None,
                sort=agents,
                axis=alt.Axis(labelOverlap=False, labelLimit=220),  # every agent named
                scale=alt.Scale(paddingInner=0.25),
            ),
            color=alt.Color(
                "activity:N",
                title="Activity",
                scale=alt.Scale(
                    domain=list(ACTIVITY_COLOURS), range=list(ACTIVITY_COLOURS.values())
                ),
                legend=alt.Legend(orient="top"),
            ),
            tooltip=[
                alt.Tooltip("agent:N", title="Agent"),
                alt.Tooltip("team:N", title="Team"),
                alt.Tooltip("activity:N", title="Activity"),
                alt.Tooltip("when:N", title="Time"),
            ],
        )
        .properties(height=max(120, 24 * len(agents)))
    )


def coverage_frame(coverage: pd.DataFrame, queue: str, interval_minutes: int) -> pd.DataFrame:
    """Scheduled agents and the scheduled requirement of one queue, in long format.

    Returns
    -------
    pandas.DataFrame
        ``time, when, series`` (``scheduled`` or ``required``), ``value`` [agents],
        ``segment``.
    """
    return _series(
        coverage,
        queue,
        interval_minutes,
        {"agents_scheduled": "scheduled", "agents_scheduled_required": "required"},
    )


def coverage_chart(frame: pd.DataFrame) -> alt.Chart:
    """Step chart of scheduled agents against the scheduled requirement per interval."""
    return (
        alt.Chart(frame)
        .mark_line(interpolate="step-after", strokeWidth=1.5)
        .encode(
            x=_time_x("time"),
            y=alt.Y("value:Q", title="Agents on the queue"),
            color=_colour("series", ["required", "scheduled"]),
            detail="segment:N",
            tooltip=[
                alt.Tooltip("series:N", title="Series"),
                alt.Tooltip("when:N", title="Interval"),
                alt.Tooltip("value:Q", title="Agents", format=",.1f"),
            ],
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
        _series(frame, queue, interval_minutes, {"service_level": name})
        for name, frame in projected.items()
    ]
    return pd.concat(parts, ignore_index=True)


def service_level_chart(
    frame: pd.DataFrame, target: float | None = None
) -> alt.Chart | alt.LayerChart:
    """Service level per interval per scenario, with the target as a dashed rule."""
    names = list(dict.fromkeys(frame["series"]))
    lines = (
        alt.Chart(frame)
        .mark_line(strokeWidth=1.5)
        .encode(
            x=_time_x("time"),
            y=alt.Y(
                "value:Q",
                title="Service level",
                axis=alt.Axis(format=".0%"),
                scale=alt.Scale(domain=[0, 1]),
            ),
            color=_colour("series", names, title="Scenario"),
            detail="segment:N",
            tooltip=[
                alt.Tooltip("series:N", title="Scenario"),
                alt.Tooltip("when:N", title="Interval"),
                alt.Tooltip("value:Q", title="Service level", format=".1%"),
            ],
        )
        .properties(height=320)
    )
    if target is None:
        return lines
    rule = (
        alt.Chart(pd.DataFrame({"target": [target]}))
        .mark_rule(strokeDash=[6, 4], color="#555")
        .encode(y="target:Q", tooltip=[alt.Tooltip("target:Q", title="Target", format=".0%")])
    )
    return alt.layer(lines, rule)


# --- staffing curves ------------------------------------------------------------------------
#: Measures of the staffing curve: column -> (title, axis format).
STAFFING_CURVE_MEASURES = {
    "service_level": ("Service level", ".0%"),
    "occupancy": ("Occupancy", ".0%"),
    "abandon_probability": ("Abandoned", ".0%"),
    "asa_seconds": ("ASA [s]", ",.0f"),
}


#: Colours of the staffing curve: abandonment in red, the ASA in its own colour (not red).
STAFFING_CURVE_COLOURS = {
    "Service level": "#1f77b4",
    "Occupancy": "#9ecae9",
    "Abandoned": "#e45756",
}
ASA_COLOUR = "#7b4173"
#: Width kept for the y axes of the two staffing-curve charts, so their agent axes line up [px].
Y_AXIS_EXTENT_PX = 48


def staffing_curve_frame(curve: pd.DataFrame) -> pd.DataFrame:
    """Long frame ``agents, measure, value`` of a :func:`wfm.staffing.curves.service_curve`.

    Fractions stay fractions; infinite ASAs (an unstable queue) are dropped, since they
    cannot be drawn.
    """
    long = curve.melt(
        id_vars="agents",
        value_vars=list(STAFFING_CURVE_MEASURES),
        var_name="measure",
        value_name="value",
    )
    long["measure"] = long["measure"].map(
        {key: title for key, (title, _) in STAFFING_CURVE_MEASURES.items()}
    )
    return long[pd.notna(long["value"]) & (long["value"].abs() != float("inf"))].reset_index(
        drop=True
    )


def staffing_curve_charts(
    frame: pd.DataFrame, agents_required: int | None = None, target: float | None = None
) -> tuple[alt.LayerChart | alt.Chart, alt.LayerChart | alt.Chart]:
    """Two charts against agents on one agent axis, drawn one above the other (two charts,
    not a concatenation, so each fills the page's width): the fractions (service level,
    occupancy, abandoned) and the ASA; a dashed rule at the agents required and the
    service-level target."""
    fractions = frame[frame["measure"] != STAFFING_CURVE_MEASURES["asa_seconds"][0]]
    asa = frame[frame["measure"] == STAFFING_CURVE_MEASURES["asa_seconds"][0]]
    names = [title for key, (title, _) in STAFFING_CURVE_MEASURES.items() if key != "asa_seconds"]
    colours = [STAFFING_CURVE_COLOURS[name] for name in names]
    # Both panels on one agent axis (the ASA panel has no points where the queue is unstable).
    domain = [float(frame["agents"].min()), float(frame["agents"].max())] if len(frame) else None
    x = alt.X(
        "agents:Q",
        title="Productive agents",
        axis=alt.Axis(tickMinStep=1, format="d"),
        scale=alt.Scale(domain=domain, nice=False) if domain else alt.Undefined,
    )
    upper = (
        alt.Chart(fractions)
        .mark_line(point=True, strokeWidth=1.5)
        .encode(
            x=x,
            y=alt.Y(
                "value:Q",
                title="Share of contacts / time",
                axis=alt.Axis(format=".0%", minExtent=Y_AXIS_EXTENT_PX),
                scale=alt.Scale(domain=[0, 1]),
            ),
            color=alt.Color(
                "measure:N",
                title=None,
                scale=alt.Scale(domain=names, range=colours),
                legend=alt.Legend(orient="top"),
            ),
            tooltip=[
                alt.Tooltip("agents:Q", title="Agents"),
                alt.Tooltip("measure:N", title="Measure"),
                alt.Tooltip("value:Q", title="Value", format=".1%"),
            ],
        )
        .properties(height=260)
    )
    layers = [upper]
    if target is not None:
        layers.append(
            alt.Chart(pd.DataFrame({"target": [target]}))
            .mark_rule(strokeDash=[6, 4], color="#555")
            .encode(y="target:Q")
        )
    lower = (
        alt.Chart(asa)
        .mark_line(point=alt.OverlayMarkDef(color=ASA_COLOUR), strokeWidth=1.5, color=ASA_COLOUR)
        .encode(
            x=x,
            y=alt.Y("value:Q", title="ASA [s]", axis=alt.Axis(minExtent=Y_AXIS_EXTENT_PX)),
            tooltip=[
                alt.Tooltip("agents:Q", title="Agents"),
                alt.Tooltip("value:Q", title="ASA [s]", format=",.1f"),
            ],
        )
        .properties(height=160)
    )
    panels = [alt.layer(*layers), lower]
    if agents_required is not None:
        rule = (
            alt.Chart(pd.DataFrame({"agents": [agents_required]}))
            .mark_rule(strokeDash=[2, 2], color="#333")
            .encode(x="agents:Q")
        )
        panels = [alt.layer(panels[0], rule), alt.layer(lower, rule)]
    return panels[0], panels[1]


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
            x=_time_x("time"),
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
