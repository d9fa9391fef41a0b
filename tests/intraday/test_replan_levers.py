"""The re-plan's levers: off-phone activities, early starts and call-ins within the rules, and
the service-level value of agents (hand-checked cases)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from wfm.config import load_centre
from wfm.intraday.replan import replan_day
from wfm.intraday.replan_settings import ReplanSettings
from wfm.intraday.rota_changes import apply_changes
from wfm.intraday.service_value import ValueCurves, recovered_share
from wfm.intraday.working_time import WorkingTimeContext, working_time_context
from wfm.staffing.erlang import service_level

TZ = "Europe/London"
CENTRE = load_centre("data/sample/centre.toml")
NO_SHIFT_LEVERS = dict(max_overtime_minutes=0, max_vto_minutes=0, max_call_ins_per_day=0)


def t(hm: str, day: str = "2026-11-17") -> pd.Timestamp:
    return pd.Timestamp(f"{day} {hm}", tz=TZ)


def piece(agent, activity, start, end, day="2026-11-17"):
    return {
        "agent_id": agent,
        "date": t(start, day).date(),
        "activity": activity,
        "start": t(start, day),
        "end": t(end, day),
    }


def requirement(peaks: dict[str, float], base: float = 1.0) -> pd.Series:
    grid = pd.date_range(t("08:00"), t("19:45"), freq="15min")
    return pd.Series([peaks.get(f"{s:%H:%M}", base) for s in grid], index=grid)


def test_a_team_meeting_in_a_peak_is_postponed_as_a_whole_within_its_window():
    # a and b work 08:00-12:00 (4 h: the morning break rule needs 240 min, so 11:55 ends).
    rota = pd.DataFrame(
        [
            piece("a", "work", "08:00", "10:00"),
            piece("a", "meeting", "10:00", "10:30"),
            piece("a", "work", "10:30", "11:45"),
            piece("b", "work", "08:00", "10:00"),
            piece("b", "meeting", "10:00", "10:30"),
            piece("b", "work", "10:30", "11:45"),
        ]
    )
    rota["window_start"], rota["window_end"] = t("10:00"), t("11:00")
    need = requirement({"10:00": 2.0, "10:15": 2.0}, base=0.0)
    result = replan_day(
        rota,
        need,
        t("09:00"),
        CENTRE,
        contract_of={"a": "full_time", "b": "full_time"},
        settings=ReplanSettings(**NO_SHIFT_LEVERS, change_cost=0.5, cancel_cost=3.0),
        shrinkage_fraction=0.0,
    )
    assert len(result.changes) == 1
    change = result.changes.iloc[0]
    assert change["agent_id"] == "a|b" and change["agent_activities"] == 2
    # The peak is 10:00-10:30; the window 10:00-11:00, so the only place out of the peak is
    # 10:30-11:00 (a postponement), cheaper than cancelling (2 × 3.0 against 2 × 0.5).
    assert change["kind"] == "postpone" and change["new_start"] == t("10:30")
    meetings = result.rota[result.rota["activity"] == "meeting"]
    assert set(meetings["start"]) == {t("10:30")} and len(meetings) == 2


def test_an_activity_with_no_room_left_is_cancelled_when_that_is_worth_its_cost():
    rota = pd.DataFrame(
        [
            piece("a", "work", "08:00", "10:00"),
            piece("a", "coaching", "10:00", "10:30"),
            piece("a", "work", "10:30", "11:45"),
        ]
    )
    # The window is the slot itself: it cannot move; needed everywhere, so cancel it
    # (worth 2 intervals × 10 × 0.25 h = 5.0 of under-staffing against 3.0).
    rota["window_start"], rota["window_end"] = t("10:00"), t("10:30")
    need = requirement({}, base=1.0)
    result = replan_day(
        rota,
        need,
        t("09:00"),
        CENTRE,
        contract_of={"a": "full_time"},
        settings=ReplanSettings(**NO_SHIFT_LEVERS, cancel_cost=3.0),
        shrinkage_fraction=0.0,
    )
    assert result.changes[["kind", "activity"]].values.tolist() == [["cancel", "coaching"]]
    assert (result.rota["activity"] == "work").all()
    # At a cancel cost above its worth, it stays.
    kept = replan_day(
        rota,
        need,
        t("09:00"),
        CENTRE,
        contract_of={"a": "full_time"},
        settings=ReplanSettings(**NO_SHIFT_LEVERS, cancel_cost=6.0),
        shrinkage_fraction=0.0,
    )
    assert kept.changes.empty


def _evening_need() -> pd.Series:
    return requirement({f"{h}:{m}": 1.0 for h in (17, 18) for m in ("00", "15", "30", "45")}, 0.0)


def test_a_call_in_respects_the_rest_since_yesterday_the_weekly_days_and_time_off():
    rota = pd.DataFrame([piece("a", "work", "08:00", "11:45")])
    settings = ReplanSettings(
        max_overtime_minutes=0,
        max_vto_minutes=0,
        call_in_lengths_minutes=(120,),
        change_cost=0.1,
        call_in_cost=0.1,
    )
    empty = WorkingTimeContext({}, {}, {}, {})

    def call_ins(context, contract="part_time"):
        result = replan_day(
            rota,
            _evening_need(),
            t("09:00"),
            CENTRE,
            contract_of={"a": "full_time", "c": contract},
            settings=settings,
            shrinkage_fraction=0.0,
            context=context,
        )
        return result.changes[result.changes["kind"] == "call_in"]

    free = call_ins(empty)
    assert free[["agent_id", "new_start", "new_end"]].values.tolist() == [
        ["c", t("17:00"), t("19:00")]
    ]
    # A night shift ending 07:00 today: 11 hours' rest until 18:00 (18:00-20:00, the close).
    late = WorkingTimeContext({"c": t("07:00")}, {}, {}, {})
    assert call_ins(late)["new_start"].tolist() == [t("18:00")]
    # Tomorrow's shift at 05:00 needs 11 hours' rest: the call-in must end by 18:00.
    early_tomorrow = WorkingTimeContext({}, {"c": t("05:00", "2026-11-18")}, {}, {})
    assert (call_ins(early_tomorrow)["new_end"] <= t("18:00")).all()
    # Five days worked this week (the part-time contract's most): no call-in.
    assert call_ins(WorkingTimeContext({}, {}, {"c": 5 * 360.0}, {"c": 5})).empty
    # Hours: 29 h worked, at most 30 a week: a 2-hour call-in would exceed it.
    assert call_ins(WorkingTimeContext({}, {}, {"c": 29 * 60.0}, {"c": 4})).empty
    # Time off this evening.
    off = pd.DataFrame(
        {"agent_id": ["c"], "start": [t("16:00")], "end": [t("23:00")], "kind": ["unavailable"]}
    )
    assert call_ins(WorkingTimeContext({}, {}, {}, {}, off)).empty
    # Absent today: never called in.
    result = replan_day(
        rota,
        _evening_need(),
        t("09:00"),
        CENTRE,
        contract_of={"a": "full_time", "c": "part_time"},
        settings=settings,
        shrinkage_fraction=0.0,
        context=empty,
        absent_agents=("c",),
    )
    assert result.changes.empty


def test_call_ins_and_overtime_stop_at_the_caps_of_the_day():
    rota = pd.DataFrame([piece("a", "work", "08:00", "11:45")])
    need = requirement({f"{h}:{m}": 5.0 for h in (17, 18) for m in ("00", "15", "30", "45")}, 0)
    contract_of = {"a": "full_time"} | {f"c{k}": "part_time" for k in range(5)}
    result = replan_day(
        rota,
        need,
        t("09:00"),
        CENTRE,
        contract_of=contract_of,
        settings=ReplanSettings(
            max_vto_minutes=0,
            call_in_lengths_minutes=(120,),
            max_call_ins_per_day=2,
            change_cost=0.1,
            call_in_cost=0.1,
        ),
        shrinkage_fraction=0.0,
        context=WorkingTimeContext({}, {}, {}, {}),
    )
    assert (result.changes["kind"] == "call_in").sum() == 2
    capped = replan_day(
        rota,
        need,
        t("09:00"),
        CENTRE,
        contract_of=contract_of,
        settings=ReplanSettings(
            max_vto_minutes=0,
            call_in_lengths_minutes=(120,),
            max_call_ins_per_day=5,
            max_overtime_hours_per_day=4.0,
            change_cost=0.1,
            call_in_cost=0.1,
        ),
        shrinkage_fraction=0.0,
        context=WorkingTimeContext({}, {}, {}, {}),
    )
    assert (capped.changes["kind"] == "call_in").sum() == 2  # 2 × 2 h = the 4 hours


def test_an_early_start_stays_within_the_rest_since_yesterday():
    # 12:00-14:00: 2 h; an hour earlier stays under the 240 min that would need a break.
    rota = pd.DataFrame([piece("a", "work", "12:00", "14:00")])
    need = requirement({"11:00": 1.0, "11:15": 1.0, "11:30": 1.0, "11:45": 1.0}, base=0.0)
    settings = ReplanSettings(max_vto_minutes=0, max_call_ins_per_day=0, change_cost=0.1)
    free = replan_day(
        rota,
        need,
        t("09:00"),
        CENTRE,
        contract_of={"a": "full_time"},
        settings=settings,
        shrinkage_fraction=0.0,
        context=WorkingTimeContext({}, {}, {}, {}),
    )
    assert free.changes[["kind", "new_start", "new_end"]].values.tolist() == [
        ["early_start", t("11:00"), t("12:00")]
    ]
    rested = replan_day(
        rota,
        need,
        t("09:00"),
        CENTRE,
        contract_of={"a": "full_time"},
        settings=settings,
        shrinkage_fraction=0.0,
        context=WorkingTimeContext({"a": t("00:30")}, {}, {}, {}),
    )
    # Yesterday's shift ended 00:30: rest until 11:30.
    assert rested.changes["new_start"].tolist() == [t("11:30")]


def test_the_value_of_agents_is_exact_where_a_queue_is_unstable():
    """Two agents alone buy nothing, together they lift the queue out of instability: the
    re-plan must see the pair's value (an envelope would spread it over every agent)."""
    rota = pd.DataFrame([piece("a", "work", "08:00", "11:45")])
    grid = pd.date_range(t("08:00"), t("19:45"), freq="15min")
    # One interval, 17:00: traffic 1.5 Erlang, AHT 300 s, 20 s threshold; 0 agents present.
    x = np.arange(0.0, 5.0)
    answered = 10 * service_level(x.astype(int), 1.5, 300.0, 20.0)  # 10 contacts
    points = tuple(
        (x, answered * 10.0) if stamp == t("17:00") else (np.array([0.0, 5.0]), np.zeros(2))
        for stamp in grid
    )
    curves = ValueCurves(grid, points)
    assert answered[1] == 0.0 and answered[2] == pytest.approx(3.782, abs=1e-3)
    settings = ReplanSettings(
        max_vto_minutes=0,
        max_overtime_minutes=0,
        call_in_lengths_minutes=(120,),
        change_cost=0.0,
        call_in_cost=15.0,
        overtime_premium=0.0,
    )

    def called(candidates):
        result = replan_day(
            rota,
            requirement({}, 0.0),
            t("09:00"),
            CENTRE,
            contract_of={"a": "full_time"} | dict.fromkeys(candidates, "part_time"),
            settings=settings,
            shrinkage_fraction=0.0,
            value_curves=curves,
            context=WorkingTimeContext({}, {}, {}, {}),
        )
        return sorted(result.changes["agent_id"]), result.objective

    # One candidate: one agent answers nothing in time (worth 0 < 15): nobody is called.
    # (A concave envelope through (0, 0) and (4, 10·10·SL(4)) would value him at ~22.)
    assert called(["c"]) == ([], pytest.approx(0.0, abs=1e-6))
    # Two: together worth 10 · 10 · SL(2) = 37.8 > 2 × 15.
    agents, objective = called(["c", "d"])
    assert agents == ["c", "d"]
    assert objective == pytest.approx(30.0 - answered[2] * 10.0, abs=1e-6)


