"""The rota's Gantt chart (Rota builder): pure functions from frames to altair charts.

:func:`gantt_frame` picks a team and a day and labels the agents, :func:`gantt_page` pages a
big centre's agents with a search, :func:`gantt_chart` draws one page.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from helpers import charts
from helpers.site_zones import SITE_COLUMN, SiteZones, wall_clock_by_agent

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
    zones: SiteZones | None = None,
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
        The rota's ``date`` is the shift's date on its agent's own clock.
    zones
        Each agent's site clock; when agents are on their own clocks
        (:attr:`~helpers.site_zones.SiteZones.on_own_clocks`), ``start``, ``end`` and
        ``when`` are the agent's site's wall-clock times and a column ``site``
        (``"name (zone)"``) is added, sorted first, for :func:`gantt_chart` to draw a panel
        per site. Otherwise the rota's local time (the centre's), as always.

    Returns
    -------
    pandas.DataFrame
        ``agent`` (label ``name (agent_id)``), ``team``, ``date``, ``activity``, ``start``,
        ``end`` (naive local), ``when`` (``HH:MM–HH:MM``), and ``site`` on own clocks.
    """
    people = agent_summary[["agent_id", "name", "team"]].drop_duplicates("agent_id")
    frame = rota.merge(people, on="agent_id", how="left")
    frame["date"] = pd.to_datetime(frame["date"]).dt.strftime("%Y-%m-%d")
    if team is not None:
        frame = frame[frame["team"] == team]
    if day is not None:
        frame = frame[frame["date"] == day]
    own_clocks = zones is not None and zones.on_own_clocks
    if own_clocks:
        frame = frame.assign(**{SITE_COLUMN: frame["agent_id"].astype(str).map(zones.label_of)})
        frame = frame.sort_values([SITE_COLUMN, "team", "name", "agent_id", "start"])
        start = wall_clock_by_agent(frame["start"], frame["agent_id"], zones)
        end = wall_clock_by_agent(frame["end"], frame["agent_id"], zones)
    else:
        frame = frame.sort_values(["team", "name", "agent_id", "start"])
        start, end = charts.wall_clock(frame["start"]), charts.wall_clock(frame["end"])
    table = pd.DataFrame(
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
    if own_clocks:
        table[SITE_COLUMN] = frame[SITE_COLUMN].to_numpy()
    return table


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


def gantt_chart(frame: pd.DataFrame) -> alt.Chart | alt.VConcatChart:
    """Gantt chart: one row per agent, bars coloured by activity.

    The legend always lists work, break and lunch (the same colours on every page), and an
    off-phone activity (coaching, meeting, training) only where the rota has one.

    A frame with a ``site`` column (agents on their own sites' clocks, :func:`gantt_frame`)
    is drawn as one panel per site, each titled with its site and zone and with its own
    time axis in that zone's wall-clock time. One shared axis would put the sites' shifts
    on different clocks side by side: a 09:00 in New York drawn where 09:00 in London is
    would look simultaneous, five hours apart. Within a panel the agents share a clock, so
    overlaps there are real; what the sites cover together is the Coverage tab's, on the
    centre's clock.
    """
    if SITE_COLUMN in frame.columns:
        activities = _legend(frame)
        panels = [
            _gantt_panel(
                part.drop(columns=[SITE_COLUMN]), activities, f"Local time in {_zone_of(site)}"
            ).properties(title=site)
            for site, part in frame.groupby(SITE_COLUMN, sort=True)
        ]
        return alt.vconcat(*panels).resolve_scale(x="independent")
    return _gantt_panel(frame, _legend(frame))


def _zone_of(site_label: str) -> str:
    """The zone of a ``"name (zone)"`` site label."""
    return site_label.rsplit("(", 1)[-1].rstrip(")")


def _legend(frame: pd.DataFrame) -> list[str]:
    present = set(frame["activity"])
    return [
        activity
        for activity in ACTIVITY_COLOURS
        if activity in ("work", "break", "lunch") or activity in present
    ]


def _gantt_panel(
    frame: pd.DataFrame, activities: list[str], axis_title: str = "Local time"
) -> alt.Chart:
    agents = list(dict.fromkeys(frame["agent"]))
    return (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            x=charts.time_x("start", title=axis_title),
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
