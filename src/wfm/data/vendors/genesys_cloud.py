"""Genesys Cloud Interactions view export (Performance > Interactions > Export), one row per
conversation.

Written from Genesys Cloud's Interactions view column descriptions (Resource Center,
"Interactions view" and "Consolidated view of available columns in performance views")::

    Conversation ID,Date,Direction,Media Type,Queue,Users - Interacted,ANI,Abandoned,
    Total Queue,Total Talk,Total Hold,Total ACW,Total Handle,Wrap-up

``Date`` is the conversation start in the time zone chosen for the export (naive, so
``--timezone`` applies; ISO 8601 with an offset is read as exact). Durations are
milliseconds in the export (Genesys analytics metrics such as ``tHandle`` are in ms), or
``h:mm:ss`` text when the export was formatted for display.

Mapping: arrival = ``Date``. The Interactions view has no queue-entry time, so a contact is
counted in the interval of the conversation's start, which precedes the queue entry by the
IVR time: choose the ``generic`` layout with a mapped queue-entry column if you have one.
Outcome: ``Direction`` outbound, or no ``Queue`` -> not counted; ``Abandoned`` = YES ->
abandoned; else answered when ``Total Handle`` > 0, not counted otherwise (flowed out of
the queue without an agent). Wait = ``Total Queue``; handle = ``Total Handle`` (talk +
hold + ACW). The customer is ``ANI``; the category is the ``Wrap-up`` code.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from wfm.data.arrow_cells import parse_seconds
from wfm.data.vendors import ContactLayout

FILE_COLUMNS = {
    "contact_id": "Conversation ID",
    "arrival_time": "Date",
    "direction": "Direction",
    "channel": "Media Type",
    "queue": "Queue",
    "agent_id": "Users - Interacted",
    "customer_id": "ANI",
    "abandoned": "Abandoned",
    "wait_seconds": "Total Queue",
    "talk_seconds": "Total Talk",
    "hold_seconds": "Total Hold",
    "wrap_seconds": "Total ACW",
    "handle_seconds": "Total Handle",
    "category": "Wrap-up",
}

#: ``Abandoned`` cells (upper-cased) read as abandoned, and as not abandoned; anything else is
#: an outcome to map with ``--outcome`` (empty cells are not abandoned).
ABANDONED_YES = ["YES", "Y", "TRUE", "1"]
ABANDONED_NO = ["NO", "N", "FALSE", "0", ""]

#: Seconds per unit of a numeric duration cell (the export writes milliseconds).
DURATION_SCALE = 0.001


def _column(frame: pd.DataFrame, name: str):
    return next((c for c in frame.columns if str(c).strip().lower() == name.lower()), None)


def _convert(frame: pd.DataFrame, source: str) -> pd.DataFrame:
    result = frame.copy()
    n = len(result)
    abandoned_column = _column(result, FILE_COLUMNS["abandoned"])
    direction_column = _column(result, FILE_COLUMNS["direction"])
    abandoned = np.zeros(n, dtype=bool)
    unknown = np.zeros(n, dtype=bool)
    if abandoned_column is not None:
        cells = result[abandoned_column]
        flag = cells.astype("str").str.strip().str.upper()
        abandoned = flag.isin(ABANDONED_YES).to_numpy()
        unknown = (cells.notna() & ~flag.isin(ABANDONED_YES + ABANDONED_NO)).to_numpy()
    handle = np.zeros(n)
    if "handle_seconds" in result:
        handle = np.nan_to_num(parse_seconds(result["handle_seconds"], scale=DURATION_SCALE)[0])
    outcome = np.where(abandoned, "abandoned", np.where(handle > 0, "answered", "not_counted"))
    outcome = outcome.astype(object)
    # Neither yes nor no: the cell goes on as the outcome, so the outcome check names its line
    # and value and the fix (--outcome VALUE=abandoned), instead of a silent "not abandoned".
    if abandoned_column is not None:  # without the column (another layout's file) none is
        outcome[unknown] = result[abandoned_column].astype("str").str.strip().to_numpy()[unknown]
    if "queue" in result:
        outcome[result["queue"].isna().to_numpy()] = "not_counted"
    if direction_column is not None:
        direction = result[direction_column].astype("str").str.strip().str.lower()
        outcome[direction.str.startswith("outbound").to_numpy()] = "not_counted"
    result["outcome"] = pd.Series(outcome, index=result.index, dtype="str")
    return result


LAYOUT = ContactLayout(
    name="genesys-cloud",
    description="Genesys Cloud Interactions view export (durations in ms or h:mm:ss)",
    file_columns=FILE_COLUMNS,
    convert=_convert,
    duration_scale=DURATION_SCALE,
    message_names={"outcome": FILE_COLUMNS["abandoned"]},
    title="Genesys Cloud export",
    signature=(
        (FILE_COLUMNS["arrival_time"],),
        (FILE_COLUMNS["abandoned"],),
        (FILE_COLUMNS["handle_seconds"],),
    ),
)
