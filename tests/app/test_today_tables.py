"""The Today page's tables put each agent's times on its own site's clock (helpers.today_tables).

Hand-made rows at fixed instants; the expected wall-clock times are the instants converted
with pandas (New York is 5 h behind London in November)."""

from __future__ import annotations

import pandas as pd

from helpers.site_zones import SiteZones
from helpers.today_tables import changed_rota_table, out_of_adherence_table, replan_changes_table
from wfm.plan.site_agents import AgentSite

LONDON, NEW_YORK = "Europe/London", "America/New_York"
TWO_ZONES = SiteZones(
    LONDON, {"l1": AgentSite("london", LONDON), "n1": AgentSite("york", NEW_YORK)}
)


def at(text: str) -> pd.Timestamp:
    return pd.Timestamp(f"2026-11-17 {text}", tz=LONDON)


def changes() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "change_id": [1, 2, 3],
            "agent_id": ["l1", "n1", "n1|n2"],
            "kind": ["move_break", "overtime", "swap"],
            "activity": ["break", "work", "break"],
            "old_start": [at("15:00"), at("22:00"), at("18:00")],
            "old_end": [at("15:15"), at("22:00"), at("18:15")],
            "new_start": [at("15:30"), at("22:00"), at("18:30")],
            "new_end": [at("15:45"), at("23:00"), at("18:45")],
            "cost": [0.0, 6.5, 0.0],
            "service_level_gain": [0.01, 0.02, 0.0],
            "service_level_gain_in_plan": [0.01, 0.02, 0.0],
        }
    )


def test_re_plan_changes_are_on_each_agents_site_clock():
    table = replan_changes_table(changes(), TWO_ZONES)
    assert table["from"].tolist() == ["15:00–15:15", "—", "13:00–13:15"]
    assert table["to"].tolist() == ["15:30–15:45", "17:00–18:00", "13:30–13:45"]
    assert table["site"].tolist() == [
        "london (Europe/London)",
        "york (America/New_York)",
        "york (America/New_York)",  # a swap of two New York agents
    ]
    one_zone = replan_changes_table(changes(), SiteZones(LONDON))
    assert "site" not in one_zone.columns
    assert one_zone["to"].tolist() == ["15:30–15:45", "22:00–23:00", "18:30–18:45"]


def test_out_of_adherence_and_the_changed_rota_on_each_agents_clock():
    out = pd.DataFrame(
        {
            "agent_id": ["l1", "n1"],
            "team": ["A", "B"],
            "scheduled_activity": ["work", "work"],
            "actual_state": ["no_event", "break"],
            "since": [at("16:30"), at("16:45")],
            "minutes": [30.0, 15.0],
        }
    )
    table = out_of_adherence_table(out, TWO_ZONES)
    assert table["Since"].tolist() == ["16:30", "11:45"]
    assert table["Site (time zone)"].tolist() == [
        "london (Europe/London)",
        "york (America/New_York)",
    ]
    assert "Site (time zone)" not in out_of_adherence_table(out, SiteZones(LONDON)).columns
    rota = pd.DataFrame(
        {
            "agent_id": ["n1"],
            "activity": ["work"],
            "start": [at("22:00")],
            "end": [at("23:30")],
        }
    )
    assert changed_rota_table(rota, TWO_ZONES)[["start", "end"]].iloc[0].tolist() == [
        "17:00",
        "18:30",
    ]
