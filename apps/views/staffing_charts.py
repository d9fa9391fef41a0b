"""Charts of the Staffing page beyond those of ``views/charts.py``: pure functions, no Streamlit.

- :func:`daily_hours_chart`: agent-hours required per day, one bar per queue.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

#: Agent-hour measures of :func:`wfm.daily_totals.requirements_daily_hours`: column -> title.
DAILY_MEASURES = {
    "scheduled_agent_hours": "Scheduled agent-hours (after shrinkage)",
    "productive_agent_hours": "Productive agent-hours",
}


def daily_hours_chart(daily: pd.DataFrame, measure: str = "scheduled_agent_hours") -> alt.Chart:
    """Bars of agent-hours required per day, side by side per queue.

    ``daily`` is :func:`wfm.daily_totals.requirements_daily_hours`' frame; ``measure`` one of
    :data:`DAILY_MEASURES`.
    """
    title = DAILY_MEASURES[measure]
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
                alt.Tooltip("peak_scheduled_agents:Q", title="Peak scheduled agents", format=",d"),
            ],
        )
        .properties(height=260)
    )
