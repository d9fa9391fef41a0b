"""Overview: the plan's projected service per queue, the rota solve and the time taken."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from views import data, ui

st.title("Plan overview")
if st.button("Re-run plan", icon=":material/refresh:", help="Plan again from the centre file: forecast, requirements, rota."):
    data.forget_plans()
    st.rerun()
result = data.plan_or_stop(offer_rerun=False)

with ui.friendly_errors():
    centre = result.centre
    solve = result.rota.summary
    st.caption(
        f"**{centre.name}** · week starting {result.start_date:%A %d %B %Y} ({centre.timezone}) · "
        f"{centre.interval_minutes}-minute intervals · {len(result.agents)} agents · "
        f"centre file `{data.centre_path()}`"
    )

    st.subheader("Projected service level for the rota")
    summary = result.summary.set_index("queue")
    queues = [queue for queue in summary.index if queue != "all"]
    for column, queue in zip(st.columns(len(queues) + 1), [*queues, "all"], strict=True):
        row = summary.loc[queue]
        target = row["service_level_target"]
        with column:
            st.metric(
                "Service level — all queues" if queue == "all" else f"Service level — {queue}",
                ui.percent(row["service_level"]),
                delta=None if pd.isna(target) else f"{ui.percentage_points(row['service_level'] - target)} vs target {ui.percent(target, 0)}",
                border=True,
            )
            st.caption(
                f"ASA {ui.seconds(row['asa_seconds'])} · {int(row['intervals_meeting_target'])} of "
                f"{int(row['intervals'])} intervals meet the target"
            )

    table = pd.DataFrame(
        {
            "Queue": summary.index,
            "Contacts": summary["offered"].map(lambda value: ui.number(value, 0)),
            "Service level": summary["service_level"].map(ui.percent),
            "Target": summary["service_level_target"].map(lambda value: ui.percent(value, 0)),
            "ASA": summary["asa_seconds"].map(ui.seconds),
            "Intervals under-staffed": summary["intervals_under_staffed"].astype(str) + " of " + summary["intervals"].astype(str),
            "Short agent-hours": summary["under_staffed_agent_hours"].map(ui.hours),
            "Scheduled agent-hours": summary["scheduled_agent_hours"].map(ui.hours),
            "Required agent-hours": summary["required_agent_hours"].map(ui.hours),
        }
    )
    st.dataframe(table, hide_index=True)
    overloaded = summary.loc["all", "intervals_unstable"] if "all" in summary.index else 0
    if overloaded:
        st.caption(ui.overloaded_note(int(overloaded), float(summary.loc["all", "offered_in_unstable_intervals"])))

    st.subheader("Rota")
    agent_summary = result.rota.agent_summary
    working = int((agent_summary["days_worked"] > 0).sum())
    columns = st.columns(6)
    columns[0].metric("Solver status", solve.status_label)
    columns[1].metric("Objective", ui.number(solve.objective), help="Cost of the rota found [cost units].")
    columns[2].metric("Bound", ui.number(solve.bound), help="Best proven lower bound on the cost [cost units].")
    columns[3].metric("Gap", ui.percent(solve.gap, 2), help="(objective − bound) / objective.")
    columns[4].metric("Solve time", ui.seconds(solve.wall_seconds), help="The whole scheduling run.")
    columns[5].metric("Paid hours", ui.hours(float(agent_summary["paid_hours"].sum())), help=f"{working} agents working.")
    st.caption(solve.describe())

    st.subheader("Time taken")
    timings = pd.DataFrame(
        {"Step": list(result.timings_seconds), "Time": [ui.seconds(value) for value in result.timings_seconds.values()]}
    )
    st.dataframe(timings, hide_index=True, width="content")
    models = result.forecast.groupby("queue")["model"].first()
    st.caption("Forecast model per queue: " + ", ".join(f"{queue}: {model}" for queue, model in models.items()))

    st.divider()
    links = st.columns(4)
    links[0].page_link("views/forecast.py", label="Forecast", icon=":material/show_chart:")
    links[1].page_link("views/requirements.py", label="Requirements", icon=":material/grid_on:")
    links[2].page_link("views/rota.py", label="Rota", icon=":material/calendar_month:")
    links[3].page_link("views/whatif.py", label="What if", icon=":material/tune:")
