"""Persistence with an audit trail: a SQL database (SQLite file by default) holding history
imports, forecasts, requirements, scenarios, agents, agent state events and rota versions.

Modules: :mod:`~wfm.store.engine` (URLs and connections), :mod:`~wfm.store.schema` (tables),
:mod:`~wfm.store.migrations` (versioned schema), :mod:`~wfm.store.frames` (DataFrames to long
rows and back), :mod:`~wfm.store.audit` (the append-only audit log),
:mod:`~wfm.store.repository` (save and load) and :mod:`~wfm.store.privacy` (retention purge
and pseudonymised export).
"""

from wfm.store.audit import AUDIT_COLUMNS, audit_log, write_audit_csv
from wfm.store.engine import default_store_path, default_url, open_store, resolve_url
from wfm.store.migrations import SCHEMA_VERSION, SchemaStatus, init, status, upgrade

__all__ = [
    "AUDIT_COLUMNS",
    "SCHEMA_VERSION",
    "SchemaStatus",
    "audit_log",
    "default_store_path",
    "default_url",
    "init",
    "open_store",
    "resolve_url",
    "status",
    "upgrade",
    "write_audit_csv",
]
