"""Forecast: run a forecast from the saved history, save it, and look at the latest one.

The run (model, first date, horizon) calls :func:`wfm.plan.chain.forecast_centre` with a progress
bar and saves the result in the workspace; the rest of the page shows the newest saved
forecast (who made it and when), its P10–P90 band, daily totals, the overrides editor and
the model leaderboard.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from helpers import charts, data, forecast_charts, forecast_data, state, ui
from wfm.errors import WfmError
from wfm.forecast import MODELS
from wfm.forecast.explain import intraday_lines, model_choice_lines
from wfm.forecast.quantiles import add_quantile_columns
from wfm.forecast.selection import COMBINATION_PREFERENCE
from wfm.plan.chain import ROTA_DAYS, default_start_date, forecast_centre, rota_weeks
from wfm.plan.steps import override_forecast
from wfm.review.daily_totals import forecast_daily_totals

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
#: Longest horizon offered [days].
MAX_HORIZON_DAYS = 366

st.title("Forecast")
history = data.require_step("history", "forecast from")
ws = data.workspace()

with ui.friendly_errors():
    centre = data.app_centre()

    # --- run a forecast -----------------------------------------------------------------
    st.subheader("Run a forecast")
    models = ["auto", *sorted(MODELS)]
    default_model = (
        centre.planning.forecast_model if centre.planning.forecast_model in models else "auto"
    )
    left, middle, right = st.columns(3)
    with left:
        model = st.selectbox(
            "Model",
            models,
            index=models.index(default_model),
            key=state.FORECAST_MODEL,
            help="'auto' picks, per queue, the model with the lowest backtest WAPE.",
        )
    with middle:
        start_date = st.date_input(
            "First date",
            value=default_start_date(history),
            key=state.FORECAST_START_DATE,
            help="First local date forecast; only history before it is used.",
        )
    with right:
        horizon_days = int(
            st.number_input(
                "Horizon [days]",
                min_value=1,
                max_value=MAX_HORIZON_DAYS,
                value=ROTA_DAYS * rota_weeks(centre),
                step=1,
                key=state.FORECAST_HORIZON_DAYS,
                help=f"Default: the centre's planning horizon ({centre.planning.horizon_days} days) rounded up to whole "
                "weeks, the days the rota covers.",
            )
        )
    left, middle, right = st.columns(3)
    with left:
        holiday_country = st.text_input(
            "Holidays of country",
            value=centre.country or "",
            max_chars=6,
            key=state.FORECAST_HOLIDAY_COUNTRY,
            help="ISO code (US, GB, IL, SA…): its holidays, their eves and the days after are "
            "day types whose effect is learned from the history (a holiday never seen borrows "
            "from similar days). Empty: no holiday effects. Special days still override.",
        )
    with middle:
        update_today = st.toggle(
            "Update the first date from its arrivals so far",
            key=state.FORECAST_AS_OF_ON,
            help="Intraday re-forecast: the history must hold the first date's intervals up to "
            "the time on the right; the rest of that day is scaled by a shrunk day factor.",
        )
    with right:
        as_of_time = st.time_input(
            "As of (local time)",
            value=dt.time(10, 0),
            step=dt.timedelta(minutes=history.interval_minutes),
            key=state.FORECAST_AS_OF_TIME,
            disabled=not update_today,
        )
    as_of = dt.datetime.combine(start_date, as_of_time) if update_today else None
    st.caption(
        f"History: {len(history.frame):,} rows of {', '.join(history.queues)} "
        f"to {history.frame['interval_start'].max():%a %d %b %Y}. {forecast_data.STOP_NOTE}"
    )
    if st.button(
        "Run forecast", key=state.FORECAST_RUN, type="primary", icon=":material/play_arrow:"
    ):
        bar = st.progress(0.0, text="Forecasting: starting")
        try:
            frame = forecast_centre(
                centre,
                history,
                start_date,
                horizon_days=horizon_days,
                model=model,
                progress=forecast_data.progress_bar(bar, "Forecasting"),
                as_of=as_of,
                holiday_country=holiday_country
                if holiday_country.strip() != (centre.country or "")
                else None,
            )
            used = (
                ", ".join(sorted(frame["model"].astype(str).unique())) if "model" in frame else ""
            )
            forecast_id = ws.save_forecast(
                frame,
                meta={
                    "start_date": start_date.isoformat(),
                    "horizon_days": horizon_days,
                    "model": model,
                    "models_used": used,
                    **({"as_of": as_of.isoformat(timespec="minutes")} if as_of else {}),
                    "holidays": holiday_country.strip().upper() or "none",
                    **forecast_data.report_meta(frame),
                },
            )
        except WfmError as error:
            bar.empty()
            ui.show_error(error)
        else:
            bar.empty()
            st.success(
                f"Forecast {forecast_id} saved: {len(frame):,} intervals from {start_date:%a %d %b %Y}.",
                icon=":material/check_circle:",
            )

    message = st.session_state.pop(state.FORECAST_MESSAGE, None)
    if message:
        st.success(message, icon=":material/check_circle:")
    saved = ws.latest_forecast()
    if saved is None:
        st.info(
            "No forecast saved yet: choose a model and dates above and press **Run forecast**.",
            icon=":material/info:",
        )
        st.stop()

    # --- the latest saved forecast ---------------------------------------------------------
    meta = saved.meta
    st.divider()
    st.subheader(f"Forecast {saved.id}")
    st.caption(
        f"Made {forecast_data.saved_when(saved.created_at)} by {saved.created_by}; "
        f"model {meta.get('model', ui.MISSING)}"
        + (
            f" ({meta['models_used']})"
            if meta.get("models_used") and meta.get("models_used") != meta.get("model")
            else ""
        )
        + f"; from {meta.get('start_date', ui.MISSING)} for {meta.get('horizon_days', ui.MISSING)} days"
        + (f"; overrides on forecast {meta['based_on']}" if meta.get("based_on") else "")
        + "."
    )
    whole = saved.frame
    queues = sorted(whole["queue"].astype(str).unique())
    if not queues:
        st.info("The saved forecast has no open intervals.", icon=":material/info:")
        st.stop()
    left, middle, right = st.columns([2, 1, 1])
    with left:
        queue = ui.queue_picker(queues)
    with middle:
        weeks = st.slider(
            "Weeks of history",
            min_value=0,
            max_value=8,
            value=3,
            key=state.HISTORY_WEEKS,
            persist_state="session",
            help="History drawn before the forecast; 0 draws the forecast alone, wide enough "
            "to read its band.",
        )
    with right:
        band_label = st.selectbox(
            "Band", list(forecast_charts.BANDS), key=state.FORECAST_BAND, persist_state="session"
        )

    # --- overrides ---------------------------------------------------------------------
    st.subheader("Overrides")
    st.caption(
        f"Queue {queue}. Local start and end (end excluded); a multiplier (1.2 = +20 %) or a value "
        "[contacts per interval]. Previewed in the charts below; **Save with overrides** saves them as a "
        "new forecast, which the Staffing page then uses."
    )
    edited = st.data_editor(
        OVERRIDE_TABLE,
        num_rows="dynamic",
        key=state.FORECAST_OVERRIDES,
        column_config={
            "start": st.column_config.DatetimeColumn(
                "Start", format="ddd DD MMM HH:mm", step=60 * centre.interval_minutes
            ),
            "end": st.column_config.DatetimeColumn(
                "End", format="ddd DD MMM HH:mm", step=60 * centre.interval_minutes
            ),
            "multiplier": st.column_config.NumberColumn("Multiplier", min_value=0.0, step=0.05),
            "value": st.column_config.NumberColumn("Value [contacts]", min_value=0.0),
            "reason": st.column_config.TextColumn("Reason"),
        },
        width="stretch",
    )
    complete = edited.dropna(subset=["start", "end"])
    overridden = None
    if len(complete):
        try:
            overridden = override_forecast(
                whole, complete.assign(queue=queue, reason=complete["reason"].fillna("override"))
            )
        except WfmError as error:
            st.warning(f"Overrides not applied: {error}", icon=":material/warning:")
    if overridden is not None:
        whole = overridden
        if st.button(
            "Save with overrides", key=state.FORECAST_SAVE_OVERRIDES, icon=":material/save:"
        ):
            new_id = ws.save_forecast(
                overridden, meta={**meta, "based_on": saved.id, "overrides": len(complete)}
            )
            # The saved forecast now holds the overrides: empty the table, or the next run would apply them twice.
            del st.session_state[state.FORECAST_OVERRIDES]
            st.session_state[state.FORECAST_MESSAGE] = (
                f"Forecast {new_id} saved with {len(complete)} override(s)."
            )
            st.rerun()

    # --- one queue ---------------------------------------------------------------------
    forecast = whole[whole["queue"] == queue]
    offered_total = float(forecast["offered"].sum())
    columns = st.columns(3)
    columns[0].metric("Forecast contacts", ui.number(offered_total, 0))
    weighted_aht = (
        (forecast["offered"] * forecast["aht_seconds"]).sum() / offered_total
        if offered_total > 0
        else None
    )
    columns[1].metric("Forecast AHT (contact-weighted)", ui.seconds(weighted_aht, 0))
    if "override" in forecast.columns:
        columns[2].metric(
            "Overridden intervals", f"{int((forecast['override'].fillna('') != '').sum()):,}"
        )

    if "model" in forecast:  # a caption, not a tile: a model name is too long for a tile
        used_models = sorted({str(name).split(" + ")[0] for name in forecast["model"].unique()})
        st.caption(f"Model of {queue}: {', '.join(used_models)}.")

    # --- what the run tells: the intraday update, the model choice, the holidays ------------
    update_lines, update_warnings = intraday_lines(
        forecast_data.of_queue(meta.get("intraday_update"), queue), centre.timezone
    )
    for line in update_lines:
        st.info(line[0].upper() + line[1:] + ".", icon=":material/update:")
    for line in update_warnings:
        st.warning(line[0].upper() + line[1:] + ".", icon=":material/warning:")
    choice = forecast_charts.choice_frame(forecast_data.of_queue(meta.get("model_choice"), queue))
    if len(choice):
        st.subheader("How the model was chosen")
        st.markdown(
            "\n".join(
                f"- {line.split(', ', 1)[1]}"
                for line in model_choice_lines(choice.to_dict("records"))
            )
        )
        st.caption(
            "Rolling-origin backtest on the history before the first date: each candidate "
            "forecasts the last days from the history before each of them; the lowest WAPE per "
            f"lead band is used (a combination within {COMBINATION_PREFERENCE:.0%} of the lowest "
            "is preferred)."
        )
        st.altair_chart(forecast_charts.choice_chart(choice), width="stretch")
    holidays_used = forecast_data.of_queue(meta.get("holiday_effects"), queue)
    if holidays_used:
        st.subheader("Holidays in the forecast")
        st.dataframe(
            pd.DataFrame(holidays_used)[["date", "day_type", "day_ratio", "source"]],
            hide_index=True,
            width="stretch",
            column_config={
                "date": st.column_config.TextColumn("Date"),
                "day_type": st.column_config.TextColumn("Day type"),
                "day_ratio": st.column_config.NumberColumn(
                    "× an ordinary day", format="%.2f", help="0 = closed"
                ),
                "source": st.column_config.TextColumn("Learned, borrowed or ordinary"),
            },
        )
        st.caption(
            "Holidays, their eves and the days after are day types: learned from their past "
            "days in the history, borrowed from similar days when never seen, or forecast as "
            "ordinary days when the history holds no holiday at all."
        )
    elif meta.get("holidays") not in (None, "none"):
        st.caption(
            f"Holidays of {meta['holidays']}: no holiday, eve or day after in this forecast's days."
        )

    quantiles = forecast_charts.BANDS[band_label]
    low = high = ""  # no band
    if quantiles is not None:
        low, high = (forecast_charts.quantile_column(q) for q in quantiles)
        missing = tuple(
            q for q in quantiles if forecast_charts.quantile_column(q) not in forecast.columns
        )
        if (
            missing and "dispersion" in forecast.columns
        ):  # quantiles the saved forecast does not hold
            forecast = add_quantile_columns(forecast, levels=missing)
    frame = charts.forecast_frame(
        history.frame,
        forecast,
        queue,
        history_weeks=weeks,
        interval_minutes=centre.interval_minutes,
    )
    band = forecast_charts.band_frame(forecast, queue, low, high, centre.interval_minutes)
    st.subheader("Contacts offered per interval")
    st.altair_chart(charts.forecast_band_chart(frame, band), width="stretch")
    st.caption(
        (
            f"Grey: the last {weeks} week(s) of history; blue: the forecast"
            if weeks
            else "The forecast"
        )
        + (
            f"; shaded: {band_label.split(' ')[0]} of the forecast (Poisson–gamma, dispersion fitted on a backtest "
            "of the model)."
            if len(band)
            else "."
        )
        + f" Local time ({centre.timezone}); {centre.interval_minutes}-minute intervals; closed hours are left out."
    )
    st.subheader("Average handle time")
    st.altair_chart(charts.forecast_chart(frame, "aht_seconds"), width="stretch")

    # --- all queues by day -------------------------------------------------------------
    st.subheader("Daily totals")
    daily = forecast_daily_totals(whole)
    st.altair_chart(forecast_charts.daily_totals_chart(daily), width="stretch")
    ui.daily_table(
        daily,
        aht_seconds=st.column_config.NumberColumn("AHT [s]", format="%.0f"),
        open_intervals=st.column_config.NumberColumn("Open intervals", format="%d"),
    )
    ui.csv_download("Download daily totals (CSV)", daily, f"forecast_{saved.id}_daily.csv")

    # --- the forecast table ------------------------------------------------------------
    ui.table_with_download(
        "Forecast table (every interval and queue)",
        whole,
        "Download forecast (CSV)",
        f"forecast_{saved.id}.csv",
    )

    # --- model leaderboard -------------------------------------------------------------
    st.subheader("Backtest more models")
    st.caption(
        "Beside the choice above: every model of the library, scored on demand. "
        f"Rolling-origin backtest of queue {queue} over the last {forecast_data.BACKTEST_ORIGINS} days with volume: "
        "each model forecasts each day from the history that ends 1 or 7 days before it. "
        f"WAPE = Σ|actual − forecast| / Σ actual. Takes tens of seconds. {forecast_data.STOP_NOTE}"
    )
    key = (forecast_data.history_key(history), queue)
    kept = st.session_state.get(state.FORECAST_LEADERBOARD)
    if st.button("Run backtest", key=state.FORECAST_BACKTEST, icon=":material/leaderboard:"):
        bar = st.progress(0.0, text="Backtesting: starting")
        result = forecast_data.run_backtest(
            history, queue, forecast_data.progress_bar(bar, "Backtesting")
        )
        bar.empty()
        kept = {"key": key, "board": result.leaderboard}
        st.session_state[state.FORECAST_LEADERBOARD] = kept
    if kept is not None and kept["key"] == key:
        board = kept["board"]
        st.altair_chart(charts.leaderboard_chart(board), width="stretch")
        st.dataframe(
            board.drop(columns=["queue"]),
            hide_index=True,
            column_config={
                name: st.column_config.NumberColumn(
                    name.upper() if name != "bias" else "Bias", format="percent"
                )
                for name in ("wape", "mape", "bias")
            },
        )
        ui.csv_download("Download leaderboard (CSV)", board, f"leaderboard_{queue}.csv")
