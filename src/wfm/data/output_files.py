"""Readers of wfm's own output files, the contracts of :mod:`wfm.data.schemas`.

:func:`read_forecast` (``offered`` [contacts], ``aht_seconds`` [s]), :func:`read_requirements`
(``agents_required`` [agents, whole], ``asa_seconds`` [s, may be infinite: written as an
empty cell with ``queue_unstable`` true]),
:func:`read_shift_catalogue`, :func:`read_rota` (shifts with tz-aware ``start`` and ``end``,
checked for overlaps by :func:`check_rota_overlaps`) and :func:`read_coverage` (agents per
interval, may be fractional). Timestamps are read into the centre's IANA time zone. Each
goes through :func:`wfm.data.io.read_raw_csv` and the parsers of :mod:`wfm.data.parsing` and
:mod:`wfm.data.timestamps`.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from wfm.data.column_matching import match_columns
from wfm.data.infinite_cells import restore_infinite
from wfm.data.io import (
    read_raw_csv,
    to_iso,
)
from wfm.data.parsing import check_known, check_not_empty, check_unique, parse_numbers, parse_text
from wfm.data.row_errors import FIRST_DATA_LINE, file_lines, raise_first
from wfm.data.schemas import (
    FORECAST_COLUMNS,
    REQUIREMENTS_COLUMNS,
    ROTA_ACTIVITIES,
    ROTA_COLUMNS,
)
from wfm.data.timestamps import check_timezone, parse_dates, parse_timestamps
from wfm.errors import InputError
from wfm.limits import (
    MAX_AGENTS_COUNT,
    MAX_AHT_SECONDS,
    MAX_CONTACTS_PER_INTERVAL,
    MAX_COST_UNITS,
)


def _read_table(
    path: str | Path,
    timezone: str,
    columns: tuple[str, ...],
    *,
    text: tuple[str, ...] = (),
    timestamps: tuple[str, ...] = (),
    numbers: Mapping[str, bool] | None = None,
    maxima: Mapping[str, float] | None = None,
    counts: tuple[str, ...] = (),
    unique: list[str] | None = None,
    order_key: str | None = None,
) -> tuple[pd.DataFrame, dict[str, str]]:
    """Read and check a wfm table: required columns, text, timestamps, numbers, counts.

    ``numbers`` maps a number column to whether it may be empty (``maxima``: its largest
    value, if limited); ``counts`` are non-negative whole numbers stored as int64. Extra
    columns are kept as read.
    """
    source = str(path)
    check_timezone(timezone, source)
    raw = read_raw_csv(path, source=source, text_columns=text)
    frame, names = match_columns(raw, columns, source=source, keep_extra=True)
    check_not_empty(frame, source)
    result = frame.copy()
    for column in text:
        result[column] = parse_text(frame[column], source=source, column=names[column])
    for column, allow_missing in (numbers or {}).items():
        result[column] = parse_numbers(
            frame[column],
            source=source,
            column=names[column],
            allow_missing=allow_missing,
            maximum=(maxima or {}).get(column),
        )
    for column in counts:
        values = parse_numbers(
            frame[column],
            source=source,
            column=names[column],
            whole=True,
            maximum=MAX_AGENTS_COUNT,  # beyond it int64 overflows silently (issue 15)
        )
        result[column] = values.astype(np.int64)
    key = result[order_key] if order_key else None
    for column in timestamps:
        result[column], _ = parse_timestamps(
            frame[column], source=source, column=names[column], timezone=timezone, order_key=key
        )
    if unique:
        check_unique(result, unique, source=source, file_names=names)
    return result, names


def read_forecast(path: str | Path, timezone: str) -> pd.DataFrame:
    """Read a forecast CSV (:data:`~wfm.data.schemas.FORECAST_COLUMNS`).

    Parameters
    ----------
    path
        The file, as written by ``wfm forecast``.
    timezone
        IANA time zone to express ``interval_start`` in (the centre's).

    Returns
    -------
    pandas.DataFrame
        ``interval_start`` tz-aware, ``queue`` text, ``offered`` [contacts] and
        ``aht_seconds`` [s] as floats (``aht_seconds`` may be NaN); extra columns kept.
    """
    frame, _ = _read_table(
        path,
        timezone,
        FORECAST_COLUMNS,
        text=("queue",),
        timestamps=("interval_start",),
        numbers={"offered": False, "aht_seconds": True},
        # checked here, where the file and line are known, not first by staffing
        maxima={"offered": MAX_CONTACTS_PER_INTERVAL, "aht_seconds": MAX_AHT_SECONDS},
        unique=["interval_start", "queue"],
        order_key="queue",
    )
    return frame.reset_index(drop=True)


def read_requirements(path: str | Path, timezone: str) -> pd.DataFrame:
    """Read a requirements CSV (:data:`~wfm.data.schemas.REQUIREMENTS_COLUMNS`).

    ``agents_required`` and ``agents_scheduled_required`` are whole numbers (int64);
    ``traffic_erlangs``, ``service_level``, ``asa_seconds``, ``occupancy`` and
    ``aht_seconds`` are floats that may be empty (NaN). Extra columns are kept.
    """
    frame, names = _read_table(
        path,
        timezone,
        REQUIREMENTS_COLUMNS,
        text=("queue",),
        timestamps=("interval_start",),
        numbers={
            "offered": False,
            "aht_seconds": True,
            "traffic_erlangs": True,
            "service_level": True,
            "occupancy": True,
        },
        counts=("agents_required", "agents_scheduled_required"),
        unique=["interval_start", "queue"],
        order_key="queue",
    )
    # ASA is infinite when a queue cannot be stable with the agents available.
    frame["asa_seconds"] = parse_numbers(
        frame["asa_seconds"],
        source=str(path),
        column=names["asa_seconds"],
        allow_missing=True,
        allow_infinite=True,
    )
    # wfm writes an infinite ASA as an empty cell with queue_unstable true beside it
    frame = restore_infinite(frame, "asa_seconds")
    return frame.reset_index(drop=True)


def read_shift_catalogue(path: str | Path, timezone: str) -> pd.DataFrame:
    """Read a shift catalogue CSV for shift selection: one row per shift that may be
    worked, ``start`` and ``end`` (local times, tz-aware in ``timezone``, ``end`` after
    ``start``) and ``cost`` [cost units; empty for the shift's length in hours]; an optional
    ``name`` column is kept.
    """
    source = str(path)
    frame, names = _read_table(
        path,
        timezone,
        ("start", "end", "cost"),
        timestamps=("start", "end"),
        numbers={"cost": True},
        unique=["start", "end"],  # one shift twice: a typo, or two prices for one shift
    )
    too_dear = np.flatnonzero((frame["cost"] > MAX_COST_UNITS).to_numpy())
    if too_dear.size:  # HiGHS reads 1e20 and above as infinite: an absurd cost, not a price
        raise InputError(
            f"a shift's cost is above {MAX_COST_UNITS:g} cost units",
            source=source,
            row=int(too_dear[0]) + 2,
            column=names["cost"],
            value=float(frame["cost"].iloc[too_dear[0]]),
            fix="give the shift's cost in cost units (e.g. its paid hours), or leave it empty",
        )
    bad = np.flatnonzero((frame["end"] <= frame["start"]).to_numpy())
    if bad.size:
        raise InputError(
            "a shift ends at or before its start",
            source=source,
            row=int(bad[0]) + 2,
            column=names["end"],
            value=str(frame["end"].iloc[bad[0]]),
            fix="give an end after the start (a night shift ends on the next day's date)",
        )
    return frame


def read_rota(path: str | Path, timezone: str) -> pd.DataFrame:
    """Read a rota CSV (:data:`~wfm.data.schemas.ROTA_COLUMNS`).

    Returns
    -------
    pandas.DataFrame
        ``agent_id`` text, ``date`` as :class:`datetime.date` (the local date the shift
        starts), ``activity`` one of :data:`~wfm.data.schemas.ROTA_ACTIVITIES`, ``start``
        and ``end`` tz-aware in ``timezone`` with ``end`` after ``start``. Extra columns kept.
    """
    source = str(path)
    frame, names = _read_table(
        path,
        timezone,
        ROTA_COLUMNS,
        text=("agent_id", "activity", "date"),
        timestamps=("start", "end"),
        order_key="agent_id",
    )
    frame["date"] = parse_dates(frame["date"], source=source, column=names["date"])
    activity = frame["activity"].str.lower()
    check_known(
        activity,
        ROTA_ACTIVITIES,
        frame["activity"],
        problem="unknown activity",
        source=source,
        column=names["activity"],
    )
    frame["activity"] = activity
    raise_first(
        (frame["end"] <= frame["start"]).to_numpy(),
        to_iso(frame["end"]),
        problem="end is not after start",
        source=source,
        column=names["end"],
        fix="check the times; a shift over midnight ends on the next day's date",
    )
    check_rota_overlaps(frame, source=source, file_names=names, lines=file_lines(frame))
    return frame.reset_index(drop=True)


def check_rota_overlaps(
    rota: pd.DataFrame,
    *,
    source: str | None,
    file_names: Mapping[str, str] | None = None,
    lines: np.ndarray | None = None,
) -> None:
    """Raise :class:`InputError` if two pieces of one agent's rota overlap in time.

    Every reader of a rota file (``check-rota``, ``adherence``, ``reoptimise``, the app)
    goes through :func:`read_rota` and so through this check: a rota that double-books an
    agent is bad input, whatever the command. ``lines`` are the rows' file lines (default:
    row ``i`` on line ``i + 2``); the message names both lines.
    """
    if len(rota) < 2:
        return
    table = pd.DataFrame(
        {
            "agent": rota["agent_id"].to_numpy(),
            "start": rota["start"].dt.tz_convert("UTC").to_numpy(),
            "end": rota["end"].dt.tz_convert("UTC").to_numpy(),
            "line": np.arange(len(rota)) + FIRST_DATA_LINE if lines is None else lines,
            "position": np.arange(len(rota)),
        }
    ).sort_values(["agent", "start", "line"], kind="stable")
    # The latest end so far of the agent's earlier pieces, and the line it came from.
    latest_end = table.groupby("agent", sort=False)["end"].cummax()
    previous_end = latest_end.groupby(table["agent"], sort=False).shift(1)
    overlap = (table["start"] < previous_end).to_numpy()
    if not overlap.any():
        return
    position = int(np.argmax(overlap))
    row = table.iloc[position]
    mine = table.iloc[:position]
    earlier = mine[(mine["agent"] == row["agent"]) & (mine["end"] > row["start"])]
    other_line = int(earlier["line"].iloc[0])
    column = (file_names or {}).get("start", "start")
    raise InputError(
        f"agent {row['agent']}'s piece overlaps the piece on line {other_line} "
        f"({int(overlap.sum())} overlap{'s' if overlap.sum() > 1 else ''} in the file)",
        source=source,
        row=int(row["line"]),
        column=column,
        value=to_iso(rota["start"]).iloc[int(row["position"])],
        fix="an agent's work, break and lunch pieces must follow one another without overlapping; "
        "a break is its own row between two work rows",
    )


def read_coverage(
    path: str | Path, timezone: str, *, agents_column: str = "agents_scheduled"
) -> pd.DataFrame:
    """Read a coverage CSV as written by ``wfm plan`` or ``wfm schedule``.

    Needs ``interval_start``, ``queue`` and ``agents_column`` [agents, may be fractional];
    ``agents_productive`` and the other columns of
    :data:`~wfm.data.schemas.COVERAGE_COLUMNS` are kept when present. With
    ``agents_column="agents_actual"`` it reads actual staff per interval.
    """
    frame, _ = _read_table(
        path,
        timezone,
        ("interval_start", "queue", agents_column),
        text=("queue",),
        timestamps=("interval_start",),
        numbers={agents_column: False},
        maxima={agents_column: MAX_AGENTS_COUNT},
        unique=["interval_start", "queue"],
        order_key="queue",
    )
    frame = frame.reset_index(drop=True)
    for column in ("agents_productive", "agents_required", "agents_scheduled_required"):
        if column in frame:  # checked like the agents column: 1e300 or junk is not a count
            frame[column] = parse_numbers(
                frame[column],
                source=str(path),
                column=column,
                allow_missing=True,
                maximum=MAX_AGENTS_COUNT,
            )
    return frame


__all__ = [
    "read_coverage",
    "read_forecast",
    "read_requirements",
    "read_rota",
    "check_rota_overlaps",
]
