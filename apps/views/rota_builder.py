"""Rota builder: rules and agents for a run, Generate, review a version, edit, publish, export.

The page needs the staffing requirements (Staffing page). Every rota is a stored version
(:meth:`wfm.plan.workspace.Workspace.rota_versions`): Generate saves a draft, manual edits replace
a draft's rows, Publish freezes it. The library does the work: :meth:`wfm.plan.workspace.Workspace.generate_rota`
solves (one model per staffing group, as ``wfm plan``), :mod:`wfm.scheduling.edits` edits, :func:`wfm.plan.chain.review_coverage` projects the
service level, :func:`wfm.scheduling.check_rota_frame` checks working time, and
:mod:`wfm.scheduling.exports` writes the files. Conversions live in ``helpers/rota_charts.py``; the
rules form in ``helpers/rota_rules_form.py``, the manual edits in ``helpers/rota_edit_form.py``.
"""

from __future__ import annotations

import datetime as dt
import json
import zlib

import streamlit as st

from helpers import charts, data, gantt_charts, live_progress, rota_rules_form, state, ui
from helpers import rota_charts as rc
from helpers.rota_edit_form import edit_section, violations
from wfm.plan.chain import (
    coverage_days,
    review_coverage,
    service_targets,
)
from wfm.scheduling import edit_coverage, rule_set_text, working_time_law_for
from wfm.scheduling.edit_session import PendingEdits
from wfm.scheduling.exports import (
    agent_summary_from_rota,
    rota_excel_bytes,
    rota_table,
    unpaid_activities_of,
)

ALL_TEAMS = "All teams"
WHOLE_WEEK = "Whole week"
st.title("Rota builder")
requirements = data.require_step("requirements", "build a rota for")

with ui.friendly_errors():
    ws = data.workspace()
    centre = data.app_centre()
    saved_agents = list(ws.agents()) or data.centre_agents(centre)
    zones = data.site_zones(centre)
    agent_timezones = zones.agent_timezones()  # None: every agent on the centre's clock
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


