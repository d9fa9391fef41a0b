"""The Rota builder's manual edits: move a shift or a break, remove or add a shift, then
review the unsaved edits (service level, agents per interval, new violations) and save or
discard them; and the cached working-time check the page shares.

Presentation only: the edits are :mod:`wfm.scheduling.edits` and
:class:`wfm.scheduling.edit_session.PendingEdits`; the check is
:func:`wfm.scheduling.check_rota_frame`.
"""

from __future__ import annotations

import datetime as dt
import zlib

import pandas as pd
import streamlit as st

from helpers import rota_charts as rc
from helpers import state, ui
from helpers.site_zones import SiteZones, in_agent_zone, in_centre_zone
from wfm.config import Centre
from wfm.errors import WfmError
from wfm.plan.site_compliance import check_rota_by_site, site_violations_frame
from wfm.scheduling import check_rota_frame, edit_coverage, edits, rota_shifts, rota_site
from wfm.scheduling.edit_session import PendingEdits, time_in_shift

EDIT_ACTIONS = ("Move the shift", "Move a break", "Remove the shift", "Add a shift")
BREAK_MODES = {
    "move": "Breaks move with the shift",
    "replace": "Breaks keep their times where their windows allow",
}


@st.cache_data(show_spinner="Checking working time…", max_entries=8)
def violations_of(
    rota: pd.DataFrame,
    centre_json: str,
    agents_key: tuple,
    week_start: dt.date,
    sites_key: tuple,
    _centre: Centre,
    _agents,
) -> pd.DataFrame:
    """Violations of the working-time law and of the contracts: of the centre's country and
    contracts for a centre without sites (``check_rota_frame``), else each agent's site's
    (:func:`wfm.plan.site_compliance.check_rota_by_site`, with a ``site`` column and the
    times in each site's zone)."""
    if not _centre.sites:
        return check_rota_frame(
            rota, site=rota_site(_centre), agents=list(_agents), week_start=week_start
        )
    return site_violations_frame(
        check_rota_by_site(
            rota,
            _centre,
            list(_agents),
            site_of=dict(sites_key) if sites_key else None,
            week_start=week_start,
        )
    )


def agents_key(agents) -> tuple:
    return tuple((a.agent_id, a.contract, a.team, a.queues) for a in agents)


def violations(
    rota: pd.DataFrame,
    centre: Centre,
    agents,
    week_start: dt.date,
    zones: SiteZones | None = None,
) -> pd.DataFrame:
    """The rota's violations (see :func:`violations_of`); ``zones`` says each agent's site
    (a centre with ``[[sites]]``; without it, the sites' agents files are read)."""
    sites_key = (
        tuple(sorted((agent_id, site.name) for agent_id, site in zones.sites.items()))
        if zones is not None
        else ()
    )
    return violations_of(
        rota,
        centre.model_dump_json(),
        agents_key(agents),
        week_start,
        sites_key,
        centre,
        tuple(agents),
    )


def agent_rules(centre: Centre, agent_id: str, zones: SiteZones | None) -> Centre:
    """The rules an edit of ``agent_id``'s shifts keeps: its site's (zone, opening hours,
    shift templates, break rules: :meth:`wfm.config.Centre.site_centre`) when its site is on
    a clock of its own, else the centre's."""
    site = zones.sites.get(agent_id) if zones is not None and zones.on_own_clocks else None
    return centre.site_centre(site.name) if site is not None else centre


def edit_summary(
    before: pd.DataFrame, after: pd.DataFrame, zones: SiteZones | None
) -> pd.DataFrame:
    """:func:`wfm.scheduling.edit_coverage.edit_summary` with each agent's shift times on its
    own site's clock and a column ``site`` naming it (agents on their own clocks), else as is."""
    if zones is None or not zones.on_own_clocks:
        return edit_coverage.edit_summary(before, after)
    parts = []
    for zone in sorted(
        {zones.timezone_of(a) for a in set(before["agent_id"]) | set(after["agent_id"])}
    ):
        mine = [
            frame[frame["agent_id"].map(zones.timezone_of) == zone] for frame in (before, after)
        ]
        local = [
            in_agent_zone(frame, frame["agent_id"].iloc[0], zones) if len(frame) else frame
            for frame in mine
        ]
        parts.append(edit_coverage.edit_summary(*local))
    table = pd.concat(parts, ignore_index=True).sort_values(["agent_id", "date"], ignore_index=True)
    table.insert(1, "site", table["agent_id"].map(zones.label_of))
    return table


def _apply(version, pending, edited: pd.DataFrame, note: str, zones=None) -> None:
    """Keep an edit as unsaved (back on the centre's clock) and redraw the page with it."""
    edited = in_centre_zone(edited, zones)
    edits_so_far = pending or PendingEdits.start(version.id, version.updated_at)
    st.session_state[state.ROTA_PENDING] = edits_so_far.add(edited, note)
    st.rerun()


