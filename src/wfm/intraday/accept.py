"""Accepted re-plan changes become a new published rota version, with the audit trail.

The planner accepts some or all of a re-plan's suggestions (:mod:`wfm.intraday.replan`).
:func:`publish_changes` checks them against the published version they were made on, then in
**one transaction**: stores the rota with the changes applied to the day as a new version
(``rota_generated``), records the changes in the audit trail as the Rota builder records its
edits (``rota_edited`` with a note per change, the base version and the changes), and
publishes it (``rota_published``). Nothing is stored when any check fails:

- the suggestions were made on a version that is no longer the newest published one for the
  day (:class:`StaleSuggestionsError`);
- a change names an agent who is neither on the day's rota nor a known agent (a call-in), a
  kind wfm does not know, or a break or activity the rota no longer has.

:func:`read_suggestions` reads a ``suggestions.csv`` (or ``changes.csv``) back, checking every
cell.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from sqlalchemy import Connection, select

from wfm.data.column_matching import match_columns
from wfm.data.io import read_raw_csv
from wfm.data.parsing import parse_numbers, parse_text
from wfm.data.row_errors import raise_first
from wfm.data.timestamps import check_timezone, parse_timestamps
from wfm.errors import InputError
from wfm.intraday.rota_changes import (
    ATTENDEE_SEPARATOR,
    CHANGE_COLUMNS,
    CHANGE_KINDS,
    apply_changes,
)
from wfm.scheduling.edit_coverage import coverage_after_edit
from wfm.store import repository, schema
from wfm.store.audit import record
from wfm.store.frames import load_frame

logger = logging.getLogger(__name__)

#: Column of ``suggestions.csv`` naming the rota version the suggestions were made on.
BASE_VERSION_COLUMN = "rota_version"
_TIME_COLUMNS = ("old_start", "old_end", "new_start", "new_end")


class StaleSuggestionsError(InputError):
    """The suggestions were made on a rota version that is no longer the published one."""


@dataclass(frozen=True)
class Published:
    """A new published rota version made from accepted changes."""

    version_id: int
    base_version_id: int
    rota_day: pd.DataFrame
    changes: pd.DataFrame


def read_suggestions(path: str | Path, timezone: str) -> pd.DataFrame:
    """Read a ``suggestions.csv`` written by ``wfm intraday replan`` (every cell checked).

    Read through wfm's CSV reader (:func:`wfm.data.io.read_raw_csv`: delimiter, encoding,
    NUL bytes, oversized cells and rows, an ``.xlsx`` too) and its cell parsers, so a bad cell
    is reported with its file, line and column, and the formula quote wfm's writers put
    before ``=``, ``+``, ``-``, ``@`` is undone in text cells.

    Raises
    ------
    InputError
        Naming the file, line, column and value of the first bad cell.
    """
    source = str(path)
    check_timezone(timezone, source)
    gains = ("service_level_gain", "service_level_gain_in_plan")
    needed = [c for c in CHANGE_COLUMNS if c not in gains]
    text = ("agent_id", "kind", "activity")
    raw = read_raw_csv(path, source=source, text_columns=text, all_text=True)
    frame, names = match_columns(
        raw, needed, (*gains, BASE_VERSION_COLUMN), source=source, keep_extra=True
    )
    result = frame.copy()
    for column in text:
        result[column] = parse_text(frame[column], source=source, column=names[column])
    raise_first(
        ~result["kind"].isin(CHANGE_KINDS).to_numpy(),
        frame["kind"],
        problem="unknown kind of change",
        source=source,
        column=names["kind"],
        fix=f"use one of {', '.join(CHANGE_KINDS)}",
    )
    for column in _TIME_COLUMNS:
        result[column], _ = parse_timestamps(
            frame[column], source=source, column=names[column], timezone=timezone
        )
    for column in ("change_id", "agent_activities", BASE_VERSION_COLUMN):
        if column in frame:
            values = parse_numbers(frame[column], source=source, column=names[column], whole=True)
            result[column] = values.astype("int64")
    result["cost"] = parse_numbers(frame["cost"], source=source, column=names["cost"], minimum=None)
    for column in gains:
        if column in frame:
            result[column] = parse_numbers(
                frame[column],
                source=source,
                column=names[column],
                allow_missing=True,
                minimum=-1.0,
                maximum=1.0,
            )
    return result.reset_index(drop=True)


def parse_change_ids(accept: str, *, option: str = "--accept") -> set[int] | None:
    """The change ids ``accept`` names (``"1,3"``), or ``None`` for ``"all"``; checked before
    any work, so that a typo does not cost a whole re-plan (issue 15)."""
    if accept.strip().lower() == "all":
        return None
    try:
        ids = {int(part) for part in accept.split(",") if part.strip()}
    except ValueError:
        raise InputError(
            "takes 'all' or change ids", option=option, value=accept, fix=f"e.g. {option} 1,3"
        ) from None
    if not ids or min(ids) < 1:
        raise InputError(
            "takes 'all' or change ids (whole numbers from 1)",
            option=option,
            value=accept,
            fix=f"e.g. {option} 1,3",
        )
    return ids


def select_changes(changes: pd.DataFrame, accept: str, *, option: str = "--accept") -> pd.DataFrame:
    """The rows of ``changes`` named by ``accept``: ``"all"`` or change ids like ``"1,3"``."""
    ids = parse_change_ids(accept, option=option)
    if ids is None:
        return changes
    unknown = ids - set(changes["change_id"])
    if unknown or not ids:
        raise InputError(
            "no suggested change has these ids",
            option=option,
            value=", ".join(map(str, sorted(unknown))) or accept,
            fix=f"use ids from suggestions.csv ({', '.join(map(str, changes['change_id']))})",
        )
    return changes[changes["change_id"].isin(ids)]


def check_changes(
    changes: pd.DataFrame,
    rota_day: pd.DataFrame,
    known_agents: Collection[str],
    *,
    source: str = "the accepted changes",
) -> None:
    """Every change names agents wfm knows, and every moved piece is still in the rota.

    Raises
    ------
    InputError
        Naming the row (line in the file), column and value.
    """
    on_rota = set(rota_day["agent_id"])
    known = set(known_agents) | on_rota
    for row, change in enumerate(changes.itertuples(index=False), start=2):
        agents = str(change.agent_id).split(ATTENDEE_SEPARATOR)
        for agent in agents:
            if agent not in known:
                raise InputError(
                    "the agent is neither on the day's rota nor in the agent list",
                    source=source,
                    row=row,
                    column="agent_id",
                    value=agent,
                    fix="accept only suggestions made for this centre and day",
                )
            if change.kind != "call_in" and agent not in on_rota:
                raise InputError(
                    f"the agent is not on the day's rota, so a {change.kind} cannot apply",
                    source=source,
                    row=row,
                    column="agent_id",
                    value=agent,
                    fix="re-run `wfm intraday replan` on the published rota",
                )
            if change.kind in ("move", "postpone", "cancel"):
                own = rota_day[
                    (rota_day["agent_id"] == agent)
                    & (rota_day["activity"] == change.activity)
                    & (rota_day["start"] == change.old_start)
                ]
                if own.empty:
                    raise InputError(
                        f"the rota has no {change.activity} of this agent starting "
                        f"{change.old_start:%H:%M}",
                        source=source,
                        row=row,
                        column="old_start",
                        value=f"{agent} {change.old_start.isoformat()}",
                        fix="re-run `wfm intraday replan` on the published rota",
                    )
        if change.kind == "call_in" and any(a in on_rota for a in agents):
            raise InputError(
                "a call-in for an agent already working today",
                source=source,
                row=row,
                column="agent_id",
                value=change.agent_id,
                fix="re-run `wfm intraday replan` on the published rota",
            )


def published_version_for(conn: Connection, day: dt.date, timezone: str) -> int | None:
    """The newest published rota version whose rows include ``day`` (local date), or ``None``."""
    table = schema.rota_versions
    rows = conn.execute(
        select(table.c.id, table.c.rota_frame_id)
        .where(table.c.status == "published")
        .order_by(table.c.id.desc())
    ).all()
    for version_id, frame_id in rows:
        if _dates(load_frame(conn, frame_id), timezone).eq(day).any():
            return int(version_id)
    return None


def _dates(rota: pd.DataFrame, timezone: str) -> pd.Series:
    if "date" in rota:
        return pd.Series([pd.Timestamp(d).date() for d in rota["date"]], index=rota.index)
    return rota["start"].dt.tz_convert(timezone).dt.date


def publish_changes(
    store: str,
    base_version_id: int,
    day: dt.date,
    changes: pd.DataFrame,
    *,
    timezone: str,
    queues_by_agent: Mapping[str, Sequence[str]],
    interval_minutes: int,
    actor: str | None = None,
    note: str = "",
    source: str = "the accepted changes",
    before_commit: Callable[[Published], None] | None = None,
) -> Published:
    """Store the base version with ``changes`` applied to ``day`` as a new published version.

    Parameters
    ----------
    store : str
        Store URL.
    base_version_id : int
        The published version the suggestions were made on.
    day : datetime.date
        The day the changes are for (local).
    changes : pandas.DataFrame
        Accepted rows of :attr:`wfm.intraday.replan.Replan.changes`.
    timezone, queues_by_agent, interval_minutes
        From the centre (the stored coverage is updated for the changed agents).
    actor, note
        Who accepts, and a note for the audit trail.
    source
        Where the changes came from (a file), for messages.
    before_commit : callable, optional
        Called with the result inside the transaction (e.g. to write the output files):
        if it raises, nothing is stored.

    Raises
    ------
    StaleSuggestionsError
        A newer published version covers the day.
    InputError
        A change that cannot apply (see :func:`check_changes`).
    """
    with repository.transaction(store) as conn:
        current = published_version_for(conn, day, timezone)
        if current != base_version_id:
            raise StaleSuggestionsError(
                f"the suggestions were made on rota version {base_version_id}, but the "
                f"published rota for {day} is now version {current}",
                source=source,
                value=base_version_id,
                fix="re-run `wfm intraday replan` on the published rota and accept again",
            )
        row = repository._version_row(conn, base_version_id)
        rota = load_frame(conn, row["rota_frame_id"])
        coverage = load_frame(conn, row["coverage_frame_id"])
        on_day = _dates(rota, timezone).eq(day)
        rota_day = rota[on_day]
        known = set(queues_by_agent)
        check_changes(changes, rota_day, known, source=source)
        changed_day = apply_changes(rota_day, changes)
        if "date" in changed_day:
            changed_day["date"] = changed_day["date"].map(
                lambda d: d if isinstance(d, dt.date) else pd.Timestamp(d).date()
            )
        new_rota = pd.concat([rota[~on_day], changed_day[rota.columns]], ignore_index=True)
        new_rota = new_rota.sort_values(["agent_id", "start"], ignore_index=True)
        if not coverage.empty:
            coverage = coverage_after_edit(
                coverage, rota, new_rota, queues_by_agent, interval_minutes
            )
        version_id = repository.save_rota(
            conn,
            new_rota,
            coverage,
            json.loads(row["solve_summary_json"] or "{}"),
            name=f"{row['name']} (intraday {day}, {len(changes)} changes)",
            start_date=dt.date.fromisoformat(row["start_date"]) if row["start_date"] else None,
            actor=actor,
        )
        lines = [describe(change) for change in changes.itertuples(index=False)]
        record(
            conn,
            "rota_edited",
            "rota_version",
            version_id,
            {
                "rows": len(new_rota),
                "note": "; ".join(filter(None, [note, *lines])),
                "base_version": base_version_id,
                "day": day.isoformat(),
                "changes": [
                    {k: str(v) for k, v in change.items()} for change in changes.to_dict("records")
                ],
            },
            actor=actor,
        )
        repository.mark_published(conn, version_id, actor=actor)
        result = Published(version_id, base_version_id, changed_day, changes)
        if before_commit is not None:
            before_commit(result)
    logger.info("published rota version %d from %d changes", version_id, len(changes))
    return result


def describe(change) -> str:
    """One change in plain words, e.g. ``"A009 overtime 18:00-19:00"``."""
    kind = str(change.kind).replace("_", " ")
    if change.kind in ("move", "postpone"):
        return (
            f"{change.agent_id} {change.activity} {change.old_start:%H:%M} moved to "
            f"{change.new_start:%H:%M}"
        )
    if change.kind == "cancel":
        return f"{change.agent_id} {change.activity} {change.old_start:%H:%M} cancelled"
    if change.kind == "vto":
        return f"{change.agent_id} VTO from {change.new_start:%H:%M}"
    return f"{change.agent_id} {kind} {change.new_start:%H:%M}-{change.new_end:%H:%M}"
