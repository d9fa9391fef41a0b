"""The What-if page's sliders and headline: the scenario the sliders make, the period's
figures against the base, and the note when the occupancy cap decides the requirement.

Presentation only: the scenario is :class:`wfm.review.scenarios.Scenario`, its figures come
from :func:`wfm.review.scenarios.compare_scenarios`.
"""

from __future__ import annotations

import streamlit as st

from helpers import state, ui, whatif_charts
from helpers.whatif_inputs import BASE, WHAT_IF, Inputs
from wfm.review.scenarios import Scenario, ScenarioResult, compare_scenarios

#: Caller patience the page starts with [s] (Erlang A throughout; 0 = callers never abandon:
#: Erlang C).
DEFAULT_PATIENCE_SECONDS = 120
#: Share of the loaded intervals decided by the occupancy cap from which the page says the
#: service-level target hardly changes the requirement.
CAP_BINDS_SHARE = 0.9
#: Slider keys by the name of their :func:`helpers.whatif_charts.scenario_from_controls` argument.
CONTROL_KEYS = {
    "volume_change_percent": state.WHATIF_VOLUME_CHANGE_PERCENT,
    "aht_change_percent": state.WHATIF_AHT_CHANGE_PERCENT,
    "service_level_target_percent": state.WHATIF_SERVICE_LEVEL_TARGET_PERCENT,
    "shrinkage_percent": state.WHATIF_SHRINKAGE_PERCENT,
    "absenteeism_percent": state.WHATIF_ABSENTEEISM_PERCENT,
    "headcount_change_agents": state.WHATIF_HEADCOUNT_CHANGE_AGENTS,
}


def controls(inputs: Inputs) -> tuple[Scenario, float | None]:
    """The sliders (their values survive page changes) and the scenario they make."""

    def percent_slider(label: str, low: int, high: int, default: int, key: str, text: str):
        return st.slider(
            label, low, high, default, step=1, key=key, help=text, persist_state="session"
        )

    left, middle, right = st.columns(3)
    with left:
        volume = percent_slider(
            "Volume change [%]",
            -50,
            100,
            0,
            state.WHATIF_VOLUME_CHANGE_PERCENT,
            "Contacts offered in every interval, relative to the forecast.",
        )
        aht = percent_slider(
            "Handle time change [%]",
            -50,
            100,
            0,
            state.WHATIF_AHT_CHANGE_PERCENT,
            "Average handle time in every interval, relative to the forecast.",
        )
    with middle:
        target = percent_slider(
            "Service-level target [%]",
            50,
            99,
            inputs.target_default,
            state.WHATIF_SERVICE_LEVEL_TARGET_PERCENT,
            "Share of contacts to answer within each queue's answer time, for every queue. "
            "Left at the start value, each queue keeps its own target.",
        )
        shrink = percent_slider(
            "Shrinkage [%]",
            0,
            60,
            inputs.shrinkage_default,
            state.WHATIF_SHRINKAGE_PERCENT,
            "Share of scheduled time not available for contacts (absence, training), for every "
            "queue. Left at the start value, each queue keeps its own.",
        )
    with right:
        absent = percent_slider(
            "Absenteeism [%]",
            0,
            50,
            0,
            state.WHATIF_ABSENTEEISM_PERCENT,
            "Share of the rota's agents absent on the day, beyond the planned shrinkage.",
        )
        agents = inputs.rota_agents
        headcount = st.slider(
            "Headcount change [agents]",
            -max(agents - 1, 0),
            max(agents, 10),
            0,
            step=1,
            key=state.WHATIF_HEADCOUNT_CHANGE_AGENTS,
            persist_state="session",
            help=f"Agents added to (or removed from) the rota's {agents}; every interval's "
            "scheduled agents change in proportion.",
        )
    patience = st.number_input(
        "Caller patience [s]",
        min_value=0,
        max_value=3600,
        value=DEFAULT_PATIENCE_SECONDS,
        step=10,
        key=state.WHATIF_PATIENCE_SECONDS,
        persist_state="session",
        help="Mean time a caller waits before hanging up. Above 0 every figure comes from "
        "Erlang A (callers abandon); 0 means nobody abandons (Erlang C).",
    )
    scenario = whatif_charts.scenario_from_controls(
        WHAT_IF,
        volume_change_percent=volume,
        aht_change_percent=aht,
        service_level_target_percent=None if target == inputs.target_default else target,
        shrinkage_percent=None if shrink == inputs.shrinkage_default else shrink,
        absenteeism_percent=absent,
        headcount_change_agents=headcount,
        rota_agents=agents,
    )
    return scenario, (float(patience) if patience > 0 else None)


