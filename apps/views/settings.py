"""Settings: the centre configuration (editable, saved in the workspace), the audit trail,
the store, and personal data (retention of agent-state events, purge).

Edits are validated by :func:`wfm.config.parse_centre`, exactly as a centre file is: an
invalid value shows the field path and saves nothing. Conversions between the centre and
the tables are in :mod:`helpers.centre_editing`.
"""

from __future__ import annotations

import datetime as dt
import typing
import zoneinfo

import pandas as pd
import streamlit as st

from helpers import audit_view, centre_editing, data, state, ui
from helpers import rota_charts as rc
from wfm import config_toml
from wfm.config import Centre, parse_centre
from wfm.data.io import frame_to_csv_text
from wfm.errors import WfmError
from wfm.store.migrations import status
from wfm.store.privacy import purge_state_events, retention_days
from wfm.timegrid import ALLOWED_INTERVAL_MINUTES

st.title("Settings")

with ui.friendly_errors():
    ws = data.workspace()
    centre = data.app_centre()
    saved_centre = ws.centre()

message = st.session_state.pop(state.SETTINGS_MESSAGE, None)
if message:
    st.success(message, icon=":material/check_circle:")


def save(new: Centre, what: str) -> None:
    """Save the centre (audited) and rerun, so every widget shows the saved values."""
    ws.save_centre(new)
    st.session_state[state.SETTINGS_MESSAGE] = what
    st.rerun()


# --- centre configuration ----------------------------------------------------------------
st.header("Centre")
if saved_centre is None:
    st.info(
        "These are the starting settings; nothing is saved in the workspace yet. "
        "Change them below and press “Save settings” to keep them.",
        icon=":material/info:",
    )
if data.time_limit_seconds() is not None:
    st.caption("The solver time limit shown is the one this app is set up with.")


def scalar_inputs(section: str, values, key: str) -> dict:
    """One input per field of a settings model (planning, scheduling), typed from its
    annotation, labelled in words with units; fractions are shown in percent."""
    model = type(values)
    result = {}
    grid = st.columns(3)
    for index, (name, field) in enumerate(model.model_fields.items()):
        value = getattr(values, name)
        kind = field.annotation
        args = typing.get_args(kind)
        column = grid[index % 3]
        widget_key = f"{key}_{section}_{name}"
        label = rc.setting_label(name)
        if isinstance(value, dict | list | tuple):  # not editable as one input: kept as it is
            column.caption(f"{label}: {value} (kept as it is)")
            result[name] = value
        elif kind is bool:
            result[name] = column.checkbox(
                label, value=value, help=field.description, key=widget_key
            )
        elif typing.get_origin(kind) is typing.Literal:
            options = list(args)
            result[name] = column.selectbox(
                label,
                options,
                index=options.index(value),
                format_func=lambda option: str(option).replace("_", " "),
                help=field.description,
                key=widget_key,
            )
        elif kind is int:
            result[name] = column.number_input(
                label, value=int(value), step=1, help=field.description, key=widget_key
            )
        elif kind is float and rc.is_fraction_setting(name):
            shown = column.number_input(
                label,
                value=100.0 * float(value),
                format="%g",
                min_value=0.0,
                max_value=100.0,
                help=field.description,
                key=widget_key,
            )
            result[name] = shown / 100.0
        elif kind is float:
            result[name] = column.number_input(
                label, value=float(value), format="%g", help=field.description, key=widget_key
            )
        else:  # text, dates (ISO) and optional values: empty for none
            text = (
                ""
                if value is None
                else (value.isoformat() if isinstance(value, dt.date) else str(value))
            )
            entered = column.text_input(
                label, value=text, help=f"{field.description} Empty for none.", key=widget_key
            )
            result[name] = entered.strip() or None
    return result


