"""Requirements: agents needed per interval as a heat map of day × time of day."""

from __future__ import annotations

import streamlit as st

from views import charts, data, state, ui

st.title("Staffing requirements")
result = data.plan_or_stop()

with ui.friendly_errors():
    requirements = result.requirements
    queues = sorted(requirements["queue"].unique())
    left, right = st.columns([1, 2])
    with left:
        queue = ui.queue_picker(queues)
    with right:
        measure = st.selectbox(
            "Measure",
            list(charts.REQUIREMENTS_MEASURES),
            format_func=charts.REQUIREMENTS_MEASURES.get,
            key=state.REQUIREMENTS_MEASURE,
            persist_state="session",
        )
    rows = requirements[requirements["queue"] == queue]
    hours_per_interval = result.centre.interval_minutes / 60
    target = result.centre.queue(queue)

    columns = st.columns(4)
    columns[0].metric("Scheduled agent-hours required", ui.hours(float(rows["agents_scheduled_required"].sum() * hours_per_interval)))
    columns[1].metric("Peak scheduled agents", ui.number(float(rows["agents_scheduled_required"].max()), 0))
    columns[2].metric("Service-level target", f"{ui.percent(target.service_level_target, 0)} in {ui.seconds(target.answer_threshold_seconds, 0)}")
    columns[3].metric("Shrinkage", ui.percent(float(rows["shrinkage_fraction"].iloc[0]) if len(rows) else None, 0))

    frame = charts.heatmap_frame(requirements, queue, measure)
    st.altair_chart(charts.requirements_heatmap(frame, charts.REQUIREMENTS_MEASURES[measure]), width="stretch")

    binding = rows.loc[rows["offered"] > 0, "binding_target"].value_counts()
    if not binding.empty:
        st.caption(
            "Target that decided the number of agents: "
            + ", ".join(f"{name.replace('_', ' ')} in {count} intervals" for name, count in binding.items())
            + f". Local time ({result.centre.timezone}); closed intervals are blank."
        )
