"""Forecast: history, forecast with its P10–P90 band, the model leaderboard and overrides."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from views import charts, data, state, ui
from wfm.errors import WfmError
from wfm.forecast import apply_overrides

st.title("Forecast")
result = data.plan_or_stop()

#: Columns of the editable overrides table (see wfm.forecast.overrides).
OVERRIDE_TABLE = pd.DataFrame(
    {
        "start": pd.Series([], dtype="datetime64[ns]"),
        "end": pd.Series([], dtype="datetime64[ns]"),
        "multiplier": pd.Series([], dtype=float),
        "value": pd.Series([], dtype=float),
        "reason": pd.Series([], dtype=str),
    }
)

with ui.friendly_errors():
    queues = sorted(result.forecast["queue"].unique())
    left, right = st.columns([2, 1])
    with left:
        queue = ui.queue_picker(queues)
    with right:
        weeks = st.slider(
            "Weeks of history", min_value=1, max_value=8, value=3, key=state.HISTORY_WEEKS, persist_state="session"
        )
    forecast = result.forecast[result.forecast["queue"] == queue]

    st.subheader("Overrides")
    st.caption(
        "Local start and end (end excluded); a multiplier (1.2 = +20 %) or a value [contacts per interval]. "
        "Applied after modelling to this page's forecast; the plan keeps the modelled forecast until it is re-run "
        "with an overrides file (`wfm forecast --overrides`)."
    )
    edited = st.data_editor(
        OVERRIDE_TABLE,
        num_rows="dynamic",
        key=state.FORECAST_OVERRIDES,
        column_config={
            "start": st.column_config.DatetimeColumn("Start", format="ddd DD MMM HH:mm", step=60 * result.centre.interval_minutes),
            "end": st.column_config.DatetimeColumn("End", format="ddd DD MMM HH:mm", step=60 * result.centre.interval_minutes),
            "multiplier": st.column_config.NumberColumn("Multiplier", min_value=0.0, step=0.05),
            "value": st.column_config.NumberColumn("Value [contacts]", min_value=0.0),
            "reason": st.column_config.TextColumn("Reason"),
        },
        width="stretch",
    )
    complete = edited.dropna(subset=["start", "end"])
    if len(complete):
        try:
            forecast = apply_overrides(forecast, complete.assign(queue=queue, reason=complete["reason"].fillna("override")))
        except WfmError as error:
            st.warning(f"Overrides not applied: {error}", icon=":material/warning:")

    columns = st.columns(4)
    columns[0].metric("Forecast contacts", ui.number(float(forecast["offered"].sum()), 0))
    weighted_aht = (forecast["offered"] * forecast["aht_seconds"]).sum() / forecast["offered"].sum() if forecast["offered"].sum() > 0 else None
    columns[1].metric("Forecast AHT (contact-weighted)", ui.seconds(weighted_aht, 0))
    columns[2].metric("Model", ", ".join(forecast["model"].astype(str).unique()) or ui.MISSING)
    if "override" in forecast.columns:
        columns[3].metric("Overridden intervals", f"{int((forecast['override'] != '').sum()):,}")

    frame = charts.forecast_frame(
        result.history.frame, forecast, queue, history_weeks=weeks, interval_minutes=result.centre.interval_minutes
    )
    band = charts.forecast_band_frame(forecast, queue, result.centre.interval_minutes)
    st.subheader("Contacts offered per interval")
    st.altair_chart(charts.forecast_band_chart(frame, band), width="stretch")
    st.caption("Shaded: P10 to P90 of the forecast (Poisson–gamma, dispersion fitted on a backtest of the model).")
    st.subheader("Average handle time")
    st.altair_chart(charts.forecast_chart(frame, "aht_seconds"), width="stretch")
    st.caption(
        f"Local time ({result.centre.timezone}); {result.centre.interval_minutes}-minute intervals; "
        "closed hours are left out."
    )

    st.subheader("Model leaderboard")
    st.caption(
        f"Rolling-origin backtest over the last {data.BACKTEST_ORIGINS} days with volume: each model forecasts each "
        "day from the history that ends 1 or 7 days before it. WAPE = Σ|actual − forecast| / Σ actual."
    )
    if st.button("Run backtest", key=state.FORECAST_BACKTEST, icon=":material/leaderboard:"):
        board = data.backtest_leaderboard(result, str(data.centre_path()), len(result.history.frame), queue)
        st.altair_chart(charts.leaderboard_chart(board), width="stretch")
        st.dataframe(
            board.drop(columns=["queue"]),
            hide_index=True,
            column_config={
                name: st.column_config.NumberColumn(name.upper() if name != "bias" else "Bias", format="percent")
                for name in ("wape", "mape", "bias")
            },
        )
