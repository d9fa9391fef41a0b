"""Per-contact records -> interval history: hand-counted intervals, vendor layouts, patience,
bad rows and chunked reading."""

from __future__ import annotations

import textwrap

import numpy as np
import pandas as pd
import pytest

from wfm.data.contact_history import estimate_patience_seconds, import_contacts
from wfm.data.history import read_history
from wfm.errors import InputError


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    return path


GENERIC = """
contact_id,arrival_time,queue,outcome,wait_seconds,talk_seconds,hold_seconds,wrap_seconds
a1,2026-03-02T08:00:05+00:00,sales,answered,10,100,20,30
a2,2026-03-02T08:14:59+00:00,sales,answered,95,200,0,10
a3,2026-03-02T08:15:00+00:00,sales,abandoned,25,,,
a4,2026-03-02T08:16:00+00:00,sales,Abandoned,5,,,
a5,2026-03-02T08:50:00+00:00,sales,answered,20,60,0,0
b1,2026-03-02T08:01:00+00:00,support,answered,3,300,0,0
"""


def frame_of(result):
    return result.history.frame.set_index(["queue", "interval_start"])


def test_hand_counted_intervals(tmp_path):
    path = write(tmp_path, "contacts.csv", GENERIC)
    result = import_contacts(path, interval_minutes=15, answer_threshold_seconds=20)
    frame = frame_of(result)
    t = pd.Timestamp
    first = frame.loc[("sales", t("2026-03-02 08:00", tz="UTC"))]
    # a1 answered in 10 s (within 20), a2 arrived 08:14:59 and waited 95 s: answered after the
    # threshold and in the next interval, but counted where it arrived
    assert first["offered"] == 2 and first["handled"] == 2 and first["abandoned"] == 0
    assert first["answered_within_threshold"] == 1
    assert first["total_handle_seconds"] == 100 + 20 + 30 + 200 + 0 + 10
    assert first["total_wait_seconds"] == 10 + 95
    assert first["aht_seconds"] == pytest.approx(360 / 2)
    second = frame.loc[("sales", t("2026-03-02 08:15", tz="UTC"))]
    assert (second["offered"], second["handled"], second["abandoned"]) == (2, 0, 2)
    assert second["abandoned_within_threshold"] == 1  # 5 s yes, 25 s no
    assert np.isnan(second["aht_seconds"])
    quiet = frame.loc[("sales", t("2026-03-02 08:30", tz="UTC"))]
    assert quiet["offered"] == 0  # a quiet interval inside the day is 0, not missing
    assert frame.loc[("support", t("2026-03-02 08:00", tz="UTC"))]["handled"] == 1
    assert len(frame) == 5
    patience = result.patience.set_index("queue")
    # waits of all queued sales contacts / abandons: (10 + 95 + 25 + 5 + 20) / 2
    assert patience.loc["sales", "patience_seconds"] == pytest.approx(155 / 2)
    assert np.isnan(patience.loc["support", "patience_seconds"])


def test_threshold_per_queue_and_exact_threshold_is_within(tmp_path):
    path = write(tmp_path, "contacts.csv", GENERIC)
    result = import_contacts(
        path, interval_minutes=60, answer_threshold_seconds={"sales": 10, "support": 2}
    )
    frame = frame_of(result)
    sales = frame.loc[("sales", pd.Timestamp("2026-03-02 08:00", tz="UTC"))]
    assert sales["answered_within_threshold"] == 1  # a1 waited exactly 10 s
    support = frame.loc[("support", pd.Timestamp("2026-03-02 08:00", tz="UTC"))]
    assert support["answered_within_threshold"] == 0  # 3 s > 2 s


def test_daylight_saving_intervals_are_local(tmp_path):
    # 2026-10-25 in London: 01:00-02:00 local happens twice (BST, then GMT).
    path = write(
        tmp_path,
        "dst.csv",
        """
        arrival_time,queue,outcome,wait_seconds,handle_seconds
        2026-10-25T00:10:00Z,q,answered,1,60
        2026-10-25T01:10:00Z,q,answered,1,120
        2026-10-25 03:05:00,q,answered,1,180
        """,
    )
    result = import_contacts(path, interval_minutes=60, timezone="Europe/London")
    frame = result.history.frame
    starts = frame["interval_start"].tolist()
    assert [str(s) for s in starts[:2]] == [
        "2026-10-25 01:00:00+01:00",
        "2026-10-25 01:00:00+00:00",
    ]
    assert frame["offered"].tolist() == [1, 1, 0, 1]  # 02:00 GMT was quiet
    assert str(starts[-1]) == "2026-10-25 03:00:00+00:00"


