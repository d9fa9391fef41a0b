"""Charts and tables of the What-if page: pure functions, no Streamlit.

The library (:mod:`wfm.review.scenarios`) computes; this module only converts the page's controls
(percentages, agents) into a :class:`~wfm.review.scenarios.Scenario` and shapes its results for
drawing. Times are drawn as site wall-clock time (see :mod:`helpers.charts`).
"""

from __future__ import annotations

import math

import altair as alt
import pandas as pd

from helpers.charts import MEASURE_AXES, WHEN_FORMAT, segments, time_x, wall_clock, with_target
from wfm.review.scenarios import Scenario

#: Measures of the per-interval projection: column -> (title, axis format, tooltip format).
PROJECTION_MEASURES = {
    column: (*MEASURE_AXES[column], tooltip_format)
    for column, tooltip_format in (
        ("service_level", ".1%"),
        ("asa_seconds", ",.1f"),
        ("occupancy", ".1%"),
        ("abandon_probability", ".1%"),
    )
}
#: Names of the sensitivity inputs (:data:`wfm.review.scenarios.SENSITIVITY_INPUTS`) on the chart.
INPUT_LABELS = {
    "volume": "Volume",
    "aht": "Handle time",
    "shrinkage": "Shrinkage",
    "absenteeism": "Absenteeism",
    "service_level_target": "Service-level target",
}
#: Colours of the lower and higher step in the tornado chart.
STEP_COLOURS = {"lower": "#4c78a8", "higher": "#e45756"}
#: Palette of the scenarios compared in a chart (first: the base).
SCENARIO_PALETTE = (
    "#4c78a8",
    "#e45756",
    "#54a24b",
    "#f58518",
    "#b279a2",
    "#72b7b2",
    "#9d755d",
    "#bab0ac",
)


def scenario_from_controls(
    name: str,
    *,
    volume_change_percent: float = 0.0,
    aht_change_percent: float = 0.0,
    service_level_target_percent: float | None = None,
    shrinkage_percent: float | None = None,
    absenteeism_percent: float = 0.0,
    headcount_change_agents: int = 0,
    rota_agents: int = 0,
) -> Scenario:
    """The :class:`~wfm.review.scenarios.Scenario` of the page's controls.

    Parameters
    ----------
    name
        Scenario label.
    volume_change_percent, aht_change_percent
        Change of offered volume and handle time [%] (+10 = 10 % more).
    service_level_target_percent, shrinkage_percent
        For every queue [%]; ``None`` keeps each queue's own.
    absenteeism_percent
        Share of the rota's agents absent on the day [%].
    headcount_change_agents
        Agents added to (or, negative, removed from) the rota's ``rota_agents`` agents;
        modelled as every interval's scheduled agents × (rota_agents + change) / rota_agents.
    rota_agents
        Agents in the rota.
    """
    headcount_factor = 1.0
    if headcount_change_agents:
        headcount_factor = (
            max(rota_agents + headcount_change_agents, 0) / rota_agents if rota_agents > 0 else 1.0
        )
    return Scenario(
        name=name,
        volume_factor=1.0 + volume_change_percent / 100.0,
        aht_factor=1.0 + aht_change_percent / 100.0,
        service_level_target=None
        if service_level_target_percent is None
        else service_level_target_percent / 100.0,
        shrinkage_fraction=None if shrinkage_percent is None else shrinkage_percent / 100.0,
        absenteeism_fraction=absenteeism_percent / 100.0,
        headcount_factor=headcount_factor,
    )


def controls_from_scenario(
    scenario: Scenario, *, rota_agents: int, target_default: int, shrinkage_default: int
) -> dict[str, int]:
    """The page's control values [%, agents] that give ``scenario`` back (a saved scenario
    reopened): the inverse of :func:`scenario_from_controls`, keyed by the controls' names.

    Targets and shrinkage left as the queues' own are the sliders' start values.
    """
    headcount = round((scenario.headcount_factor - 1.0) * rota_agents) if rota_agents > 0 else 0
    return {
        "volume_change_percent": round(100 * (scenario.volume_factor - 1.0)),
        "aht_change_percent": round(100 * (scenario.aht_factor - 1.0)),
        "service_level_target_percent": target_default
        if scenario.service_level_target is None
        else round(100 * scenario.service_level_target),
        "shrinkage_percent": shrinkage_default
        if scenario.shrinkage_fraction is None
        else round(100 * scenario.shrinkage_fraction),
        "absenteeism_percent": round(100 * scenario.absenteeism_fraction),
        "headcount_change_agents": headcount,
    }


