"""Off-phone activities placed where the projected service level suffers least: a hand-checked
best slot (Erlang C written out here), a meeting placed where both attendees are free, the
window and the tie rule, and the placed activities read by the compliance check, the exports
and adherence."""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd
import pytest

from wfm.data.activities import parse_window, read_activities
from wfm.intraday.activity_placement import place_activities
from wfm.intraday.position import DayOptions
from wfm.intraday.rota_projection import RotaProjection
from wfm.staffing.targets import ServiceTarget

TZ = "Europe/London"
DAY = dt.date(2026, 10, 20)  # a Tuesday
AHT = 300.0
THRESHOLD = 20.0
AGENTS = ["A1", "A2", "A3", "A4", "A5", "A6"]
QUIET = {"11:00": 3.0, "11:15": 3.0, "12:00": 5.0}  # offered; every other interval 12


def t(hm: str) -> pd.Timestamp:
    return pd.Timestamp(f"{DAY} {hm}", tz=TZ)


def erlang_c_service_level(agents: int, offered: float) -> float:
    """Erlang C service level for whole agents, written out (DOMAIN §2)."""
    traffic = offered * AHT / 900.0
    top = traffic**agents / math.factorial(agents) * agents / (agents - traffic)
    wait = top / (sum(traffic**k / math.factorial(k) for k in range(agents)) + top)
    return 1.0 - wait * math.exp(-(agents - traffic) * THRESHOLD / AHT)


def forecast() -> pd.DataFrame:
    starts = pd.date_range(t("09:00"), t("12:45"), freq="15min")
    offered = [QUIET.get(s.strftime("%H:%M"), 12.0) for s in starts]
    return pd.DataFrame(
        {"interval_start": starts, "queue": "sales", "offered": offered, "aht_seconds": AHT}
    )


def rota(breaks=()) -> pd.DataFrame:
    """Everyone works 09:00-13:00; ``breaks`` are (agent, start) of 15-minute breaks."""
    rows = []
    for agent in AGENTS:
        cuts = sorted(t(hm) for a, hm in breaks if a == agent)
        edge = t("09:00")
        for cut in cuts:
            rows.append((agent, "work", edge, cut))
            rows.append((agent, "break", cut, cut + pd.Timedelta(minutes=15)))
            edge = cut + pd.Timedelta(minutes=15)
        rows.append((agent, "work", edge, t("13:00")))
    frame = pd.DataFrame(rows, columns=["agent_id", "activity", "start", "end"])
    frame.insert(1, "date", DAY)
    return frame


def projection(plan: pd.DataFrame) -> RotaProjection:
    return RotaProjection.of_plan(
        forecast(),
        plan,
        DayOptions(
            queues_by_agent={a: ("sales",) for a in AGENTS},
            targets={"sales": ServiceTarget(0.8, THRESHOLD)},
            shrinkage_by_queue={"sales": 0.0},
            interval_minutes=15,
        ),
    )


def sessions(tmp_path, text: str) -> pd.DataFrame:
    path = tmp_path / "activities.csv"
    path.write_text("activity_id,activity,attendees,duration_minutes,window\n" + text)
    return read_activities(path, interval_minutes=15)


def test_coaching_goes_to_the_quiet_half_hour_hand_checked(tmp_path):
    plan = rota()
    placed = place_activities(
        plan, sessions(tmp_path, "c1,coaching,A1,30,tuesday\n"), projection(plan)
    )
    row = placed.placements.iloc[0]
    assert row["placed"] and row["start"] == t("11:00") and row["end"] == t("11:30")
    # By hand: 6 agents on the phones, 5 during the session, in two intervals of 3 contacts.
    total = 13 * 12.0 + 3 + 3 + 5
    loss = 2 * 3.0 * (erlang_c_service_level(6, 3.0) - erlang_c_service_level(5, 3.0)) / total
    assert row["service_level_loss"] == pytest.approx(loss, rel=1e-9)
    # The next best, 11:15-11:45 (one quiet and one busy quarter), loses more by hand too.
    quiet = 3.0 * (erlang_c_service_level(6, 3.0) - erlang_c_service_level(5, 3.0))
    busy = 12.0 * (erlang_c_service_level(6, 12.0) - erlang_c_service_level(5, 12.0))
    assert loss < (quiet + busy) / total
    assert row["candidates"] == 15  # 09:00 .. 12:30, every quarter
    assert placed.service_level_before - placed.service_level_after == pytest.approx(loss)
    # In the rota: A1's work is cut around the session, nobody else changes.
    a1 = placed.rota[placed.rota["agent_id"] == "A1"].sort_values("start")
    assert a1[["activity", "start", "end"]].values.tolist() == [
        ["work", t("09:00"), t("11:00")],
        ["coaching", t("11:00"), t("11:30")],
        ["work", t("11:30"), t("13:00")],
    ]
    assert (placed.rota[placed.rota["agent_id"] != "A1"]["activity"] == "work").all()