zones = sorted(zoneinfo.available_timezones())
with st.form("centre_settings"):
    st.subheader("General")
    left, middle, right = st.columns(3)
    general = {
        "name": left.text_input("Name", value=centre.name),
        "timezone": middle.selectbox(
            "Time zone",
            zones,
            index=zones.index(centre.timezone) if centre.timezone in zones else 0,
            help="IANA time zone of the site: opening hours, shifts and seasonality are in local time.",
        ),
        "interval_minutes": right.selectbox(
            "Interval [minutes]",
            list(ALLOWED_INTERVAL_MINUTES),
            index=list(ALLOWED_INTERVAL_MINUTES).index(centre.interval_minutes),
        ),
        "country": left.text_input(
            "Country (holidays)", value=centre.country or "", help="e.g. GB; empty for no holidays."
        )
        or None,
        "subdivision": middle.text_input(
            "Subdivision", value=centre.subdivision or "", help="e.g. ENG for England."
        )
        or None,
        "close_on_holidays": right.checkbox(
            "Closed on national holidays", value=centre.close_on_holidays
        ),
    }
    st.subheader("Opening hours")
    st.caption("Local time, 'HH:MM-HH:MM' or 'closed'.")
    opening_table = centre_editing.opening_hours_table(centre)
    opening = st.data_editor(
        opening_table,
        hide_index=True,
        disabled=["day"],
        key="settings_opening_hours",
        column_config=centre_editing.column_labels(opening_table),
    )
    st.subheader("Queues")
    st.caption(
        "Percentages in percent (80 = 80 %). Empty occupancy cap: no cap; empty shrinkage: the planning shrinkage."
    )
    queues = st.data_editor(
        centre_editing.queues_table(centre),
        hide_index=True,
        num_rows="dynamic",
        key="settings_queues",
        column_config={
            "name": st.column_config.TextColumn("Queue"),
            "service_level_target_percent": st.column_config.NumberColumn(
                "Service-level target [%]", min_value=0, max_value=100
            ),
            "answer_threshold_seconds": st.column_config.NumberColumn(
                "Answer within [s]", min_value=0
            ),
            "max_occupancy_percent": st.column_config.NumberColumn(
                "Occupancy cap [%]", min_value=0, max_value=100
            ),
            "asa_target_seconds": st.column_config.NumberColumn("ASA target [s]", min_value=0),
            "shrinkage_percent": st.column_config.NumberColumn(
                "Shrinkage [%]", min_value=0, max_value=100
            ),
        },
    )
    st.subheader("Shift templates")
    st.caption(
        "Days and lengths as lists separated by commas: `mon, tue` and `240, 360` [minutes]."
    )
    shifts = ui.table_editor(centre_editing.shift_templates_table(centre), "settings_shifts")
    st.subheader("Break rules")
    breaks = ui.table_editor(
        centre_editing.break_rules_table(centre),
        "settings_breaks",
        activity=st.column_config.SelectboxColumn("Activity", options=["break", "lunch"]),
    )
    st.subheader("Contracts")
    contracts = ui.table_editor(centre_editing.contracts_table(centre), "settings_contracts")
    with st.expander("Planning: horizon, forecast model, shrinkage"):
        planning = scalar_inputs("planning", centre.planning, "settings")
    with st.expander("Scheduling: objective weights and solver settings"):
        scheduling = scalar_inputs("scheduling", centre.scheduling, "settings")
    submitted = st.form_submit_button("Save settings", type="primary", icon=":material/save:")

if submitted:
    try:
        raw = centre_editing.raw_centre(
            centre,
            general=general,
            opening_hours=centre_editing.opening_hours_from_table(opening),
            queues=centre_editing.queues_from_table(queues),
            shift_templates=centre_editing.shift_templates_from_table(shifts),
            break_rules=centre_editing.break_rules_from_table(breaks),
            contracts=centre_editing.contracts_from_table(contracts),
            sections={"planning": planning, "scheduling": scheduling},
        )
        edited = parse_centre(raw, source="Settings", base_dir=centre.base_dir)
    except Exception as error:  # noqa: BLE001 - shown with the field path; nothing saved
        ui.show_error(error)
        st.caption("Nothing was saved.")
    else:
        with ui.friendly_errors():
            save(edited, "Settings saved in the workspace (and recorded in the audit trail).")