def describe_scenario(scenario: Scenario) -> str:
    """One line of what a scenario changes, e.g. ``volume +10 %, absenteeism 5 %``."""
    parts = []
    if scenario.volume_factor != 1.0:
        parts.append(f"volume {100 * (scenario.volume_factor - 1):+.0f} %")
    if scenario.aht_factor != 1.0:
        parts.append(f"handle time {100 * (scenario.aht_factor - 1):+.0f} %")
    if scenario.service_level_target is not None:
        parts.append(f"target {100 * scenario.service_level_target:.0f} %")
    if scenario.shrinkage_fraction is not None:
        parts.append(f"shrinkage {100 * scenario.shrinkage_fraction:.0f} %")
    if scenario.absenteeism_fraction:
        parts.append(f"absenteeism {100 * scenario.absenteeism_fraction:.0f} %")
    if scenario.headcount_factor != 1.0:
        parts.append(f"headcount × {scenario.headcount_factor:.3g}")
    return ", ".join(parts) or "no change"


def projection_frame(
    projected: dict[str, pd.DataFrame], queue: str, measure: str, interval_minutes: int
) -> pd.DataFrame:
    """One measure per interval of one queue for several scenarios, in long format.

    Parameters
    ----------
    projected
        Scenario name -> ``ScenarioResult.projected``.
    queue
        Queue drawn.
    measure
        A key of :data:`PROJECTION_MEASURES` (a column of the projection).
    interval_minutes
        Interval length [minutes] (a gap starts a new line segment).

    Returns
    -------
    pandas.DataFrame
        ``time`` (naive local), ``when`` (text), ``scenario``, ``value``, ``segment``.
        Infinite ASAs (no more agents than load: no finite wait) are left out: they cannot
        be drawn.
    """
    parts = []
    for name, frame in projected.items():
        if measure not in frame:
            continue
        rows = frame[frame["queue"] == queue].sort_values("interval_start")
        time = wall_clock(rows["interval_start"]).reset_index(drop=True)
        part = pd.DataFrame(
            {
                "time": time,
                "when": time.dt.strftime(WHEN_FORMAT),
                "scenario": name,
                "value": rows[measure].to_numpy(dtype=float),
                "segment": f"{name}-" + segments(time, interval_minutes).astype(str),
            }
        )
        parts.append(part[part["value"].map(math.isfinite)])
    if not parts:
        return pd.DataFrame(columns=["time", "when", "scenario", "value", "segment"])
    return pd.concat(parts, ignore_index=True)


def projection_chart(
    frame: pd.DataFrame, measure: str, target: float | None = None
) -> alt.Chart | alt.LayerChart:
    """Lines of one measure per interval, one colour per scenario; the target as a dashed rule."""
    title, axis_format, tip_format = PROJECTION_MEASURES[measure]
    names = list(dict.fromkeys(frame["scenario"]))
    colours = [SCENARIO_PALETTE[i % len(SCENARIO_PALETTE)] for i in range(len(names))]
    y_scale = alt.Scale(domain=[0, 1]) if axis_format.endswith("%") else alt.Scale(zero=True)
    lines = (
        alt.Chart(frame)
        .mark_line(strokeWidth=1.5)
        .encode(
            x=time_x("time"),
            y=alt.Y("value:Q", title=title, axis=alt.Axis(format=axis_format), scale=y_scale),
            color=alt.Color(
                "scenario:N",
                title="Scenario",
                scale=alt.Scale(domain=names, range=colours),
                legend=alt.Legend(orient="top"),
            ),
            detail="segment:N",
            tooltip=[
                alt.Tooltip("scenario:N", title="Scenario"),
                alt.Tooltip("when:N", title="Interval"),
                alt.Tooltip("value:Q", title=title, format=tip_format),
            ],
        )
        .properties(height=300)
    )
    return with_target(lines, target, tip_format)


