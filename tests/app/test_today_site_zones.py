"""The Today page for a centre whose sites are in two time zones sharing a queue.

The two-zone centre (site01 London, site02 New York): its agents are in the sites' agents
files (the centre has no agents file), and it has no sample day to play. A day's feed is
made here from its planned week: the forecast, arrivals as forecast (rounded) until the
position's time, and agent states that follow the rota except two agents (one per site)
who never log in. Expected times come from the rota's instants converted with pandas.
"""

from __future__ import annotations

import datetime as dt
import tomllib

import pandas as pd
import pytest
import tomli_w
from app_testing import WORK_TIMEOUT_SECONDS, assert_no_exception, open_page

from helpers import state
from wfm.data.synthetic.sites import generate_multi_site_centre
from wfm.plan.workspace import Workspace

PAGE = "views/today.py"
LONDON, NEW_YORK = "Europe/London", "America/New_York"
AS_OF = "17:00"  # London: 12:00 in New York, both sites open


@pytest.fixture
def two_zone_centre_file(app_env, tmp_path, monkeypatch):
    path = generate_multi_site_centre(
        tmp_path, sites=2, agents_per_site=2, history_weeks=1, forecast_model="seasonal_naive"
    )
    raw = tomllib.loads(path.read_text())
    raw["sites"][1].update(timezone=NEW_YORK, country="US")
    out = tmp_path / "centre_two_zones.toml"
    out.write_text(tomli_w.dumps(raw))
    monkeypatch.setenv("WFM_CENTRE", str(out))
    return out


def test_a_centre_with_sites_cannot_play_the_sample_day_and_says_why(two_zone_centre_file):
    app = open_page(PAGE)
    assert_no_exception(app)
    assert not app.error, [e.value for e in app.error]
    button = next(b for b in app.button if b.label == "Play the sample day")
    assert button.disabled
    captions = " ".join(c.value for c in app.caption)
    assert "plays the sample centre's published rota" in captions
    assert "give the folder of its own day's feed" in captions


def write_feed(store, folder) -> tuple[pd.DataFrame, pd.Timestamp, tuple[str, str]]:
    """The feed of the planned week's Tuesday at 17:00 London time; returns the rota, the
    position's time and the two absent agents (London's, New York's), each due at work then."""
    ws = Workspace.open(f"sqlite:///{store}", actor="test")
    saved = ws.rota(1)
    rota, day = saved.rota, saved.start_date + dt.timedelta(days=1)
    as_of = pd.Timestamp(f"{day} {AS_OF}", tz=LONDON)
    forecast = ws.latest_forecast().frame
    # London's day and New York's (the charts show each site's own local day)
    forecast = forecast[
        (forecast["interval_start"].dt.tz_convert(LONDON).dt.date == day)
        | (forecast["interval_start"].dt.tz_convert(NEW_YORK).dt.date == day)
    ]
    length = pd.Timedelta(minutes=15)
    arrivals = forecast[forecast["interval_start"] + length <= as_of][
        ["interval_start", "queue", "offered", "aht_seconds"]
    ].assign(offered=lambda f: f["offered"].round().astype(int))
    today = rota[(rota["start"] < as_of) & (rota["start"].dt.tz_convert(LONDON).dt.date == day)]
    now = rota[(rota["start"] <= as_of) & (rota["end"] > as_of) & (rota["activity"] == "work")]
    now = now.sort_values("agent_id")
    absent = tuple(
        next(a for a in now["agent_id"] if a.startswith(site)) for site in ("site01", "site02")
    )
    states = today[~today["agent_id"].isin(absent)]
    states = states.assign(state=states["activity"].map({"work": "available"}).fillna("break"))
    states = states[["agent_id", "state", "start", "end"]].copy()
    states["end"] = states["end"].where(states["end"] <= as_of, pd.NaT)
    iso = {"start": states["start"].map(pd.Timestamp.isoformat)}
    iso["end"] = states["end"].map(lambda t: "" if pd.isna(t) else t.isoformat())
    folder.mkdir(parents=True, exist_ok=True)
    forecast.assign(interval_start=forecast["interval_start"].map(pd.Timestamp.isoformat)).to_csv(
        folder / "forecast.csv", index=False
    )
    arrivals.assign(interval_start=arrivals["interval_start"].map(pd.Timestamp.isoformat)).to_csv(
        folder / "arrivals.csv", index=False
    )
    states.assign(**iso).to_csv(folder / "states.csv", index=False)
    week = rota.assign(
        start=rota["start"].map(pd.Timestamp.isoformat), end=rota["end"].map(pd.Timestamp.isoformat)
    )
    week[["agent_id", "date", "activity", "start", "end"]].to_csv(folder / "rota.csv", index=False)
    return rota, as_of, absent


@pytest.mark.slow  # plans a two-site week (about 5 s of CPU)
def test_the_position_and_re_plan_of_a_two_zone_centre(two_zone_store, tmp_path, monkeypatch):
    centre_file = Workspace.open(f"sqlite:///{two_zone_store}").centre().base_dir
    monkeypatch.setenv("WFM_CENTRE", str(centre_file / "centre_two_zones.toml"))
    rota, as_of, absent = write_feed(two_zone_store, tmp_path / "feed")
    app = open_page(PAGE, WORK_TIMEOUT_SECONDS)
    app.session_state[state.TODAY_AS_OF] = AS_OF  # the field shows once a folder is given
    app.text_input(key=state.TODAY_FOLDER).set_value(str(tmp_path / "feed")).run()
    assert_no_exception(app)
    assert not app.error, [e.value for e in app.error]
    captions = " ".join(c.value for c in app.caption)
    assert "the centre's day, on its clock (Europe/London)" in captions
    assert "site02 (America/New_York)" in captions
    # the charts: a tab per site, each on its own local day and clock
    assert [t.label for t in app.tabs] == ["site01 (Europe/London)", "site02 (America/New_York)"]
    day = as_of.date()
    assert (
        f"site02's local day, {day:%A %d %B} on its own clock (America/New_York), now "
        f"{as_of.tz_convert(NEW_YORK):%H:%M} there" in captions
    )
    charts = [c.proto.spec for c in app.get("vega_lite_chart")]
    assert len(charts) == 4  # agents and contacts per site
    assert sum("site02 local time (America/New_York)" in spec for spec in charts) == 2
    assert sum("scheduled at site02" in spec for spec in charts) == 1
    out = next(f.value for f in app.dataframe if "Since" in f.value.columns)
    for agent, zone in zip(absent, (LONDON, NEW_YORK), strict=True):
        row = out[out["Agent"] == agent]
        assert len(row) == 1, out
        # absent: out of adherence since the scheduled activity now began, on its site's clock
        mine = rota[(rota["agent_id"] == agent) & (rota["start"] <= as_of) & (rota["end"] > as_of)]
        assert row["Since"].iloc[0] == f"{mine['start'].iloc[0].tz_convert(zone):%H:%M}"
        assert row["Site (time zone)"].iloc[0].endswith(f"({zone})")

    next(b for b in app.button if b.label == "Re-plan now").click().run()
    assert_no_exception(app)
    assert not app.error, [e.value for e in app.error]
    assert any(m.label == "With every suggestion" for m in app.metric)
