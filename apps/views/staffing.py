"""Staffing: requirements from the saved forecast, and the staffing curve of one interval.

"Compute requirements" runs Erlang C on the newest saved forecast (its mean, or a quantile
of its volume: P50, P80, P90) with the centre's targets and shrinkage, and saves the result
in the workspace. The page shows the newest saved requirements as a heat map of day × time
of day, agent-hours per queue and day, a table, and the service curve of one interval
(Erlang C, or Erlang A with a patience).
"""

from __future__ import annotations

import streamlit as st

from helpers import charts, data, forecast_data, staffing_charts, state, ui
from wfm.errors import WfmError
from wfm.plan.steps import STAFFING_QUANTILES, centre_requirements
from wfm.review.daily_totals import requirements_daily_hours
from wfm.staffing.curves import service_curve
from wfm.staffing.erlang_a import staff_erlang_a

#: Agents drawn either side of the requirement.
AGENTS_SPAN = 8


def quantile_label(quantile: float | None) -> str:
    """How a volume choice reads: ``None -> 'Point forecast (mean)'``, ``0.8 -> 'P80 of the volume'``."""
    if quantile is None:
        return "Point forecast (mean)"
    return f"{STAFFING_QUANTILES.get(quantile, f'P{round(100 * quantile)}')} of the volume"


st.title("Staffing")
ws = data.workspace()
try:
    history_saved = bool(ws.steps().set_index("step").loc["history", "done"])
except Exception as error:  # noqa: BLE001 - the app must never show a traceback
    ui.show_error(error)
    st.stop()
if not history_saved:  # point to the first missing step: the Data page
    data.require_step("history", "forecast and staff")
saved_forecast = data.require_step("forecast", "compute requirements from")

