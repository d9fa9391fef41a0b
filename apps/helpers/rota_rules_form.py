"""The Rota builder's "Rules and agents for the next rota": shift templates, break rules,
contracts, solver settings and the agents of the next Generate, editable in tables, and
saved as the centre settings or the agents on request.

Presentation only: the tables and their conversions are in ``helpers/centre_editing.py`` and
``helpers/rota_charts.py``.
"""

from __future__ import annotations

import streamlit as st

from helpers import centre_editing, data, state, ui
from helpers import rota_charts as rc
from wfm.config import Centre
from wfm.errors import WfmError


def rules_and_agents(ws, centre: Centre, saved_agents, foreign_team: bool):
    """The section's widgets; returns ``(centre, agents)`` for the next run, or
    ``(None, None)`` when a table does not make a valid centre (the error is shown)."""
    st.header("Rules and agents for the next rota")
    st.caption(
        "Changes here apply to the next Generate. Save them as the centre settings to keep them "
        "(the Settings page edits the rest of the centre)."
    )
    run_centre: Centre | None = None
    run_agents = None
    with st.expander(
        "Shift templates, breaks, contracts, solver and agents",
        expanded=False,
        icon=":material/tune:",
    ):
        tabs = st.tabs(
            ["Shift templates", "Break rules", "Contracts", "Solver and objective", "Agents"]
        )
        with tabs[0]:
            st.caption(
                "Days and lengths as comma-separated lists (mon, tue; 240, 360); times as local HH:MM."
            )
            templates = ui.table_editor(
                centre_editing.shift_templates_table(centre), state.ROTA_TEMPLATES
            )
        with tabs[1]:
            st.caption("Windows in minutes after the shift start; lengths in minutes.")
            break_rules = ui.table_editor(
                centre_editing.break_rules_table(centre),
                state.ROTA_BREAK_RULES,
                activity=st.column_config.SelectboxColumn("Activity", options=["break", "lunch"]),
            )
        with tabs[2]:
            st.caption(
                "Hours are paid hours a week; shift lengths include the unpaid lunch [minutes]."
            )
            contracts = ui.table_editor(
                centre_editing.contracts_table(centre), state.ROTA_CONTRACTS
            )
        with tabs[3]:
            settings_values = {}
            columns = st.columns(2)
            for i, field in enumerate(rc.setting_fields()):
                value = rc.to_form(field, getattr(centre.scheduling, field.name))
                key = state.ROTA_SETTING_PREFIX + field.name
                with columns[i % 2]:
                    if field.kind == "choice":
                        chosen = st.selectbox(
                            field.label,
                            list(field.options),
                            index=list(field.options).index(value),
                            help=field.help,
                            key=key,
                        )
                    elif field.kind == "switch":
                        chosen = st.toggle(field.label, value=bool(value), help=field.help, key=key)
                    elif field.kind == "integer":
                        chosen = st.number_input(
                            field.label, value=int(value), step=1, help=field.help, key=key
                        )
                    elif field.kind in ("number", "percent"):
                        chosen = st.number_input(
                            field.label, value=float(value), help=field.help, key=key
                        )
                    else:
                        chosen = st.text_input(
                            field.label, value=str(value), help=field.help, key=key
                        )
                settings_values[field.name] = rc.from_form(field, chosen)
            if data.time_limit_seconds() is not None:
                st.caption("The time limit starts at the value this app is set up with.")
        with tabs[4]:
            st.caption("Untick agents to leave them out of the next rota; queues separated by |.")
            contract_names = [
                name for name in contracts["name"].dropna().astype(str) if name.strip()
            ]
            agent_rows = st.data_editor(
                rc.agents_table(saved_agents),
                hide_index=True,
                key=state.ROTA_AGENTS,
                width="stretch",
                disabled=["agent_id"],
                column_config={
                    "include": st.column_config.CheckboxColumn("Include"),
                    "contract": st.column_config.SelectboxColumn(
                        "contract", options=contract_names
                    ),
                },
            )
        try:
            run_centre = rc.centre_with_rules(
                centre, templates, break_rules, contracts, settings_values
            )
            table_agents, run_agents = rc.agents_from_table(agent_rows, run_centre)
        except WfmError as error:
            if not foreign_team:  # else the warning above already says what to do
                ui.show_error(error)
            run_centre = None
        except Exception as error:  # noqa: BLE001 - never a traceback
            ui.show_error(error)
            run_centre = None
        if run_centre is not None:
            left, right = st.columns(2)
            if left.button(
                "Save as centre settings",
                icon=":material/save:",
                help="Saved in the workspace (audited)",
            ):
                with ui.friendly_errors():
                    ws.save_centre(run_centre)
                    st.session_state[state.ROTA_MESSAGE] = (
                        "Saved the rules and solver settings as the centre settings."
                    )
                    st.rerun()
            if right.button(
                "Save agents",
                icon=":material/group:",
                help="Contracts and queues; every agent is kept",
            ):
                with ui.friendly_errors():
                    ws.save_agents(table_agents)
                    st.session_state[state.ROTA_MESSAGE] = f"Saved {len(table_agents)} agents."
                    st.rerun()
    return run_centre, run_agents
