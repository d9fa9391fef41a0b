"""Rota builder: rules and agents for a run, Generate, review a version, edit, publish, export.

The page needs the staffing requirements (Staffing page). Every rota is a stored version
(:meth:`wfm.plan.workspace.Workspace.rota_versions`): Generate saves a draft, manual edits replace
a draft's rows, Publish freezes it. The library does the work: :func:`wfm.plan.chain.schedule_rota`
solves, :mod:`wfm.scheduling.edits` edits, :func:`wfm.plan.chain.review_coverage` projects the
service level, :func:`wfm.scheduling.check_rota_frame` checks working time, and
:mod:`wfm.scheduling.exports` writes the files. Conversions live in ``helpers/rota_charts.py``.
"""

from __future__ import annotations

import datetime as dt
import json
import zlib

import pandas as pd
import streamlit as st

from helpers import centre_editing, charts, data, live_progress, state, ui
from helpers import rota_charts as rc
from wfm.config import Centre
from wfm.data.io import frame_to_csv_text
from wfm.errors import WfmError
from wfm.plan.chain import (
    coverage_days,
    load_agents,
    review_coverage,
    schedule_rota,
    service_targets,
)
from wfm.scheduling import (
    check_rota_frame,
    edit_coverage,
    edits,
    rota_site,
    rule_set_text,
    working_time_law_for,
)
from wfm.scheduling.edit_session import PendingEdits, time_in_shift
from wfm.scheduling.exports import (
    agent_summary_from_rota,
    rota_excel_bytes,
    rota_table,
    unpaid_activities_of,
)

ALL_TEAMS = "All teams"
WHOLE_WEEK = "Whole week"
EDIT_ACTIONS = ("Move the shift", "Move a break", "Remove the shift", "Add a shift")
BREAK_MODES = {
    "move": "Breaks move with the shift",
    "replace": "Breaks keep their times where their windows allow",
}

st.title("Rota builder")
requirements = data.require_step("requirements", "build a rota for")

with ui.friendly_errors():
    ws = data.workspace()
    centre = data.app_centre()
    saved_agents = list(ws.agents()) or load_agents(centre)
    start_date = (
        dt.date.fromisoformat(requirements.meta["start_date"])
        if requirements.meta.get("start_date")
        else (requirements.frame["interval_start"].min().date())
    )

message = st.session_state.pop(state.ROTA_MESSAGE, None)
if message:
    st.success(message, icon=":material/check_circle:")

own_queues = {queue.name for queue in centre.queues}
requirement_queues = set(requirements.frame["queue"].astype(str))
if not requirement_queues & own_queues:
    data.stop_for_another_centre(
        "The saved requirements",
        requirement_queues,
        own_queues,
        "requirements",
        "Compute requirements for this centre",
    )
agent_queues = {queue for agent in saved_agents for queue in agent.queues}
foreign_team = bool(saved_agents) and not agent_queues & own_queues
if foreign_team:
    st.warning(
        f"The saved agents work on queues {', '.join(sorted(agent_queues))}, which this centre does not "
        "have: they are another centre's team. Import your agents on the Data page (or edit their "
        "queues in “Agents” below) before generating a rota.",
        icon=":material/group_off:",
    )


# --- cached library work (keyed by the data, so edits and new versions recompute) ---------
@st.cache_data(show_spinner="Checking working time…", max_entries=8)
def violations_of(
    rota: pd.DataFrame,
    centre_json: str,
    agents_key: tuple,
    week_start: dt.date,
    _centre: Centre,
    _agents,
) -> pd.DataFrame:
    """Violations of the working-time law of the centre's country and of its contracts."""
    return check_rota_frame(
        rota, site=rota_site(_centre), agents=list(_agents), week_start=week_start
    )


def agents_key(agents) -> tuple:
    return tuple((a.agent_id, a.contract, a.team, a.queues) for a in agents)


def violations(rota: pd.DataFrame, centre: Centre, agents, week_start: dt.date) -> pd.DataFrame:
    return violations_of(
        rota, centre.model_dump_json(), agents_key(agents), week_start, centre, tuple(agents)
    )


