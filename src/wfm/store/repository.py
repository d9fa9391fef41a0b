"""Save and load the store's objects, each save one transaction with its audit entry.

Objects: history imports, forecasts, requirements and scenario outputs (datasets: a frame
plus metadata, one new version per save), agents (the current list), agent state events
(appended per import), and rota versions (rota rows + coverage + solve summary, status
``draft`` then ``published``). Every function that changes the store runs in one
``engine.begin()`` block and appends its :mod:`~wfm.store.audit` entry in that same block, so
either both the change and its entry are written or neither is: a failure midway leaves the
previous version intact.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

import pandas as pd
from sqlalchemy import Connection, Engine, delete, func, insert, select, update

from wfm.data.schemas import Agent, History
from wfm.data.states import StateLog, StateLogReport
from wfm.errors import InputError
from wfm.store import schema
from wfm.store.audit import default_actor, record, utc_now_text
from wfm.store.engine import connected, resolve_url, sqlite_file_missing
from wfm.store.frames import load_frame, save_frame
from wfm.store.migrations import SchemaError, require_current

logger = logging.getLogger(__name__)

#: Kinds of dataset and the audit action recorded when one is saved.
DATASET_ACTIONS = {
    "history": "import",
    "forecast": "forecast_run",
    "requirements": "requirements_saved",
    "scenario": "scenario_saved",
    "site_checks": "site_checks_saved",
}
#: Statuses of a rota version.
ROTA_STATUSES = ("draft", "published")


def _check_exists(store: str | Engine | None) -> None:
    if sqlite_file_missing(store):  # do not leave an empty file behind
        raise SchemaError(
            f"there is no store at {resolve_url(store)}; create it with `wfm db init`"
        )


@contextmanager
def transaction(store: str | Engine | Connection | None) -> Iterator[Connection]:
    """One write transaction on a store at the current schema version.

    An open :class:`~sqlalchemy.Connection` is yielded as is: the work joins the caller's
    transaction, which commits or rolls back with everything else it holds (so several
    ``save_*`` calls can be one transaction, as in :func:`save_plan`).
    """
    if isinstance(store, Connection):
        yield store
        return
    _check_exists(store)
    with connected(store) as engine, engine.begin() as conn:
        require_current(conn)
        yield conn


@contextmanager
def reading(store: str | Engine | None) -> Iterator[Connection]:
    """A read connection on a store at the current schema version."""
    _check_exists(store)
    with connected(store) as engine, engine.connect() as conn:
        require_current(conn)
        yield conn


def check_store(store: str | Engine | None) -> None:
    """Raise a :class:`~wfm.store.migrations.SchemaError` (a user error) unless the store is usable."""
    with reading(store):
        pass


# --- datasets ----------------------------------------------------------------------------
def save_dataset(
    store: str | Engine | Connection | None,
    kind: str,
    name: str,
    frame: pd.DataFrame,
    meta: dict | None = None,
    *,
    actor: str | None = None,
) -> int:
    """Store ``frame`` as a new version of dataset ``kind``/``name``; return its id.

    Parameters
    ----------
    store
        Store URL or engine, or an open connection whose transaction the save joins.
    kind
        One of :data:`DATASET_ACTIONS` (``history``, ``forecast``, ``requirements``,
        ``scenario``, ``site_checks``: a plan's working-time checks by site).
    name
        Free name (e.g. the queue set or scenario name).
    frame
        The data; see :mod:`wfm.store.frames` for the column kinds kept.
    meta
        JSON-ready metadata (time zone, interval length, model, ...).
    actor
        Who did it (default: the OS user).
    """
    if kind not in DATASET_ACTIONS:
        raise InputError(
            "unknown dataset kind", value=kind, fix=f"use one of {', '.join(DATASET_ACTIONS)}"
        )
    with transaction(store) as conn:
        frame_id = save_frame(conn, frame)
        who = actor or default_actor()
        dataset_id = conn.execute(
            insert(schema.datasets).values(
                kind=kind,
                name=name,
                created_at=utc_now_text(),
                created_by=who,
                meta_json=json.dumps(meta or {}, sort_keys=True),
                frame_id=frame_id,
            )
        ).inserted_primary_key[0]
        record(
            conn,
            DATASET_ACTIONS[kind],
            kind,
            dataset_id,
            {"name": name, "rows": len(frame)},
            actor=who,
        )
        return dataset_id


def load_dataset(
    store: str | Engine | None, dataset_id: int, kind: str | None = None
) -> tuple[pd.DataFrame, dict]:
    """The frame and metadata of dataset ``dataset_id`` (checked to be of ``kind`` if given)."""
    with reading(store) as conn:
        row = (
            conn.execute(select(schema.datasets).where(schema.datasets.c.id == dataset_id))
            .mappings()
            .first()
        )
        if row is None or (kind is not None and row["kind"] != kind):
            raise InputError(
                f"no {kind or 'dataset'} with id {dataset_id} in the store",
                fix="list them with list_datasets",
            )
        return load_frame(conn, row["frame_id"]), json.loads(row["meta_json"])


def list_datasets(store: str | Engine | None, kind: str | None = None) -> pd.DataFrame:
    """Datasets in the store: ``id, kind, name, created_at, created_by, rows``, oldest first."""
    query = (
        select(
            schema.datasets.c.id,
            schema.datasets.c.kind,
            schema.datasets.c.name,
            schema.datasets.c.created_at,
            schema.datasets.c.created_by,
            schema.frames.c.n_rows.label("rows"),
        )
        .join(schema.frames, schema.frames.c.id == schema.datasets.c.frame_id)
        .order_by(schema.datasets.c.id)
    )
    if kind is not None:
        query = query.where(schema.datasets.c.kind == kind)
    with reading(store) as conn:
        rows = conn.execute(query).mappings().all()
    return pd.DataFrame(
        [dict(r) for r in rows], columns=["id", "kind", "name", "created_at", "created_by", "rows"]
    )


def save_history(store: str | Engine | None, history: History, *, actor: str | None = None) -> int:
    """Store a history import; return its dataset id."""
    meta = {
        "interval_minutes": history.interval_minutes,
        "timezone": history.timezone,
        "source": history.source,
    }
    return save_dataset(store, "history", history.source, history.frame, meta, actor=actor)


def load_history(store: str | Engine | None, dataset_id: int) -> History:
    """A stored history import."""
    frame, meta = load_dataset(store, dataset_id, "history")
    return History(frame, meta["interval_minutes"], meta["timezone"], meta["source"])


# --- agents ------------------------------------------------------------------------------
def save_agents(
    store: str | Engine | None, agents: Sequence[Agent], *, actor: str | None = None
) -> int:
    """Replace the stored agent list with ``agents``; return the number stored."""
    with transaction(store) as conn:
        conn.execute(delete(schema.agents))
        if agents:
            conn.execute(
                insert(schema.agents),
                [
                    {
                        "agent_id": a.agent_id,
                        "name": a.name,
                        "team": a.team,
                        "contract": a.contract,
                        "queues_json": json.dumps(list(a.queues)),
                    }
                    for a in agents
                ],
            )
        record(conn, "agents_saved", "agents", "all", {"agents": len(agents)}, actor=actor)
    return len(agents)


def load_agents(store: str | Engine | None) -> tuple[Agent, ...]:
    """The stored agents, sorted by id."""
    with reading(store) as conn:
        rows = (
            conn.execute(select(schema.agents).order_by(schema.agents.c.agent_id)).mappings().all()
        )
    return tuple(
        Agent(
            r["agent_id"], r["name"], r["team"], r["contract"], tuple(json.loads(r["queues_json"]))
        )
        for r in rows
    )


# --- agent state events ------------------------------------------------------------------
def _epoch_us(values: pd.Series) -> list[int]:
    return [int(v) for v in values.dt.tz_convert("UTC").dt.as_unit("us").astype("int64")]


def save_state_log(store: str | Engine | None, log: StateLog, *, actor: str | None = None) -> int:
    """Append a state log's events (personal data: see ``docs/privacy.md``); return the count."""
    frame = log.frame
    with transaction(store) as conn:
        import_id = utc_now_text()
        rows = [
            {
                "import_id": import_id,
                "agent_id": agent,
                "state": state,
                "start_epoch_us": start,
                "end_epoch_us": end,
                "timezone": log.timezone,
            }
            for agent, state, start, end in zip(
                frame["agent_id"],
                frame["state"],
                _epoch_us(frame["start"]),
                _epoch_us(frame["end"]),
                strict=True,
            )
        ]
        if rows:
            conn.execute(insert(schema.agent_state_events), rows)
        record(
            conn,
            "import",
            "agent_states",
            import_id,
            {"source": log.source, "events": len(rows)},
            actor=actor,
        )
    return len(rows)


def load_state_log(store: str | Engine | None, timezone: str) -> StateLog:
    """All stored state events as a :class:`~wfm.data.states.StateLog` in ``timezone``."""
    with reading(store) as conn:
        rows = conn.execute(
            select(
                schema.agent_state_events.c.agent_id,
                schema.agent_state_events.c.state,
                schema.agent_state_events.c.start_epoch_us,
                schema.agent_state_events.c.end_epoch_us,
            ).order_by(
                schema.agent_state_events.c.agent_id, schema.agent_state_events.c.start_epoch_us
            )
        ).all()
    frame = pd.DataFrame(rows, columns=["agent_id", "state", "start", "end"])
    for column in ("start", "end"):
        frame[column] = pd.to_datetime(
            frame[column].astype("int64"), unit="us", utc=True
        ).dt.tz_convert(timezone)
    frame["agent_id"] = frame["agent_id"].astype("str")
    frame["state"] = frame["state"].astype("str")
    return StateLog(frame, timezone, StateLogReport(), source="store")


# --- rota versions -----------------------------------------------------------------------
@dataclass(frozen=True)
class RotaVersion:
    """One stored rota version.

    Parameters
    ----------
    id
        Version id.
    name
        Free name.
    status
        ``draft`` or ``published``.
    start_date
        First local date of the rota, if known.
    rota
        Rota rows (:data:`wfm.data.schemas.ROTA_COLUMNS`).
    coverage
        Coverage per interval and queue.
    solve_summary
        The solve summary as JSON-ready values.
    created_at, created_by, updated_at
        Bookkeeping (UTC ISO text, actor).
    """

    id: int
    name: str
    status: str
    start_date: dt.date | None
    rota: pd.DataFrame
    coverage: pd.DataFrame
    solve_summary: dict
    created_at: str
    created_by: str
    updated_at: str

    @property
    def queues(self) -> tuple[str, ...]:
        """Queues the version's coverage staffs, sorted; none for a version stored without
        coverage (e.g. the Today page's played sample day)."""
        if "queue" not in self.coverage.columns:
            return ()
        return tuple(sorted(self.coverage["queue"].astype(str).unique()))


def _summary_dict(summary) -> dict:
    return summary.to_dict() if hasattr(summary, "to_dict") else dict(summary or {})


def save_rota(
    store: str | Engine | Connection | None,
    rota: pd.DataFrame,
    coverage: pd.DataFrame,
    solve_summary=None,
    *,
    name: str = "rota",
    start_date: dt.date | None = None,
    actor: str | None = None,
) -> int:
    """Store a new rota version as a draft; return its id.

    ``solve_summary`` is a :class:`~wfm.scheduling.solve.SolveSummary` or a dict. To store a
    :class:`~wfm.scheduling.week.RotaResult` ``r``: ``save_rota(store, r.rota, r.coverage,
    r.summary)``. ``store`` may be an open connection: the save then joins its transaction.
    """
    summary = _summary_dict(solve_summary)
    with transaction(store) as conn:
        who, now = actor or default_actor(), utc_now_text()
        rota_id = save_frame(conn, rota)
        coverage_id = save_frame(conn, coverage)
        version = conn.execute(
            insert(schema.rota_versions).values(
                name=name,
                status="draft",
                start_date=start_date.isoformat() if start_date else None,
                created_at=now,
                created_by=who,
                updated_at=now,
                rota_frame_id=rota_id,
                coverage_frame_id=coverage_id,
                solve_summary_json=json.dumps(summary, sort_keys=True),
            )
        ).inserted_primary_key[0]
        record(
            conn,
            "rota_generated",
            "rota_version",
            version,
            {"name": name, "rows": len(rota), "status": summary.get("status")},
            actor=who,
        )
        return version


def save_plan(
    store: str | Engine | None,
    forecast: pd.DataFrame,
    requirements: pd.DataFrame,
    rota: pd.DataFrame,
    coverage: pd.DataFrame,
    solve_summary=None,
    *,
    name: str = "plan",
    start_date: dt.date | None = None,
    meta: dict | None = None,
    actor: str | None = None,
) -> dict[str, int]:
    """Store a plan's forecast, requirements and rota (as a draft) in one transaction.

    Returns
    -------
    dict
        ``{"forecast": id, "requirements": id, "rota_version": id}``.
    """
    with transaction(store) as conn:
        return {
            "forecast": save_dataset(conn, "forecast", name, forecast, meta, actor=actor),
            "requirements": save_dataset(
                conn, "requirements", name, requirements, meta, actor=actor
            ),
            "rota_version": save_rota(
                conn, rota, coverage, solve_summary, name=name, start_date=start_date, actor=actor
            ),
        }


def _version_row(conn: Connection, version_id: int):
    row = (
        conn.execute(select(schema.rota_versions).where(schema.rota_versions.c.id == version_id))
        .mappings()
        .first()
    )
    if row is None:
        raise InputError(
            f"no rota version {version_id} in the store",
            fix="list them with `wfm db status` or list_rota_versions",
        )
    return row


def load_rota(store: str | Engine | None, version_id: int) -> RotaVersion:
    """A stored rota version."""
    with reading(store) as conn:
        row = _version_row(conn, version_id)
        return RotaVersion(
            id=row["id"],
            name=row["name"],
            status=row["status"],
            start_date=dt.date.fromisoformat(row["start_date"]) if row["start_date"] else None,
            rota=load_frame(conn, row["rota_frame_id"]),
            coverage=load_frame(conn, row["coverage_frame_id"]),
            solve_summary=json.loads(row["solve_summary_json"]),
            created_at=row["created_at"],
            created_by=row["created_by"],
            updated_at=row["updated_at"],
        )


def list_rota_versions(store: str | Engine | None) -> pd.DataFrame:
    """Rota versions: ``id, name, status, start_date, created_at, created_by, updated_at``."""
    columns = ["id", "name", "status", "start_date", "created_at", "created_by", "updated_at"]
    with reading(store) as conn:
        rows = conn.execute(
            select(*(schema.rota_versions.c[c] for c in columns)).order_by(
                schema.rota_versions.c.id
            )
        ).all()
    return pd.DataFrame(rows, columns=columns)


def _delete_frame(conn: Connection, frame_id: int) -> None:
    conn.execute(delete(schema.frame_rows).where(schema.frame_rows.c.frame_id == frame_id))
    conn.execute(delete(schema.frames).where(schema.frames.c.id == frame_id))


def edit_rota(
    store: str | Engine | None,
    version_id: int,
    rota: pd.DataFrame,
    coverage: pd.DataFrame | None = None,
    *,
    note: str = "",
    actor: str | None = None,
) -> None:
    """Replace a draft's rota rows (and coverage, if given); published versions are frozen."""
    with transaction(store) as conn:
        row = _version_row(conn, version_id)
        if row["status"] != "draft":
            raise InputError(
                f"rota version {version_id} is {row['status']} and cannot be edited",
                fix="save the edited rota as a new version with save_rota",
            )
        changes = {"rota_frame_id": save_frame(conn, rota), "updated_at": utc_now_text()}
        if coverage is not None:
            changes["coverage_frame_id"] = save_frame(conn, coverage)
        conn.execute(
            update(schema.rota_versions)
            .where(schema.rota_versions.c.id == version_id)
            .values(**changes)
        )
        _delete_frame(conn, row["rota_frame_id"])
        if coverage is not None:
            _delete_frame(conn, row["coverage_frame_id"])
        record(
            conn,
            "rota_edited",
            "rota_version",
            version_id,
            {"rows": len(rota), "note": note},
            actor=actor,
        )


def publish_rota(store: str | Engine | None, version_id: int, *, actor: str | None = None) -> None:
    """Mark a draft rota version published (then frozen)."""
    with transaction(store) as conn:
        mark_published(conn, version_id, actor=actor)


def mark_published(conn: Connection, version_id: int, *, actor: str | None = None) -> None:
    """:func:`publish_rota` inside the caller's transaction (with its audit entry)."""
    row = _version_row(conn, version_id)
    if row["status"] == "published":
        raise InputError(f"rota version {version_id} is already published")
    conn.execute(
        update(schema.rota_versions)
        .where(schema.rota_versions.c.id == version_id)
        .values(status="published", updated_at=utc_now_text())
    )
    record(conn, "rota_published", "rota_version", version_id, {"name": row["name"]}, actor=actor)


def delete_rota(store: str | Engine | None, version_id: int, *, actor: str | None = None) -> None:
    """Delete a rota version and its rows (the audit entries about it stay)."""
    with transaction(store) as conn:
        row = _version_row(conn, version_id)
        conn.execute(delete(schema.rota_versions).where(schema.rota_versions.c.id == version_id))
        _delete_frame(conn, row["rota_frame_id"])
        _delete_frame(conn, row["coverage_frame_id"])
        record(
            conn,
            "rota_deleted",
            "rota_version",
            version_id,
            {"name": row["name"], "status": row["status"]},
            actor=actor,
        )


def count_rows(store: str | Engine | None, table: str) -> int:
    """Number of rows in one of the store's tables (for status and tests)."""
    with reading(store) as conn:
        return conn.execute(
            select(func.count()).select_from(schema.metadata.tables[table])
        ).scalar_one()
