"""Today at the as-of time: the rest of the day the position (CLI status, Today page) shows is
the rest of the day ``wfm forecast --as-of`` gives for the same history, model and time."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from wfm.config import load_centre
from wfm.data.agents import read_agents
from wfm.data.history import read_history
from wfm.data.schemas import History
from wfm.forecast import forecast_history
from wfm.forecast.intraday_update import DEFAULT_UPDATE
from wfm.forecast.update_priors import learn_update_priors
from wfm.intraday.centre_day import day_now, day_update_priors
from wfm.intraday.feed import parse_as_of, read_states_today
from wfm.intraday.sample_day import play_day, write_played_day

CENTRE = load_centre("data/sample/centre.toml")
DAY = dt.date(2026, 10, 20)


@pytest.fixture(scope="module")
def played(tmp_path_factory):
    as_of = parse_as_of("11:00", DAY, CENTRE.timezone)
    day = play_day(CENTRE, DAY, as_of, rota_path=CENTRE.base_dir / "published_rota.csv")
    folder = tmp_path_factory.mktemp("played")
    write_played_day(day, folder)
    states = read_states_today(folder / "states.csv", timezone=CENTRE.timezone, as_of=as_of)
    return day, states, as_of


@pytest.mark.slow
def test_the_rest_of_the_day_is_the_forecast_as_of(played):
    day, states, as_of = played
    agents = read_agents(CENTRE.resolve(CENTRE.agents), CENTRE)
    priors = day_update_priors(CENTRE, DAY, day.forecast)
    assert set(priors) == set(day.forecast["queue"])
    assert all(prior != DEFAULT_UPDATE for prior in priors.values())  # learnt, not the default
    now = day_now(
        CENTRE,
        agents,
        forecast=day.forecast,
        rota_day=day.rota[day.rota["date"] == DAY],
        states=states,
        arrivals=day.arrivals,
        as_of=as_of,
        update_by_queue=priors,
    )
    # The API: the history before the day plus the arrivals so far (with the played spike),
    # forecast as the played day's plan was, updated at the same time.
    history = read_history(
        CENTRE.resolve(CENTRE.history),
        timezone=CENTRE.timezone,
        interval_minutes=CENTRE.interval_minutes,
    )
    frame = history.frame
    before = frame[frame["interval_start"].dt.tz_convert(CENTRE.timezone).dt.date < DAY]
    morning = day.arrivals[list(frame.columns)]
    api = forecast_history(
        History(
            pd.concat([before, morning], ignore_index=True),
            history.interval_minutes,
            history.timezone,
            history.source,
        ),
        as_of=as_of,
        horizon_days=1,
        opening_hours=CENTRE.opening_hours_for(range(DAY.year - 2, DAY.year + 1)),
        model="weighted_same_slot",
        workers=1,
    )
    rest = now.position.intervals[now.position.intervals["interval_start"] >= as_of]
    merged = rest.merge(api, on=["interval_start", "queue"], validate="one_to_one")
    assert len(merged) == len(rest) > 0
    np.testing.assert_allclose(merged["offered_updated"], merged["offered"], rtol=1e-9)
    # The spike moved the rest of the day (not an update that changes nothing).
    assert (merged["offered_updated"] > merged["offered_planned"] * 1.001).any()
    assert merged["model"].str.contains("intraday update").all()
    # Who is out of adherence now, longest first: the absent agents on shift show no event.
    out = now.out_of_adherence
    absent = out[out["agent_id"].isin(day.absent_agents)]
    assert len(absent) >= 1 and (absent["actual_state"] == "no_event").all()
    assert out["minutes"].is_monotonic_decreasing
    assert now.out_of_adherence_by_team["out_of_adherence"].sum() == len(out)


def test_a_forecast_without_a_known_model_keeps_the_default_prior(caplog):
    history = read_history(
        CENTRE.resolve(CENTRE.history),
        timezone=CENTRE.timezone,
        interval_minutes=CENTRE.interval_minutes,
    )
    forecast = pd.DataFrame({"queue": ["sales"], "model": ["planner's spreadsheet"]})
    assert learn_update_priors(history, DAY, forecast) == {}
    assert "sales" in caplog.text and "not one wfm knows" in caplog.text
    # Too little history before the day: the default, with a warning naming the queue.
    first = history.frame["interval_start"].min().tz_convert(CENTRE.timezone).date()
    known = pd.DataFrame({"queue": ["sales"], "model": ["weighted_same_slot"]})
    assert learn_update_priors(history, first + dt.timedelta(days=3), known) == {}
    assert "too few" in caplog.text
    # No model column at all (a forecast from elsewhere): nothing learnt.
    assert learn_update_priors(history, DAY, pd.DataFrame({"queue": ["sales"]})) == {}
