"""Charts and selections of the Adherence page: pure functions, no Streamlit.

The figures come from :mod:`wfm.review.adherence`; this module picks rows (the time two logs share,
one agent's day) and shapes frames for drawing, in site wall-clock time.
"""

from __future__ import annotations

import datetime as dt

import altair as alt
import pandas as pd

from helpers.charts import share_axis, time_x, wall_clock
from helpers.gantt_charts import ACTIVITY_COLOURS

#: Colours of the agent states (wfm.data.states.STATES) in the timeline.
STATE_COLOURS = {
    "available": "#9ecae9",
    "on_contact": "#4c78a8",
    "after_contact_work": "#72b7b2",
    "break": "#f58518",
    "lunch": "#54a24b",
    "meeting": "#b279a2",
    "training": "#d6a5c9",
    "offline": "#bab0ac",
}
#: The two rows of the timeline.
SCHEDULED, ACTUAL = "Scheduled", "Actual"


def time_span(frame: pd.DataFrame) -> tuple[pd.Timestamp, pd.Timestamp] | None:
    """Earliest ``start`` and latest ``end`` of a rota or a state log (``None`` when empty)."""
    if frame is None or frame.empty:
        return None
    return frame["start"].min(), frame["end"].max()


def overlap(rota: pd.DataFrame, states: pd.DataFrame) -> tuple[pd.Timestamp, pd.Timestamp] | None:
    """The time the rota and the state log share (start, end), or ``None`` when they do not meet."""
    a, b = time_span(rota), time_span(states)
    if a is None or b is None:
        return None
    start, end = max(a[0], b[0]), min(a[1], b[1])
    return (start, end) if end > start else None


def rota_in_window(rota: pd.DataFrame, start: pd.Timestamp, end: pd.Timestamp) -> pd.DataFrame:
    """The rota's whole shifts (agent and date) that lie inside ``[start, end]``.

    Shifts cut by the edge of the state log would count the missing part as not adherent,
    so only shifts the log fully spans are kept.
    """
    shifts = rota.groupby(["agent_id", "date"])[["start", "end"]].agg(
        {"start": "min", "end": "max"}
    )
    inside = shifts[(shifts["start"] >= start) & (shifts["end"] <= end)].index
    keep = pd.MultiIndex.from_frame(rota[["agent_id", "date"]]).isin(inside)
    return rota[keep].reset_index(drop=True)


def timeline_frame(
    rota: pd.DataFrame, states: pd.DataFrame, agent_id: str, day: dt.date
) -> pd.DataFrame:
    """Scheduled activities and actual states of one agent on one rota date, as two rows.

    The actual states are those overlapping the agent's shift that day (widened by an hour
    on each side, so that late log-ins and early log-outs show), clipped to that window.

    Returns
    -------
    pandas.DataFrame
        ``row`` (:data:`SCHEDULED` or :data:`ACTUAL`), ``what`` (activity or state),
        ``start``, ``end`` (naive local), ``when`` (``HH:MM–HH:MM``), ``minutes``.
    """
    columns = ["row", "what", "start", "end", "when", "minutes"]
    dates = pd.to_datetime(rota["date"]).dt.date
    shift = rota[(rota["agent_id"] == agent_id) & (dates == day)]
    if shift.empty:
        return pd.DataFrame(columns=columns)
    window_start = shift["start"].min() - pd.Timedelta(hours=1)
    window_end = shift["end"].max() + pd.Timedelta(hours=1)
    log = states[
        (states["agent_id"] == agent_id)
        & (states["end"] > window_start)
        & (states["start"] < window_end)
    ]
    parts = [
        pd.DataFrame(
            {
                "row": SCHEDULED,
                "what": shift["activity"].to_numpy(),
                "start": shift["start"].to_numpy(),
                "end": shift["end"].to_numpy(),
            }
        ),
        pd.DataFrame(
            {
                "row": ACTUAL,
                "what": log["state"].astype(str).to_numpy(),
                "start": log["start"].clip(lower=window_start).to_numpy(),
                "end": log["end"].clip(upper=window_end).to_numpy(),
            }
        ),
    ]
    frame = pd.concat(parts, ignore_index=True)
    start = wall_clock(
        pd.Series(pd.to_datetime(frame["start"], utc=True)).dt.tz_convert(shift["start"].dt.tz)
    )
    end = wall_clock(
        pd.Series(pd.to_datetime(frame["end"], utc=True)).dt.tz_convert(shift["start"].dt.tz)
    )
    frame["start"], frame["end"] = start, end
    frame["when"] = start.dt.strftime("%H:%M") + "–" + end.dt.strftime("%H:%M")
    frame["minutes"] = (end - start).dt.total_seconds() / 60.0
    return frame[columns]


def timeline_chart(frame: pd.DataFrame) -> alt.Chart:
    """Two Gantt rows: the scheduled activities above the actual states, coloured by kind."""
    colours = ACTIVITY_COLOURS | STATE_COLOURS
    present = list(dict.fromkeys(frame["what"]))
    domain = [name for name in colours if name in present] + [
        name for name in present if name not in colours
    ]
    return (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            x=time_x("start", axis_format="%H:%M"),
            x2="end:T",
            y=alt.Y(
                "row:N",
                title=None,
                sort=[SCHEDULED, ACTUAL],
                scale=alt.Scale(paddingInner=0.3),
                axis=alt.Axis(labelLimit=200, labelOverlap=False),
            ),
            color=alt.Color(
                "what:N",
                title="Activity / state",
                legend=alt.Legend(orient="bottom", columns=4, labelLimit=200),
                scale=alt.Scale(domain=domain, range=[colours.get(n, "#e45756") for n in domain]),
            ),
            tooltip=[
                alt.Tooltip("row:N", title="Row"),
                alt.Tooltip("what:N", title="Activity / state"),
                alt.Tooltip("when:N", title="Time"),
                alt.Tooltip("minutes:Q", title="Minutes", format=",.1f"),
            ],
        )
        # A 48-px band per row whatever the container (a fixed total height collapsed the
        # bands to nothing once the legend took its share, and the labels overlapped).
        .properties(height=alt.Step(48))
    )


def adherence_bar_chart(table: pd.DataFrame, label: str) -> alt.Chart:
    """Adherence per ``label`` (an agent or a team), lowest first, with a 90 % reference."""
    frame = table[[label, "adherence"]].dropna().sort_values("adherence")
    bars = (
        alt.Chart(frame)
        .mark_bar(color="#4c78a8")
        .encode(
            x=share_axis("adherence", "Adherence", alt.X),
            y=alt.Y(
                f"{label}:N",
                title=None,
                sort=list(frame[label]),
                axis=alt.Axis(labelLimit=200, labelOverlap=False),  # every name shown
            ),
            tooltip=[
                alt.Tooltip(f"{label}:N"),
                alt.Tooltip("adherence:Q", title="Adherence", format=".1%"),
            ],
        )
        .properties(height=alt.Step(20))  # room for every label (at 14 px, half were hidden)
    )
    return bars
