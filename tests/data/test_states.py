"""Tests for wfm.data.states and wfm.data.state_vendors: reading, mapping, validation."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from wfm.data.state_vendors import to_amazon_connect, to_injixo
from wfm.data.states import (
    MAX_EXAMPLES,
    parse_state_map,
    read_adherence_exceptions,
    read_agent_states,
    validate_agent_states_frame,
)
from wfm.errors import InputError

LONDON = "Europe/London"
SAMPLE = Path(__file__).resolve().parents[2] / "data" / "sample"


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


CLEAN = """agent_id,state,start,end
A1,available,2026-03-02T08:00:00+00:00,2026-03-02T08:10:00+00:00
A1,on_contact,2026-03-02T08:10:00+00:00,
A1,break,2026-03-02T09:00:00+00:00,2026-03-02T09:15:00+00:00
A1,offline,2026-03-02T09:15:00+00:00,2026-03-02T10:00:00+00:00
"""


def test_missing_end_is_closed_by_the_next_event(tmp_path):
    log = read_agent_states(write(tmp_path / "s.csv", CLEAN), timezone=LONDON)
    frame = log.frame
    assert log.report.ok
    assert list(frame["state"]) == ["available", "on_contact", "break", "offline"]
    assert frame.loc[1, "end"] == pd.Timestamp("2026-03-02T09:00:00+00:00")
    assert str(frame["start"].dt.tz) == LONDON
    assert list(frame["line"]) == [2, 3, 4, 5]


def test_problems_are_counted_with_examples_not_dropped_silently(tmp_path):
    text = """agent_id,state,start,end
A1,available,2026-03-02T08:00:00+00:00,2026-03-02T08:30:00+00:00
A1,Lunch Break,2026-03-02T08:20:00+00:00,2026-03-02T08:40:00+00:00
A1,coffee,2026-03-02T08:40:00+00:00,2026-03-02T08:50:00+00:00
A2,available,2026-03-02T09:00:00+00:00,2026-03-02T09:10:00+00:00
A2,on_contact,2026-03-02T08:00:00+00:00,2026-03-02T09:00:00+00:00
A2,offline,2026-03-02T09:10:00-05:00,
"""
    log = read_agent_states(
        write(tmp_path / "s.csv", text), timezone=LONDON, state_map={"lunch break": "lunch"}
    )
    counts = log.report.counts
    assert counts == {
        "timezone_mismatch": 1,
        "unknown_state": 1,
        "out_of_order": 1,
        "open_last_event": 1,
        "overlapping": 1,
    }
    assert (
        "line 4" in log.report.examples["unknown_state"][0]
        and "coffee" in log.report.examples["unknown_state"][0]
    )
    assert "line 6" in log.report.examples["out_of_order"][0]
    assert "line 2" in log.report.examples["overlapping"][0]
    # The overlapping event is cut at the next start; the unknown state is kept.
    a1 = log.frame[log.frame["agent_id"] == "A1"]
    assert a1["end"].iloc[0] == pd.Timestamp("2026-03-02T08:20:00+00:00")
    assert list(a1["state"]) == ["available", "lunch", "coffee"]
    assert len(log.frame) == 5  # only the open last event is dropped, and counted


def test_examples_are_capped():
    rows = [
        ("A1", "mystery", f"2026-03-02T08:{m:02d}:00+00:00", f"2026-03-02T08:{m + 1:02d}:00+00:00")
        for m in range(20)
    ]
    frame = pd.DataFrame(rows, columns=["agent_id", "state", "start", "end"])
    log = validate_agent_states_frame(frame, timezone=LONDON)
    assert log.report.counts["unknown_state"] == 20
    assert len(log.report.examples["unknown_state"]) == MAX_EXAMPLES


@pytest.mark.parametrize(
    ("text", "line", "column", "words"),
    [
        ("agent_id,state,start\nA1,available,yesterday\n", 2, "start", "not a valid ISO 8601"),
        (
            "agent_id,state,start,end\nA1,available,2026-03-02T08:00:00+00:00,\nA1,break,2026-03-02T09:00:00+00:00,soon\n",
            3,
            "end",
            "not a valid ISO 8601",
        ),
        (
            "agent_id,state,start,end\nA1,available,2026-03-02T08:00:00+00:00,2026-03-02T07:00:00+00:00\n",
            2,
            "end",
            "before start",
        ),
        ("agent_id,state,start\nA1,,2026-03-02T08:00:00+00:00\n", 2, "state", "empty"),
    ],
)
def test_bad_rows_name_file_line_column_value_and_fix(tmp_path, text, line, column, words):
    path = write(tmp_path / "bad.csv", text)
    with pytest.raises(InputError) as caught:
        read_agent_states(path, timezone=LONDON)
    error = caught.value
    assert (error.row, error.column) == (line, column)
    assert words in error.problem and error.fix and str(path) in str(error)


def test_missing_column_names_the_fix(tmp_path):
    path = write(
        tmp_path / "bad.csv", "agent,state,start\nA1,available,2026-03-02T08:00:00+00:00\n"
    )
    with pytest.raises(InputError, match="'agent_id' not found") as caught:
        read_agent_states(path, timezone=LONDON)
    assert caught.value.fix


def test_state_map_to_an_unknown_state_is_an_error():
    with pytest.raises(InputError, match="does not know"):
        validate_agent_states_frame(
            pd.DataFrame({"agent_id": ["A1"], "state": ["x"], "start": ["2026-03-02T08:00:00Z"]}),
            timezone=LONDON,
            state_map={"x": "nap"},
        )
    assert parse_state_map(["Lunch Break=lunch"]) == {"lunch break": "lunch"}
    with pytest.raises(InputError):
        parse_state_map(["nonsense"])


def test_local_times_without_offset_use_the_timezone_across_dst(tmp_path):
    # 2026-10-25: clocks go back at 02:00 BST; 01:30 happens twice.
    text = """agent_id,state,start,end
