"""The store's tables (SQLAlchemy Core).

Timestamps of records (``created_at``, audit ``at``) are UTC ISO 8601 text. Agent state events
keep ``start`` and ``end`` as integer epoch microseconds (UTC), so the retention purge is one
indexed comparison. DataFrames (history, forecast, requirements, scenario outputs, rota rows,
coverage) are stored long by :mod:`wfm.store.frames`: one ``frame_rows`` row per DataFrame row,
timestamps as UTC ISO text, with column order, dtypes and time zones in ``frames.columns_json``.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Column,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
)

metadata = MetaData()


def _surrogate_key() -> Column:
    """``id``: the integer primary key the database assigns to each new row."""
    return Column("id", Integer, primary_key=True, autoincrement=True)


def _utc_text(name: str) -> Column:
    """A required timestamp of a record: UTC ISO 8601 text (``2026-11-16T09:30:00+00:00``)."""
    return Column(name, String(40), nullable=False)


def _actor(name: str) -> Column:
    """A required user name: who did something (``wfm.store.audit.default_actor``)."""
    return Column(name, String(200), nullable=False)


def _frame_ref(name: str) -> Column:
    """A required reference to a stored DataFrame (``frames.id``)."""
    return Column(name, Integer, ForeignKey("frames.id"), nullable=False)


def _creation_stamp() -> tuple[Column, Column]:
    """``created_at`` (UTC text) and ``created_by`` (user) of a versioned record."""
    return _utc_text("created_at"), _actor("created_by")


schema_version = Table(
    "schema_version",
    metadata,
    Column("version", Integer, primary_key=True),
    Column("description", Text, nullable=False),
    _utc_text("applied_at"),
)

settings = Table(
    "settings",
    metadata,
    Column("key", String(100), primary_key=True),
    Column("value", Text, nullable=False),
)

audit_log = Table(
    "audit_log",
    metadata,
    _surrogate_key(),
    _utc_text("at"),
    _actor("actor"),
    Column("action", String(50), nullable=False),
    Column("object_type", String(50), nullable=False),
    Column("object_id", String(100), nullable=False),
    Column("details", Text, nullable=False),
)

frames = Table(
    "frames",
    metadata,
    _surrogate_key(),
    Column("columns_json", Text, nullable=False),
    Column("n_rows", Integer, nullable=False),
)

frame_rows = Table(
    "frame_rows",
    metadata,
    Column("frame_id", Integer, ForeignKey("frames.id", ondelete="CASCADE"), primary_key=True),
    Column("row_number", Integer, primary_key=True),
    Column("values_json", Text, nullable=False),
)

#: History imports, forecasts, requirements and scenario outputs: a named frame with metadata.
datasets = Table(
    "datasets",
    metadata,
    _surrogate_key(),
    Column("kind", String(30), nullable=False),
    Column("name", String(200), nullable=False),
    *_creation_stamp(),
    Column("meta_json", Text, nullable=False),
    _frame_ref("frame_id"),
    Index("ix_datasets_kind_name", "kind", "name"),
)

agents = Table(
    "agents",
    metadata,
    Column("agent_id", String(100), primary_key=True),
    Column("name", String(200), nullable=False),
    Column("team", String(100), nullable=False),
    Column("contract", String(100), nullable=False),
    Column("queues_json", Text, nullable=False),
)

agent_state_events = Table(
    "agent_state_events",
    metadata,
    _surrogate_key(),
    Column("import_id", String(100), nullable=False),
    Column("agent_id", String(100), nullable=False),
    Column("state", String(50), nullable=False),
    Column("start_epoch_us", BigInteger, nullable=False),
    Column("end_epoch_us", BigInteger, nullable=False),
    Column("timezone", String(64), nullable=False),
    Index("ix_agent_state_events_end", "end_epoch_us"),
)

rota_versions = Table(
    "rota_versions",
    metadata,
    _surrogate_key(),
    Column("name", String(200), nullable=False),
    Column("status", String(20), nullable=False),
    Column("start_date", String(10), nullable=True),
    *_creation_stamp(),
    _utc_text("updated_at"),
    _frame_ref("rota_frame_id"),
    _frame_ref("coverage_frame_id"),
    Column("solve_summary_json", Text, nullable=False),
)
