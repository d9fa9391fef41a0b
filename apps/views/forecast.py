"""Forecast: the last weeks of history and the forecast of one queue."""

from __future__ import annotations

import streamlit as st

from views import charts, data, state, ui

st.title("Forecast")
result = data.plan_or_stop()

with ui.friendly_errors():
    queues = sorted(result.forecast["queue"].unique())
    left, right = st.columns([2, 1])
    with left:
        queue = ui.queue_picker(queues)
    with right:
        weeks = st.slider(
            "Weeks of history", min_value=1, max_value=8, value=3, key=state.HISTORY_WEEKS, persist_state="session"
        )
    frame = charts.forecast_frame(
        result.history.frame,
        result.forecast,
        queue,
        history_weeks=weeks,
        interval_minutes=result.centre.interval_minutes,
    )
    forecast = result.forecast[result.forecast["queue"] == queue]

    columns = st.columns(3)
    columns[0].metric("Forecast contacts", ui.number(float(forecast["offered"].sum()), 0))
    weighted_aht = (forecast["offered"] * forecast["aht_seconds"]).sum() / forecast["offered"].sum() if forecast["offered"].sum() > 0 else None
    columns[1].metric("Forecast AHT (contact-weighted)", ui.seconds(weighted_aht, 0))
    columns[2].metric("Model", ", ".join(forecast["model"].astype(str).unique()) or ui.MISSING)

    st.subheader("Contacts offered per interval")
    st.altair_chart(charts.forecast_chart(frame, "offered"), width="stretch")
    st.subheader("Average handle time")
    st.altair_chart(charts.forecast_chart(frame, "aht_seconds"), width="stretch")
    st.caption(
        f"Local time ({result.centre.timezone}); {result.centre.interval_minutes}-minute intervals; "
        "closed hours are left out."
    )
