"""The audit trail: who changed or published what, and when.

``audit_log`` is append-only: this module offers :func:`record` (used by the repository
inside the same transaction as the change it records) and read functions, and nothing that
updates or deletes an entry.
"""

from __future__ import annotations

import datetime as dt
import getpass
import json
import logging
from pathlib import Path

import pandas as pd
from sqlalchemy import Connection, Engine, insert, select

from wfm.store import schema
from wfm.store.engine import connected

logger = logging.getLogger(__name__)

#: Columns of :func:`audit_log` and of its CSV export.
AUDIT_COLUMNS = ("id", "at", "actor", "action", "object_type", "object_id", "details")
#: Actions the library records.
ACTIONS = (
    "import",
    "agents_saved",
    "forecast_run",
    "requirements_saved",
    "scenario_saved",
    "site_checks_saved",
    "rota_generated",
    "rota_edited",
    "rota_published",
    "rota_deleted",
    "purge",
    "settings_saved",
)


def default_actor() -> str:
    """The OS user name, or ``"unknown"`` where the platform cannot tell."""
    try:
        return getpass.getuser()
    except Exception:  # no login name (some containers): getpass raises OSError or KeyError
        return "unknown"


def utc_now_text() -> str:
    """Now, UTC, ISO 8601 with microseconds (sorts as text)."""
    return dt.datetime.now(dt.UTC).isoformat(timespec="microseconds")


def record(
    conn: Connection,
    action: str,
    object_type: str,
    object_id: object,
    details: dict | None = None,
    actor: str | None = None,
) -> int:
    """Append one audit entry inside the caller's transaction; return its id."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}; one of {ACTIONS}")
    entry = {
        "at": utc_now_text(),
        "actor": actor or default_actor(),
        "action": action,
        "object_type": object_type,
        "object_id": str(object_id),
        "details": json.dumps(details or {}, sort_keys=True, default=str),
    }
    entry_id = conn.execute(insert(schema.audit_log).values(**entry)).inserted_primary_key[0]
    logger.info("audit %s %s %s by %s", action, object_type, object_id, entry["actor"])
    return entry_id


def audit_log(store: str | Engine | None = None) -> pd.DataFrame:
    """The audit trail, oldest first.

    Parameters
    ----------
    store
        Store URL or engine (see :func:`wfm.store.engine.open_store`).

    Returns
    -------
    pandas.DataFrame
        :data:`AUDIT_COLUMNS`; ``at`` tz-aware UTC; ``details`` as JSON text.
    """
    with connected(store) as engine, engine.connect() as conn:
        rows = (
            conn.execute(select(schema.audit_log).order_by(schema.audit_log.c.id)).mappings().all()
        )
    frame = pd.DataFrame([dict(row) for row in rows], columns=list(AUDIT_COLUMNS))
    frame["id"] = frame["id"].astype("int64")
    frame["at"] = pd.to_datetime(frame["at"], utc=True, format="ISO8601")
    return frame


def write_audit_csv(store: str | Engine | None, path: str | Path) -> int:
    """Export the audit trail to a CSV (``at`` as UTC ISO 8601); return the number of entries."""
    from wfm.data.io import write_files_atomic

    frame = audit_log(store)
    write_files_atomic({path: frame})
    return len(frame)
