"""What if (for managers): change volume, handle time, the service-level target, shrinkage,
absenteeism or headcount, and see what a rota would achieve.

The rota tested is picked at the top (default: the one that applies to the newest forecast's
dates, :meth:`wfm.plan.workspace.Workspace.rota_for_period`, so a draft for next week can be
tested before it is published); the forecast is the newest saved one covering the rota's
dates. Every slider move recomputes the requirements and the projected service with
:func:`wfm.review.scenarios.run_scenario` (a few hundredths of a second for a week); the rota
itself is not re-solved.

Live: the sliders, the headline figures and the per-interval chart are one fragment
(``st.fragment``), so a slider move reruns only them; the rest of the page (per day, staff
needed, scenarios side by side, sensitivity) follows in a full run started at the end of the
fragment. Named scenarios can be kept for the session, saved in the workspace (one per name),
listed and reopened.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from helpers import data, state, ui, whatif_charts, whatif_controls, whatif_inputs
from helpers.whatif_inputs import BASE, WHAT_IF, Inputs
from helpers.whatif_scenarios import scenarios_section
from wfm.data.io import frame_to_csv_text
from wfm.review.scenarios import Scenario


@st.fragment
def live(inputs: Inputs) -> None:
    """Sliders, headline and per-interval chart: a slider move reruns only this part."""
    scenario, patience = whatif_controls.controls(inputs)
    base = whatif_inputs.result(inputs, Scenario(name=BASE), patience)
    changed = whatif_inputs.result(inputs, scenario, patience)
    whatif_controls.headline(base, changed, scenario)
    whatif_controls.cap_note(base, changed, scenario)

    st.subheader("Per interval")
    pick_queue, pick_measure = st.columns(2)
    with pick_queue:
        queue = ui.queue_picker(inputs.queues)
    measures = {
        k: v[0] for k, v in whatif_charts.PROJECTION_MEASURES.items() if k in changed.projected
    }
    with pick_measure:
        measure = st.selectbox(
            "Measure", list(measures), format_func=measures.get, key=state.WHATIF_MEASURE
        )
    drawn = {BASE: base.projected, WHAT_IF: changed.projected}
    for name, other in st.session_state.get(state.WHATIF_KEPT_SCENARIOS, {}).items():
        drawn[name] = whatif_inputs.result(inputs, other, patience).projected
    frame = whatif_charts.projection_frame(drawn, queue, measure, inputs.plan.interval_minutes)
    queue_target = float(changed.summary.set_index("queue").loc[queue, "service_level_target"])
    st.altair_chart(
        whatif_charts.projection_chart(
            frame, measure, queue_target if measure == "service_level" else None
        ),
        width="stretch",
    )
    st.caption(
        f"Local time ({inputs.timezone}); {changed.model}. Dashed line: the {WHAT_IF} target."
        + (" An ASA with no finite wait is not drawn." if patience is None else "")
    )
    drawn_with = (scenario, patience)
    if not st.session_state.get(state.WHATIF_FULL_RUN) and (
        st.session_state.get(state.WHATIF_DRAWN_WITH) != drawn_with
    ):
        # Only this fragment ran (a slider moved): the rest of the page follows.
        st.session_state[state.WHATIF_DRAWN_WITH] = drawn_with
        st.rerun()
    st.session_state[state.WHATIF_DRAWN_WITH] = drawn_with


st.title("What if")

message = st.session_state.pop(state.WHATIF_MESSAGE, None)
if message:
    st.success(message, icon=":material/check:")

with ui.friendly_errors():
    ws = data.workspace()
    centre = data.app_centre()
    inputs = whatif_inputs.load(ws, centre)

# --- live part: sliders, headline, per interval --------------------------------------------
st.session_state[state.WHATIF_FULL_RUN] = True
try:
    with ui.friendly_errors():
        live(inputs)
finally:
    st.session_state[state.WHATIF_FULL_RUN] = False

with ui.friendly_errors():
    scenario, patience = st.session_state[state.WHATIF_DRAWN_WITH]
    base = whatif_inputs.result(inputs, Scenario(name=BASE), patience)
    changed = whatif_inputs.result(inputs, scenario, patience)

    # --- per day --------------------------------------------------------------------------------
    st.subheader("Per day")
    daily = whatif_inputs.by_day(inputs, scenario, patience)
    base_daily = whatif_inputs.by_day(inputs, Scenario(name=BASE), patience)
    shown = daily.merge(
        base_daily[["date", "queue", "service_level"]], on=["date", "queue"], suffixes=("", "_base")
    )
    covered = 1 - shown["offered_in_unstable_intervals"] / shown["offered"].where(
        shown["offered"] > 0
    )
    table = {
        "Date": shown["date"].map(lambda d: f"{d:%a %d %b}"),
        "Queue": shown["queue"],
        "Offered": shown["offered"].map(lambda v: ui.number(v, 0)),
        "Service level (base)": shown["service_level_base"].map(ui.percent),
        "Service level (what if)": shown["service_level"].map(ui.percent),
        "ASA (what if)": [
            ui.asa_text(a, c)
            for a, c in zip(shown["asa_seconds"], covered.fillna(1.0), strict=True)
        ],
        "Occupancy (what if)": shown["occupancy"].map(ui.percent),
    }
    if "abandonment_rate" in shown:
        table["Abandoned (what if)"] = shown["abandonment_rate"].map(ui.percent)
    table["Required agent-hours"] = shown["required_agent_hours"].map(ui.hours)
    table["Scheduled agent-hours"] = shown["scheduled_agent_hours"].map(ui.hours)
    table["Short agent-hours"] = shown["under_staffed_agent_hours"].map(ui.hours)
    st.dataframe(pd.DataFrame(table), hide_index=True)
    downloads = st.columns(2)
    downloads[0].download_button(
        "Download per day (CSV)",
        frame_to_csv_text(daily.assign(scenario=WHAT_IF)).encode("utf-8"),
        "whatif_by_day.csv",
        "text/csv",
        key="whatif_download_days",
        on_click="ignore",
    )
    downloads[1].download_button(
        "Download per interval (CSV)",
        lambda: frame_to_csv_text(
            pd.concat(
                [base.projected.assign(scenario=BASE), changed.projected.assign(scenario=WHAT_IF)]
            )
        ).encode("utf-8"),
        "whatif_by_interval.csv",
        "text/csv",
        key="whatif_download_intervals",
        on_click="ignore",
    )

    # --- staff needed ---------------------------------------------------------------------------
    st.subheader("Staff needed")
    needed = changed.summary[
        ["queue", "required_agent_hours", "scheduled_agent_hours", "under_staffed_agent_hours"]
    ].copy()
    peaks = changed.projected.groupby("queue")["agents_scheduled_required"].max()
    st.dataframe(
        pd.DataFrame(
            {
                "Queue": needed["queue"],
                "Required agent-hours": needed["required_agent_hours"].map(ui.hours),
                "Scheduled agent-hours (present)": needed["scheduled_agent_hours"].map(ui.hours),
                "Short agent-hours": needed["under_staffed_agent_hours"].map(ui.hours),
                "Peak agents required": needed["queue"].map(peaks).map(lambda v: ui.number(v, 0)),
            }
        ),
        hide_index=True,
    )
    st.caption(
        "Required: scheduled agents needed to meet the targets (after shrinkage); present: the rota's "
        "agents after the headcount change and absenteeism. Peak: the largest requirement in one "
        "interval."
    )

    scenarios_section(ws, inputs, scenario, patience, base, changed)

    # --- sensitivity ------------------------------------------------------------------------------
    st.subheader("Which input moves the service level most")
    from_whatif = st.toggle(
        "Start from the what-if scenario",
        value=False,
        key=state.WHATIF_SENSITIVITY_FROM_SCENARIO,
        help="Off: the inputs move from the plan as it stands (computed once). On: from the sliders' "
        "scenario (about twenty recomputations at every slider move, so the page is slower).",
    )
    start = scenario if from_whatif else Scenario(name=BASE)
    tornado = whatif_inputs.sensitivity_of(inputs, start, patience)
    st.altair_chart(
        whatif_charts.tornado_chart(whatif_charts.tornado_frame(tornado)), width="stretch"
    )
    st.caption(
        f"Each input moved alone by ±10 % from the {'what-if scenario' if from_whatif else 'plan as it stands'} "
        f"(absenteeism: 10 % fewer or more agents present), {base.model}, as above. "
        "The target changes the agents required, not the service the rota gives, so its bar is empty; "
        "its effect is in the required agent-hours of the CSV."
    )
    ui.csv_download(
        "Download the sensitivity table (CSV)",
        tornado,
        "whatif_sensitivity.csv",
        key="whatif_download_sensitivity",
    )
