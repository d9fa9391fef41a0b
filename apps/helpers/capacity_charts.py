"""Charts of a capacity plan: pure functions from a plan's weekly table to altair charts."""

from __future__ import annotations

import altair as alt
import pandas as pd

from helpers.charts import share_axis

#: Colours of the fan chart's series (the same meaning as in the HTML report).
REQUIRED_COLOUR, SUPPLY_COLOUR, NO_HIRING_COLOUR = "#1f77b4", "#2ca02c", "#d62728"


def fan_frame(weekly: pd.DataFrame) -> pd.DataFrame:
    """Long data for :func:`fan_chart`: one row per week and line, plus the band columns."""
    base = pd.DataFrame(
        {
            "week": pd.to_datetime(weekly["week_start"]),
            "low": weekly["required_fte_p10"],
            "high": weekly["required_fte_p90"],
        }
    )
    lines = {
        "required (median)": weekly["required_fte"],
        "supply with the plan (incl. overtime)": weekly["supply_fte"] + weekly["overtime_fte"],
        "supply without hiring": weekly["current_agents_fte"] + weekly["movements_fte"],
    }
    long = pd.concat(
        [base.assign(series=name, fte=values.to_numpy()) for name, values in lines.items()],
        ignore_index=True,
    )
    return long


def fan_chart(frame: pd.DataFrame) -> alt.LayerChart:
    """Required FTE band (P10–P90) and median, against supply with and without hiring."""
    domain = [
        "required (median)",
        "supply with the plan (incl. overtime)",
        "supply without hiring",
    ]
    colour = alt.Color(
        "series:N",
        scale=alt.Scale(domain=domain, range=[REQUIRED_COLOUR, SUPPLY_COLOUR, NO_HIRING_COLOUR]),
        legend=alt.Legend(title=None, orient="bottom", labelLimit=300),
    )
    x = alt.X("week:T", title=None, axis=alt.Axis(format="%b %Y", labelAngle=0, tickCount=8))
    band = (
        alt.Chart(frame[frame["series"] == domain[0]])
        .mark_area(opacity=0.2, color=REQUIRED_COLOUR)
        .encode(
            x=x,
            y=alt.Y("low:Q", title="FTE", scale=alt.Scale(zero=False)),
            y2="high:Q",
            tooltip=[
                alt.Tooltip("week:T", title="week of", format="%d %b %Y"),
                alt.Tooltip("low:Q", title="P10 FTE", format=".1f"),
                alt.Tooltip("high:Q", title="P90 FTE", format=".1f"),
            ],
        )
    )
    lines = (
        alt.Chart(frame)
        .mark_line()
        .encode(
            x=x,
            y=alt.Y("fte:Q", title="FTE", scale=alt.Scale(zero=False)),
            color=colour,
            strokeDash=alt.condition(
                alt.datum.series == "supply without hiring", alt.value([5, 4]), alt.value([1, 0])
            ),
            tooltip=[
                alt.Tooltip("week:T", title="week of", format="%d %b %Y"),
                alt.Tooltip("series:N", title="line"),
                alt.Tooltip("fte:Q", title="FTE", format=".1f"),
            ],
        )
    )
    return (band + lines).properties(height=340)


def service_chart(weekly: pd.DataFrame, target: float | None) -> alt.LayerChart:
    """Projected weekly service level with and without the hiring plan."""
    frame = pd.concat(
        [
            pd.DataFrame(
                {
                    "week": pd.to_datetime(weekly["week_start"]),
                    "service_level": weekly[column],
                    "series": name,
                }
            )
            for column, name in (
                ("service_level_planned", "with the plan"),
                ("service_level_no_hiring", "without hiring"),
            )
        ],
        ignore_index=True,
    )
    chart = (
        alt.Chart(frame)
        .mark_line()
        .encode(
            x=alt.X("week:T", title=None, axis=alt.Axis(format="%b %Y", labelAngle=0, tickCount=8)),
            y=share_axis("service_level", "Service level"),
            color=alt.Color(
                "series:N",
                scale=alt.Scale(
                    domain=["with the plan", "without hiring"],
                    range=[SUPPLY_COLOUR, NO_HIRING_COLOUR],
                ),
                legend=alt.Legend(title=None, orient="bottom"),
            ),
            tooltip=[
                alt.Tooltip("week:T", title="week of", format="%d %b %Y"),
                alt.Tooltip("series:N", title="line"),
                alt.Tooltip("service_level:Q", title="service level", format=".1%"),
            ],
        )
    )
    if target is not None:
        rule = (
            alt.Chart(pd.DataFrame({"target": [target]}))
            .mark_rule(strokeDash=[4, 4], color="gray")
            .encode(y="target:Q")
        )
        chart = chart + rule
    return chart.properties(height=220)
