"""Charts of the Staffing page beyond those of ``helpers/charts.py``: pure functions, no Streamlit.

- :func:`daily_hours_chart`: agent-hours required per day, one bar per queue;
- :func:`staffing_curve_frame`, :func:`staffing_curve_charts`: the service curve of one
  interval against the number of agents.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from helpers import charts

#: Agent-hour measures of :func:`wfm.review.daily_totals.requirements_daily_hours`: column -> title.
DAILY_MEASURES = {
    "scheduled_agent_hours": "Scheduled agent-hours (after shrinkage)",
    "productive_agent_hours": "Productive agent-hours",
}


def daily_hours_chart(daily: pd.DataFrame, measure: str = "scheduled_agent_hours") -> alt.Chart:
    """Bars of agent-hours required per day, side by side per queue.

    ``daily`` is :func:`wfm.review.daily_totals.requirements_daily_hours`' frame; ``measure`` one of
    :data:`DAILY_MEASURES`.
    """
    return charts.daily_queue_bars(
        daily,
        measure,
        DAILY_MEASURES[measure],
        [alt.Tooltip("peak_scheduled_agents:Q", title="Peak scheduled agents", format=",d")],
    )


# --- staffing curves ------------------------------------------------------------------------
#: Measures of the staffing curve: column -> (title, axis format).
STAFFING_CURVE_MEASURES = charts.measure_axes(
    "service_level", "occupancy", "abandon_probability", "asa_seconds"
)


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
            y=charts.share_axis("value", "Share of contacts / time", minExtent=Y_AXIS_EXTENT_PX),
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