st.download_button(
    "Download centre TOML",
    config_toml.centre_toml(centre),
    "centre.toml",
    "application/toml",
    icon=":material/download:",
    help="The settings as saved (not unsaved edits), as a file an analyst can plan with outside the app; "
    "file paths are written in full.",
)


# --- audit trail -------------------------------------------------------------------------
st.header("Audit trail")
with ui.friendly_errors():
    audit = ws.audit()
if audit.empty:
    st.info(
        "Nothing recorded yet: imports, settings, forecasts and rotas appear here.",
        icon=":material/info:",
    )
else:
    left, right = st.columns(2)
    actions = left.multiselect(
        "Action", sorted(audit["action"].unique()), key=state.SETTINGS_AUDIT_ACTIONS
    )
    actors = right.multiselect(
        "Who", sorted(audit["actor"].unique()), key=state.SETTINGS_AUDIT_ACTORS
    )
    table = audit_view.audit_table(audit, actions, actors)
    st.caption(f"{len(table):,} of {len(audit):,} entries, newest first.")
    st.dataframe(
        table, hide_index=True, width="stretch", column_config=audit_view.AUDIT_TABLE_LABELS
    )
    st.download_button(
        "Download audit trail (CSV)", frame_to_csv_text(table), "audit_trail.csv", "text/csv"
    )


# --- store -------------------------------------------------------------------------------
st.header("Store")
with ui.friendly_errors():
    store_status = status(ws.url)
    counts = ws.row_counts()
st.write(f"Store: `{store_status.url}`")
st.write(
    f"Schema version {store_status.version} (this wfm uses {store_status.current})"
    + ("" if store_status.up_to_date else f"; pending: {', '.join(store_status.pending)}")
)
count_table = pd.DataFrame({"table": list(counts), "rows": list(counts.values())})
st.dataframe(count_table, hide_index=True, column_config={"table": "Store table", "rows": "Rows"})
st.download_button(
    "Download counts (CSV)", frame_to_csv_text(count_table), "store_counts.csv", "text/csv"
)


# --- personal data -----------------------------------------------------------------------
st.header("Personal data")
days = retention_days(centre)
events = counts.get("agent_state_events", 0)
st.write(
    f"Agent-state events are kept **{ui.number(days, 0)} days** after they end; the store holds {events:,}. "
    "Purging deletes older events (recorded in the audit trail)."
)
with st.form("retention"):
    new_days = st.number_input(
        "Keep agent-state events for [days]",
        min_value=1.0,
        value=float(days),
        step=1.0,
        format="%g",
        help="How long agent-state events (personal data) are kept after they end; older ones are purged.",
    )
    if st.form_submit_button("Save retention", icon=":material/save:"):
        try:
            raw = centre_editing.raw_centre(
                centre, sections={"privacy": {"agent_state_retention_days": new_days}}
            )
            updated = parse_centre(raw, source="Settings", base_dir=centre.base_dir)
        except WfmError as error:
            ui.show_error(error)
        else:
            with ui.friendly_errors():
                save(
                    updated,
                    f"Retention saved: agent-state events are kept {ui.number(new_days, 0)} days.",
                )

with ui.friendly_errors():
    preview = purge_state_events(ws.url, days, dry_run=True)
st.caption(
    f"{preview.events_purged:,} of {preview.events_before:,} events ended before "
    f"{preview.cutoff.strftime('%Y-%m-%d %H:%M UTC')} and would be removed."
)
purge_message = st.session_state.pop(state.SETTINGS_PURGE_MESSAGE, None)
if purge_message:
    st.success(purge_message, icon=":material/delete:")
if st.button("Purge now", icon=":material/delete:"):
    with ui.friendly_errors():
        result = purge_state_events(ws.url, days, actor=ws.actor)
        st.session_state[state.SETTINGS_PURGE_MESSAGE] = (
            f"Purged {result.events_purged:,} agent-state events that ended before "
            f"{result.cutoff.strftime('%Y-%m-%d %H:%M UTC')}; {result.events_after:,} kept."
        )
        st.rerun()
