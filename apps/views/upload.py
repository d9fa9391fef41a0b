"""Data: the centre's inputs (history, agents, agent states) into the workspace.

Either the sample centre (or ``$WFM_CENTRE``) in one click, or uploaded CSV files: each
upload is read with the library's readers (:mod:`wfm.data.mapping`), with a column mapping
for files whose columns are named differently, and saved only when it is valid (one
transaction per import, with its audit entry). A bad file shows what is wrong and where
(file, line, column, value, fix) and saves nothing.
"""

from __future__ import annotations

import json
import os
import zoneinfo

import streamlit as st

from helpers import data, history_import, state, ui
from wfm.data import mapping
from wfm.data.io import frame_to_csv_text
from wfm.data.state_vendors import VENDORS
from wfm.errors import WfmError
from wfm.plan.workspace import Workspace

st.title("Data")
st.caption(
    "Bring the centre's inputs into the workspace: the sample centre in one click, or your own CSV files. "
    "Every import is checked first and saved only when valid; later pages use what is saved here."
)

with ui.friendly_errors():
    ws = data.workspace()
    centre = data.app_centre()

CANONICAL = "canonical (agent_id, state, start, end)"
#: Agent-state formats: label -> vendor name for the reader (None for wfm's own layout).
STATE_FORMATS = {CANONICAL: None} | {name: name for name in VENDORS}


# --- the sample centre -------------------------------------------------------------------
def save_sample() -> list[str]:
    """Read the centre file's inputs and save them; return what was saved, one line each."""
    from wfm.data.states import read_agent_states
    from wfm.plan.chain import load_agents, load_history

    sample = data.file_centre()
    bar = st.progress(0.0, text="Reading the centre file")
    saved = []
    # Each bar update is where Streamlit's Stop takes effect: its exception is not caught here.
    bar.progress(0.05, text="Reading the history (a few seconds)")
    history = load_history(sample)
    agents = load_agents(sample) if sample.agents is not None else []
    states_path = sample.resolve(sample.agent_states)
    bar.progress(0.4, text="Reading the agent states")
    states = (
        read_agent_states(states_path, timezone=sample.timezone)
        if states_path is not None
        else None
    )
    bar.progress(0.55, text="Saving the centre settings")
    ws.save_centre(sample)
    saved.append(f"centre settings: {sample.name}")
    bar.progress(0.6, text="Saving the history")
    ws.save_history(history)
    saved.append(f"history: {len(history.frame):,} rows, queues {', '.join(history.queues)}")
    if agents:
        bar.progress(0.75, text="Saving the agents")
        ws.save_agents(agents)
        saved.append(f"agents: {len(agents)}")
    if states is not None:
        held = ws.agent_state_event_count()
        if held:
            saved.append(
                f"agent states: not added again, the workspace already holds {held:,} events "
                "(purge them on the Settings page to import afresh)"
            )
        else:
            bar.progress(0.8, text="Saving the agent states")
            ws.save_agent_states(states)
            saved.append(
                f"agent states: {len(states.frame):,} events of {states.frame['agent_id'].nunique()} agents"
            )
    bar.progress(1.0, text="Done")
    bar.empty()
    return saved


st.header("Sample centre")
origin = "set by `$WFM_CENTRE`" if os.environ.get(data.CENTRE_ENV, "").strip() else "the sample"
st.write(
    f"Use the centre file `{data.centre_path().name}` ({origin}): its settings, history, agents and agent states "
    "are saved into the workspace. Stop (top right) ends the work at the next step; what was saved stays saved."
)
if st.button("Use the sample centre", icon=":material/download:", type="primary"):
    with ui.friendly_errors():
        st.session_state[state.DATA_SAMPLE_SAVED] = save_sample()
        st.session_state.pop(state.DATA_IMPORTS, None)
if st.session_state.get(state.DATA_SAMPLE_SAVED):
    st.success(
        "Saved into the workspace:\n\n"
        + "\n".join(f"- {line}" for line in st.session_state[state.DATA_SAMPLE_SAVED])
    )