# --- 1. rules and agents for the next run --------------------------------------------------
run_centre, run_agents = rota_rules_form.rules_and_agents(ws, centre, saved_agents, foreign_team)

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
        (version_id, made), took_seconds, _ = live_progress.run_with_progress(
            lambda progress: ws.generate_rota(
                run_centre,
                requirements.frame,
                start_date,
                agents=run_agents,
                name=name,
                progress=progress,
            ),
            label="Generating the rota",
            limit_seconds=limit,
        )
        result = made.result
        st.session_state.pop(state.ROTA_PENDING, None)
        st.session_state[state.ROTA_VERSION] = version_id
        st.session_state[state.ROTA_MESSAGE] = (
            f"Saved rota version {version_id} as a draft: {result.summary.describe()}"
            + rc.groups_note(made.groups)
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
    version_queues = set(version.queues)
    if not version_queues:
        st.info(
            f"Version {version.id} ({version.name}) was stored without coverage, so there is "
            "nothing to review or edit here. Pick another version or generate one above.",
            icon=":material/info:",
        )
        st.stop()
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
        agent_timezones=agent_timezones,
    )
    if zones.on_own_clocks:
        summary.insert(
            summary.columns.get_loc("team") + 1, "site", summary["agent_id"].map(zones.label_of)
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
groups_of_version = rc.group_table(version.solve_summary)
if groups_of_version is not None:
    st.dataframe(groups_of_version, hide_index=True)
if pending:
    st.warning(
        f"Showing {pending.count} unsaved edit(s) of this draft; save or discard them below.",
        icon=":material/edit_note:",
    )

# The queues' intervals are the centre's: sites in several zones share them, so their
# charts stay on the centre's clock and say so (each agent's shifts are on its own clock).
axis_title = f"Time in {centre.timezone} (the centre's)" if zones.on_own_clocks else "Local time"
centre_clock_note = (
    f" Times on the centre's clock ({centre.timezone}): the sites share the queue's intervals."
    if zones.on_own_clocks
    else ""
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
    gantt = gantt_charts.gantt_frame(
        rota, summary, team=None if team == ALL_TEAMS else team, day=days.get(day), zones=zones
    )
    _, matching, pages = gantt_charts.gantt_page(gantt, search=search)
    page_number = 1
    if pages > 1:
        page_number = st.number_input(
            f"Page (of {pages}, {gantt_charts.GANTT_PAGE_AGENTS} agents each)",
            min_value=1,
            max_value=pages,
            value=1,
            step=1,
            key=f"{state.ROTA_GANTT_PAGE}_{team}_{day}_{search}",
        )
    shown, matching, pages = gantt_charts.gantt_page(gantt, search=search, page=page_number)
    if shown.empty:
        st.info(
            "Nobody in this selection works then."
            if not search.strip()
            else f"No agent working then matches “{search.strip()}”."
        )
    else:
        st.altair_chart(gantt_charts.gantt_chart(shown), width="stretch")
        if zones.on_own_clocks:
            st.caption(
                zones.caption()
                + " One panel per site, each on its own clock (a shared axis would draw "
                "different clocks side by side); the days are each agent's local days."
            )
        if pages > 1:
            low = (page_number - 1) * gantt_charts.GANTT_PAGE_AGENTS + 1
            st.caption(
                f"Agents {low}–{min(page_number * gantt_charts.GANTT_PAGE_AGENTS, matching)} of {matching}. "
                "Pick a team or a day, or find an agent, to see fewer."
            )
    table = rota_table(
        rota,
        agents,
        timezone=centre.timezone,
        unpaid_activities=unpaid,
        agent_timezones=agent_timezones,
    )
    ui.csv_download("Download the rota (CSV)", table, f"rota_v{version.id}.csv", "rota_csv_shifts")

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
        charts.coverage_chart(
            charts.coverage_frame(coverage, queue, centre.interval_minutes), time_title=axis_title
        ),
        width="stretch",
    )
    st.caption(
        "Agents on the queue per interval (on shift, not on a break) against the requirement after shrinkage. "
        "Multi-skilled agents count on the queue the solver (or, after an edit, the queue shortest of agents) gave them."
        + centre_clock_note
    )
    ui.csv_download(
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
    st.altair_chart(
        charts.service_level_chart(frame, target, time_title=axis_title), width="stretch"
    )
    st.caption(
        f"Projected service level of {queue} per interval (Erlang C on the scheduled agents after shrinkage)."
        + centre_clock_note
    )
    st.subheader("The week")
    st.dataframe(rc.service_table(service), hide_index=True)
    ui.csv_download(
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
            "site": "Site (time zone)",
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
    ui.csv_download(
        "Download hours per agent (CSV)",
        summary,
        f"agent_summary_v{version.id}.csv",
        "rota_csv_agents",
    )

with compliance_tab, ui.friendly_errors():
    found = violations(rota, centre, agents, week_start, zones)
    if centre.sites:
        rule_sets = rc.site_rule_sets(centre)
        st.caption(
            "Each agent is checked on its site's clock under its site's rules: "
            + "; ".join(f"{label}: {rules}" for label, rules, _ in rule_sets)
            + "."
        )
        without_law = [label for label, _, has_law in rule_sets if not has_law]
        if without_law:
            st.info(
                f"wfm has no working-time law table for {', '.join(without_law)}: only the contract "
                "rules are checked there (rest, breaks and weekly-hours law are not); check the local "
                "law yourself.",
                icon=":material/info:",
            )
    else:
        law = working_time_law_for(centre.country)
        rule_set = law.name if law is not None else "the centre's contracts"
        if law is None:
            st.info(rule_set_text(None, centre.country), icon=":material/info:")
    if found.empty:
        st.success(
            "No violations of the working-time law or the contracts of each agent's site."
            if centre.sites
            else f"No violations of the {rule_set}"
            + (" or of the centre's contracts." if law is not None else "."),
            icon=":material/verified:",
        )
    else:
        st.error(
            f"{len(found)} violation(s) of the working-time law or the contracts of each agent's site."
            if centre.sites
            else f"{len(found)} violation(s) of the {rule_set}"
            + (" or the contracts." if law is not None else "."),
            icon=":material/gavel:",
        )
        st.dataframe(rc.violations_table(found), hide_index=True)
    if zones.on_own_clocks:
        st.caption(
            zones.caption()
            + " Each agent's working days, weeks, night time and rest are read on its site's clock."
        )
    ui.csv_download(
        "Download violations (CSV)", found, f"violations_v{version.id}.csv", "rota_csv_violations"
    )


# --- 4. manual edits ------------------------------------------------------------------------
edit_section(
    ws,
    centre,
    version,
    pending,
    rota,
    coverage,
    agents,
    week_start,
    rota_dates,
    saved_service,
    service,
    queue,
    found,
    zones,
)

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
#: MIME type of the Excel export.
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def excel_bytes() -> bytes:
    return rota_excel_bytes(
        saved_rota,
        export_agents,
        timezone=centre.timezone,
        unpaid_activities=unpaid,
        agent_timezones=agent_timezones,
    )


def calendars_zip() -> bytes:
    return rc.calendars_zip(saved_rota, export_agents, centre.timezone, unpaid, agent_timezones)


with ui.friendly_errors():
    columns = st.columns(4)
    with columns[0]:
        ui.csv_download(
            "Rota (CSV)",
            rota_table(
                saved_rota,
                agents,
                timezone=centre.timezone,
                unpaid_activities=unpaid,
                agent_timezones=agent_timezones,
            ),
            f"{stem}.csv",
            "rota_export_csv",
        )
    exports = (
        (
            "Excel, a sheet per team",
            excel_bytes,
            ".xlsx",
            ":material/table_view:",
            XLSX_MIME,
            "excel",
        ),
        (
            "Calendars (.ics, zip)",
            calendars_zip,
            "_calendars.zip",
            ":material/calendar_month:",
            "application/zip",
            "ics",
        ),
        (
            "Solve summary (JSON)",
            json.dumps(version.solve_summary, indent=2),
            "_solve.json",
            ":material/data_object:",
            "application/json",
            "solve",
        ),
    )
    for column, (label, data, suffix, icon, mime, key) in zip(columns[1:], exports, strict=True):
        column.download_button(
            label,
            data,
            file_name=f"{stem}{suffix}",
            icon=icon,
            mime=mime,
            on_click="ignore",
            key=f"rota_export_{key}",
        )
if pending:
    st.caption("The exports are the saved version, without the unsaved edits.")