def edit_section(
    ws,
    centre: Centre,
    version,
    pending: PendingEdits | None,
    rota: pd.DataFrame,
    coverage: pd.DataFrame,
    agents,
    week_start: dt.date,
    rota_dates: list[dt.date],
    saved_service: pd.DataFrame,
    service: pd.DataFrame,
    queue: str,
    found: pd.DataFrame,
    zones: SiteZones | None = None,
) -> None:
    """The "Edit" section of the chosen version (read-only when it is published).

    With agents on their own sites' clocks (``zones``), the chosen agent's shift is shown,
    and the times typed are read, in its site's zone (named), under its site's rules."""
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
        people = {
            agent.agent_id: f"{agent.name} ({agent.agent_id}), {agent.team}" for agent in agents
        }
        left, middle, right = st.columns(3)
        agent_id = left.selectbox(
            "Agent", list(people), format_func=people.get, key=state.ROTA_EDIT_AGENT
        )
        day_options = rota_dates
        edit_day = middle.selectbox(
            "Day", day_options, format_func=lambda d: f"{d:%A %d %B}", key=state.ROTA_EDIT_DAY
        )
        action = right.selectbox("Edit", EDIT_ACTIONS, key=state.ROTA_EDIT_ACTION)
        # The agent's shifts on its own clock, and the rules of its site: what it reads, it types.
        agent_rota = in_agent_zone(rota, agent_id, zones)
        rules = agent_rules(centre, agent_id, zones)
        own_clock = zones is not None and zones.on_own_clocks
        zone_note = f" (times in {zones.label_of(agent_id)})" if own_clock else ""
        clock = f" {zones.timezone_of(agent_id)}" if own_clock else ""  # in the audit note
        try:
            shift = rota_shifts.shift_of(agent_rota, agent_id, edit_day)
        except WfmError:
            shift = None
        st.caption(
            f"Now: {shift.start:%H:%M}–{shift.end:%H:%M}"
            + "".join(f", {activity} {s:%H:%M}–{e:%H:%M}" for activity, s, e in shift.breaks)
            + zone_note
            if shift
            else "Now: no shift that day." + zone_note
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
                        agent_rota, rota_site(rules), agent_id, edit_day, new_start, breaks=mode
                    )
                    _apply(
                        version,
                        pending,
                        edited,
                        f"moved {agent_id}'s shift of {edit_day:%a %d %b} to {new_time:%H:%M}{clock}",
                        zones,
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
                            agent_rota, rota_site(rules), agent_id, edit_day, break_start, new_start
                        )
                        _apply(
                            version,
                            pending,
                            edited,
                            f"moved {agent_id}'s {choices[picked].split()[0]} of {edit_day:%a %d %b} to "
                            f"{new_time:%H:%M}{clock}",
                            zones,
                        )
            elif action == "Remove the shift" and shift:
                if st.button("Apply edit", icon=":material/event_busy:"):
                    _apply(
                        version,
                        pending,
                        edits.remove_shift(agent_rota, agent_id, edit_day),
                        f"removed {agent_id}'s shift of {edit_day:%a %d %b}",
                        zones,
                    )
            elif action == "Add a shift":
                if shift:
                    st.info("The agent already works that day: move or remove that shift instead.")
                else:
                    names = [
                        t.name
                        for t in rules.shift_templates
                        if edit_day.weekday() in t.weekday_indices()
                    ]
                    if not names:
                        st.info("No shift template has shifts on this day.")
                    else:
                        columns = st.columns(3)
                        template_name = columns[0].selectbox(
                            "Template", names, key=state.ROTA_EDIT_TEMPLATE
                        )
                        template = next(t for t in rules.shift_templates if t.name == template_name)
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
                                agent_rota,
                                rota_site(rules),
                                agent_id,
                                edit_day,
                                start_text,
                                int(length),
                                template_name,
                            )
                            _apply(
                                version,
                                pending,
                                edited,
                                f"added a {template_name} shift for {agent_id} on {edit_day:%a %d %b} at {start_text}{clock}",
                                zones,
                            )
            elif not shift:
                st.info("The agent has no shift that day: pick another day, or add a shift.")
        except WfmError as error:
            ui.show_error(error)

        if pending:
            with ui.friendly_errors():
                st.subheader("Unsaved edits")
                st.dataframe(edit_summary(version.rota, rota, zones), hide_index=True)
                change = rc.service_change(saved_service, service)
                columns = st.columns(len(change))
                for column, row in zip(columns, change.to_dict("records"), strict=True):
                    for title, measure, show, show_change, colour in (
                        (
                            "Service level",
                            "service_level",
                            ui.percent,
                            ui.percentage_points,
                            "normal",
                        ),
                        (
                            "Short agent-hours",
                            "under_staffed_agent_hours",
                            ui.hours,
                            ui.hours,
                            "inverse",
                        ),
                    ):
                        column.metric(
                            f"{title}, {row['queue']}",
                            show(row[f"{measure}_edited"]),
                            delta=ui.change(
                                row[f"{measure}_saved"], row[f"{measure}_edited"], show_change
                            ),
                            delta_color=colour,
                        )
                moved = rc.coverage_change_frame(
                    version.coverage, coverage, queue, centre.interval_minutes
                )
                if moved.empty:
                    st.caption(f"The edits do not change the agents on {queue}.")
                else:
                    st.caption(f"Change in agents on {queue} per interval:")
                    st.altair_chart(
                        rc.coverage_change_chart(
                            moved,
                            f"Time in {centre.timezone} (the centre's)"
                            if zones is not None and zones.on_own_clocks
                            else "Local time",
                        ),
                        width="stretch",
                    )
                added = rc.new_violations(
                    violations(version.rota, centre, agents, week_start, zones), found
                )
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
                    st.session_state[state.ROTA_MESSAGE] = (
                        f"Saved the edits to version {version.id}."
                    )
                    st.rerun()
                if right.button("Discard edits", icon=":material/undo:"):
                    st.session_state.pop(state.ROTA_PENDING, None)
                    st.rerun()