N1,available,2026-10-25 00:30:00,2026-10-25 01:30:00
N1,on_contact,2026-10-25 01:30:00,2026-10-25 01:30:00
N1,available,2026-10-25 01:30:00,2026-10-25 02:30:00
"""
    log = read_agent_states(write(tmp_path / "s.csv", text), timezone=LONDON)
    # The second 01:30 is winter time: the middle event is the repeated hour (60 min).
    seconds = (log.frame["end"] - log.frame["start"]).dt.total_seconds().tolist()
    assert seconds == [3600.0, 3600.0, 3600.0]


@pytest.fixture(scope="module")
def sample_log():
    return read_agent_states(SAMPLE / "agent_states.csv", timezone=LONDON)


def test_sample_reads_clean(sample_log):
    assert sample_log.report.ok
    assert len(sample_log.frame) == 33_027
    assert (sample_log.frame["end"] > sample_log.frame["start"]).all()


def test_amazon_connect_round_trip(tmp_path, sample_log):
    events = sample_log.frame.head(400)
    path = tmp_path / "connect.csv"
    to_amazon_connect(events).to_csv(path, index=False)
    log = read_agent_states(path, timezone=LONDON, vendor="amazon-connect")
    assert log.report.counts == {"open_last_event": events["agent_id"].nunique()}
    # Without ends, each event ends at the next one; the agent's last event has no end.
    expected = events[events["agent_id"].duplicated(keep="last")]
    kept = log.frame[["agent_id", "state", "start"]].reset_index(drop=True)
    pd.testing.assert_frame_equal(
        kept, expected[["agent_id", "state", "start"]].reset_index(drop=True), check_dtype=False
    )
    assert (log.frame["end"].to_numpy() == expected["end"].to_numpy()).all()


def test_amazon_connect_heartbeats_and_custom_status(tmp_path):
    text = """AgentARN,EventType,EventTimestamp,CurrentAgentSnapshot.Configuration.Username,CurrentAgentSnapshot.AgentStatus.Name
arn:a,LOGIN,2026-03-02T08:00:00.000Z,jo,Available
arn:a,HEART_BEAT,2026-03-02T08:02:00.000Z,jo,Available
arn:a,STATE_CHANGE,2026-03-02T09:00:00.000Z,jo,Coffee Break
arn:a,LOGOUT,2026-03-02T09:15:00.000Z,jo,Coffee Break
arn:a,LOGIN,2026-03-02T10:00:00.000Z,jo,Available
"""
    log = read_agent_states(
        write(tmp_path / "c.csv", text),
        timezone=LONDON,
        vendor="amazon-connect",
        state_map={"Coffee Break": "break"},
    )
    assert list(log.frame["state"]) == ["available", "available", "break", "offline"]
    assert log.report.counts == {"open_last_event": 1}


def test_injixo_round_trip(tmp_path, sample_log):
    events = sample_log.frame.head(300)
    path = tmp_path / "injixo.csv"
    to_injixo(events, LONDON).to_csv(path, index=False, sep=";")
    assert path.read_text().startswith("User;Status;Start;End")
    log = read_agent_states(path, timezone=LONDON, vendor="injixo")
    assert log.report.ok
    pd.testing.assert_frame_equal(
        log.frame[["agent_id", "state", "start", "end"]].reset_index(drop=True),
        events[["agent_id", "state", "start", "end"]].reset_index(drop=True),
        check_dtype=False,
    )


def test_unknown_vendor(tmp_path):
    with pytest.raises(InputError, match="unknown agent-state vendor"):
        read_agent_states(write(tmp_path / "s.csv", CLEAN), timezone=LONDON, vendor="acme")


def test_exceptions_file(tmp_path):
    path = write(
        tmp_path / "x.csv",
        "agent_id,start,end,reason\nA1,2026-03-02T08:00:00+00:00,2026-03-02T09:00:00+00:00,coaching\n",
    )
    frame = read_adherence_exceptions(path, timezone=LONDON)
    assert list(frame.columns) == ["agent_id", "start", "end", "reason"]
    assert frame["reason"].iloc[0] == "coaching"
    bad = write(
        tmp_path / "y.csv",
        "agent_id,start,end\nA1,2026-03-02T09:00:00+00:00,2026-03-02T08:00:00+00:00\n",
    )
    with pytest.raises(InputError, match="not after start") as caught:
        read_adherence_exceptions(bad, timezone=LONDON)
    assert caught.value.row == 2