# --- uploads -----------------------------------------------------------------------------
st.header("Upload files")
zones = sorted(zoneinfo.available_timezones())
if st.session_state.get(state.DATA_TIMEZONE) not in zones:
    st.session_state[state.DATA_TIMEZONE] = centre.timezone if centre.timezone in zones else "UTC"
timezone = st.selectbox(
    "Time zone of times written without a UTC offset",
    zones,
    key=state.DATA_TIMEZONE,
    help="Times such as 2026-11-16 09:00 are read as local times in this zone (the centre's by default); "
    "times with an offset (+01:00, Z) are exact whatever this says.",
)


def imports() -> dict:
    return st.session_state.setdefault(state.DATA_IMPORTS, {})


def column_choices(kind: str, columns: list[str], key: str) -> dict[str, str | None]:
    """Selectboxes mapping each wfm column of ``kind`` to a file column, pre-filled by name."""
    required, _ = mapping.wfm_columns(kind)
    suggested = mapping.suggest_column_map(columns, kind)
    return history_import.column_mapping(
        kind,
        suggested,
        columns,
        key,
        caption="Which column of the file holds each of wfm's columns (names matching ignoring "
        "case are pre-filled).",
        expanded=any(suggested[name] is None for name in required),
    )


def run_import(kind: str, key: str, validate, save) -> None:
    """Validate once per file and options (kept in the session), save when valid, show the report."""
    done = imports()
    if key not in done:
        try:
            with st.spinner(f"Checking the {kind.replace('_', ' ')} file…"):
                value, summary = validate()
        except WfmError as error:
            done[key] = {"error": error}
        except Exception as error:  # noqa: BLE001 - an upload must never crash the page
            done[key] = {"error": error}
        else:
            try:
                save(value)
            except Exception as error:  # noqa: BLE001
                done[key] = {"error": error}
            else:
                done[key] = {"summary": summary}
    report = done[key]
    if "error" in report:
        ui.show_error(report["error"])
        st.caption("Nothing was saved from this file.")
        return
    summary = report["summary"]
    st.success(
        f"Valid: saved {summary.rows:,} {kind} rows into the workspace.",
        icon=":material/check_circle:",
    )
    st.dataframe(summary.table(), hide_index=True, width="stretch")
    for warning in summary.warnings:
        st.warning(warning, icon=":material/warning:")


def upload_section(
    kind: str, label: str, help_text: str, *, validate, save, mapped: bool = True, extra: str = ""
) -> None:
    upload = st.file_uploader(label, type=["csv", "txt"], key=f"upload_{kind}", help=help_text)
    if upload is None:
        return
    content = upload.getvalue()
    header_key = json.dumps(["columns", upload.file_id])
    if header_key not in imports():
        try:
            imports()[header_key] = mapping.file_columns(content, upload.name)
        except Exception as error:  # noqa: BLE001 - an upload must never crash the page
            imports()[header_key] = error
    columns = imports()[header_key]
    if isinstance(columns, Exception):
        ui.show_error(columns)
        st.caption("Nothing was saved from this file.")
        return
    st.caption(f"`{upload.name}`: columns {', '.join(f'`{c}`' for c in columns)}")
    column_map = None
    by_name = True
    if mapped:
        choices = column_choices(kind, columns, f"upload_{kind}")
        by_name = choices == mapping.suggest_column_map(columns, kind)
        try:
            column_map = mapping.column_map_from_choices(choices, kind, source=upload.name)
        except WfmError as error:
            ui.show_error(error)
            st.caption("Choose the columns above; nothing is saved until the file is valid.")
            return
    key = json.dumps([kind, upload.file_id, column_map, timezone, extra])
    # A file whose columns match wfm's names is checked and saved at once; a mapped file
    # when the user has finished choosing the columns.
    if not by_name and key not in imports():
        if not st.button(
            f"Check and save {kind.replace('_', ' ')}",
            key=f"import_{kind}",
            icon=":material/check:",
        ):
            st.caption("Nothing is saved until you check the file with the columns chosen above.")
            return
    run_import(kind, key, lambda: validate(content, upload.name, column_map), save)


