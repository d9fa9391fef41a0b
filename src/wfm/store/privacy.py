"""Personal data in the store: retention purge and pseudonymised exports.

Agent state events are personal data kept only for a retention period: :func:`purge_state_events`
deletes the events that **ended** before the cutoff (``now - older_than_days``; the centre's
``[privacy] agent_state_retention_days`` is :func:`retention_days`) and records a
``purge`` audit entry with the counts, in one transaction. Pseudonymised exports replace agent
ids by :func:`pseudonym` (HMAC-SHA256 keyed with a per-install salt kept in the store's
``settings`` table, truncated to :data:`PSEUDONYM_HEX_CHARS` hex characters) and drop names:
stable within one install, so analyses can join exports, and not linkable across installs.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd
from sqlalchemy import Connection, Engine, delete, func, select

from wfm.config import Centre
from wfm.data.pseudonyms import pseudonym
from wfm.errors import InputError
from wfm.store import schema
from wfm.store.audit import record
from wfm.store.migrations import SALT_KEY
from wfm.store.repository import load_rota, reading, transaction

logger = logging.getLogger(__name__)

#: Columns dropped from pseudonymised exports (direct identifiers other than the id).
IDENTIFYING_COLUMNS = ("name",)


@dataclass(frozen=True)
class PurgeResult:
    """What a purge did (or would do, in a dry run).

    Parameters
    ----------
    cutoff
        Events that ended before this instant (UTC) are purged.
    events_before, events_purged, events_after
        Counts of agent state events.
    dry_run
        True when nothing was deleted.
    """

    cutoff: dt.datetime
    events_before: int
    events_purged: int
    events_after: int
    dry_run: bool


def purge_state_events(
    store: str | Engine | None,
    older_than_days: float,
    *,
    now: dt.datetime | None = None,
    dry_run: bool = False,
    actor: str | None = None,
) -> PurgeResult:
    """Delete agent state events that ended more than ``older_than_days`` days before ``now``.

    Parameters
    ----------
    store
        Store URL or engine.
    older_than_days
        Retention period [days]; must be positive.
    now
        Reference instant (tz-aware; default: the current time).
    dry_run
        Count only; delete nothing and write no audit entry.
    actor
        Who purged (default: the OS user).
    """
    if not older_than_days > 0:
        raise InputError(
            "the retention period must be positive",
            column="older_than_days",
            value=older_than_days,
            fix="e.g. --older-than 90",
        )
    now = now or dt.datetime.now(dt.UTC)
    if now.tzinfo is None:
        raise InputError("the reference time needs a time zone", value=now)
    cutoff = now.astimezone(dt.UTC) - dt.timedelta(days=older_than_days)
    cutoff_us = pd.Timestamp(cutoff).value // 1000  # .value is always nanoseconds
    events = schema.agent_state_events
    old = events.c.end_epoch_us < cutoff_us
    with transaction(store) as conn:
        before = conn.execute(select(func.count()).select_from(events)).scalar_one()
        purged = conn.execute(select(func.count()).select_from(events).where(old)).scalar_one()
        if not dry_run:
            deleted = conn.execute(delete(events).where(old)).rowcount
            if deleted != purged:  # cannot happen inside one immediate transaction; be sure
                raise RuntimeError(f"purge counted {purged} events but deleted {deleted}")
            record(
                conn,
                "purge",
                "agent_state_events",
                "all",
                {
                    "cutoff": cutoff.isoformat(),
                    "older_than_days": older_than_days,
                    "events_before": before,
                    "events_purged": purged,
                    "events_after": before - purged,
                },
                actor=actor,
            )
    logger.info(
        "purge %s: %d of %d state events ended before %s",
        "dry run" if dry_run else "done",
        purged,
        before,
        cutoff,
    )
    return PurgeResult(cutoff, before, purged, before if dry_run else before - purged, dry_run)


def retention_days(centre: Centre) -> float:
    """The centre's retention period for agent state events [days] (``[privacy]`` in the centre file).

    Purge by it with ``purge_state_events(store, retention_days(centre))``.
    """
    return float(centre.privacy.agent_state_retention_days)


def install_salt(conn: Connection) -> bytes:
    """The per-install pseudonymisation salt from the ``settings`` table."""
    value = conn.execute(
        select(schema.settings.c.value).where(schema.settings.c.key == SALT_KEY)
    ).scalar_one_or_none()
    if value is None:
        raise InputError("the store has no pseudonymisation salt", fix="run `wfm db upgrade`")
    return bytes.fromhex(value)


def pseudonymise_frame(
    frame: pd.DataFrame, salt: bytes, id_columns: Iterable[str] = ("agent_id",)
) -> pd.DataFrame:
    """A copy of ``frame`` with agent ids replaced by pseudonyms and names dropped."""
    result = frame.drop(columns=[c for c in IDENTIFYING_COLUMNS if c in frame.columns])
    for column in id_columns:
        if column in result.columns:
            mapping = {value: pseudonym(value, salt) for value in result[column].dropna().unique()}
            result[column] = result[column].map(mapping)
    return result


def store_salt(store: str | Engine | None) -> bytes:
    """The salt of the store at ``store``."""
    with reading(store) as conn:
        return install_salt(conn)


def pseudonymised_rota(store: str | Engine | None, version_id: int) -> pd.DataFrame:
    """Rota rows of a stored version with pseudonymised agent ids (timestamps unchanged)."""
    version = load_rota(store, version_id)
    return pseudonymise_frame(version.rota, store_salt(store))
