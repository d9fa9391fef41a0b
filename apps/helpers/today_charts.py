"""Charts of the Today page: agents and contacts of one queue over the day, with a rule at now."""

from __future__ import annotations

import altair as alt
import pandas as pd

#: Agent series of the position and their legend labels.
AGENT_SERIES = {
    "agents_required": "required",
    "agents_scheduled": "scheduled",
    "agents_present": "present (projected later)",
}
#: Contact series of the position and their legend labels.
CONTACT_SERIES = {
    "offered_planned": "forecast as planned",
    "offered_updated": "actual, then re-forecast",
}


def day_lines(
    own: pd.DataFrame,
    series: dict[str, str],
    *,
    timezone: str,
    as_of: pd.Timestamp,
    title: str,
    height: int,
    dashed: str | None = None,
) -> alt.LayerChart:
    """Step lines of ``series`` (column → label) of one queue's position over the day, with a
    dashed rule at ``as_of``; times on the centre's wall clock. The series labelled
    ``dashed`` is drawn dashed (so a line it runs under stays visible)."""
    long = own.melt(
        id_vars=["interval_start"],
        value_vars=list(series),
        var_name="series",
        value_name="value",
    )
    long["series"] = long["series"].map(series)
    long["time"] = long["interval_start"].dt.tz_convert(timezone).dt.tz_localize(None)
    now_rule = (
        alt.Chart(pd.DataFrame({"time": [as_of.tz_convert(timezone).tz_localize(None)]}))
        .mark_rule(color="gray", strokeDash=[4, 4])
        .encode(x="time:T")
    )
    lines = (
        alt.Chart(long)
        .mark_line(interpolate="step-after")
        .encode(
            x=alt.X("time:T", title=None, axis=alt.Axis(format="%H:%M")),
            y=alt.Y("value:Q", title=title),
            color=alt.Color("series:N", title=None, legend=alt.Legend(orient="bottom")),
            strokeDash=alt.StrokeDash(
                "series:N",
                scale=alt.Scale(
                    domain=list(series.values()),
                    range=[[5, 3] if label == dashed else [1, 0] for label in series.values()],
                ),
                legend=None,
            ),
            tooltip=[
                alt.Tooltip("time:T", format="%H:%M"),
                "series:N",
                alt.Tooltip("value:Q", format=".1f", title=title),
            ],
        )
    )
    return (lines + now_rule).properties(height=height)
