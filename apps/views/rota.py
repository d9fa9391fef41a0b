"""Rota: shifts and breaks per agent (Gantt), coverage against requirement, hours per agent."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from views import charts, data, state, ui

ALL_TEAMS = "All teams"
WHOLE_WEEK = "Whole week"

st.title("Rota")
result = data.plan_or_stop()

with ui.friendly_errors():
    rota = result.rota
    agent_summary = rota.agent_summary

    st.subheader("Shifts and breaks")
    teams = [ALL_TEAMS, *sorted(agent_summary["team"].dropna().unique())]
    dates = sorted(pd.to_datetime(rota.rota["date"]).dt.strftime("%Y-%m-%d").unique())
    days = {WHOLE_WEEK: None} | {f"{pd.Timestamp(date):%A %d %B}": date for date in dates}
    left, right = st.columns(2)
    with left:
        team = st.selectbox("Team", teams, key=state.ROTA_TEAM, persist_state="session")
    with right:
        # One day by default: the whole week of 60 agents is hard to read.
        day = st.selectbox(
            "Day", list(days), index=min(1, len(days) - 1), key=state.ROTA_DAY, persist_state="session"
        )
    gantt = charts.gantt_frame(
        rota.rota,
        agent_summary,
        team=None if team == ALL_TEAMS else team,
        day=days.get(day),
    )
    if gantt.empty:
        st.info("Nobody in this selection works on this day.")
    else:
        st.altair_chart(charts.gantt_chart(gantt), width="stretch")

    st.subheader("Coverage against requirement")
    queues = sorted(rota.coverage["queue"].unique())
    queue = ui.queue_picker(queues)
    totals = result.summary.set_index("queue").loc[queue]
    columns = st.columns(3)
    columns[0].metric("Scheduled agent-hours", ui.hours(totals["scheduled_agent_hours"]))
    columns[1].metric("Required agent-hours", ui.hours(totals["required_agent_hours"]))
    columns[2].metric("Short agent-hours", ui.hours(totals["under_staffed_agent_hours"]))
    frame = charts.coverage_frame(rota.coverage, queue, result.centre.interval_minutes)
    st.altair_chart(charts.coverage_chart(frame), width="stretch")
    st.caption(
        "Scheduled agents on the queue per interval (on shift, not on a break) against the "
        "requirement after shrinkage."
    )

    st.subheader("Hours per agent")
    st.dataframe(
        agent_summary,
        hide_index=True,
        column_config={
            "agent_id": "Agent",
            "name": "Name",
            "team": "Team",
            "contract": "Contract",
            "days_worked": st.column_config.NumberColumn("Days worked", format="%d"),
            "paid_hours": st.column_config.NumberColumn("Paid hours", format="%.1f h"),
            "weekend_days": st.column_config.NumberColumn("Weekend days", format="%d"),
        },
    )