def tornado_frame(table: pd.DataFrame) -> pd.DataFrame:
    """The extreme steps of each input of a :func:`wfm.review.scenarios.sensitivity` table.

    Returns
    -------
    pandas.DataFrame
        Two rows per input (its lowest and highest step), largest swing first: ``input``
        (label), ``side`` (``lower`` / ``higher``), ``step`` (e.g. ``-10 %``),
        ``change`` (service-level change, fraction), ``service_level``, ``swing``.
    """
    columns = ["input", "side", "step", "change", "service_level", "swing"]
    if table.empty:
        return pd.DataFrame(columns=columns)
    rows = []
    for name, group in table.groupby("input", sort=False):
        ordered = group.sort_values("step")
        for side, row in (("lower", ordered.iloc[0]), ("higher", ordered.iloc[-1])):
            rows.append(
                {
                    "input": INPUT_LABELS.get(name, name),
                    "side": side,
                    "step": f"{100 * row['step']:+.0f} %",
                    "change": float(row["service_level_change"]),
                    "service_level": float(row["service_level"]),
                    "swing": float(row["swing"]),
                }
            )
    frame = pd.DataFrame(rows, columns=columns)
    return frame.sort_values(
        ["swing", "input", "side"], ascending=[False, True, False], kind="stable"
    ).reset_index(drop=True)


def tornado_chart(frame: pd.DataFrame) -> alt.Chart:
    """Tornado chart: one bar pair per input, the change of the weekly service level
    [percentage points] at its lowest and highest step; the input moving it most on top."""
    order = list(dict.fromkeys(frame["input"]))
    return (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            x=alt.X(
                "change:Q",
                title="Change in the period's service level",
                axis=alt.Axis(format="+.1%"),
            ),
            y=alt.Y("input:N", title=None, sort=order, axis=alt.Axis(labelLimit=200)),
            yOffset=alt.YOffset("side:N", sort=["lower", "higher"]),
            color=alt.Color(
                "side:N",
                title="Input moved",
                scale=alt.Scale(domain=list(STEP_COLOURS), range=list(STEP_COLOURS.values())),
                legend=alt.Legend(orient="top", labelExpr="datum.label == 'lower' ? 'down' : 'up'"),
            ),
            tooltip=[
                alt.Tooltip("input:N", title="Input"),
                alt.Tooltip("step:N", title="Step"),
                alt.Tooltip("change:Q", title="Service-level change", format="+.2%"),
                alt.Tooltip("service_level:Q", title="Service level", format=".1%"),
            ],
        )
        .properties(height=alt.Step(16))
    )


#: Figures of :func:`wfm.review.scenarios.compare_scenarios` shown side by side, with their kind
#: (``fraction``, ``seconds``, ``hours``, ``contacts``) for formatting.
COMPARISON_FIGURES = {
    "service_level": "fraction",
    "asa_seconds": "seconds",
    "occupancy": "fraction",
    "abandonment_rate": "fraction",
    "required_agent_hours": "hours",
    "scheduled_agent_hours": "hours",
    "under_staffed_agent_hours": "hours",
    "offered": "contacts",
}


def comparison_with_differences(table: pd.DataFrame) -> pd.DataFrame:
    """A :func:`wfm.review.scenarios.compare_scenarios` table with each figure's difference from the
    first scenario (``<figure>_change``) next to it.

    Infinite or missing figures give a missing difference.
    """
    out = table[["scenario"]].copy()
    for column in COMPARISON_FIGURES:
        if column not in table:
            continue
        values = table[column].astype(float)
        first = values.iloc[0] if len(values) else float("nan")
        out[column] = values
        change = values - first
        out[f"{column}_change"] = change.where(change.map(math.isfinite))
    return out
