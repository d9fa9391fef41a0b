"""Adherence and conformance against hand-computed timelines, and on the sample centre."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from wfm.data.output_files import read_rota
from wfm.data.states import StateLog, read_agent_states, validate_agent_states_frame
from wfm.errors import InputError
from wfm.review.adherence import NO_EVENT, agent_totals, compute_adherence, summarise_adherence

LONDON = "Europe/London"
SAMPLE = Path(__file__).resolve().parents[2] / "data" / "sample"
DAY = "2026-03-02"  # a Monday in winter: local time = UTC


def at(clock: str, day: str = DAY) -> pd.Timestamp:
    return pd.Timestamp(f"{day} {clock}").tz_localize(LONDON)


def rota(*pieces, day: str = DAY, agent: str = "A1") -> pd.DataFrame:
    """Rota rows from (activity, start clock, end clock[, end day])."""
    rows = []
    for piece in pieces:
        activity, start, end = piece[:3]
        end_day = piece[3] if len(piece) > 3 else day
        rows.append((agent, dt.date.fromisoformat(day), activity, at(start, day), at(end, end_day)))
    return pd.DataFrame(rows, columns=["agent_id", "date", "activity", "start", "end"])


def states(*events, day: str = DAY, agent: str = "A1"):
    """A StateLog from (state, start clock, end clock[, end day])."""
    rows = []
    for event in events:
        state, start, end = event[:3]
        end_day = event[3] if len(event) > 3 else day
        rows.append((agent, state, at(start, day).isoformat(), at(end, end_day).isoformat()))
    frame = pd.DataFrame(rows, columns=["agent_id", "state", "start", "end"])
    return validate_agent_states_frame(frame, timezone=LONDON)


def daily(result) -> dict:
    row = summarise_adherence(result, "agent").iloc[0]
    return row.to_dict()


@pytest.mark.parametrize(
    ("login", "adherent_seconds", "late_events"),
    [("09:02:59", 3600.0, 0), ("09:03:00", 3600.0 - 180, 1), ("09:03:01", 3600.0 - 181, 1)],
)
def test_tolerance_edge_at_the_start(login, adherent_seconds, late_events):
    result = compute_adherence(
        rota(("work", "09:00", "10:00")),
        states(("offline", "08:00", login), ("available", login, "10:00")),
        tolerance_seconds=180,
    )
    row = daily(result)
    assert row["scheduled_seconds"] == 3600.0
    assert row["adherent_seconds"] == adherent_seconds
    assert row["adherence"] == pytest.approx(adherent_seconds / 3600)
    assert len(result.events) == late_events
    if late_events:
        event = result.events.iloc[0]
        assert (event["scheduled_activity"], event["actual_state"], event["start"]) == (
            "work",
            "offline",
            at("09:00"),
        )
        assert event["seconds"] == 3600.0 - adherent_seconds


def test_tolerance_at_the_end_and_never_in_the_middle():
    result = compute_adherence(
        rota(("work", "09:00", "10:00")),
        states(
            ("available", "09:00", "09:30"),
            ("offline", "09:30", "09:31"),  # 1 min in the middle: counted
            ("on_contact", "09:31", "09:58"),
            ("offline", "09:58", "10:30"),  # 2 min early at the end: forgiven
        ),
        tolerance_seconds=180,
    )
    assert daily(result)["adherent_seconds"] == 3600.0 - 60
    assert result.events[["actual_state", "seconds"]].values.tolist() == [["offline", 60.0]]


def test_late_break_costs_both_the_break_and_the_work_after_it():
    result = compute_adherence(
        rota(("work", "09:00", "10:00"), ("break", "10:00", "10:15"), ("work", "10:15", "11:00")),
        states(
            ("available", "09:00", "10:05"),
            ("break", "10:05", "10:20"),
            ("on_contact", "10:20", "11:00"),
        ),
        tolerance_seconds=180,
        activity_tolerance_seconds={
            "break": 360
        },  # 6 min on breaks: the 5-min late start is forgiven
    )
    events = result.events
    # Break: 5 min late start < 6 min tolerance -> forgiven. Work after it: 5 min of break >= 3 min.
    assert events[["scheduled_activity", "actual_state", "seconds"]].values.tolist() == [
        ["work", "break", 300.0]
    ]
    assert daily(result)["adherent_seconds"] == 7200.0 - 300.0


def test_overlapping_and_missing_events():
    log = states(
        ("available", "09:00", "09:40"),
        ("offline", "09:30", "09:45"),  # overlaps: the available event is cut at 09:30
        ("available", "09:50", "10:00"),  # 09:45-09:50 has no event at all
    )
    assert log.report.counts == {"overlapping": 1}
    result = compute_adherence(rota(("work", "09:00", "10:00")), log, tolerance_seconds=0)
    assert daily(result)["adherent_seconds"] == 3600.0 - 15 * 60 - 5 * 60
    assert result.events[["actual_state", "seconds"]].values.tolist() == [
        ["offline", 900.0],
        [NO_EVENT, 300.0],
    ]


def test_shift_across_midnight_belongs_to_its_start_date():
    next_day = "2026-03-03"
    night = pd.concat(
        [
            rota(("work", "22:00", "02:00", next_day)),
            rota(("break", "02:00", "02:30"), ("work", "02:30", "06:00"), day=next_day),
        ]
    )
    night["date"] = dt.date(2026, 3, 2)  # the whole shift belongs to the date it starts
    log = states(("available", "21:58", "02:00", next_day))
    later = states(("break", "02:00", "02:30"), ("on_contact", "02:30", "06:10"), day=next_day)
    log2 = validate_agent_states_frame(
        pd.concat([log.frame, later.frame])[["agent_id", "state", "start", "end"]], timezone=LONDON
    )
    result = compute_adherence(night, log2)
    table = summarise_adherence(result, "agent")
    assert table["date"].tolist() == [dt.date(2026, 3, 2)]
    row = table.iloc[0]
    assert row["scheduled_seconds"] == 8 * 3600
    assert row["adherence"] == 1.0
    # On queue from 21:58 to 02:00 and 02:30 to 06:10: 7 h 52 min against 7.5 h scheduled on queue.
    assert row["on_queue_seconds"] == (4 * 3600 + 120) + (3 * 3600 + 40 * 60)
    assert row["conformance"] == pytest.approx(row["on_queue_seconds"] / (7.5 * 3600))


def test_dst_day_counts_real_seconds():
    # 2026-10-25: clocks go back at 02:00 BST, so 00:00-04:00 local lasts five hours.
    shift = pd.DataFrame(
        [
            (
                "A1",
                dt.date(2026, 10, 25),
                "work",
                pd.Timestamp("2026-10-25T00:00:00+01:00"),
                pd.Timestamp("2026-10-25T04:00:00+00:00"),
            )
        ],
        columns=["agent_id", "date", "activity", "start", "end"],
    )
    frame = pd.DataFrame(
        [
            ("A1", "available", "2026-10-25T00:00:00+01:00", "2026-10-25T01:30:00+01:00"),
            (
                "A1",
                "offline",
                "2026-10-25T01:30:00+01:00",
                "2026-10-25T01:30:00+00:00",
            ),  # the repeated hour
            ("A1", "on_contact", "2026-10-25T01:30:00+00:00", "2026-10-25T04:00:00+00:00"),
        ],
        columns=["agent_id", "state", "start", "end"],
    )
    result = compute_adherence(shift, validate_agent_states_frame(frame, timezone=LONDON))
    row = daily(result)
    assert row["scheduled_seconds"] == 5 * 3600
    assert row["adherent_seconds"] == 4 * 3600
    assert row["adherence"] == pytest.approx(0.8)
    intervals = summarise_adherence(result, "interval", interval_minutes=60)
    assert len(intervals) == 5 and intervals["scheduled_seconds"].sum() == 5 * 3600
    assert intervals["interval_start"].dt.strftime("%H:%M%z").tolist() == [
        "00:00+0100",
        "01:00+0100",
        "01:00+0000",
        "02:00+0000",
        "03:00+0000",
    ]


def test_conformance_can_exceed_one():
    result = compute_adherence(
        rota(("work", "09:00", "10:00")),
        states(("available", "08:30", "09:00"), ("on_contact", "09:00", "10:30")),
    )
    row = daily(result)
    assert row["adherence"] == 1.0
    assert row["conformance"] == pytest.approx(2.0)


def test_approved_exceptions_are_excluded_from_scheduled_time():
    shift = rota(("work", "09:00", "11:00"))
    log = states(
        ("available", "09:00", "09:30"),
        ("meeting", "09:30", "10:00"),
        ("available", "10:00", "11:00"),
    )
    without = daily(compute_adherence(shift, log))
    assert without["adherence"] == pytest.approx(0.75)
    exceptions = pd.DataFrame(
        {
            "agent_id": ["A1", "ZZ"],
            "start": [at("09:30"), at("09:00")],
            "end": [at("10:00"), at("12:00")],
            "reason": ["coaching", "someone else"],
        }
    )
    result = compute_adherence(shift, log, exceptions=exceptions)
    row = daily(result)
    assert row["scheduled_seconds"] == 5400.0
    assert row["adherence"] == 1.0
    assert result.events.empty


def test_lunch_offline_is_a_setting():
    shift = rota(
        ("work", "09:00", "12:00"), ("lunch", "12:00", "12:30"), ("work", "12:30", "14:00")
    )
    log = states(
        ("available", "09:00", "12:00"),
        ("offline", "12:00", "12:30"),
        ("available", "12:30", "14:00"),
    )
    assert daily(compute_adherence(shift, log))["adherent_seconds"] == 5 * 3600 - 1800
    relaxed = compute_adherence(shift, log, adherent_states={"lunch": ("lunch", "offline")})
    assert daily(relaxed)["adherence"] == 1.0


def test_agents_in_one_file_only_are_reported():
    shift = pd.concat(
        [rota(("work", "09:00", "10:00")), rota(("work", "09:00", "10:00"), agent="B2")]
    )
    log = validate_agent_states_frame(
        pd.concat(
            [
                states(("available", "09:00", "10:00")).frame,
                states(("available", "09:00", "10:00"), agent="C3").frame,
            ]
        )[["agent_id", "state", "start", "end"]],
        timezone=LONDON,
    )
    result = compute_adherence(shift, log)
    assert result.report.counts == {"agent_not_in_rota": 1, "rota_agent_without_states": 1}
    assert result.report.examples["agent_not_in_rota"] == ["C3"]
    table = summarise_adherence(result, "agent").set_index("agent_id")
    assert table.loc["B2", "adherence"] == 0.0 and "C3" not in table.index


def test_overlapping_rota_pieces_are_an_error():
    with pytest.raises(InputError, match="overlap"):
        compute_adherence(
            rota(("work", "09:00", "10:00"), ("break", "09:50", "10:05")),
            states(("available", "09:00", "10:00")),
        )


@pytest.fixture(scope="module")
def sample_result():
    log = read_agent_states(SAMPLE / "agent_states.csv", timezone=LONDON)
    shifts = read_rota(SAMPLE / "published_rota.csv", LONDON)
    return shifts, log, compute_adherence(shifts, log, tolerance_seconds=180)


def test_sample_adherence_is_plausible(sample_result):
    _, _, result = sample_result
    totals = agent_totals(result)
    overall = totals["adherent_seconds"].sum() / totals["scheduled_seconds"].sum()
    assert 0.85 < overall < 0.95  # measured 0.893: late log-ins, late breaks, meetings, absences
    conformance = totals["on_queue_seconds"].sum() / totals["scheduled_on_queue_seconds"].sum()
    assert 0.85 < conformance < 1.0  # measured 0.931
    assert result.report.ok


def test_sample_absent_days_show_zero(sample_result):
    shifts, log, result = sample_result
    logged = set(zip(log.frame["agent_id"], log.frame["start"].dt.date, strict=True))
    rota_days = set(zip(shifts["agent_id"], shifts["date"], strict=True))
    absent = rota_days - logged
    assert 0.02 < len(absent) / len(rota_days) < 0.08  # the generator's 4 %
    table = summarise_adherence(result, "agent").set_index(["agent_id", "date"])
    assert (table.loc[sorted(absent), "adherence"] == 0.0).all()
    assert (table.loc[sorted(absent), "conformance"] == 0.0).all()
    present = table.drop(index=sorted(absent))
    assert present["adherence"].min() > 0.3 and present["adherence"].median() > 0.9


def test_sample_levels_add_up(sample_result):
    _, _, result = sample_result
    teams = {f"A{i:03d}": "odd" if i % 2 else "even" for i in range(1, 61)}
    totals = {
        by: summarise_adherence(result, by, teams=teams, interval_minutes=15)[
            ["scheduled_seconds", "adherent_seconds"]
        ].sum()
        for by in ("agent", "team", "day", "interval")
    }
    for by in ("team", "day", "interval"):
        np.testing.assert_allclose(totals[by].to_numpy(), totals["agent"].to_numpy())
    assert len(summarise_adherence(result, "team", teams=teams)["team"].unique()) == 2


def test_a_hand_built_unsorted_log_gives_the_same_answer():
    shift = rota(("work", "09:00", "10:00"))
    log = states(
        ("offline", "08:00", "09:10"),
        ("available", "09:10", "09:30"),
        ("break", "09:30", "09:40"),
        ("on_contact", "09:40", "10:00"),
    )
    shuffled = StateLog(log.frame.iloc[[2, 0, 3, 1]].reset_index(drop=True), LONDON, log.report)
    expected, result = compute_adherence(shift, log), compute_adherence(shift, shuffled)
    assert daily(result) == daily(expected)
    assert daily(expected)["adherent_seconds"] == 2400.0
    assert (
        result.events["seconds"].tolist() == expected.events["seconds"].tolist() == [600.0, 600.0]
    )
