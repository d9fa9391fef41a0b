"""The rota's Gantt chart (Rota builder): pure functions from frames to altair charts.

:func:`gantt_frame` picks a team and a day and labels the agents, :func:`gantt_page` pages a
big centre's agents with a search, :func:`gantt_chart` draws one page.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from helpers import charts

#: Colour of each rota activity in the Gantt chart.
ACTIVITY_COLOURS = {
    "work": "#4c78a8",
    "break": "#f58518",
    "lunch": "#54a24b",
    "coaching": "#b279a2",
    "meeting": "#e45756",
    "training": "#9d755d",
}


def gantt_frame(
    rota: pd.DataFrame,
    agent_summary: pd.DataFrame,
    *,
    team: str | None = None,
    day: str | None = None,
) -> pd.DataFrame:
    """Rota activities with the agent's name and team, optionally one team and one day.

    Parameters
    ----------
    rota
        ``agent_id, date, activity, start, end``.
    agent_summary
        ``agent_id, name, team`` (other columns ignored).
    team
        Keep only this team; ``None`` for all.
    day
        Keep only shifts of this local date (ISO text ``YYYY-MM-DD``); ``None`` for the week.

    Returns
    -------
    pandas.DataFrame
        ``agent`` (label ``name (agent_id)``), ``team``, ``date``, ``activity``, ``start``,
        ``end`` (naive local), ``when`` (``HH:MM–HH:MM``).
    """
    people = agent_summary[["agent_id", "name", "team"]].drop_duplicates("agent_id")
    frame = rota.merge(people, on="agent_id", how="left")
    frame["date"] = pd.to_datetime(frame["date"]).dt.strftime("%Y-%m-%d")
    if team is not None:
        frame = frame[frame["team"] == team]
    if day is not None:
        frame = frame[frame["date"] == day]
    frame = frame.sort_values(["team", "name", "agent_id", "start"])
    start, end = charts.wall_clock(frame["start"]), charts.wall_clock(frame["end"])
    return pd.DataFrame(
        {
            "agent": (
                frame["name"].fillna(frame["agent_id"]) + " (" + frame["agent_id"].astype(str) + ")"
            ).to_numpy(),
            "team": frame["team"].to_numpy(),
            "date": frame["date"].to_numpy(),
            "activity": frame["activity"].to_numpy(),
            "start": start.to_numpy(),
            "end": end.to_numpy(),
            "when": (start.dt.strftime("%a %H:%M") + "–" + end.dt.strftime("%H:%M")).to_numpy(),
        }
    )


#: Agents drawn on one page of the Gantt chart (24 px each: about 1,200 px).
GANTT_PAGE_AGENTS = 50


def gantt_page(
    frame: pd.DataFrame, *, search: str = "", page: int = 1, page_agents: int = GANTT_PAGE_AGENTS
) -> tuple[pd.DataFrame, int, int]:
    """One page of a :func:`gantt_frame`: the agents matching ``search``, ``page_agents`` at a time.

    Parameters
    ----------
    frame
        A :func:`gantt_frame` (agents in drawing order).
    search
        Text the agent's label (name and id) or team contains, case-insensitive; empty for all.
    page
        1-based page number; clipped to the pages there are.
    page_agents
        Agents per page.

    Returns
    -------
    tuple
        (the page's rows, agents matching, pages).
    """
    text = search.strip().lower()
    matching = frame
    if text:
        hit = frame["agent"].str.lower().str.contains(text, regex=False) | frame["team"].fillna(
            ""
        ).str.lower().str.contains(text, regex=False)
        matching = frame[hit]
    agents = list(dict.fromkeys(matching["agent"]))
    pages = max(1, -(-len(agents) // page_agents))
    page = min(max(int(page), 1), pages)
    shown = set(agents[(page - 1) * page_agents : page * page_agents])
    return matching[matching["agent"].isin(shown)], len(agents), pages


def gantt_chart(frame: pd.DataFrame) -> alt.Chart:
    """Gantt chart: one row per agent, bars coloured by activity.

    The legend always lists work, break and lunch (the same colours on every page), and an
    off-phone activity (coaching, meeting, training) only where the rota has one.
    """
    agents = list(dict.fromkeys(frame["agent"]))
    present = set(frame["activity"])
    activities = [
        activity
        for activity in ACTIVITY_COLOURS
        if activity in ("work", "break", "lunch") or activity in present
    ]
    return (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            x=charts.time_x("start"),
            x2="end:T",
            y=alt.Y(
                "agent:N",
                title=None,
                sort=agents,
                axis=alt.Axis(labelOverlap=False, labelLimit=220),  # every agent named
                scale=alt.Scale(paddingInner=0.25),
            ),
            color=alt.Color(
                "activity:N",
                title="Activity",
                scale=alt.Scale(domain=activities, range=[ACTIVITY_COLOURS[a] for a in activities]),
                legend=alt.Legend(orient="top"),
            ),
            tooltip=[
                alt.Tooltip("agent:N", title="Agent"),
                alt.Tooltip("team:N", title="Team"),
                alt.Tooltip("activity:N", title="Activity"),
                alt.Tooltip("when:N", title="Time"),
            ],
        )
        .properties(height=max(120, 24 * len(agents)))
    )