def csv_button(label: str, frame: pd.DataFrame, file_name: str, key: str) -> None:
    """A CSV download of a table (no rerun on click)."""
    st.download_button(
        label,
        frame_to_csv_text(frame),
        file_name=file_name,
        mime="text/csv",
        key=key,
        icon=":material/download:",
        on_click="ignore",
    )


# --- 1. rules and agents for the next run --------------------------------------------------
st.header("Rules and agents for the next rota")
st.caption(
    "Changes here apply to the next Generate. Save them as the centre settings to keep them "
    "(the Settings page edits the rest of the centre)."
)
run_centre: Centre | None = None
run_agents = None
with st.expander(
    "Shift templates, breaks, contracts, solver and agents", expanded=False, icon=":material/tune:"
):
    tabs = st.tabs(
        ["Shift templates", "Break rules", "Contracts", "Solver and objective", "Agents"]
    )
    with tabs[0]:
        st.caption(
            "Days and lengths as comma-separated lists (mon, tue; 240, 360); times as local HH:MM."
        )
        templates = st.data_editor(
            centre_editing.shift_templates_table(centre),
            num_rows="dynamic",
            hide_index=True,
            key=state.ROTA_TEMPLATES,
            width="stretch",
        )
    with tabs[1]:
        st.caption("Windows in minutes after the shift start; lengths in minutes.")
        break_rules = st.data_editor(
            centre_editing.break_rules_table(centre),
            num_rows="dynamic",
            hide_index=True,
            key=state.ROTA_BREAK_RULES,
            width="stretch",
            column_config={
                "activity": st.column_config.SelectboxColumn("activity", options=["break", "lunch"])
            },
        )
    with tabs[2]:
        st.caption("Hours are paid hours a week; shift lengths include the unpaid lunch [minutes].")
        contracts = st.data_editor(
            centre_editing.contracts_table(centre),
            num_rows="dynamic",
            hide_index=True,
            key=state.ROTA_CONTRACTS,
            width="stretch",
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
                    chosen = st.text_input(field.label, value=str(value), help=field.help, key=key)
            settings_values[field.name] = rc.from_form(field, chosen)
        if data.time_limit_seconds() is not None:
            st.caption("The time limit starts at the value this app is set up with.")
    with tabs[4]:
        st.caption("Untick agents to leave them out of the next rota; queues separated by |.")
        contract_names = [name for name in contracts["name"].dropna().astype(str) if name.strip()]
        agent_rows = st.data_editor(
            rc.agents_table(saved_agents),
            hide_index=True,
            key=state.ROTA_AGENTS,
            width="stretch",
            disabled=["agent_id"],
            column_config={
                "include": st.column_config.CheckboxColumn("Include"),
                "contract": st.column_config.SelectboxColumn("contract", options=contract_names),
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
            "Save agents", icon=":material/group:", help="Contracts and queues; every agent is kept"
        ):
            with ui.friendly_errors():
                ws.save_agents(table_agents)
                st.session_state[state.ROTA_MESSAGE] = f"Saved {len(table_agents)} agents."
                st.rerun()

# --- 2. generate ----------------------------------------------------------------------------
st.header("Generate")
name = st.text_input(
    "Name of the new rota", value=f"rota {start_date:%d %b %Y}", key=state.ROTA_NAME
)
if run_centre is not None:
    st.caption(
        f"Week from {start_date:%a %d %b %Y}, {len(run_agents)} agents, time limit "
        f"{ui.seconds(run_centre.scheduling.time_limit_seconds, 0)}, relative gap "
        f"{ui.percent(run_centre.scheduling.relative_gap, 2)}. The solver works in stages (a bound, then "
        "rotas from the pooled team, the shifts the bound uses, all shifts); the bar shows each stage and "
        "the best rota so far. Stop (top right) ends the work at the next stage, and nothing is saved."
    )
if st.button(
    "Generate rota", type="primary", icon=":material/play_arrow:", disabled=run_centre is None
):
    with ui.friendly_errors():
        limit = run_centre.scheduling.time_limit_seconds
        result, took_seconds, _ = live_progress.run_with_progress(
            lambda progress: schedule_rota(
                run_centre, requirements.frame, run_agents, start_date, progress=progress
            ),
            label="Generating the rota",
            limit_seconds=limit,
        )
        version_id = ws.save_rota(
            result.rota, result.coverage, result.summary, name=name, start_date=start_date
        )
        st.session_state.pop(state.ROTA_PENDING, None)
        st.session_state[state.ROTA_VERSION] = version_id
        st.session_state[state.ROTA_MESSAGE] = (
            f"Saved rota version {version_id} as a draft: {result.summary.describe()}"
            + rc.time_limit_note(took_seconds, limit, result.summary)
        )
        st.rerun()

# --- 3. the chosen version ------------------------------------------------------------------
st.header("Rota versions")
with ui.friendly_errors():
    versions = ws.rota_versions().sort_values("id", ascending=False)
if versions.empty:
    st.info("There is no rota yet. Generate one above.", icon=":material/info:")
    st.stop()
labels = {int(row["id"]): rc.version_label(row) for row in versions.to_dict("records")}
# The chosen version id lives in ROTA_VERSION; the picker's key changes with its labels, so a
# version's new status (published) shows at once instead of the label the widget first had.
wanted = st.session_state.get(state.ROTA_VERSION)
ids = list(labels)
picker_key = f"{state.ROTA_VERSION}_picker_{zlib.crc32(repr(sorted(labels.items())).encode())}"
chosen = st.selectbox(
    "Version (newest first)",
    ids,
    index=ids.index(wanted) if wanted in labels else 0,
    format_func=labels.get,
    key=picker_key,
)
st.session_state[state.ROTA_VERSION] = chosen

with ui.friendly_errors():
    version = ws.rota(int(chosen))
    version_queues = set(version.coverage["queue"].astype(str))
    if not version_queues & own_queues:
        st.warning(
            f"Version {version.id} staffs queues {', '.join(sorted(version_queues)) or 'none'}, which this "
            "centre does not have: it is another centre's rota, kept in the store but not reviewed here. "
            "Pick another version or generate one above.",
            icon=":material/swap_horiz:",
        )
        st.stop()
    week_start = version.start_date or start_date
    agents = saved_agents
    queues_by_agent = {agent.agent_id: agent.queues for agent in agents}

    pending: PendingEdits | None = st.session_state.get(state.ROTA_PENDING)
    if pending is not None and not pending.applies_to(version.id, version.updated_at):
        pending = None
    rota = pending.rota if pending else version.rota
    coverage = (
        edit_coverage.coverage_after_edit(
            version.coverage, version.rota, rota, queues_by_agent, centre.interval_minutes
        )
        if pending
        else version.coverage
    )
    targets = service_targets(centre)
    rota_dates = [
        week_start + dt.timedelta(days=d)
        for d in range(coverage_days(version.coverage, week_start, centre.timezone))
    ]
    saved_projected, saved_service = review_coverage(
        centre, requirements.frame, version.coverage, week_start
    )
    projected, service = (
        review_coverage(centre, requirements.frame, coverage, week_start)
        if pending
        else (saved_projected, saved_service)
    )
    unpaid = unpaid_activities_of(centre)
    summary = agent_summary_from_rota(
        rota,
        agents,
        timezone=centre.timezone,
        unpaid_activities=unpaid,
        late_shift_end=centre.scheduling.late_shift_end,
    )

status_text = "published: read-only" if version.status == "published" else "draft: editable"
st.caption(
    f"Version {version.id} ({status_text}), week from {week_start:%a %d %b %Y}, {len(rota):,} rota rows."
)
figures = rc.solve_figures(version.solve_summary)
for column, (label, value) in zip(st.columns(len(figures)), figures.items(), strict=True):
    column.metric(label, value)
st.caption(
    "Figures of the solve that generated this version (manual edits since are not in them)"
    + (
        f". Solver: {version.solve_summary['termination']}"
        if version.solve_summary.get("termination")
        else "."
    )
)
if pending:
    st.warning(
        f"Showing {pending.count} unsaved edit(s) of this draft; save or discard them below.",
        icon=":material/edit_note:",
    )

shifts_tab, coverage_tab, service_tab, agents_tab, compliance_tab = st.tabs(
    ["Shifts", "Coverage", "Service level", "Hours per agent", "Compliance"]
)
with shifts_tab, ui.friendly_errors():
    teams = [ALL_TEAMS, *sorted(summary["team"].dropna().unique())]
    days = {WHOLE_WEEK: None} | {f"{date:%A %d %B}": date.isoformat() for date in rota_dates}
    left, middle, right = st.columns([2, 2, 3])
    team = left.selectbox("Team", teams, key=state.ROTA_TEAM)
    day = middle.selectbox("Day", list(days), index=1, key=state.ROTA_DAY)
    search = right.text_input(
        "Find an agent", key=state.ROTA_SEARCH, placeholder="name, agent id or team"
    )
    gantt = charts.gantt_frame(
        rota, summary, team=None if team == ALL_TEAMS else team, day=days.get(day)
    )
    _, matching, pages = charts.gantt_page(gantt, search=search)
    page_number = 1
    if pages > 1:
        page_number = st.number_input(
            f"Page (of {pages}, {charts.GANTT_PAGE_AGENTS} agents each)",
            min_value=1,
            max_value=pages,
            value=1,
            step=1,
            key=f"{state.ROTA_GANTT_PAGE}_{team}_{day}_{search}",
        )
    shown, matching, pages = charts.gantt_page(gantt, search=search, page=page_number)
    if shown.empty:
        st.info(
            "Nobody in this selection works then."
            if not search.strip()
            else f"No agent working then matches “{search.strip()}”."
        )
    else:
        st.altair_chart(charts.gantt_chart(shown), width="stretch")
        if pages > 1:
            low = (page_number - 1) * charts.GANTT_PAGE_AGENTS + 1
            st.caption(
                f"Agents {low}–{min(page_number * charts.GANTT_PAGE_AGENTS, matching)} of {matching}. "
                "Pick a team or a day, or find an agent, to see fewer."
            )
    table = rota_table(rota, agents, timezone=centre.timezone, unpaid_activities=unpaid)
    csv_button("Download the rota (CSV)", table, f"rota_v{version.id}.csv", "rota_csv_shifts")

with coverage_tab, ui.friendly_errors():
    queues = sorted(coverage["queue"].unique())
    queue = ui.queue_picker(queues)
    totals = service.set_index("queue").loc[queue]
    columns = st.columns(3)
    columns[0].metric("Scheduled agent-hours", ui.compact_hours(totals["scheduled_agent_hours"]))
    columns[1].metric("Required agent-hours", ui.compact_hours(totals["required_agent_hours"]))
    before = saved_service.set_index("queue").loc[queue]["under_staffed_agent_hours"]
    columns[2].metric(
        "Short agent-hours",
        ui.hours(totals["under_staffed_agent_hours"]),
        delta=ui.change(before, totals["under_staffed_agent_hours"], ui.hours) if pending else None,
        delta_color="inverse",
    )
    st.altair_chart(
        charts.coverage_chart(charts.coverage_frame(coverage, queue, centre.interval_minutes)),
        width="stretch",
    )
    st.caption(
        "Agents on the queue per interval (on shift, not on a break) against the requirement after shrinkage. "
        "Multi-skilled agents count on the queue the solver (or, after an edit, the queue shortest of agents) gave them."
    )
    csv_button(
        "Download coverage (CSV)", coverage, f"coverage_v{version.id}.csv", "rota_csv_coverage"
    )

with service_tab, ui.friendly_errors():
    series = (
        {"saved": saved_projected, "edited": projected}
        if pending
        else {f"version {version.id}": projected}
    )
    frame = charts.service_level_frame(series, queue, centre.interval_minutes)
    target = targets[queue].service_level_target if queue in targets else None
    st.altair_chart(charts.service_level_chart(frame, target), width="stretch")
    st.caption(
        f"Projected service level of {queue} per interval (Erlang C on the scheduled agents after shrinkage)."
    )
    st.subheader("The week")
    st.dataframe(rc.service_table(service), hide_index=True)
    csv_button(
        "Download the weekly figures (CSV)",
        service,
        f"service_v{version.id}.csv",
        "rota_csv_service",
    )

with agents_tab, ui.friendly_errors():
    st.dataframe(
        summary,
        hide_index=True,
        column_config={
            "agent_id": "Agent",
            "name": "Name",
            "team": "Team",
            "contract": "Contract",
            "days_worked": st.column_config.NumberColumn("Days worked", format="%d"),
            "paid_hours": st.column_config.NumberColumn("Paid hours", format="%.1f h"),
            "weekend_days": st.column_config.NumberColumn("Weekend days", format="%d"),
            "late_shifts": st.column_config.NumberColumn(
                "Late shifts",
                format="%d",
                help=f"shifts ending at or after {centre.scheduling.late_shift_end}",
            ),
        },
    )
    csv_button(
        "Download hours per agent (CSV)",
        summary,
        f"agent_summary_v{version.id}.csv",
        "rota_csv_agents",
    )

with compliance_tab, ui.friendly_errors():
    found = violations(rota, centre, agents, week_start)
    law = working_time_law_for(centre.country)
    rule_set = law.name if law is not None else "the centre's contracts"
    if law is None:
        st.info(rule_set_text(None, centre.country), icon=":material/info:")
    if found.empty:
        st.success(
            f"No violations of the {rule_set}"
            + (" or of the centre's contracts." if law is not None else "."),
            icon=":material/verified:",
        )
    else:
        st.error(
            f"{len(found)} violation(s) of the {rule_set}"
            + (" or the contracts." if law is not None else "."),
            icon=":material/gavel:",
        )
        st.dataframe(rc.violations_table(found), hide_index=True)
    csv_button(
        "Download violations (CSV)", found, f"violations_v{version.id}.csv", "rota_csv_violations"
    )


# --- 4. manual edits ------------------------------------------------------------------------
def apply(edited: pd.DataFrame, note: str) -> None:
    """Keep an edit as unsaved and redraw the page with it."""
    edits_so_far = pending or PendingEdits.start(version.id, version.updated_at)
    st.session_state[state.ROTA_PENDING] = edits_so_far.add(edited, note)
    st.rerun()


st.header("Edit")
if version.status == "published":
    st.info(
        "Published versions are read-only. Copy this one to a new draft to change it.",
        icon=":material/lock:",
    )
    if st.button("Copy to a new draft", icon=":material/content_copy:"):
        with ui.friendly_errors():
            copy_id = ws.save_rota(
                version.rota,
                version.coverage,
                version.solve_summary,
                name=f"copy of version {version.id}",
                start_date=version.start_date,
            )
            st.session_state[state.ROTA_VERSION] = copy_id
            st.session_state[state.ROTA_MESSAGE] = (
                f"Copied version {version.id} to draft {copy_id}."
            )
            st.rerun()
else:
    people = {agent.agent_id: f"{agent.name} ({agent.agent_id}), {agent.team}" for agent in agents}
    left, middle, right = st.columns(3)
    agent_id = left.selectbox(
        "Agent", list(people), format_func=people.get, key=state.ROTA_EDIT_AGENT
    )
    day_options = rota_dates
    edit_day = middle.selectbox(
        "Day", day_options, format_func=lambda d: f"{d:%A %d %B}", key=state.ROTA_EDIT_DAY
    )
    action = right.selectbox("Edit", EDIT_ACTIONS, key=state.ROTA_EDIT_ACTION)
    try:
        shift = edits.shift_of(rota, agent_id, edit_day)
    except WfmError:
        shift = None
    st.caption(
        f"Now: {shift.start:%H:%M}–{shift.end:%H:%M}"
        + "".join(f", {activity} {s:%H:%M}–{e:%H:%M}" for activity, s, e in shift.breaks)
        if shift
        else "Now: no shift that day."
    )
    step = dt.timedelta(minutes=centre.interval_minutes)
    key_suffix = f"{agent_id}_{edit_day}"
    try:
        if action == "Move the shift" and shift:
            new_time = st.time_input(
                "New start",
                value=shift.start.time(),
                step=step,
                key=f"rota_edit_start_{key_suffix}",
            )
            mode = st.radio(
                "Breaks",
                list(BREAK_MODES),
                format_func=BREAK_MODES.get,
                key=state.ROTA_EDIT_BREAKS,
                horizontal=True,
            )
            if st.button("Apply edit", icon=":material/schedule:"):
                new_start = pd.Timestamp(dt.datetime.combine(edit_day, new_time))
                edited = edits.move_shift(
                    rota, rota_site(centre), agent_id, edit_day, new_start, breaks=mode
                )
                apply(
                    edited, f"moved {agent_id}'s shift of {edit_day:%a %d %b} to {new_time:%H:%M}"
                )
        elif action == "Move a break" and shift:
            if not shift.breaks:
                st.info("This shift has no breaks.")
            else:
                choices = {
                    s.isoformat(): f"{activity} {s:%H:%M}–{e:%H:%M}"
                    for activity, s, e in shift.breaks
                }
                picked = st.selectbox(
                    "Break", list(choices), format_func=choices.get, key=state.ROTA_EDIT_BREAK
                )
                break_start = pd.Timestamp(picked)
                new_time = st.time_input(
                    "New break start",
                    value=break_start.time(),
                    step=step,
                    key=f"rota_edit_break_{key_suffix}_{picked}",
                )
                if st.button("Apply edit", icon=":material/free_breakfast:"):
                    new_start = time_in_shift(shift, new_time)  # a break after midnight too
                    edited = edits.move_break(
                        rota, rota_site(centre), agent_id, edit_day, break_start, new_start
                    )
                    apply(
                        edited,
                        f"moved {agent_id}'s {choices[picked].split()[0]} of {edit_day:%a %d %b} to "
                        f"{new_time:%H:%M}",
                    )
        elif action == "Remove the shift" and shift:
            if st.button("Apply edit", icon=":material/event_busy:"):
                apply(
                    edits.remove_shift(rota, agent_id, edit_day),
                    f"removed {agent_id}'s shift of {edit_day:%a %d %b}",
                )
        elif action == "Add a shift":
            if shift:
                st.info("The agent already works that day: move or remove that shift instead.")
            else:
                names = [
                    t.name
                    for t in centre.shift_templates
                    if edit_day.weekday() in t.weekday_indices()
                ]
                if not names:
                    st.info("No shift template has shifts on this day.")
                else:
                    columns = st.columns(3)
                    template_name = columns[0].selectbox(
                        "Template", names, key=state.ROTA_EDIT_TEMPLATE
                    )
                    template = next(t for t in centre.shift_templates if t.name == template_name)
                    starts = [f"{m // 60:02d}:{m % 60:02d}" for m in template.start_minutes()]
                    start_text = columns[1].selectbox(
                        "Start", starts, key=f"rota_edit_add_start_{template_name}"
                    )
                    length = columns[2].selectbox(
                        "Length",
                        list(template.lengths_minutes),
                        format_func=lambda m: f"{m // 60} h {m % 60:02d}",
                        key=f"{state.ROTA_EDIT_LENGTH}_{template_name}",
                    )
                    if st.button("Apply edit", icon=":material/event_available:"):
                        edited = edits.add_shift(
                            rota,
                            rota_site(centre),
                            agent_id,
                            edit_day,
                            start_text,
                            int(length),
                            template_name,
                        )
                        apply(
                            edited,
                            f"added a {template_name} shift for {agent_id} on {edit_day:%a %d %b} at {start_text}",
                        )
        elif not shift:
            st.info("The agent has no shift that day: pick another day, or add a shift.")
    except WfmError as error:
        ui.show_error(error)

    if pending:
        with ui.friendly_errors():
            st.subheader("Unsaved edits")
            st.dataframe(edit_coverage.edit_summary(version.rota, rota), hide_index=True)
            change = rc.service_change(saved_service, service)
            columns = st.columns(len(change))
            for column, row in zip(columns, change.to_dict("records"), strict=True):
                column.metric(
                    f"Service level, {row['queue']}",
                    ui.percent(row["service_level_edited"]),
                    delta=ui.change(
                        row["service_level_saved"],
                        row["service_level_edited"],
                        ui.percentage_points,
                    ),
                )
                column.metric(
                    f"Short agent-hours, {row['queue']}",
                    ui.hours(row["under_staffed_agent_hours_edited"]),
                    delta=ui.change(
                        row["under_staffed_agent_hours_saved"],
                        row["under_staffed_agent_hours_edited"],
                        ui.hours,
                    ),
                    delta_color="inverse",
                )
            moved = rc.coverage_change_frame(
                version.coverage, coverage, queue, centre.interval_minutes
            )
            if moved.empty:
                st.caption(f"The edits do not change the agents on {queue}.")
            else:
                st.caption(f"Change in agents on {queue} per interval:")
                st.altair_chart(rc.coverage_change_chart(moved), width="stretch")
            added = rc.new_violations(violations(version.rota, centre, agents, week_start), found)
            if added.empty:
                st.success(
                    "The edits add no working-time or contract violation.",
                    icon=":material/verified:",
                )
            else:
                st.error(f"The edits add {len(added)} violation(s):", icon=":material/gavel:")
                st.dataframe(rc.violations_table(added), hide_index=True)
            # The widget's key changes with every edit, so the note lists each edit made
            # (a fixed key would keep the text of the first edit only).
            note = st.text_input(
                "Note saved with the edit",
                value=pending.note,
                key=f"{state.ROTA_EDIT_NOTE}_{pending.count}_{zlib.crc32(pending.note.encode())}",
                help="Recorded in the audit trail with the saved edits. Each edit adds its own line.",
            )
            left, right = st.columns(2)
            if left.button("Save edit", type="primary", icon=":material/save:"):
                ws.edit_rota(version.id, rota, coverage, note=note)
                st.session_state.pop(state.ROTA_PENDING, None)
                st.session_state[state.ROTA_MESSAGE] = f"Saved the edits to version {version.id}."
                st.rerun()
            if right.button("Discard edits", icon=":material/undo:"):
                st.session_state.pop(state.ROTA_PENDING, None)
                st.rerun()

# --- 5. publish and export ------------------------------------------------------------------
st.header("Publish and export")
if version.status == "draft":
    st.caption(
        "Publishing freezes this version (recorded in the audit trail); copy it to change it later."
    )
    if st.button(
        "Publish rota",
        type="primary",
        icon=":material/publish:",
        disabled=bool(pending),
        help="Save or discard the unsaved edits first" if pending else None,
    ):
        with ui.friendly_errors():
            ws.publish_rota(version.id)
            st.session_state[state.ROTA_MESSAGE] = f"Published version {version.id}."
            st.rerun()
else:
    st.caption(f"Version {version.id} is published. The exports below are the published rota.")

saved_rota, export_agents = version.rota, tuple(agents)
stem = f"rota_v{version.id}_{version.status}"


def excel_bytes() -> bytes:
    return rota_excel_bytes(
        saved_rota, export_agents, timezone=centre.timezone, unpaid_activities=unpaid
    )


def calendars_zip() -> bytes:
    return rc.calendars_zip(saved_rota, export_agents, centre.timezone, unpaid)


with ui.friendly_errors():
    columns = st.columns(4)
    with columns[0]:
        csv_button(
            "Rota (CSV)",
            rota_table(saved_rota, agents, timezone=centre.timezone, unpaid_activities=unpaid),
            f"{stem}.csv",
            "rota_export_csv",
        )
    columns[1].download_button(
        "Excel, a sheet per team",
        excel_bytes,
        file_name=f"{stem}.xlsx",
        icon=":material/table_view:",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        on_click="ignore",
        key="rota_export_excel",
    )
    columns[2].download_button(
        "Calendars (.ics, zip)",
        calendars_zip,
        file_name=f"{stem}_calendars.zip",
        icon=":material/calendar_month:",
        mime="application/zip",
        on_click="ignore",
        key="rota_export_ics",
    )
    columns[3].download_button(
        "Solve summary (JSON)",
        json.dumps(version.solve_summary, indent=2),
        file_name=f"{stem}_solve.json",
        icon=":material/data_object:",
        mime="application/json",
        on_click="ignore",
        key="rota_export_solve",
    )
if pending:
    st.caption("The exports are the saved version, without the unsaved edits.")