def test_times_instead_of_durations(tmp_path):
    path = write(
        tmp_path,
        "times.csv",
        """
        arrival_time,answer_time,end_time,wrap_seconds,queue
        2026-03-02T08:00:00Z,2026-03-02T08:00:30Z,2026-03-02T08:05:30Z,20,q
        2026-03-02T08:01:00Z,,2026-03-02T08:02:00Z,,q
        """,
    )
    result = import_contacts(path, interval_minutes=15)
    row = result.history.frame.iloc[0]
    # no outcome column: answered when there is an answer time; abandon wait = end - arrival
    assert (row["handled"], row["abandoned"]) == (1, 1)
    assert row["total_handle_seconds"] == 300 + 20
    assert row["total_wait_seconds"] == 30
    assert result.patience["patience_seconds"].iloc[0] == pytest.approx((30 + 60) / 1)


AMAZON_CONNECT = """
AWSAccountId,ContactId,Channel,InitiationMethod,InitiationTimestamp,DisconnectTimestamp,DisconnectReason,Queue.ARN,Queue.Name,Queue.EnqueueTimestamp,Queue.DequeueTimestamp,Queue.Duration,Agent.ARN,Agent.Username,Agent.ConnectedToAgentTimestamp,Agent.AgentInteractionDuration,Agent.CustomerHoldDuration,Agent.AfterContactWorkDuration,Agent.AfterContactWorkStartTimestamp,CustomerEndpoint.Type,CustomerEndpoint.Address
111122223333,c-01,VOICE,INBOUND,2026-03-02T07:59:40Z,2026-03-02T08:06:10Z,CUSTOMER_DISCONNECT,arn:q1,Sales,2026-03-02T08:00:10Z,2026-03-02T08:00:25Z,15,arn:a1,jsmith,2026-03-02T08:00:25Z,300,30,45,2026-03-02T08:06:10Z,TELEPHONE_NUMBER,+441234567890
111122223333,c-02,VOICE,INBOUND,2026-03-02T08:10:00Z,2026-03-02T08:11:40Z,CUSTOMER_DISCONNECT,arn:q1,Sales,2026-03-02T08:10:20Z,2026-03-02T08:11:40Z,80,,,,,,,,TELEPHONE_NUMBER,+441234567891
111122223333,c-03,VOICE,INBOUND,2026-03-02T08:12:00Z,2026-03-02T08:12:50Z,CUSTOMER_DISCONNECT,,,,,,,,,,,,,TELEPHONE_NUMBER,+441234567892
111122223333,c-04,VOICE,OUTBOUND,2026-03-02T08:13:00Z,2026-03-02T08:19:00Z,AGENT_DISCONNECT,arn:q1,Sales,2026-03-02T08:13:00Z,2026-03-02T08:13:02Z,2,arn:a1,jsmith,2026-03-02T08:13:05Z,350,0,10,,TELEPHONE_NUMBER,+441234567893
111122223333,c-05,CHAT,INBOUND,2026-03-02T08:20:00Z,2026-03-02T08:31:00Z,CUSTOMER_DISCONNECT,arn:q2,Chat,2026-03-02T08:20:05Z,2026-03-02T08:20:35Z,30,arn:a2,akhan,2026-03-02T08:20:35Z,600,0,30,,,
111122223333,c-01,VOICE,INBOUND,2026-03-02T07:59:40Z,2026-03-02T08:06:10Z,CUSTOMER_DISCONNECT,arn:q1,Sales,2026-03-02T08:00:10Z,2026-03-02T08:00:25Z,15,arn:a1,jsmith,2026-03-02T08:00:25Z,300,30,45,2026-03-02T08:06:10Z,TELEPHONE_NUMBER,+441234567890
"""


def test_amazon_connect_layout(tmp_path):
    path = write(tmp_path, "ctr.csv", AMAZON_CONNECT)
    result = import_contacts(path, layout="amazon-connect", interval_minutes=15)
    frame = frame_of(result)
    sales = frame.loc[("Sales", pd.Timestamp("2026-03-02 08:00", tz="UTC"))]
    # c-01 answered after 15 s, c-02 abandoned after 80 s; c-03 never queued (IVR only) and
    # c-04 outbound are not offered; the second c-01 record is a re-delivery
    assert (sales["offered"], sales["handled"], sales["abandoned"]) == (2, 1, 1)
    assert sales["answered_within_threshold"] == 1
    assert sales["total_handle_seconds"] == 300 + 30 + 45
    assert sales["total_wait_seconds"] == 15
    chat = frame.loc[("Chat", pd.Timestamp("2026-03-02 08:15", tz="UTC"))]
    assert chat["handled"] == 1 and chat["aht_seconds"] == 630
    assert result.problems.counts == {"repeated contact id": 1}
    assert result.problems.examples["repeated contact id"][0]["line"] == 7
    assert result.problems.not_counted == 2
    patience = result.patience.set_index("queue")
    assert patience.loc["Sales", "patience_seconds"] == pytest.approx((15 + 80) / 1)


