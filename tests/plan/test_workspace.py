"""The workspace: each workflow step's latest result saved and read back, with its audit entry."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from wfm.config import load_centre
from wfm.data.schemas import Agent, History
from wfm.plan.workspace import WORKFLOW_STEPS, Workspace

TZ = "Europe/London"


def _frame(values: list[float]) -> pd.DataFrame:
    times = pd.date_range("2026-03-30 08:00", periods=len(values), freq="15min", tz=TZ)
    return pd.DataFrame(
        {"interval_start": times, "queue": "sales", "offered": values, "aht_seconds": 200.0}
    )


def _rota() -> tuple[pd.DataFrame, pd.DataFrame]:
    start = pd.Timestamp("2026-03-30 08:00", tz=TZ)
    rota = pd.DataFrame(
        {
            "agent_id": ["A1", "A1"],
            "date": [dt.date(2026, 3, 30)] * 2,
            "activity": ["work", "break"],
            "start": [start, start + pd.Timedelta(hours=2)],
            "end": [start + pd.Timedelta(hours=2), start + pd.Timedelta(hours=2, minutes=15)],
        }
    )
    coverage = _frame([1.0, 1.0]).rename(columns={"offered": "agents_scheduled"})[
        ["interval_start", "queue", "agents_scheduled"]
    ]
    return rota, coverage


@pytest.fixture
def ws(tmp_path) -> Workspace:
    return Workspace.open(f"sqlite:///{tmp_path / 'nested' / 'ws.db'}", actor="planner-1")


def test_a_new_workspace_has_nothing_and_every_step_not_done(ws):
    assert ws.centre() is None
    assert ws.latest_history() is None and ws.latest_forecast() is None
    assert ws.latest_requirements() is None and ws.latest_rota() is None
    steps = ws.steps()
    assert tuple(steps["step"]) == WORKFLOW_STEPS
    assert not steps["done"].any()


def test_the_latest_of_each_step_is_read_back_and_older_versions_stay(ws):
    ws.save_forecast(_frame([1.0, 2.0]), {"start_date": "2026-03-30", "model": "a"})
    second = ws.save_forecast(_frame([3.0, 4.0]), {"start_date": "2026-03-30", "model": "b"})
    latest = ws.latest_forecast()
    assert latest.id == second and latest.meta["model"] == "b"
    assert latest.frame["offered"].tolist() == [3.0, 4.0]
    assert latest.frame["interval_start"].dt.tz is not None
    assert latest.created_by == "planner-1"
    assert len(ws.audit().query("action == 'forecast_run'")) == 2


def test_centre_settings_round_trip_with_their_folder(ws, sample_dir):
    centre = load_centre(sample_dir / "centre.toml")
    ws.save_centre(centre)
    changed = centre.model_copy(update={"name": "Renamed"})
    ws.save_centre(changed)
    restored = ws.centre()
    assert restored == changed
    assert restored.base_dir == centre.base_dir  # relative file paths still resolve
    assert list(ws.audit()["action"]).count("settings_saved") == 2


def test_history_and_agents_round_trip(ws):
    frame = _frame([5.0, 6.0]).assign(
        handled=[5.0, 6.0], abandoned=0.0, answered_within_threshold=[4.0, 5.0]
    )
    ws.save_history(History(frame, 15, TZ, "upload.csv"))
    ws.save_agents([Agent("A1", "Ann", "Team 1", "full_time", ("sales",))])
    history = ws.latest_history()
    assert (
        history.interval_minutes == 15 and history.timezone == TZ and history.source == "upload.csv"
    )
    pd.testing.assert_frame_equal(history.frame, frame, check_dtype=False)
    assert [agent.agent_id for agent in ws.agents()] == ["A1"]


def test_rota_versions_draft_edit_publish(ws):
    rota, coverage = _rota()
    first = ws.save_rota(rota, coverage, {"status": "optimal"}, start_date=dt.date(2026, 3, 30))
    assert ws.latest_rota().status == "draft"
    assert ws.latest_rota("published") is None
    edited = rota.assign(end=rota["end"] + pd.Timedelta(minutes=15))
    ws.edit_rota(first, edited, note="longer")
    ws.publish_rota(first)
    published = ws.latest_rota("published")
    assert published.id == first and published.start_date == dt.date(2026, 3, 30)
    assert published.rota["end"].tolist() == edited["end"].tolist()
    second = ws.save_rota(rota, coverage, {"status": "feasible"})
    assert ws.latest_rota().id == second and ws.latest_rota("published").id == first
    steps = ws.steps().set_index("step")
    assert steps.loc["rota", "detail"] == f"version {second} (draft)"
    assert steps.loc["published", "detail"] == f"version {first} (published)"
    assert {"rota_generated", "rota_edited", "rota_published"} <= set(ws.audit()["action"])


def test_reopening_a_workspace_finds_what_was_left(tmp_path):
    url = f"sqlite:///{tmp_path / 'ws.db'}"
    Workspace.open(url).save_requirements(_frame([1.0]), {"start_date": "2026-03-30"})
    again = Workspace.open(url)  # a restart: a new object on the same file
    assert again.latest_requirements().meta == {"start_date": "2026-03-30"}


def test_agent_state_events_are_counted_across_imports(ws, tmp_path):
    from wfm.data.states import read_agent_states

    path = tmp_path / "states.csv"
    path.write_text(
        "agent_id,state,start,end\n"
        "A1,available,2026-03-30T09:00:00+01:00,2026-03-30T09:05:00+01:00\n"
        "A1,on_contact,2026-03-30T09:05:00+01:00,2026-03-30T09:20:00+01:00\n"
        "A2,available,2026-03-30T09:00:00+01:00,2026-03-30T09:30:00+01:00\n",
        encoding="utf-8",
    )
    assert ws.agent_state_event_count() == 0
    ws.save_agent_states(read_agent_states(path, timezone=TZ))
    assert ws.agent_state_event_count() == 3
    ws.save_agent_states(read_agent_states(path, timezone=TZ))
    assert ws.agent_state_event_count() == 6
