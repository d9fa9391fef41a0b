"""Twilio TaskRouter events export (one row per event), reduced to one contact per task.

TaskRouter posts an event to the workspace's EventCallbackUrl (or an Event Streams sink)
each time something happens to a task, reservation or worker. Centres log these events and
export them as CSV with the callback's parameter names as columns (Twilio, "TaskRouter
Events reference")::

    EventType,Timestamp,TimestampMs,ResourceType,ResourceSid,TaskSid,TaskAttributes,
    TaskAge,TaskPriority,TaskAssignmentStatus,TaskCanceledReason,TaskCompletedReason,
    TaskQueueSid,TaskQueueName,TaskChannelUniqueName,WorkflowSid,WorkflowName,
    WorkerSid,WorkerName,ReservationSid

``Timestamp`` is the event time in seconds since 1970-01-01 UTC (``TimestampMs`` in
milliseconds, used when present; ISO 8601 text is read as well). Only ``EventType``,
``TaskSid`` and a timestamp are required; the other columns are used when present.

Per task (``TaskSid``), from its events:

- **arrival** = the first ``task-queue.entered`` (the task reaches a queue after the
  workflow), else ``task.created``; the contact is counted in that interval and its file
  line is that event's line;
- **queue** = ``TaskQueueName`` of that event (else of ``reservation.accepted``, else any);
- **answered** when a ``reservation.accepted`` exists: answer = its time, end = the
  ``task.completed`` time (after wrapping, so handle = talk + hold + wrap), agent =
  ``WorkerName`` (else ``WorkerSid``);
- **abandoned** when not accepted and the task ends by ``task.canceled`` (the caller hung
  up, ``TaskCanceledReason`` e.g. ``hangup``, or the task's TTL ran out) or
  ``workflow.timeout``: wait = cancel time - arrival;
- **not counted** otherwise (completed or deleted without an agent, e.g. a task closed by
  the IVR, or still open when the export ends).

``task-queue.timeout`` and ``task-queue.moved`` (the task goes on to another queue) do not
end a task. Events of one task may lie in different chunks of a large file: tasks without a
final event (``task.completed``, ``task.canceled``, ``task.deleted``,
``task.system-deleted``, ``workflow.timeout``) are carried to the next chunk. The customer
is the ``from`` attribute of ``TaskAttributes`` (pseudonymised on import); the channel is
``TaskChannelUniqueName``. ``TaskAge`` (whole seconds) is not needed: every duration is a
difference of event timestamps.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from wfm.data.vendors import ContactLayout
from wfm.errors import InputError
from wfm.limits import MAX_YEAR, MIN_YEAR

#: Events that end a task.
FINAL_EVENTS = ("task.completed", "task.canceled", "task.deleted", "task.system-deleted")
#: Events after which a task that no agent accepted counts as abandoned.
ABANDON_EVENTS = ("task.canceled", "workflow.timeout")

#: The export's columns this layout reads (canonical or internal name -> file column).
FILE_COLUMNS = {
    "contact_id": "TaskSid",
    "arrival_time": "Timestamp",
    "queue": "TaskQueueName",
    "agent_id": "WorkerName",
    "channel": "TaskChannelUniqueName",
    "customer_id": "TaskAttributes",
    "event_type": "EventType",
    "timestamp_ms": "TimestampMs",
    "worker_sid": "WorkerSid",
}

#: Canonical column -> how messages name it.
MESSAGE_NAMES = {
    "arrival_time": "Timestamp (task-queue.entered)",
    "answer_time": "Timestamp (reservation.accepted)",
    "end_time": "Timestamp (task.completed / task.canceled)",
    "queue": "TaskQueueName",
    "contact_id": "TaskSid",
}

_FROM = r'"from"\s*:\s*"([^"]*)"'


def _column(frame: pd.DataFrame, name: str) -> str | None:
    return next((c for c in frame.columns if str(c).strip().lower() == name.lower()), None)


def _text(frame: pd.DataFrame, name: str) -> pd.Series | None:
    column = _column(frame, name)
    if column is None:
        return None
    values = frame[column].astype("str")
    return values.str.strip().where(frame[column].notna() & (values.str.strip() != ""))


#: Instants [ms since 1970-01-01 UTC] of the first and last years a timestamp may have.
_FIRST_MS = (pd.Timestamp(year=MIN_YEAR, month=1, day=1) - pd.Timestamp(0)) // pd.Timedelta(1, "ms")
_LAST_MS = (pd.Timestamp(year=MAX_YEAR + 1, month=1, day=1) - pd.Timestamp(0)) // pd.Timedelta(
    1, "ms"
)


def _event_ms(frame: pd.DataFrame) -> np.ndarray:
    """Event time [ms since 1970-01-01 UTC] per row; NaN where unreadable."""
    result = np.full(len(frame), np.nan)
    for name, scale in (("TimestampMs", 1.0), ("Timestamp", 1000.0)):
        values = _text(frame, name)
        if values is None:
            continue
        numbers = pd.to_numeric(values, errors="coerce").to_numpy(dtype=np.float64)
        # an epoch in seconds is below 1e11 until the year 5138; larger ones are milliseconds
        numbers = np.where(numbers > 1e11, numbers, numbers * scale) if scale != 1.0 else numbers
        text = values.where(np.isnan(numbers) & values.notna().to_numpy())
        if text.notna().any():
            parsed = pd.to_datetime(text, utc=True, errors="coerce", format="ISO8601")
            iso = parsed.dt.as_unit("ms").astype("int64").to_numpy(dtype=np.float64)
            numbers = np.where(parsed.notna().to_numpy(), iso, numbers)
        result = np.where(np.isnan(result), numbers, result)
    # An instant outside the years wfm reads (1e300, a typo) is unreadable, not an overflow
    # into a nonsense date (issue 15): it is then reported as not a timestamp.
    with np.errstate(invalid="ignore"):
        outside = ~((result >= _FIRST_MS) & (result < _LAST_MS))
    return np.where(outside, np.nan, result)


def _iso(ms: np.ndarray) -> pd.Series:
    """ISO 8601 UTC text for instants [ms]; missing where NaN."""
    text = np.datetime_as_string(
        np.nan_to_num(ms, nan=0.0).astype("int64").astype("datetime64[ms]"), unit="ms"
    )
    series = pd.Series(np.char.add(text.astype(str), "Z"), dtype="str")
    return series.where(~np.isnan(ms))


def reduce_events(
    raw: pd.DataFrame, final: bool, source: str
) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """One canonical contact per finished task of ``raw`` (events, with a ``file_line``
    column), and the events of unfinished tasks to carry to the next chunk.

    Parameters
    ----------
    raw
        Event rows under the export's column names plus ``file_line`` (1-based).
    final
        Whether this is the last chunk: unfinished tasks are then emitted as they are.
    source
        The file, for messages.

    Returns
    -------
    (pandas.DataFrame, pandas.DataFrame or None)
        Canonical contacts (``arrival_time``, ``answer_time``, ``end_time`` as ISO text,
        ``outcome``, ``queue``, ``contact_id``, optional ``agent_id``, ``channel``,
        ``customer_id``) with ``file_line``; the carried events (``None`` if none).
    """
    missing = [name for name in ("TaskSid", "EventType") if _column(raw, name) is None] + (
        [] if _column(raw, "Timestamp") or _column(raw, "TimestampMs") else ["Timestamp"]
    )
    if missing:
        raise InputError(
            f"not a Twilio TaskRouter events export: no {', '.join(missing)} column",
            source=source,
            column=missing[0],
            fix="export the TaskRouter events with their callback parameter names "
            "(EventType, Timestamp, TaskSid, TaskQueueName, ...), or use --layout generic "
            "with --map",
        )
    task = _text(raw, "TaskSid")
    event = _text(raw, "EventType").str.lower()
    events = pd.DataFrame(
        {
            "task": task.to_numpy(dtype=object),
            "time": _event_ms(raw),
            "line": raw["file_line"].to_numpy(dtype=np.int64),
        }
    )
    events = events[task.notna().to_numpy()]  # worker and workspace events have no task
    kinds = event.to_numpy(dtype=object)[task.notna().to_numpy()]
    raw_kept = raw[task.notna().to_numpy()]

    def at(kinds_wanted: tuple[str, ...], what: str) -> pd.Series:
        mask = np.isin(kinds, kinds_wanted)
        return events[what].where(mask)

    grouped = {
        "entered": at(("task-queue.entered",), "time"),
        "created": at(("task.created",), "time"),
        "accepted": at(("reservation.accepted",), "time"),
        "completed": at(("task.completed",), "time"),
        "abandon": at(ABANDON_EVENTS, "time"),
        "ended": at(FINAL_EVENTS + ("workflow.timeout",), "time"),
        "entered_line": at(("task-queue.entered",), "line"),
        "created_line": at(("task.created",), "line"),
    }
    frame = pd.DataFrame(grouped).assign(task=events["task"].to_numpy(), line=events["line"])
    by_task = frame.groupby("task", sort=False)
    times = by_task[["entered", "created", "accepted", "completed", "abandon", "ended"]].min()
    lines = by_task[["entered_line", "created_line", "line"]].min()

    def first(values: pd.Series | None, mask: np.ndarray | None = None) -> pd.Series:
        if values is None:
            return pd.Series(np.nan, index=times.index, dtype=object)
        kept = values.to_numpy(dtype=object)[task.notna().to_numpy()]
        series = pd.Series(kept, index=events.index)
        if mask is not None:
            series = series.where(mask)
        return series.groupby(events["task"].to_numpy(), sort=False).first().reindex(times.index)

    queue_names = _text(raw, "TaskQueueName")
    queue = first(queue_names, np.isin(kinds, ("task-queue.entered",)))
    queue = queue.fillna(first(queue_names, np.isin(kinds, ("reservation.accepted",))))
    queue = queue.fillna(first(queue_names))
    accepted_rows = np.isin(kinds, ("reservation.accepted",))
    agent = first(_text(raw, "WorkerName"), accepted_rows).fillna(
        first(_text(raw, "WorkerSid"), accepted_rows)
    )
    channel = first(_text(raw, "TaskChannelUniqueName"))
    attributes = _text(raw, "TaskAttributes")
    customer = first(None if attributes is None else attributes.str.extract(_FROM, expand=False))

    finished = times["ended"].notna().to_numpy()
    if not final and not finished.all():
        open_tasks = times.index[~finished]
        carry = raw_kept[raw_kept.pipe(lambda f: _text(f, "TaskSid")).isin(open_tasks)]
        keep = finished
    else:
        carry, keep = None, np.ones(len(times), dtype=bool)

    arrival = times["entered"].fillna(times["created"]).to_numpy(dtype=np.float64)
    accepted = times["accepted"].to_numpy(dtype=np.float64)
    answered = ~np.isnan(accepted)
    abandoned = ~answered & times["abandon"].notna().to_numpy()
    end = np.where(
        answered,
        times["completed"].fillna(times["ended"]).to_numpy(dtype=np.float64),
        np.where(abandoned, times["abandon"].to_numpy(dtype=np.float64), np.nan),
    )
    outcome = np.where(answered, "answered", np.where(abandoned, "abandoned", "not_counted"))
    line = lines["entered_line"].fillna(lines["created_line"]).fillna(lines["line"]).to_numpy()
    contacts = pd.DataFrame(
        {
            "contact_id": pd.Series(times.index.to_numpy(dtype=object), dtype="str"),
            "arrival_time": _iso(arrival),
            "answer_time": _iso(accepted),
            "end_time": _iso(end),
            "outcome": pd.Series(outcome, dtype="str"),
            "queue": pd.Series(queue.to_numpy(dtype=object), dtype="str"),
            "agent_id": pd.Series(agent.to_numpy(dtype=object), dtype="str"),
            "channel": pd.Series(channel.to_numpy(dtype=object), dtype="str"),
            "customer_id": pd.Series(customer.to_numpy(dtype=object), dtype="str"),
            "file_line": line.astype(np.int64),
        }
    )
    contacts = contacts[keep]
    contacts = contacts.sort_values("file_line", kind="stable").reset_index(drop=True)
    return contacts, (carry if carry is not None and len(carry) else None)


LAYOUT = ContactLayout(
    name="twilio-taskrouter",
    description="Twilio TaskRouter events export (EventType, Timestamp, TaskSid, ...)",
    file_columns=FILE_COLUMNS,
    reduce_events=reduce_events,
    message_names=MESSAGE_NAMES,
    title="Twilio TaskRouter events export",
    signature=(
        (FILE_COLUMNS["event_type"],),
        (FILE_COLUMNS["contact_id"],),
        (FILE_COLUMNS["arrival_time"], FILE_COLUMNS["timestamp_ms"]),
    ),
)
