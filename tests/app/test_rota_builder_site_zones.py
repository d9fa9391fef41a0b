"""The Rota builder of a centre whose sites are in two time zones sharing a queue.

A London site and a New York site answer ``shared_billing`` (the synthetic two-site
centre with site02 moved to New York). The planned week is stored on London's clock; the
page must show the New York agents' shifts at New York wall-clock times, name the zones,
and read a time typed in an edit of a New York agent as New York time. Expected times come
from the stored rota's instants converted with pandas, not from the page's helpers.
"""

from __future__ import annotations

import datetime as dt
import json

import pandas as pd
import pyarrow as pa
import pytest
from app_testing import WORK_TIMEOUT_SECONDS, assert_no_exception, open_page

from helpers import state
from wfm.plan.workspace import Workspace

pytestmark = pytest.mark.slow  # plans a two-site week (about 5 s of CPU)

PAGE = "views/rota_builder.py"
LONDON, NEW_YORK = "Europe/London", "America/New_York"
ZONE_CAPTION = "Times in each agent's site zone: site01 (Europe/London), site02 (America/New_York)."


def workspace(path) -> Workspace:
    return Workspace.open(f"sqlite:///{path}", actor="test")


def gantt_rows(app) -> tuple[dict, pd.DataFrame]:
    """The Gantt chart's spec and its rows (the page's first chart)."""
    chart = app.get("vega_lite_chart")[0]
    rows = [pa.ipc.open_stream(d.data.data).read_pandas() for d in chart.proto.datasets]
    return json.loads(chart.proto.spec), pd.concat(rows, ignore_index=True)


def local_shifts(rota: pd.DataFrame, zone: str) -> pd.DataFrame:
    """Each shift's first start and last end as naive wall-clock times in ``zone``."""
    shifts = rota.groupby(["agent_id", "date"]).agg(start=("start", "min"), end=("end", "max"))
    return shifts.assign(
        start=shifts["start"].dt.tz_convert(zone).dt.tz_localize(None),
        end=shifts["end"].dt.tz_convert(zone).dt.tz_localize(None),
    ).reset_index()


def test_the_new_york_agents_shift_is_shown_at_new_york_wall_clock_time(two_zone_store):
    saved = workspace(two_zone_store).rota(1)
    app = open_page(PAGE, WORK_TIMEOUT_SECONDS)
    assert_no_exception(app)
    assert not app.error, [e.value for e in app.error]
    captions = " ".join(c.value for c in app.caption)
    assert ZONE_CAPTION in captions
    assert "Times on the centre's clock (Europe/London)" in captions  # coverage and service

    spec, rows = gantt_rows(app)
    assert [panel["title"] for panel in spec["vconcat"]] == [
        "site01 (Europe/London)",
        "site02 (America/New_York)",
    ]
    assert spec["vconcat"][1]["encoding"]["x"]["title"] == "Local time in America/New_York"
    day = app.selectbox(key=state.ROTA_DAY).value  # the Gantt's day: Monday
    monday = saved.start_date
    assert day.startswith(f"{monday:%A %d}")
    for site, zone in (("site01", LONDON), ("site02", NEW_YORK)):
        expected = local_shifts(saved.rota[saved.rota["agent_id"].str.startswith(site)], zone)
        expected = expected[expected["date"] == monday]
        assert not expected.empty, site
        for shift in expected.itertuples():
            bars = rows[rows["agent"].str.endswith(f"({shift.agent_id})")]
            assert bars["start"].min() == shift.start, (shift.agent_id, zone)
            assert bars["end"].max() == shift.end, (shift.agent_id, zone)
    # New York is five hours behind London in November: the same bars a planner there reads
    york = local_shifts(saved.rota[saved.rota["agent_id"].str.startswith("site02")], LONDON)
    york = york[york["date"] == monday].iloc[0]
    bars = rows[rows["agent"].str.endswith(f"({york.agent_id})")]
    assert bars["start"].min() == york.start - pd.Timedelta(hours=5)


def movable_york_shift(rota: pd.DataFrame) -> tuple[str, dt.date, pd.Timestamp]:
    """A New York weekday shift that still fits New York's 08:00-20:00 an hour later."""
    for shift in local_shifts(
        rota[rota["agent_id"].str.startswith("site02")], NEW_YORK
    ).itertuples():
        late = shift.end + pd.Timedelta(hours=1)
        if (
            shift.date.weekday() < 5
            and late.date() == shift.date
            and late.hour * 60 + late.minute <= 20 * 60
        ):
            return shift.agent_id, shift.date, shift.start
    raise AssertionError("no movable New York shift")