st.subheader("History")
history_import.history_upload_section(ws, centre, timezone)

st.subheader("Contacts (one row per contact)")
history_import.contacts_upload_section(ws, centre, timezone)

st.subheader("New centre from the history")
with ui.friendly_errors():
    history_import.proposal_section(ws, centre, timezone)

st.subheader("Agents")


def validate_agents(content, name, column_map):
    agents = mapping.read_agents_upload(content, name, centre=centre, column_map=column_map)
    return agents, mapping.agents_summary(agents)


upload_section(
    "agents",
    "Agents CSV",
    "agent_id, name, team, contract, queues (queues separated by |); contracts and queues must be in Settings.",
    validate=validate_agents,
    save=ws.save_agents,
)

st.subheader("Agent states")
state_format = st.radio(
    "Format", list(STATE_FORMATS), horizontal=True, key=state.DATA_STATES_FORMAT
)
vendor = STATE_FORMATS[state_format]
if vendor is not None:
    st.caption(
        f"The `{vendor}` layout names its own columns (see docs/data-formats.md, Vendor exports)."
    )


def validate_states(content, name, column_map):
    log = mapping.read_states_upload(
        content, name, timezone=timezone, vendor=vendor, column_map=column_map
    )
    return log, mapping.states_summary(log)


upload_section(
    "agent_states",
    "Agent states CSV",
    "Agent state events (personal data: kept for the retention period set in Settings). Each upload adds its events.",
    validate=validate_states,
    save=ws.save_agent_states,
    mapped=vendor is None,
    extra=state_format,
)


# --- what the workspace holds ------------------------------------------------------------
@st.cache_data(show_spinner=False, max_entries=4)
def saved_history(url: str, dataset_id: int, interval_minutes: int):
    """Summary table, warnings and CSV text of a stored history import (cached: imports never change)."""
    history = Workspace(url).history(dataset_id)
    summary = mapping.history_summary(history, interval_minutes)
    return summary.table(), summary.warnings, frame_to_csv_text(history.frame)


st.header("Saved inputs")
with ui.friendly_errors():
    steps = ws.steps()
    st.dataframe(steps, hide_index=True, width="stretch")
    st.download_button(
        "Download steps (CSV)", frame_to_csv_text(steps), "workflow_steps.csv", "text/csv"
    )

    histories = ws.histories()
    if histories.empty:
        st.info(
            "No history saved yet: use the sample centre or upload a history CSV above.",
            icon=":material/info:",
        )
    else:
        st.subheader("History")
        newest = histories.iloc[-1]
        st.caption(
            f"Import {int(newest['id'])}, saved {newest['created_at'][:19]} UTC by {newest['created_by']}."
        )
        # The centre afresh: "Use this centre" above may have saved a new one in this run,
        # and the history's interval is checked against the centre planned from now on.
        table, warnings, csv_text = saved_history(
            ws.url, int(newest["id"]), data.app_centre().interval_minutes
        )
        st.dataframe(table, hide_index=True, width="stretch")
        for warning in warnings:
            st.warning(warning, icon=":material/warning:")
        st.download_button(
            "Download history (CSV)", csv_text, "history.csv", "text/csv", key="download_history"
        )

    agents = ws.agents()
    if agents:
        st.subheader("Agents")
        table = mapping.agents_table(agents)
        st.dataframe(table, hide_index=True, width="stretch")
        st.download_button(
            "Download agents (CSV)",
            frame_to_csv_text(table),
            "agents.csv",
            "text/csv",
            key="download_agents",
        )
    events = ws.agent_state_event_count()
    st.caption(f"Agent-state events held: {events:,}.")