GENESYS = """
Conversation ID,Date,End Date,Duration,Direction,Media Type,Queue,Users - Interacted,Remote,ANI,DNIS,Abandoned,Total Queue,Total Alert,Total Talk,Total Hold,Total ACW,Total Handle,Wrap-up
9f1c-01,2026-03-02 09:00:12,2026-03-02 09:06:40,388000,Inbound,voice,Billing,Ann Lee,Caller A,tel:+15550001,tel:+18005550100,NO,20000,4000,300000,15000,40000,355000,Payment
9f1c-02,2026-03-02 09:07:00,2026-03-02 09:08:30,90000,Inbound,voice,Billing,,Caller B,tel:+15550002,tel:+18005550100,YES,45000,,,,,,
9f1c-03,2026-03-02 09:10:00,2026-03-02 09:12:00,120000,Outbound,voice,Billing,Ann Lee,Caller C,tel:+15550003,,NO,,,110000,0,10000,120000,Callback
9f1c-04,2026-03-02 09:20:00,2026-03-02 09:31:00,0:11:00,Inbound,voice,Billing,Bo Park,Caller D,tel:+15550004,tel:+18005550100,NO,0:00:30,0:00:05,0:09:00,0:00:00,0:01:25,0:10:25,Refund
"""


def test_genesys_cloud_layout(tmp_path):
    path = write(tmp_path, "interactions.csv", GENESYS)
    result = import_contacts(
        path, layout="genesys-cloud", interval_minutes=15, timezone="America/New_York"
    )
    frame = result.history.frame
    first = frame.iloc[0]
    assert str(first["interval_start"]) == "2026-03-02 09:00:00-05:00"
    assert (first["offered"], first["handled"], first["abandoned"]) == (2, 1, 1)
    assert first["total_handle_seconds"] == pytest.approx(355)  # milliseconds -> seconds
    assert first["total_wait_seconds"] == pytest.approx(20)
    second = frame.iloc[1]  # 09:15: h:mm:ss durations
    assert (second["offered"], second["handled"]) == (1, 1)
    assert second["total_handle_seconds"] == pytest.approx(625)
    assert result.problems.not_counted == 1  # the outbound call


def test_genesys_abandoned_flag_neither_yes_nor_no_is_reported_not_read_as_no(tmp_path):
    """An ``Abandoned`` cell of MAYBE is not silently "not abandoned": the row is left out and
    reported with its line, the file's column, the value and the --outcome fix; mapped, it counts."""
    path = write(tmp_path, "interactions.csv", GENESYS.replace(",YES,45000", ",MAYBE,45000"))
    options = dict(layout="genesys-cloud", interval_minutes=15, timezone="America/New_York")
    result = import_contacts(path, **options)
    example = result.problems.examples["unknown outcome value"][0]
    assert (example["line"], example["column"], example["value"]) == (3, "Abandoned", "MAYBE")
    assert "--outcome" in example["fix"]
    first = result.history.frame.iloc[0]
    assert (first["offered"], first["abandoned"]) == (1, 0)
    mapped = import_contacts(path, outcome_map={"MAYBE": "abandoned"}, **options)
    first = mapped.history.frame.iloc[0]
    assert (first["offered"], first["handled"], first["abandoned"]) == (2, 1, 1)


def test_patience_estimator_recovers_simulated_patience():
    """Callers with exponential patience (mean 120 s) wait for an agent who would answer after
    an exponential time (mean 60 s): each wait is censored by the answer. The estimator
    Σ waits / abandons must recover 120 s within 3 % (its standard error here is ~0.4 %);
    the naive mean wait of the abandoned callers is biased far below it."""
    rng = np.random.default_rng(7)
    n = 200_000
    patience = rng.exponential(120.0, n)
    answer_after = rng.exponential(60.0, n)
    abandoned = patience < answer_after
    wait = np.minimum(patience, answer_after)
    estimate = estimate_patience_seconds(np.array([abandoned.sum()]), np.array([wait.sum()]))[0]
    assert estimate == pytest.approx(120.0, rel=0.03)
    assert wait[abandoned].mean() < 0.5 * 120.0


