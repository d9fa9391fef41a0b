"""Tables of the Today page with each agent's times on its own site's clock (pure functions).

The position of the day is the queues' and is on the centre's clock; the times of an agent
(out of adherence since, a re-plan's changes, the changed rota) are read by the agent's
team leader on its site's wall clock. With a :class:`~helpers.site_zones.SiteZones` whose
sites are in several zones each row's times are in its agent's site zone and a ``site``
column names it; otherwise the tables are the centre's local times, as before.
"""

from __future__ import annotations

import pandas as pd

from helpers.site_zones import SiteZones, wall_clock_by_agent

#: Column labels of the table of agents out of adherence now.
OUT_OF_ADHERENCE_LABELS = {
    "agent_id": "Agent",
    "site": "Site (time zone)",
    "team": "Team",
    "scheduled_activity": "Scheduled",
    "actual_state": "Doing",
    "since": "Since",
    "minutes": "Minutes",
}


def _first_agent(agent_ids: pd.Series) -> pd.Series:
    """The first agent of ids joined with ``|`` (a swap names two agents of one site)."""
    return agent_ids.astype(str).str.split("|").str[0]


def _clock(times: pd.Series, agent_ids: pd.Series, zones: SiteZones | None) -> pd.Series:
    """``HH:MM`` of each time on its row's agent's clock."""
    return wall_clock_by_agent(times, _first_agent(agent_ids), zones).dt.strftime("%H:%M")


def _with_site(table: pd.DataFrame, agent_ids: pd.Series, zones: SiteZones | None, at: int):
    if zones is not None and zones.on_own_clocks:
        table.insert(at, "site", _first_agent(agent_ids).map(zones.label_of).to_numpy())
    return table


def out_of_adherence_table(out: pd.DataFrame, zones: SiteZones | None) -> pd.DataFrame:
    """The agents out of adherence now (:attr:`wfm.intraday.centre_day.DayNow.out_of_adherence`),
    ``since`` as ``HH:MM`` on each agent's clock, columns labelled for display."""
    table = out.assign(since=_clock(out["since"], out["agent_id"], zones))
    return _with_site(table, out["agent_id"], zones, 1).rename(columns=OUT_OF_ADHERENCE_LABELS)


def replan_changes_table(changes: pd.DataFrame, zones: SiteZones | None) -> pd.DataFrame:
    """A re-plan's suggested changes (:attr:`wfm.intraday.replan.Replan.changes`) to tick:
    ``from`` and ``to`` as ``HH:MM–HH:MM`` on each agent's clock (``—`` for none)."""
    clock = {
        column: _clock(changes[column], changes["agent_id"], zones)
        for column in ("old_start", "old_end", "new_start", "new_end")
    }
    table = pd.DataFrame(
        {
            "accept": True,
            "id": changes["change_id"],
            "agent": changes["agent_id"],
            "change": changes["kind"].str.replace("_", " "),
            "activity": changes["activity"],
            "from": (clock["old_start"] + "–" + clock["old_end"]).where(
                changes["old_start"] != changes["old_end"], "—"
            ),
            "to": (clock["new_start"] + "–" + clock["new_end"]).where(
                changes["new_start"] != changes["new_end"], "—"
            ),
            "cost": changes["cost"],
            "service level (alone)": changes["service_level_gain"] * 100,
            "service level (in the plan)": changes["service_level_gain_in_plan"] * 100,
        }
    )
    return _with_site(table, changes["agent_id"], zones, 3)


def changed_rota_table(rota_day: pd.DataFrame, zones: SiteZones | None) -> pd.DataFrame:
    """Rota rows (agent, activity, start, end) with ``HH:MM`` times on each agent's clock."""
    table = rota_day.assign(
        start=_clock(rota_day["start"], rota_day["agent_id"], zones),
        end=_clock(rota_day["end"], rota_day["agent_id"], zones),
    )[["agent_id", "activity", "start", "end"]]
    return _with_site(table, rota_day["agent_id"], zones, 1)
