"""The availability file: when agents may not work (time off) or may only work.

Contract (see ``docs/data-formats.md``): a CSV with ``agent_id``, ``start``, ``end`` and
``kind``, one row per window:

- ``unavailable``: approved time off or leave; no shift may overlap ``[start, end)``;
- ``available_only``: on the local date of ``start`` the agent may only work shifts that
  lie wholly inside such windows (several windows on one date are allowed).

Timestamps are ISO 8601, with a UTC offset or as local wall-clock times in the centre's
time zone. Column names match case-insensitively. The rules are hard: the rota engine
removes every shift that breaks them from the agent's choices
(:func:`wfm.scheduling.availability_and_preferences.availability_mask`).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from wfm.data.agents import agent_and_kind
from wfm.data.column_matching import match_columns
from wfm.data.io import read_raw_csv
from wfm.data.row_errors import file_lines, raise_first
from wfm.data.schemas import AVAILABILITY_COLUMNS, AVAILABILITY_KINDS
from wfm.data.timestamps import parse_timestamps

logger = logging.getLogger(__name__)


def read_availability(
    path: str | Path, timezone: str, agent_ids: Sequence[str] | None = None
) -> pd.DataFrame:
    """Read and validate an availability CSV.

    Parameters
    ----------
    path
        The CSV file.
    timezone
        The centre's IANA time zone: timestamps without an offset are local times in it,
        and the result is expressed in it.
    agent_ids
        If given, every ``agent_id`` must be one of them.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`~wfm.data.schemas.AVAILABILITY_COLUMNS` in file order; ``start`` and
        ``end`` tz-aware in ``timezone``; and ``line``, each window's line in the file (for
        messages that name it).

    Raises
    ------
    InputError
        Missing column, empty cell, unknown kind or agent, bad timestamp, or an ``end``
        not after its ``start``; the message names the file, line, column, value and fix.
    """
    source = str(path)
    raw = read_raw_csv(path, source=source, text_columns=("agent_id", "kind"))
    frame = validate_availability_frame(raw, source=source, timezone=timezone, agent_ids=agent_ids)
    logger.info(
        "%s: %d availability windows for %d agents", source, len(frame), frame["agent_id"].nunique()
    )
    return frame


def validate_availability_frame(
    frame: pd.DataFrame, source: str, timezone: str, agent_ids: Sequence[str] | None = None
) -> pd.DataFrame:
    """Validate a raw availability frame (row ``i`` is line ``i + 2`` of the file); see
    :func:`read_availability`. The frame is not modified."""
    data, names = match_columns(frame, AVAILABILITY_COLUMNS, source=source)
    agent_id, kind = agent_and_kind(
        data,
        names,
        AVAILABILITY_KINDS,
        agent_ids,
        source=source,
        what="availability",
        kinds_fix=f"use {' or '.join(AVAILABILITY_KINDS)}",
    )
    start, _ = parse_timestamps(
        data["start"], source=source, column=names["start"], timezone=timezone
    )
    end, _ = parse_timestamps(data["end"], source=source, column=names["end"], timezone=timezone)
    raise_first(
        (end <= start).to_numpy(),
        data["end"],
        problem="end is not after start",
        source=source,
        column=names["end"],
        fix="give each window an end after its start",
    )
    return pd.DataFrame(
        {
            "agent_id": agent_id.to_numpy(dtype=object),
            "start": start,
            "end": end,
            "kind": kind.to_numpy(dtype=object),
            "line": file_lines(data),
        }
    ).reset_index(drop=True)


def empty_availability(timezone: str = "UTC") -> pd.DataFrame:
    """An availability frame without windows."""
    stamps = pd.Series(pd.DatetimeIndex([], tz=timezone))
    return pd.DataFrame(
        {
            "agent_id": pd.Series([], dtype=object),
            "start": stamps,
            "end": stamps,
            "kind": pd.Series([], dtype=object),
        }
    )


def windows_by_agent(
    availability: pd.DataFrame | None,
) -> dict[str, tuple[tuple[str, np.int64, np.int64], ...]]:
    """Each agent's windows as sorted ``(kind, start ns, end ns)`` tuples (hashable, so
    agents with the same windows compare equal)."""
    if availability is None or availability.empty:
        return {}
    start = pd.DatetimeIndex(availability["start"]).as_unit("ns").asi8
    end = pd.DatetimeIndex(availability["end"]).as_unit("ns").asi8
    result: dict[str, list] = {}
    for agent_id, kind, s, e in zip(
        availability["agent_id"], availability["kind"], start, end, strict=True
    ):
        result.setdefault(str(agent_id), []).append((str(kind), int(s), int(e)))
    return {agent_id: tuple(sorted(rows)) for agent_id, rows in result.items()}


__all__ = [
    "empty_availability",
    "read_availability",
    "validate_availability_frame",
    "windows_by_agent",
]
