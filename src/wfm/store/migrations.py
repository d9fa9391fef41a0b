"""Versioned schema: ordered migration functions and a ``schema_version`` table.

Each migration is a function of an open transaction that moves the schema from version
``n - 1`` to ``n``; :func:`upgrade` runs the pending ones in order, each in its own
transaction together with its ``schema_version`` row, so a failed migration leaves the store
at the previous version. Alembic would add autogeneration and downgrades, which a handful of
tables owned by one package does not need; this keeps the store dependency-light (SQLAlchemy
only) and the migrations readable in one file.

Rule for contributors: never edit a released migration; append a new one (and update
:mod:`wfm.store.schema` to match the result).
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Connection, Engine, insert, inspect, select
from sqlalchemy.engine import make_url

from wfm.errors import WfmError
from wfm.store import schema
from wfm.store.engine import connected, resolve_url, sqlite_file_missing

logger = logging.getLogger(__name__)

#: Settings key of the per-install salt used to pseudonymise agent ids.
SALT_KEY = "pseudonym_salt"


def _create_tables(conn: Connection) -> None:
    tables = [
        schema.settings,
        schema.audit_log,
        schema.frames,
        schema.frame_rows,
        schema.datasets,
        schema.agents,
        schema.agent_state_events,
        schema.rota_versions,
    ]
    schema.metadata.create_all(conn, tables=tables)


def _install_salt(conn: Connection) -> None:
    conn.execute(insert(schema.settings).values(key=SALT_KEY, value=secrets.token_hex(32)))


#: (version, description, function), in order; the last version is the current one.
MIGRATIONS: tuple[tuple[int, str, Callable[[Connection], None]], ...] = (
    (
        1,
        "tables for datasets, agents, state events, rota versions and the audit log",
        _create_tables,
    ),
    (2, "per-install salt for pseudonymised exports", _install_salt),
)
#: The schema version this code reads and writes.
SCHEMA_VERSION = MIGRATIONS[-1][0]


class SchemaError(WfmError):
    """The store's schema is not the version this wfm uses."""


@dataclass(frozen=True)
class SchemaStatus:
    """Where a store's schema stands.

    Parameters
    ----------
    url
        The store (password hidden).
    version
        Applied schema version (0 for an empty database).
    current
        The version this wfm uses (:data:`SCHEMA_VERSION`).
    pending
        Descriptions of the migrations not yet applied, in order.
    """

    url: str
    version: int
    current: int
    pending: tuple[str, ...]

    @property
    def up_to_date(self) -> bool:
        """True when no migration is pending."""
        return self.version == self.current


def _version(conn: Connection) -> int:
    if not inspect(conn).has_table(schema.schema_version.name):
        return 0
    versions = conn.execute(select(schema.schema_version.c.version)).scalars().all()
    return max(versions, default=0)


def status(url: str | Engine | None = None) -> SchemaStatus:
    """The schema version of the store at ``url`` and the migrations pending.

    A SQLite file that does not exist is reported as version 0 and is not created.
    """
    if sqlite_file_missing(url):
        text = make_url(resolve_url(url)).render_as_string(hide_password=True)
        return SchemaStatus(text, 0, SCHEMA_VERSION, tuple(f"{n}: {d}" for n, d, _ in MIGRATIONS))
    with connected(url) as engine, engine.connect() as conn:
        version = _version(conn)
        text = engine.url.render_as_string(hide_password=True)
    if version > SCHEMA_VERSION:
        raise SchemaError(
            f"the store is at schema version {version}, newer than this wfm's {SCHEMA_VERSION}; "
            "upgrade wfm"
        )
    pending = tuple(f"{n}: {text}" for n, text, _ in MIGRATIONS if n > version)
    return SchemaStatus(text, version, SCHEMA_VERSION, pending)


def upgrade(url: str | Engine | None = None) -> SchemaStatus:
    """Apply the pending migrations in order, each in its own transaction.

    Returns
    -------
    SchemaStatus
        The status afterwards.
    """
    with connected(url) as engine:
        with engine.begin() as conn:
            schema.metadata.create_all(conn, tables=[schema.schema_version])
        for number, description, migrate in MIGRATIONS:
            with engine.begin() as conn:  # BEGIN IMMEDIATE on SQLite: one upgrader at a time
                if _version(conn) >= number:
                    continue
                migrate(conn)
                conn.execute(
                    insert(schema.schema_version).values(
                        version=number,
                        description=description,
                        applied_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                    )
                )
                logger.info("store migrated to schema version %d: %s", number, description)
        return status(engine)


def init(url: str | Engine | None = None) -> SchemaStatus:
    """Create the store (or bring an existing one up to date): same as :func:`upgrade`."""
    return upgrade(url)


def require_current(conn: Connection) -> None:
    """Raise :class:`SchemaError` unless the store is at :data:`SCHEMA_VERSION`."""
    version = _version(conn)
    if version != SCHEMA_VERSION:
        url = conn.engine.url.render_as_string(hide_password=True)
        raise SchemaError(
            f"the store {url} is at schema version {version}, this wfm needs "
            f"{SCHEMA_VERSION}; run `wfm db init` (new store) or `wfm db upgrade`"
        )
