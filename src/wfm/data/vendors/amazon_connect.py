"""Amazon Connect contact records (CTRs) flattened to CSV, one row per contact.

Written from AWS's "Data model for Amazon Connect contact records"
(https://docs.aws.amazon.com/connect/latest/adminguide/ctr-data-model.html). A contact
record is JSON; exported through Kinesis Data Firehose / Athena or ``json_normalize`` it
becomes one row per record with dotted column names::

    ContactId,Channel,InitiationMethod,InitiationTimestamp,DisconnectTimestamp,
    Queue.Name,Queue.EnqueueTimestamp,Queue.DequeueTimestamp,Queue.Duration,
    Agent.Username,Agent.ConnectedToAgentTimestamp,Agent.AgentInteractionDuration,
    Agent.CustomerHoldDuration,Agent.AfterContactWorkDuration,CustomerEndpoint.Address

Timestamps are ISO 8601 in UTC (``2026-03-02T08:00:03Z``); durations are whole seconds.

Mapping: arrival = ``Queue.EnqueueTimestamp``; answered when
``Agent.ConnectedToAgentTimestamp`` is set, abandoned when it is not; a record that never
entered a queue (IVR-only, or ``InitiationMethod`` ``OUTBOUND``/``API``/``DISCONNECT``)
is not counted. Wait = ``Queue.Duration`` (enqueue to dequeue: to the answer, or to the
caller hanging up); handle = ``AgentInteractionDuration + CustomerHoldDuration +
AfterContactWorkDuration``. The customer is ``CustomerEndpoint.Address`` (pseudonymised on
import). Connect may deliver a record more than once; repeats of a ``ContactId`` are
excluded and counted (the first is kept).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from wfm.data.vendors import ContactLayout
from wfm.errors import InputError

#: Canonical column -> Connect's column.
FILE_COLUMNS = {
    "contact_id": "ContactId",
    "channel": "Channel",
    "arrival_time": "Queue.EnqueueTimestamp",
    "queue": "Queue.Name",
    "wait_seconds": "Queue.Duration",
    "answer_time": "Agent.ConnectedToAgentTimestamp",
    "end_time": "DisconnectTimestamp",
    "talk_seconds": "Agent.AgentInteractionDuration",
    "hold_seconds": "Agent.CustomerHoldDuration",
    "wrap_seconds": "Agent.AfterContactWorkDuration",
    "agent_id": "Agent.Username",
    "customer_id": "CustomerEndpoint.Address",
    "initiation_method": "InitiationMethod",
}

#: Initiation methods whose records are never offered to an inbound queue.
NOT_OFFERED_METHODS = frozenset({"OUTBOUND", "API", "DISCONNECT", "MONITOR", "EXTERNAL_OUTBOUND"})


def _convert(frame: pd.DataFrame, source: str) -> pd.DataFrame:
    result = frame.copy()
    if "arrival_time" not in result:
        return result
    queued = result["arrival_time"].notna().to_numpy()
    if "answer_time" not in result:  # without it every contact would count as abandoned
        raise InputError(
            f"not an Amazon Connect export: no {FILE_COLUMNS['answer_time']} column",
            source=source,
            column=FILE_COLUMNS["answer_time"],
            fix="export the contact trace records with their answer timestamp, or use "
            "--layout generic with --map",
        )
    answered = result["answer_time"].notna().to_numpy()
    outcome = np.where(answered, "answered", "abandoned").astype(object)
    outcome[~queued] = "not_counted"
    method_column = next(
        (c for c in result.columns if str(c).strip().lower() == "initiationmethod"), None
    )
    if method_column is not None:
        method = result[method_column].astype("str").str.strip().str.upper().to_numpy()
        outcome[np.isin(method, list(NOT_OFFERED_METHODS))] = "not_counted"
    result["outcome"] = pd.Series(outcome, index=result.index, dtype="str")
    # end_time is only used for abandons when there is no wait; Queue.Duration gives it
    return result.drop(columns=["end_time"], errors="ignore")


LAYOUT = ContactLayout(
    name="amazon-connect",
    description="Amazon Connect contact records (CTR) flattened to CSV with dotted names",
    file_columns=FILE_COLUMNS,
    convert=_convert,
    title="Amazon Connect export",
    signature=((FILE_COLUMNS["arrival_time"],), (FILE_COLUMNS["answer_time"],)),
)
