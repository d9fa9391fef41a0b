"""The Today page: a played sample day, its position and who is out of adherence now."""

from __future__ import annotations

import pytest
from app_testing import WORK_TIMEOUT_SECONDS, assert_no_exception, open_page

PAGE = "views/today.py"


def test_the_page_asks_for_a_feed_first(app_env):
    app = open_page(PAGE)
    assert_no_exception(app)
    assert any("feed folder" in info.value for info in app.info)


def test_a_folder_without_the_feed_files_says_which_are_missing(app_env, tmp_path):
    app = open_page(PAGE)
    app.text_input(key="today_folder").set_value(str(tmp_path)).run()
    assert_no_exception(app)
    assert any("arrivals.csv" in error.value for error in app.error)


@pytest.mark.slow
def test_the_played_sample_day(app_env):
    app = open_page(PAGE, timeout=WORK_TIMEOUT_SECONDS)
    next(b for b in app.button if "sample day" in b.label).click().run()
    assert_no_exception(app)
    assert not app.error, [e.value for e in app.error]
    labels = {m.label: m.value for m in app.metric}
    assert set(labels) >= {"Contacts so far", "Service level so far", "Out of adherence now"}
    assert int(labels["Out of adherence now"]) >= 2  # the two absent agents at least
    assert len(app.get("vega_lite_chart")) == 2
    # The day's expected contacts are the library's (whose rest of the day is the one
    # `wfm forecast --as-of` gives: tests/intraday/test_day_now.py).
    expected = _library_now(app).totals["offered_day_updated"]
    assert labels["Contacts expected today"] == f"{expected:,.0f}"


@pytest.mark.slow
def test_a_replan_is_accepted_and_published_as_a_new_version(app_env):
    from wfm.plan.workspace import Workspace

    app = open_page(PAGE, timeout=WORK_TIMEOUT_SECONDS)
    next(b for b in app.button if "sample day" in b.label).click().run()
    next(b for b in app.button if "Re-plan now" in b.label).click().run()
    assert_no_exception(app)
    assert not app.error, [e.value for e in app.error]
    labels = {m.label: m.value for m in app.metric}
    assert {"Day's service level now", "With every suggestion", "Shortfall recovered"} <= set(
        labels
    )
    next(b for b in app.button if b.label == "Accept all").click().run()
    assert_no_exception(app)
    assert any("Published rota version" in s.value for s in app.success)
    assert any("Published version" in h.value for h in app.subheader)
    # In the store: the sample's week published, then the version with the changes.
    versions = Workspace.open(f"sqlite:///{app_env}").rota_versions()
    assert versions["status"].tolist() == ["published", "published"]
    assert "intraday 2026-10-20" in versions["name"].iloc[1]


@pytest.mark.slow
def test_a_meeting_is_placed_where_both_attendees_are_free(app_env):
    import datetime as dt

    import pandas as pd

    from wfm.config import load_centre
    from wfm.data.activities import one_session
    from wfm.data.agents import read_agents
    from wfm.data.output_files import read_rota
    from wfm.intraday.activity_placement import place_for_centre
    from wfm.intraday.centre_day import day_now, day_update_priors
    from wfm.intraday.feed import parse_as_of, read_states_today
    from wfm.intraday.sample_day import play_day

    app = open_page(PAGE, timeout=WORK_TIMEOUT_SECONDS)
    next(b for b in app.button if "sample day" in b.label).click().run()
    [s for s in app.selectbox if s.label == "Activity"][0].set_value("meeting")
    [s for s in app.selectbox if s.label == "When"][0].set_value("afternoon")
    app.multiselect[0].set_value(["A003", "A009"])
    next(b for b in app.button if "best time" in b.label).click().run()
    assert_no_exception(app)
    assert not app.error, [e.value for e in app.error]
    shown = next(s.value for s in app.success if "Meeting for A003, A009" in s.value)
    # The same placement computed with the library on the played day.
    centre = load_centre("data/sample/centre.toml")
    day = dt.date(2026, 10, 20)
    as_of = parse_as_of("11:00", day, centre.timezone)
    played = play_day(centre, day, as_of, rota_path=centre.base_dir / "published_rota.csv")
    folder = app.session_state["today_folder_played"]
    agents = read_agents(centre.resolve(centre.agents), centre)
    rota = read_rota(f"{folder}/rota.csv", centre.timezone)
    rota_day = rota[rota["date"] == day]
    position = day_now(
        centre,
        agents,
        forecast=played.forecast,
        rota_day=rota_day,
        states=read_states_today(f"{folder}/states.csv", timezone=centre.timezone, as_of=as_of),
        arrivals=played.arrivals,
        as_of=as_of,
        update_by_queue=day_update_priors(centre, day, played.forecast),
    ).position
    expected = place_for_centre(
        centre,
        agents,
        rota=rota_day,
        activities=one_session("s", "meeting", ["A003", "A009"], 30, f"{day} afternoon"),
        position=position,
        not_before=as_of + pd.Timedelta(minutes=15),
    ).placements.iloc[0]
    assert expected["placed"]
    start = expected["start"].tz_convert(centre.timezone)
    assert f"**{start:%H:%M}–" in shown and 12 <= start.hour < 17
    # Both attendees work (not on a break) through the meeting.
    for agent in ("A003", "A009"):
        work = rota_day[(rota_day["agent_id"] == agent) & (rota_day["activity"] == "work")]
        assert ((work["start"] <= expected["start"]) & (work["end"] >= expected["end"])).any()
    assert len(app.get("vega_lite_chart")) == 3


def _library_now(app):
    """Today at 11:00 of the played sample day, computed with the library from the page's
    feed folder."""
    import datetime as dt

    from wfm.config import load_centre
    from wfm.data.agents import read_agents
    from wfm.data.history import read_history
    from wfm.data.output_files import read_forecast, read_rota
    from wfm.intraday.centre_day import day_now, day_update_priors
    from wfm.intraday.feed import parse_as_of, read_states_today

    centre = load_centre("data/sample/centre.toml")
    day = dt.date(2026, 10, 20)
    as_of = parse_as_of("11:00", day, centre.timezone)
    folder = app.session_state["today_folder_played"]
    forecast = read_forecast(f"{folder}/forecast.csv", centre.timezone)
    rota = read_rota(f"{folder}/rota.csv", centre.timezone)
    arrivals = read_history(
        f"{folder}/arrivals.csv",
        timezone=centre.timezone,
        interval_minutes=centre.interval_minutes,
    ).frame
    return day_now(
        centre,
        read_agents(centre.resolve(centre.agents), centre),
        forecast=forecast,
        rota_day=rota[rota["date"] == day],
        states=read_states_today(f"{folder}/states.csv", timezone=centre.timezone, as_of=as_of),
        arrivals=arrivals,
        as_of=as_of,
        update_by_queue=day_update_priors(centre, day, forecast),
    )
