"""Each change's service-level gains, evaluated on the intervals it touches, equal the gains of
whole projections of the day with and without it (the slow, independent way)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from wfm.config import load_centre
from wfm.data.agents import read_agents
from wfm.intraday.centre_day import position_options, projected_day_service_level
from wfm.intraday.change_gains import change_gains
from wfm.intraday.day_replan import replan_today
from wfm.intraday.feed import parse_as_of, read_states_today
from wfm.intraday.position import day_position
from wfm.intraday.replan_settings import ReplanSettings
from wfm.intraday.rota_changes import apply_changes
from wfm.intraday.rota_projection import RotaProjection
from wfm.intraday.sample_day import play_day, write_played_day

CENTRE = load_centre("data/sample/centre.toml")
DAY = dt.date(2026, 10, 20)


@pytest.fixture(scope="module")
def day(tmp_path_factory):
    as_of = parse_as_of("11:00", DAY, CENTRE.timezone)
    played = play_day(CENTRE, DAY, as_of, rota_path=CENTRE.base_dir / "published_rota.csv")
    folder = tmp_path_factory.mktemp("played")
    write_played_day(played, folder)
    states = read_states_today(folder / "states.csv", timezone=CENTRE.timezone, as_of=as_of)
    agents = read_agents(CENTRE.resolve(CENTRE.agents), CENTRE)
    return played, states, agents, as_of


def full_level(played, states, agents, as_of, rota):
    options = position_options(CENTRE, agents)
    return projected_day_service_level(
        day_position(played.forecast, rota, states, played.arrivals, as_of, options)
    )


@pytest.mark.slow  # about 7 s of CPU: a whole projection per change
def test_gains_on_touched_intervals_equal_whole_projections(day):
    played, states, agents, as_of = day
    rota = played.rota[played.rota["date"] == DAY]
    # Cheap changes: suggestions of several kinds.
    done = replan_today(
        CENTRE,
        forecast=played.forecast,
        rota_day=rota,
        whole_rota=played.rota,
        states=states,
        arrivals=played.arrivals,
        as_of=as_of,
        agents=agents,
        day=DAY,
        settings=ReplanSettings(
            change_cost=0.5, call_in_cost=0.5, value_per_point=60.0, max_changes=6
        ),
    )
    suggested = done.replan.changes
    assert len(suggested) >= 4 and len(set(suggested["kind"])) >= 2
    # Add a second change for a changed agent (a break moved a quarter later), so that "all
    # but this one" differs from "this one alone".
    later = as_of + pd.Timedelta(minutes=30)
    breaks = rota[rota["activity"].isin(["break", "lunch"]) & (rota["start"] >= later)]
    agent = next(a for a in suggested["agent_id"] if a in set(breaks["agent_id"]))
    piece = breaks[breaks["agent_id"] == agent].iloc[0]
    quarter = pd.Timedelta(minutes=15)
    extra = suggested.iloc[[0]].assign(
        change_id=len(suggested) + 1,
        agent_id=agent,
        kind="move",
        activity=piece["activity"],
        old_start=piece["start"],
        old_end=piece["end"],
        new_start=piece["start"] + quarter,
        new_end=piece["end"] + quarter,
    )
    changes = pd.concat([suggested, extra], ignore_index=True)
    options = position_options(CENTRE, agents)
    projection = RotaProjection.of(done.position, options)
    gains = change_gains(projection, rota, changes)
    # The re-plan reports the same gains for its own suggestions.
    mine = change_gains(projection, rota, suggested)
    np.testing.assert_allclose(suggested["service_level_gain"], mine["service_level_gain"])

    before = full_level(played, states, agents, as_of, rota)
    after = full_level(played, states, agents, as_of, apply_changes(rota, changes))
    alone = [
        full_level(played, states, agents, as_of, apply_changes(rota, changes.iloc[[k]])) - before
        for k in range(len(changes))
    ]
    in_plan = [
        after
        - full_level(played, states, agents, as_of, apply_changes(rota, changes.drop(index=k)))
        for k in range(len(changes))
    ]
    np.testing.assert_allclose(gains["service_level_gain"], alone, atol=1e-10, rtol=0)
    np.testing.assert_allclose(gains["service_level_gain_in_plan"], in_plan, atol=1e-10, rtol=0)
    # Not trivially zero.
    assert np.abs(alone).max() > 1e-4 and abs(alone[-1]) > 1e-5


def test_a_change_in_the_past_or_of_nobody_gains_nothing(day):
    played, states, agents, as_of = day
    rota = played.rota[played.rota["date"] == DAY]
    options = position_options(CENTRE, agents)
    position = day_position(played.forecast, rota, states, played.arrivals, as_of, options)
    projection = RotaProjection.of(position, options)
    first = rota.sort_values("start").iloc[0]
    early = pd.Timestamp(first["start"])
    # An early start of an hour before the day's first shift, an hour before the as-of time:
    # elapsed intervals come from the state feed, so the gain is exactly zero.
    change = pd.DataFrame(
        [
            {
                "change_id": 1,
                "agent_id": first["agent_id"],
                "kind": "early_start",
                "activity": "work",
                "old_start": early,
                "old_end": early,
                "new_start": early - pd.Timedelta(hours=1),
                "new_end": early,
                "agent_activities": 1,
                "cost": 0.0,
            }
        ]
    )
    gains = change_gains(projection, rota, change)
    assert gains["service_level_gain"].tolist() == [0.0]
    assert gains["service_level_gain_in_plan"].tolist() == [0.0]
