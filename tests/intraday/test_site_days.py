"""Today on each site's own local day (wfm.intraday.site_days), for sites in two zones.

A London agent works 08:00-16:30 London time, a New York agent 14:00-22:00 New York time
(19:00-03:00 London) on Tuesday 17 November 2026 (New York five hours behind). One shared
queue, a forecast of 10 contacts every 15 minutes from London's Tuesday 00:00 to
Wednesday 06:00. At 17:00 London (12:00 New York) London's day (the centre's) ends before
the New York agent's evening; New York's day runs 05:00-05:00 London and holds it. The
expected agents per interval are counted by hand from the shifts.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from wfm.data.schemas import Agent
from wfm.data.states import StateLog, StateLogReport
from wfm.forecast.intraday_update import UpdateParameters
from wfm.intraday.position import DayOptions, day_position
from wfm.intraday.site_days import site_day_frame, site_days
from wfm.plan.site_agents import AgentSite
from wfm.staffing.targets import ServiceTarget

LONDON, NEW_YORK = "Europe/London", "America/New_York"
DAY = dt.date(2026, 11, 17)
AS_OF = pd.Timestamp("2026-11-17 17:00", tz=LONDON)


def at(text: str, zone: str) -> pd.Timestamp:
    return pd.Timestamp(text, tz=zone).tz_convert(LONDON)


@pytest.fixture
def feed():
    grid = pd.date_range(
        at("2026-11-17 00:00", LONDON),
        at("2026-11-18 06:00", LONDON),
        freq="15min",
        inclusive="left",
    )
    forecast = pd.DataFrame(
        {"interval_start": grid, "queue": "q", "offered": 10.0, "aht_seconds": 180.0}
    )
    rota = pd.DataFrame(
        {
            "agent_id": ["l1", "n1"],
            "date": [DAY, DAY],
            "activity": ["work", "work"],
            "start": [at("2026-11-17 08:00", LONDON), at("2026-11-17 14:00", NEW_YORK)],
            "end": [at("2026-11-17 16:30", LONDON), at("2026-11-17 22:00", NEW_YORK)],
        }
    )
    states = StateLog(
        pd.DataFrame(
            {
                "agent_id": ["l1", "n1"],
                "state": "available",
                "start": [rota["start"][0], rota["start"][1]],
                "end": [rota["end"][0], AS_OF],
            }
        ),
        LONDON,
        StateLogReport(),
    )
    elapsed = forecast[forecast["interval_start"] + pd.Timedelta(minutes=15) <= AS_OF]
    arrivals = elapsed[["interval_start", "queue", "offered"]]
    options = DayOptions(
        queues_by_agent={"l1": ("q",), "n1": ("q",)},
        targets={"q": ServiceTarget(0.8, 20.0, None)},
        shrinkage_by_queue={"q": 0.0},
        interval_minutes=15,
        update_by_queue={"q": UpdateParameters(0.05, 0.0, 60.0)},
    )
    sites = [
        (AgentSite("london", LONDON), [Agent("l1", "L", "t", "full_time", ("q",))]),
        (AgentSite("york", NEW_YORK), [Agent("n1", "N", "t", "full_time", ("q",))]),
    ]
    return sites, options, dict(forecast=forecast, rota=rota, states=states, arrivals=arrivals)


def test_each_site_is_shown_on_its_own_local_day(feed):
    sites, options, inputs = feed
    london, york = site_days(sites, options, as_of=AS_OF, **inputs)
    assert (london.label, london.day, york.label, york.day) == (
        "london (Europe/London)",
        DAY,
        "york (America/New_York)",
        DAY,
    )
    frame = site_day_frame(york, "q")
    local = frame["interval_start"]
    assert str(local.dt.tz) == NEW_YORK
    # New York's whole Tuesday: 00:00-23:45 New York time, 96 intervals
    assert local.min() == pd.Timestamp("2026-11-17 00:00", tz=NEW_YORK) and len(frame) == 96
    by_time = frame.set_index(local.dt.strftime("%H:%M"))
    # at 20:00 New York (01:00 Wednesday in London) its agent is on shift, London's is not
    assert by_time.loc["20:00", "agents_scheduled_site"] == 1.0
    assert by_time.loc["20:00", "agents_scheduled"] == 1.0
    # at 11:00 New York (16:00 London) only London's agent is on; at 15:00 only New York's
    assert by_time.loc["11:00", ["agents_scheduled", "agents_scheduled_site"]].tolist() == [1, 0]
    assert by_time.loc["15:00", ["agents_scheduled", "agents_scheduled_site"]].tolist() == [1, 1]
    own = site_day_frame(london, "q")
    mine = own.set_index(own["interval_start"].dt.strftime("%H:%M"))
    assert mine.loc["10:00", ["agents_scheduled", "agents_scheduled_site"]].tolist() == [1.0, 1.0]
    assert mine.loc["20:00", ["agents_scheduled", "agents_scheduled_site"]].tolist() == [1.0, 0.0]


def test_the_centres_day_cuts_the_new_york_evening_off(feed):
    # the defect the site days mend: London's day has no interval of New York's 20:00
    sites, options, inputs = feed
    centre_day = day_position(
        inputs["forecast"], inputs["rota"], inputs["states"], inputs["arrivals"], AS_OF, options
    )
    starts = centre_day.intervals["interval_start"]
    assert at("2026-11-17 20:00", NEW_YORK) not in set(starts)
    assert starts.max() < at("2026-11-17 19:00", NEW_YORK) + pd.Timedelta(minutes=15)
