"""One chunk of canonical contacts parsed and checked row by row.

:func:`check_contacts` reads the canonical columns of :mod:`wfm.data.contact_schema`
(arrival, queue, outcome, waits and durations, or the instants they are derived from) and
**excludes and counts** each bad row under its first problem (missing or unknown outcome, a
missing or unreadable arrival time, negative or absurd durations, an answer before the
arrival) in a :class:`~wfm.data.contact_schema.ContactProblems`, never silently.

Derived values: wait = answer - arrival (for an abandon, end - arrival) when no wait is
given; handle = talk + hold + wrap, or end - answer (+ wrap), when no handle time is given.
Units: instants in ms since 1970 UTC, durations in seconds.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from wfm.data.arrow_cells import encode_text, parse_instants_ms, parse_seconds
from wfm.data.contact_schema import (
    ABANDONED,
    ANSWERED,
    DURATION_COLUMNS,
    MAX_HANDLE_SECONDS,
    NOT_COUNTED,
    OUTCOMES,
    ContactProblems,
)
from wfm.errors import InputError
from wfm.limits import MAX_WAIT_SECONDS


def _seconds_column(
    frame: pd.DataFrame, column: str, scale: float
) -> tuple[np.ndarray, np.ndarray] | None:
    """A duration column [s] and its unreadable cells, or ``None`` when absent."""
    if column not in frame:
        return None
    values = frame[column]
    if pd.api.types.is_float_dtype(values.dtype) and not isinstance(values.dtype, pd.ArrowDtype):
        return values.to_numpy(dtype=np.float64, na_value=np.nan), np.zeros(len(values), bool)
    return parse_seconds(values, scale=scale)


def check_contacts(
    frame: pd.DataFrame,
    file_names: Mapping[str, str],
    *,
    first_line: int | np.ndarray,
    problems: ContactProblems,
    timezone: str | None,
    outcomes: Mapping[str, str],
    default_queue: str,
    duration_scale: float = 1.0,
) -> dict[str, np.ndarray | pd.Series]:
    """Parse and check one chunk of canonical contacts.

    Parameters
    ----------
    frame
        Canonical columns (:data:`CONTACT_COLUMNS`), text cells (durations may already be
        float seconds when a layout computed them); row ``i`` is on line ``first_line + i``.
    file_names
        Canonical name -> the file's column name, for messages.
    problems
        Where excluded rows are recorded.
    timezone
        IANA zone of naive timestamps.
    outcomes
        Outcome vocabulary (:func:`outcome_values`).
    default_queue
        Queue of every contact when there is no queue column.
    duration_scale
        Seconds per unit of numeric duration cells (0.001 for milliseconds).

    Returns
    -------
    dict
        ``arrival_ms``, ``queue_codes`` (int32) into ``queue_labels``, ``outcome`` (int8), ``wait_seconds``,
        ``handle_seconds`` and ``keep`` (bool: neither excluded nor not counted), one entry
        per row. Contacts that are not offered (IVR-only, outbound) are counted in
        ``problems.not_counted`` and not kept; their missing fields are no problem.
    """
    n = len(frame)
    excluded = np.zeros(n, dtype=bool)

    def name(column: str) -> str:
        return file_names.get(column, column)

    def exclude(kind: str, mask: np.ndarray, column: str, values, fix: str) -> None:
        mask = np.asarray(mask, dtype=bool) & ~excluded
        problems.add(kind, mask, first_line=first_line, column=column, values=values, fix=fix)
        excluded[:] |= mask

    timestamp_fix = "write ISO 8601 timestamps such as 2026-03-02T08:00:00+00:00"
    times = {}
    for column in ("answer_time", "end_time"):
        if column in frame:
            times[column], bad = parse_instants_ms(
                frame[column],
                timezone=timezone,
                source=problems.source,
                column=name(column),
                first_line=first_line,
            )
            exclude(f"{column} is not a timestamp", bad, name(column), frame[column], timestamp_fix)
    durations = {}
    for column in DURATION_COLUMNS:
        parsed = _seconds_column(frame, column, duration_scale)
        durations[column] = None if parsed is None else parsed[0]
        if parsed is not None:
            exclude(
                "duration is not a number of seconds",
                parsed[1],
                name(column),
                frame[column],
                "write durations as numbers of seconds (or h:mm:ss)",
            )

    # outcome
    if "outcome" in frame:
        raw = frame["outcome"]
        codes, labels = encode_text(raw)
        vocabulary = np.array(
            [OUTCOMES.get(outcomes.get(label.lower(), ""), -1) for label in labels] + [-2],
            dtype=np.int8,
        )
        outcome = vocabulary[codes]  # code -1 (missing) picks the trailing -2
        exclude(
            "outcome is empty",
            outcome == -2,
            name("outcome"),
            raw,
            "fill in every outcome (answered, abandoned, or a value mapped with --outcome)",
        )
        exclude(
            "unknown outcome value",
            outcome == -1,
            name("outcome"),
            raw,
            "map the value with --outcome VALUE=answered|abandoned|not_counted",
        )
        outcome = np.where(outcome < 0, NOT_COUNTED, outcome).astype(np.int8)
    else:
        answered = np.zeros(n, dtype=bool)
        if "answer_time" in times:
            answered |= ~np.isnan(times["answer_time"])
        for column in ("handle_seconds", "talk_seconds"):
            if durations[column] is not None:
                answered |= np.nan_to_num(durations[column]) > 0
        if (
            "answer_time" not in times
            and durations["handle_seconds"] is None
            and (durations["talk_seconds"] is None)
        ):
            raise InputError(
                "the contacts have no outcome column and nothing to tell answered from abandoned",
                source=problems.source,
                column="outcome",
                fix="map the outcome column (--map 'Disposition=outcome'), or give answer times "
                "or handle/talk seconds",
            )
        outcome = np.where(answered, ANSWERED, ABANDONED).astype(np.int8)
    counted = outcome != NOT_COUNTED
    arrival, bad = parse_instants_ms(
        frame["arrival_time"],
        timezone=timezone,
        source=problems.source,
        column=name("arrival_time"),
        first_line=first_line,
    )
    exclude(
        "arrival time is not a timestamp",
        bad,
        name("arrival_time"),
        frame["arrival_time"],
        timestamp_fix,
    )
    exclude(
        "arrival time is empty",
        np.isnan(arrival) & counted,
        name("arrival_time"),
        frame["arrival_time"],
        "fill in every arrival time, or drop the row",
    )
    # queue
    if "queue" in frame:
        queue_codes, queue_labels = encode_text(frame["queue"])
        exclude(
            "queue is empty",
            (queue_codes < 0) & counted,
            name("queue"),
            frame["queue"],
            "fill in the queue of every answered or abandoned contact",
        )
    else:
        queue_codes, queue_labels = np.zeros(n, dtype=np.int32), [default_queue]

    # wait: given, or answer (or, for abandons, end) minus arrival
    wait = durations["wait_seconds"]
    wait_column = name("wait_seconds")
    if wait is None:
        wait = np.full(n, np.nan)
        wait_column = name("answer_time")
        if "answer_time" in times:
            wait = (times["answer_time"] - arrival) / 1000.0
        if "end_time" in times:
            abandoned = outcome == ABANDONED
            wait[abandoned] = (times["end_time"][abandoned] - arrival[abandoned]) / 1000.0
    if "answer_time" in times:
        exclude(
            "answer before arrival",
            times["answer_time"] < arrival,
            name("answer_time"),
            frame["answer_time"],
            "check the time zones of the two columns, or drop the row",
        )

    # handle: given, or talk + hold + wrap, or end - answer (+ wrap)
    handle = durations["handle_seconds"]
    handle_column = name("handle_seconds")
    if handle is None:
        parts = [durations[c] for c in ("talk_seconds", "hold_seconds", "wrap_seconds")]
        if durations["talk_seconds"] is not None:
            handle = durations["talk_seconds"] + sum(
                np.nan_to_num(part) for part in parts[1:] if part is not None
            )
            handle_column = name("talk_seconds")
        elif "answer_time" in times and "end_time" in times:
            handle = (times["end_time"] - times["answer_time"]) / 1000.0
            if durations["wrap_seconds"] is not None:
                handle = handle + np.nan_to_num(durations["wrap_seconds"])
            handle_column = name("end_time")
        else:
            handle = np.full(n, np.nan)
    for column, values in (("wait_seconds", wait), ("handle_seconds", handle)) + tuple(
        (c, durations[c]) for c in ("talk_seconds", "hold_seconds", "wrap_seconds")
    ):
        if values is None:
            continue
        shown = frame[column] if column in frame else pd.Series(values)
        column_name = (
            name(column)
            if column in frame
            else (wait_column if column == "wait_seconds" else handle_column)
        )
        with np.errstate(invalid="ignore"):
            exclude(
                "negative duration",
                (values < 0) & counted,
                column_name,
                shown,
                "durations are never negative: check the export (or the clock columns)",
            )
    with np.errstate(invalid="ignore"):
        exclude(
            "absurd wait (over 24 hours)",
            (wait > MAX_WAIT_SECONDS) & counted,
            wait_column,
            frame["wait_seconds"] if "wait_seconds" in frame else pd.Series(wait),
            "check the unit (milliseconds?) or the clock columns, or drop the row",
        )
        exclude(
            "absurd handle time (over 8 hours)",
            (handle > MAX_HANDLE_SECONDS) & (outcome == ANSWERED),
            handle_column,
            frame["handle_seconds"] if "handle_seconds" in frame else pd.Series(handle),
            "check the unit (milliseconds?), or drop the row",
        )
    exclude(
        "answered contact without handle time",
        np.isnan(handle) & (outcome == ANSWERED),
        handle_column,
        frame["handle_seconds"] if "handle_seconds" in frame else pd.Series(handle),
        "give handle seconds (or talk, hold and wrap seconds, or answer and end times)",
    )
    handle = np.where(outcome == ANSWERED, handle, np.nan)
    problems.not_counted += int((~counted & ~excluded).sum())
    return {
        "arrival_ms": arrival,
        "queue_codes": queue_codes,
        "queue_labels": queue_labels,
        "outcome": outcome,
        "wait_seconds": np.asarray(wait, dtype=np.float64),
        "handle_seconds": np.asarray(handle, dtype=np.float64),
        "keep": ~excluded & counted,
    }


__all__ = ["check_contacts"]
