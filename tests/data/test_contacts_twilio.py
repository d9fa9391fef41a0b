"""The Twilio TaskRouter layout: an events export (one row per event) reduced per task.

The export below is written by hand from TaskRouter's event reference (EventCallback
parameter names; ``Timestamp`` in seconds since 1970 UTC) and counted by hand:

- WT01 Sales: queued 08:00:05, accepted 08:00:25 (wait 20 s), completed 08:05:25 after
  wrap-up (handle 300 s);
- WT02 Sales: queued 08:10:02, caller hung up 08:10:47: abandoned after 45 s;
- WT03 Sales: queued 08:14:58 (08:00 interval), accepted 08:15:40 across the interval
  boundary (wait 42 s, over a 30 s threshold), completed 08:19:40 (handle 240 s);
- WT04 Support: queued 08:20:01, alice rejects, bob accepts 08:21:01 (wait 60 s), completed
  08:27:01 (handle 360 s);
- WT05: created and completed by the IVR without a queue: not counted;
- WT06 Support: queued 08:25:00, workflow timeout and cancel 08:27:00: abandoned after 120 s;
- a worker event without a task is ignored.
"""

from __future__ import annotations

import textwrap

import pandas as pd
import pytest

from wfm.cli import main
from wfm.data.contact_history import import_contacts
from wfm.data.contacts import read_contacts
from wfm.data.vendors import contact_layout

HEADER = (
    "EventType,ResourceType,Timestamp,TaskSid,TaskAttributes,TaskAge,TaskQueueSid,"
    "TaskQueueName,TaskChannelUniqueName,TaskCanceledReason,WorkflowName,WorkerSid,WorkerName"
)
EVENTS = textwrap.dedent(
    """\
    task.created,task,1772438400,WT01,"{""from"":""+15550001"",""type"":""inbound""}",0,,,voice,,Main,,
    task-queue.entered,task,1772438405,WT01,,5,WQ1,Sales,voice,,Main,,
    reservation.created,reservation,1772438420,WT01,,20,WQ1,Sales,voice,,Main,WK1,alice
    reservation.accepted,reservation,1772438425,WT01,,25,WQ1,Sales,voice,,Main,WK1,alice
    task.wrapup,task,1772438665,WT01,,265,WQ1,Sales,voice,,Main,WK1,alice
    task.completed,task,1772438725,WT01,,325,WQ1,Sales,voice,,Main,WK1,alice
    task.created,task,1772439000,WT02,"{""from"":""+15550002""}",0,,,voice,,Main,,
    task-queue.entered,task,1772439002,WT02,,2,WQ1,Sales,voice,,Main,,
    task.canceled,task,1772439047,WT02,,47,WQ1,Sales,voice,hangup,Main,,
    task.created,task,1772439290,WT03,"{""from"":""+15550001""}",0,,,voice,,Main,,
    task-queue.entered,task,1772439298,WT03,,8,WQ1,Sales,voice,,Main,,
    worker.activity.update,worker,1772439300,,,,,,,,,WK2,bob
    reservation.accepted,reservation,1772439340,WT03,,50,WQ1,Sales,voice,,Main,WK2,bob
    task.wrapup,task,1772439540,WT03,,250,WQ1,Sales,voice,,Main,WK2,bob
    task.completed,task,1772439580,WT03,,290,WQ1,Sales,voice,,Main,WK2,bob
    task.created,task,1772439600,WT04,"{""from"":""+15550004""}",0,,,voice,,Main,,
    task-queue.entered,task,1772439601,WT04,,1,WQ2,Support,voice,,Main,,
    reservation.rejected,reservation,1772439620,WT04,,20,WQ2,Support,voice,,Main,WK1,alice
    reservation.accepted,reservation,1772439661,WT04,,61,WQ2,Support,voice,,Main,WK2,bob
    task.created,task,1772439720,WT05,,0,,,voice,,IVR,,
    task.completed,task,1772439750,WT05,,30,,,voice,,IVR,,
    task.created,task,1772439900,WT06,,0,,,voice,,Main,,
    task-queue.entered,task,1772439900,WT06,,0,WQ2,Support,voice,,Main,,
    workflow.timeout,task,1772440020,WT06,,120,WQ2,Support,voice,,Main,,
    task.canceled,task,1772440020,WT06,,120,WQ2,Support,voice,Workflow Timeout,Main,,
    task.completed,task,1772440021,WT04,,421,WQ2,Support,voice,,Main,WK2,bob
    """
)


def write(tmp_path, lines: str):
    path = tmp_path / "taskrouter_events.csv"
    path.write_text(HEADER + "\n" + lines)
    return path


