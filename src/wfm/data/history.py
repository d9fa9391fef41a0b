"""Interval history: read a contact-centre export and check it row by row.

The contract (see ``docs/data-formats.md``): one row per interval and queue with
``interval_start`` (ISO 8601 with a UTC offset, or naive local time plus a time zone),
``queue``, ``offered`` [contacts] and ``aht_seconds`` [s]; optionally ``handled``,
``abandoned``, ``answered_within_threshold``, ``abandoned_within_threshold`` [contacts],
``total_handle_seconds`` and ``total_wait_seconds`` [s] (see :data:`~wfm.data.schemas.HISTORY_OPTIONAL`).
Column names match case-insensitively and a column mapping reads files whose columns are
named differently.

Every check is vectorised; a problem is reported as one :class:`~wfm.errors.InputError`
naming the file, the line (header = line 1), the column, the value and a fix.

Example
-------
>>> history = read_history(  # doctest: +SKIP
...     "us_bank_calls_5min_2003.csv",
...     column_map={"datetime": "interval_start", "calls": "offered"},
...     timezone="America/New_York",
...     default_aht_seconds=300,
... )
>>> history.interval_minutes  # doctest: +SKIP
5
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from wfm.data.column_matching import match_columns
from wfm.data.free_memory import release_free_memory
from wfm.data.io import read_raw_csv
from wfm.data.parsing import check_not_empty, check_unique, parse_numbers, parse_text
from wfm.data.row_errors import raise_first
from wfm.data.schemas import (
    DEFAULT_QUEUE,
    HISTORY_COUNT_COLUMNS,
    HISTORY_OPTIONAL,
    HISTORY_REQUIRED,
    History,
)
from wfm.data.timestamps import check_timezone, parse_timestamps
from wfm.errors import InputError
from wfm.limits import MAX_CONTACTS_PER_INTERVAL
from wfm.timegrid import ALLOWED_INTERVAL_MINUTES, check_interval_minutes, infer_interval_minutes

logger = logging.getLogger(__name__)


#: Longest plausible average handle time [s] (4 hours); longer values are taken as a
#: unit mistake (milliseconds) rather than data.
MAX_AHT_SECONDS = 4 * 3600.0

#: If no average handle time in a file exceeds this [s], the column is taken to be in
#: minutes, not seconds: no real queue handles every contact in 15 seconds or less.
MINUTES_SUSPECT_AHT_SECONDS = 15.0

#: Columns a history file must have whatever the options (queue and AHT have defaults).
_ALWAYS_REQUIRED = ("interval_start", "offered")


def read_history(
    path: str | Path,
    *,
    column_map: Mapping[str, str] | None = None,
    timezone: str | None = None,
    interval_minutes: int | None = None,
    default_queue: str = DEFAULT_QUEUE,
    default_aht_seconds: float | None = None,
    date_format: str | None = None,
    sheet: str | None = None,
    sheet_option: str = "--sheet",
) -> History:
    """Read and validate an interval history CSV (or ``.xlsx`` workbook).

    Parameters
    ----------
    path
        The CSV file (delimiter ``,``, ``;`` or tab; UTF-8).
    column_map
        File column name -> wfm column name, e.g.
        ``{"datetime": "interval_start", "calls": "offered"}``; names match
        case-insensitively. File columns that match nothing are ignored.
    timezone
        IANA time zone of the site. Required when timestamps have no UTC offset (they are
        then local wall-clock times); otherwise timestamps are converted to it, and kept in
        UTC if it is ``None``.
    interval_minutes
        Interval length [minutes]; inferred from the timestamps if ``None``.
    default_queue
        Queue name used when the file has no ``queue`` column.
    default_aht_seconds
        Average handle time [s] used when the file has neither ``aht_seconds`` nor
        ``total_handle_seconds`` with ``handled``. Without it the AHT is unknown (NaN):
        enough to forecast volume, but staffing then needs an AHT.
    date_format
        strftime format of non-ISO dates, e.g. ``%d/%m/%Y %H:%M``; by default day-first and
        month-first dates are told apart from the data, and asked for when ambiguous.
    sheet, sheet_option
        The sheet of an ``.xlsx`` workbook to read (default the first) and how the user
        chooses it, named when the first sheet has no data or not these columns.

    Returns
    -------
    History
        Validated history, see :func:`validate_history_frame`.

    Raises
    ------
    InputError
        For the first problem found, naming the file, line, column, value and fix.
    """
    source = str(path)
    # Handed over in a list that the validation empties, so that the raw columns are freed
    # as soon as they are parsed (a large history would otherwise be held twice; issue 15).
    raw = [
        read_raw_csv(
            path,
            source=source,
            text_columns=("queue",),
            column_map=column_map,
            float_columns=HISTORY_COUNT_COLUMNS
            + ("aht_seconds", "total_handle_seconds", "total_wait_seconds"),
            sheet=sheet,
            sheet_option=sheet_option,
        )
    ]
    release_free_memory()  # the parser's buffers
    history = validate_history_frame(
        raw,
        source=source,
        timezone=timezone,
        interval_minutes=interval_minutes,
        default_queue=default_queue,
        default_aht_seconds=default_aht_seconds,
        column_map=column_map,
        date_format=date_format,
    )
    release_free_memory()  # the parsing temporaries' pages, kept by the allocators otherwise
    logger.info(
        "%s: %d rows, %d queue(s), %d-minute intervals, %s to %s (%s)",
        source,
        len(history.frame),
        len(history.queues),
        history.interval_minutes,
        history.frame["interval_start"].min(),
        history.frame["interval_start"].max(),
        history.timezone,
    )
    return history


def validate_history_frame(
    frame: pd.DataFrame | list[pd.DataFrame],
    *,
    source: str,
    timezone: str | None = None,
    interval_minutes: int | None = None,
    default_queue: str = DEFAULT_QUEUE,
    default_aht_seconds: float | None = None,
    column_map: Mapping[str, str] | None = None,
    date_format: str | None = None,
) -> History:
    """Validate a raw history frame (as read from a CSV or uploaded) into a :class:`History`.

    Row ``i`` of ``frame`` (by position) is taken to be line ``i + 2`` of the file. The
    input frame is not modified. Parameters are as in :func:`read_history`; ``source``
    names the file in messages. ``frame`` may also be handed over in a one-element list,
    which is emptied: once the count columns are parsed, the raw ones are no longer
    referenced here and can be freed (:func:`read_history` does this; issue 15).

    Checks, in order: required columns; at least one row; non-empty queue names; counts
    are non-negative numbers; AHT is a plausible number of seconds (see
    :data:`MAX_AHT_SECONDS` and :data:`MINUTES_SUSPECT_AHT_SECONDS`); timestamps parse
    (and exist in the local time zone); no interval is repeated for a queue; the interval
    length is supported; every timestamp is on the interval grid in local time.

    Returns
    -------
    History
        ``frame`` sorted by ``queue`` then ``interval_start`` with a fresh index and the
        columns of :data:`~wfm.data.schemas.HISTORY_REQUIRED` followed by the optional ones
        present. ``interval_start`` is tz-aware in ``History.timezone``; ``queue`` is text;
        ``offered`` and the other counts are float64 [contacts] (non-negative, so that
        history and forecasts share one dtype); ``aht_seconds``,
        ``total_handle_seconds`` and ``total_wait_seconds`` are float64 [s],
        ``aht_seconds`` NaN where unknown, ``total_wait_seconds`` NaN where the cell is empty.

    Notes
    -----
    When ``aht_seconds`` is absent but ``total_handle_seconds`` and ``handled`` are
    present, AHT = total_handle_seconds / handled (NaN where handled = 0): averages do not
    aggregate, totals do. ``default_aht_seconds`` applies only when the file gives no way
    to compute AHT; empty ``aht_seconds`` cells stay NaN.
    """
    if isinstance(frame, list):
        frame = frame.pop()
    if timezone is not None:
        check_timezone(timezone, source)
    if interval_minutes is not None:
        check_interval_minutes(interval_minutes, source)
    from wfm.data.locale_formats import combine_date_and_time

    frame, column_map = combine_date_and_time(frame, column_map)
    matched = match_columns(
        frame,
        required=_ALWAYS_REQUIRED,
        optional=tuple(name for name in HISTORY_REQUIRED if name not in _ALWAYS_REQUIRED)
        + HISTORY_OPTIONAL,
        source=source,
        column_map=column_map,
    )
    data, names = matched.frame, matched.file_names
    check_not_empty(data, source, what="interval")

    columns: dict[str, object] = {}
    has_queue_column = "queue" in data
    if has_queue_column:
        queue = parse_text(
            data["queue"],
            source=source,
            column=names["queue"],
            fix=f"fill in every queue name, or drop the column to put every row in queue '{default_queue}'",
        )
    else:
        queue = pd.Series(str(default_queue), index=data.index, dtype="str")
        logger.info("%s: no queue column; every row is queue '%s'", source, default_queue)

    for column in HISTORY_COUNT_COLUMNS:
        if column in data:
            columns[column] = parse_numbers(
                data[column],
                source=source,
                column=names[column],
                maximum=MAX_CONTACTS_PER_INTERVAL,
            )
    if "total_handle_seconds" in data:
        columns["total_handle_seconds"] = parse_numbers(
            data["total_handle_seconds"], source=source, column=names["total_handle_seconds"]
        )
    if "total_wait_seconds" in data:
        columns["total_wait_seconds"] = _wait_seconds(data, names, columns, source=source)
    columns["aht_seconds"] = _aht_seconds(
        data, names, columns, source=source, default_aht_seconds=default_aht_seconds
    )
    # Only the timestamps (and queue) are read from the raw frame from here on.
    data = data[[column for column in ("interval_start", "queue") if column in data]]
    del frame, matched
    release_free_memory()

    interval_start, timezone_used = parse_timestamps(
        data["interval_start"],
        source=source,
        column=names["interval_start"],
        timezone=timezone,
        order_key=queue,
        date_format=date_format,
    )
    keys = pd.DataFrame({"interval_start": interval_start, "queue": queue}, index=data.index)
    check_unique(
        keys,
        ["interval_start", "queue"],
        source=source,
        file_names=names | {"queue": names.get("queue", "queue")},
        fix="keep one row per interval and queue (remove the repeat, or add the rows up if they are parts of one interval)",
    )
    if interval_minutes is None:
        interval_minutes = _infer_interval(
            interval_start, queue, source=source, column=names["interval_start"]
        )
    _check_on_grid(
        interval_start,
        interval_minutes,
        raw=data["interval_start"],
        source=source,
        column=names["interval_start"],
    )

    # Sorted by queue then time, each column taken once in that order (sorting a finished
    # frame would hold a second copy of a large history; see docs/benchmarks.md).
    queue_text = queue.astype("str")
    queue_codes, queue_names = pd.factorize(queue_text, sort=True)
    order = np.lexsort((interval_start.array.asi8, queue_codes))
    del queue_codes, keys
    # A file already in (queue, time) order, as exports usually are, needs no sorted copy:
    # the parsed columns become the result as they are (no second copy of a large history).
    in_order = bool(len(order) == 0 or (order[1:] > order[:-1]).all())
    if in_order:
        order = slice(None)
    result = pd.DataFrame(
        {
            "interval_start": interval_start.array[order],
            "queue": queue_text.array[order],
        },
        copy=False,
    )
    del interval_start, queue, queue_text
    for column in HISTORY_REQUIRED[2:] + HISTORY_OPTIONAL:
        if column in columns:  # pop: each unsorted column is freed once it is taken
            result[column] = np.asarray(columns.pop(column), dtype=np.float64)[order]
    return History(
        frame=result,
        interval_minutes=int(interval_minutes),
        timezone=timezone_used,
        source=source,
        default_queue=None if has_queue_column else str(default_queue),
    )


def no_queue_column_note(history: History) -> str | None:
    """What to tell the user when the history's file has no queue column; ``None`` when it
    names its queues. The CLI adds how to choose the name (``--queue``), the app its own.

    >>> frame = pd.DataFrame({"queue": ["default"]})
    >>> no_queue_column_note(History(frame, 15, "UTC", "calls.csv", default_queue="default"))
    "calls.csv has no queue column: every row is in queue 'default'"
    """
    if history.default_queue is None:
        return None
    return f"{history.source} has no queue column: every row is in queue '{history.default_queue}'"


def _wait_seconds(
    data: pd.DataFrame, names: Mapping[str, str], columns: Mapping[str, object], *, source: str
) -> np.ndarray:
    """Total answer wait [s] per row (NaN where empty), checked against ``handled``.

    A wait total above zero in an interval where nothing was handled cannot be the waits of
    answered contacts (the column holds something else, e.g. abandoned contacts' waits too).
    """
    column = names["total_wait_seconds"]
    wait = parse_numbers(
        data["total_wait_seconds"], source=source, column=column, allow_missing=True
    )
    if "handled" in columns:
        handled = np.asarray(columns["handled"], dtype=np.float64)
        raise_first(
            (wait > 0) & (handled == 0),
            data["total_wait_seconds"],
            problem=f"{column} is above 0 in an interval with no contacts handled "
            f"({names['handled']} = 0): it must be the waits of answered contacts only",
            source=source,
            column=column,
            fix="give the sum of the answered contacts' waits (0 where none were answered)",
        )
    else:
        logger.warning(
            "%s: %s without a handled column: the ASA cannot be computed from it", source, column
        )
    return wait


def _aht_seconds(
    data: pd.DataFrame,
    names: Mapping[str, str],
    columns: Mapping[str, object],
    *,
    source: str,
    default_aht_seconds: float | None,
) -> np.ndarray:
    """Average handle time [s] per row: from the file, from totals, a default, or NaN."""
    size = len(data)
    if "aht_seconds" in data:
        column = names["aht_seconds"]
        aht = parse_numbers(data["aht_seconds"], source=source, column=column, allow_missing=True)
        _check_seconds(
            aht,
            data["aht_seconds"],
            f"{column} is implausibly long for an average handle time",
            source=source,
            column=column,
            fix="give the AHT in seconds (is it in milliseconds?)",
        )
        return aht
    if "total_handle_seconds" in columns and "handled" in columns:
        total = np.asarray(columns["total_handle_seconds"], dtype=np.float64)
        handled = np.asarray(columns["handled"], dtype=np.float64)
        with np.errstate(divide="ignore", invalid="ignore"):
            aht = np.where(handled > 0, total / handled, np.nan)
        column = names["total_handle_seconds"]
        _check_seconds(
            aht,
            data["total_handle_seconds"],
            f"{column} / {names['handled']} gives an implausibly long average handle time",
            source=source,
            column=column,
            fix="give the total handle time in seconds (is it in milliseconds?)",
        )
        logger.info("%s: aht_seconds derived as %s / %s", source, column, names["handled"])
        return aht
    if default_aht_seconds is not None:
        value = float(default_aht_seconds)
        if not (np.isfinite(value) and 0 < value <= MAX_AHT_SECONDS):
            raise InputError(
                "the default average handle time must be a positive number of seconds",
                source=source,
                column="aht_seconds",
                value=default_aht_seconds,
                fix=f"pass a value between 1 and {MAX_AHT_SECONDS:g} seconds (--aht-seconds)",
            )
        _check_not_minutes(np.array([value]), source=source, column="aht_seconds (default)")
        logger.info("%s: no aht_seconds column; using %g s for every row", source, value)
        return np.full(size, value)
    # Not a warning: the caller may still supply the AHT (--aht-seconds, per queue, a profile
    # or the centre, through wfm.data.handle_time.fill_missing_aht); whoever needs it and
    # finds it still missing asks for it (missing_aht_question).
    logger.info(
        "%s: no aht_seconds column (nor total_handle_seconds with handled): AHT not in the file",
        source,
    )
    return np.full(size, np.nan)


def _check_seconds(
    aht: np.ndarray, cells: pd.Series, problem: str, *, source: str, column: str, fix: str
) -> None:
    """Raise at the first AHT over :data:`MAX_AHT_SECONDS` (``problem``, with the limit, and
    the file's ``cells`` for the line and value), or when every AHT looks like minutes."""
    raise_first(
        aht > MAX_AHT_SECONDS,
        cells,
        problem=f"{problem} (over {MAX_AHT_SECONDS:g} s)",
        source=source,
        column=column,
        fix=fix,
    )
    _check_not_minutes(aht, source=source, column=column)


def _check_not_minutes(aht: np.ndarray, *, source: str, column: str) -> None:
    """Raise if every known AHT is at most 15 s: the column is in minutes, not seconds."""
    known = aht[np.isfinite(aht)]
    if not known.size:
        return
    largest = float(known.max())
    if 0 < largest <= MINUTES_SUSPECT_AHT_SECONDS:
        raise InputError(
            f"AHT looks like minutes, not seconds: no value is above {MINUTES_SUSPECT_AHT_SECONDS:g}",
            source=source,
            column=column,
            value=largest,
            fix="convert the AHT to seconds (multiply minutes by 60)",
        )
    median = float(np.median(known))
    if median < 10:
        logger.warning(
            "%s: median %s is %.3g s, which is very short; check the unit is seconds",
            source,
            column,
            median,
        )


def _infer_interval(
    interval_start: pd.Series, queue: pd.Series, *, source: str, column: str
) -> int:
    """Interval length [minutes] from the timestamps, or from the usual gap if some are off-grid.

    :func:`~wfm.timegrid.infer_interval_minutes` takes the greatest common divisor of all
    gaps, so one stray timestamp (08:07 in a quarter-hour file) makes it fail. Then the
    most common gap between consecutive intervals of a queue is used, if it is a
    supported length, so that the grid check can name the stray line.
    """
    try:
        minutes = infer_interval_minutes(interval_start, source=source)
    except InputError as error:
        keys = pd.DataFrame(
            {"queue": queue.to_numpy(), "start": interval_start.to_numpy()}
        ).drop_duplicates()
        keys = keys.sort_values(["queue", "start"], kind="stable")
        gaps = keys.groupby("queue", sort=False)["start"].diff().dropna()
        if gaps.empty:
            raise
        usual_minutes = gaps.mode().iloc[0] / pd.Timedelta(minutes=1)
        if usual_minutes not in ALLOWED_INTERVAL_MINUTES:
            raise error from None
        minutes = int(usual_minutes)
    logger.info(
        "%s: interval length inferred as %d minutes from column '%s'", source, minutes, column
    )
    return minutes


def _check_on_grid(
    interval_start: pd.Series, interval_minutes: int, *, raw: pd.Series, source: str, column: str
) -> None:
    """Every interval must start on the grid in local time: minute of day a multiple of the length."""
    local = interval_start.dt.tz_localize(None)
    off_grid = (local != local.dt.floor(f"{interval_minutes}min")).to_numpy()
    if not off_grid.any():
        return
    fix = (
        f"interval starts must be whole multiples of {interval_minutes} minutes after local midnight; "
        "check the time zone, or pass --interval-minutes if the length is wrong"
    )
    finer = _finer_file_grid(local, interval_minutes, float(off_grid.mean()))
    if finer is not None:
        # A finer export (5-minute data for a 15-minute centre) is not a stray row: say so,
        # and name both ways out (the centre file has no --interval-minutes).
        fix = (
            f"the file has {finer}-minute intervals, finer than the {interval_minutes}-minute "
            f"intervals asked for (the centre file's interval_minutes, or --interval-minutes): "
            f"plan in {finer}-minute intervals (interval_minutes = {finer}; `wfm init` proposes "
            f"a centre on the file's own grid), or export the history in "
            f"{interval_minutes}-minute intervals"
        )
    raise_first(
        off_grid,
        raw,
        problem=f"{column} is not on the {interval_minutes}-minute grid (local time)",
        source=source,
        column=column,
        fix=fix,
    )


def _finer_file_grid(local: pd.Series, interval_minutes: int, off_grid_share: float) -> int | None:
    """The file's own interval length [minutes] when the file is a finer export: a supported
    length that divides ``interval_minutes``, every start on it, and about as many starts off
    the coarser grid as a full finer export has (a 5-minute file on a 15-minute grid has 2 in
    3; a few stray rows are not a finer file). ``None`` otherwise."""
    if not (local.dt.second == 0).all():
        return None
    minute_of_day = (local.dt.hour * 60 + local.dt.minute).to_numpy()
    for length in sorted(ALLOWED_INTERVAL_MINUTES, reverse=True):
        if length >= interval_minutes or interval_minutes % length:
            continue
        expected_share = 1 - length / interval_minutes
        if not (minute_of_day % length).any() and off_grid_share >= expected_share / 2:
            return length
    return None


__all__ = [
    "DEFAULT_QUEUE",
    "MAX_AHT_SECONDS",
    "MINUTES_SUSPECT_AHT_SECONDS",
    "no_queue_column_note",
    "read_history",
    "validate_history_frame",
]
