"""What if: change volume, handle time, service-level target or shrinkage and see what the
rota in hand would achieve. Requirements and projected service are recomputed live by
:func:`wfm.scenarios.run_scenario`; the rota itself is not re-solved."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from views import charts, data, state, ui
from wfm.scenarios import Scenario, compare_scenarios

BASE, WHAT_IF = "base", "what if"

st.title("What if")
result = data.plan_or_stop()

with ui.friendly_errors():
    centre = result.centre
    queues = [queue.name for queue in centre.queues]
    # The sliders start at the centre's own values; a slider left there changes nothing
    # (queues with different targets keep their own).
    target_percent = round(100 * sum(centre.queue(name).service_level_target for name in queues) / len(queues))
    shrinkage_percent = round(100 * sum(centre.shrinkage_for(name) for name in queues) / len(queues))

    st.caption(
        "Move a slider to see what the rota in hand would achieve: the requirements are staffed "
        "again for the changed forecast and targets; the rota is not re-solved."
    )
    left, right = st.columns(2)
    with left:
        volume = st.slider(
            "Volume change [%]", -50, 100, 0, step=1, key=state.WHATIF_VOLUME_CHANGE_PERCENT, persist_state="session",
            help="Contacts offered in every interval, relative to the forecast.",
        )
        aht = st.slider(
            "Handle time change [%]", -50, 100, 0, step=1, key=state.WHATIF_AHT_CHANGE_PERCENT, persist_state="session",
            help="Average handle time in every interval, relative to the forecast.",
        )
    with right:
        target = st.slider(
            "Service-level target [%]", 50, 99, target_percent, step=1, key=state.WHATIF_SERVICE_LEVEL_TARGET_PERCENT,
            persist_state="session", help="Share of contacts to answer within each queue's answer threshold, for every queue.",
        )
        shrinkage = st.slider(
            "Shrinkage [%]", 0, 60, shrinkage_percent, step=1, key=state.WHATIF_SHRINKAGE_PERCENT, persist_state="session",
            help="Share of scheduled time not available for contacts (absence, training), for every queue.",
        )

    scenario = Scenario(
        name=WHAT_IF,
        volume_factor=1 + volume / 100,
        aht_factor=1 + aht / 100,
        service_level_target=None if target == target_percent else target / 100,
        shrinkage_fraction=None if shrinkage == shrinkage_percent else shrinkage / 100,
    )
    base = data.run_whatif(result, Scenario(name=BASE))
    changed = data.run_whatif(result, scenario)
    comparison = compare_scenarios([base, changed]).set_index("scenario")
    before, after = comparison.loc[BASE], comparison.loc[WHAT_IF]

    st.subheader("The week, all queues")
    figures = [
        ("Service level", "service_level", ui.percent, "normal"),
        ("ASA", "asa_seconds", ui.seconds, "inverse"),
        ("Required agent-hours", "required_agent_hours", ui.hours, "inverse"),
        ("Under-staffed agent-hours", "under_staffed_agent_hours", ui.hours, "inverse"),
    ]
    for column, (label, field, show, colour) in zip(st.columns(len(figures)), figures, strict=True):
        with column:
            st.metric(f"{label} ({BASE})", show(before[field]))
            delta = ui.change(before[field], after[field], ui.percentage_points if field == "service_level" else show)
            st.metric(f"{label} ({WHAT_IF})", show(after[field]), delta=delta, delta_color=colour)

    changed_total = changed.summary.set_index("queue").loc["all"]
    if changed_total["intervals_unstable"]:
        st.caption(ui.overloaded_note(int(changed_total["intervals_unstable"]), float(changed_total["offered_in_unstable_intervals"])))

    st.subheader("Per queue")
    per_queue = base.summary.merge(changed.summary, on="queue", suffixes=("_base", "_what_if"))
    st.dataframe(
        pd.DataFrame(
            {
                "Queue": per_queue["queue"],
                "Target": per_queue["service_level_target_what_if"].map(lambda value: ui.percent(value, 0)),
                "Service level (base)": per_queue["service_level_base"].map(ui.percent),
                "Service level (what if)": per_queue["service_level_what_if"].map(ui.percent),
                "ASA (base)": per_queue["asa_seconds_base"].map(ui.seconds),
                "ASA (what if)": per_queue["asa_seconds_what_if"].map(ui.seconds),
                "Required agent-hours (base)": per_queue["required_agent_hours_base"].map(ui.hours),
                "Required agent-hours (what if)": per_queue["required_agent_hours_what_if"].map(ui.hours),
                "Under-staffed agent-hours (what if)": per_queue["under_staffed_agent_hours_what_if"].map(ui.hours),
            }
        ),
        hide_index=True,
    )

    st.subheader("Service level per interval")
    queue = ui.queue_picker(queues)
    frame = charts.service_level_frame(
        {BASE: base.projected, WHAT_IF: changed.projected}, queue, centre.interval_minutes
    )
    queue_target = float(changed.summary.set_index("queue").loc[queue, "service_level_target"])
    st.altair_chart(charts.service_level_chart(frame, queue_target), width="stretch")
    st.caption(f"Dashed line: the {WHAT_IF} target. Local time ({centre.timezone}).")
