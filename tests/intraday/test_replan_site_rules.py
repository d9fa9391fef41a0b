"""The re-plan of a centre with sites keeps each agent under its own site's break rules and
contracts (wfm.plan.site_agents.agent_rule_centres), not the centre's.

A two-site centre (site01 London, site02 New York, one shared queue). site02 has its own
``full_time`` contract, whose longest shift is the 510-minute shift already worked (so no
overtime or early start is possible there), and its own lunch rule (a window 240-270
minutes after the start, against the centre's 180-300). The day is under-staffed all day,
so the centre's rules would add overtime to every full-time shift: the test shows they do
(the case can fail) and that under the sites' own rules site02's agent gets none, while
site01's agent (under the centre's rules) still does.
"""

from __future__ import annotations

import tomllib

import pandas as pd
import pytest
import tomli_w

from wfm.config import load_centre
from wfm.data.synthetic.sites import generate_multi_site_centre
from wfm.intraday.replan import replan_day
from wfm.intraday.replan_settings import ReplanSettings
from wfm.intraday.working_time import working_time_context
from wfm.plan.site_agents import agent_rule_centres, site_agents

LONDON, NEW_YORK = "Europe/London", "America/New_York"
DAY = "2026-11-17"
SITE02_LUNCH = (240, 270)
PEAK = (pd.Timestamp(f"{DAY} 16:00", tz=LONDON), pd.Timestamp(f"{DAY} 17:45", tz=LONDON))


@pytest.fixture(scope="module")
def centre(tmp_path_factory):
    folder = tmp_path_factory.mktemp("replan_sites")
    path = generate_multi_site_centre(
        folder, sites=2, agents_per_site=2, history_weeks=1, forecast_model="seasonal_naive"
    )
    raw = tomllib.loads(path.read_text())
    own = [dict(c) for c in raw["contracts"]]
    for contract in own:
        if contract["name"] == "full_time":
            contract["max_shift_minutes"] = 510
    rules = [dict(r) for r in raw["break_rules"]]
    for rule in rules:
        if rule["name"] == "lunch":
            rule["earliest_start_after_minutes"], rule["latest_start_after_minutes"] = SITE02_LUNCH
    raw["sites"][1].update(
        timezone=NEW_YORK, country="US", contracts=own, break_rules=rules, opening_hours=None
    )
    raw["sites"][1] = {k: v for k, v in raw["sites"][1].items() if v is not None}
    out = folder / "two_sites_own_rules.toml"
    out.write_text(tomli_w.dumps(raw))
    return load_centre(out)


def shift(agent: str, zone: str) -> list[dict]:
    """08:00-16:30 local with a lunch at 11:00 (180 min in: inside both lunch windows'
    reach, movable), on the agent's own clock."""

    def at(hm):
        return pd.Timestamp(f"{DAY} {hm}", tz=zone)

    date = at("08:00").date()
    return [
        {
            "agent_id": agent,
            "date": date,
            "activity": a,
            "start": at(s).tz_convert(LONDON),  # stored on the centre's clock
            "end": at(e).tz_convert(LONDON),
        }
        for a, s, e in (
            ("work", "08:00", "11:00"),
            ("lunch", "11:00", "11:30"),
            ("work", "11:30", "16:30"),
        )
    ]


def replan(centre, rules_of):
    agents = {a.agent_id: a for _, members in site_agents(centre) for a in members}
    london, new_york = "site01-0001", "site02-0001"
    assert agents[london].contract == agents[new_york].contract == "full_time"
    rota = pd.DataFrame(shift(london, LONDON) + shift(new_york, NEW_YORK))
    grid = pd.date_range(f"{DAY} 08:00", f"{DAY} 23:45", freq="15min", tz=LONDON)
    # Short until the peak's end (an early start or overtime pays), most short in the peak
    # (New York 11:00-12:45: site02's lunch would rather be later), nobody needed after.
    need = pd.Series(2.0, index=grid)
    need[(grid >= PEAK[0]) & (grid < PEAK[1])] = 3.0
    need[grid >= PEAK[1]] = 0.0
    result = replan_day(
        rota,
        need,
        pd.Timestamp(f"{DAY} 07:00", tz=LONDON),
        centre,
        contract_of={london: "full_time", new_york: "full_time"},
        settings=ReplanSettings(max_call_ins_per_day=0, max_vto_minutes=0, change_cost=0.5),
        context=working_time_context(rota, pd.Timestamp(DAY).date()),
        rules_of=rules_of,
        shrinkage_fraction=0.0,
    )
    return result.changes, rota, london, new_york


def test_each_agent_has_its_sites_rules(centre):
    rules = agent_rule_centres(centre)
    assert set(rules) == {"site01-0001", "site01-0002", "site02-0001", "site02-0002"}
    assert rules["site02-0001"].contract("full_time").max_shift_minutes == 510
    assert rules["site01-0001"].contract("full_time").max_shift_minutes == 540
    lunch = next(r for r in rules["site02-0001"].break_rules if r.name == "lunch")
    assert (lunch.earliest_start_after_minutes, lunch.latest_start_after_minutes) == SITE02_LUNCH
    assert agent_rule_centres(centre.model_copy(update={"sites": ()})) == {}


def test_the_centres_rules_would_give_site02_overtime(centre):
    changes, rota, _, new_york = replan(centre, None)
    longer = changes[changes["kind"].isin(["overtime", "early_start"])]
    assert new_york in set(longer["agent_id"])  # the case can fail: the bug it guards
    start = rota.loc[rota["agent_id"] == new_york, "start"].min()
    moved = changes[(changes["agent_id"] == new_york) & (changes["kind"] == "move")]
    offsets = (moved["new_start"] - start).dt.total_seconds() / 60
    assert (offsets > SITE02_LUNCH[1]).any(), changes  # past the peak, beyond site02's window


def test_site02_gets_no_overtime_and_its_lunch_stays_in_its_own_window(centre):
    changes, rota, london, new_york = replan(centre, agent_rule_centres(centre))
    longer = changes[changes["kind"].isin(["overtime", "early_start"])]
    assert new_york not in set(longer["agent_id"]), changes
    assert london in set(longer["agent_id"]), changes  # the centre's contract allows 30 min
    minutes = longer.loc[longer["agent_id"] == london, ["new_start", "new_end"]]
    extra = (minutes["new_end"] - minutes["new_start"]).dt.total_seconds().sum() / 60
    assert 0 < extra <= 540 - 510
    start = rota.loc[rota["agent_id"] == new_york, "start"].min()
    moved = changes[(changes["agent_id"] == new_york) & (changes["kind"] == "move")]
    offsets = (moved["new_start"] - start).dt.total_seconds() / 60
    assert offsets.between(*SITE02_LUNCH).all(), changes
