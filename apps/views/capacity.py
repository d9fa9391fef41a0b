"""Capacity (for managers): how many people to hire, and when, for the months ahead.

The long-range forecast and the week shapes are computed once per history, centre and
settings (cached, about a second); the hiring optimiser runs once for the base plan. The
scenario sliders then recompute the requirement, supply, gap and service of the current
hiring plan live (:func:`wfm.capacity.planner.plan_capacity` with the base plan's classes,
well under half a second); "Optimise hiring for this scenario" re-runs the optimiser.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from helpers import capacity_charts, data, state, ui
from wfm.capacity.demand import MIN_HISTORY_WEEKS, short_histories
from wfm.capacity.inputs import CapacityInputs, prepare_capacity
from wfm.capacity.planner import Scenario, plan_capacity
from wfm.capacity.report import (
    COMPARISON_COLUMNS,
    capacity_html,
    capacity_workbook_bytes,
    headline,
)
from wfm.capacity.settings import CapacitySettings, load_capacity_settings, parse_capacity_settings
from wfm.toml_files import parse_toml

MONTH_CHOICES = (6, 12, 18, 24, 36)


@st.cache_resource(show_spinner="Forecasting the months ahead…", max_entries=4)
def _inputs(_centre, _history, _agents, _settings, months: int, key: tuple) -> CapacityInputs:
    return prepare_capacity(_centre, _history, _agents, _settings, months=months)


@st.cache_resource(show_spinner="Choosing hiring classes…", max_entries=16)
def _optimised(_inputs: CapacityInputs, key: tuple, scenario: Scenario):
    return plan_capacity(_inputs, scenario)


def _settings(centre) -> tuple[CapacitySettings, str]:
    """The capacity settings in use, and where they came from."""
    text = st.session_state.get(state.CAPACITY_SETTINGS_TEXT)
    if text:
        source = "uploaded capacity file"
        return parse_capacity_settings(parse_toml(text, source), source=source), (
            "the uploaded capacity file"
        )
    beside = centre.base_dir / "capacity.toml"
    if beside.is_file():
        return load_capacity_settings(beside), f"{beside.name} beside the centre file"
    return CapacitySettings(), "the documented defaults (no capacity.toml beside the centre file)"


st.title("Capacity")
st.caption(
    "How many people the centre needs, week by week, for the months ahead, and when to start "
    "hiring classes so they are trained in time. Requirements come from Erlang C on each "
    "week's interval pattern; supply from today's agents, attrition and hiring classes."
)

with ui.friendly_errors():
    centre = data.app_centre()
    history = data.require_step("history", "plan capacity")
    agents = data.workspace().agents()
    if not agents:
        ui.go_to_data(
            "There are no agents yet: capacity starts from today's team. Load them on the Data "
            "page (or use the sample centre).",
        )
        st.stop()
    short = short_histories(history)
    if short:
        ui.go_to_data(
            f"Capacity planning forecasts the months ahead from at least {MIN_HISTORY_WEEKS} "
            "complete weeks of history per queue; this history has "
            + ", ".join(f"{weeks} for {queue}" for queue, weeks in short.items())
            + ". Upload a longer history on the Data page (two years let the forecast learn "
            "the seasons); forecasting, staffing and rotas for the weeks ahead work already.",
        )
        st.stop()
    with st.expander("Assumptions: attrition, hiring, costs, events", icon=":material/tune:"):
        upload = st.file_uploader("Use another capacity file (TOML)", type=["toml"])
        if upload is not None:  # kept only once it reads: a bad file is an error box
            parse_capacity_settings(parse_toml(upload.getvalue(), upload.name), upload.name)
            st.session_state[state.CAPACITY_SETTINGS_TEXT] = upload.getvalue()
        settings, source = _settings(centre)
        st.write(f"Using {source}.")
        hiring, attrition = settings.hiring, settings.attrition
        st.markdown(
            f"- Attrition {attrition.monthly_fraction:.1%} a month"
            + (
                ", higher for new starters ("
                + ", ".join(
                    f"{band.monthly_fraction:.0%} up to {band.max_tenure_months:g} months"
                    for band in attrition.tenure_bands
                )
                + ")"
                if attrition.tenure_bands
                else ""
            )
            + f"\n- Classes of {hiring.min_class_size}–{hiring.max_class_size} people, "
            f"{hiring.training_weeks} weeks' training ({hiring.training_attrition_fraction:.0%} "
            f"leave), ramp-up {', '.join(f'{s:.0%}' for s in hiring.ramp_up_monthly) or 'none'}, "
            f"recruited {hiring.recruitment_lead_weeks} weeks ahead"
            f"\n- {settings.fte_paid_hours_per_week:g} paid hours make one FTE; overtime up to "
            f"{settings.costs.max_overtime_fraction:.0%} of productive hours at "
            f"{settings.costs.overtime_premium:g}× pay"
        )
    months = st.select_slider("Months ahead", MONTH_CHOICES, value=18, key=state.CAPACITY_MONTHS)
    key = (
        centre.model_dump_json(),
        len(history.frame),
        str(history.frame["interval_start"].max()),
        tuple(a.agent_id for a in agents),
        settings.model_dump_json(),
        months,
    )
    inputs = _inputs(centre, history, agents, settings, months, key)
    base = _optimised(inputs, key, Scenario())


@st.fragment
def scenario_view() -> None:
    """The live part: scenario sliders and everything that follows from them."""
    columns = st.columns(4)
    volume = columns[0].slider(
        "Volume change (%)", -30, 50, 0, step=1, key=state.CAPACITY_VOLUME_CHANGE_PERCENT
    )
    aht = columns[1].slider(
        "Handle time change (%)", -30, 50, 0, step=1, key=state.CAPACITY_AHT_CHANGE_PERCENT
    )
    attrition = columns[2].slider(
        "Attrition change (points a month)",
        -2.0,
        5.0,
        0.0,
        step=0.5,
        key=state.CAPACITY_ATTRITION_CHANGE_POINTS,
    )
    shrinkage = columns[3].slider(
        "Shrinkage change (points)", -10, 15, 0, step=1, key=state.CAPACITY_SHRINKAGE_CHANGE_POINTS
    )
    scenario = Scenario(
        name=f"volume {volume:+d} %, AHT {aht:+d} %, attrition {attrition:+.1f} pt, shrinkage {shrinkage:+d} pt",
        volume_change=volume / 100,
        aht_change=aht / 100,
        attrition_change=attrition / 100,
        shrinkage_change=shrinkage / 100,
    )
    is_base = (volume, aht, attrition, shrinkage) == (0, 0, 0.0, 0)
    optimised = st.session_state.setdefault(state.CAPACITY_OPTIMISED, {})
    scenario_key = (key, volume, aht, attrition, shrinkage)
    if not is_base and scenario_key not in optimised:
        if st.button("Optimise hiring for this scenario", icon=":material/auto_fix_high:"):
            with st.spinner("Choosing hiring classes…"), ui.friendly_errors():
                optimised[scenario_key] = plan_capacity(inputs, scenario)
    with ui.friendly_errors():
        if is_base:
            plan, how = base, "the hiring plan chosen for the base case"
        elif scenario_key in optimised:
            plan, how = optimised[scenario_key], "a hiring plan optimised for this scenario"
        else:
            classes = base.classes[base.classes["source"] == "proposed"]
            plan = plan_capacity(
                inputs,
                scenario,
                new_classes=list(zip(classes["start"], classes["size"], strict=True)),
            )
            how = "the base case's hiring plan, unchanged"
    st.caption(f"Showing {how}.")
    s = plan.summary
    metrics = st.columns(5)
    metrics[0].metric(
        "Peak requirement", f"{s['peak_required_fte']:.1f} FTE", help=f"week of {s['peak_week']}"
    )
    metrics[1].metric("Today", f"{s['current_fte']:.1f} FTE", help=f"{s['current_agents']} agents")
    metrics[2].metric("Hires", f"{s['hires']}", help=f"{s['proposed_classes']} new classes")
    metrics[3].metric(
        "Cost",
        ui.number(s["total_cost"], 0),
        help="recruitment, pay of the hires and overtime [cost units]",
    )
    metrics[4].metric(
        "Weeks short",
        f"{s['weeks_short']}",
        help="weeks that neither hiring (in time) nor overtime within its cap can cover",
    )
    for line in headline(plan):
        st.markdown(f"- {line}")
    st.altair_chart(
        capacity_charts.fan_chart(capacity_charts.fan_frame(plan.weekly)), width="stretch"
    )
    targets = [t.service_level_target for t in inputs.targets.values() if t.service_level_target]
    st.altair_chart(
        capacity_charts.service_chart(plan.weekly, min(targets) if targets else None),
        width="stretch",
    )
    st.subheader("Hiring classes")
    if len(plan.classes):
        st.dataframe(
            plan.classes.rename(
                columns={
                    "start": "Class starts",
                    "size": "People",
                    "productive_from": "Takes contacts from",
                    "source": "Source",
                    "recruit_by": "Recruit by",
                }
            ),
            hide_index=True,
        )
    else:
        st.write("No class is needed.")
    kept = st.session_state.setdefault(state.CAPACITY_KEPT, {})
    if st.button("Keep this scenario for comparison", icon=":material/bookmark_add:"):
        kept[scenario.name] = dict(s, scenario=scenario.name)
    if kept:
        st.subheader("Scenarios side by side")
        table = pd.DataFrame(list(kept.values()))[list(COMPARISON_COLUMNS)]
        st.dataframe(table, hide_index=True)
    downloads = st.columns(2)
    downloads[0].download_button(
        "Download the workbook (Excel)",
        lambda: capacity_workbook_bytes(inputs, plan),
        file_name="capacity.xlsx",
        icon=":material/download:",
    )
    downloads[1].download_button(
        "Download the report (HTML)",
        lambda: capacity_html(inputs, plan),
        file_name="capacity-report.html",
        icon=":material/download:",
    )


scenario_view()