def headline(base: ScenarioResult, changed: ScenarioResult, scenario: Scenario) -> None:
    """The period's figures, what if against base, compact enough for 1280 px."""
    comparison = compare_scenarios([base, changed]).set_index("scenario")
    before, after = comparison.loc[BASE], comparison.loc[WHAT_IF]
    st.subheader("The period, all queues")
    st.caption(
        f"What if: {whatif_charts.describe_scenario(scenario)}. Every figure: {changed.model}."
    )
    figures = [
        ("Service level", "service_level", ui.percent, "normal"),
        ("ASA", "asa_seconds", ui.seconds, "inverse"),
        ("Occupancy", "occupancy", ui.percent, "off"),
        ("Abandoned", "abandonment_rate", ui.percent, "inverse"),
        ("Required agent-h", "required_agent_hours", ui.compact_hours, "inverse"),
        ("Short agent-h", "under_staffed_agent_hours", ui.compact_hours, "inverse"),
    ]
    figures = [f for f in figures if f[1] in comparison]
    for column, (label, field, show, colour) in zip(st.columns(len(figures)), figures, strict=True):
        if field == "asa_seconds":
            shown_after = ui.asa_text(after[field], after["asa_covered_share"])
            shown_before = ui.asa_text(before[field], before["asa_covered_share"])
            bounded = ui.UNBOUNDED not in (shown_after, shown_before)
            delta = ui.change(before[field], after[field], show) if bounded else None
        else:
            shown_after, shown_before = show(after[field]), show(before[field])
            points = field in ("service_level", "occupancy", "abandonment_rate")
            delta = ui.change(before[field], after[field], ui.percentage_points if points else show)
        exact = (
            f"{ui.hours(after[field])} (base {ui.hours(before[field])})"
            if field.endswith("hours")
            else None
        )
        with column:
            st.metric(label, shown_after, delta=delta, delta_color=colour, help=exact)
            st.caption(f"base: {shown_before}")
    note = ui.asa_note(
        after["asa_seconds"], after["asa_covered_share"], after["offered_in_unstable_intervals"]
    )
    if note:
        st.caption(note)


def cap_note(base: ScenarioResult, changed: ScenarioResult, scenario: Scenario) -> None:
    """Say so when the occupancy cap, not the service-level target, decides the requirement."""
    share = float(changed.binding_share.get("occupancy", 0.0))
    if share < CAP_BINDS_SHARE:
        return
    totals = [
        r.summary.set_index("queue").loc["all", "required_agent_hours"] for r in (base, changed)
    ]
    unchanged = scenario.service_level_target is not None and abs(totals[1] - totals[0]) < 0.05
    st.info(
        f"The occupancy cap decides the agents required in {ui.percent(share, 0)} of the intervals: "
        "keeping occupancy under the cap takes more agents than meeting the service-level target. "
        + (
            "That is why moving the service-level target changes nothing here. "
            if unchanged
            else "Moving the service-level target changes little here. "
        )
        + "Raise the cap (Settings page, Queues: “Occupancy cap [%]”) to see the target matter.",
        icon=":material/speed:",
    )


def reopen(controls: dict[str, int], patience: float | None, version_id: int | None) -> None:
    """Set the sliders to a saved scenario's values (a button callback, before the widgets)."""
    for name, value in controls.items():
        st.session_state[CONTROL_KEYS[name]] = int(value)
    st.session_state[state.WHATIF_PATIENCE_SECONDS] = int(patience or 0)
    if version_id is not None:
        st.session_state[state.WHATIF_ROTA_VERSION] = int(version_id)
