"""Charts of the Today page: agents and contacts of one queue over the day, with a rule at now.

A centre whose sites are in several zones draws them once per site, on the site's own local
day and clock (:func:`wfm.intraday.site_days.site_days`), with the site's own agents beside
every site's (:func:`site_agent_series`) and the zone on the time axis.
"""

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
    dashed: str | tuple[str, ...] | None = None,
    time_title: str | None = None,
    interval_minutes: int | None = None,
) -> alt.LayerChart:
    """Step lines of ``series`` (column → label) of one queue's position over the day, with a
    dashed rule at ``as_of``; times on the wall clock of ``timezone`` (the centre's, or a
    site's for its own day), named under the axis by ``time_title`` if given. The series
    labelled ``dashed`` (one label or several) are drawn dashed (so a line they run under
    stays visible). With ``interval_minutes``, intervals the position lacks (a queue closed
    between one site's evening and another's morning) break the lines instead of carrying
    the last value across them."""
    dashed_labels = (dashed,) if isinstance(dashed, str) else tuple(dashed or ())
    long = own.melt(
        id_vars=["interval_start"],
        value_vars=list(series),
        var_name="series",
        value_name="value",
    )
    long["series"] = long["series"].map(series)
    long["time"] = long["interval_start"].dt.tz_convert(timezone).dt.tz_localize(None)
    long["segment"] = (
        runs(long, interval_minutes) if interval_minutes is not None and len(long) else 0
    )
    now_rule = (
        alt.Chart(pd.DataFrame({"time": [as_of.tz_convert(timezone).tz_localize(None)]}))
        .mark_rule(color="gray", strokeDash=[4, 4])
        .encode(x="time:T")
    )
    encoding = {
        "x": alt.X("time:T", title=time_title, axis=alt.Axis(format="%H:%M")),
        "y": alt.Y("value:Q", title=title),
        "color": alt.Color("series:N", title=None, legend=alt.Legend(orient="bottom")),
        "strokeDash": alt.StrokeDash(
            "series:N",
            scale=alt.Scale(
                domain=list(series.values()),
                range=[[5, 3] if label in dashed_labels else [1, 0] for label in series.values()],
            ),
            legend=None,
        ),
        "detail": "segment:N",  # one line per run of consecutive intervals
        "tooltip": [
            alt.Tooltip("time:T", format="%H:%M"),
            "series:N",
            alt.Tooltip("value:Q", format=".1f", title=title),
        ],
    }
    # The dashed series are drawn last, on top: a forecast as planned that the re-forecast
    # follows closely stays visible over it instead of hiding under the solid line.
    on_top = long["series"].isin(dashed_labels)
    lines = alt.layer(
        *(
            alt.Chart(part).mark_line(interpolate="step-after").encode(**encoding)
            for part in (long[~on_top], long[on_top])
            if len(part)
        )
    )
    return (lines + now_rule).properties(height=height)


def site_agent_series(site: str) -> dict[str, str]:
    """The agent series of a site's own day: every site's (:data:`AGENT_SERIES`, the shared
    queue's) and the site's own scheduled and present agents.

    >>> list(site_agent_series("york").values())[-2:]
    ['scheduled at york', 'present at york']
    """
    return {
        **AGENT_SERIES,
        "agents_scheduled_site": f"scheduled at {site}",
        "agents_present_site": f"present at {site}",
    }


def runs(long: pd.DataFrame, interval_minutes: int) -> pd.Series:
    """Number of each row's run of consecutive intervals [``interval_minutes``] within its
    series, for ``long`` rows (``series``, ``interval_start``): a line is drawn per run.

    >>> starts = pd.to_datetime(["2026-11-17 00:00", "2026-11-17 00:15", "2026-11-17 08:00"])
    >>> runs(pd.DataFrame({"series": "a", "interval_start": starts}), 15).tolist()
    [0, 0, 1]
    """
    step = pd.Timedelta(minutes=interval_minutes)
    ordered = long.sort_values(["series", "interval_start"])
    gap = ordered.groupby("series")["interval_start"].diff() > step
    return gap.groupby(ordered["series"]).cumsum().astype(int).reindex(long.index)
