"""Re-plan the rest of the day: breaks moved out of a peak, the past frozen, contracts kept."""

from __future__ import annotations

import pandas as pd

from wfm.config import load_centre
from wfm.intraday.replan import replan_day
from wfm.intraday.replan_settings import ReplanSettings
from wfm.intraday.rota_changes import apply_changes
from wfm.scheduling.site import rota_site

TZ = "Europe/London"
CENTRE = load_centre("data/sample/centre.toml")


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


def requirement(peaks: dict[str, float], base: float = 1.0) -> pd.Series:
    grid = pd.date_range(t("08:00"), t("19:45"), freq="15min")
    values = [peaks.get(f"{s:%H:%M}", base) for s in grid]
    return pd.Series(values, index=grid)


def test_a_break_in_the_peak_moves_out_of_it_and_nothing_else_changes():
    rota = pd.DataFrame(
        shift("a", "08:00", "10:00", "12:00") + shift("b", "08:00", "10:30", "12:00")
    )
    # Two agents needed 10:00-10:15 (a's break); one elsewhere. No overtime, no VTO.
    need = requirement({"10:00": 2.0}, base=1.0)
    settings = ReplanSettings(max_overtime_minutes=0, max_vto_minutes=0, change_cost=0.5)
    result = replan_day(
        rota,
        need,
        t("09:00"),
        CENTRE,
        contract_of={"a": "full_time", "b": "full_time"},
        settings=settings,
        shrinkage_fraction=0.0,
    )
    assert result.changes["agent_id"].tolist() == ["a"]
    change = result.changes.iloc[0]
    assert change["kind"] == "move" and change["old_start"] == t("10:00")
    assert change["new_start"] != t("10:00") and change["new_start"] != t("10:30")
    breaks = result.rota[result.rota["activity"] == "break"].set_index("agent_id")["start"]
    assert breaks["b"] == t("10:30")
    # The rule's window: 90 to 150 minutes after the 08:00 start.
    assert t("09:30") <= breaks["a"] <= t("10:30")


def test_the_past_and_the_notice_period_never_change():
    rota = pd.DataFrame(
        shift("a", "08:00", "09:45", "14:00") + shift("b", "08:00", "10:15", "14:00")
    )
    need = requirement({"09:45": 2.0, "10:15": 2.0, "10:30": 3.0}, base=1.0)
    as_of = t("09:50")
    result = replan_day(
        rota,
        need,
        as_of,
        CENTRE,
        contract_of={"a": "full_time", "b": "full_time"},
        settings=ReplanSettings(notice_minutes=30),
        shrinkage_fraction=0.0,
    )
    frozen = as_of + pd.Timedelta(minutes=30)
    assert (result.changes["new_start"] >= frozen).all() if len(result.changes) else True
    before = rota[rota["start"] < frozen].sort_values(["agent_id", "start"]).reset_index(drop=True)
    after = (
        result.rota[result.rota["start"] < frozen]
        .sort_values(["agent_id", "start"])
        .reset_index(drop=True)
    )
    pd.testing.assert_frame_equal(
        before[["agent_id", "activity", "start"]], after[["agent_id", "activity", "start"]]
    )


def test_overtime_stays_within_the_longest_shift_and_the_rest_before_tomorrow():
    rota = pd.DataFrame(shift("a", "08:00", "10:00", "16:30"))  # 8.5 h; full-time max 9 h
    need = requirement(
        {f"{h}:{m}": 1.0 for h in range(16, 20) for m in ("00", "15", "30", "45")}, base=1.0
    )
    result = replan_day(
        rota,
        need,
        t("12:00"),
        CENTRE,
        contract_of={"a": "full_time"},
        settings=ReplanSettings(max_overtime_minutes=120, change_cost=0.1),
        shrinkage_fraction=0.0,
    )
    overtime = result.changes[result.changes["kind"] == "overtime"]
    assert len(overtime) == 1
    assert overtime.iloc[0]["new_end"] == t("17:00")  # 540 min, the contract's longest shift
    # With tomorrow's shift at 03:30, 11 hours' rest allows no overtime at all.
    tomorrow = {"a": t("16:30") + pd.Timedelta(hours=11)}
    result = replan_day(
        rota,
        need,
        t("12:00"),
        CENTRE,
        contract_of={"a": "full_time"},
        next_shift_start=tomorrow,
        settings=ReplanSettings(max_overtime_minutes=120, change_cost=0.1),
        shrinkage_fraction=0.0,
    )
    assert (result.changes["kind"] != "overtime").all()


def test_every_suggested_rota_passes_the_compliance_check_the_published_one_passes():
    from wfm.scheduling.compliance import check_rota

    rota = pd.DataFrame(
        shift("a", "08:00", "10:00", "16:30")
        + shift("b", "09:00", "11:00", "17:00")
        + shift("c", "11:00", "13:00", "19:30")
    )
    need = requirement({"18:00": 3.0, "18:15": 3.0, "12:00": 0.0, "12:15": 0.0}, base=2.0)
    result = replan_day(
        rota,
        need,
        t("10:30"),
        CENTRE,
        contract_of=dict.fromkeys("abc", "full_time"),
        settings=ReplanSettings(change_cost=0.1),
        shrinkage_fraction=0.0,
    )
    assert len(result.changes) > 0
    before = {(v.rule, v.agent_id) for v in check_rota(rota, site=rota_site(CENTRE))}
    after = {(v.rule, v.agent_id) for v in check_rota(result.rota, site=rota_site(CENTRE))}
    assert after <= before
    # Applying the changes one by one gives the same rota as all at once.
    one_by_one = rota
    for k in range(len(result.changes)):
        one_by_one = apply_changes(one_by_one, result.changes.iloc[[k]])
    cols = ["agent_id", "activity", "start", "end"]
    pd.testing.assert_frame_equal(
        one_by_one[cols].sort_values(cols).reset_index(drop=True),
        result.rota[cols].sort_values(cols).reset_index(drop=True),
    )
