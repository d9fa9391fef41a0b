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

schema_version = Table(
    "schema_version",
    metadata,
    Column("version", Integer, primary_key=True),
    Column("description", Text, nullable=False),
    Column("applied_at", String(40), nullable=False),
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
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", String(40), nullable=False),
    Column("actor", String(200), nullable=False),
    Column("action", String(50), nullable=False),
    Column("object_type", String(50), nullable=False),
    Column("object_id", String(100), nullable=False),
    Column("details", Text, nullable=False),
)

frames = Table(
    "frames",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
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
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("kind", String(30), nullable=False),
    Column("name", String(200), nullable=False),
    Column("created_at", String(40), nullable=False),
    Column("created_by", String(200), nullable=False),
    Column("meta_json", Text, nullable=False),
    Column("frame_id", Integer, ForeignKey("frames.id"), nullable=False),
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
    Column("id", Integer, primary_key=True, autoincrement=True),
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
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", String(200), nullable=False),
    Column("status", String(20), nullable=False),
    Column("start_date", String(10), nullable=True),
    Column("created_at", String(40), nullable=False),
    Column("created_by", String(200), nullable=False),
    Column("updated_at", String(40), nullable=False),
    Column("rota_frame_id", Integer, ForeignKey("frames.id"), nullable=False),
    Column("coverage_frame_id", Integer, ForeignKey("frames.id"), nullable=False),
    Column("solve_summary_json", Text, nullable=False),
)
