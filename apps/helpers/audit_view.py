"""The audit trail as the Settings page shows it: filtered, newest first, details in words.

Pure functions of :meth:`wfm.plan.workspace.Workspace.audit`'s frame (``id, at, actor, action,
object_type, object_id, details``), tested without Streamlit.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

import pandas as pd

#: Columns of :func:`audit_table`, in display order.
AUDIT_TABLE_COLUMNS = ("id", "at", "actor", "action", "object", "details")

#: Column headings of :func:`audit_table` in planners' words.
AUDIT_TABLE_LABELS = {
    "id": "Entry",
    "at": "When (UTC)",
    "actor": "Who",
    "action": "What",
    "object": "Object",
    "details": "Details",
}


def readable_details(text: object) -> str:
    """Audit details (JSON text) as ``key: value; key: value`` (text that is not JSON as is).

    >>> readable_details('{"events": 12, "source": "states.csv"}')
    'events: 12; source: states.csv'
    """
    if text is None or (isinstance(text, float) and pd.isna(text)):
        return ""
    try:
        value = json.loads(str(text))
    except ValueError:
        return str(text)
    if not isinstance(value, dict):
        return str(value)
    parts = []
    for key, item in value.items():
        if isinstance(item, float):
            item = f"{item:g}"
        elif isinstance(item, list | dict):
            item = json.dumps(item)
        parts.append(f"{key}: {item}")
    return "; ".join(parts)


def audit_table(
    audit: pd.DataFrame, actions: Iterable[str] | None = None, actors: Iterable[str] | None = None
) -> pd.DataFrame:
    """The audit trail filtered by action and actor (``None`` or empty: all), newest first.

    Returns
    -------
    pandas.DataFrame
        :data:`AUDIT_TABLE_COLUMNS`: ``at`` as UTC ISO text (seconds), ``object`` as
        ``object_type object_id``, ``details`` in words (:func:`readable_details`).
    """
    rows = audit
    actions, actors = list(actions or []), list(actors or [])
    if actions:
        rows = rows[rows["action"].isin(actions)]
    if actors:
        rows = rows[rows["actor"].isin(actors)]
    rows = rows.sort_values("id", ascending=False)
    at = pd.to_datetime(rows["at"], utc=True)
    return pd.DataFrame(
        {
            "id": rows["id"].astype("int64"),
            "at": at.dt.strftime("%Y-%m-%d %H:%M:%S UTC"),
            "actor": rows["actor"].astype("str"),
            "action": rows["action"].astype("str"),
            "object": rows["object_type"].astype("str") + " " + rows["object_id"].astype("str"),
            "details": [readable_details(text) for text in rows["details"]],
        },
        columns=list(AUDIT_TABLE_COLUMNS),
    ).reset_index(drop=True)
