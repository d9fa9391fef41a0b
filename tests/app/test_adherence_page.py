"""The Adherence page: its pure helpers, and the page through the app's entry point."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from app_testing import SAMPLE_CENTRE, assert_no_exception, open_page

from helpers import adherence_charts, state, ui
from wfm.config import load_centre
from wfm.data.output_files import read_rota
from wfm.data.states import read_agent_states
from wfm.plan.chain import load_agents
from wfm.plan.workspace import Workspace
from wfm.review.adherence import agent_totals, compute_adherence

PAGE = "views/adherence.py"
TZ = "Europe/London"


def at(text: str) -> pd.Timestamp:
    return pd.Timestamp(text, tz=TZ)


def rota_frame() -> pd.DataFrame:
    rows = [
        ("A1", dt.date(2026, 10, 19), "work", "2026-10-19 09:00", "2026-10-19 12:00"),
        ("A1", dt.date(2026, 10, 19), "lunch", "2026-10-19 12:00", "2026-10-19 12:30"),
        ("A1", dt.date(2026, 10, 19), "work", "2026-10-19 12:30", "2026-10-19 17:00"),
        ("A1", dt.date(2026, 10, 20), "work", "2026-10-20 09:00", "2026-10-20 17:00"),
    ]
    return pd.DataFrame(
        [(a, d, act, at(s), at(e)) for a, d, act, s, e in rows],
        columns=["agent_id", "date", "activity", "start", "end"],
    )


def states_frame() -> pd.DataFrame:
    rows = [
        ("A1", "available", "2026-10-19 08:55", "2026-10-19 12:05"),
        ("A1", "lunch", "2026-10-19 12:05", "2026-10-19 12:30"),
        ("A1", "on_contact", "2026-10-19 12:30", "2026-10-19 18:30"),
    ]
    return pd.DataFrame(
        [(a, s, at(b), at(e)) for a, s, b, e in rows], columns=["agent_id", "state", "start", "end"]
    )


# --- pure helpers ---------------------------------------------------------------------------
def test_overlap_and_whole_shifts_inside_the_log():
    rota, states = rota_frame(), states_frame()
    assert adherence_charts.overlap(rota, states) == (
        at("2026-10-19 09:00"),
        at("2026-10-19 18:30"),
    )
    window = adherence_charts.rota_in_window(rota, *adherence_charts.overlap(rota, states))
    # the 20th is outside the log: left out rather than counted as absent
    assert set(window["date"]) == {dt.date(2026, 10, 19)} and len(window) == 3
    later = states.assign(
        start=states["start"] + pd.Timedelta(days=30), end=states["end"] + pd.Timedelta(days=30)
    )
    assert adherence_charts.overlap(rota, later) is None
    assert adherence_charts.overlap(rota, states.iloc[0:0]) is None


def test_timeline_has_the_scheduled_and_the_actual_row_clipped_to_the_shift():
    frame = adherence_charts.timeline_frame(
        rota_frame(), states_frame(), "A1", dt.date(2026, 10, 19)
    )
    scheduled = frame[frame["row"] == adherence_charts.SCHEDULED]
    actual = frame[frame["row"] == adherence_charts.ACTUAL]
    assert scheduled["what"].tolist() == ["work", "lunch", "work"]
    assert actual["what"].tolist() == ["available", "lunch", "on_contact"]
    # the shift ends 17:00; the window reaches an hour past it, so the 18:30 log-out is cut at 18:00
    assert actual["end"].iloc[-1] == pd.Timestamp("2026-10-19 18:00")
    assert scheduled["start"].iloc[0] == pd.Timestamp("2026-10-19 09:00")  # wall clock, no zone
    assert scheduled["minutes"].tolist() == [180.0, 30.0, 270.0]
    assert frame["when"].iloc[1] == "12:00–12:30"
    adherence_charts.timeline_chart(frame).to_dict()  # validates against the Vega-Lite schema
    assert adherence_charts.timeline_frame(
        rota_frame(), states_frame(), "A9", dt.date(2026, 10, 19)
    ).empty


def test_adherence_bar_chart_sorts_lowest_first():
    table = pd.DataFrame({"agent": ["a", "b", "c"], "adherence": [0.9, 0.7, float("nan")]})
    spec = adherence_charts.adherence_bar_chart(table, "agent").to_dict()
    assert spec["encoding"]["y"]["sort"] == ["b", "a"]


# --- the page -------------------------------------------------------------------------------
def test_without_agent_states_the_page_points_to_the_data_page(app_env):
    app = open_page(PAGE)
    assert_no_exception(app)
    assert any("no agent states" in info.value for info in app.info)


@pytest.fixture
def sample_states(planned_store):
    """The planned store plus the sample's agent states and agents."""
    centre = load_centre(SAMPLE_CENTRE)
    workspace = Workspace(f"sqlite:///{planned_store}")
    log = read_agent_states(centre.base_dir / "agent_states.csv", timezone=centre.timezone)
    workspace.save_agent_states(log)
    workspace.save_agents(load_agents(centre))
    return centre, log


def test_sample_states_against_the_published_rota_and_a_rota_of_another_week(sample_states):
    centre, log = sample_states
    app = open_page(PAGE)
    assert_no_exception(app)
    assert not app.error, [e.value for e in app.error]
    # the default rota is the sample's published file, which the states follow
    assert app.selectbox(key=state.ADHERENCE_ROTA_SOURCE).value == "file"
    # the same figures as the library on the same files
    result = compute_adherence(
        read_rota(centre.base_dir / "published_rota.csv", centre.timezone), log
    )
    totals = agent_totals(result)
    expected = totals["adherent_seconds"].sum() / totals["scheduled_seconds"].sum()
    conformance = totals["on_queue_seconds"].sum() / totals["scheduled_on_queue_seconds"].sum()
    shown = {m.label: m.value for m in app.metric}
    assert shown["Adherence"] == ui.percent(expected)
    assert shown["Conformance"] == ui.percent(conformance)
    assert len(app.get("vega_lite_chart")) == 2  # agents' adherence and the timeline

    # no tolerance: nothing forgiven, so adherence cannot rise
    app.number_input(key=state.ADHERENCE_TOLERANCE_MINUTES).set_value(0.0).run()
    app.number_input(key=state.ADHERENCE_BREAK_TOLERANCE_MINUTES).set_value(0.0).run()
    app.number_input(key=state.ADHERENCE_LUNCH_TOLERANCE_MINUTES).set_value(0.0).run()
    assert_no_exception(app)
    strict = compute_adherence(
        read_rota(centre.base_dir / "published_rota.csv", centre.timezone),
        log,
        tolerance_seconds=0.0,
    )
    strict_totals = agent_totals(strict)
    strict_level = (
        strict_totals["adherent_seconds"].sum() / strict_totals["scheduled_seconds"].sum()
    )
    assert strict_level < expected
    assert {m.label: m.value for m in app.metric}["Adherence"] == ui.percent(strict_level)

    # one team: only its agents in the table
    teams = sorted({agent.team for agent in load_agents(centre)})
    app.selectbox(key=state.ADHERENCE_TEAM).set_value(teams[0]).run()
    assert_no_exception(app)
    members = {agent.agent_id for agent in load_agents(centre) if agent.team == teams[0]}
    assert set(app.dataframe[0].value["Agent"]) <= members

    # the stored rota is for a future week: said, not an empty table
    app.selectbox(key=state.ADHERENCE_ROTA_SOURCE).set_value("1").run()
    assert_no_exception(app)
    assert any("do not overlap" in w.value for w in app.warning)
    assert not app.metric
