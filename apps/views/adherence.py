"""Adherence (team leaders): did agents do what the rota said, when it said?

Adherence and conformance (DOMAIN §8) of the agent states in the workspace (imported on the
Data page) against a rota: a stored version (published preferred) or the sample centre's
published rota file. Computed by :func:`wfm.review.adherence.compute_adherence` over the shifts
the state log fully spans; fractions are shown as percentages.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import streamlit as st

from helpers import adherence_charts, data, state, ui
from helpers.site_zones import in_agent_zone, wall_clock_by_agent
from wfm.data.io import frame_to_csv_text
from wfm.data.output_files import read_rota
from wfm.data.states import StateLog
from wfm.plan.rota_choice import applying
from wfm.review.adherence import (
    DEFAULT_TOLERANCE_SECONDS,
    agent_totals,
    compute_adherence,
    summarise_adherence,
)

#: File of the sample centre's published rota (the one its agent states follow).
PUBLISHED_ROTA_FILE = "published_rota.csv"
FILE_CHOICE = "file"
#: Agents below this adherence are flagged (a common service target; DOMAIN §8).
LOW_ADHERENCE = 0.85


@st.cache_data(show_spinner=False, max_entries=4)
def _stored_rota(_ws, url: str, version_id: int, updated_at: str) -> pd.DataFrame:
    return _ws.rota(version_id).rota


@st.cache_data(show_spinner=False, max_entries=4)
def _file_rota(path: str, modified_ns: int, timezone: str) -> pd.DataFrame:
    return read_rota(path, timezone)


@st.cache_data(show_spinner="Computing adherence…", max_entries=8)
def _adherence(
    _rota: pd.DataFrame,
    _states: StateLog,
    key: tuple,
    tolerance_seconds: float,
    activity_tolerance: tuple,
):
    return compute_adherence(
        _rota,
        _states,
        tolerance_seconds=tolerance_seconds,
        activity_tolerance_seconds=dict(activity_tolerance),
    )


def _version_label(row: dict) -> str:
    dates = (
        f", {row['first_date']:%d %b} to {row['last_date']:%d %b %Y}" if row["first_date"] else ""
    )
    return f"Version {int(row['id'])} ({row['status']}{dates})"


def _fmt_span(span) -> str:
    return f"{span[0]:%a %d %b %Y %H:%M} to {span[1]:%a %d %b %Y %H:%M}"


st.title("Adherence")

with ui.friendly_errors():
    ws = data.workspace()
    centre = data.app_centre()
    zones = data.site_zones(centre)  # each agent's site clock (the centre's for one zone)
    states = ws.agent_states(centre.timezone)
    if states is None:
        ui.go_to_data(
            "There are no agent states yet to compare with a rota. Import them on the Data page "
            "(a CSV `agent_id, state, start, end` or a vendor export).",
        )
        st.stop()

    # --- which rota -------------------------------------------------------------------------
    spans = ws.rota_spans(centre.timezone)  # published first, newest first
    published_file = Path(centre.base_dir) / PUBLISHED_ROTA_FILE
    choices: dict[str, str] = {}
    log_start, log_end = adherence_charts.time_span(states.frame)
    log_first = log_start.tz_convert(centre.timezone).date()
    log_last = (log_end - pd.Timedelta(microseconds=1)).tz_convert(centre.timezone).date()
    if published_file.is_file():
        choices[FILE_CHOICE] = f"The sample's published rota ({PUBLISHED_ROTA_FILE})"
    for row in applying(spans, log_first, log_last).to_dict("records"):
        choices[str(int(row["id"]))] = _version_label(row)  # rotas the states overlap next
    for row in spans.to_dict("records"):
        choices.setdefault(str(int(row["id"])), _version_label(row))
    if not choices:
        data.require_step("rota", "measure adherence against")
    log_span = adherence_charts.time_span(states.frame)
    source = st.selectbox(
        "Rota",
        list(choices),
        format_func=choices.get,
        key=state.ADHERENCE_ROTA_SOURCE,
        help="The rota the agents were meant to follow. The sample's agent states follow its published rota file; "
        "the rotas generated here are for a future week.",
    )
    if source == FILE_CHOICE:
        rota = _file_rota(str(published_file), published_file.stat().st_mtime_ns, centre.timezone)
        rota_key = (str(published_file), published_file.stat().st_mtime_ns)
    else:
        row = spans.set_index("id").loc[int(source)]
        rota = _stored_rota(ws, ws.url, int(source), str(row["updated_at"]))
        rota_key = (int(source), str(row["updated_at"]))
    shared = adherence_charts.overlap(rota, states.frame)
    if shared is None:
        st.warning(
            f"The rota and the agent states do not overlap in time, so there is nothing to compare. "
            f"Rota: {_fmt_span(adherence_charts.time_span(rota))}; agent states: {_fmt_span(log_span)}. "
            + (
                "Pick the sample's published rota above: the sample's states follow it."
                if FILE_CHOICE in choices and source != FILE_CHOICE
                else "Import the agent states of the rota's week on the Data page, or pick another rota."
            ),
            icon=":material/event_busy:",
        )
        st.stop()
    window = adherence_charts.rota_in_window(rota, *shared)
    if window.empty:
        st.warning(
            f"The rota and the agent states overlap ({_fmt_span(shared)}) but no whole shift lies inside the "
            "states' time, so adherence cannot be measured fairly.",
            icon=":material/event_busy:",
        )
        st.stop()
    dropped = len(rota) - len(window)
    st.caption(
        f"Agent states {_fmt_span(log_span)} ({len(states.frame):,} events, {len(states.agents)} agents). "
        f"Measured over the {window.groupby(['agent_id', 'date']).ngroups:,} shifts the states fully span"
        + (f"; {dropped:,} rota rows outside them are left out." if dropped else ".")
    )

    # --- controls -------------------------------------------------------------------------
    default_minutes = DEFAULT_TOLERANCE_SECONDS / 60
    t1, t2, t3 = st.columns(3)
    tolerance = t1.number_input(
        "Tolerance [minutes]",
        0.0,
        60.0,
        default_minutes,
        step=0.5,
        key=state.ADHERENCE_TOLERANCE_MINUTES,
        help="Deviations shorter than this at the start or end of a scheduled piece are forgiven; "
        "longer ones count in full.",
    )
    break_tol = t2.number_input(
        "Break tolerance [minutes]",
        0.0,
        60.0,
        float(tolerance),
        step=0.5,
        key=state.ADHERENCE_BREAK_TOLERANCE_MINUTES,
        help="Tolerance for breaks (per-activity).",
    )
    lunch_tol = t3.number_input(
        "Lunch tolerance [minutes]",
        0.0,
        60.0,
        float(tolerance),
        step=0.5,
        key=state.ADHERENCE_LUNCH_TOLERANCE_MINUTES,
        help="Tolerance for lunches (per-activity).",
    )
    activity_tolerance = (("break", break_tol * 60.0), ("lunch", lunch_tol * 60.0))
    result = _adherence(
        window,
        states,
        (rota_key, len(states.frame), log_span),
        tolerance * 60.0,
        activity_tolerance,
    )

    for line in result.report.lines():
        st.warning(f"Agent states: {line}", icon=":material/warning:")

    agents = {a.agent_id: a for a in ws.agents()}
    teams = {agent_id: agent.team for agent_id, agent in agents.items()}
    f1, f2 = st.columns(2)
    team_names = sorted(
        set(teams.values()) | ({"unknown"} if set(window["agent_id"]) - set(teams) else set())
    )
    team = f1.selectbox("Team", ["All teams", *team_names], key=state.ADHERENCE_TEAM)
    days = sorted(pd.to_datetime(window["date"]).dt.date.unique())
    day = f2.selectbox(
        "Day",
        ["All days", *days],
        key=state.ADHERENCE_DAY,
        format_func=lambda d: d if isinstance(d, str) else f"{d:%a %d %b %Y}",
    )

    def team_of(agent_id: str) -> str:
        return teams.get(agent_id, "unknown")

    def keep(table: pd.DataFrame) -> pd.DataFrame:
        out = table
        if team != "All teams" and "agent_id" in out:
            out = out[out["agent_id"].map(team_of) == team]
        if team != "All teams" and "team" in out:
            out = out[out["team"] == team]
        if day != "All days" and "date" in out:
            out = out[pd.to_datetime(out["date"]).dt.date == day]
        return out.reset_index(drop=True)

    by_agent_day = keep(summarise_adherence(result, "agent"))
    if by_agent_day.empty:
        st.info("No scheduled time for this team and day.", icon=":material/filter_alt_off:")
        st.stop()
    scheduled = by_agent_day["scheduled_seconds"].sum()
    on_queue_plan = by_agent_day["scheduled_on_queue_seconds"].sum()
    m1, m2, m3, m4 = st.columns(4)
    m1.metric(
        "Adherence",
        ui.percent(
            by_agent_day["adherent_seconds"].sum() / scheduled if scheduled else float("nan")
        ),
    )
    m2.metric(
        "Conformance",
        ui.percent(
            by_agent_day["on_queue_seconds"].sum() / on_queue_plan
            if on_queue_plan
            else float("nan")
        ),
    )
    m3.metric("Scheduled", ui.compact_hours(scheduled / 3600))
    m4.metric("Agents", ui.number(by_agent_day["agent_id"].nunique(), 0))
    st.caption(
        "Adherence: time in the scheduled activity at the scheduled time / scheduled time. Conformance: time on "
        "queue (available, on contact, after-contact work) whenever worked / scheduled work time; it can exceed 100 %."
    )

    def shown(table: pd.DataFrame, keys: dict[str, str]) -> pd.DataFrame:
        out = {title: table[column] for column, title in keys.items()}
        out.update(
            {
                "Scheduled": (table["scheduled_seconds"] / 3600).map(ui.hours),
                "Adherent": (table["adherent_seconds"] / 3600).map(ui.hours),
                "Adherence": table["adherence"].map(ui.percent),
                "Conformance": table["conformance"].map(ui.percent),
            }
        )
        return pd.DataFrame(out)

    # --- per agent ---------------------------------------------------------------------------
    st.subheader("Per agent")
    totals = agent_totals(result)
    if team != "All teams" or day != "All days":
        sums = by_agent_day.groupby("agent_id")[
            [
                "scheduled_seconds",
                "adherent_seconds",
                "scheduled_on_queue_seconds",
                "on_queue_seconds",
            ]
        ].sum()
        totals = sums.assign(
            adherence=sums["adherent_seconds"]
            / sums["scheduled_seconds"].where(sums["scheduled_seconds"] > 0),
            conformance=sums["on_queue_seconds"]
            / sums["scheduled_on_queue_seconds"].where(sums["scheduled_on_queue_seconds"] > 0),
        ).reset_index()
    totals = totals.assign(
        name=totals["agent_id"].map(lambda a: agents[a].name if a in agents else a),
        team=totals["agent_id"].map(team_of),
    ).sort_values("adherence")
    low = totals[totals["adherence"] < LOW_ADHERENCE]
    if len(low):
        st.caption(f"{len(low)} agent(s) below {ui.percent(LOW_ADHERENCE, 0)}: listed first.")
    st.altair_chart(
        adherence_charts.adherence_bar_chart(
            totals.assign(agent=totals["name"] + " (" + totals["agent_id"] + ")"), "agent"
        ),
        width="stretch",
    )
    st.dataframe(
        shown(totals, {"agent_id": "Agent", "name": "Name", "team": "Team"}), hide_index=True
    )
    st.download_button(
        "Per agent (CSV)",
        frame_to_csv_text(totals),
        "adherence_by_agent.csv",
        "text/csv",
        key="adherence_download_agents",
    )
    with st.expander("Per agent and day"):
        st.dataframe(shown(by_agent_day, {"agent_id": "Agent", "date": "Date"}), hide_index=True)
        st.download_button(
            "Per agent and day (CSV)",
            frame_to_csv_text(by_agent_day),
            "adherence_by_agent_day.csv",
            "text/csv",
            key="adherence_download_agent_days",
        )

    # --- per team and per day ------------------------------------------------------------------
    left, right = st.columns(2)
    with left:
        st.subheader("Per team")
        by_team = keep(summarise_adherence(result, "team", teams=teams))
        st.dataframe(shown(by_team, {"team": "Team", "date": "Date"}), hide_index=True)
        st.download_button(
            "Per team (CSV)",
            frame_to_csv_text(by_team),
            "adherence_by_team.csv",
            "text/csv",
            key="adherence_download_teams",
        )
    with right:
        st.subheader("Per day")
        if team == "All teams":
            by_day = keep(summarise_adherence(result, "day"))
        else:
            by_day = by_team.drop(columns=["team"])
        st.dataframe(shown(by_day, {"date": "Date"}), hide_index=True)
        st.download_button(
            "Per day (CSV)",
            frame_to_csv_text(by_day),
            "adherence_by_day.csv",
            "text/csv",
            key="adherence_download_days",
        )

    # --- timeline --------------------------------------------------------------------------------
    st.subheader("Timeline of one agent")
    agent_ids = list(totals["agent_id"])
    a1, a2 = st.columns(2)
    agent = a1.selectbox(
        "Agent",
        agent_ids,
        key=state.ADHERENCE_AGENT,
        format_func=lambda a: f"{agents[a].name} ({a})" if a in agents else a,
    )
    agent_days = sorted(
        pd.to_datetime(window.loc[window["agent_id"] == agent, "date"]).dt.date.unique()
    )
    if day != "All days" and day in agent_days:
        agent_day = day
        a2.text_input("Day of the timeline", f"{day:%a %d %b %Y}", disabled=True)
    else:
        agent_day = a2.selectbox(
            "Day of the timeline",
            agent_days,
            format_func=lambda d: f"{d:%a %d %b %Y}",
            key="adherence_timeline_day",
        )
    if agent_day is not None:
        timeline = adherence_charts.timeline_frame(
            in_agent_zone(window, agent, zones), states.frame, agent, agent_day
        )
        st.altair_chart(adherence_charts.timeline_chart(timeline), width="stretch")
        clock = zones.label_of(agent) if zones.on_own_clocks else centre.timezone
        st.caption(
            f"Local time ({clock}). Top: the rota's activities; bottom: the states the agent was in."
        )

    # --- events -----------------------------------------------------------------------------------
    st.subheader("Out-of-adherence events")
    events = keep(result.events)
    event_start, event_end = events["start"], events["end"]
    if zones.on_own_clocks:  # each agent's events on its site's clock
        event_start = wall_clock_by_agent(event_start, events["agent_id"], zones)
        event_end = wall_clock_by_agent(event_end, events["agent_id"], zones)
    shown_events = pd.DataFrame(
        {
            "Agent": events["agent_id"],
            "Date": events["date"],
            "Scheduled": events["scheduled_activity"],
            "Actual": events["actual_state"],
            "From": event_start.dt.strftime("%a %d %b %H:%M:%S"),
            "To": event_end.dt.strftime("%H:%M:%S"),
            "Minutes": (events["seconds"] / 60).map(lambda v: ui.number(v, 1)),
        }
    )
    if zones.on_own_clocks:
        shown_events.insert(1, "Site", events["agent_id"].map(zones.label_of))
    st.caption(
        f"{len(events):,} events after the tolerance; `no_event` is time with no state logged."
        + (f" {zones.caption()}" if zones.on_own_clocks else "")
    )
    st.dataframe(shown_events, hide_index=True)
    st.download_button(
        "Events (CSV)",
        frame_to_csv_text(events),
        "adherence_events.csv",
        "text/csv",
        key="adherence_download_events",
    )
