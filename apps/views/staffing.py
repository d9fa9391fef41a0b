"""Staffing: service level, ASA and occupancy against agents for one interval of the plan."""

from __future__ import annotations

import streamlit as st

from views import charts, data, state, ui
from wfm.staffing.curves import service_curve
from wfm.staffing.erlang_a import staff_erlang_a

#: Agents drawn either side of the requirement.
AGENTS_SPAN = 8

st.title("Staffing curve")
result = data.plan_or_stop()

with ui.friendly_errors():
    requirements = data.in_rota_week(result, result.requirements)
    queues = sorted(requirements["queue"].unique())
    left, middle, right = st.columns([1, 2, 1])
    with left:
        queue = ui.queue_picker(queues)
    rows = requirements[(requirements["queue"] == queue) & (requirements["offered"] > 0)].reset_index(drop=True)
    if rows.empty:
        st.info("No contacts are forecast for this queue in the rota's week.")
        st.stop()
    labels = rows["interval_start"].dt.strftime(charts.WHEN_FORMAT).tolist()
    with middle:
        busiest = int(rows["traffic_erlangs"].idxmax())
        label = st.selectbox("Interval", labels, index=busiest, key=state.STAFFING_INTERVAL)
    with right:
        patience = st.number_input(
            "Patience [s]", min_value=0, max_value=3600, value=0, step=10, key=state.STAFFING_PATIENCE_SECONDS,
            help="Mean time callers wait before abandoning (Erlang A); 0 for callers who never abandon (Erlang C).",
        )
    row = rows.iloc[labels.index(label)]
    target = result.centre.queue(queue)
    traffic, aht = float(row["traffic_erlangs"]), float(row["aht_seconds"])
    patience_seconds = float(patience) if patience > 0 else None
    required = int(row["agents_required"])
    if patience_seconds is not None:
        required = int(staff_erlang_a(
            [traffic], [aht], [patience_seconds], service_level_target=target.service_level_target,
            answer_threshold_seconds=target.answer_threshold_seconds, asa_target_seconds=target.asa_target_seconds,
            max_occupancy=target.max_occupancy,
        )[0])
    low = max(1, required - AGENTS_SPAN)
    curve = service_curve(traffic, aht, target.answer_threshold_seconds, list(range(low, required + AGENTS_SPAN + 1)),
                          patience_seconds=patience_seconds)
    at_required = curve[curve["agents"] == required].iloc[0]

    columns = st.columns(5)
    columns[0].metric("Offered load", f"{ui.number(traffic, 2)} Erlang")
    columns[1].metric("Agents required", ui.number(required, 0), help="Erlang A" if patience_seconds else "Erlang C, as planned")
    columns[2].metric("Service level", ui.percent(float(at_required["service_level"])))
    columns[3].metric("ASA", ui.seconds(float(at_required["asa_seconds"])))
    columns[4].metric("Occupancy", ui.percent(float(at_required["occupancy"])))
    st.altair_chart(
        charts.staffing_curve_chart(charts.staffing_curve_frame(curve), required, target.service_level_target),
        width="stretch",
    )
    st.caption(
        f"Target {ui.percent(target.service_level_target, 0)} in {ui.seconds(target.answer_threshold_seconds, 0)}"
        + (f", occupancy cap {ui.percent(target.max_occupancy, 0)}" if target.max_occupancy else "")
        + ". The service level counts abandoned contacts against it (answered within the threshold / offered)."
    )