with ui.friendly_errors():
    centre = data.app_centre()

    # --- compute requirements ----------------------------------------------------------------
    st.subheader("Compute requirements")
    has_band = "dispersion" in saved_forecast.frame.columns
    choices = [None, *STAFFING_QUANTILES] if has_band else [None]
    quantile = st.selectbox(
        "Staff to",
        choices,
        format_func=quantile_label,
        key=state.STAFFING_QUANTILE,
        help="P80: enough agents for a volume the forecast exceeds one day in five (Poisson–gamma quantile "
        "per interval); the mean staffs to the point forecast.",
    )
    st.caption(
        f"From forecast {saved_forecast.id} (made {forecast_data.saved_when(saved_forecast.created_at)} by "
        f"{saved_forecast.created_by}); Erlang C with each queue's targets and shrinkage from the centre settings."
        + (
            ""
            if has_band
            else " This forecast has no prediction band, so only its mean can be staffed."
        )
    )
    if st.button(
        "Compute requirements",
        key=state.STAFFING_COMPUTE,
        type="primary",
        icon=":material/calculate:",
    ):
        try:
            with st.spinner("Computing requirements…"):
                frame = centre_requirements(centre, saved_forecast.frame, quantile=quantile)
                requirements_id = ws.save_requirements(
                    frame,
                    meta={
                        "start_date": saved_forecast.meta.get("start_date"),
                        "quantile": quantile,
                        "forecast_id": saved_forecast.id,
                    },
                )
        except WfmError as error:  # shown; the page goes on with the requirements saved before
            ui.show_error(error)
        else:
            st.success(
                f"Requirements {requirements_id} saved: {len(frame):,} intervals, {quantile_label(quantile).lower()}.",
                icon=":material/check_circle:",
            )

    saved = ws.latest_requirements()
    if saved is None:
        st.info(
            "No requirements saved yet: press **Compute requirements**.", icon=":material/info:"
        )
        st.stop()

    # --- the latest saved requirements ------------------------------------------------------
    meta = saved.meta
    st.divider()
    st.subheader(f"Requirements {saved.id}")
    st.caption(
        f"Made {forecast_data.saved_when(saved.created_at)} by {saved.created_by}; "
        f"{quantile_label(meta.get('quantile')).lower()}"
        + (f" of forecast {meta['forecast_id']}" if meta.get("forecast_id") is not None else "")
        + (f"; from {meta['start_date']}" if meta.get("start_date") else "")
        + "."
    )
    newer = meta.get("forecast_id") is not None and meta["forecast_id"] != saved_forecast.id
    if newer or (meta.get("forecast_id") is None and saved.created_at < saved_forecast.created_at):
        st.warning(
            f"Forecast {saved_forecast.id} is newer than these requirements: press **Compute requirements** to "
            "staff to it.",
            icon=":material/warning:",
        )
    requirements = saved.frame
    own_queues = {queue.name for queue in centre.queues}
    found = set(requirements["queue"].astype(str).unique())
    foreign = sorted(found - own_queues)
    if foreign:
        st.warning(
            f"These requirements include queues this centre does not have ({', '.join(foreign)}): "
            "they were computed for another centre"
            + (
                ", so they are set aside. Press **Compute requirements** to staff this centre's forecast."
                if not found & own_queues
                else "; only this centre's queues are shown. Press **Compute requirements** to refresh them."
            ),
            icon=":material/swap_horiz:",
        )
        requirements = requirements[requirements["queue"].isin(own_queues)]
    queues = sorted(requirements["queue"].astype(str).unique())
    if not queues:
        if not foreign:
            st.info("The saved requirements have no intervals.", icon=":material/info:")
        st.stop()
    left, right = st.columns([1, 2])
    with left:
        queue = ui.queue_picker(queues)
    with right:
        measure = st.selectbox(
            "Measure",
            [name for name in charts.REQUIREMENTS_MEASURES if name in requirements.columns],
            format_func=charts.REQUIREMENTS_MEASURES.get,
            key=state.REQUIREMENTS_MEASURE,
            persist_state="session",
        )
    rows = requirements[requirements["queue"] == queue]
    hours_per_interval = centre.interval_minutes / 60
    target = centre.queue(queue)

    columns = st.columns(4)
    columns[0].metric(
        "Scheduled agent-hours required",
        ui.compact_hours(float(rows["agents_scheduled_required"].sum() * hours_per_interval)),
    )
    columns[1].metric(
        "Peak scheduled agents", ui.number(float(rows["agents_scheduled_required"].max()), 0)
    )
    columns[2].metric(
        "Service-level target",
        f"{ui.percent(target.service_level_target, 0)} in {ui.seconds(target.answer_threshold_seconds, 0)}",
    )
    columns[3].metric(
        "Shrinkage",
        ui.percent(
            float(rows["shrinkage_fraction"].iloc[0])
            if len(rows) and "shrinkage_fraction" in rows
            else None,
            0,
        ),
    )

    st.subheader("Agents required by day and time of day")
    frame = charts.heatmap_frame(requirements, queue, measure)
    st.altair_chart(
        charts.requirements_heatmap(frame, charts.REQUIREMENTS_MEASURES[measure]), width="stretch"
    )
    if "binding_target" in rows.columns:
        binding = rows.loc[rows["offered"] > 0, "binding_target"].value_counts()
        if not binding.empty:
            st.caption(
                "Target that decided the number of agents: "
                + ", ".join(
                    f"{name.replace('_', ' ')} in {count} intervals"
                    for name, count in binding.items()
                )
                + f". Local time ({centre.timezone}); closed intervals are blank."
            )

    st.subheader("Agent-hours per queue and day")
    daily = requirements_daily_hours(requirements, centre.interval_minutes)
    st.altair_chart(staffing_charts.daily_hours_chart(daily), width="stretch")
    ui.daily_table(
        daily,
        productive_agent_hours=st.column_config.NumberColumn(
            "Productive agent-hours", format="%.1f"
        ),
        scheduled_agent_hours=st.column_config.NumberColumn("Scheduled agent-hours", format="%.1f"),
        peak_scheduled_agents=st.column_config.NumberColumn("Peak scheduled agents", format="%d"),
    )
    ui.csv_download(
        "Download agent-hours per day (CSV)", daily, f"requirements_{saved.id}_daily.csv"
    )
    ui.table_with_download(
        "Requirements table (every interval and queue)",
        requirements,
        "Download requirements (CSV)",
        f"requirements_{saved.id}.csv",
    )

    # --- staffing curve of one interval -------------------------------------------------------
    st.subheader("Staffing curve")
    curve_rows = rows[rows["offered"] > 0].reset_index(drop=True)
    if curve_rows.empty:
        st.info("No contacts are forecast for this queue.", icon=":material/info:")
        st.stop()
    labels = curve_rows["interval_start"].dt.strftime(charts.WHEN_FORMAT).tolist()
    left, right = st.columns([2, 1])
    with left:
        busiest = int(curve_rows["traffic_erlangs"].idxmax())
        label = st.selectbox("Interval", labels, index=busiest, key=state.STAFFING_INTERVAL)
    with right:
        patience = st.number_input(
            "Patience [s]",
            min_value=0,
            max_value=3600,
            value=0,
            step=10,
            key=state.STAFFING_PATIENCE_SECONDS,
            help="Mean time callers wait before abandoning (Erlang A); 0 for callers who never abandon (Erlang C).",
        )
    row = curve_rows.iloc[labels.index(label) if label in labels else busiest]
    traffic, aht = float(row["traffic_erlangs"]), float(row["aht_seconds"])
    patience_seconds = float(patience) if patience > 0 else None
    required = int(row["agents_required"])
    if patience_seconds is not None:
        required = int(
            staff_erlang_a(
                [traffic],
                [aht],
                [patience_seconds],
                service_level_target=target.service_level_target,
                answer_threshold_seconds=target.answer_threshold_seconds,
                asa_target_seconds=target.asa_target_seconds,
                max_occupancy=target.max_occupancy,
            )[0]
        )
    low = max(1, required - AGENTS_SPAN)
    curve = service_curve(
        traffic,
        aht,
        target.answer_threshold_seconds,
        list(range(low, required + AGENTS_SPAN + 1)),
        patience_seconds=patience_seconds,
    )
    at_required = curve[curve["agents"] == required].iloc[0]

    columns = st.columns(5)
    columns[0].metric("Offered load [Erlang]", ui.number(traffic, 2))
    columns[1].metric(
        "Agents required",
        ui.number(required, 0),
        help="Erlang A" if patience_seconds else "Erlang C, as computed",
    )
    columns[2].metric("Service level", ui.percent(float(at_required["service_level"])))
    columns[3].metric("ASA", ui.seconds(float(at_required["asa_seconds"])))
    columns[4].metric("Occupancy", ui.percent(float(at_required["occupancy"])))
    shares_chart, asa_chart = staffing_charts.staffing_curve_charts(
        staffing_charts.staffing_curve_frame(curve), required, target.service_level_target
    )
    st.altair_chart(shares_chart, width="stretch")
    st.altair_chart(asa_chart, width="stretch")
    st.caption(
        f"Productive agents for {label} ({queue}). Target {ui.percent(target.service_level_target, 0)} in "
        f"{ui.seconds(target.answer_threshold_seconds, 0)}"
        + (f", occupancy cap {ui.percent(target.max_occupancy, 0)}" if target.max_occupancy else "")
        + ". The service level counts abandoned contacts against it (answered within the threshold / offered)."
    )