def test_working_time_context_reads_yesterday_tomorrow_and_the_week():
    rota = pd.DataFrame(
        [
            piece("c", "work", "09:00", "17:00", "2026-11-16"),
            piece("c", "lunch", "12:00", "12:30", "2026-11-16"),
            piece("c", "work", "10:00", "14:00", "2026-11-19"),
            piece("c", "work", "10:00", "14:00", "2026-11-23"),  # next week
        ]
    )
    context = working_time_context(rota, t("00:00").date())
    assert context.previous_shift_end == {"c": t("17:00", "2026-11-16")}
    assert context.next_shift_start == {"c": t("10:00", "2026-11-19")}
    assert context.week_paid_minutes == {"c": 8 * 60 + 4 * 60}  # lunch unpaid
    assert context.week_days == {"c": 2}


def test_recovered_share_is_the_part_of_the_gap_won_back():
    assert recovered_share(0.6, 0.7, 0.8) == pytest.approx(0.5)
    assert recovered_share(0.85, 0.85, 0.8) == 1.0


def test_applying_a_cancel_and_a_call_in_gives_the_expected_rows():
    rota = pd.DataFrame(
        [
            piece("a", "work", "08:00", "10:00"),
            piece("a", "training", "10:00", "11:00"),
            piece("a", "work", "11:00", "12:00"),
        ]
    )
    changes = pd.DataFrame(
        [
            {
                "agent_id": "a",
                "kind": "cancel",
                "activity": "training",
                "old_start": t("10:00"),
                "old_end": t("11:00"),
                "new_start": t("10:00"),
                "new_end": t("10:00"),
            },
            {
                "agent_id": "c",
                "kind": "call_in",
                "activity": "work",
                "old_start": t("17:00"),
                "old_end": t("17:00"),
                "new_start": t("17:00"),
                "new_end": t("19:00"),
            },
        ]
    )
    out = apply_changes(rota, changes)
    assert out[["agent_id", "activity", "start", "end"]].values.tolist() == [
        ["a", "work", t("08:00"), t("12:00")],
        ["c", "work", t("17:00"), t("19:00")],
    ]


def test_overtime_stops_at_the_contracts_weekly_paid_hours():
    # Part-time: at most 30 h a week; 27 h elsewhere this week and 2.75 h today leave 15 min.
    rota = pd.DataFrame([piece("a", "work", "09:00", "11:45")])
    need = requirement({"11:45": 1.0, "12:00": 1.0, "12:15": 1.0}, base=0.0)
    result = replan_day(
        rota,
        need,
        t("09:00"),
        CENTRE,
        contract_of={"a": "part_time"},
        settings=ReplanSettings(max_vto_minutes=0, max_call_ins_per_day=0, change_cost=0.1),
        shrinkage_fraction=0.0,
        context=WorkingTimeContext({}, {}, {"a": 27 * 60.0}, {"a": 3}),
    )
    assert result.changes[["kind", "new_end"]].values.tolist() == [["overtime", t("12:00")]]
