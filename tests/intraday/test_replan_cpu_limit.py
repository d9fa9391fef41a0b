"""The re-plan's safety limit counts this process's CPU time, not wall time: a process kept
off the CPU (here: asleep) for longer than the limit still gets the same suggestions."""

from __future__ import annotations

import pandas as pd
import pytest

import wfm.intraday.replan_milp as replan_milp
from cpu_limit_helpers import burn_cpu, limit_that_first, sleep_twice
from wfm.config import load_centre
from wfm.highs_cpu_limit import WALL_BACKSTOP_FACTOR
from wfm.intraday.replan import replan_day
from wfm.intraday.replan_settings import ReplanSettings

TZ = "Europe/London"
CENTRE = load_centre("data/sample/centre.toml")
BUDGET_SECONDS = 0.3


def t(hm: str) -> pd.Timestamp:
    return pd.Timestamp(f"2026-11-17 {hm}", tz=TZ)


def shift(agent: str, start: str, break_at: str, end: str) -> list[dict]:
    """A shift with its 15-minute morning break (the sample's rule: 90–150 min after start)."""
    day = t(start).date()
    b0, b1 = t(break_at), t(break_at) + pd.Timedelta(minutes=15)
    return [
        {"agent_id": agent, "date": day, "activity": "work", "start": t(start), "end": b0},
        {"agent_id": agent, "date": day, "activity": "break", "start": b0, "end": b1},
        {"agent_id": agent, "date": day, "activity": "work", "start": b1, "end": t(end)},
    ]


def replan():
    """Two agents, a's break in a 10:00 peak of two: the re-plan moves it (test_replan.py)."""
    rota = pd.DataFrame(
        shift("a", "08:00", "10:00", "12:00") + shift("b", "08:00", "10:30", "12:00")
    )
    grid = pd.date_range(t("08:00"), t("19:45"), freq="15min")
    need = pd.Series([2.0 if f"{s:%H:%M}" == "10:00" else 1.0 for s in grid], index=grid)
    return replan_day(
        rota,
        need,
        t("09:00"),
        CENTRE,
        contract_of={"a": "full_time", "b": "full_time"},
        settings=ReplanSettings(max_overtime_minutes=0, max_vto_minutes=0, change_cost=0.5),
        shrinkage_fraction=0.0,
    )


def test_a_sleeping_replan_keeps_its_budget_and_its_suggestions(monkeypatch):
    free = replan()
    seen = limit_that_first(
        monkeypatch, replan_milp, sleep_twice(BUDGET_SECONDS), budget_seconds=BUDGET_SECONDS
    )
    slept = replan()
    assert seen, "the re-plan's solve did not go through the CPU-time limit"
    for interrupt, wall_limit in seen:
        assert wall_limit == pytest.approx(WALL_BACKSTOP_FACTOR * BUDGET_SECONDS)
        assert not interrupt.fired
    assert slept.status == "optimal" == free.status
    pd.testing.assert_frame_equal(slept.changes, free.changes)
    assert slept.changes["agent_id"].tolist() == ["a"]


def test_cpu_time_spent_does_stop_the_replan(monkeypatch):
    seen = limit_that_first(
        monkeypatch,
        replan_milp,
        lambda: burn_cpu(1.5 * BUDGET_SECONDS),
        budget_seconds=BUDGET_SECONDS,
    )
    try:
        result = replan()
    except replan_milp.SolveError as error:  # stopped before any solution: said so
        assert "no solution" in str(error)
    else:
        assert result.status != "optimal"
    assert seen[0][0].fired