def imported(path, **options):
    return import_contacts(
        path,
        layout="twilio-taskrouter",
        interval_minutes=15,
        answer_threshold_seconds=30,
        **options,
    )


def by_queue(result) -> pd.DataFrame:
    return result.history.frame.set_index(["queue", "interval_start"])


@pytest.mark.parametrize("chunk_rows", [1_000_000, 4, 1])
def test_taskrouter_events_hand_counted(tmp_path, chunk_rows):
    # small chunks put a task's events into different chunks: the result must not change
    result = imported(write(tmp_path, EVENTS), chunk_rows=chunk_rows)
    frame = by_queue(result)
    sales = frame.loc[("Sales", pd.Timestamp("2026-03-02 08:00", tz="UTC"))]
    assert (sales["offered"], sales["handled"], sales["abandoned"]) == (3, 2, 1)
    assert sales["answered_within_threshold"] == 1  # WT01 (20 s); WT03 waited 42 s
    assert sales["abandoned_within_threshold"] == 0  # WT02 after 45 s
    assert sales["total_handle_seconds"] == 300 + 240
    assert sales["aht_seconds"] == 270
    assert sales["total_wait_seconds"] == 20 + 42
    support = frame.loc[("Support", pd.Timestamp("2026-03-02 08:15", tz="UTC"))]
    assert (support["offered"], support["handled"], support["abandoned"]) == (2, 1, 1)
    assert support["answered_within_threshold"] == 0
    assert support["total_handle_seconds"] == 360
    assert result.problems.not_counted == 1  # WT05, closed by the IVR
    assert result.problems.counts == {}
    patience = result.patience.set_index("queue")["patience_seconds"]
    assert patience["Sales"] == pytest.approx((20 + 45 + 42) / 1)
    assert patience["Support"] == pytest.approx((60 + 120) / 1)


def test_taskrouter_iso_timestamps_and_milliseconds_agree(tmp_path):
    seconds = imported(write(tmp_path, EVENTS)).history.frame
    iso_lines = []
    for line in EVENTS.splitlines():
        cells = line.split(",")
        cells[2] = pd.Timestamp(int(cells[2]), unit="s", tz="UTC").isoformat()
        iso_lines.append(",".join(cells))
    iso = imported(write(tmp_path, "\n".join(iso_lines) + "\n")).history.frame
    pd.testing.assert_frame_equal(seconds, iso)


def test_taskrouter_open_task_at_the_end_is_reported_with_its_line(tmp_path):
    # the export stops before WT04 completes: answered without an end, excluded and
    # reported on the line of its task-queue.entered event (line 18 of the file)
    lines = [line for line in EVENTS.splitlines() if "task.completed,task,1772440021" not in line]
    result = imported(write(tmp_path, "\n".join(lines) + "\n"), chunk_rows=3)
    kind = "answered contact without handle time"
    assert result.problems.counts == {kind: 1}
    assert result.problems.examples[kind][0]["line"] == 18
    support = by_queue(result).loc[("Support", pd.Timestamp("2026-03-02 08:15", tz="UTC"))]
    assert (support["offered"], support["abandoned"]) == (1, 1)


def test_taskrouter_customer_and_agent_details(tmp_path):
    contacts, _ = read_contacts(
        write(tmp_path, EVENTS), contact_layout("twilio-taskrouter"), extras=True, salt=b"s"
    )
    extras = contacts.extras  # WT01, WT02, WT03, WT04, WT06 in file order
    assert extras["agent_id"].fillna("").tolist() == ["alice", "", "bob", "bob", ""]
    customers = extras["customer_id"].tolist()
    assert customers[0] == customers[2]  # WT01 and WT03 are the same caller
    assert customers[0] != customers[1]
    assert not any("+1555" in str(c) for c in customers)  # pseudonymised


def test_taskrouter_cli_and_not_an_events_file(tmp_path, capsys):
    out = tmp_path / "history.csv"
    code = main(
        [
            "import-contacts",
            str(write(tmp_path, EVENTS)),
            "--layout",
            "twilio-taskrouter",
            "--interval-minutes",
            "15",
            "-o",
            str(out),
        ]
    )
    assert code == 0
    assert pd.read_csv(out)["offered"].sum() == 5
    bad = tmp_path / "calls.csv"
    bad.write_text("datetime,calls\n2026-03-02 08:00:00,5\n")
    code = main(
        [
            "import-contacts",
            str(bad),
            "--layout",
            "twilio-taskrouter",
            "-o",
            str(tmp_path / "x.csv"),
        ]
    )
    assert code == 2
    assert "TaskRouter" in capsys.readouterr().err
    assert not (tmp_path / "x.csv").exists()
