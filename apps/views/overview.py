"""Overview: where the planner is in the workflow, the rota's projected service, recent changes.

Everything shown comes from the workspace (the store), so it is what the planner left last
time. "Plan everything" runs the whole chain (forecast -> requirements -> rota) on the
saved inputs in one go and saves each step, for a planner who wants a first rota now; for a
centre with ``[[sites]]`` it saves the rota's working-time checks by site with it (each
site's agents on their own clock, law and contracts, as ``wfm plan`` writes them), shown
here for the rota shown (else the newest).
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from helpers import data, ui
from helpers.site_checks_view import show_site_checks
from wfm.plan.chain import run_plan

#: Workflow steps as the planner reads them, with the page that does each.
STEP_LABELS = {
    "centre": ("Settings", "views/settings.py"),
    "history": ("History", "views/upload.py"),
    "forecast": ("Forecast", "views/forecast.py"),
    "requirements": ("Staffing", "views/staffing.py"),
    "rota": ("Rota", "views/rota_builder.py"),
    "published": ("Published", "views/rota_builder.py"),
}


def _projected_service(centre, requirements, rota) -> None:
    """The projected service level per queue of the rota that applies to the requirements."""
    st.subheader(f"Projected service level — rota version {rota.id} ({rota.status})")
    summary = data.rota_service_summary(centre, requirements.frame, rota)
    by_queue = summary.set_index("queue")
    queues = [queue for queue in by_queue.index if queue != "all"]
    for column, queue in zip(st.columns(len(queues) + 1), [*queues, "all"], strict=True):
        row = by_queue.loc[queue]
        target = row["service_level_target"]
        column.metric(
            "All queues" if queue == "all" else queue,
            ui.percent(row["service_level"]),
            delta=None
            if pd.isna(target)
            else f"{ui.percentage_points(row['service_level'] - target)} vs target {ui.percent(target, 0)}",
            border=True,
            help=f"ASA {ui.asa_text(row['asa_seconds'], row['asa_covered_share'])}; "
            f"{int(row['intervals_meeting_target'])} of {int(row['intervals'])} intervals meet the target.",
        )
    solve = rota.solve_summary
    start = f"Week starting {rota.start_date:%A %d %B %Y} · " if rota.start_date else ""
    st.caption(
        f"{start}solver: {solve.get('status', '—')}, "
        f"objective {ui.compact(solve.get('objective'))}, bound {ui.compact(solve.get('bound'))}, "
        f"gap {ui.percent(solve.get('gap'), 2)} · short {ui.hours(by_queue.loc['all', 'under_staffed_agent_hours'])}"
    )


st.title("Overview")

with ui.friendly_errors():
    ws = data.workspace()
    steps = ws.steps().set_index("step")

    st.subheader("Workflow")
    columns = st.columns(len(STEP_LABELS))
    for column, (step, (label, page)) in zip(columns, STEP_LABELS.items(), strict=True):
        row = steps.loc[step]
        with column, st.container(border=True):
            icon = ":material/check_circle:" if row["done"] else ":material/radio_button_unchecked:"
            st.page_link(page, label=label, icon=icon)
            if row["done"]:
                st.caption(f"{row['detail']}  \n{ui.when(row['saved_at'])} by {row['saved_by']}")
            else:
                st.caption("not done yet")

    history_done = bool(steps.loc["history", "done"])
    if not history_done:
        ui.go_to_data(
            "Start on the **Data** page: use the sample centre or upload your interval history.",
            icon=":material/upload_file:",
        )
    else:
        with st.expander("Plan everything in one go", icon=":material/bolt:"):
            st.write(
                "Forecast, staff requirements and a rota draft from the saved history, agents and "
                "settings, each saved like the pages do. Stop (top right) ends it at the next step."
            )
            if st.button("Plan everything", icon=":material/play_arrow:"):
                centre = data.app_centre()
                history = ws.latest_history()
                # a centre with sites plans each site's agents file (run_plan reads them)
                agents = None if centre.sites else ws.agents() or None
                bar = st.progress(0.0, text="Planning: starting")
                result = run_plan(
                    centre,
                    history=history,
                    agents=agents,
                    progress=lambda done, message: bar.progress(
                        min(max(done, 0.0), 1.0), text=f"Planning: {message}"
                    ),
                )
                ws.save_plan(result)
                bar.empty()
                st.success(
                    f"Planned the week starting {result.start_date:%A %d %B %Y}: rota saved as a draft."
                )
                st.rerun()

    shown_version = None  # the rota version whose projected service is shown
    requirements = ws.latest_requirements()
    if requirements is not None and not ws.rota_versions().empty:
        centre = data.app_centre()
        own_queues = [queue.name for queue in centre.queues]
        local = requirements.frame["interval_start"].dt.tz_convert(centre.timezone).dt.date
        found = set(requirements.frame["queue"].astype(str))
        if requirements.frame.empty or not found & set(own_queues):
            st.info(
                f"The saved requirements are for queues {', '.join(sorted(found)) or 'none'}, which this "
                f"centre ({', '.join(own_queues)}) does not have: they are from another centre and are set "
                "aside. Compute requirements on the Staffing page to see the rota's projected service.",
                icon=":material/swap_horiz:",
            )
        else:
            rota = ws.rota_for_period(local.min(), local.max(), centre.timezone, own_queues)
            if rota is None:
                st.info(
                    f"No saved rota of this centre covers the requirements' dates ({local.min():%d %b} to "
                    f"{local.max():%d %b %Y}): rotas for other weeks or other centres are set aside. "
                    "Generate one on the Rota builder page.",
                    icon=":material/event_busy:",
                )
            else:
                _projected_service(centre, requirements, rota)
                shown_version = rota.id
    versions = ws.rota_versions()
    if shown_version is None and not versions.empty:
        shown_version = int(versions["id"].max())
    checks = ws.site_checks(shown_version) if shown_version is not None else None
    if checks is not None:
        show_site_checks(checks)

    st.subheader("Recent changes")
    audit = ws.audit()
    if audit.empty:
        st.caption("Nothing has been done in this workspace yet.")
    else:
        recent = audit.sort_values("id", ascending=False).head(10)
        st.dataframe(
            recent[["at", "actor", "action", "object_type", "object_id"]],
            hide_index=True,
            column_config={
                "at": st.column_config.DatetimeColumn("When (UTC)", format="YYYY-MM-DD HH:mm"),
                "actor": "Who",
                "action": "What",
                "object_type": "Object",
                "object_id": "Id",
            },
        )
        st.page_link(
            "views/settings.py",
            label="The whole audit trail is on the Settings page",
            icon=":material/history:",
        )
    st.caption(f"Workspace: `{ui.hide_password(ws.url)}`")