def test_an_edit_typed_in_new_york_time_is_read_back_in_new_york_time(two_zone_store):
    ws = workspace(two_zone_store)
    saved = ws.rota(1)
    agent_id, day, start = movable_york_shift(saved.rota)
    app = open_page(PAGE, WORK_TIMEOUT_SECONDS)
    app.selectbox(key=state.ROTA_EDIT_AGENT).set_value(agent_id)
    app.selectbox(key=state.ROTA_EDIT_DAY).set_value(day)
    app.run()
    assert_no_exception(app)
    now = next(c.value for c in app.caption if c.value.startswith("Now:"))
    assert now.startswith(f"Now: {start:%H:%M}–")  # the shift as New York reads it
    assert now.endswith("(times in site02 (America/New_York))")
    assert app.time_input[0].value == start.time()
    app.time_input[0].set_value((start + pd.Timedelta(hours=1)).time())
    next(b for b in app.button if b.label == "Apply edit").click().run()
    assert_no_exception(app)
    assert not app.error, [e.value for e in app.error]
    next(b for b in app.button if b.label == "Save edit").click().run()
    assert_no_exception(app)

    after = ws.rota(1).rota
    mine = (saved.rota["agent_id"] == agent_id) & (saved.rota["date"] == day)
    moved = (after["agent_id"] == agent_id) & (after["date"] == day)
    hour = pd.Timedelta(hours=1)
    assert (
        after.loc[moved, "start"].to_numpy() == (saved.rota.loc[mine, "start"] + hour).to_numpy()
    ).all()
    assert (
        after.loc[moved, "end"].to_numpy() == (saved.rota.loc[mine, "end"] + hour).to_numpy()
    ).all()
    assert str(after["start"].dt.tz) == str(saved.rota["start"].dt.tz)  # stored on one clock
    # and the page reads the moved shift back at the New York time typed
    app.run()
    now = next(c.value for c in app.caption if c.value.startswith("Now:"))
    assert now.startswith(f"Now: {start + hour:%H:%M}–")


def test_a_one_zone_centre_shows_the_rota_as_before(planned_store):
    saved = workspace(planned_store).rota(1)
    zone = str(saved.rota["start"].dt.tz)
    app = open_page(PAGE, WORK_TIMEOUT_SECONDS)
    assert_no_exception(app)
    captions = " ".join(c.value for c in app.caption)
    assert "site zone" not in captions and "centre's clock" not in captions
    assert "times in" not in next(c.value for c in app.caption if c.value.startswith("Now:"))
    spec, rows = gantt_rows(app)
    assert "vconcat" not in spec and spec["encoding"]["x"]["title"] == "Local time"
    assert "site" not in rows.columns
    expected = local_shifts(saved.rota, zone)
    expected = expected[expected["date"] == saved.start_date]
    shown = {label.rsplit("(", 1)[-1].rstrip(")") for label in rows["agent"]}
    expected = expected[expected["agent_id"].isin(shown)]  # the Gantt's first page
    assert len(expected) == len(shown) > 10
    for shift in expected.itertuples():
        bars = rows[rows["agent"].str.endswith(f"({shift.agent_id})")]
        assert (bars["start"].min(), bars["end"].max()) == (shift.start, shift.end)
    hours = next(f for f in app.dataframe if "days_worked" in f.value.columns).value
    assert "site" not in hours.columns


def test_adherence_shows_the_new_york_agents_events_and_timeline_on_its_clock(
    two_zone_store, tmp_path
):
    """The agents follow the rota, except a New York agent who logs in 20 minutes late on
    the first day: its late start is listed, and drawn, at New York wall-clock time."""
    from wfm.data.states import read_agent_states

    ws = workspace(two_zone_store)
    rota = ws.rota(1).rota
    late = local_shifts(rota[rota["agent_id"].str.startswith("site02")], NEW_YORK).iloc[0]
    first = rota[(rota["agent_id"] == late.agent_id) & (rota["date"] == late.date)]["start"].min()
    states = rota.assign(state=rota["activity"].map({"work": "available"}).fillna(rota["activity"]))
    states = states[["agent_id", "state", "start", "end"]].copy()
    minutes_late = pd.Timedelta(minutes=20)
    states.loc[(states["agent_id"] == late.agent_id) & (states["start"] == first), "start"] += (
        minutes_late
    )
    csv = tmp_path / "states.csv"
    states.assign(
        start=states["start"].map(pd.Timestamp.isoformat),
        end=states["end"].map(pd.Timestamp.isoformat),
    ).to_csv(csv, index=False)
    ws.save_agent_states(read_agent_states(csv, timezone=LONDON))

    app = open_page("views/adherence.py", WORK_TIMEOUT_SECONDS)
    app.selectbox(key=state.ADHERENCE_AGENT).set_value(late.agent_id).run()
    app.selectbox(key="adherence_timeline_day").set_value(late.date).run()
    assert_no_exception(app)
    assert not app.error, [e.value for e in app.error]
    events = next(f.value for f in app.dataframe if "Actual" in f.value.columns)
    mine = events[events["Agent"] == late.agent_id]
    assert len(mine) == 1 and set(mine["Site"]) == {"site02 (America/New_York)"}
    assert mine["From"].iloc[0] == f"{late.start:%a %d %b %H:%M:%S}"  # New York wall clock
    assert mine["To"].iloc[0] == f"{late.start + minutes_late:%H:%M:%S}"
    captions = " ".join(c.value for c in app.caption)
    assert ZONE_CAPTION in captions and "Local time (site02 (America/New_York))" in captions
    chart = app.get("vega_lite_chart")[1]  # the timeline
    rows = pd.concat([pa.ipc.open_stream(d.data.data).read_pandas() for d in chart.proto.datasets])
    scheduled = rows[rows["row"] == "Scheduled"]
    assert scheduled["start"].min() == late.start and scheduled["end"].max() == late.end