def test_meeting_goes_where_both_attendees_are_free(tmp_path):
    # A1 is on a break at 11:00, A2 at 11:15: the quiet quarters are out for a meeting of
    # both, so it goes to 12:00, the quietest quarter where both are on the phones.
    plan = rota(breaks=[("A1", "11:00"), ("A2", "11:15")])
    placed = place_activities(
        plan, sessions(tmp_path, "m1,meeting,A1|A2,15,week\n"), projection(plan)
    )
    row = placed.placements.iloc[0]
    assert row["placed"] and row["start"] == t("12:00") and row["attendees"] == "A1|A2"
    total = 13 * 12.0 + 3 + 3 + 5
    loss = 5.0 * (erlang_c_service_level(6, 5.0) - erlang_c_service_level(4, 5.0)) / total
    assert row["service_level_loss"] == pytest.approx(loss, rel=1e-9)
    both = placed.rota[placed.rota["activity"] == "meeting"]
    assert sorted(both["agent_id"]) == ["A1", "A2"]
    assert (both["start"] == t("12:00")).all() and (both["end"] == t("12:15")).all()
    # Alone, A1 would take the quiet 11:15 quarter (free for A1).
    alone = place_activities(plan, sessions(tmp_path, "c,coaching,A1,15,week\n"), projection(plan))
    assert alone.placements.iloc[0]["start"] == t("11:15")


def test_the_window_the_tie_rule_and_a_session_that_cannot_fit(tmp_path):
    plan = rota()
    text = (
        "early,training,A3,30,tuesday 09:00-10:30\n"  # all busy there: a tie, earliest wins
        "later,coaching,A3,30,2026-10-20 afternoon\n"  # 12:00-13:00 holds it
        "nobody,meeting,A9,30,week\n"
        "long,training,A4,300,week\n"
        "second,coaching,A3,30,tuesday\n"  # after the others took their slots
    )
    placed = place_activities(plan, sessions(tmp_path, text), projection(plan))
    rows = placed.placements.set_index("activity_id")
    assert rows.loc["early", "start"] == t("09:00")
    assert rows.loc["later", "start"] == t("12:00")  # 12:00-12:30 holds the quiet 12:00
    assert not rows.loc["nobody", "placed"] and "A9" in rows.loc["nobody", "reason"]
    assert not rows.loc["long", "placed"] and "no time" in rows.loc["long", "reason"]
    # A3 already has 09:00-09:30 and 12:00-12:30: the quiet 11:00 half-hour is still free.
    assert rows.loc["second", "start"] == t("11:00")


def test_windows_read_as_planners_write_them():
    assert parse_window("this week").weekday is None
    morning = parse_window("Wednesday morning")
    assert morning.weekday == 2 and morning.end == dt.time(12)
    assert morning.holds(t("09:00") + pd.Timedelta(days=1), t("10:00") + pd.Timedelta(days=1))
    assert not morning.holds(t("09:00"), t("10:00"))  # a Tuesday
    assert not parse_window("tuesday 13:00-15:00").holds(t("14:30"), t("15:15"))
    for bad in ("someday", "tuesday noonish", "tuesday 15:00-13:00"):
        assert parse_window(bad) is None