BAD = """
contact_id,arrival_time,queue,outcome,wait_seconds,handle_seconds,answer_time
g1,2026-03-02T08:00:00Z,q,answered,10,100,
g2,2026-03-02T08:01:00Z,q,,10,100,
g3,2026-03-02T08:02:00Z,q,answered,-5,100,
g4,2026-03-02T08:03:00Z,q,answered,10,400000,
g5,2026-03-02T08:04:00Z,q,answered,10,100,2026-03-02T07:59:00Z
g6,2026-03-02T08:05:00Z,q,hung up,10,100,
g1,2026-03-02T08:06:00Z,q,answered,10,100,
g8,not a time,q,answered,10,100,
g9,2026-03-02T08:07:00Z,q,answered,10,,
"""


def test_bad_rows_are_excluded_and_reported(tmp_path):
    path = write(tmp_path, "bad.csv", BAD)
    result = import_contacts(path, interval_minutes=15)
    problems = result.problems
    assert problems.counts == {
        "outcome is empty": 1,
        "negative duration": 1,
        "absurd handle time (over 8 hours)": 1,
        "answer before arrival": 1,
        "unknown outcome value": 1,
        "repeated contact id": 1,
        "arrival time is not a timestamp": 1,
        "answered contact without handle time": 1,
    }
    lines = {kind: examples[0]["line"] for kind, examples in problems.examples.items()}
    assert lines["outcome is empty"] == 3
    assert lines["unknown outcome value"] == 7
    assert lines["repeated contact id"] == 8
    assert lines["arrival time is not a timestamp"] == 9
    assert problems.examples["unknown outcome value"][0]["value"] == "hung up"
    assert result.contacts_used == 1
    text = "\n".join(problems.lines())
    assert "bad.csv" in text and "line 4, column 'wait_seconds', value '-5'" in text
    assert "Fix:" in text


def test_nothing_usable_is_an_error(tmp_path):
    path = write(
        tmp_path,
        "none.csv",
        """
        arrival_time,queue,outcome,wait_seconds,handle_seconds
        2026-03-02T08:00:00Z,q,timeout,1,2
        """,
    )
    with pytest.raises(InputError, match="no contact in the file could be used"):
        import_contacts(path)


def test_naive_times_need_a_time_zone(tmp_path):
    path = write(
        tmp_path,
        "naive.csv",
        """
        arrival_time,queue,outcome,wait_seconds,handle_seconds
        2026-03-02 08:00:00,q,answered,1,2
        """,
    )
    with pytest.raises(InputError, match="line 2.*--timezone"):
        import_contacts(path)


def test_chunked_reading_gives_the_same_history_and_line_numbers(tmp_path):
    rng = np.random.default_rng(3)
    n = 20_000
    arrivals = pd.Timestamp("2026-03-02 08:00", tz="UTC") + pd.to_timedelta(
        np.sort(rng.integers(0, 10 * 3600, n)), unit="s"
    )
    frame = pd.DataFrame(
        {
            "contact_id": [f"id{i}" for i in range(n)],
            "arrival_time": arrivals.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "queue": rng.choice(["a", "b"], n),
            "outcome": rng.choice(["answered", "abandoned"], n, p=[0.9, 0.1]),
            "wait_seconds": rng.integers(0, 120, n),
            "handle_seconds": rng.integers(30, 600, n),
        }
    )
    frame.loc[15_000, "wait_seconds"] = -1  # a bad row deep in the file
    path = tmp_path / "many.csv"
    frame.to_csv(path, index=False)
    whole = import_contacts(path, chunk_rows=1_000_000)
    chunked = import_contacts(path, chunk_rows=1_000)
    pd.testing.assert_frame_equal(whole.history.frame, chunked.history.frame)
    assert chunked.problems.examples["negative duration"][0]["line"] == 15_002
    good = frame.drop(index=15_000)
    assert whole.history.frame["offered"].sum() == len(good)
    assert whole.history.frame["total_handle_seconds"].sum() == pytest.approx(
        good.loc[good["outcome"] == "answered", "handle_seconds"].sum()
    )


def test_history_written_reads_back(tmp_path):
    from wfm.data.io import write_csv_atomic

    path = write(tmp_path, "contacts.csv", GENERIC)
    result = import_contacts(path, interval_minutes=15)
    out = tmp_path / "history.csv"
    write_csv_atomic(result.history.frame, out)
    history = read_history(out)
    assert history.interval_minutes == 15
    assert history.frame["offered"].sum() == 6
